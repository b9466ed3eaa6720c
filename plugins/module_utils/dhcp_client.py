# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DHCP client ifupdown runs for an interface, moved with the interface's addresses.

A port that joins a bridge hands its addresses to the bridge (bridge.changes); when the bridge's
address comes from DHCP, the client that held the port's lease must follow, or it would renew
the lease on a port that no longer carries the address. ifupdown's dhcp method starts the first
client it finds, in this order; Debian 12 has ISC dhclient, Debian 13 dhcpcd (dhcpcd-base).
Each is started as ifupdown starts it and stopped without releasing its lease, so the bridge,
which keeps the port's MAC address, renews the same lease.
"""

from __future__ import annotations

import os

CLIENTS = (
    {"name": "dhclient", "program": "/sbin/dhclient",
     "pidfiles": ["/run/dhclient.{interface}.pid"],
     "start": ["-4", "-pf", "/run/dhclient.{interface}.pid", "-lf", "/var/lib/dhcp/dhclient.{interface}.leases",
               "-I", "-df", "/var/lib/dhcp/dhclient6.{interface}.leases", "{interface}"],
     # -x: stop without releasing the lease.
     "stop": ["-x", "-pf", "/run/dhclient.{interface}.pid"]},
    {"name": "pump", "program": "/sbin/pump"},
    {"name": "udhcpc", "program": "/sbin/udhcpc"},
    {"name": "dhcpcd", "program": "/sbin/dhcpcd",
     "pidfiles": ["/run/dhcpcd/{interface}.pid", "/run/dhcpcd/{interface}-4.pid", "/run/dhcpcd-{interface}.pid"],
     "start": ["{interface}"],
     # -x: the client of this interface exits; it releases nothing.
     "stop": ["-x", "{interface}"]},
)

# Check mode on a host whose client is not installed yet: what starts is only named.
PREDICTED = {"name": "the DHCP client", "program": "(to be installed)", "start": ["{interface}"]}


class DhcpClientError(Exception):
    pass


def client(executable=os.path.isfile):
    """The client ifupdown would start (the first of CLIENTS whose program is there), or None."""
    for candidate in CLIENTS:
        if executable(candidate["program"]):
            return candidate
    return None


def _format(arguments, interface):
    return [argument.format(interface=interface) for argument in arguments]


def runs_for(chosen, interface, read_pid=None, alive=None):
    """True when the client's pid file for ``interface`` names a running process."""
    read_pid = read_pid or _read_pid
    alive = alive or _alive
    for pattern in chosen.get("pidfiles", ()):
        pid = read_pid(pattern.format(interface=interface))
        if pid and alive(pid):
            return True
    return False


def hand_over(chosen, bridge, ports, running):
    """[(what, command)] that leave the bridge's lease to one client running on the bridge.

    ``running(interface)`` tells whether the client runs for an interface. The clients of the
    ports stop (their addresses are on the bridge already); one starts on the bridge unless one
    runs there."""
    if chosen is None:
        raise DhcpClientError("%s gets its address by DHCP, but this host has no DHCP client ifupdown can run "
                              "(%s)" % (bridge, ", ".join(candidate["program"] for candidate in CLIENTS)))
    steps = []
    for port in ports:
        if running(port):
            steps.append(("stop %s on %s" % (chosen["name"], port), _command(chosen, "stop", port)))
    if not running(bridge):
        steps.append(("start %s on %s" % (chosen["name"], bridge), _command(chosen, "start", bridge)))
    return steps


def _command(chosen, action, interface):
    if action not in chosen:
        raise DhcpClientError("%s is the DHCP client here, and the collection cannot move its lease from one "
                              "interface to another: install %s" % (chosen["name"], "dhcpcd-base or isc-dhcp-client"))
    return [chosen["program"]] + _format(chosen[action], interface)


def _read_pid(path):
    try:
        with open(path) as handle:
            return int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid):
    return os.path.isdir("/proc/%d" % pid)
