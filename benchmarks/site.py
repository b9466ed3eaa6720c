"""What playbooks/site.yml costs on a cloud of one front-end and N nodes, against an empty play.

For each size (2 nodes, then NODES, 20 unless told), a lab in the default lab's mode
(MANAGED-NOVLAN, the collection's own data plane, two security groups, one instance per node, an
elastic IP on every third) is started in systemd containers. The controller reaches them over
SSH, as it reaches real hosts (the project's ansible.cfg: pipelining; ssh's ControlPersist), and
these are timed:
  - the first converge,
  - the idempotent rerun (the median of REPEAT runs; each must change nothing),
  - a rerun after a one-node change in the inventory: an instance added on the last node, or
    taken away again (the median of REPEAT changes, one way then the other),
  - an empty play on the same hosts (gather facts, one ping; the median of REPEAT runs, at least
    five), the reference.
It prints the wall times and their ratios to the empty play, how many tasks ran on each kind of
host (front-end, nodes: the fewest and the most), and the ten slowest tasks of the rerun and of
the fastest change. The lab is removed afterwards (KEEP=1 keeps the last one). Every task's time
of those two runs is kept in .cache/bench-site/rerun-<nodes>.json and change-<nodes>.json. Needs
root and podman. Run:
make bench-site [NODES=20] [REPEAT=3] [SIZES="2 20"].
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, ".cache", "bench-site")
# Networks of their own: management (the controller and the packages), public, private.
MANAGEMENT, PUBLIC, PRIVATE = "198.18.10", "198.18.9", "198.18.11"
KEY = os.path.join(WORK, "id_ed25519")


def inventory(nodes, added=False, ssh=True):
    """The lab's inventory for this many nodes, and its directory; added: one more instance on the
    last node; ssh: the connection the measured runs use (podman exec starts and prepares the lab)."""
    node_names = ["bench-node%02d" % number for number in range(1, nodes + 1)]
    instances = {}
    for number, node in enumerate(node_names, start=1):
        instance = {"group": "admin/web" if number % 2 else "admin/default", "node": node}
        if number % 3 == 1:
            instance["public_ip"] = "%s.%d" % (PUBLIC, 10 + number // 3)
        instances["i-%04d" % number] = instance
    if added:
        instances["i-9999"] = {"group": "admin/web", "node": node_names[-1]}
    common = {
        "ansible_python_interpreter": "/usr/bin/python3",
        "lab_network": "privatecloud-bench",
        "lab_subnet": MANAGEMENT + ".0/24",
        "lab_internal_networks": [{"name": "privatecloud-bench-pub", "subnet": PUBLIC + ".0/26"},
                                  {"name": "privatecloud-bench-priv", "subnet": PRIVATE + ".0/24"}],
        "lab_image": "localhost/privatecloud-debian:{{ lookup('ansible.builtin.env', 'PRIVATECLOUD_RELEASE', default='13') }}",
        "ntp_upstream_servers": [],
        "ntp_allow": [MANAGEMENT + ".0/24"],
        "iaas_platform": "eucalyptus",
        "vnet_mode": "MANAGED-NOVLAN",
    }
    frontend = {
        "lab_sysctls": {"net.ipv4.ip_forward": "1"},
        "vnet_dataplane": "ansible",
        "vnet_pubinterface": "eth1",
        "vnet_privinterface": "eth2",
        "vnet_dhcpdaemon": "/usr/sbin/dhcpd",
        "vnet_subnet": "10.20.0.0",
        "vnet_netmask": "255.255.0.0",
        "vnet_addrspernet": 64,
        "vnet_dns": PRIVATE + ".2",
        "vnet_publicips": ["%s.10-%s.40" % (PUBLIC, PUBLIC)],
        "vnet_security_groups": {
            "admin/default": {"vlan": 10, "ingress": [{"protocol": "tcp", "ports": 8080, "source_group": "admin/web"}]},
            "admin/web": {"vlan": 11, "ingress": [{"protocol": "tcp", "ports": 22, "source": "0.0.0.0/0"}]},
        },
        "vnet_instances": instances,
    }
    node_vars = {
        # In these containers a virsh client often waits for ever on libvirtd when several nodes
        # ask at once (libvirtd lacks the host's udev and file monitor there): the check of
        # libvirt's default network is left out of the benchmark, not out of the role.
        "node_remove_libvirt_default_network": False,
        "vnet_bridge": "br0",
        "bridge_interfaces": [{"name": "br0", "ports": ["eth1"], "address": "{{ lab_internal_addresses['privatecloud-bench-priv'] }}/24",
                               "forward_delay": 1, "hello_time": 2}],
    }
    if ssh:
        # The cloud's hosts only: the implicit localhost of the validation play stays local.
        connection = {"ansible_connection": "ssh", "ansible_user": "root", "ansible_ssh_private_key_file": KEY,
                      "ansible_ssh_common_args": "-o UserKnownHostsFile=%s/known_hosts -o StrictHostKeyChecking=accept-new" % WORK}
    else:
        connection = {"ansible_connection": "containers.podman.podman", "bench_public_key": KEY + ".pub"}
    frontend.update(connection)
    node_vars.update(connection)
    hosts = {"all": {"children": {
        "frontend": {"hosts": {"bench-frontend": {
            "lab_address": MANAGEMENT + ".5", "ansible_host": MANAGEMENT + ".5" if ssh else "bench-frontend",
            "lab_internal_addresses": {"privatecloud-bench-pub": PUBLIC + ".2", "privatecloud-bench-priv": PRIVATE + ".2"}}}},
        "nodes": {"hosts": {node: {
            "lab_address": "%s.%d" % (MANAGEMENT, 10 + number),
            "ansible_host": "%s.%d" % (MANAGEMENT, 10 + number) if ssh else node,
            "lab_internal_addresses": {"privatecloud-bench-priv": "%s.%d" % (PRIVATE, 10 + number)}}
            for number, node in enumerate(node_names, start=1)}},
    }}}
    directory = os.path.join(WORK, "inventory-%d%s" % (nodes, "" if ssh else "-podman"))
    os.makedirs(os.path.join(directory, "group_vars"), exist_ok=True)
    # JSON is YAML: the files are written as JSON.
    for name, content in (("hosts.yml", hosts), ("group_vars/all.yml", common),
                          ("group_vars/frontend.yml", frontend), ("group_vars/nodes.yml", node_vars)):
        with open(os.path.join(directory, name), "w", encoding="utf-8") as output:
            json.dump(content, output, indent=1)
    return directory


def playbook(directory, path, label, log):
    """Runs a playbook; returns its wall time and what the profile callback recorded."""
    with tempfile.NamedTemporaryFile(suffix=".json") as profile:
        env = dict(os.environ, SITE_PROFILE=profile.name,
                   ANSIBLE_CALLBACK_PLUGINS=os.path.join(ROOT, "benchmarks", "callback_plugins"),
                   ANSIBLE_CALLBACKS_ENABLED="site_profile")
        with open(log, "a", encoding="utf-8") as output:
            output.write("\n### %s\n" % label)
            output.flush()
            start = time.perf_counter()
            result = subprocess.run(["ansible-playbook", "-i", directory, path], cwd=ROOT, env=env,
                                    stdout=output, stderr=subprocess.STDOUT, check=False)
            seconds = time.perf_counter() - start
        if result.returncode:
            sys.exit("%s failed (exit %d); see %s" % (label, result.returncode, log))
        with open(profile.name, encoding="utf-8") as recorded:
            return seconds, json.load(recorded)


def changed(profile):
    return sum(counts["changed"] for counts in profile["hosts"].values())


def measure(nodes, repeat, log):
    containers = inventory(nodes, ssh=False)
    up = playbook(containers, "tests/harness/lab-up.yml", "lab up (%d nodes)" % nodes, log)[0]
    # New containers, new host keys: the last lab's keys are forgotten.
    open(os.path.join(WORK, "known_hosts"), "w", encoding="utf-8").close()
    up += playbook(containers, "benchmarks/ssh.yml", "SSH server", log)[0]
    print("%d nodes: lab started in %.0f s (not counted)" % (nodes, up), flush=True)
    directory = inventory(nodes)
    figures = {"first converge": playbook(directory, "playbooks/site.yml", "first converge", log)[0]}
    reruns = [playbook(directory, "playbooks/site.yml", "rerun %d" % attempt, log) for attempt in range(repeat)]
    for seconds, profile in reruns:
        if changed(profile):
            print("  a rerun changed %d tasks (see %s)" % (changed(profile), log))
    figures["idempotent rerun"] = statistics.median(seconds for seconds, _profile in reruns)
    changes = []
    for attempt in range(repeat):
        added = attempt % 2 == 0
        changes.append(playbook(inventory(nodes, added=added), "playbooks/site.yml",
                                "one instance %s" % ("added" if added else "taken away"), log))
    inventory(nodes)
    figures["one-node change"] = statistics.median(seconds for seconds, _profile in changes)
    # The reference is short and noisy: at least five runs, whatever REPEAT says.
    figures["empty play"] = statistics.median(
        playbook(directory, "benchmarks/empty.yml", "empty play", log)[0] for _attempt in range(max(repeat, 5)))
    profile = min(reruns, key=lambda run: run[0])[1]
    change_profile = min(changes, key=lambda run: run[0])[1]
    for name, kept in (("rerun", profile), ("change", change_profile)):
        with open(os.path.join(WORK, "%s-%d.json" % (name, nodes)), "w", encoding="utf-8") as output:
            json.dump(kept, output, indent=1)
    return figures, profile, change_profile, [changed(each) for _seconds, each in changes]


def slowest(profile, count=10):
    for task in sorted(profile["tasks"], key=lambda task: -task["seconds"])[:count]:
        print("    %6.2f s  %s" % (task["seconds"], task["name"]))


def report(nodes, figures, profile, change_profile, changes):
    empty = figures["empty play"]
    print("%d nodes (1 front-end): wall seconds, and as a multiple of the empty play" % nodes)
    for label, seconds in figures.items():
        print("  %-18s %8.1f s  %6.1fx" % (label, seconds, seconds / empty))
    print("  one-node change / idempotent rerun: %.2fx (tasks each change changed: %s)" % (
        figures["one-node change"] / figures["idempotent rerun"], ", ".join(map(str, changes))))
    frontend = profile["hosts"].get("bench-frontend", {}).get("ran", 0)
    node_counts = sorted(counts["ran"] for host, counts in profile["hosts"].items() if host.startswith("bench-node"))
    local = profile["hosts"].get("localhost", {}).get("ran", 0)
    print("  tasks run by the rerun: front-end %d, each node %d-%d, on the controller (localhost) %d" % (
        frontend, node_counts[0], node_counts[-1], local))
    print("  the ten slowest tasks of the rerun:")
    slowest(profile)
    print("  the ten slowest tasks of the fastest one-node change (front-end: %d tasks):" % (
        change_profile["hosts"].get("bench-frontend", {}).get("ran", 0)))
    slowest(change_profile)
    return figures["idempotent rerun"] / empty


def main():
    os.makedirs(WORK, exist_ok=True)
    repeat = int(os.environ.get("REPEAT", "3"))
    log = os.path.join(WORK, "playbooks.log")
    open(log, "w", encoding="utf-8").close()
    if not os.path.exists(KEY):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "make bench-site", "-f", KEY], check=True)
    print("make bench-site: playbook output in %s" % log, flush=True)
    ratios = {}
    # 2 nodes and NODES by default; SIZES="20" measures one size only.
    sizes = sorted({int(size) for size in os.environ.get("SIZES", "2 %s" % os.environ.get("NODES", "20")).split()})
    largest = sizes[-1]
    for nodes in sizes:
        try:
            figures, profile, change_profile, changes = measure(nodes, repeat, log)
            ratios[nodes] = report(nodes, figures, profile, change_profile, changes)
        finally:
            if os.environ.get("KEEP") != "1" or nodes != largest:
                playbook(inventory(nodes, ssh=False), "tests/harness/lab-down.yml", "lab down", log)
    if len(ratios) > 1:
        print("idempotent rerun / empty play: %.1fx at %d nodes, %.1fx at %d nodes (growth %.2fx)" % (
            ratios[sizes[0]], sizes[0], ratios[largest], largest, ratios[largest] / ratios[sizes[0]]))


if __name__ == "__main__":
    main()
