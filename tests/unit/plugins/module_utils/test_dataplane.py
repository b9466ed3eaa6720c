"""The MANAGED data plane decided from the inventory: groups, addresses, chains, NAT, and bad input."""

import re

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils import dataplane, dhcpd
from ansible_collections.privatecloud.iaas.plugins.module_utils.dataplane_table import table
from ansible_collections.privatecloud.iaas.plugins.module_utils.firewall import chain_name, host_tables

# The cloud of the Eucalyptus MANAGED-mode article's live dump (a CC with the CLC, subnet
# 10.1.0.0/16, the group admin/default allowing tcp 22, two instances with elastic IPs). Its
# rules name the block 10.1.2.0/27: 32 addresses per group, which by the CC's formula (tag v holds
# the (v-2)-th block) is tag 18. The article's device listing calls the bridge eucabr10, which
# would be 10.1.1.0/27; the rules are what this test reproduces, so the group is tag 18.
SEED = {
    "vnet_mode": "MANAGED",
    "vnet_dataplane": "ansible",
    "vnet_subnet": "10.1.0.0",
    "vnet_netmask": "255.255.0.0",
    "vnet_addrspernet": 32,
    "vnet_publicips": "192.168.32.200-192.168.32.201",
    # The dump's metadata DNAT goes to 169.254.169.254:8773: the CLC on the CC's own machine.
    "vnet_metadata_address": "169.254.169.254:8773",
    "vnet_security_groups": {
        "admin/default": {"vlan": 18, "ingress": [{"protocol": "tcp", "ports": 22, "source": "0.0.0.0/0"}]},
    },
    "vnet_instances": {
        "i-410306FC": {"group": "admin/default", "node": "node1", "public_ip": "192.168.32.200"},
        "i-4E8B07D1": {"group": "admin/default", "node": "node2", "public_ip": "192.168.32.201"},
    },
}
NODES = ["node1", "node2"]


def planned(variables, previous=None):
    found, problems, _warnings = dataplane.decide(variables, NODES, previous)
    assert problems == []
    return found


def listing(rule):
    """One rule as 'iptables -nL' shows it: target, prot, opt, source, destination, then the matches."""
    words = rule.split()
    fields = {"-s": "0.0.0.0/0", "-d": "0.0.0.0/0", "-p": "all"}
    extras, target, index, negate = [], None, 0, ""
    while index < len(words):
        word = words[index]
        if word == "!":
            negate = "!"
        elif word in ("-s", "-d", "-p"):
            value = words[index + 1]
            fields[word] = negate + (value[:-3] if value.endswith("/32") else value)
            negate, index = "", index + 1
        elif word == "-j":
            target, index = words[index + 1], index + 1
        elif word == "--dport":
            extras.append("%s dpt:%s" % (fields["-p"], words[index + 1]))
            index += 1
        elif word == "--ctstate":
            extras.append("ctstate " + words[index + 1])
            index += 1
        elif word in ("--to-destination", "--to-source"):
            extras.append("to:" + words[index + 1])
            index += 1
        elif word == "-m":
            index += 1
        index += 1
    return " ".join([target, fields["-p"], "--", fields["-s"], fields["-d"]] + extras)


def seed(text):
    """The article's lines, with its spacing made single."""
    return [re.sub(r"\s+", " ", line.strip()) for line in text.strip().splitlines()]


