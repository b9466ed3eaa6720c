import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import (
    AddressError,
    ip_network,
    ip_networks,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("192.0.2.0/24", "192.0.2.0/24"),
        (" 192.0.2.0/24 ", "192.0.2.0/24"),
        ("198.51.100.7", "198.51.100.7/32"),
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("2001:db8::/32", "2001:db8::/32"),
        ("2001:DB8:0:0::/64", "2001:db8::/64"),
        ("2001:db8::1", "2001:db8::1/128"),
    ],
)
def test_ip_network_canonical_form(value, expected):
    assert ip_network(value) == expected


@pytest.mark.parametrize("value", ["", "   ", "192.0.2.0/33", "300.0.2.0/24", "192.0.2", "net", "10/8", None, 24, ["192.0.2.0/24"]])
def test_ip_network_refuses_what_is_not_a_network(value):
    with pytest.raises(AddressError) as error:
        ip_network(value, "ntp_allow")
    assert str(error.value).startswith("ntp_allow: %r is not an IP network" % (value,))


def test_ip_network_refuses_host_bits_and_names_the_network():
    with pytest.raises(AddressError) as error:
        ip_network("192.0.2.7/24", "ntp_allow[1]")
    assert str(error.value) == "ntp_allow[1]: '192.0.2.7/24' has host bits set: the network is 192.0.2.0/24"
    assert error.value.variable == "ntp_allow[1]"
    assert error.value.value == "192.0.2.7/24"


def test_ip_networks_keeps_order_and_drops_duplicates():
    assert ip_networks(["198.51.100.0/24", "192.0.2.1", "198.51.100.0/24"]) == [
        "198.51.100.0/24",
        "192.0.2.1/32",
    ]


def test_ip_networks_accepts_a_single_string():
    assert ip_networks("192.0.2.0/24") == ["192.0.2.0/24"]


def test_ip_networks_empty_list_is_empty():
    assert ip_networks([]) == []


def test_ip_networks_reports_every_bad_entry_at_once():
    with pytest.raises(ValueError) as error:
        ip_networks(["192.0.2.0/24", "bogus", "192.0.2.7/24"], "ntp_allow")
    message = str(error.value)
    assert "ntp_allow[1]: 'bogus' is not an IP network" in message
    assert "ntp_allow[2]: '192.0.2.7/24' has host bits set: the network is 192.0.2.0/24" in message
    assert "ntp_allow[0]" not in message


def test_ip_networks_refuses_a_mapping():
    with pytest.raises(AddressError, match=r"ntp_allow: \{'a': 1\} is not a list of IP networks"):
        ip_networks({"a": 1}, "ntp_allow")
