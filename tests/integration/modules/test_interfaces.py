"""interfaces driven for real in a throw-away network namespace: a VXLAN device and bridges over veth
ports, each role's call in turn, their boot files in a temporary directory (this kernel has no
802.1Q: VLAN devices are made for real in the kernel scenario)."""

import uuid

import pytest

from namespaces import can_make_namespaces, wait_for_rollback_timer

pytestmark = pytest.mark.skipif(not can_make_namespaces(), reason="needs root to create network namespaces")

TUNNEL = {"kind": "vxlan", "name": "eucavx10", "id": 10, "local": "198.51.100.1", "peers": ["198.51.100.2"]}
BRIDGE = {"kind": "bridge", "name": "eucabr10", "ports": ["eth-a", "eucavx10"], "address": "10.10.8.1/24",
          "stp": True, "forward_delay": 2, "hello_time": 2}


@pytest.fixture
def netns(module_namespace, tmp_path):
    main = tmp_path / "interfaces"
    main.write_text("auto lo\niface lo inet loopback\n")
    # A journal of the test's own: tests side by side must not share a rollback timer.
    namespace = module_namespace("interfaces", defaults={"directory": str(tmp_path / "interfaces.d"),
                                                         "interfaces_file": str(main),
                                                         "rollback_journal": "test-%s" % uuid.uuid4().hex[:8]})
    namespace.ip("link", "add", "eth-a", "type", "veth", "peer", "name", "peer-a")
    namespace.ip("link", "add", "uplink", "type", "veth", "peer", "name", "peer-up")
    namespace.ip("address", "add", "198.51.100.1/24", "dev", "uplink")
    namespace.ip("link", "set", "uplink", "up")
    namespace.names = lambda: sorted(link["ifname"] for link in namespace.json("link", "show"))
    namespace.ports = lambda bridge: sorted(link["ifname"] for link in namespace.json("link", "show")
                                            if link.get("master") == bridge)
    namespace.files = lambda: sorted(path.name for path in (tmp_path / "interfaces.d").iterdir())
    return namespace


def apply(netns, devices, check=False):
    """The vlan role's call, then the bridge role's, as playbooks/network.yml runs them."""
    return [netns.module(check=check, devices=devices, kinds=kinds) for kinds in (["vlan", "vxlan"], ["bridge"])]


def test_each_roles_call_makes_its_devices_in_order_then_a_second_run_changes_nothing(netns):
    tunnels, bridges = apply(netns, [TUNNEL, BRIDGE])
    assert tunnels["changed"] and bridges["changed"], (tunnels, bridges)
    assert netns.ports("eucabr10") == ["eth-a", "eucavx10"]
    assert "10.10.8.1/24" in netns.ip("-4", "-o", "address", "show", "dev", "eucabr10")
    assert [entry["dst"] for entry in netns.json_bridge("fdb", "show", "dev", "eucavx10") if entry.get("dst")] == [
        "198.51.100.2"]
    assert netns.files() == ["20-eth-a", "50-eucavx10", "60-eucabr10"]
    assert [result["changed"] for result in apply(netns, [TUNNEL, BRIDGE])] == [False, False]


def test_check_mode_predicts_the_bridge_over_a_device_the_other_call_makes(netns):
    # The tunnel does not exist in check mode: the bridge's call still predicts taking it as a port,
    # since the vlan role's call makes it earlier in the run.
    tunnels, bridges = apply(netns, [TUNNEL, BRIDGE], check=True)
    assert "eucavx10" not in netns.names() and "eucabr10" not in netns.names()
    assert "link set dev eucavx10 master eucabr10" in bridges["devices"]["eucabr10"]["commands"], bridges
    real = apply(netns, [TUNNEL, BRIDGE])
    assert [result["devices"] for result in real] == [tunnels["devices"], bridges["devices"]]


def test_what_leaves_the_list_leaves_the_host_a_departing_port_with_its_own_removal(netns):
    apply(netns, [TUNNEL, BRIDGE])
    kept = dict(BRIDGE, ports=["eth-a"])
    # Check mode: the tunnel's removal is the vlan role's; the bridge's call does not release it itself.
    predicted = apply(netns, [kept], check=True)
    assert predicted[0]["devices"]["eucavx10"]["commands"] == ["link delete dev eucavx10"]
    assert "eucavx10" not in " ".join(predicted[1]["devices"]["eucabr10"]["commands"])
    done = apply(netns, [kept])
    assert "eucavx10" not in netns.names() and netns.ports("eucabr10") == ["eth-a"]
    assert [result["devices"] for result in done] == [result["devices"] for result in predicted]
    assert netns.files() == ["20-eth-a", "60-eucabr10"]
    apply(netns, [])
    assert "eucabr10" not in netns.names() and netns.files() == []


