"""The device module calls the bridge and vlan roles make, from their declarations."""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.interfaces import calls

COMMON = {"rollback_timeout": 120, "rollback_journal": "bridge"}


def test_a_static_bridge_manages_its_address_and_a_dhcp_one_does_not():
    found = calls("bridge", [
        {"name": "br0", "ports": ["eth0"], "address": "192.168.1.10/24", "gateway": "192.168.1.1", "forward_delay": 1},
        {"name": "br1", "ports": ["eth1"], "method": "dhcp", "address": "192.168.2.10/24", "stp": True},
        {"name": "br2"},
    ], rollback_timeout=120)
    assert found == [
        ("br0", "privatecloud.iaas.linux_bridge",
         dict(COMMON, name="br0", ports=["eth0"], forward_delay=1, addresses=["192.168.1.10/24"])),
        ("br1", "privatecloud.iaas.linux_bridge", dict(COMMON, name="br1", ports=["eth1"], stp=True)),
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
    with pytest.raises(ValueError, match="kind: 'bond' is not one of bridge, vlan"):
        calls("bond", [])
