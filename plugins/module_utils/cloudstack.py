# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudStack 4.1 zone model rules: pods, guest and public ranges, VLANs, clusters, storage.

The zone model is the inventory's ``cloudstack_zones`` list (zones -> physical networks, public
IP ranges, pods -> clusters -> hosts and primary storage). check_zones() records every broken
rule in a Problems collector; the helpers raise AddressError for one value.
"""

from __future__ import annotations

import re

from ansible_collections.privatecloud.iaas.plugins.module_utils import names
from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import (
    AddressError,
    ipv4_address,
    ipv4_cidr,
    netaddr,
    netmask_prefix,
)

NETWORK_TYPES = ("Basic", "Advanced")
BASIC_NETWORK_OFFERINGS = (
    "DefaultSharedNetworkOfferingWithSGService",
    "DefaultSharedNetworkOffering",
    "DefaultSharedNetscalerEIPandELBNetworkOffering",
)
# Hosts per cluster (guide section 6.6.1.1 and the hypervisor chapters).
CLUSTER_SIZE_LIMITS = {"KVM": 16, "XenServer": 8, "VMware": 8}
PRIMARY_STORAGE_PROTOCOLS = {
    "KVM": ("NFS", "SharedMountPoint", "CLVM", "RBD"),
    "XenServer": ("NFS", "iSCSI", "PreSetup"),
    "VMware": ("NFS", "VMFS"),
}
VMFS_PATH = re.compile(r"/[A-Za-z0-9_.@+ -]+/[A-Za-z0-9_.@+ -]+")
ISCSI_IQN = re.compile(r"iqn\.\d{4}-\d{2}\.[A-Za-z0-9.:-]+")
VLAN_MIN, VLAN_MAX = 1, 4094


def vlan_range(value, variable="vlan_range"):
    """A VLAN id or range: 600, "600" or "600-999" -> (first, last), each 1-4094, first <= last."""
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", text or "")
    if not match:
        raise AddressError(variable, value, "is not a VLAN id or range (e.g. 600 or '600-999')")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    for number in (first, last):
        if not VLAN_MIN <= number <= VLAN_MAX:
            raise AddressError(variable, value, "has VLAN id %d outside %d-%d" % (number, VLAN_MIN, VLAN_MAX))
    if first > last:
        raise AddressError(variable, value, "is a range whose start is above its end")
    return first, last


def prefix_length(value, variable="netmask"):
    """A netmask written dotted (255.255.255.0) or as a prefix length (24) -> 24."""
    if isinstance(value, int) and not isinstance(value, bool) or isinstance(value, str) and value.strip().isdigit():
        prefix = int(value)
        if 0 <= prefix <= 32:
            return prefix
        raise AddressError(variable, value, "is not a prefix length (0-32)")
    return netmask_prefix(value, variable)


def address_range(start, end, gateway, netmask, variables):
    """Check a start-end range inside gateway/netmask that does not hold the gateway.

    Returns (netaddr.IPRange, netaddr.IPNetwork); raises AddressError for the first broken rule.
    """
    start_variable, end_variable, gateway_variable, netmask_variable = variables
    gateway_address = ipv4_address(gateway, gateway_variable)
    network = netaddr.IPNetwork("%s/%d" % (gateway_address, prefix_length(netmask, netmask_variable))).cidr
    first = ipv4_address(start, start_variable)
    last = ipv4_address(end, end_variable)
    if first > last:
        raise AddressError(start_variable, start, "is above %s %s" % (end_variable, end))
    for variable, value, address in ((start_variable, start, first), (end_variable, end, last)):
        if address not in network or address in (network.network, network.broadcast):
            raise AddressError(variable, value, "is not a host address of %s (%s/%s)"
                               % (network.cidr, gateway, netmask))
    addresses = netaddr.IPRange(first, last)
    if gateway_address in addresses:
        raise AddressError(gateway_variable, gateway, "lies inside the range %s-%s" % (start, end))
    return addresses, network


def _overlap(one, other):
    return one.first <= other.last and other.first <= one.last


def _name(problems, where, item, variable="name"):
    name = item.get(variable) if isinstance(item, dict) else None
    if not isinstance(name, str) or not name.strip():
        problems.add(where, variable, name, "is empty: every zone, pod, cluster and storage needs a name")
        return None
    return name


def check_zones(zones, problems, where="cloudstack_zones"):
    """Record every broken rule of the zone list in ``problems``.

    The rules are those of the Apache CloudStack 4.1.0 Installation Guide's zones, pods, clusters
    and storage (sections 6.3 to 6.8) and its network planning (section 12.2).
    """
    if not isinstance(zones, list):
        problems.add(where, "cloudstack_zones", zones, "is not a list of zones")
        return
    seen = {"zone": {}, "cluster": {}, "guest_cidr": [], "public": [], "reserved": []}
    for index, zone in enumerate(zones):
        _check_zone(zone, "%s[%d]" % (where, index), problems, seen)
    check_zone_labels(zones, problems)


def _check_zone(zone, where, problems, seen):
    if not isinstance(zone, dict):
        problems.add(where, "zone", zone, "is not a mapping")
        return
    name = _name(problems, where, zone)
    if name:
        where = "zone %s" % name
        if name in seen["zone"]:
            problems.add(where, "name", name, "is the name of another zone too")
        seen["zone"][name] = where
    network_type = zone.get("network_type")
    if network_type not in NETWORK_TYPES:
        problems.add(where, "network_type", network_type, "is not one of %s" % ", ".join(NETWORK_TYPES))
    for variable in ("dns1", "internal_dns1"):
        if zone.get(variable) is None:
            problems.add(where, variable, None, "is missing: createZone requires it")
    for variable in ("dns1", "dns2", "internal_dns1", "internal_dns2"):
        if zone.get(variable) is not None:
            problems.check(where, ipv4_address, zone[variable], variable)

    clusters = [cluster for pod in _items(zone, "pods") for cluster in _items(pod, "clusters")]
    hypervisors = {cluster.get("hypervisor") for cluster in clusters}
    if network_type == "Basic":
        offering = zone.get("network_offering", BASIC_NETWORK_OFFERINGS[0])
        if offering not in BASIC_NETWORK_OFFERINGS:
            problems.add(where, "network_offering", offering,
                         "is not one of the basic-zone offerings %s" % ", ".join(BASIC_NETWORK_OFFERINGS))
    if network_type == "Advanced":
        guest_cidr = problems.check(where, ipv4_cidr, zone.get("guest_cidr"), "guest_cidr")
        if guest_cidr is not None:
            for other_where, other in seen["guest_cidr"]:
                if _overlap(guest_cidr, other):
                    problems.add(where, "guest_cidr", zone.get("guest_cidr"),
                                 "overlaps the guest CIDR of %s: zones need their own (VPN between zones)"
                                 % other_where)
            seen["guest_cidr"].append((where, guest_cidr))
        if zone.get("security_groups") and hypervisors - {"KVM"}:
            problems.add(where, "security_groups", True, "needs KVM in every cluster of an advanced zone "
                                                         "(found %s)" % ", ".join(sorted(map(str, hypervisors))))
        if not zone.get("public_ip_ranges"):
            problems.add(where, "public_ip_ranges", zone.get("public_ip_ranges"),
                         "is empty: an advanced zone needs at least one public IP range")

    vlans = _check_vlans(zone, where, problems)
    public_networks = _check_public_ranges(zone, where, problems, seen, vlans)
    for pod_index, pod in enumerate(_items(zone, "pods")):
        _check_pod(zone, pod, "%s pods[%d]" % (where, pod_index), problems, seen, public_networks)
    _check_storage_tags(zone, where, problems)
    for index, storage in enumerate(_items(zone, "secondary_storage")):
        storage_where = "%s secondary_storage[%d]" % (where, index)
        if not storage.get("server"):
            problems.add(storage_where, "server", storage.get("server"),
                         "is missing: the NFS server of the secondary storage")
        if not str(storage.get("path") or "").startswith("/"):
            problems.add(storage_where, "path", storage.get("path"), "is not an absolute export path")


def _items(parent, key):
    value = parent.get(key) if isinstance(parent, dict) else None
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _check_vlans(zone, where, problems):
    """Guest VLAN ranges, traffic-type VLANs and public VLANs must be disjoint."""
    used = []  # (where, variable, value, (first, last))

    def use(item_where, variable, value):
        found = problems.check(item_where, vlan_range, value, variable)
        if found:
            used.append((item_where, variable, value, found))

    for network_index, network in enumerate(_items(zone, "physical_networks")):
        network_where = "%s physical_networks[%d]" % (where, network_index)
        if network.get("vlan_range") is not None:
            use(network_where, "vlan_range", network["vlan_range"])
        for traffic in _items(network, "traffic_types"):
            if traffic.get("vlan") is not None:
                use(network_where, "traffic_types[%s].vlan" % traffic.get("type"), traffic["vlan"])
    for range_index, public in enumerate(_items(zone, "public_ip_ranges")):
        if public.get("vlan") not in (None, "untagged"):
            use("%s public_ip_ranges[%d]" % (where, range_index), "vlan", public["vlan"])
    for index, (one_where, one_variable, one_value, one) in enumerate(used):
        for other_where, other_variable, _value, other in used[:index]:
            # Several public ranges may share one public VLAN.
            both_public = one_variable == other_variable == "vlan" and "public_ip_ranges" in one_where
            if not both_public and one[0] <= other[1] and other[0] <= one[1]:
                problems.add(one_where, one_variable, one_value, "overlaps %s of %s: traffic types need "
                             "disjoint VLANs" % (other_variable, other_where))
    return used


def _check_public_ranges(zone, where, problems, seen, vlans):
    networks = []
    for index, public in enumerate(_items(zone, "public_ip_ranges")):
        range_where = "%s public_ip_ranges[%d]" % (where, index)
        found = problems.check(range_where, address_range, public.get("start"), public.get("end"),
                               public.get("gateway"), public.get("netmask"),
                               ("start", "end", "gateway", "netmask"))
        if found is None:
            continue
        addresses, network = found
        for other_where, other in seen["public"]:
            if _overlap(addresses, other):
                problems.add(range_where, "start", public.get("start"),
                             "overlaps the public range of %s" % other_where)
        seen["public"].append((range_where, addresses))
        networks.append(network)
    return networks


def _check_pod(zone, pod, where, problems, seen, public_networks):
    name = _name(problems, where, pod)
    if name:
        where = "%s pod %s" % (where.rsplit(" pods[", 1)[0], name)
    found = problems.check(where, address_range, pod.get("reserved_start"), pod.get("reserved_end"),
                           pod.get("gateway"), pod.get("netmask"),
                           ("reserved_start", "reserved_end", "gateway", "netmask"))
    reserved = pod_network = None
    if found is not None:
        reserved, pod_network = found
        for other_where, other in seen["reserved"]:
            if _overlap(reserved, other):
                problems.add(where, "reserved_start", pod.get("reserved_start"),
                             "overlaps the reserved system range of %s: reserved ranges are unique "
                             "across the cloud" % other_where)
        seen["reserved"].append((where, reserved))
        if zone.get("network_type") == "Advanced":
            for public in public_networks:
                if _overlap(pod_network, public):
                    problems.add(where, "gateway", pod.get("gateway"),
                                 "puts the pod in the public subnet %s: an advanced zone needs separate "
                                 "private and public subnets" % public.cidr)
    if zone.get("network_type") == "Basic":
        guest = problems.check(where, address_range, pod.get("guest_start"), pod.get("guest_end"),
                               pod.get("guest_gateway"), pod.get("guest_netmask"),
                               ("guest_start", "guest_end", "guest_gateway", "guest_netmask"))
        if guest is not None and reserved is not None and _overlap(guest[0], reserved):
            problems.add(where, "guest_start", pod.get("guest_start"),
                         "puts the guest range %s-%s over the reserved system range %s-%s"
                         % (pod.get("guest_start"), pod.get("guest_end"),
                            pod.get("reserved_start"), pod.get("reserved_end")))
    for index, cluster in enumerate(_items(pod, "clusters")):
        _check_cluster(cluster, "%s clusters[%d]" % (where, index), problems, seen)


def _check_cluster(cluster, where, problems, seen):
    name = _name(problems, where, cluster)
    if name:
        where = "%s cluster %s" % (where.rsplit(" clusters[", 1)[0], name)
        if name in seen["cluster"]:
            problems.add(where, "name", name, "is the name of a cluster of %s too: cluster names are unique"
                         % seen["cluster"][name])
        seen["cluster"][name] = where
    hypervisor = cluster.get("hypervisor")
    if hypervisor not in CLUSTER_SIZE_LIMITS:
        problems.add(where, "hypervisor", hypervisor, "is not one of %s" % ", ".join(CLUSTER_SIZE_LIMITS))
        return
    hosts = cluster.get("hosts") or []
    if len(hosts) > CLUSTER_SIZE_LIMITS[hypervisor]:
        problems.add(where, "hosts", "%d hosts" % len(hosts),
                     "is more than the %d a %s cluster may hold" % (CLUSTER_SIZE_LIMITS[hypervisor], hypervisor))
    for index, storage in enumerate(_items(cluster, "primary_storage")):
        storage_where = "%s primary_storage[%d]" % (where, index)
        _name(problems, storage_where, storage)
        protocol = storage.get("protocol")
        if protocol not in PRIMARY_STORAGE_PROTOCOLS[hypervisor]:
            problems.add(storage_where, "protocol", protocol, "is not a primary storage protocol of %s (%s)"
                         % (hypervisor, ", ".join(PRIMARY_STORAGE_PROTOCOLS[hypervisor])))
        if protocol == "VMFS" and not VMFS_PATH.fullmatch(str(storage.get("path", ""))):
            problems.add(storage_where, "path", storage.get("path"), "is not a VMFS path /<datacenter>/<datastore>")
        if protocol == "iSCSI":
            if not ISCSI_IQN.fullmatch(str(storage.get("iqn", ""))):
                problems.add(storage_where, "iqn", storage.get("iqn"), "is not an iSCSI IQN (iqn.YYYY-MM.<name>)")
            if not re.fullmatch(r"\d+", str(storage.get("lun", ""))):
                problems.add(storage_where, "lun", storage.get("lun"), "is not a LUN number")


def _check_storage_tags(zone, where, problems):
    """Primary storage tag sets must be identical across the clusters of a zone."""
    tag_sets = {}
    for pod in _items(zone, "pods"):
        for cluster in _items(pod, "clusters"):
            tags = set()
            for storage in _items(cluster, "primary_storage"):
                tags |= {tag.strip() for tag in str(storage.get("tags") or "").split(",") if tag.strip()}
            tag_sets[cluster.get("name")] = tags
    if len({frozenset(tags) for tags in tag_sets.values()}) > 1:
        problems.add(where, "primary_storage.tags", {name: sorted(tags) for name, tags in tag_sets.items()},
                     "differ between clusters: tag sets must be identical across the clusters of a zone")


ENCRYPTION_TYPES = ("file", "web")
# cloudstack-setup-databases' documented defaults for the keys: fine for a lab, not for a cloud.
DEFAULT_KEY = "password"
# The example inventories' secrets start with this; validation warns while one is still in use.
EXAMPLE_SECRET = "example-"
SECRETS = ("cloudstack_db_password", "cloudstack_mgmt_key", "cloudstack_db_key", "db_root_password",
           "db_replication_password")
# Each management server opens up to this many database connections (guide section 4.5.4).
CONNECTIONS_PER_MANAGEMENT_SERVER = 350


def check_hosts(hosts, problems, warnings):
    """Host-level CloudStack rules: database settings, encryption, regions.

    ``hosts`` maps each CloudStack host to {"groups": [...], "vars": {...}}. Management servers
    are the hosts of group 'frontend', database servers those of group 'db'.
    """
    management = sorted(host for host, entry in hosts.items() if "frontend" in entry["groups"])
    server_ids = {}
    for host, entry in sorted(hosts.items()):
        variables, groups = entry["vars"], entry["groups"]
        if "db" in groups:
            connections = variables.get("db_max_connections")
            needed = CONNECTIONS_PER_MANAGEMENT_SERVER * max(len(management), 1)
            if connections is not None and (_whole(connections) is None or _whole(connections) < needed):
                problems.add(host, "db_max_connections", connections, "is below %d: %d for each of the %d "
                             "management servers" % (needed, CONNECTIONS_PER_MANAGEMENT_SERVER, len(management)))
            server_id = variables.get("db_server_id")
            if server_id is not None:
                number = _whole(server_id)
                if number is None or number < 1:
                    problems.add(host, "db_server_id", server_id, "is not a positive whole number")
                elif number in server_ids:
                    problems.add(host, "db_server_id", server_id, "is also the server id of %s: replication "
                                 "needs one id per database server" % server_ids[number])
                else:
                    server_ids[number] = host
        if "frontend" in groups:
            encryption = variables.get("cloudstack_encryption_type")
            if encryption is not None and encryption not in ENCRYPTION_TYPES:
                problems.add(host, "cloudstack_encryption_type", encryption,
                             "is not one of %s" % ", ".join(ENCRYPTION_TYPES))
            for key in ("cloudstack_mgmt_key", "cloudstack_db_key"):
                if variables.get(key) in (None, "", DEFAULT_KEY):
                    warnings.append("%s: %s is %s the guide's default '%s': set your own before a real "
                                    "deployment" % (host, key, "still" if variables.get(key) else "not set, so it is",
                                                    DEFAULT_KEY))
        # Each secret where it is used: the management servers' on them, the database's on its servers.
        for key in SECRETS:
            used = ("frontend" if key.startswith("cloudstack_") else "db") in groups
            if used and str(variables.get(key) or "").startswith(EXAMPLE_SECRET):
                warnings.append("%s: %s is still the example inventory's value: set your own (in an Ansible Vault) "
                                "before a real deployment" % (host, key))
            region = variables.get("cloudstack_region_id")
            if region is not None and (_whole(region) is None or _whole(region) < 1):
                problems.add(host, "cloudstack_region_id", region, "is not a region id (a whole number from 1)")


def _whole(value):
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if str(value).strip() == str(number) else None


def check_zone_labels(zones, problems):
    """A traffic label names the bridge each KVM host carries for it; the public one differs from the
    management one (#12)."""
    for zone in zones if isinstance(zones, list) else ():
        if not isinstance(zone, dict):
            continue
        for index, network in enumerate(_items(zone, "physical_networks")):
            for traffic in _items(network, "traffic_types"):
                if traffic.get("label") is not None and not names.is_interface(traffic.get("label")):
                    problems.add("zone %s physical_networks[%d]" % (zone.get("name"), index),
                                 "traffic_types[%s].label" % traffic.get("type"), traffic.get("label"),
                                 "is not a bridge name: " + names.INTERFACE_RULE)
            labels = {traffic.get("type"): traffic.get("label") for traffic in _items(network, "traffic_types")}
            if labels.get("public") and labels.get("public") == labels.get("management"):
                problems.add("zone %s physical_networks[%d]" % (zone.get("name"), index),
                             "traffic_types[public].label", labels["public"],
                             "is also the management label: public and private bridges are distinct")
