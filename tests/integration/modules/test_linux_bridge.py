"""linux_bridge driven for real in a throw-away network namespace with veth ports."""

import uuid

import pytest

from namespaces import can_make_namespaces, wait_for_rollback_timer

pytestmark = pytest.mark.skipif(not can_make_namespaces(), reason="needs root to create network namespaces")


@pytest.fixture
def netns(module_namespace):
    namespace = module_namespace("linux_bridge")
    # Three veth pairs: eth-a/b/c, their peers left unplugged in the same namespace.
    for port in ("a", "b", "c"):
        namespace.ip("link", "add", "eth-" + port, "type", "veth", "peer", "name", "peer-" + port)
        namespace.ip("link", "set", "eth-" + port, "up")
    namespace.ports = lambda bridge: sorted(link["ifname"] for link in namespace.json("link", "show")
                                            if link.get("master") == bridge)
    namespace.bridge = lambda name: namespace.json("-d", "link", "show", "dev", name)[0]["linkinfo"]["info_data"]
    return namespace


def test_create_then_idempotent(netns):
    result = netns.module(name="br0", ports=["eth-a", "eth-b"], stp=False, forward_delay=1, hello_time=2)
    assert result["changed"] is True, result
    assert netns.ports("br0") == ["eth-a", "eth-b"]
    data = netns.bridge("br0")
    assert (data["stp_state"], data["forward_delay"], data["hello_time"]) == (0, 100, 200)
    again = netns.module(name="br0", ports=["eth-b", "eth-a"], stp=False, forward_delay=1, hello_time=2)
    assert again["changed"] is False, again
    assert again["commands"] == []


def test_replacing_a_port_releases_the_old_one(netns):
    netns.module(name="br0", ports=["eth-a", "eth-b"])
    result = netns.module(name="br0", ports=["eth-a", "eth-c"])
    assert result["commands"] == ["link set dev eth-b nomaster", "link set dev eth-c master br0",
                                  "link set dev eth-c up"]
    assert netns.ports("br0") == ["eth-a", "eth-c"]


def test_a_vms_port_is_never_released(netns):
    # What a hypervisor attaches (libvirt's vnetN): not declared, and kept by every rerun.
    netns.ip("link", "add", "vnet0", "type", "veth", "peer", "name", "guest0")
    netns.module(name="br0", ports=["eth-a"])
    netns.ip("link", "set", "vnet0", "master", "br0")
    again = netns.module(name="br0", ports=["eth-a"])
    assert again["changed"] is False and again["commands"] == [], again
    assert netns.ports("br0") == ["eth-a", "vnet0"]
    replaced = netns.module(name="br0", ports=["eth-b"])
    assert replaced["commands"] == ["link set dev eth-a nomaster", "link set dev eth-b master br0",
                                    "link set dev eth-b up"]
    assert netns.ports("br0") == ["eth-b", "vnet0"]


def test_stp_and_forward_delay_change(netns):
    netns.module(name="br0", ports=["eth-a"], stp=False, forward_delay=1)
    result = netns.module(name="br0", ports=["eth-a"], stp=True, forward_delay=4)
    assert result["commands"] == ["link set dev br0 type bridge stp_state 1 forward_delay 400"]
    data = netns.bridge("br0")
    assert (data["stp_state"], data["forward_delay"]) == (1, 400)


def test_settings_left_out_are_not_managed(netns):
    netns.module(name="br0", ports=["eth-a"], stp=True, forward_delay=5)
    assert netns.module(name="br0", ports=["eth-a"])["changed"] is False


def test_check_mode_changes_nothing_and_diff_tells(netns):
    result = netns.module(check=True, name="br0", ports=["eth-a"], addresses=["198.51.100.1/24"])
    assert result["changed"] is True
    assert "br0" not in [link["ifname"] for link in netns.json("link", "show")]
    assert result["diff"]["before"] == ""
    assert "ports: ['eth-a']" in result["diff"]["after"]
    assert "addresses: ['198.51.100.1/24']" in result["diff"]["after"]
    applied = netns.module(name="br0", ports=["eth-a"], addresses=["198.51.100.1/24"])
    assert applied["commands"] == result["commands"]


def test_addresses_are_exact_when_declared(netns):
    netns.module(name="br0", ports=["eth-a"], addresses=["198.51.100.1/24", "198.51.100.2/24"])
    result = netns.module(name="br0", ports=["eth-a"], addresses=["198.51.100.2/24"])
    assert result["commands"] == ["address delete 198.51.100.1/24 dev br0", "address replace 198.51.100.2/24 dev br0"]
    addresses = [info["local"] for info in netns.json("address", "show", "dev", "br0")[0]["addr_info"]
                 if info["family"] == "inet"]
    assert addresses == ["198.51.100.2"]
    assert netns.module(name="br0", ports=["eth-a"], addresses=["198.51.100.2/24"])["changed"] is False


