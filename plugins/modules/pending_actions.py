#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: pending_actions
short_description: Restarts, reloads and re-exports that configuration changes oblige, kept on the host until done
version_added: 0.2.0
description:
  - Called twice around the tasks that may change a set of daemons' files. With O(stage=before) it
    records on the host, per action, what the files hold now (their SHA-256, or with O(actions[].keys)
    the values of those shell keys). With O(stage=after) it does every action whose files no longer
    match their record, in the given order, and removes the records.
  - A run that dies after a change and before its action leaves the record behind. The next run's
    O(stage=before) keeps that record, so its O(stage=after) finds the difference and does the action
    still owed, reported as a change with the reason. Nothing is owed after a reboot (the records
    are in C(/run)).
  - A service is restarted (reloaded) only if it runs (C(systemctl try-restart)); a stopped one
    reads its files when it starts. A O(actions[].command) whose program is absent is skipped, so an
    action can be listed before its package is installed.
  - An action that fails keeps its record and those of the actions after it, and the module fails.
options:
  stage:
    description: V(before) the files may change, or V(after).
    type: str
    required: true
    choices: [before, after]
  actions:
    description: What the daemons need when their files change, in the order to do it.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Names the action in reports and its record on the host.
        type: str
        required: true
      files:
        description: The files the action depends on.
        type: list
        elements: path
        required: true
      keys:
        description:
          - Only these shell assignments (C(KEY="value"), shell patterns such as C(VNET_*)) of the
            files count; other lines may change without the action.
        type: list
        elements: str
        default: []
      service:
        description: A systemd unit to restart or reload. Exactly one of O(actions[].service) and O(actions[].command).
        type: str
      state:
        description: What to do to O(actions[].service).
        type: str
        default: restarted
        choices: [restarted, reloaded]
      command:
        description: The command to run (an argument list, without a shell).
        type: list
        elements: str
      supersedes:
        description: Actions of this call that this one makes unnecessary when both are owed (a clean restart a restart).
        type: list
        elements: str
        default: []
      fail_on_stderr:
        description: Fail when O(actions[].command) writes to standard error (C(exportfs) reports refused lines there and exits 0).
        type: bool
        default: false
  changed:
    description:
      - Whether this run changed (in check mode, would change) the actions' files - V(true), or the
        list of keys that changed, matched against O(actions[].keys) - for every action, or as a
        mapping per action name.
      - Only check mode uses it, where nothing is written and the records cannot show the change.
    type: raw
    default: {}
  record_directory:
    description: Where the records are kept.
    type: path
    default: /run/privatecloud-iaas/pending
attributes:
  check_mode:
    description: O(stage=before) records nothing; O(stage=after) reports the actions owed, from an earlier run's records and O(changed).
    support: full
  diff_mode:
    description: Shows the actions owed and why.
    support: full
  platform:
    description: A host with systemd for O(actions[].service).
    support: full
    platforms: posix
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Note what chrony runs with
  privatecloud.iaas.pending_actions:
    stage: before
    actions: &chrony_actions
      - {name: restart chrony, service: chrony, files: [/etc/chrony/chrony.conf]}

- name: Configure chrony
  ansible.builtin.template:
    src: chrony.conf.j2
    dest: /etc/chrony/chrony.conf
    mode: "0644"
  register: chrony_conf

- name: Restart chrony if its file changed, in this run or one that did not finish
  privatecloud.iaas.pending_actions:
    stage: after
    actions: *chrony_actions
    changed:
      restart chrony: "{{ chrony_conf is changed }}"

- name: The CC needs a clean restart for a new VNET_MODE, a restart for any other networking key
  privatecloud.iaas.pending_actions:
    stage: after
    actions:
      - name: clean-restart the CC
        command: [/etc/init.d/eucalyptus-cc, cleanrestart]
        files: [/etc/eucalyptus/eucalyptus.conf]
        keys: [VNET_MODE]
        supersedes: [restart the CC]
      - name: restart the CC
        command: [/etc/init.d/eucalyptus-cc, restart]
        files: [/etc/eucalyptus/eucalyptus.conf]
        keys: ["VNET_*"]
