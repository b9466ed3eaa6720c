"""Two clusters joined by the collection's tunnel, proven with real traffic.

The "VMs" are network namespaces on the nodes' br0 (tests/harness/vm_dhcp.py --keep) that lease
their addresses from the CCs and talk with tests/harness/vm_net.py. Groups (molecule.yml), tag 10
admin/default 10.20.2.0/26 (db1 on node2, cluster 2) admits admin/web on 8080; tag 11 admin/web
10.20.2.64/26 (web1 on node1, cluster 1, elastic IP 198.18.8.100; web2 on node2, cluster 2)
admits admin/default on 22. In each block the first CC's gateway is the router, the second's the
router plus one. The last tests turn tunnelling off (vnet_localip: 0.0.0.0), check mode first.

Not here: MANAGED's VLAN per group, whose group bridges the tunnels join the same way (this kernel
has no 802.1Q; the unit tests check the plan, the integration tests the VXLAN device).
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
from scenario import changes, reboot, serve, site, start  # noqa: E402  pylint: disable=wrong-import-position

FE1 = testinfra.get_host("podman://clusters-fe1")
FE2 = testinfra.get_host("podman://clusters-fe2")
NODE1 = testinfra.get_host("podman://clusters-node1")
NODE2 = testinfra.get_host("podman://clusters-node2")
# Each front-end's tunnel end (vnet_localip) and the other's.
ENDS = {"clusters-fe1": (FE1, "198.18.8.66", "198.18.8.67"), "clusters-fe2": (FE2, "198.18.8.67", "198.18.8.66")}

# name: (node, MAC the plan derives from the address, planned address, its own CC's gateway)
VMS = {
    "db1": (NODE2, "D0:0D:0A:14:02:09", "10.20.2.9", "10.20.2.2"),
    "web1": (NODE1, "D0:0D:0A:14:02:49", "10.20.2.73", "10.20.2.65"),
    "web2": (NODE2, "D0:0D:0A:14:02:4A", "10.20.2.74", "10.20.2.66"),
}
# What each VM serves (vm-net serve: answers with the address a connection came from, then echoes).
SERVES = {"db1": (8080, 9090), "web1": (22, 9090), "web2": (9090,)}
ELASTIC_IP = "198.18.8.100"


def in_vm(name, command):
    return VMS[name][0].run("ip netns exec vm-%s %s" % (name, command))


def ask(name, host, port):
    """The address host:port saw the VM's connection come from, or 'no answer: ...'."""
    return in_vm(name, "vm-net ask %s %d" % (host, port)).stdout.strip()


@pytest.fixture(scope="module")
def leases():
    found = {}
    for name, (node, mac, _address, _gateway) in VMS.items():
        found[name] = json.loads(node.run("vm-dhcp br0 %s 60 --keep vm-%s" % (mac, name)).stdout)
        for port in SERVES[name]:
            serve(node, "vm-%s-%d" % (name, port), "ip netns exec vm-%s vm-net serve %d" % (name, port), port,
                  "vm-" + name)
    return found


def test_each_vm_leases_its_address_with_its_own_ccs_gateway_as_router(leases):
    # Both CCs answer every VM alike: whichever answers first, the router is the VM's own CC. The
    # group spans the clusters over a 1500 underlay: the lease says 1450, the tunnel's MTU, and
    # the VM's interface takes it.
    for name, (_node, _mac, address, gateway) in VMS.items():
        assert (leases[name]["address"], leases[name]["routers"], leases[name]["dns"], leases[name]["lease_mtu"],
                leases[name]["mtu"]) == (address + "/26", [gateway], ["198.18.8.66"], 1450, 1450), (name, leases[name])


