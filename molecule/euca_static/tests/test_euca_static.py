"""Eucalyptus STATIC mode built by site.yml: the files, bridges and services of each host, and
real leases of the MAC map to VMs on the nodes' br0 - the front-end's own br0 among them, since
it is a node too."""

import json

import pytest
import testinfra

FRONTEND = testinfra.get_host("podman://static-fe")
NODES = [testinfra.get_host("podman://static-node%d" % number) for number in (1, 2)]
CONF = "/etc/eucalyptus/eucalyptus.conf"


def assignments(host):
    """The active KEY=value lines of eucalyptus.conf, as written."""
    return [line for line in host.file(CONF).content_string.splitlines() if line and not line.startswith("#")]


def test_the_front_end_has_exactly_the_static_keys_in_the_documented_form():
    # Its node's VNET_BRIDGE took the packaged line's place; its CC's keys follow the examples.
    assert [line for line in assignments(FRONTEND) if line.startswith("VNET_")] == [
        'VNET_MODE="STATIC"',
        'VNET_BRIDGE="br0"',
        'VNET_PUBINTERFACE="eth0"',
        'VNET_PRIVINTERFACE="eth0"',
        'VNET_DHCPDAEMON="/usr/sbin/dhcpd"',
        'VNET_SUBNET="203.0.113.128"',
        'VNET_NETMASK="255.255.255.192"',
        'VNET_BROADCAST="203.0.113.191"',
        'VNET_ROUTER="203.0.113.129"',
        'VNET_DNS="203.0.113.130"',
        'VNET_MACMAP="02:00:00:00:03:01=203.0.113.151 02:00:00:00:03:02=203.0.113.152 '
        '02:00:00:00:03:03=203.0.113.153"',
    ]
    assert 'HYPERVISOR="kvm"' in assignments(FRONTEND)


@pytest.mark.parametrize("host", [FRONTEND] + NODES, ids=lambda host: host.backend.name)
def test_every_other_line_of_the_packaged_file_is_kept(host):
    content = host.file(CONF).content_string
    for line in ('CC_PORT="8774"', 'SCHEDPOLICY="ROUNDROBIN"', 'NC_PORT="8775"', 'DISABLE_DNS="Y"',
                 '#VNET_MODE="SYSTEM"', '#VNET_DHCPDAEMON="/usr/sbin/dhcpd3"',
                 "# Eucalyptus configuration, as the packages ship it (an excerpt)."):
        assert line in content.splitlines()
    assert 'EUCALYPTUS="/"' in content and 'EUCA_USER="eucalyptus"' in content


@pytest.mark.parametrize("node", NODES, ids=lambda host: host.backend.name)
def test_a_node_has_the_node_keys(node):
    assert [line for line in assignments(node) if line.startswith(("VNET_", "HYPERVISOR"))] == [
        'VNET_MODE="STATIC"', 'VNET_BRIDGE="br0"', 'HYPERVISOR="kvm"']


@pytest.mark.parametrize("node", [FRONTEND] + NODES, ids=lambda host: host.backend.name)
def test_every_node_has_its_bridge_over_eth0_with_its_address(node):
    links = {link["ifname"]: link for link in json.loads(node.check_output("ip -j -d link show"))}
    assert links["br0"]["linkinfo"]["info_kind"] == "bridge"
    assert links["eth0"]["master"] == "br0"
    assert "virbr0" not in links
    addresses = {entry["ifname"]: [address["local"] for address in entry["addr_info"] if address["family"] == "inet"]
                 for entry in json.loads(node.check_output("ip -j address show"))}
    assert addresses["eth0"] == [] and len(addresses["br0"]) == 1


@pytest.mark.parametrize("node", [FRONTEND] + NODES, ids=lambda host: host.backend.name)
def test_libvirts_default_network_is_gone(node):
    assert node.check_output("virsh --quiet net-list --all --name").strip() == ""
    assert not node.file("/etc/libvirt/qemu/networks/default.xml").exists


def test_the_front_end_serves_the_map_and_only_on_the_bridge_that_carries_its_private_interface():
    # vnet_privinterface is eth0, a port of br0 on this host: br0 carries the address dhcpd needs.
    conf = FRONTEND.file("/etc/dhcp/dhcpd.conf").content_string
    assert "fixed-address 203.0.113.151;" in conf and "range" not in conf
    assert FRONTEND.service("isc-dhcp-server").is_running
    assert 'INTERFACESv4="br0"' in FRONTEND.file("/etc/default/isc-dhcp-server").content_string


@pytest.mark.parametrize("node, mac, address", [
    (NODES[0], "02:00:00:00:03:01", "203.0.113.151/26"),
    (NODES[1], "02:00:00:00:03:02", "203.0.113.152/26"),
    (FRONTEND, "02:00:00:00:03:03", "203.0.113.153/26"),
], ids=["node1", "node2", "front-end"])
def test_a_vm_gets_its_pairs_address(node, mac, address):
    lease = json.loads(node.run("vm-dhcp br0 %s" % mac).stdout)
    assert (lease["address"], lease["routers"], lease["dns"]) == (address, ["203.0.113.129"], ["203.0.113.130"])


def test_a_vm_outside_the_map_gets_nothing():
    assert json.loads(NODES[0].run("vm-dhcp br0 02:00:00:00:03:99 8").stdout)["address"] is None


def test_setting_static_mode_asked_the_cc_for_one_cleanrestart():
    # The packaged file said SYSTEM: the first run changed the mode, which needs a cleanrestart.
    assert FRONTEND.file("/var/log/eucalyptus-cc.actions").content_string == "cleanrestart\n"


@pytest.mark.parametrize("node", [FRONTEND] + NODES, ids=lambda host: host.backend.name)
def test_the_nc_was_restarted_once_for_its_new_keys(node):
    assert node.file("/var/log/eucalyptus-nc.actions").content_string == "restart\n"
