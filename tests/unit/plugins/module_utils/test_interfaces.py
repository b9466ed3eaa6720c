"""The device module calls the bridge and vlan roles make, from their declarations."""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils import vlan
from ansible_collections.privatecloud.iaas.plugins.module_utils.interfaces import calls
from ansible_collections.privatecloud.iaas.plugins.module_utils.vlan import VlanError

COMMON = {"rollback_timeout": 120, "rollback_journal": "bridge"}


def test_a_static_bridge_manages_its_address_and_a_dhcp_one_its_dhcp_client():
    found = calls("bridge", [
        {"name": "br0", "ports": ["eth0"], "address": "192.168.1.10/24", "gateway": "192.168.1.1", "forward_delay": 1},
        {"name": "br1", "ports": ["eth1"], "method": "dhcp", "address": "192.168.2.10/24", "stp": True},
        {"name": "br2"},
    ], rollback_timeout=120)
    assert found == [
        ("br0", "privatecloud.iaas.linux_bridge",
         dict(COMMON, name="br0", ports=["eth0"], forward_delay=1, addresses=["192.168.1.10/24"])),
        ("br1", "privatecloud.iaas.linux_bridge", dict(COMMON, name="br1", ports=["eth1"], stp=True, dhcp=True)),
        ("br2", "privatecloud.iaas.linux_bridge", dict(COMMON, name="br2", ports=[])),
    ]


def test_vlan_devices_are_named_after_their_parent_and_id_unless_named():
    found = calls("vlan", [{"parent": "eth0", "id": 100, "address": "192.168.42.11/24"},
                           {"parent": "eth0", "id": 200, "name": "mgmt"}])
    common = {"rollback_timeout": 0, "rollback_journal": "vlan"}
    assert found == [
        ("eth0.100", "privatecloud.iaas.vlan_interface",
         dict(common, parent="eth0", id=100, addresses=["192.168.42.11/24"])),
        ("mgmt", "privatecloud.iaas.vlan_interface", dict(common, parent="eth0", id=200, name="mgmt")),
    ]


def test_only_released_devices_of_the_kind_are_removed_after_the_declared_ones():
    released = [{"kind": "bridge", "name": "br9"}, {"kind": "vlan", "name": "eth0.9"}]
    assert calls("bridge", [], released, 30) == [
        ("br9", "privatecloud.iaas.linux_bridge",
         {"rollback_timeout": 30, "rollback_journal": "bridge", "name": "br9", "state": "absent"})]


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind: 'bond' is not one of bridge, vlan, vxlan"):
        calls("bond", [])


def test_a_device_the_collection_has_not_made_is_not_taken_over_once_ownership_is_known():
    declared = [{"parent": "eth0", "id": 10}, {"parent": "eth0", "id": 11}]
    assert [arguments.get("take_over") for _name, _module, arguments in calls("vlan", declared)] == [None, None]
    assert [arguments["take_over"] for _name, _module, arguments in calls("vlan", declared, owned=["eth0.11"])] == [
        False, True]


def test_a_vlan_device_of_that_name_made_for_something_else_is_refused_unless_taken_over():
    # ip -j -d link show: eth0.10 is VLAN 11 of eth1 (someone's mistake, or another product's).
    links = {"eth0": {"ifname": "eth0", "flags": ["UP"]}, "eth1": {"ifname": "eth1", "flags": ["UP"]},
             "eth0.10": {"ifname": "eth0.10", "link": "eth1", "flags": ["UP"],
                         "linkinfo": {"info_kind": "vlan", "info_data": {"id": 11}}}}
    wanted = {"parent": "eth0", "id": 10, "state": "present", "addresses": None}
    with pytest.raises(VlanError, match=r"^eth0.10 exists as VLAN 11 of eth1, and the collection did not make it"):
        vlan.plan(dict(wanted, take_over=False), links, {})
    assert vlan.plan(dict(wanted, take_over=True), links, {})[0][:2] == [
        "link delete dev eth0.10", "link add link eth0 name eth0.10 type vlan id 10"]
    # The same device (parent and id) is simply used.
    links["eth0.10"].update(link="eth0", linkinfo={"info_kind": "vlan", "info_data": {"id": 10}})
    assert vlan.plan(dict(wanted, take_over=False), links, {})[0] == []


def test_a_tunnel_is_a_vxlan_device_with_its_peers():
    found = calls("vxlan", [{"name": "eucavx10", "id": 10, "local": "192.0.2.11", "peers": ["192.0.2.12"]}],
                  released=[{"kind": "vxlan", "name": "eucavx11"}, {"kind": "vlan", "name": "eth0.11"}], owned=[])
    common = {"rollback_timeout": 0, "rollback_journal": "vxlan"}
    assert found == [
        ("eucavx10", "privatecloud.iaas.vxlan_interface",
         dict(common, name="eucavx10", id=10, local="192.0.2.11", peers=["192.0.2.12"], take_over=False)),
        ("eucavx11", "privatecloud.iaas.vxlan_interface", dict(common, name="eucavx11", state="absent")),
    ]
