# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Extra addresses the collection owns on interfaces it does not own (routers, elastic IPs), and
the routes through them (to another cluster's instances).

The record of what is owned is an ``ip -batch`` file, one ``address replace <cidr> dev <device>``
line per address, then one ``route replace <cidr> via <gateway>`` line per route: the next run
reads it to know what it may remove, and the boot unit feeds it to ``ip -force -batch`` to put
them back (the addresses first, so that each gateway is on a connected network). An address or
route nobody recorded (the host's own, another program's) is never removed, even when it equals
one the collection stops wanting.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import struct

_LINE = re.compile(r"^address replace (\S+) dev (\S+)$")
_ROUTE = re.compile(r"^route replace (\S+) via (\S+)$")


class OwnedAddressError(ValueError):
    pass


def wanted_addresses(entries):
    """[(device, cidr, announce)] of the module's ``addresses``, checked and in their given order."""
    found, seen = [], {}
    for index, entry in enumerate(entries or ()):
        where = "addresses[%d]" % index
        if not isinstance(entry, dict) or not entry.get("device") or not entry.get("address"):
            raise OwnedAddressError("%s: %r needs device and address" % (where, entry))
        # The standard library's parser: this runs on the managed host, which need not have netaddr.
        address, _slash, prefix = str(entry["address"]).partition("/")
        try:
            address = ipaddress.IPv4Address(address)
        except ValueError:
            address = None
        if address is None or not (prefix.isdigit() and 0 <= int(prefix) <= 32):
            raise OwnedAddressError("%s.address: %r is not an IPv4 address with its prefix length (10.0.0.1/24, "
                                    "192.0.2.9/32)" % (where, entry["address"]))
        cidr = "%s/%d" % (address, int(prefix))
        key = (entry["device"], cidr)
        if key in seen:
            raise OwnedAddressError("%s: %s on %s is also addresses[%d]" % (where, cidr, entry["device"], seen[key]))
        seen[key] = index
        found.append((str(entry["device"]), cidr, bool(entry.get("announce", False))))
    return found


def wanted_routes(entries):
    """[(cidr, gateway)] of the module's ``routes``, checked and in their given order."""
    found, seen = [], {}
    for index, entry in enumerate(entries or ()):
        where = "routes[%d]" % index
        if not isinstance(entry, dict) or not entry.get("to") or not entry.get("via"):
            raise OwnedAddressError("%s: %r needs to and via" % (where, entry))
        try:
            network = ipaddress.IPv4Network(str(entry["to"]))
        except ValueError:
            raise OwnedAddressError("%s.to: %r is not an IPv4 network (10.10.2.3/32, 10.10.2.0/26)" % (where, entry["to"]))
        try:
            gateway = ipaddress.IPv4Address(str(entry["via"]))
        except ValueError:
            raise OwnedAddressError("%s.via: %r is not an IPv4 address" % (where, entry["via"]))
        cidr = str(network)
        if cidr in seen:
            raise OwnedAddressError("%s: a route to %s is also routes[%d]" % (where, cidr, seen[cidr]))
        seen[cidr] = index
        found.append((cidr, str(gateway)))
    return found


def read_routes_record(text):
    """[(cidr, gateway)] of a record file."""
    return [match.groups() for match in (_ROUTE.match(line.strip()) for line in (text or "").splitlines()) if match]


def present_routes(routes):
    """{cidr: gateway} of the main table's unicast routes through a gateway (``ip -j route show``)."""
    found = {}
    for route in routes or ():
        if route.get("gateway") and route.get("type", "unicast") == "unicast" and route.get("dst"):
            dst = route["dst"]
            found["%s/32" % dst if "/" not in dst and dst != "default" else dst] = route["gateway"]
    return found


def route_changes(wanted, recorded, present):
    """(deletions, replacements, added, removed): ``ip -batch`` lines that delete the recorded routes
    no longer wanted (those still there as recorded) and make each wanted one exact."""
    wanted_map = dict(wanted)
    deletions, replacements, added, removed = [], [], [], []
    for cidr, gateway in recorded:
        # One still wanted through another gateway is replaced below, not deleted.
        if cidr not in wanted_map and present.get(cidr) == gateway:
            deletions.append("route del %s via %s" % (cidr, gateway))
            removed.append((cidr, gateway))
    for cidr, gateway in wanted:
        if present.get(cidr) != gateway:
            replacements.append("route replace %s via %s" % (cidr, gateway))
            added.append((cidr, gateway))
    return deletions, replacements, added, removed


def read_record(text):
    """[(device, cidr)] of a record file."""
    found = []
    for line in (text or "").splitlines():
        match = _LINE.match(line.strip())
        if match:
            found.append((match.group(2), match.group(1)))
    return found


def render_record(wanted, routes=()):
    if not wanted and not routes:
        return ""
    header = "# Addresses owned by privatecloud.iaas (owned_addresses module): ip -force -batch restores them.\n"
    return (header + "".join("address replace %s dev %s\n" % (cidr, device) for device, cidr, _announce in wanted)
            + "".join("route replace %s via %s\n" % route for route in routes))


def changes(wanted, recorded, present):
    """(commands, added, removed): ``ip -batch`` lines that add what is wanted and missing and
    delete what was recorded, is no longer wanted and is still there. ``present``: {device: [cidr]}."""
    wanted_keys = {(device, cidr) for device, cidr, _announce in wanted}
    commands, added, removed = [], [], []
    for device, cidr in recorded:
        if (device, cidr) not in wanted_keys and cidr in present.get(device, ()):
            commands.append("address del %s dev %s" % (cidr, device))
            removed.append((device, cidr))
    for device, cidr, announce in wanted:
        if device not in present:
            raise OwnedAddressError("%s: no such interface for %s" % (device, cidr))
        if cidr not in present[device]:
            commands.append("address add %s dev %s" % (cidr, device))
            added.append((device, cidr, announce))
    return commands, added, removed


def describe(pairs, routes=()):
    return ("".join("%s on %s\n" % (cidr, device) for device, cidr in sorted(pairs))
            + "".join("route to %s via %s\n" % route for route in sorted(routes)))


def gratuitous_arp(mac, address):
    """The Ethernet frame of a gratuitous ARP request: who-has ``address`` tell ``address``, from ``mac``."""
    sender = bytes(int(part, 16) for part in mac.split(":"))
    ip = socket.inet_aton(address)
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, sender, ip, b"\x00" * 6, ip)
    return b"\xff" * 6 + sender + struct.pack("!H", 0x0806) + arp


def announce(device, mac, address, count=2):
    """Send gratuitous ARPs for ``address`` on ``device``, so neighbours update their caches at once."""
    frame = gratuitous_arp(mac, address)
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sender:
        sender.bind((device, 0))
        for _attempt in range(count):
            sender.send(frame)
