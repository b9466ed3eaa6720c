# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The MANAGED / MANAGED-NOVLAN data plane a front-end realises itself (vnet_dataplane: ansible).

What a Eucalyptus cluster controller does at run time (Eucalyptus Network Configuration (1.6),
"MANAGED Mode": security groups, a subnet and VLAN tag per group, ingress rules, elastic IPs,
the metadata service), decided here from the inventory: each group's tag and block (the CC's
formula: tag v holds the v-2-th block of vnet_addrspernet addresses of vnet_subnet), each
instance's private address and MAC (D0:0D: and the address's four bytes, as the CC derives it),
and each group's ingress rules as data (the firewall module spells them for iptables).

Inventory (front-end variables)::

    vnet_security_groups:
      admin/default:
        vlan: 10
        ingress:
          - {protocol: tcp, ports: 22, source: 0.0.0.0/0}
          - {protocol: tcp, ports: "8080-8081", source_group: admin/web}
          - {protocol: icmp, icmp_type: echo-request, source: 203.0.113.0/24}
    vnet_instances:
      i-web1: {group: admin/web, node: node1, public_ip: 192.168.32.200}
    vnet_metadata_address: 192.168.32.20:8773

A group is active when one of its instances is declared, as in the CC: only active groups get a
router address, DHCP and rules. Addresses are stable: an instance keeps the address ``previous``
gives it (what the front-end serves now, as the dhcpd role kept it), a ``private_ip`` pins one, and
the others take the lowest free address of their group's block in the order of their names.
"""

from __future__ import annotations

import re

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import (
    AddressError,
    AddressErrors,
    ip_network,
    ipv4_address,
)
from ansible_collections.privatecloud.iaas.plugins.module_utils import host_context, vxlan
from ansible_collections.privatecloud.iaas.plugins.module_utils.eucalyptus import ManagedSubnet, dotted, mode_is, public_ips

METADATA_PORT = 8773
# "<owner>/<name>": what euca-* tools and the documents' troubleshooting call a group.
GROUP_NAME = re.compile(r"([A-Za-z0-9_.][A-Za-z0-9_.-]*)/([A-Za-z0-9_.][A-Za-z0-9_.-]*)")
# What names an instance's host entry in dhcpd.conf (dhcpd's lexer reads such a name).
INSTANCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")
PROTOCOLS = ("tcp", "udp", "icmp", "all")
# The ICMP type names iptables knows (iptables -p icmp -h) -> (type, code or None for any code).
ICMP_TYPES = {
    "any": (None, None), "echo-reply": (0, None), "pong": (0, None), "destination-unreachable": (3, None),
    "network-unreachable": (3, 0), "host-unreachable": (3, 1), "protocol-unreachable": (3, 2),
    "port-unreachable": (3, 3), "fragmentation-needed": (3, 4), "source-route-failed": (3, 5),
    "network-unknown": (3, 6), "host-unknown": (3, 7), "network-prohibited": (3, 9), "host-prohibited": (3, 10),
    "TOS-network-unreachable": (3, 11), "TOS-host-unreachable": (3, 12), "communication-prohibited": (3, 13),
    "host-precedence-violation": (3, 14), "precedence-cutoff": (3, 15), "source-quench": (4, None),
    "redirect": (5, None), "network-redirect": (5, 0), "host-redirect": (5, 1), "TOS-network-redirect": (5, 2),
    "TOS-host-redirect": (5, 3), "echo-request": (8, None), "ping": (8, None), "router-advertisement": (9, None),
    "router-solicitation": (10, None), "time-exceeded": (11, None), "ttl-exceeded": (11, None),
    "ttl-zero-during-transit": (11, 0), "ttl-zero-during-reassembly": (11, 1), "parameter-problem": (12, None),
    "ip-header-bad": (12, 0), "required-option-missing": (12, 1), "timestamp-request": (13, None),
    "timestamp-reply": (14, None), "address-mask-request": (17, None), "address-mask-reply": (18, None),
}


def icmp_match(spelling):
    """(type, code) an icmp_type of the data plane matches; None for either means any."""
    if spelling in ICMP_TYPES:
        return ICMP_TYPES[spelling]
    parts = [int(part) for part in spelling.split("/")]
    return parts[0], parts[1] if len(parts) == 2 else None


# Several clusters: each CC's gateway in a group's block is the router plus the CC's index, and
# the first instance address follows the gateways of the most CCs a cloud may have (net/vnetwork.c:
# vnetInit's addrIndexMin = NUMBER_OF_CCS + 1, vnetAddGatewayIP).
NUMBER_OF_CCS = 8
# The VXLAN segment of MANAGED-NOVLAN, whose groups share one layer 2 (group tags start at 2).
NOVLAN_SEGMENT = 1
# The tunnels' underlay (vnet_underlay_mtu): a plain Ethernet's MTU unless the inventory says more,
# and at least what a network carrying IPv6 must have. A tunnel carries 50 bytes less (its outer
# IPv4, UDP, VXLAN and inner Ethernet headers: vxlan.OVERHEAD), so no frame is fragmented on the way.
UNDERLAY_MTU = 1500
UNDERLAY_MTU_RANGE = (1280, 65535)
# The MTU a VM's interface has unless its lease says otherwise.
VM_MTU = 1500


def instance_mac(address):
    """The MAC the CC gives an instance: D0:0D: and the four bytes of its private address."""
    return "D0:0D:" + ":".join("%02X" % int(part) for part in str(address).split("."))


def _ports(value, where, problems):
    """'22', 22, '8080-8081' or '8080:8081' -> iptables' '22' / '8080:8081'; None when invalid."""
    text = str(value).strip().replace("-", ":") if not isinstance(value, bool) else ""
    parts = text.split(":")
    if not 1 <= len(parts) <= 2 or not all(part.isdigit() for part in parts):
        problems.append((where, value, "is not a port or a range of ports (22, 8080-8081)"))
        return None
    numbers = [int(part) for part in parts]
    if not all(1 <= number <= 65535 for number in numbers):
        problems.append((where, value, "has a port outside 1..65535"))
        return None
    if len(numbers) == 2 and numbers[0] > numbers[1]:
        problems.append((where, value, "is a range whose start is above its end"))
        return None
    return ":".join(str(number) for number in numbers)


