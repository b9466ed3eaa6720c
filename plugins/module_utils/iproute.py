# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module side of the interface modules: read ``ip -j``, run one ``ip -batch``, report."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.bridge import read_addresses, read_links, read_routes
from ansible_collections.privatecloud.iaas.plugins.module_utils.rollback import Journal, restore_commands

# Options every interface module shares: the change rolls itself back unless confirmed.
ROLLBACK_OPTIONS = dict(
    rollback_timeout=dict(type="int", default=0),
    rollback_journal=dict(type="str", default="interfaces"),
)


class BatchError(Exception):
    """An ip -batch that failed; the message says why."""


class IpRoute:
    """iproute2 on the managed host, through an AnsibleModule."""

    def __init__(self, module):
        self.module = module
        self.ip = module.get_bin_path("ip", required=True)

    def read(self, *arguments):
        rc, out, err = self.module.run_command([self.ip, "-j"] + list(arguments))
        if rc:
            self.module.fail_json(msg="ip -j %s failed" % " ".join(arguments), stderr=err)
        return out

    def links(self):
        return read_links(self.read("-d", "link", "show"))

    def addresses(self):
        return read_addresses(self.read("address", "show"))

    def routes(self):
        return read_routes(self.read("route", "show"))

    def snapshot(self):
        """(links, addresses, routes) of the host now."""
        return self.links(), self.addresses(), self.routes()

    def run_batch(self, commands, snapshot, touched, explain=None):
        """Run the commands as one batch; return the lines that put the ``touched`` interfaces back
        as ``snapshot`` shows them. Raises BatchError (``explain(stderr)`` may word it plainer)."""
        rc, out, err = self.module.run_command([self.ip, "-batch", "-"], data="\n".join(commands) + "\n")
        if rc:
            raise BatchError((explain and explain(err)) or "ip -batch failed: %s" % err.strip())
        return restore_commands(list(touched), snapshot, self.snapshot())

    def arm_rollback(self, undo, timeout, journal, previous_files=None):
        """Put ``undo`` first in the journal, arming its timer; returns the cookie to remove to keep
        the change. ``previous_files`` ({path: content, or None}) are put back with it. Fails the
        module when no timer could be left on the host."""
        if previous_files:
            Journal(journal).keep_files(previous_files)
        cookie, error = Journal(journal).record(self.module, self.ip, undo, timeout)
        if error:
            self.module.fail_json(msg="the change is made but no rollback timer could be left on the host",
                                  rc=error[0], stdout=error[1], stderr=error[2], rollback_commands=undo)
        return cookie

    def apply(self, commands, before, after, describe, explain=None, snapshot=None, touched=(), then=()):
        """Run the commands as one batch (not in check mode) and exit with changed, commands and diff.

        ``explain(stderr, after)`` may turn a failure into a plainer message. With the module's
        rollback_timeout above 0, the lines that put the ``touched`` interfaces back as ``snapshot``
        shows them go into the rollback journal, and the result names the cookie to remove.
        ``then``: [(what, argv)] run after the batch, each a change too (returned as ``then``).
        """
        result = {"changed": bool(commands or then), "commands": commands,
                  "diff": {"before": describe(before), "after": describe(after)}}
        if then:
            result["then"] = [what for what, _argv in then]
        if commands and not self.module.check_mode:
            rc, out, err = self.module.run_command([self.ip, "-batch", "-"], data="\n".join(commands) + "\n")
            if rc:
                message = (explain and explain(err, after)) or "ip -batch failed: %s" % err.strip()
                self.module.fail_json(msg=message, commands=commands, stdout=out, stderr=err)
            timeout = self.module.params.get("rollback_timeout") or 0
            if timeout > 0 and snapshot is not None:
                undo = restore_commands(list(touched), snapshot, self.snapshot())
                cookie, error = Journal(self.module.params["rollback_journal"]).record(self.module, self.ip, undo,
                                                                                       timeout)
                if error:
                    self.module.fail_json(msg="the change is made but no rollback timer could be left on the host",
                                          rc=error[0], stdout=error[1], stderr=error[2], commands=commands)
                result.update(rollback_cookie=cookie, rollback_commands=undo)
        for what, argv in then if not self.module.check_mode else ():
            rc, out, err = self.module.run_command(argv)
            if rc:
                self.module.fail_json(msg="%s failed: %s" % (what, (err or out).strip()), commands=commands,
                                      cmd=argv, rc=rc, stdout=out, stderr=err)
        self.module.exit_json(**result)
