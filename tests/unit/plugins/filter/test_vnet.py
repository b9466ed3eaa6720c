import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.privatecloud.iaas.plugins.filter.vnet import FilterModule

FILTERS = FilterModule().filters()


def test_vnet_network_wraps_the_plan():
    assert FILTERS["vnet_network"](10, "10.1.0.0", "255.255.0.0", 64)["router"] == "10.1.2.1"


def test_vnet_capacity_wraps_the_plan():
    assert FILTERS["vnet_capacity"]("192.168.0.0", "255.255.0.0", 256) == {
        "blocks": 256, "instances_per_block": 253, "max_vlan": 256}


def test_vnet_publicips_and_macmap_wrap_the_parsers():
    assert FILTERS["vnet_publicips"]("10.0.0.2 10.0.0.1") == ["10.0.0.1", "10.0.0.2"]
    assert FILTERS["vnet_macmap"]({"aa:dd:11:ce:ff:ed": "192.168.1.3"}) == [
        {"mac": "AA:DD:11:CE:FF:ED", "ip": "192.168.1.3"}]


@pytest.mark.parametrize(
    "name, args, message",
    [
        ("vnet_network", (1, "10.1.0.0", "255.255.0.0", 64), "vnet_network: tag: 1 is outside the VLAN tags 2..1023"),
        ("vnet_network", (10, "10.1.0.0", "255.255.0.0", 48), "vnet_addrspernet: 48 is not a power of two"),
        ("vnet_capacity", ("10.1.0.1", "255.255.0.0", 64), "vnet_subnet: '10.1.0.1' has host bits set"),
        ("vnet_publicips", ("10.0.0.1-10.0.1.2",), "is a range whose ends are not in one /24"),
        ("vnet_macmap", ("AA:DD:11:CE:FF=192.168.1.4",), "'AA:DD:11:CE:FF' is not a MAC address"),
    ],
)
def test_bad_input_raises_naming_value_and_rule(name, args, message):
    with pytest.raises(AnsibleFilterError) as error:
        FILTERS[name](*args)
    assert message in str(error.value)


def test_vnet_network_gives_the_nth_instance_address():
    assert FILTERS["vnet_network"](10, "10.1.0.0", "255.255.0.0", 64, nth=1)["instance"] == "10.1.2.3"
