# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the links under a host's planned bonds and bridges are doing, from one ``ip -j -d link
show``: preflight's rows, one per bond and one per bridge.

- A bond: each port's link (the bond's link monitor, or the NIC's carrier before the bond is
  made), the active port of an active-backup bond, and for 802.3ad that LACP agreed with a
  partner on every port (all in the bond's active aggregator). A port whose link is down, or an
  802.3ad port outside the aggregator, carries nothing: the bond has lost its redundancy even
  though traffic still flows.
- A bridge: the MTU along its path down to the NICs. A device above one with a smaller MTU
  (a bridge over a port, a VLAN device over its parent, a bond over a port) sends frames the one
  below drops: small packets pass and large transfers stall.
"""

from __future__ import annotations

NO_PARTNER = "00:00:00:00:00:00"


def by_name(links):
    """``ip -j -d link show``'s list as a mapping of interface name to its entry."""
    return {link["ifname"]: link for link in links or [] if isinstance(link, dict) and "ifname" in link}


def _kind(link):
    return (link.get("linkinfo") or {}).get("info_kind")


def _has_link(link):
    return "LOWER_UP" in link.get("flags", [])


def bond_row(bond, links):
    """Preflight's row of a planned bond: ``(ok, detail)``."""
    name = bond.get("name")
    ports = list(bond.get("ports") or [])
    link = links.get(name)
    if link is None:
        # Not made yet: what it will start with is each NIC's carrier.
        missing = [port for port in ports if port not in links]
        if missing:
            return False, "not made yet, and %s: no such interface" % ", ".join(missing)
        down = [port for port in ports if not _has_link(links[port])]
        if down:
            return False, "not made yet; %s without a link (no carrier): the bond would start without %s" % (
                ", ".join(down), "it" if len(down) == 1 else "them")
        return True, "not made yet; %s each with a link" % ", ".join(ports)
    if _kind(link) != "bond":
        return False, "exists and is not a bond (it is a %s device)" % (_kind(link) or "plain")
    data = link["linkinfo"].get("info_data") or {}
    mode = data.get("mode")
    members = {port: other for port, other in links.items() if other.get("master") == name}
    # What the bonding driver reports of each port (its link, its aggregator).
    port_data = {port: (member.get("linkinfo") or {}).get("info_slave_data") or {}
                 for port, member in members.items()}
    problems = ["%s is not in the bond" % port for port in ports if port not in members]
    states = []
    for port in sorted(members):
        status = port_data[port].get("mii_status", "UP" if _has_link(members[port]) else "DOWN")
        states.append("%s %s" % (port, status.lower()))
        if status != "UP":
            problems.append("%s's link is %s" % (port, status.lower()))
    detail = [mode or "bond"]
    if mode == "active-backup":
        active = data.get("active_slave")
        detail.append("active port %s" % (active or "none"))
        if not active:
            problems.append("no port is active")
    if mode == "802.3ad":
        info = data.get("ad_info") or {}
        aggregator, partner = info.get("aggregator"), info.get("partner_mac", NO_PARTNER)
        detail.append("aggregator %s with partner %s" % (aggregator, partner))
        if partner == NO_PARTNER:
            problems.append("no LACP partner answers (is the switch side an 802.3ad group?)")
        for port in sorted(members):
            if port_data[port].get("ad_aggregator_id") != aggregator:
                problems.append("%s is in aggregator %s, not the active %s: it carries nothing"
                                % (port, port_data[port].get("ad_aggregator_id"), aggregator))
    text = "%s; ports %s" % (", ".join(detail), ", ".join(states) or "none")
    return not problems, "; ".join(problems + [text]) if problems else text


def _lower(link, links):
    """The devices directly under ``link`` that carry its frames: a bridge's or bond's ports, a
    VLAN device's parent."""
    if _kind(link) in ("bridge", "bond"):
        return sorted(name for name, other in links.items() if other.get("master") == link["ifname"])
    if _kind(link) == "vlan" and link.get("link") in links:
        return [link["link"]]
    return []


def mtu_path_row(bridge, links):
    """Preflight's row of a planned bridge: ``(ok, detail)``, the MTU of each device from the
    bridge down to its NICs, e.g. ``br0 1500 > bond0 1500 > eth0 1500, eth1 1500``."""
    name = bridge.get("name")
    if name not in links:
        return True, "not made yet"
    problems, levels, above = [], [], [links[name]]
    seen = {name}
    while above:
        levels.append(", ".join("%s %s" % (link["ifname"], link.get("mtu")) for link in above))
        below = []
        for link in above:
            for lower in _lower(link, links):
                if lower in seen:
                    continue
                seen.add(lower)
                if (links[lower].get("mtu") or 0) < (link.get("mtu") or 0):
                    problems.append("%s's MTU %s is above %s's %s, which drops its larger frames"
                                    % (link["ifname"], link.get("mtu"), lower, links[lower].get("mtu")))
                below.append(links[lower])
        above = below
    text = " > ".join(levels)
    return not problems, "; ".join(problems + [text]) if problems else text


def rows(checks, links):
    """Rows ``{check, result, detail}`` of each bond and bridge of the plan's ``link_checks``
    against the host's ``ip -j -d link show`` (a list)."""
    found = by_name(links)
    result = []
    for check, judge, devices in (("bond", bond_row, checks.get("bonds")),
                                  ("MTU path", mtu_path_row, checks.get("bridges"))):
        for device in devices or []:
            ok, detail = judge(device, found)
            result.append({"check": "%s %s" % (check, device.get("name")), "result": "ok" if ok else "FAILED",
                           "detail": detail})
    return result
