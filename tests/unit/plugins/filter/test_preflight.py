import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.privatecloud.iaas.plugins.filter.preflight import preflight_table


def test_columns_align_to_their_widest_value():
    assert preflight_table([
        {"check": "VLAN-clean, tag 10", "host": "cloud1 -> node1", "result": "ok", "detail": "10.1.2.2 from eth0.10"},
        {"check": "DHCP daemon", "host": "cloud1", "result": "FAILED", "detail": "/usr/sbin/dhcpd3 is missing"},
    ]) == [
        "check               host             result  detail",
        "VLAN-clean, tag 10  cloud1 -> node1  ok      10.1.2.2 from eth0.10",
        "DHCP daemon         cloud1           FAILED  /usr/sbin/dhcpd3 is missing",
    ]


def test_no_rows_is_the_header_alone():
    assert preflight_table([]) == ["check  host  result  detail"]


def test_a_row_that_is_not_a_mapping_is_named():
    with pytest.raises(AnsibleFilterError, match=r"preflight_table: rows\[0\]: 'x' is not a mapping"):
        preflight_table(["x"])
