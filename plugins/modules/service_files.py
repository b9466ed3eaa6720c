#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: service_files
short_description: A service's files, the kernel settings it needs, what their change obliges and its units, in one call
version_added: 0.3.0
description:
  - Applies in one call what a role otherwise spreads over a task per file and per unit - checks
    that the interfaces it serves on carry an address it can serve (O(listen)), writes
    each of O(files) whole (checked by its O(files[].validate) command before it replaces the
    working file), sets the shell assignments of O(settings) in files the service shares with its
    package (every other line kept), holds O(sysctls) in the running kernel, does what the change
    obliges (O(actions), as M(privatecloud.iaas.pending_actions) does), and keeps O(units)
    enabled and running.
  - The actions are kept on the host until done. Before any file changes, what the files hold is
    recorded; a run that dies after a change and before its action leaves the record, and the next
    call does the action still owed.
  - The order is the order a service needs - files and settings, kernel settings, actions (a
    systemd reload before a restart, if listed so), then units, so a unit first started here reads
    its new files and is not restarted again.
options:
  files:
    description: Files written whole.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Where the file goes; its directory must exist.
        type: path
        required: true
      content:
        description: What it holds.
        type: str
        required: true
      mode:
        description: Its permissions, in octal.
        type: str
        default: "0644"
      owner:
        description: Its owner.
        type: str
        default: root
      group:
        description: Its group.
        type: str
        default: root
      validate:
        description:
          - A command that checks the new content, C(%s) standing for a temporary copy of it;
            the file is not replaced when the command fails.
        type: str
  settings:
    description: Shell assignments (C(KEY="value")) set in a file the service shares with its package.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The file; created with mode C(0644) when missing.
        type: path
        required: true
      values:
        description: The keys and their values; other lines of the file are kept as they are.
        type: dict
        required: true
  listen:
    description:
      - Interfaces the service serves on, each of which must carry an IPv4 address in one of
        O(listen.networks) - checked on the host before any file is replaced, since a daemon such
        as dhcpd refuses to start otherwise and a restart would take a working server down.
      - In check mode an interface the host does not have yet passes (an earlier step of the run
        only predicted it), and O(listen.planned) counts as present.
    type: dict
    suboptions:
      interfaces:
        description: The interfaces.
        type: list
        elements: str
        required: true
      networks:
        description: The networks (CIDR) the service serves.
        type: list
        elements: str
        required: true
      planned:
        description: Addresses an earlier step of the run gives the interfaces, for check mode - a list of CIDR addresses per interface.
        type: dict
        default: {}
      variable:
        description: The setting that names the interfaces, as the messages call it.
        type: str
        default: interfaces
  sysctls:
    description: Kernel settings held in the running kernel (C(net.ipv4.ip_forward) - C(1)).
    type: dict
    default: {}
  units:
    description: systemd units kept enabled (or disabled) at boot, and started.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The unit.
        type: str
        required: true
      enabled:
        description: Whether it starts at boot; not looked at when omitted.
        type: bool
      started:
        description: Whether it runs now; not looked at when omitted.
        type: bool
  record:
    description:
      - The role's record, written as M(privatecloud.iaas.role_record) writes it once everything
        above is done - the options of M(privatecloud.iaas.role_record). A role whose last task
        this is needs no task of its own for it. Writing it is not reported as a change; check
        mode writes nothing.
    type: dict
  record_directory:
    description: Where the actions' records are kept.
    type: path
    default: /run/privatecloud-iaas/pending
attributes:
  check_mode:
    description: Reports what would be written, set, done and started, and does nothing.
    support: full
  diff_mode:
    description: Shows each file before and after, the kernel settings and units changed, and the actions owed.
    support: full
  platform:
    description: A host with systemd for O(units) and the actions' services.
    support: full
    platforms: posix
