import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.privatecloud.iaas.plugins.filter.networks import FilterModule

FILTERS = FilterModule().filters()


def test_ip_networks_filter_returns_canonical_list():
    assert FILTERS["ip_networks"](["192.0.2.0/24", "2001:db8::1"], "ntp_allow") == [
        "192.0.2.0/24",
        "2001:db8::1/128",
    ]


def test_ip_networks_filter_raises_naming_variable_value_and_rule():
    with pytest.raises(AnsibleFilterError, match=r"ntp_allow\[0\]: '192\.0\.2\.300/24' is not an IP network"):
        FILTERS["ip_networks"](["192.0.2.300/24"], "ntp_allow")


HOSTVARS = {
    "frontend": {"ansible_host": "192.0.2.10"},
    "frontend2": {},
    "node1": {"ansible_host": "192.0.2.21"},
    "db1": {"ansible_host": "db1-container", "ansible_facts": {"default_ipv4": {"address": "192.0.2.31"}}},
    "db2": {"ansible_host": "db2-container", "ansible_facts": {"default_ipv4": {}}},
}


def test_host_addresses_prefers_ansible_host_then_name():
    assert FILTERS["host_addresses"](["frontend", "frontend2"], HOSTVARS) == ["192.0.2.10", "frontend2"]


def test_host_addresses_accepts_one_name_and_drops_duplicates():
    assert FILTERS["host_addresses"]("node1", HOSTVARS) == ["192.0.2.21"]
    assert FILTERS["host_addresses"](["node1", "node1"], HOSTVARS) == ["192.0.2.21"]


def test_host_addresses_refuses_unknown_host():
    with pytest.raises(AnsibleFilterError, match="'nod1' is not a host of the inventory"):
        FILTERS["host_addresses"](["nod1"], HOSTVARS)


def test_host_addresses_can_prefer_the_default_ipv4_address_of_gathered_facts():
    assert FILTERS["host_addresses"](["db1", "db2", "frontend2"], HOSTVARS, default_ipv4=True) == [
        "192.0.2.31", "db2-container", "frontend2"]
    assert FILTERS["host_addresses"]("db1", HOSTVARS) == ["db1-container"]