def test_each_front_ends_tunnel_is_a_port_of_its_private_bridge_with_the_other_as_peer():
    for host, local, peer in ENDS.values():
        link = json.loads(host.check_output("ip -j -d link show dev eucavx1"))[0]
        assert (link["linkinfo"]["info_kind"], link["linkinfo"]["info_data"]["id"],
                link["linkinfo"]["info_data"]["local"], link["master"], link["mtu"]) == ("vxlan", 1, local, "br1", 1450)
        flooding = [entry["dst"] for entry in json.loads(host.check_output("bridge -j fdb show dev eucavx1"))
                    if entry["mac"] == "00:00:00:00:00:00"]
        assert flooding == [peer]
        # The peers are known: nothing that arrives teaches the tunnel where a MAC address is.
        assert link["linkinfo"]["info_data"]["learning"] is False


def drops_of_the_tunnel_port(host):
    """Packets the front-end's INPUT dropped on the VXLAN port so far."""
    for line in host.check_output("iptables -L IAAS-INPUT -n -v -x").splitlines():
        fields = line.split()
        if fields[2:3] == ["DROP"] and "dpt:4789" in fields:
            return int(fields[0])
    raise AssertionError("no DROP of UDP 4789 in IAAS-INPUT")


def test_only_the_peer_front_end_may_send_into_the_tunnel():
    for host, _local, peer in ENDS.values():
        assert host.iptables.rules("filter", "IAAS-INPUT") == [
            "-N IAAS-INPUT",
            "-A IAAS-INPUT -s %s/32 -p udp -m udp --dport 4789 -j ACCEPT" % peer,
            "-A IAAS-INPUT -p udp -m udp --dport 4789 -j DROP"]


def test_a_tunnel_packet_from_a_host_that_is_not_a_peer_does_not_reach_a_group(leases):
    # node1 is on the management network, not a peer: it makes its own VXLAN end towards fe2 with
    # the segment's id, takes a free address of db1's block, and asks db1 (cluster 2) over it.
    before = drops_of_the_tunnel_port(FE2)
    NODE1.check_output("ip link add pciaas-vxevil type vxlan id 1 local 198.18.8.11 remote 198.18.8.3 dstport 4789 && "
                       "ip address add 10.20.2.61/26 dev pciaas-vxevil && ip link set dev pciaas-vxevil up")
    try:
        answered = NODE1.run("ping -c 3 -i 0.5 -W 1 -I pciaas-vxevil 10.20.2.9")
    finally:
        NODE1.run("ip link delete dev pciaas-vxevil")
    assert answered.rc != 0, answered.stdout
    assert drops_of_the_tunnel_port(FE2) > before
    # db1 never heard of the intruder: its ARP request was dropped before the group's bridge.
    assert "10.20.2.61" not in in_vm("db1", "ip neigh show").stdout


def test_a_group_spans_both_clusters(leases):
    assert ask("web1", "10.20.2.74", 9090) == "10.20.2.73"
    assert ask("web2", "10.20.2.73", 9090) == "10.20.2.74"


def fragments(host):
    """What the host's IPv4 has fragmented and reassembled so far (/proc/net/snmp, its own namespace)."""
    names, values = [line.split()[1:] for line in host.check_output("grep '^Ip:' /proc/net/snmp").splitlines()]
    counters = dict(zip(names, (int(value) for value in values)))
    return {key: counters[key] for key in ("FragCreates", "FragFails", "ReasmReqds")}


def test_full_size_segments_cross_the_tunnel_whole(leases):
    # web1 (cluster 1) and web2 (cluster 2) share a block: their frames cross the tunnel between the
    # front-ends. A 1400-byte payload, then 64 KiB in full-size segments each way: the VMs' 1450
    # (from their leases) keeps every tunnel packet within the 1500 underlay, so neither front-end
    # fragments or reassembles anything (with 1500 in the VMs, each full segment would leave fe1
    # as two fragments).
    before = {host: fragments(host) for host in (FE1, FE2)}
    for size in (1401, 65536):
        assert in_vm("web1", "vm-net echo 10.20.2.74 9090 %d" % size).stdout.strip() == str(size)
        assert in_vm("web2", "vm-net echo 10.20.2.73 9090 %d" % size).stdout.strip() == str(size)
    assert {host: fragments(host) for host in (FE1, FE2)} == before


