# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bonds (Linux bonding) as ``ip -j -d`` shows them, and the ``ip -batch`` that makes one as declared.

A bond joins NICs into one link - active-backup (one port carries the traffic, another takes
over when its link goes) or 802.3ad (LACP with the switch) among the kernel's modes - that VLAN
devices and bridges then ride on. The names and rules are the kernel's (Documentation/networking/
bonding.rst): which options each mode takes, and that a bond takes its first port's MAC address.

A port that joins while it carries the host's addresses hands them, and the routes through it, to
the bond in the same batch (the bond has that port's MAC, so the neighbours' ARP entries stay
right), as a bridge's port does.
"""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.bridge import (
    BridgeError,
    address_commands,
    interface_addresses,
    check_name_length,
    declared_mtu,
    declared_ports,
    link_of_kind,
    moved_routes,
)

MODES = ("balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb")
LACP_RATES = ("slow", "fast")
HASH_POLICIES = ("layer2", "layer2+3", "layer3+4", "encap2+3", "encap3+4", "vlan+srcmac")
# The modes an option applies to (bonding.rst: primary, lacp_rate, xmit_hash_policy).
PRIMARY_MODES = ("active-backup", "balance-tlb", "balance-alb")
LACP_MODES = ("802.3ad",)
HASH_MODES = ("balance-xor", "802.3ad", "balance-tlb")
# What a bond has unless declared: the kernel's MTU, and link monitoring every 100 ms (the kernel's
# own default, 0, never notices a port's link going, so a failover would never happen).
DEFAULT_MTU = 1500
DEFAULT_MIIMON = 100
DEFAULTS = {"lacp_rate": "slow", "xmit_hash_policy": "layer2"}


class BondError(BridgeError):
    """The declaration or the host's state does not allow the change; the message says why."""


def bond_state(name, links, addresses):
    """The bond as the module compares it, or None when there is no such bond."""
    link = link_of_kind(name, links, "bond", "a bond", BondError)
    if link is None:
        return None
    data = link["linkinfo"].get("info_data", {})
    return {
        "name": name,
        "mode": data.get("mode"),
        "miimon": data.get("miimon"),
        "lacp_rate": data.get("ad_lacp_rate", data.get("lacp_rate")),
        "xmit_hash_policy": data.get("xmit_hash_policy"),
        "primary": data.get("primary"),
        "ports": sorted(port for port, other in links.items() if other.get("master") == name),
        "mtu": link.get("mtu"),
        "addresses": sorted(addresses.get(name, [])),
        "up": "UP" in link.get("flags", []),
    }


def check_declaration(params):
    """Refuse what the kernel would refuse, or silently ignore, before anything is touched."""
    name = params["name"]
    check_name_length(name, BondError)
    mode = params.get("mode")
    if mode not in MODES:
        raise BondError("mode: %r is not one of %s" % (mode, ", ".join(MODES)))
    ports = params.get("ports") or []
    if name in ports:
        raise BondError("ports: %r cannot be a port of itself" % name)
    for key, allowed, modes in (("lacp_rate", LACP_RATES, LACP_MODES), ("xmit_hash_policy", HASH_POLICIES, HASH_MODES)):
        value = params.get(key)
        if value is None:
            continue
        if value not in allowed:
            raise BondError("%s: %r is not one of %s" % (key, value, ", ".join(allowed)))
        if mode not in modes:
            raise BondError("%s: is for mode %s only (this bond is %s)" % (key, " or ".join(modes), mode))
    primary = params.get("primary")
    if primary is not None:
        if mode not in PRIMARY_MODES:
            raise BondError("primary: is for mode %s only (this bond is %s)" % (" or ".join(PRIMARY_MODES), mode))
        if primary not in ports:
            raise BondError("primary: %r is not one of its ports (%s)" % (primary, ", ".join(ports) or "none"))
    miimon = params.get("miimon")
    if miimon is not None and (isinstance(miimon, bool) or not isinstance(miimon, int) or miimon < 0):
        raise BondError("miimon: %r is not a number of milliseconds (0 or more)" % (miimon,))
    declared_mtu(params, BondError)


def wanted_settings(params):
    """The bond's settings as declared, the kernel's defaults for what its mode takes and is not declared."""
    mode = params["mode"]
    found = {"mode": mode, "miimon": DEFAULT_MIIMON if params.get("miimon") is None else params["miimon"],
             "lacp_rate": None, "xmit_hash_policy": None, "primary": params.get("primary")}
    if mode in LACP_MODES:
        found["lacp_rate"] = params.get("lacp_rate") or DEFAULTS["lacp_rate"]
    if mode in HASH_MODES:
        found["xmit_hash_policy"] = params.get("xmit_hash_policy") or DEFAULTS["xmit_hash_policy"]
    return found


