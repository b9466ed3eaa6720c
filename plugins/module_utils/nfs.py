# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CloudStack storage server's NFS exports and fixed ports.

Apache CloudStack 4.1.0 Installation Guide, section 4.5.6.

exports() checks the declared exports with every broken rule at once; exports_file(),
ports_conf() and lockd_conf() render what the nfs role writes; section() is the nfs part of a
host's plan, which the role applies with service_files.
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
# An option's value (fsid=1, sec=krb5p:sys): nothing that could close the option list or start a line.
OPTION_VALUE = re.compile(r"[A-Za-z0-9_.:/@-]+\Z")
# An exported path: absolute, of the characters paths of storage use, no '.' or '..' component.
EXPORT_PATH = re.compile(r"/(?!.*(^|/)\.{1,2}(/|$))[A-Za-z0-9_.@+/-]*\Z")

# The role creates each exported directory and sets its owner and mode, and a client may write
# there as root: never the system's own trees. These and everything beneath them are refused...
SYSTEM_TREES = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/root", "/run",
                "/sbin", "/sys", "/tmp", "/usr", "/var/lib", "/var/log", "/var/run", "/var/tmp", "/var/spool",
                "/var/cache", "/var/backups", "/var/mail")
# ...and these themselves (a directory beneath them, /srv/nfs or /home/export, is a storage area).
SYSTEM_DIRECTORIES = ("/", "/home", "/media", "/mnt", "/opt", "/srv", "/var")


def system_path(path):
    """Why ``path`` (absolute, normalised) may not be exported, or None."""
    if path in SYSTEM_DIRECTORIES:
        return "is a system directory: export a directory beneath it (e.g. /srv/export/primary)"
    for tree in SYSTEM_TREES:
        if path == tree or path.startswith(tree + "/"):
            return "is in the system's %s: the role would own it and clients could write there" % tree
    return None


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
        if argument and not OPTION_VALUE.match(argument):
            errors.append(AddressError(variable, value, "has %r, whose value is not one word of letters, digits "
                                       "and _.:/@- (it lands inside an exports line)" % option))
        elif (argument and name not in VALUE_OPTIONS) or (not argument and name not in FLAG_OPTIONS):
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
        if not isinstance(path, str) or not EXPORT_PATH.match(path) or "//" in path:
            errors.append(AddressError(where + ".path", path, "is not an absolute path of letters, digits and _.@+-/ "
                                                              "without '.' or '..' components"))
            continue
        path = path.rstrip("/") or "/"
        refused = system_path(path)
        if refused:
            errors.append(AddressError(where + ".path", path, refused))
            continue
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


# The role's options and their defaults (None: decided per host, see section()).
OPTIONS = {
    "nfs_exports": [{"path": "/export/primary"}, {"path": "/export/secondary"}],
    "nfs_export_clients": None,
    "nfs_export_options": list(DEFAULT_OPTIONS),
    "nfs_exports_file": "/etc/exports.d/cloudstack.exports",
    "nfs_ports_file": "/etc/nfs.conf.d/60-cloudstack.conf",
    "nfs_lockd_file": "/etc/modprobe.d/privatecloud-iaas-lockd.conf",
    "nfs_idmap_domain": None,
    "nfs_packages": ["nfs-kernel-server"],
    "nfs_service": "nfs-kernel-server",
    "nfs_server_start": True,
}
IDMAPD_CONF = "/etc/idmapd.conf"
# A file the role writes, or a word of a package or unit name.
PATH = re.compile(r"/[A-Za-z0-9_.@+/-]*\Z")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]*\Z")
DOMAIN = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\Z")


