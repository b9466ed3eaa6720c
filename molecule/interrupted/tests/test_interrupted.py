"""Runs killed half way, then rerun: every daemon ends on the inventory's configuration.

The controller is killed with SIGKILL (tests/harness/callback_plugins/kill_after.py) right after a
configuration write and before the action it obliges: chrony's sources, the NFS exports, a new
VNET_MODE for the CC. dhcpd's MAC map moves too, but its file and its restart are one task (the
service_files module), with no task boundary between them to kill at: the rerun writes and restarts
in that one task, and a module that fails between them is tests/integration/modules/
test_service_files.py's case. The daemons are read back (a lease, chronyc sources, exportfs -v, the
CC stand-in's log) after the kill, after the rerun and after a third run; then site.yml is killed
at random points (fixed seeds) and rerun, and the host must match the inventory each time.
"""

import json
import os
import random
import sys

import pytest
import testinfra

ROOT = os.environ["MOLECULE_PROJECT_DIRECTORY"]
INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from runner import ansible_playbook  # noqa: E402  pylint: disable=wrong-import-position

FRONTEND = testinfra.get_host("podman://intr-fe")
CHANGES = "@" + os.path.join(HERE, "vars", "changes.yml")
SYSTEM_MODE = "@" + os.path.join(HERE, "vars", "system.yml")
MAC = "02:00:00:00:06:01"
LOG = os.path.join(ROOT, ".cache", "results", "interrupted-kills.txt")
SEEDS = (1, 2, 3)

CONFIGURE_DHCPD = "Configure dhcpd, restart it if its files changed, keep it running and enabled at boot"
RESTART_CHRONY = "Restart chrony if its file changed, in this run or in one that did not finish"
LOAD_EXPORTS = "Load the exports if they changed, in this run or in one that did not finish"
RESTART_CC = "Restart the CC (and NC) for the keys that changed, in this run or in one that did not finish"


def playbook(name, *arguments, kill_after=None, kill_at_result=None):
    """Run playbooks/<name> on the scenario; with kill_after/kill_at_result the run is killed."""
    environment = {
        "ANSIBLE_CALLBACK_PLUGINS": ":".join(os.path.join(ROOT, "tests", path, "callback_plugins")
                                             for path in ("integration", "harness")),
        "ANSIBLE_CALLBACKS_ENABLED": "kill_after",
        "ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3",
        "ANSIBLE_PIPELINING": "true",
    }
    if kill_after:
        environment["IAAS_KILL_AFTER"] = kill_after
    if kill_at_result:
        environment["IAAS_KILL_AT_RESULT"] = str(kill_at_result)
    return ansible_playbook(os.path.join(ROOT, "playbooks", name), INVENTORY, *arguments, environment=environment)


def killed(run):
    """The kill_after line of a run that was killed (and fail if it was not)."""
    assert run.returncode == -9, run
    return [line for line in run.stderr.splitlines() if line.startswith("kill_after:")][-1]


def task_name(task):
    """A task's name without its role's ("privatecloud.iaas.dhcpd : Configure dhcpd" -> "Configure dhcpd")."""
    return task.split(" : ", 1)[-1]


def changed_tasks(run):
    assert run.returncode == 0, run
    return sorted({task_name(task) for task, _host, result in run.results() if result.get("changed")})


def results(run):
    return [(task_name(task), result) for task, _host, result in run.results()]


def lease():
    return json.loads(FRONTEND.run("vm-dhcp br0 %s 10" % MAC).stdout)["address"]


def sources():
    return [line.split()[1] for line in FRONTEND.check_output("chronyc -n sources").splitlines()[2:]]


def exports():
    return sorted(line.split()[0] for line in FRONTEND.check_output("exportfs -v").splitlines()
                  if line.startswith("/"))


def cc_actions():
    return FRONTEND.file("/var/log/eucalyptus-cc.actions").content_string.splitlines()


@pytest.fixture(scope="module")
def interrupted():
    """Kill ntp.yml, storage.yml and frontends.yml right after their writes; read the host; check and rerun."""
    seen = {"before": {"lease": lease(), "sources": sources(), "exports": exports(), "cc": cc_actions()}}
    seen["kills"] = [
        killed(playbook("ntp.yml", "-e", CHANGES, kill_after="Configure chrony")),
        killed(playbook("storage.yml", "-e", CHANGES, kill_after="Write the exports")),
        # The moved pair is a VNET_MACMAP change too: the CC owes a restart.
        killed(playbook("frontends.yml", "-e", CHANGES, kill_after="Set the host's keys of eucalyptus.conf")),
    ]
    seen["files"] = {
        "dhcpd.conf": FRONTEND.file("/etc/dhcp/dhcpd.conf").content_string,
        "chrony.conf": FRONTEND.file("/etc/chrony/chrony.conf").content_string,
        "exports": FRONTEND.file("/etc/exports.d/cloudstack.exports").content_string,
        "eucalyptus.conf": FRONTEND.file("/etc/eucalyptus/eucalyptus.conf").content_string,
    }
    seen["after kill"] = {"lease": lease(), "sources": sources(), "exports": exports(), "cc": cc_actions()}
    seen["check"] = playbook("site.yml", "--check", "-e", CHANGES)
    seen["rerun"] = playbook("site.yml", "-e", CHANGES)
    seen["after rerun"] = {"lease": lease(), "sources": sources(), "exports": exports(), "cc": cc_actions()}
    seen["third"] = playbook("site.yml", "-e", CHANGES)
    return seen