def _icmp_type(value, where, problems):
    text = str(value).strip()
    numeric = text.split("/")
    if all(part.isdigit() and int(part) <= 255 for part in numeric) and len(numeric) <= 2:
        return text
    if text in ICMP_TYPES:
        return text
    problems.append((where, value, "is not an ICMP type iptables knows (a name of 'iptables -p icmp -h', "
                                   "a number, or type/code)"))
    return None


class _Group:
    def __init__(self, name, tag, block):
        self.name, self.tag, self.block = name, tag, block
        self.instances = []
        self.ingress = []  # (source spec, protocol, {ports, icmp_type}) before sources are resolved

    @property
    def cidr(self):
        return "%s/%d" % (self.block["network"], self.block["prefix"])


def decide(variables, nodes, previous=None, clusters=None):
    """Decide the data plane of one front-end. Returns (data plane or None, problems, warnings).

    variables: the front-end's variables. nodes: the inventory's node names. previous: the
    {instance: private address} the front-ends already serve, kept where still valid. clusters:
    None for a cloud of one cluster; else {"index": this CC's index, "addresses": [each CC's
    address, by index], "nodes": {node: its CC's index}, "tunnels": whether the CCs join the
    groups across clusters, "underlay_mtu": the smallest vnet_underlay_mtu of the CCs} (see
    clustered()).
    problems: [(variable, value, rule)]; warnings: sentences for the run's output.
    """
    problems, warnings = [], []
    groups_value = variables.get("vnet_security_groups")
    instances_value = variables.get("vnet_instances")
    if groups_value in (None, {}) and instances_value in (None, {}):
        return None, problems, warnings
    mode = variables.get("vnet_mode")
    if not mode_is(mode, "routing"):
        for name, value in (("vnet_security_groups", groups_value), ("vnet_instances", instances_value)):
            if value not in (None, {}):
                problems.append((name, "(%d declared)" % len(value) if isinstance(value, dict) else value,
                                 "is only for MANAGED and MANAGED-NOVLAN; vnet_mode is %s" % mode))
        return None, problems, warnings
    if variables.get("vnet_dataplane") != "ansible":
        problems.append(("vnet_dataplane", variables.get("vnet_dataplane"),
                         "must be 'ansible' for the collection to realise vnet_security_groups and "
                         "vnet_instances (a real CC takes them from its users instead)"))
        return None, problems, warnings
    try:
        managed = ManagedSubnet(variables.get("vnet_subnet"), variables.get("vnet_netmask"),
                                variables.get("vnet_addrspernet"))
    except (AddressError, AddressErrors):
        # The mode's own checks name these keys already.
        return None, problems, warnings
    subnet = str(managed.network.cidr)

    groups = _groups(groups_value, managed, problems)
    instances = _instances(instances_value, groups, nodes, problems)
    _clusters_of(instances, clusters, problems)
    reserved = NUMBER_OF_CCS if clusters else 1
    _addresses(groups, instances, managed, previous or {}, problems, reserved=reserved)
    _public(instances, variables.get("vnet_publicips"), problems, clusters["index"] if clusters else None)
    metadata = _metadata(variables.get("vnet_metadata_address"), problems)
    for group in groups.values():
        _ingress(group, groups_value[group.name].get("ingress") if isinstance(groups_value[group.name], dict) else None,
                 groups, problems)
    if problems:
        return None, problems, warnings

    own = clusters["index"] if clusters else 0
    tunnels = bool(clusters and clusters.get("tunnels"))
    # The instances this CC knows: its cluster's, or every cluster's when the groups span them.
    for group in groups.values():
        group.instances = [instance for instance in group.instances
                           if tunnels or instance.get("cluster", own) == own]
    active = [group for group in sorted(groups.values(), key=lambda group: group.tag) if group.instances]
    result = {
        "subnet": subnet,
        # Where in each block the CCs' own addresses are: the ``count`` after the block's network.
        "cc_addresses": {"prefix": managed.block_prefix, "count": reserved},
        "groups": [],
        "instances": [],
        "metadata": metadata,
    }
    for group in active:
        allowed = []
        for source, protocol, detail in group.ingress:
            if isinstance(source, dict):
                other = groups[source["group"]]
                if not other.instances:
                    warnings.append("vnet_security_groups[%s].ingress: the rule from %s (%s) is not applied: %s has "
                                    "no instance, so it has no addresses yet"
                                    % (group.name, other.name, _described(protocol, detail), other.name))
                    continue
                source = other.cidr
            allowed.append(dict(detail, source=source, protocol=protocol))
        # This CC's own address in the block: the router, plus the CC's index (vnetAddGatewayIP).
        result["groups"].append(dict(group.block, name=group.name, cidr=group.cidr, allowed=allowed,
                                     gateway=dotted(_integer(group.block["router"]) + own),
                                     instances=[instance["name"] for instance in group.instances]))
    for group in active:
        for instance in sorted(group.instances, key=lambda item: _integer(item["private_ip"])):
            router = dotted(_integer(group.block["router"]) + (instance.get("cluster") or 0))
            result["instances"].append(dict(instance, group=group.name, router=router,
                                            mac=instance_mac(instance["private_ip"])))
    mine = [instance for instance in result["instances"] if instance.get("cluster", own) == own]
    # This CC's elastic IPs, by instance name: each DNATs to its instance and SNATs its traffic out.
    result["elastic_ips"] = [{"name": instance["name"], "public_ip": instance["public_ip"],
                              "private_ip": instance["private_ip"]}
                             for instance in sorted(mine, key=lambda item: item["name"]) if instance.get("public_ip")]
    result["public_addresses"] = sorted(instance["public_ip"] for instance in result["elastic_ips"])
    result["routers"] = ["%s/%d" % (group["gateway"], group["prefix"]) for group in result["groups"]]
    # Traffic for another cluster's instance goes through that instance's own CC, which so sees both
    # directions of each connection (its replies leave through it) and can keep its state.
    result["routes"] = [{"to": instance["private_ip"] + "/32", "via": instance["router"]}
                        for instance in result["instances"] if instance.get("cluster", own) != own]
    result["tunnels"] = _tunnels(result["groups"], clusters, mode) if tunnels else []
    # A group that spans clusters carries no frame larger than its tunnel does: its VMs are told so.
    tunnel_mtu = min([tunnel["mtu"] for tunnel in result["tunnels"]] or [VM_MTU])
    result["dhcp"] = _dhcp(result, variables.get("vnet_dns"), mode, tunnel_mtu if tunnel_mtu < VM_MTU else None)
    return result, problems, warnings


