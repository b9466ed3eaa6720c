# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""802.1Q VLAN devices (``<parent>.<id>``) as ``ip -j`` shows them, and the ``ip -batch`` to make one."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.bridge import (
    BridgeError,
    address_commands,
    check_name_length,
    declared_mtu,
    interface_addresses,
    link_of_kind,
    mtu_within,
)

VLAN_IDS = (1, 4094)
# What iproute2 says when the kernel has no 802.1Q support (no 8021q module).
NO_VLAN_SUPPORT = ("Unknown device type", "Operation not supported", "unknown link kind")


class VlanError(BridgeError):
    """The declaration or the host's state does not allow the change."""


def vlan_state(name, links, addresses):
    link = link_of_kind(name, links, "vlan", "a VLAN device", VlanError)
    if link is None:
        return None
    return {
        "name": name,
        "parent": link.get("link"),
        "id": link["linkinfo"].get("info_data", {}).get("id"),
        "mtu": link.get("mtu"),
        "addresses": sorted(addresses.get(name, [])),
        "up": "UP" in link.get("flags", []),
    }


def changes(params, links, addresses):
    """Return (commands, before, after) for the declared VLAN device. Its MTU is ``mtu``, or its
    parent's (what the kernel gives a new one) when not declared."""
    vlan_id, parent = params.get("id"), params.get("parent")
    if params["state"] == "absent" and params.get("name"):
        # Removing needs the name only (the role knows a removed device by its file).
        current = vlan_state(params["name"], links, addresses)
        return (["link delete dev %s" % params["name"]], current, {}) if current else ([], {}, {})
    if parent is None or vlan_id is None:
        raise VlanError("parent and id: both are needed, unless a device is removed by name")
    if isinstance(vlan_id, bool) or not isinstance(vlan_id, int) or not VLAN_IDS[0] <= vlan_id <= VLAN_IDS[1]:
        raise VlanError("id: %r is not a VLAN id (1-4094)" % (vlan_id,))
    name = params.get("name") or "%s.%d" % (parent, vlan_id)
    check_name_length(name, VlanError)
    current = vlan_state(name, links, addresses)
    if params["state"] == "absent":
        return (["link delete dev %s" % name], current, {}) if current else ([], {}, {})
    if parent not in links:
        raise VlanError("parent: %r is not an interface of this host" % parent)
    mtu = declared_mtu(params, VlanError)
    if mtu is not None:
        mtu_within(name, mtu, [parent], links, VlanError)
    parent_mtu = links[parent].get("mtu")
    mtu = parent_mtu if mtu is None else mtu

    commands = []
    if current and (current["parent"], current["id"]) != (parent, vlan_id) and not params.get("take_over", True):
        raise VlanError("%s exists as VLAN %s of %s, and the collection did not make it: it is left as it is "
                        "(free the name, or choose another tag)" % (name, current["id"], current["parent"]))
    if current and (current["parent"], current["id"]) != (parent, vlan_id):
        # Parent and id cannot change in place: the device is made anew.
        commands.append("link delete dev %s" % name)
        current = None
    if current is None:
        commands.append("link add link %s name %s type vlan id %d" % (parent, name, vlan_id))
    if mtu is not None and mtu != (current["mtu"] if current else parent_mtu):
        commands.append("link set dev %s mtu %d" % (name, mtu))
    have = current["addresses"] if current else []
    wanted = {"name": name, "parent": parent, "id": vlan_id, "mtu": mtu, "addresses": have, "up": True}
    if params.get("addresses") is not None:
        declared = interface_addresses(params["addresses"])
        wanted["addresses"] = sorted(declared)
        commands.extend(address_commands(name, have, declared))
    if current is None or not current["up"]:
        commands.append("link set dev %s up" % name)
    return commands, current or {}, wanted


def unsupported(stderr):
    return any(marker in (stderr or "") for marker in NO_VLAN_SUPPORT)


def describe(state):
    if not state:
        return ""
    return "\n".join("%s: %s" % (key, state[key]) for key in ("name", "parent", "id", "mtu", "addresses", "up")) + "\n"