def test_a_bridge_the_collection_did_not_make_is_refused_and_left_as_it_is(netns):
    netns.ip("link", "add", "eucabr10", "type", "bridge")
    netns.ip("link", "add", "eth-b", "type", "veth", "peer", "name", "peer-b")
    netns.ip("link", "set", "eth-b", "master", "eucabr10")
    failed = netns.module(devices=[dict(BRIDGE, ports=["eth-a"])], kinds=["bridge"])
    assert failed.get("failed") is True
    assert failed["msg"].startswith("eucabr10: eucabr10 exists with port eth-b, and the collection did not make it")
    assert netns.ports("eucabr10") == ["eth-b"]


def test_a_changed_device_is_armed_for_rollback_under_one_timer(netns):
    done = netns.module(devices=[dict(BRIDGE, ports=["eth-a"])], kinds=["bridge"], format="none", rollback_timeout=300)
    assert done["rollback_cookie"].endswith(".cookie") and done["rollback_commands"], done
    netns.run("rm", "-f", done["rollback_cookie"])


def test_the_boot_files_of_a_change_that_is_not_kept_go_back_with_it(netns, tmp_path):
    first = netns.module(devices=[dict(BRIDGE, ports=["eth-a"])], kinds=["bridge"])
    before = (tmp_path / "interfaces.d" / "60-eucabr10").read_text()
    # Long enough for the test to see the new file before the timer puts the old one back.
    moved = netns.module(devices=[dict(BRIDGE, ports=["eth-a"], address="10.10.9.1/24")], kinds=["bridge"],
                         rollback_timeout=15)
    assert first["changed"] and "10.10.9.1" in (tmp_path / "interfaces.d" / "60-eucabr10").read_text()
    # Nobody keeps the change: the timer puts the address back, and the boot file with it.
    wait_for_rollback_timer(moved["rollback_cookie"])
    assert "10.10.8.1/24" in netns.ip("-4", "-o", "address", "show", "dev", "eucabr10")
    assert (tmp_path / "interfaces.d" / "60-eucabr10").read_text() == before


def mtu(netns, name):
    return netns.json("link", "show", "dev", name)[0]["mtu"]


def test_each_device_takes_its_declared_mtu_predicted_in_check_mode_and_undeclared_it_goes_back(netns, tmp_path):
    tunnel, bridge = dict(TUNNEL, mtu=1450), dict(BRIDGE, mtu=1400)
    predicted = apply(netns, [tunnel, bridge], check=True)
    assert "eucavx10" not in netns.names()
    done = apply(netns, [tunnel, bridge])
    assert [result["devices"] for result in done] == [result["devices"] for result in predicted]
    assert (mtu(netns, "eucavx10"), mtu(netns, "eucabr10"), mtu(netns, "eth-a")) == (1450, 1400, 1500)
    assert "    mtu 1400\n" in (tmp_path / "interfaces.d" / "60-eucabr10").read_text()
    assert "ip link add name eucavx10 mtu 1450 type vxlan" in (tmp_path / "interfaces.d" / "50-eucavx10").read_text()
    assert [result["changed"] for result in apply(netns, [tunnel, bridge])] == [False, False]
    # What leaves the declaration leaves the host: the bridge goes back to its smallest port's,
    # as the kernel would have set it.
    back = apply(netns, [tunnel, BRIDGE])
    assert back[1]["devices"]["eucabr10"]["commands"] == ["link set dev eucabr10 mtu 1450"], back
    assert "mtu: 1400\n" in back[1]["diff"][0]["before"] and "mtu: 1450\n" in back[1]["diff"][0]["after"]
    assert mtu(netns, "eucabr10") == 1450


def test_a_bridge_above_its_smallest_port_is_refused_and_an_mtu_change_rolls_back(netns):
    apply(netns, [dict(TUNNEL, mtu=1450), BRIDGE])
    # Declared both: the files' check refuses it; a port of the host's own (eth-a): the host's state.
    refused = netns.module(devices=[dict(TUNNEL, mtu=1450), dict(BRIDGE, mtu=1500)], kinds=["bridge"])
    assert refused.get("failed") and refused["msg"].endswith(
        "eucabr10: mtu 1500 is above the MTU 1450 of eucavx10, which carries its frames"), refused
    refused = netns.module(devices=[dict(BRIDGE, ports=["eth-a"], mtu=9000)], kinds=["bridge"])
    assert refused.get("failed") and refused["msg"] == (
        "eucabr10: mtu: 9000 is above the MTU 1500 of eth-a, which carries the frames of eucabr10 "
        "(raise eth-a's first)"), refused
    assert mtu(netns, "eucabr10") == 1450
    # Nobody keeps the change: the timer puts the MTU back.
    lowered = netns.module(devices=[dict(TUNNEL, mtu=1450), dict(BRIDGE, mtu=1300)], kinds=["bridge"],
                           format="none", rollback_timeout=5)
    assert mtu(netns, "eucabr10") == 1300 and "link set dev eucabr10 mtu 1450" in lowered["rollback_commands"]
    wait_for_rollback_timer(lowered["rollback_cookie"])
    assert mtu(netns, "eucabr10") == 1450
