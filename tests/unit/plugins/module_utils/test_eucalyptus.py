import time

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import AddressError, AddressErrors
from ansible_collections.privatecloud.iaas.plugins.module_utils.eucalyptus import (
    CONF_KEYS,
    CONF_OWNED,
    ManagedSubnet,
    conf_name,
    conf_settings,
    interface_name,
    mac_map,
    public_ips,
    static_network,
)


# The documents' own numbers (Eucalyptus Network Configuration (1.6), MANAGED Mode).
@pytest.mark.parametrize(
    "subnet, netmask, addrs, blocks, instances, max_vlan",
    [
        ("192.168.0.0", "255.255.0.0", 64, 1024, 61, 1024),
        ("192.168.0.0", "255.255.0.0", 256, 256, 253, 256),
        ("10.0.0.0", "255.0.0.0", 128, 131072, 125, 4096),
        ("10.1.0.0", "255.255.255.0", 4, 64, 1, 64),
        ("10.1.0.0", "255.255.255.252", 4, 1, 1, 1),
    ],
)
def test_capacity_pins_the_documents_numbers(subnet, netmask, addrs, blocks, instances, max_vlan):
    assert ManagedSubnet(subnet, netmask, addrs).capacity() == {
        "blocks": blocks,
        "instances_per_block": instances,
        "max_vlan": max_vlan,
    }


def test_seed_002_eucabr10_block():
    block = ManagedSubnet("10.1.0.0", "255.255.0.0", 64).block(10)
    assert block == {
        "tag": 10,
        "network": "10.1.2.0",
        "prefix": 26,
        "netmask": "255.255.255.192",
        "router": "10.1.2.1",
        "broadcast": "10.1.2.63",
        "first": "10.1.2.2",
        "last": "10.1.2.62",
    }


def test_first_tag_starts_at_the_subnet():
    block = ManagedSubnet("192.168.0.0", "255.255.0.0", 64).block(2)
    assert (block["network"], block["router"], block["first"], block["last"], block["broadcast"]) == (
        "192.168.0.0", "192.168.0.1", "192.168.0.2", "192.168.0.62", "192.168.0.63")


def test_last_tag_of_a_small_subnet():
    # 1024 blocks: tags 2..1023, the last block used is (1023 - 2) * 64 from the subnet.
    block = ManagedSubnet("192.168.0.0", "255.255.0.0", 64).block(1023)
    assert block["network"] == "192.168.255.64"
    assert block["broadcast"] == "192.168.255.127"


def test_last_tag_of_a_large_subnet_is_4095():
    block = ManagedSubnet("10.0.0.0", "255.0.0.0", 16).block(4095)
    # (4095 - 2) * 16 = 65488 = 0.0.255.208 past the subnet.
    assert block["network"] == "10.0.255.208"
    assert block["router"] == "10.0.255.209"
    assert block["prefix"] == 28


@pytest.mark.parametrize("tag", [0, 1, 1024, 5000, -3, "x"])
def test_tags_outside_the_plan_are_refused(tag):
    with pytest.raises(AddressError, match=r"^tag: .* (is outside the VLAN tags 2\.\.1023|is not a VLAN tag)"):
        ManagedSubnet("192.168.0.0", "255.255.0.0", 64).block(tag)


def test_a_slash_8_by_16_is_constant_time():
    plan = ManagedSubnet("10.0.0.0", "255.0.0.0", 16)
    assert plan.blocks == 1048576
    start = time.perf_counter()
    for tag in range(2, 4096):
        plan.block(tag)
    # Generous bound: building a million networks would take seconds, not milliseconds.
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    "subnet, netmask, addrs, variable, rule",
    [
        ("192.168.0.0", "255.255.0.0", 2, "vnet_addrspernet", "is below 4"),
        ("192.168.0.0", "255.255.0.0", 48, "vnet_addrspernet", "is not a power of two"),
        ("192.168.0.0", "255.255.0.0", "sixty", "vnet_addrspernet", "is not a whole number"),
        ("192.168.0.0", "255.255.0.0", True, "vnet_addrspernet", "is not a whole number"),
        ("192.168.0.0", "255.255.0.0", "64.0", "vnet_addrspernet", "is not a whole number"),
        ("192.168.0.0", "255.255.255.0", 512, "vnet_addrspernet", "is larger than the subnet 192.168.0.0/24"),
        ("192.168.1.0", "255.255.0.0", 64, "vnet_subnet", "has host bits set for netmask 255.255.0.0: the network is 192.168.0.0"),
        ("192.168.0", "255.255.0.0", 64, "vnet_subnet", "is not an IPv4 address"),
        ("192.168.0.0", "255.0.255.0", 64, "vnet_netmask", "is not a netmask"),
        ("192.168.0.0", "16", 64, "vnet_netmask", "is not an IPv4 address"),
    ],
)
def test_plan_rejections_name_variable_value_and_rule(subnet, netmask, addrs, variable, rule):
    with pytest.raises(AddressError) as error:
        ManagedSubnet(subnet, netmask, addrs)
    assert error.value.variable == variable
    assert rule in str(error.value)


