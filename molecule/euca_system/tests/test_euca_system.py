"""Eucalyptus SYSTEM mode built by site.yml: the node's br0 and keys, and a VM that gets an
address from the LAN's pool as any machine on the LAN does."""

import ipaddress
import json

import testinfra

FRONTEND = testinfra.get_host("podman://system-fe")
NODE = testinfra.get_host("podman://system-node1")
CONF = "/etc/eucalyptus/eucalyptus.conf"


def vnet_lines(host):
    return [line for line in host.file(CONF).content_string.splitlines() if line.startswith("VNET_")]


def test_the_keys_of_system_mode():
    # The packaged file's VNET_BRIDGE="xenbr0" is gone from the front-end: it only matters on nodes.
    assert vnet_lines(FRONTEND) == ['VNET_MODE="SYSTEM"']
    assert vnet_lines(NODE) == ['VNET_MODE="SYSTEM"', 'VNET_BRIDGE="br0"']


def test_the_node_bridges_eth0_with_the_documents_timers():
    data = json.loads(NODE.check_output("ip -j -d link show dev br0"))[0]["linkinfo"]["info_data"]
    assert (data["forward_delay"], data["hello_time"]) == (100, 200)
    assert NODE.check_output("cat /sys/class/net/eth0/master/uevent").splitlines()[1] == "INTERFACE=br0"
    assert "bridge_ports eth0" in NODE.file("/etc/network/interfaces.d/60-br0").content_string


def test_the_front_end_serves_the_lan_pool():
    assert FRONTEND.service("isc-dhcp-server").is_running
    assert "range 198.18.4.170 198.18.4.179;" in FRONTEND.file("/etc/dhcp/dhcpd.conf").content_string


def test_a_vm_on_the_node_gets_an_address_from_the_pool():
    lease = json.loads(NODE.run("vm-dhcp br0 52:54:00:12:34:56").stdout)
    address = ipaddress.ip_interface(lease["address"])
    assert ipaddress.ip_address("198.18.4.170") <= address.ip <= ipaddress.ip_address("198.18.4.179")
    assert (address.network.prefixlen, lease["routers"], lease["domain"]) == (26, ["198.18.4.129"],
                                                                              "cloud.example.org")


def test_nothing_else_runs_dhcp_on_the_node():
    assert NODE.run("pidof dnsmasq").rc == 1
    assert NODE.check_output("virsh --quiet net-list --all --name").strip() == ""
