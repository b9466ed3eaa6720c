"""Eucalyptus MANAGED mode built by site.yml for a real CC.

This kernel has no 802.1Q. What MANAGED's layer 2 needs of it runs in molecule/kernel, on
Debian's own kernel: the NC's VLAN devices, and with the collection's data plane each group's
<privif>.<tag> in eucabr<tag> on the front-end and the nodes, the VMs' leases over them, the
isolation between groups and the traffic through the front-end. Here the plan of those devices
is checked on this cloud's inventory.
"""

import json
import os
import sys

import pytest
import testinfra

ROOT = os.environ["MOLECULE_PROJECT_DIRECTORY"]
INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from runner import ansible_playbook  # noqa: E402  pylint: disable=wrong-import-position

FRONTEND = testinfra.get_host("podman://managed-fe")
NODE = testinfra.get_host("podman://managed-node1")
CONF = "/etc/eucalyptus/eucalyptus.conf"


def vnet_lines(host):
    return [line for line in host.file(CONF).content_string.splitlines() if line.startswith("VNET_")]


def test_the_front_end_has_the_managed_keys():
    assert vnet_lines(FRONTEND) == [
        'VNET_MODE="MANAGED"',
        'VNET_PUBINTERFACE="eth0"',
        'VNET_PRIVINTERFACE="eth0"',
        'VNET_DHCPDAEMON="/usr/sbin/dhcpd"',
        'VNET_DHCPUSER="root"',
        'VNET_SUBNET="192.168.0.0"',
        'VNET_NETMASK="255.255.0.0"',
        'VNET_DNS="198.18.2.130"',
        'VNET_ADDRSPERNET="64"',
        'VNET_PUBLICIPS="198.18.2.160-198.18.2.163"',
        'VNET_CLOUDIP="198.18.2.130"',
    ]


def test_the_node_uses_the_nic_facing_the_cc_for_both_interfaces_and_has_no_bridge_key():
    assert vnet_lines(NODE) == ['VNET_MODE="MANAGED"', 'VNET_PUBINTERFACE="eth0"', 'VNET_PRIVINTERFACE="eth0"']
    assert NODE.run("ip link show dev br0").rc != 0


def test_the_node_loads_8021q_at_boot():
    loaded = NODE.file("/etc/modules-load.d/privatecloud-iaas-vlan.conf").content_string
    assert [line for line in loaded.splitlines() if not line.startswith("#")] == ["8021q"]


def test_the_node_can_make_the_ncs_vlan_devices():
    if not NODE.file("/proc/net/vlan").exists:
        pytest.skip("this kernel has no 802.1Q (no /proc/net/vlan, 8021q cannot load): VLAN devices are "
                    "made and pinged over in molecule/kernel, on Debian's own kernel, with the groups' bridges")
    NODE.check_output("ip link add link eth0 name eth0.10 type vlan id 10")
    NODE.check_output("ip link delete eth0.10")


def test_the_cc_has_its_dhcp_daemon_and_the_distribution_service_is_off():
    assert FRONTEND.file("/usr/sbin/dhcpd").mode & 0o111
    assert not FRONTEND.service("isc-dhcp-server").is_enabled
    assert FRONTEND.run("pidof dhcpd").rc == 1


def test_the_cc_finds_the_owned_chains_in_its_preload():
    preload = FRONTEND.file("/etc/eucalyptus/iptables-preload")
    assert preload.mode == 0o600
    assert preload.content_string == FRONTEND.file("/etc/privatecloud-iaas/iptables.rules").content_string
    # A real CC runs the data plane: the collection sets no FORWARD policy of its own.
    assert FRONTEND.check_output("iptables -S FORWARD").splitlines()[0] == "-P FORWARD ACCEPT"


def test_the_mode_change_from_the_packaged_system_asked_for_one_cleanrestart():
    assert FRONTEND.file("/var/log/eucalyptus-cc.actions").content_string == "cleanrestart\n"


def test_preflight_left_no_trace():
    # The side effect ran playbooks/preflight.yml: its test devices and /32 addresses are gone.
    for host in (FRONTEND, NODE):
        assert host.run("ip link show dev eth0.10").rc != 0
    addresses = FRONTEND.check_output("ip -o -4 address show dev eth0")
    assert "198.18.2.16" not in addresses and "198.18.2.130/26" in addresses


def test_a_public_ip_not_on_the_front_end_does_not_answer():
    # The public-IP test is real: once the test removed its /32, the outside host gets no answer.
    outside = testinfra.get_host("podman://managed-outside")
    assert outside.run("ping -c 1 -W 1 198.18.2.160").rc != 0


def test_with_the_collections_data_plane_each_host_plans_the_devices_of_the_groups_it_serves(tmp_path):
    # This cloud with two groups, an instance of each on the node: validate.yml plans, nothing is applied.
    groups = {"admin/default": {"vlan": 10}, "admin/web": {"vlan": 11}, "admin/idle": {"vlan": 12}}
    extra = {"vnet_dataplane": "ansible", "vnet_security_groups": groups,
             "vnet_instances": {"i-1": {"group": "admin/default", "node": "managed-node1"},
                                "i-2": {"group": "admin/web", "node": "managed-node1"}}}
    playbook = tmp_path / "plans.yml"
    playbook.write_text(
        "- ansible.builtin.import_playbook: %s/playbooks/validate.yml\n"
        "- hosts: frontend:nodes\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.debug:\n        var: ansible_facts.iaas_plan.interfaces\n" % ROOT)
    run = ansible_playbook(playbook, INVENTORY, "-e", json.dumps(extra),
                           environment={"ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3"})
    assert run.returncode == 0, run
    planned = {host: result["ansible_facts.iaas_plan.interfaces"] for _task, host, result in run.results()
               if "ansible_facts.iaas_plan.interfaces" in result}
    # 192.168.0.0/16 in blocks of 64: tag 10 is 192.168.2.0/26, tag 11 192.168.2.64/26; admin/idle
    # has no instance, so no devices.
    assert [(bridge["name"], bridge["ports"], bridge.get("address")) for bridge in planned["managed-fe"]["bridges"]] == [
        ("eucabr10", ["eth0.10"], "192.168.2.1/26"), ("eucabr11", ["eth0.11"], "192.168.2.65/26")]
    assert [(bridge["name"], bridge["method"], bridge["stp"]) for bridge in planned["managed-node1"]["bridges"]] == [
        ("eucabr10", "manual", True), ("eucabr11", "manual", True)]
    assert [vlan["name"] for vlan in planned["managed-node1"]["vlans"]] == ["eth0.10", "eth0.11"]
