"""Cost of the MANAGED data plane at scale, against a bare load of the same table.

1 000 security groups with 10 ingress rules each and 4 instances each, every instance with an
elastic IP (4 000), planned from the inventory (dataplane.decide, then the data plane's nftables
table and the iptables chains beside it), and applied inside a throw-away network namespace.
Prints, in one run:
  - plan and render (in-process, the controller's share),
  - a bare `nft -f` of the table's boot file (the reference),
  - nft_table's first apply, its re-check (no change), and a one-rule change, each as Ansible
    runs a module, with the commands the one-rule change ran,
  - iptables_chains' apply and re-check of the chains that stay iptables' (baseline, metadata),
and the ratios. Needs root. Run: make bench-dataplane.
"""

import json
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from iptables import COLLECTIONS, Namespace, module  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, COLLECTIONS)

from ansible_collections.privatecloud.iaas.plugins.module_utils import dataplane  # noqa: E402
from ansible_collections.privatecloud.iaas.plugins.module_utils import dataplane_table  # noqa: E402
from ansible_collections.privatecloud.iaas.plugins.module_utils.firewall import chain_name, host_tables  # noqa: E402

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
    """(iptables tables, the nftables table) of the front-end."""
    planned, problems, _warnings = dataplane.decide(variables, ["node1"])
    assert not problems, problems[:5]
    return (host_tables([], {}, baseline="10.0.0.0/8", dataplane=planned),
            dataplane_table.table(planned, "IAAS-", chain_name))


def table_module(namespace, directory, table):
    """(seconds, changed, commands) of one nft_table run as Ansible runs it."""
    path = os.path.join(directory, "table-args.json")
    with open(path, "w") as stream:
        json.dump({"ANSIBLE_MODULE_ARGS": {"table": table}}, stream)
    elapsed, output = namespace.run("env", "PYTHONPATH=" + COLLECTIONS, sys.executable, "-m",
                                    "ansible_collections.privatecloud.iaas.plugins.modules.nft_table", path)
    result = json.loads(output)
    return elapsed, result["changed"], result["commands"]


def count(tables):
    return sum(len(rules) for entry in tables.values() for rules in entry["chains"].values())


def main():
    start = time.perf_counter()
    tables, table = tables_of(inventory())
    plan_seconds = time.perf_counter() - start
    changed_group = "tenant%04d/web" % (GROUPS // 2)
    changed_table = tables_of(inventory(((changed_group, 3), 2222)))[1]
    boot = dataplane_table.boot_file(table)
    namespace = Namespace()
    try:
        with tempfile.TemporaryDirectory() as directory:
            bare = None
            for _attempt in range(3):
                elapsed = namespace.run("nft", "-f", "-", data=boot)[0]
                bare = elapsed if bare is None else min(bare, elapsed)
            namespace.run("nft", "delete", "table", "ip", table["name"])
            apply, changed, _commands = table_module(namespace, directory, table)
            assert changed
            recheck, changed = min(table_module(namespace, directory, table)[:2] for _attempt in range(3))
            assert not changed
            one_rule, changed, commands = table_module(namespace, directory, changed_table)
            assert changed
            chains_apply, changed = module(namespace, directory, tables)[:2]
            assert changed
            chains_recheck, changed = min(module(namespace, directory, tables) for _attempt in range(3))
            assert not changed
    finally:
        namespace.delete()
    rewritten = sorted(set(re.findall(r"^(?:flush|add rule|add element|delete element) ip \S+ (\S+)", "\n".join(commands),
                                      re.M)))
    rules = sum(len(chain["rules"]) for chain in table["chains"])
    elements = sum(len(entry["elements"]) for entry in table["maps"])
    print("%d groups x %d rules, %d instances with elastic IPs: a table of %d rules in %d chains and %d map elements;"
          " %d iptables rules beside it" % (GROUPS, RULES, GROUPS * INSTANCES, rules, len(table["chains"]), elements,
                                            count(tables)))
    print("  plan and render (controller, in-process)   %8.3f s" % plan_seconds)
    print("  bare nft -f of the table                   %8.3f s  reference" % bare)
    print("  nft_table first apply                      %8.3f s  %7.1fx reference" % (apply, apply / bare))
    print("  re-check (no change)                       %8.3f s  %7.1fx reference" % (recheck, recheck / bare))
    print("  one-rule change                            %8.3f s  %7.1fx reference; %d commands, touching: %s" % (
        one_rule, one_rule / bare, len(commands), ", ".join(rewritten)))
    print("  iptables_chains apply / re-check           %8.3f s / %.3f s" % (chains_apply, chains_recheck))


if __name__ == "__main__":
    main()
