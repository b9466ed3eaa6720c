"""Cost of inventory validation and of the MANAGED address layout, as ratios to a reference.

1. validate.yml on a MANAGED inventory of 1 000 nodes and 4 000 public IPs, against the same
   ansible-playbook run with an empty play on that inventory (the cost of loading it): the ratio
   is what validation adds on top of what any run of the inventory pays anyway.
2. vnet_network for every tag of a /8 cut into blocks of 16, against listing the /8's million
   blocks with netaddr (IPNetwork.subnet) and indexing them, which is what ManagedSubnet avoids.

Prints figures; asserts nothing about time. Run: make bench (or python benchmarks/validate.py).
"""

import os
import subprocess
import sys
import tempfile
import time

import netaddr
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, ".cache", "collections"))

from ansible_collections.privatecloud.iaas.plugins.module_utils.eucalyptus import ManagedSubnet  # noqa: E402

ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
NODES, PUBLIC_IPS = 1000, 4000


def write_inventory(directory):
    ranges = ["172.16.%d.1-172.16.%d.250" % (n, n) for n in range(PUBLIC_IPS // 250)]
    inventory = {
        "all": {
            "vars": {"iaas_platform": "eucalyptus", "vnet_mode": "MANAGED"},
            "children": {
                "frontend": {"hosts": {"cloud1": {
                    "vnet_pubinterface": "eth1", "vnet_privinterface": "eth0",
                    "vnet_dhcpdaemon": "/usr/sbin/dhcpd", "vnet_subnet": "10.0.0.0",
                    "vnet_netmask": "255.0.0.0", "vnet_addrspernet": 64, "vnet_dns": "192.168.1.2",
                    "vnet_publicips": " ".join(ranges)}}},
                "nodes": {
                    "vars": {"vnet_pubinterface": "eth0", "vnet_privinterface": "eth0"},
                    "hosts": {"node%04d" % n: None for n in range(NODES)},
                },
            },
        }
    }
    path = os.path.join(directory, "hosts.yml")
    with open(path, "w") as stream:
        yaml.safe_dump(inventory, stream)
    empty = os.path.join(directory, "empty.yml")
    with open(empty, "w") as stream:
        stream.write("- hosts: localhost\n  gather_facts: false\n  tasks: []\n")
    return path, empty


def run(inventory, playbook):
    environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".cache", "collections"))
    start = time.perf_counter()
    result = subprocess.run([ANSIBLE_PLAYBOOK, "-i", inventory, playbook], capture_output=True, text=True,
                            env=environment, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode:
        sys.exit("%s failed:\n%s" % (playbook, result.stdout[-2000:]))
    return elapsed


def best_of(count, function, *args):
    return min(function(*args) for _attempt in range(count))


def block_queries():
    managed = ManagedSubnet("10.0.0.0", "255.0.0.0", 16)
    start = time.perf_counter()
    for tag in range(2, managed.max_vlan):
        managed.block(tag)
    return time.perf_counter() - start


def naive_queries():
    """What ManagedSubnet avoids: list every block of the subnet, then index it."""
    start = time.perf_counter()
    blocks = list(netaddr.IPNetwork("10.0.0.0/8").subnet(28))
    for tag in range(2, 4096):
        block = blocks[tag - 2]
        {"network": str(block.network), "router": str(block.network + 1), "broadcast": str(block.broadcast),
         "first": str(block.network + 2), "last": str(block.broadcast - 1)}
    return time.perf_counter() - start


def main():
    with tempfile.TemporaryDirectory() as directory:
        inventory, empty = write_inventory(directory)
        validate = os.path.join(ROOT, "playbooks", "validate.yml")
        reference = best_of(3, run, inventory, empty)
        validation = best_of(3, run, inventory, validate)
    print("validate.yml, %d nodes and %d public IPs: %.2f s; loading the inventory alone: %.2f s; "
          "ratio %.2f" % (NODES, PUBLIC_IPS, validation, reference, validation / reference))
    blocks = best_of(5, block_queries)
    naive = best_of(1, naive_queries)
    print("vnet_network for all 4094 tags of 10.0.0.0/8 by 16: %.1f ms; listing the 1048576 blocks with "
          "netaddr and indexing them: %.0f ms; ratio %.4f" % (blocks * 1000, naive * 1000, blocks / naive))


if __name__ == "__main__":
    main()
