# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each host of the inventory becomes, decided once, from every host's variables.

A host's plan says which parts of the cloud it runs and everything the roles apply there: its
bridges and VLAN devices, its DHCP server, the keys of its eucalyptus.conf, the port sets and
baseline of its firewall, the checks preflight runs on it, and the CloudStack facts that depend
on other hosts (the database primary, the first management server). The roles read the plan;
no role decides any of it again.

Building the plans is validating the inventory: ``plan_inventory`` records every broken rule in
``problems`` and returns the plans of the hosts it could plan. Everything here is plain data in,
plain data out (JSON-able), so the plans are tested without Ansible.
"""

from __future__ import annotations

import ipaddress
import itertools

from ansible_collections.privatecloud.iaas.plugins.module_utils import (
    cloudstack,
    cloudstack_install,
    components,
    database,
    dataplane,
    dhcpd,
    eucalyptus,
    firewall,
    netconf,
    network,
    nfs,
    ntp,
    releases,
    role_records,
)
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems
from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import (
    AddressError,
    AddressErrors,
    ipv4_address,
)

PLATFORMS = ("eucalyptus", "cloudstack")
# The platform of a host that names none, by its groups, first match.
DEFAULT_PLATFORMS = (("frontend", "eucalyptus"), ("nodes", "eucalyptus"), ("db", "cloudstack"), ("nfs", "cloudstack"))
# Inventory groups -> the component each makes of a host, in the order a host is built.
COMPONENTS = (("db", "db"), ("nfs", "nfs"), ("frontend", "frontend"), ("nodes", "node"), ("dhcpd", "dhcpd"))

# Eucalyptus: the modes whose VMs attach to VNET_BRIDGE (in MANAGED the NC makes eucabr<vlan>
# bridges itself over <privinterface>.<vlan> devices, which need the kernel's 802.1Q support).
BRIDGED_MODES = ("SYSTEM", "STATIC", "MANAGED-NOVLAN")
VLAN_MODES = ("MANAGED",)
# A MANAGED group's bridge as the CC makes it (vnetwork.c: STP on, forward delay 2, hello 2),
# unless vnet_group_bridge says otherwise.
GROUP_BRIDGE = {"stp": True, "forward_delay": 2, "hello_time": 2}
# Modes whose CC owns the front-end's netfilter tables (flushes them at start, reloads the preload).
ROUTING_MODES = ("MANAGED", "MANAGED-NOVLAN")
# The node's VM bridge where bridge_interfaces does not declare it: the documents' br0 over eth0,
# address by DHCP. Declare it to give it a static address or another port.
DEFAULT_VM_BRIDGE = {"ports": ["eth0"], "method": "dhcp", "forward_delay": 1, "hello_time": 2}
EUCA_DEFAULTS = {"euca_home": "/", "euca_user": "eucalyptus", "euca_hypervisor": "kvm",
                 "euca_conf_file": "/etc/eucalyptus/eucalyptus.conf"}
PRELOAD = "etc/eucalyptus/iptables-preload"
DB_PROPERTIES = "/etc/cloudstack/management/db.properties"
DOMAIN = "cloud.internal"
# The parts of the plan a role applies, and the role (whose record keeps what it was applied from).
ROLE_PARTS = (("vlan", "vlan"), ("bridge", "bridge"), ("firewall", "iptables"), ("dhcpd", "dhcpd"), ("ntp", "ntp"),
              ("nfs", "nfs"), ("db", "db"), ("frontend", "frontend"), ("node", "node"))
# Each role's options, as the plan reads them, with their defaults (None: decided per host).
ROLE_OPTIONS = {"vlan": network.VLAN_OPTIONS, "bridge": network.BRIDGE_OPTIONS, "iptables": firewall.OPTIONS,
                "dhcpd": dhcpd.OPTIONS, "ntp": ntp.OPTIONS, "nfs": nfs.OPTIONS, "db": database.OPTIONS,
                "frontend": components.FRONTEND_OPTIONS, "node": components.NODE_OPTIONS}
# The tag of the documents' VLAN-clean test (they use 10); preflight_vlan_id in the inventory.
PREFLIGHT_VLAN_ID = 10


class Inventory:
    """The inventory as the plans read it: the groups, and each host's variables read once.

    ``read`` is called with a host name and returns that host's variables (a dict); only what the
    plans need is asked for, so a large inventory is not templated as a whole for each host.
    ``facts``, when given, returns a host's facts (a dict, empty when none were read); ``records``
    what role_records_info read on the host at the start of the run (None when it was not read).
    """

    def __init__(self, groups, read, facts=None, records=None):
        self.groups = {name: list(hosts or []) for name, hosts in (groups or {}).items()}
        self._read = read
        self._facts = facts or (lambda host: {})
        self._records = records or (lambda host: None)
        self._variables = {}

    def hosts(self):
        return list(self.groups.get("all", []))

    def group(self, name):
        return list(self.groups.get(name, []))

    def groups_of(self, host):
        return [group for group, _component in COMPONENTS if host in self.groups.get(group, ())]

    def variables(self, host):
        if host not in self._variables:
            self._variables[host] = dict(self._read(host) or {})
        return self._variables[host]

    def facts(self, host):
        """The host's facts as playbooks/validate.yml read them (empty when none were)."""
        return self._facts(host) or {}

    def kept(self, host, role):
        """What ``role`` kept on ``host`` with its record at its last full application ({} when none)."""
        records = self._records(host)
        record = ((records or {}).get("roles") or {}).get(role) if isinstance(records, dict) else None
        return (record or {}).get("kept") or {} if isinstance(record, dict) else {}

    def release(self, host):
        """(distribution, major version) of the host, or None when its facts do not say."""
        return releases.release_of(self.facts(host))

    def platform(self, host):
        """iaas_platform, else that of the host's groups: a front-end or node is a Eucalyptus one, a
        database or storage server a CloudStack one (only CloudStack has them); else none."""
        platform = self.variables(host).get("iaas_platform")
        if platform is None:
            groups = self.groups_of(host)
            for group, default in DEFAULT_PLATFORMS:
                if group in groups:
                    return default
        return platform

    def members(self, group, platform):
        return [host for host in self.group(group) if self.platform(host) == platform]


# What Ansible's bool filter reads as true or false.
BOOLEANS = ("true", "false", "yes", "no", "on", "off", "1", "0")


def _set(value):
    return value not in (None, "")