def test_public_ips_forms_agree():
    as_string = public_ips("192.168.32.200-192.168.32.202 192.168.32.10")
    as_list = public_ips(["192.168.32.10", "192.168.32.200-192.168.32.202"])
    assert as_string == as_list == ["192.168.32.10", "192.168.32.200", "192.168.32.201", "192.168.32.202"]


def test_public_ips_sort_numerically():
    assert public_ips(["10.0.0.10", "10.0.0.9", "9.0.0.1"]) == ["9.0.0.1", "10.0.0.9", "10.0.0.10"]


def test_public_ips_empty_is_empty():
    assert public_ips("") == []
    assert public_ips([]) == []


@pytest.mark.parametrize(
    "value, rule",
    [
        ("192.168.32.200-192.168.33.10", "is a range whose ends are not in one /24"),
        ("192.168.32.20-192.168.32.10", "is a range whose start is above its end"),
        ("192.168.32.300", "is not an IPv4 address"),
        ("192.168.32.1 192.168.32.1", "repeats 192.168.32.1 (already in vnet_publicips[0])"),
        ("192.168.32.1-192.168.32.3 192.168.32.2", "repeats 192.168.32.2"),
        ("192.168.32.1-", "is not an IPv4 address"),
    ],
)
def test_public_ips_rejections(value, rule):
    with pytest.raises(AddressErrors) as error:
        public_ips(value)
    assert rule in str(error.value)


def test_public_ips_refuses_a_mapping():
    with pytest.raises(AddressError, match="vnet_publicips: .* is not a list of public IPs"):
        public_ips({"a": 1})


def test_public_ips_reports_all_problems():
    with pytest.raises(AddressErrors) as error:
        public_ips(["bogus", "10.0.0.1-10.0.1.1", "10.0.0.5"])
    assert [e.variable for e in error.value.errors] == ["vnet_publicips[0]", "vnet_publicips[1]"]


def test_macmap_string_and_mapping_agree_and_normalise():
    documented = mac_map("aa:dd:11:ce:ff:ee=192.168.1.4 AA:DD:11:CE:FF:ED=192.168.1.3",
                         "192.168.1.0", "255.255.255.0")
    mapping = mac_map({"AA-DD-11-CE-FF-ED": "192.168.1.3", "AA:DD:11:CE:FF:EE": "192.168.1.4"})
    assert documented == mapping == [
        {"mac": "AA:DD:11:CE:FF:ED", "ip": "192.168.1.3"},
        {"mac": "AA:DD:11:CE:FF:EE", "ip": "192.168.1.4"},
    ]


def test_macmap_rejects_the_documents_five_octet_typo():
    with pytest.raises(AddressErrors) as error:
        mac_map("AA:DD:11:CE:FF:ED=192.168.1.3 AA:DD:11:CE:FF=192.168.1.4", "192.168.1.0", "255.255.255.0")
    assert str(error.value) == ("vnet_macmap[AA:DD:11:CE:FF]: 'AA:DD:11:CE:FF' is not a MAC address "
                                "(six hex octets, e.g. AA:DD:11:CE:FF:ED)")


