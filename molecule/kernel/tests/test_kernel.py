"""Real 802.1Q frames and a real NFS server between two VMs running Debian's kernel: what the
container scenarios cannot show (this machine's kernel has neither)."""

import json
import os

import pytest
import testinfra

INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
FRONTEND = testinfra.get_host("ansible://kernel-fe", ansible_inventory=INVENTORY)
NODE = testinfra.get_host("ansible://kernel-node", ansible_inventory=INVENTORY)


@pytest.mark.parametrize("host", [FRONTEND, NODE], ids=["front-end", "node"])
def test_the_vlan_devices_are_8021q_on_the_segment(host):
    for vlan in (10, 20):
        link = json.loads(host.check_output("ip -j -d link show dev eth1.%d" % vlan))[0]
        assert (link["link"], link["linkinfo"]["info_kind"], link["linkinfo"]["info_data"]["id"]) == (
            "eth1", "vlan", vlan)
    assert host.check_output("cat /sys/class/net/eth1.10/master/uevent").splitlines()[1] == "INTERFACE=eucabr10"


def test_the_node_reaches_the_router_address_over_vlan_10():
    assert NODE.run("ping -c 3 -W 2 10.10.8.1").rc == 0


def probe(attach):
    """Ping the router address from a namespace holding 10.10.8.3/24 on the link ``attach`` makes."""
    return NODE.run(
        "ip netns del probe 2>/dev/null; ip link del probe-host 2>/dev/null; set -e; ip netns add probe; %s;"
        " ip -n probe address add 10.10.8.3/24 dev probe0; ip -n probe link set probe0 up;"
        " set +e; ip netns exec probe ping -c 3 -W 2 10.10.8.1; status=$?;"
        " ip netns del probe; ip link del probe-host 2>/dev/null; exit $status" % attach)


def test_vlan_10_carries_traffic_from_a_second_address():
    # The control for the next test: a veth into the node's eucabr10 (VLAN 10) reaches the router.
    assert probe("ip link add probe-host type veth peer name probe0 netns probe;"
                 " ip link set probe-host master eucabr10 up").rc == 0


def test_vlan_20_is_isolated_from_vlan_10():
    # The same subnet on the other tag: the front-end's eucabr10 never sees the frames.
    assert probe("ip link add link eth1.20 name probe0 type macvlan mode bridge;"
                 " ip link set probe0 netns probe").rc != 0


def test_the_nfs_server_answers_on_the_fixed_ports():
    programs = FRONTEND.check_output("rpcinfo -p 127.0.0.1")
    assert any(line.split()[2:5] == ["tcp", "892", "mountd"] for line in programs.splitlines())
    assert any(line.split()[2:5] == ["tcp", "2049", "nfs"] for line in programs.splitlines())


def test_the_node_mounts_both_exports_and_writes_through_the_firewall():
    # The guide's test (section 4.5.6): mount, write, unmount.
    for export in ("primary", "secondary"):
        result = NODE.run(
            "set -e; mkdir -p /mnt/%(e)s; mount -t nfs 10.10.8.1:/export/%(e)s /mnt/%(e)s;"
            " echo written-by-kernel-node > /mnt/%(e)s/probe; umount /mnt/%(e)s" % {"e": export})
        assert result.rc == 0, result.stderr
        assert FRONTEND.file("/export/%s/probe" % export).content_string == "written-by-kernel-node\n"
    assert "--dport 2049 -j ACCEPT" in FRONTEND.check_output("iptables -S IAAS-INPUT")


@pytest.mark.parametrize("host", [FRONTEND, NODE], ids=["front-end", "node"])
def test_the_preflight_test_left_no_vlan_device_behind(host):
    # side_effect.yml ran playbooks/preflight.yml, whose VLAN-clean test made eth1.30 for a while.
    devices = [link["ifname"] for link in json.loads(host.check_output("ip -j link show"))]
    assert "eth1.30" not in devices and {"eth1.10", "eth1.20", "eucabr10"} <= set(devices)
