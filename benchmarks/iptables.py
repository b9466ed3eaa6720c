"""Cost of iptables_chains against a bare iptables-restore and a loop of ansible.builtin.iptables.

1 000 rules in 100 owned chains (10 rules each, one jump from INPUT to each chain), inside a
throw-away network namespace. Prints, in one run:
  - a bare `iptables-restore --noflush` of the same rules (the reference),
  - the module applying them, then re-checking them (no change), run as Ansible runs a module,
  - the same module task through ansible-playbook (the whole command a user waits for),
  - a loop of ansible.builtin.iptables tasks, one per rule, applying and then re-checking; it is
    measured on a sample of SAMPLE rules and scaled to 1 000 (its cost is linear in the rules),
and the ratios. Needs root. Run: make bench-iptables.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
COLLECTIONS = os.path.join(ROOT, ".cache", "collections")
BIN = os.path.dirname(sys.executable)
CHAINS, RULES_PER_CHAIN, SAMPLE = 100, 10, 100


def declaration(chains=CHAINS):
    tables = {"chains": {}, "jumps": []}
    for chain in range(chains):
        name = "IAAS-C%03d" % chain
        tables["chains"][name] = ["-s 10.%d.%d.0/24 -p tcp --dport %d -j ACCEPT" % (chain, rule, 1000 + rule)
                                  for rule in range(RULES_PER_CHAIN)]
        tables["jumps"].append({"chain": "INPUT", "target": name})
    return {"filter": tables}


def restore_script(tables):
    table = tables["filter"]
    lines = ["*filter"] + [":%s - [0:0]" % chain for chain in table["chains"]]
    for chain, rules in table["chains"].items():
        lines.extend("-A %s %s" % (chain, rule) for rule in rules)
    lines.extend("-A INPUT -j %s" % jump["target"] for jump in table["jumps"])
    return "\n".join(lines + ["COMMIT", ""])


class Namespace:
    def __init__(self):
        self.name = "pcibench-%s" % uuid.uuid4().hex[:8]
        subprocess.run(["ip", "netns", "add", self.name], check=True)

    def run(self, *command, data=None):
        start = time.perf_counter()
        result = subprocess.run(["ip", "netns", "exec", self.name, *command], input=data, capture_output=True,
                                text=True, check=False)
        elapsed = time.perf_counter() - start
        if result.returncode:
            sys.exit("%s failed:\n%s\n%s" % (command[:3], result.stdout[-3000:], result.stderr[-3000:]))
        return elapsed, result.stdout

    def reset(self):
        self.run("iptables", "-F")
        self.run("iptables", "-X")

    def delete(self):
        subprocess.run(["ip", "netns", "delete", self.name], check=False)


def module(namespace, directory, tables, with_script=False):
    """(seconds, changed) of one module run as Ansible runs it; with_script also the script it applied."""
    path = os.path.join(directory, "args.json")
    with open(path, "w") as stream:
        json.dump({"ANSIBLE_MODULE_ARGS": {"tables": tables, "cache_dir": os.path.join(directory, "cache")}}, stream)
    elapsed, output = namespace.run("env", "PYTHONPATH=" + COLLECTIONS, sys.executable, "-m",
                                    "ansible_collections.privatecloud.iaas.plugins.modules.iptables_chains", path)
    result = json.loads(output)
    return (elapsed, result["changed"], result.get("script", "")) if with_script else (elapsed, result["changed"])


CORE = """
import json, subprocess, sys, time
from ansible_collections.privatecloud.iaas.plugins.module_utils.iptables import Declaration, Iptables, Change

