# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the service_files module does, in the order a service needs it.

1. Check what the call requires of the host (executables, users) and that each interface a
   daemon serves on carries an address it serves (``listen``) - before anything changes.
2. Stage every new file beside its target and check it (its ``validate`` command); only when all
   pass, note what the actions' files hold (pending.record_before), then put every file in place,
   remove the files declared absent, and set the kernel settings.
3. Do the actions the change obliges (pending.do_owed: a systemd reload before a restart, if
   listed so), then bring the units to their state, so a unit first started here reads its new
   files and is not restarted again.

Check mode predicts every step from the content; nothing is written. ``Service`` is given the
module (AnsibleModule): its run_command, get_bin_path, check_mode and fail_json.
"""

from __future__ import annotations

import grp
import ipaddress
import os
import pwd

from ansible_collections.privatecloud.iaas.plugins.module_utils import eucaconf, files, inifile, pending
from ansible_collections.privatecloud.iaas.plugins.module_utils.iproute import IpRoute

PAST = {"enable": "enabled", "disable": "disabled", "start": "started", "stop": "stopped"}
# What every file the collection writes starts with: what a unit's ``when_ours`` looks for.
OURS = "# Managed by privatecloud.iaas"


class Failure(Exception):
    """A file, setting, unit or requirement this call cannot apply; the message names it."""


def _attributes(spec):
    """(mode, uid, gid) the spec asks for; a name the host does not know fails, naming it."""
    try:
        mode = int(spec["mode"], 8)
    except ValueError:
        raise Failure("%s: mode %r is not an octal mode" % (spec["path"], spec["mode"]))
    try:
        return mode, pwd.getpwnam(spec["owner"]).pw_uid, grp.getgrnam(spec["group"]).gr_gid
    except KeyError as error:
        raise Failure("%s: no such user or group on this host: %s" % (spec["path"], error))


def serving_problems(interfaces, networks, addresses, variable="interfaces", absent_ok=False, planned=None):
    """[(where, value, rule)] for each interface a daemon serves on without an IPv4 address in ``networks``.

    A daemon such as dhcpd refuses to start when a listening interface has no address in a declared
    subnet, which would take a working server down: this finds it first. ``addresses`` is
    {interface: [CIDR]} of the host. ``absent_ok`` passes an interface the host does not have yet
    (check mode, where an earlier step only predicted the bridge that will carry the address) and,
    with it, counts ``planned`` ({interface: [CIDR]}, the addresses an earlier step of the run gives)
    as present.
    """
    if not interfaces:
        return [(variable, interfaces, "is empty: the service must listen on the interfaces that face its clients")]
    networks = [ipaddress.IPv4Network(network) for network in networks]
    present = dict(addresses)
    if absent_ok:
        for name, cidrs in (planned or {}).items():
            present[name] = list(present.get(name, [])) + list(cidrs)
    problems = []
    for index, name in enumerate(interfaces):
        where = "%s[%d]" % (variable, index)
        if name not in present:
            if not absent_ok:
                problems.append((where, name, "is not an interface of this host"))
            continue
        carried = [address.split("/")[0] for address in present[name] if ":" not in address]
        if not any(ipaddress.IPv4Address(address) in network for address in carried for network in networks):
            problems.append((where, name, "has no address in a network the service serves (%s; it has %s): it would "
                                          "refuse to start" % (", ".join(str(network) for network in networks),
                                                               ", ".join(carried) or "none")))
    return problems


def predicted(actions, rewritten, settings_changed):
    """For check mode: what this call would change, per action (a bool, or the keys for a keyed action).

    ``rewritten``: the files whose content changes (a mode alone obliges no action)."""
    found = {}
    for action in actions:
        keys = [key for path in action.files for key in settings_changed.get(path, [])]
        whole = any(path in rewritten for path in action.files)
        found[action.name] = True if whole else keys
    return found


def _ours(path):
    """Whether a file is there and one the collection wrote."""
    return (files.read_text(path) or "").startswith(OURS)


class Service:
    """One call of service_files; ``params`` are the module's."""

    def __init__(self, module, params):
        self.module, self.params = module, params
        self.diff = []
        self.previous = {}

    def revert(self, action):
        """Puts back what this call changed of an action's files and runs the action again (the
        daemon reads its previous files once more); returns what to add to the failure's message."""
        restored = []
        for path in action.files:
            if path not in self.previous:
                continue
            content, attributes = self.previous[path]
            if content is None:
                files.remove(path)
            else:
                mode, uid, gid = attributes
                files.replace(files.stage(path, content), path, mode, uid, gid)
            restored.append(path)
        if not restored:
            return ""
        rc, out, err = self.run(action.argv(self.module.get_bin_path("systemctl") or "systemctl"))
        again = "" if rc == 0 else " (and it fails on them too: %s)" % (err or out).strip()
        return "; the previous %s %s back%s" % (", ".join(restored), "is" if len(restored) == 1 else "are", again)

    def run(self, argv):
        return self.module.run_command(argv)

    def systemctl(self):
        return self.module.get_bin_path("systemctl", required=True)

    # 1. What the host must have before anything changes.
    def check_requirements(self):
        required = self.params.get("requires") or {}
        problems = []
        for path, variable in sorted((required.get("executables") or {}).items()):
            if not (os.path.isfile(path) and os.access(path, os.X_OK)):
                problems.append("%s: %s is not an executable on this host" % (variable, path))
        for name, variable in sorted((required.get("users") or {}).items()):
            try:
                pwd.getpwnam(name)
            except KeyError:
                problems.append("%s: no user %s exists on this host" % (variable, name))
        links = IpRoute(self.module).links() if required.get("bridges") else {}
        for name, variable in sorted((required.get("bridges") or {}).items()):
            if ((links.get(name) or {}).get("linkinfo") or {}).get("info_kind") != "bridge":
                problems.append("%s: %s is not a bridge on this host" % (variable, name))
        if problems and self.module.check_mode:
            # A package this run installs first may bring them: check mode can only say so.
            self.module.warn("; ".join(problems) + " (yet: a package this run installs may bring it)")
        elif problems:
            raise Failure("nothing was changed: %s" % "; ".join(problems))
        listen = self.params.get("listen")
        if listen:
            found = serving_problems(listen["interfaces"], listen["networks"], IpRoute(self.module).addresses(),
                                     variable=listen["variable"], absent_ok=self.module.check_mode,
                                     planned=listen["planned"])
            if found:
                raise Failure("nothing was changed: %s" % "; ".join("%s: %r %s" % problem for problem in found))

    # 2. Directories, files, settings and kernel settings.
    def directory_changes(self):
        """The directories to make, or whose mode or owner to set: [(path, (mode, uid, gid))]."""
        found = []
        for spec in self.params["directories"]:
            wanted = _attributes(spec)
            now = files.attributes(spec["path"])
            if now != wanted:
                found.append((spec["path"], wanted))
                self.diff.append(dict(before_header=spec["path"], after_header=spec["path"],
                                      before="absent\n" if now is None else "directory, mode %04o, owner %d:%d\n" % now,
                                      after="directory, mode %04o, owner %d:%d\n" % wanted))
        return found

    def file_changes(self):
        """([spec whose content changes], [spec whose mode or owner alone does], [path to remove])."""
        content, attributes, absent = [], [], []
        for spec in self.params["files"]:
            before = files.read_text(spec["path"])
            if spec["state"] == "absent":
                if before is not None and (not spec.get("ours") or before.startswith(spec["ours"])):
                    absent.append(spec["path"])
                    self.diff.append(dict(before_header=spec["path"], before=before, after_header=spec["path"],
                                          after=""))
                continue
            if spec.get("content") is None:
                raise Failure("files[%s]: content is required unless the file is absent" % spec["path"])
            wanted = _attributes(spec)
            if before != spec["content"]:
                content.append(spec)
                self.diff.append(dict(before_header=spec["path"], before=before or "", after_header=spec["path"],
                                      after=spec["content"]))
            elif files.attributes(spec["path"]) != wanted:
                attributes.append(spec)
                self.diff.append(dict(before_header=spec["path"], after_header=spec["path"],
                                      before="mode %04o, owner %d:%d\n" % files.attributes(spec["path"]),
                                      after="mode %04o, owner %d:%d\n" % wanted))
        return content, attributes, absent

    def settings_changes(self):
        """([(spec, new text)], {path: changed keys}) of the shell assignments."""
        changes, changed = [], {}
        for spec in self.params["settings"]:
            before = files.read_text(spec["path"])
            try:
                if spec.get("section") is not None:
                    after, keys = inifile.edited(before or "", spec["section"], spec["values"])
                else:
                    after, keys = eucaconf.edited(before or "", spec["values"], spec.get("owned") or ())
            except ValueError as error:
                raise Failure("settings[%s]: %s" % (spec["path"], error))
            if keys:
                changes.append((spec, after))
                changed[spec["path"]] = sorted(keys)
                self.diff.append(dict(before_header=spec["path"], before=before or "", after_header=spec["path"],
                                      after=after))
        return changes, changed

    def sysctl_changes(self):
        """{name: value before} of the kernel settings that differ."""
        found = {}
        for name, value in sorted(self.params["sysctls"].items()):
            now = files.read_text(_sysctl_path(name))
            if now is None:
                raise Failure("sysctls: %s is not a setting of this kernel" % name)
            if now.strip() != str(value):
                found[name] = now.strip()
        if found:
            self.diff.append(dict(before_header="kernel settings", after_header="kernel settings",
                                  before="".join("%s = %s\n" % item for item in sorted(found.items())),
                                  after="".join("%s = %s\n" % (name, self.params["sysctls"][name]) for name in found)))
        return found

    def make_directories(self, changes):
        for path, (mode, uid, gid) in changes:
            if not os.path.isdir(path):
                os.makedirs(path, mode)
            os.chmod(path, mode)
            os.chown(path, uid, gid)

    def write(self, content, attributes, absent, settings, sysctls, actions, records):
        """Every file staged and checked before any replaces a working one; then the actions' files
        noted, the files put in place and removed, the kernel settings set. What each replaced or
        removed file held before is kept (``previous``) for an action that reverts on failure."""
        staged = []
        # A file the host's package has not put there yet (eucalyptus.conf before the product is
        # installed): its directory is made, as the package would.
        for path in [spec["path"] for spec in content] + [spec["path"] for spec, _after in settings]:
            if not os.path.isdir(os.path.dirname(path) or "."):
                os.makedirs(os.path.dirname(path), 0o755)
        try:
            for spec in content:
                staged.append((files.stage(spec["path"], spec["content"], spec.get("validate"), self.run),
                               spec["path"], _attributes(spec)))
            for spec, after in settings:
                kept = files.attributes(spec["path"]) or (0o644, 0, 0)
                staged.append((files.stage(spec["path"], after, spec.get("validate"), self.run), spec["path"], kept))
        except files.FileError as error:
            for temporary, _path, _wanted in staged:
                os.remove(temporary)
            raise Failure(str(error))
        pending.record_before(actions, records, files.read_text)
        self.previous = {path: (files.read_text(path), files.attributes(path))
                         for path in [path for _temporary, path, _wanted in staged] + list(absent)}
        for temporary, path, (mode, uid, gid) in staged:
            files.replace(temporary, path, mode, uid, gid)
        for spec in attributes:
            mode, uid, gid = _attributes(spec)
            os.chmod(spec["path"], mode)
            os.chown(spec["path"], uid, gid)
        for path in absent:
            files.remove(path)
        for name in sysctls:
            with open(_sysctl_path(name), "w") as stream:
                stream.write("%s\n" % self.params["sysctls"][name])

    # 3. Units, after the actions.
    def unit_changes(self, ours):
        """[(verb, unit)] that bring the units to the declared state: enable/disable, then start/stop.
        ``ours``: the paths that were the collection's before this call (a unit's ``when_ours``)."""
        changes = []
        for unit in self.params["units"]:
            if unit.get("when_ours") and unit["when_ours"] not in ours:
                continue
            if unit.get("enabled") is not None:
                _rc, out, _err = self.run([self.systemctl(), "is-enabled", unit["name"]])
                if unit["enabled"] != (out.strip() == "enabled"):
                    changes.append(("enable" if unit["enabled"] else "disable", unit["name"]))
            if unit.get("started") is not None:
                _rc, out, _err = self.run([self.systemctl(), "is-active", unit["name"]])
                if unit["started"] != (out.strip() == "active"):
                    changes.append(("start" if unit["started"] else "stop", unit["name"]))
        return changes

    def apply_units(self, changes):
        for verb, name in changes:
            rc, out, err = self.run([self.systemctl(), verb, name])
            if rc:
                raise Failure("systemctl %s %s failed: %s" % (verb, name, (err or out).strip()))


