"""STATIC -> MANAGED-NOVLAN on the same hosts: the new mode's keys, no trace of the old mode's,
the MAC map server gone, the netfilter baseline in place, and one cleanrestart of the CC."""

import json

import testinfra

FRONTEND = testinfra.get_host("podman://novlan-fe")
NODE = testinfra.get_host("podman://novlan-node1")
NODE2 = testinfra.get_host("podman://novlan-node2")
CONF = "/etc/eucalyptus/eucalyptus.conf"


def vnet_lines(host):
    return [line for line in host.file(CONF).content_string.splitlines() if line.startswith("VNET_")]


def test_the_front_end_has_the_managed_novlan_keys_and_none_of_statics():
    assert vnet_lines(FRONTEND) == [
        'VNET_MODE="MANAGED-NOVLAN"',
        'VNET_PUBINTERFACE="eth1"',
        'VNET_PRIVINTERFACE="eth2"',
        'VNET_DHCPDAEMON="/usr/sbin/dhcpd"',
        'VNET_SUBNET="10.10.0.0"',
        'VNET_NETMASK="255.255.0.0"',
        'VNET_DNS="198.18.3.194"',
        'VNET_ADDRSPERNET="64"',
        'VNET_PUBLICIPS="198.18.3.160-198.18.3.163"',
    ]


def test_the_nodes_keep_their_bridge_in_the_new_mode():
    for node in (NODE, NODE2):
        assert vnet_lines(node) == ['VNET_MODE="MANAGED-NOVLAN"', 'VNET_BRIDGE="br0"']
        assert json.loads(node.check_output("ip -j link show dev eth1"))[0]["master"] == "br0"


def test_the_mode_change_asked_the_cc_for_a_cleanrestart_and_nothing_else():
    assert FRONTEND.file("/var/log/eucalyptus-cc.actions").content_string == "cleanrestart\n"


def test_the_static_map_is_gone_and_the_server_serves_the_security_groups():
    # The collection's own data plane serves the groups: the MAC map's entry is gone.
    conf = FRONTEND.file("/etc/dhcp/dhcpd.conf").content_string
    assert "02:00:00:00:04:01" not in conf and "host i-web1 {" in conf
    assert FRONTEND.service("isc-dhcp-server").is_running


def test_the_front_end_has_the_netfilter_baseline_and_the_preload():
    forward = FRONTEND.check_output("iptables -S FORWARD").splitlines()
    assert forward[0] == "-P FORWARD DROP"
    rules = FRONTEND.check_output("iptables-save")
    assert "-A IAAS-POSTROUTING -s 10.10.0.0/16 ! -d 10.10.0.0/16 -j MASQUERADE" in rules
    preload = FRONTEND.file("/etc/eucalyptus/iptables-preload")
    assert preload.mode == 0o600 and "MASQUERADE" in preload.content_string
