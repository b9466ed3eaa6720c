"""Each host's plan, decided once from the whole inventory: every mode, every CloudStack host kind,
several clusters, and a front-end that is also a node."""

import os

import pytest
import yaml

from ansible_collections.privatecloud.iaas.plugins.module_utils.host_plan import Inventory, plan_host, plan_inventory
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems

STATIC_FRONTEND = {
    "vnet_pubinterface": "eth0", "vnet_privinterface": "eth0", "vnet_dhcpdaemon": "/usr/sbin/dhcpd",
    "vnet_subnet": "192.168.1.0", "vnet_netmask": "255.255.255.0", "vnet_broadcast": "192.168.1.255",
    "vnet_router": "192.168.1.1", "vnet_dns": "192.168.1.2",
    "vnet_macmap": {"AA:DD:11:CE:FF:ED": "192.168.1.3", "AA:DD:11:CE:FF:EE": "192.168.1.4"},
}
MANAGED_FRONTEND = {
    "vnet_pubinterface": "eth1", "vnet_privinterface": "eth0", "vnet_dhcpdaemon": "/usr/sbin/dhcpd",
    "vnet_subnet": "10.0.0.0", "vnet_netmask": "255.0.0.0", "vnet_dns": "192.0.2.2", "vnet_addrspernet": 128,
}
# The advanced zone of the example inventory: its traffic labels are cloudbr1 and cloudbr0.
EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "inventories", "cloudstack-advanced")
with open(os.path.join(EXAMPLE, "group_vars", "all.yml")) as stream:
    ZONE = yaml.safe_load(stream)["cloudstack_zones"][0]


def dhcp(plan):
    """(function, interfaces) of a host's DHCP server."""
    return plan["dhcpd"]["function"], plan["dhcpd"]["interfaces"]


def dhcpd_conf(plan):
    return plan["dhcpd"]["files"][0]["content"]


CLOUD_BRIDGES = [{"name": "cloudbr1", "ports": ["eth0.200"]}, {"name": "cloudbr0", "ports": ["eth0.300"]}]


def inventory(groups, variables, common=None, releases=None, records=None):
    """An Inventory from {group: [hosts]} and {host: variables} (plus variables every host has);
    releases: {host: 'Debian 13'}, the facts validate.yml reads (none by default); records: {host:
    what role_records_info read there}."""
    hosts = sorted({host for members in groups.values() for host in members} | set(variables))

    def facts(host):
        distribution, major = ((releases or {}).get(host) or " ").split(" ")
        return {"distribution": distribution, "distribution_major_version": major} if major else {}

    return Inventory(dict(groups, all=hosts), lambda host: dict(common or {}, **variables.get(host, {})), facts,
                     (records or {}).get)


def plans(groups, variables, common=None, releases=None):
    problems = Problems()
    found = plan_inventory(inventory(groups, variables, common, releases), problems)
    assert problems.lines() == []
    return found


def problems_of(groups, variables, common=None, releases=None):
    problems = Problems()
    plan_inventory(inventory(groups, variables, common, releases), problems)
    return problems.lines()


# --- Eucalyptus, each mode -----------------------------------------------------------------------

def test_system_mode_gives_the_node_its_bridge_and_the_front_end_no_dhcp_server():
    found = plans({"frontend": ["fe"], "nodes": ["nc1"]},
                  {"nc1": {"vnet_bridge": "br0"}}, common={"vnet_mode": "SYSTEM"})
    assert found["fe"]["eucalyptus"]["settings"] == {
        "VNET_MODE": "SYSTEM", "EUCALYPTUS": "/", "EUCA_USER": "eucalyptus"}
    assert dhcp(found["fe"]) == ("none", [])
    assert found["fe"]["interfaces"]["bridges"] == []
    node = found["nc1"]
    assert node["eucalyptus"]["settings"] == {
        "VNET_MODE": "SYSTEM", "VNET_BRIDGE": "br0", "EUCALYPTUS": "/", "EUCA_USER": "eucalyptus", "HYPERVISOR": "kvm"}
    assert node["interfaces"]["bridges"] == [{"name": "br0", "ports": ["eth0"], "method": "dhcp",
                                              "forward_delay": 1, "hello_time": 2}]
    assert node["eucalyptus"]["vm_bridge"] == "br0"
    assert node["preflight"] == ["bridge", "links"]
    assert (node["firewall"]["services"], node["firewall"]["tables"], node["firewall"]["revoke"],
            node["firewall"]["copies"]) == ([], {}, None, [])


def test_a_declared_vm_bridge_is_taken_as_declared():
    bridge = {"name": "br0", "ports": ["eth0"], "address": "192.168.1.20/24"}
    found = plans({"frontend": ["fe"], "nodes": ["nc1"]},
                  {"nc1": {"vnet_bridge": "br0", "bridge_interfaces": [bridge]}}, common={"vnet_mode": "SYSTEM"})
    assert found["nc1"]["interfaces"]["bridges"] == [bridge]


def test_static_mode_with_the_collections_data_plane_serves_the_map_on_the_private_interface():
    found = plans({"frontend": ["fe"], "nodes": ["nc1"]},
                  {"fe": dict(STATIC_FRONTEND, vnet_dataplane="ansible"), "nc1": {"vnet_bridge": "br0"}},
                  common={"vnet_mode": "STATIC"})
    frontend = found["fe"]
    assert frontend["components"] == ["frontend"]
    assert dhcp(frontend) == ("static_map", ["eth0"])
    assert "host vm-aa-dd-11-ce-ff-ed {\n  hardware ethernet AA:DD:11:CE:FF:ED;\n  fixed-address 192.168.1.3;" in (
        dhcpd_conf(frontend))
    assert frontend["eucalyptus"]["settings"]["VNET_MACMAP"] == (
        "AA:DD:11:CE:FF:ED=192.168.1.3 AA:DD:11:CE:FF:EE=192.168.1.4")
    assert "VNET_BRIDGE" not in frontend["eucalyptus"]["settings"]
    assert frontend["preflight"] == ["dhcp_daemon"]
    assert frontend["firewall"]["copies"] == []


def test_static_mode_with_a_real_cc_keeps_only_the_daemon():
    found = plans({"frontend": ["fe"]}, {"fe": STATIC_FRONTEND}, common={"vnet_mode": "STATIC"})
    assert dhcp(found["fe"]) == ("cc_daemon", [])


def test_a_front_end_that_is_also_a_node_serves_the_map_on_the_bridge_that_took_its_interface():
    bridge = {"name": "br0", "ports": ["eth0"], "address": "192.168.1.10/24", "gateway": "192.168.1.1"}
    found = plans({"frontend": ["cloud"], "nodes": ["cloud", "nc1"]},
                  {"cloud": dict(STATIC_FRONTEND, vnet_dataplane="ansible", vnet_bridge="br0",
                                 bridge_interfaces=[bridge]),
                   "nc1": {"vnet_bridge": "br0"}},
                  common={"vnet_mode": "STATIC"})
    host = found["cloud"]
    assert host["components"] == ["frontend", "node"]
    assert host["interfaces"]["bridges"] == [bridge]
    assert dhcp(host) == ("static_map", ["br0"])
    # One file, both parts' keys: the CC's and the NC's.
    settings = host["eucalyptus"]["settings"]
    assert settings["VNET_PRIVINTERFACE"] == "eth0" and settings["VNET_BRIDGE"] == "br0"
    assert settings["HYPERVISOR"] == "kvm"
    assert (host["eucalyptus"]["cc"], host["eucalyptus"]["nc"]) == (True, True)
    assert host["preflight"] == ["bridge", "dhcp_daemon", "links"]


def test_what_each_component_needs_when_eucalyptus_conf_changes():
    found = plans({"frontend": ["cloud"], "nodes": ["cloud", "nc1"]},
                  {"cloud": dict(STATIC_FRONTEND, vnet_bridge="br0", euca_conf_settings={"CC_PORT": 8774}),
                   "nc1": {"vnet_bridge": "br0"}},
                  common={"vnet_mode": "STATIC"})
    conf = ["/etc/eucalyptus/eucalyptus.conf"]
    # The CC: a new VNET_MODE needs a clean restart (which makes the restart unnecessary), any other
    # networking key a restart; the NC on the same machine: every key the collection sets there.
    assert found["cloud"]["eucalyptus"]["actions"] == [
        {"name": "clean-restart the CC", "command": ["/etc/init.d/eucalyptus-cc", "cleanrestart"], "files": conf,
         "keys": ["VNET_MODE"], "supersedes": ["restart the CC"]},
        {"name": "restart the CC", "command": ["/etc/init.d/eucalyptus-cc", "restart"], "files": conf,
         "keys": ["VNET_*"]},
        {"name": "restart the NC", "command": ["/etc/init.d/eucalyptus-nc", "restart"], "files": conf,
         "keys": ["VNET_*", "CC_PORT", "EUCALYPTUS", "EUCA_USER", "HYPERVISOR"]},
    ]
    assert [action["name"] for action in found["nc1"]["eucalyptus"]["actions"]] == ["restart the NC"]


