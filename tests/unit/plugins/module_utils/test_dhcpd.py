"""dhcpd declarations, checked and rendered; the files are checked by the real dhcpd -t in molecule/dhcpd."""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils import dhcpd
from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import AddressErrors

LAN = [{"subnet": "192.168.1.0/24", "ranges": ["192.168.1.100-192.168.1.199"], "routers": ["192.168.1.1"],
        "dns": ["192.168.1.2"], "domain": "cloud.example.org"}]
OPTIONS = {"authoritative": True, "default_lease_time": 600, "max_lease_time": 7200, "dns": [], "domain": "",
           "statements": []}
# The documents' STATIC example (Eucalyptus Network Configuration (1.6), STATIC Mode), the second
# MAC's sixth octet restored.
DOCUMENTS_STATIC = {"subnet": "192.168.1.0", "netmask": "255.255.255.0", "broadcast": "192.168.1.255",
                    "router": "192.168.1.1", "dns": "192.168.1.2",
                    "macmap": "AA:DD:11:CE:FF:ED=192.168.1.3 AA:DD:11:CE:FF:EE=192.168.1.4"}


def static(**changes):
    """The documents' STATIC example with some keys changed, declared."""
    return dhcpd.static_map_declaration(**{**DOCUMENTS_STATIC, **changes})


def test_the_documents_static_example_renders_one_host_per_pair_and_no_pool():
    configuration = static()
    assert dhcpd.render(configuration) == dhcpd.HEADER + (
        "ddns-update-style none;\n"
        "authoritative;\n"
        "\n"
        "subnet 192.168.1.0 netmask 255.255.255.0 {\n"
        "  option subnet-mask 255.255.255.0;\n"
        "  option broadcast-address 192.168.1.255;\n"
        "  option routers 192.168.1.1;\n"
        "  option domain-name-servers 192.168.1.2;\n"
        "}\n"
        "\n"
        "host vm-aa-dd-11-ce-ff-ed {\n"
        "  hardware ethernet AA:DD:11:CE:FF:ED;\n"
        "  fixed-address 192.168.1.3;\n"
        "}\n"
        "\n"
        "host vm-aa-dd-11-ce-ff-ee {\n"
        "  hardware ethernet AA:DD:11:CE:FF:EE;\n"
        "  fixed-address 192.168.1.4;\n"
        "}\n")


def test_a_lan_pool_renders_ranges_options_fixed_hosts_and_statements():
    configuration = dhcpd.lan_declaration(
        LAN, [{"mac": "52:54:00:12:34:56", "address": "192.168.1.20", "name": "printer"}],
        dict(OPTIONS, dns=["192.168.1.3"], domain="example.org", statements=["option ntp-servers 192.168.1.10"]))
    assert dhcpd.render(configuration) == dhcpd.HEADER + (
        "ddns-update-style none;\n"
        "authoritative;\n"
        "default-lease-time 600;\n"
        "max-lease-time 7200;\n"
        "option domain-name-servers 192.168.1.3;\n"
        'option domain-name "example.org";\n'
        "option ntp-servers 192.168.1.10;\n"
        "\n"
        "subnet 192.168.1.0 netmask 255.255.255.0 {\n"
        "  range 192.168.1.100 192.168.1.199;\n"
        "  option subnet-mask 255.255.255.0;\n"
        "  option broadcast-address 192.168.1.255;\n"
        "  option routers 192.168.1.1;\n"
        "  option domain-name-servers 192.168.1.2;\n"
        '  option domain-name "cloud.example.org";\n'
        "}\n"
        "\n"
        "host printer {\n"
        "  hardware ethernet 52:54:00:12:34:56;\n"
        "  fixed-address 192.168.1.20;\n"
        "}\n")


def test_moving_one_pair_changes_one_line():
    before = dhcpd.render(static()).splitlines()
    after = dhcpd.render(static(macmap="AA:DD:11:CE:FF:ED=192.168.1.9 AA:DD:11:CE:FF:EE=192.168.1.4")).splitlines()
    assert [(old, new) for old, new in zip(before, after) if old != new] == [
        ("  fixed-address 192.168.1.3;", "  fixed-address 192.168.1.9;")]
    assert len(before) == len(after)


def test_a_removed_pair_leaves_the_file():
    assert "AA:DD:11:CE:FF:ED" not in dhcpd.render(static(macmap={"AA:DD:11:CE:FF:EE": "192.168.1.4"}))


