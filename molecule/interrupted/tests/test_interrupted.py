"""Runs killed half way, then rerun: every daemon ends on the inventory's configuration.

A role writes a configuration and does the action it obliges in one call (the service_files
module), which notes on the host what the files held before it replaces them. The call is killed
on the host right between the two: the CC's restart is held (its stand-in init script waits while
/run/privatecloud-test-hold exists) and the module running it is killed, as a lost controller's
session takes it down. The daemons are read back (a lease, chronyc sources, exportfs -v, the CC
stand-in's log) after the kill, after a check, after the rerun and after a third run; then site.yml
is killed at random points (fixed seeds) and rerun, and the host must match the inventory each time.
"""

import json
import os
import random
import sys
import threading
import time

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

CONFIGURE_DHCPD = "Configure dhcpd, restart it if its files changed, keep it running (or off, where it does not serve)"
CONFIGURE_CHRONY = "Configure chrony, restart it if its file changed, keep it running and enabled at boot"
EXPORT = "Export the storage on its fixed ports, restart what its files changed, keep the server running"
RESTART_CC = "Set the host's keys of eucalyptus.conf, restart the CC (and NC) for those that changed"
HOLD, HELD = "/run/privatecloud-test-hold", "/run/privatecloud-test-held"
STAND_IN = "/etc/init.d/eucalyptus-cc"


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


def killed_between_write_and_restart(*arguments):
    """frontends.yml with the CC's restart held; the module that wrote eucalyptus.conf and runs the
    restart is killed on the host, with the stand-in it waits for. Returns the run."""
    FRONTEND.check_output("rm -f %s; touch %s" % (HELD, HOLD))
    done = []
    runner = threading.Thread(target=lambda: done.append(playbook("frontends.yml", *arguments)))
    runner.start()
    # Until the restart is held - or the run ended without reaching it, which the assert below names.
    while runner.is_alive() and not FRONTEND.file(HELD).exists:
        time.sleep(0.2)
    assert FRONTEND.file(HELD).exists, "the run ended without asking the CC for its restart: %r" % done
    stand_in = FRONTEND.check_output("pgrep -f '^/bin/sh %s'" % STAND_IN).split()[0]
    module = FRONTEND.check_output("ps -o ppid= -p %s" % stand_in).strip()
    FRONTEND.check_output("kill -9 %s %s; rm -f %s %s" % (module, stand_in, HOLD, HELD))
    runner.join()
    return done[0]


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
    """Kill frontends.yml's module between eucalyptus.conf's write and the CC's restart (the moved
    MAC map pair is a VNET_MACMAP change); read the host; check and rerun site.yml."""
    seen = {"before": {"lease": lease(), "sources": sources(), "exports": exports(), "cc": cc_actions()}}
    seen["killed"] = killed_between_write_and_restart("-e", CHANGES)
    seen["files"] = {
        "dhcpd.conf": FRONTEND.file("/etc/dhcp/dhcpd.conf").content_string,
        "chrony.conf": FRONTEND.file("/etc/chrony/chrony.conf").content_string,
        "exports": FRONTEND.file("/etc/exports.d/cloudstack.exports").content_string,
        "eucalyptus.conf": FRONTEND.file("/etc/eucalyptus/eucalyptus.conf").content_string,
    }
    seen["after kill"] = {"lease": lease(), "sources": sources(), "exports": exports(), "cc": cc_actions()}
    seen["owed"] = sorted(FRONTEND.check_output("ls /run/privatecloud-iaas/pending").split())
    seen["check"] = playbook("site.yml", "--check", "-e", CHANGES)
    seen["rerun"] = playbook("site.yml", "-e", CHANGES)
    seen["after rerun"] = {"lease": lease(), "sources": sources(), "exports": exports(), "cc": cc_actions()}
    seen["third"] = playbook("site.yml", "-e", CHANGES)
    return seen


def test_the_run_died_between_the_write_and_the_restart(interrupted):
    assert interrupted["killed"].returncode != 0 and [task_name(task) for task, _result in
                                                      interrupted["killed"].failures()] == [RESTART_CC]
    assert 'VNET_MACMAP="02:00:00:00:06:01=198.18.6.161"' in interrupted["files"]["eucalyptus.conf"]
    # The other roles' files are as before: their runs have not started.
    assert "fixed-address 198.18.6.151;" in interrupted["files"]["dhcpd.conf"]
    assert "server 192.0.2.123" not in interrupted["files"]["chrony.conf"]
    assert "/export/secondary" not in interrupted["files"]["exports"]


def test_after_the_kill_the_cc_still_runs_the_old_configuration(interrupted):
    # The file is new, the daemon is not: its restart is owed, noted on the host.
    assert interrupted["before"] == interrupted["after kill"]
    assert interrupted["before"]["lease"] == "198.18.6.151/26"
    assert (interrupted["before"]["sources"], interrupted["before"]["exports"]) == ([], ["/export/primary"])
    assert "restart_the_CC.json" in interrupted["owed"]


# The restart the kill left owed, and the other roles' changes with theirs.
OWED = sorted([CONFIGURE_DHCPD, CONFIGURE_CHRONY, EXPORT, RESTART_CC])


def test_check_mode_shows_the_owed_actions_with_their_reasons(interrupted):
    assert changed_tasks(interrupted["check"]) == OWED
    reasons = {task: result["msg"] for task, result in results(interrupted["check"]) if result.get("changed")}
    assert "restart dhcpd (this run changes /etc/dhcp/dhcpd.conf" in reasons[CONFIGURE_DHCPD]
    assert "restart chrony (this run changes /etc/chrony/chrony.conf)" in reasons[CONFIGURE_CHRONY]
    assert "load the exports (this run changes /etc/exports.d/cloudstack.exports)" in reasons[EXPORT]
    # What the killed run noted on the host: owed since then, though the file is already written.
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


def test_a_cleanrestart_lost_with_the_module_is_done_by_the_next_run(random_kills):
    before = cc_actions()
    assert killed_between_write_and_restart("-e", CHANGES, "-e", SYSTEM_MODE).returncode != 0
    assert 'VNET_MODE="SYSTEM"' in FRONTEND.file("/etc/eucalyptus/eucalyptus.conf").content_string
    assert cc_actions() == before
    rerun = playbook("frontends.yml", "-e", CHANGES, "-e", SYSTEM_MODE)
    assert changed_tasks(rerun) == [RESTART_CC]
    assert cc_actions() == before + ["cleanrestart"]
    assert changed_tasks(playbook("frontends.yml", "-e", CHANGES, "-e", SYSTEM_MODE)) == []
