"""Bad input to the ntp role fails before any task touches the host, naming the variable."""

import pytest

from runner import run_role


# The role used on its own plans its host first: a broken option fails there, before any change.
PLAN = "Plan this host's part"
VALID = {"ntp_role": "server", "ntp_allow": ["198.51.100.0/24"], "ntp_upstream_servers": []}


@pytest.mark.parametrize(
    "override, task, message",
    [
        ({"ntp_role": "serve"}, "Validating arguments",
         "value of ntp_role must be one of: server, client, got: serve"),
        ({"ntp_allow": {"lab": "198.51.100.0/24"}}, "Validating arguments",
         "argument 'ntp_allow' is of type dict and we were unable to convert to list"),
        ({"ntp_allow": ["198.51.100.300/24"]}, PLAN,
         "ntp_allow[0]: '198.51.100.300/24' is not an IP network"),
        ({"ntp_allow": ["198.51.100.0/24", "198.51.100.7/24"]}, PLAN,
         "ntp_allow[1]: '198.51.100.7/24' has host bits set: the network is 198.51.100.0/24"),
        ({"ntp_role": "client", "ntp_servers": []}, PLAN,
         "ntp_servers: [] is empty on a client"),
        ({"ntp_local_stratum": 16}, PLAN,
         "ntp_local_stratum: 16 is not a stratum from 1 to 15"),
    ],
)
def test_bad_input_fails_first_naming_the_variable(tmp_path, override, task, message):
    returncode, failures = run_role(tmp_path, "ntp", dict(VALID, **override))
    assert returncode == 2
    assert len(failures) == 1, failures
    failed_task, failure = failures[0]
    assert failed_task.startswith("privatecloud.iaas.ntp : " + task)
    assert message in failure