def test_order_of_the_inventory_does_not_change_the_file():
    two = [LAN[0], {"subnet": "10.0.0.0/24", "ranges": [{"start": "10.0.0.50", "end": "10.0.0.60"}]}]
    hosts = [{"mac": "02:00:00:00:00:02", "address": "10.0.0.2"}, {"mac": "02:00:00:00:00:01", "address": "10.0.0.3"}]
    one = dhcpd.render(dhcpd.lan_declaration(two, hosts, OPTIONS))
    other = dhcpd.render(dhcpd.lan_declaration(list(reversed(two)), list(reversed(hosts)), OPTIONS))
    assert one == other
    assert one.index("subnet 10.0.0.0") < one.index("subnet 192.168.1.0")
    assert one.index("02:00:00:00:00:01") < one.index("02:00:00:00:00:02")


def test_ranges_are_accepted_in_every_documented_spelling():
    for spelling in ("192.168.1.100-192.168.1.199", "192.168.1.100 192.168.1.199",
                     {"start": "192.168.1.100", "end": "192.168.1.199"}):
        configuration = dhcpd.lan_declaration([dict(LAN[0], ranges=[spelling])])
        assert configuration["subnets"][0]["ranges"] == ["192.168.1.100 192.168.1.199"]


@pytest.mark.parametrize("change, message", [
    ({"subnet": "192.168.1.7/24"}, "dhcpd_subnets[0].subnet: '192.168.1.7/24' has host bits set"),
    ({"subnet": "2001:db8::/64"}, "dhcpd_subnets[0].subnet: '2001:db8::/64' is not an IPv4 network"),
    ({"ranges": ["192.168.1.199-192.168.1.100"]}, "dhcpd_subnets[0].ranges[0]: '192.168.1.199-192.168.1.100' starts above"),
    ({"ranges": ["192.168.1.0-192.168.1.10"]}, "is not within the host addresses of 192.168.1.0/24"),
    ({"ranges": ["192.168.1.100"]}, "dhcpd_subnets[0].ranges[0]: '192.168.1.100' is not a range"),
    ({"ranges": ["192.168.1.100-192.168.1.150", "192.168.1.150-192.168.1.160"]},
     "dhcpd_subnets[0].ranges[1]: '192.168.1.150-192.168.1.160' overlaps ranges[0]"),
    ({"routers": ["192.168.2.1"]}, "dhcpd_subnets[0].routers[0]: '192.168.2.1' is not a host address of 192.168.1.0/24"),
    ({"dns": ["dns.example.org"]}, "dhcpd_subnets[0].dns[0]: 'dns.example.org' is not an IPv4 address"),
    ({"domain": "bad domain"}, "dhcpd_subnets[0].domain: 'bad domain' is not a domain name"),
    ({"broadcast": "192.168.1.254"}, "dhcpd_subnets[0].broadcast: '192.168.1.254' is not the broadcast address"),
    ({"default_lease_time": 0}, "dhcpd_subnets[0].default_lease_time: 0 is not a number of seconds above 0"),
    ({"default_lease_time": 900, "max_lease_time": 600}, "dhcpd_subnets[0].default_lease_time: 900 is above"),
    ({"pool": "x"}, "dhcpd_subnets[0].pool: 'x' is not a setting of a subnet"),
    ({"mtu": 67}, "dhcpd_subnets[0].mtu: 67 is not a whole number from 68 to 65535"),
    ({"mtu": "1450;"}, "dhcpd_subnets[0].mtu: '1450;' is not a whole number from 68 to 65535"),
])
def test_a_broken_subnet_is_named(change, message):
    with pytest.raises(AddressErrors) as caught:
        dhcpd.lan_declaration([dict(LAN[0], **change)])
    assert [str(error) for error in caught.value.errors if message in str(error)], caught.value


@pytest.mark.parametrize("hosts, message", [
    ([{"mac": "AA:DD:11:CE:FF", "address": "192.168.1.3"}], "dhcpd_hosts[0].mac: 'AA:DD:11:CE:FF' is not a MAC address"),
    ([{"mac": "01:00:5e:00:00:01", "address": "192.168.1.3"}], "is a multicast MAC address"),
    ([{"mac": "52:54:00:00:00:01", "address": "10.0.0.3"}],
     "dhcpd_hosts[0].address: '10.0.0.3' is not a host address of any declared subnet"),
    ([{"mac": "52:54:00:00:00:01", "address": "192.168.1.120"}], "'192.168.1.120' lies in a dynamic range"),
    ([{"mac": "52:54:00:00:00:01", "address": "192.168.1.3"}, {"mac": "52:54:00:00:00:01", "address": "192.168.1.4"}],
     "dhcpd_hosts[1].mac: '52:54:00:00:00:01' is the MAC of dhcpd_hosts[0] too"),
    ([{"mac": "52:54:00:00:00:01", "address": "192.168.1.3"}, {"mac": "52:54:00:00:00:02", "address": "192.168.1.3"}],
     "dhcpd_hosts[1].address: '192.168.1.3' is the address of dhcpd_hosts[0] too"),
    ([{"mac": "52:54:00:00:00:01", "address": "192.168.1.3", "name": "two words"}],
     "dhcpd_hosts[0].name: 'two words' is not a dhcpd host name"),
])
def test_a_broken_fixed_host_is_named(hosts, message):
    with pytest.raises(AddressErrors) as caught:
        dhcpd.lan_declaration(LAN, hosts)
    assert [str(error) for error in caught.value.errors if message in str(error)], caught.value


