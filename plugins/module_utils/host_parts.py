# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles' parts of a host's plan: each role's options read once, with what the plan decides
for the host where an option is not set, handed to the concern's module that checks them and
computes the final artifacts (network.parts, ntp.section, nfs.section, database.section,
dhcpd.section, firewall.section, components.frontend_part and node_part).
"""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils import (
    cloudstack_install,
    components,
    database,
    dhcpd,
    eucalyptus,
    firewall,
    host_cloudstack,
    host_context,
    host_eucalyptus,
    managed_l2,
    netconf,
    network,
    nfs,
    ntp,
)

# The node's VM bridge where bridge_interfaces does not declare it: the documents' br0 over eth0,
# address by DHCP. Declare it to give it a static address or another port.
DEFAULT_VM_BRIDGE = {"ports": ["eth0"], "method": "dhcp", "forward_delay": 1, "hello_time": 2}


def interfaces(context, plan):
    bridges = context.get("bridge_interfaces", [])
    vlans = context.get("vlan_interfaces", [])
    bridges = list(bridges) if isinstance(bridges, list) else []
    vlans = list(vlans) if isinstance(vlans, list) else []
    declared = [bridge.get("name") for bridge in bridges if isinstance(bridge, dict)]
    euca = plan["eucalyptus"] or {}
    if euca.get("vm_bridge") and euca["vm_bridge"] not in declared:
        bridges.append(dict(DEFAULT_VM_BRIDGE, name=euca["vm_bridge"]))
    declared_vlans = [item.get("name") or "%s.%s" % (item.get("parent"), item.get("id"))
                      for item in vlans if isinstance(item, dict)]
    tunnels = ((euca.get("dataplane") or {}).get("tunnels") or []) if euca.get("cc") else []
    for vlan, bridge, group in managed_l2.group_devices(context, plan):
        if bridge["name"] in declared or vlan["name"] in declared_vlans:
            rule = "is also a device of the data plane's group %s (tag %d): the collection makes %s and %s for it" % (
                group["name"], vlan["id"], vlan["name"], bridge["name"])
            context.add("bridge_interfaces", bridge["name"], rule)
            continue
        vlans.append(vlan)
        bridges.append(bridge)
    # MANAGED-NOVLAN's tunnel joins the private network's bridge (MANAGED's join the groups' bridges).
    for tunnel in [tunnel for tunnel in tunnels if tunnel["bridge"] is None]:
        private = context.get("vnet_privinterface")
        carrier = private if private in declared else host_context.carrier(private, bridges)
        index = next((index for index, bridge in enumerate(bridges) if bridge.get("name") == carrier), None)
        if index is None:
            context.add("vnet_privinterface", private, "is neither a bridge nor a bridge's port: a front-end of "
                        "several clusters in MANAGED-NOVLAN joins its private network to the other clusters' "
                        "through a VXLAN device (%s), a port of the private network's bridge; declare that bridge "
                        "in bridge_interfaces with %s as its port" % (tunnel["name"], private))
            continue
        bridges[index] = dict(bridges[index], ports=list(bridges[index].get("ports") or []) + [tunnel["name"]])
    cloud = plan["cloudstack"] or {}
    missing = [label for label in cloud.get("traffic_labels", []) if label not in declared]
    if missing:
        context.add("bridge_interfaces", declared, "lacks %s: every traffic label of cloudstack_zones is a bridge "
                    "of every KVM host" % ", ".join(missing))
    return {
        "bridges": bridges,
        "vlans": vlans,
        "vxlans": [{key: tunnel[key] for key in ("name", "id", "local", "peers")} for tunnel in tunnels],
        "vlan_8021q": bool(vlans) or (euca.get("nc", False) and eucalyptus.mode_is(euca.get("mode"), "vlans")),
    }


def network_parts(context, plan):
    """The vlan and bridge parts (network.parts): every device of the host in one ordered list, with
    the roles' options (vlan_*, bridge_*) as the host has them; 802.1Q support where there are VLAN
    devices or a MANAGED node's NC makes them."""
    interfaces = plan["interfaces"]
    tunnels = context.get("vlan_tunnels", [])
    tunnels = list(tunnels) if isinstance(tunnels, list) else []
    vxlans = tunnels + interfaces["vxlans"]
    # The inventory's own declarations (what the plan adds to them is its own to get right).
    for variable, value, rule in netconf.check_declaration(context.get("bridge_interfaces"),
                                                           context.get("vlan_interfaces"), tunnels):
        context.add(variable, value, rule)
    return network.parts(interfaces["vlans"], vxlans, interfaces["bridges"],
                         context.options(network.VLAN_OPTIONS, {"vlan_8021q": interfaces["vlan_8021q"]}),
                         context.options(network.BRIDGE_OPTIONS), context.inventory.facts(context.host), context.add)