def test_an_explicit_dhcpd_interface_list_wins():
    found = plans({"frontend": ["fe"]}, {"fe": dict(STATIC_FRONTEND, vnet_dataplane="ansible",
                                                    dhcpd_interfaces=["eth9"])},
                  common={"vnet_mode": "STATIC"})
    assert found["fe"]["dhcpd"]["interfaces"] == ["eth9"]


def test_managed_mode_nodes_need_8021q_and_no_bridge():
    found = plans({"frontend": ["fe"], "nodes": ["nc1"]},
                  {"fe": dict(MANAGED_FRONTEND, vnet_dataplane="ansible"),
                   "nc1": {"vnet_pubinterface": "eth0", "vnet_privinterface": "eth0"}},
                  common={"vnet_mode": "MANAGED"})
    node = found["nc1"]
    assert node["interfaces"] == {"bonds": [], "bridges": [], "vlans": [], "vxlans": [], "vlan_8021q": True}
    assert node["eucalyptus"]["vm_bridge"] is None
    assert node["preflight"] == ["vlan_clean"]
    frontend = found["fe"]
    assert frontend["interfaces"]["vlan_8021q"] is False
    firewall = frontend["firewall"]
    assert firewall["tables"]["filter"]["chains"]["IAAS-FORWARD"] == [
        "-m conntrack --ctstate ESTABLISHED -j ACCEPT", "! -d 10.0.0.0/8 -j ACCEPT"]
    assert firewall["copies"] == ["/etc/eucalyptus/iptables-preload"]
    assert (firewall["revoke"]["subnet"], firewall["sysctls"]) == ("10.0.0.0/8", {"net.ipv4.ip_forward": "1"})
    assert frontend["dhcpd"]["function"] == "cc_daemon"
    assert frontend["preflight"] == ["vlan_clean", "dhcp_daemon"]


def test_the_vlan_clean_test_takes_the_router_on_the_front_end_and_an_instance_on_each_node():
    found = plans({"frontend": ["fe"], "nodes": ["nc2", "nc1"]},
                  {"fe": dict(MANAGED_FRONTEND, preflight_vlan_id=30),
                   "nc1": {"vnet_pubinterface": "eth0", "vnet_privinterface": "eth0"},
                   "nc2": {"vnet_pubinterface": "eth0", "vnet_privinterface": "eth0"}},
                  common={"vnet_mode": "MANAGED"})
    # 10.0.0.0/8 in blocks of 128: tag 30 is block 28, 10.0.14.0/25.
    free_tag = {"bridge": None, "router": None, "probe": None}
    assert found["fe"]["vlan_clean"] == [dict(free_tag, id=30, parent="eth0", device="eth0.30",
                                              address="10.0.14.1/25", peers=["nc1", "nc2"])]
    assert [test["address"] for test in found["nc1"]["vlan_clean"]] == ["10.0.14.2/25"]
    assert found["nc2"]["vlan_clean"] == [dict(free_tag, id=30, parent="eth0", device="eth0.30",
                                               address="10.0.14.3/25", peers=["fe"])]


def test_a_vlan_clean_tag_outside_the_subnet_is_refused():
    assert problems_of({"frontend": ["fe"]}, {"fe": dict(MANAGED_FRONTEND, vnet_netmask="255.255.252.0",
                                                         vnet_subnet="10.0.0.0", preflight_vlan_id=10)},
                       common={"vnet_mode": "MANAGED"}) == [
        "fe: preflight_vlan_id: 10 is outside the VLAN tags 2..7 that 10.0.0.0/22 by 128 provides"]


def test_a_managed_front_end_with_groups_gets_its_data_plane_and_bad_input_is_refused():
    groups = {"admin/default": {"vlan": 10, "ingress": [{"protocol": "tcp", "ports": 22, "source": "0.0.0.0/0"}]}}
    front_end = dict(MANAGED_FRONTEND, vnet_dataplane="ansible", vnet_security_groups=groups,
                     vnet_instances={"i-1": {"group": "admin/default", "node": "nc1"}})
    found = plans({"frontend": ["fe"], "nodes": ["nc1"]}, {"fe": front_end, "nc1": {"vnet_bridge": "br0"}},
                  common={"vnet_mode": "MANAGED-NOVLAN"})
    # 10.0.0.0/8 in blocks of 128: tag 10 is block 8, 10.0.4.0/25.
    assert found["fe"]["eucalyptus"]["dataplane"]["instances"] == [
        {"name": "i-1", "node": "nc1", "private_ip": "10.0.4.2", "group": "admin/default", "router": "10.0.4.1",
         "mac": "D0:0D:0A:00:04:02"}]
    assert found["nc1"]["eucalyptus"]["dataplane"] is None
    # The router on the private interface, dhcpd serving the block there, the firewall with the groups.
    assert found["fe"]["eucalyptus"]["dataplane"]["addresses"] == [
        {"device": "eth0", "address": "10.0.4.1/25", "announce": False}]
    assert dhcp(found["fe"]) == ("security_groups", ["eth0"])
    assert "shared-network iaas {\n\nsubnet 10.0.4.0 netmask 255.255.255.128 {" in dhcpd_conf(found["fe"])
    assert "host i-1 {\n  hardware ethernet D0:0D:0A:00:04:02;\n  fixed-address 10.0.4.2;\n}" in dhcpd_conf(found["fe"])
    assert found["fe"]["dhcpd"]["listen"]["planned"] == {"eth0": ["10.0.4.1/25"]}
    # What keeps i-1's address in later runs, with the dhcpd role's record.
    assert found["fe"]["dhcpd"]["kept"] == {"addresses": {"i-1": "10.0.4.2"}}
    table = found["fe"]["firewall"]["dataplane_table"]
    assert {chain["name"]: chain["rules"] for chain in table["chains"]}["IAAS-admin-default"] == [
        "ip saddr 10.0.4.0/25 accept", "ip saddr 0.0.0.0/0 tcp dport 22 accept"]
    assert table["maps"][0] == {"name": "group_of", "elements": {"10.0.4.0": "jump IAAS-admin-default"}}
    # Kept on the host for the boot restore, which loads it after the iptables scripts and before forwarding.
    assert found["fe"]["firewall"]["dataplane_path"] == "/etc/privatecloud-iaas/dataplane.nft"
    unit = found["fe"]["firewall"]["files"][1]["content"]
    assert unit.index("ip6tables-restore") < unit.index("nft -f /etc/privatecloud-iaas/dataplane.nft") < unit.index(
        "ip_forward")
    assert "nftables" in found["fe"]["firewall"]["packages"]
    front_end["vnet_instances"] = {"i-1": {"group": "admin/default", "node": "fe"}}
    assert problems_of({"frontend": ["fe"], "nodes": ["nc1"]}, {"fe": front_end, "nc1": {"vnet_bridge": "br0"}},
                       common={"vnet_mode": "MANAGED-NOVLAN"}) == [
        "fe: vnet_instances[i-1].node: 'fe' is not a host of group nodes"]


def test_managed_novlan_takes_the_subnet_on_the_private_interface_only():
    groups = {"admin/default": {"vlan": 10}}
    front_end = dict(MANAGED_FRONTEND, vnet_dataplane="ansible", vnet_security_groups=groups,
                     vnet_instances={"i-1": {"group": "admin/default", "node": "nc1"}})
    found = plans({"frontend": ["fe"], "nodes": ["nc1"]}, {"fe": front_end, "nc1": {"vnet_bridge": "br0"}},
                  common={"vnet_mode": "MANAGED-NOVLAN"})
    # The private interface carries the nodes' traffic too: only the subnet is held to it.
    assert found["fe"]["firewall"]["tables"]["raw"] == {
        "chains": {"IAAS-PREROUTING": ["-i lo -j RETURN", "-i eth0 -s 10.0.0.0/8 -j RETURN", "-s 10.0.0.0/8 -j DROP"]},
        "jumps": [{"chain": "PREROUTING", "target": "IAAS-PREROUTING", "position": 1}], "policies": {}}
    # Where the private interface is a bridge's port, the bridge is where packets come in.
    bridged = dict(front_end, bridge_interfaces=[{"name": "br1", "ports": ["eth0"]}])
    found = plans({"frontend": ["fe"], "nodes": ["nc1"]}, {"fe": bridged, "nc1": {"vnet_bridge": "br0"}},
                  common={"vnet_mode": "MANAGED-NOVLAN"})
    assert found["fe"]["firewall"]["tables"]["raw"]["chains"]["IAAS-PREROUTING"][1] == "-i br1 -s 10.0.0.0/8 -j RETURN"
    assert "raw" not in found["nc1"]["firewall"]["tables"]