def test_every_problem_is_reported_at_once():
    with pytest.raises(AddressErrors) as caught:
        dhcpd.lan_declaration(
            [{"subnet": "192.168.1.0/24", "ranges": ["x"], "routers": ["10.0.0.1"]},
             {"subnet": "192.168.1.0/25"}],
            [{"mac": "nope", "address": "192.168.1.3"}],
            {"max_lease_time": -1, "statements": ["two\nlines"]})
    assert [str(error) for error in caught.value.errors] == [
        "dhcpd_subnets[0].ranges[0]: 'x' is not a range ('first-last' or {start, end})",
        "dhcpd_subnets[0].routers[0]: '10.0.0.1' is not a host address of 192.168.1.0/24",
        "dhcpd_hosts[0].mac: 'nope' is not a MAC address (six hex octets, e.g. AA:DD:11:CE:FF:ED)",
        "dhcpd_max_lease_time: -1 is not a number of seconds above 0",
        "dhcpd_statements[0]: 'two\\nlines' is not one statement on one line",
        "dhcpd_subnets[1].subnet: '192.168.1.0/25' overlaps dhcpd_subnets[0] (192.168.1.0/24)",
    ]


def test_the_static_map_names_the_vnet_keys():
    with pytest.raises(AddressErrors) as caught:
        static(router="192.168.2.1", dns="dns", macmap="AA:DD:11:CE:FF:ED=192.168.1.3 AA:DD:11:CE:FF=192.168.1.4")
    assert [str(error) for error in caught.value.errors] == [
        "vnet_router: '192.168.2.1' is not a host address of 192.168.1.0/24",
        "vnet_dns[0]: 'dns' is not an IPv4 address (dotted quad, e.g. 192.0.2.1)",
        "vnet_macmap[AA:DD:11:CE:FF]: 'AA:DD:11:CE:FF' is not a MAC address (six hex octets, e.g. AA:DD:11:CE:FF:ED)",
    ]


def test_a_broken_static_subnet_is_named_once():
    with pytest.raises(AddressErrors) as caught:
        static(subnet="192.168.1.5")
    assert [str(error) for error in caught.value.errors] == [
        "vnet_subnet: '192.168.1.5' has host bits set for netmask 255.255.255.0: the network is 192.168.1.0"]


def test_statements_get_their_semicolon_once():
    configuration = dhcpd.lan_declaration(LAN, options={"statements": ["one-lease-per-client true",
                                                                       "option ntp-servers 192.168.1.10;"]})
    assert configuration["globals"]["statements"] == ["one-lease-per-client true;", "option ntp-servers 192.168.1.10;"]


@pytest.mark.parametrize("groups, mode, dataplane, expected", [
    (["dhcpd"], "SYSTEM", None, "lan_pool"),
    (["frontend"], "SYSTEM", None, "none"),
    (["frontend"], "STATIC", None, "cc_daemon"),
    (["frontend"], "STATIC", "eucalyptus", "cc_daemon"),
    (["frontend"], "STATIC", "ansible", "static_map"),
    (["frontend"], "MANAGED", "ansible", "cc_daemon"),
    (["frontend"], "MANAGED-NOVLAN", None, "cc_daemon"),
    (["nodes"], "STATIC", "ansible", "none"),
    ([], None, None, "none"),
])
def test_the_function_follows_groups_and_mode(groups, mode, dataplane, expected):
    assert dhcpd.function(groups, mode, dataplane) == expected


FACTS_12 = {"os_family": "Debian", "distribution": "Debian", "distribution_major_version": "12"}
UBUNTU = {"os_family": "Debian", "distribution": "Ubuntu", "distribution_major_version": "24"}


def settings(**changes):
    return dict(dhcpd.OPTIONS, **changes)


def section(chosen, facts=None, vnet=None, **changes):
    facts = FACTS_12 if facts is None else facts
    problems = []
    found = dhcpd.section(settings(dhcpd_function=chosen, **changes), chosen, {"subnets": [], "hosts": []},
                          vnet or {}, {}, facts, lambda *problem: problems.append(problem))
    return found, problems


