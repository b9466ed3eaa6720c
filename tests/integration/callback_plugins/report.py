# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The integration tests' stdout callback: the whole run as one JSON document.

ansible-core ships no JSON callback of its own (ansible.posix has one), and the tests run on
every supported ansible-core with nothing else installed. The document has the shape of
ansible.posix.json: plays, each with its tasks and every host's result, then the stats.

With PRIVATECLOUD_HEARTBEAT set, it also writes there, at every task start and result, what the run
is doing: the test runner watches that file to tell a slow run (which moves on) from a hung one.
"""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: report
type: stdout
short_description: The run as one JSON document, for the integration tests
description:
  - Prints the plays, each task's result per host, and the stats, as one JSON document at the end.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "report"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plays = []
        self.heartbeat = os.environ.get("PRIVATECLOUD_HEARTBEAT")

    def _beat(self, what):
        if self.heartbeat:
            with open(self.heartbeat, "w") as stream:
                stream.write(what)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._beat("started task %r" % task.get_name())

    def v2_playbook_on_play_start(self, play):
        self.plays.append({"play": {"name": play.get_name()}, "tasks": []})

    def _task_entry(self, task):
        tasks = self.plays[-1]["tasks"]
        if not tasks or tasks[-1]["task"]["id"] != str(task._uuid):
            tasks.append({"task": {"name": task.get_name(), "id": str(task._uuid)}, "hosts": {}})
        return tasks[-1]

    def _record(self, result, **extra):
        self._beat("task %r: %s done" % (result._task.get_name(), result._host.get_name()))
        entry = self._task_entry(result._task)
        entry["hosts"][result._host.get_name()] = dict(self._convert(result._result), **extra)

    @staticmethod
    def _convert(value):
        return json.loads(json.dumps(value, default=str))

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True, ignore_errors=ignore_errors)

    def v2_runner_on_unreachable(self, result):
        self._record(result, unreachable=True)

    def v2_runner_on_skipped(self, result):
        self._record(result, skipped=True)

    def v2_playbook_on_stats(self, stats):
        summary = {host: stats.summarize(host) for host in sorted(stats.processed)}
        self._display.display(json.dumps({"plays": self.plays, "stats": summary}, indent=1, sort_keys=True))
