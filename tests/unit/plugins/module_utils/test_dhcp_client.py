"""Which DHCP client serves a bridge taking over a port's lease, and the commands that move it."""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils import dhcp_client
from ansible_collections.privatecloud.iaas.plugins.module_utils.dhcp_client import DhcpClientError


def installed(*programs):
    return lambda path: path in programs


def test_the_client_is_the_one_ifupdown_would_start():
    assert dhcp_client.client(installed("/sbin/dhcpcd"))["name"] == "dhcpcd"
    # ifupdown prefers dhclient: a Debian 13 host upgraded from 12 may have both.
    assert dhcp_client.client(installed("/sbin/dhcpcd", "/sbin/dhclient"))["name"] == "dhclient"
    assert dhcp_client.client(installed()) is None


def test_the_ports_client_stops_and_one_starts_on_the_bridge():
    dhcpcd = dhcp_client.client(installed("/sbin/dhcpcd"))
    steps = dhcp_client.hand_over(dhcpcd, "br0", ["eth0", "eth1"], lambda interface: interface == "eth0")
    assert steps == [("stop dhcpcd on eth0", ["/sbin/dhcpcd", "-x", "eth0"]),
                     ("start dhcpcd on br0", ["/sbin/dhcpcd", "br0"])]


def test_dhclient_is_stopped_without_release_and_started_as_ifupdown_does():
    dhclient = dhcp_client.client(installed("/sbin/dhclient"))
    steps = dhcp_client.hand_over(dhclient, "br0", ["eth0"], lambda interface: interface == "eth0")
    assert steps == [
        ("stop dhclient on eth0", ["/sbin/dhclient", "-x", "-pf", "/run/dhclient.eth0.pid"]),
        ("start dhclient on br0", ["/sbin/dhclient", "-4", "-pf", "/run/dhclient.br0.pid", "-lf",
                                   "/var/lib/dhcp/dhclient.br0.leases", "-I", "-df",
                                   "/var/lib/dhcp/dhclient6.br0.leases", "br0"])]


def test_nothing_to_do_when_the_client_serves_the_bridge_only():
    dhcpcd = dhcp_client.client(installed("/sbin/dhcpcd"))
    assert dhcp_client.hand_over(dhcpcd, "br0", ["eth0"], lambda interface: interface == "br0") == []


def test_without_a_client_or_with_one_that_cannot_be_moved_the_bridge_is_refused():
    with pytest.raises(DhcpClientError, match="br0 gets its address by DHCP, but this host has no DHCP client"):
        dhcp_client.hand_over(None, "br0", ["eth0"], lambda interface: False)
    pump = dhcp_client.client(installed("/sbin/pump"))
    with pytest.raises(DhcpClientError, match="pump is the DHCP client here"):
        dhcp_client.hand_over(pump, "br0", ["eth0"], lambda interface: False)


def test_a_client_runs_when_its_pid_file_names_a_live_process():
    dhcpcd = dhcp_client.client(installed("/sbin/dhcpcd"))
    pids = {"/run/dhcpcd/eth0.pid": 107, "/run/dhcpcd/eth1.pid": 300}

    def running(interface):
        return dhcp_client.runs_for(dhcpcd, interface, read_pid=pids.get, alive=lambda pid: pid == 107)

    assert running("eth0") and not running("eth1") and not running("br0")
