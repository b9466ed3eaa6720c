# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Changes that could cut the controller off, undone by the host itself unless confirmed.

A module that changes interfaces reads them before and after, and records the ``ip -batch``
lines that put them back (restore_commands) in a journal, newest first. The first record arms a
detached timer: after the timeout it runs the journal unless the cookie beside it is gone. The
role removes the cookie once a fresh connection proves the controller still reaches the host.
"""

from __future__ import annotations

import os
import shlex
import tempfile

from ansible_collections.privatecloud.iaas.plugins.module_utils import files
from ansible_collections.privatecloud.iaas.plugins.module_utils.iproute import route_command

# Options every interface module shares: the change rolls itself back unless confirmed.
ROLLBACK_OPTIONS = dict(
    rollback_timeout=dict(type="int", default=0),
    rollback_journal=dict(type="str", default="interfaces"),
)

DIRECTORY = "/run/privatecloud-iaas"


def _kind(link):
    return (link or {}).get("linkinfo", {}).get("info_kind")


def _vlan(link):
    return link.get("link"), link["linkinfo"].get("info_data", {}).get("id")


def _bridge_settings(link):
    data = link["linkinfo"].get("info_data", {})
    return "stp_state %d forward_delay %d hello_time %d" % (
        bool(data.get("stp_state")), data.get("forward_delay", 1500), data.get("hello_time", 200))


def _recreate(name, link):
    if _kind(link) == "bridge":
        return ["link add name %s type bridge %s" % (name, _bridge_settings(link))]
    if _kind(link) == "vlan":
        parent, vlan_id = _vlan(link)
        return ["link add link %s name %s type vlan id %s" % (parent, name, vlan_id)]
    return []


def restore_commands(names, before, after):
    """ip -batch lines that put the interfaces ``names`` back as ``before`` shows them.

    ``before`` and ``after`` are (links, addresses, routes) as iproute.read_links / read_addresses /
    read_routes return them. Devices the change created are deleted, devices it deleted or made
    anew are made again, then masters, MAC addresses, MTUs, addresses, up/down state and the routes
    through the interfaces (the default route among them) are set back.
    """
    links_before, addresses_before, routes_before = before
    links_after, addresses_after = after[0], after[1]
    names = [name for name in names if name in links_before or name in links_after]
    commands = []
    # What the restore works on: the devices of the snapshot, each either as the change left it
    # (current) or made again from the snapshot (None: no master, no address, down).
    current = {}
    for name in names:
        old, new = links_before.get(name), links_after.get(name)
        if new is not None and (old is None or _kind(old) != _kind(new)
                                or (_kind(old) == "vlan" and _vlan(old) != _vlan(new))):
            # Created by the change, or made anew with another parent or id. Deleting a created
            # bridge also releases its ports.
            commands.append("link delete dev %s" % name)
            new = None
        if old is None:
            continue
        if new is None:
            commands.extend(_recreate(name, old))
        elif _kind(old) == "bridge" and _bridge_settings(old) != _bridge_settings(new):
            commands.append("link set dev %s type bridge %s" % (name, _bridge_settings(old)))
        current[name] = new
    restored = [name for name in names if name in current]
    for name in restored:
        old, new = links_before[name], current[name] or {}
        if old.get("master") != new.get("master"):
            master = "master %s" % old["master"] if old.get("master") else "nomaster"
            commands.append("link set dev %s %s" % (name, master))
        if _kind(old) == "bridge" and old.get("address") and new.get("address") != old["address"]:
            commands.append("link set dev %s address %s" % (name, old["address"]))
        if old.get("mtu") and new.get("mtu") != old["mtu"]:
            commands.append("link set dev %s mtu %d" % (name, old["mtu"]))
    for name in restored:
        had = set(addresses_before.get(name, []))
        has = set(addresses_after.get(name, [])) if current[name] else set()
        removed = sorted(has - had)
        commands.extend("address delete %s dev %s" % (address, name) for address in removed)
        # As in bridge.address_commands: a deleted primary takes its secondaries along.
        verb, put = ("replace", sorted(had)) if removed else ("add", sorted(had - has))
        commands.extend("address %s %s dev %s" % (verb, address, name) for address in put)
    for name in restored:
        was_up = "UP" in links_before[name].get("flags", [])
        is_up = "UP" in (current[name] or {}).get("flags", [])
        if was_up != is_up:
            commands.append("link set dev %s %s" % (name, "up" if was_up else "down"))
    for route in routes_before:
        if route.get("dev") in current and route.get("protocol") != "kernel" and route.get("scope") != "link":
            commands.append(route_command(route))
    return commands


def start_timer(module, timeout, cookie, command, cleanup=()):
    """Leave a detached shell that runs ``command`` after ``timeout`` seconds unless ``cookie`` is gone.

    A session of its own (setsid --fork returns at once), so the timer outlives the module and the
    connection that ran it; it lets go of the module's pipes before it sleeps. The timer claims
    the cookie by renaming it, which is atomic: a controller that removes the cookie at the same
    moment either wins (no rollback) or finds it gone (rolled back), never both.
    """
    claimed = cookie + ".fired"
    leftovers = " ".join(shlex.quote(path) for path in (cookie, claimed) + tuple(cleanup))
    timer = "sleep %d; if mv %s %s 2>/dev/null; then %s; fi; rm -rf %s" % (
        int(timeout), shlex.quote(cookie), shlex.quote(claimed), command, leftovers)
    return module.run_command([module.get_bin_path("setsid", required=True), "--fork", "/bin/sh", "-c",
                               "exec </dev/null >/dev/null 2>&1; " + timer])


class Journal:
    """What undoes this run's interface changes, newest first, under one timer: the ip -batch lines,
    and the files (the boot files written with the change) put back as they were."""

    def __init__(self, name, directory=DIRECTORY):
        self.directory = directory
        self.path = os.path.join(directory, "%s.batch" % name)
        self.cookie = os.path.join(directory, "%s.cookie" % name)
        self.restore = os.path.join(directory, "%s.restore" % name)
        self.backups = os.path.join(directory, "%s.files" % name)

    def _prepend(self, path, lines, armed):
        recorded = ""
        if armed and os.path.exists(path):
            with open(path) as stream:
                recorded = stream.read()
        files.write(path, "".join(line + "\n" for line in lines) + recorded, mode=0o600)

    def keep_files(self, previous):
        """Back up what each file held before this change ({path: content, or None where there was
        none}); the timer puts them back after the ip lines."""
        os.makedirs(self.backups, 0o700, exist_ok=True)
        lines = []
        for path, content in sorted(previous.items()):
            if content is None:
                lines.append("rm -f %s" % shlex.quote(path))
                continue
            handle, backup = tempfile.mkstemp(dir=self.backups)
            with os.fdopen(handle, "w") as stream:
                stream.write(content)
            lines.append("cat %s > %s" % (shlex.quote(backup), shlex.quote(path)))
        self._prepend(self.restore, lines, os.path.exists(self.cookie))

    def record(self, module, ip_bin, commands, timeout):
        """Put ``commands`` before those already recorded; arm the timer on the first record.

        Returns (cookie, error): error is the failed run_command result when no timer could be left.
        """
        os.makedirs(self.directory, 0o700, exist_ok=True)
        armed = os.path.exists(self.cookie)
        self._prepend(self.path, commands, armed)
        if armed:
            return self.cookie, None
        with open(self.cookie, "w") as stream:
            stream.write("remove this file to keep the interface changes\n")
        # -force: one line that no longer applies must not stop the lines after it.
        command = "%s -force -batch %s; if [ -f %s ]; then /bin/sh %s; fi" % (
            shlex.quote(ip_bin), shlex.quote(self.path), shlex.quote(self.restore), shlex.quote(self.restore))
        result = start_timer(module, timeout, self.cookie, command,
                             cleanup=(self.path, self.restore, self.backups))
        return self.cookie, (result if result[0] else None)


class BatchError(Exception):
    """An ip -batch that failed; the message says why."""


def run_batch(ip, commands, snapshot, touched, explain=None):
    """Run the commands as one batch (``ip``: an IpRoute); return the lines that put the ``touched``
    interfaces back as ``snapshot`` shows them. Raises BatchError (``explain(stderr)`` may word it
    plainer)."""
    rc, out, err = ip.module.run_command([ip.ip, "-batch", "-"], data="\n".join(commands) + "\n")
    if rc:
        raise BatchError((explain and explain(err)) or "ip -batch failed: %s" % err.strip())
    return restore_commands(list(touched), snapshot, ip.snapshot())


def arm(ip, undo, timeout, journal, previous_files=None):
    """Put ``undo`` first in the journal, arming its timer; returns the cookie to remove to keep the
    change. ``previous_files`` ({path: content, or None}) are put back with it. Fails the module
    when no timer could be left on the host."""
    if previous_files:
        Journal(journal).keep_files(previous_files)
    cookie, error = Journal(journal).record(ip.module, ip.ip, undo, timeout)
    if error:
        ip.module.fail_json(msg="the change is made but no rollback timer could be left on the host",
                            rc=error[0], stdout=error[1], stderr=error[2], rollback_commands=undo)
    return cookie


def apply_and_exit(ip, commands, before, after, describe, explain=None, snapshot=None, touched=(), then=()):
    """One device module's change: run the commands as one batch (not in check mode) and exit with
    changed, commands and diff. ``explain(stderr, after)`` may turn a failure into a plainer message.
    With the module's rollback_timeout above 0, the lines that put the ``touched`` interfaces back as
    ``snapshot`` shows them go into the rollback journal, and the result names the cookie to remove.
    ``then``: [(what, argv)] run after the batch, each a change too (returned as ``then``)."""
    module = ip.module
    result = {"changed": bool(commands or then), "commands": commands,
              "diff": {"before": describe(before), "after": describe(after)}}
    if then:
        result["then"] = [what for what, _argv in then]
    if commands and not module.check_mode:
        try:
            undo = run_batch(ip, commands, snapshot, touched, explain and (lambda stderr: explain(stderr, after)))
        except BatchError as error:
            module.fail_json(msg=str(error), commands=commands)
        timeout = module.params.get("rollback_timeout") or 0
        if timeout > 0 and snapshot is not None:
            result.update(rollback_cookie=arm(ip, undo, timeout, module.params["rollback_journal"]),
                          rollback_commands=undo)
    for what, argv in then if not module.check_mode else ():
        rc, out, err = module.run_command(argv)
        if rc:
            module.fail_json(msg="%s failed: %s" % (what, (err or out).strip()), commands=commands,
                             cmd=argv, rc=rc, stdout=out, stderr=err)
    module.exit_json(**result)
