import re

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.firewall import host_tables


ESTABLISHED = "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"


def input_rules(tables):
    return tables["filter"]["chains"]["IAAS-INPUT"]


def test_kvm_ports_are_accepted_from_management_and_dropped_otherwise():
    tables = host_tables(["kvm"], {"management": ["10.1.0.0/24"]})
    rules = input_rules(tables)
    assert rules[:4] == ["-i lo -j ACCEPT", ESTABLISHED, "-s 10.1.0.0/24 -p tcp -m tcp --dport 22 -j ACCEPT",
                         "-p tcp -m tcp --dport 22 -j DROP"]
    assert "-s 10.1.0.0/24 -p tcp -m tcp --dport 5900:6100 -j ACCEPT" in rules
    assert "-p tcp -m tcp --dport 49152:49216 -j DROP" in rules
    assert tables["filter"]["jumps"] == [{"chain": "INPUT", "target": "IAAS-INPUT", "position": 1}]
    assert len(rules) == 12


def test_nothing_is_open_to_the_world_without_networks():
    rules = input_rules(host_tables(["management", "mysql"], {}))
    # Only the host's own loopback is accepted, and the replies to its own connections.
    assert rules[:2] == ["-i lo -j ACCEPT", ESTABLISHED] and all(rule.endswith("-j DROP") for rule in rules[2:])
    assert "-p tcp -m tcp --dport 8096 -j DROP" in rules


def test_nfs_uses_the_storage_network_and_falls_back_to_management():
    storage = input_rules(host_tables(["nfs"], {"management": ["10.1.0.0/24"], "storage": ["10.2.0.0/24"]}))
    assert "-s 10.2.0.0/24 -p udp -m udp --dport 111 -j ACCEPT" in storage
    assert not [rule for rule in storage if "10.1.0.0/24" in rule]
    fallback = input_rules(host_tables(["nfs"], {"management": ["10.1.0.0/24"]}))
    assert "-s 10.1.0.0/24 -p tcp -m tcp --dport 2049 -j ACCEPT" in fallback
    assert len(fallback) == 24


def test_the_controller_keeps_ssh():
    rules = input_rules(host_tables(["kvm"], {"management": ["10.1.0.0/24"], "controller": ["192.0.2.5"]}))
    assert rules[2:5] == ["-s 10.1.0.0/24 -p tcp -m tcp --dport 22 -j ACCEPT",
                          "-s 192.0.2.5/32 -p tcp -m tcp --dport 22 -j ACCEPT",
                          "-p tcp -m tcp --dport 22 -j DROP"]
    assert "-s 192.0.2.5/32 -p tcp -m tcp --dport 16509 -j ACCEPT" not in rules


def test_admin_rules_come_first():
    tables = host_tables(["mysql"], {"management": ["10.1.0.0/24"]},
                         {"filter": {"INPUT": ["-i lo -j ACCEPT"]}, "nat": {"PREROUTING": ["-p tcp -j RETURN"]}})
    # The admin's own loopback rule is not repeated by the service rules that follow.
    assert input_rules(tables)[:3] == ["-i lo -j ACCEPT", ESTABLISHED,
                                       "-s 10.1.0.0/24 -p tcp -m tcp --dport 3306 -j ACCEPT"]
    assert tables["nat"]["chains"] == {"IAAS-PREROUTING": ["-p tcp -j RETURN"]}


def test_eucalyptus_managed_baseline():
    tables = host_tables([], {}, baseline="192.168.0.0/16")
    assert tables["filter"]["policies"] == {"FORWARD": "DROP"}
    assert tables["filter"]["chains"]["IAAS-FORWARD"] == ["-m conntrack --ctstate ESTABLISHED -j ACCEPT",
                                                          "! -d 192.168.0.0/16 -j ACCEPT"]
    assert tables["nat"]["chains"]["IAAS-POSTROUTING"] == ["-s 192.168.0.0/16 ! -d 192.168.0.0/16 -j MASQUERADE"]


@pytest.mark.parametrize("services, networks, rules, message", [
    (["ftp"], {}, None, "iptables_services: 'ftp' is not one of"),
    (["kvm"], {"management": ["10.1.0.5/24"]}, None, "iptables_management_networks[0]: '10.1.0.5/24' has host bits set"),
    ([], {}, {"filter": {"PREROUTING": []}}, "iptables_rules.filter: 'PREROUTING' is not a builtin chain of table filter"),
    ([], {}, {"filter": {"INPUT": ["-j ACCEPT\n-A INPUT -j DROP"]}},
     "iptables_rules.filter.INPUT[0]: '-j ACCEPT\\n-A INPUT -j DROP' is not one rule on one line"),
])
def test_bad_input_names_the_variable(services, networks, rules, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        host_tables(services, networks, rules)


def test_the_replies_to_the_hosts_own_connections_pass_before_a_drop_in_the_ephemeral_range():
    rules = input_rules(host_tables(["kvm", "nfs"], {"management": ["10.1.0.0/24"]}))
    first_drop = min(index for index, rule in enumerate(rules) if rule.endswith("-j DROP"))
    assert rules.index(ESTABLISHED) < first_drop
    assert "-p tcp -m tcp --dport 49152:49216 -j DROP" in rules and "-p udp -m udp --dport 32769 -j DROP" in rules


def test_ipv6_restricts_the_same_port_sets_to_the_ipv6_networks_only():
    networks = {"management": ["10.1.0.0/24", "2001:db8:1::/64"], "controller": ["2001:db8:9::5"]}
    four = input_rules(host_tables(["kvm"], networks))
    six = input_rules(host_tables(["kvm"], networks, family=6))
    assert "-s 10.1.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT" in four
    assert not [rule for rule in four if ":" in rule.split()[1]]
    assert six[:2] == ["-i lo -j ACCEPT", ESTABLISHED]
    assert "-s 2001:db8:1::/64 -p tcp -m tcp --dport 16509 -j ACCEPT" in six
    assert "-s 2001:db8:9::5/128 -p tcp -m tcp --dport 22 -j ACCEPT" in six
    assert "-p tcp -m tcp --dport 16509 -j DROP" in six
    assert not [rule for rule in six if "10.1.0.0" in rule]
    # The same drops, in the same order, whatever the family.
    assert [rule for rule in four if rule.endswith("DROP")] == [rule for rule in six if rule.endswith("DROP")]


def test_without_ipv6_networks_every_port_set_is_closed_over_ipv6():
    six = input_rules(host_tables(["management", "mysql"], {"management": ["10.1.0.0/24"]}, family=6))
    assert six[:2] == ["-i lo -j ACCEPT", ESTABLISHED] and all(rule.endswith("-j DROP") for rule in six[2:])


def test_the_baseline_data_plane_and_admin_rules_are_ipv4_only():
    tables = host_tables([], {}, {"filter": {"INPUT": ["-p tcp -j ACCEPT"]}}, baseline="10.0.0.0/8", family=6)
    assert tables == {}