class _Context:
    """What one host's plan is built from: its variables, groups and the problems found, each
    also kept under the part of the plan being decided when it was found (``by_part``)."""

    def __init__(self, host, inventory, problems):
        self.host, self.inventory, self.problems = host, inventory, problems
        self.variables = inventory.variables(host)
        self.groups = inventory.groups_of(host)
        self.part = "host"
        self.by_part = {}

    def get(self, name, default=None):
        value = self.variables.get(name)
        return default if value is None else value

    def options(self, defaults, decided=None):
        """A role's options as this host has them: each one set, else what the plan decided for
        this host (``decided``), else the role's default. The one place the plan reads them."""
        decided = decided or {}
        return {name: self.get(name, decided.get(name, default)) for name, default in defaults.items()}

    def add(self, variable, value, rule):
        self.problems.add(self.host, variable, value, rule)
        self.by_part.setdefault(self.part, Problems()).add(self.host, variable, value, rule)

    def deciding(self, part):
        """Records the problems found from now on under ``part``; returns the part decided before."""
        before, self.part = self.part, part
        return before


# What each part of the plan is decided from, besides itself: a role used on its own fails on the
# problems of these parts only (the Eucalyptus keys of a front-end do not stop its firewall).
PART_NEEDS = {
    "vlan": ("host", "dataplane", "interfaces"),
    "bridge": ("host", "dataplane", "interfaces"),
    "firewall": ("host", "dataplane", "interfaces"),
    "dhcpd": ("host", "dataplane", "interfaces"),
    "ntp": ("host",),
    "nfs": ("host",),
    "db": ("host",),
    "frontend": ("host", "eucalyptus", "dataplane", "interfaces", "cloudstack"),
    "node": ("host", "eucalyptus", "dataplane", "interfaces", "cloudstack"),
}


def part_problems(found, part):
    """The problems of ``part`` and of what it is decided from, as lines (``found``: plan_host's)."""
    return [line for name in (part,) + PART_NEEDS.get(part, ("host",))
            for line in (found.get(name) or Problems()).lines()]


def plan_host(host, inventory, problems, code="", found=None):
    """The plan of one host. Problems of this host are recorded; the plan is returned regardless,
    with what could be decided (the roles never see a plan whose inventory had problems).

    code: the digest of the collection's code, part of each role's record (a new version of the
    collection runs every role in full). found: a dict that gets the host's problems by part
    ({part: Problems}), for part_problems()."""
    context = _Context(host, inventory, problems)
    if found is not None:
        context.by_part = found
    full_run = context.get("iaas_full_run")
    if full_run is not None and str(full_run).lower() not in BOOLEANS:
        context.add("iaas_full_run", full_run, "is not a boolean (true or false): true makes every role run in full, "
                    "whatever the records on the hosts say")
    platform = inventory.platform(host)
    if platform is not None and platform not in PLATFORMS:
        context.add("iaas_platform", platform, "is not one of %s" % ", ".join(PLATFORMS))
        platform = None
    components = [component for group, component in COMPONENTS if group in context.groups]
    plan = {"platform": platform, "components": components}
    context.deciding("eucalyptus")
    plan["eucalyptus"] = _eucalyptus(context) if platform == "eucalyptus" else None
    context.deciding("cloudstack")
    plan["cloudstack"] = _cloudstack(context) if platform == "cloudstack" else None
    context.deciding("interfaces")
    plan["interfaces"] = _interfaces(context, plan)
    if plan["eucalyptus"] and plan["eucalyptus"]["dataplane"]:
        plan["eucalyptus"]["dataplane"]["addresses"] = _dataplane_addresses(context, plan)
    _hold_dataplane_networks(context, plan)
    plan["vlan"], plan["bridge"] = _network_parts(context, plan)
    context.deciding("ntp")
    plan["ntp"] = _ntp(context)
    context.deciding("nfs")
    plan["nfs"] = _nfs(context)
    context.deciding("db")
    plan["db"] = _db(context)
    context.deciding("frontend")
    plan["frontend"] = _frontend(context, plan) if "frontend" in context.groups else None
    context.deciding("node")
    plan["node"] = _node(context, plan) if "nodes" in context.groups else None
    context.deciding("dhcpd")
    plan["dhcpd"] = _dhcpd(context, plan)
    context.deciding("firewall")
    plan["firewall"] = _firewall(context, plan)
    context.deciding("preflight")
    plan["preflight"] = _preflight(context, plan)
    plan["vlan_clean"] = _vlan_clean(context, plan) if "vlan_clean" in plan["preflight"] else []
    plan["diagnostics"] = _diagnostics(context, plan)
    # What each role's record keeps: the digest of its part and the code, and what the part owns.
    for part, role in ROLE_PARTS:
        if plan[part] is not None:
            plan[part]["record"] = role_records.part_record(role, plan[part], code)
    return plan


def plan_inventory(inventory, problems, warnings=None):
    """Every host's plan, {host: plan}; every broken rule of the inventory recorded in ``problems``
    (and what is allowed but unwise in ``warnings``): the inventory's validation."""
    warnings = [] if warnings is None else warnings
    plans = {}
    eucalyptus_hosts, cloudstack_hosts = {}, {}
    for host in inventory.hosts():
        plan = plans[host] = plan_host(host, inventory, problems)
        if plan["eucalyptus"]:
            warnings.extend("%s: %s" % (host, warning) for warning in plan["eucalyptus"]["dataplane_warnings"])
        variables = inventory.variables(host)
        entry = {"groups": inventory.groups_of(host), "vars": variables}
        uses_vnet = any(name.startswith("vnet_") for name in variables)
        if plan["platform"] == "eucalyptus" or (plan["platform"] is None and uses_vnet):
            eucalyptus_hosts[host] = entry
        if plan["platform"] == "cloudstack":
            cloudstack_hosts[host] = entry
    eucalyptus.check_hosts(eucalyptus_hosts, problems)
    cloudstack.check_hosts(cloudstack_hosts, problems, warnings)
    cloudstack_install.check_databases(cloudstack_hosts, problems)
    zones = zones_of(inventory)
    if zones is not None:
        cloudstack.check_zones(zones, problems)
    return plans


# --- Eucalyptus ---------------------------------------------------------------------------------