def test_addresses_another_task_holds_stay_and_are_not_added(netns):
    netns.module(name="br0", ports=["eth-a"], addresses=["198.51.100.1/24"])
    # The data plane's router on the private network's bridge, held by owned_addresses.
    netns.ip("address", "add", "10.20.2.1/26", "dev", "br0")
    held = ["10.20.0.0/16"]
    result = netns.module(name="br0", ports=["eth-a"], addresses=["198.51.100.1/24"], held_networks=held)
    assert result["changed"] is False, result
    assert "10.20.2.1/26" in netns.ip("-4", "-o", "address", "show", "dev", "br0")
    # A change of the bridge's own address puts a held one back, should the kernel take it along.
    moved = netns.module(name="br0", ports=["eth-a"], addresses=["198.51.100.2/24"], held_networks=held)
    assert moved["commands"] == ["address delete 198.51.100.1/24 dev br0", "address replace 10.20.2.1/26 dev br0",
                                 "address replace 198.51.100.2/24 dev br0"]
    shown = netns.ip("-4", "-o", "address", "show", "dev", "br0")
    assert "10.20.2.1/26" in shown and "198.51.100.2/24" in shown


def test_a_port_another_task_removes_in_this_run_is_not_released_here(netns):
    netns.module(name="br0", ports=["eth-a", "eth-b"])
    # Check mode of a run whose vlan role removes eth-b: the removal takes it out of the bridge.
    predicted = netns.module(check=True, name="br0", ports=["eth-a"], departing_ports=["eth-b"])
    assert predicted["changed"] is False, predicted
    assert netns.module(name="br0", ports=["eth-a"])["commands"] == ["link set dev eth-b nomaster"]


def test_the_address_and_default_route_move_with_the_port(netns):
    netns.ip("address", "add", "198.51.100.10/24", "dev", "eth-a")
    netns.ip("link", "set", "peer-a", "up")
    netns.ip("route", "add", "default", "via", "198.51.100.1", "dev", "eth-a")
    mac = netns.json("link", "show", "dev", "eth-a")[0]["address"]
    result = netns.module(name="br0", ports=["eth-a"])
    assert result["changed"] is True, result
    assert [info["local"] for info in netns.json("address", "show", "dev", "br0")[0]["addr_info"]
            if info["family"] == "inet"] == ["198.51.100.10"]
    assert not [info for info in netns.json("address", "show", "dev", "eth-a")[0]["addr_info"]
                if info["family"] == "inet"]
    assert netns.json("route", "show", "default") == [
        {"dst": "default", "gateway": "198.51.100.1", "dev": "br0", "flags": []}]
    assert netns.json("link", "show", "dev", "br0")[0]["address"] == mac
    assert netns.module(name="br0", ports=["eth-a"])["changed"] is False


def test_absent_removes_the_bridge_and_frees_its_ports(netns):
    netns.module(name="br0", ports=["eth-a"])
    assert netns.module(name="br0", state="absent")["changed"] is True
    assert netns.ports("br0") == []
    assert netns.module(name="br0", state="absent")["changed"] is False


@pytest.mark.parametrize("args, message", [
    ({"name": "virbr0"}, "name: 'virbr0' is libvirt's NAT bridge"),
    ({"name": "br0", "ports": ["eth-x"]}, "ports: 'eth-x' is not an interface of this host"),
    ({"name": "br0", "stp": True, "forward_delay": 1}, "forward_delay: 1.0 is outside 2-30 seconds"),
    ({"name": "br0", "hello_time": 20}, "hello_time: 20.0 is outside 1-10 seconds"),
    ({"name": "eth-a"}, "eth-a exists and is not a bridge (it is a veth device)"),
    ({"name": "br0", "addresses": ["198.51.100.1"]}, "addresses[0]: '198.51.100.1' is not an address in CIDR form"),
])
def test_refusals(netns, args, message):
    result = netns.module(**args)
    assert result.get("failed") is True
    assert result["msg"].startswith(message), result["msg"]


def test_a_port_of_another_bridge_is_not_taken(netns):
    netns.module(name="br1", ports=["eth-a"])
    result = netns.module(name="br0", ports=["eth-a"])
    assert result["msg"] == "ports: 'eth-a' is a port of br1 already; release it there first"


def test_ipv6_addresses_compare_in_the_kernels_spelling(netns):
    netns.module(name="br0", addresses=["2001:DB8:0:0::1/64"])
    assert netns.module(name="br0", addresses=["2001:db8::1/64"])["changed"] is False


def test_absent_hands_the_address_and_route_back_to_the_only_port(netns):
    netns.ip("address", "add", "198.51.100.10/24", "dev", "eth-a")
    netns.ip("link", "set", "peer-a", "up")
    netns.ip("route", "add", "default", "via", "198.51.100.1", "dev", "eth-a")
    netns.module(name="br0", ports=["eth-a"])
    result = netns.module(name="br0", state="absent")
    assert result["commands"] == ["link delete dev br0", "address add 198.51.100.10/24 dev eth-a",
                                  "link set dev eth-a up", "route replace default via 198.51.100.1 dev eth-a"]
    assert netns.json("route", "show", "default") == [
        {"dst": "default", "gateway": "198.51.100.1", "dev": "eth-a", "flags": []}]