def test_a_managed_groups_bridge_takes_its_own_block_only():
    groups = {"admin/default": {"vlan": 10}, "admin/web": {"vlan": 11}}
    front_end = dict(MANAGED_FRONTEND, vnet_dataplane="ansible", vnet_security_groups=groups, preflight_vlan_id=12,
                     vnet_instances={"i-1": {"group": "admin/default", "node": "nc1"},
                                     "i-2": {"group": "admin/web", "node": "nc1"}})
    node = {"vnet_pubinterface": "eth0", "vnet_privinterface": "eth0"}
    found = plans({"frontend": ["fe"], "nodes": ["nc1"]}, {"fe": front_end, "nc1": node},
                  common={"vnet_mode": "MANAGED"})
    # 10.0.0.0/8 in blocks of 128: tag 10 is 10.0.4.0/25, tag 11 10.0.4.128/25.
    assert found["fe"]["firewall"]["tables"]["raw"]["chains"]["IAAS-PREROUTING"] == [
        "-i lo -j RETURN",
        "-i eucabr10 -s 10.0.4.0/25 -j RETURN",
        "-i eucabr10 -s 0.0.0.0/32 -p udp -m udp --sport 68 --dport 67 -j RETURN",
        "-i eucabr10 -j DROP",
        "-i eucabr11 -s 10.0.4.128/25 -j RETURN",
        "-i eucabr11 -s 0.0.0.0/32 -p udp -m udp --sport 68 --dport 67 -j RETURN",
        "-i eucabr11 -j DROP",
        # The preflight's VLAN-clean test: tag 12 (a tag no group uses) on its own device, its block.
        "-i eth0.12 -s 10.0.5.0/25 -j RETURN",
        "-i eth0.12 -s 0.0.0.0/32 -p udp -m udp --sport 68 --dport 67 -j RETURN",
        "-i eth0.12 -j DROP",
        "-s 10.0.0.0/8 -j DROP"]
    # A group's tag is tested on the group's bridge.
    front_end["preflight_vlan_id"] = 10
    found = plans({"frontend": ["fe"], "nodes": ["nc1"]}, {"fe": front_end, "nc1": node}, common={"vnet_mode": "MANAGED"})
    assert "-i eth0.10" not in " ".join(found["fe"]["firewall"]["tables"]["raw"]["chains"]["IAAS-PREROUTING"])


def test_between_clusters_a_groups_bridge_also_takes_what_the_peer_routes_to_its_block():
    found = plans(*NODES_OF_TWO_CLUSTERS, common=dict(MANAGED_FRONTEND, vnet_mode="MANAGED", **GROUPS_OF_TWO_CLUSTERS))
    # tag 10 is 10.0.4.0/25; the peer CC routes every other block's instances to it on eucabr10.
    for cc in ("cc1", "cc2"):
        assert found[cc]["firewall"]["tables"]["raw"]["chains"]["IAAS-PREROUTING"][1:4] == [
            "-i eucabr10 -s 10.0.4.0/25 -j RETURN",
            "-i eucabr10 -s 10.0.0.0/8 -d 10.0.4.0/25 -j RETURN",
            "-i eucabr10 -s 0.0.0.0/32 -p udp -m udp --sport 68 --dport 67 -j RETURN"]


def test_the_firewalls_prefix_names_every_owned_chain_the_groups_included():
    groups = {"admin/default": {"vlan": 10}}
    front_end = dict(MANAGED_FRONTEND, vnet_dataplane="ansible", vnet_security_groups=groups, iptables_prefix="CLOUD-",
                     vnet_instances={"i-1": {"group": "admin/default", "node": "nc1"}})
    firewall = plans({"frontend": ["fe"], "nodes": ["nc1"]}, {"fe": front_end, "nc1": {"vnet_bridge": "br0"}},
                     common={"vnet_mode": "MANAGED-NOVLAN"})["fe"]["firewall"]
    assert firewall["prefix"] == "CLOUD-"
    assert sorted(firewall["tables"]["filter"]["chains"]) == ["CLOUD-FORWARD"]
    assert firewall["tables"]["filter"]["chains"]["CLOUD-FORWARD"][-1] == (
        '-d 10.0.0.0/8 -m comment --comment "judged by the nftables table ip cloud" -j ACCEPT')
    assert firewall["dataplane_table"]["name"] == firewall["dataplane_name"] == "cloud"
    assert [chain["name"] for chain in firewall["dataplane_table"]["chains"]][0] == "CLOUD-admin-default"
    assert firewall["record"]["owned"]["iptables"] == {"prefix": "CLOUD-", "tables": ["filter", "nat", "raw"],
                                                       "tables6": []}


@pytest.mark.parametrize("settings, expected", [
    ({"iptables_prefix": "BAD PREFIX"}, "iptables_prefix: 'BAD PREFIX' is not a chain prefix"),
    ({"iptables_confirm_timeout": 200}, "iptables_confirm_timeout: 200 must be below iptables_rollback_timeout (120)"),
    ({"iptables_rules": {"filter": {"INPUT": ["-j ACCEPT\n-A INPUT -j DROP"]}}},
     "iptables_rules.filter.INPUT[0]: '-j ACCEPT\\n-A INPUT -j DROP' is not one rule on one line"),
    ({"iptables_rules_file": "/etc/rules\nx"}, "iptables_rules_file: '/etc/rules\\nx' is not an absolute path"),
    ({"iptables_services": ["kvm", "ftp"]}, "iptables_services: 'ftp' is not one of"),
])
def test_the_firewalls_options_are_checked_in_the_plan(settings, expected):
    found = problems_of({"nodes": ["nc1"]}, {"nc1": dict(settings, vnet_bridge="br0")}, common={"vnet_mode": "SYSTEM"})
    assert [line for line in found if line.startswith("nc1: " + expected)], found


def test_the_address_the_front_end_serves_is_kept_and_an_elastic_ip_goes_on_the_public_interface():
    groups = {"admin/default": {"vlan": 10}}
    front_end = dict(MANAGED_FRONTEND, vnet_dataplane="ansible", vnet_security_groups=groups,
                     vnet_publicips="192.0.2.200-192.0.2.201",
                     vnet_instances={"i-1": {"group": "admin/default", "node": "nc1", "public_ip": "192.0.2.201"}})
    # What the dhcpd role kept with its record on the front-end (role_records_info at the start of the run).
    served = {"fe": {"roles": {"dhcpd": {"in_step": True, "kept": {"addresses": {"i-1": "10.0.4.9"}}}}}}
    problems = Problems()
    plan = plan_host("fe", inventory({"frontend": ["fe"], "nodes": ["nc1"]}, {"fe": front_end, "nc1": {}},
                                     common={"vnet_mode": "MANAGED-NOVLAN"}, records=served), problems)
    assert problems.lines() == []
    assert plan["eucalyptus"]["dataplane"]["instances"][0]["private_ip"] == "10.0.4.9"
    assert plan["eucalyptus"]["dataplane"]["addresses"][1] == {"device": "eth1", "address": "192.0.2.201/32",
                                                               "announce": True}


def test_managed_novlan_without_the_collections_data_plane_has_the_preload_but_no_baseline():
    found = plans({"frontend": ["fe"], "nodes": ["nc1"]},
                  {"fe": dict(MANAGED_FRONTEND, vnet_publicips="192.0.2.100-192.0.2.110", euca_home="/opt/eucalyptus/"),
                   "nc1": {"vnet_bridge": "br0"}},
                  common={"vnet_mode": "MANAGED-NOVLAN"})
    frontend = found["fe"]
    assert (frontend["firewall"]["tables"], frontend["firewall"]["copies"]) == (
        {}, ["/opt/eucalyptus/etc/eucalyptus/iptables-preload"])
    assert frontend["eucalyptus"]["cc_init"] == "/opt/eucalyptus/etc/init.d/eucalyptus-cc"
    assert frontend["preflight"] == ["public_ips", "dhcp_daemon"]
    assert found["nc1"]["interfaces"]["vlan_8021q"] is False
    assert found["nc1"]["eucalyptus"]["vm_bridge"] == "br0"


def test_further_keys_of_the_file_are_set_and_owned():
    found = plans({"frontend": ["fe"]}, {}, common={"vnet_mode": "SYSTEM", "euca_conf_settings": {"CC_PORT": 8774},
                                                    "euca_user": "euca"})
    euca = found["fe"]["eucalyptus"]
    assert euca["settings"]["CC_PORT"] == 8774 and euca["settings"]["EUCA_USER"] == "euca"
    assert euca["owned"] == ["CC_PORT", "EUCALYPTUS", "EUCA_USER"]


# --- Several clusters ---------------------------------------------------------------------------

def test_several_managed_novlan_clusters_get_their_own_address_the_clcs_and_vtun():
    found = plans({"frontend": ["cc1", "cc2", "cc3"]},
                  {"cc1": {"ansible_host": "192.0.2.11"}, "cc2": {"ansible_host": "192.0.2.12"},
                   "cc3": {"ansible_host": "192.0.2.13", "vnet_localip": "192.0.2.99"}},
                  common=dict(MANAGED_FRONTEND, vnet_mode="MANAGED-NOVLAN", vnet_pubinterface="br1",
                              bridge_interfaces=[{"name": "br1", "ports": ["eth1"]}]))
    settings = {host: plan["eucalyptus"]["settings"] for host, plan in found.items()}
    assert settings["cc1"]["VNET_LOCALIP"] == "192.0.2.11" and "VNET_CLOUDIP" not in settings["cc1"]
    assert (settings["cc2"]["VNET_LOCALIP"], settings["cc2"]["VNET_CLOUDIP"]) == ("192.0.2.12", "192.0.2.11")
    assert settings["cc3"]["VNET_LOCALIP"] == "192.0.2.99"
    assert all(plan["eucalyptus"]["vtun"] for plan in found.values())


