"""Every role option crosses the whole way, without a host: set in an example inventory (as ``-e``
would), read by Ansible, planned, handed by the role's tasks to its modules. Each case gives the
value and what must then appear in the arguments of the role's module calls, and not without it:
a setting dropped at any boundary - left out of the variables handed to the plan, not read by the
plan, not carried by the part, not passed by the role - fails here.

The rendering runs in one separate process (role_arguments.py): Ansible's collection loader must be
installed before anything imports the collection."""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from ansible_collections.privatecloud.iaas.plugins.module_utils.host_plan import ROLE_OPTIONS

HERE = os.path.dirname(os.path.abspath(__file__))
ROLES = os.path.join(HERE, "..", "..", "..", "roles")

# The example inventories, and a host of each that has the role's part.
CLOUDSTACK = ("cloudstack-advanced", "management1")   # management server, database, NFS server
KVM = ("cloudstack-advanced", "kvm1")                 # KVM host: VLAN devices and bridges
REPLICA = ("lab-cloudstack", "labcs-db2")             # a database replica
DATAPLANE = ("lab", "lab-frontend")                   # MANAGED-NOVLAN front-end with groups
EUCA_NODE = ("lab", "lab-node1")
LAN_POOL = ("eucalyptus-system", "cloud1")            # SYSTEM mode: the front-end's LAN pool

MANAGEMENT = "192.0.2.0/28"
EUCA_REPOSITORY = {"euca_repo_url": "http://192.0.2.80/eucalyptus"}

