"""A front-end's data plane against spoofed sources: real datagrams through the rules the plan
decides, applied by nft_table and iptables_chains in a throw-away front-end namespace.

The front-end routes a MANAGED cloud (10.0.0.0/8, blocks of 128): each group's bridge eucabr<tag>
holds the group's router and one "VM" namespace; an outside namespace is on the public side
(198.51.100.0/24). admin/default and admin/other admit UDP 5000 from admin/web only. Each test
sends one datagram per case and waits for its fate: delivered to the listening VM, or counted by
the front-end's drop rule. Nothing here looks at the host's own tables.
"""

import ipaddress
import re
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.host_plan import Inventory, plan_inventory
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems
from namespaces import can_make_namespaces

pytestmark = pytest.mark.skipif(
    not can_make_namespaces() or not shutil.which("iptables-save") or not shutil.which("nft"),
    reason="needs root, iproute2, iptables and nftables to create network namespaces")

FRONTEND = {
    "iaas_platform": "eucalyptus", "vnet_mode": "MANAGED", "vnet_dataplane": "ansible",
    "vnet_pubinterface": "pub", "vnet_privinterface": "priv", "vnet_dhcpdaemon": "/usr/sbin/dhcpd",
    "vnet_subnet": "10.0.0.0", "vnet_netmask": "255.0.0.0", "vnet_dns": "192.0.2.2", "vnet_addrspernet": 128,
    "vnet_security_groups": {
        "admin/default": {"vlan": 10, "ingress": [{"protocol": "udp", "ports": 5000, "source_group": "admin/web"}]},
        "admin/web": {"vlan": 11},
        "admin/other": {"vlan": 12, "ingress": [{"protocol": "udp", "ports": 5000, "source_group": "admin/web"}]},
    },
}
NODE = {"iaas_platform": "eucalyptus", "vnet_mode": "MANAGED", "vnet_pubinterface": "eth0", "vnet_privinterface": "eth0"}
INSTANCES = {"i-db": "admin/default", "i-web": "admin/web", "i-other": "admin/other"}
PORT = 5000
LISTENER = """
import socket, sys
listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
listener.bind(("0.0.0.0", %d))
print("listening", flush=True)
with open(sys.argv[1], "a", buffering=1) as out:
    while True:
        data, peer = listener.recvfrom(200)
        out.write("%%s from %%s\\n" %% (data.decode(), peer[0]))
""" % PORT
SENDER = """
import socket, sys
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sender.bind((sys.argv[1], 0))
sender.sendto(sys.argv[3].encode(), (sys.argv[2], %d))
""" % PORT


def front_end_plan(clusters):
    """The first front-end's plan: one cluster, or two (i-web in the second's, tunnels on)."""
    instances = {name: {"group": group, "node": "nc1"} for name, group in INSTANCES.items()}
    variables = {"fe": dict(FRONTEND, vnet_instances=instances), "nc1": dict(NODE)}
    groups = {"frontend": ["fe"], "nodes": ["nc1"]}
    if clusters == 2:
        instances["i-web"]["node"] = "nc2"
        variables.update(fe=dict(variables["fe"], ansible_host="192.0.2.11"),
                         fe2=dict(FRONTEND, vnet_instances=instances, ansible_host="192.0.2.12"),
                         nc1=dict(NODE, euca_cluster="fe"), nc2=dict(NODE, euca_cluster="fe2"))
        groups = {"frontend": ["fe", "fe2"], "nodes": ["nc1", "nc2"]}
    problems = Problems()
    found = plan_inventory(Inventory(dict(groups, all=sorted(variables)), variables.get), problems)
    assert problems.lines() == []
    return found["fe"]


