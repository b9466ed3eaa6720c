"""One way to run ansible-playbook for the integration tests, reading its JSON report.

The tests' own stdout callback (callback_plugins/report.py) prints one document: each play's tasks
with every host's result, and the stats. The tests read that instead of the default callback's
text.
"""

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

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


# A run of these tests takes seconds to a few minutes, longer on a busy machine. ansible-core's
# controller has been seen to hang for good in a futex wait (once in hundreds of runs, no worker
# left). So a run is judged by its progress, not its length: the report callback writes what it is
# doing at every task start and result, and a run that writes nothing for this long is killed and
# started once more; a second hang fails the test, naming the last thing the run did.
STALL_SECONDS = 600
POLL_SECONDS = 2


def _run_watched(command, env, cwd):
    """subprocess.run(command), or None when the run stops making progress (then killed); and what
    it did last."""
    with tempfile.TemporaryDirectory(prefix="privatecloud-run-") as directory:
        heartbeat = os.path.join(directory, "heartbeat")
        with open(heartbeat, "w") as stream:
            stream.write("started, no task yet")
        out_path, err_path = os.path.join(directory, "stdout"), os.path.join(directory, "stderr")
        with open(out_path, "w") as out, open(err_path, "w") as err:
            process = subprocess.Popen(command, stdout=out, stderr=err, text=True,
                                       env=dict(env, PRIVATECLOUD_HEARTBEAT=heartbeat), cwd=cwd)
            while process.poll() is None:
                if time.time() - os.stat(heartbeat).st_mtime > STALL_SECONDS:
                    process.kill()
                    process.wait()
                    with open(heartbeat) as stream:
                        return None, stream.read()
                time.sleep(POLL_SECONDS)
        with open(out_path) as out, open(err_path) as err:
            return subprocess.CompletedProcess(command, process.returncode, out.read(), err.read()), None


def ansible_playbook(playbook, inventory, *arguments, cwd=None, environment=None, namespace=None):
    """Run ``playbook`` with the checkout's collection; return a Run. ``namespace``: a named
    network namespace to run it in (the controller's interfaces are then that namespace's)."""
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
    command = ([] if namespace is None else ["ip", "netns", "exec", namespace]) + [
        ANSIBLE_PLAYBOOK, "-i", str(inventory), *arguments, str(playbook)]
    process, last = _run_watched(command, env, cwd)
    if process is None:
        sys.stderr.write("ansible-playbook %s made no progress for %d s (last: %s); started again\n"
                         % (playbook, STALL_SECONDS, last))
        process, last = _run_watched(command, env, cwd)
    if process is None:
        raise AssertionError("ansible-playbook %s made no progress for %d s, twice; the last thing it did: %s"
                             % (playbook, STALL_SECONDS, last))
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