def part_ntp(context):
    """The ntp part (ntp.section): the role's options (ntp_*) as the host has them, else a time
    server for the hosts of ntp_server_group (the front-end) following the upstream servers, and a
    client of those servers (at their addresses) for every other host."""
    group = context.get("ntp_server_group", ntp.OPTIONS["ntp_server_group"])
    serving = context.inventory.group(group) if isinstance(group, str) else []
    role = context.get("ntp_role", "server" if context.host in serving else "client")
    servers = (context.get("ntp_upstream_servers", ntp.OPTIONS["ntp_upstream_servers"]) if role == "server"
               else list(dict.fromkeys(host_context.address(context.inventory, host) for host in serving)))
    settings = context.options(ntp.OPTIONS, {"ntp_role": role, "ntp_servers": servers})
    # playbooks/ntp.yml keeps the front-ends, nodes, database and storage hosts in time.
    follows = bool(set(context.groups) & {"frontend", "nodes", "db", "nfs"}) or any(
        name in context.variables for name in ntp.OPTIONS)
    return ntp.section(settings, context.inventory.facts(context.host), context.add, follows)


def part_nfs(context):
    """The nfs part (nfs.section) of a storage server (group nfs, or a host given nfs_* options):
    the role's options as the host has them, else the storage networks as the exports' clients
    (iaas_storage_networks, else iaas_management_networks) and iaas_nfs_domain for NFSv4."""
    if "nfs" not in context.groups and not any(name in context.variables for name in nfs.OPTIONS):
        return None
    settings = context.options(nfs.OPTIONS, {
        "nfs_export_clients": context.get("iaas_storage_networks") or context.get("iaas_management_networks", []),
        "nfs_idmap_domain": context.get("iaas_nfs_domain", "localdomain"),
    })
    return nfs.section(settings, context.add)


def part_db(context):
    """The db part (database.section) of a database server (group db, or a host given db_* options):
    the role's options as the host has them, else the primary (db_replication_primary, else the
    first of group db), the other database servers its replicas, each server's id its place in the
    group, the address beyond loopback when a management server or a replica is on another host,
    the root account for the management networks while a management server deploys from another
    host, the replication account for the database networks."""
    if "db" not in context.groups and not any(name in context.variables for name in database.OPTIONS):
        return None
    inventory = context.inventory
    databases = inventory.group("db") or [context.host]
    entries = {host: {"groups": inventory.groups_of(host), "vars": inventory.variables(host)} for host in databases}
    primary = cloudstack_install.database_roles(entries)[0] or databases[0]
    primary = context.get("db_replication_primary", primary)
    remote_management = [host for host in inventory.group("frontend") if host != context.host]
    remote_clients = remote_management + [host for host in databases if host != context.host]
    management = context.get("iaas_management_networks", [])
    settings = context.options(database.OPTIONS, {
        "db_management_servers": len(inventory.group("frontend")),
        "db_server_id": databases.index(context.host) + 1 if context.host in databases else 1,
        "db_bind_address": "0.0.0.0" if remote_clients else "127.0.0.1",
        "db_remote_root": bool(remote_management),
        "db_remote_root_networks": management,
        "db_replication_primary": primary,
        "db_replication_networks": context.get("iaas_database_networks") or management,
        "db_replication_primary_address": host_context.address(inventory, primary, facts_first=True),
    })
    replicas = [host for host in databases if host != settings["db_replication_primary"]]
    hostname = inventory.facts(context.host).get("hostname")
    return database.section(settings, context.host, replicas, hostname, inventory.release(context.host), context.add,
                            remote_management)


