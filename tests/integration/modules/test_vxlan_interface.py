"""vxlan_interface in two throw-away network namespaces joined by a veth pair: the underlay.

Each namespace is a host; the tunnel's two ends are made by the module, and real frames cross it.
"""

import subprocess
import sys

import pytest

from namespaces import can_make_namespaces

pytestmark = pytest.mark.skipif(not can_make_namespaces(), reason="needs root to create network namespaces")
FLOOD = "00:00:00:00:00:00"


@pytest.fixture
def hosts(module_namespace):
    """Two namespaces on one underlay: 192.0.2.1 and 192.0.2.2."""
    one, two = module_namespace("vxlan_interface"), module_namespace("vxlan_interface")
    one.ip("link", "add", "eth-u", "type", "veth", "peer", "name", "eth-v", "netns", two.name)
    for namespace, device, address in ((one, "eth-u", "192.0.2.1/24"), (two, "eth-v", "192.0.2.2/24")):
        namespace.ip("address", "add", address, "dev", device)
        namespace.ip("link", "set", device, "up")
    return one, two


def tunnel(namespace, local, peers, **more):
    return namespace.module(name="vx-test", id=100, local=local, peers=peers, **more)


def peers_of(namespace, device="vx-test"):
    return sorted(entry["dst"] for entry in namespace.json_bridge("fdb", "show", "dev", device)
                  if entry["mac"] == FLOOD)


def exchange(one, two):
    """A TCP connection from one's overlay address to two's: what two saw it come from."""
    one.ip("address", "replace", "10.9.0.1/24", "dev", "vx-test")
    two.ip("address", "replace", "10.9.0.2/24", "dev", "vx-test")
    server = subprocess.Popen(
        ["ip", "netns", "exec", two.name, sys.executable, "-c",
         "import socket; s = socket.create_server(('10.9.0.2', 7007)); print('ready', flush=True); "
         "c, a = s.accept(); c.sendall(a[0].encode()); c.close()"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        client = one.run(sys.executable, "-c", "import socket; c = socket.create_connection(('10.9.0.2', 7007), 10); "
                                               "print(c.recv(64).decode())")
        return client.stdout.strip()
    finally:
        server.kill()
        server.wait()


def test_check_mode_predicts_without_touching(hosts):
    one, _two = hosts
    result = tunnel(one, "192.0.2.1", ["192.0.2.2"], check=True)
    assert result["changed"] is True
    assert result["commands"] == [
        "link add name vx-test mtu 1500 type vxlan id 100 local 192.0.2.1 dstport 4789 nolearning",
        "link set dev vx-test up"]
    assert result["then"] == ["bridge fdb append 00:00:00:00:00:00 dev vx-test dst 192.0.2.2"]
    assert result["diff"] == {"before": "", "after": "vx-test: VXLAN 100 from 192.0.2.1, UDP port 4789, MTU 1500, no learning, "
                                                     "up\n"
                                                     "  peer 192.0.2.2\n"}
    assert "vx-test" not in one.ip("link", "show")


def test_frames_cross_the_tunnel_and_a_rerun_changes_nothing(hosts):
    one, two = hosts
    assert tunnel(one, "192.0.2.1", ["192.0.2.2"])["changed"] is True
    assert tunnel(two, "192.0.2.2", ["192.0.2.1"])["changed"] is True
    # The overlay's own addresses: the ARP broadcast and the connection cross the tunnel only.
    assert exchange(one, two) == "10.9.0.1"
    rerun = tunnel(one, "192.0.2.1", ["192.0.2.2"])
    assert (rerun["changed"], rerun["commands"], "then" in rerun) == (False, [], False)
    link = one.json("-d", "link", "show", "dev", "vx-test")[0]
    assert link["linkinfo"]["info_data"]["port"] == 4789 and link["mtu"] == 1500
    assert link["linkinfo"]["info_data"]["learning"] is False


def test_peers_are_made_exact_without_remaking_the_device(hosts):
    one, two = hosts
    tunnel(one, "192.0.2.1", ["192.0.2.2"])
    tunnel(two, "192.0.2.2", ["192.0.2.1"])
    index = one.json("link", "show", "dev", "vx-test")[0]["ifindex"]
    added = tunnel(one, "192.0.2.1", ["192.0.2.2", "192.0.2.3"])
    assert (added["commands"], added["then"]) == ([], ["bridge fdb append 00:00:00:00:00:00 dev vx-test dst 192.0.2.3"])
    assert peers_of(one) == ["192.0.2.2", "192.0.2.3"]
    removed = tunnel(one, "192.0.2.1", ["192.0.2.2"])
    assert removed["then"] == ["bridge fdb del 00:00:00:00:00:00 dev vx-test dst 192.0.2.3"]
    assert peers_of(one) == ["192.0.2.2"]
    assert one.json("link", "show", "dev", "vx-test")[0]["ifindex"] == index
    assert exchange(one, two) == "10.9.0.1"


def test_another_id_is_made_anew_unless_the_device_is_not_ours(hosts):
    one, _two = hosts
    tunnel(one, "192.0.2.1", ["192.0.2.2"])
    refused = one.module(name="vx-test", id=200, local="192.0.2.1", peers=["192.0.2.2"], take_over=False)
    assert refused["msg"] == ("vx-test exists as VXLAN 100 from 192.0.2.1 port 4789, and the collection did not make "
                              "it: it is left as it is (free the name, or choose another)")
    assert one.json("-d", "link", "show", "dev", "vx-test")[0]["linkinfo"]["info_data"]["id"] == 100
    remade = one.module(name="vx-test", id=200, local="192.0.2.1", peers=["192.0.2.2"])
    assert remade["commands"][:2] == [
        "link delete dev vx-test", "link add name vx-test mtu 1500 type vxlan id 200 local 192.0.2.1 dstport 4789 nolearning"]
    assert one.json("-d", "link", "show", "dev", "vx-test")[0]["linkinfo"]["info_data"]["id"] == 200
    assert peers_of(one) == ["192.0.2.2"]


def test_absent_removes_it(hosts):
    one, _two = hosts
    tunnel(one, "192.0.2.1", ["192.0.2.2"])
    assert one.module(name="vx-test", state="absent")["commands"] == ["link delete dev vx-test"]
    assert "vx-test" not in one.ip("link", "show")
    assert one.module(name="vx-test", state="absent")["changed"] is False


@pytest.mark.parametrize("args, message", [
    ({"id": 0, "local": "192.0.2.1"}, "id: 0 is not a VXLAN network identifier (1-16777215)"),
    ({"id": 100, "local": "192.0.2"}, "local: '192.0.2' is not an IPv4 address"),
    ({"id": 100, "local": "192.0.2.1", "peers": ["192.0.2.1"]}, "peers: 192.0.2.1 is this device's own"),
    ({"id": 100, "local": "192.0.2.1", "port": 0}, "port: 0 is not a UDP port"),
    ({"id": 100, "local": "192.0.2.1", "name": "a-very-long-tunnel"}, "name: 'a-very-long-tunnel' is longer"),
    ({"id": 100, "local": "192.0.2.1", "name": "eth-u"}, "eth-u exists and is not a VXLAN device"),
    ({}, "state is present but all of the following are missing: id, local"),
])
def test_refusals(hosts, args, message):
    one, _two = hosts
    result = one.module(**dict({"name": "vx-test"}, **args))
    assert result.get("failed") is True
    assert result["msg"].startswith(message), result["msg"]