extends_documentation_fragment:
  - privatecloud.iaas.actions
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Serve DHCP from the new configuration
  privatecloud.iaas.service_files:
    files:
      - path: /etc/dhcp/dhcpd.conf
        content: "{{ dhcpd_configuration }}"
        validate: /usr/sbin/dhcpd -t -cf %s
    settings:
      - path: /etc/default/isc-dhcp-server
        values: {INTERFACESv4: br0}
    actions:
      - name: restart dhcpd
        service: isc-dhcp-server
        files: [/etc/dhcp/dhcpd.conf, /etc/default/isc-dhcp-server]
    units:
      - {name: isc-dhcp-server, enabled: true, started: true}

- name: Forward IPv4, now and from boot on
  privatecloud.iaas.service_files:
    files:
      - path: /etc/sysctl.d/60-forward.conf
        content: "net.ipv4.ip_forward = 1\n"
    sysctls: {net.ipv4.ip_forward: "1"}
"""

RETURN = r"""
written:
  description: The files written (in check mode, that would be), and those whose settings changed.
  returned: always
  type: list
  elements: str
  sample: [/etc/dhcp/dhcpd.conf]
sysctls:
  description: The kernel settings changed, each with its value before.
  returned: always
  type: dict
  sample: {net.ipv4.ip_forward: "0"}
actions:
  description: The actions done (in check mode, owed), each with its reason.
  returned: always
  type: list
  elements: dict
  sample: [{name: restart dhcpd, reason: "/etc/dhcp/dhcpd.conf changed since 2026-11-29 00:40:01 UTC"}]
left_undone:
  description: Owed actions left undone, and why (the service does not run yet, the program is not installed).
  returned: always
  type: list
  elements: dict
units:
  description: What was done to the units (C(enabled isc-dhcp-server), C(started isc-dhcp-server)).
  returned: always
  type: list
  elements: str
record:
  description: The path of the role's record, with O(record).
  returned: with O(record)
  type: str
  sample: /var/lib/privatecloud-iaas/roles/dhcpd.json
"""

import grp
import os
import pwd
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.privatecloud.iaas.plugins.module_utils.bridge import serving_problems
from ansible_collections.privatecloud.iaas.plugins.module_utils.eucaconf import ConfError, plan
from ansible_collections.privatecloud.iaas.plugins.module_utils.iproute import IpRoute
from ansible_collections.privatecloud.iaas.plugins.module_utils.pending import (
    ACTION_OPTIONS, DIRECTORY, Action, Records, do_owed, read_text, record_before, validate)
from ansible_collections.privatecloud.iaas.plugins.module_utils.role_records import RECORD_OPTIONS, write_record


class Failure(Exception):
    """A file, setting or unit this call cannot apply; the message names it."""


PAST = {"enable": "enabled", "disable": "disabled", "start": "started", "stop": "stopped"}


def _attributes(spec):
    """(mode, uid, gid) the spec asks for; a name the host does not know fails, naming it."""
    try:
        mode = int(spec["mode"], 8)
    except ValueError:
        raise Failure("files[%s].mode: %r is not an octal mode" % (spec["path"], spec["mode"]))
    try:
        return mode, pwd.getpwnam(spec["owner"]).pw_uid, grp.getgrnam(spec["group"]).gr_gid
    except KeyError as error:
        raise Failure("files[%s]: no such user or group on this host: %s" % (spec["path"], error))


def _attributes_differ(path, attributes):
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return False
    return (found.st_mode & 0o7777, found.st_uid, found.st_gid) != attributes


def _kept_attributes(path):
    """A shared file keeps its mode and owner; a new one is root's, 0644."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return 0o644, 0, 0
    return found.st_mode & 0o7777, found.st_uid, found.st_gid


def _staged(module, path, content, validate=None):
    """A temporary copy of the new content beside ``path``, checked by ``validate``; the working file is untouched."""
    if validate and "%s" not in validate:
        raise Failure("files[%s].validate: %r has no %%s for the file to check" % (path, validate))
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".privatecloud-iaas-")
    with os.fdopen(handle, "w") as stream:
        stream.write(content)
    if validate:
        rc, out, err = module.run_command(validate % temporary)
        if rc:
            os.remove(temporary)
            raise Failure("%s: the new content fails %r (exit %d); the working file is kept: %s" % (
                path, validate, rc, (err or out).strip()))
    return temporary


