"""What service_files checks before it changes anything: each interface a daemon serves on carries
an address in a network it serves (the files, actions and units are driven for real in
tests/integration/modules/test_service_files.py)."""

from ansible_collections.privatecloud.iaas.plugins.module_utils.services import serving_problems

NETWORKS = ["192.168.1.0/24"]


def test_each_interface_needs_an_address_in_a_served_network():
    host = {"eth0": ["192.168.1.10/24"], "eth1": ["10.0.0.5/24"], "br0": []}
    assert serving_problems(["eth0"], NETWORKS, host, "dhcpd_interfaces") == []
    assert serving_problems(["eth1", "br0", "eth9"], NETWORKS, host, "dhcpd_interfaces") == [
        ("dhcpd_interfaces[0]", "eth1", "has no address in a network the service serves (192.168.1.0/24; it has "
                                        "10.0.0.5): it would refuse to start"),
        ("dhcpd_interfaces[1]", "br0", "has no address in a network the service serves (192.168.1.0/24; it has "
                                       "none): it would refuse to start"),
        ("dhcpd_interfaces[2]", "eth9", "is not an interface of this host"),
    ]
    assert serving_problems([], NETWORKS, host, "dhcpd_interfaces") == [
        ("dhcpd_interfaces", [], "is empty: the service must listen on the interfaces that face its clients")]


def test_check_mode_passes_an_interface_an_earlier_step_only_predicted():
    host = {"eth0": ["10.0.0.5/24"]}
    assert serving_problems(["br0"], NETWORKS, host, absent_ok=True) == []
    assert [problem[1] for problem in serving_problems(["br0", "eth0"], NETWORKS, host, absent_ok=True)] == ["eth0"]
    # An address an earlier step gives (a security group's router) counts in check mode only.
    planned = {"eth0": ["192.168.1.1/24"]}
    host = {"eth0": ["192.0.2.5/24"]}
    assert serving_problems(["eth0"], NETWORKS, host, absent_ok=True, planned=planned) == []
    assert serving_problems(["eth0"], NETWORKS, host, planned=planned) != []
