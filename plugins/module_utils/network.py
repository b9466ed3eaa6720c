# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A host's network devices: the vlan and bridge parts of its plan.

The plan decides the host's devices from every source (the bridges and VLAN devices the inventory
declares, a node's VM bridge, the data plane's group devices and tunnels) as one ordered list -
VLAN devices, VXLAN devices, bridges, the order they are made in. Each role's part holds the whole
list and the kinds it applies (the vlan role its VLAN and VXLAN devices, the bridge role its
bridges) with the interfaces module, the boot files' format of the host, the packages, and what its
record watches.
"""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.devices import MODULES_LOAD
from ansible_collections.privatecloud.iaas.plugins.module_utils.releases import variant
from ansible_collections.privatecloud.iaas.plugins.module_utils import eucalyptus, host_context, managed_l2, netconf, vxlan

BRIDGE_OPTIONS = {
    "bridge_interfaces": [],
    "bridge_persist": True,
    "bridge_rollback_timeout": 120,
    "bridge_confirm_timeout": 30,
}
VLAN_OPTIONS = {
    "vlan_bonds": [],
    "vlan_interfaces": [],
    "vlan_tunnels": [],
    "vlan_8021q": None,
    "vlan_persist": True,
    "vlan_rollback_timeout": 120,
    "vlan_confirm_timeout": 30,
}
DISTRIBUTIONS = {
    "Debian": {
        "format": "ifupdown",
        # ifupdown reads the files; bridge-utils gives it its bridge_* options and brctl; the DHCP
        # client ifupdown runs for a bridge by DHCP (on Debian 13, dhcpcd); vlan adds the 802.1Q tools.
        "bridge_packages": ["ifupdown", "bridge-utils", "dhcpcd-base"],
        "vlan_packages": ["ifupdown", "vlan"],
        # ifupdown's bond-* options (ifenslave's scripts).
        "bond_packages": ["ifenslave"],
        # The roles' files, which their records compare: the file that reads the directory (the
        # bridge role's: it changes it after the vlan role, in the same run) and each role's own,
        # by their boot-order weight (module_utils/netconf.py).
        "bridge_files": ["/etc/network/interfaces", "/etc/network/interfaces.d/20-*",
                         "/etc/network/interfaces.d/60-*"],
        "vlan_files": ["/etc/network/interfaces.d/30-*", "/etc/network/interfaces.d/40-*",
                       "/etc/network/interfaces.d/50-*"],
    },
    # Debian 12: ifupdown runs ISC dhclient, the release's DHCP client, for a bridge by DHCP.
    "Debian 12": {"bridge_packages": ["ifupdown", "bridge-utils", "isc-dhcp-client"]},
    "RedHat": {"format": "ifcfg", "bridge_packages": ["bridge-utils"], "vlan_packages": [], "bond_packages": [],
               "bridge_files": ["/etc/sysconfig/network-scripts/ifcfg-*"],
               "vlan_files": ["/etc/sysconfig/network-scripts/ifcfg-*"]},
}


def _timeouts(settings, role, add):
    """(rollback, confirm) seconds of a role's options; what they cannot be is recorded."""
    found = []
    for name in ("%s_rollback_timeout" % role, "%s_confirm_timeout" % role):
        value = settings[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            add(name, value, "is not a number of seconds (0 or more)")
            value = 0
        found.append(value)
    rollback, confirm = found
    if rollback and confirm >= rollback:
        add("%s_confirm_timeout" % role, confirm, "must be below %s_rollback_timeout (%d): a late answer must never "
                                                  "keep a change the host is undoing" % (role, rollback))
    return rollback, confirm


def _persist(settings, name, add):
    if not isinstance(settings[name], bool):
        add(name, settings[name], "is not a boolean")
        return True
    return settings[name]


def parts(vlans, vxlans, bridges, vlan_settings, bridge_settings, facts, add, bonds=()):
    """(vlan part, bridge part) from the host's devices (``bonds``, ``vlans``, ``vxlans``,
    ``bridges``: the declarations the plan gathered) and the roles' options."""
    names = variant(DISTRIBUTIONS, facts)
    devices = ([dict(entry, kind="bond") for entry in bonds] + [dict(entry, kind="vlan") for entry in vlans]
               + [dict(entry, kind="vxlan") for entry in vxlans] + [dict(entry, kind="bridge") for entry in bridges])
    bond_names = [entry.get("name") for entry in bonds]
    vlan_names = [entry.get("name") or "%s.%s" % (entry.get("parent"), entry.get("id")) for entry in vlans]
    tunnels = [entry.get("name") for entry in vxlans]
    load_8021q = vlan_settings["vlan_8021q"]
    if not isinstance(load_8021q, bool):
        add("vlan_8021q", load_8021q, "is not a boolean")
        load_8021q = bool(vlans)
    rollback, confirm = _timeouts(vlan_settings, "vlan", add)
    persist = _persist(vlan_settings, "vlan_persist", add)
    vlan = {
        "devices": devices,
        "kinds": ["bond", "vlan", "vxlan"],
        "format": names["format"] if persist else "none",
        "kernel_modules": (["bonding"] if bonds else []) + (["8021q"] if load_8021q else []),
        "rollback_timeout": rollback,
        "confirm_timeout": confirm,
        "packages": (names["vlan_packages"] if vlans else []) + (names["bond_packages"] if bonds else []),
        "watched_files": names["vlan_files"] + [MODULES_LOAD],
        "links": bond_names + [port for entry in bonds for port in entry.get("ports") or []] + vlan_names + tunnels,
        "fdb": tunnels,
    }
    rollback, confirm = _timeouts(bridge_settings, "bridge", add)
    persist = _persist(bridge_settings, "bridge_persist", add)
    bridge = {
        "devices": devices,
        "kinds": ["bridge"],
        "format": names["format"] if persist else "none",
        "kernel_modules": None,
        "rollback_timeout": rollback,
        "confirm_timeout": confirm,
        "packages": names["bridge_packages"] if bridges else [],
        "watched_files": names["bridge_files"],
        # Not the bridges' addresses: the front-end's data plane adds its own to them later in the run.
        "links": [entry.get("name") for entry in bridges] + [port for entry in bridges for port in entry.get("ports") or []],
    }
    return vlan, bridge


# --- This part of a host's plan, from the host's context (plugins/module_utils/host_plan.py) -------


# The node's VM bridge where bridge_interfaces does not declare it: the documents' br0 over eth0,
# address by DHCP. Declare it to give it a static address or another port.
DEFAULT_VM_BRIDGE = {"ports": ["eth0"], "method": "dhcp", "forward_delay": 1, "hello_time": 2}


def declared(context, plan):
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
    bonds = context.get("vlan_bonds", [])
    return {
        "bonds": [bond for bond in bonds if isinstance(bond, dict)] if isinstance(bonds, list) else [],
        "bridges": bridges,
        "vlans": vlans,
        "vxlans": [{key: tunnel[key] for key in ("name", "id", "local", "peers", "mtu")} for tunnel in tunnels],
        "vlan_8021q": bool(vlans) or (euca.get("nc", False) and eucalyptus.mode_is(euca.get("mode"), "vlans")),
    }


def link_checks(plan, group_bridges=()):
    """The host's own links preflight judges (link_health) and diagnostics reads: each bond with
    its mode and ports, and each bridge but the security groups' (``group_bridges``: their
    diagnostics are per group, and a cloud of many groups would list each on every node)."""
    interfaces = plan["interfaces"]
    named = [bond for bond in interfaces["bonds"] if isinstance(bond.get("name"), str)]
    return {
        "bonds": [{"name": bond["name"], "mode": bond.get("mode"), "ports": list(bond.get("ports") or [])}
                  for bond in named],
        "bridges": [{"name": bridge["name"]} for bridge in interfaces["bridges"]
                    if isinstance(bridge.get("name"), str) and bridge["name"] not in group_bridges],
    }


def diagnostics(checks):
    """What playbooks/diagnostics.yml collects of the host's own links (``link_checks``): the
    bonding driver's report of each bond (each port's link and failures, the active port, LACP's
    aggregators and partner) and each bridge's ports with their MTUs."""
    return ([{"name": "bond-%s" % bond["name"], "command": "cat /proc/net/bonding/%s" % bond["name"]}
             for bond in checks["bonds"]]
            + [{"name": "bridge-%s-ports" % bridge["name"], "command": "ip -details link show master %s" % bridge["name"]}
               for bridge in checks["bridges"]])


def check_present(context, plan):
    """Every interface the host's plan puts something on, and does not make itself, is one the host
    has - where the host could be read (playbooks/validate.yml's facts; away from the cloud nothing
    is compared). A typo, or a NIC named as on another machine (eth0 where Debian says enp1s0),
    fails before any host is touched, naming the variable it came from."""
    present = context.inventory.facts(context.host).get("interfaces")
    if not isinstance(present, list):
        return
    interfaces = plan["interfaces"]
    declared_bridges = {bridge.get("name") for bridge in context.get("bridge_interfaces", []) or []
                        if isinstance(bridge, dict)}
    declared_vlans = {vlan.get("name") or "%s.%s" % (vlan.get("parent"), vlan.get("id"))
                      for vlan in context.get("vlan_interfaces", []) or [] if isinstance(vlan, dict)}
    tunnels = context.get("vlan_tunnels", [])
    made = ({bridge.get("name") for bridge in interfaces["bridges"]}
            | {vlan.get("name") or "%s.%s" % (vlan.get("parent"), vlan.get("id")) for vlan in interfaces["vlans"]}
            | {tunnel.get("name") for tunnel in (tunnels if isinstance(tunnels, list) else []) if isinstance(tunnel, dict)}
            | {tunnel["name"] for tunnel in interfaces["vxlans"]})
    named = []  # (variable, interface)
    for bridge in interfaces["bridges"]:
        variable = ("bridge_interfaces" if bridge.get("name") in declared_bridges
                    else "vnet_bridge" if bridge.get("name") == (plan["eucalyptus"] or {}).get("vm_bridge")
                    else "vnet_privinterface")
        named.extend((variable, port) for port in bridge.get("ports") or ())
    for vlan in interfaces["vlans"]:
        name = vlan.get("name") or "%s.%s" % (vlan.get("parent"), vlan.get("id"))
        named.append(("vlan_interfaces" if name in declared_vlans else "vnet_privinterface", vlan.get("parent")))
    made |= {bond.get("name") for bond in interfaces["bonds"]}
    named.extend(("vlan_bonds", port) for bond in interfaces["bonds"] for port in bond.get("ports") or ()
                 if isinstance(port, str))
    euca = plan["eucalyptus"] or {}
    if euca.get("cc") or euca.get("nc"):
        named.extend((key, context.get(key)) for key in ("vnet_pubinterface", "vnet_privinterface")
                     if host_context.is_set(context.get(key)))
    named.extend(("dhcpd_interfaces", name) for name in ((plan.get("dhcpd") or {}).get("interfaces") or ()))
    facts = context.inventory.facts(context.host)
    for tunnel in tunnels if isinstance(tunnels, list) else ():
        if isinstance(tunnel, dict) and isinstance(tunnel.get("mtu"), int):
            name, below = host_context.interface_holding(facts, tunnel.get("local"))
            if below is not None and tunnel["mtu"] + vxlan.OVERHEAD > below:
                context.add("vlan_tunnels", tunnel.get("name"), "has mtu %d, and with its %d bytes of headers its "
                            "packets exceed the MTU %d of %s, which holds its local %s: they would be fragmented; "
                            "its mtu is at most %d" % (tunnel["mtu"], vxlan.OVERHEAD, below, name, tunnel.get("local"),
                                                       below - vxlan.OVERHEAD))
    reported = set()  # each missing interface once, under the first variable that names it
    for variable, name in named:
        if isinstance(name, str) and name not in made and name not in present and name not in reported:
            reported.add(name)
            context.add(variable, name, "is not an interface of %s, which has %s: name one it has (Debian names "
                        "NICs by their place, enp1s0, ens3 ...)" % (context.host, ", ".join(sorted(present))))


def role_parts(context, plan):
    """The vlan and bridge parts (parts): every device of the host in one ordered list, with
    the roles' options (vlan_*, bridge_*) as the host has them; 802.1Q support where there are VLAN
    devices or a MANAGED node's NC makes them."""
    interfaces = plan["interfaces"]
    tunnels = context.get("vlan_tunnels", [])
    tunnels = list(tunnels) if isinstance(tunnels, list) else []
    vxlans = tunnels + interfaces["vxlans"]
    bonds = interfaces["bonds"]
    # The inventory's own declarations (what the plan adds to them is its own to get right).
    for variable, value, rule in netconf.check_declaration(context.get("bridge_interfaces"),
                                                           context.get("vlan_interfaces"), tunnels,
                                                           context.get("vlan_bonds")):
        context.add(variable, value, rule)
    return parts(interfaces["vlans"], vxlans, interfaces["bridges"],
                 context.options(VLAN_OPTIONS, {"vlan_8021q": interfaces["vlan_8021q"]}),
                 context.options(BRIDGE_OPTIONS), context.inventory.facts(context.host), context.add, bonds)
