# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a configuration change obliges a host to do (restart, reload, re-export), kept on the host.

Before a role may change a daemon's files, it records on the host what those files hold now (their
SHA-256, or for an action with ``keys`` the values of those shell keys): the configuration the
daemon runs with. After the changes, an action is due exactly when the files no longer match that
record; once done, the record goes. A run that dies between a change and its action leaves the
record behind, and the next run's "before" keeps it instead of taking a new one, so the next
"after" still finds the difference and does the action. The records live in /run: a reboot starts
every daemon with the files as they are, so nothing is owed after one.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import time

from ansible_collections.privatecloud.iaas.plugins.module_utils import files
from ansible_collections.privatecloud.iaas.plugins.module_utils.eucaconf import parse

DIRECTORY = "/run/privatecloud-iaas/pending"

# The actions' argument spec, shared by the modules that take them.
ACTION_OPTIONS = dict(
    name=dict(type="str", required=True),
    files=dict(type="list", elements="path", required=True),
    keys=dict(type="list", elements="str", default=[], no_log=False),
    service=dict(type="str"),
    state=dict(type="str", default="restarted", choices=["restarted", "reloaded"]),
    command=dict(type="list", elements="str"),
    supersedes=dict(type="list", elements="str", default=[]),
    fail_on_stderr=dict(type="bool", default=False),
    revert_on_failure=dict(type="bool", default=False),
)


class Action:
    """One thing a daemon needs when its files change; ``spec`` is the module's action option."""

    def __init__(self, spec):
        self.name = spec["name"]
        self.files = list(spec["files"])
        self.keys = list(spec.get("keys") or [])
        self.supersedes = list(spec.get("supersedes") or [])
        self.service = spec.get("service")
        self.command = list(spec.get("command") or [])
        self.state = spec.get("state") or "restarted"
        self.fail_on_stderr = bool(spec.get("fail_on_stderr"))
        self.revert_on_failure = bool(spec.get("revert_on_failure"))

    def fingerprint(self, read):
        """{path: digest or {key: value}} of the files as they are; ``read(path)`` is None when absent."""
        found = {}
        for path in self.files:
            text = read(path)
            if self.keys:
                values = parse(text or "")
                found[path] = dict((key, value) for key, value in sorted(values.items())
                                   if any(fnmatch.fnmatchcase(key, pattern) for pattern in self.keys))
            else:
                found[path] = None if text is None else hashlib.sha256(text.encode()).hexdigest()
        return found

    def differences(self, recorded, now):
        """What changed between two fingerprints, in words: ['/etc/chrony/chrony.conf changed', 'VNET_MODE "STATIC" -> "SYSTEM"']."""
        found = []
        for path in self.files:
            before, after = recorded.get(path), now.get(path)
            if before == after:
                continue
            if not self.keys:
                found.append("%s changed" % path)
                continue
            before, after = before or {}, after or {}
            for key in sorted(set(before) | set(after)):
                if before.get(key) != after.get(key):
                    found.append("%s %s -> %s" % (key, _shown(before.get(key)), _shown(after.get(key))))
        return found

    def predicted(self, changed):
        """Whether this run's own change (``changed``: a bool, or the keys a task changed) needs the action."""
        if isinstance(changed, (list, tuple)):
            if not self.keys:
                return bool(changed)
            return any(fnmatch.fnmatchcase(key, pattern) for key in changed for pattern in self.keys)
        return bool(changed)

    def argv(self, systemctl):
        """The command that does the action: a service is restarted (reloaded) only if it runs."""
        if self.service:
            verb = "try-reload-or-restart" if self.state == "reloaded" else "try-restart"
            return [systemctl, verb, self.service]
        return list(self.command)


def _shown(value):
    return "(unset)" if value is None else '"%s"' % value


def validate(specs):
    """Problems with the action list, each naming the action and the rule."""
    problems, names = [], set()
    for spec in specs:
        name = spec.get("name")
        if name in names:
            problems.append("actions: %r appears twice; each action needs a name of its own" % name)
        names.add(name)
        if bool(spec.get("service")) == bool(spec.get("command")):
            problems.append("actions[%s]: give exactly one of service and command" % name)
        if not spec.get("files"):
            problems.append("actions[%s]: files must name the configuration the action depends on" % name)
    for spec in specs:
        for other in spec.get("supersedes") or []:
            if other not in names:
                problems.append("actions[%s].supersedes: %r is not an action of this call" % (spec.get("name"), other))
    return problems


