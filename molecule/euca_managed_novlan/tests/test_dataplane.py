"""The MANAGED-NOVLAN data plane the collection built, proven with real traffic.

The "VMs" are network namespaces on the nodes' br0 (tests/harness/vm_dhcp.py --keep) that lease
their addresses from the front-end and talk with tests/harness/vm_net.py; the outside host is on
the public network only and stands in for the metadata service. Groups (molecule.yml):
admin/default 10.10.2.0/26 (db1 on node2, db2 on node1) admits admin/web on tcp 8080 and pings
from the public network; admin/web 10.10.2.64/26 (web1 on node1, elastic IP 198.18.3.160)
admits tcp 22 from anywhere. The last tests revoke the 8080 rule and the elastic IP
(vars/revoked.yml): check mode first, then for real.

Not here: MANAGED's VLAN per group (this kernel has no 802.1Q; the kernel scenario's part).
"""

import json
import os
import sys
import time

import pytest
import testinfra

ROOT = os.environ["MOLECULE_PROJECT_DIRECTORY"]
INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from scenario import changes, reboot, serve, site, source_drops, start, table_rules  # noqa: E402  pylint: disable=wrong-import-position

FRONTEND = testinfra.get_host("podman://novlan-fe")
NODE1 = testinfra.get_host("podman://novlan-node1")
NODE2 = testinfra.get_host("podman://novlan-node2")
OUTSIDE = testinfra.get_host("podman://novlan-outside")
REVOKED = "@" + os.path.join(HERE, "vars", "revoked.yml")

# name: (node, MAC the plan derives from the address, planned address, router)
VMS = {
    "db1": (NODE2, "D0:0D:0A:0A:02:02", "10.10.2.2", "10.10.2.1"),
    "db2": (NODE1, "D0:0D:0A:0A:02:03", "10.10.2.3", "10.10.2.1"),
    "web1": (NODE1, "D0:0D:0A:0A:02:42", "10.10.2.66", "10.10.2.65"),
}
# What each VM serves (vm-net serve: answers with the address a connection came from, then echoes).
SERVES = {"db1": (8080, 9090), "db2": (9090,), "web1": (22,)}
ELASTIC_IP = "198.18.3.160"
OUTSIDE_IP = "198.18.3.150"
# The iptables role applies its chains and ends what they no longer allow in one task.
APPLY_TABLE = "Apply the data plane's nftables table"
APPLY_CHAINS = "Apply the owned chains, and end the connections the front-end's data plane no longer allows"


def in_vm(name, command):
    node = VMS[name][0]
    return node.run("ip netns exec vm-%s %s" % (name, command))


def ask(name, host, port):
    """The address host:port saw the VM's connection come from, or 'no answer: ...'."""
    return in_vm(name, "vm-net ask %s %d" % (host, port)).stdout.strip()


@pytest.fixture(scope="module")
def leases():
    found = {}
    for name, (node, mac, _address, _router) in VMS.items():
        found[name] = json.loads(node.run("vm-dhcp br0 %s 60 --keep vm-%s" % (mac, name)).stdout)
        for port in SERVES[name]:
            serve(node, "vm-%s-%d" % (name, port), "ip netns exec vm-%s vm-net serve %d" % (name, port), port,
                  "vm-" + name)
    # The outside host: a listener that tells where a connection came from, and the metadata stand-in.
    serve(OUTSIDE, "outside-7000", "vm-net serve 7000", 7000)
    OUTSIDE.run("mkdir -p /srv/metadata/latest/meta-data && echo i-stand-in > "
                "/srv/metadata/latest/meta-data/instance-id")
    serve(OUTSIDE, "metadata", "python3 -m http.server 8773 --bind %s --directory /srv/metadata" % OUTSIDE_IP, 8773)
    return found


def test_each_vm_leases_its_planned_address_router_and_dns(leases):
    for name, (_node, _mac, address, router) in VMS.items():
        assert (leases[name]["address"], leases[name]["routers"], leases[name]["dns"]) == (
            address + "/26", [router], ["198.18.3.194"]), (name, leases[name])


def test_the_front_end_holds_each_groups_router_and_serves_dhcp_there():
    addresses = FRONTEND.check_output("ip -4 -o address show dev eth2")
    assert "10.10.2.1/26" in addresses and "10.10.2.65/26" in addresses
    assert FRONTEND.file("/etc/default/isc-dhcp-server").contains('^INTERFACESv4="eth2"$')


