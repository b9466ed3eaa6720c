"""The VXLAN device plan, on links and forwarding databases as ip -j and bridge -j show them."""

import json

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.vxlan import VxlanError, changes, describe, read_peers


def link(name="vx10", vni=10, local="192.0.2.11", port=4789, up=True, learning=False, mtu=1500):
    return {name: {"ifname": name, "flags": ["UP"] if up else [], "mtu": mtu,
                   "linkinfo": {"info_kind": "vxlan", "info_data": {"id": vni, "local": local, "port": port,
                                                                    "learning": learning}}}}


def params(**more):
    return dict({"name": "vx10", "id": 10, "local": "192.0.2.11", "peers": ["192.0.2.12"], "port": 4789,
                 "state": "present", "take_over": True}, **more)


def test_the_peers_are_the_flood_entries_of_each_device():
    fdb = [{"mac": "00:00:00:00:00:00", "dst": "192.0.2.13", "ifname": "vx10"},
           {"mac": "00:00:00:00:00:00", "dst": "192.0.2.12", "ifname": "vx10"},
           {"mac": "52:54:00:12:34:56", "dst": "192.0.2.12", "ifname": "vx10"},
           {"mac": "33:33:00:00:00:01", "ifname": "eth0"}]
    assert read_peers(json.dumps(fdb)) == {"vx10": ["192.0.2.12", "192.0.2.13"]}


def test_a_new_device_and_its_peers():
    commands, fdb, before, after = changes(params(peers=["192.0.2.13", "192.0.2.12"]), {}, {})
    assert commands == ["link add name vx10 mtu 1500 type vxlan id 10 local 192.0.2.11 dstport 4789 nolearning",
                        "link set dev vx10 up"]
    assert fdb == [["fdb", "append", "00:00:00:00:00:00", "dev", "vx10", "dst", peer]
                   for peer in ("192.0.2.12", "192.0.2.13")]
    assert before == {} and after["peers"] == ["192.0.2.12", "192.0.2.13"]


def test_the_mtu_is_the_declared_one_made_with_the_device_or_set_in_place():
    commands = changes(params(mtu=1450), {}, {})[0]
    assert commands[0] == "link add name vx10 mtu 1450 type vxlan id 10 local 192.0.2.11 dstport 4789 nolearning"
    commands, _fdb, before, after = changes(params(mtu=1450), link(), {"vx10": ["192.0.2.12"]})
    assert commands == ["link set dev vx10 mtu 1450"] and (before["mtu"], after["mtu"]) == (1500, 1450)
    assert "MTU 1450" in describe(after)
    # No longer declared: the kernel's own, 1500.
    assert changes(params(), link(mtu=1450), {"vx10": ["192.0.2.12"]})[0] == ["link set dev vx10 mtu 1500"]
    for wrong in (67, 65536, "1450", True):
        with pytest.raises(VxlanError, match="mtu: .* is not a whole number from 68 to 65535"):
            changes(params(mtu=wrong), {}, {})


def test_a_device_that_learns_stops_learning_in_place():
    # A host that is not a peer could teach it a MAC address and draw the segment's replies.
    commands, fdb, before, after = changes(params(), link(learning=True), {"vx10": ["192.0.2.12"]})
    assert commands == ["link set dev vx10 type vxlan nolearning"] and fdb == []
    assert before["learning"] is True and after["learning"] is False


def test_the_same_device_is_left_alone_and_a_down_one_brought_up():
    assert changes(params(), link(), {"vx10": ["192.0.2.12"]})[:2] == ([], [])
    assert changes(params(), link(up=False), {"vx10": ["192.0.2.12"]})[:2] == (["link set dev vx10 up"], [])


def test_a_changed_port_remakes_the_device_with_every_peer():
    commands, fdb, _before, _after = changes(params(port=8472), link(), {"vx10": ["192.0.2.12"]})
    assert commands[0] == "link delete dev vx10" and "dstport 8472" in commands[1]
    assert fdb == [["fdb", "append", "00:00:00:00:00:00", "dev", "vx10", "dst", "192.0.2.12"]]


@pytest.mark.parametrize("more, message", [
    ({"id": True}, "id: True is not a VXLAN network identifier"),
    ({"id": 16777216}, "id: 16777216 is not a VXLAN network identifier"),
    ({"peers": ["192.0.2.300"]}, "peers: '192.0.2.300' is not an IPv4 address"),
])
def test_refusals(more, message):
    with pytest.raises(VxlanError, match="^" + message):
        changes(params(**more), {}, {})