def part_dhcpd(context, plan):
    """The dhcpd part (dhcpd.section): the role's options (dhcpd_*) as the host has them, else its
    function from its groups and mode and the interfaces that face its clients; the security
    groups' blocks and instances of a front-end whose data plane the collection owns, the STATIC
    mode's MAC map (vnet_*), the CC's daemon."""
    found = (plan["eucalyptus"] or {}).get("dataplane")
    chosen = context.get("dhcpd_function")
    if chosen is None:
        # The data plane's own DHCP server once a group is active; until then the CC's binary, as today.
        chosen = "security_groups" if found and found["groups"] else dhcpd.function(
            context.groups, context.get("vnet_mode"), context.get("vnet_dataplane"), context.get("dhcpd_subnets"))
    elif chosen not in dhcpd.FUNCTIONS:
        context.add("dhcpd_function", chosen, "is not one of %s" % ", ".join(dhcpd.FUNCTIONS))
        chosen = "none"
    elif chosen == "security_groups" and not (found and found["groups"]):
        context.add("dhcpd_function", chosen, "serves the data plane's security groups, and this host has no "
                                              "active one (vnet_security_groups with vnet_instances, vnet_dataplane: "
                                              "ansible)")
    mode = context.get("vnet_mode")
    if chosen == "lan_pool" and "frontend" in context.groups and eucalyptus.mode_is(mode, "cc_dhcp"):
        context.add("dhcpd_function", chosen, "is a LAN pool server on a %s front-end, whose CC runs its own "
                                              "dhcpd: the two would fight for port 67" % mode)
    group_bridges = {bridge["name"]: bridge["address"] for _vlan, bridge, _group in managed_l2.group_devices(context, plan)
                     if bridge.get("address")}
    interfaces = None  # a LAN pool server names its own
    private = context.get("vnet_privinterface")
    if chosen == "security_groups" and group_bridges:
        # MANAGED: each group's bridge holds its router, and dhcpd serves each there.
        interfaces = sorted(group_bridges)
    elif chosen in ("static_map", "security_groups") and private:
        # A front-end that is also a node has moved its private interface into a bridge: the
        # bridge carries the address now, so dhcpd listens there.
        interfaces = [host_context.carrier(private, plan["interfaces"]["bridges"])]
    groups, planned = {"subnets": [], "hosts": []}, {}
    if chosen == "security_groups" and found:
        groups = found["dhcp"]
        for entry in found["addresses"]:
            if not entry["announce"]:
                planned.setdefault(entry["device"], []).append(entry["address"])
        for name, address in group_bridges.items():
            planned.setdefault(name, []).append(address)
    settings = context.options(dhcpd.OPTIONS, {"dhcpd_function": chosen, "dhcpd_interfaces": interfaces})
    vnet = {key: context.get("vnet_" + key)
            for key in ("subnet", "netmask", "broadcast", "router", "dns", "macmap", "dhcpdaemon", "dhcpuser")}
    return dhcpd.section(settings, chosen, groups, vnet, planned, context.inventory.facts(context.host), context.add)