def test_one_cluster_gets_neither_and_no_vtun():
    found = plans({"frontend": ["cc1"]}, {"cc1": {"ansible_host": "192.0.2.11"}},
                  common=dict(MANAGED_FRONTEND, vnet_mode="MANAGED"))
    assert not {"VNET_LOCALIP", "VNET_CLOUDIP"} & set(found["cc1"]["eucalyptus"]["settings"])
    assert found["cc1"]["eucalyptus"]["vtun"] is False


def test_tunnelling_off_means_no_vtun():
    found = plans({"frontend": ["cc1", "cc2"]},
                  {"cc1": {"ansible_host": "192.0.2.11"}, "cc2": {"ansible_host": "192.0.2.12"}},
                  common=dict(MANAGED_FRONTEND, vnet_mode="MANAGED", vnet_localip="0.0.0.0"))
    assert found["cc2"]["eucalyptus"]["settings"]["VNET_LOCALIP"] == "0.0.0.0"
    assert not any(plan["eucalyptus"]["vtun"] for plan in found.values())


TWO_CLUSTERS = ({"frontend": ["cc1", "cc2"]},
                {"cc1": {"ansible_host": "192.0.2.11"}, "cc2": {"ansible_host": "192.0.2.12"}})


def test_a_release_without_vtun_cannot_tunnel_between_clusters():
    found = problems_of(*TWO_CLUSTERS, common=dict(MANAGED_FRONTEND, vnet_mode="MANAGED"),
                        releases={"cc1": "Debian 12", "cc2": "Debian 13"})
    assert len(found) == 1
    assert found[0].startswith("cc2: vnet_localip: '(not set)' leaves tunnelling on, and the CC of a MANAGED cloud "
                               "with several clusters tunnels to the others with vtun, which Debian 13 does not have")


def test_a_release_without_vtun_is_fine_with_tunnelling_off_or_one_cluster():
    assert not problems_of(*TWO_CLUSTERS, common=dict(MANAGED_FRONTEND, vnet_mode="MANAGED", vnet_localip="0.0.0.0"),
                           releases={"cc1": "Debian 13", "cc2": "Debian 13"})
    assert not problems_of({"frontend": ["cc1"]}, {}, common=dict(MANAGED_FRONTEND, vnet_mode="MANAGED"),
                           releases={"cc1": "Debian 13"})


GROUPS_OF_TWO_CLUSTERS = {
    "vnet_dataplane": "ansible", "vnet_security_groups": {"admin/default": {"vlan": 10}},
    "vnet_instances": {"i-1": {"group": "admin/default", "node": "node1"},
                       "i-2": {"group": "admin/default", "node": "node2"}}}
NODES_OF_TWO_CLUSTERS = ({"frontend": ["cc1", "cc2"], "nodes": ["node1", "node2"]},
                         dict(TWO_CLUSTERS[1], node1={"euca_cluster": "cc1", "vnet_pubinterface": "eth0", "vnet_bridge": "br0"},
                              node2={"euca_cluster": "cc2", "vnet_pubinterface": "eth0", "vnet_bridge": "br0"}))


def test_the_collections_data_plane_tunnels_each_group_between_the_clusters_and_needs_no_vtun():
    found = plans(*NODES_OF_TWO_CLUSTERS, common=dict(MANAGED_FRONTEND, vnet_mode="MANAGED", **GROUPS_OF_TWO_CLUSTERS),
                  releases={"cc1": "Debian 13", "cc2": "Debian 13"})
    assert not any(plan["eucalyptus"]["vtun"] for plan in found.values())
    for cc, local, peer in (("cc1", "192.0.2.11", "192.0.2.12"), ("cc2", "192.0.2.12", "192.0.2.11")):
        interfaces = found[cc]["interfaces"]
        assert interfaces["vxlans"] == [{"name": "eucavx10", "id": 10, "local": local, "peers": [peer], "mtu": 1450}]
        assert [bridge["ports"] for bridge in interfaces["bridges"] if bridge["name"] == "eucabr10"] == [
            ["eth0.10", "eucavx10"]]
    # Each CC routes the other cluster's instance through that instance's own CC.
    planes = {cc: found[cc]["eucalyptus"]["dataplane"] for cc in ("cc1", "cc2")}
    address = {instance["name"]: instance["private_ip"] for instance in planes["cc1"]["instances"]}
    gateways = {cc: planes[cc]["groups"][0]["gateway"] for cc in planes}
    assert planes["cc1"]["routes"] == [{"to": address["i-2"] + "/32", "via": gateways["cc2"]}]
    assert planes["cc2"]["routes"] == [{"to": address["i-1"] + "/32", "via": gateways["cc1"]}]
    # Only the other CC may send into the tunnels: UDP 4789 from anyone else is dropped.
    for cc, peer in (("cc1", "192.0.2.12"), ("cc2", "192.0.2.11")):
        assert found[cc]["firewall"]["tables"]["filter"]["chains"]["IAAS-INPUT"] == [
            "-s %s/32 -p udp -m udp --dport 4789 -j ACCEPT" % peer, "-p udp -m udp --dport 4789 -j DROP"]
    assert "IAAS-INPUT" not in (found["node2"]["firewall"]["tables"].get("filter") or {}).get("chains", {})
    # A node's group bridge has no tunnel: its CC's bridge joins the clusters.
    assert [bridge["ports"] for bridge in found["node2"]["interfaces"]["bridges"] if bridge["name"] == "eucabr10"] == [
        ["eth0.10"]]
    assert found["node2"]["interfaces"]["vxlans"] == []
    # Preflight per cluster: each CC tests with its own nodes; node2 probes its own CC's gateway,
    # from a probe address of its own (the group's layer 2 spans both clusters).
    vlan_clean = {host: [(test["id"], test["peers"], test["router"], test["probe"]) for test in found[host]["vlan_clean"]]
                  for host in found}
    assert vlan_clean["cc1"] == [(10, ["node1"], gateways["cc1"], None)]
    assert vlan_clean["cc2"] == [(10, ["node2"], gateways["cc2"], None)]
    assert vlan_clean["node1"][0][:2] == (10, ["cc1"]) and vlan_clean["node2"][0][:3] == (10, ["cc2"], gateways["cc2"])
    assert vlan_clean["node1"][0][3] != vlan_clean["node2"][0][3]
    # Without groups there is nothing to join, and no CC tunnels where the collection owns the plane.
    baseline = plans(*TWO_CLUSTERS, common=dict(MANAGED_FRONTEND, vnet_mode="MANAGED", vnet_dataplane="ansible"))
    assert not any(plan["eucalyptus"]["vtun"] or plan["interfaces"]["vxlans"] for plan in baseline.values())


def test_the_tunnels_underlay_is_a_number_no_larger_than_what_holds_their_end():
    groups, variables = NODES_OF_TWO_CLUSTERS
    common = dict(MANAGED_FRONTEND, vnet_mode="MANAGED", **GROUPS_OF_TWO_CLUSTERS)
    jumbo = dict(variables, cc1=dict(variables["cc1"], vnet_underlay_mtu=9000),
                 cc2=dict(variables["cc2"], vnet_underlay_mtu=9000))
    found = plans(groups, jumbo, common=common)
    assert [tunnel["mtu"] for tunnel in found["cc1"]["interfaces"]["vxlans"]] == [8950]
    # Preflight and diagnostics send each other front-end a packet as large as the tunnels', DF set.
    assert "tunnel_paths" in found["cc1"]["preflight"] and found["node1"]["tunnel_paths"] == []
    assert found["cc1"]["tunnel_paths"] == [{"peer": "192.0.2.12", "local": "192.0.2.11", "bytes": 9000,
                                             "ping_options": ["-M", "do", "-s", "8972", "-I", "192.0.2.11"]}]
    assert {"name": "tunnel-path-192.0.2.12", "command": "ping -c 1 -W 2 -M do -s 8972 -I 192.0.2.11 192.0.2.12"} in \
        found["cc1"]["diagnostics"]
    # Every CC's tunnels alike: the smallest underlay of them.
    one = plans(groups, dict(jumbo, cc2=variables["cc2"]), common=common)
    assert [one[cc]["interfaces"]["vxlans"][0]["mtu"] for cc in ("cc1", "cc2")] == [1450, 1450]
    assert problems_of(groups, dict(jumbo, cc2=dict(variables["cc2"], vnet_underlay_mtu="9000")), common=common) == [
        "cc2: vnet_underlay_mtu: '9000' is not a whole number from 1280 (the least MTU of a network that carries "
        "IPv6) to 65535"]
    # The host's facts: the interface that holds the tunnels' end carries 1500 only.
    hosts = sorted({host for members in groups.values() for host in members})
    facts = {"cc1": {"interfaces": ["lo", "eth0", "eth1"],
                     "eth0": {"device": "eth0", "mtu": 1500, "ipv4": {"address": "192.0.2.11"}}}}
    problems = Problems()
    plan_inventory(Inventory(dict(groups, all=hosts), lambda host: dict(common, **jumbo.get(host, {})),
                             lambda host: facts.get(host, {})), problems)
    assert problems.lines() == [
        "cc1: vnet_underlay_mtu: 9000 is above the MTU 1500 of eth0 on cc1, which holds the tunnels' end 192.0.2.11: "
        "the tunnels' packets would be fragmented there; raise eth0's MTU, or set vnet_underlay_mtu to 1500"]


