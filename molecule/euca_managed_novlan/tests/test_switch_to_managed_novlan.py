"""STATIC -> MANAGED-NOVLAN on the same hosts: the new mode's keys, no trace of the old mode's,
the MAC map server gone, the netfilter baseline in place, and one cleanrestart of the CC."""

import json

import testinfra

FRONTEND = testinfra.get_host("podman://novlan-fe")
NODE = testinfra.get_host("podman://novlan-node1")
CONF = "/etc/eucalyptus/eucalyptus.conf"


def vnet_lines(host):
    return [line for line in host.file(CONF).content_string.splitlines() if line.startswith("VNET_")]


def test_the_front_end_has_the_managed_novlan_keys_and_none_of_statics():
    assert vnet_lines(FRONTEND) == [
        'VNET_MODE="MANAGED-NOVLAN"',
        'VNET_PUBINTERFACE="eth0"',
        'VNET_PRIVINTERFACE="eth0"',
        'VNET_DHCPDAEMON="/usr/sbin/dhcpd"',
        'VNET_SUBNET="10.10.0.0"',
        'VNET_NETMASK="255.255.0.0"',
        'VNET_DNS="198.18.3.130"',
        'VNET_ADDRSPERNET="64"',
        'VNET_PUBLICIPS="198.18.3.160-198.18.3.163"',
    ]


def test_the_node_keeps_its_bridge_in_the_new_mode():
    assert vnet_lines(NODE) == ['VNET_MODE="MANAGED-NOVLAN"', 'VNET_BRIDGE="br0"']
    assert json.loads(NODE.check_output("ip -j link show dev eth0"))[0]["master"] == "br0"


def test_the_mode_change_asked_the_cc_for_a_cleanrestart_and_nothing_else():
    assert FRONTEND.file("/var/log/eucalyptus-cc.actions").content_string == "cleanrestart\n"


def test_the_static_map_server_is_gone_and_the_cc_has_its_daemon():
    assert not FRONTEND.file("/etc/dhcp/dhcpd.conf").exists
    assert not FRONTEND.service("isc-dhcp-server").is_running
    assert not FRONTEND.service("isc-dhcp-server").is_enabled
    assert FRONTEND.file("/usr/sbin/dhcpd").mode & 0o111


def test_the_front_end_has_the_netfilter_baseline_and_the_preload():
    forward = FRONTEND.check_output("iptables -S FORWARD").splitlines()
    assert forward[0] == "-P FORWARD DROP"
    rules = FRONTEND.check_output("iptables-save")
    assert "-A IAAS-POSTROUTING -s 10.10.0.0/16 ! -d 10.10.0.0/16 -j MASQUERADE" in rules
    preload = FRONTEND.file("/etc/eucalyptus/iptables-preload")
    assert preload.mode == 0o600 and "MASQUERADE" in preload.content_string
