"""The documents' own interface examples, rendered from the collection's model."""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.netconf import (
    ConfigError,
    check_declaration,
    file_owner,
    interfaces,
    interfaces_in,
    main_interfaces_file,
    owned_entries,
    render_ifcfg,
    render_ifupdown,
)

HEADER = "# Managed by privatecloud.iaas; local changes are replaced.\n"

# Eucalyptus Network Configuration (1.6), Bridges: br0 over eth0, address by DHCP.
EUCALYPTUS_BR0 = interfaces(bridges=[{"name": "br0", "ports": ["eth0"], "method": "dhcp", "forward_delay": 1,
                                      "hello_time": 2}])

# Apache CloudStack 4.1.0 Installation Guide, section 8.1.7: eth0 trunk, management on eth0.100,
# eth0.200/300 into cloudbr0/1.
CLOUDSTACK_KVM = interfaces(
    nics=[{"name": "eth0", "hwaddr": "00:04:AA:BB:CC:DD"}],
    vlans=[{"parent": "eth0", "id": 100, "address": "192.168.42.11/24", "gateway": "192.168.42.1",
            "dns": ["8.8.8.8", "8.8.4.4"], "dns_domain": "lab.example.org"},
           {"parent": "eth0", "id": 200}, {"parent": "eth0", "id": 300}],
    bridges=[{"name": "cloudbr0", "ports": ["eth0.200"], "forward_delay": 5, "stp": False, "maxwait": 1},
             {"name": "cloudbr1", "ports": ["eth0.300"], "forward_delay": 5, "stp": False, "maxwait": 1}],
)


def test_eucalyptus_br0_debian():
    assert render_ifupdown(EUCALYPTUS_BR0) == {
        "20-eth0": HEADER + "auto eth0\niface eth0 inet manual\n",
        "60-br0": HEADER + "auto br0\niface br0 inet dhcp\n    bridge_ports eth0\n    bridge_fd 1\n"
                           "    bridge_hello 2\n    bridge_stp off\n",
    }


def test_eucalyptus_br0_centos():
    assert render_ifcfg(EUCALYPTUS_BR0) == {
        "ifcfg-eth0": HEADER + "DEVICE=eth0\nTYPE=Ethernet\nONBOOT=yes\nBOOTPROTO=none\nHOTPLUG=no\nBRIDGE=br0\n",
        "ifcfg-br0": HEADER + "DEVICE=br0\nTYPE=Bridge\nONBOOT=yes\nBOOTPROTO=dhcp\nIPV6INIT=no\n"
                              "IPV6_AUTOCONF=no\nSTP=no\nDELAY=1\n",
    }


def test_cloudstack_kvm_ubuntu():
    files = render_ifupdown(CLOUDSTACK_KVM)
    assert sorted(files) == ["20-eth0", "40-eth0.100", "40-eth0.200", "40-eth0.300", "60-cloudbr0", "60-cloudbr1"]
    assert files["40-eth0.100"] == HEADER + (
        "auto eth0.100\niface eth0.100 inet static\n    address 192.168.42.11\n    netmask 255.255.255.0\n"
        "    gateway 192.168.42.1\n    dns-nameservers 8.8.8.8 8.8.4.4\n    dns-domain lab.example.org\n"
        "    vlan-raw-device eth0\n")
    assert files["60-cloudbr0"] == HEADER + (
        "auto cloudbr0\niface cloudbr0 inet manual\n    bridge_ports eth0.200\n    bridge_fd 5\n"
        "    bridge_stp off\n    bridge_maxwait 1\n")
    assert files["40-eth0.300"] == HEADER + "auto eth0.300\niface eth0.300 inet manual\n    vlan-raw-device eth0\n"


def test_cloudstack_kvm_centos():
    files = render_ifcfg(CLOUDSTACK_KVM)
    assert files["ifcfg-eth0"] == HEADER + (
        "DEVICE=eth0\nTYPE=Ethernet\nHWADDR=00:04:AA:BB:CC:DD\nONBOOT=yes\nBOOTPROTO=none\nHOTPLUG=no\n")
    assert files["ifcfg-eth0.100"] == HEADER + (
        "DEVICE=eth0.100\nTYPE=Ethernet\nONBOOT=yes\nBOOTPROTO=none\nHOTPLUG=no\nVLAN=yes\nPHYSDEV=eth0\n"
        "IPADDR=192.168.42.11\nNETMASK=255.255.255.0\nGATEWAY=192.168.42.1\nDNS1=8.8.8.8\nDNS2=8.8.4.4\n"
        "DOMAIN=lab.example.org\n")
    assert files["ifcfg-eth0.200"].endswith("VLAN=yes\nPHYSDEV=eth0\nBRIDGE=cloudbr0\n")
    assert files["ifcfg-cloudbr1"] == HEADER + (
        "DEVICE=cloudbr1\nTYPE=Bridge\nONBOOT=yes\nBOOTPROTO=none\nIPV6INIT=no\nIPV6_AUTOCONF=no\nSTP=no\nDELAY=5\n")