def run(command, data=None):
    done = subprocess.run(command, input=data, capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr

tables, cache = json.load(open(sys.argv[1])), sys.argv[2]
best = None
for attempt in range(5):
    start = time.perf_counter()
    declaration = Declaration(tables, "IAAS-")
    host = Iptables(run, "/usr/sbin/iptables-save", "/usr/sbin/iptables-restore", "/usr/bin/unshare", cache)
    host.spell(declaration)
    change = Change(declaration, host.save())
    elapsed = time.perf_counter() - start
    assert not change.changed
    best = elapsed if best is None else min(best, elapsed)
print(best)
"""


def core(namespace, directory, tables):
    """The module's own work for a re-check, without Python and Ansible start-up."""
    path = os.path.join(directory, "tables.json")
    with open(path, "w") as stream:
        json.dump(tables, stream)
    output = namespace.run("env", "PYTHONPATH=" + COLLECTIONS, sys.executable, "-c", CORE, path,
                           os.path.join(directory, "cache"))[1]
    return float(output)


def playbook(namespace, directory, tasks):
    path = os.path.join(directory, "play-%s.json" % uuid.uuid4().hex[:6])
    with open(path, "w") as stream:
        json.dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], stream)
    elapsed, output = namespace.run("env", "ANSIBLE_COLLECTIONS_PATH=" + COLLECTIONS, "ANSIBLE_LOCALHOST_WARNING=0",
                                    os.path.join(BIN, "ansible-playbook"), "-c", "local", "-i", "localhost,",
                                    "-e", "ansible_python_interpreter=" + sys.executable, path)
    return elapsed, output


def per_rule_tasks(tables):
    table = tables["filter"]
    chains = [{"chain": chain, "chain_management": True} for chain in table["chains"]]
    rules = [{"chain": chain, "rule": rule} for chain, rules in table["chains"].items() for rule in rules]
    jumps = [{"chain": "INPUT", "jump": jump["target"]} for jump in table["jumps"]]
    return [
        {"name": "Chains", "ansible.builtin.iptables": "{{ item }}", "loop": chains},
        {"name": "Rules", "ansible.builtin.iptables": {"chain": "{{ item.chain }}", "source": "{{ item.rule.split()[1] }}",
                                                       "protocol": "tcp", "destination_port": "{{ item.rule.split()[5] }}",
                                                       "jump": "ACCEPT"}, "loop": rules},
        {"name": "Jumps", "ansible.builtin.iptables": "{{ item }}", "loop": jumps},
    ]


def main():
    namespace = Namespace()
    try:
        with tempfile.TemporaryDirectory() as directory:
            tables = declaration()
            bare = None
            for _attempt in range(3):
                namespace.reset()
                elapsed = namespace.run("iptables-restore", "--noflush", data=restore_script(tables))[0]
                bare = elapsed if bare is None else min(bare, elapsed)
            namespace.reset()
            apply, changed = module(namespace, directory, tables)
            assert changed
            recheck, changed = min(module(namespace, directory, tables) for _attempt in range(3))
            assert not changed
            recheck_core = core(namespace, directory, tables)
            task = [{"name": "Firewall", "privatecloud.iaas.iptables_chains": {
                "tables": tables, "cache_dir": os.path.join(directory, "cache")}}]
            recheck_playbook = playbook(namespace, directory, task)[0]
            namespace.reset()

            scale = CHAINS * RULES_PER_CHAIN / SAMPLE
            sample = declaration(SAMPLE // RULES_PER_CHAIN)
            loop_apply = playbook(namespace, directory, per_rule_tasks(sample))[0] * scale
            loop_recheck = playbook(namespace, directory, per_rule_tasks(sample))[0] * scale
    finally:
        namespace.delete()

    rules = CHAINS * RULES_PER_CHAIN
    print("%d rules in %d owned chains:" % (rules, CHAINS))
    print("  bare iptables-restore --noflush            %8.3f s  reference" % bare)
    print("  iptables_chains apply (module process)     %8.3f s  %7.1fx reference" % (apply, apply / bare))
    print("  re-check, module process                   %8.3f s  %7.1fx reference" % (recheck, recheck / bare))
    print("  re-check, module's own work                %8.3f s  %7.1fx reference (without Python and "
          "Ansible start-up)" % (recheck_core, recheck_core / bare))
    print("  re-check, ansible-playbook with the task   %8.3f s  %7.1fx reference" % (
        recheck_playbook, recheck_playbook / bare))
    print("  ansible.builtin.iptables loop, apply       %8.1f s  (%d-rule sample x %d)" % (
        loop_apply, SAMPLE, rules // SAMPLE))
    print("  ansible.builtin.iptables loop, re-check    %8.1f s  %7.1fx the module's re-check, both through "
          "ansible-playbook" % (loop_recheck, loop_recheck / recheck_playbook))


if __name__ == "__main__":
    main()
