"""The data plane's packet path: what a new flow and a long stream cost through a front-end's rules
at 1, 100 and 1 000 security groups (4 instances with elastic IPs each), against one group.

Three throw-away network namespaces, client -> front-end -> VM, joined by veth pairs:

    client 192.0.2.10 ---- 192.0.2.1 front-end eucabr<tag>: <router of the last group> ---- VM <its first instance>

The front-end's rules are the collection's own: its whole host plan from an inventory
(host_plan.plan_inventory: the owned iptables chains, MANAGED's raw source rules of a bridge per
group among them, and the data plane's nftables table), applied by nft_table and iptables_chains
as Ansible runs them, in the front-end's namespace. Its end of the VM's link carries the last
group's bridge name (eucabr<tag>), so the source rules see the VM's packets where a front-end does.
The destination is the last group's first instance, the one a linear walk of the groups reaches
last; its group allows UDP 5001 and TCP 5002 from the client's network after its ten other rules.

- New flows/s: UDP datagrams, each from a fresh socket (a new source port, so a new connection
  that the rules classify), for FLOW_SECONDS, counted where they arrive; the best of FLOW_RUNS,
  each from an empty connection table.
- One stream: a TCP connection sending for STREAM_SECONDS, its bytes counted where they arrive;
  the best of STREAM_RUNS.
Each both to the instance's address (direct) and to its elastic IP (DNAT on the front-end). Prints
one table and the ratios against one group. VNET_MODE=MANAGED-NOVLAN (default MANAGED) measures
that mode's front-end, whose VMs are on one private interface ("priv"). Needs root; bounded to about two minutes; every
namespace is removed at the end. Run: make bench-packets.
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dataplane import inventory, table_module  # noqa: E402  pylint: disable=wrong-import-position
from iptables import module  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.privatecloud.iaas.plugins.module_utils.host_plan import Inventory, plan_inventory  # noqa: E402
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems  # noqa: E402

SIZES = (1, 100, 1000)
FLOW_SECONDS, FLOW_RUNS, STREAM_SECONDS, STREAM_RUNS = 2.0, 3, 3.0, 5
UDP_PORT, TCP_PORT = 5001, 5002
CLIENT, FRONT_END_PUBLIC = "192.0.2.10", "192.0.2.1"
# What the host plan needs of the front-end beyond its groups (MANAGED: a bridge per group, whose
# raw source rules the plan adds), and of its node.
FRONT_END = {"iaas_platform": "eucalyptus", "vnet_pubinterface": "pub", "vnet_privinterface": "priv",
             "vnet_dhcpdaemon": "/usr/sbin/dhcpd", "vnet_dns": "192.0.2.2"}
NODE = {"iaas_platform": "eucalyptus", "vnet_pubinterface": "eth0", "vnet_privinterface": "eth0", "vnet_bridge": "br0"}
# MANAGED (a bridge and a source rule per group) or MANAGED-NOVLAN (one private interface):
# make bench-packets VNET_MODE=MANAGED-NOVLAN.
MODE = os.environ.get("VNET_MODE", "MANAGED")

SEND_FLOWS = """
import socket, sys, time
address, seconds = (sys.argv[1], int(sys.argv[2])), float(sys.argv[3])
sent, end = 0, time.perf_counter() + seconds
while time.perf_counter() < end:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.sendto(b"new flow", address)
    sock.close()
    sent += 1
print(sent)
"""
COUNT_FLOWS = """
import socket, sys
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
sock.bind(("0.0.0.0", int(sys.argv[1])))
sock.settimeout(float(sys.argv[2]))
print("ready", flush=True)
count = 0
try:
    while True:
        sock.recv(64)
        count += 1
        sock.settimeout(1.0)  # the sender has stopped once nothing comes for a second
except socket.timeout:
    pass
print(count)
"""
SEND_STREAM = """
import socket, sys, time
sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
chunk, end = b"x" * (1 << 18), time.perf_counter() + float(sys.argv[3])
while time.perf_counter() < end:
    sock.sendall(chunk)
sock.close()
"""
COUNT_STREAM = """
import socket, sys, time
server = socket.socket()
server.bind(("0.0.0.0", int(sys.argv[1])))
server.listen(1)
server.settimeout(float(sys.argv[2]))
print("ready", flush=True)
connection, _peer = server.accept()
received, start = 0, None
while True:
    data = connection.recv(1 << 20)
    if not data:
        break
    start = start or time.perf_counter()
    received += len(data)
