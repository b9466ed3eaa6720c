"""Real 802.1Q frames and a real NFS server between two VMs running Debian's kernel: what the
container scenarios cannot show (this machine's kernel has neither).

MANAGED mode with the collection's data plane (molecule.yml): admin/default on tag 10
(10.10.8.0/24, db1) admits admin/web on tcp 8080; admin/web on tag 20 (10.10.18.0/24, web1, elastic
IP 192.168.77.100) admits tcp 22 from the public network 192.168.77.0/24. Both "VMs" are network namespaces on the node VM,
each on its group's bridge (tests/harness/vm_dhcp.py --keep); the outside host is a namespace on a
macvlan of the node VM's eth1, the untagged public network. The last tests take admin/default out
of the inventory and converge again.
"""

import glob
import json
import os
import sys
import tarfile
import time

import pytest
import testinfra

ROOT = os.environ["MOLECULE_PROJECT_DIRECTORY"]
INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from runner import ansible_playbook  # noqa: E402  pylint: disable=wrong-import-position
from scenario import source_drops  # noqa: E402  pylint: disable=wrong-import-position

FRONTEND = testinfra.get_host("ansible://kernel-fe", ansible_inventory=INVENTORY)
NODE = testinfra.get_host("ansible://kernel-node", ansible_inventory=INVENTORY)

# name: (group bridge, MAC the plan derives from the address, planned address, router)
VMS = {
    "db1": ("eucabr10", "D0:0D:0A:0A:08:02", "10.10.8.2", "10.10.8.1"),
    "web1": ("eucabr20", "D0:0D:0A:0A:12:02", "10.10.18.2", "10.10.18.1"),
}
SERVES = {"db1": (8080, 9090), "web1": (22,)}
ELASTIC_IP = "192.168.77.100"
OUTSIDE_IP = "192.168.77.50"


def in_vm(name, command):
    return NODE.run("ip netns exec vm-%s %s" % (name, command))


def ask(name, host, port):
    """The address host:port saw the VM's connection come from, or 'no answer: ...'."""
    return in_vm(name, "vm-net ask %s %d" % (host, port)).stdout.strip()


def serve(name, port):
    """A listener in the VM on ``port``, waited for as long as its unit runs: an emulated machine may
    take long to start it, and a unit that stopped will never listen."""
    unit = "vm-%s-%d" % (name, port)
    NODE.run("systemd-run --unit %s ip netns exec vm-%s vm-net serve %d" % (unit, name, port))
    # Bounded only so that a listener that hangs without ever listening cannot hold the suite.
    for _attempt in range(600):
        if NODE.run("ip netns exec vm-%s ss -Hltn 'sport = :%d'" % (name, port)).stdout.strip():
            return
        state = NODE.run("systemctl is-active %s" % unit).stdout.strip()
        assert state in ("active", "activating"), "%s stopped (%s) before it listened on %d: %s" % (
            unit, state, port, NODE.run("journalctl -u %s -n 5 --no-pager" % unit).stdout)
        time.sleep(0.5)
    raise AssertionError("%s runs but has not listened on %d after 600 looks" % (unit, port))


def links(host):
    return {link["ifname"]: link for link in json.loads(host.check_output("ip -j -d link show"))}


@pytest.fixture(scope="module")
def vms():
    leases = {}
    for name, (bridge, mac, _address, _router) in VMS.items():
        # STP holds a new port for two forward delays (4 s) before it forwards: dhclient asks again.
        leases[name] = json.loads(NODE.run("vm-dhcp %s %s 60 --keep vm-%s" % (bridge, mac, name)).stdout)
        for port in SERVES[name]:
            serve(name, port)
    # The outside host: on the segment's untagged frames, beside the front-end's elastic IP.
    NODE.check_output(
        "ip netns add outside && ip link add link eth1 name outside0 type macvlan mode bridge"
        " && ip link set outside0 netns outside && ip -n outside address add %s/24 dev outside0"
        " && ip -n outside link set outside0 up && ip -n outside link set lo up" % OUTSIDE_IP)
    return leases


@pytest.mark.parametrize("host", [FRONTEND, NODE], ids=["front-end", "node"])
def test_each_groups_tag_is_an_8021q_device_in_its_bridge_as_the_cc_sets_it(host):
    found = links(host)
    for tag in (10, 20):
        vlan = found["eth1.%d" % tag]
        assert (vlan["link"], vlan["linkinfo"]["info_kind"], vlan["linkinfo"]["info_data"]["id"]) == (
            "eth1", "vlan", tag)
        assert vlan["master"] == "eucabr%d" % tag
        bridge = found["eucabr%d" % tag]["linkinfo"]["info_data"]
        # STP on, forward delay and hello 2 s (in centiseconds), as the CC makes its bridges.
        assert (bridge["stp_state"], bridge["forward_delay"], bridge["hello_time"]) == (1, 200, 200), bridge


