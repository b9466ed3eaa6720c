"""Bad input to the ntp role fails before any task touches the host, naming the variable.

The role runs against the controller itself in check mode without facts: validation is the
only thing that can happen, so a rule that is not enforced shows up as a different failure.
"""

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# The ansible-playbook of the ansible-core under test, beside the interpreter running pytest.
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")


def run_role(tmp_path, variables):
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        textwrap.dedent(
            """\
            - hosts: all
              gather_facts: false
              roles:
                - privatecloud.iaas.ntp
            """
        )
    )
    environment = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".cache", "collections"),
        ANSIBLE_NOCOLOR="true",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
    )
    result = subprocess.run(
        [ANSIBLE_PLAYBOOK, "--check", "-i", "validation-host,", "-c", "local",
         "-e", json.dumps(variables), str(playbook)],
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


VALID = {"ntp_role": "server", "ntp_allow": ["198.51.100.0/24"], "ntp_upstream_servers": []}


@pytest.mark.parametrize(
    "override, task, message",
    [
        ({"ntp_role": "serve"}, "Validating arguments",
         "value of ntp_role must be one of: server, client, got: serve"),
        ({"ntp_allow": {"lab": "198.51.100.0/24"}}, "Validating arguments",
         "argument 'ntp_allow' is of type dict and we were unable to convert to list"),
        ({"ntp_allow": ["198.51.100.300/24"]}, "Check that ntp_allow lists networks",
         "ntp_allow[0]: '198.51.100.300/24' is not an IP network"),
        ({"ntp_allow": ["198.51.100.0/24", "198.51.100.7/24"]}, "Check that ntp_allow lists networks",
         "ntp_allow[1]: '198.51.100.7/24' has host bits set: the network is 198.51.100.0/24"),
        ({"ntp_role": "client", "ntp_servers": []}, "Check that a client has a server to follow",
         "ntp_servers: [] is empty on a client"),
        ({"ntp_local_stratum": 16}, "Check that ntp_local_stratum is a stratum",
         "ntp_local_stratum: 16 is not a stratum from 1 to 15"),
    ],
)
def test_bad_input_fails_first_naming_the_variable(tmp_path, override, task, message):
    returncode, failures = run_role(tmp_path, dict(VALID, **override))
    assert returncode == 2
    assert len(failures) == 1, failures
    failed_task, failure = failures[0]
    assert failed_task.startswith("privatecloud.iaas.ntp : " + task)
    assert message in failure
