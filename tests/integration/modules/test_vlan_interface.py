"""vlan_interface in a throw-away network namespace.

Where the kernel has 802.1Q (Debian's own kernel, in a VM) the device tests run for real; on a
kernel without it (this CI machine's) they are skipped with that reason, and the test of the
module's answer on such a kernel runs instead.
"""

import subprocess

import pytest

from namespaces import can_make_namespaces


def _has_8021q():
    probe = "ip link add probe0 type veth peer name probe1 && ip link add link probe0 name probe0.2 type vlan id 2"
    return NAMESPACES and subprocess.run(["unshare", "--net", "sh", "-c", probe], capture_output=True,
                                         check=False).returncode == 0


NAMESPACES = can_make_namespaces()
HAS_8021Q = _has_8021q()
pytestmark = pytest.mark.skipif(not NAMESPACES, reason="needs root to create network namespaces")
needs_8021q = pytest.mark.skipif(not HAS_8021Q, reason="this kernel has no 802.1Q VLAN devices: these run on "
                                                       "a kernel that has them (Debian's own, in a VM)")


@pytest.fixture
def netns(module_namespace):
    namespace = module_namespace("vlan_interface")
    namespace.ip("link", "add", "eth-a", "type", "veth", "peer", "name", "peer-a")
    namespace.ip("link", "set", "eth-a", "up")
    return namespace


@pytest.mark.skipif(HAS_8021Q, reason="this kernel has 802.1Q: the unsupported-kernel answer cannot be seen here")
def test_a_kernel_without_8021q_gets_a_plain_answer(netns):
    result = netns.module(parent="eth-a", id=100, addresses=["192.168.42.11/24"])
    assert result.get("failed") is True
    assert result["msg"] == "this kernel has no 802.1Q VLAN support (the 8021q module): cannot create eth-a.100"


def test_check_mode_predicts_without_touching(netns):
    result = netns.module(check=True, parent="eth-a", id=100, addresses=["192.168.42.11/24"])
    assert result["changed"] is True
    assert result["commands"] == ["link add link eth-a name eth-a.100 type vlan id 100",
                                  "address add 192.168.42.11/24 dev eth-a.100", "link set dev eth-a.100 up"]
    assert "eth-a.100" not in netns.ip("link", "show")
    assert "parent: eth-a" in result["diff"]["after"] and result["diff"]["before"] == ""


@pytest.mark.parametrize("args, message", [
    ({"parent": "eth-a", "id": 4095}, "id: 4095 is not a VLAN id (1-4094)"),
    ({"parent": "eth-a", "id": 0}, "id: 0 is not a VLAN id (1-4094)"),
    ({"parent": "eth-x", "id": 100}, "parent: 'eth-x' is not an interface of this host"),
    ({"parent": "eth-a", "id": 100, "name": "a-very-long-name.100"}, "name: 'a-very-long-name.100' is longer"),
    ({"parent": "eth-a", "id": 100, "name": "peer-a"}, "peer-a exists and is not a VLAN device"),
    ({"name": "peer-a", "state": "absent"}, "peer-a exists and is not a VLAN device"),
    ({"id": 100}, "state is present but all of the following are missing: parent"),
])
def test_refusals(netns, args, message):
    result = netns.module(**args)
    assert result.get("failed") is True
    assert result["msg"].startswith(message), result["msg"]


@needs_8021q
def test_create_idempotent_readdress_and_remove(netns):
    assert netns.module(parent="eth-a", id=100, addresses=["192.168.42.11/24"])["changed"] is True
    assert "eth-a.100@eth-a" in netns.ip("link", "show", "dev", "eth-a.100")
    assert netns.module(parent="eth-a", id=100, addresses=["192.168.42.11/24"])["changed"] is False
    assert netns.module(parent="eth-a", id=100, addresses=["192.168.42.12/24"])["commands"] == [
        "address delete 192.168.42.11/24 dev eth-a.100", "address replace 192.168.42.12/24 dev eth-a.100"]
    assert netns.module(parent="eth-a", id=100, state="absent")["changed"] is True
    assert "eth-a.100" not in netns.ip("link", "show")


@needs_8021q
def test_another_id_under_the_same_name_is_made_anew(netns):
    netns.module(parent="eth-a", id=100, name="mgmt0")
    result = netns.module(parent="eth-a", id=200, name="mgmt0")
    assert result["commands"][:2] == ["link delete dev mgmt0", "link add link eth-a name mgmt0 type vlan id 200"]


def test_removing_by_name_what_is_not_there_changes_nothing(netns):
    result = netns.module(name="eth-a.300", state="absent")
    assert result["changed"] is False and result["commands"] == []