def test_a_declared_tunnel_whose_packets_exceed_what_holds_its_local_address_is_refused():
    groups = {"gateways": ["nc1"]}
    tunnel = {"name": "vx1", "id": 1, "local": "192.0.2.11", "peers": ["192.0.2.12"], "mtu": 1500}
    variables = {"nc1": {"ntp_servers": ["192.0.2.1"], "vlan_tunnels": [tunnel],
                         "bridge_interfaces": [{"name": "br1", "ports": ["eth1", "vx1"]}]}}
    facts = {"interfaces": ["lo", "eth0", "eth1"], "eth0": {"mtu": 1500, "ipv4": {"address": "192.0.2.11"}}}
    problems = Problems()
    plan_inventory(Inventory(dict(groups, all=["nc1"]), lambda host: variables[host], lambda host: facts), problems)
    assert problems.lines() == [
        "nc1: vlan_tunnels: 'vx1' has mtu 1500, and with its 50 bytes of headers its packets exceed the MTU 1500 of "
        "eth0, which holds its local 192.0.2.11: they would be fragmented; its mtu is at most 1450"]
    variables["nc1"]["vlan_tunnels"] = [dict(tunnel, mtu=1450)]
    problems = Problems()
    plan_inventory(Inventory(dict(groups, all=["nc1"]), lambda host: variables[host], lambda host: facts), problems)
    assert problems.lines() == []


def test_managed_novlan_tunnels_the_private_networks_bridge_and_needs_one():
    common = dict(MANAGED_FRONTEND, vnet_mode="MANAGED-NOVLAN", **GROUPS_OF_TWO_CLUSTERS)
    assert problems_of(*NODES_OF_TWO_CLUSTERS, common=common) == [
        "%s: vnet_privinterface: 'eth0' is neither a bridge nor a bridge's port: a front-end of several clusters in "
        "MANAGED-NOVLAN joins its private network to the other clusters' through a VXLAN device (eucavx1), a port "
        "of the private network's bridge; declare that bridge in bridge_interfaces with eth0 as its port" % cc
        for cc in ("cc1", "cc2")]
    groups, variables = NODES_OF_TWO_CLUSTERS
    bridged = {cc: dict(variables[cc], bridge_interfaces=[{"name": "br1", "ports": ["eth0"]}]) for cc in ("cc1", "cc2")}
    found = plans(groups, dict(variables, **bridged), common=common)
    assert found["cc1"]["interfaces"]["bridges"][0]["ports"] == ["eth0", "eucavx1"]
    assert found["cc1"]["interfaces"]["vxlans"] == [{"name": "eucavx1", "id": 1, "local": "192.0.2.11",
                                                     "peers": ["192.0.2.12"], "mtu": 1450}]
    # The groups' routers are held on that bridge, which leaves them to the data plane.
    assert {entry["device"] for entry in found["cc1"]["eucalyptus"]["dataplane"]["addresses"]} == {"br1"}
    assert found["cc1"]["interfaces"]["bridges"][0]["held_networks"] == ["10.0.0.0/8"]


def test_a_tunnel_needs_each_front_ends_ipv4_address():
    groups, variables = NODES_OF_TWO_CLUSTERS
    named = dict(variables, cc2={})
    found = problems_of(groups, named, common=dict(MANAGED_FRONTEND, vnet_mode="MANAGED", **GROUPS_OF_TWO_CLUSTERS))
    assert found == ["%s: vnet_localip: '(not set on cc2)' is where the tunnels that join the security groups across "
                     "clusters end, and cc2 has no IPv4 address in the inventory (vnet_localip or ansible_host): set "
                     "one" % cc for cc in ("cc1", "cc2")]


def test_a_node_names_a_front_end_as_its_cluster():
    inventory = ({"frontend": ["cc1", "cc2"], "nodes": ["node1"]},
                 dict(TWO_CLUSTERS[1], node1={"vnet_pubinterface": MANAGED_FRONTEND["vnet_privinterface"],
                                              "euca_cluster": "cc3"}))
    assert problems_of(*inventory, common=dict(MANAGED_FRONTEND, vnet_mode="MANAGED")) == [
        "node1: euca_cluster: 'cc3' is not a front-end of this inventory (cc1, cc2): it names the cluster whose CC "
        "the node belongs to"]


def test_a_cluster_reached_by_name_gets_no_address_it_cannot_use():
    found = plans({"frontend": ["cc1.example.org", "cc2"]}, {"cc2": {"ansible_host": "192.0.2.12"}},
                  common=dict(MANAGED_FRONTEND, vnet_mode="MANAGED"))
    assert "VNET_LOCALIP" not in found["cc1.example.org"]["eucalyptus"]["settings"]
    assert "VNET_CLOUDIP" not in found["cc2"]["eucalyptus"]["settings"]


# --- CloudStack, each host kind -----------------------------------------------------------------

CLOUDSTACK_GROUPS = {"frontend": ["mgmt1", "mgmt2"], "nodes": ["kvm1"], "db": ["db1", "db2"], "nfs": ["nfs1"]}


def cloudstack_plans(extra=None, groups=None):
    variables = {"mgmt1": {"cloudstack_zones": [ZONE]}, "kvm1": {"bridge_interfaces": CLOUD_BRIDGES},
                 "db1": {"db_replication_password": "x"}, "db2": {"db_replication_password": "x"}}
    for host, more in (extra or {}).items():
        variables.setdefault(host, {}).update(more)
    return plans(groups or CLOUDSTACK_GROUPS, variables,
                 common={"iaas_platform": "cloudstack", "db_root_password": "x", "cloudstack_db_password": "x",
                         "iaas_storage_networks": ["192.0.2.0/24"]})


def cloudstack_problems(extra):
    variables = {"mgmt1": dict({"cloudstack_zones": [ZONE]}, **extra), "kvm1": {"bridge_interfaces": CLOUD_BRIDGES},
                 "db1": {"db_replication_password": "x"}, "db2": {"db_replication_password": "x"}}
    return problems_of(CLOUDSTACK_GROUPS, variables, common={"iaas_platform": "cloudstack", "db_root_password": "x",
                                                             "cloudstack_db_password": "x",
                                                             "iaas_storage_networks": ["192.0.2.0/24"]})


def test_root_is_granted_to_the_management_server_that_deploys_the_schema_only():
    def root_hosts(extra):
        found = cloudstack_plans(extra)
        return {host: found[host]["db"]["accounts"]["root_hosts"] for host in ("db1", "db2")}

    # By its address: mgmt2 never deploys, and the rest of the management network gets nothing.
    assert root_hosts({"mgmt1": {"ansible_host": "192.0.2.10"}, "mgmt2": {"ansible_host": "192.0.2.11"}}) == {
        "db1": ["192.0.2.10"], "db2": ["192.0.2.10"]}
    # The address it reaches the database from, where the inventory names it.
    assert root_hosts({"mgmt1": {"ansible_host": "192.0.2.10", "cloudstack_mgmt_ip": "192.0.2.30"}})["db1"] == [
        "192.0.2.30"]
    # No address known (a name): the management networks, as before.
    assert root_hosts({"db1": {"iaas_management_networks": ["192.0.2.0/24"]}})["db1"] == ["192.0.2.0/255.255.255.0"]


def test_the_system_vm_templates_are_seeded_from_the_zones_or_the_options():
    templates = cloudstack_plans()["mgmt1"]["frontend"]["templates"]
    # The guide's template, downloaded first and handed to cloud-install-sys-tmplt as a file.
    assert templates["seeds"] == [{
        "hypervisor": "kvm", "id": 3, "url": "http://download.cloud.com/templates/acton/acton-systemvm-02062012.qcow2.bz2",
        "checksum": "", "file": "/var/cache/privatecloud-iaas/systemvm/acton-systemvm-02062012.qcow2.bz2"}]
    assert templates["mount"] == "/mnt/secondary"
    assert templates["secondary_storage"] == ZONE["secondary_storage"][0]
    chosen = cloudstack_plans({"mgmt1": {"frontend_cloudstack_systemvm_hypervisors": ["xenserver", "kvm"],
                                         "frontend_cloudstack_secondary_storage": {"server": "nfs2", "path": "/sec"}}})
    assert [seed["hypervisor"] for seed in chosen["mgmt1"]["frontend"]["templates"]["seeds"]] == ["xenserver", "kvm"]
    assert chosen["mgmt1"]["frontend"]["templates"]["secondary_storage"] == {"server": "nfs2", "path": "/sec"}
    assert cloudstack_plans()["mgmt2"]["frontend"]["templates"]["seeds"] == []
    # Another address, and the checksum the download must have.
    pinned = {"url": "https://mirror.example.org/systemvm/kvm.qcow2.bz2", "checksum": "sha256:" + "ab" * 32}
    chosen = cloudstack_plans({"mgmt1": {"frontend_cloudstack_systemvm_templates": {"kvm": pinned}}})
    assert chosen["mgmt1"]["frontend"]["templates"]["seeds"] == [dict(
        pinned, hypervisor="kvm", id=3, file="/var/cache/privatecloud-iaas/systemvm/kvm.qcow2.bz2")]


