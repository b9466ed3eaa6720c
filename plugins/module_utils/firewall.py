# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A host's firewall as owned chains: the documented port sets, the Eucalyptus baseline, admin rules.

host_tables() turns what the inventory says about a host into the ``tables`` argument of the
iptables_chains module. Service ports are restricted, not opened: each is accepted from its
allowed networks and dropped from everywhere else, so traffic the collection does not manage
keeps flowing as before and nothing is ever open to the world by default.
"""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import (
    AddressError,
    AddressErrors,
    ip_networks,
    ipv4_subnet,
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
LOOPBACK = "-i lo -j ACCEPT"
BUILTIN_JUMPS = {"filter": ("INPUT", "FORWARD", "OUTPUT"), "nat": ("PREROUTING", "POSTROUTING", "OUTPUT"),
                 "mangle": ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"), "raw": ("PREROUTING", "OUTPUT")}


def host_tables(services, networks, rules=None, eucalyptus=None, prefix="IAAS-", dataplane=None):
    """Build the iptables_chains ``tables`` for one host.

    services: names of SERVICES this host runs. networks: {"management": [...], "storage": [...],
    "database": [...], "integration": [...], "controller": [...]} CIDR lists; storage falls back to
    management, database to management. rules: the admin's {table: {builtin chain: [rule, ...]}},
    put first in the owned chain of that builtin chain. eucalyptus: {"subnet", "netmask"} of a
    MANAGED / MANAGED-NOVLAN front-end whose data plane the collection owns, for the baseline
    (FORWARD policy DROP, established and outbound forwarding, masquerade). dataplane: that
    front-end's security groups, elastic IPs and metadata (dataplane.plan()), on top of the
    baseline: each active group's intra-group accept and the jump to its chain in FORWARD, the
    metadata and elastic-IP DNATs, the elastic-IP SNATs above the masquerade.
    """
    errors, allowed = [], {}
    for kind in ("management", "storage", "database", "integration", "controller"):
        try:
            allowed[kind] = ip_networks(networks.get(kind) or [], "iptables_%s_networks" % kind)
        except (AddressError, AddressErrors) as error:
            errors.append(str(error))
    if errors:
        raise ValueError("; ".join(errors))
    allowed["storage"] = allowed["storage"] or allowed["management"]
    allowed["database"] = allowed["database"] or allowed["management"]

    chains = {}  # (table, builtin chain) -> rules
    for table, by_chain in (rules or {}).items():
        for chain, chain_rules in (by_chain or {}).items():
            if chain not in BUILTIN_JUMPS.get(table, ()):
                raise ValueError("iptables_rules.%s: %r is not a builtin chain of table %s" % (table, chain, table))
            chains.setdefault((table, chain), []).extend(chain_rules)

    # A host's own connections to its services (the management server to its local database,
    # virsh to libvirtd) come over loopback, which no network list names: never restrict them.
    if services:
        input_rules = chains.setdefault(("filter", "INPUT"), [])
        if LOOPBACK not in input_rules:
            input_rules.append(LOOPBACK)
    for service in services:
        if service not in SERVICES:
            raise ValueError("iptables_services: %r is not one of %s" % (service, ", ".join(sorted(SERVICES))))
        for protocol, port, kind in SERVICES[service]:
            match = "-p %s -m %s --dport %s" % (protocol, protocol, port)
            sources = allowed[kind] + (allowed["controller"] if port == "22" else [])
            chains.setdefault(("filter", "INPUT"), []).extend(
                "-s %s %s -j ACCEPT" % (network, match) for network in dict.fromkeys(sources))
            chains[("filter", "INPUT")].append("%s -j DROP" % match)

    policies, group_chains = {}, {}
    if eucalyptus:
        private = str(ipv4_subnet(eucalyptus["subnet"], eucalyptus["netmask"], "vnet_subnet", "vnet_netmask").cidr)
        policies["filter"] = {"FORWARD": "DROP"}
        chains.setdefault(("filter", "FORWARD"), []).extend([
            "-m conntrack --ctstate ESTABLISHED -j ACCEPT",
            "! -d %s -j ACCEPT" % private,
        ])
        if dataplane:
            chains[("filter", "FORWARD")].extend(dataplane["filter"]["forward"])
            group_chains = dataplane["filter"]["chains"]
            for chain in ("PREROUTING", "OUTPUT", "POSTROUTING"):
                if dataplane["nat"][chain.lower()]:
                    chains.setdefault(("nat", chain), []).extend(dataplane["nat"][chain.lower()])
        chains.setdefault(("nat", "POSTROUTING"), []).append("-s %s ! -d %s -j MASQUERADE" % (private, private))

    tables = {}
    for (table, chain), chain_rules in sorted(chains.items()):
        owned = "%s%s" % (prefix, chain)
        entry = tables.setdefault(table, {"chains": {}, "jumps": [], "policies": {}})
        entry["chains"][owned] = chain_rules
        entry["jumps"].append({"chain": chain, "target": owned, "position": 1})
    for chain, chain_rules in sorted(group_chains.items()):
        tables.setdefault("filter", {"chains": {}, "jumps": [], "policies": {}})["chains"][chain] = chain_rules
    for table, table_policies in policies.items():
        tables.setdefault(table, {"chains": {}, "jumps": [], "policies": {}})["policies"].update(table_policies)
    return tables