def test_the_front_end_holds_the_routers_and_the_node_no_address_on_the_group_bridges():
    for tag, router in ((10, "10.10.8.1/24"), (20, "10.10.18.1/24")):
        assert router in FRONTEND.check_output("ip -4 -o address show dev eucabr%d" % tag)
        assert NODE.check_output("ip -4 -o address show dev eucabr%d" % tag) == ""
    assert FRONTEND.file("/etc/default/isc-dhcp-server").contains('^INTERFACESv4="eucabr10 eucabr20"$')


def test_each_vm_leases_its_planned_address_over_its_groups_vlan(vms):
    for name, (_bridge, _mac, address, router) in VMS.items():
        assert (vms[name]["address"], vms[name]["routers"]) == (address + "/24", [router]), (name, vms[name])


def test_vms_of_two_groups_on_one_node_do_not_share_layer_2(vms):
    # web1 asks by ARP, on its own link, for db1's address: its group's VLAN never carries the
    # question to db1, and nobody else holds the address.
    isolated = in_vm("web1", "sh -c 'ip route add 10.10.8.2/32 dev eth0; ping -c 2 -W 1 10.10.8.2;"
                             " ip neigh show 10.10.8.2 dev eth0; ip route del 10.10.8.2/32 dev eth0'")
    assert "lladdr" not in isolated.stdout and " 0 received" in isolated.stdout, isolated.stdout
    # The control: the same question from tag 10's bridge is answered with db1's MAC.
    control = NODE.run(
        "ip netns add probe; ip link add probe-host type veth peer name probe0 netns probe;"
        " ip link set probe-host master eucabr10 up; ip -n probe address add 10.10.8.250/24 dev probe0;"
        " ip -n probe link set probe0 up;"
        # STP: the port forwards once it has listened and learned (forward delay 2 s, twice).
        " for _ in $(seq 600); do bridge link show dev probe-host | grep -q 'state forwarding' && break; sleep 0.5; done;"
        " ip netns exec probe ping -c 2 -W 2 10.10.8.2;"
        " ip -n probe neigh show 10.10.8.2; ip netns del probe")
    assert "lladdr d0:0d:0a:0a:08:02" in control.stdout, control.stdout


def test_the_groups_reach_each_other_through_the_front_end_only_where_a_rule_allows(vms):
    assert ask("web1", "10.10.8.2", 8080) == "10.10.18.2"
    assert ask("web1", "10.10.8.2", 9090).startswith("no answer")


def test_a_vm_posing_as_a_host_a_rule_admits_is_dropped_at_its_groups_bridge(vms):
    # admin/web admits ssh from the public network, not from admin/default: db1 as itself is refused,
    # and posing as the outside host its packets are dropped where they come in (eucabr10), before
    # web1's port or any group rule sees them.
    assert ask("db1", "10.10.18.2", 22).startswith("no answer")
    rule = "-i eucabr10 -j DROP"
    before = source_drops(FRONTEND).get(rule, 0)
    posed = in_vm("db1", "sh -c 'ip address add %s/32 dev eth0 && vm-net ask 10.10.18.2 22 %s;"
                         " ip address del %s/32 dev eth0'" % (OUTSIDE_IP, OUTSIDE_IP, OUTSIDE_IP))
    assert posed.stdout.strip() == "no answer: timed out", posed
    assert source_drops(FRONTEND).get(rule, 0) > before


def test_the_outside_reaches_web1_through_its_elastic_ip(vms):
    assert ELASTIC_IP + "/32" in FRONTEND.check_output("ip -4 -o address show dev eth1")
    # DNAT only: web1 sees the outside host's own address.
    assert NODE.run("ip netns exec outside vm-net ask %s 22" % ELASTIC_IP).stdout.strip() == OUTSIDE_IP
    assert NODE.run("ip netns exec outside vm-net ask %s 8080" % ELASTIC_IP).stdout.startswith("no answer")


def test_the_nfs_server_answers_on_the_fixed_ports():
    programs = FRONTEND.check_output("rpcinfo -p 127.0.0.1")
    assert any(line.split()[2:5] == ["tcp", "892", "mountd"] for line in programs.splitlines())
    assert any(line.split()[2:5] == ["tcp", "2049", "nfs"] for line in programs.splitlines())


def test_lockd_and_statd_answer_on_their_fixed_ports():
    # The guide's fixed ports (section 4.5.6.2) besides mountd's. On Debian 13 the server starts
    # with nfsdctl, which does not pass nfs.conf's lockd ports to the kernel: the role gives them
    # to lockd as its module parameters, and restarts statd, which reads its port when it starts.
    registered = {tuple(line.split()[2:5]) for line in FRONTEND.check_output("rpcinfo -p 127.0.0.1").splitlines()}
    for expected in (("tcp", "32803", "nlockmgr"), ("udp", "32769", "nlockmgr"), ("tcp", "662", "status")):
        assert expected in registered, (expected, sorted(registered))


def test_lockd_loads_with_its_fixed_ports_after_a_reboot_too():
    # What a reboot loads the module with (its parameters, from the role's modprobe.d file).
    options = FRONTEND.check_output("modprobe --showconfig | grep '^options lockd '")
    assert options.split()[2:] == ["nlm_tcpport=32803", "nlm_udpport=32769"]
    for parameter, port in (("nlm_tcpport", "32803"), ("nlm_udpport", "32769")):
        assert FRONTEND.file("/sys/module/lockd/parameters/" + parameter).content_string.strip() == port