def test_the_articles_cloud_renders_the_articles_rules():
    found = planned(SEED)
    tables = host_tables([], {}, baseline="10.1.0.0/16", dataplane=found)
    nat, filter_ = tables["nat"]["chains"], tables["filter"]["chains"]
    # In the dump these rules are in the builtin chains; here they are in the owned chains the
    # builtin ones jump to (IAAS-PREROUTING ...), so foreign rules beside them are never touched.
    assert [listing(rule) for rule in nat["IAAS-PREROUTING"]] == seed("""
        DNAT       tcp  --  10.1.0.0/16          169.254.169.254     tcp dpt:80 to:169.254.169.254:8773
    """)
    # Deliberate difference: the dump masquerades everything but loopback (! -s 127.0.0.0/8); the
    # collection masquerades the private subnet only, never the front-end's own traffic.
    assert [listing(rule) for rule in nat["IAAS-POSTROUTING"]] == seed("""
        MASQUERADE  all  -- 10.1.0.0/16         !10.1.0.0/16
    """)
    # Deliberate difference: the dump's group rules and each elastic IP's DNAT and SNAT are one
    # lookup each in the data plane's nftables table, which the iptables chain hands the subnet to.
    assert [listing(rule) for rule in filter_["IAAS-FORWARD"]] == seed("""
        ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0           ctstate ESTABLISHED
        ACCEPT     all  --  0.0.0.0/0           !10.1.0.0/16
        ACCEPT     all  --  0.0.0.0/0            10.1.0.0/16
    """)
    assert tables["filter"]["policies"] == {"FORWARD": "DROP"}
    # The group's chain is IAAS-admin-default, not admin-default, so it is recognisably the
    # collection's (and removed when the group leaves the inventory); its block jumps to it.
    assert group_chains(found, "IAAS-") == {"IAAS-admin-default": [
        "ip saddr 10.1.2.0/27 accept", "ip saddr 0.0.0.0/0 tcp dport 22 accept"]}
    assert maps(found, "IAAS-") == {
        "group_of": {"10.1.2.0": "jump IAAS-admin-default"},
        # The elastic IPs' DNAT, in prerouting and in output, so the front-end itself reaches the
        # instances by them; and each instance's SNAT, above iptables' masquerade.
        "dnat_of": {"192.168.32.200": "10.1.2.2", "192.168.32.201": "10.1.2.3"},
        "snat_of": {"10.1.2.2": "192.168.32.200", "10.1.2.3": "192.168.32.201"}}
    base = {chain["name"]: chain["rules"] for chain in table(found, "IAAS-", chain_name)["chains"] if chain.get("hook")}
    assert base == {
        "forward": ["ct state established accept", "ip daddr != 10.1.0.0/16 accept",
                    "ip daddr & 255.255.255.224 vmap @group_of", "drop"],
        "prerouting": ["dnat to ip daddr map @dnat_of"], "output": ["dnat to ip daddr map @dnat_of"],
        "postrouting": ["ip daddr != 10.1.0.0/16 snat to ip saddr map @snat_of"]}


def test_the_articles_instances_get_their_addresses_macs_and_router():
    found = planned(SEED)
    assert found["groups"] == [{
        "name": "admin/default", "tag": 18, "network": "10.1.2.0", "prefix": 27,
        "netmask": "255.255.255.224", "router": "10.1.2.1", "broadcast": "10.1.2.31", "first": "10.1.2.2",
        "last": "10.1.2.30", "cidr": "10.1.2.0/27", "instances": ["i-410306FC", "i-4E8B07D1"], "gateway": "10.1.2.1",
        "allowed": [{"source": "0.0.0.0/0", "protocol": "tcp", "ports": "22", "icmp_type": None}]}]
    assert [(item["name"], item["private_ip"], item["mac"], item["node"], item["router"])
            for item in found["instances"]] == [("i-410306FC", "10.1.2.2", "D0:0D:0A:01:02:02", "node1", "10.1.2.1"),
                                                ("i-4E8B07D1", "10.1.2.3", "D0:0D:0A:01:02:03", "node2", "10.1.2.1")]
    assert found["public_addresses"] == ["192.168.32.200", "192.168.32.201"]
    assert found["routers"] == ["10.1.2.1/27"]
    assert (found["routes"], found["tunnels"]) == ([], [])


def test_the_dhcp_server_serves_each_active_block_and_one_entry_per_instance():
    found = planned(dict(SEED, vnet_dns="192.168.32.20"))
    assert found["dhcp"] == {
        "shared_network": None,
        "subnets": [{"subnet": "10.1.2.0/27", "routers": ["10.1.2.1"], "broadcast": "10.1.2.31",
                     "dns": "192.168.32.20"}],
        "hosts": [{"name": "i-410306FC", "mac": "D0:0D:0A:01:02:02", "address": "10.1.2.2"},
                  {"name": "i-4E8B07D1", "mac": "D0:0D:0A:01:02:03", "address": "10.1.2.3"}]}
    # The declaration is one dhcpd accepts (its own checks) and renders as fixed entries, no pool.
    configuration = dhcpd.lan_declaration(found["dhcp"]["subnets"], found["dhcp"]["hosts"])
    text = dhcpd.render(configuration)
    assert "range" not in text
    assert "host i-410306FC {\n  hardware ethernet D0:0D:0A:01:02:02;\n  fixed-address 10.1.2.2;\n}" in text


