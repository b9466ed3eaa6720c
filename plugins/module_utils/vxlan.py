# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""VXLAN devices that carry a layer 2 to other hosts, as ``ip -j`` and ``bridge -j`` show them.

One device per segment reaches every peer: each peer is an all-zeros entry of the device's
forwarding database (``bridge fdb append 00:00:00:00:00:00 dev <name> dst <peer>``), so
broadcasts and unknown unicast go to every peer. The device learns nothing from what arrives
(``nolearning``): a packet from a host that is not a peer could otherwise teach it a MAC address
and draw the segment's replies there (the firewall admits only the peers besides). A frame that
came from one peer is never sent on to another, so peers joined in a full mesh make no loop
(per-peer tunnels in one bridge would). Its MTU is the declared one, else 1500; the outer packet
is 50 bytes longer (IPv4, UDP, VXLAN and the inner Ethernet headers), and one the path cannot
carry whole is fragmented on the way (the kernel leaves DF unset): the plan gives its tunnels
the underlay's MTU less 50, so that none is.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.privatecloud.iaas.plugins.module_utils.bridge import (
    BridgeError,
    check_name_length,
    declared_mtu,
    link_of_kind,
)
from ansible_collections.privatecloud.iaas.plugins.module_utils.iproute import read_fdb

VNIS = (1, 16777215)
# The IANA port of VXLAN; Linux's own default (8472) predates it.
DEFAULT_PORT = 4789
FLOOD = "00:00:00:00:00:00"
# A VXLAN device's MTU when none is declared: the kernel's for one without a lower device.
DEFAULT_MTU = 1500
# What the outer headers add to a frame (IPv4 20, UDP 8, VXLAN 8, the inner Ethernet header 14).
OVERHEAD = 50


class VxlanError(BridgeError):
    """The declaration or the host's state does not allow the change."""


def read_peers(fdb_json):
    """{device: [peer address, ...]} from ``bridge -j fdb show``: the all-zeros entries with a dst."""
    return {device: sorted(set(entry.split()[1] for entry in entries if entry.split()[0] == FLOOD))
            for device, entries in read_fdb(fdb_json).items()
            if any(entry.split()[0] == FLOOD for entry in entries)}


def vxlan_state(name, links, peers):
    link = link_of_kind(name, links, "vxlan", "a VXLAN device", VxlanError)
    if link is None:
        return None
    data = link["linkinfo"].get("info_data", {})
    return {
        "name": name,
        "id": data.get("id"),
        "local": data.get("local"),
        "port": data.get("port"),
        "mtu": link.get("mtu"),
        "peers": list(peers.get(name, [])),
        "learning": data.get("learning", True),
        "up": "UP" in link.get("flags", []),
    }


def _address(value, variable):
    # The standard library's parser: the module runs on hosts that may lack netaddr.
    try:
        return str(ipaddress.IPv4Address(str(value)))
    except ValueError:
        raise VxlanError("%s: %r is not an IPv4 address (dotted quad, e.g. 192.0.2.1)" % (variable, value))


def changes(params, links, peers):
    """Return (ip commands, fdb changes, before, after) for the declared VXLAN device.

    fdb changes are ``bridge`` argument lists (without the program), run after the ip commands.
    """
    name = params["name"]
    check_name_length(name, VxlanError)
    current = vxlan_state(name, links, peers)
    if params["state"] == "absent":
        return (["link delete dev %s" % name], [], current, {}) if current else ([], [], {}, {})
    vni, port = params.get("id"), params.get("port", DEFAULT_PORT)
    if isinstance(vni, bool) or not isinstance(vni, int) or not VNIS[0] <= vni <= VNIS[1]:
        raise VxlanError("id: %r is not a VXLAN network identifier (%d-%d)" % (vni, VNIS[0], VNIS[1]))
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise VxlanError("port: %r is not a UDP port (1-65535)" % (port,))
    local = _address(params.get("local"), "local")
    wanted_peers = sorted({_address(peer, "peers") for peer in params.get("peers") or []})
    if local in wanted_peers:
        raise VxlanError("peers: %s is this device's own local address" % local)
    mtu = declared_mtu(params, VxlanError)
    mtu = DEFAULT_MTU if mtu is None else mtu

    commands = []
    identity = (vni, local, port)
    if current and (current["id"], current["local"], current["port"]) != identity:
        if not params.get("take_over", True):
            raise VxlanError("%s exists as VXLAN %s from %s port %s, and the collection did not make it: it is left "
                             "as it is (free the name, or choose another)"
                             % (name, current["id"], current["local"], current["port"]))
        # The id, local address and port cannot change in place: the device is made anew.
        commands.append("link delete dev %s" % name)
        current = None
    if current is None:
        commands.append("link add name %s mtu %d type vxlan id %d local %s dstport %d nolearning"
                        % (name, mtu, vni, local, port))
    elif current["learning"]:
        commands.append("link set dev %s type vxlan nolearning" % name)
    if current is not None and current["mtu"] != mtu:
        commands.append("link set dev %s mtu %d" % (name, mtu))
    if current is None or not current["up"]:
        commands.append("link set dev %s up" % name)
    have = current["peers"] if current else []
    fdb = [["fdb", "append", FLOOD, "dev", name, "dst", peer] for peer in wanted_peers if peer not in have]
    fdb += [["fdb", "del", FLOOD, "dev", name, "dst", peer] for peer in have if peer not in wanted_peers]
    after = {"name": name, "id": vni, "local": local, "port": port, "mtu": mtu, "peers": wanted_peers,
             "learning": False, "up": True}
    return commands, fdb, current or {}, after


def describe(state):
    """The device as the diff shows it."""
    if not state:
        return ""
    lines = ["%s: VXLAN %s from %s, UDP port %s, MTU %s, %s, %s" % (
        state["name"], state["id"], state["local"], state["port"], state.get("mtu"),
        "learning" if state.get("learning", True) else "no learning", "up" if state["up"] else "down")]
    lines += ["  peer %s" % peer for peer in state["peers"]]
    return "\n".join(lines) + "\n"
