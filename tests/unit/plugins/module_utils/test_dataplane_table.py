"""The data plane's nftables table: what it declares, how it reads the host's, what it changes."""

import copy

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils import dataplane_table
from ansible_collections.privatecloud.iaas.plugins.module_utils.dataplane_table import (
    TableError,
    boot_file,
    changes,
    check,
    desired_state,
    group_rule,
    parse,
    render,
)
from ansible_collections.privatecloud.iaas.plugins.module_utils.firewall import chain_name

PLANE = {
    "subnet": "10.1.0.0/16",
    "groups": [{"name": "admin/default", "network": "10.1.2.0", "prefix": 27, "cidr": "10.1.2.0/27",
                "allowed": [{"source": "0.0.0.0/0", "protocol": "tcp", "ports": "22", "icmp_type": None}]}],
    "elastic_ips": [{"name": "i-1", "public_ip": "192.0.2.10", "private_ip": "10.1.2.2"}],
}
# `nft -j list table ip iaas` (nft 1.0.6) of a table that has drifted from PLANE's: a rule added by
# hand, no base chain but forward, no snat_of.
LISTING = {"nftables": [
    {"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
    {"table": {"family": "ip", "name": "iaas", "handle": 1}},
    {"map": {"family": "ip", "name": "group_of", "table": "iaas", "type": "ipv4_addr", "handle": 3, "map": "verdict",
             "elem": [["10.1.2.0", {"jump": {"target": "IAAS-admin-default"}}]]}},
    {"map": {"family": "ip", "name": "dnat_of", "table": "iaas", "type": "ipv4_addr", "handle": 4, "map": "ipv4_addr",
             "elem": [["192.0.2.10", "10.1.2.9"]]}},
    {"chain": {"family": "ip", "table": "iaas", "name": "IAAS-admin-default", "handle": 1}},
    {"chain": {"family": "ip", "table": "iaas", "name": "forward", "handle": 2, "type": "filter", "hook": "forward",
               "prio": 0, "policy": "accept"}},
    {"rule": {"family": "ip", "table": "iaas", "chain": "IAAS-admin-default", "handle": 5,
              "comment": "ip saddr 10.1.2.0/27 accept", "expr": []}},
    {"rule": {"family": "ip", "table": "iaas", "chain": "IAAS-admin-default", "handle": 6, "expr": []}},
]}


def planned():
    return dataplane_table.table(PLANE, "IAAS-", chain_name)


def applied(table):
    """What the host lists once the table is applied."""
    return desired_state(table)


@pytest.mark.parametrize("rule, expected", [
    ({"source": "0.0.0.0/0", "protocol": "tcp", "ports": "22"}, "ip saddr 0.0.0.0/0 tcp dport 22 accept"),
    ({"source": "10.0.0.0/8", "protocol": "udp", "ports": "5000:5010"}, "ip saddr 10.0.0.0/8 udp dport 5000-5010 accept"),
    ({"source": "10.0.0.0/8", "protocol": "icmp", "icmp_type": "echo-request"},
     "ip saddr 10.0.0.0/8 icmp type 8 accept"),
    ({"source": "10.0.0.0/8", "protocol": "icmp", "icmp_type": "fragmentation-needed"},
     "ip saddr 10.0.0.0/8 icmp type 3 icmp code 4 accept"),
    ({"source": "10.0.0.0/8", "protocol": "icmp", "icmp_type": "3/1"}, "ip saddr 10.0.0.0/8 icmp type 3 icmp code 1 accept"),
    ({"source": "10.0.0.0/8", "protocol": "icmp", "icmp_type": "any"}, "ip saddr 10.0.0.0/8 ip protocol icmp accept"),
    ({"source": "10.0.0.0/8", "protocol": "icmp"}, "ip saddr 10.0.0.0/8 ip protocol icmp accept"),
    ({"source": "10.0.0.0/8", "protocol": "udp"}, "ip saddr 10.0.0.0/8 ip protocol udp accept"),
    ({"source": "10.0.0.0/8", "protocol": "all"}, "ip saddr 10.0.0.0/8 accept"),
])
def test_each_ingress_rule_is_one_nft_rule(rule, expected):
    assert group_rule(rule) == expected


def test_no_data_plane_is_no_table_and_no_commands():
    assert dataplane_table.table(None, "IAAS-", chain_name) == {}
    assert changes({}, None) == [] and boot_file({}) == ""


def test_a_new_table_is_made_whole_chains_and_maps_before_the_rules_that_use_them():
    commands = changes(planned(), None)
    assert commands[0] == "add table ip iaas"
    first_rule = next(index for index, command in enumerate(commands) if command.startswith("add rule"))
    assert all(not command.startswith(("add chain", "add map", "add element")) for command in commands[first_rule:])
    assert "add element ip iaas group_of { 10.1.2.0 : jump IAAS-admin-default }" in commands
    assert ('add rule ip iaas forward ip daddr & 255.255.255.224 vmap @group_of '
            'comment "ip daddr & 255.255.255.224 vmap @group_of"') in commands
    assert "add chain ip iaas postrouting { type nat hook postrouting priority 99; policy accept; }" in commands


def test_the_table_as_declared_needs_nothing():
    assert changes(planned(), applied(planned())) == []


def test_parse_reads_the_rules_by_their_comments_and_names_a_foreign_one():
    live = parse(LISTING)
    assert live["chains"]["IAAS-admin-default"]["rules"] == [
        "ip saddr 10.1.2.0/27 accept", "(a rule the collection did not write: handle 6)"]
    assert live["chains"]["forward"]["base"] == ("filter", "forward", 0)
    assert live["maps"]["group_of"] == {"type": ("ipv4_addr", "verdict"),
                                        "elements": {"10.1.2.0": "jump IAAS-admin-default"}}
    assert parse({}) is None


def test_a_drifted_table_gets_only_what_differs():
    live = applied(planned())
    live["chains"]["IAAS-admin-default"]["rules"].append("(a rule the collection did not write: handle 6)")
    live["maps"]["dnat_of"]["elements"]["192.0.2.10"] = "10.1.2.9"
    live["maps"]["dnat_of"]["elements"]["192.0.2.99"] = "10.1.2.99"
    live["chains"]["IAAS-admin-old"] = {"base": None, "rules": ["ip saddr 10.0.0.0/8 accept"]}
    assert changes(planned(), live) == [
        "flush chain ip iaas IAAS-admin-old",
        "flush chain ip iaas IAAS-admin-default",
        'add rule ip iaas IAAS-admin-default ip saddr 10.1.2.0/27 accept comment "ip saddr 10.1.2.0/27 accept"',
        'add rule ip iaas IAAS-admin-default ip saddr 0.0.0.0/0 tcp dport 22 accept '
        'comment "ip saddr 0.0.0.0/0 tcp dport 22 accept"',
        "delete element ip iaas dnat_of { 192.0.2.10, 192.0.2.99 }",
        "add element ip iaas dnat_of { 192.0.2.10 : 10.1.2.2 }",
        "delete chain ip iaas IAAS-admin-old"]


def test_a_base_chain_of_another_hook_or_priority_makes_the_table_anew():
    live = applied(planned())
    live["chains"]["prerouting"]["base"] = ("nat", "prerouting", -100)
    commands = changes(planned(), live)
    assert commands[:2] == ["delete table ip iaas", "add table ip iaas"] and len(commands) > 10
    live = applied(planned())
    live["chains"]["extra"] = {"base": ("filter", "input", 0), "rules": []}
    assert changes(planned(), live)[0] == "delete table ip iaas"


def test_the_boot_file_makes_the_table_anew_whatever_the_host_has():
    text = boot_file(planned()).splitlines()
    assert text[1:4] == ["add table ip iaas", "delete table ip iaas", "add table ip iaas"]
    assert text[4:] == changes(planned(), None)[1:]


def test_the_diff_names_each_group_chain_and_elastic_ip():
    text = render(desired_state(planned()), "ip iaas")
    assert "  chain IAAS-admin-default\n    ip saddr 10.1.2.0/27 accept\n    ip saddr 0.0.0.0/0 tcp dport 22 accept\n" in text
    assert "  map dnat_of (ipv4_addr : ipv4_addr)\n    192.0.2.10 : 10.1.2.2\n" in text
    assert render(None, "ip iaas") == ""


@pytest.mark.parametrize("change, expected", [
    (lambda table: table["chains"][0]["rules"].append('accept comment "x"'), "is not one rule"),
    (lambda table: table["chains"][0]["rules"].append("accept\nadd table ip other"), "is not one rule"),
    (lambda table: table["chains"][0]["rules"].append("accept; flush ruleset"), "is not one rule"),
    (lambda table: table["chains"][0].update(name="bad name"), "is not a name"),
    (lambda table: table.update(name="iaas; flush ruleset"), "table.name"),
    (lambda table: table["maps"][1]["elements"].update({"192.0.2.1 } ; flush ruleset ; {": "10.0.0.1"}),
     "is not an address to an address or a jump"),
    (lambda table: table["maps"].append({"name": "other_map", "elements": {}}), "is not one of"),
    (lambda table: table["chains"].append(copy.deepcopy(table["chains"][0])), "declared more than once"),
])
def test_what_could_become_another_command_is_refused(change, expected):
    table = planned()
    change(table)
    with pytest.raises(TableError, match=expected):
        check(table)


def test_the_planned_table_passes_its_own_check():
    check(planned())