def with_changes(**changes):
    variables = dict(SEED, vnet_security_groups=dict(SEED["vnet_security_groups"]),
                     vnet_instances=dict(SEED["vnet_instances"]))
    for key, value in changes.items():
        variables[key].update(value) if isinstance(value, dict) and key in variables else variables.update({key: value})
    return variables


def test_addresses_already_served_are_kept_when_others_come_and_go():
    first = planned(SEED)
    served = {item["name"]: item["private_ip"] for item in first["instances"]}
    # i-410306FC leaves; a new instance sorting first arrives: i-4E8B07D1 keeps 10.1.2.3.
    variables = dict(SEED, vnet_instances={
        "i-0000AAAA": {"group": "admin/default", "node": "node1"},
        "i-4E8B07D1": SEED["vnet_instances"]["i-4E8B07D1"]})
    second = planned(variables, previous=served)
    assert {item["name"]: item["private_ip"] for item in second["instances"]} == {
        "i-4E8B07D1": "10.1.2.3", "i-0000AAAA": "10.1.2.2"}


def test_a_pinned_address_is_kept_and_the_others_go_around_it():
    variables = dict(SEED, vnet_instances={
        "i-a": {"group": "admin/default", "node": "node1"},
        "i-b": {"group": "admin/default", "node": "node1", "private_ip": "10.1.2.2"}})
    assert [(item["name"], item["private_ip"]) for item in planned(variables)["instances"]] == [
        ("i-b", "10.1.2.2"), ("i-a", "10.1.2.3")]


def test_a_group_without_instances_is_not_active_and_a_rule_naming_it_is_reported():
    variables = dict(SEED, vnet_security_groups={
        "admin/default": {"vlan": 18, "ingress": [{"protocol": "tcp", "ports": "8080-8081", "source_group": "admin/web"},
                                                  {"protocol": "icmp", "icmp_type": "echo-request",
                                                   "source": "203.0.113.0/24"}]},
        "admin/web": {"vlan": 11}})
    found, problems, warnings = dataplane.decide(variables, NODES)
    assert problems == []
    assert [group["name"] for group in found["groups"]] == ["admin/default"]
    assert found["groups"][0]["allowed"] == [
        {"source": "203.0.113.0/24", "protocol": "icmp", "ports": None, "icmp_type": "echo-request"}]
    assert group_chains(found, "IAAS-")["IAAS-admin-default"] == [
        "ip saddr 10.1.2.0/27 accept", "ip saddr 203.0.113.0/24 icmp type 8 accept"]
    assert warnings[0] == ("vnet_security_groups[admin/default].ingress: the rule from admin/web (tcp 8080:8081) "
                           "is not applied: admin/web has no instance, so it has no addresses yet")
    # Once admin/web has an instance, the rule takes its block as the source.
    variables["vnet_instances"] = dict(SEED["vnet_instances"], **{"i-web1": {"group": "admin/web", "node": "node1"}})
    found = planned(variables)
    assert group_chains(found, "IAAS-")["IAAS-admin-default"][1] == "ip saddr 10.1.1.32/27 tcp dport 8080-8081 accept"
    assert maps(found, "IAAS-")["group_of"] == {"10.1.1.32": "jump IAAS-admin-web", "10.1.2.0": "jump IAAS-admin-default"}


def group_chains(found, prefix):
    """{chain: rules} of the data plane's table, its base chains left out."""
    return {chain["name"]: chain["rules"] for chain in table(found, prefix, chain_name)["chains"] if not chain.get("hook")}


def maps(found, prefix):
    return {entry["name"]: entry["elements"] for entry in table(found, prefix, chain_name)["maps"]}


def test_a_long_group_name_makes_a_chain_of_at_most_28_characters():
    name = chain_name("engineering-department/web-frontends", "IAAS-")
    # The readable start, then a digest of the whole name: deterministic, and distinct.
    assert re.match(r"^IAAS-engineering-de-[0-9a-f]{8}$", name) and len(name) == 28
    assert name != chain_name("engineering-department/web-frontends-2", "IAAS-")


def test_nothing_is_planned_without_groups_or_instances():
    assert dataplane.decide({"vnet_mode": "MANAGED"}, NODES) == (None, [], [])