def _state(netns, names):
    """What a rollback must give back: each interface's master, MAC, addresses, flags, and the routes."""
    links = {link["ifname"]: link for link in netns.json("-d", "link", "show") if link["ifname"] in names}
    addresses = {link["ifname"]: sorted("%s/%s" % (info["local"], info["prefixlen"]) for info in link["addr_info"]
                                        if info.get("scope") == "global")
                 for link in netns.json("address", "show") if link["ifname"] in names}
    return ({name: (link.get("master"), link["address"], "UP" in link["flags"],
                    link.get("linkinfo", {}).get("info_data", {}).get("stp_state")) for name, link in links.items()},
            addresses, netns.json("route", "show"))


@pytest.fixture
def journal(netns):
    """A rollback journal of this test's own, removed with its timer's files afterwards. Random: the
    suite runs these tests under several ansible-core releases at once, all in /run/privatecloud-iaas."""
    name = "pcitest-" + uuid.uuid4().hex[:12]
    yield name
    netns.run("sh", "-c", "rm -f /run/privatecloud-iaas/%s.*" % name)


def test_the_recorded_rollback_puts_the_host_back(netns, journal):
    netns.ip("address", "add", "198.51.100.10/24", "dev", "eth-a")
    netns.ip("link", "set", "peer-a", "up")
    netns.ip("route", "add", "default", "via", "198.51.100.1", "dev", "eth-a")
    netns.module(name="br1", ports=["eth-c"], stp=True, forward_delay=4)
    names = ("eth-a", "eth-b", "eth-c", "br0", "br1")
    before = _state(netns, names)
    # Two changes under one journal: the host's address moves into br0, br1 changes its ports
    # and STP. Undone together, newest first.
    first = netns.module(name="br0", ports=["eth-a", "eth-b"], rollback_timeout=300, rollback_journal=journal)
    second = netns.module(name="br1", ports=["eth-c"], stp=False, forward_delay=2,
                          rollback_timeout=300, rollback_journal=journal)
    assert first["rollback_cookie"] == second["rollback_cookie"] == "/run/privatecloud-iaas/%s.cookie" % journal
    assert _state(netns, names) != before
    recorded = netns.run("cat", "/run/privatecloud-iaas/%s.batch" % journal).stdout.splitlines()
    assert recorded == second["rollback_commands"] + first["rollback_commands"]
    netns.run("ip", "-force", "-batch", "/run/privatecloud-iaas/%s.batch" % journal)
    assert _state(netns, names) == before


def test_the_timer_rolls_back_unless_the_cookie_is_removed(netns, journal):
    netns.ip("address", "add", "198.51.100.10/24", "dev", "eth-a")
    before = _state(netns, ("eth-a", "br0"))
    result = netns.module(name="br0", ports=["eth-a"], addresses=["198.51.100.99/24"], rollback_timeout=1,
                          rollback_journal=journal)
    assert result["changed"] is True
    wait_for_rollback_timer(result["rollback_cookie"])
    assert _state(netns, ("eth-a", "br0")) == before


def test_a_removed_cookie_keeps_the_change(netns, journal):
    # Long enough for the test to remove the cookie before the timer looks, even on a loaded machine.
    result = netns.module(name="br0", ports=["eth-a"], rollback_timeout=15, rollback_journal=journal)
    netns.run("rm", result["rollback_cookie"])
    wait_for_rollback_timer(result["rollback_cookie"])
    assert netns.ports("br0") == ["eth-a"]
    assert netns.run("test", "-e", "/run/privatecloud-iaas/%s.batch" % journal, check=False).returncode == 1


def test_check_mode_leaves_no_timer(netns, journal):
    result = netns.module(check=True, name="br0", ports=["eth-a"], rollback_timeout=300, rollback_journal=journal)
    assert result["changed"] is True and "rollback_cookie" not in result


def test_a_bridge_with_ports_of_its_own_is_refused_unless_taken_over(netns):
    # Someone else's br0 (not made by the collection: the bridge role passes take_over false).
    netns.ip("link", "add", "br0", "type", "bridge")
    netns.ip("link", "set", "eth-c", "master", "br0")
    refused = netns.module(name="br0", ports=["eth-a"], take_over=False)
    assert refused.get("failed") is True and refused["msg"] == (
        "br0 exists with port eth-c, and the collection did not make it: it is left as it is "
        "(free the name, or choose another)"), refused
    assert netns.ports("br0") == ["eth-c"]
    # Its own ports declared, the same bridge is used; taken over, the other port is released.
    assert netns.module(name="br0", ports=["eth-c", "eth-a"], take_over=False)["changed"] is True
    assert netns.module(name="br0", ports=["eth-a"], take_over=True)["commands"] == ["link set dev eth-c nomaster"]