def _replace(module, temporary, path, attributes):
    mode, uid, gid = attributes
    module.atomic_move(temporary, path)
    # After the move: it gives the new file the old one's mode and owner.
    os.chmod(path, mode)
    os.chown(path, uid, gid)


def _check_listen(module, listen):
    problems = serving_problems(listen["interfaces"], listen["networks"], IpRoute(module).addresses(),
                                variable=listen["variable"], absent_ok=module.check_mode, planned=listen["planned"])
    if problems:
        raise Failure("nothing was changed: %s" % "; ".join("%s: %r %s" % problem for problem in problems))


def _sysctl_path(name):
    return os.path.join("/proc/sys", name.replace(".", "/"))


def _unit_changes(module, units):
    """[(verb, unit)] that bring the units to the declared state: enable/disable, then start/stop."""
    systemctl = module.get_bin_path("systemctl", required=True)
    changes = []
    for unit in units:
        if unit.get("enabled") is not None:
            _rc, out, _err = module.run_command([systemctl, "is-enabled", unit["name"]])
            if unit["enabled"] != (out.strip() == "enabled"):
                changes.append(("enable" if unit["enabled"] else "disable", unit["name"]))
        if unit.get("started") is not None:
            _rc, out, _err = module.run_command([systemctl, "is-active", unit["name"]])
            if unit["started"] != (out.strip() == "active"):
                changes.append(("start" if unit["started"] else "stop", unit["name"]))
    return changes


def _predicted(actions, rewritten, settings_changed):
    """For check mode: what this call would change, per action (a bool, or the keys for a keyed action).

    ``rewritten``: the files whose content changes (a mode alone obliges no action)."""
    predicted = {}
    for action in actions:
        keys = [key for path in action.files for key in settings_changed.get(path, [])]
        whole = any(path in rewritten for path in action.files)
        predicted[action.name] = True if whole else keys
    return predicted