def test_preflight_finds_each_tunnels_path_carries_its_packets_whole():
    run = ansible_playbook(os.path.join(ROOT, "playbooks", "preflight.yml"), INVENTORY,
                           environment={"ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3"})
    table = [line for task, _host, result in run.results("localhost") if task == "Print the results"
             for line in result.get("msg", [])]
    rows = [" ".join(line.split()) for line in table if "tunnel path" in line]
    assert sorted(rows) == sorted("tunnel path to %s %s ok 1500 bytes from %s with DF set arrive whole"
                                  % (peer, host, local) for host, (_testinfra, local, peer) in ENDS.items()), table or run


def test_an_underlay_mtu_the_front_ends_interface_cannot_carry_is_refused():
    # Jumbo frames declared where eth1, which holds vnet_localip, carries 1500: validation names it.
    run = ansible_playbook(os.path.join(ROOT, "playbooks", "validate.yml"), INVENTORY,
                           "-e", json.dumps({"vnet_underlay_mtu": 9000}),
                           environment={"ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3"})
    assert run.returncode != 0, run
    said = json.dumps([result for _task, result in run.failures()])
    for host, (_testinfra, local, _peer) in ENDS.items():
        assert ("%s: vnet_underlay_mtu: 9000 is above the MTU 1500 of eth1 on %s, which holds the tunnels' end %s"
                % (host, host, local)) in said, said


def test_a_rule_between_groups_across_clusters_holds_both_ways(leases):
    # web1 (cluster 1) to db1 (cluster 2): admin/default admits admin/web on 8080 only.
    assert ask("web1", "10.20.2.9", 8080) == "10.20.2.73"
    assert ask("web1", "10.20.2.9", 9090).startswith("no answer")
    # db1 (cluster 2) to web1 (cluster 1): admin/web admits admin/default on 22 only.
    assert ask("db1", "10.20.2.73", 22) == "10.20.2.9"
    assert ask("db1", "10.20.2.73", 9090).startswith("no answer")


def route(host, address):
    return " ".join(host.check_output("ip -4 route show %s" % address).split())


def test_each_cc_routes_the_other_clusters_vms_through_their_own_cc():
    # So both directions of a connection pass both CCs, whose stateful filters see all of it.
    assert route(FE1, "10.20.2.9") == "10.20.2.9 via 10.20.2.2 dev br1"
    assert route(FE1, "10.20.2.74") == "10.20.2.74 via 10.20.2.66 dev br1"
    assert route(FE2, "10.20.2.73") == "10.20.2.73 via 10.20.2.65 dev br1"


def test_the_elastic_ip_is_held_by_its_own_cc_only():
    assert ELASTIC_IP + "/32" in FE1.check_output("ip -4 -o address show dev eth1")
    assert ELASTIC_IP not in FE2.check_output("ip -4 -o address show dev eth1")
    assert ELASTIC_IP not in FE2.check_output("nft list table ip iaas")
    assert "%s : " % ELASTIC_IP in FE1.check_output("nft list map ip iaas dnat_of")


def test_the_tunnel_is_written_for_boot():
    for host, local, peer in ENDS.values():
        assert host.file("/etc/network/interfaces.d/50-eucavx1").content_string.splitlines()[1:] == [
            "auto eucavx1",
            "iface eucavx1 inet manual",
            "    pre-up ip link add name eucavx1 mtu 1450 type vxlan id 1 local %s dstport 4789 nolearning" % local,
            "    pre-up bridge fdb append 00:00:00:00:00:00 dev eucavx1 dst %s" % peer,
            "    up ip link set dev eucavx1 up",
            "    post-down ip link delete dev eucavx1"]
        assert "    bridge_ports eth2 eucavx1\n" in host.file("/etc/network/interfaces.d/60-br1").content_string


