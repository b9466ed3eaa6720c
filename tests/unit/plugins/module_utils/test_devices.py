"""What the interfaces module makes of the host's device list: each device's arguments, and the
boot files of each role in a temporary directory as they would be in /etc/network (the devices
themselves are made for real in tests/integration/modules/test_interfaces.py)."""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils import bridge, vlan
from ansible_collections.privatecloud.iaas.plugins.module_utils.devices import BootFiles, DeviceError, arguments, departing
from ansible_collections.privatecloud.iaas.plugins.module_utils.vlan import VlanError

BR0 = {"kind": "bridge", "name": "br0", "ports": ["eth0"], "method": "dhcp", "forward_delay": 1, "hello_time": 2}


def test_a_static_bridge_manages_its_address_and_a_dhcp_one_its_dhcp_client():
    assert arguments("bridge", {"name": "br0", "ports": ["eth0"], "address": "192.168.1.10/24",
                                "gateway": "192.168.1.1", "forward_delay": 1}) == {
        "name": "br0", "ports": ["eth0"], "forward_delay": 1, "addresses": ["192.168.1.10/24"]}
    assert arguments("bridge", {"name": "br1", "ports": ["eth1"], "method": "dhcp", "address": "192.168.2.10/24",
                                "stp": True}) == {"name": "br1", "ports": ["eth1"], "stp": True, "dhcp": True}
    # A port another call of the run removes is left to that removal.
    assert arguments("bridge", {"name": "br2"}, leaving=["eucavx9"]) == {
        "name": "br2", "ports": [], "departing_ports": ["eucavx9"]}


def test_a_device_the_collection_has_not_made_is_not_taken_over_once_ownership_is_known():
    assert arguments("vlan", {"parent": "eth0", "id": 10}) == {"parent": "eth0", "id": 10}
    assert [arguments("vlan", {"parent": "eth0", "id": vlan_id}, owned=["eth0.11"])["take_over"]
            for vlan_id in (10, 11)] == [False, True]
    assert arguments("vxlan", {"name": "eucavx10", "id": 10, "local": "192.0.2.11", "peers": ["192.0.2.12"]},
                     owned=[]) == {"name": "eucavx10", "id": 10, "local": "192.0.2.11", "peers": ["192.0.2.12"],
                                   "take_over": False}


def test_a_vlan_device_of_that_name_made_for_something_else_is_refused_unless_taken_over():
    # ip -j -d link show: eth0.10 is VLAN 11 of eth1 (someone's mistake, or another product's).
    links = {"eth0": {"ifname": "eth0", "flags": ["UP"]}, "eth1": {"ifname": "eth1", "flags": ["UP"]},
             "eth0.10": {"ifname": "eth0.10", "link": "eth1", "flags": ["UP"],
                         "linkinfo": {"info_kind": "vlan", "info_data": {"id": 11}}}}
    wanted = {"parent": "eth0", "id": 10, "state": "present", "addresses": None}
    with pytest.raises(VlanError, match=r"^eth0.10 exists as VLAN 11 of eth1, and the collection did not make it"):
        vlan.changes(dict(wanted, take_over=False), links, {})
    assert vlan.changes(dict(wanted, take_over=True), links, {})[0][:2] == [
        "link delete dev eth0.10", "link add link eth0 name eth0.10 type vlan id 10"]
    # The same device (parent and id) is simply used.
    links["eth0.10"].update(link="eth0", linkinfo={"info_kind": "vlan", "info_data": {"id": 10}})
    assert vlan.changes(dict(wanted, take_over=False), links, {})[0] == []


@pytest.fixture
def etc(tmp_path):
    directory = tmp_path / "interfaces.d"
    main = tmp_path / "interfaces"
    main.write_text("source %s/*\n\nauto lo eth0\niface lo inet loopback\niface eth0 inet dhcp\n" % directory)

    def boot(devices, owner="bridge", file_format="ifupdown"):
        return BootFiles(devices, owner, file_format, str(directory), str(main))

    boot.directory, boot.main = directory, main
    return boot


def test_the_files_are_written_once_and_switch_the_old_stanza_off(etc):
    first = etc([BR0])
    assert first.changed and sorted(first.write) == ["20-eth0", "60-br0"] and first.owned() == []
    first.apply()
    assert "bridge_ports eth0\n" in (etc.directory / "60-br0").read_text()
    # The old eth0 stanza is switched off: eth0 must not be configured twice at boot.
    assert "#privatecloud.iaas(eth0)# iface eth0 inet dhcp\n" in etc.main.read_text()
    again = etc([BR0])
    assert not again.changed and again.owned() == ["br0", "eth0"]


def test_what_leaves_the_declaration_is_released_and_nothing_else(etc):
    etc.directory.mkdir()
    (etc.directory / "50-cloud-init").write_text("auto eth9\niface eth9 inet dhcp\n")
    both = [BR0, {"kind": "bridge", "name": "br1", "ports": ["eth1"]}, {"kind": "vlan", "parent": "eth2", "id": 10}]
    etc(both).apply()
    etc(both, owner="vlan").apply()
    fewer = etc([BR0, both[2]])
    assert fewer.remove == ["20-eth1", "60-br1"]
    assert fewer.released() == [("ether", "eth1"), ("bridge", "br1")]
    fewer.apply()
    assert sorted(path.name for path in etc.directory.iterdir()) == [
        "20-eth0", "20-eth2", "40-eth2.10", "50-cloud-init", "60-br0"]
    none = etc([both[2]])
    assert none.remove == ["20-eth0", "60-br0"]
    none.apply()
    # No role manages eth0 any more: its old stanza is back on.
    assert "\niface eth0 inet dhcp\n" in etc.main.read_text()


