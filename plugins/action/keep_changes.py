# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keeps a host's armed changes once a fresh connection reaches it; see the module's docs."""

from __future__ import annotations

import shlex
import time

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase
from ansible.plugins.connection import ConnectionBase

ARGUMENTS = dict(
    cookies=dict(type="list", elements="str", required=True),
    what=dict(type="str", required=True),
    rollback_timeout=dict(type="int", required=True),
    timeout=dict(type="int", default=30),
    sleep=dict(type="int", default=2),
)


class ActionModule(ActionBase):
    """Reconnect, then remove the rollback cookies; fail plainly when the host is lost."""

    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        params = self.validate_argument_spec(argument_spec=ARGUMENTS)[1]
        cookies = list(dict.fromkeys(cookie for cookie in params["cookies"] if cookie))
        result.update(changed=False, kept=[])
        # Check mode arms nothing: there is nothing to keep.
        if not cookies or self._task.check_mode:
            return result
        host = task_vars.get("inventory_hostname", "the host")
        what = params["what"]
        lost = "The controller lost %s after changing its %s: " % (host, what)

        # Each cookie is removed, or found already claimed by the host's timer (renamed), in
        # one command over a fresh connection.
        command = "; ".join("if rm -- %s 2>/dev/null; then echo kept; else echo gone; fi" % shlex.quote(cookie)
                            for cookie in cookies)
        # Drop the connection the change was made through, where the connection keeps one (ssh's
        # ControlPersist); a connection without a reset opens afresh for each command anyway.
        resets = type(self._connection).reset is not ConnectionBase.reset
        deadline = time.monotonic() + params["timeout"]
        answer, error = None, None
        while answer is None:
            try:
                if resets:
                    self._connection.reset()
                answer = self._low_level_execute_command(command, sudoable=True)
            except AnsibleError as failure:
                error = failure
            else:
                if answer.get("rc") == 255:  # ssh's own failure to connect
                    answer, error = None, answer.get("stderr") or "ssh exited with 255"
            if answer is None:
                if time.monotonic() >= deadline:
                    break
                time.sleep(params["sleep"])
        if answer is None or answer.get("rc") != 0:
            reason = str(error if answer is None else (answer.get("stderr") or answer.get("stdout"))).strip()
            result.update(failed=True, msg=lost + (
                "it could not reach the host again within %d s (%s), and the host puts its previous %s back by "
                "itself, %d s after the change." % (params["timeout"], reason, what, params["rollback_timeout"])))
            return result
        states = answer.get("stdout", "").split()
        result["kept"] = [cookie for cookie, state in zip(cookies, states) if state == "kept"]
        if len(result["kept"]) != len(cookies):
            result.update(failed=True, msg=lost + (
                "when it reached the host again, the host had already put its previous %s back by itself, %d s "
                "after the change." % (what, params["rollback_timeout"])))
        return result
