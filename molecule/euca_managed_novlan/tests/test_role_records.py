"""Roles with nothing to do end at once, and what drifted is put right.

Each role records on the host what it was applied from and the state of what it owns
(docs/performance.md, "Roles with nothing to do"). Here site.yml is run until it changes nothing,
then again: every role must end at its first task on every host. Then the front-end drifts three
ways at once - chrony stopped, a line added to dhcpd.conf, one owned chain flushed - and the next
run must run those three roles in full, put each right (a running chrony, the file as it was, the
chain's rules back) and leave the others ended; the run after it ends every role again.
"""

import os
import sys

import pytest
import testinfra

ROOT = os.environ["MOLECULE_PROJECT_DIRECTORY"]
INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from scenario import changes, site  # noqa: E402  pylint: disable=wrong-import-position

FRONTEND = testinfra.get_host("podman://novlan-fe")
HOSTS = ("novlan-fe", "novlan-node1", "novlan-node2")
# The tasks every role runs before it can end: Ansible's check of its arguments and the gate.
BEFORE_THE_GATE = ("Validating arguments against arg spec", "End here if the host is in step")
CHAIN = "IAAS-admin-default"  # a security group's chain in the data plane's table (test_dataplane.py shows its rules)


def role_tasks(run, host):
    """The role tasks that ran on ``host`` past their gate ("ntp : Configure chrony", ...)."""
    return sorted({task.split(".", 2)[-1] for task, _name, result in run.results(host)
                   if " : " in task and not task.split(" : ", 1)[1].startswith(BEFORE_THE_GATE)
                   and not result.get("skipped")})


def roles_run(run, host):
    return sorted({task.split(" : ", 1)[0].rsplit(".", 1)[-1] for task in role_tasks(run, host)})


@pytest.fixture(scope="module")
def settled():
    """site.yml run until a run changes nothing (the earlier tests may have left another inventory's state)."""
    for _attempt in range(2):
        run = site(INVENTORY)
        assert run.returncode == 0, run
        if not any(changes(run, host) for host in HOSTS):
            break
    return site(INVENTORY)


def test_a_rerun_with_nothing_to_do_ends_every_role_at_its_gate(settled):
    assert settled.returncode == 0, settled
    for host in HOSTS:
        assert role_tasks(settled, host) == [], host
        assert changes(settled, host) == {}, host


@pytest.fixture(scope="module")
def repaired(settled):
    before = {"dhcpd.conf": FRONTEND.file("/etc/dhcp/dhcpd.conf").content_string,
              "chain": FRONTEND.check_output("nft list chain ip iaas %s", CHAIN)}
    assert "accept" in before["chain"]
    FRONTEND.check_output("systemctl stop chrony")
    FRONTEND.check_output("echo '# drifted' >> /etc/dhcp/dhcpd.conf")
    FRONTEND.check_output("nft flush chain ip iaas %s", CHAIN)
    run = site(INVENTORY)
    return before, run, site(INVENTORY)


def test_only_the_roles_whose_state_drifted_run_in_full(repaired):
    _before, run, _after = repaired
    assert roles_run(run, "novlan-fe") == ["dhcpd", "iptables", "ntp"]
    assert roles_run(run, "novlan-node1") == [] and roles_run(run, "novlan-node2") == []


def test_the_drift_is_put_right(repaired):
    before, run, _after = repaired
    changed = changes(run, "novlan-fe")
    assert "Configure chrony, restart it if its file changed, keep it running and enabled at boot" in changed
    assert "Configure dhcpd, restart it if its files changed, keep it running (or off, where it does not serve)" \
        in changed
    assert "Apply the data plane's nftables table" in changed
    assert FRONTEND.service("chrony").is_running
    assert FRONTEND.file("/etc/dhcp/dhcpd.conf").content_string == before["dhcpd.conf"]
    assert FRONTEND.check_output("nft list chain ip iaas %s", CHAIN) == before["chain"]


def test_the_run_after_the_repair_ends_every_role_again(repaired):
    _before, _run, after = repaired
    for host in HOSTS:
        assert role_tasks(after, host) == [], host
        assert changes(after, host) == {}, host
