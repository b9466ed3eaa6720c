"""pending_actions run as Ansible runs it (a JSON arguments file), on files and commands of a temporary
directory: the actions are commands that append to a log, so what ran is read back, not assumed."""

import json
import subprocess
import sys
import uuid

import pytest

from namespaces import COLLECTIONS


@pytest.fixture
def host(tmp_path):
    """The module's view of a host: a config file, an action that logs each run, a record directory."""

    class Host:
        conf = tmp_path / "daemon.conf"
        log = tmp_path / "actions.log"
        records = tmp_path / "pending"

        def action(self, name="restart the daemon", word="restart", **extra):
            return dict({"name": name, "command": ["/bin/sh", "-c", "echo %s >> %s" % (word, self.log)],
                         "files": [str(self.conf)]}, **extra)

        def run(self, stage, actions, check=False, **arguments):
            path = tmp_path / ("args-%s.json" % uuid.uuid4().hex[:6])
            arguments.update(stage=stage, actions=actions, record_directory=str(self.records),
                             _ansible_check_mode=check, _ansible_diff=True)
            path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": arguments}))
            process = subprocess.run([sys.executable, "-m", "ansible_collections.privatecloud.iaas.plugins.modules."
                                      "pending_actions", str(path)], capture_output=True, text=True, check=False,
                                     env={"PYTHONPATH": COLLECTIONS, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
            return json.loads(process.stdout)

        def ran(self):
            return self.log.read_text().split() if self.log.exists() else []

    found = Host()
    found.conf.write_text("setting = 1\n")
    return found


def test_a_change_between_the_stages_is_acted_on_once(host):
    actions = [host.action()]
    assert host.run("before", actions)["changed"] is False
    host.conf.write_text("setting = 2\n")
    done = host.run("after", actions)
    assert done["changed"] is True
    assert done["actions"][0]["reason"].startswith("%s changed since " % host.conf)
    assert done["diff"]["after"].startswith("restart the daemon: ")
    assert host.ran() == ["restart"]
    # The next run finds nothing owed.
    host.run("before", actions)
    assert host.run("after", actions)["changed"] is False
    assert host.ran() == ["restart"] and list(host.records.iterdir()) == []


def test_a_run_that_died_after_the_change_leaves_the_action_to_the_next_one(host):
    actions = [host.action()]
    host.run("before", actions)
    host.conf.write_text("setting = 2\n")
    # The controller is gone here. The next run writes the same file (no change now) ...
    assert host.run("before", actions)["left_by_earlier_run"] == ["restart the daemon"]
    done = host.run("after", actions, changed={"restart the daemon": False})
    # ... and still does the action the first one owed.
    assert done["changed"] is True and host.ran() == ["restart"]


def test_check_mode_reports_what_is_owed_and_does_nothing(host):
    actions = [host.action()]
    assert host.run("before", actions, check=True)["changed"] is False
    assert not host.records.exists()
    # This run's own change, as the tasks predict it.
    predicted = host.run("after", actions, check=True, changed=True)
    assert predicted["changed"] is True and predicted["actions"][0]["reason"] == "this run changes %s" % host.conf
    # An action an interrupted run left: shown with its reason, still owed afterwards.
    host.run("before", actions)
    host.conf.write_text("setting = 2\n")
    left = host.run("after", actions, check=True)
    assert left["changed"] is True and "changed since" in left["actions"][0]["reason"]
    assert host.ran() == []
    assert host.run("after", actions)["changed"] is True and host.ran() == ["restart"]


def test_a_clean_restart_replaces_the_restart_and_other_keys_do_nothing(host):
    host.conf.write_text('VNET_MODE="STATIC"\nVNET_DNS="192.0.2.1"\nNODES=""\n')
    actions = [host.action("clean-restart", "cleanrestart", keys=["VNET_MODE"], supersedes=["restart"]),
               host.action("restart", "restart", keys=["VNET_*"])]
    host.run("before", actions)
    host.conf.write_text('VNET_MODE="STATIC"\nVNET_DNS="192.0.2.1"\nNODES="10.0.0.2"\n')
    assert host.run("after", actions)["changed"] is False
    host.run("before", actions)
    host.conf.write_text('VNET_MODE="SYSTEM"\nVNET_DNS="192.0.2.9"\nNODES=""\n')
    done = host.run("after", actions)
    assert [action["name"] for action in done["actions"]] == ["clean-restart"]
    assert done["actions"][0]["reason"].startswith('VNET_MODE "STATIC" -> "SYSTEM" since ')
    assert host.ran() == ["cleanrestart"]


def test_a_failed_action_stays_owed(host):
    failing = dict(host.action(), command=["/bin/sh", "-c", "echo refused >&2"], fail_on_stderr=True)
    host.run("before", [failing])
    host.conf.write_text("setting = 2\n")
    result = host.run("after", [failing])
    assert result["failed"] is True and result["msg"].endswith("failed: refused")
    host.run("before", [host.action()])
    assert host.run("after", [host.action()])["changed"] is True and host.ran() == ["restart"]


def test_an_action_of_something_not_installed_or_not_running_is_skipped(host):
    actions = [dict(host.action("absent"), command=["/nonexistent/init.d/eucalyptus-cc", "restart"]),
               {"name": "stopped", "service": "privatecloud-iaas-no-such.service", "files": [str(host.conf)]}]
    host.run("before", actions)
    host.conf.write_text("setting = 2\n")
    result = host.run("after", actions)
    # Not under "skipped", which Ansible reads as "the task was skipped".
    assert result["changed"] is False and "skipped" not in result
    assert [(undone["name"], undone["because"]) for undone in result["left_undone"]] == [
        ("absent", "/nonexistent/init.d/eucalyptus-cc is not installed"),
        ("stopped", "privatecloud-iaas-no-such.service does not run; it reads its files when it starts")]
    assert list(host.records.iterdir()) == []


def test_a_broken_action_list_is_refused_naming_each_problem(host):
    result = host.run("before", [host.action(), dict(host.action(), service="x")])
    assert result["failed"] is True
    assert result["msg"] == ("actions: 'restart the daemon' appears twice; each action needs a name of its own; "
                             "actions[restart the daemon]: give exactly one of service and command")