def part_firewall(context, plan):
    """The firewall part (firewall.section): the role's options (iptables_*) as the host has them,
    else the port sets of the host's services, the inventory-wide networks, and on a routing
    front-end whose data plane the collection owns the baseline, its groups and elastic IPs."""
    cloudstack_host = plan["platform"] == "cloudstack"
    services = []
    if cloudstack_host and "nodes" in context.groups:
        services.append("kvm")
    if cloudstack_host and "frontend" in context.groups:
        services.append("management")
        if context.get("cloudstack_awsapi_enabled", False):
            services.append("awsapi")
    if "db" in context.groups and context.get("db_firewall", True):
        services.append("mysql")
    if "nfs" in context.groups and context.get("nfs_firewall", True):
        services.append("nfs")
    euca = plan["eucalyptus"] or {}
    routing = euca.get("cc", False) and eucalyptus.mode_is(euca.get("mode"), "routing")
    owned, subnet = managed_l2.dataplane_subnet(context, plan)
    home = (context.get("euca_home") or host_eucalyptus.EUCA_DEFAULTS["euca_home"]).rstrip("/")
    # The controller keeps SSH even outside the management networks: its address as the host saw it.
    client = (context.inventory.facts(context.host).get("env") or {}).get("SSH_CLIENT", "").split()
    settings = context.options(firewall.OPTIONS, {
        "iptables_services": services,
        "iptables_management_networks": context.get("iaas_management_networks", []),
        "iptables_storage_networks": context.get("iaas_storage_networks", []),
        "iptables_database_networks": context.get("iaas_database_networks", []),
        "iptables_controller_networks": client[:1],
        # Where the collection owns the data plane; a broken subnet is named by the mode's own checks.
        "iptables_eucalyptus_baseline": ({"subnet": context.get("vnet_subnet"), "netmask": context.get("vnet_netmask")}
                                         if owned and subnet else {}),
        # Where a MANAGED CC reloads rules from after it flushes filter and nat at start.
        "iptables_eucalyptus_preload": "%s/%s" % (home, host_eucalyptus.PRELOAD) if routing else "",
    })
    if not isinstance(settings["iptables_services"], list):
        context.add("iptables_services", settings["iptables_services"], "is not a list of port sets (%s)"
                    % ", ".join(sorted(firewall.SERVICES)))
        settings["iptables_services"] = []
    networks = {kind: settings["iptables_%s_networks" % kind] for kind in firewall.NETWORK_KINDS}
    dataplane_part = euca.get("dataplane") if owned and subnet else None
    return firewall.section(settings, networks, dataplane_part, context.add)


def part_frontend(context, plan):
    """The frontend part (components.frontend_part): a Eucalyptus CLC and CC, or a CloudStack
    management server, with the role's options (frontend_*) as the host has them, else the first
    zone's first secondary storage and the hypervisors of the zones' clusters."""
    zones = [zone for zone in host_cloudstack.zones_of(context.inventory) or () if isinstance(zone, dict)]
    storage = [entry for entry in (zones[0].get("secondary_storage") or ()) if isinstance(entry, dict)] if zones else []
    hypervisors = [str(cluster.get("hypervisor")).lower() for zone in zones for pod in zone.get("pods") or ()
                   if isinstance(pod, dict) for cluster in pod.get("clusters") or ()
                   if isinstance(cluster, dict) and cluster.get("hypervisor")]
    settings = context.options(components.FRONTEND_OPTIONS, {
        "frontend_cloudstack_secondary_storage": storage[0] if storage else {},
        "frontend_cloudstack_systemvm_hypervisors": list(dict.fromkeys(hypervisors)),
    })
    return components.frontend_part(plan, settings, context.variables, context.inventory.facts(context.host),
                                    context.add)


def part_node(context, plan):
    """The node part (components.node_part): a Eucalyptus NC, or a CloudStack KVM host, with the
    role's options (node_*) as the host has them, else its default IPv4 address mapped to its name
    and libvirt's AppArmor profiles disabled on Ubuntu as the guide does."""
    facts = context.inventory.facts(context.host)
    settings = context.options(components.NODE_OPTIONS, {
        "node_cloudstack_address": host_context.address(context.inventory, context.host, facts_first=True, name=False),
        "node_cloudstack_disable_apparmor_libvirt": facts.get("distribution") == "Ubuntu",
    })
    return components.node_part(plan, settings, context.variables, facts, context.add)