def test_the_node_mounts_both_exports_and_writes_through_the_firewall():
    # The guide's test (section 4.5.6): mount, write, unmount.
    for export in ("primary", "secondary"):
        result = NODE.run(
            "set -e; mkdir -p /mnt/%(e)s; mount -t nfs 192.168.77.1:/export/%(e)s /mnt/%(e)s;"
            " echo written-by-kernel-node > /mnt/%(e)s/probe; umount /mnt/%(e)s" % {"e": export})
        assert result.rc == 0, result.stderr
        assert FRONTEND.file("/export/%s/probe" % export).content_string == "written-by-kernel-node\n"
    assert "--dport 2049 -j ACCEPT" in FRONTEND.check_output("iptables -S IAAS-INPUT")


@pytest.mark.parametrize("host", [FRONTEND, NODE], ids=["front-end", "node"])
def test_the_preflight_test_left_no_vlan_device_behind(host):
    # side_effect.yml ran playbooks/preflight.yml, whose VLAN-clean test made eth1.30 for a while.
    assert "eth1.30" not in links(host) and {"eth1.10", "eth1.20", "eucabr10"} <= set(links(host))


def playbook(path, *arguments):
    return ansible_playbook(path, INVENTORY, *arguments, environment={"ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3",
                                                                      "ANSIBLE_PIPELINING": "true"})


def test_diagnostics_collect_what_the_documents_ask_for_each_group(tmp_path):
    run = playbook(os.path.join(ROOT, "playbooks", "diagnostics.yml"), "-e", "diagnostics_dir=%s" % tmp_path)
    assert run.returncode == 0, run
    (archive,) = glob.glob(str(tmp_path / "privatecloud-diagnostics-*.tar.gz"))
    with tarfile.open(archive) as packed:
        files = {member.name.split("/", 1)[1]: packed.extractfile(member).read().decode()
                 for member in packed.getmembers() if member.isfile()}
    assert "vlan protocol 802.1Q id 10" in files["kernel-fe/group-admin-default-vlan.txt"]
    assert "master eucabr10" in files["kernel-node/group-admin-default-bridge.txt"]
    assert "ip saddr 192.168.77.0/24 tcp dport 22 accept" in files["kernel-fe/group-admin-web-chain.txt"]
    # Each translation of the elastic IP looked up on its own: both present (no error, no exit status).
    for table_map in ("dnat_of", "snat_of"):
        found = files["kernel-fe/elastic-ip-%s-%s.txt" % (ELASTIC_IP, table_map)]
        assert "exit status" not in found and "elements = {" in found, (table_map, found)
    served = files["kernel-fe/dhcpd-interfaces.txt"]
    assert "eucabr10" in served and "eucabr20" in served, served


@pytest.fixture(scope="module")
def without_admin_default(vms):
    """db1 is terminated, then admin/default and db1 leave the inventory; converge.yml again.
    Returns the run, and each host's links before it."""
    before = {"front-end": links(FRONTEND), "node": links(NODE)}
    NODE.run("systemctl stop vm-db1-8080 vm-db1-9090;"
             " ip netns exec vm-db1 dhclient -x -pf /run/vm-dhcp/vm-db1/pid; ip netns del vm-db1")
    extra = {
        "vnet_security_groups": {"admin/web": {"vlan": 20, "ingress": [
            {"protocol": "tcp", "ports": 22, "source": "192.168.77.0/24"}]}},
        "vnet_instances": {"i-web1": {"group": "admin/web", "node": "kernel-node", "public_ip": ELASTIC_IP}},
    }
    run = playbook(os.path.join(HERE, "converge.yml"), "-e", json.dumps(extra))
    assert run.returncode == 0, run
    return {"run": run, "before": before}


@pytest.mark.parametrize("host", [FRONTEND, NODE], ids=["front-end", "node"])
def test_a_group_that_leaves_the_inventory_leaves_with_its_devices_and_nothing_else(without_admin_default, host):
    before = without_admin_default["before"]["front-end" if host is FRONTEND else "node"]
    after = links(host)
    assert not {"eth1.10", "eucabr10"} & set(after), sorted(after)
    # The other group's devices are the same devices (not made again), and so is every other link.
    kept = set(before) - {"eth1.10", "eucabr10"} - {name for name in before if name.startswith("vnet-")}
    assert {name: after.get(name, {}).get("ifindex") for name in kept} == {
        name: before[name]["ifindex"] for name in kept}


def test_the_left_groups_chain_and_dhcp_are_gone_and_web1_still_serves(without_admin_default):
    assert "IAAS-admin-default" not in FRONTEND.check_output("nft list table ip iaas")
    assert "10.10.8.0" not in FRONTEND.file("/etc/dhcp/dhcpd.conf").content_string
    assert NODE.run("ip netns exec outside vm-net ask %s 22" % ELASTIC_IP).stdout.strip() == OUTSIDE_IP
