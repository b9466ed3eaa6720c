# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A host's firewall as owned chains: the documented port sets, the Eucalyptus baseline, the data
plane's groups and elastic IPs, the admin's rules - and the one place that spells them for iptables.

``section`` is the firewall part of a host's plan: the ``tables`` argument of the iptables_chains
module (every chain named with the host's prefix), the boot script's path, and the files, kernel
setting, action and unit the iptables role applies with service_files. Service ports are
restricted, not opened: each is accepted from its allowed networks and dropped from everywhere
else, so traffic the collection does not manage keeps flowing as before and nothing is ever open
to the world by default. On a front-end whose data plane the collection owns, the groups and
elastic IPs are not iptables rules: they are the nftables table of ``dataplane_table``, which the
iptables chain lets the subnet's traffic through to; the baseline and metadata stay here.
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import (
    AddressError,
    AddressErrors,
    ip_networks,
    ipv4_subnet,
)
from ansible_collections.privatecloud.iaas.plugins.module_utils import (
    dataplane_table,
    eucalyptus,
    host_context,
    host_eucalyptus,
    managed_l2,
    names,
    netconf,
)

# Port sets of the CloudStack installation guide (Apache CloudStack 4.1.0 Installation Guide,
# sections 4.5.6.2, 8.1.9, 12.6 and 12.7): service -> list of (protocol, port or range, which
# networks may reach it).
SERVICES = {
    "kvm": [("tcp", "22", "management"), ("tcp", "1798", "management"), ("tcp", "16509", "management"),
            ("tcp", "5900:6100", "management"), ("tcp", "49152:49216", "management")],
    "nfs": [("udp", "111", "storage"), ("tcp", "111", "storage"), ("tcp", "2049", "storage"),
            ("tcp", "32803", "storage"), ("udp", "32769", "storage"), ("tcp", "892", "storage"),
            ("udp", "892", "storage"), ("tcp", "875", "storage"), ("udp", "875", "storage"),
            ("tcp", "662", "storage"), ("udp", "662", "storage")],
    "mysql": [("tcp", "3306", "database")],
    # 8096 is the unauthenticated integration API: closed unless networks are given for it.
    "management": [("tcp", "8080", "management"), ("tcp", "8250", "management"), ("tcp", "9090", "management"),
                   ("tcp", "8096", "integration")],
    "awsapi": [("tcp", "7080", "management")],
}
NETWORK_KINDS = ("management", "storage", "database", "integration", "controller")
LOOPBACK = "-i lo -j ACCEPT"
ESTABLISHED = "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
BUILTIN_JUMPS = {"filter": ("INPUT", "FORWARD", "OUTPUT"), "nat": ("PREROUTING", "POSTROUTING", "OUTPUT"),
                 "mangle": ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"), "raw": ("PREROUTING", "OUTPUT")}
# iptables' longest chain name (XT_EXTENSION_MAXNAMELEN - 1).
CHAIN_LENGTH = 28
# The prefix leaves room for the longest builtin chain's name after it (IAAS-POSTROUTING) and ends
# in a separator, so that it is never the start of a longer word (IAAS would own IAASX).
PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_]{1,14}[-_]")
# Chains other programs make on the hosts the collection manages; a prefix that starts one of
# them, or that one of them starts, would remove them.
FOREIGN_PREFIXES = {
    "BF-": "CloudStack's bridge firewall on KVM hosts", "i-": "CloudStack's security groups (i-<account>-<id>-VM)",
    "r-": "CloudStack's security groups (routers)", "s-": "CloudStack's security groups (secondary storage VM)",
    "v-": "CloudStack's security groups (console proxy VM)", "DOCKER": "Docker", "KUBE-": "Kubernetes",
    "LIBVIRT_": "libvirt", "f2b-": "fail2ban", "ufw-": "ufw", "ufw6-": "ufw", "IN_": "firewalld",
    "FWD_": "firewalld", "OUT_": "firewalld", "CNI-": "CNI plugins", "cali-": "Calico", "FLANNEL-": "flannel",
    "neutron-": "Neutron", "nova-": "Nova",
}
METADATA_ADDRESS = "169.254.169.254"

# The role's options and their defaults (None: decided from the host, see section()).
OPTIONS = {
    "iptables_services": None,
    "iptables_management_networks": None,
    "iptables_storage_networks": None,
    "iptables_database_networks": None,
    "iptables_integration_networks": [],
    "iptables_controller_networks": None,
    "iptables_rules": {},
    "iptables_eucalyptus_baseline": None,
    "iptables_eucalyptus_preload": None,
    "iptables_prefix": "IAAS-",
    "iptables_persist": True,
    "iptables_rules_file": "/etc/privatecloud-iaas/iptables.rules",
    "iptables_rollback_timeout": 120,
    "iptables_confirm_timeout": 30,
}
UNIT = "privatecloud-iaas-iptables.service"
# The IPv6 script, beside the IPv4 one (iptables_rules_file).
RULES_FILE6 = "ip6tables.rules"
FORWARD_FILE = "/etc/sysctl.d/60-privatecloud-iaas-forward.conf"
FORWARD_CONF = ("# Managed by privatecloud.iaas (iptables role): this front-end routes its VMs.\n"
                "net.ipv4.ip_forward = 1\n")
UNIT_FILE = """# Managed by privatecloud.iaas (iptables role).
# Restores the chains owned by privatecloud.iaas, and only those (--noflush), before the network
# comes up, IPv4 and IPv6. Other software adds its own rules after it, untouched.{forward_comment}
[Unit]
Description=privatecloud.iaas owned iptables chains
DefaultDependencies=no
Before=network-pre.target
Wants=network-pre.target
# After Debian's nftables.service where an admin enabled it: its nftables.conf starts with
# 'flush ruleset', which would take the chains and the table restored before it.
After=local-fs.target systemd-sysctl.service nftables.service
ConditionPathExists={rules_file}

[Service]
Type=oneshot
RemainAfterExit=yes
# --wait takes an optional number of seconds: without one it would swallow the file name.
ExecStart=/usr/sbin/iptables-restore --noflush --wait 30 {rules_file}
ExecStart=/usr/sbin/ip6tables-restore --noflush --wait 30 {rules_file6}{dataplane}{forward}

[Install]
WantedBy=multi-user.target
"""
# A front-end that routes its VMs forwards only once its chains are in place: a failed restore
# stops the unit before this line, and the host does not forward.
FORWARD_COMMENT = ("\n# On this front-end it then turns IPv4 forwarding on: a failed restore stops the unit before,\n"
                   "# and the host never forwards without its FORWARD policy and the groups' table.")
# The data plane's nftables table (groups, elastic IPs), made anew from its file.
DATAPLANE_START = "\nExecStart=/usr/sbin/nft -f {path}"
# Beside the iptables scripts (iptables_rules_file).
DATAPLANE_FILE = "dataplane.nft"
# Written only when it differs: a container's /proc/sys is read-only, its forwarding set by its runtime.
FORWARD_START = ("\nExecStart=/bin/sh -c 'test \"$(cat /proc/sys/net/ipv4/ip_forward)\" = 1 || "
                 "exec /usr/sbin/sysctl -q -w net.ipv4.ip_forward=1'")
# One line of a rule or a path: nothing that would start another line of the file it lands in.
PATH = re.compile(r"/[A-Za-z0-9_.@+/-]*\Z")


def chain_name(group, prefix):
    """A security group's owned chain: <prefix><owner>-<name> (what the documents' 'iptables -L
    <user>-<group>' looks for, behind the collection's prefix), shortened with a digest where it
    would pass 28 characters."""
    owner, _slash, name = group.partition("/")
    wanted = "%s%s-%s" % (prefix, owner, name)
    if len(wanted) <= CHAIN_LENGTH:
        return wanted
    digest = hashlib.sha256(group.encode()).hexdigest()[:8]
    return "%s-%s" % (wanted[:CHAIN_LENGTH - len(digest) - 1], digest)


def metadata_rule(dataplane):
    """nat PREROUTING's redirect of the VMs' metadata requests to the metadata service, or None."""
    metadata = dataplane.get("metadata")
    if not metadata:
        return None
    return "-s %s -d %s/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination %s:%d" % (
        dataplane["subnet"], METADATA_ADDRESS, metadata["address"], metadata["port"])


def host_tables(services, networks, rules=None, baseline=None, prefix="IAAS-", dataplane=None, family=4):
    """The iptables_chains ``tables`` of one host.

    services: names of SERVICES this host runs. networks: {"management": [...], "storage": [...],
    "database": [...], "integration": [...], "controller": [...]} CIDR lists; storage falls back to
    management, database to management. rules: the admin's {table: {builtin chain: [rule, ...]}},
    put first in the owned chain of that builtin chain. baseline: the private subnet (CIDR) of a
    MANAGED / MANAGED-NOVLAN front-end whose data plane the collection owns (FORWARD policy DROP,
    established and outbound forwarding, masquerade). dataplane: that front-end's security groups,
    elastic IPs and metadata (dataplane.decide()), on top of the baseline. family: 4 (iptables) or
    6 (ip6tables: the port sets only, see _tables).

    Raises ValueError naming the variable, value and rule of every input it cannot use.
    """
    problems = []
    tables = _tables(services, networks, rules, baseline, prefix, dataplane,
                     lambda variable, value, rule: problems.append("%s: %r %s" % (variable, value, rule)), family)
    if problems:
        raise ValueError("; ".join(problems))
    return tables


def _tables(services, networks, rules, baseline, prefix, dataplane, add, family=4):
    """host_tables(), recording with ``add(variable, value, rule)`` what it leaves out. ``family``
    6: the same port sets for ip6tables, open to the IPv6 networks of each list only (none: closed
    to everyone but loopback); the admin's rules, the baseline and the data plane are IPv4's."""
    allowed = {}
    for kind in NETWORK_KINDS:
        try:
            found = ip_networks(networks.get(kind) or [], "iptables_%s_networks" % kind)
        except (AddressError, AddressErrors) as error:
            for one in getattr(error, "errors", [error]):
                add(one.variable, one.value, one.rule)
            found = []
        allowed[kind] = [network for network in found if (":" in network) == (family == 6)]
    allowed["storage"] = allowed["storage"] or allowed["management"]
    allowed["database"] = allowed["database"] or allowed["management"]

    chains = _admin_rules(rules or {}, add) if family == 4 else {}  # (table, builtin chain) -> rules

    # A host's own connections to its services (the management server to its local database,
    # virsh to libvirtd) come over loopback, which no network list names: never restrict them.
    # Nor the replies to its own connections: a port set's DROP inside the ephemeral range (NFS's
    # 32769, the KVM ports 49152-49216) would drop them.
    if services:
        input_rules = chains.setdefault(("filter", "INPUT"), [])
        for rule in (LOOPBACK, ESTABLISHED):
            if rule not in input_rules:
                input_rules.append(rule)
    for service in services:
        if service not in SERVICES:
            add("iptables_services", service, "is not one of %s" % ", ".join(sorted(SERVICES)))
            continue
        for protocol, port, kind in SERVICES[service]:
            match = "-p %s -m %s --dport %s" % (protocol, protocol, port)
            sources = allowed[kind] + (allowed["controller"] if port == "22" else [])
            chains.setdefault(("filter", "INPUT"), []).extend(
                "-s %s %s -j ACCEPT" % (network, match) for network in dict.fromkeys(sources))
            chains[("filter", "INPUT")].append("%s -j DROP" % match)

    policies = {}
    if baseline and family == 4:
        policies["filter"] = {"FORWARD": "DROP"}
        chains.setdefault(("filter", "FORWARD"), []).extend([
            "-m conntrack --ctstate ESTABLISHED -j ACCEPT",
            "! -d %s -j ACCEPT" % baseline,
        ])
        if dataplane:
            _check_chain_names(dataplane["groups"], prefix, add)
            # The tunnels between clusters carry the groups' layer 2 unencrypted: only the peer
            # front-ends may send into them.
            tunnel_rules = tunnel_input(dataplane.get("tunnels") or [])
            if tunnel_rules:
                chains.setdefault(("filter", "INPUT"), []).extend(tunnel_rules)
            # Before anything else sees them (raw, ahead of connection tracking), packets of the
            # subnet that come in where their source does not belong are dropped.
            chains.setdefault(("raw", "PREROUTING"), []).extend(source_rules(dataplane.get("sources") or [], baseline))
            # The groups and elastic IPs are the data plane's nftables table (dataplane_table), which
            # judges every packet into the subnet in one lookup: here it is let through to it.
            chains[("filter", "FORWARD")].append('-d %s -m comment --comment "judged by the nftables table ip %s" '
                                                 '-j ACCEPT' % (baseline, dataplane_table.table_name(prefix)))
            metadata = metadata_rule(dataplane)
            if metadata:
                chains.setdefault(("nat", "PREROUTING"), []).append(metadata)
        chains.setdefault(("nat", "POSTROUTING"), []).append("-s %s ! -d %s -j MASQUERADE" % (baseline, baseline))

    tables = {}
    for (table, chain), chain_rules in sorted(chains.items()):
        owned = "%s%s" % (prefix, chain)
        entry = tables.setdefault(table, {"chains": {}, "jumps": [], "policies": {}})
        entry["chains"][owned] = chain_rules
        entry["jumps"].append({"chain": chain, "target": owned, "position": 1})
    for table, table_policies in policies.items():
        tables.setdefault(table, {"chains": {}, "jumps": [], "policies": {}})["policies"].update(table_policies)
    return tables


def source_rules(sources, subnet):
    """raw PREROUTING rules that hold each source of the private subnet to the interfaces it may
    come in from (managed_l2.dataplane_sources()): an interface that carries only its block drops
    everything else (a DHCP request, from 0.0.0.0, excepted), and the subnet coming in on any
    other interface is dropped. The host's own traffic to itself (loopback) is never looked at."""
    if not sources:
        return []
    rules = ["-i lo -j RETURN"]
    for entry in sources:
        interface = entry["interface"]
        rules.append("-i %s -s %s -j RETURN" % (interface, entry["sources"]))
        if entry["only"]:
            if entry["from_peers"]:
                # A peer CC routes another cluster's instance to this block's instances here.
                rules.append("-i %s -s %s -d %s -j RETURN" % (interface, subnet, entry["sources"]))
            rules.append("-i %s -s 0.0.0.0/32 -p udp -m udp --sport 68 --dport 67 -j RETURN" % interface)
            rules.append("-i %s -j DROP" % interface)
    rules.append("-s %s -j DROP" % subnet)
    return rules


def tunnel_input(tunnels):
    """INPUT rules of a front-end's VXLAN tunnels (dataplane.decide()'s): each peer's address
    admitted to the VXLAN port, everyone else dropped there."""
    if not tunnels:
        return []
    # An address that is not IPv4 is refused by the tunnels' own check (dataplane.clustered).
    peers = sorted(set(peer for tunnel in tunnels for peer in tunnel["peers"] if host_context.is_ipv4(peer)),
                   key=host_context.number)
    match = "-p udp -m udp --dport %d" % netconf.VXLAN_PORT
    return ["-s %s/32 %s -j ACCEPT" % (peer, match) for peer in peers] + ["%s -j DROP" % match]


def _check_chain_names(groups, prefix, add):
    """Two groups whose names make one chain ('a-b/c' and 'a/b-c') would share its rules."""
    chains = {}
    for group in groups:
        chain = chain_name(group["name"], prefix)
        if chain in chains:
            add("vnet_security_groups[%s]" % group["name"], group["name"], "makes the chain %s, as %s does: rename "
                "one of them" % (chain, chains[chain]))
        chains.setdefault(chain, group["name"])


def _admin_rules(rules, add):
    """{(table, builtin chain): [rule]} of iptables_rules; what is not a builtin chain's list of
    one-line rules is recorded with ``add`` and left out."""
    chains = {}
    if not isinstance(rules, dict):
        add("iptables_rules", rules, "is not a mapping of tables to builtin chains to rules")
        return chains
    for table, by_chain in rules.items():
        if table not in BUILTIN_JUMPS or not isinstance(by_chain, dict):
            add("iptables_rules.%s" % table, by_chain, "is not a table (%s) with a mapping of its builtin chains to "
                "rules" % ", ".join(BUILTIN_JUMPS))
            continue
        for chain, chain_rules in by_chain.items():
            where = "iptables_rules.%s.%s" % (table, chain)
            if chain not in BUILTIN_JUMPS[table]:
                add("iptables_rules.%s" % table, chain, "is not a builtin chain of table %s (%s)"
                    % (table, ", ".join(BUILTIN_JUMPS[table])))
            elif not isinstance(chain_rules, list):
                add(where, chain_rules, "is not a list of rules")
            else:
                for index, rule in enumerate(chain_rules):
                    if not _one_rule(rule):
                        add("%s[%d]" % (where, index), rule, "is not one rule on one line (what follows -A <chain>)")
                chains[(table, chain)] = [rule for rule in chain_rules if _one_rule(rule)]
    return chains


def _one_rule(rule):
    return names.is_one_line(rule) and rule.strip() != ""


def _check_settings(settings, add):
    """Records what the role's options cannot be, each naming the option, its value and the rule."""
    prefix = settings["iptables_prefix"]
    if not isinstance(prefix, str) or not PREFIX.fullmatch(prefix):
        add("iptables_prefix", prefix, "is not a chain prefix: a letter, then 1-14 letters, digits or '_', ending "
                                       "in '-' or '_' (every chain that starts with it is the role's)")
    else:
        foreign = [other for other in FOREIGN_PREFIXES if other.startswith(prefix) or prefix.startswith(other)]
        if foreign:
            add("iptables_prefix", prefix, "would own chains of %s (%s...): every chain that starts with it is the "
                "role's, and it removes those it did not declare" % (FOREIGN_PREFIXES[foreign[0]], foreign[0]))
    path = settings["iptables_rules_file"]
    if not isinstance(path, str) or not PATH.match(path):
        add("iptables_rules_file", path, "is not an absolute path of letters, digits and _.@+-/")
    if not isinstance(settings["iptables_persist"], bool):
        add("iptables_persist", settings["iptables_persist"], "is not a boolean")
    timeouts = {}
    for name in ("iptables_rollback_timeout", "iptables_confirm_timeout"):
        value = settings[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            add(name, value, "is not a number of seconds (0 or more)")
        else:
            timeouts[name] = value
    if len(timeouts) == 2 and timeouts["iptables_rollback_timeout"] and \
            timeouts["iptables_confirm_timeout"] >= timeouts["iptables_rollback_timeout"]:
        add("iptables_confirm_timeout", timeouts["iptables_confirm_timeout"],
            "must be below iptables_rollback_timeout (%d): a late answer must never keep a change the host is "
            "undoing" % timeouts["iptables_rollback_timeout"])


def baseline_cidr(baseline, add):
    """The private subnet of {subnet, netmask} in CIDR form, or None (recorded) when it is not one."""
    if not baseline:
        return None
    if not isinstance(baseline, dict):
        add("iptables_eucalyptus_baseline", baseline, "is not a mapping of subnet and netmask")
        return None
    try:
        return str(ipv4_subnet(baseline.get("subnet"), baseline.get("netmask"),
                               "iptables_eucalyptus_baseline.subnet", "iptables_eucalyptus_baseline.netmask").cidr)
    except (AddressError, AddressErrors) as error:
        for one in getattr(error, "errors", [error]):
            add(one.variable, one.value, one.rule)
        return None


def section(settings, networks, dataplane, add):
    """The firewall part of a host's plan, from the role's options as the plan read them
    (``settings``: OPTIONS with every None decided), the networks of each kind and the front-end's
    data plane (None for none). ``add(variable, value, rule)`` records what is wrong."""
    _check_settings(settings, add)
    subnet = baseline_cidr(settings["iptables_eucalyptus_baseline"], add)
    prefix = settings["iptables_prefix"]
    tables = _tables(settings["iptables_services"], networks, settings["iptables_rules"], subnet, prefix,
                     dataplane if subnet else None, add)
    persist = settings["iptables_persist"] is True
    preload = settings["iptables_eucalyptus_preload"] or ""
    tables6 = _tables(settings["iptables_services"], networks, None, None, prefix, None, add, family=6)
    rules_file = settings["iptables_rules_file"]
    rules_file6 = posixpath.join(posixpath.dirname(rules_file), RULES_FILE6) if isinstance(rules_file, str) else None
    table = dataplane_table.table(dataplane, prefix, chain_name) if subnet and dataplane else {}
    table_file = posixpath.join(posixpath.dirname(rules_file), DATAPLANE_FILE) if table and persist else None
    # Forwarding is never persisted in sysctl.d, which the kernel reads before any firewall: the
    # unit turns it on after the restore (an earlier version's file is removed).
    files = [{"path": FORWARD_FILE, "state": "absent", "ours": FORWARD_CONF.splitlines()[0]}]
    if persist:
        files.append({"path": "/etc/systemd/system/" + UNIT, "content": UNIT_FILE.format(
            rules_file=rules_file, rules_file6=rules_file6, forward_comment=FORWARD_COMMENT if subnet else "",
            dataplane=DATAPLANE_START.format(path=table_file) if table_file else "",
            forward=FORWARD_START if subnet else "")})
    return {
        "services": settings["iptables_services"],
        "prefix": prefix,
        "tables": tables,
        # The same port sets over IPv6 (ip6tables): a service listening on '::' is no more open there.
        "tables6": tables6,
        "persist_path": rules_file if persist else None,
        "persist_path6": rules_file6 if persist else None,
        # The data plane's groups and elastic IPs (nft_table), {} where the host has none; its boot file.
        "dataplane_table": table,
        "dataplane_path": table_file,
        # What a host without one removes: the table of its prefix, and its boot file.
        "dataplane_name": dataplane_table.table_name(prefix) if isinstance(prefix, str) else "iaas",
        "dataplane_file": posixpath.join(posixpath.dirname(rules_file), DATAPLANE_FILE)
        if isinstance(rules_file, str) else None,
        # The preload is written only where the CC's configuration directory exists.
        "copies": [preload] if preload and persist else [],
        "rollback_timeout": settings["iptables_rollback_timeout"],
        "confirm_timeout": settings["iptables_confirm_timeout"],
        # A front-end with a data plane ends the connections it no longer allows (iptables_chains' revoke).
        "revoke": {"subnet": subnet, "dataplane": dataplane or {}} if subnet else None,
        # conntrack ends what a revoked rule or elastic IP let in.
        "packages": ["iptables"] + (["conntrack"] if subnet else []) + (["nftables"] if table else []),
        "files": files,
        "sysctls": {"net.ipv4.ip_forward": "1"} if subnet else {},
        # Kept on the host until done, so a run that dies after the unit changed still reloads systemd.
        "actions": [{"name": "reload systemd's units", "command": ["systemctl", "daemon-reload"],
                     "files": ["/etc/systemd/system/" + UNIT]}],
        "units": [{"name": UNIT, "enabled": persist}],
    }


# --- This part of a host's plan, from the host's context (plugins/module_utils/host_plan.py) -------


def part(context, plan):
    """The firewall part (section): the role's options (iptables_*) as the host has them,
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
    routing = euca.get("cc", False) and eucalyptus.mode_is(euca.get("mode"), "routing")
    owned, subnet = managed_l2.dataplane_subnet(context, plan)
    home = (context.get("euca_home") or host_eucalyptus.EUCA_DEFAULTS["euca_home"]).rstrip("/")
    # The controller keeps SSH even outside the management networks: its address as the host saw it.
    client = (context.inventory.facts(context.host).get("env") or {}).get("SSH_CLIENT", "").split()
    settings = context.options(OPTIONS, {
        "iptables_services": services,
        "iptables_management_networks": context.get("iaas_management_networks", []),
        "iptables_storage_networks": context.get("iaas_storage_networks", []),
        "iptables_database_networks": context.get("iaas_database_networks", []),
        "iptables_controller_networks": client[:1],
        # Where the collection owns the data plane; a broken subnet is named by the mode's own checks.
        "iptables_eucalyptus_baseline": ({"subnet": context.get("vnet_subnet"), "netmask": context.get("vnet_netmask")}
                                         if owned and subnet else {}),
        # Where a MANAGED CC reloads rules from after it flushes filter and nat at start.
        "iptables_eucalyptus_preload": "%s/%s" % (home, host_eucalyptus.PRELOAD) if routing else "",
    })
    if not isinstance(settings["iptables_services"], list):
        context.add("iptables_services", settings["iptables_services"], "is not a list of port sets (%s)"
                    % ", ".join(sorted(SERVICES)))
        settings["iptables_services"] = []
    networks = {kind: settings["iptables_%s_networks" % kind] for kind in NETWORK_KINDS}
    dataplane_part = euca.get("dataplane") if owned and subnet else None
    return section(settings, networks, dataplane_part, context.add)
