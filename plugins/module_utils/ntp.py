# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The time service of a host (chrony): the ntp part of its plan.

Hosts of ntp_server_group (the front-end) serve time to the networks in ntp_allow, follow the
upstream servers and keep serving their own clock at a local stratum when none answers (so the
cloud stays in step with itself, which CloudStack needs); every other host follows the servers.
``section`` checks the role's options and renders chrony.conf; the ntp role applies it with
service_files (checked by chronyd -p before it replaces the working file, chrony restarted when it
changed, kept running).
"""

from __future__ import annotations

import re

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import AddressError, AddressErrors, ip_networks
from ansible_collections.privatecloud.iaas.plugins.module_utils.releases import variant
from ansible_collections.privatecloud.iaas.plugins.module_utils import host_context

# The role's options and their defaults (None: decided per host, see section()).
OPTIONS = {
    "ntp_server_group": "frontend",
    "ntp_role": None,
    # The CloudStack guide's documented pool.
    "ntp_upstream_servers": ["0.xenserver.pool.ntp.org", "1.xenserver.pool.ntp.org", "2.xenserver.pool.ntp.org",
                             "3.xenserver.pool.ntp.org"],
    "ntp_servers": None,
    "ntp_allow": [],
    "ntp_local_stratum": 10,
    "ntp_makestep_threshold": 1,
    "ntp_makestep_limit": 3,
}
ROLES = ("server", "client")
DISTRIBUTIONS = {
    "Debian": {"packages": ["chrony"], "service": "chrony", "config": "/etc/chrony/chrony.conf",
               "keyfile": "/etc/chrony/chrony.keys", "driftfile": "/var/lib/chrony/chrony.drift",
               "logdir": "/var/log/chrony",
               # Debian 13's chrony 4.6 and tzdata: the IERS list, as in Debian's own chrony.conf (the
               # right/UTC zone moved to tzdata-legacy).
               "leap_seconds": "leapseclist /usr/share/zoneinfo/leap-seconds.list"},
    # Debian 12: chrony 4.3 has no leapseclist; tzdata still has the right/UTC zone.
    "Debian 12": {"leap_seconds": "leapsectz right/UTC"},
}
# A source as chrony.conf takes it on a 'server' line: a host name or an address, nothing else.
SOURCE = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.:-]{0,252}[A-Za-z0-9])?\Z")


def _number(value, variable, low, add, integer=True):
    """``value`` when it is a number (an integer with ``integer``) of at least ``low``; else None, recorded."""
    kinds = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < low:
        add(variable, value, "is not %s of %s or more" % ("a whole number" if integer else "a number", low))
        return None
    return value


def render(role, servers, allowed, local_stratum, makestep, names):
    """chrony.conf of a server or a client."""
    lines = ["# Managed by privatecloud.iaas (ntp role): this host is a time %s." % role]
    if servers:
        lines += [""] + ["server %s iburst" % server for server in servers]
    if role == "server":
        lines += ["", "# Clients this server answers; chrony refuses every other one."]
        lines += ["allow %s" % network for network in allowed]
        if local_stratum is not None:
            lines += ["", "# Keep serving the local clock when no upstream answers, so the cloud stays in step with "
                          "itself.", "local stratum %d" % local_stratum]
    lines += ["", "makestep %s %d" % makestep, "rtcsync", "keyfile %s" % names["keyfile"],
              "driftfile %s" % names["driftfile"], "logdir %s" % names["logdir"], names["leap_seconds"]]
    return "\n".join(lines) + "\n"


def section(settings, facts, add, follows=True):
    """The ntp part of a host's plan from the role's options (``settings``, with ntp_role and
    ntp_servers decided); ``add(variable, value, rule)`` records what is wrong. ``follows``: whether
    a client must have a server (a host the cloud's playbooks keep in time, or one whose ntp
    options are set)."""
    names = variant(DISTRIBUTIONS, facts)
    role = settings["ntp_role"]
    if role not in ROLES:
        add("ntp_role", role, "is not one of %s" % ", ".join(ROLES))
        role = "client"
    servers = settings["ntp_servers"]
    if not isinstance(servers, list) or not all(isinstance(server, str) and SOURCE.match(server) for server in servers):
        add("ntp_servers", servers, "is not a list of host names or addresses")
        servers = None
    if role == "client" and servers == [] and follows:
        add("ntp_servers", servers, "is empty on a client: put hosts in the group '%s' or set ntp_servers"
            % settings["ntp_server_group"])
    try:
        allowed = ip_networks(settings["ntp_allow"] or [], "ntp_allow")
    except (AddressError, AddressErrors) as error:
        for one in getattr(error, "errors", [error]):
            add(one.variable, one.value, one.rule)
        allowed = []
    stratum = settings["ntp_local_stratum"]
    if stratum is not None and (isinstance(stratum, bool) or not isinstance(stratum, int) or not 1 <= stratum <= 15):
        add("ntp_local_stratum", stratum, "is not a stratum from 1 to 15 (or null)")
        stratum = None
    threshold = _number(settings["ntp_makestep_threshold"], "ntp_makestep_threshold", 0, add, integer=False)
    limit = _number(settings["ntp_makestep_limit"], "ntp_makestep_limit", -1, add)
    config = render(role, servers or [], allowed, stratum, (threshold or 1, 3 if limit is None else limit), names)
    return {
        "role": role,
        "packages": names["packages"],
        "files": [{"path": names["config"], "content": config, "validate": "chronyd -p -f %s"}],
        # Kept on the host until done, so a run that dies after the change still restarts chrony.
        "actions": [{"name": "restart chrony", "service": names["service"], "files": [names["config"]]}],
        "units": [{"name": names["service"], "enabled": True, "started": True}],
    }


# --- This part of a host's plan, from the host's context (plugins/module_utils/host_plan.py) -------


def part(context):
    """The ntp part (section): the role's options (ntp_*) as the host has them, else a time
    server for the hosts of ntp_server_group (the front-end) following the upstream servers, and a
    client of those servers (at their addresses) for every other host."""
    group = context.get("ntp_server_group", OPTIONS["ntp_server_group"])
    serving = context.inventory.group(group) if isinstance(group, str) else []
    role = context.get("ntp_role", "server" if context.host in serving else "client")
    servers = (context.get("ntp_upstream_servers", OPTIONS["ntp_upstream_servers"]) if role == "server"
               else list(dict.fromkeys(host_context.address(context.inventory, host) for host in serving)))
    settings = context.options(OPTIONS, {"ntp_role": role, "ntp_servers": servers})
    # playbooks/yml keeps the front-ends, nodes, database and storage hosts in time.
    follows = bool(set(context.groups) & {"frontend", "nodes", "db", "nfs"}) or any(
        name in context.variables for name in OPTIONS)
    return section(settings, context.inventory.facts(context.host), context.add, follows)
