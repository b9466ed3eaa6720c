"""Preflight's rows of bonds and bridges' MTU paths, on links as ip -j -d link show prints them
(the kernel scenario reads the same rows from real bonds)."""

from ansible_collections.privatecloud.iaas.plugins.module_utils.link_health import rows

PARTNER = "52:54:00:aa:bb:cc"


def nic(name, master=None, mtu=1500, carrier=True, **port):
    link = {"ifname": name, "flags": ["BROADCAST", "UP"] + (["LOWER_UP"] if carrier else []), "mtu": mtu}
    if master:
        link["master"] = master
        link["linkinfo"] = {"info_slave_kind": "bond" if master.startswith("bond") else "bridge",
                            "info_slave_data": dict({"mii_status": "UP"} if master.startswith("bond") else {}, **port)}
    return link


def device(name, kind, mtu=1500, master=None, parent=None, **data):
    link = {"ifname": name, "flags": ["UP", "LOWER_UP"], "mtu": mtu, "linkinfo": {"info_kind": kind, "info_data": data}}
    if master:
        link["master"] = master
    if parent:
        link["link"] = parent
    return link


def row(links, bonds=(), bridges=()):
    (found,) = rows({"bonds": list(bonds), "bridges": list(bridges)}, links)
    return found["check"], found["result"], found["detail"]


BOND = {"name": "bond0", "mode": "active-backup", "ports": ["eth0", "eth1"]}
LACP = dict(BOND, mode="802.3ad")


def test_an_active_backup_bond_names_its_active_port_and_each_ports_link():
    links = [device("bond0", "bond", mode="active-backup", active_slave="eth0"),
             nic("eth0", "bond0", state="ACTIVE"), nic("eth1", "bond0", state="BACKUP")]
    assert row(links, [BOND]) == ("bond bond0", "ok", "active-backup, active port eth0; ports eth0 up, eth1 up")


def test_a_port_whose_link_is_down_fails_the_bond_though_traffic_still_flows():
    links = [device("bond0", "bond", mode="active-backup", active_slave="eth1"),
             nic("eth0", "bond0", carrier=False, mii_status="DOWN"), nic("eth1", "bond0")]
    assert row(links, [BOND]) == (
        "bond bond0", "FAILED", "eth0's link is down; active-backup, active port eth1; ports eth0 down, eth1 up")


def test_a_declared_port_outside_the_bond_and_no_active_port_are_named():
    links = [device("bond0", "bond", mode="active-backup"), nic("eth0"), nic("eth1", "bond0", mii_status="DOWN")]
    _check, result, detail = row(links, [BOND])
    assert result == "FAILED"
    assert detail.startswith("eth0 is not in the bond; eth1's link is down; no port is active; ")


def test_an_lacp_bond_agreed_with_its_partner_on_every_port():
    links = [device("bond0", "bond", mode="802.3ad", ad_info={"aggregator": 1, "partner_mac": PARTNER}),
             nic("eth0", "bond0", ad_aggregator_id=1), nic("eth1", "bond0", ad_aggregator_id=1)]
    assert row(links, [LACP]) == ("bond bond0", "ok", "802.3ad, aggregator 1 with partner %s; ports eth0 up, eth1 up"
                                  % PARTNER)


def test_an_lacp_bond_without_a_partner_or_with_a_port_outside_its_aggregator_fails():
    alone = [device("bond0", "bond", mode="802.3ad", ad_info={"aggregator": 1, "partner_mac": "00:00:00:00:00:00"}),
             nic("eth0", "bond0", ad_aggregator_id=1), nic("eth1", "bond0", ad_aggregator_id=1)]
    assert row(alone, [LACP])[2].startswith("no LACP partner answers")
    split = [device("bond0", "bond", mode="802.3ad", ad_info={"aggregator": 1, "partner_mac": PARTNER}),
             nic("eth0", "bond0", ad_aggregator_id=1), nic("eth1", "bond0", ad_aggregator_id=2)]
    assert row(split, [LACP])[1:] == ("FAILED", "eth1 is in aggregator 2, not the active 1: it carries nothing; "
                                      "802.3ad, aggregator 1 with partner %s; ports eth0 up, eth1 up" % PARTNER)


def test_before_the_bond_is_made_each_nic_needs_a_carrier():
    assert row([nic("eth0"), nic("eth1")], [BOND]) == ("bond bond0", "ok", "not made yet; eth0, eth1 each with a link")
    assert row([nic("eth0"), nic("eth1", carrier=False)], [BOND])[1:] == (
        "FAILED", "not made yet; eth1 without a link (no carrier): the bond would start without it")
    assert row([nic("eth0")], [BOND])[1:] == ("FAILED", "not made yet, and eth1: no such interface")


def test_a_device_of_another_kind_by_the_bonds_name_fails():
    assert row([device("bond0", "bridge"), nic("eth0"), nic("eth1")], [BOND])[1:] == (
        "FAILED", "exists and is not a bond (it is a bridge device)")


def test_a_bridges_mtu_path_goes_down_through_vlan_and_bond_to_the_nics():
    links = [device("cloudbr1", "bridge", mtu=1400), device("bond0.100", "vlan", mtu=1400, master="cloudbr1",
                                                            parent="bond0"),
             device("bond0", "bond", mtu=9000, mode="802.3ad"), nic("eth0", "bond0", mtu=9000),
             nic("eth1", "bond0", mtu=9000)]
    assert row(links, bridges=[{"name": "cloudbr1", "ports": ["bond0.100"]}]) == (
        "MTU path cloudbr1", "ok", "cloudbr1 1400 > bond0.100 1400 > bond0 9000 > eth0 9000, eth1 9000")


def test_a_device_above_a_smaller_mtu_fails_naming_both():
    links = [device("br0", "bridge", mtu=9000), device("bond0", "bond", mtu=9000, master="br0", mode="active-backup"),
             nic("eth0", "bond0", mtu=9000), nic("eth1", "bond0", mtu=1500)]
    assert row(links, bridges=[{"name": "br0", "ports": ["bond0"]}]) == (
        "MTU path br0", "FAILED", "bond0's MTU 9000 is above eth1's 1500, which drops its larger frames; "
        "br0 9000 > bond0 9000 > eth0 9000, eth1 1500")


def test_a_bridge_not_made_yet_passes_and_bonds_come_before_bridges():
    found = rows({"bonds": [BOND], "bridges": [{"name": "br0", "ports": ["bond0"]}]}, [nic("eth0"), nic("eth1")])
    assert [(entry["check"], entry["detail"]) for entry in found] == [
        ("bond bond0", "not made yet; eth0, eth1 each with a link"), ("MTU path br0", "not made yet")]