def test_each_run_died_right_after_its_write(interrupted):
    assert [line.split(": ", 2)[2] for line in interrupted["kills"]] == [
        "Configure chrony on intr-fe",
        "Write the exports on intr-fe",
        "Set the host's keys of eucalyptus.conf on intr-fe"]
    # dhcpd's file is as before: its run was not started.
    assert "fixed-address 198.18.6.151;" in interrupted["files"]["dhcpd.conf"]
    assert 'VNET_MACMAP="02:00:00:00:06:01=198.18.6.161"' in interrupted["files"]["eucalyptus.conf"]
    assert "server 192.0.2.123" in interrupted["files"]["chrony.conf"]
    assert "/export/secondary" in interrupted["files"]["exports"]


def test_after_the_kills_the_daemons_still_run_the_old_configuration(interrupted):
    # What the issue saw: the files are new, the daemons are not.
    assert interrupted["before"] == interrupted["after kill"]
    assert interrupted["before"]["lease"] == "198.18.6.151/26"
    assert (interrupted["before"]["sources"], interrupted["before"]["exports"]) == ([], ["/export/primary"])


# The actions the kills left owed, and dhcpd's change with its restart.
OWED = sorted([CONFIGURE_DHCPD, RESTART_CHRONY, LOAD_EXPORTS, RESTART_CC])


def test_check_mode_shows_the_owed_actions_with_their_reasons(interrupted):
    assert changed_tasks(interrupted["check"]) == OWED
    reasons = {task: result["msg"] for task, result in results(interrupted["check"]) if result.get("changed")}
    assert "restart dhcpd (this run changes /etc/dhcp/dhcpd.conf" in reasons[CONFIGURE_DHCPD]
    assert reasons[RESTART_CHRONY].startswith("restart chrony (/etc/chrony/chrony.conf changed since ")
    assert reasons[LOAD_EXPORTS].startswith("load the exports (/etc/exports.d/cloudstack.exports changed since ")
    assert reasons[RESTART_CC].startswith(
        'restart the CC (VNET_MACMAP "02:00:00:00:06:01=198.18.6.151" -> "02:00:00:00:06:01=198.18.6.161" since ')


def test_the_rerun_does_exactly_the_owed_actions(interrupted):
    assert changed_tasks(interrupted["rerun"]) == OWED


def test_after_the_rerun_each_daemon_runs_the_new_configuration(interrupted):
    assert interrupted["after rerun"] == {
        "lease": "198.18.6.161/26", "sources": ["192.0.2.123"], "exports": ["/export/primary", "/export/secondary"],
        "cc": interrupted["before"]["cc"] + ["restart"]}


def test_the_third_run_changes_nothing(interrupted):
    assert changed_tasks(interrupted["third"]) == []


@pytest.fixture(scope="module")
def random_kills(interrupted):
    """site.yml killed at a random task result (fixed seeds), going back and forth between the two
    inventories, then rerun: [(seed, kill line, host state, rerun, next run)].

    The point is drawn from the results between the first one that changes something (in a run
    that applies an edit) and the end: a kill before it interrupts a run that has changed nothing.
    """
    changing = results(interrupted["rerun"])
    first = min(index for index, (_task, result) in enumerate(changing, start=1) if result.get("changed"))
    found = []
    inventories = [(), ("-e", CHANGES)]
    for index, seed in enumerate(SEEDS):
        arguments = inventories[index % 2]
        line = killed(playbook("site.yml", *arguments, kill_at_result=random.Random(seed).randint(first, len(changing) - 1)))
        rerun = playbook("site.yml", *arguments)
        state = {"lease": lease(), "sources": sources(), "exports": exports()}
        found.append((seed, arguments, line, state, rerun, playbook("site.yml", *arguments)))
    os.makedirs(os.path.dirname(LOG), exist_ok=True)
    with open(LOG, "w") as stream:
        for seed, arguments, line, state, rerun, _next in found:
            stream.write("seed %d (%s): %s; rerun changed %s; then %s\n" % (
                seed, "edited inventory" if arguments else "first inventory", line, changed_tasks(rerun), state))
    return found


def test_a_kill_at_a_random_point_then_a_rerun_ends_in_the_inventorys_state(random_kills):
    expected = {
        (): {"lease": "198.18.6.151/26", "sources": [], "exports": ["/export/primary"]},
        ("-e", CHANGES): {"lease": "198.18.6.161/26", "sources": ["192.0.2.123"],
                          "exports": ["/export/primary", "/export/secondary"]},
    }
    for seed, arguments, line, state, rerun, following in random_kills:
        assert rerun.returncode == 0, (seed, line, rerun)
        assert state == expected[arguments], (seed, line)
        assert changed_tasks(following) == [], (seed, line)


def test_a_cleanrestart_lost_with_the_controller_is_done_by_the_next_run(random_kills):
    before = cc_actions()
    line = killed(playbook("frontends.yml", "-e", CHANGES, "-e", SYSTEM_MODE,
                           kill_after="Set the host's keys of eucalyptus.conf"))
    assert line.endswith(": Set the host's keys of eucalyptus.conf on intr-fe")
    assert 'VNET_MODE="SYSTEM"' in FRONTEND.file("/etc/eucalyptus/eucalyptus.conf").content_string
    assert cc_actions() == before
    rerun = playbook("frontends.yml", "-e", CHANGES, "-e", SYSTEM_MODE)
    assert changed_tasks(rerun) == [RESTART_CC]
    assert cc_actions() == before + ["cleanrestart"]
    assert changed_tasks(playbook("frontends.yml", "-e", CHANGES, "-e", SYSTEM_MODE)) == []