def _described(protocol, detail):
    """An ingress rule in words, for a warning: 'tcp 8080', 'icmp echo-request', 'all'."""
    return " ".join(str(part) for part in (protocol, detail.get("ports") or detail.get("icmp_type")) if part)


def _tunnels(groups, clusters, mode):
    """The VXLAN devices that join this CC's segments to the other CCs': in MANAGED one per group,
    in its bridge, with the group's tag as identifier; in MANAGED-NOVLAN one for the shared segment."""
    local = clusters["addresses"][clusters["index"]]
    peers = [address for index, address in enumerate(clusters["addresses"]) if index != clusters["index"]]
    if mode == "MANAGED-NOVLAN":
        segments = [(NOVLAN_SEGMENT, None)] if groups else []
    else:
        segments = [(group["tag"], "eucabr%d" % group["tag"]) for group in groups]
    mtu = clusters.get("underlay_mtu", UNDERLAY_MTU) - vxlan.OVERHEAD
    return [{"name": "eucavx%d" % segment, "id": segment, "bridge": bridge, "local": local, "peers": peers, "mtu": mtu}
            for segment, bridge in segments]


def _dhcp(result, dns, mode, mtu=None):
    """The DHCP server of the active groups (dhcpd's LAN declaration without pools): each block
    with its router, broadcast, DNS and (``mtu``, where the groups' tunnels carry less than a
    VM's own) MTU, and one fixed address per instance, named after it. In
    MANAGED-NOVLAN every router is on one interface, so the blocks are one shared network, as the
    CC's 'shared-network euca'; in MANAGED each router has its group's own bridge."""
    gateways = {group["name"]: group["gateway"] for group in result["groups"]}
    return {
        "shared_network": "iaas" if mode == "MANAGED-NOVLAN" else None,
        "subnets": [dict({"subnet": "%s/%d" % (group["network"], group["prefix"]), "routers": [group["gateway"]],
                          "broadcast": group["broadcast"], "dns": dns if dns not in (None, "") else []},
                         **({"mtu": mtu} if mtu else {}))
                    for group in result["groups"]],
        # Every CC serves every instance of the groups it joins, alike: the one that answers first
        # gives the same address and the instance's own CC as its router.
        "hosts": [dict({"name": instance["name"], "mac": instance["mac"], "address": instance["private_ip"]},
                       **({"routers": [instance["router"]]} if instance["router"] != gateways[instance["group"]]
                          else {}))
                  for instance in result["instances"]],
    }


