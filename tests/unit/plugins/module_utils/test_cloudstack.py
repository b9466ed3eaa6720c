import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import AddressError
from ansible_collections.privatecloud.iaas.plugins.module_utils.cloudstack import (
    address_range,
    check_zones,
    prefix_length,
    vlan_range,
)
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems


@pytest.mark.parametrize("value, expected", [
    ("600-999", (600, 999)), ("600 - 999", (600, 999)), (100, (100, 100)), ("1", (1, 1)), ("4094", (4094, 4094)),
])
def test_vlan_ranges(value, expected):
    assert vlan_range(value) == expected


@pytest.mark.parametrize("value, rule", [
    ("0", "has VLAN id 0 outside 1-4094"),
    ("4095", "has VLAN id 4095 outside 1-4094"),
    ("999-600", "is a range whose start is above its end"),
    ("600..999", "is not a VLAN id or range"),
    (True, "is not a VLAN id or range"),
    (None, "is not a VLAN id or range"),
])
def test_vlan_range_rejections(value, rule):
    with pytest.raises(AddressError, match=rule):
        vlan_range(value, "vlan_range")


@pytest.mark.parametrize("value, prefix", [("255.255.255.0", 24), (24, 24), ("16", 16)])
def test_prefix_length(value, prefix):
    assert prefix_length(value) == prefix


def test_prefix_length_rejects_33():
    with pytest.raises(AddressError, match="is not a prefix length"):
        prefix_length(33)


VARIABLES = ("start", "end", "gateway", "netmask")


def test_address_range_inside_and_without_gateway():
    addresses, network = address_range("192.168.154.200", "192.168.154.220", "192.168.154.1", "255.255.255.0",
                                       VARIABLES)
    assert (addresses.size, str(network)) == (21, "192.168.154.0/24")


@pytest.mark.parametrize("start, end, rule", [
    ("192.168.154.1", "192.168.154.20", "gateway: '192.168.154.1' lies inside the range"),
    ("192.168.154.20", "192.168.154.10", "start: '192.168.154.20' is above end 192.168.154.10"),
    ("192.168.154.0", "192.168.154.10", "start: '192.168.154.0' is not a host address of 192.168.154.0/24"),
    ("192.168.154.10", "192.168.154.255", "end: '192.168.154.255' is not a host address"),
    ("192.168.154.10", None, "end: None is not an IPv4 address"),
])
def test_address_range_rejections(start, end, rule):
    with pytest.raises(AddressError, match=rule):
        address_range(start, end, "192.168.154.1", "255.255.255.0", VARIABLES)


def test_zones_must_be_a_list_and_names_unique():
    problems = Problems()
    check_zones({"name": "zone1"}, problems)
    assert problems.lines() == ["cloudstack_zones: cloudstack_zones: {'name': 'zone1'} is not a list of zones"]
    problems = Problems()
    zone = {"name": "zone1", "network_type": "Basic", "dns1": "8.8.8.8", "internal_dns1": "10.0.0.2"}
    check_zones([zone, dict(zone)], problems)
    assert problems.lines() == ["zone zone1: name: 'zone1' is the name of another zone too"]


def test_guest_cidrs_of_two_advanced_zones_must_differ():
    problems = Problems()
    base = {"network_type": "Advanced", "dns1": "8.8.8.8", "internal_dns1": "10.0.0.2",
            "guest_cidr": "10.1.1.0/24", "public_ip_ranges": [
                {"gateway": "172.16.0.1", "netmask": 24, "start": "172.16.0.10", "end": "172.16.0.20"}]}
    other = dict(base, name="zone2", guest_cidr="10.1.0.0/16",
                 public_ip_ranges=[dict(base["public_ip_ranges"][0], start="172.16.0.30", end="172.16.0.40")])
    check_zones([dict(base, name="zone1"), other], problems)
    assert problems.lines() == [
        "zone zone2: guest_cidr: '10.1.0.0/16' overlaps the guest CIDR of zone zone1: zones need their own "
        "(VPN between zones)"]


def hosts(**variables_by_host):
    groups = {"management1": ["frontend", "db"], "management2": ["frontend"], "db2": ["db"]}
    return {host: {"groups": groups[host], "vars": variables} for host, variables in variables_by_host.items()}


def test_database_rules_count_the_management_servers():
    from ansible_collections.privatecloud.iaas.plugins.module_utils.cloudstack import check_hosts

    problems, warnings = Problems(), []
    keys = {"cloudstack_mgmt_key": "k1", "cloudstack_db_key": "k2"}
    check_hosts(hosts(management1=dict(keys, db_max_connections=700, db_server_id=1), management2=keys,
                      db2={"db_max_connections": 699, "db_server_id": "1"}), problems, warnings)
    assert problems.lines() == [
        "db2: db_max_connections: 699 is below 700: 350 for each of the 2 management servers",
        "management1: db_server_id: 1 is also the server id of db2: replication needs one id per database server",
    ]
    assert warnings == []


def test_default_keys_warn_without_showing_secrets_elsewhere():
    from ansible_collections.privatecloud.iaas.plugins.module_utils.cloudstack import check_hosts

    problems, warnings = Problems(), []
    check_hosts(hosts(management1={"cloudstack_mgmt_key": "password", "cloudstack_db_key": "s3cret"}),
                problems, warnings)
    assert problems.lines() == []
    assert warnings == ["management1: cloudstack_mgmt_key is still the guide's default 'password': set your own "
                        "before a real deployment"]


def test_a_key_left_unset_warns_as_the_guides_default_and_an_example_secret_warns():
    from ansible_collections.privatecloud.iaas.plugins.module_utils.cloudstack import check_hosts

    problems, warnings = Problems(), []
    check_hosts(hosts(management1={"cloudstack_db_key": "s3cret", "cloudstack_db_password": "example-cloud-db"}),
                problems, warnings)
    assert warnings == [
        "management1: cloudstack_mgmt_key is not set, so it is the guide's default 'password': set your own before a "
        "real deployment",
        "management1: cloudstack_db_password is still the example inventory's value: set your own (in an Ansible "
        "Vault) before a real deployment"]
    assert not [line for line in warnings if "s3cret" in line or "example-cloud-db" in line]