print(received, time.perf_counter() - start if start else 0)
"""


class Namespaces:
    """client, front-end and VM namespaces joined by veth pairs, the VM in ``block``."""

    def __init__(self, block):
        tag = uuid.uuid4().hex[:6]
        self.names = {role: "pcipkt-%s-%s" % (role, tag) for role in ("client", "fe", "vm")}
        for name in self.names.values():
            subprocess.run(["ip", "netns", "add", name], check=True)
        client, fe, vm = self.names["client"], self.names["fe"], self.names["vm"]
        router = "%s/%d" % (block["router"], block["prefix"])
        for command in (
                ["ip", "link", "add", "pub", "netns", client, "type", "veth", "peer", "name", "pub", "netns", fe],
                ["ip", "link", "add", block["bridge"], "netns", fe, "type", "veth", "peer", "name", "eth0", "netns", vm],
                ["ip", "-n", client, "address", "add", CLIENT + "/24", "dev", "pub"],
                ["ip", "-n", fe, "address", "add", FRONT_END_PUBLIC + "/24", "dev", "pub"],
                ["ip", "-n", fe, "address", "add", router, "dev", block["bridge"]],
                ["ip", "-n", vm, "address", "add", "%s/%d" % (block["instance"], block["prefix"]), "dev", "eth0"]):
            subprocess.run(command, check=True)
        for name, links in ((client, ("lo", "pub")), (fe, ("lo", "pub", block["bridge"])), (vm, ("lo", "eth0"))):
            for link in links:
                subprocess.run(["ip", "-n", name, "link", "set", link, "up"], check=True)
        subprocess.run(["ip", "-n", client, "route", "add", "10.0.0.0/8", "via", FRONT_END_PUBLIC], check=True)
        subprocess.run(["ip", "-n", client, "route", "add", "100.64.0.0/10", "via", FRONT_END_PUBLIC], check=True)
        subprocess.run(["ip", "-n", vm, "route", "add", "default", "via", block["router"]], check=True)
        self.exec(fe, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")

    @staticmethod
    def exec(name, *command):
        subprocess.run(["ip", "netns", "exec", name, *command], check=True, capture_output=True)

    def python(self, role, code, *args, background=False):
        argv = ["ip", "netns", "exec", self.names[role], sys.executable, "-c", code, *map(str, args)]
        if background:
            process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
            if process.stdout.readline().strip() != "ready":
                sys.exit("the receiver in the %s namespace did not start" % role)
            return process
        return subprocess.run(argv, check=True, capture_output=True, text=True).stdout

    def delete(self):
        for name in self.names.values():
            subprocess.run(["ip", "netns", "delete", name], check=False)


class FrontEnd:
    """The front-end's namespace as benchmarks/iptables.module applies rules in it."""

    def __init__(self, name):
        self.name = name

    def run(self, *command, data=None):
        start = time.perf_counter()
        result = subprocess.run(["ip", "netns", "exec", self.name, *command], input=data, capture_output=True,
                                text=True, check=False)
        if result.returncode:
            sys.exit("%s failed:\n%s\n%s" % (command[:3], result.stdout[-3000:], result.stderr[-3000:]))
        return time.perf_counter() - start, result.stdout