def _sysctl_path(name):
    return os.path.join("/proc/sys", name.replace(".", "/"))


def apply(module):
    """The whole call; returns the module's result. Raises Failure naming what cannot be applied."""
    params = module.params
    problems = pending.validate(params["actions"])
    if problems:
        raise Failure("; ".join(problems))
    actions = [pending.Action(spec) for spec in params["actions"]]
    service = Service(module, params)
    service.check_requirements()
    ours = [unit["when_ours"] for unit in params["units"] if unit.get("when_ours") and _ours(unit["when_ours"])]
    directories = service.directory_changes()
    content, attributes, absent = service.file_changes()
    settings, settings_changed = service.settings_changes()
    sysctls = service.sysctl_changes()

    records = pending.Records(params["record_directory"])
    if not module.check_mode:
        service.make_directories(directories)
        service.write(content, attributes, absent, settings, sysctls, actions, records)
    written = sorted(set(spec["path"] for spec in content + attributes) | set(settings_changed) | set(absent)
                     | set(path for path, _wanted in directories))

    guess = predicted(actions, [spec["path"] for spec in content] + absent, settings_changed) if module.check_mode \
        else None
    done = pending.do_owed(module, actions, records, guess, on_failure=service.revert)
    if done["actions"]:
        service.diff.append(dict(before_header="pending actions", before="", after_header="pending actions",
                                 after="".join("%s: %s\n" % (action["name"], action["reason"])
                                               for action in done["actions"])))
    units = service.unit_changes(ours)
    if not module.check_mode:
        service.apply_units(units)
    shown_units = ["%s %s" % (PAST[verb], name) for verb, name in units]
    if units:
        service.diff.append(dict(before_header="units", before="", after_header="units",
                                 after="".join("%s\n" % text for text in shown_units)))
    changed = bool(written or sysctls or done["actions"] or units)
    return dict(changed=changed, written=written, removed=absent, sysctls=sysctls, units=shown_units,
                diff=service.diff, **done)
