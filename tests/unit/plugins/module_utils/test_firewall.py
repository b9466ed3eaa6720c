import re

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.firewall import host_tables


def input_rules(tables):
    return tables["filter"]["chains"]["IAAS-INPUT"]


def test_kvm_ports_are_accepted_from_management_and_dropped_otherwise():
    tables = host_tables(["kvm"], {"management": ["10.1.0.0/24"]})
    rules = input_rules(tables)
    assert rules[:3] == ["-i lo -j ACCEPT", "-s 10.1.0.0/24 -p tcp -m tcp --dport 22 -j ACCEPT",
                         "-p tcp -m tcp --dport 22 -j DROP"]
    assert "-s 10.1.0.0/24 -p tcp -m tcp --dport 5900:6100 -j ACCEPT" in rules
    assert "-p tcp -m tcp --dport 49152:49216 -j DROP" in rules
    assert tables["filter"]["jumps"] == [{"chain": "INPUT", "target": "IAAS-INPUT", "position": 1}]
    assert len(rules) == 11


def test_nothing_is_open_to_the_world_without_networks():
    rules = input_rules(host_tables(["management", "mysql"], {}))
    # Only the host's own loopback is accepted.
    assert rules[0] == "-i lo -j ACCEPT" and all(rule.endswith("-j DROP") for rule in rules[1:])
    assert "-p tcp -m tcp --dport 8096 -j DROP" in rules


def test_nfs_uses_the_storage_network_and_falls_back_to_management():
    storage = input_rules(host_tables(["nfs"], {"management": ["10.1.0.0/24"], "storage": ["10.2.0.0/24"]}))
    assert "-s 10.2.0.0/24 -p udp -m udp --dport 111 -j ACCEPT" in storage
    assert not [rule for rule in storage if "10.1.0.0/24" in rule]
    fallback = input_rules(host_tables(["nfs"], {"management": ["10.1.0.0/24"]}))
    assert "-s 10.1.0.0/24 -p tcp -m tcp --dport 2049 -j ACCEPT" in fallback
    assert len(fallback) == 23


def test_the_controller_keeps_ssh():
    rules = input_rules(host_tables(["kvm"], {"management": ["10.1.0.0/24"], "controller": ["192.0.2.5"]}))
    assert rules[1:4] == ["-s 10.1.0.0/24 -p tcp -m tcp --dport 22 -j ACCEPT",
                          "-s 192.0.2.5/32 -p tcp -m tcp --dport 22 -j ACCEPT",
                          "-p tcp -m tcp --dport 22 -j DROP"]
    assert "-s 192.0.2.5/32 -p tcp -m tcp --dport 16509 -j ACCEPT" not in rules


def test_admin_rules_come_first():
    tables = host_tables(["mysql"], {"management": ["10.1.0.0/24"]},
                         {"filter": {"INPUT": ["-i lo -j ACCEPT"]}, "nat": {"PREROUTING": ["-p tcp -j RETURN"]}})
    # The admin's own loopback rule is not repeated by the service rules that follow.
    assert input_rules(tables)[:2] == ["-i lo -j ACCEPT", "-s 10.1.0.0/24 -p tcp -m tcp --dport 3306 -j ACCEPT"]
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
