"""Which tracked connections the data plane no longer allows, from real 'conntrack -L' lines."""

from ansible_collections.privatecloud.iaas.plugins.module_utils import conntrack

LISTING = """\
tcp      6 431999 ESTABLISHED src=10.10.2.2 dst=10.10.1.2 sport=40001 dport=8080 src=10.10.1.2 dst=10.10.2.2 sport=8080 dport=40001 [ASSURED] mark=0 use=1
tcp      6 431999 ESTABLISHED src=203.0.113.9 dst=198.51.100.200 sport=40002 dport=22 src=10.10.2.2 dst=203.0.113.9 sport=22 dport=40002 [ASSURED] mark=0 use=1
tcp      6 431999 ESTABLISHED src=10.10.2.2 dst=203.0.113.9 sport=40003 dport=80 src=203.0.113.9 dst=198.51.100.200 sport=80 dport=40003 [ASSURED] mark=0 use=1
icmp     1 29 src=203.0.113.9 dst=10.10.1.2 type=8 code=0 id=77 src=10.10.1.2 dst=203.0.113.9 type=0 code=0 id=77 mark=0 use=1
tcp      6 431999 ESTABLISHED src=198.51.100.1 dst=10.10.1.2 sport=40004 dport=22 src=10.10.1.2 dst=198.51.100.1 sport=22 dport=40004 [ASSURED] mark=0 use=1
unknown  47 599 src=10.10.1.2 dst=10.10.1.3 src=10.10.1.3 dst=10.10.1.2 mark=0 use=1
"""
GROUPS = {
    "groups": [
        {"name": "admin/default", "cidr": "10.10.1.0/26",
         "allowed": [{"source": "10.10.2.0/26", "protocol": "tcp", "ports": "8080:8081", "icmp_type": None},
                     {"source": "203.0.113.0/24", "protocol": "icmp", "ports": None, "icmp_type": "echo-request"}]},
        {"name": "admin/web", "cidr": "10.10.2.0/26",
         "allowed": [{"source": "0.0.0.0/0", "protocol": "tcp", "ports": "22", "icmp_type": None}]},
    ],
    "instances": [{"private_ip": "10.10.1.2", "public_ip": None},
                  {"private_ip": "10.10.2.2", "public_ip": "198.51.100.200"}],
}
LOCAL = ("198.51.100.1", "10.10.1.1", "10.10.2.1", "198.51.100.200")


def reasons(dataplane, local=LOCAL):
    plane = conntrack.Plane("10.10.0.0/16", dataplane, local)
    return [plane.stale(entry) for entry in conntrack.parse(LISTING)]


def test_parse_reads_both_tuples_of_each_protocol():
    entries = conntrack.parse(LISTING)
    assert [entry["protocol"] for entry in entries] == ["tcp", "tcp", "tcp", "icmp", "tcp", "unknown"]
    assert entries[1]["orig"] == {"src": "203.0.113.9", "dst": "198.51.100.200", "sport": "40002", "dport": "22"}
    assert entries[1]["reply"]["src"] == "10.10.2.2"
    assert entries[3]["orig"]["type"] == "8"
    assert conntrack.delete_arguments(entries[3]) == [
        "-D", "-p", "icmp", "--orig-src", "203.0.113.9", "--orig-dst", "10.10.1.2", "--icmp-type", "8",
        "--icmp-code", "0", "--icmp-id", "77"]
    assert conntrack.delete_arguments(entries[5])[:3] == ["-D", "-p", "47"]


def test_the_plan_as_it_is_allows_every_connection():
    assert reasons(GROUPS) == [None] * 6


def test_a_revoked_rule_ends_only_its_connections():
    revoked = {"groups": [dict(GROUPS["groups"][0], allowed=GROUPS["groups"][0]["allowed"][1:]),
                          GROUPS["groups"][1]], "instances": GROUPS["instances"]}
    # The same group's own traffic (the last, GRE between two of its instances) is never a rule's.
    assert reasons(revoked) == ["no rule of admin/default allows it any more", None, None, None, None, None]


def test_an_unassigned_elastic_ip_ends_what_came_in_and_went_out_through_it():
    unassigned = dict(GROUPS, instances=[GROUPS["instances"][0], dict(GROUPS["instances"][1], public_ip=None)])
    local = [address for address in LOCAL if address != "198.51.100.200"]
    assert reasons(unassigned, local) == [
        None, "came in through 198.51.100.200, which is no longer the elastic IP of 10.10.2.2",
        "left through 198.51.100.200, which is no longer the elastic IP of 10.10.2.2", None, None, None]


def test_the_hosts_own_connections_are_never_looked_at():
    # The front-end's own connection to an instance (from 198.51.100.1) survives even with no group.
    assert reasons({"groups": [], "instances": []})[4] is None


def test_a_ccs_own_address_is_never_an_instances_even_once_the_host_stops_holding_it():
    # With two clusters the gateways are the eight addresses after each block's network: a VM's
    # lease renewal to a router this run stops holding (its group left this CC) is no instance's.
    listing = ("udp      17 29 src=10.10.2.9 dst=10.10.2.1 sport=68 dport=67 src=10.10.2.1 dst=10.10.2.9 sport=67 "
               "dport=68 mark=0 use=1\n"
               "tcp      6 431999 ESTABLISHED src=10.10.1.80 dst=10.10.2.9 sport=40001 dport=22 src=10.10.2.9 "
               "dst=10.10.1.80 sport=22 dport=40001 [ASSURED] mark=0 use=1\n")
    plane = conntrack.Plane("10.10.0.0/16", {"groups": [], "instances": [],
                                             "cc_addresses": {"prefix": 26, "count": 8}}, ())
    assert [plane.stale(entry) for entry in conntrack.parse(listing)] == [
        None, "goes to 10.10.2.9, which is in no active security group"]