def unpinned(common=None):
    """The warnings about downloads over plain HTTP that nothing pins, as (host, variable)."""
    variables = {"mgmt1": {"cloudstack_zones": [ZONE]}, "kvm1": {"bridge_interfaces": CLOUD_BRIDGES},
                 "db1": {"db_replication_password": "x"}, "db2": {"db_replication_password": "x"}}
    warnings, problems = [], Problems()
    plan_inventory(inventory(CLOUDSTACK_GROUPS, variables, common=dict(
        {"iaas_platform": "cloudstack", "db_root_password": "x", "cloudstack_db_password": "x",
         "iaas_storage_networks": ["192.0.2.0/24"]}, **(common or {}))),
        problems, warnings)
    assert problems.lines() == []
    return [tuple(warning.split(": ")[:2]) for warning in warnings if "nothing pins it" in warning]


def test_a_download_over_plain_http_that_nothing_pins_is_a_warning():
    # The guide's repository key where the product is installed, its template where it is seeded.
    assert unpinned() == [("kvm1", "cloudstack_repo_deb_key_url"), ("mgmt1", "cloudstack_repo_deb_key_url"),
                          ("mgmt1", "frontend_cloudstack_systemvm_templates.kvm"),
                          ("mgmt2", "cloudstack_repo_deb_key_url")]
    assert unpinned({"cloudstack_repo_deb_key_checksum": "sha256:" + "cd" * 32, "frontend_cloudstack_systemvm_templates": {
        "kvm": {"checksum": "sha512:" + "ef" * 64}}}) == []
    # HTTPS is not warned about; a checksum that is not one is refused.
    assert unpinned({"cloudstack_repo_deb_key_url": "https://download.example.org/release.asc"}) == [
        ("mgmt1", "frontend_cloudstack_systemvm_templates.kvm")]


@pytest.mark.parametrize("variable, value, expected", [
    ("cloudstack_repo_deb_key_checksum", "sha256:abc",
     "cloudstack_repo_deb_key_checksum: 'sha256:abc' is not '<algorithm>:<hex digest>'"),
    ("frontend_cloudstack_systemvm_templates", {"kvm": {"checksum": "crc32:1234abcd"}},
     "frontend_cloudstack_systemvm_templates.kvm.checksum: 'crc32:1234abcd' is not '<algorithm>:<hex digest>'"),
    ("frontend_cloudstack_systemvm_templates", {"kvm": {"url": "http://example.org/a b"}},
     "frontend_cloudstack_systemvm_templates.kvm.url: 'http://example.org/a b' is not an http://"),
    ("frontend_cloudstack_systemvm_templates", {"hyperv": {}},
     "frontend_cloudstack_systemvm_templates: 'hyperv' is not a hypervisor with a system VM template"),
    ("frontend_cloudstack_systemvm_templates", {"kvm": {"sha256": "x"}},
     "frontend_cloudstack_systemvm_templates.kvm: {'sha256': 'x'} is not a mapping of url and checksum"),
])
def test_a_pin_that_is_not_one_is_refused(variable, value, expected):
    assert any(expected in line for line in cloudstack_problems({variable: value})), cloudstack_problems(
        {variable: value})


@pytest.mark.parametrize("option, value, rule", [
    ("frontend_cloudstack_secondary_storage", {"server": "nfs2 -o bind", "path": "/sec"}, "is not a mapping of an NFS"),
    ("frontend_cloudstack_secondary_storage", {"server": "nfs2", "path": "sec"}, "is not a mapping of an NFS"),
    ("frontend_cloudstack_secondary_storage", "nfs2:/sec", "is not a mapping of an NFS"),
    ("frontend_cloudstack_secondary_mount", "/mnt/a b", "is not an absolute path"),
    ("frontend_cloudstack_secondary_mount", "/mnt/../etc", "is not an absolute path"),
    ("frontend_cloudstack_systemvm_hypervisors", ["kvm", "lxc"], "has no system VM template to seed"),
])
def test_the_system_vm_template_options_are_checked_whole(option, value, rule):
    found = cloudstack_problems({option: value})
    assert len(found) == 1 and found[0].startswith("mgmt1: %s: " % option) and rule in found[0], found


def test_each_cloudstack_host_kind_gets_its_port_sets():
    found = cloudstack_plans({"mgmt2": {"cloudstack_awsapi_enabled": True}})
    services = {host: plan["firewall"]["services"] for host, plan in found.items()}
    assert services == {"mgmt1": ["management"], "mgmt2": ["management", "awsapi"], "kvm1": ["kvm"],
                        "db1": ["mysql"], "db2": ["mysql"], "nfs1": ["nfs"]}
    assert all(plan["eucalyptus"] is None and plan["dhcpd"]["function"] == "none" for plan in found.values())


def test_the_first_management_server_deploys_to_the_database_primary():
    found = cloudstack_plans({"db1": {"db_replication_primary": "db2"}, "db2": {"db_replication_primary": "db2"}})
    assert found["mgmt1"]["cloudstack"]["first_management_server"] is True
    assert found["mgmt2"]["cloudstack"]["first_management_server"] is False
    assert {plan["cloudstack"]["db_primary"] for plan in found.values()} == {"db2"}
    assert found["mgmt1"]["cloudstack"]["db_local"] is False


def test_database_servers_of_two_releases_are_refused_on_each():
    variables = {"mgmt1": {"cloudstack_zones": [ZONE]}, "kvm1": {"bridge_interfaces": CLOUD_BRIDGES},
                 "db1": {"db_replication_password": "x"}, "db2": {"db_replication_password": "x"}}
    common = {"iaas_platform": "cloudstack", "db_root_password": "x", "cloudstack_db_password": "x", "iaas_storage_networks": ["192.0.2.0/24"]}
    mixed = problems_of(CLOUDSTACK_GROUPS, variables, common,
                        releases={"db1": "Debian 12", "db2": "Debian 13", "mgmt1": "Debian 12"})
    assert mixed == ["%s: groups.db: {'db1': 'Debian 12', 'db2': 'Debian 13'} mixes releases: the database servers "
                     "replicate one another, and MariaDB 10.11 cannot replicate from or to MariaDB 11.8"
                     % host for host in ("db1", "db2")]
    # One release, or releases the facts do not tell, are fine; so are other hosts on another one.
    assert not problems_of(CLOUDSTACK_GROUPS, variables, common,
                           releases={"db1": "Debian 13", "db2": "Debian 13", "mgmt1": "Debian 12"})
    assert not problems_of(CLOUDSTACK_GROUPS, variables, common, releases={"db1": "Debian 12"})


def test_the_management_servers_client_file_is_one_setting():
    assert {plan["cloudstack"]["db_properties"] for plan in cloudstack_plans().values()} == {
        "/etc/cloudstack/management/db.properties"}
    moved = cloudstack_plans({"mgmt1": {"cloudstack_db_properties": "/etc/cloud/management/db.properties"}})
    assert moved["mgmt1"]["cloudstack"]["db_properties"] == "/etc/cloud/management/db.properties"


def test_every_cloudstack_host_has_one_fully_qualified_name():
    found = cloudstack_plans({"kvm1": {"cloudstack_domain": "lab.example.org"},
                              "db1": {"cloudstack_fqdn": "db-one.example.org", "cloudstack_manage_etc_hosts": False}})
    assert found["mgmt1"]["cloudstack"]["fqdn"] == "mgmt1.cloud.internal"
    assert found["kvm1"]["cloudstack"]["fqdn"] == "kvm1.lab.example.org"
    assert (found["db1"]["cloudstack"]["fqdn"], found["db1"]["cloudstack"]["manage_etc_hosts"]) == (
        "db-one.example.org", False)


def test_a_management_server_without_database_servers_uses_its_own():
    found = cloudstack_plans(groups={"frontend": ["mgmt1"], "nodes": ["kvm1"]})
    assert (found["mgmt1"]["cloudstack"]["db_primary"], found["mgmt1"]["cloudstack"]["db_local"]) == ("mgmt1", True)


def test_a_kvm_host_carries_a_bridge_for_each_traffic_label():
    found = cloudstack_plans()
    assert found["kvm1"]["cloudstack"]["traffic_labels"] == ["cloudbr1", "cloudbr0"]
    assert found["kvm1"]["interfaces"]["bridges"] == CLOUD_BRIDGES