def section(settings, add):
    """The nfs part of a host's plan from the role's options (``settings``, clients and idmap domain
    decided); ``add(variable, value, rule)`` records what is wrong. The exported directories, the
    fixed ports (an nfs.conf drop-in checked by nfsconf, and lockd's module parameters where the
    server runs), the NFSv4 id mapping domain, the exports (exportfs -ra, the previous ones put
    back when it refuses a line), what their change obliges, and the server running."""
    for name in ("nfs_exports_file", "nfs_ports_file", "nfs_lockd_file"):
        if not isinstance(settings[name], str) or not PATH.match(settings[name]):
            add(name, settings[name], "is not an absolute path of letters, digits and _.@+-/")
    for name in ("nfs_service",):
        if not isinstance(settings[name], str) or not NAME.match(settings[name]):
            add(name, settings[name], "is not a unit name")
    packages = settings["nfs_packages"]
    if not isinstance(packages, list) or not all(isinstance(package, str) and NAME.match(package)
                                                 for package in packages):
        add("nfs_packages", packages, "is not a list of package names")
        packages = []
    domain = settings["nfs_idmap_domain"]
    if not isinstance(domain, str) or not DOMAIN.match(domain):
        add("nfs_idmap_domain", domain, "is not a domain name")
    start = settings["nfs_server_start"]
    if not isinstance(start, bool):
        add("nfs_server_start", start, "is not a boolean")
    try:
        found = exports(settings["nfs_exports"], settings["nfs_export_clients"], settings["nfs_export_options"] or [])
    except (AddressError, AddressErrors) as error:
        for one in getattr(error, "errors", [error]):
            add(one.variable, one.value, one.rule)
        found = []
    exports_file_path, ports, lockd = settings["nfs_exports_file"], settings["nfs_ports_file"], settings["nfs_lockd_file"]
    service = settings["nfs_service"]
    files = [{"path": ports, "content": ports_conf(),
              # nfsconf reports a broken file on stderr but exits 0.
              "validate": "/bin/sh -c '! nfsconf --file %s --dump 2>&1 >/dev/null | grep .'"}]
    actions = []
    if start is True:
        # rpc.nfsd passes nfs.conf's lockd ports to the kernel; nfsdctl (Debian 13) does not. Only
        # where the server runs: a container's lockd is its host's.
        files.append({"path": lockd, "content": lockd_conf()})
        actions.append({"name": "give lockd its ports", "command": lockd_sysctl_command(), "files": [lockd]})
    files.append({"path": exports_file_path, "content": exports_file(found)})
    # Kept on the host until done. lockd takes its ports when the server starts it again; statd reads
    # its port when it starts; exportfs -r re-reads every exports file and drops what is no longer
    # listed, and reports a refused line on stderr while it exits 0.
    actions += [
        {"name": "restart the NFS server", "service": service, "files": [ports] + ([lockd] if start is True else [])},
        {"name": "restart the status monitor", "service": "rpc-statd", "files": [ports]},
        {"name": "restart the NFSv4 id mapper", "service": "nfs-idmapd", "files": [IDMAPD_CONF]},
        {"name": "load the exports", "command": ["exportfs", "-ra"], "files": [exports_file_path],
         "fail_on_stderr": True, "revert_on_failure": True},
    ]
    directory = exports_file_path.rsplit("/", 1)[0] or "/"
    return {
        "exports": [path for path, _clients in found],
        "packages": packages,
        # The exported directories, and the exports file's (exportfs also reads /etc/exports, left alone).
        "directories": [{"path": path} for path, _clients in found] + [{"path": directory}],
        "files": files,
        # In [General], where Debian's file has the commented '# Domain = localdomain' line.
        "settings": [{"path": IDMAPD_CONF, "section": "General", "values": {"Domain": domain}}],
        "actions": actions,
        "units": [{"name": service, "enabled": True, "started": True}] if start is True else [],
    }


# --- This part of a host's plan, from the host's context (plugins/module_utils/host_plan.py) -------


def part(context):
    """The nfs part (section) of a storage server (group nfs, or a host given nfs_* options):
    the role's options as the host has them, else the storage networks as the exports' clients
    (iaas_storage_networks, else iaas_management_networks) and iaas_nfs_domain for NFSv4."""
    if "nfs" not in context.groups and not any(name in context.variables for name in OPTIONS):
        return None
    settings = context.options(OPTIONS, {
        "nfs_export_clients": context.get("iaas_storage_networks") or context.get("iaas_management_networks", []),
        "nfs_idmap_domain": context.get("iaas_nfs_domain", "localdomain"),
    })
    return section(settings, context.add)