def _eucalyptus(context):
    roles = [role for role in ("frontend", "nodes") if role in context.groups]
    mode = context.get("vnet_mode")
    euca = {key: context.get(key, default) for key, default in EUCA_DEFAULTS.items()}
    home = euca["euca_home"].rstrip("/")
    plan = {
        "mode": mode,
        "cc": "frontend" in roles,
        "nc": "nodes" in roles,
        "conf_file": euca["euca_conf_file"],
        "cc_init": home + "/etc/init.d/eucalyptus-cc",
        "nc_init": home + "/etc/init.d/eucalyptus-nc",
        "hypervisor": euca["euca_hypervisor"],
        # The node's bridge its VMs attach to: what the NC refuses to start without (vnetInit).
        "vm_bridge": context.get("vnet_bridge") if "nodes" in roles and mode in BRIDGED_MODES else None,
        "vtun": False,
        "settings": {},
        "owned": [],
        "actions": [],
        "dataplane": None,
        "dataplane_warnings": [],
    }
    if not roles or mode is None:
        return plan
    base = {"EUCALYPTUS": euca["euca_home"], "EUCA_USER": euca["euca_user"]}
    if plan["nc"]:
        base["HYPERVISOR"] = euca["euca_hypervisor"]
    extra = context.get("euca_conf_settings", {})
    if not isinstance(extra, dict):
        context.add("euca_conf_settings", extra, "is not a mapping of eucalyptus.conf keys to values")
        extra = {}
    cluster = _cluster_keys(context, mode) if plan["cc"] else {}
    try:
        settings = eucalyptus.conf_settings(context.variables, roles, defaults=cluster)
    except AddressErrors as errors:
        for error in errors.errors:
            context.add(error.variable, error.value, error.rule)
        settings = {}
    except AddressError as error:
        context.add(error.variable, error.value, error.rule)
        settings = {}
    settings.update(base)
    settings.update((str(key), value) for key, value in extra.items())
    plan["settings"] = settings
    plan["owned"] = sorted(set(base) | set(str(key) for key in extra))
    plan["actions"] = _eucalyptus_actions(plan)
    if plan["cc"]:
        # The security groups, instances and elastic IPs the front-end realises itself.
        found, found_problems, plan["dataplane_warnings"] = dataplane.plan(
            context.variables, context.inventory.group("nodes"), _served(context.inventory, context.host),
            _clustered(context.inventory, context.host))
        before = context.deciding("dataplane")
        for variable, value, rule in found_problems:
            context.add(variable, value, rule)
        context.deciding(before)
        plan["dataplane"] = found
    clusters = _clusters(context.inventory)
    if plan["nc"] and len(clusters) > 1 and context.get("euca_cluster") not in (None, *clusters):
        context.add("euca_cluster", context.get("euca_cluster"), "is not a front-end of this inventory (%s): it names "
                    "the cluster whose CC the node belongs to" % ", ".join(clusters))
    # vtun is the CC's tool: where the collection runs the data plane, no CC tunnels.
    plan["vtun"] = bool(plan["cc"] and mode in ROUTING_MODES and len(clusters) > 1
                        and context.get("vnet_localip") != "0.0.0.0" and context.get("vnet_dataplane") != "ansible")
    if plan["dataplane"] and plan["dataplane"]["tunnels"]:
        # Each end of a tunnel is a front-end's IPv4 address (vnet_localip, else ansible_host).
        for frontend in clusters:
            if not _is_ipv4(context.inventory.variables(frontend).get("vnet_localip") or
                            _address(context.inventory, frontend)):
                context.add("vnet_localip", "(not set on %s)" % frontend,
                            "is where the tunnels that join the security groups across clusters end, and %s has "
                            "no IPv4 address in the inventory (vnet_localip or ansible_host): set one"
                            % frontend)
    release = context.inventory.release(context.host)
    if plan["vtun"] and releases.has(release, "vtun") is False:
        context.add("vnet_localip", context.get("vnet_localip", "(not set)"),
                    "leaves tunnelling on, and the CC of a %s cloud with several clusters tunnels to the "
                    "others with vtun, which %s does not have: run the front-ends on a release that has "
                    "it, or set vnet_localip: 0.0.0.0 to turn tunnelling off" % (mode, releases.name(release)))
    return plan


def _eucalyptus_actions(plan):
    """What the host's components need when eucalyptus.conf changes (service_files' actions).

    Eucalyptus Network Configuration (1.6): a new VNET_MODE needs the CC's cleanrestart, another
    networking key a restart; the NC reads every key it has when it starts.
    """
    conf = [plan["conf_file"]]
    actions = []
    if plan["cc"]:
        actions.append({"name": "clean-restart the CC", "command": [plan["cc_init"], "cleanrestart"], "files": conf,
                        "keys": ["VNET_MODE"], "supersedes": ["restart the CC"]})
        actions.append({"name": "restart the CC", "command": [plan["cc_init"], "restart"], "files": conf,
                        "keys": ["VNET_*"]})
    if plan["nc"]:
        others = set(plan["settings"]) | set(plan["owned"])
        actions.append({"name": "restart the NC", "command": [plan["nc_init"], "restart"], "files": conf,
                        "keys": ["VNET_*"] + sorted(key for key in others if not key.startswith("VNET_"))})
    return actions


def _clusters(inventory):
    """The Eucalyptus front-ends (each a cluster's CC) of the inventory; the first runs the CLC."""
    return [host for host in inventory.members("frontend", "eucalyptus")
            if inventory.variables(host).get("vnet_mode") is not None]


def _served(inventory, frontend):
    """{instance: private address} the front-end's DHCP server serves now, as the dhcpd role kept it
    with its record: each instance keeps its address while others come and go."""
    return inventory.kept(frontend, "dhcpd").get("addresses") or {}


def _clustered(inventory, frontend):
    """What a front-end's data plane knows of the other clusters (dataplane.plan's ``clusters``):
    None for a cloud of one; else its CC's index, every CC's tunnel address (vnet_localip, else
    ansible_host), the index of each node's CC (euca_cluster) and whether the groups span clusters
    (tunnelling is on unless vnet_localip is 0.0.0.0)."""
    clusters = _clusters(inventory)
    if len(clusters) < 2 or frontend not in clusters:
        return None
    nodes = {}
    for node in inventory.group("nodes"):
        named = inventory.variables(node).get("euca_cluster")
        if named in clusters:
            nodes[node] = clusters.index(named)
    local = inventory.variables(frontend).get("vnet_localip")
    return {"index": clusters.index(frontend), "nodes": nodes, "tunnels": local != "0.0.0.0",
            "addresses": [inventory.variables(cc).get("vnet_localip") or _address(inventory, cc) for cc in clusters]}


