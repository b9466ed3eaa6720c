"""playbooks/validate.yml against the example inventories and against broken copies of them.

Each broken inventory differs from a valid example in one value and must fail with the one
message naming the variable, the value and the rule; one inventory with many faults must list
them all. The checks run on the controller; only after they pass are the hosts' releases read
(here the controller stands in for every host) and each host planned, on the controller too.
"""

import os
import shutil
import subprocess
import sys
import uuid

import pytest
import yaml

from runner import ansible_playbook

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
INVENTORIES = os.path.join(ROOT, "inventories")
DELETE = object()


# The NICs the example inventories name (the lab's front-end has three), and the namespace that
# has them (stand_in()).
STAND_IN_INTERFACES = ("eth0", "eth1", "eth2")
NAMESPACE = None


@pytest.fixture(scope="module", autouse=True)
def stand_in():
    """A network namespace with the examples' NICs, where ansible-playbook runs: the controller
    stands in for every host, and validate.yml compares the interfaces each plan names with the
    ones it finds there. Made once for the module, deleted after it."""
    global NAMESPACE  # pylint: disable=global-statement
    NAMESPACE = "pcvalidate-%s" % uuid.uuid4().hex[:8]
    subprocess.run(["ip", "netns", "add", NAMESPACE], check=True)
    try:
        for name in STAND_IN_INTERFACES:
            subprocess.run(["ip", "-n", NAMESPACE, "link", "add", name, "type", "veth", "peer", "name", name + "-peer"],
                           check=True)
        yield NAMESPACE
    finally:
        subprocess.run(["ip", "netns", "delete", NAMESPACE], check=False)


def run_validate(inventory):
    """(returncode, problems) of playbooks/validate.yml on an inventory; no host is ever contacted.

    validate.yml reads (read-only) the dhcpd.conf a front-end with the collection's data plane and
    instances serves, so the plan keeps their addresses. The examples' hosts do not exist: the
    controller stands in for them, in a namespace with the NICs they name (it serves none, so every
    instance takes the lowest free address, and its release is every host's)."""
    run = ansible_playbook(os.path.join(ROOT, "playbooks", "validate.yml"), inventory, "-e", "ansible_connection=local",
                           "-e", "ansible_python_interpreter=%s" % sys.executable, namespace=NAMESPACE)
    stats = run.stats()
    assert "localhost" in stats, run
    # The inventory's hosts are planned on the controller after the validation passed, and never
    # contacted (none of the examples' addresses answers: a connection would be unreachable).
    assert not any(host_stats.get("unreachable") for host_stats in stats.values()), run
    if run.returncode != 0:
        assert list(stats) == ["localhost"], run
    failures = run.failures("localhost")
    return run.returncode, failures[0][1]["problems"] if failures else []


def broken_copy(tmp_path, example, changes):
    """Copy an example inventory and apply {(file, key): value or DELETE} to its YAML files."""
    target = tmp_path / example
    shutil.copytree(os.path.join(INVENTORIES, example), target)
    for (relative, key), value in changes.items():
        path = target / relative
        data = yaml.safe_load(path.read_text()) if path.exists() else {}
        node, parts = data, key.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        last = int(parts[-1]) if isinstance(node, list) else parts[-1]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
        path.write_text(yaml.safe_dump(data))
    return target


