# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MANAGED's layer 2 and the checks around it, per host: each security group's VLAN device and
bridge where the host takes part in the group, the networks a front-end's bridges leave to the data
plane, the addresses it holds, the preflight checks of the host with the documents' VLAN-clean
test, and the commands diagnostics collects per group.
"""

from __future__ import annotations

import ipaddress
import itertools

from ansible_collections.privatecloud.iaas.plugins.module_utils import (
    dataplane,
    dataplane_table,
    eucalyptus,
    firewall,
    host_context,
    vxlan,
)
from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import AddressError, AddressErrors

# A MANAGED group's bridge as the CC makes it (vnetwork.c: STP on, forward delay 2, hello 2),
# unless vnet_group_bridge says otherwise.
GROUP_BRIDGE = {"stp": True, "forward_delay": 2, "hello_time": 2}
# The tag of the documents' VLAN-clean test (they use 10); preflight_vlan_id in the inventory.
PREFLIGHT_VLAN_ID = 10


def group_devices(context, plan):
    """MANAGED's layer 2 on this host: per active group it takes part in, [(vlan, bridge, group)] -
    the <vnet_privinterface>.<tag> device in the bridge eucabr<tag>, as the CC and the NC make them,
    and the group's block with the addresses and nodes of its instances. The front-end's bridges
    hold the groups' routers; a node's bridges, of the groups whose instances it runs
    (vnet_instances[*].node), hold no address (the VMs' taps join them)."""
    if getattr(context, "group_devices", None) is not None:
        return context.group_devices
    context.group_devices = devices = []
    euca = plan["eucalyptus"] or {}
    if not eucalyptus.mode_is(euca.get("mode"), "vlans") or not context.get("vnet_privinterface"):
        return devices
    overrides = context.get("vnet_group_bridge") or {}
    if not isinstance(overrides, dict) or set(overrides) - set(GROUP_BRIDGE):
        context.add("vnet_group_bridge", overrides, "is not a mapping of %s" % ", ".join(sorted(GROUP_BRIDGE)))
        overrides = {}
    settings = dict(GROUP_BRIDGE, **overrides)
    planes = []  # the data planes this host takes part in: its own, or those of the front-ends
    if euca.get("cc"):
        planes = [euca.get("dataplane")]
    elif euca.get("nc"):
        # The node's own cluster's CC: with several clusters, the one euca_cluster names.
        clusters = host_context.clusters(context.inventory)
        own = clusters if len(clusters) < 2 else [name for name in clusters if name == context.get("euca_cluster")]
        for frontend in own:
            variables = context.inventory.variables(frontend)
            if variables.get("vnet_dataplane") == "ansible" and variables.get("vnet_instances"):
                planes.append(dataplane.decide(variables, context.inventory.group("nodes"),
                                               dataplane.served(context.inventory, frontend),
                                               dataplane.clustered(context.inventory, frontend))[0])
    for found, group in [(found, group) for found in planes if found for group in found["groups"]]:
        instances = [instance for instance in found["instances"] if instance["group"] == group["name"]]
        nodes = sorted({instance["node"] for instance in instances})
        if not euca.get("cc") and context.host not in nodes:
            continue
        vlan = {"parent": context.get("vnet_privinterface"), "id": group["tag"],
                "name": "%s.%d" % (context.get("vnet_privinterface"), group["tag"])}
        # With several clusters, the group's tunnel to the other CCs is its bridge's port too.
        tunnels = [tunnel["name"] for tunnel in found.get("tunnels") or () if tunnel["bridge"] == "eucabr%d" % group["tag"]]
        bridge = dict(settings, name="eucabr%d" % group["tag"], ports=[vlan["name"]] + (tunnels if euca.get("cc") else []))
        if euca.get("cc"):
            bridge["address"] = "%s/%d" % (group["gateway"], group["prefix"])
        else:
            bridge["method"] = "manual"
        block = dict(group, used=[instance["private_ip"] for instance in instances], nodes=nodes)
        devices.append((vlan, bridge, block))
    return devices


def dataplane_subnet(context, plan):
    """(whether this host is a routing front-end whose data plane the collection owns, the CIDR of
    its vnet_subnet, None where the mode's own checks find the subnet broken)."""
    euca = plan["eucalyptus"] or {}
    if not (euca.get("cc") and eucalyptus.mode_is(euca.get("mode"), "routing") and context.get("vnet_dataplane") == "ansible"):
        return False, None
    try:
        return True, str(eucalyptus.ipv4_subnet(context.get("vnet_subnet"), context.get("vnet_netmask")).cidr)
    except (AddressError, AddressErrors, TypeError, ValueError):
        return True, None


def hold_dataplane_networks(context, plan):
    """A front-end's bridge that carries the data plane's addresses (the private network's routers
    in vnet_subnet, the elastic IPs of vnet_publicips) leaves those networks' addresses to the data
    plane (owned_addresses), held now or removed by it later in the run."""
    owned, subnet = dataplane_subnet(context, plan)
    if not owned or subnet is None:
        return  # the mode's own checks name vnet_subnet and vnet_netmask
    held = {host_context.carrier(context.get("vnet_privinterface"), plan["interfaces"]["bridges"]): [subnet]}
    try:
        pool = context.get("vnet_publicips")
        if host_context.is_set(pool):
            addresses = [ipaddress.ip_address(str(address)) for address in eucalyptus.public_ips(pool)]
            held.setdefault(host_context.carrier(context.get("vnet_pubinterface"), plan["interfaces"]["bridges"]), []).extend(
                str(network) for network in ipaddress.collapse_addresses(addresses))
    except (AddressError, AddressErrors, TypeError, ValueError):
        return  # the mode's own checks name the keys
    bridges = plan["interfaces"]["bridges"]
    for index, bridge in enumerate(bridges):
        if isinstance(bridge, dict) and held.get(bridge.get("name")):
            bridges[index] = dict(bridge, held_networks=held[bridge["name"]])


def dataplane_addresses(context, plan):
    """The addresses the front-end's data plane holds besides its bridges': each active group's
    router on the interface that carries vnet_privinterface (MANAGED-NOVLAN; in MANAGED the
    group's bridge holds it), each elastic IP on vnet_pubinterface, announced by a gratuitous ARP
    as the CC does."""
    found = plan["eucalyptus"]["dataplane"]
    private = host_context.carrier(context.get("vnet_privinterface"), plan["interfaces"]["bridges"])
    public = host_context.carrier(context.get("vnet_pubinterface"), plan["interfaces"]["bridges"])
    routers = [] if eucalyptus.mode_is(plan["eucalyptus"]["mode"], "vlans") else found["routers"]
    return ([{"device": private, "address": router, "announce": False} for router in routers]
            + [{"device": public, "address": address + "/32", "announce": True}
               for address in found["public_addresses"]])


def dataplane_sources(context, plan):
    """Where the front-end's private subnet may come in from; the firewall drops a packet of the
    subnet that comes in anywhere else (a VM, or a host on the public network, sending with another
    one's address). MANAGED: each group's bridge carries its own block and nothing else - and where
    the groups span clusters, also what a peer CC routes to the group's instances from any block
    (it applied the same rules); MANAGED-NOVLAN: the interface that carries vnet_privinterface
    carries the whole subnet besides its other traffic (the nodes')."""
    found = plan["eucalyptus"]["dataplane"]
    if eucalyptus.mode_is(plan["eucalyptus"]["mode"], "vlans"):
        sources = [{"interface": "eucabr%d" % group["tag"], "sources": group["cidr"], "only": True,
                    "from_peers": bool(found["tunnels"])} for group in found["groups"]]
        # The VLAN-clean test of playbooks/preflight.yml holds its tag's block on <privinterface>.<tag>
        # while it runs (a group's tag in service is tested on the group's bridge instead).
        block, _error = preflight_block(context)
        if block and block["tag"] not in {group["tag"] for group in found["groups"]}:
            sources.append({"interface": "%s.%d" % (context.get("vnet_privinterface"), block["tag"]),
                            "sources": "%s/%d" % (block["network"], block["prefix"]), "only": True,
                            "from_peers": False})
        return sources
    private = host_context.carrier(context.get("vnet_privinterface"), plan["interfaces"]["bridges"])
    return [{"interface": private, "sources": found["subnet"], "only": False, "from_peers": False}]


def preflight(context, plan):
    """The checks playbooks/preflight.yml runs on this host."""
    euca = plan["eucalyptus"] or {}
    mode = euca.get("mode")
    checks = []
    if eucalyptus.mode_is(mode, "vlans") and (euca.get("cc") or euca.get("nc")):
        checks.append("vlan_clean")
    if euca.get("cc") and eucalyptus.mode_is(mode, "routing") and host_context.is_set(context.get("vnet_publicips")):
        checks.append("public_ips")
    if euca.get("vm_bridge"):
        checks.append("bridge")
    if euca.get("cc") and eucalyptus.mode_is(mode, "cc_dhcp"):
        checks.append("dhcp_daemon")
    if tunnel_paths(plan):
        checks.append("tunnel_paths")
    return checks


def tunnel_paths(plan):
    """Each path of this front-end's tunnels to another front-end, as preflight and diagnostics
    test it: a ping as large as the tunnels' packets (their MTU and 50 bytes of headers), with DF
    set, must reach the peer whole."""
    euca = plan["eucalyptus"] or {}
    tunnels = ((euca.get("dataplane") or {}).get("tunnels") or []) if euca.get("cc") else []
    if not tunnels:
        return []
    tunnel = tunnels[0]
    size = tunnel["mtu"] + vxlan.OVERHEAD
    # ICMP echo data: the packet less its IPv4 (20) and ICMP (8) headers.
    probe = ["-M", "do", "-s", str(size - 28), "-I", tunnel["local"]]
    return [{"peer": peer, "local": tunnel["local"], "bytes": size, "ping_options": probe} for peer in tunnel["peers"]]


def vlan_clean(context, plan):
    """The documents' VLAN-clean test on this host, one entry per tag: preflight_vlan_id's, and
    each tag of an active group the host takes part in (a preflight_vlan_id equal to a group's tag
    is that group's test). A tag whose device is not there yet gets the documents' test: a
    <privinterface>.<tag> device with the router address of the tag's block on the front-end and
    an instance address on each node (the n-th node in name order the n-th), pinging the other
    side. A group's tag in service (its device and bridge are there) is not disturbed: each node
    pings the group's router from a probe on the group's bridge holding ``probe``, the n-th highest
    address of the block that no instance holds."""
    block, error = preflight_block(context)
    if block is None and error is None:
        return []  # no front-end, or it lacks the subnet's keys (validation names them)
    inventory = context.inventory
    clusters = host_context.clusters(inventory)
    frontend = plan["eucalyptus"]["cc"]

    # Each cluster's test is its own: a CC and the nodes that name it (euca_cluster; a node that
    # names none is the first cluster's, as in a cloud of one).
    def cluster_of(node):
        return inventory.variables(node).get("euca_cluster") or clusters[0]

    own = context.host if frontend else cluster_of(context.host)
    nodes = sorted(node for node in inventory.members("nodes", "eucalyptus") if cluster_of(node) == own)
    index = nodes.index(context.host) if context.host in nodes else 0
    # A probe is on a group's layer 2, which a tunnel may join across clusters: one per node of all.
    every_node = sorted(inventory.members("nodes", "eucalyptus"))
    probe_index = every_node.index(context.host) if context.host in every_node else 0
    parent = context.get("vnet_privinterface")
    peers = nodes if frontend else [own]

    def test(block, peers, **in_service):
        address = block["router"] if frontend else eucalyptus.dotted(host_context.number(block["first"]) + index)
        return dict({"id": block["tag"], "parent": parent, "device": "%s.%d" % (parent, block["tag"]),
                     "address": "%s/%d" % (address, block["prefix"]), "peers": peers,
                     "bridge": None, "router": None, "probe": None}, **in_service)

    tests = []
    for _vlan, bridge, group in group_devices(context, plan):
        used = {host_context.number(address) for address in group["used"]}
        highest_first = range(host_context.number(group["last"]), host_context.number(group["first"]) - 1, -1)
        free = list(itertools.islice((number for number in highest_first if number not in used), probe_index + 1))
        probe = (None if frontend or len(free) <= probe_index
                 else "%s/%d" % (eucalyptus.dotted(free[probe_index]), group["prefix"]))
        # A node probes its own CC's address in the block (with one cluster, the router).
        tests.append(test(group, [node for node in group["nodes"] if node in nodes] if frontend else peers,
                          bridge=bridge["name"],
                          router=group["gateway"], probe=probe))
    if error:
        context.add(error.variable, error.value, error.rule)
        return tests
    if block["tag"] in [entry["id"] for entry in tests]:
        return tests
    return [test(block, peers)] + tests


def preflight_block(context):
    """(the block of the VLAN-clean test's tag - preflight_vlan_id of the first front-end, whose
    subnet the test takes -, None) or (None, the AddressError) or (None, None) where that front-end
    lacks the subnet's keys (validation names them)."""
    clusters = host_context.clusters(context.inventory)
    cc = context.inventory.variables(clusters[0]) if clusters else {}
    keys = ("vnet_subnet", "vnet_netmask", "vnet_addrspernet")
    if not clusters or any(not host_context.is_set(cc.get(key)) for key in keys):
        return None, None
    try:
        return eucalyptus.ManagedSubnet(*(cc[key] for key in keys)).block(
            cc.get("preflight_vlan_id", PREFLIGHT_VLAN_ID), "preflight_vlan_id"), None
    except AddressError as error:
        return None, error


def diagnostics(context, plan):
    """What playbooks/diagnostics.yml collects besides its common commands, per security group
    (Troubleshooting MANAGED Mode): each group's VLAN device and the ports of its bridge on every
    host that has them, and on the front-end the group's chain, each elastic IP's NAT rules
    (iptables -C: present, or the error naming it missing) and the interfaces dhcpd serves."""
    def slug(group):
        return "group-" + group.replace("/", "-")

    found = []
    for vlan, bridge, group in group_devices(context, plan):
        found += [{"name": slug(group["name"]) + "-vlan", "command": "ip -details link show dev %s" % vlan["name"]},
                  {"name": slug(group["name"]) + "-bridge",
                   "command": "bridge -details link show master %s" % bridge["name"]}]
    euca = plan["eucalyptus"] or {}
    plane = euca.get("dataplane") if euca.get("cc") else None
    if plane:
        prefix = plan["firewall"]["prefix"]
        where = "ip %s" % dataplane_table.table_name(prefix)
        # The documents' 'iptables -L <user>-<group>': the group's chain in the data plane's table;
        # each elastic IP's two translations, which nft fails to find when they are missing.
        found.append({"name": "dataplane-table", "command": "nft list table %s" % where})
        found += [{"name": slug(group["name"]) + "-chain",
                   "command": "nft list chain %s %s" % (where, firewall.chain_name(group["name"], prefix))}
                  for group in plane["groups"]]
        for elastic in plane["elastic_ips"]:
            found += [{"name": "elastic-ip-%s-%s" % (elastic["public_ip"], map_name),
                       "command": "nft get element %s %s { %s }" % (where, map_name, key)}
                      for map_name, key in (("dnat_of", elastic["public_ip"]), ("snat_of", elastic["private_ip"]))]
    if plan["dhcpd"]["function"] == "security_groups":
        found.append({"name": "dhcpd-interfaces", "command": "ps -o args= -C dhcpd"})
    paths = tunnel_paths(plan)
    found += [{"name": "tunnel-path-%s" % path["peer"],
               "command": " ".join(["ping", "-c", "1", "-W", "2"] + path["ping_options"] + [path["peer"]])}
              for path in paths]
    if paths:
        # What the host fragmented and reassembled since boot: nothing, while the tunnels fit.
        found.append({"name": "ip-fragments", "command": "nstat -asz IpFragCreates IpFragFails IpReasmReqds"})
    return found