@pytest.mark.parametrize("changes, expected", [
    ({"vnet_instances": {"i-x": {"group": "admin/nope", "node": "node1"}}},
     ("vnet_instances[i-x].group", "admin/nope", "is not a group of vnet_security_groups")),
    ({"vnet_security_groups": {"admin/web": {"vlan": 18}}},
     ("vnet_security_groups[admin/web].vlan", 18, "is also the tag of admin/default")),
    ({"vnet_security_groups": {"admin/web": {"vlan": 2048}}},
     ("vnet_security_groups[admin/web].vlan", 2048,
      "is outside the VLAN tags 2..2047 that 10.1.0.0/16 by 32 provides")),
    ({"vnet_addrspernet": 4},
     ("vnet_security_groups[admin/default]", "2 instances",
      "is more than a block of vnet_addrspernet=4 holds (1 instances)")),
    ({"vnet_instances": {"i-x": {"group": "admin/default", "node": "node1", "private_ip": "10.1.3.5"}}},
     ("vnet_instances[i-x].private_ip", "10.1.3.5",
      "is not an instance address of admin/default's block 10.1.2.0/27 (10.1.2.2..10.1.2.30)")),
    ({"vnet_instances": {"i-x": {"group": "admin/default", "node": "node1", "private_ip": "10.1.2.9"},
                         "i-y": {"group": "admin/default", "node": "node1", "private_ip": "10.1.2.9"}}},
     ("vnet_instances[i-y].private_ip", "10.1.2.9", "is also the address of i-x")),
    ({"vnet_instances": {"i-x": {"group": "admin/default", "node": "node1", "public_ip": "192.168.32.9"}}},
     ("vnet_instances[i-x].public_ip", "192.168.32.9", "is not in vnet_publicips, the pool of elastic IPs")),
    ({"vnet_instances": {"i-x": {"group": "admin/default", "node": "node1", "public_ip": "192.168.32.200"}}},
     ("vnet_instances[i-x].public_ip", "192.168.32.200", "is also the elastic IP of i-410306FC")),
    ({"vnet_security_groups": {"admin/web": {"vlan": 11, "ingress": [
        {"protocol": "tcp", "ports": "80-70", "source": "0.0.0.0/0"}]}}},
     ("vnet_security_groups[admin/web].ingress[0].ports", "80-70", "is a range whose start is above its end")),
    ({"vnet_security_groups": {"admin/web": {"vlan": 11, "ingress": [{"protocol": "gre", "source": "0.0.0.0/0"}]}}},
     ("vnet_security_groups[admin/web].ingress[0].protocol", "gre", "is not one of tcp, udp, icmp, all")),
    ({"vnet_security_groups": {"admin/web": {"vlan": 11, "ingress": [
        {"protocol": "icmp", "icmp_type": "echo", "source": "0.0.0.0/0"}]}}},
     ("vnet_security_groups[admin/web].ingress[0].icmp_type", "echo",
      "is not an ICMP type iptables knows (a name of 'iptables -p icmp -h', a number, or type/code)")),
    ({"vnet_security_groups": {"admin/web stuff": {"vlan": 11}}},
     ("vnet_security_groups[admin/web stuff]", "admin/web stuff",
      "is not '<owner>/<name>' of letters, digits, '.', '_' and '-' (the group's chain name is made from it)")),
    ({"vnet_instances": {"i-x": {"group": "admin/default", "node": "frontend1"}}},
     ("vnet_instances[i-x].node", "frontend1", "is not a host of group nodes")),
    ({"vnet_instances": {"i x": {"group": "admin/default", "node": "node1"}}},
     ("vnet_instances", "i x", "is not an instance name of letters, digits, '.', '_' and '-' (it names the "
                               "instance's DHCP host entry)")),
    ({"vnet_mode": "STATIC"},
     ("vnet_security_groups", "(1 declared)", "is only for MANAGED and MANAGED-NOVLAN; vnet_mode is STATIC")),
])
def test_each_bad_input_is_named_with_its_value_and_rule(changes, expected):
    _found, problems, _warnings = dataplane.decide(with_changes(**changes), NODES)
    assert expected in problems


def test_the_group_chains_take_the_firewalls_prefix():
    found = planned(SEED)
    assert list(group_chains(found, "CLOUD-")) == ["CLOUD-admin-default"]
    assert table(found, "CLOUD-", chain_name)["name"] == "cloud"
    assert set(maps(found, "CLOUD-")["group_of"].values()) == {"jump CLOUD-admin-default"}


