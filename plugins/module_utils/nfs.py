# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CloudStack storage server's NFS exports and fixed ports.

Apache CloudStack 4.1.0 Installation Guide, section 4.5.6.

exports() checks the declared exports with every broken rule at once; exports_file(),
ports_conf() and lockd_conf() render what the nfs role writes.
"""

from __future__ import annotations

import re

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import (
    AddressError,
    AddressErrors,
    ip_network,
)

# The guide's options (section 4.5.6); no_subtree_check is what exportfs assumes and warns about
# when neither it nor subtree_check is given.
DEFAULT_OPTIONS = ("rw", "async", "no_root_squash", "no_subtree_check")
FLAG_OPTIONS = frozenset((
    "rw", "ro", "sync", "async", "secure", "insecure", "wdelay", "no_wdelay", "hide", "nohide", "crossmnt",
    "nocrossmnt", "subtree_check", "no_subtree_check", "root_squash", "no_root_squash", "all_squash",
    "no_all_squash", "secure_locks", "insecure_locks", "auth_nlm", "no_auth_nlm", "mountpoint", "mp", "pnfs",
    "no_pnfs", "security_label", "acl", "no_acl"))
VALUE_OPTIONS = frozenset(("fsid", "anonuid", "anongid", "sec", "refer", "replicas", "mountpoint", "mp"))
OPPOSITES = (("rw", "ro"), ("sync", "async"), ("root_squash", "no_root_squash"), ("secure", "insecure"),
             ("subtree_check", "no_subtree_check"), ("hide", "nohide"))
EVERYONE = "*"

# The fixed ports of the guide's /etc/sysconfig/nfs (section 4.5.6.2), as nfs.conf sections and
# keys, so the firewall can restrict them (the iptables role's 'nfs' port set).
FIXED_PORTS = (
    ("lockd", "port", 32803),
    ("lockd", "udp-port", 32769),
    ("mountd", "port", 892),
    ("statd", "port", 662),
    ("statd", "outgoing-port", 2020),
)


def _options(value, variable, errors):
    if not isinstance(value, list) or not value:
        errors.append(AddressError(variable, value, "is not a non-empty list of export options"))
        return []
    options = []
    for option in value:
        name, _equals, argument = str(option).partition("=")
        if (argument and name not in VALUE_OPTIONS) or (not argument and name not in FLAG_OPTIONS):
            errors.append(AddressError(variable, value, "has %r, which is not an export option of exports(5)"
                                       % option))
        options.append(str(option))
    for first, second in OPPOSITES:
        if first in options and second in options:
            errors.append(AddressError(variable, value, "has both %s and %s" % (first, second)))
    return options


def _clients(value, variable, errors):
    if not isinstance(value, list) or not value:
        errors.append(AddressError(variable, value, "is empty: give the storage networks (CIDR), or ['*'] to "
                                   "export to everyone as the guide does"))
        return []
    clients = []
    for index, client in enumerate(value):
        if client == EVERYONE:
            clients.append(EVERYONE)
            continue
        try:
            clients.append(ip_network(client, "%s[%d]" % (variable, index)))
        except AddressError as error:
            errors.append(error)
    return clients


def exports(declared, clients, options=DEFAULT_OPTIONS):
    """The exports as [(path, [(client, [option, ...]), ...]), ...], sorted by path.

    ``declared``: [{"path": "/export/primary", "clients": [...], "options": [...]}, ...]; an entry
    without clients or options takes ``clients`` (nfs_export_clients) and ``options``
    (nfs_export_options). Raises AddressErrors with every broken rule.
    """
    errors = []
    default_options = _options(list(options), "nfs_export_options", errors)
    default_clients = None
    result = {}
    if not isinstance(declared, list) or not declared:
        errors.append(AddressError("nfs_exports", declared, "is not a non-empty list of exports"))
        declared = []
    for index, entry in enumerate(declared):
        where = "nfs_exports[%d]" % index
        if not isinstance(entry, dict):
            errors.append(AddressError(where, entry, "is not a mapping with a path"))
            continue
        path = entry.get("path")
        if not isinstance(path, str) or not path.startswith("/") or re.search(r"\s", path) or "//" in path:
            errors.append(AddressError(where + ".path", path, "is not an absolute path without blanks"))
            continue
        path = path.rstrip("/") or "/"
        if path in result:
            errors.append(AddressError(where + ".path", path, "is exported twice"))
            continue
        if "clients" in entry:
            entry_clients = _clients(entry["clients"], where + ".clients", errors)
        else:
            if default_clients is None:
                default_clients = _clients(clients, "nfs_export_clients", errors)
            entry_clients = default_clients
        entry_options = _options(entry["options"], where + ".options", errors) if "options" in entry \
            else default_options
        result[path] = [(client, entry_options) for client in entry_clients]
    if errors:
        raise AddressErrors(errors)
    return sorted(result.items())


def exports_file(exports_list):
    """/etc/exports.d/<name>.exports: one line per path, its clients each with their options."""
    return "".join("%s %s\n" % (path, " ".join("%s(%s)" % (client, ",".join(options)) for client, options in clients))
                   for path, clients in exports_list)


def ports_conf():
    """An nfs.conf drop-in fixing the ports the guide fixes, section by section."""
    lines, section = [], None
    for name, key, port in FIXED_PORTS:
        if name != section:
            lines.append("[%s]" % name)
            section = name
        lines.append("%s = %d" % (key, port))
    return "\n".join(lines) + "\n"


# lockd is the kernel's: rpc.nfsd hands it nfs.conf's [lockd] ports, but nfsdctl, which starts the
# server on newer releases (Debian 13), does not on kernels without lockd's netlink interface, and
# lockd takes random ports. The module's parameters hold whichever way the server starts.
LOCKD_PARAMETERS = (("port", "nlm_tcpport"), ("udp-port", "nlm_udpport"))


def lockd_parameters():
    """lockd's parameters for the guide's fixed ports, as (parameter, port) pairs."""
    ports = {key: port for name, key, port in FIXED_PORTS if name == "lockd"}
    return [(parameter, ports[key]) for key, parameter in LOCKD_PARAMETERS]


def lockd_conf():
    """A modprobe.d file giving lockd its fixed ports whenever the module loads (at boot too)."""
    return "options lockd %s\n" % " ".join("%s=%d" % pair for pair in lockd_parameters())


def lockd_sysctl_command():
    """The command giving a loaded lockd the same ports (it takes them when it next starts);
    sysctl -e: no fs.nfs keys while lockd is not loaded, and then the module file applies."""
    return ["sysctl", "-q", "-e", "-w"] + ["fs.nfs.%s=%d" % pair for pair in lockd_parameters()]