def _is_ipv4(value):
    try:
        eucalyptus.ipv4_address(value)
    except (AddressError, TypeError, ValueError):
        return False
    return True


def _address(inventory, host, facts_first=False, name=True):
    """Where a host is reached: ansible_host, else its name (with ``name``; else ""). With
    ``facts_first``, the address of its default route's interface comes first when its facts were
    read: the one its peers on the LAN reach it at, where ansible_host names a container or a jump."""
    found = ((inventory.facts(host).get("default_ipv4") or {}).get("address")) if facts_first else None
    return found or inventory.variables(host).get("ansible_host") or (host if name else "")


def _frontend(context, plan):
    """The frontend part (components.frontend_part): a Eucalyptus CLC and CC, or a CloudStack
    management server, with the role's options (frontend_*) as the host has them, else the first
    zone's first secondary storage and the hypervisors of the zones' clusters."""
    zones = [zone for zone in zones_of(context.inventory) or () if isinstance(zone, dict)]
    storage = [entry for entry in (zones[0].get("secondary_storage") or ()) if isinstance(entry, dict)] if zones else []
    hypervisors = [str(cluster.get("hypervisor")).lower() for zone in zones for pod in zone.get("pods") or ()
                   if isinstance(pod, dict) for cluster in pod.get("clusters") or ()
                   if isinstance(cluster, dict) and cluster.get("hypervisor")]
    settings = context.options(components.FRONTEND_OPTIONS, {
        "frontend_cloudstack_secondary_storage": storage[0] if storage else {},
        "frontend_cloudstack_systemvm_hypervisors": list(dict.fromkeys(hypervisors)),
    })
    return components.frontend_part(plan, settings, context.variables, context.inventory.facts(context.host),
                                    context.add)


def _node(context, plan):
    """The node part (components.node_part): a Eucalyptus NC, or a CloudStack KVM host, with the
    role's options (node_*) as the host has them, else its default IPv4 address mapped to its name
    and libvirt's AppArmor profiles disabled on Ubuntu as the guide does."""
    facts = context.inventory.facts(context.host)
    settings = context.options(components.NODE_OPTIONS, {
        "node_cloudstack_address": _address(context.inventory, context.host, facts_first=True, name=False),
        "node_cloudstack_disable_apparmor_libvirt": facts.get("distribution") == "Ubuntu",
    })
    return components.node_part(plan, settings, context.variables, facts, context.add)


def _cluster_keys(context, mode):
    """Several clusters: each CC is told its own address (VNET_LOCALIP) and every other CC where the
    CLC is (VNET_CLOUDIP), unless the inventory says otherwise; an address only where it is IPv4."""
    clusters = _clusters(context.inventory)
    if len(clusters) < 2 or mode not in ROUTING_MODES:
        return {}
    keys = {}
    own, clc = _address(context.inventory, context.host), _address(context.inventory, clusters[0])
    if _is_ipv4(own):
        keys["vnet_localip"] = own
    if context.host != clusters[0] and _is_ipv4(clc):
        keys["vnet_cloudip"] = clc
    return keys


# --- CloudStack ---------------------------------------------------------------------------------

def _cloudstack(context):
    inventory = context.inventory
    management = inventory.members("frontend", "cloudstack")
    databases = inventory.group("db")
    entries = {host: {"groups": inventory.groups_of(host), "vars": inventory.variables(host)}
               for host in databases + [host for host in management if host not in databases]}
    primary = cloudstack_install.database_roles(entries)[0] if databases else None
    if context.host in databases:
        _check_database_releases(context, databases)
    fqdn = context.get("cloudstack_fqdn") or (
        context.host if "." in context.host else "%s.%s" % (context.host, context.get("cloudstack_domain", DOMAIN)))
    management_ip = context.get("cloudstack_mgmt_ip") or _address(inventory, context.host, facts_first=True, name=False)
    return {
        # The database the management servers deploy to: the primary, else a local one, and its socket.
        "db_primary": primary or context.host,
        "db_socket": inventory.variables(primary or context.host).get("db_socket") or database.OPTIONS["db_socket"],
        "db_local": (primary or context.host) == context.host,
        # The first management server deploys the schema; the others only configure their client.
        "first_management_server": bool(management) and management[0] == context.host,
        "kvm_colocated": "frontend" in context.groups and "nodes" in context.groups,
        # The name `hostname --fqdn` must answer on management servers and KVM hosts alike (guide
        # sections 4.5.2 and 8.1.3): cloudstack_fqdn, else the inventory name completed with
        # cloudstack_domain when it has no dot.
        "fqdn": fqdn,
        "manage_etc_hosts": context.get("cloudstack_manage_etc_hosts", True),
        # On a management server, the address it is reached on (-i of cloudstack-setup-databases, /etc/hosts).
        "host_name": {"fqdn": fqdn, "address": management_ip,
                      "manage_etc_hosts": context.get("cloudstack_manage_etc_hosts", True)},
        # cloudstack-setup-databases (guide section 4.5.4.1): the database host (localhost on the
        # primary, else its address), the encryption type, the region; the passwords and keys are
        # the frontend role's to hand over.
        "database": {
            "host": context.get("cloudstack_db_host") or ("localhost" if (primary or context.host) == context.host
                                                          else _address(inventory, primary, facts_first=True)),
            "primary": primary or context.host,
            "socket": inventory.variables(primary or context.host).get("db_socket") or database.OPTIONS["db_socket"],
            "first": bool(management) and management[0] == context.host,
            "properties": context.get("cloudstack_db_properties", DB_PROPERTIES),
            "management_ip": management_ip,
            "encryption_type": context.get("cloudstack_encryption_type", "file"),
            "region_id": context.get("cloudstack_region_id", 1),
        },
        "traffic_labels": _traffic_labels(inventory) if "nodes" in context.groups else [],
        # The management server's database client settings (the guide's /etc/cloud/management is
        # the 3.x path): the frontend role and playbooks/db-failover.yml both write it.
        "db_properties": context.get("cloudstack_db_properties", DB_PROPERTIES),
    }