# (role, (inventory, host), option, value, what the module arguments then contain[, what else both
# runs set]); None: they differ from the arguments without the option, in a way no single string
# shows.
CASES = [
    ("vlan", KVM, "vlan_bonds", [{"name": "bondmark", "ports": ["eth1"], "mode": "active-backup"}], "bondmark"),
    ("vlan", KVM, "vlan_interfaces", [{"parent": "eth0", "id": 731}], "eth0.731"),
    ("vlan", KVM, "vlan_tunnels", [{"name": "vxmark", "id": 77, "local": "192.168.154.21",
                                    "peers": ["192.168.154.22"]}], "vxmark"),
    ("vlan", KVM, "vlan_8021q", False, None),
    ("vlan", KVM, "vlan_persist", False, None),
    ("vlan", KVM, "vlan_rollback_timeout", 731, '"rollback_timeout": 731'),
    ("vlan", KVM, "vlan_confirm_timeout", 73, '"timeout": 73'),
    ("bridge", KVM, "bridge_interfaces", [{"name": "cloudbr0", "ports": ["eth0.200"]},
                                          {"name": "cloudbr1", "ports": ["eth0.300"]},
                                          {"name": "brmark", "ports": ["eth1"]}], "brmark"),
    ("bridge", KVM, "bridge_persist", False, None),
    ("bridge", KVM, "bridge_rollback_timeout", 731, '"rollback_timeout": 731'),
    ("bridge", KVM, "bridge_confirm_timeout", 73, '"timeout": 73'),
    ("iptables", DATAPLANE, "iptables_prefix", "CLOUD-", "CLOUD-admin-default"),
    ("iptables", CLOUDSTACK, "iptables_services", ["kvm"], "16509"),
    ("iptables", CLOUDSTACK, "iptables_management_networks", [MANAGEMENT], MANAGEMENT),
    ("iptables", CLOUDSTACK, "iptables_storage_networks", [MANAGEMENT], MANAGEMENT),
    ("iptables", CLOUDSTACK, "iptables_database_networks", [MANAGEMENT], MANAGEMENT),
    ("iptables", CLOUDSTACK, "iptables_integration_networks", [MANAGEMENT], MANAGEMENT),
    ("iptables", KVM, "iptables_controller_networks", ["192.0.2.77"], "192.0.2.77"),
    ("iptables", CLOUDSTACK, "iptables_rules", {"filter": {"INPUT": ["-p tcp -m tcp --dport 7731 -j ACCEPT"]}},
     "--dport 7731"),
    ("iptables", CLOUDSTACK, "iptables_eucalyptus_baseline", {"subnet": "10.77.0.0", "netmask": "255.255.0.0"},
     "10.77.0.0/16"),
    ("iptables", CLOUDSTACK, "iptables_eucalyptus_preload", "/etc/eucalyptus/mark-preload", "mark-preload"),
    ("iptables", CLOUDSTACK, "iptables_persist", False, None),
    ("iptables", CLOUDSTACK, "iptables_rules_file", "/etc/privatecloud-iaas/mark.rules", "mark.rules"),
    ("iptables", CLOUDSTACK, "iptables_rollback_timeout", 731, '"rollback_timeout": 731'),
    ("iptables", CLOUDSTACK, "iptables_confirm_timeout", 73, '"timeout": 73'),
    ("dhcpd", LAN_POOL, "dhcpd_function", "none", None),
    ("dhcpd", LAN_POOL, "dhcpd_interfaces", ["ethmark"], "ethmark"),
    ("dhcpd", LAN_POOL, "dhcpd_subnets", [{"subnet": "192.168.1.0/24", "ranges": ["192.168.1.177-192.168.1.178"]}],
     "192.168.1.177"),
    ("dhcpd", LAN_POOL, "dhcpd_hosts", [{"mac": "52:54:00:77:77:77", "address": "192.168.1.77"}],
     "52:54:00:77:77:77"),
    ("dhcpd", LAN_POOL, "dhcpd_default_lease_time", 731, "default-lease-time 731"),
    ("dhcpd", LAN_POOL, "dhcpd_max_lease_time", 7731, "max-lease-time 7731"),
    ("dhcpd", LAN_POOL, "dhcpd_dns", ["192.0.2.53"], "192.0.2.53"),
    ("dhcpd", LAN_POOL, "dhcpd_domain", "mark.example", "mark.example"),
    ("dhcpd", LAN_POOL, "dhcpd_authoritative", False, None),
    ("dhcpd", LAN_POOL, "dhcpd_statements", ["ping-check true;"], "ping-check true;"),
    ("ntp", CLOUDSTACK, "ntp_server_group", "nodes", None),
    ("ntp", CLOUDSTACK, "ntp_role", "client", None),
    ("ntp", CLOUDSTACK, "ntp_upstream_servers", ["mark.pool.example"], "mark.pool.example"),
    ("ntp", KVM, "ntp_servers", ["192.0.2.123"], "192.0.2.123"),
    ("ntp", CLOUDSTACK, "ntp_allow", [MANAGEMENT], MANAGEMENT),
    ("ntp", CLOUDSTACK, "ntp_local_stratum", 7, "local stratum 7"),
    ("ntp", CLOUDSTACK, "ntp_makestep_threshold", 7, "makestep 7 "),
    ("ntp", CLOUDSTACK, "ntp_makestep_limit", 7, "makestep 1 7"),
    ("nfs", CLOUDSTACK, "nfs_exports", [{"path": "/export/mark"}], "/export/mark"),
    ("nfs", CLOUDSTACK, "nfs_export_clients", [MANAGEMENT], MANAGEMENT),
    ("nfs", CLOUDSTACK, "nfs_export_options", ["ro", "sync"], "ro,sync"),
    ("nfs", CLOUDSTACK, "nfs_exports_file", "/etc/exports.d/mark.exports", "mark.exports"),
    ("nfs", CLOUDSTACK, "nfs_ports_file", "/etc/nfs.conf.d/61-mark.conf", "61-mark.conf"),
    ("nfs", CLOUDSTACK, "nfs_lockd_file", "/etc/modprobe.d/mark-lockd.conf", "mark-lockd.conf"),
    ("nfs", CLOUDSTACK, "nfs_idmap_domain", "mark.example", "mark.example"),
    ("nfs", CLOUDSTACK, "nfs_packages", ["nfs-mark-server"], "nfs-mark-server"),
    ("nfs", CLOUDSTACK, "nfs_service", "nfs-mark", "nfs-mark"),
    ("nfs", CLOUDSTACK, "nfs_server_start", False, None),
    ("db", CLOUDSTACK, "db_management_servers", 7, "max_connections = 2450"),
    ("db", CLOUDSTACK, "db_max_connections", 731, "max_connections = 731"),
    ("db", CLOUDSTACK, "db_server_id", 731, "server_id = 731"),
    ("db", CLOUDSTACK, "db_bind_address", "192.0.2.7", "bind-address = 192.0.2.7"),
    ("db", CLOUDSTACK, "db_config_file", "/etc/mysql/mariadb.conf.d/61-mark.cnf", "61-mark.cnf"),
    ("db", CLOUDSTACK, "db_root_password", "root-mark", "root-mark"),
    ("db", CLOUDSTACK, "db_remote_root", True, None, {"db_root_password": "root-secret"}),
    ("db", CLOUDSTACK, "db_remote_root_networks", [MANAGEMENT], "192.0.2.0/255.255.255.240",
     {"db_remote_root": True, "db_root_password": "root-secret"}),
    ("db", REPLICA, "db_replication_primary", "labcs-db2", None),
    ("db", REPLICA, "db_replication_user", "repl-mark", "repl-mark"),
    ("db", REPLICA, "db_replication_password", "replication-mark", "replication-mark"),
    ("db", ("lab-cloudstack", "labcs-db1"), "db_replication_networks", [MANAGEMENT], "192.0.2.0/255.255.255.240"),
    ("db", REPLICA, "db_replication_primary_address", "192.0.2.21", "192.0.2.21"),
    ("db", CLOUDSTACK, "db_packages", ["mariadb-mark"], "mariadb-mark"),
    ("db", CLOUDSTACK, "db_service", "mariadb-mark", "mariadb-mark"),
    ("db", CLOUDSTACK, "db_socket", "/run/mysqld/mark.sock", "mark.sock"),
    ("frontend", DATAPLANE, "frontend_euca_packages", ["eucalyptus-mark"], "eucalyptus-mark", EUCA_REPOSITORY),
    ("frontend", CLOUDSTACK, "frontend_cloudstack_packages", ["cloudstack-mark"], "cloudstack-mark"),
    ("frontend", CLOUDSTACK, "frontend_cloudstack_secondary_storage",
     {"server": "192.0.2.9", "path": "/export/mark"}, "192.0.2.9:/export/mark"),
    ("frontend", CLOUDSTACK, "frontend_cloudstack_secondary_mount", "/mnt/mark", "/mnt/mark"),
    ("frontend", CLOUDSTACK, "frontend_cloudstack_systemvm_hypervisors", ["xenserver"], "xenserver"),
    ("frontend", CLOUDSTACK, "frontend_cloudstack_systemvm_templates",
     {"kvm": {"url": "https://192.0.2.80/mark-systemvm.qcow2.bz2", "checksum": "sha256:" + "7" * 64}},
     "mark-systemvm"),
    ("node", EUCA_NODE, "node_euca_packages", ["eucalyptus-mark"], "eucalyptus-mark", EUCA_REPOSITORY),
    ("node", EUCA_NODE, "node_kvm_packages", ["qemu-mark"], "qemu-mark"),
    ("node", EUCA_NODE, "node_remove_libvirt_default_network", False, None),
    ("node", KVM, "node_cloudstack_address", "192.168.42.77", "192.168.42.77"),
    ("node", KVM, "node_cloudstack_packages", ["cloudstack-mark"], "cloudstack-mark"),
    ("node", KVM, "node_cloudstack_libvirtd_settings", {"max_clients": "77"}, "max_clients"),
    ("node", KVM, "node_cloudstack_vnc_listen", "192.0.2.77", "192.0.2.77"),
    ("node", KVM, "node_cloudstack_bridge_type", "openvswitch", "openvswitch"),
    ("node", KVM, "node_cloudstack_agent_properties", "/etc/cloudstack/agent/mark.properties", "mark.properties"),
    ("node", KVM, "node_cloudstack_disable_apparmor_libvirt", True, None),
]
# Modules that only lead up to the apply calls: the plan of a role used on its own, the gate.
NOT_APPLYING = {"privatecloud.iaas.host_plan", "ansible.builtin.meta"}


