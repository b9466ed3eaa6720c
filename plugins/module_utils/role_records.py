# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a role left on a host at the end of its last full application, and whether it is still so.

A role that finishes on a host records there, in /var/lib/privatecloud-iaas/roles/<role>.json, the
digest of its inputs (computed on the controller: the role's options, the host's plan, the facts
roles read, the collection's code) and what it owns as it is now ("observed"): its files, units,
packages, links and addresses, sysctls, owned iptables chains and nftables table. The next run reads every record in
one call. A role whose inputs are the same and whose owned state is still as observed has nothing
to do, and ends at its first task; any difference (an edited file, a stopped unit, a flushed chain,
a restart still owed by an interrupted run) makes it run in full, as it would without a record.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os

from ansible_collections.privatecloud.iaas.plugins.module_utils import pending
from ansible_collections.privatecloud.iaas.plugins.module_utils.iproute import read_addresses, read_fdb, read_links, read_routes
from ansible_collections.privatecloud.iaas.plugins.module_utils.iptables import owned_lines
from ansible_collections.privatecloud.iaas.plugins.module_utils.packages import installed_names

DIRECTORY = "/var/lib/privatecloud-iaas/roles"
# PBKDF2 rounds for the secrets in a record's inputs: tens of milliseconds per part that has any.
SECRET_ROUNDS = 100000
PENDING = pending.DIRECTORY
# What a role may declare it owns, in the order they are observed and explained.
KINDS = ("files", "units", "packages", "links", "addresses", "routes", "fdb", "sysctls", "iptables", "nftables",
         "database", "pending")
# Of a link's details, those a role sets; the rest (counters, carrier, timers) change on their own.
LINK_DATA = frozenset(["id", "protocol", "link", "local", "remote", "port", "dstport", "group", "ttl",
                       "stp_state", "forward_delay", "hello_time", "max_age", "ageing_time",
                       "vlan_filtering", "vlan_protocol", "mcast_snooping", "learning"])


def check_owned(owned):
    """Problems with a role's ``owned`` mapping, each naming the key and the rule."""
    problems = []
    for kind, value in sorted((owned or {}).items()):
        if kind not in KINDS:
            problems.append("owned.%s: not a kind the record observes (%s)" % (kind, ", ".join(KINDS)))
        elif kind == "iptables":
            if not isinstance(value, dict) or not value.get("prefix") or not isinstance(value.get("tables"), list):
                problems.append("owned.iptables: give prefix (the owned chains' prefix) and tables (a list)")
        elif kind == "nftables":
            if not isinstance(value, dict) or not value.get("family") or not value.get("name"):
                problems.append("owned.nftables: give family and name (the owned table's)")
        elif kind == "database":
            if not isinstance(value, dict) or not value.get("socket") or not isinstance(value.get("users"), list):
                problems.append("owned.database: give socket (the server's) and users (the accounts' names)")
        elif not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            problems.append("owned.%s: a list of names" % kind)
    return problems


def digest(value):
    """SHA-256 of the canonical JSON of ``value``: equal for equal data, whatever the key order."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def module_runner(module):
    """``run(argv)`` for Host from an AnsibleModule: a program the host lacks reads as rc 127."""
    def run(argv):
        if not module.get_bin_path(argv[0]):
            return 127, "", "%s: not found" % argv[0]
        return module.run_command(argv)
    return run


class Host:
    """Reads the host; ``run(argv)`` returns (rc, stdout, stderr) as AnsibleModule.run_command does."""

    def __init__(self, run, pending_directory=PENDING):
        self._run = run
        self._outputs = {}
        self.pending_directory = pending_directory

    def run(self, argv):
        """Each command once per call of the module: several records read the same links and tables."""
        key = tuple(argv)
        if key not in self._outputs:
            self._outputs[key] = self._run(argv)
        return self._outputs[key]

    def file(self, path):
        try:
            status = os.stat(path)
            with open(path, "rb") as stream:
                content = stream.read()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except IsADirectoryError:
            return {"directory": True}
        return {"sha256": hashlib.sha256(content).hexdigest(), "mode": "%04o" % (status.st_mode & 0o7777),
                "owner": "%d:%d" % (status.st_uid, status.st_gid)}

    def files(self, patterns):
        found = {}
        for pattern in patterns:
            if glob.has_magic(pattern):
                for path in sorted(glob.glob(pattern)):
                    found[path] = self.file(path)
            else:
                found[pattern] = self.file(pattern)
        return found

    def units(self, names):
        rc, out, dummy = self.run(["systemctl", "show", "--property=Id,LoadState,UnitFileState,ActiveState"] + list(names))
        return parse_units(out, names) if rc == 0 else dict((name, "unreadable") for name in names)

    def packages(self, names):
        installed = self.installed_packages()
        return dict((name, installed is not None and name in installed) for name in names)

    def installed_packages(self):
        """The names dpkg shows installed (sorted), or None on a host without dpkg."""
        rc, out, dummy = self.run(["dpkg-query", "--show", "--showformat", "${db:Status-Status} ${Package}\n"])
        installed = installed_names({"rc": rc, "stdout": out})
        return None if installed is None else sorted(installed)

    def links(self, names):
        rc, out, dummy = self.run(["ip", "-j", "-d", "link", "show"])
        return stable_links(out if rc == 0 else "[]", names)

    def addresses(self, names):
        rc, out, dummy = self.run(["ip", "-j", "address", "show"])
        return stable_addresses(out if rc == 0 else "[]", names)

    def routes(self, names):
        rc, out, dummy = self.run(["ip", "-j", "route", "show"])
        return stable_routes(out if rc == 0 else "[]", names)

    def fdb(self, names):
        rc, out, dummy = self.run(["bridge", "-j", "fdb", "show"])
        entries = read_fdb(out) if rc == 0 else {}
        return dict((name, entries.get(name, []) if rc == 0 else None) for name in names)

    def sysctls(self, names):
        found = {}
        for name in names:
            entry = self.file_text("/proc/sys/" + name.replace(".", "/"))
            found[name] = None if entry is None else " ".join(entry.split())
        return found

    def file_text(self, path):
        try:
            with open(path) as stream:
                return stream.read()
        except OSError:
            return None

    def iptables(self, spec):
        """The owned lines of each table, IPv4 ('filter') and IPv6 ('ipv6 filter')."""
        found = {}
        for command, key, tables in (("iptables-save", "%s", spec["tables"]),
                                     ("ip6tables-save", "ipv6 %s", spec.get("tables6") or ())):
            for table in tables:
                rc, out, dummy = self.run([command, "-t", table])
                found[key % table] = owned_lines(out, spec["prefix"]) if rc == 0 else None
        return found

    def nftables(self, spec):
        """The owned table as nft lists it (rules, their order, the maps' elements), None without one."""
        rc, out, dummy = self.run(["nft", "list", "table", spec["family"], spec["name"]])
        return {"%s %s" % (spec["family"], spec["name"]): out if rc == 0 else None}

    def database(self, spec):
        """The accounts of the owned users, and the replica's state, as the server reports them
        through its socket (root's socket login): an account changed by hand or a replica stopped
        by hand is a drift, and the db role runs in full."""
        client = ["mariadb", "--socket=%s" % spec["socket"], "--batch", "--skip-column-names"]
        rc, out, dummy = self.run(client + ["-e", "SELECT CONCAT(user, '@', host) FROM mysql.user"])
        users = set(spec["users"])
        accounts = sorted(line for line in out.splitlines() if line.partition("@")[0] in users) if rc == 0 else None
        rc, out, dummy = self.run(client[:-1] + ["-e", "SHOW REPLICA STATUS\\G"])
        return {"accounts": accounts, "replication": replication_state(out) if rc == 0 else None}

    def pending_records(self, names):
        owed = pending.Records(self.pending_directory)
        return dict((name, os.path.exists(owed.path(name))) for name in names)


def parse_units(text, names):
    """{unit: "LoadState/UnitFileState/ActiveState"} from ``systemctl show`` of several units."""
    found, current = {}, {}
    for line in (text or "").splitlines() + [""]:
        if not line.strip():
            if current.get("Id"):
                found[current["Id"]] = "/".join(current.get(key, "") for key in ("LoadState", "UnitFileState", "ActiveState"))
            current = {}
            continue
        key, dummy, value = line.partition("=")
        current[key] = value
    # systemctl names a unit by its full name (chrony -> chrony.service).
    return dict((name, found.get(name, found.get(name + ".service", "unknown"))) for name in names)


def replication_state(text):
    """A replica's state from ``SHOW REPLICA STATUS\\G``: its primary and whether each thread runs
    ("Connecting" counts as running: it is how a running replica waits for its primary); "none" on
    a server that replicates from nobody."""
    fields = {}
    for line in (text or "").splitlines():
        key, colon, value = line.strip().partition(":")
        if colon:
            fields[key] = value.strip()
    if not fields.get("Master_Host"):
        return "none"
    threads = [fields.get(prefix + "_Running", fields.get(prefix.replace("Slave", "Replica") + "_Running"))
               for prefix in ("Slave_IO", "Slave_SQL")]
    io, sql = ("stopped" if state == "No" else "running" for state in threads)
    return "from %s: io %s, sql %s" % (fields["Master_Host"], io, sql)


def stable_links(text, names):
    """What a role sets on each named link (None when absent), from ``ip -j -d link show``."""
    links = read_links(text)
    found = {}
    for name in names:
        link = links.get(name)
        if link is None:
            found[name] = None
            continue
        info = link.get("linkinfo") or {}
        found[name] = {
            "up": "UP" in (link.get("flags") or []),
            "mtu": link.get("mtu"),
            "master": link.get("master"),
            "kind": info.get("info_kind"),
            "data": dict((key, value) for key, value in sorted((info.get("info_data") or {}).items()) if key in LINK_DATA),
        }
    return found


def stable_addresses(text, names):
    """The addresses of each named device (None when absent), link-local ones left out."""
    addresses = read_addresses(text)
    return dict((name, sorted(addresses[name]) if name in addresses else None) for name in names)


def stable_routes(text, names):
    """Each named destination's routes of the main table ("via <gateway> dev <device>"; [] when none)."""
    found = dict((_network(name), []) for name in names)
    for route in read_routes(text):
        key = _network(route.get("dst", ""))
        if key in found:
            found[key].append("via %s dev %s" % (route.get("gateway"), route.get("dev")))
    return dict((key, sorted(value)) for key, value in found.items())


def _network(value):
    return value[:-3] if value.endswith("/32") else value


def observe(host, owned):
    """What the host holds now of what ``owned`` names: {kind: {item: state}}."""
    found = {}
    for kind in KINDS:
        value = (owned or {}).get(kind)
        if not value:
            continue
        reader = host.pending_records if kind == "pending" else getattr(host, kind)
        found[kind] = reader(value)
    return found


def drift(recorded, now):
    """What differs between two observations, in words: ['files /etc/chrony/chrony.conf', 'units chrony']."""
    found = []
    for kind in KINDS:
        before, after = (recorded or {}).get(kind) or {}, (now or {}).get(kind) or {}
        for item in sorted(set(before) | set(after)):
            if before.get(item) != after.get(item):
                found.append("%s %s" % (kind, item))
    return found


def check(record, host):
    """A record read back: its inputs, and whether the host is still as the role left it (with why not)."""
    observed = observe(host, record.get("owned"))
    differences = drift(record.get("observed"), observed)
    owed = sorted(name for name, present in observed.get("pending", {}).items() if present)
    differences += ["pending %s still owed" % name for name in owed if "pending %s" % name not in differences]
    return {"inputs": record.get("inputs"), "in_step": not differences, "drift": differences,
            "kept": record.get("kept") or {}}


def new_record(inputs, owned, host, kept=None):
    """The record of a role that has just finished on the host; ``kept``: what the role keeps for
    the plans of later runs (the addresses the data plane's DHCP server serves)."""
    return {"inputs": inputs, "owned": owned, "observed": observe(host, owned), "kept": kept or {}}


class Records(pending.Records):
    """The roles' records on the host, one JSON file per role in ``directory``."""

    def __init__(self, directory=DIRECTORY):
        super().__init__(directory)

    def all(self):
        """{role: record} of every readable record."""
        roles = sorted(os.path.basename(path)[:-len(".json")] for path in glob.glob(os.path.join(self.directory, "*.json")))
        return dict((role, record) for role, record in ((role, self.read(role)) for role in roles) if record is not None)


# The argument spec of a record (the record option of service_files and interfaces).
OWNED_OPTIONS = dict(
    files=dict(type="list", elements="str"),
    units=dict(type="list", elements="str"),
    packages=dict(type="list", elements="str"),
    links=dict(type="list", elements="str"),
    addresses=dict(type="list", elements="str"),
    routes=dict(type="list", elements="str"),
    fdb=dict(type="list", elements="str"),
    sysctls=dict(type="list", elements="str"),
    iptables=dict(type="dict"),
    nftables=dict(type="dict"),
    database=dict(type="dict"),
    pending=dict(type="list", elements="str"),
)
RECORD_OPTIONS = dict(
    role=dict(type="str", required=True),
    inputs=dict(type="str", required=True),
    owned=dict(type="dict", default={}, options=OWNED_OPTIONS),
    kept=dict(type="dict", default={}),
    record_directory=dict(type="path", default=DIRECTORY),
)


def write_record(module, spec):
    """Writes the record ``spec`` (RECORD_OPTIONS) describes; returns (path, observed), observed None in check mode.

    Fails the module on an ``owned`` kind it cannot observe, naming it.
    """
    owned = dict((kind, value) for kind, value in (spec.get("owned") or {}).items() if value)
    problems = check_owned(owned)
    if problems:
        module.fail_json(msg="; ".join(problems))
    records = Records(spec.get("record_directory") or DIRECTORY)
    if module.check_mode:
        return records.path(spec["role"]), None
    record = new_record(spec["inputs"], owned, Host(module_runner(module)), spec.get("kept"))
    records.write(spec["role"], record)
    return records.path(spec["role"]), record["observed"]


def code_digest(directories):
    """SHA-256 of every file under ``directories`` (names and contents): a role's tasks, templates and
    variables, and the collection's plugins it calls. A new version of the collection differs."""
    hashed = hashlib.sha256()
    for directory in directories:
        for root, dirs, files in os.walk(directory):
            dirs[:] = sorted(name for name in dirs if name != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(root, name)
                hashed.update(os.path.relpath(path, directory).encode() + b"\0")
                with open(path, "rb") as stream:
                    hashed.update(hashlib.sha256(stream.read()).digest())
    return hashed.hexdigest()


def part_owned(part):
    """What a role applying ``part`` of a host's plan owns, derived from the part itself (the
    arguments its apply calls are given): the files it writes or edits, its units, kernel settings,
    actions still owed, packages, owned chains, devices and addresses."""
    files = [spec["path"] for key in ("directories", "files", "settings") for spec in part.get(key) or ()]
    files += [path for path in [part.get("persist_path"), part.get("persist_path6"), part.get("dataplane_path")]
              + list(part.get("copies") or ()) if path]
    owned = {
        "files": files + list(part.get("watched_files") or ()),
        "units": [unit["name"] for unit in part.get("units") or ()],
        "sysctls": sorted(part.get("sysctls") or {}),
        "pending": [action["name"] for action in part.get("actions") or ()],
        "packages": list(part.get("packages") or ()),
        "links": list(part.get("links") or ()),
        "fdb": list(part.get("fdb") or ()),
        "addresses": list(part.get("watched_addresses") or ()),
        "routes": list(part.get("watched_routes") or ()),
    }
    if part.get("tables") is not None:
        owned["iptables"] = {"prefix": part["prefix"], "tables": sorted(part["tables"]),
                             "tables6": sorted(part.get("tables6") or ())}
    if part.get("dataplane_table"):
        owned["nftables"] = {"family": part["dataplane_table"]["family"], "name": part["dataplane_table"]["name"]}
    if part.get("accounts") is not None:
        owned["database"] = {"socket": part["socket"], "users": sorted(
            set(account.partition("@")[0] for account in part["accounts"]["declared"]))}
    return dict((kind, value) for kind, value in owned.items() if value)


def part_record(role, part, code, secrets=()):
    """The ``record`` a role's last apply call writes (service_files' record option): the digest of
    the part, the collection's code and the secrets the part names (``secrets``: their values, in
    that order), and what the part owns. The role's gate compares the digest with the record the
    host keeps (in_step): the plan reads the host's facts, so a part that depends on them changes
    with them, and a new password is a change the role applies."""
    applied = dict((key, value) for key, value in part.items() if key != "record")
    inputs = digest({"part": applied, "code": code})
    if secrets:
        # A plan is a fact, shown in a verbose run: the secrets enter it only through a slow, salted
        # hash, so that the record's inputs are no shortcut to guessing a weak password.
        inputs = hashlib.pbkdf2_hmac("sha256", "\0".join(str(value) for value in secrets).encode(),
                                     inputs.encode(), SECRET_ROUNDS).hex()
    return {"role": role, "inputs": inputs, "owned": part_owned(applied), "kept": part.get("kept") or {}}


def in_step(host_records, role, inputs):
    """Whether ``role`` has nothing to do on the host: its record, as role_records_info read it at
    the start of the run (``host_records``), has these inputs and finds the host as the role left
    it. False without a record, or when the records were not read (a host without them, a role run
    outside the cloud's playbooks)."""
    if not isinstance(host_records, dict) or host_records.get("failed") or host_records.get("skipped"):
        return False
    record = (host_records.get("roles") or {}).get(role)
    return bool(isinstance(record, dict) and inputs and record.get("inputs") == inputs and record.get("in_step"))
