# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tests' stand-in for a crashed controller: SIGKILL of ansible-playbook itself, right after a
chosen task reports a change on a host (IAAS_KILL_AFTER, the task's name), or after the N-th
task result of the run (IAAS_KILL_AT_RESULT, for kills at a random point)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: kill_after
type: aggregate
short_description: Kill ansible-playbook after a chosen task result (tests only)
description:
  - Sends SIGKILL to the ansible-playbook process after the task named by E(IAAS_KILL_AFTER)
    reports C(changed), or after the result numbered E(IAAS_KILL_AT_RESULT).
requirements:
  - enabled in callbacks_enabled
"""

import os
import signal
import sys

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "kill_after"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._task_name = os.environ.get("IAAS_KILL_AFTER")
        self._at_result = int(os.environ.get("IAAS_KILL_AT_RESULT", "0"))
        self._results = 0

    def _seen(self, result, changed):
        self._results += 1
        name = result._task.name
        if (self._task_name and changed and name == self._task_name) or self._results == self._at_result:
            sys.stderr.write("kill_after: SIGKILL after result %d: %s on %s\n"
                             % (self._results, name, result._host.get_name()))
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGKILL)

    def v2_runner_on_ok(self, result):
        self._seen(result, result._result.get("changed", False))

    def v2_runner_on_skipped(self, result):
        self._seen(result, False)