def _check_database_releases(context, databases):
    """Replicated database servers run one MariaDB: a replica of an older one cannot apply what a
    newer primary writes (MariaDB 11.8's default collation is unknown to 10.11)."""
    found = {host: context.inventory.release(host) for host in databases}
    versions = {releases.has(release, "mariadb") for release in found.values() if release}
    versions.discard(None)
    if len(versions) > 1:
        context.add("groups.db", {host: releases.name(release) for host, release in sorted(found.items()) if release},
                    "mixes releases: the database servers replicate one another, and MariaDB %s cannot "
                    "replicate from or to MariaDB %s" % tuple(sorted(versions)))


def zones_of(inventory):
    """cloudstack_zones, as the first management server holds it (it describes the whole cloud)."""
    management = inventory.members("frontend", "cloudstack")
    return inventory.variables(management[0]).get("cloudstack_zones") if management else None


def _traffic_labels(inventory):
    labels = []
    for zone in zones_of(inventory) or ():
        for network in (zone or {}).get("physical_networks") or () if isinstance(zone, dict) else ():
            for traffic in (network or {}).get("traffic_types") or () if isinstance(network, dict) else ():
                label = traffic.get("label") if isinstance(traffic, dict) else None
                if label and label not in labels:
                    labels.append(label)
    return labels


# --- Interfaces, DHCP, firewall, preflight --------------------------------------------------------

def _interfaces(context, plan):
    bridges = context.get("bridge_interfaces", [])
    vlans = context.get("vlan_interfaces", [])
    bridges = list(bridges) if isinstance(bridges, list) else []
    vlans = list(vlans) if isinstance(vlans, list) else []
    declared = [bridge.get("name") for bridge in bridges if isinstance(bridge, dict)]
    euca = plan["eucalyptus"] or {}
    if euca.get("vm_bridge") and euca["vm_bridge"] not in declared:
        bridges.append(dict(DEFAULT_VM_BRIDGE, name=euca["vm_bridge"]))
    declared_vlans = [item.get("name") or "%s.%s" % (item.get("parent"), item.get("id"))
                      for item in vlans if isinstance(item, dict)]
    tunnels = ((euca.get("dataplane") or {}).get("tunnels") or []) if euca.get("cc") else []
    for vlan, bridge, group in _group_devices(context, plan):
        if bridge["name"] in declared or vlan["name"] in declared_vlans:
            rule = "is also a device of the data plane's group %s (tag %d): the collection makes %s and %s for it" % (
                group["name"], vlan["id"], vlan["name"], bridge["name"])
            context.add("bridge_interfaces", bridge["name"], rule)
            continue
        vlans.append(vlan)
        bridges.append(bridge)
    # MANAGED-NOVLAN's tunnel joins the private network's bridge (MANAGED's join the groups' bridges).
    for tunnel in [tunnel for tunnel in tunnels if tunnel["bridge"] is None]:
        private = context.get("vnet_privinterface")
        carrier = private if private in declared else _carrier(private, bridges)
        index = next((index for index, bridge in enumerate(bridges) if bridge.get("name") == carrier), None)
        if index is None:
            context.add("vnet_privinterface", private, "is neither a bridge nor a bridge's port: a front-end of "
                        "several clusters in MANAGED-NOVLAN joins its private network to the other clusters' "
                        "through a VXLAN device (%s), a port of the private network's bridge; declare that bridge "
                        "in bridge_interfaces with %s as its port" % (tunnel["name"], private))
            continue
        bridges[index] = dict(bridges[index], ports=list(bridges[index].get("ports") or []) + [tunnel["name"]])
    cloud = plan["cloudstack"] or {}
    missing = [label for label in cloud.get("traffic_labels", []) if label not in declared]
    if missing:
        context.add("bridge_interfaces", declared, "lacks %s: every traffic label of cloudstack_zones is a bridge "
                    "of every KVM host" % ", ".join(missing))
    return {
        "bridges": bridges,
        "vlans": vlans,
        "vxlans": [{key: tunnel[key] for key in ("name", "id", "local", "peers")} for tunnel in tunnels],
        "vlan_8021q": bool(vlans) or (euca.get("nc", False) and euca.get("mode") in VLAN_MODES),
    }


def _network_parts(context, plan):
    """The vlan and bridge parts (network.parts): every device of the host in one ordered list, with
    the roles' options (vlan_*, bridge_*) as the host has them; 802.1Q support where there are VLAN
    devices or a MANAGED node's NC makes them."""
    interfaces = plan["interfaces"]
    tunnels = context.get("vlan_tunnels", [])
    tunnels = list(tunnels) if isinstance(tunnels, list) else []
    vxlans = tunnels + interfaces["vxlans"]
    # The inventory's own declarations (what the plan adds to them is its own to get right).
    for variable, value, rule in netconf.check_declaration(context.get("bridge_interfaces"),
                                                           context.get("vlan_interfaces"), tunnels):
        context.add(variable, value, rule)
    return network.parts(interfaces["vlans"], vxlans, interfaces["bridges"],
                         context.options(network.VLAN_OPTIONS, {"vlan_8021q": interfaces["vlan_8021q"]}),
                         context.options(network.BRIDGE_OPTIONS), context.inventory.facts(context.host), context.add)