def apply(module):
    params = module.params
    problems = validate(params["actions"])
    if problems:
        raise Failure("; ".join(problems))
    actions = [Action(spec) for spec in params["actions"]]
    diff = []
    if params["listen"]:
        _check_listen(module, params["listen"])

    file_changes, attribute_changes = [], []
    for spec in params["files"]:
        before = read_text(spec["path"])
        if before != spec["content"]:
            file_changes.append(spec)
            diff.append(dict(before_header=spec["path"], before=before or "", after_header=spec["path"],
                             after=spec["content"]))
        elif _attributes_differ(spec["path"], _attributes(spec)):
            attribute_changes.append(spec)
            found = os.stat(spec["path"])
            diff.append(dict(before_header=spec["path"], after_header=spec["path"],
                             before="mode %04o, owner %d:%d\n" % (found.st_mode & 0o7777, found.st_uid, found.st_gid),
                             after="mode %04o, owner %d:%d\n" % _attributes(spec)))

    settings_changes, settings_changed = [], {}
    for spec in params["settings"]:
        before = read_text(spec["path"])
        try:
            after, changed_keys = plan(before or "", spec["values"])
        except ConfError as error:
            raise Failure("settings[%s]: %s" % (spec["path"], error))
        if changed_keys:
            settings_changes.append((spec, after))
            settings_changed[spec["path"]] = sorted(changed_keys)
            diff.append(dict(before_header=spec["path"], before=before or "", after_header=spec["path"], after=after))

    sysctls = {}
    for name, value in sorted(params["sysctls"].items()):
        now = read_text(_sysctl_path(name))
        if now is None:
            raise Failure("sysctls: %s is not a setting of this kernel" % name)
        if now.strip() != str(value):
            sysctls[name] = now.strip()
    if sysctls:
        diff.append(dict(before_header="kernel settings", after_header="kernel settings",
                         before="".join("%s = %s\n" % item for item in sorted(sysctls.items())),
                         after="".join("%s = %s\n" % (name, params["sysctls"][name]) for name in sorted(sysctls))))

    records = Records(params["record_directory"])
    if not module.check_mode:
        # Every new file is staged and checked before any replaces a working one.
        staged = []
        try:
            for spec in file_changes:
                staged.append((_staged(module, spec["path"], spec["content"], spec.get("validate")), spec["path"],
                               _attributes(spec)))
            for spec, after in settings_changes:
                staged.append((_staged(module, spec["path"], after), spec["path"], _kept_attributes(spec["path"])))
        except Failure:
            for temporary, _path, _attributes_wanted in staged:
                os.remove(temporary)
            raise
        record_before(actions, records, read_text)
        for temporary, path, attributes in staged:
            _replace(module, temporary, path, attributes)
        for spec in attribute_changes:
            mode, uid, gid = _attributes(spec)
            os.chmod(spec["path"], mode)
            os.chown(spec["path"], uid, gid)
        for name in sysctls:
            with open(_sysctl_path(name), "w") as stream:
                stream.write("%s\n" % params["sysctls"][name])
    written = sorted(set(spec["path"] for spec in file_changes + attribute_changes) | set(settings_changed))

    predicted = _predicted(actions, [spec["path"] for spec in file_changes], settings_changed) if module.check_mode else None
    done = do_owed(module, actions, records, predicted)
    if done["actions"]:
        diff.append(dict(before_header="pending actions", before="", after_header="pending actions",
                         after="".join("%s: %s\n" % (action["name"], action["reason"]) for action in done["actions"])))

    # After the actions: a unit started here starts from its new files (and systemd's reload).
    units = _unit_changes(module, params["units"])
    if units and not module.check_mode:
        systemctl = module.get_bin_path("systemctl", required=True)
        for verb, name in units:
            rc, out, err = module.run_command([systemctl, verb, name])
            if rc:
                raise Failure("systemctl %s %s failed: %s" % (verb, name, (err or out).strip()))
    shown_units = ["%s %s" % (PAST[verb], name) for verb, name in units]
    if units:
        diff.append(dict(before_header="units", before="", after_header="units", after="".join(
            "%s\n" % text for text in shown_units)))
    changed = bool(written or sysctls or done["actions"] or units)
    return dict(changed=changed, written=written, sysctls=sysctls, units=shown_units, diff=diff, **done)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            files=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="path", required=True),
                content=dict(type="str", required=True),
                mode=dict(type="str", default="0644"),
                owner=dict(type="str", default="root"),
                group=dict(type="str", default="root"),
                validate=dict(type="str"),
            )),
            settings=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="path", required=True),
                values=dict(type="dict", required=True),
            )),
            listen=dict(type="dict", options=dict(
                interfaces=dict(type="list", elements="str", required=True),
                networks=dict(type="list", elements="str", required=True),
                planned=dict(type="dict", default={}),
                variable=dict(type="str", default="interfaces"),
            )),
            sysctls=dict(type="dict", default={}),
            actions=dict(type="list", elements="dict", default=[], options=ACTION_OPTIONS),
            units=dict(type="list", elements="dict", default=[], options=dict(
                name=dict(type="str", required=True),
                enabled=dict(type="bool"),
                started=dict(type="bool"),
            )),
            # role_record's options, checked against its spec below (documented there, not repeated).
            record=dict(type="dict"),
            record_directory=dict(type="path", default=DIRECTORY),
        ),
        supports_check_mode=True,
    )
    try:
        result = apply(module)
    except Failure as error:
        module.fail_json(msg=str(error))
    if module.params["record"]:
        checked = ArgumentSpecValidator(RECORD_OPTIONS).validate(module.params["record"])
        if checked.error_messages:
            module.fail_json(msg="record: %s" % "; ".join(checked.error_messages), **result)
        result["record"] = write_record(module, checked.validated_parameters)[0]
    result["msg"] = "; ".join(
        result["written"] + ["%s = %s" % (name, module.params["sysctls"][name]) for name in result["sysctls"]]
        + ["%s (%s)" % (action["name"], action["reason"]) for action in result["actions"]] + result["units"]) or "nothing to change"
    module.exit_json(**result)


if __name__ == "__main__":
    main()