def test_a_kvm_host_missing_a_labelled_bridge_is_refused_before_any_change():
    problems = Problems()
    plan_host("kvm1", inventory(CLOUDSTACK_GROUPS, {"mgmt1": {"cloudstack_zones": [ZONE]},
                                                    "kvm1": {"bridge_interfaces": CLOUD_BRIDGES[:1]}},
                                common={"iaas_platform": "cloudstack"}), problems)
    assert problems.lines() == ["kvm1: bridge_interfaces: ['cloudbr1'] lacks cloudbr0: every traffic label of "
                                "cloudstack_zones is a bridge of every KVM host"]


def test_a_management_server_that_is_also_a_kvm_host_is_colocated():
    found = cloudstack_plans({"mgmt1": {"bridge_interfaces": CLOUD_BRIDGES}},
                             groups={"frontend": ["mgmt1"], "nodes": ["mgmt1"], "db": ["db1"]})
    assert found["mgmt1"]["cloudstack"]["kvm_colocated"] is True
    assert found["mgmt1"]["firewall"]["services"] == ["kvm", "management"]


def test_a_database_or_storage_host_without_a_platform_is_a_cloudstack_one():
    # Without a front-end, the hosts follow the time servers the inventory names.
    found = plans({"db": ["db1"], "nfs": ["nfs1"]}, {"nfs1": {"nfs_firewall": False}},
                  common={"ntp_servers": ["192.0.2.123"], "nfs_export_clients": ["192.0.2.0/24"]})
    assert (found["db1"]["platform"], found["nfs1"]["platform"]) == ("cloudstack", "cloudstack")
    assert found["nfs1"]["firewall"]["services"] == []


# --- Validation is building the plans --------------------------------------------------------------

def test_a_front_end_without_a_platform_or_mode_is_refused():
    assert problems_of({"frontend": ["fe"]}, {}) == [
        "fe: vnet_mode: None is missing: every front-end and node needs the mode"]


def test_every_problem_is_reported_at_once():
    found = problems_of({"frontend": ["fe"], "nodes": ["nc1"]},
                        {"fe": {"iaas_platform": "openstack"}, "nc1": {"vnet_mode": "STATIC", "vnet_bridge": "virbr0"}})
    assert "fe: iaas_platform: 'openstack' is not one of eucalyptus, cloudstack" in found
    assert any(line.startswith("nc1: vnet_bridge: 'virbr0' is libvirt's NAT bridge") for line in found)


@pytest.mark.parametrize("mode", ["SYSTEM", "STATIC", "MANAGED", "MANAGED-NOVLAN"])
def test_a_missing_key_of_the_mode_is_named_once(mode):
    variables = {"SYSTEM": {}, "STATIC": STATIC_FRONTEND, "MANAGED": MANAGED_FRONTEND,
                 "MANAGED-NOVLAN": MANAGED_FRONTEND}[mode]
    found = problems_of({"nodes": ["nc1"], "frontend": ["fe"]},
                        {"fe": variables, "nc1": {"vnet_pubinterface": "eth0", "vnet_privinterface": "eth0"}},
                        common={"vnet_mode": mode})
    if mode == "MANAGED":
        assert found == []
    else:
        assert found == ["nc1: vnet_bridge: None is missing: a %s node needs it" % mode]


def test_managed_gives_each_active_group_its_vlan_device_and_bridge_where_it_is_used():
    groups = {"admin/default": {"vlan": 10}, "admin/web": {"vlan": 11}, "admin/idle": {"vlan": 12}}
    front_end = dict(MANAGED_FRONTEND, vnet_dataplane="ansible", vnet_security_groups=groups,
                     vnet_publicips="192.0.2.200-192.0.2.201",
                     vnet_instances={"i-1": {"group": "admin/default", "node": "nc1"},
                                     "i-2": {"group": "admin/web", "node": "nc2", "public_ip": "192.0.2.200"}})
    node = {"vnet_pubinterface": "eth0", "vnet_privinterface": "eth0"}
    found = plans({"frontend": ["fe"], "nodes": ["nc1", "nc2"]}, {"fe": front_end, "nc1": node, "nc2": node},
                  common={"vnet_mode": "MANAGED"})
    # The front-end: both active groups (not the idle one), each bridge with its router, STP as the CC.
    assert found["fe"]["interfaces"] == {
        "vlans": [{"parent": "eth0", "id": 10, "name": "eth0.10"}, {"parent": "eth0", "id": 11, "name": "eth0.11"}],
        "bridges": [{"stp": True, "forward_delay": 2, "hello_time": 2, "name": "eucabr10", "ports": ["eth0.10"],
                     "address": "10.0.4.1/25"},
                    {"stp": True, "forward_delay": 2, "hello_time": 2, "name": "eucabr11", "ports": ["eth0.11"],
                     "address": "10.0.4.129/25"}],
        "bonds": [], "vxlans": [], "vlan_8021q": True}
    # Its routers are the bridges'; only the elastic IP is an owned address; dhcpd on each bridge.
    assert found["fe"]["eucalyptus"]["dataplane"]["addresses"] == [
        {"device": "eth1", "address": "192.0.2.200/32", "announce": True}]
    assert found["fe"]["dhcpd"]["interfaces"] == ["eucabr10", "eucabr11"]
    assert found["fe"]["dhcpd"]["listen"]["planned"] == {"eucabr10": ["10.0.4.1/25"], "eucabr11": ["10.0.4.129/25"]}
    assert "shared-network" not in dhcpd_conf(found["fe"])
    # Each node: the devices of the groups it runs, no address.
    assert found["nc1"]["interfaces"]["bridges"] == [{"stp": True, "forward_delay": 2, "hello_time": 2,
                                                      "name": "eucabr10", "ports": ["eth0.10"], "method": "manual"}]
    assert [vlan["name"] for vlan in found["nc2"]["interfaces"]["vlans"]] == ["eth0.11"]
    # Diagnostics per group: devices where they are, the chains, each elastic IP's NAT rules, dhcpd.
    assert found["nc1"]["diagnostics"] == [
        {"name": "group-admin-default-vlan", "command": "ip -details link show dev eth0.10"},
        {"name": "group-admin-default-bridge", "command": "bridge -details link show master eucabr10"}]
    assert [entry["name"] for entry in found["fe"]["diagnostics"]] == [
        "group-admin-default-vlan", "group-admin-default-bridge", "group-admin-web-vlan", "group-admin-web-bridge",
        "dataplane-table", "group-admin-default-chain", "group-admin-web-chain", "elastic-ip-192.0.2.200-dnat_of",
        "elastic-ip-192.0.2.200-snat_of", "dhcpd-interfaces"]
    assert [entry["command"] for entry in found["fe"]["diagnostics"][4:9]] == [
        "nft list table ip iaas", "nft list chain ip iaas IAAS-admin-default", "nft list chain ip iaas IAAS-admin-web",
        "nft get element ip iaas dnat_of { 192.0.2.200 }", "nft get element ip iaas snat_of { 10.0.4.130 }"]


def test_the_vlan_clean_test_covers_each_groups_tag_and_probes_a_tag_in_service_from_a_free_address():
    groups = {"admin/default": {"vlan": 10}, "admin/web": {"vlan": 11}}
    front_end = dict(MANAGED_FRONTEND, vnet_dataplane="ansible", vnet_security_groups=groups,
                     vnet_instances={"i-1": {"group": "admin/default", "node": "nc1"},
                                     "i-2": {"group": "admin/web", "node": "nc2"},
                                     "i-3": {"group": "admin/default", "node": "nc2", "private_ip": "10.0.4.126"}})
    node = {"vnet_pubinterface": "eth0", "vnet_privinterface": "eth0"}
    found = plans({"frontend": ["fe"], "nodes": ["nc1", "nc2"]}, {"fe": front_end, "nc1": node, "nc2": node},
                  common={"vnet_mode": "MANAGED"})
    # The default preflight tag is admin/default's: one test of tag 10, not two; tag 11 beside it.
    # The front-end pings the nodes that run the group, from its router.
    assert [(test["id"], test["address"], test["peers"], test["bridge"], test["router"], test["probe"])
            for test in found["fe"]["vlan_clean"]] == [
        (10, "10.0.4.1/25", ["nc1", "nc2"], "eucabr10", "10.0.4.1", None),
        (11, "10.0.4.129/25", ["nc2"], "eucabr11", "10.0.4.129", None)]
    # A node tests the tags of the groups it runs. In service, its probe takes the n-th highest
    # free address of the block: i-3 holds 10.0.4.126, so nc2 (the second node) takes .124.
    assert [(test["id"], test["address"], test["peers"], test["probe"]) for test in found["nc1"]["vlan_clean"]] == [
        (10, "10.0.4.2/25", ["fe"], "10.0.4.125/25")]
    assert [(test["id"], test["probe"]) for test in found["nc2"]["vlan_clean"]] == [
        (10, "10.0.4.124/25"), (11, "10.0.4.253/25")]
    # A tag of its own for the documents' test comes first, beside the groups'.
    front_end["preflight_vlan_id"] = 30
    found = plans({"frontend": ["fe"], "nodes": ["nc1", "nc2"]}, {"fe": front_end, "nc1": node, "nc2": node},
                  common={"vnet_mode": "MANAGED"})
    assert [test["id"] for test in found["nc1"]["vlan_clean"]] == [30, 10]