def _groups(value, managed, problems):
    groups, tags = {}, {}
    if value is None:
        return groups
    if not isinstance(value, dict):
        problems.append(("vnet_security_groups", value, "is not a mapping of '<owner>/<name>' to groups"))
        return groups
    for name, spec in value.items():
        where = "vnet_security_groups[%s]" % name
        if not isinstance(name, str) or not GROUP_NAME.fullmatch(name):
            problems.append((where, name, "is not '<owner>/<name>' of letters, digits, '.', '_' and '-' "
                                          "(the group's chain name is made from it)"))
            continue
        if not isinstance(spec, dict) or "vlan" not in spec:
            problems.append((where, spec, "needs vlan, the group's tag"))
            continue
        try:
            block = managed.block(spec["vlan"], variable=where + ".vlan")
        except AddressError as error:
            problems.append((error.variable, error.value, error.rule))
            continue
        if block["tag"] in tags:
            problems.append((where + ".vlan", spec["vlan"], "is also the tag of %s" % tags[block["tag"]]))
            continue
        tags[block["tag"]] = name
        groups[name] = _Group(name, block["tag"], block)
    return groups


def _instances(value, groups, nodes, problems):
    instances = []
    if value is None:
        return instances
    if not isinstance(value, dict):
        problems.append(("vnet_instances", value, "is not a mapping of instance names to instances"))
        return instances
    for name, spec in sorted(value.items(), key=lambda item: str(item[0])):
        where = "vnet_instances[%s]" % name
        if not INSTANCE_NAME.fullmatch(str(name)):
            problems.append(("vnet_instances", name, "is not an instance name of letters, digits, '.', '_' and '-' "
                                                     "(it names the instance's DHCP host entry)"))
            continue
        if not isinstance(spec, dict):
            problems.append((where, spec, "is not a mapping with group and node"))
            continue
        if spec.get("group") not in groups:
            problems.append((where + ".group", spec.get("group"), "is not a group of vnet_security_groups"))
            continue
        if spec.get("node") not in nodes:
            problems.append((where + ".node", spec.get("node"), "is not a host of group nodes"))
            continue
        instance = {"name": str(name), "node": spec["node"]}
        for key in ("private_ip", "public_ip"):
            if spec.get(key) not in (None, ""):
                try:
                    instance[key] = str(ipv4_address(spec[key], "%s.%s" % (where, key)))
                except AddressError as error:
                    problems.append((error.variable, error.value, error.rule))
        groups[spec["group"]].instances.append(instance)
        instances.append(instance)
    return instances


