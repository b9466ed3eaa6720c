"""Real bonds on Debian's kernel (the container scenarios' kernel has no bonding), made by the
interfaces module on the node VM as the vlan and bridge roles call it, against partners in network
namespaces of the same VM: veth pairs stand for the NICs and the switch ports.

- active-backup: bondt0 of bnd-a (primary) and bnd-b; the partner namespace bridges both far ends,
  like two switch ports of one network, and serves TCP on 10.99.0.2. A connection held through the
  bond survives its active port's link going down.
- 802.3ad: bondt1 of bnd-c and bnd-d against a partner bond in another namespace: LACP agrees,
  both ports in one aggregator.
- A VLAN device (MTU 1400) and a bridge over bondt0, the boot files (ifquery parses them), check
  mode against the real run, a second run, a port leaving the declaration.
- Preflight's rows of the real links: a port without its link, the active port, LACP's partner,
  the bridge's MTU path.

Nothing here touches the VM's own interfaces or /etc: the boot files go to a directory of the test's.
"""

import json
import os
import sys
import time

import pytest
import testinfra

ROOT = os.environ["MOLECULE_PROJECT_DIRECTORY"]
INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from runner import ansible_playbook  # noqa: E402  pylint: disable=wrong-import-position

NODE = testinfra.get_host("ansible://kernel-node", ansible_inventory=INVENTORY)
FILES = "/tmp/privatecloud-bonds"
APPLY = """\
- hosts: kernel-node
  gather_facts: false
  tasks:
    - name: Apply the devices
      privatecloud.iaas.interfaces:
        devices: "{{ devices }}"
        kinds: "{{ kinds }}"
        directory: %s/interfaces.d
        interfaces_file: %s/interfaces
""" % (FILES, FILES)

ACTIVE_BACKUP = {"kind": "bond", "name": "bondt0", "ports": ["bnd-a", "bnd-b"], "mode": "active-backup",
                 "primary": "bnd-a", "address": "10.99.0.1/24"}
LACP = {"kind": "bond", "name": "bondt1", "ports": ["bnd-c", "bnd-d"], "mode": "802.3ad", "lacp_rate": "fast",
        "address": "10.98.0.1/24"}
ON_TOP = [{"kind": "vlan", "parent": "bondt0", "id": 42, "mtu": 1400},
          {"kind": "bridge", "name": "brt0", "ports": ["bondt0.42"], "address": "10.97.0.1/24"}]


def apply(tmp_path, devices, kinds, check=False):
    """The module's result on the node (the vlan role's kinds, or the bridge role's)."""
    playbook = tmp_path / "apply.yml"
    playbook.write_text(APPLY)
    run = ansible_playbook(playbook, INVENTORY, "-e", json.dumps({"devices": devices, "kinds": kinds}),
                           *(["--check", "--diff"] if check else []),
                           environment={"ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3"})
    (result,) = [result for task, _host, result in run.results("kernel-node") if task == "Apply the devices"]
    assert run.returncode == 0, run
    return result


def bonding(name, key):
    return NODE.check_output("cat /sys/class/net/%s/bonding/%s" % (name, key)).strip()