class Cloud:
    """The front-end namespace (where iptables_chains runs) and its neighbours."""

    def __init__(self, fe, tmp_path, plan):
        self.fe, self.namespaces, self.processes = fe, [], []
        self.received = tmp_path / "received"
        self.received.write_text("")
        dataplane = plan["eucalyptus"]["dataplane"]
        self.addresses = {instance["name"]: instance["private_ip"] for instance in dataplane["instances"]}
        self.groups = {group["name"]: group for group in dataplane["groups"]}
        fe.run("sysctl", "-qw", "net.ipv4.ip_forward=1")
        self.neighbour("outside", "pub", "198.51.100.1/24", "198.51.100.2/24", "198.51.100.1")
        for group in dataplane["groups"]:
            bridge = "eucabr%d" % group["tag"]
            fe.ip("link", "add", bridge, "type", "bridge")
            fe.ip("address", "add", "%s/%d" % (group["gateway"], group["prefix"]), "dev", bridge)
            fe.ip("link", "set", bridge, "up")
            for instance in dataplane["instances"]:
                if instance["group"] == group["name"]:
                    self.neighbour(instance["name"], bridge, None, "%s/%d" % (instance["private_ip"], group["prefix"]),
                                   group["gateway"])
        # The groups' rules are the data plane's nftables table; the source rules are iptables'.
        result = fe.module(other_module="nft_table", table=plan["firewall"]["dataplane_table"])
        assert result.get("failed") is not True, result
        result = fe.module(tables=plan["firewall"]["tables"])
        assert result.get("failed") is not True, result

    def neighbour(self, name, link, address, peer_address, router):
        """A namespace on a veth whose front-end end is ``link`` (or a port of the bridge ``link``)."""
        namespace = "pcspoof-%s-%s" % (name.replace("i-", ""), uuid.uuid4().hex[:6])
        subprocess.run(["ip", "netns", "add", namespace], check=True)
        self.namespaces.append(namespace)
        setattr(self, name.replace("i-", ""), namespace)
        end = "v-%s" % name.replace("i-", "")[:8] if address is None else link
        self.fe.ip("link", "add", end, "type", "veth", "peer", "name", "eth0", "netns", namespace)
        if address is None:
            self.fe.ip("link", "set", end, "master", link)
        else:
            self.fe.ip("address", "add", address, "dev", end)
        self.fe.ip("link", "set", end, "up")
        for command in (["link", "set", "eth0", "up"], ["link", "set", "lo", "up"],
                        ["address", "add", peer_address, "dev", "eth0"], ["route", "add", "default", "via", router]):
            subprocess.run(["ip", "-n", namespace] + command, check=True)

    def listen(self, name):
        process = subprocess.Popen(["ip", "netns", "exec", getattr(self, name), sys.executable, "-c", LISTENER,
                                    str(self.received)], stdout=subprocess.PIPE, text=True)
        self.processes.append(process)
        assert process.stdout.readline().strip() == "listening"

    def drops(self):
        """{rule: packets} of the front-end's raw PREROUTING chain's DROP rules."""
        counted = {}
        for line in self.fe.run("iptables-save", "-c", "-t", "raw").stdout.splitlines():
            found = re.fullmatch(r"\[(\d+):\d+\] -A IAAS-PREROUTING (.* -j DROP)", line)
            if found:
                counted[found.group(2)] = int(found.group(1))
        return counted

    def send(self, namespace, source, destination, payload, within=30):
        """Where the datagram went: 'delivered', or 'dropped by <rule>'. A source the sender does
        not hold is added to it first (a spoofer's own address, as far as its kernel knows)."""
        subprocess.run(["ip", "-n", namespace, "address", "replace", source + "/32", "dev", "eth0"], check=True)
        before = self.drops()
        subprocess.run(["ip", "netns", "exec", namespace, sys.executable, "-c", SENDER, source, destination, payload],
                       check=True)
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if payload in self.received.read_text():
                return "delivered"
            counted = self.drops()
            for rule, packets in counted.items():
                if packets > before.get(rule, 0):
                    return "dropped by " + rule
            time.sleep(0.1)
        raise AssertionError("%s from %s to %s: neither delivered nor dropped by a source rule within %d s"
                             % (payload, source, destination, within))

    def close(self):
        for process in self.processes:
            process.kill()
            process.wait()
        for namespace in self.namespaces:
            subprocess.run(["ip", "netns", "delete", namespace], check=False)


@pytest.fixture
def cloud(module_namespace, tmp_path, request):
    made = Cloud(module_namespace("iptables_chains", defaults={"cache_dir": str(tmp_path / "cache")}), tmp_path,
                 front_end_plan(getattr(request, "param", 1)))
    yield made
    made.close()


def test_a_group_admits_the_allowed_groups_vm(cloud):
    cloud.listen("db")
    assert cloud.send(cloud.web, cloud.addresses["i-web"], cloud.addresses["i-db"], "web-as-web") == "delivered"


def test_a_vm_sending_with_another_groups_address_is_dropped_at_its_own_bridge(cloud):
    # admin/default admits admin/web: i-other (tag 12) poses as i-web.
    cloud.listen("db")
    assert cloud.send(cloud.other, cloud.addresses["i-web"], cloud.addresses["i-db"], "other-as-web") == (
        "dropped by -i eucabr12 -j DROP")
    # Its own address is its own, and still held to the rules (admin/default does not admit admin/other).
    assert "other-as-web" not in cloud.received.read_text()


def test_the_public_side_sending_with_a_vms_address_is_dropped(cloud):
    cloud.listen("db")
    subprocess.run(["ip", "-n", cloud.outside, "route", "add", "10.0.0.0/8", "via", "198.51.100.1"], check=True)
    assert cloud.send(cloud.outside, cloud.addresses["i-web"], cloud.addresses["i-db"], "outside-as-web") == (
        "dropped by -s 10.0.0.0/8 -j DROP")


@pytest.mark.parametrize("cloud", [2], indirect=True)
def test_between_clusters_the_peer_reaches_the_block_on_its_bridge_and_nothing_else(cloud):
    # i-web is the second cluster's: its CC routes it to i-db on admin/default's bridge, as a peer
    # CC does through the tunnel. The same address on that bridge to another block is a spoofer.
    block = cloud.groups["admin/default"]
    peer_gateway = str(ipaddress.ip_address(block["gateway"]) + 1)
    cloud.neighbour("peer", "eucabr%d" % block["tag"], None, "%s/%d" % (peer_gateway, block["prefix"]), block["gateway"])
    # The peer CC routes each instance of this cluster through this CC (dataplane.md, Several clusters).
    subprocess.run(["ip", "-n", cloud.peer, "route", "add", cloud.addresses["i-db"], "via", block["gateway"]], check=True)
    cloud.listen("db")
    cloud.listen("other")
    assert cloud.send(cloud.peer, cloud.addresses["i-web"], cloud.addresses["i-db"], "peer-to-db") == "delivered"
    assert cloud.send(cloud.db, cloud.addresses["i-web"], cloud.addresses["i-other"], "db-as-web-to-other") == (
        "dropped by -i eucabr10 -j DROP")