@pytest.mark.parametrize(
    "value, rule",
    [
        ("AA:DD:11:CE:FF:ED=192.168.2.3", "is not a host address of the STATIC subnet 192.168.1.0/24"),
        ("AA:DD:11:CE:FF:ED=192.168.1.255", "is not a host address of the STATIC subnet"),
        ("AA:DD:11:CE:FF:ED=192.168.1.0", "is not a host address of the STATIC subnet"),
        ("AA:DD:11:CE:FF:ED=192.168.1.3 aa:dd:11:ce:ff:ed=192.168.1.4", "is the same MAC as AA:DD:11:CE:FF:ED"),
        ("AA:DD:11:CE:FF:ED=192.168.1.3 AA:DD:11:CE:FF:EE=192.168.1.3", "is already the IP of AA:DD:11:CE:FF:ED"),
        ("AA:DD:11:CE:FF:ED", "is not a MAC=IP pair"),
        ("01:00:5E:00:00:01=192.168.1.3", "is a multicast MAC address"),
        ("AA:DD:11:CE:FF:ED=192.168.1.x", "is not an IPv4 address"),
    ],
)
def test_macmap_rejections(value, rule):
    with pytest.raises(AddressErrors) as error:
        mac_map(value, "192.168.1.0", "255.255.255.0")
    assert rule in str(error.value)


def test_macmap_refuses_a_list():
    with pytest.raises(AddressError, match="is not a MAC map"):
        mac_map(["AA:DD:11:CE:FF:ED=192.168.1.3"])


def test_static_network_derives_from_the_documents_example():
    assert static_network("192.168.1.0", "255.255.255.0", "192.168.1.255", "192.168.1.1") == {
        "network": "192.168.1.0",
        "prefix": 24,
        "netmask": "255.255.255.0",
        "broadcast": "192.168.1.255",
        "router": "192.168.1.1",
    }


@pytest.mark.parametrize(
    "broadcast, router, rule",
    [
        ("192.168.1.254", "192.168.1.1", "vnet_broadcast: '192.168.1.254' is not the broadcast address of 192.168.1.0/24"),
        ("192.168.1.255", "192.168.2.1", "vnet_router: '192.168.2.1' is not a host address of 192.168.1.0/24"),
        ("192.168.1.255", "192.168.1.255", "vnet_router: '192.168.1.255' is not a host address"),
    ],
)
def test_static_network_rejections(broadcast, router, rule):
    with pytest.raises(AddressErrors, match=rule):
        static_network("192.168.1.0", "255.255.255.0", broadcast, router)


@pytest.mark.parametrize("name", ["eth0", "br0", "eth0.100", "eucabr4095", "a" * 15])
def test_interface_names(name):
    assert interface_name(name, "vnet_bridge") == name


@pytest.mark.parametrize("name", ["", "a" * 16, "eth 0", "eth/0", "eth0:1", ".", None, 0])
def test_bad_interface_names(name):
    with pytest.raises(AddressError, match="is not a network interface name"):
        interface_name(name, "vnet_bridge")


# eucalyptus.conf keys per mode and role (Eucalyptus Network Configuration (1.6), each mode's
# section)
MANAGED_FRONTEND = {"vnet_mode": "MANAGED", "vnet_pubinterface": "eth1", "vnet_privinterface": "eth0",
                    "vnet_dhcpdaemon": "/usr/sbin/dhcpd", "vnet_subnet": "192.168.0.0", "vnet_netmask": "255.255.0.0",
                    "vnet_dns": "192.168.1.2", "vnet_addrspernet": 64, "vnet_bridge": "br0",
                    "vnet_publicips": ["172.16.32.200-172.16.32.210", "172.16.32.220"]}


def test_a_managed_front_end_gets_its_keys_in_the_documents_order_and_nothing_else():
    assert conf_settings(MANAGED_FRONTEND, ["frontend"]) == {
        "VNET_MODE": "MANAGED", "VNET_PUBINTERFACE": "eth1", "VNET_PRIVINTERFACE": "eth0",
        "VNET_DHCPDAEMON": "/usr/sbin/dhcpd", "VNET_SUBNET": "192.168.0.0", "VNET_NETMASK": "255.255.0.0",
        "VNET_DNS": "192.168.1.2", "VNET_ADDRSPERNET": "64",
        "VNET_PUBLICIPS": "172.16.32.200-172.16.32.210 172.16.32.220"}
    assert list(conf_settings(MANAGED_FRONTEND, ["frontend"])) == [
        "VNET_MODE", "VNET_PUBINTERFACE", "VNET_PRIVINTERFACE", "VNET_DHCPDAEMON", "VNET_SUBNET", "VNET_NETMASK",
        "VNET_DNS", "VNET_ADDRSPERNET", "VNET_PUBLICIPS"]


