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
extends_documentation_fragment:
  - privatecloud.iaas.actions
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

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.privatecloud.iaas.plugins.module_utils.pending import (
    ACTION_OPTIONS, DIRECTORY, Action, Records, do_owed, read_text, record_before, validate)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            stage=dict(type="str", required=True, choices=["before", "after"]),
            actions=dict(type="list", elements="dict", default=[], options=ACTION_OPTIONS),
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
            result["left_by_earlier_run"] = record_before(actions, records, read_text)
        module.exit_json(**result)

    # Outside check mode the records alone decide: the files were written, so they show the change.
    changed = module.params["changed"]
    if not isinstance(changed, dict):
        changed = dict((action.name, changed) for action in actions)
    result.update(do_owed(module, actions, records, changed))
    result["changed"] = bool(result["actions"])
    if result["actions"]:
        shown = "".join("%s: %s\n" % (done["name"], done["reason"]) for done in result["actions"])
        result["diff"] = dict(before="", after=shown, before_header="pending actions", after_header="pending actions")
    result["msg"] = "; ".join("%s (%s)" % (done["name"], done["reason"]) for done in result["actions"]) or "nothing owed"
    module.exit_json(**result)


if __name__ == "__main__":
    main()
