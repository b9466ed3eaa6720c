"""Cost of the MANAGED data plane at scale, against a bare iptables-restore of the same rules.

1 000 security groups with 10 ingress rules each and 4 instances each, every instance with an
elastic IP (4 000), planned from the inventory (dataplane.decide, then host_tables), and applied by
iptables_chains inside a throw-away network namespace. Prints, in one run:
  - plan and render (in-process, the controller's share),
  - a bare `iptables-restore --noflush` of the rendered rules (the reference),
  - the module's first apply, its re-check (no change), and a one-rule change, each as Ansible
    runs a module, with the chains the one-rule change rewrote,
and the ratios. Needs root. Run: make bench-dataplane.
"""

import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from iptables import COLLECTIONS, Namespace, module  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, COLLECTIONS)

from ansible_collections.privatecloud.iaas.plugins.module_utils import dataplane  # noqa: E402
from ansible_collections.privatecloud.iaas.plugins.module_utils.firewall import host_tables  # noqa: E402

GROUPS, RULES, INSTANCES = 1000, 10, 4


def inventory(port_of_rule=None, count=GROUPS):
    """The front-end's variables for ``count`` groups: 10.0.0.0/8 in blocks of 64, public
    addresses 100.64.x.1-250."""
    groups, instances = {}, {}
    for number in range(count):
        name = "tenant%04d/web" % number
        rules = [{"protocol": "tcp", "ports": 1000 + rule, "source": "192.0.2.0/24"} for rule in range(RULES)]
        groups[name] = {"vlan": 2 + number, "ingress": rules}
        for instance in range(INSTANCES):
            index = number * INSTANCES + instance
            instances["i-%05d" % index] = {"group": name, "node": "node1",
                                           "public_ip": "100.64.%d.%d" % (index // 250, index % 250 + 1)}
    if port_of_rule:
        (group, rule), port = port_of_rule
        groups[group]["ingress"][rule] = dict(groups[group]["ingress"][rule], ports=port)
    pool = ["100.64.%d.1-100.64.%d.250" % (block, block) for block in range(-(-count * INSTANCES // 250))]
    return {"vnet_mode": "MANAGED", "vnet_dataplane": "ansible", "vnet_subnet": "10.0.0.0",
            "vnet_netmask": "255.0.0.0", "vnet_addrspernet": 64, "vnet_publicips": pool,
            "vnet_metadata_address": "192.0.2.20:8773", "vnet_security_groups": groups, "vnet_instances": instances}


def tables_of(variables):
    planned, problems, _warnings = dataplane.decide(variables, ["node1"])
    assert not problems, problems[:5]
    return host_tables([], {}, baseline="10.0.0.0/8", dataplane=planned)


def restore_script(tables):
    lines = []
    for table, entry in tables.items():
        lines.append("*" + table)
        lines.extend(":%s - [0:0]" % chain for chain in entry["chains"])
        for chain, rules in entry["chains"].items():
            lines.extend("-A %s %s" % (chain, rule) for rule in rules)
        lines.extend("-A %s -j %s" % (jump["chain"], jump["target"]) for jump in entry["jumps"])
        lines.append("COMMIT")
    return "\n".join(lines + [""])


def count(tables):
    return sum(len(rules) for entry in tables.values() for rules in entry["chains"].values())


def main():
    start = time.perf_counter()
    tables = tables_of(inventory())
    plan_seconds = time.perf_counter() - start
    changed_group = "tenant%04d/web" % (GROUPS // 2)
    changed_tables = tables_of(inventory(((changed_group, 3), 2222)))
    namespace = Namespace()
    try:
        with tempfile.TemporaryDirectory() as directory:
            bare = None
            for _attempt in range(3):
                namespace.run("sh", "-c", "iptables -F; iptables -X; iptables -t nat -F; iptables -t nat -X")
                elapsed = namespace.run("iptables-restore", "--noflush", data=restore_script(tables))[0]
                bare = elapsed if bare is None else min(bare, elapsed)
            namespace.run("sh", "-c", "iptables -F; iptables -X; iptables -t nat -F; iptables -t nat -X")
            apply, changed = module(namespace, directory, tables)[:2]
            assert changed
            recheck, changed = min(module(namespace, directory, tables) for _attempt in range(3))
            assert not changed
            one_rule, changed, script = module(namespace, directory, changed_tables, with_script=True)
            assert changed
    finally:
        namespace.delete()
    rewritten = sorted(set(re.findall(r"^-[AFIDRN] (\S+)", script, re.M)) | set(re.findall(r"^:(\S+)", script, re.M)))
    print("%d groups x %d rules, %d instances with elastic IPs: %d rules in %d owned chains" % (
        GROUPS, RULES, GROUPS * INSTANCES, count(tables), sum(len(entry["chains"]) for entry in tables.values())))
    print("  plan and render (controller, in-process)   %8.3f s" % plan_seconds)
    print("  bare iptables-restore --noflush            %8.3f s  reference" % bare)
    print("  iptables_chains first apply                %8.3f s  %7.1fx reference" % (apply, apply / bare))
    print("  re-check (no change)                       %8.3f s  %7.1fx reference" % (recheck, recheck / bare))
    print("  one-rule change                            %8.3f s  %7.1fx reference; chains rewritten: %s" % (
        one_rule, one_rule / bare, ", ".join(rewritten)))


if __name__ == "__main__":
    main()