# --- Several clusters -----------------------------------------------------------------------------
# Two CCs (192.0.2.11, index 0 and 192.0.2.12, index 1); node1 in the first cluster, node2 in the
# second; admin/web spans both, admin/db has one instance in the second.
CLOUD = {
    "vnet_mode": "MANAGED",
    "vnet_dataplane": "ansible",
    "vnet_subnet": "10.20.0.0",
    "vnet_netmask": "255.255.0.0",
    "vnet_addrspernet": 32,
    "vnet_publicips": ["198.51.100.10", "198.51.100.11"],
    "vnet_security_groups": {
        "admin/web": {"vlan": 10},
        "admin/db": {"vlan": 11, "ingress": [{"protocol": "tcp", "ports": 5432, "source_group": "admin/web"}]},
    },
    "vnet_instances": {
        "i-a": {"group": "admin/web", "node": "node1", "public_ip": "198.51.100.10"},
        "i-b": {"group": "admin/web", "node": "node2", "public_ip": "198.51.100.11"},
        "i-c": {"group": "admin/db", "node": "node2"},
    },
}


def clustered(index, tunnels=True, variables=None, nodes=None):
    variables = CLOUD if variables is None else variables
    clusters = {"index": index, "addresses": ["192.0.2.11", "192.0.2.12"], "tunnels": tunnels,
                "nodes": {"node1": 0, "node2": 1} if nodes is None else nodes}
    return dataplane.decide(variables, NODES, None, clusters)


def test_instances_follow_every_ccs_gateway_and_each_cc_plans_the_same_addresses():
    # Tag 10 is 10.20.0.256/27 = 10.20.1.0/27: router .1 (the first CC's gateway), .2 the second's;
    # instance addresses start after the gateways of eight CCs, at .9.
    plans = [clustered(index)[0] for index in (0, 1)]
    for found in plans:
        assert [(item["name"], item["private_ip"], item["router"]) for item in found["instances"]] == [
            ("i-a", "10.20.1.9", "10.20.1.1"), ("i-b", "10.20.1.10", "10.20.1.2"), ("i-c", "10.20.1.41", "10.20.1.34")]
    assert [group["gateway"] for group in plans[0]["groups"]] == ["10.20.1.1", "10.20.1.33"]
    assert plans[1]["routers"] == ["10.20.1.2/27", "10.20.1.34/27"]


def test_each_cc_holds_its_own_clusters_elastic_ips_and_routes_to_the_others_through_their_cc():
    first, second = clustered(0)[0], clustered(1)[0]
    assert first["public_addresses"] == ["198.51.100.10"] and second["public_addresses"] == ["198.51.100.11"]
    assert maps(first, "IAAS-")["snat_of"] == {"10.20.1.9": "198.51.100.10"}
    assert maps(first, "IAAS-")["dnat_of"] == {"198.51.100.10": "10.20.1.9"}
    assert first["routes"] == [{"to": "10.20.1.10/32", "via": "10.20.1.2"}, {"to": "10.20.1.41/32", "via": "10.20.1.34"}]
    assert second["routes"] == [{"to": "10.20.1.9/32", "via": "10.20.1.1"}]
    # The filter is the same on every CC: a connection is checked wherever it is routed.
    assert [group_chains(found, "IAAS-") for found in (first, second)] == [group_chains(first, "IAAS-")] * 2


def test_each_cc_checks_its_own_clusters_elastic_ips_against_its_own_pool():
    # Each front-end has a pool of its own: i-b's address is the second CC's, not the first's.
    first = dict(CLOUD, vnet_publicips=["198.51.100.10"])
    second = dict(CLOUD, vnet_publicips=["198.51.100.11"])
    assert clustered(0, variables=first)[1] == [] and clustered(1, variables=second)[1] == []
    assert clustered(0, variables=second)[1] == [
        ("vnet_instances[i-a].public_ip", "198.51.100.10", "is not in vnet_publicips, the pool of elastic IPs")]