class Records:
    """The records on the host, one JSON file per action in ``directory``."""

    def __init__(self, directory=DIRECTORY):
        self.directory = directory

    def path(self, name):
        return os.path.join(self.directory, re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".json")

    def read(self, name):
        try:
            with open(self.path(name)) as stream:
                return json.load(stream)
        except (OSError, ValueError):
            return None

    def write(self, name, record):
        os.makedirs(self.directory, 0o700, exist_ok=True)
        files.write(self.path(name), json.dumps(record, sort_keys=True), mode=0o600)

    def remove(self, name):
        try:
            os.remove(self.path(name))
        except FileNotFoundError:
            pass


def record_before(actions, records, read, now=None):
    """Record what each action's files hold, unless a run that did not finish recorded it first.

    Returns the names whose record an earlier run left (their action is still owed, or not).
    """
    left = []
    for action in actions:
        if records.read(action.name) is not None:
            left.append(action.name)
            continue
        records.write(action.name, {"since": now or time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                                    "files": action.fingerprint(read)})
    return left


def due(actions, records, read, changed=None):
    """[(action, reason)] of the actions owed now, in the given order, and the names they make unnecessary.

    An action is owed when its files differ from its record, or when ``changed`` (name -> bool or
    changed keys) says this run changes them (the prediction check mode gives, where nothing is
    written). An action another owed one supersedes is not done again.
    """
    changed = changed or {}
    owed = []
    for action in actions:
        record = records.read(action.name)
        differences = action.differences(record["files"], action.fingerprint(read)) if record else []
        if differences:
            owed.append((action, "%s since %s" % (", ".join(differences), record["since"])))
        elif action.predicted(changed.get(action.name)):
            owed.append((action, "this run changes %s" % ", ".join(action.files)))
    superseded = set(name for action, _reason in owed for name in action.supersedes)
    return [(action, reason) for action, reason in owed if action.name not in superseded], superseded


def _not_ready(module, action):
    """Why an owed action cannot be done now, or None."""
    if action.service:
        _rc, out, _err = module.run_command([module.get_bin_path("systemctl", required=True), "is-active",
                                             action.service])
        if out.strip() != "active":
            return "%s does not run; it reads its files when it starts" % action.service
    elif os.path.isabs(action.command[0]) and not os.path.exists(action.command[0]):
        return "%s is not installed" % action.command[0]
    return None


def do_owed(module, actions, records, predicted=None, on_failure=None):
    """Does (in check mode, reports) the actions owed now and clears their records; fails the module on an action that fails.

    ``predicted``: in check mode, what this run would change per action (nothing is written, so the
    records cannot show it). ``on_failure(action)``: for an action that reverts on failure, puts its
    files back and returns what to add to the message. Returns {"actions": done, "left_undone":
    owed but not ready}.
    """
    result = dict(actions=[], left_undone=[])
    owed, superseded = due(actions, records, files.read_text, predicted if module.check_mode else None)
    for action, reason in owed:
        why_not = _not_ready(module, action)
        if why_not:
            result["left_undone"].append(dict(name=action.name, reason=reason, because=why_not))
            continue
        if not module.check_mode:
            rc, out, err = module.run_command(action.argv(module.get_bin_path("systemctl") or "systemctl"))
            if rc or (action.fail_on_stderr and err.strip()):
                reverted = on_failure(action) if on_failure and action.revert_on_failure else ""
                if reverted:
                    records.remove(action.name)
                module.fail_json(msg="%s (%s) failed: %s%s" % (action.name, reason, (err or out).strip(), reverted),
                                 rc=rc, stdout=out, stderr=err, **result)
            records.remove(action.name)
        result["actions"].append(dict(name=action.name, reason=reason))
    if not module.check_mode:
        # Done, superseded, not due or not ready: nothing is owed for these files any more.
        for action in actions:
            records.remove(action.name)
    if superseded:
        result["superseded"] = sorted(superseded)
    return result
