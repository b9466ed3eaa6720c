"""nft_table driven for real in throw-away network namespaces, with the table the data plane plans.

Each test gets a fresh front-end namespace that already holds other software's table (inet
foreign) and runs the module there as Ansible would. The last test routes real connections through
it: a client on the public side, a VM in a group's block, an elastic IP between them.
"""

import difflib
import shutil
import subprocess
import sys
import uuid

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils import dataplane, dataplane_table
from ansible_collections.privatecloud.iaas.plugins.module_utils.firewall import chain_name
from namespaces import can_make_namespaces

pytestmark = pytest.mark.skipif(not can_make_namespaces() or not shutil.which("nft"),
                                reason="needs root, iproute2 and nftables to create network namespaces")

FOREIGN = "table inet foreign {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n" \
          "\t\tip saddr 203.0.113.9 drop\n\t}\n}\n"
CLOUD = {
    "vnet_mode": "MANAGED-NOVLAN", "vnet_dataplane": "ansible", "vnet_subnet": "10.10.0.0",
    "vnet_netmask": "255.255.0.0", "vnet_addrspernet": 64, "vnet_publicips": ["198.51.100.10", "198.51.100.11"],
    "vnet_security_groups": {
        "admin/default": {"vlan": 10, "ingress": [{"protocol": "tcp", "ports": 22, "source": "0.0.0.0/0"}]},
        "admin/web": {"vlan": 11, "ingress": [{"protocol": "tcp", "ports": 8080, "source_group": "admin/default"}]},
    },
    "vnet_instances": {"i-db": {"group": "admin/default", "node": "nc1", "public_ip": "198.51.100.10"},
                       "i-web": {"group": "admin/web", "node": "nc1"}},
}


def planned(**changes):
    found, problems, _warnings = dataplane.decide(dict(CLOUD, **changes), ["nc1"])
    assert problems == []
    return dataplane_table.table(found, "IAAS-", chain_name)


@pytest.fixture
def fe(module_namespace):
    namespace = module_namespace("nft_table")
    namespace.run("nft", "-f", "-", data=FOREIGN)
    namespace.listing = lambda: namespace.run("nft", "list", "table", "ip", "iaas").stdout
    namespace.foreign = lambda: namespace.run("nft", "list", "table", "inet", "foreign").stdout
    return namespace


def test_check_mode_predicts_the_apply_and_a_second_run_changes_nothing(fe):
    table = planned()
    foreign = fe.foreign()
    predicted = fe.module(check=True, table=table)
    assert predicted["changed"] is True and fe.run("nft", "list", "tables").stdout == "table inet foreign\n"
    applied = fe.module(table=table)
    assert applied["commands"] == predicted["commands"] and applied["diff"] == predicted["diff"]
    listing = fe.listing()
    assert "chain IAAS-admin-default {" in listing and "10.10.2.0 : jump IAAS-admin-default" in listing, listing
    assert "tcp dport 22 accept" in listing
    again = fe.module(table=table)
    assert (again["changed"], again["commands"]) == (False, [])
    assert fe.listing() == listing and fe.foreign() == foreign


def test_one_rule_and_one_elastic_ip_change_only_their_chain_and_elements(fe):
    fe.module(table=planned())
    groups = dict(CLOUD["vnet_security_groups"], **{
        "admin/web": {"vlan": 11, "ingress": [{"protocol": "tcp", "ports": 8443, "source_group": "admin/default"}]}})
    instances = dict(CLOUD["vnet_instances"], **{
        "i-web": {"group": "admin/web", "node": "nc1", "public_ip": "198.51.100.11"}})
    result = fe.module(table=planned(vnet_security_groups=groups, vnet_instances=instances))
    assert result["commands"] == [
        "flush chain ip iaas IAAS-admin-web",
        'add rule ip iaas IAAS-admin-web ip saddr 10.10.2.64/26 accept comment "ip saddr 10.10.2.64/26 accept"',
        'add rule ip iaas IAAS-admin-web ip saddr 10.10.2.0/26 tcp dport 8443 accept '
        'comment "ip saddr 10.10.2.0/26 tcp dport 8443 accept"',
        "add element ip iaas dnat_of { 198.51.100.11 : 10.10.2.66 }",
        "add element ip iaas snat_of { 10.10.2.66 : 198.51.100.11 }"]
    # The diff names the group's chain and the elastic IP.
    assert "+    ip saddr 10.10.2.0/26 tcp dport 8443 accept" in _unified(result["diff"])
    assert "+    198.51.100.11 : 10.10.2.66" in _unified(result["diff"])


def test_a_rule_added_by_hand_and_a_group_that_leaves_are_both_undone(fe):
    fe.module(table=planned())
    fe.run("nft", "add", "rule", "ip", "iaas", "IAAS-admin-default", "tcp", "dport", "23", "accept")
    groups = {"admin/default": CLOUD["vnet_security_groups"]["admin/default"]}
    instances = {"i-db": CLOUD["vnet_instances"]["i-db"]}
    result = fe.module(table=planned(vnet_security_groups=groups, vnet_instances=instances))
    assert "delete element ip iaas group_of { 10.10.2.64 }" in result["commands"]
    assert result["commands"][-1] == "delete chain ip iaas IAAS-admin-web"
    listing = fe.listing()
    assert "IAAS-admin-web" not in listing and "dport 23" not in listing
    assert fe.module(table=planned(vnet_security_groups=groups, vnet_instances=instances))["changed"] is False