def _addresses(groups, instances, managed, previous, problems, reserved=1):
    """Each instance's private address: kept, pinned, or the lowest free of its block, after the
    ``reserved`` addresses that follow the block's network (the router, or every CC's gateway)."""
    for group in groups.values():
        block = group.block
        first, last = _integer(block["network"]) + 1 + reserved, _integer(block["last"])
        if len(group.instances) > last - first + 1:
            problems.append(("vnet_security_groups[%s]" % group.name, "%d instances" % len(group.instances),
                             "is more than a block of vnet_addrspernet=%d holds (%d instances%s)"
                             % (managed.addrspernet, last - first + 1,
                                ", after the gateways of %d CCs" % reserved if reserved > 1 else "")))
            continue
        taken = {}
        for instance in group.instances:
            pinned = instance.get("private_ip")
            if pinned is None:
                continue
            where = "vnet_instances[%s].private_ip" % instance["name"]
            if not first <= _integer(pinned) <= last:
                problems.append((where, pinned, "is not an instance address of %s's block %s (%s..%s)"
                                 % (group.name, group.cidr, dotted(first), block["last"])))
            elif pinned in taken:
                problems.append((where, pinned, "is also the address of %s" % taken[pinned]))
            else:
                taken[pinned] = instance["name"]
        for instance in group.instances:
            kept = previous.get(instance["name"])
            if instance.get("private_ip") is None and kept and kept not in taken \
                    and first <= _integer(kept) <= last:
                instance["private_ip"] = kept
                taken[kept] = instance["name"]
        free = (address for address in range(first, last + 1) if dotted(address) not in taken)
        for instance in group.instances:
            if instance.get("private_ip") is None:
                instance["private_ip"] = dotted(next(free))


def _clusters_of(instances, clusters, problems):
    """Each instance's cluster: the index of its node's CC (none in a cloud of one cluster)."""
    if not clusters:
        return
    for instance in instances:
        index = clusters["nodes"].get(instance["node"])
        if index is None:
            problems.append(("vnet_instances[%s].node" % instance["name"], instance["node"],
                             "is in no cluster: with several front-ends each node names its own in euca_cluster"))
        instance["cluster"] = index