def wait_for(what, check, seconds=60):
    """Wait on real state; fail naming what did not come up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError("%s did not come up within %d s" % (what, seconds))


@pytest.fixture(scope="module")
def partners():
    """The far ends: namespace bondpeer bridges bnd-a's and bnd-b's (10.99.0.2, serving TCP 9090);
    namespace lacppeer bonds bnd-c's and bnd-d's in 802.3ad (10.98.0.2)."""
    NODE.check_output(
        "mkdir -p %s/interfaces.d && touch %s/interfaces && "
        "ip netns add bondpeer && ip netns add lacppeer && "
        "ip link add bnd-a type veth peer name pa netns bondpeer && "
        "ip link add bnd-b type veth peer name pb netns bondpeer && "
        "ip link add bnd-c type veth peer name pc netns lacppeer && "
        "ip link add bnd-d type veth peer name pd netns lacppeer && "
        "ip -n bondpeer link add brp type bridge && ip -n bondpeer link set pa master brp && "
        "ip -n bondpeer link set pb master brp && ip -n bondpeer address add 10.99.0.2/24 dev brp && "
        "for link in pa pb brp; do ip -n bondpeer link set $link up; done && "
        "ip -n lacppeer link add bp type bond mode 802.3ad lacp_rate fast miimon 100 && "
        "ip -n lacppeer link set pc master bp && ip -n lacppeer link set pd master bp && "
        "ip -n lacppeer address add 10.98.0.2/24 dev bp && "
        "for link in pc pd bp; do ip -n lacppeer link set $link up; done" % (FILES, FILES))
    NODE.run("systemd-run --unit bond-serve ip netns exec bondpeer vm-net serve 9090")
    yield
    NODE.run("systemctl stop bond-serve bond-hold; ip link delete brt0; ip link delete bondt0.42; "
             "ip link delete bondt0; ip link delete bondt1; ip netns delete bondpeer; ip netns delete lacppeer; "
             "rm -rf %s /tmp/bond-hold.log" % FILES)


def test_check_mode_predicts_the_bonds_the_vlan_and_the_bridge_then_a_second_run_changes_nothing(partners, tmp_path):
    devices = [ACTIVE_BACKUP, LACP] + ON_TOP
    predicted = [apply(tmp_path, devices, kinds, check=True) for kinds in (["bond", "vlan", "vxlan"], ["bridge"])]
    assert NODE.run("ip link show dev bondt0").rc != 0
    done = [apply(tmp_path, devices, kinds) for kinds in (["bond", "vlan", "vxlan"], ["bridge"])]
    assert [result["devices"] for result in done] == [result["devices"] for result in predicted]
    assert [result["changed"] for result in done] == [True, True]
    assert [apply(tmp_path, devices, kinds)["changed"] for kinds in (["bond", "vlan", "vxlan"], ["bridge"])] == [
        False, False]
    # VLAN over the bond, bridge over the VLAN, each with its MTU; the bond's ports took the bond's.
    found = {link["ifname"]: link for link in json.loads(NODE.check_output("ip -j -d link show"))}
    assert (found["bondt0.42"]["link"], found["bondt0.42"]["mtu"], found["brt0"]["mtu"]) == ("bondt0", 1400, 1400)
    assert found["bnd-a"]["master"] == "bondt0" and found["bnd-b"]["master"] == "bondt0"
    # The boot files as written; ifquery parsed them before they were.
    bond_file = NODE.file("%s/interfaces.d/30-bondt0" % FILES).content_string
    assert "    bond-slaves bnd-a bnd-b\n    bond-mode active-backup\n" in bond_file
    assert "    bond-primary bnd-a\n" in bond_file
    assert NODE.run("ifquery --interfaces %s/interfaces --list --all" % FILES).rc == 0


def held():
    return NODE.run("cat /tmp/bond-hold.log").stdout


def test_an_active_backup_bond_keeps_a_tcp_connection_when_its_active_port_goes_down(partners):
    assert bonding("bondt0", "active_slave") == "bnd-a"
    NODE.run("rm -f /tmp/bond-hold.log")
    NODE.check_output("systemd-run --unit bond-hold vm-net hold 10.99.0.2 9090 /tmp/bond-hold.log")
    wait_for("the held connection's first echo", lambda: "echo 3" in held())
    # The far end of the active port loses its link: the bond's link monitor sees it, bnd-b takes over.
    NODE.check_output("ip -n bondpeer link set pa down")
    wait_for("bnd-b as the active port", lambda: bonding("bondt0", "active_slave") == "bnd-b")
    before = held().count("echo")
    wait_for("echoes after the failover", lambda: held().count("echo") >= before + 5)
    assert "closed" not in held(), held()


def test_an_lacp_bond_agrees_with_its_partner_on_both_ports(partners):
    # Both ports in one aggregator with the partner's system: LACP, not just two links up.
    def aggregated():
        status = NODE.check_output("cat /proc/net/bonding/bondt1")
        ports = status.split("Slave Interface: ")[1:]
        aggregators = {line.split(":")[1].strip() for port in ports for line in port.splitlines()
                       if line.startswith("Aggregator ID:")}
        return len(ports) == 2 and len(aggregators) == 1 and "Partner Mac Address: 00:00:00:00:00:00" not in status
    wait_for("one aggregator of bnd-c and bnd-d with the partner", aggregated)
    assert NODE.run("ping -c 2 -W 2 10.98.0.2").rc == 0


JUDGE = """\
- hosts: kernel-node
  gather_facts: false
  tasks:
    - name: Read the links
      ansible.builtin.command: ip -j -d link show
      register: links
      changed_when: false
    - name: Judge them
      ansible.builtin.debug:
        msg: "{{ links.stdout | from_json | privatecloud.iaas.preflight_links(checks) }}"