EXAMPLES = sorted(name for name in os.listdir(INVENTORIES) if name != "lab") + ["lab"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_inventories_are_valid(example):
    assert run_validate(os.path.join(INVENTORIES, example)) == (0, [])


def test_a_nic_the_host_lacks_is_refused_naming_it(tmp_path):
    # The quickstart's step: Debian's name for the NIC instead of the example's. The stand-in has
    # no enp1s0, so each host is refused naming it; with eth1 (which it has) the same copy passes.
    inventory = broken_copy(tmp_path, "eucalyptus-managed", {(FE, "vnet_pubinterface"): "enp1s0"})
    run = ansible_playbook(os.path.join(ROOT, "playbooks", "validate.yml"), inventory, "-e", "ansible_connection=local",
                           "-e", "ansible_python_interpreter=%s" % sys.executable, namespace=NAMESPACE)
    assert run.returncode == 2
    (failure,) = run.failures("cloud1")
    assert "vnet_pubinterface: 'enp1s0' is not an interface of cloud1, which has eth0, eth0-peer, eth1" in str(
        failure[1]), failure


FE = "group_vars/frontend.yml"
NODES = "group_vars/nodes.yml"
ALL = "group_vars/all.yml"
DHCPD = "group_vars/dhcpd.yml"
ZONE = "cloudstack_zones.0"
POD = ZONE + ".pods.0"
CLUSTER = POD + ".clusters.0"

BROKEN = {
    # Eucalyptus: modes and keys
    "unknown mode": ("eucalyptus-system", {(ALL, "vnet_mode"): "MANAGED-VLAN"},
                     "cloud1: vnet_mode: 'MANAGED-VLAN' is not one of SYSTEM, STATIC, MANAGED, MANAGED-NOVLAN"),
    "mode missing": ("eucalyptus-system", {(ALL, "vnet_mode"): DELETE, (NODES, "vnet_mode"): "SYSTEM"},
                     "cloud1: vnet_mode: None is missing"),
    "two modes": ("eucalyptus-managed-novlan", {(NODES, "vnet_mode"): "SYSTEM"},
                  "node1: vnet_mode: 'SYSTEM' differs from MANAGED-NOVLAN (on cloud1): one networking mode for the whole cloud"),
    "SYSTEM node without bridge": ("eucalyptus-system", {(NODES, "vnet_bridge"): DELETE},
                                   "node1: vnet_bridge: None is missing: a SYSTEM node needs it"),
    "STATIC front-end without router": ("eucalyptus-static", {(FE, "vnet_router"): DELETE},
                                        "cloud1: vnet_router: None is missing: a STATIC front-end needs it"),
    "STATIC front-end without MAC map": ("eucalyptus-static", {(FE, "vnet_macmap"): DELETE},
                                         "cloud1: vnet_macmap: None is missing"),
    "MANAGED front-end without addrspernet": ("eucalyptus-managed", {(FE, "vnet_addrspernet"): DELETE},
                                              "cloud1: vnet_addrspernet: None is missing: a MANAGED front-end"),
    "MANAGED front-end without DHCP daemon": ("eucalyptus-managed", {(FE, "vnet_dhcpdaemon"): DELETE},
                                              "cloud1: vnet_dhcpdaemon: None is missing"),
    "MANAGED node without private interface": ("eucalyptus-managed", {(NODES, "vnet_privinterface"): DELETE},
                                               "node1: vnet_privinterface: None is missing: a MANAGED node"),
    "MANAGED-NOVLAN node without bridge": ("eucalyptus-managed-novlan", {(NODES, "vnet_bridge"): DELETE},
                                           "node1: vnet_bridge: None is missing: a MANAGED-NOVLAN node"),
    # Interfaces (bridge and vlan roles)
    "virbr0 as a managed bridge": ("eucalyptus-system", {(NODES, "bridge_interfaces.0.name"): "virbr0"},
                                   "node1: bridge_interfaces[0].name: 'virbr0' is libvirt's NAT bridge"),
    "VLAN device id out of range": ("cloudstack-advanced", {(NODES, "vlan_interfaces.1.id"): 4095},
                                    "kvm1: vlan_interfaces[1].id: 4095 is not a VLAN id (1-4094)"),
    "a port in two bridges": ("cloudstack-advanced", {(NODES, "bridge_interfaces.1.ports"): ["eth0.200"]},
                              "kvm1: bridge_interfaces: 'eth0.200' is a port of cloudbr0 and cloudbr1"),
    "a management address without prefix": (
        "cloudstack-advanced", {("host_vars/kvm2.yml", "cloudstack_host_management_address"): "192.168.42.12"},
        "kvm2: vlan_interfaces: 'eth0.100' address '192.168.42.12' is not in CIDR form"),
    # DHCP (dhcpd role)
    "DHCP range outside its subnet": ("eucalyptus-system", {(DHCPD, "dhcpd_subnets.0.ranges.0"): "192.168.2.100-192.168.2.199"},
                                      "cloud1: dhcpd_subnets[0].ranges[0]: '192.168.2.100-192.168.2.199' is not within the "
                                      "host addresses of 192.168.1.0/24"),
    "DHCP fixed host inside the pool": ("eucalyptus-system",
                                        {(DHCPD, "dhcpd_hosts"): [{"mac": "52:54:00:12:34:56", "address": "192.168.1.150"}]},
                                        "cloud1: dhcpd_hosts[0].address: '192.168.1.150' lies in a dynamic range"),
    "DHCP router outside its subnet": ("eucalyptus-system", {(DHCPD, "dhcpd_subnets.0.routers"): ["10.0.0.1"]},
                                       "cloud1: dhcpd_subnets[0].routers[0]: '10.0.0.1' is not a host address of 192.168.1.0/24"),
    "LAN pool server without interfaces": ("eucalyptus-system", {(DHCPD, "dhcpd_interfaces"): DELETE},
                                           "cloud1: dhcpd_interfaces: None is empty"),
    "LAN pool server without subnets": ("eucalyptus-system", {(DHCPD, "dhcpd_subnets"): []},
                                        "cloud1: dhcpd_subnets: [] is empty: a LAN pool server needs the subnet it serves"),
    "LAN pool server on a STATIC front-end": (
        "eucalyptus-static", {("hosts.yml", "all.children.dhcpd"): {"hosts": {"cloud1": None}},
                              (DHCPD, "dhcpd_interfaces"): ["eth0"],
                              (DHCPD, "dhcpd_subnets"): [{"subnet": "192.168.1.0/24"}]},
        "cloud1: dhcpd_function: 'lan_pool' is a LAN pool server on a STATIC front-end, whose CC runs its own dhcpd"),
    "MANAGED-NOVLAN clusters tunnel without a bridge": (
        "eucalyptus-managed-novlan", {("hosts.yml", "all.children.frontend.hosts.cloud2"): {"ansible_host": "192.168.1.11"},
                                      (FE, "vnet_publicips"): DELETE},
        "cloud1: vnet_pubinterface: 'eth1' is not a bridge in bridge_interfaces: with several clusters a "
        "MANAGED-NOVLAN CC tunnels through a bridge"),
    # Eucalyptus: values
    "virbr0 as bridge": ("eucalyptus-system", {(NODES, "vnet_bridge"): "virbr0"},
                         "node1: vnet_bridge: 'virbr0' is libvirt's NAT bridge"),
    "bad interface name": ("eucalyptus-managed", {(FE, "vnet_pubinterface"): "eth 1"},
                           "cloud1: vnet_pubinterface: 'eth 1' is not a network interface name"),
    "relative DHCP daemon": ("eucalyptus-static", {(FE, "vnet_dhcpdaemon"): "dhcpd3"},
                             "cloud1: vnet_dhcpdaemon: 'dhcpd3' is not an absolute path"),
    "bad DHCP user": ("eucalyptus-static", {(FE, "vnet_dhcpuser"): "Dhcp User"},
                      "cloud1: vnet_dhcpuser: 'Dhcp User' is not a user name"),
    "bad DNS": ("eucalyptus-managed", {(FE, "vnet_dns"): "192.168.1"},
                "cloud1: vnet_dns: '192.168.1' is not an IPv4 address"),
    "misspelt key": ("eucalyptus-managed", {(FE, "vnet_addrpernet"): 64},
                     "cloud1: vnet_addrpernet: 64 is not a variable of the collection (did you mean vnet_addrspernet?)"),
    "STATIC wrong broadcast": ("eucalyptus-static", {(FE, "vnet_broadcast"): "192.168.1.254"},
                               "cloud1: vnet_broadcast: '192.168.1.254' is not the broadcast address of 192.168.1.0/24"),
    "STATIC router outside": ("eucalyptus-static", {(FE, "vnet_router"): "192.168.2.1"},
                              "cloud1: vnet_router: '192.168.2.1' is not a host address of 192.168.1.0/24"),
    "STATIC subnet host bits": ("eucalyptus-static", {(FE, "vnet_subnet"): "192.168.1.5"},
                                "cloud1: vnet_subnet: '192.168.1.5' has host bits set for netmask 255.255.255.0"),
    "the documents' five-octet MAC": ("eucalyptus-static",
                                      {(FE, "vnet_macmap"): "AA:DD:11:CE:FF:ED=192.168.1.3 AA:DD:11:CE:FF=192.168.1.4"},
                                      "cloud1: vnet_macmap[AA:DD:11:CE:FF]: 'AA:DD:11:CE:FF' is not a MAC address"),
    "MAC map IP outside": ("eucalyptus-static", {(FE, "vnet_macmap"): {"AA:DD:11:CE:FF:ED": "10.0.0.3"}},
                           "cloud1: vnet_macmap[AA:DD:11:CE:FF:ED]: '10.0.0.3' is not a host address of the STATIC subnet"),
    "MAC map duplicate MAC": ("eucalyptus-static",
                              {(FE, "vnet_macmap"): "AA:DD:11:CE:FF:ED=192.168.1.3 aa:dd:11:ce:ff:ed=192.168.1.4"},
                              "is the same MAC as AA:DD:11:CE:FF:ED"),
    "MAC map router IP": ("eucalyptus-static", {(FE, "vnet_macmap"): {"AA:DD:11:CE:FF:ED": "192.168.1.1"}},
                          "cloud1: vnet_macmap[AA:DD:11:CE:FF:ED]: '192.168.1.1' is the router's address"),
    "addrspernet not a power of two": ("eucalyptus-managed", {(FE, "vnet_addrspernet"): 48},
                                       "cloud1: vnet_addrspernet: 48 is not a power of two"),
    "addrspernet below 4": ("eucalyptus-managed", {(FE, "vnet_addrspernet"): 2},
                            "cloud1: vnet_addrspernet: 2 is below 4"),
    "netmask not a mask": ("eucalyptus-managed", {(FE, "vnet_netmask"): "255.0.255.0"},
                           "cloud1: vnet_netmask: '255.0.255.0' is not a netmask"),
    "public range across /24": ("eucalyptus-managed", {(FE, "vnet_publicips"): "172.16.32.200-172.16.33.10"},
                                "cloud1: vnet_publicips[0]: '172.16.32.200-172.16.33.10' is a range whose ends are not in one /24"),
    "public IP in private subnet": ("eucalyptus-managed", {(FE, "vnet_publicips"): ["192.168.7.7"]},
                                    "cloud1: vnet_publicips: '192.168.7.7' lies in the private subnet 192.168.0.0/16"),
    "MANAGED on one machine": ("eucalyptus-managed", {("hosts.yml", "all.children.nodes.hosts.cloud1"): None},
                               "cloud1: vnet_mode: 'MANAGED' needs the front-end and the nodes on separate machines"),
    "MANAGED node interfaces differ": ("eucalyptus-managed", {(NODES, "vnet_pubinterface"): "eth1"},
                                       "node1: vnet_pubinterface: 'eth1' differs from vnet_privinterface 'eth0'"),
    "unknown platform": ("eucalyptus-system", {(ALL, "iaas_platform"): "openstack"},
                         "cloud1: iaas_platform: 'openstack' is not one of eucalyptus, cloudstack"),
    # CloudStack
    "zone type": ("cloudstack-basic", {(ALL, ZONE + ".network_type"): "Simple"},
                  "zone zone1: network_type: 'Simple' is not one of Basic, Advanced"),
    "zone without DNS": ("cloudstack-basic", {(ALL, ZONE + ".dns1"): DELETE},
                         "zone zone1: dns1: None is missing: createZone requires it"),
    "basic offering": ("cloudstack-basic", {(ALL, ZONE + ".network_offering"): "DefaultIsolatedNetworkOffering"},
                       "zone zone1: network_offering: 'DefaultIsolatedNetworkOffering' is not one of the basic-zone offerings"),
    "reserved range outside pod": ("cloudstack-basic", {(ALL, POD + ".reserved_end"): "192.168.155.20"},
                                   "zone zone1 pod pod1: reserved_end: '192.168.155.20' is not a host address of 192.168.154.0/24"),
    "reserved range holds gateway": ("cloudstack-advanced", {(ALL, POD + ".reserved_start"): "192.168.154.1"},
                                     "zone zone1 pod pod1: gateway: '192.168.154.1' lies inside the range 192.168.154.1-192.168.154.220"),
    "reserved range backwards": ("cloudstack-basic", {(ALL, POD + ".reserved_start"): "192.168.154.230"},
                                 "zone zone1 pod pod1: reserved_start: '192.168.154.230' is above reserved_end 192.168.154.220"),
    "guest range over reserved": ("cloudstack-basic", {(ALL, POD + ".guest_end"): "192.168.154.205"},
                                  ("zone zone1 pod pod1: guest_start: '192.168.154.100' puts the guest range "
                                   "192.168.154.100-192.168.154.205 over the reserved system range")),
    "guest range outside its netmask": ("cloudstack-basic", {(ALL, POD + ".guest_start"): "10.0.0.5"},
                                        "zone zone1 pod pod1: guest_start: '10.0.0.5' is not a host address of 192.168.154.0/24"),
    "VLAN id out of range": ("cloudstack-advanced", {(ALL, ZONE + ".physical_networks.0.vlan_range"): "600-4095"},
                             "zone zone1 physical_networks[0]: vlan_range: '600-4095' has VLAN id 4095 outside 1-4094"),
    "VLAN range unparsable": ("cloudstack-advanced", {(ALL, ZONE + ".physical_networks.0.vlan_range"): "600..999"},
                              "vlan_range: '600..999' is not a VLAN id or range"),
    "public VLAN in guest range": ("cloudstack-advanced", {(ALL, ZONE + ".public_ip_ranges.1.vlan"): 650},
                                   "zone zone1 public_ip_ranges[1]: vlan: 650 overlaps vlan_range of zone zone1 physical_networks[0]"),
    "public ranges overlap": ("cloudstack-advanced", {(ALL, ZONE + ".public_ip_ranges.1.start"): "172.16.32.50"},
                              "zone zone1 public_ip_ranges[1]: start: '172.16.32.50' overlaps the public range of zone zone1 public_ip_ranges[0]"),
    "advanced pod in public subnet": ("cloudstack-advanced", {(ALL, POD + ".gateway"): "172.16.32.1",
                                                              (ALL, POD + ".reserved_start"): "172.16.32.210",
                                                              (ALL, POD + ".reserved_end"): "172.16.32.220"},
                                      "zone zone1 pod pod1: gateway: '172.16.32.1' puts the pod in the public subnet 172.16.32.0/24"),
    "guest CIDR invalid": ("cloudstack-advanced", {(ALL, ZONE + ".guest_cidr"): "10.1.1.5/24"},
                           "zone zone1: guest_cidr: '10.1.1.5/24' has host bits set: the network is 10.1.1.0/24"),
    "KVM cluster too large": ("cloudstack-basic", {(ALL, CLUSTER + ".hosts"): [{"name": "kvm%d" % n} for n in range(17)]},
                              "zone zone1 pod pod1 cluster cluster1: hosts: '17 hosts' is more than the 16 a KVM cluster may hold"),
    "XenServer cluster too large": ("cloudstack-basic", {(ALL, CLUSTER + ".hypervisor"): "XenServer",
                                                         (ALL, CLUSTER + ".hosts"): [{"name": "xen%d" % n} for n in range(9)]},
                                    "hosts: '9 hosts' is more than the 8 a XenServer cluster may hold"),
    "storage protocol for hypervisor": ("cloudstack-basic", {(ALL, CLUSTER + ".primary_storage.0.protocol"): "VMFS"},
                                        "primary_storage[0]: protocol: 'VMFS' is not a primary storage protocol of KVM"),
    "unknown hypervisor": ("cloudstack-basic", {(ALL, CLUSTER + ".hypervisor"): "Hyper-V"},
                           "cluster cluster1: hypervisor: 'Hyper-V' is not one of KVM, XenServer, VMware"),
    "empty pod name": ("cloudstack-basic", {(ALL, POD + ".name"): ""},
                       "zone zone1 pods[0]: name: '' is empty"),
    "public and management share a bridge": (
        "cloudstack-advanced", {(ALL, ZONE + ".physical_networks.0.traffic_types.1.label"): "cloudbr1"},
        "traffic_types[public].label: 'cloudbr1' is also the management label"),
    "secondary storage without server": ("cloudstack-basic", {(ALL, ZONE + ".secondary_storage.0.server"): DELETE},
                                         "zone zone1 secondary_storage[0]: server: None is missing"),
    "too few database connections": ("cloudstack-basic", {("group_vars/db.yml", "db_max_connections"): 300},
                                     "management1: db_max_connections: 300 is below 350"),
    "unknown encryption type": ("cloudstack-basic", {("group_vars/frontend.yml", "cloudstack_encryption_type"): "vault"},
                                "management1: cloudstack_encryption_type: 'vault' is not one of file, web"),
    "advanced SG with XenServer": ("cloudstack-advanced", {(ALL, ZONE + ".security_groups"): True, (ALL, CLUSTER + ".hypervisor"): "XenServer"},
                                   "zone zone1: security_groups: True needs KVM in every cluster of an advanced zone"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_inventory_fails_naming_the_rule(tmp_path, name):
    example, changes, message = BROKEN[name]
    returncode, problems = run_validate(broken_copy(tmp_path, example, changes))
    assert returncode == 2
    assert [problem for problem in problems if message in problem], problems
    # One rule broken, on each host or zone that has the value: every line says the same after
    # the place ("node1: ..." and "node2: ..." for a group variable).
    assert len({problem.split(": ", 1)[1] for problem in problems}) == 1, problems


def test_many_faults_are_reported_at_once(tmp_path):
    inventory = broken_copy(tmp_path, "eucalyptus-static", {
        (FE, "vnet_router"): "192.168.2.1",
        (FE, "vnet_dns"): "dns.example.org",
        (FE, "vnet_macmap"): "AA:DD:11:CE:FF:ED=192.168.1.3 AA:DD:11:CE:FF=192.168.1.4",
        (FE, "vnet_dhcpdaemon"): DELETE,
        (NODES, "vnet_bridge"): "virbr0",
        (FE, "vnet_publicip"): "172.16.32.200",
    })
    returncode, problems = run_validate(inventory)
    assert returncode == 2
    expected = [
        "cloud1: vnet_dhcpdaemon: None is missing",
        "cloud1: vnet_publicip: '172.16.32.200' is not a variable of the collection (did you mean vnet_publicips?)",
        "cloud1: vnet_dns: 'dns.example.org' is not an IPv4 address",
        "cloud1: vnet_router: '192.168.2.1' is not a host address of 192.168.1.0/24",
        # Found while the front-end's eucalyptus.conf is planned, though the router is wrong too.
        "cloud1: vnet_macmap[AA:DD:11:CE:FF]: 'AA:DD:11:CE:FF' is not a MAC address",
        "node1: vnet_bridge: 'virbr0' is libvirt's NAT bridge",
        "node2: vnet_bridge: 'virbr0' is libvirt's NAT bridge",
    ]
    for line in expected:
        assert [problem for problem in problems if problem.startswith(line)], (line, problems)
    assert len(problems) == len(expected)


def test_broken_inventory_fails_site_before_any_host(tmp_path):
    """site.yml stops at the validation play: no host of the inventory is planned or contacted."""
    inventory = broken_copy(tmp_path, "eucalyptus-system", {(NODES, "vnet_bridge"): "virbr0"})
    run = ansible_playbook(os.path.join(ROOT, "playbooks", "site.yml"), inventory)
    assert run.returncode == 2
    assert {host for _task, host, _result in run.results()} == {"localhost"}
    assert list(run.stats()) == ["localhost"]
