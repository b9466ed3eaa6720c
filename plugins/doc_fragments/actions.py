# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The actions a change of configuration files obliges (service_files)."""

    DOCUMENTATION = r"""
options:
  actions:
    description: What the daemons need when their files change, in the order to do it.
    type: list
    elements: dict
    default: []
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
      revert_on_failure:
        description:
          - When the action fails, put back what this call changed of its files and do it again, so the
            daemon keeps running with its previous files (a refused C(exports) line leaves the previous
            exports loaded); the call still fails, naming both. For files no command can check alone.
        type: bool
        default: false
"""
