"""What the molecule scenarios' tests share: listeners in the test VMs, a host's boot, a rerun of
site.yml on the scenario's inventory and the tasks it changed.

The "VMs" are network namespaces on a node's bridge (tests/harness/vm_dhcp.py --keep); vm-net
(tests/harness/vm_net.py) serves, asks and holds connections between them and other hosts.
"""

import os
import re
import subprocess
import time

from runner import ansible_playbook

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def start(host, unit, command):
    """Run ``command`` on ``host`` as the transient unit ``unit``, anew."""
    host.run("systemctl stop %s" % unit)
    host.run("systemctl reset-failed %s" % unit)
    assert host.run("systemd-run --unit %s %s" % (unit, command)).rc == 0


def serve(host, unit, command, port, namespace=None):
    """start(), then wait until the listener listens on ``port`` (a busy machine may take a while)."""
    start(host, unit, command)
    inside = "ip netns exec %s " % namespace if namespace else ""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if host.run("%sss -Hltn 'sport = :%d'" % (inside, port)).stdout.strip():
            return
        time.sleep(0.5)
    raise AssertionError("%s does not listen on %d: %s" % (unit, port, host.run("systemctl status %s" % unit).stdout))


def reboot(name, host):
    """Reboot the container ``name`` (testinfra's ``host``) and wait for its boot to finish.

    systemd in the container shuts down in its own time, which a busy machine stretches: it is given
    a minute before podman kills it, and a container that exits as the kill arrives (podman then
    reports the kill as failed) counts as stopped."""
    subprocess.run(["podman", "stop", "--time", "60", name], capture_output=True, check=False)
    state = subprocess.run(["podman", "inspect", "--format", "{{.State.Status}}", name], capture_output=True,
                           text=True, check=False).stdout.strip()
    assert state in ("exited", "stopped"), "%s did not stop: %s" % (name, state)
    started = subprocess.run(["podman", "start", name], capture_output=True, text=True, check=False)
    assert started.returncode == 0, "%s did not start again: %s" % (name, started.stderr)
    booted(host)


def booted(host):
    """Wait for the host's boot to finish. Right after 'podman restart' systemd may not answer yet,
    and 'is-system-running --wait' then fails at once: the boot units would still be running."""
    state = None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = host.run("systemctl is-system-running --wait").stdout.strip()
        if state in ("running", "degraded"):
            return
        time.sleep(0.5)
    raise AssertionError("%s did not finish booting: %s" % (host, state))


def site(inventory, *arguments):
    """playbooks/site.yml on the scenario's inventory, as its converge runs it."""
    return ansible_playbook(os.path.join(ROOT, "playbooks", "site.yml"), inventory, *arguments,
                            environment={"ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3",
                                         "ANSIBLE_PIPELINING": "true"})


def changes(run, host):
    """{task name without its role: result} of the tasks a successful run changed on ``host``."""
    assert run.returncode == 0, run
    return {task.split(" : ", 1)[-1]: result for task, _name, result in run.results(host) if result.get("changed")}


def source_drops(host):
    """{rule: packets} of the DROP rules in a front-end's raw IAAS-PREROUTING chain, where it drops
    packets whose source does not belong to the interface they came in on."""
    counted = {}
    for line in host.check_output("iptables-save -c -t raw").splitlines():
        counters, _space, rule = line.partition(" -A IAAS-PREROUTING ")
        if rule.endswith(" -j DROP") and counters.startswith("["):
            counted[rule] = int(counters[1:].split(":")[0])
    return counted


def table_rules(host, chain):
    """The rules of a chain of a front-end's data plane table (nft list chain ip iaas <chain>), as
    nft prints them, without the comment each carries."""
    listing = host.check_output("nft list chain ip iaas %s", chain)
    return [re.sub(r' comment "[^"]*"$', "", line.strip()) for line in listing.splitlines()
            if line.strip().endswith('"')]
