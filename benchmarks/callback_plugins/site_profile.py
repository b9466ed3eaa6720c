"""Records, for make bench-site, what a playbook run cost: each task's wall time and each host's
task results, written as JSON to the file $SITE_PROFILE names when the run ends.

A task's time runs from its start to the next task's start (or the play's end), as profile_tasks
measures it; a host's count is the tasks that ran on it (ok, changed or failed: not skipped).
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: site_profile
type: aggregate
short_description: records each task's time and each host's task results as JSON
description: Used by make bench-site; writes to the file the environment variable SITE_PROFILE names.
requirements: [enable in the callbacks_enabled setting]
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "site_profile"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.tasks = []
        self.hosts = {}
        self.started = None
        self.current = None

    def _close(self):
        if self.current is not None:
            self.current["seconds"] = time.perf_counter() - self.started
            self.tasks.append(self.current)
            self.current = None

    def _task(self, task):
        self._close()
        self.started = time.perf_counter()
        # The name is the role's and the task's ("role : task"), as ansible-playbook prints it.
        self.current = {"name": task.get_name()}

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._task(task)

    def v2_playbook_on_play_start(self, play):
        self._close()

    def _count(self, result, outcome):
        counts = self.hosts.setdefault(result._host.get_name(), {"ran": 0, "changed": 0, "skipped": 0})
        counts[outcome] += 1
        if outcome == "changed":
            counts["ran"] += 1

    def v2_runner_on_ok(self, result):
        self._count(result, "changed" if result._result.get("changed") else "ran")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._count(result, "ran")

    def v2_runner_on_skipped(self, result):
        self._count(result, "skipped")

    def v2_playbook_on_stats(self, stats):
        self._close()
        with open(os.environ["SITE_PROFILE"], "w", encoding="utf-8") as output:
            json.dump({"tasks": self.tasks, "hosts": self.hosts}, output)
