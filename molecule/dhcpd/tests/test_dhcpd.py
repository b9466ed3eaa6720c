"""Real leases from the dhcpd role's servers, to "VMs" on the nodes' br0.

Runs after the side effect: the static map's first pair has moved from .211 to .221, and an
invalid option was refused while the server kept running.
"""

import json

import testinfra

LAN_SERVER = testinfra.get_host("podman://dhcp-lan")
LAN_NODE = testinfra.get_host("podman://lan-node")
CC = testinfra.get_host("podman://cc-fe")
STATIC_SERVER = testinfra.get_host("podman://map-fe")
STATIC_NODE = testinfra.get_host("podman://map-node")


def lease(node, mac, seconds=20):
    """Ask for an address from a VM on the node's br0; None in 'address' when nobody answered."""
    result = node.run("vm-dhcp br0 %s %d" % (mac, seconds))
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def test_a_vm_on_the_lan_gets_an_address_from_the_pool():
    got = lease(LAN_NODE, "02:00:00:00:01:01")
    address, prefix = got["address"].split("/")
    assert prefix == "26"
    assert 160 <= int(address.split(".")[-1]) <= 169, got
    assert (got["routers"], got["dns"], got["domain"], got["server"]) == (
        ["198.18.5.129"], ["198.18.5.130"], "lan.example.org", "198.18.5.130")
    # The server recorded the lease it gave.
    assert "hardware ethernet 02:00:00:00:01:01" in LAN_SERVER.file("/var/lib/dhcp/dhcpd.leases").content_string


def test_a_fixed_host_of_the_lan_server_gets_its_address():
    assert lease(LAN_NODE, "02:00:00:00:01:99")["address"] == "198.18.5.150/26"


def test_a_static_mode_vm_gets_exactly_its_pairs_ip_router_and_dns():
    got = lease(STATIC_NODE, "02:00:00:00:02:12")
    assert (got["address"], got["routers"], got["dns"], got["server"]) == (
        "198.18.5.212/26", ["198.18.5.193"], ["198.18.5.194"], "198.18.5.194")


def test_the_moved_pair_leases_its_new_ip():
    assert lease(STATIC_NODE, "02:00:00:00:02:11")["address"] == "198.18.5.221/26"


def test_a_mac_outside_the_map_gets_nothing():
    got = lease(STATIC_NODE, "02:00:00:00:02:99", seconds=8)
    assert got["address"] is None, got


def test_moving_one_pair_changed_only_its_host_entry():
    before = STATIC_SERVER.file("/root/dhcpd.conf.before").content_string.splitlines()
    after = STATIC_SERVER.file("/etc/dhcp/dhcpd.conf").content_string.splitlines()
    changed = [(old, new) for old, new in zip(before, after) if old != new]
    assert len(before) == len(after)
    assert changed == [("  fixed-address 198.18.5.211;", "  fixed-address 198.18.5.221;")]


def test_the_refused_option_never_reached_the_server():
    assert "no-such-option" not in STATIC_SERVER.file("/etc/dhcp/dhcpd.conf").content_string
    assert STATIC_SERVER.service("isc-dhcp-server").is_running


def test_servers_listen_only_on_the_declared_interface():
    for server in (LAN_SERVER, STATIC_SERVER):
        assert 'INTERFACESv4="eth0"' in server.file("/etc/default/isc-dhcp-server").content_string.splitlines()
        assert server.check_output("ps -o args= -C dhcpd").split()[-1] == "eth0"
        assert server.service("isc-dhcp-server").is_enabled


def test_on_debian_systemd_runs_dhcpd_from_the_roles_own_unit():
    """Debian's package has only a SysV script (which sleeps on every start): the role's unit of the same name replaces it."""
    for server in (LAN_SERVER, STATIC_SERVER):
        shown = dict(line.split("=", 1) for line in server.check_output(
            "systemctl show -p FragmentPath -p Type -p MainPID isc-dhcp-server").splitlines())
        assert (shown["FragmentPath"], shown["Type"]) == ("/etc/systemd/system/isc-dhcp-server.service", "forking")
        assert shown["MainPID"] == server.check_output("pidof dhcpd")


def test_the_static_map_has_no_pool():
    assert "range" not in STATIC_SERVER.file("/etc/dhcp/dhcpd.conf").content_string


def test_the_cc_front_end_has_the_daemon_and_no_running_service():
    assert CC.file("/usr/sbin/dhcpd").mode & 0o111
    assert not CC.service("isc-dhcp-server").is_running
    assert not CC.service("isc-dhcp-server").is_enabled
    assert CC.run("pidof dhcpd").rc == 1
    # The role's unit is only where it runs a server.
    assert not CC.file("/etc/systemd/system/isc-dhcp-server.service").exists
