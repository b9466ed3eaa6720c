"""restore_commands on states this kernel cannot make (VLAN devices), and the rollback timer run
for real; bridges are rolled back for real in tests/integration/modules/test_linux_bridge.py."""

import shutil
import subprocess
import time

from ansible_collections.privatecloud.iaas.plugins.module_utils.rollback import restore_commands, start_timer


def _vlan(name, parent, vlan_id, up=True):
    return {"ifname": name, "link": parent, "flags": ["UP"] if up else [],
            "linkinfo": {"info_kind": "vlan", "info_data": {"id": vlan_id}}}


ETH0 = {"ifname": "eth0", "flags": ["UP"], "address": "52:54:00:00:00:01"}


def test_a_created_vlan_device_is_deleted():
    before = ({"eth0": ETH0}, {"eth0": []}, [])
    after = ({"eth0": ETH0, "eth0.100": _vlan("eth0.100", "eth0", 100)}, {"eth0.100": ["192.0.2.5/24"]}, [])
    assert restore_commands(["eth0.100"], before, after) == ["link delete dev eth0.100"]


def test_a_vlan_device_made_anew_with_another_id_comes_back_with_its_address_and_route():
    old = _vlan("mgmt", "eth0", 100)
    before = ({"eth0": ETH0, "mgmt": old}, {"mgmt": ["192.0.2.5/24"]},
              [{"dst": "default", "gateway": "192.0.2.1", "dev": "mgmt"},
               {"dst": "192.0.2.0/24", "dev": "mgmt", "protocol": "kernel", "scope": "link"}])
    after = ({"eth0": ETH0, "mgmt": _vlan("mgmt", "eth0", 200)}, {"mgmt": []}, [])
    assert restore_commands(["mgmt"], before, after) == [
        "link delete dev mgmt", "link add link eth0 name mgmt type vlan id 100", "address add 192.0.2.5/24 dev mgmt",
        "link set dev mgmt up", "route replace default via 192.0.2.1 dev mgmt"]


def test_a_deleted_vlan_device_that_was_down_stays_down():
    before = ({"eth0": ETH0, "eth0.7": _vlan("eth0.7", "eth0", 7, up=False)}, {}, [])
    after = ({"eth0": ETH0}, {}, [])
    assert restore_commands(["eth0.7"], before, after) == ["link add link eth0 name eth0.7 type vlan id 7"]


def test_nothing_changed_nothing_to_restore():
    state = ({"eth0": ETH0, "eth0.7": _vlan("eth0.7", "eth0", 7)}, {"eth0.7": ["192.0.2.5/24"]}, [])
    assert restore_commands(["eth0.7", "absent0"], state, state) == []


class _Module:
    """What start_timer needs of an AnsibleModule: run_command and get_bin_path, for real."""

    @staticmethod
    def get_bin_path(name, required=False):
        return shutil.which(name)

    @staticmethod
    def run_command(command):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        return done.returncode, done.stdout, done.stderr


def _wait_for(path, present, seconds=5.0):
    deadline = time.monotonic() + seconds
    while path.exists() != present and time.monotonic() < deadline:
        time.sleep(0.05)
    return path.exists() == present


def test_the_timer_runs_the_rollback_while_the_cookie_is_there(tmp_path):
    cookie, ran = tmp_path / "x.cookie", tmp_path / "ran"
    cookie.write_text("")
    assert start_timer(_Module(), 1, str(cookie), "touch %s" % ran)[0] == 0
    assert _wait_for(ran, True)
    # Claimed by renaming, then cleaned up: a controller confirming now finds nothing to remove.
    assert _wait_for(cookie, False) and _wait_for(tmp_path / "x.cookie.fired", False)


def test_a_removed_cookie_stops_the_timer(tmp_path):
    cookie, ran = tmp_path / "x.cookie", tmp_path / "ran"
    cookie.write_text("")
    start_timer(_Module(), 1, str(cookie), "touch %s" % ran)
    cookie.unlink()
    time.sleep(1.6)
    assert not ran.exists()


def test_an_mtu_the_change_set_goes_back():
    before = ({"eth0": dict(ETH0, mtu=9000), "eth0.7": dict(_vlan("eth0.7", "eth0", 7), mtu=1500)}, {}, [])
    after = ({"eth0": dict(ETH0, mtu=9000), "eth0.7": dict(_vlan("eth0.7", "eth0", 7), mtu=9000)}, {}, [])
    assert restore_commands(["eth0.7"], before, after) == ["link set dev eth0.7 mtu 1500"]