def _public(instances, pool_value, problems, own=None):
    """Each elastic IP is in the pool of its instance's CC (this one's, for its own cluster's
    instances; each CC checks its own) and belongs to one instance."""
    wanted = [instance for instance in instances if instance.get("public_ip")]
    if not wanted:
        return
    try:
        pool = set(public_ips(pool_value)) if pool_value not in (None, "", []) else set()
    except (AddressError, AddressErrors):
        return  # the mode's own checks name vnet_publicips
    owner = {}
    for instance in wanted:
        where = "vnet_instances[%s].public_ip" % instance["name"]
        address = instance["public_ip"]
        if address not in pool and instance.get("cluster", own) == own:
            problems.append((where, address, "is not in vnet_publicips, the pool of elastic IPs"))
        elif address in owner:
            problems.append((where, address, "is also the elastic IP of %s" % owner[address]))
        else:
            owner[address] = instance["name"]


def _metadata(value, problems):
    if value in (None, ""):
        return None
    address, _colon, port = str(value).partition(":")
    try:
        address = str(ipv4_address(address, "vnet_metadata_address"))
    except AddressError as error:
        problems.append((error.variable, value, error.rule))
        return None
    if port and not (port.isdigit() and 1 <= int(port) <= 65535):
        problems.append(("vnet_metadata_address", value, "has a port outside 1..65535"))
        return None
    return {"address": address, "port": int(port) if port else METADATA_PORT}


def _ingress(group, rules, groups, problems):
    if rules is None:
        return
    if not isinstance(rules, list):
        problems.append(("vnet_security_groups[%s].ingress" % group.name, rules, "is not a list of rules"))
        return
    for index, rule in enumerate(rules):
        where = "vnet_security_groups[%s].ingress[%d]" % (group.name, index)
        if not isinstance(rule, dict):
            problems.append((where, rule, "is not a rule (protocol, ports or icmp_type, source or source_group)"))
            continue
        protocol = str(rule.get("protocol", "all")).lower()
        if protocol not in PROTOCOLS:
            problems.append((where + ".protocol", rule.get("protocol"), "is not one of %s" % ", ".join(PROTOCOLS)))
            continue
        detail = {"ports": None, "icmp_type": None}
        if rule.get("ports") not in (None, ""):
            if protocol not in ("tcp", "udp"):
                problems.append((where + ".ports", rule["ports"], "needs protocol tcp or udp"))
                continue
            ports = _ports(rule["ports"], where + ".ports", problems)
            if ports is None:
                continue
            detail["ports"] = ports
        if rule.get("icmp_type") not in (None, ""):
            if protocol != "icmp":
                problems.append((where + ".icmp_type", rule["icmp_type"], "needs protocol icmp"))
                continue
            icmp = _icmp_type(rule["icmp_type"], where + ".icmp_type", problems)
            if icmp is None:
                continue
            detail["icmp_type"] = icmp
        has_source, has_group = rule.get("source") not in (None, ""), rule.get("source_group") not in (None, "")
        if has_source == has_group:
            problems.append((where, rule, "needs exactly one of source (a network) and source_group"))
            continue
        if has_group:
            if rule["source_group"] not in groups:
                problems.append((where + ".source_group", rule["source_group"],
                                 "is not a group of vnet_security_groups"))
                continue
            source = {"group": rule["source_group"]}
        else:
            try:
                source = ip_network(rule["source"], where + ".source")
            except AddressError as error:
                problems.append((error.variable, error.value, error.rule))
                continue
            if ":" in source:
                problems.append((where + ".source", rule["source"], "is not an IPv4 network (the private subnet is IPv4)"))
                continue
        group.ingress.append((source, protocol, detail))


def _integer(address):
    """An IPv4 address as an integer: plain dotted quads directly (the data plane's own, thousands
    per front-end), anything else through netaddr's checks."""
    parts = str(address).split(".")
    if len(parts) == 4 and all(part.isdigit() and len(part) <= 3 and int(part) <= 255 for part in parts):
        return int(parts[0]) << 24 | int(parts[1]) << 16 | int(parts[2]) << 8 | int(parts[3])
    return int(ipv4_address(address))


# --- This part of a host's plan, from the host's context (plugins/module_utils/host_plan.py) -------