def case_id(case):
    return case[2]


def unpacked(case):
    """role, inventory, host, option, value, expected, context."""
    role, (inventory, host), option, value, expected = case[:5]
    return role, inventory, host, option, value, expected, (case[5] if len(case) > 5 else {})


@pytest.fixture(scope="module")
def rendered():
    """The role's tasks as rendered for each case, with the option (key [role, inventory, host,
    option, option]) and without it (the last null)."""
    requests = {}
    for case in CASES:
        role, inventory, host, option, value, _expected, context = unpacked(case)
        for key, extra in ((None, context), (option, dict(context, **{option: value}))):
            requests[json.dumps([role, inventory, host, option, key])] = {
                "inventory": inventory, "host": host, "role": role, "extra": extra}
    result = subprocess.run([sys.executable, os.path.join(HERE, "role_arguments.py")],
                            input=json.dumps(list(requests.values())), capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return dict(zip(requests, json.loads(result.stdout)))


def applied(found):
    """The arguments of the role's module calls, as one JSON text per call."""
    return [json.dumps([task["args"], task["loop"]], sort_keys=True) for task in found["tasks"]
            if task["module"] not in NOT_APPLYING]


def test_every_option_of_every_role_has_a_case():
    covered = {(case[0], case[2]) for case in CASES}
    assert sorted(set((role, option) for role, options in ROLE_OPTIONS.items() for option in options) - covered) == []


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_the_option_reaches_the_role_s_module_arguments(rendered, case):
    role, inventory, host, option, value, expected, _context = unpacked(case)
    without = rendered[json.dumps([role, inventory, host, option, None])]
    found = rendered[json.dumps([role, inventory, host, option, option])]
    assert without["problems"] == [], "the example inventory itself is broken"
    assert found["problems"] == [], "the case's value is refused by the plan"
    before, after = applied(without), applied(found)
    if expected is None:
        assert before != after, "%s changes none of the arguments %s hands its modules" % (option, role)
    else:
        assert not any(expected in call for call in before), "%r is there without %s" % (expected, option)
        assert any(expected in call for call in after), "%s=%r does not reach the arguments of %s's modules" % (
            option, value, role)


def expressions(value, key=None):
    """The Jinja expressions of a task file's or vars file's data: what is inside {{ }}, and the
    conditions, which are expressions whole. Comments and plain words (a message naming a
    variable) are not."""
    if isinstance(value, dict):
        return [found for name, item in value.items() for found in expressions(item, name)]
    if isinstance(value, list):
        return [found for item in value for found in expressions(item, key)]
    if isinstance(value, str):
        return [value] if key in CONDITIONS else re.findall(r"{{(.*?)}}", value, re.S)
    return []


CONDITIONS = {"when", "changed_when", "failed_when", "until"}


@pytest.mark.parametrize("role", sorted(ROLE_OPTIONS))
def test_a_role_reads_its_options_only_through_its_part(role):
    """No expression in the role's tasks or vars names one of its options: the plan reads them, once.
    The passwords, which never enter a plan, are the exception."""
    secrets = {"db_root_password", "db_replication_password"}
    named = set()
    for directory in ("tasks", "vars"):
        for root, _dirs, files in os.walk(os.path.join(ROLES, role, directory)):
            for name in files:
                with open(os.path.join(root, name)) as stream:
                    found = expressions(yaml.safe_load(stream))
                named.update(option for option in ROLE_OPTIONS[role] for text in found
                             if re.search(r"\b%s\b" % option, text))
    assert sorted(named - secrets) == []
