# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the bridge and vlan roles ask of the interface modules, decided in one place.

A declaration (an entry of bridge_interfaces, vlan_interfaces or vlan_tunnels) becomes the
arguments of one linux_bridge, vlan_interface or vxlan_interface call; a device whose file is gone from the declaration becomes a
removal. Addresses are managed exactly when the entry is static (an address and no other method);
with DHCP or none, a joining port's addresses still move to the bridge, and with DHCP the DHCP
client follows them.
"""

from __future__ import annotations

KINDS = {
    "bridge": {"module": "privatecloud.iaas.linux_bridge", "settings": ("name", "stp", "forward_delay", "hello_time")},
    "vlan": {"module": "privatecloud.iaas.vlan_interface", "settings": ("parent", "id", "name")},
    "vxlan": {"module": "privatecloud.iaas.vxlan_interface", "settings": ("name", "id", "local", "peers", "port")},
}


def device_name(kind, entry):
    if kind == "vlan" and not entry.get("name"):
        return "%s.%s" % (entry.get("parent"), entry.get("id"))
    return entry.get("name")


def calls(kind, declared, released=(), rollback_timeout=0, owned=None, departing=()):
    """[(device name, module, arguments)] that make ``declared`` and remove ``released``, in order.

    ``owned``: the names of the devices the collection made before (its boot files name them); a
    declared device outside it that exists for something else is then refused, not taken over.
    None: every existing device of a declared name is taken over. ``departing``: devices another
    role removes in this run (a bridge does not release them itself)."""
    if kind not in KINDS:
        raise ValueError("kind: %r is not one of %s" % (kind, ", ".join(sorted(KINDS))))
    module = KINDS[kind]["module"]
    common = {"rollback_timeout": int(rollback_timeout), "rollback_journal": kind}
    found = []
    for entry in declared or ():
        arguments = {key: entry[key] for key in KINDS[kind]["settings"] if entry.get(key) is not None}
        if kind == "bridge":
            arguments["ports"] = list(entry.get("ports") or [])
        if entry.get("address") is not None and (entry.get("method") or "static") == "static":
            arguments["addresses"] = [entry["address"]]
        if kind == "bridge" and entry.get("held_networks"):
            arguments["held_networks"] = list(entry["held_networks"])
        if kind == "bridge" and departing:
            arguments["departing_ports"] = list(departing)
        if kind == "bridge" and entry.get("method") == "dhcp":
            arguments["dhcp"] = True
        if owned is not None:
            arguments["take_over"] = device_name(kind, entry) in owned
        found.append((device_name(kind, entry), module, dict(arguments, **common)))
    for entry in released or ():
        if entry.get("kind") == kind:
            found.append((entry["name"], module, dict(common, name=entry["name"], state="absent")))
    return found