@pytest.mark.parametrize("mode, expected", [
    ("SYSTEM", {"VNET_MODE": "SYSTEM", "VNET_BRIDGE": "br0"}),
    ("STATIC", {"VNET_MODE": "STATIC", "VNET_BRIDGE": "br0"}),
    ("MANAGED", {"VNET_MODE": "MANAGED", "VNET_PUBINTERFACE": "eth0", "VNET_PRIVINTERFACE": "eth0"}),
    ("MANAGED-NOVLAN", {"VNET_MODE": "MANAGED-NOVLAN", "VNET_BRIDGE": "br0"}),
])
def test_a_node_gets_the_keys_of_its_mode(mode, expected):
    variables = {"vnet_mode": mode, "vnet_bridge": "br0", "vnet_pubinterface": "eth0", "vnet_privinterface": "eth0"}
    assert conf_settings(variables, ["nodes"]) == expected


def test_the_static_mac_map_is_written_as_the_documents_write_it():
    variables = {"vnet_mode": "STATIC", "vnet_pubinterface": "eth1", "vnet_privinterface": "eth0",
                 "vnet_dhcpdaemon": "/usr/sbin/dhcpd", "vnet_dhcpuser": "dhcpd", "vnet_subnet": "192.168.1.0",
                 "vnet_netmask": "255.255.255.0", "vnet_broadcast": "192.168.1.255", "vnet_router": "192.168.1.1",
                 "vnet_dns": "192.168.1.2", "vnet_macmap": {"aa:dd:11:ce:ff:ee": "192.168.1.4",
                                                            "AA:DD:11:CE:FF:ED": "192.168.1.3"}}
    settings = conf_settings(variables, ["frontend"])
    assert settings["VNET_MACMAP"] == "AA:DD:11:CE:FF:ED=192.168.1.3 AA:DD:11:CE:FF:EE=192.168.1.4"
    assert settings["VNET_DHCPUSER"] == "dhcpd"


def test_defaults_fill_only_what_the_host_leaves_unset():
    settings = conf_settings(dict(MANAGED_FRONTEND, vnet_localip="10.0.0.9"), ["frontend"],
                             defaults={"vnet_localip": "10.0.0.1", "vnet_cloudip": "10.0.0.2"})
    assert (settings["VNET_LOCALIP"], settings["VNET_CLOUDIP"]) == ("10.0.0.9", "10.0.0.2")


def test_missing_keys_and_bad_values_are_all_named():
    with pytest.raises(AddressErrors) as caught:
        conf_settings({"vnet_mode": "STATIC", "vnet_macmap": "AA:DD:11:CE:FF=192.168.1.4",
                       "vnet_subnet": "192.168.1.0", "vnet_netmask": "255.255.255.0"}, ["frontend", "nodes"])
    lines = [str(error) for error in caught.value.errors]
    assert "vnet_router: None is missing: a STATIC front-end needs it" in lines
    assert "vnet_bridge: None is missing: a STATIC node needs it" in lines
    assert [line for line in lines if line.startswith("vnet_macmap[AA:DD:11:CE:FF]")]
    with pytest.raises(AddressError, match="vnet_mode: 'NONE' is not one of"):
        conf_settings({"vnet_mode": "NONE"}, ["nodes"])


def test_every_key_written_is_owned():
    assert set(CONF_OWNED) >= {conf_name(key) for mode in CONF_KEYS.values() for keys in mode.values() for key in keys}


def test_an_instance_address_of_a_block():
    plan = ManagedSubnet("10.1.0.0", "255.255.0.0", 64)
    assert plan.block(10, instance=0)["instance"] == "10.1.2.2"
    assert plan.block(10, instance=60)["instance"] == "10.1.2.62"
    with pytest.raises(AddressError, match="instance: 61 is not an instance of a block of 64 addresses"):
        plan.block(10, instance=61)
