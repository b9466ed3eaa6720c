"""The bond plan, on links as ip -j -d link show prints them (this kernel has no bonding: bonds are
made for real in the kernel scenario)."""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.bond import BondError, changes, describe


def nic(name, master=None, mtu=1500, mac="52:54:00:00:00:01"):
    link = {"ifname": name, "flags": ["UP"], "mtu": mtu, "address": mac}
    if master:
        link.update(master=master, linkinfo={"info_slave_kind": "bond", "info_slave_data": {"state": "ACTIVE"}})
    return link


def bond(name="bond0", mode="active-backup", miimon=100, primary=None, mtu=1500, **data):
    return {"ifname": name, "flags": ["UP"], "mtu": mtu, "address": "52:54:00:00:00:01",
            "linkinfo": {"info_kind": "bond", "info_data": dict(mode=mode, miimon=miimon, primary=primary, **data)}}


def params(**more):
    return dict({"name": "bond0", "state": "present", "mode": "active-backup", "ports": ["eth0", "eth1"],
                 "take_over": True}, **more)


def test_a_new_active_backup_bond_takes_its_ports_down_first_then_its_primary():
    links = {"eth0": nic("eth0"), "eth1": nic("eth1", mac="52:54:00:00:00:02")}
    commands, before, after = changes(params(primary="eth0"), links, {}, [])
    assert commands == [
        "link add name bond0 mtu 1500 type bond mode active-backup miimon 100",
        "link set dev eth0 down", "link set dev eth0 master bond0", "link set dev eth0 up",
        "link set dev eth1 down", "link set dev eth1 master bond0", "link set dev eth1 up",
        "link set dev bond0 type bond primary eth0", "link set dev bond0 up"]
    assert before == {} and describe(after).splitlines()[:4] == [
        "name: bond0", "mode: active-backup", "ports: ['eth0', 'eth1']", "primary: eth0"]


def test_an_lacp_bond_gets_its_rate_and_hash_and_a_port_hands_over_the_hosts_address():
    links = {"eth0": nic("eth0"), "eth1": nic("eth1")}
    routes = [{"dst": "default", "gateway": "192.0.2.1", "dev": "eth0"}]
    commands, _before, after = changes(params(mode="802.3ad", lacp_rate="fast", xmit_hash_policy="layer3+4", mtu=9000),
                                       links, {"eth0": ["192.0.2.11/24"]}, routes)
    assert commands[0] == "link add name bond0 mtu 9000 type bond mode 802.3ad miimon 100 lacp_rate fast " \
                          "xmit_hash_policy layer3+4"
    # In one batch: the controller's connection moves with the address and the default route.
    assert commands[1:8] == ["link set dev eth0 down", "link set dev eth0 master bond0",
                             "address delete 192.0.2.11/24 dev eth0", "address add 192.0.2.11/24 dev bond0",
                             "link set dev bond0 up", "route replace default via 192.0.2.1 dev bond0",
                             "link set dev eth0 up"]
    assert after["addresses"] == ["192.0.2.11/24"]


def test_the_same_bond_is_left_alone_and_its_settings_change_in_place():
    links = {"eth0": nic("eth0", "bond0"), "eth1": nic("eth1", "bond0"), "bond0": bond(primary="eth0")}
    assert changes(params(primary="eth0"), links, {}, [])[0] == []
    commands = changes(params(primary="eth1", miimon=50, mtu=9000), links, {}, [])[0]
    assert commands == ["link set dev bond0 type bond miimon 50", "link set dev bond0 mtu 9000",
                        "link set dev bond0 type bond primary eth1"]


def test_a_port_that_leaves_the_declaration_leaves_the_bond_and_another_mode_makes_it_anew():
    links = {"eth0": nic("eth0", "bond0"), "eth1": nic("eth1", "bond0"), "bond0": bond()}
    assert changes(params(ports=["eth0"]), links, {}, [])[0] == ["link set dev eth1 nomaster"]
    commands = changes(params(mode="802.3ad"), links, {}, [])[0]
    assert commands[:2] == ["link delete dev bond0",
                            "link add name bond0 mtu 1500 type bond mode 802.3ad miimon 100 lacp_rate slow "
                            "xmit_hash_policy layer2"]