def test_a_declaration_the_files_cannot_express_fails_before_writing(etc):
    with pytest.raises(DeviceError, match="the declared interfaces cannot be written: eth0: is a port of br0 and br1"):
        etc([BR0, {"kind": "bridge", "name": "br1", "ports": ["eth0"]}])


def test_ifcfg_for_rhel(etc):
    files = etc([BR0], file_format="ifcfg")
    assert sorted(files.write) == ["ifcfg-br0", "ifcfg-eth0"] and files.write["ifcfg-eth0"].endswith("BRIDGE=br0\n")


def test_a_host_without_declarations_is_left_as_it_is(etc):
    etc.main.unlink()
    assert not etc([]).changed


def _links(**mtus):
    return dict((name, {"ifname": name, "flags": ["UP"], "mtu": mtu}) for name, mtu in mtus.items())


def test_a_vlan_device_takes_the_declared_mtu_up_to_its_parents_else_its_parents():
    links = _links(eth0=9000)
    wanted = {"parent": "eth0", "id": 10, "state": "present", "addresses": None}
    commands, _before, after = vlan.changes(dict(wanted, mtu=1400), links, {})
    assert commands[1:] == ["link set dev eth0.10 mtu 1400", "link set dev eth0.10 up"] and after["mtu"] == 1400
    # Not declared: its parent's, which a new device gets anyway.
    commands, _before, after = vlan.changes(wanted, links, {})
    assert commands == ["link add link eth0 name eth0.10 type vlan id 10", "link set dev eth0.10 up"]
    assert after["mtu"] == 9000
    links["eth0"]["mtu"] = 1500
    with pytest.raises(VlanError, match=r"^mtu: 9000 is above the MTU 1500 of eth0, which carries the frames of "
                                        r"eth0.10 \(raise eth0's first\)$"):
        vlan.changes(dict(wanted, mtu=9000), links, {})
    # One declared before and no longer: back to its parent's.
    links["eth0.10"] = dict(_vlan_link("eth0.10", "eth0", 10), mtu=1400)
    assert vlan.changes(wanted, links, {})[0] == ["link set dev eth0.10 mtu 1500"]


def _vlan_link(name, parent, vlan_id):
    return {"ifname": name, "link": parent, "flags": ["UP"], "linkinfo": {"info_kind": "vlan", "info_data": {"id": vlan_id}}}


def test_a_bridge_takes_the_declared_mtu_up_to_its_smallest_ports_else_that():
    links = _links(**{"eth0.10": 9000, "eucavx10": 8950})
    wanted = {"name": "eucabr10", "ports": ["eth0.10", "eucavx10"], "state": "present"}
    commands, _before, after = bridge.changes(dict(wanted, mtu=8950), links, {}, [])
    assert commands[-2:] == ["link set dev eucabr10 mtu 8950", "link set dev eucabr10 up"] and after["mtu"] == 8950
    # Not declared: the kernel gives a new bridge the smallest of its ports' by itself.
    commands, _before, after = bridge.changes(wanted, links, {}, [])
    assert not [command for command in commands if " mtu " in command] and after["mtu"] == 8950
    with pytest.raises(bridge.BridgeError, match=r"^mtu: 9000 is above the MTU 8950 of eucavx10, which carries the "
                                                 r"frames of eucabr10"):
        bridge.changes(dict(wanted, mtu=9000), links, {}, [])
    # A bridge whose MTU was set by hand (or declared before) goes back to its smallest port's.
    links["eucabr10"] = {"ifname": "eucabr10", "flags": ["UP"], "mtu": 1400,
                         "linkinfo": {"info_kind": "bridge", "info_data": {"stp_state": 0, "forward_delay": 1500,
                                                                           "hello_time": 200}}}
    for port in wanted["ports"]:
        links[port]["master"] = "eucabr10"
    commands, before, after = bridge.changes(wanted, links, {}, [])
    assert commands == ["link set dev eucabr10 mtu 8950"] and "mtu: 1400" in bridge.describe(before)


def test_the_bridge_call_knows_a_vlan_device_declared_by_parent_and_id_as_staying(etc):
    # The guide's KVM host declares eth0.200 by parent and id alone; its file is there: it stays.
    vlan = {"kind": "vlan", "parent": "eth0", "id": 200}
    bridge = {"kind": "bridge", "name": "cloudbr0", "ports": ["eth0.200"]}
    etc([vlan, bridge], owner="vlan").apply()
    assert "eth0.200" not in departing([vlan, bridge], ["bridge"], "ifupdown", str(etc.directory))
    assert "eth0.200" in departing([bridge], ["bridge"], "ifupdown", str(etc.directory))