def test_vms_of_one_group_reach_each_other_on_any_port(leases):
    assert ask("db2", "10.10.2.2", 9090) == "10.10.2.3"
    assert ask("db1", "10.10.2.3", 9090) == "10.10.2.2"


def test_another_group_reaches_only_the_port_a_rule_opens_to_it(leases):
    assert ask("web1", "10.10.2.2", 8080) == "10.10.2.66"
    assert ask("web1", "10.10.2.2", 9090).startswith("no answer")


def test_the_public_side_posing_as_a_vm_is_dropped_where_it_comes_in(leases):
    # admin/default admits admin/web on 8080: the outside host sends as web1, from the public side.
    # The front-end drops it before anything else (raw PREROUTING), so db1's 8080 never sees it.
    rule = "-s 10.10.0.0/16 -j DROP"
    before = source_drops(FRONTEND).get(rule, 0)
    posed = OUTSIDE.run("ip address add 10.10.2.66/32 dev eth1 && ip route add 10.10.2.2/32 via 198.18.3.130 dev eth1"
                        " && vm-net ask 10.10.2.2 8080 10.10.2.66;"
                        " ip route del 10.10.2.2/32; ip address del 10.10.2.66/32 dev eth1")
    assert posed.stdout.strip() == "no answer: timed out", posed
    assert source_drops(FRONTEND).get(rule, 0) > before
    # The same port from web1 itself is open (the test above): the source alone made the difference.


def test_what_a_rule_opens_through_an_elastic_ip_passes_and_the_rest_is_dropped(leases):
    # admin/web admits echo requests from the public network: a ping of the elastic IP is answered.
    assert OUTSIDE.run("ping -c 1 -W 2 %s" % ELASTIC_IP).rc == 0
    # No rule opens 8080 to admin/web: the connection is dropped (a timeout, not a refusal by web1).
    assert OUTSIDE.run("vm-net ask %s 8080" % ELASTIC_IP).stdout.strip() == "no answer: timed out"


def test_the_outside_reaches_web1_through_its_elastic_ip(leases):
    # DNAT only: the VM sees the outside host's own address.
    assert OUTSIDE.run("vm-net ask %s 22" % ELASTIC_IP).stdout.strip() == OUTSIDE_IP


def test_web1_leaves_with_its_elastic_ip_and_others_with_the_front_ends_address(leases):
    assert ask("web1", OUTSIDE_IP, 7000) == ELASTIC_IP
    assert ask("db1", OUTSIDE_IP, 7000) == "198.18.3.130"


def test_the_metadata_address_reaches_the_stand_in(leases):
    assert in_vm("db1", "vm-net get http://169.254.169.254/latest/meta-data/instance-id").stdout.strip() == \
        "i-stand-in"


def test_the_group_chain_is_named_as_the_documents_look_for_it():
    # iptables -L <user>-<group>, behind the collection's prefix, in the data plane's table: the
    # group's own block first, then its rules; its block jumps to it.
    assert table_rules(FRONTEND, "IAAS-admin-default") == [
        "ip saddr 10.10.2.0/26 accept",
        "ip saddr 10.10.2.64/26 tcp dport 8080 accept",
        "ip saddr 198.18.3.128/26 icmp type echo-request accept",
    ]
    assert "10.10.2.0 : jump IAAS-admin-default" in FRONTEND.check_output("nft list map ip iaas group_of")


def held():
    return NODE1.file("/tmp/hold.log").content_string if NODE1.file("/tmp/hold.log").exists else ""


def echoes_flow():
    """Whether the held connection still echoes: a new echo within a minute (vm-net echoes every
    second; a busy machine may be slower)."""
    before = held().count("echo")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if held().count("echo") > before:
            return True
        time.sleep(0.5)
    return False


@pytest.fixture(scope="module")
def revoked(leases):
    """web1 holds a connection to db1:8080 open; then the rule and the elastic IP are revoked,
    first in check mode, then for real. Returns both runs."""
    NODE1.run("rm -f /tmp/hold.log")
    start(NODE1, "hold-8080", "ip netns exec vm-web1 vm-net hold 10.10.2.2 8080 /tmp/hold.log")
    deadline = time.monotonic() + 60
    while "echo" not in held() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert echoes_flow(), held()
    check = site(INVENTORY, "--check", "--diff", "-e", REVOKED)
    alive_after_check = echoes_flow()
    real = site(INVENTORY, "--diff", "-e", REVOKED)
    return {"check": check, "real": real, "alive_after_check": alive_after_check}