def _group_devices(context, plan):
    """MANAGED's layer 2 on this host: per active group it takes part in, [(vlan, bridge, group)] -
    the <vnet_privinterface>.<tag> device in the bridge eucabr<tag>, as the CC and the NC make them,
    and the group's block with the addresses and nodes of its instances. The front-end's bridges
    hold the groups' routers; a node's bridges, of the groups whose instances it runs
    (vnet_instances[*].node), hold no address (the VMs' taps join them)."""
    if getattr(context, "group_devices", None) is not None:
        return context.group_devices
    context.group_devices = devices = []
    euca = plan["eucalyptus"] or {}
    if euca.get("mode") not in VLAN_MODES or not context.get("vnet_privinterface"):
        return devices
    overrides = context.get("vnet_group_bridge") or {}
    if not isinstance(overrides, dict) or set(overrides) - set(GROUP_BRIDGE):
        context.add("vnet_group_bridge", overrides, "is not a mapping of %s" % ", ".join(sorted(GROUP_BRIDGE)))
        overrides = {}
    settings = dict(GROUP_BRIDGE, **overrides)
    planes = []  # the data planes this host takes part in: its own, or those of the front-ends
    if euca.get("cc"):
        planes = [euca.get("dataplane")]
    elif euca.get("nc"):
        # The node's own cluster's CC: with several clusters, the one euca_cluster names.
        clusters = _clusters(context.inventory)
        own = clusters if len(clusters) < 2 else [name for name in clusters if name == context.get("euca_cluster")]
        for frontend in own:
            variables = context.inventory.variables(frontend)
            if variables.get("vnet_dataplane") == "ansible" and variables.get("vnet_instances"):
                planes.append(dataplane.plan(variables, context.inventory.group("nodes"),
                                             _served(context.inventory, frontend),
                                             _clustered(context.inventory, frontend))[0])
    for found, group in [(found, group) for found in planes if found for group in found["groups"]]:
        instances = [instance for instance in found["instances"] if instance["group"] == group["name"]]
        nodes = sorted({instance["node"] for instance in instances})
        if not euca.get("cc") and context.host not in nodes:
            continue
        vlan = {"parent": context.get("vnet_privinterface"), "id": group["tag"],
                "name": "%s.%d" % (context.get("vnet_privinterface"), group["tag"])}
        # With several clusters, the group's tunnel to the other CCs is its bridge's port too.
        tunnels = [tunnel["name"] for tunnel in found.get("tunnels") or () if tunnel["bridge"] == "eucabr%d" % group["tag"]]
        bridge = dict(settings, name="eucabr%d" % group["tag"], ports=[vlan["name"]] + (tunnels if euca.get("cc") else []))
        if euca.get("cc"):
            bridge["address"] = "%s/%d" % (group["gateway"], group["prefix"])
        else:
            bridge["method"] = "manual"
        block = dict(group, used=[instance["private_ip"] for instance in instances], nodes=nodes)
        devices.append((vlan, bridge, block))
    return devices


def _dataplane_subnet(context, plan):
    """(whether this host is a routing front-end whose data plane the collection owns, the CIDR of
    its vnet_subnet, None where the mode's own checks find the subnet broken)."""
    euca = plan["eucalyptus"] or {}
    if not (euca.get("cc") and euca.get("mode") in ROUTING_MODES and context.get("vnet_dataplane") == "ansible"):
        return False, None
    try:
        return True, str(eucalyptus.ipv4_subnet(context.get("vnet_subnet"), context.get("vnet_netmask")).cidr)
    except (AddressError, AddressErrors, TypeError, ValueError):
        return True, None


def _hold_dataplane_networks(context, plan):
    """A front-end's bridge that carries the data plane's addresses (the private network's routers
    in vnet_subnet, the elastic IPs of vnet_publicips) leaves those networks' addresses to the data
    plane (owned_addresses), held now or removed by it later in the run."""
    owned, subnet = _dataplane_subnet(context, plan)
    if not owned or subnet is None:
        return  # the mode's own checks name vnet_subnet and vnet_netmask
    held = {_carrier(context.get("vnet_privinterface"), plan["interfaces"]["bridges"]): [subnet]}
    try:
        pool = context.get("vnet_publicips")
        if _set(pool):
            addresses = [ipaddress.ip_address(str(address)) for address in eucalyptus.public_ips(pool)]
            held.setdefault(_carrier(context.get("vnet_pubinterface"), plan["interfaces"]["bridges"]), []).extend(
                str(network) for network in ipaddress.collapse_addresses(addresses))
    except (AddressError, AddressErrors, TypeError, ValueError):
        return  # the mode's own checks name the keys
    bridges = plan["interfaces"]["bridges"]
    for index, bridge in enumerate(bridges):
        if isinstance(bridge, dict) and held.get(bridge.get("name")):
            bridges[index] = dict(bridge, held_networks=held[bridge["name"]])


def _dataplane_addresses(context, plan):
    """The addresses the front-end's data plane holds besides its bridges': each active group's
    router on the interface that carries vnet_privinterface (MANAGED-NOVLAN; in MANAGED the
    group's bridge holds it), each elastic IP on vnet_pubinterface, announced by a gratuitous ARP
    as the CC does."""
    found = plan["eucalyptus"]["dataplane"]
    private = _carrier(context.get("vnet_privinterface"), plan["interfaces"]["bridges"])
    public = _carrier(context.get("vnet_pubinterface"), plan["interfaces"]["bridges"])
    routers = [] if plan["eucalyptus"]["mode"] in VLAN_MODES else found["routers"]
    return ([{"device": private, "address": router, "announce": False} for router in routers]
            + [{"device": public, "address": address + "/32", "announce": True}
               for address in found["public_addresses"]])


def _ntp(context):
    """The ntp part (ntp.section): the role's options (ntp_*) as the host has them, else a time
    server for the hosts of ntp_server_group (the front-end) following the upstream servers, and a
    client of those servers (at their addresses) for every other host."""
    group = context.get("ntp_server_group", ntp.OPTIONS["ntp_server_group"])
    serving = context.inventory.group(group) if isinstance(group, str) else []
    role = context.get("ntp_role", "server" if context.host in serving else "client")
    servers = (context.get("ntp_upstream_servers", ntp.OPTIONS["ntp_upstream_servers"]) if role == "server"
               else list(dict.fromkeys(_address(context.inventory, host) for host in serving)))
    settings = context.options(ntp.OPTIONS, {"ntp_role": role, "ntp_servers": servers})
    # playbooks/ntp.yml keeps the front-ends, nodes, database and storage hosts in time.
    follows = bool(set(context.groups) & {"frontend", "nodes", "db", "nfs"}) or any(
        name in context.variables for name in ntp.OPTIONS)
    return ntp.section(settings, context.inventory.facts(context.host), context.add, follows)


def _nfs(context):
    """The nfs part (nfs.section) of a storage server (group nfs, or a host given nfs_* options):
    the role's options as the host has them, else the storage networks as the exports' clients
    (iaas_storage_networks, else iaas_management_networks) and iaas_nfs_domain for NFSv4."""
    if "nfs" not in context.groups and not any(name in context.variables for name in nfs.OPTIONS):
        return None
    settings = context.options(nfs.OPTIONS, {
        "nfs_export_clients": context.get("iaas_storage_networks") or context.get("iaas_management_networks", []),
        "nfs_idmap_domain": context.get("iaas_nfs_domain", "localdomain"),
    })
    return nfs.section(settings, context.add)