def served(found):
    """{instance: (address, router)} as the CC's dhcpd answers: a host's own router, else its subnet's."""
    subnets = {subnet["subnet"]: subnet["routers"] for subnet in found["dhcp"]["subnets"]}
    cidr = {instance["private_ip"]: group["cidr"] for group in found["groups"] for instance in found["instances"]
            if instance["group"] == group["name"]}
    return {host["name"]: (host["address"], host.get("routers") or subnets[cidr[host["address"]]])
            for host in found["dhcp"]["hosts"]}


def test_every_cc_serves_every_instance_alike_with_its_own_cc_as_router():
    hosts = clustered(0)[0]["dhcp"]["hosts"]
    assert [(host["name"], host.get("routers")) for host in hosts] == [
        ("i-a", None), ("i-b", ["10.20.1.2"]), ("i-c", ["10.20.1.34"])]
    assert served(clustered(0)[0]) == served(clustered(1)[0]) == {
        "i-a": ("10.20.1.9", ["10.20.1.1"]), "i-b": ("10.20.1.10", ["10.20.1.2"]), "i-c": ("10.20.1.41", ["10.20.1.34"])}
    assert "  option routers 10.20.1.2;" in dhcpd.render(dhcpd.declaration("security_groups",
                                                                           groups=clustered(0)[0]["dhcp"]))


def test_the_groups_segments_are_joined_by_one_vxlan_device_each():
    assert clustered(0)[0]["tunnels"] == [
        {"name": "eucavx10", "id": 10, "bridge": "eucabr10", "local": "192.0.2.11", "peers": ["192.0.2.12"], "mtu": 1450},
        {"name": "eucavx11", "id": 11, "bridge": "eucabr11", "local": "192.0.2.11", "peers": ["192.0.2.12"], "mtu": 1450}]
    novlan = clustered(1, variables=dict(CLOUD, vnet_mode="MANAGED-NOVLAN"))[0]
    assert novlan["tunnels"] == [{"name": "eucavx1", "id": 1, "bridge": None, "local": "192.0.2.12",
                                  "peers": ["192.0.2.11"], "mtu": 1450}]


def test_a_tunnel_carries_its_underlays_mtu_less_50_and_the_vms_of_its_groups_are_told_so():
    # A 1500 underlay: 1450 on the tunnels, and every group's DHCP subnet says 1450, so no VM sends a
    # frame the tunnel would have to fragment.
    found = clustered(0)[0]
    assert [subnet["mtu"] for subnet in found["dhcp"]["subnets"]] == [1450, 1450]
    # Jumbo frames between the front-ends: the tunnels carry a VM's 1500 whole; the VMs are told nothing.
    clusters = {"index": 0, "addresses": ["192.0.2.11", "192.0.2.12"], "tunnels": True,
                "nodes": {"node1": 0, "node2": 1}, "underlay_mtu": 9000}
    jumbo = dataplane.decide(CLOUD, NODES, None, clusters)[0]
    assert {tunnel["mtu"] for tunnel in jumbo["tunnels"]} == {8950}
    assert not any("mtu" in subnet for subnet in jumbo["dhcp"]["subnets"])
    # Without tunnels a group stays on its own cluster's layer 2: nothing to say.
    assert not any("mtu" in subnet for subnet in clustered(0, tunnels=False)[0]["dhcp"]["subnets"])


def test_without_tunnels_each_cc_knows_its_own_cluster_only():
    first = clustered(0, tunnels=False)[0]
    assert [instance["name"] for instance in first["instances"]] == ["i-a"]
    assert [group["name"] for group in first["groups"]] == ["admin/web"]
    assert (first["routes"], first["tunnels"]) == ([], [])


def test_an_instance_on_a_node_of_no_cluster_is_refused():
    _found, problems, _warnings = clustered(0, nodes={"node1": 0})
    rule = "is in no cluster: with several front-ends each node names its own in euca_cluster"
    assert problems == [("vnet_instances[i-b].node", "node2", rule), ("vnet_instances[i-c].node", "node2", rule)]


def test_the_ccs_gateways_leave_fewer_addresses_to_the_instances():
    crowded = dict(CLOUD, vnet_addrspernet=16, vnet_instances={
        "i-%d" % number: {"group": "admin/web", "node": "node1"} for number in range(7)})
    _found, problems, _warnings = clustered(0, variables=crowded)
    assert problems == [("vnet_security_groups[admin/web]", "7 instances",
                         "is more than a block of vnet_addrspernet=16 holds (6 instances, after the gateways of 8 CCs)")]