def plan(count):
    """(iptables tables, nftables table, the destination's block, rule count) of a front-end with
    ``count`` groups, from its whole host plan (host_plan.plan_inventory), as the iptables role
    applies it: the owned chains with MANAGED's raw source rules, and the data plane's table. The
    last group also allows the benchmark's UDP and TCP ports from the client's network."""
    variables = dict(inventory(count=count), vnet_mode=MODE, **FRONT_END)
    last = "tenant%04d/web" % (count - 1)
    variables["vnet_security_groups"][last]["ingress"] += [
        {"protocol": "udp", "ports": UDP_PORT, "source": "192.0.2.0/24"},
        {"protocol": "tcp", "ports": TCP_PORT, "source": "192.0.2.0/24"}]
    hosts = {"fe": variables, "node1": dict(NODE, vnet_mode=MODE)}
    problems = Problems()
    found = plan_inventory(Inventory({"frontend": ["fe"], "nodes": ["node1"], "all": ["fe", "node1"]}, hosts.get),
                           problems)["fe"]
    assert not problems.lines(), problems.lines()[:5]
    planned = found["eucalyptus"]["dataplane"]
    group = [entry for entry in planned["groups"] if entry["name"] == last][0]
    first = group["instances"][0]
    elastic = [entry for entry in planned["elastic_ips"] if entry["name"] == first][0]
    block = {"router": group["router"], "prefix": group["prefix"], "instance": elastic["private_ip"],
             "public_ip": elastic["public_ip"],
             "bridge": "eucabr%d" % group["tag"] if MODE == "MANAGED" else FRONT_END["vnet_privinterface"]}
    tables, table = found["firewall"]["tables"], found["firewall"]["dataplane_table"]
    rules = sum(len(chain) for entry in tables.values() for chain in entry["chains"].values()) + sum(
        len(chain["rules"]) for chain in table["chains"])
    return tables, table, block, rules


def new_flows(namespaces, destination):
    best = 0.0
    for _run in range(FLOW_RUNS):
        # Each run starts from an empty connection table: the last run's tens of thousands of
        # entries would slow the next one whatever the rules.
        namespaces.exec(namespaces.names["fe"], "conntrack", "-F")
        receiver = namespaces.python("vm", COUNT_FLOWS, UDP_PORT, FLOW_SECONDS + 10, background=True)
        namespaces.python("client", SEND_FLOWS, destination, UDP_PORT, FLOW_SECONDS)
        arrived = int(receiver.communicate(timeout=30)[0].split()[-1])
        if not arrived:
            sys.exit("no datagram from the client reached the VM at %s: the rules drop it" % destination)
        best = max(best, arrived / FLOW_SECONDS)
    return best


def stream(namespaces, destination):
    best = 0.0
    for _run in range(STREAM_RUNS):
        receiver = namespaces.python("vm", COUNT_STREAM, TCP_PORT, STREAM_SECONDS + 10, background=True)
        namespaces.python("client", SEND_STREAM, destination, TCP_PORT, STREAM_SECONDS)
        received, seconds = receiver.communicate(timeout=30)[0].split()
        if not int(received):
            sys.exit("no byte of the stream reached the VM at %s" % destination)
        best = max(best, int(received) / float(seconds) / 1e6)
    return best


def measure(count):
    tables, table, block, rules = plan(count)
    namespaces = Namespaces(block)
    try:
        with tempfile.TemporaryDirectory() as directory:
            front_end = FrontEnd(namespaces.names["fe"])
            assert table_module(front_end, directory, table)[1]
            assert module(front_end, directory, tables)[1]
        found = {"groups": count, "rules": rules}
        for path, destination in (("direct", block["instance"]), ("elastic", block["public_ip"])):
            found["flows_" + path] = new_flows(namespaces, destination)
            found["stream_" + path] = stream(namespaces, destination)
        return found
    finally:
        namespaces.delete()


def main():
    rows = [measure(count) for count in SIZES]
    print("%s: new flows (UDP, a fresh socket each) and one TCP stream, client -> front-end -> the last group's "
          "first instance; best of %d x %.0f s and %d x %.0f s" % (MODE, FLOW_RUNS, FLOW_SECONDS, STREAM_RUNS,
                                                                   STREAM_SECONDS))
    print("%7s %7s  %14s %14s  %13s %13s" % ("groups", "rules", "flows/s direct", "flows/s EIP", "MB/s direct",
                                             "MB/s EIP"))
    for row in rows:
        print("%7d %7d  %14.0f %14.0f  %13.0f %13.0f" % (row["groups"], row["rules"], row["flows_direct"],
                                                         row["flows_elastic"], row["stream_direct"],
                                                         row["stream_elastic"]))
    reference = rows[0]
    for row in rows[1:]:
        print("%7d groups against 1: new flows %.2f direct, %.2f through the elastic IP; stream %.2f direct, "
              "%.2f through the elastic IP" % (
                  row["groups"], row["flows_direct"] / reference["flows_direct"],
                  row["flows_elastic"] / reference["flows_elastic"],
                  row["stream_direct"] / reference["stream_direct"],
                  row["stream_elastic"] / reference["stream_elastic"]))


if __name__ == "__main__":
    main()