def _db(context):
    """The db part (database.section) of a database server (group db, or a host given db_* options):
    the role's options as the host has them, else the primary (db_replication_primary, else the
    first of group db), the other database servers its replicas, each server's id its place in the
    group, the address beyond loopback when a management server or a replica is on another host,
    the root account for the management networks while a management server deploys from another
    host, the replication account for the database networks."""
    if "db" not in context.groups and not any(name in context.variables for name in database.OPTIONS):
        return None
    inventory = context.inventory
    databases = inventory.group("db") or [context.host]
    entries = {host: {"groups": inventory.groups_of(host), "vars": inventory.variables(host)} for host in databases}
    primary = cloudstack_install.database_roles(entries)[0] or databases[0]
    primary = context.get("db_replication_primary", primary)
    remote_management = [host for host in inventory.group("frontend") if host != context.host]
    remote_clients = remote_management + [host for host in databases if host != context.host]
    management = context.get("iaas_management_networks", [])
    settings = context.options(database.OPTIONS, {
        "db_management_servers": len(inventory.group("frontend")),
        "db_server_id": databases.index(context.host) + 1 if context.host in databases else 1,
        "db_bind_address": "0.0.0.0" if remote_clients else "127.0.0.1",
        "db_remote_root": bool(remote_management),
        "db_remote_root_networks": management,
        "db_replication_primary": primary,
        "db_replication_networks": context.get("iaas_database_networks") or management,
        "db_replication_primary_address": _address(inventory, primary, facts_first=True),
    })
    replicas = [host for host in databases if host != settings["db_replication_primary"]]
    hostname = inventory.facts(context.host).get("hostname")
    return database.section(settings, context.host, replicas, hostname, inventory.release(context.host), context.add,
                            remote_management)


def _dhcpd(context, plan):
    """The dhcpd part (dhcpd.section): the role's options (dhcpd_*) as the host has them, else its
    function from its groups and mode and the interfaces that face its clients; the security
    groups' blocks and instances of a front-end whose data plane the collection owns, the STATIC
    mode's MAC map (vnet_*), the CC's daemon."""
    found = (plan["eucalyptus"] or {}).get("dataplane")
    chosen = context.get("dhcpd_function")
    if chosen is None:
        # The data plane's own DHCP server once a group is active; until then the CC's binary, as today.
        chosen = "security_groups" if found and found["groups"] else dhcpd.function(
            context.groups, context.get("vnet_mode"), context.get("vnet_dataplane"), context.get("dhcpd_subnets"))
    elif chosen not in dhcpd.FUNCTIONS:
        context.add("dhcpd_function", chosen, "is not one of %s" % ", ".join(dhcpd.FUNCTIONS))
        chosen = "none"
    elif chosen == "security_groups" and not (found and found["groups"]):
        context.add("dhcpd_function", chosen, "serves the data plane's security groups, and this host has no "
                                              "active one (vnet_security_groups with vnet_instances, vnet_dataplane: "
                                              "ansible)")
    mode = context.get("vnet_mode")
    if chosen == "lan_pool" and "frontend" in context.groups and mode in dhcpd.CC_DHCP_MODES:
        context.add("dhcpd_function", chosen, "is a LAN pool server on a %s front-end, whose CC runs its own "
                                              "dhcpd: the two would fight for port 67" % mode)
    group_bridges = {bridge["name"]: bridge["address"] for _vlan, bridge, _group in _group_devices(context, plan)
                     if bridge.get("address")}
    interfaces = None  # a LAN pool server names its own
    private = context.get("vnet_privinterface")
    if chosen == "security_groups" and group_bridges:
        # MANAGED: each group's bridge holds its router, and dhcpd serves each there.
        interfaces = sorted(group_bridges)
    elif chosen in ("static_map", "security_groups") and private:
        # A front-end that is also a node has moved its private interface into a bridge: the
        # bridge carries the address now, so dhcpd listens there.
        interfaces = [_carrier(private, plan["interfaces"]["bridges"])]
    groups, planned = {"subnets": [], "hosts": []}, {}
    if chosen == "security_groups" and found:
        groups = found["dhcp"]
        for entry in found["addresses"]:
            if not entry["announce"]:
                planned.setdefault(entry["device"], []).append(entry["address"])
        for name, address in group_bridges.items():
            planned.setdefault(name, []).append(address)
    settings = context.options(dhcpd.OPTIONS, {"dhcpd_function": chosen, "dhcpd_interfaces": interfaces})
    vnet = {key: context.get("vnet_" + key)
            for key in ("subnet", "netmask", "broadcast", "router", "dns", "macmap", "dhcpdaemon", "dhcpuser")}
    return dhcpd.section(settings, chosen, groups, vnet, planned, context.inventory.facts(context.host), context.add)


def _carrier(interface, bridges):
    """The interface that carries ``interface``'s address: the bridge it is a port of, or itself."""
    for bridge in bridges:
        if isinstance(bridge, dict) and interface in (bridge.get("ports") or ()):
            return bridge.get("name")
    return interface


def _firewall(context, plan):
    """The firewall part (firewall.section): the role's options (iptables_*) as the host has them,
    else the port sets of the host's services, the inventory-wide networks, and on a routing
    front-end whose data plane the collection owns the baseline, its groups and elastic IPs."""
    cloudstack_host = plan["platform"] == "cloudstack"
    services = []
    if cloudstack_host and "nodes" in context.groups:
        services.append("kvm")
    if cloudstack_host and "frontend" in context.groups:
        services.append("management")
        if context.get("cloudstack_awsapi_enabled", False):
            services.append("awsapi")
    if "db" in context.groups and context.get("db_firewall", True):
        services.append("mysql")
    if "nfs" in context.groups and context.get("nfs_firewall", True):
        services.append("nfs")
    euca = plan["eucalyptus"] or {}
    routing = euca.get("cc", False) and euca.get("mode") in ROUTING_MODES
    owned, subnet = _dataplane_subnet(context, plan)
    home = (context.get("euca_home") or EUCA_DEFAULTS["euca_home"]).rstrip("/")
    # The controller keeps SSH even outside the management networks: its address as the host saw it.
    client = (context.inventory.facts(context.host).get("env") or {}).get("SSH_CLIENT", "").split()
    settings = context.options(firewall.OPTIONS, {
        "iptables_services": services,
        "iptables_management_networks": context.get("iaas_management_networks", []),
        "iptables_storage_networks": context.get("iaas_storage_networks", []),
        "iptables_database_networks": context.get("iaas_database_networks", []),
        "iptables_controller_networks": client[:1],
        # Where the collection owns the data plane; a broken subnet is named by the mode's own checks.
        "iptables_eucalyptus_baseline": ({"subnet": context.get("vnet_subnet"), "netmask": context.get("vnet_netmask")}
                                         if owned and subnet else {}),
        # Where a MANAGED CC reloads rules from after it flushes filter and nat at start.
        "iptables_eucalyptus_preload": "%s/%s" % (home, PRELOAD) if routing else "",
    })
    if not isinstance(settings["iptables_services"], list):
        context.add("iptables_services", settings["iptables_services"], "is not a list of port sets (%s)"
                    % ", ".join(sorted(firewall.SERVICES)))
        settings["iptables_services"] = []
    networks = {kind: settings["iptables_%s_networks" % kind] for kind in firewall.NETWORK_KINDS}
    dataplane_part = euca.get("dataplane") if owned and subnet else None
    return firewall.section(settings, networks, dataplane_part, context.add)