"""
CHECKS = {"bonds": [{key: bond[key] for key in ("name", "mode", "ports")} for bond in (ACTIVE_BACKUP, LACP)],
          "bridges": [{"name": "brt0"}]}


def preflight_rows(tmp_path):
    """Preflight's rows (roles/preflight/tasks/links.yml's filter) of the node's real links."""
    playbook = tmp_path / "judge.yml"
    playbook.write_text(JUDGE)
    run = ansible_playbook(playbook, INVENTORY, "-e", json.dumps({"checks": CHECKS}))
    assert run.returncode == 0, run
    (result,) = [result for task, _host, result in run.results("kernel-node") if task == "Judge them"]
    return {row["check"]: (row["result"], row["detail"]) for row in result["msg"]}


def test_preflight_names_a_port_without_its_link_then_the_active_port_and_lacp_partner(partners, tmp_path):
    # The failover above left bnd-a's far end down: the bond still carries traffic, on bnd-b alone.
    rows = preflight_rows(tmp_path)
    assert rows["bond bondt0"] == (
        "FAILED", "bnd-a's link is down; active-backup, active port bnd-b; ports bnd-a down, bnd-b up"), rows
    NODE.check_output("ip -n bondpeer link set pa up")
    wait_for("bnd-a's link back", lambda: bonding("bondt0", "active_slave") == "bnd-a")
    rows = preflight_rows(tmp_path)
    assert rows["bond bondt0"] == ("ok", "active-backup, active port bnd-a; ports bnd-a up, bnd-b up"), rows
    partner = json.loads(NODE.check_output("ip -n lacppeer -j link show dev bp"))[0]["address"]
    assert rows["bond bondt1"][0] == "ok", rows
    assert rows["bond bondt1"][1].startswith("802.3ad, aggregator ")
    assert rows["bond bondt1"][1].endswith(" with partner %s; ports bnd-c up, bnd-d up" % partner)
    # The bridge's path down to the veths: the VLAN device's 1400 over the bond's 1500.
    assert rows["MTU path brt0"] == ("ok", "brt0 1400 > bondt0.42 1400 > bondt0 1500 > bnd-a 1500, bnd-b 1500"), rows


def test_a_port_that_leaves_the_declaration_leaves_the_bond(partners, tmp_path):
    devices = [dict(ACTIVE_BACKUP, ports=["bnd-b"], primary="bnd-b"), LACP] + ON_TOP
    result = apply(tmp_path, devices, ["bond", "vlan", "vxlan"])
    assert "link set dev bnd-a nomaster" in result["devices"]["bondt0"]["commands"]
    assert "master" not in json.loads(NODE.check_output("ip -j link show dev bnd-a"))[0]
