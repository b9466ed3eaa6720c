"""One way to run ansible-playbook for the integration tests, reading its JSON report.

The tests' own stdout callback (callback_plugins/report.py) prints one document: each play's tasks
with every host's result, and the stats. The tests read that instead of the default callback's
text.
"""

import json
import os
import subprocess
import sys
import textwrap

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The ansible-playbook of the ansible-core under test, beside the interpreter running pytest.
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")


class Run:
    """A finished ansible-playbook run: its exit status, report, and the results by task."""

    def __init__(self, returncode, report, stderr):
        self.returncode, self.report, self.stderr = returncode, report, stderr

    def results(self, host=None):
        """[(task name, host, result)] in the order they ran."""
        found = []
        for play in self.report.get("plays", []):
            for task in play.get("tasks", []):
                for name, result in task.get("hosts", {}).items():
                    if host is None or name == host:
                        found.append((task["task"]["name"], name, result))
        return found

    def failures(self, host=None):
        """[(task name, result)] of the failed results."""
        return [(task, result) for task, name, result in self.results(host)
                if result.get("failed") and not result.get("ignore_errors")]

    def stats(self):
        return self.report.get("stats", {})

    def __repr__(self):
        return "Run(returncode=%d, failures=%r, stderr=%r)" % (self.returncode, self.failures(), self.stderr[-2000:])


# A run of these tests takes seconds to a few minutes. ansible-core's controller has been seen to
# hang for good in a futex wait (once in hundreds of runs, no worker left): such a run is killed
# after this long and started once more, and the second hang fails the test.
HANG_SECONDS = 600


def ansible_playbook(playbook, inventory, *arguments, cwd=None, environment=None):
    """Run ``playbook`` with the checkout's collection; return a Run."""
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".cache", "collections"),
        ANSIBLE_CALLBACK_PLUGINS=os.path.join(os.path.dirname(__file__), "callback_plugins"),
        ANSIBLE_STDOUT_CALLBACK="report",
        ANSIBLE_NOCOLOR="true",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
    )
    env.update(environment or {})
    command = [ANSIBLE_PLAYBOOK, "-i", str(inventory), *arguments, str(playbook)]
    try:
        process = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, check=False,
                                 timeout=HANG_SECONDS)
    except subprocess.TimeoutExpired:
        sys.stderr.write("ansible-playbook %s hung for %d s; started again\n" % (playbook, HANG_SECONDS))
        process = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, check=False,
                                 timeout=HANG_SECONDS)
    # Warnings and deprecations go to stderr; stdout holds the one JSON document.
    start = process.stdout.find("{")
    report = json.loads(process.stdout[start:]) if start >= 0 else {}
    return Run(process.returncode, report, process.stderr)


def run_role(tmp_path, role, variables, groups=()):
    """(returncode, [(task, failure message)]) of one role run on the controller itself, in check
    mode, without facts: validation is the only thing that can happen there, so a rule a role does
    not enforce shows up as a different failure (or none).

    ``groups``: inventory groups the one host ('validation-host') belongs to.
    """
    playbook = tmp_path / "play.yml"
    playbook.write_text(textwrap.dedent(
        """\
        - hosts: all
          gather_facts: false
          roles:
            - privatecloud.iaas.%s
        """ % role))
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(json.dumps({"all": {"hosts": {"validation-host": None},
                                             "children": {group: {"hosts": {"validation-host": None}}
                                                          for group in groups}}}))
    run = ansible_playbook(playbook, inventory, "--check", "-c", "local", "-e", json.dumps(variables), cwd=tmp_path)
    return run.returncode, [(task, result.get("msg", json.dumps(result))) for task, result in run.failures()]