def test_the_boot_file_makes_the_table_anew_and_absent_removes_it_and_nothing_else(fe, tmp_path):
    path = str(tmp_path / "etc" / "dataplane.nft")
    table = planned()
    fe.module(table=table, persist_path=path)
    fe.run("nft", "delete", "table", "ip", "iaas")
    fe.run("nft", "-f", path)
    assert fe.module(table=table, persist_path=path)["changed"] is False
    # Loaded over a table that drifted, the file still gives the declared one.
    fe.run("nft", "add", "element", "ip", "iaas", "dnat_of", "{ 198.51.100.99 : 10.10.0.99 }")
    fe.run("nft", "-f", path)
    assert fe.module(table=table, persist_path=path)["changed"] is False
    foreign = fe.foreign()
    removed = fe.module(state="absent", name="iaas", persist_path=path)
    assert removed["commands"] == ["delete table ip iaas"]
    assert fe.run("nft", "list", "tables").stdout == "table inet foreign\n" and fe.foreign() == foreign
    assert not (tmp_path / "etc" / "dataplane.nft").exists()
    assert fe.module(state="absent", name="iaas", persist_path=path)["changed"] is False


def test_a_name_that_could_be_another_command_is_refused(fe):
    result = fe.module(state="absent", name="iaas\nflush ruleset")
    assert result["failed"] is True and "is not a table name" in result["msg"], result
    assert fe.run("nft", "list", "tables").stdout == "table inet foreign\n"


def test_a_rule_nft_refuses_fails_before_the_table_changes(fe):
    fe.module(table=planned())
    listing = fe.listing()
    table = planned()
    table["chains"][0]["rules"].append("ip saddr 10.0.0.0/8 tcp dport 99999 accept")
    result = fe.module(table=table)
    assert result["failed"] is True and "nft -c" in result["msg"], result
    assert fe.listing() == listing


CONNECT = """
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3])).close()
    print("connected")
except OSError as error:
    print(type(error).__name__)
"""
SERVE = """
import socket, sys
listeners = []
for port in sys.argv[2:]:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((sys.argv[1], int(port)))
    listener.listen(8)
    listeners.append(listener)
print("listening", flush=True)
import select
while True:
    for ready in select.select(listeners, [], [])[0]:
        connection, peer = ready.accept()
        print(peer[0], flush=True)
        connection.close()
"""


class Routed:
    """client (198.51.100.2) - fe - VM i-db (10.10.2.2, elastic IP 198.51.100.10)."""

    def __init__(self, fe):
        self.fe, self.names = fe, {}
        fe.run("sysctl", "-qw", "net.ipv4.ip_forward=1")
        for role, here, there, router in (("client", "198.51.100.1/24", "198.51.100.2/24", "198.51.100.1"),
                                          ("vm", "10.10.2.1/26", "10.10.2.2/26", "10.10.2.1")):
            name = self.names[role] = "pcnft-%s-%s" % (role, uuid.uuid4().hex[:6])
            subprocess.run(["ip", "netns", "add", name], check=True)
            fe.ip("link", "add", "to-" + role, "type", "veth", "peer", "name", "eth0", "netns", name)
            fe.ip("address", "add", here, "dev", "to-" + role)
            fe.ip("link", "set", "to-" + role, "up")
            for command in (["link", "set", "lo", "up"], ["link", "set", "eth0", "up"],
                            ["address", "add", there, "dev", "eth0"], ["route", "add", "default", "via", router]):
                subprocess.run(["ip", "-n", name] + command, check=True)
        # The front-end holds the elastic IP, as the frontend role makes it.
        fe.ip("address", "add", "198.51.100.10/32", "dev", "to-client")
        self.servers = []

    def serve(self, role, address, *ports):
        server = subprocess.Popen(["ip", "netns", "exec", self.names[role], sys.executable, "-c", SERVE, address]
                                  + [str(port) for port in ports], stdout=subprocess.PIPE, text=True)
        self.servers.append(server)
        assert server.stdout.readline().strip() == "listening"
        return server

    def connect(self, role, address, port, timeout):
        return subprocess.run(["ip", "netns", "exec", self.names[role], sys.executable, "-c", CONNECT, address,
                               str(port), str(timeout)], capture_output=True, text=True, check=True).stdout.strip()

    def close(self):
        for server in self.servers:
            server.kill()
            server.wait()
        for name in self.names.values():
            subprocess.run(["ip", "netns", "delete", name], check=False)


@pytest.fixture
def routed(fe):
    made = Routed(fe)
    yield made
    made.close()


def test_real_connections_are_judged_by_their_group_and_translated_by_the_elastic_ip(fe, routed):
    assert fe.module(table=planned())["changed"] is True
    vm = routed.serve("vm", "0.0.0.0", 22, 23)
    # Allowed (admin/default admits TCP 22 from anywhere), through the elastic IP and directly;
    # the VM sees the client's own address.
    assert routed.connect("client", "198.51.100.10", 22, 30) == "connected"
    assert vm.stdout.readline().strip() == "198.51.100.2"
    subprocess.run(["ip", "-n", routed.names["client"], "route", "add", "10.10.0.0/16", "via", "198.51.100.1"],
                   check=True)
    assert routed.connect("client", "10.10.2.2", 22, 30) == "connected"
    assert vm.stdout.readline().strip() == "198.51.100.2"
    # Port 23 is no rule of the group: its first packet is dropped (waiting longer would only slow
    # the test; a slow machine can only make this pass, never fail, so the allowed cases above
    # are what shows the path works).
    assert routed.connect("client", "198.51.100.10", 23, 3) == "TimeoutError"
    # The VM's own connection out leaves from its elastic IP.
    client = routed.serve("client", "198.51.100.2", 80)
    assert routed.connect("vm", "198.51.100.2", 80, 30) == "connected"
    assert client.stdout.readline().strip() == "198.51.100.10"


def _unified(diff):
    first = diff[0] if isinstance(diff, list) else diff
    return "\n".join(difflib.unified_diff(first["before"].splitlines(), first["after"].splitlines(), lineterm=""))