def changes(params, links, addresses, routes):
    """Return (commands for ``ip -batch``, before, after) for the declared bond.

    ``params``: name, state, mode, ports, miimon, lacp_rate, xmit_hash_policy, primary, mtu (None:
    1500), addresses (None: not managed), move_addresses, take_over (False: an existing bond with
    another mode or other ports is refused, not taken over).
    """
    name = params["name"]
    if params["state"] == "absent":
        check_name_length(name, BondError)
        current = bond_state(name, links, addresses)
        if current is None:
            return [], {}, {}
        commands = ["link delete dev %s" % name]
        if current["addresses"] and current["ports"] and params.get("move_addresses", True):
            # The reverse of a port joining with the host's addresses: the first port gets them back.
            port = current["ports"][0]
            commands += ["address add %s dev %s" % (address, port) for address in current["addresses"]]
            commands += ["link set dev %s up" % other for other in current["ports"]]
            commands += moved_routes(routes, name, port)
        return commands, current, {}

    check_declaration(params)
    current = bond_state(name, links, addresses)
    ports = declared_ports(params, links, BondError)
    settings = wanted_settings(params)
    foreign = sorted(set(current["ports"]) - set(ports)) if current else []
    if current and (current["mode"] != settings["mode"] or foreign) and not params.get("take_over", True):
        raise BondError("%s exists as a %s bond of %s, and the collection did not make it: it is left as it is "
                        "(free the name, or choose another)" % (name, current["mode"], ", ".join(current["ports"]) or "no port"))

    commands, kept, before = [], [], current or {}
    if current and (current["mode"] != settings["mode"] or (current["primary"] and settings["primary"] is None)):
        # The kernel changes a bond's mode only while it is down and has no port, and ip cannot
        # unset a primary port: the bond is made anew, its ports put back, its addresses and the
        # routes through it with them.
        commands.append("link delete dev %s" % name)
        kept = current["addresses"]
        links = dict((port, dict(link, master=None) if link.get("master") == name else link)
                     for port, link in links.items() if port != name)
        current, foreign = None, []
    options = ["mode %s" % settings["mode"]] + [
        "%s %s" % (key, settings[key]) for key in ("miimon", "lacp_rate", "xmit_hash_policy")
        if settings[key] is not None and (current is None or current[key] != settings[key])]
    mtu = declared_mtu(params, BondError)
    mtu = DEFAULT_MTU if mtu is None else mtu
    if current is None:
        commands.append("link add name %s mtu %d type bond %s" % (name, mtu, " ".join(options)))
    elif options[1:]:
        commands.append("link set dev %s type bond %s" % (name, " ".join(options[1:])))
    if current is not None and current["mtu"] != mtu:
        # The bond gives its MTU to its ports.
        commands.append("link set dev %s mtu %d" % (name, mtu))

    for port in foreign:
        commands.append("link set dev %s nomaster" % port)
    moved = []
    for port in [port for port in ports if links[port].get("master") != name]:
        carried = addresses.get(port, [])
        # A port joins down; the bond brings it up, with the bond's MTU and (the first) its MAC.
        commands += ["link set dev %s down" % port, "link set dev %s master %s" % (port, name)]
        if carried and params.get("move_addresses", True):
            moved.extend(carried)
            commands.extend("address delete %s dev %s" % (address, port) for address in carried)
            commands.extend("address add %s dev %s" % (address, name) for address in carried)
            commands.append("link set dev %s up" % name)
            commands.extend(moved_routes(routes, port, name))
        commands.append("link set dev %s up" % port)
    if settings["primary"] is not None and (current is None or current["primary"] != settings["primary"]):
        commands.append("link set dev %s type bond primary %s" % (name, settings["primary"]))
    commands += ["address add %s dev %s" % (address, name) for address in kept]
    have = sorted(set((current or {}).get("addresses", [])) | set(moved) | set(kept))
    if params.get("addresses") is not None:
        declared = interface_addresses(params["addresses"])
        commands.extend(address_commands(name, have, declared))
        have = sorted(declared)
    if current is None or not current["up"]:
        commands.append("link set dev %s up" % name)
    if kept:
        commands += moved_routes(routes, name, name)  # the delete took them
    after = dict(settings, name=name, ports=ports, mtu=mtu, up=True, addresses=have)
    return commands, before, after


def describe(state):
    """A bond state as readable lines for --diff."""
    if not state:
        return ""
    keys = ("name", "mode", "ports", "primary", "miimon", "lacp_rate", "xmit_hash_policy", "mtu", "addresses", "up")
    return "".join("%s: %s\n" % (key, state[key]) for key in keys if state.get(key) is not None)
