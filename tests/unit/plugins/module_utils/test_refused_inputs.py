"""Inputs that reached a file, a command or another program's chains unchecked, each refused by the
plan naming its variable: one example inventory with the one value changed, planned whole."""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils import role_records
from test_hostile_inputs import example_variables, plan

CASES = [
    # An exported path the role would own and clients could write as root.
    ("cloudstack-advanced", "nfs_exports", [{"path": "/root"}], "is in the system's /root"),
    ("cloudstack-advanced", "nfs_exports", [{"path": "/tmp"}], "is in the system's /tmp"),
    ("cloudstack-advanced", "nfs_exports", [{"path": "/etc/ssh"}], "is in the system's /etc"),
    ("cloudstack-advanced", "nfs_exports", [{"path": "/"}], "is a system directory"),
    ("cloudstack-advanced", "nfs_exports", [{"path": "/export/../etc"}], "without '.' or '..' components"),
    ("cloudstack-advanced", "nfs_export_options", ["rw", "fsid=1) *(rw,no_root_squash"], "not one word"),
    ("cloudstack-advanced", "nfs_export_options", ["rw\n/ *(rw,no_root_squash)"], "is not one line"),
    # eucalyptus.conf is sourced by the init scripts as root.
    ("eucalyptus-managed", "euca_conf_settings", {"FOO;id": "1"}, "is not a shell variable name"),
    ("eucalyptus-managed", "euca_conf_settings", {"FOO": "a\u2028b"}, "is not one line"),
    ("eucalyptus-managed", "euca_conf_settings", {"VNET_MODE": "SYSTEM"}, "is a key the collection sets"),
    # Every chain that starts with the prefix is the role's, and it removes what it did not declare.
    ("cloudstack-advanced", "iptables_prefix", "BF-", "would own chains of CloudStack's bridge firewall"),
    ("cloudstack-advanced", "iptables_prefix", "KUBE-", "would own chains of Kubernetes"),
    ("eucalyptus-managed", "iptables_prefix", "IAAS", "is not a chain prefix"),
    ("eucalyptus-managed", "iptables_prefix", "IAAS-\n", "is not a chain prefix"),
    # A trailing newline passed checks that ended in '$'.
    ("lab", "vnet_security_groups", {"admin/default\n": {"vlan": 10}}, "is not one line"),
    ("lab", "vnet_pubinterface", "eth1\n", "is not one line"),
    # Bridge ports and VLAN parents land in ifupdown stanzas and ip commands.
    ("cloudstack-advanced", "bridge_interfaces", [{"name": "cloudbr0", "ports": ["eth0 up rm"]},
                                                  {"name": "cloudbr1", "ports": ["eth1"]}],
     "is not a network interface name"),
    ("cloudstack-advanced", "vlan_interfaces", [{"parent": "eth0;x", "id": 100}], "is not a network interface name"),
    ("cloudstack-advanced", "vlan_interfaces", [{"parent": "eth0", "id": 100, "dns_domain": "a b"}],
     "is not a domain name"),
    # /etc/hosts was written before `hostname --fqdn` was compared with it.
    ("cloudstack-advanced", "cloudstack_fqdn", "management 1.example.org", "does not make a fully qualified DNS name"),
    ("cloudstack-advanced", "cloudstack_domain", "lab_example", "does not make a fully qualified DNS name"),
    # A traffic label is the bridge each KVM host carries.
    ("cloudstack-advanced", "traffic_types", "label:cloud br0", "is not a bridge name"),
]


def with_label(zones, label):
    zones = [dict(zone) for zone in zones]
    networks = [dict(network) for network in zones[0]["physical_networks"]]
    networks[0]["traffic_types"] = [dict(traffic, label=label) for traffic in networks[0]["traffic_types"]]
    zones[0]["physical_networks"] = networks
    return zones


@pytest.mark.parametrize("inventory_name, variable, value, rule", CASES, ids=lambda value: repr(value)[:40])
def test_a_broken_input_is_refused_naming_its_variable(inventory_name, variable, value, rule):
    role_records.SECRET_ROUNDS = 1
    inventory = example_variables()[inventory_name]
    hostvars = dict((host, dict(values)) for host, values in inventory["hostvars"].items())
    for values in hostvars.values():
        if isinstance(value, str) and value.startswith("label:"):
            if "cloudstack_zones" in values:
                values["cloudstack_zones"] = with_label(values["cloudstack_zones"], value[len("label:"):])
        else:
            values[variable] = value
    _plans, problems = plan(inventory, hostvars)
    found = [str(problem) for problem in problems if problem.variable.split(".")[0].split("[")[0] == variable]
    assert [line for line in found if rule in line], problems.lines()


def test_two_groups_whose_names_make_one_chain_are_refused():
    role_records.SECRET_ROUNDS = 1
    inventory = example_variables()["lab"]
    hostvars = dict((host, dict(values)) for host, values in inventory["hostvars"].items())
    hostvars["lab-frontend"].update(
        vnet_security_groups={"a-b/c": {"vlan": 10}, "a/b-c": {"vlan": 11}},
        vnet_instances={"i-1": {"group": "a-b/c", "node": "lab-node1"}, "i-2": {"group": "a/b-c", "node": "lab-node2"}})
    _plans, problems = plan(inventory, hostvars)
    assert "lab-frontend: vnet_security_groups[a/b-c]: 'a/b-c' makes the chain IAAS-a-b-c, as a-b/c does: rename " \
           "one of them" in problems.lines()


def test_a_management_server_without_the_database_password_is_refused():
    role_records.SECRET_ROUNDS = 1
    inventory = example_variables()["cloudstack-advanced"]
    hostvars = dict((host, dict(values)) for host, values in inventory["hostvars"].items())
    for values in hostvars.values():
        values.pop("cloudstack_db_password")
    _plans, problems = plan(inventory, hostvars)
    assert problems.lines() == [
        "management1: cloudstack_db_password: '(not set)' is needed: the management servers' database user 'cloud' "
        "is granted with it from every management network (keep it in an Ansible Vault)"]


def test_a_secret_that_spans_lines_is_refused_without_showing_it():
    role_records.SECRET_ROUNDS = 1
    inventory = example_variables()["cloudstack-advanced"]
    hostvars = dict((host, dict(values, cloudstack_db_password="s3cret\nline")) for host, values in
                    inventory["hostvars"].items())
    _plans, problems = plan(inventory, hostvars)
    lines = problems.lines()
    assert "management1: cloudstack_db_password: '(secret)' is not one line: a line break or control character in " \
           "it would break the file it is written to" in lines
    assert not [line for line in lines if "s3cret" in line]