def test_a_declared_device_that_a_group_needs_is_refused_naming_both():
    front_end = dict(MANAGED_FRONTEND, vnet_dataplane="ansible", vnet_security_groups={"admin/default": {"vlan": 10}},
                     vnet_instances={"i-1": {"group": "admin/default", "node": "nc1"}},
                     bridge_interfaces=[{"name": "eucabr10", "ports": ["eth2"]}], vnet_group_bridge={"stp": "maybe",
                                                                                                     "delay": 1})
    assert problems_of({"frontend": ["fe"], "nodes": ["nc1"]},
                       {"fe": front_end, "nc1": {"vnet_pubinterface": "eth0", "vnet_privinterface": "eth0"}},
                       common={"vnet_mode": "MANAGED"}) == [
        "fe: vnet_group_bridge: {'stp': 'maybe', 'delay': 1} is not a mapping of forward_delay, hello_time, stp",
        "fe: bridge_interfaces: 'eucabr10' is also a device of the data plane's group admin/default (tag 10): the "
        "collection makes eth0.10 and eucabr10 for it"]


def test_iaas_full_run_is_a_boolean_as_ansible_reads_one():
    groups = {"frontend": ["fe"], "nodes": ["nc1"]}
    assert problems_of(groups, {"nc1": {"vnet_bridge": "br0"}}, common={"vnet_mode": "SYSTEM", "iaas_full_run": "yes"}) == []
    assert problems_of(groups, {"nc1": {"vnet_bridge": "br0"}}, common={"vnet_mode": "SYSTEM", "iaas_full_run": True}) == []
    found = problems_of(groups, {"nc1": {"vnet_bridge": "br0", "iaas_full_run": "always"}}, common={"vnet_mode": "SYSTEM"})
    assert found == ["nc1: iaas_full_run: 'always' is not a boolean (true or false): true makes every role run in "
                     "full, whatever the records on the hosts say"]


def problems_with_facts(groups, variables, interfaces, common=None):
    """The problems when each host's facts list ``interfaces[host]`` (a host without an entry was not read)."""
    hosts = sorted({host for members in groups.values() for host in members} | set(variables))

    def facts(host):
        return {"interfaces": interfaces[host]} if host in interfaces else {}

    problems = Problems()
    plan_inventory(Inventory(dict(groups, all=hosts), lambda host: dict(common or {}, **variables.get(host, {})), facts),
                   problems)
    return problems.lines()


def test_an_interface_the_host_lacks_is_refused_naming_the_variable_it_came_from():
    groups = {"frontend": ["fe"], "nodes": ["nc1"]}
    variables = {"fe": dict(STATIC_FRONTEND, vnet_dataplane="ansible"), "nc1": {"vnet_bridge": "br0"}}
    common = {"iaas_platform": "eucalyptus", "vnet_mode": "STATIC"}
    # Debian's names: the example's eth0 is on neither host; br0 (made over eth0 by default) needs it.
    # Each missing interface is named once, under the first variable that names it (the DHCP server's
    # interface comes from vnet_privinterface here).
    found = problems_with_facts(groups, variables, {"fe": ["lo", "enp1s0"], "nc1": ["lo", "enp1s0"]}, common)
    assert "fe: vnet_pubinterface: 'eth0' is not an interface of fe, which has enp1s0, lo: name one it has " \
           "(Debian names NICs by their place, enp1s0, ens3 ...)" in found
    assert any(line.startswith("nc1: vnet_bridge: 'eth0' is not an interface of nc1") for line in found)
    assert len([line for line in found if "is not an interface" in line]) == 2, found
    # The NIC the host has, in the inventory: nothing to say. A host that could not be read is not held to it.
    fixed = {"fe": dict(STATIC_FRONTEND, vnet_dataplane="ansible", vnet_pubinterface="enp1s0",
                        vnet_privinterface="enp1s0"),
             "nc1": {"vnet_bridge": "br0", "bridge_interfaces": [{"name": "br0", "ports": ["enp1s0"]}]}}
    assert problems_with_facts(groups, fixed, {"fe": ["lo", "enp1s0"], "nc1": ["lo", "enp1s0"]}, common) == []
    assert problems_with_facts(groups, variables, {}, common) == []
    # A port the plan makes itself (a VLAN device under a bridge) is not looked for.
    kvm = {"bridge_interfaces": [{"name": "cloudbr0", "ports": ["enp1s0.300"]}],
           "vlan_interfaces": [{"parent": "enp1s0", "id": 300}]}
    assert [line for line in problems_with_facts({"nodes": ["kvm1"]}, {"kvm1": kvm}, {"kvm1": ["lo", "enp1s0"]},
                                                 {"iaas_platform": "cloudstack"}) if "is not an interface" in line] == []
    assert [line for line in problems_with_facts({"nodes": ["kvm1"]}, {"kvm1": kvm}, {"kvm1": ["lo", "eno1"]},
                                                 {"iaas_platform": "cloudstack"}) if "is not an interface" in line] == [
        "kvm1: vlan_interfaces: 'enp1s0' is not an interface of kvm1, which has eno1, lo: name one it has (Debian "
        "names NICs by their place, enp1s0, ens3 ...)"]


def test_a_front_ends_key_is_checked_on_the_front_ends_only():
    # group_vars/all gives a broken vnet_dns; the front-end sets its own: the nodes never write it.
    groups = {"frontend": ["fe"], "nodes": ["nc1", "nc2"]}
    node = {"vnet_pubinterface": "eth0", "vnet_privinterface": "eth0"}
    common = {"iaas_platform": "eucalyptus", "vnet_mode": "MANAGED", "vnet_dns": "not-an-address"}
    assert problems_of(groups, {"fe": dict(MANAGED_FRONTEND), "nc1": node, "nc2": node}, common) == []
    # Where the front-end keeps it, the front-end alone is named.
    assert problems_of(groups, {"fe": dict(MANAGED_FRONTEND, vnet_dns="not-an-address"), "nc1": node, "nc2": node},
                       common) == ["fe: vnet_dns: 'not-an-address' is not an IPv4 address (dotted quad, e.g. 192.0.2.1)"]


def test_a_kvm_hosts_bond_carries_its_vlans_first_in_the_list_with_what_it_needs():
    groups = {"gateways": ["kvm1"]}
    bond0 = {"name": "bond0", "ports": ["enp1s0", "enp2s0"], "mode": "802.3ad", "lacp_rate": "fast"}
    variables = {"kvm1": {"ntp_servers": ["192.0.2.1"], "vlan_bonds": [bond0],
                          "vlan_interfaces": [{"parent": "bond0", "id": 100, "address": "192.0.2.11/24"},
                                              {"parent": "bond0", "id": 300}],
                          "bridge_interfaces": [{"name": "cloudbr1", "ports": ["bond0.300"]}]}}
    facts = {"interfaces": ["lo", "enp1s0", "enp3s0"], "distribution": "Debian", "os_family": "Debian",
             "distribution_major_version": "13"}
    problems = Problems()
    found = plan_inventory(Inventory(dict(groups, all=["kvm1"]), lambda host: variables[host], lambda host: facts),
                           problems)
    # A NIC the host lacks is named under the bond that names it.
    assert problems.lines() == [
        "kvm1: vlan_bonds: 'enp2s0' is not an interface of kvm1, which has enp1s0, enp3s0, lo: name one it has "
        "(Debian names NICs by their place, enp1s0, ens3 ...)"]
    facts["interfaces"].append("enp2s0")
    problems = Problems()
    host = plan_inventory(Inventory(dict(groups, all=["kvm1"]), lambda host: variables[host], lambda host: facts),
                          problems)["kvm1"]
    vlan = host["vlan"]
    assert problems.lines() == []
    # Preflight reads the bond's ports and the bridge's MTU path.
    assert host["preflight"] == ["links"]
    assert [entry["command"] for entry in host["diagnostics"]] == [
        "cat /proc/net/bonding/bond0", "ip -details link show master cloudbr1"]
    assert [(device["kind"], device.get("name")) for device in vlan["devices"]] == [
        ("bond", "bond0"), ("vlan", None), ("vlan", None), ("bridge", "cloudbr1")]
    assert (vlan["kinds"], vlan["kernel_modules"]) == (["bond", "vlan", "vxlan"], ["bonding", "8021q"])
    assert vlan["packages"] == ["ifupdown", "vlan", "ifenslave"]
    assert vlan["links"][:3] == ["bond0", "enp1s0", "enp2s0"]
    # What the kernel would refuse is named under vlan_bonds.
    variables["kvm1"]["vlan_bonds"] = [dict(bond0, primary="enp1s0")]
    problems = Problems()
    plan_inventory(Inventory(dict(groups, all=["kvm1"]), lambda host: variables[host], lambda host: facts), problems)
    assert problems.lines() == ["kvm1: vlan_bonds: 'bond0' primary: is for mode active-backup or balance-tlb or "
                                "balance-alb only (this bond is 802.3ad)"]