def test_a_bond_made_anew_takes_back_its_ports_addresses_and_routes():
    # Another mode, or a primary port no longer declared (ip cannot unset one): the bond is deleted
    # and made again, and what it carried comes back in the same batch.
    links = {"eth0": nic("eth0", "bond0"), "eth1": nic("eth1", "bond0"), "bond0": bond(primary="eth0")}
    addresses = {"bond0": ["192.0.2.11/24"]}
    routes = [{"dst": "default", "gateway": "192.0.2.1", "dev": "bond0"}]
    commands, before, after = changes(params(), links, addresses, routes)
    assert commands == [
        "link delete dev bond0",
        "link add name bond0 mtu 1500 type bond mode active-backup miimon 100",
        "link set dev eth0 down", "link set dev eth0 master bond0", "link set dev eth0 up",
        "link set dev eth1 down", "link set dev eth1 master bond0", "link set dev eth1 up",
        "address add 192.0.2.11/24 dev bond0",
        "link set dev bond0 up",
        "route replace default via 192.0.2.1 dev bond0"]
    assert (before["primary"], after["primary"], after["addresses"]) == ("eth0", None, ["192.0.2.11/24"])


def test_a_bond_the_collection_did_not_make_is_refused():
    links = {"eth0": nic("eth0", "bond0"), "eth1": nic("eth1"), "eth2": nic("eth2", "bond0"),
             "bond0": bond(mode="balance-rr")}
    with pytest.raises(BondError, match=r"^bond0 exists as a balance-rr bond of eth0, eth2, and the collection did "
                                        r"not make it"):
        changes(params(take_over=False), links, {}, [])


def test_removal_gives_the_first_port_the_bonds_addresses_back():
    links = {"eth0": nic("eth0", "bond0"), "eth1": nic("eth1", "bond0"), "bond0": bond()}
    routes = [{"dst": "default", "gateway": "192.0.2.1", "dev": "bond0"}]
    commands, before, after = changes({"name": "bond0", "state": "absent"}, links, {"bond0": ["192.0.2.11/24"]}, routes)
    assert commands == ["link delete dev bond0", "address add 192.0.2.11/24 dev eth0", "link set dev eth0 up",
                        "link set dev eth1 up", "route replace default via 192.0.2.1 dev eth0"]
    assert before["ports"] == ["eth0", "eth1"] and after == {}


@pytest.mark.parametrize("wrong, message", [
    ({"mode": "lacp"}, "mode: 'lacp' is not one of balance-rr, active-backup, balance-xor, broadcast, 802.3ad"),
    ({"lacp_rate": "fast"}, "lacp_rate: is for mode 802.3ad only (this bond is active-backup)"),
    ({"mode": "802.3ad", "xmit_hash_policy": "layer5"}, "xmit_hash_policy: 'layer5' is not one of layer2"),
    ({"mode": "802.3ad", "primary": "eth0"}, "primary: is for mode active-backup or balance-tlb or balance-alb only"),
    ({"primary": "eth2"}, "primary: 'eth2' is not one of its ports (eth0, eth1)"),
    ({"miimon": -1}, "miimon: -1 is not a number of milliseconds"),
    ({"mtu": "9000"}, "mtu: '9000' is not a whole number from 68 to 65535"),
    ({"ports": ["eth0", "bond0"]}, "ports: 'bond0' cannot be a port of itself"),
    ({"ports": ["eth9"]}, "ports: 'eth9' is not an interface of this host"),
])
def test_what_the_kernel_would_refuse_or_ignore_is_refused_naming_it(wrong, message):
    with pytest.raises(BondError, match="^" + message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        changes(params(**wrong), {"eth0": nic("eth0"), "eth1": nic("eth1")}, {}, [])


def test_a_static_bond_manages_its_addresses():
    links = {"eth0": nic("eth0", "bond0"), "eth1": nic("eth1", "bond0"), "bond0": bond()}
    commands, _before, after = changes(params(addresses=["192.0.2.11/24"]), links, {"bond0": ["192.0.2.99/24"]}, [])
    assert commands == ["address delete 192.0.2.99/24 dev bond0", "address replace 192.0.2.11/24 dev bond0"]
    assert after["addresses"] == ["192.0.2.11/24"]