def test_the_order_is_nic_vlan_bridge():
    assert [entry["name"] for entry in CLOUDSTACK_KVM] == ["eth0", "eth0.100", "eth0.200", "eth0.300",
                                                           "cloudbr0", "cloudbr1"]


@pytest.mark.parametrize("kwargs, message", [
    ({"bridges": [{"name": "br0", "ports": ["eth0"]}, {"name": "br1", "ports": ["eth0"]}]},
     "eth0: is a port of br0 and br1"),
    ({"nics": [{"name": "eth0", "address": "10.0.0.2/24"}], "bridges": [{"name": "br0", "ports": ["eth0"]}]},
     "eth0: a bridge port carries no address of its own (the bridge br0 does)"),
    ({"nics": [{"name": "eth0", "method": "static"}]}, "eth0: a static interface needs an address"),
    ({"nics": [{"name": "eth0", "method": "ppp"}]}, "eth0: method 'ppp' is not one of manual, static, dhcp"),
    ({"nics": [{"name": "eth0", "address": "10.0.0.300/24"}]},
     "eth0: address '10.0.0.300/24' is not an IPv4 address in CIDR form"),
    ({"nics": [{"name": "eth0", "address": "10.0.0.3"}]}, "eth0: address '10.0.0.3' is not in CIDR form"),
    ({"nics": [{"name": "eth0", "address": "10.0.0.3/24", "gateway": "10.0.0"}]},
     "eth0: gateway '10.0.0' is not an IPv4 address"),
    ({"nics": [{"name": "eth0", "mtu": 67}]}, "eth0: mtu 67 is not a whole number from 68 to 65535"),
    # A value that would start a line of its own in the file is refused whole.
    ({"nics": [{"name": "eth0", "mtu": "9000\n    up reboot"}]}, "is not a whole number from 68 to 65535"),
    ({"nics": [{"name": "eth0", "mtu": True}]}, "eth0: mtu True is not a whole number"),
    ({"nics": [{"name": "eth0", "mtu": "9000"}]}, "eth0: mtu '9000' is not a whole number"),
    ({"nics": [{"name": "eth0", "mtu": 1500}], "vlans": [{"parent": "eth0", "id": 10, "mtu": 9000}]},
     "eth0.10: mtu 9000 is above the MTU 1500 of eth0, which carries its frames"),
    ({"nics": [{"name": "eth0", "mtu": 9000}, {"name": "eth1", "mtu": 1500}],
      "bridges": [{"name": "br0", "ports": ["eth0", "eth1"], "mtu": 9000}]},
     "br0: mtu 9000 is above the MTU 1500 of eth1, which carries its frames"),
])
def test_declarations_the_files_cannot_express(kwargs, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        interfaces(**kwargs)


DEBIAN_INTERFACES = """# interfaces(5) file used by ifup(8) and ifdown(8)
source /etc/network/interfaces.d/*

auto lo eth0
iface lo inet loopback

allow-hotplug eth1
iface eth0 inet dhcp
    # the uplink
    hostname node1
iface eth1 inet manual
"""


def test_the_old_stanza_of_a_managed_interface_is_switched_off_and_back_on():
    managed = main_interfaces_file(DEBIAN_INTERFACES, ["eth0"], "/etc/network/interfaces.d")
    assert managed == """# interfaces(5) file used by ifup(8) and ifdown(8)
source /etc/network/interfaces.d/*

auto lo
#privatecloud.iaas(eth0)# auto eth0
iface lo inet loopback

allow-hotplug eth1
#privatecloud.iaas(eth0)# iface eth0 inet dhcp
    # the uplink
#privatecloud.iaas(eth0)#     hostname node1
iface eth1 inet manual
"""
    assert main_interfaces_file(managed, ["eth0"], "/etc/network/interfaces.d") == managed
    released = main_interfaces_file(managed, [], "/etc/network/interfaces.d")
    assert released == DEBIAN_INTERFACES.replace("auto lo eth0\n", "auto lo\nauto eth0\n")


def test_a_missing_source_line_is_added():
    text = main_interfaces_file("auto lo\niface lo inet loopback\n", [], "/etc/network/interfaces.d")
    assert text.endswith("\n# Interfaces managed by privatecloud.iaas\nsource /etc/network/interfaces.d/*\n")
    assert main_interfaces_file("source-directory /etc/network/interfaces.d\n", [],
                                "/etc/network/interfaces.d") == "source-directory /etc/network/interfaces.d\n"


def test_each_role_writes_its_own_files():
    bridge = render_ifupdown(owned_entries(CLOUDSTACK_KVM, "bridge"), "bridge")
    vlan = render_ifupdown(owned_entries(CLOUDSTACK_KVM, "vlan"), "vlan")
    assert sorted(bridge) == ["60-cloudbr0", "60-cloudbr1"]
    assert sorted(vlan) == ["20-eth0", "40-eth0.100", "40-eth0.200", "40-eth0.300"]
    assert file_owner(bridge["60-cloudbr0"]) == "bridge" and file_owner(vlan["20-eth0"]) == "vlan"
    assert file_owner("# Managed by someone else\n") is None
    assert interfaces_in(vlan["40-eth0.100"], "ifupdown") == ["eth0.100"]
    eucalyptus = render_ifcfg(owned_entries(EUCALYPTUS_BR0, "bridge"), "bridge")
    assert sorted(eucalyptus) == ["ifcfg-br0", "ifcfg-eth0"]
    assert interfaces_in(eucalyptus["ifcfg-eth0"], "ifcfg") == ["eth0"]


# A front-end of two clusters: the group's VLAN device and its tunnel in the group's bridge.
TUNNELLED = interfaces(vlans=[{"parent": "eth0", "id": 10}],
                       vxlans=[{"name": "eucavx10", "id": 10, "local": "192.0.2.11", "peers": ["192.0.2.13", "192.0.2.12"]}],
                       bridges=[{"name": "eucabr10", "ports": ["eth0.10", "eucavx10"], "address": "10.0.4.1/25"}])


def test_a_tunnel_comes_up_after_the_vlans_and_before_its_bridge_and_goes_with_it():
    assert [(entry["name"], entry["master"]) for entry in TUNNELLED] == [
        ("eth0", None), ("eth0.10", "eucabr10"), ("eucavx10", "eucabr10"), ("eucabr10", None)]
    vlan = render_ifupdown(owned_entries(TUNNELLED, "vlan"), "vlan")
    assert sorted(vlan) == ["20-eth0", "40-eth0.10", "50-eucavx10"]
    assert vlan["50-eucavx10"].splitlines()[1:] == [
        "auto eucavx10",
        "iface eucavx10 inet manual",
        "    pre-up ip link add eucavx10 type vxlan id 10 local 192.0.2.11 dstport 4789 nolearning",
        "    pre-up bridge fdb append 00:00:00:00:00:00 dev eucavx10 dst 192.0.2.12",
        "    pre-up bridge fdb append 00:00:00:00:00:00 dev eucavx10 dst 192.0.2.13",
        "    up ip link set dev eucavx10 up",
        "    post-down ip link delete dev eucavx10"]
    assert "bridge_ports eth0.10 eucavx10" in render_ifupdown(owned_entries(TUNNELLED, "bridge"))["60-eucabr10"]
    with pytest.raises(ConfigError, match="eucavx10: a VXLAN device has no ifcfg form"):
        render_ifcfg(owned_entries(TUNNELLED, "vlan"))


def test_an_mtu_is_written_for_boot_in_each_format():
    found = interfaces(nics=[{"name": "eth0", "mtu": 9000}], vlans=[{"parent": "eth0", "id": 100, "mtu": 9000}],
                       vxlans=[{"name": "eucavx10", "id": 10, "local": "192.0.2.1", "peers": ["192.0.2.2"],
                                "mtu": 8950}],
                       bridges=[{"name": "eucabr10", "ports": ["eth0.100", "eucavx10"], "mtu": 8950}])
    files = render_ifupdown(found)
    assert "    mtu 9000\n" in files["20-eth0"] and "    mtu 9000\n" in files["40-eth0.100"]
    assert "    mtu 8950\n" in files["60-eucabr10"]
    assert "    pre-up ip link add name eucavx10 mtu 8950 type vxlan id 10 local 192.0.2.1" in files["50-eucavx10"]
    assert "mtu" not in render_ifupdown(interfaces(nics=[{"name": "eth0"}]))["20-eth0"]
    dhcp = render_ifupdown(interfaces(bridges=[{"name": "br0", "ports": ["eth0"], "method": "dhcp", "mtu": 9000}]))
    assert "    up ip link set dev br0 mtu 9000\n" in dhcp["60-br0"] and "    mtu 9000" not in dhcp["60-br0"]
    assert "MTU=9000\n" in render_ifcfg(interfaces(nics=[{"name": "eth0", "mtu": 9000}]))["ifcfg-eth0"]


def test_a_bridge_below_its_ports_mtu_and_devices_without_one_pass():
    interfaces(nics=[{"name": "eth0", "mtu": 9000}], bridges=[{"name": "br0", "ports": ["eth0"], "mtu": 1500}])
    interfaces(nics=[{"name": "eth0"}], vlans=[{"parent": "eth0", "id": 10, "mtu": 9000}])


def test_the_plan_names_the_declaration_whose_mtu_does_not_fit():
    assert check_declaration([{"name": "br0", "ports": ["eth0.10"], "mtu": 9000}],
                             [{"parent": "eth0", "id": 10, "mtu": 1500}]) == [
        ("bridge_interfaces", "br0", "mtu 9000 is above the MTU 1500 of eth0.10, which carries its frames")]
    assert check_declaration([], [{"parent": "eth0", "id": 10, "mtu": "jumbo"}]) == [
        ("vlan_interfaces", "eth0.10", "mtu 'jumbo' is not a whole number from 68 to 65535")]


BOND0 = {"name": "bond0", "ports": ["eth0", "eth1"], "mode": "802.3ad", "lacp_rate": "fast",
         "xmit_hash_policy": "layer3+4", "mtu": 9000}


def test_a_bond_under_vlans_and_a_bridge_is_written_first_with_ifenslaves_options():
    found = interfaces(bonds=[BOND0], vlans=[{"parent": "bond0", "id": 300}],
                       bridges=[{"name": "cloudbr1", "ports": ["bond0.300"]}])
    assert [(entry["kind"], entry["name"]) for entry in found] == [
        ("ether", "eth0"), ("ether", "eth1"), ("bond", "bond0"), ("vlan", "bond0.300"), ("bridge", "cloudbr1")]
    files = render_ifupdown(owned_entries(found, "vlan"), "vlan")
    assert sorted(files) == ["20-eth0", "20-eth1", "30-bond0", "40-bond0.300"]
    assert files["30-bond0"].splitlines()[1:] == [
        "auto bond0", "iface bond0 inet manual", "    mtu 9000", "    bond-slaves eth0 eth1", "    bond-mode 802.3ad",
        "    bond-miimon 100", "    bond-lacp-rate fast", "    bond-xmit-hash-policy layer3+4"]
    assert "iface eth0 inet manual" in files["20-eth0"]
    assert sorted(render_ifupdown(owned_entries(found, "bridge"), "bridge")) == ["60-cloudbr1"]
    ifcfg = render_ifcfg(owned_entries(found, "vlan"), "vlan")
    assert 'BONDING_OPTS="mode=802.3ad miimon=100 lacp_rate=fast xmit_hash_policy=layer3+4"\n' in ifcfg["ifcfg-bond0"]
    assert "MASTER=bond0\nSLAVE=yes\n" in ifcfg["ifcfg-eth0"] and "BRIDGE" not in ifcfg["ifcfg-eth0"]


def test_an_active_backup_bond_as_a_bridge_port():
    found = interfaces(bonds=[{"name": "bond0", "ports": ["eth0", "eth1"], "mode": "active-backup", "primary": "eth0"}],
                       bridges=[{"name": "br0", "ports": ["bond0"], "method": "dhcp"}])
    files = render_ifupdown(owned_entries(found, "vlan"), "vlan")
    assert "    bond-primary eth0" in files["30-bond0"].splitlines()
    assert render_ifcfg(owned_entries(found, "vlan"), "vlan")["ifcfg-bond0"].count("BRIDGE=br0\n") == 1


@pytest.mark.parametrize("bonds, message", [
    ([dict(BOND0, mode="lacp")], "bond0: mode: 'lacp' is not one of"),
    ([dict(BOND0, primary="eth0")], "bond0: primary: is for mode active-backup"),
    ([dict(BOND0, mode="active-backup", lacp_rate="fast", xmit_hash_policy=None)], "bond0: lacp_rate: is for mode 802.3ad"),
])
def test_a_bond_the_kernel_would_refuse_is_named(bonds, message):
    with pytest.raises(ConfigError, match="^" + message.replace("(", r"\(").replace(".", r"\.")):
        interfaces(bonds=bonds)


def test_a_bonds_port_is_a_nic():
    with pytest.raises(ConfigError, match=r"^eth0\.5: a bond's port is a NIC, and eth0\.5 is a vlan device"):
        interfaces(vlans=[{"parent": "eth0", "id": 5}], bonds=[dict(BOND0, ports=["eth0.5"])])