def test_a_lan_pool_server_is_its_files_restart_unit_and_listen_check():
    found, problems = section("lan_pool", dhcpd_subnets=LAN, dhcpd_interfaces=["eth0"])
    assert problems == []
    assert [spec["path"] for spec in found["files"]] == ["/etc/dhcp/dhcpd.conf",
                                                         "/etc/systemd/system/isc-dhcp-server.service"]
    assert found["files"][0]["validate"] == "/usr/sbin/dhcpd -t -cf %s"
    assert "range 192.168.1.100 192.168.1.199;" in found["files"][0]["content"]
    assert "ExecStart=/usr/sbin/dhcpd -4 -q -cf /etc/dhcp/dhcpd.conf" in found["files"][1]["content"]
    assert found["settings"] == [{"path": "/etc/default/isc-dhcp-server", "values": {"INTERFACESv4": "eth0"}}]
    assert [action["name"] for action in found["actions"]] == ["reload systemd's units for dhcpd", "restart dhcpd"]
    assert found["units"] == [{"name": "isc-dhcp-server", "enabled": True, "started": True}]
    assert found["listen"] == {"interfaces": ["eth0"], "networks": ["192.168.1.0/24"], "planned": {},
                               "variable": "dhcpd_interfaces"}
    assert found["packages"] == ["isc-dhcp-server"]


def test_ubuntu_keeps_its_packages_unit():
    found, _problems = section("lan_pool", facts=UBUNTU, dhcpd_subnets=LAN, dhcpd_interfaces=["eth0"])
    assert [spec["path"] for spec in found["files"]] == ["/etc/dhcp/dhcpd.conf"]
    assert [action["name"] for action in found["actions"]] == ["restart dhcpd"]


def test_a_host_that_serves_nothing_retires_only_a_server_the_role_set_up():
    found, problems = section("none")
    assert problems == [] and found["packages"] == []
    assert found["files"] == [{"path": "/etc/systemd/system/isc-dhcp-server.service", "state": "absent"},
                              {"path": "/etc/dhcp/dhcpd.conf", "state": "absent", "ours": dhcpd.OURS}]
    assert found["units"] == [{"name": "isc-dhcp-server", "enabled": False, "started": False,
                               "when_ours": "/etc/dhcp/dhcpd.conf"}]


def test_the_ccs_daemon_keeps_the_service_off_and_needs_its_binary_and_user():
    found, problems = section("cc_daemon", vnet={"dhcpdaemon": "/usr/sbin/dhcpd"})
    assert problems == []
    assert found["units"] == [{"name": "isc-dhcp-server", "enabled": False, "started": False}]
    assert found["requires"] == {"executables": {"/usr/sbin/dhcpd": "vnet_dhcpdaemon (isc-dhcp-server installs "
                                                                    "/usr/sbin/dhcpd)"},
                                 "users": {"root": "vnet_dhcpuser"}}
    _found, problems = section("cc_daemon", facts=UBUNTU, vnet={"dhcpuser": "root"})
    assert problems == [("vnet_dhcpuser", "root", "is not the user dhcpd runs as on Ubuntu (dhcpd)")]


def test_what_a_server_cannot_be_is_recorded_each_named():
    _found, problems = section("lan_pool", dhcpd_interfaces=["eth0", "eth/1"])
    assert problems == [
        ("dhcpd_interfaces[1]", "eth/1", "is not a network interface name (1-15 letters, digits, '_', '.', '+' or '-')"),
        ("dhcpd_subnets", [], "is empty: a LAN pool server needs the subnet it serves"),
    ]
    _found, problems = section("lan_pool", dhcpd_subnets=LAN)
    assert problems == [("dhcpd_interfaces", None, "is empty: dhcpd must listen on the interfaces that face its clients")]


def test_the_security_groups_of_one_interface_are_one_shared_network():
    groups = {"shared_network": "iaas",
              "subnets": [{"subnet": "10.10.2.0/26", "routers": ["10.10.2.1"]},
                          {"subnet": "10.10.2.64/26", "routers": ["10.10.2.65"]}],
              "hosts": [{"name": "i-1", "mac": "D0:0D:0A:0A:02:02", "address": "10.10.2.2"}]}
    text = dhcpd.render(dhcpd.declaration("security_groups", groups=groups))
    body = text.split("shared-network iaas {\n", 1)[1]
    # Both subnets inside it, the host entries after it.
    assert body.index("subnet 10.10.2.64 netmask") < body.index("\n}\n\nhost i-1 {")
    assert "range" not in text


def test_a_subnet_with_an_mtu_tells_its_clients():
    # A group that spans clusters over a 1500 underlay: its VMs send no frame the tunnel cannot carry.
    groups = {"subnets": [{"subnet": "10.10.2.0/26", "routers": ["10.10.2.1"], "mtu": 1450},
                          {"subnet": "10.10.2.64/26", "routers": ["10.10.2.65"]}], "hosts": []}
    text = dhcpd.render(dhcpd.declaration("security_groups", groups=groups))
    first, second = text.split("subnet 10.10.2.64 netmask")
    assert "  option interface-mtu 1450;\n" in first and "interface-mtu" not in second
