"""What the README's quickstart built on fresh Debian hosts whose NICs are enp1s0 and enp2s0,
from a copy of the example eucalyptus-managed (molecule/quickstart/converge.yml followed it)."""

import os

import testinfra
import yaml

FRONTEND = testinfra.get_host("podman://cloud1")
NODE = testinfra.get_host("podman://node1")
CONF = "/etc/eucalyptus/eucalyptus.conf"
SITE = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "mysite")


def vnet_lines(host):
    return [line for line in host.file(CONF).content_string.splitlines() if line.startswith("VNET_")]


def test_the_copied_inventory_names_the_hosts_nics():
    for name, expected in (("frontend.yml", ("enp2s0", "enp1s0")), ("nodes.yml", ("enp1s0", "enp1s0"))):
        with open(os.path.join(SITE, "group_vars", name)) as stream:
            settings = yaml.safe_load(stream)
        assert (settings["vnet_pubinterface"], settings["vnet_privinterface"]) == expected, name


def test_the_front_end_has_the_examples_managed_keys_with_its_own_nics():
    assert vnet_lines(FRONTEND) == [
        'VNET_MODE="MANAGED"',
        'VNET_PUBINTERFACE="enp2s0"',
        'VNET_PRIVINTERFACE="enp1s0"',
        'VNET_DHCPDAEMON="/usr/sbin/dhcpd"',
        'VNET_DHCPUSER="root"',
        'VNET_SUBNET="192.168.0.0"',
        'VNET_NETMASK="255.255.0.0"',
        'VNET_DNS="198.18.12.10"',
        'VNET_ADDRSPERNET="64"',
        'VNET_PUBLICIPS="198.18.12.100-198.18.12.110"',
    ]


def test_the_node_faces_the_cc_on_its_own_nic():
    assert vnet_lines(NODE) == ['VNET_MODE="MANAGED"', 'VNET_PUBINTERFACE="enp1s0"', 'VNET_PRIVINTERFACE="enp1s0"']


def test_the_node_has_its_hypervisor():
    for package in ("qemu-system-x86", "libvirt-daemon-system"):
        assert NODE.package(package).is_installed, package


def test_the_node_keeps_time_from_the_front_end():
    # chronyc names its source as it resolved it: the front-end's address on the private network.
    sources = NODE.check_output("chronyc -n sources")
    assert "198.18.12.10" in sources, sources


def test_the_front_end_serves_time_to_the_private_network_only():
    # chrony answers the networks of ntp_allow and refuses every other client.
    allowed = [line for line in FRONTEND.file("/etc/chrony/chrony.conf").content_string.splitlines()
               if line.startswith("allow")]
    assert allowed == ["allow 198.18.12.0/26"]