"""

RETURN = r"""
actions:
  description: The actions done (in check mode, owed), each with its reason.
  returned: always
  type: list
  elements: dict
  sample: [{name: restart dhcpd, reason: "/etc/dhcp/dhcpd.conf changed since 2026-11-29 00:40:01 UTC"}]
left_undone:
  description: Owed actions left undone, and why (the service does not run, the program is not installed).
  returned: always
  type: list
  elements: dict
left_by_earlier_run:
  description: With O(stage=before), the actions whose record a run that did not finish left.
  returned: always
  type: list
  elements: str
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.privatecloud.iaas.plugins.module_utils.pending import (
    DIRECTORY, Action, Records, due, record_before, validate)


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as stream:
            return stream.read()
    except FileNotFoundError:
        return None


def _not_ready(module, action):
    """Why an owed action cannot be done now, or None."""
    if action.service:
        rc, out, _err = module.run_command([module.get_bin_path("systemctl", required=True), "is-active",
                                            action.service])
        if out.strip() != "active":
            return "%s does not run; it reads its files when it starts" % action.service
    elif os.path.isabs(action.command[0]) and not os.path.exists(action.command[0]):
        return "%s is not installed" % action.command[0]
    return None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            stage=dict(type="str", required=True, choices=["before", "after"]),
            actions=dict(type="list", elements="dict", required=True, options=dict(
                name=dict(type="str", required=True),
                files=dict(type="list", elements="path", required=True),
                keys=dict(type="list", elements="str", default=[], no_log=False),
                service=dict(type="str"),
                state=dict(type="str", default="restarted", choices=["restarted", "reloaded"]),
                command=dict(type="list", elements="str"),
                supersedes=dict(type="list", elements="str", default=[]),
                fail_on_stderr=dict(type="bool", default=False),
            )),
            changed=dict(type="raw", default={}),
            record_directory=dict(type="path", default=DIRECTORY),
        ),
        supports_check_mode=True,
    )
    problems = validate(module.params["actions"])
    if problems:
        module.fail_json(msg="; ".join(problems))
    actions = [Action(spec) for spec in module.params["actions"]]
    records = Records(module.params["record_directory"])
    result = dict(changed=False, actions=[], left_undone=[], left_by_earlier_run=[])
    if module.params["stage"] == "before":
        if not module.check_mode:
            result["left_by_earlier_run"] = record_before(actions, records, _read)
        module.exit_json(**result)

    # Outside check mode the records alone decide: the files were written, so they show the change.
    changed = module.params["changed"]
    if not isinstance(changed, dict):
        changed = dict((action.name, changed) for action in actions)
    owed, superseded = due(actions, records, _read, changed if module.check_mode else None)
    for action, reason in owed:
        why_not = _not_ready(module, action)
        if why_not:
            result["left_undone"].append(dict(name=action.name, reason=reason, because=why_not))
            continue
        if not module.check_mode:
            argv = action.argv(module.get_bin_path("systemctl") or "systemctl")
            rc, out, err = module.run_command(argv)
            if rc or (action.fail_on_stderr and err.strip()):
                module.fail_json(msg="%s (%s) failed: %s" % (action.name, reason, (err or out).strip()),
                                 rc=rc, stdout=out, stderr=err, **result)
            records.remove(action.name)
        result["actions"].append(dict(name=action.name, reason=reason))
    if not module.check_mode:
        # Done, superseded, not due or not ready: nothing is owed for these files any more.
        for action in actions:
            records.remove(action.name)
    result["changed"] = bool(result["actions"])
    if result["actions"]:
        shown = "".join("%s: %s\n" % (done["name"], done["reason"]) for done in result["actions"])
        result["diff"] = dict(before="", after=shown, before_header="pending actions", after_header="pending actions")
    result["msg"] = "; ".join("%s (%s)" % (done["name"], done["reason"]) for done in result["actions"]) or "nothing owed"
    if superseded:
        result["superseded"] = sorted(superseded)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