def test_check_mode_predicts_each_change_with_a_readable_diff(revoked):
    predicted = changes(revoked["check"], "novlan-fe")
    assert predicted["Hold the security groups' router addresses, the elastic IPs and the routes to other clusters"][
        "removed"] == [
        "198.18.3.160/32 on eth1"]
    # The table's diff (then its boot file's) names the group's rule and the elastic IP that go.
    table = predicted[APPLY_TABLE]["diff"][0]
    rule = "ip saddr 10.10.2.64/26 tcp dport 8080 accept"
    assert rule in table["before"] and ELASTIC_IP in table["before"], table
    assert rule not in table["after"] and ELASTIC_IP not in table["after"], table
    assert "delete element ip iaas dnat_of { %s }" % ELASTIC_IP in predicted[APPLY_TABLE]["commands"]
    ended = predicted[APPLY_CHAINS]["ended"]
    assert "tcp 10.10.2.66 -> 10.10.2.2:8080: no rule of admin/default allows it any more" in ended, ended
    # Check mode changed nothing: the held connection went on.
    assert revoked["alive_after_check"], held()


def test_the_real_run_does_what_check_mode_said(revoked):
    assert set(changes(revoked["real"], "novlan-fe")) == set(changes(revoked["check"], "novlan-fe"))


def test_revoking_the_rule_ends_the_open_connection(revoked):
    # The held connection notices the drop when no echo comes within vm-net's HOLD_SECONDS.
    deadline = time.monotonic() + 120
    while "closed" not in held() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "closed" in held(), held()[-500:]
    assert ask("web1", "10.10.2.2", 8080).startswith("no answer")
    assert ask("db2", "10.10.2.2", 9090) == "10.10.2.3"


def test_unassigning_the_elastic_ip_removes_the_address_and_its_rules(revoked):
    assert ELASTIC_IP not in FRONTEND.check_output("ip -4 -o address show dev eth1")
    assert ELASTIC_IP not in FRONTEND.check_output("nft list table ip iaas")
    assert OUTSIDE.run("vm-net ask %s 22" % ELASTIC_IP).stdout.startswith("no answer")
    assert ask("web1", OUTSIDE_IP, 7000) == "198.18.3.130"


def test_a_new_instance_leases_its_address_and_the_others_keep_theirs(revoked):
    served = FRONTEND.file("/etc/dhcp/dhcpd.conf").content_string
    for _node, mac, address, _router in VMS.values():
        assert "hardware ethernet %s;\n  fixed-address %s;" % (mac, address) in served
    lease = json.loads(NODE2.run("vm-dhcp br0 D0:0D:0A:0A:02:43 60").stdout)
    assert (lease["address"], lease["routers"]) == ("10.10.2.67/26", ["10.10.2.65"]), lease
    # A VM that asks again after dhcpd's restart gets the same address.
    again = json.loads(NODE1.run("vm-dhcp br0 %s 60 --keep vm-db2" % VMS["db2"][1]).stdout)
    assert again["address"] == "10.10.2.3/26", again


def test_foreign_rules_survive(revoked):
    assert "-A LOCAL-AUDIT -s 203.0.113.66/32 -j DROP" in FRONTEND.check_output("iptables -S LOCAL-AUDIT")
    assert "-A INPUT -j LOCAL-AUDIT" in FRONTEND.check_output("iptables -S INPUT")
    assert "-A POSTROUTING -s 192.0.2.0/24 -j RETURN" in FRONTEND.check_output("iptables -t nat -S POSTROUTING")


def test_after_a_reboot_the_front_end_restores_the_whole_plane(revoked):
    # A real boot of the front-end's container: its boot units put the chains (before the network)
    # and the routers (before dhcpd) back; VM traffic through it flows again.
    reboot("novlan-fe", FRONTEND)
    assert table_rules(FRONTEND, "IAAS-admin-default")[1:] == ["ip saddr 198.18.3.128/26 icmp type echo-request accept"]
    addresses = FRONTEND.check_output("ip -4 -o address show dev eth2")
    assert "10.10.2.1/26" in addresses and "10.10.2.65/26" in addresses
    assert FRONTEND.service("isc-dhcp-server").is_running
    # podman gives a restarted container new MAC addresses (a real host keeps its own): the
    # neighbours forget the old ones rather than wait for their caches to expire.
    in_vm("web1", "ip neigh flush all")
    OUTSIDE.run("ip neigh flush dev eth1")
    assert ask("web1", OUTSIDE_IP, 7000) == "198.18.3.130"
    lease = json.loads(NODE2.run("vm-dhcp br0 %s 60 --keep vm-db1" % VMS["db1"][1]).stdout)
    assert lease["address"] == "10.10.2.2/26", lease