def _preflight(context, plan):
    """The checks playbooks/preflight.yml runs on this host."""
    euca = plan["eucalyptus"] or {}
    mode = euca.get("mode")
    checks = []
    if mode in VLAN_MODES and (euca.get("cc") or euca.get("nc")):
        checks.append("vlan_clean")
    if euca.get("cc") and mode in ROUTING_MODES and _set(context.get("vnet_publicips")):
        checks.append("public_ips")
    if euca.get("vm_bridge"):
        checks.append("bridge")
    if euca.get("cc") and mode in dhcpd.CC_DHCP_MODES:
        checks.append("dhcp_daemon")
    return checks


def _vlan_clean(context, plan):
    """The documents' VLAN-clean test on this host, one entry per tag: preflight_vlan_id's, and
    each tag of an active group the host takes part in (a preflight_vlan_id equal to a group's tag
    is that group's test). A tag whose device is not there yet gets the documents' test: a
    <privinterface>.<tag> device with the router address of the tag's block on the front-end and
    an instance address on each node (the n-th node in name order the n-th), pinging the other
    side. A group's tag in service (its device and bridge are there) is not disturbed: each node
    pings the group's router from a probe on the group's bridge holding ``probe``, the n-th highest
    address of the block that no instance holds."""
    inventory = context.inventory
    clusters = _clusters(inventory)
    if not clusters:
        return []
    cc = inventory.variables(clusters[0])
    keys = ("vnet_subnet", "vnet_netmask", "vnet_addrspernet")
    if any(not _set(cc.get(key)) for key in keys):
        return []  # validation names what the front-end lacks
    frontend = plan["eucalyptus"]["cc"]

    # Each cluster's test is its own: a CC and the nodes that name it (euca_cluster; a node that
    # names none is the first cluster's, as in a cloud of one).
    def cluster_of(node):
        return inventory.variables(node).get("euca_cluster") or clusters[0]

    own = context.host if frontend else cluster_of(context.host)
    nodes = sorted(node for node in inventory.members("nodes", "eucalyptus") if cluster_of(node) == own)
    index = nodes.index(context.host) if context.host in nodes else 0
    # A probe is on a group's layer 2, which a tunnel may join across clusters: one per node of all.
    every_node = sorted(inventory.members("nodes", "eucalyptus"))
    probe_index = every_node.index(context.host) if context.host in every_node else 0
    parent = context.get("vnet_privinterface")
    peers = nodes if frontend else [own]

    def test(block, peers, **in_service):
        address = block["router"] if frontend else eucalyptus.dotted(_number(block["first"]) + index)
        return dict({"id": block["tag"], "parent": parent, "device": "%s.%d" % (parent, block["tag"]),
                     "address": "%s/%d" % (address, block["prefix"]), "peers": peers,
                     "bridge": None, "router": None, "probe": None}, **in_service)

    tests = []
    for _vlan, bridge, group in _group_devices(context, plan):
        used = {_number(address) for address in group["used"]}
        highest_first = range(_number(group["last"]), _number(group["first"]) - 1, -1)
        free = list(itertools.islice((number for number in highest_first if number not in used), probe_index + 1))
        probe = (None if frontend or len(free) <= probe_index
                 else "%s/%d" % (eucalyptus.dotted(free[probe_index]), group["prefix"]))
        # A node probes its own CC's address in the block (with one cluster, the router).
        tests.append(test(group, [node for node in group["nodes"] if node in nodes] if frontend else peers,
                          bridge=bridge["name"],
                          router=group["gateway"], probe=probe))
    tag = cc.get("preflight_vlan_id", PREFLIGHT_VLAN_ID)
    if tag in [entry["id"] for entry in tests]:
        return tests
    try:
        block = eucalyptus.ManagedPlan(*(cc[key] for key in keys)).block(tag, "preflight_vlan_id")
    except AddressError as error:
        context.add(error.variable, error.value, error.rule)
        return tests
    return [test(block, peers)] + tests


def _number(address):
    return int(ipv4_address(address))


def _diagnostics(context, plan):
    """What playbooks/diagnostics.yml collects besides its common commands, per security group
    (Troubleshooting MANAGED Mode): each group's VLAN device and the ports of its bridge on every
    host that has them, and on the front-end the group's chain, each elastic IP's NAT rules
    (iptables -C: present, or the error naming it missing) and the interfaces dhcpd serves."""
    def slug(group):
        return "group-" + group.replace("/", "-")

    found = []
    for vlan, bridge, group in _group_devices(context, plan):
        found += [{"name": slug(group["name"]) + "-vlan", "command": "ip -details link show dev %s" % vlan["name"]},
                  {"name": slug(group["name"]) + "-bridge",
                   "command": "bridge -details link show master %s" % bridge["name"]}]
    euca = plan["eucalyptus"] or {}
    plane = euca.get("dataplane") if euca.get("cc") else None
    if plane:
        prefix = plan["firewall"]["prefix"]
        found += [{"name": slug(group["name"]) + "-chain",
                   "command": "iptables -S %s" % firewall.chain_name(group["name"], prefix)}
                  for group in plane["groups"]]
        for address, rules in firewall.dataplane_rules(plane, prefix)["elastic"].items():
            found += [{"name": "elastic-ip-%s-%s" % (address, chain),
                       "command": "iptables -t nat -C %s%s %s" % (prefix, chain.upper(), rule)}
                      for chain, rule in rules.items()]
    if plan["dhcpd"]["function"] == "security_groups":
        found.append({"name": "dhcpd-interfaces", "command": "ps -o args= -C dhcpd"})
    return found
