import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.privatecloud.iaas.plugins.filter.dhcpd import FilterModule

FILTERS = FilterModule().filters()
SUBNETS = [{"subnet": "192.168.1.0/24", "ranges": ["192.168.1.100-192.168.1.199"]}]


def test_the_filters_wrap_declaration_rendering_and_listening():
    assert FILTERS["dhcpd_function"](["dhcpd"]) == "lan_pool"
    configuration = FILTERS["dhcpd_declaration"]("lan_pool", subnets=SUBNETS)
    assert "range 192.168.1.100 192.168.1.199;" in FILTERS["dhcpd_conf"](configuration)
    addresses = '[{"ifname": "eth0", "addr_info": [{"local": "192.168.1.10", "prefixlen": 24, "scope": "global"}]}]'
    assert FILTERS["dhcpd_listen"](["eth0"], configuration, addresses) == ["eth0"]


def test_static_map_from_the_vnet_keys():
    vnet = {"subnet": "192.168.1.0", "netmask": "255.255.255.0", "broadcast": "192.168.1.255",
            "router": "192.168.1.1", "dns": "192.168.1.2", "macmap": {"aa:dd:11:ce:ff:ed": "192.168.1.3"}}
    configuration = FILTERS["dhcpd_declaration"]("static_map", vnet=vnet)
    assert configuration["hosts"] == [{"name": "vm-aa-dd-11-ce-ff-ed", "mac": "AA:DD:11:CE:FF:ED",
                                       "address": "192.168.1.3"}]


@pytest.mark.parametrize("name, args, message", [
    ("dhcpd_declaration", ("lan_pool", [{"subnet": "192.168.1.1/24"}]),
     "dhcpd_declaration: dhcpd_subnets[0].subnet: '192.168.1.1/24' has host bits set"),
    ("dhcpd_declaration", ("cc_daemon",), "dhcpd_declaration: dhcpd_function: 'cc_daemon' serves no configuration"),
    ("dhcpd_listen", ([], {"subnets": []}, "[]"), "dhcpd_listen: dhcpd_interfaces: [] is empty"),
])
def test_bad_input_raises_naming_the_rule(name, args, message):
    with pytest.raises(AnsibleFilterError) as caught:
        FILTERS[name](*args)
    assert str(caught.value).startswith(message), str(caught.value)
