"""playbooks/site.yml through ansible-runner, as AWX, Automation Platform or a pipeline runs it: a
private data directory (env/envvars), the scenario's inventory, the collection's playbook by its
name (privatecloud.iaas.site). The file sorts first, so it runs right after molecule's idempotence
step: the run must succeed and change nothing, and ansible-runner's own artifacts must say so.
"""

import glob
import json
import os
import shutil
import subprocess
import sys

ROOT = os.environ["MOLECULE_PROJECT_DIRECTORY"]
INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
HOSTS = {"novlan-fe", "novlan-node1", "novlan-node2", "novlan-outside"}


def ansible_runner():
    beside = os.path.join(os.path.dirname(sys.executable), "ansible-runner")
    return beside if os.path.exists(beside) else shutil.which("ansible-runner")


def test_ansible_runner_runs_site_yml_and_changes_nothing(tmp_path):
    private = tmp_path / "runner"
    (private / "env").mkdir(parents=True)
    # What a runner project sets for the collection (docs/performance.md: pipelining).
    (private / "env" / "envvars").write_text(json.dumps({
        "ANSIBLE_COLLECTIONS_PATH": os.path.join(ROOT, ".cache", "collections"),
        "ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3",
        "ANSIBLE_PIPELINING": "true",
    }))
    run = subprocess.run([ansible_runner(), "run", str(private), "--ident", "rerun", "--inventory", INVENTORY,
                          "-p", "privatecloud.iaas.site"],
                         capture_output=True, text=True, check=False, timeout=1800)
    artifacts = private / "artifacts" / "rerun"
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert (artifacts / "status").read_text() == "successful"
    assert (artifacts / "rc").read_text() == "0"
    events = [json.loads(open(path, encoding="utf-8").read())
              for path in glob.glob(str(artifacts / "job_events" / "*.json"))]
    stats = [event["event_data"] for event in events if event["event"] == "playbook_on_stats"]
    assert len(stats) == 1, [event["event"] for event in events][-5:]
    assert HOSTS <= set(stats[0]["ok"]), stats[0]
    assert not stats[0]["changed"] and not stats[0]["failures"] and not stats[0]["dark"], stats[0]
