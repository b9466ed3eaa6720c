"""Bad input to the dhcpd role fails before any task touches the host, naming the variable."""

import pytest

from runner import run_role

LAN = {"dhcpd_interfaces": ["eth0"],
       "dhcpd_subnets": [{"subnet": "198.51.100.0/24", "ranges": ["198.51.100.100-198.51.100.199"]}]}
# The role used on its own plans its host first: a broken declaration fails there, before any change.
PLAN = "Plan this host's part"
STATIC = {"dhcpd_function": "static_map", "dhcpd_interfaces": ["eth0"], "vnet_mode": "STATIC", "vnet_dataplane": "ansible", "vnet_privinterface": "eth0",
          "vnet_subnet": "192.168.1.0", "vnet_netmask": "255.255.255.0", "vnet_broadcast": "192.168.1.255",
          "vnet_router": "192.168.1.1", "vnet_dns": "192.168.1.2",
          "vnet_macmap": {"AA:DD:11:CE:FF:ED": "192.168.1.3"}}


@pytest.mark.parametrize(
    "groups, variables, task, message",
    [
        (["dhcpd"], dict(LAN, dhcpd_function="pool"), "Validating arguments",
         "value of dhcpd_function must be one of: lan_pool, static_map, security_groups, cc_daemon, none, got: pool"),
        (["dhcpd"], dict(LAN, dhcpd_subnets=[{"ranges": []}]), "Validating arguments",
         "missing required arguments: subnet found in dhcpd_subnets"),
        (["dhcpd"], dict(LAN, dhcpd_subnets=[{"subnet": "198.51.100.0/24", "ranges": ["198.51.100.0-198.51.100.9"]}]),
         PLAN,
         "dhcpd_subnets[0].ranges[0]: '198.51.100.0-198.51.100.9' is not within the host addresses of 198.51.100.0/24"),
        (["dhcpd"], dict(LAN, dhcpd_hosts=[{"mac": "02:00:00:00:00:01", "address": "198.51.100.150"}]),
         PLAN, "'198.51.100.150' lies in a dynamic range"),
        (["dhcpd"], dict(LAN, dhcpd_max_lease_time=60), PLAN,
         "dhcpd_default_lease_time: 600 is above dhcpd_max_lease_time (60)"),
        (["frontend"], dict(STATIC, vnet_macmap={"AA:DD:11:CE:FF": "192.168.1.3"}),
         PLAN, "vnet_macmap[AA:DD:11:CE:FF]: 'AA:DD:11:CE:FF' is not a MAC"),
        (["frontend"], dict(STATIC, vnet_router="10.0.0.1"), PLAN,
         "vnet_router: '10.0.0.1' is not a host address of 192.168.1.0/24"),
    ],
)
def test_bad_input_fails_first_naming_the_variable(tmp_path, groups, variables, task, message):
    returncode, failures = run_role(tmp_path, "dhcpd", variables, groups)
    assert returncode == 2
    assert len(failures) == 1, failures
    failed_task, failure = failures[0]
    assert failed_task.startswith("privatecloud.iaas.dhcpd : " + task), failures
    assert message in failure, failure
