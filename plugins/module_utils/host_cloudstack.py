# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CloudStack part of a host's plan: what depends on other hosts (the database primary, the
first management server), the name `hostname --fqdn` must answer, the database set-up's settings
(never its secrets), and the traffic labels every KVM host carries as bridges.
"""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils import cloudstack_install, database, host_context, names, releases

DB_PROPERTIES = "/etc/cloudstack/management/db.properties"
DOMAIN = "cloud.internal"


def decide(context):
    inventory = context.inventory
    management = inventory.members("frontend", "cloudstack")
    # The first management server deploys the schema and holds the zones (they describe the whole cloud).
    first = bool(management) and management[0] == context.host
    databases = inventory.group("db")
    entries = {host: {"groups": inventory.groups_of(host), "vars": inventory.variables(host)}
               for host in databases + [host for host in management if host not in databases]}
    primary = cloudstack_install.database_roles(entries)[0] if databases else None
    if context.host in databases:
        _check_database_releases(context, databases)
    fqdn = context.get("cloudstack_fqdn") or (
        context.host if "." in context.host else "%s.%s" % (context.host, context.get("cloudstack_domain", DOMAIN)))
    # It lands in /etc/hosts and is compared with `hostname --fqdn`: a fully qualified DNS name.
    if not (names.is_dns_name(fqdn) and "." in fqdn):
        variable = "cloudstack_fqdn" if context.get("cloudstack_fqdn") else "cloudstack_domain"
        context.add(variable, context.get(variable, fqdn), "does not make a fully qualified DNS name (%r): letters, "
                    "digits and '-' in dot-separated labels" % fqdn)
    management_ip = context.get("cloudstack_mgmt_ip") or host_context.address(inventory, context.host, facts_first=True, name=False)
    return {
        # The database the management servers deploy to: the primary, else a local one, and its socket.
        "db_primary": primary or context.host,
        "db_socket": inventory.variables(primary or context.host).get("db_socket") or database.OPTIONS["db_socket"],
        "db_local": (primary or context.host) == context.host,
        # The first management server deploys the schema; the others only configure their client.
        "first_management_server": first,
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
                                                          else host_context.address(inventory, primary, facts_first=True)),
            "primary": primary or context.host,
            "socket": inventory.variables(primary or context.host).get("db_socket") or database.OPTIONS["db_socket"],
            "first": first,
            "properties": context.get("cloudstack_db_properties", DB_PROPERTIES),
            "management_ip": management_ip,
            "encryption_type": context.get("cloudstack_encryption_type", "file"),
            "region_id": context.get("cloudstack_region_id", 1),
        },
        "traffic_labels": traffic_labels(inventory) if "nodes" in context.groups else [],
        # The cloud's zones, as validated, on the first management server only (they describe the
        # whole cloud): what the picture of the cloud (playbooks/draw.yml) shows of them.
        "zones": zones_of(inventory) if first else None,
        # The management server's database client settings (the guide's /etc/cloud/management is
        # the 3.x path): the frontend role and playbooks/db_failover.yml both write it.
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


def traffic_labels(inventory):
    labels = []
    for zone in zones_of(inventory) or ():
        for network in (zone or {}).get("physical_networks") or () if isinstance(zone, dict) else ():
            for traffic in (network or {}).get("traffic_types") or () if isinstance(network, dict) else ():
                label = traffic.get("label") if isinstance(traffic, dict) else None
                if label and label not in labels:
                    labels.append(label)
    return labels
