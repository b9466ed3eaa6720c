"""The record-before / act-after bookkeeping of pending actions, on files in a temporary directory."""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.pending import (
    Action, Records, due, record_before, validate)

CONF = "/etc/eucalyptus/eucalyptus.conf"


@pytest.fixture
def files():
    return {"/etc/chrony/chrony.conf": "server a iburst\n", CONF: 'VNET_MODE="STATIC"\nVNET_DNS="1.1.1.1"\nNODES=""\n'}


@pytest.fixture
def records(tmp_path):
    return Records(str(tmp_path / "pending"))


CHRONY = Action({"name": "restart chrony", "service": "chrony", "files": ["/etc/chrony/chrony.conf"]})
CLEAN = Action({"name": "clean-restart the CC", "command": ["/etc/init.d/eucalyptus-cc", "cleanrestart"],
                "files": [CONF], "keys": ["VNET_MODE"], "supersedes": ["restart the CC"]})
RESTART = Action({"name": "restart the CC", "command": ["/etc/init.d/eucalyptus-cc", "restart"],
                  "files": [CONF], "keys": ["VNET_*"]})


def names(owed):
    return [action.name for action, _reason in owed[0]]


def test_nothing_is_owed_when_the_files_did_not_change(files, records):
    assert record_before([CHRONY, CLEAN, RESTART], records, files.get) == []
    assert names(due([CHRONY, CLEAN, RESTART], records, files.get)) == []


def test_a_changed_file_owes_its_action_with_the_reason(files, records):
    record_before([CHRONY], records, files.get, now="2026-11-29 00:40:01 UTC")
    files["/etc/chrony/chrony.conf"] = "server b iburst\n"
    owed, _superseded = due([CHRONY], records, files.get)
    assert [(action.name, reason) for action, reason in owed] == [
        ("restart chrony", "/etc/chrony/chrony.conf changed since 2026-11-29 00:40:01 UTC")]


def test_a_record_left_by_a_run_that_died_is_kept_so_the_action_is_still_owed(files, records):
    record_before([CHRONY], records, files.get, now="first run")
    files["/etc/chrony/chrony.conf"] = "server b iburst\n"
    # The run dies here. The next one records again before changing anything: the old record stays.
    assert record_before([CHRONY], records, files.get, now="second run") == ["restart chrony"]
    owed, _superseded = due([CHRONY], records, files.get)
    assert [reason for _action, reason in owed] == ["/etc/chrony/chrony.conf changed since first run"]


def test_only_the_keys_of_an_action_count(files, records):
    record_before([CLEAN, RESTART], records, files.get)
    files[CONF] = files[CONF].replace('NODES=""', 'NODES="10.0.0.2"')
    assert names(due([CLEAN, RESTART], records, files.get)) == []
    files[CONF] = files[CONF].replace("1.1.1.1", "9.9.9.9")
    owed, _superseded = due([CLEAN, RESTART], records, files.get)
    assert [(action.name, reason.split(" since ")[0]) for action, reason in owed] == [
        ("restart the CC", 'VNET_DNS "1.1.1.1" -> "9.9.9.9"')]


def test_a_clean_restart_makes_the_restart_unnecessary(files, records):
    record_before([CLEAN, RESTART], records, files.get)
    files[CONF] = 'VNET_MODE="SYSTEM"\nVNET_DNS="9.9.9.9"\n'
    owed, superseded = due([CLEAN, RESTART], records, files.get)
    assert [(action.name, reason.split(" since ")[0]) for action, reason in owed] == [
        ("clean-restart the CC", 'VNET_MODE "STATIC" -> "SYSTEM"')]
    assert superseded == {"restart the CC"}


def test_a_file_that_appears_or_goes_counts_as_a_change(files, records):
    action = Action({"name": "reload", "service": "x", "files": ["/etc/x.conf"]})
    record_before([action], records, files.get)
    files["/etc/x.conf"] = "new\n"
    assert names(due([action], records, files.get)) == ["reload"]


def test_check_mode_predicts_from_what_this_run_changes(files, records):
    # No records in check mode: the prediction comes from the tasks' results.
    changed = {"restart chrony": True, "clean-restart the CC": ["VNET_DNS"], "restart the CC": ["VNET_DNS"]}
    owed, _superseded = due([CHRONY, CLEAN, RESTART], records, files.get, changed)
    assert [(action.name, reason) for action, reason in owed] == [
        ("restart chrony", "this run changes /etc/chrony/chrony.conf"),
        ("restart the CC", "this run changes %s" % CONF)]


def test_a_service_is_restarted_or_reloaded_only_if_it_runs():
    assert CHRONY.argv("/bin/systemctl") == ["/bin/systemctl", "try-restart", "chrony"]
    reload = Action({"name": "r", "service": "nginx", "state": "reloaded", "files": ["/f"]})
    assert reload.argv("systemctl") == ["systemctl", "try-reload-or-restart", "nginx"]
    assert CLEAN.argv("systemctl") == ["/etc/init.d/eucalyptus-cc", "cleanrestart"]


def test_validation_names_each_broken_action():
    problems = validate([
        {"name": "a", "service": "x", "command": ["y"], "files": ["/f"]},
        {"name": "a", "service": "x", "files": []},
        {"name": "b", "command": ["y"], "files": ["/f"], "supersedes": ["c"]},
    ])
    assert problems == [
        "actions[a]: give exactly one of service and command",
        "actions: 'a' appears twice; each action needs a name of its own",
        "actions[a]: files must name the configuration the action depends on",
        "actions[b].supersedes: 'c' is not an action of this call",
    ]
