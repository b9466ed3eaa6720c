"""Run one role of the collection against the controller itself, in check mode, without facts.

Validation is the only thing that can happen there, so a rule a role does not enforce shows up
as a different failure (or none).
"""

import json
import os
import re
import subprocess
import sys
import textwrap

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# The ansible-playbook of the ansible-core under test, beside the interpreter running pytest.
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")


def run_role(tmp_path, role, variables, groups=()):
    """Return (returncode, [(task, 'fatal: ...' line)]) of the role run in check mode.

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
    environment = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".cache", "collections"),
        ANSIBLE_NOCOLOR="true",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
    )
    result = subprocess.run(
        [ANSIBLE_PLAYBOOK, "--check", "-i", str(inventory), "-c", "local", "-e", json.dumps(variables),
         str(playbook)],
        capture_output=True, text=True, env=environment, cwd=tmp_path, check=False,
    )
    # The default callback's text is the one output every supported ansible-core has:
    # "TASK [name] ***" headers, each failure as "fatal: [host]: FAILED! => {...}".
    failures, task = [], None
    for line in result.stdout.splitlines():
        header = re.match(r"TASK \[(.*)\] \*+$", line)
        if header:
            task = header.group(1)
        elif line.startswith("fatal: "):
            failures.append((task, line))
    return result.returncode, failures
