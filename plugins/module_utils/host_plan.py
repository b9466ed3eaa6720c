# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each host of the inventory becomes, decided once, from every host's variables.

A host's plan says which parts of the cloud it runs and everything the roles apply there, as the
final artifacts each role's apply call takes: its devices (vlan, bridge), its time service (ntp),
storage (nfs), database server (db), front-end or node (frontend, node), DHCP server (dhcpd) and
firewall (firewall), each with the record its role keeps; the Eucalyptus and CloudStack decisions
they are built from; the checks preflight runs on it and the commands diagnostics collects. The
roles apply the plan; no role decides any of it again.

Building the plans is validating the inventory: ``plan_inventory`` records every broken rule in
``problems`` and returns the plans of the hosts it could plan. Everything here is plain data in,
plain data out (JSON-able), so the plans are tested without Ansible. This module is the
composition; each part is decided by its concern's module (``part``: network, ntp, nfs,
database, dataplane, dhcpd, firewall, components) from the host's context (host_context), with the
decisions they share (host_eucalyptus, host_cloudstack, managed_l2).
"""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils import (
    cloudstack,
    cloudstack_install,
    components,
    dataplane,
    database,
    dhcpd,
    eucalyptus,
    firewall,
    host_cloudstack,
    host_context,
    host_eucalyptus,
    managed_l2,
    names,
    network,
    nfs,
    ntp,
    role_records,
)
from ansible_collections.privatecloud.iaas.plugins.module_utils.host_cloudstack import zones_of
from ansible_collections.privatecloud.iaas.plugins.module_utils.host_context import Inventory
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems

__all__ = ["Inventory", "ROLE_OPTIONS", "ROLE_PARTS", "part_problems", "plan_host", "plan_inventory", "zones_of"]

# The parts of the plan a role applies, and the role (whose record keeps what it was applied from).
ROLE_PARTS = (("vlan", "vlan"), ("bridge", "bridge"), ("firewall", "iptables"), ("dhcpd", "dhcpd"), ("ntp", "ntp"),
              ("nfs", "nfs"), ("db", "db"), ("frontend", "frontend"), ("node", "node"))
# Each role's options, as the plan reads them, with their defaults (None: decided per host).
ROLE_OPTIONS = {"vlan": network.VLAN_OPTIONS, "bridge": network.BRIDGE_OPTIONS, "iptables": firewall.OPTIONS,
                "dhcpd": dhcpd.OPTIONS, "ntp": ntp.OPTIONS, "nfs": nfs.OPTIONS, "db": database.OPTIONS,
                "frontend": components.FRONTEND_OPTIONS, "node": components.NODE_OPTIONS}
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
    context = host_context.Context(host, inventory, problems)
    if found is not None:
        context.by_part = found
    _check_one_line(context)
    full_run = context.get("iaas_full_run")
    if full_run is not None and str(full_run).lower() not in host_context.BOOLEANS:
        context.add("iaas_full_run", full_run, "is not a boolean (true or false): true makes every role run in full, "
                    "whatever the records on the hosts say")
    platform = inventory.platform(host)
    if platform is not None and platform not in host_context.PLATFORMS:
        context.add("iaas_platform", platform, "is not one of %s" % ", ".join(host_context.PLATFORMS))
        platform = None
    runs = [component for group, component in host_context.COMPONENTS if group in context.groups]
    plan = {"platform": platform, "components": runs}
    context.deciding("eucalyptus")
    plan["eucalyptus"] = host_eucalyptus.decide(context) if platform == "eucalyptus" else None
    context.deciding("dataplane")
    if plan["eucalyptus"]:
        plan["eucalyptus"]["dataplane"] = dataplane.part(context, plan)
    context.deciding("cloudstack")
    plan["cloudstack"] = host_cloudstack.decide(context) if platform == "cloudstack" else None
    context.deciding("interfaces")
    plan["interfaces"] = network.declared(context, plan)
    if plan["eucalyptus"] and plan["eucalyptus"]["dataplane"]:
        plan["eucalyptus"]["dataplane"]["addresses"] = managed_l2.dataplane_addresses(context, plan)
        plan["eucalyptus"]["dataplane"]["sources"] = managed_l2.dataplane_sources(context, plan)
    managed_l2.hold_dataplane_networks(context, plan)
    plan["vlan"], plan["bridge"] = network.role_parts(context, plan)
    context.deciding("ntp")
    plan["ntp"] = ntp.part(context)
    context.deciding("nfs")
    plan["nfs"] = nfs.part(context)
    context.deciding("db")
    plan["db"] = database.part(context)
    context.deciding("frontend")
    plan["frontend"] = components.frontend(context, plan) if "frontend" in context.groups else None
    context.deciding("node")
    plan["node"] = components.node(context, plan) if "nodes" in context.groups else None
    context.deciding("dhcpd")
    plan["dhcpd"] = dhcpd.part(context, plan)
    context.deciding("firewall")
    plan["firewall"] = firewall.part(context, plan)
    # Checked against the host's facts last: every part that names an interface has done so.
    context.deciding("interfaces")
    network.check_present(context, plan)
    context.deciding("preflight")
    plan["link_checks"] = network.link_checks(
        plan, {bridge["name"] for _vlan, bridge, _group in managed_l2.group_devices(context, plan)})
    plan["preflight"] = managed_l2.preflight(context, plan) + (
        ["links"] if plan["link_checks"]["bonds"] or plan["link_checks"]["bridges"] else [])
    plan["vlan_clean"] = managed_l2.vlan_clean(context, plan) if "vlan_clean" in plan["preflight"] else []
    plan["tunnel_paths"] = managed_l2.tunnel_paths(plan)
    plan["diagnostics"] = managed_l2.diagnostics(context, plan) + network.diagnostics(plan["link_checks"])
    # What each role's record keeps: the digest of its part and the code, and what the part owns.
    for part, role in ROLE_PARTS:
        if plan[part] is not None:
            secrets = [context.inventory.variables(secret["host"]).get(secret["name"]) or ""
                       for secret in plan[part].get("secrets") or ()]
            plan[part]["record"] = role_records.part_record(role, plan[part], code, secrets)
    plan["warnings"] = context.warnings
    return plan


def _check_one_line(context):
    """No string the plan is given - a value or a mapping's key, however deep - spans lines: a
    newline, a Unicode line separator or a control character in it could start a line of its own
    in a file the collection writes, or a log line. The one check every input passes first; the
    parts check each value's own shape."""
    def walk(value, where):
        if isinstance(value, str):
            if not names.is_one_line(value):
                context.add(where, value, "is not one line: a line break or control character in it could start "
                            "a line of its own in a file the collection writes")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key, where)
                walk(item, "%s.%s" % (where, key) if names.is_one_line(str(key)) else where)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                walk(item, "%s[%d]" % (where, index))

    for name, value in sorted(context.variables.items()):
        if name in cloudstack.SECRETS:  # never shown in a problem
            if not names.is_one_line(value if isinstance(value, str) else ""):
                context.add(name, "(secret)", "is not one line: a line break or control character in it would "
                            "break the file it is written to")
            continue
        walk(value, name)


def plan_inventory(inventory, problems, warnings=None):
    """Every host's plan, {host: plan}; every broken rule of the inventory recorded in ``problems``
    (and what is allowed but unwise in ``warnings``): the inventory's validation."""
    warnings = [] if warnings is None else warnings
    plans = {}
    eucalyptus_hosts, cloudstack_hosts = {}, {}
    for host in inventory.hosts():
        plan = plans[host] = plan_host(host, inventory, problems)
        warnings.extend("%s: %s" % (host, warning) for warning in plan["warnings"])
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
    zones = host_cloudstack.zones_of(inventory)
    if zones is not None:
        cloudstack.check_zones(zones, problems)
    return plans