def part(context, plan):
    """The data plane a front-end (a CC) realises itself, or None; its problems recorded under the
    part "dataplane", its warnings with the host's."""
    euca = plan["eucalyptus"]
    if not (euca and euca["cc"]):
        return None
    found, problems, warnings = decide(
        context.variables, context.inventory.group("nodes"), served(context.inventory, context.host),
        clustered(context.inventory, context.host))
    for variable, value, rule in problems:
        context.add(variable, value, rule)
    for warning in warnings:
        context.warn(warning)
    if found and found["tunnels"]:
        # Each end of a tunnel is a front-end's IPv4 address (vnet_localip, else ansible_host).
        for frontend in host_context.clusters(context.inventory):
            if not host_context.is_ipv4(context.inventory.variables(frontend).get("vnet_localip")
                                        or host_context.address(context.inventory, frontend)):
                context.add("vnet_localip", "(not set on %s)" % frontend,
                            "is where the tunnels that join the security groups across clusters end, and %s has "
                            "no IPv4 address in the inventory (vnet_localip or ansible_host): set one" % frontend)
        _check_underlay(context, found["tunnels"][0]["local"])
    return found


def underlay_mtu(value):
    """vnet_underlay_mtu as a number, or None when it is not one the rules allow."""
    if value is None:
        return UNDERLAY_MTU
    if isinstance(value, bool) or not isinstance(value, int) or not UNDERLAY_MTU_RANGE[0] <= value <= UNDERLAY_MTU_RANGE[1]:
        return None
    return value


def _check_underlay(context, local):
    """vnet_underlay_mtu is a number the rules allow, and no more than the MTU of the front-end's
    interface that holds the tunnels' end (where its facts were read): a larger packet would be
    fragmented, or dropped, on the way out."""
    value = context.get("vnet_underlay_mtu")
    mtu = underlay_mtu(value)
    if mtu is None:
        context.add("vnet_underlay_mtu", value, "is not a whole number from %d (the least MTU of a network that carries "
                    "IPv6) to %d" % UNDERLAY_MTU_RANGE)
        return
    name, below = host_context.interface_holding(context.inventory.facts(context.host), local)
    if below is not None and below < mtu:
        context.add("vnet_underlay_mtu", value if value is not None else "(not set: %d)" % UNDERLAY_MTU,
                    "is above the MTU %d of %s on %s, which holds the tunnels' end %s: the tunnels' packets "
                    "would be fragmented there; raise %s's MTU, or set vnet_underlay_mtu to %d"
                    % (below, name, context.host, local, name, below))


def served(inventory, frontend):
    """{instance: private address} the front-end's DHCP server serves now, as the dhcpd role kept it
    with its record: each instance keeps its address while others come and go."""
    return inventory.kept(frontend, "dhcpd").get("addresses") or {}


def clustered(inventory, frontend):
    """What a front-end's data plane knows of the other clusters (decide's ``clusters``):
    None for a cloud of one; else its CC's index, every CC's tunnel address (vnet_localip, else
    ansible_host), the index of each node's CC (euca_cluster) and whether the groups span clusters
    (tunnelling is on unless vnet_localip is 0.0.0.0)."""
    clusters = host_context.clusters(inventory)
    if len(clusters) < 2 or frontend not in clusters:
        return None
    nodes = {}
    for node in inventory.group("nodes"):
        named = inventory.variables(node).get("euca_cluster")
        if named in clusters:
            nodes[node] = clusters.index(named)
    local = inventory.variables(frontend).get("vnet_localip")
    # Every CC's tunnels alike (each serves every instance of the groups it joins the same way): the
    # smallest underlay of them; a value the rules refuse is named on its own front-end.
    underlay = min(underlay_mtu(inventory.variables(cc).get("vnet_underlay_mtu")) or UNDERLAY_MTU for cc in clusters)
    return {"index": clusters.index(frontend), "nodes": nodes, "tunnels": local != "0.0.0.0", "underlay_mtu": underlay,
            "addresses": [inventory.variables(cc).get("vnet_localip") or host_context.address(inventory, cc) for cc in clusters]}