def test_after_a_reboot_the_second_cc_restores_its_tunnel_and_routes(leases):
    # A real boot of the container: ifupdown makes the tunnel from its file, the addresses unit
    # puts the routers and the route to web1 back.
    reboot("clusters-fe2", FE2)
    link = json.loads(FE2.check_output("ip -j -d link show dev eucavx1"))[0]
    assert (link["linkinfo"]["info_data"]["id"], link["master"]) == (1, "br1")
    assert route(FE2, "10.20.2.73") == "10.20.2.73 via 10.20.2.65 dev br1"
    # podman gives a restarted container new MAC addresses (a real host keeps its own): the
    # neighbours forget the old ones rather than wait for their caches to expire.
    for name in VMS:
        in_vm(name, "ip neigh flush all")
    FE1.run("ip neigh flush dev br1")
    assert ask("db1", "10.20.2.73", 22) == "10.20.2.9"
    assert ask("web1", "10.20.2.74", 9090) == "10.20.2.73"


def held():
    return NODE2.file("/tmp/hold.log").content_string if NODE2.file("/tmp/hold.log").exists else ""


@pytest.fixture(scope="module")
def untunnelled(leases):
    """Tunnelling turned off (vnet_localip: 0.0.0.0, as extra variables: the plans are decided from
    them): check mode first, then for real. db1 (cluster 2) holds a connection to web1:22 (cluster
    1) open through both. The CCs' connection tables are emptied first, so that what the earlier
    tests left (closing connections that expire on their own) does not race the two runs."""
    for host in (FE1, FE2):
        assert host.run("conntrack -F").rc == 0
    NODE2.run("rm -f /tmp/hold.log")
    start(NODE2, "hold-22", "ip netns exec vm-db1 vm-net hold 10.20.2.73 22 /tmp/hold.log")
    deadline = time.monotonic() + 60
    while "echo" not in held() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "echo" in held(), held()
    check = site(INVENTORY, "--check", "--diff", "-e", "vnet_localip=0.0.0.0")
    tunnel_after_check = FE1.run("ip link show dev eucavx1").rc == 0
    real = site(INVENTORY, "--diff", "-e", "vnet_localip=0.0.0.0")
    return {"check": check, "real": real, "tunnel_after_check": tunnel_after_check}


def test_check_mode_predicts_the_tunnels_removal_and_the_real_run_does_it(untunnelled):
    for host in ENDS:
        predicted = changes(untunnelled["check"], host)
        removed = predicted["Make the VLAN and VXLAN devices, remove those no longer declared, write them for boot"]
        assert removed["devices"]["eucavx1"]["commands"] == ["link delete dev eucavx1"]
        # The first CC no longer knows db1's group: the held connection from it is ended there.
        ended = predicted.get("Apply the owned chains, and end the connections the front-end's data plane no longer "
                              "allows", {}).get("ended") or None
        assert ended == (["tcp 10.20.2.9 -> 10.20.2.73:22: no rule of admin/web allows it any more"]
                         if host == "clusters-fe1" else None), (host, ended)
        done = changes(untunnelled["real"], host)
        assert set(done) == set(predicted), (host, {task: (predicted.get(task), done.get(task))
                                                    for task in set(done) ^ set(predicted)})
    assert untunnelled["tunnel_after_check"]


def test_what_leaves_the_inventory_leaves_the_front_ends(untunnelled):
    for host, _local, _peer in ENDS.values():
        assert host.run("ip link show dev eucavx1").rc != 0
        assert not host.file("/etc/network/interfaces.d/50-eucavx1").exists
        assert "    bridge_ports eth2\n" in host.file("/etc/network/interfaces.d/60-br1").content_string
        assert " via " not in host.check_output("ip -4 route show root 10.20.0.0/16")
        assert "route replace" not in host.file("/etc/privatecloud-iaas/addresses").content_string
    # Each cluster on its own again: the group no longer spans them.
    assert ask("web1", "10.20.2.74", 9090).startswith("no answer")
