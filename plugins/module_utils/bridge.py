# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Linux bridges as iproute2 shows them (``ip -j``), and the ``ip -batch`` that makes one as declared.

Only what the caller declares is compared (a setting left as None is not managed). A port that
joins the bridge while it carries the host's addresses hands them, and the routes through it, to
the bridge in the same batch, so the host stays reachable; the bridge also takes that port's MAC
address, so neighbours' ARP caches stay right.
"""

from __future__ import annotations

import fnmatch
import ipaddress

from ansible_collections.privatecloud.iaas.plugins.module_utils.iproute import route_command

# libvirt's NAT bridge: its dnsmasq answers DHCP; the collection never manages it.
LIBVIRT_BRIDGE = "virbr0"
# The VMs' ports a hypervisor attaches to a bridge (libvirt's vnetN, Xen's vifN.M, taps): never the
# collection's to release, though no declaration names them. A port of kind tun is one too.
GUEST_PORTS = ("vnet*", "vif*", "tap*")
# Kernel limits with STP on (net/bridge/br_private.h), in seconds.
FORWARD_DELAY_STP = (2, 30)
HELLO_TIME = (1, 10)
# What an MTU may be: IPv4's smallest datagram (RFC 791) to the kernel's largest.
MTU_RANGE = (68, 65535)


class BridgeError(ValueError):
    """The declaration or the host's state does not allow the change; the message says why."""


def centiseconds(seconds):
    return int(round(float(seconds) * 100))


def check_name_length(name, error=BridgeError):
    """Refuse a device name longer than the kernel holds (15 characters)."""
    if len(name) > 15:
        raise error("name: %r is longer than the 15 characters of an interface name" % name)


def link_of_kind(name, links, kind, what, error=BridgeError):
    """The ``ip -j -d`` entry of ``name``, None when absent; refuses a device of another kind."""
    link = links.get(name)
    if link is not None and link.get("linkinfo", {}).get("info_kind") != kind:
        raise error("%s exists and is not %s (it is a %s device)"
                    % (name, what, link.get("linkinfo", {}).get("info_kind", "plain")))
    return link


def declared_ports(params, links, error=BridgeError):
    """The declared ports of a bridge or bond, each an interface of the host that no other device
    holds as its port."""
    ports = sorted(set(params.get("ports") or []))
    for port in ports:
        if port not in links:
            raise error("ports: %r is not an interface of this host" % port)
        master = links[port].get("master")
        if master not in (None, params["name"]):
            raise error("ports: %r is a port of %s already; release it there first" % (port, master))
    return ports


def bridge_state(name, links, addresses):
    """The bridge as the module compares it, or None when there is no such bridge."""
    link = link_of_kind(name, links, "bridge", "a bridge")
    if link is None:
        return None
    data = link["linkinfo"].get("info_data", {})
    return {
        "name": name,
        "ports": sorted(port for port, other in links.items() if other.get("master") == name),
        "stp": bool(data.get("stp_state")),
        "forward_delay": data.get("forward_delay", 0) / 100.0,
        "hello_time": data.get("hello_time", 0) / 100.0,
        "mtu": link.get("mtu"),
        "addresses": sorted(addresses.get(name, [])),
        "up": "UP" in link.get("flags", []),
    }


def declared_mtu(params, error=BridgeError):
    """The declared MTU (None when not declared): a whole number from 68 (IPv4's smallest) to 65535."""
    value = params.get("mtu")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not MTU_RANGE[0] <= value <= MTU_RANGE[1]:
        raise error("mtu: %r is not a whole number from %d to %d" % ((value,) + MTU_RANGE))
    return value


def mtu_within(name, mtu, carriers, links, error=BridgeError):
    """Refuse an MTU above that of a device that carries the frames (a VLAN device's parent, a
    bridge's port): the kernel accepts it and then drops every larger frame there, silently."""
    for carrier in carriers:
        below = links.get(carrier, {}).get("mtu")
        if below is not None and mtu > below:
            raise error("mtu: %d is above the MTU %d of %s, which carries the frames of %s (raise %s's first)"
                        % (mtu, below, carrier, name, carrier))


def check_declaration(params):
    """Refuse what the kernel or the documents would refuse, before anything is touched."""
    name = params["name"]
    if name == LIBVIRT_BRIDGE:
        raise BridgeError("name: %r is libvirt's NAT bridge, whose dnsmasq answers DHCP: the collection never "
                          "manages it" % name)
    if len(name) > 15 or "/" in name or " " in name:
        raise BridgeError("name: %r is not an interface name" % name)
    if params.get("stp"):
        delay, hello = params.get("forward_delay"), params.get("hello_time")
        if delay is not None and not FORWARD_DELAY_STP[0] <= float(delay) <= FORWARD_DELAY_STP[1]:
            raise BridgeError("forward_delay: %s is outside %d-%d seconds, the kernel's range with STP on"
                              % (delay, FORWARD_DELAY_STP[0], FORWARD_DELAY_STP[1]))
    hello = params.get("hello_time")
    if hello is not None and not HELLO_TIME[0] <= float(hello) <= HELLO_TIME[1]:
        raise BridgeError("hello_time: %s is outside %d-%d seconds" % (hello, HELLO_TIME[0], HELLO_TIME[1]))
    if name in (params.get("ports") or []):
        raise BridgeError("ports: %r cannot be a port of itself" % name)
    declared_mtu(params)


def changes(params, links, addresses, routes):
    """Return (commands for ``ip -batch``, before, after) for the declared bridge.

    ``params``: name, state, ports, stp, forward_delay, hello_time, mtu (None: the smallest of its
    ports', as the kernel sets it), addresses (None: not managed), move_addresses, guest_ports
    (None: GUEST_PORTS), take_over (False: an existing bridge with other ports than the declared
    and guest ones is refused, not taken over).
    """
    check_declaration(params)
    name = params["name"]
    current = bridge_state(name, links, addresses)
    departing = set(params.get("departing_ports") or ())
    if current and departing:
        # Another task of this run removes these devices, which takes them out of the bridge: in
        # check mode they are still there, and the prediction must not release them here.
        current = dict(current, ports=[port for port in current["ports"] if port not in departing])
    if params["state"] == "absent":
        if current is None:
            return [], {}, {}
        commands = ["link delete dev %s" % name]
        if current["addresses"] and len(current["ports"]) == 1 and params.get("move_addresses", True):
            # The reverse of a port joining with the host's addresses: its only port gets them back.
            port = current["ports"][0]
            commands += ["address add %s dev %s" % (address, port) for address in current["addresses"]]
            commands.append("link set dev %s up" % port)
            commands += moved_routes(routes, name, port)
        return commands, current, {}

    ports = declared_ports(params, links, BridgeError)

    wanted = dict(current or {"name": name, "ports": [], "stp": False, "forward_delay": 15.0, "hello_time": 2.0,
                              "mtu": None, "addresses": [], "up": False})
    patterns = params.get("guest_ports")
    patterns = GUEST_PORTS if patterns is None else patterns
    guests = sorted(port for port in (current["ports"] if current else []) if port not in ports and (
        links.get(port, {}).get("linkinfo", {}).get("info_kind") == "tun"
        or any(fnmatch.fnmatchcase(port, pattern) for pattern in patterns)))
    foreign = sorted(set(current["ports"] if current else []) - set(ports) - set(guests))
    if foreign and not params.get("take_over", True):
        raise BridgeError("%s exists with port%s %s, and the collection did not make it: it is left as it is "
                          "(free the name, or choose another)" % (name, "s" if len(foreign) > 1 else "",
                                                                  ", ".join(foreign)))
    wanted["ports"], wanted["up"] = sorted(ports + guests), True
    for key in ("stp", "forward_delay", "hello_time"):
        if params.get(key) is not None:
            wanted[key] = bool(params[key]) if key == "stp" else float(params[key])
    mtu = declared_mtu(params)
    if mtu is not None:
        mtu_within(name, mtu, ports, links)
        set_mtu = mtu != (current or {}).get("mtu")
    else:
        mtu, set_mtu = _undeclared_mtu(current, wanted["ports"], links, departing)
    wanted["mtu"] = mtu

    commands = []
    settings = []
    if current is None or wanted["stp"] != current["stp"]:
        settings.append("stp_state %d" % wanted["stp"])
    # With STP on the kernel checks the delay against the new state: set the state first.
    if current is None or wanted["forward_delay"] != current["forward_delay"]:
        settings.append("forward_delay %d" % centiseconds(wanted["forward_delay"]))
    if current is None or wanted["hello_time"] != current["hello_time"]:
        settings.append("hello_time %d" % centiseconds(wanted["hello_time"]))
    if current is None:
        commands.append("link add name %s type bridge %s" % (name, " ".join(settings)))
    elif settings:
        commands.append("link set dev %s type bridge %s" % (name, " ".join(settings)))

    moved = []
    for port in sorted(set(current["ports"] if current else []) - set(ports) - set(guests)):
        commands.append("link set dev %s nomaster" % port)
    joining = [port for port in ports if links[port].get("master") != name]
    for port in joining:
        carried = addresses.get(port, [])
        if carried and params.get("move_addresses", True):
            # The bridge keeps the port's MAC, so the host's neighbours need no new ARP entry.
            if not moved and links[port].get("address"):
                commands.append("link set dev %s address %s" % (name, links[port]["address"]))
            moved.extend(carried)
            commands.append("link set dev %s master %s" % (port, name))
            commands.extend("address delete %s dev %s" % (address, port) for address in carried)
            commands.extend("address add %s dev %s" % (address, name) for address in carried)
            commands.append("link set dev %s up" % name)
            commands.extend(moved_routes(routes, port, name))
        else:
            commands.append("link set dev %s master %s" % (port, name))
        commands.append("link set dev %s up" % port)

    have = set((current or {}).get("addresses", [])) | set(moved)
    if params.get("addresses") is not None:
        declared = interface_addresses(params["addresses"])
        # What another task holds on the bridge (the data plane's routers, in its subnet) is neither
        # ours to remove nor to add; it stays in the picture of the bridge.
        held = {address for address in have - set(declared)
                if _within(address, params.get("held_networks") or ())}
        wanted["addresses"] = sorted(set(declared) | held)
        commands.extend(address_commands(name, have - held, declared, held))
    else:
        wanted["addresses"] = sorted(have)
    # After the ports join and leave (which change the MTU of a bridge whose MTU was never set).
    if set_mtu:
        commands.append("link set dev %s mtu %d" % (name, mtu))
    if current is None or not current["up"]:
        commands.append("link set dev %s up" % name)
    return commands, current or {}, wanted


def _mtu_of(ports, links):
    mtus = [links[port]["mtu"] for port in ports if links.get(port, {}).get("mtu")]
    return min(mtus) if mtus else None


def _undeclared_mtu(current, ports, links, departing):
    """(the bridge's MTU, whether to set it) when none is declared: the smallest of its ports', as
    the kernel keeps it while nobody sets it (1500 without ports). A bridge whose MTU is that of
    its ports now (with those another call removes) follows its ports by itself; one set by hand,
    or declared before, is set."""
    wanted = _mtu_of(ports, links) or 1500
    if current is None:
        return wanted, False
    automatic = current.get("mtu") == (_mtu_of(list(current["ports"]) + sorted(departing), links) or 1500)
    return wanted, not automatic and current.get("mtu") != wanted


def _within(address, networks):
    interface = ipaddress.ip_interface(address)
    return any(interface.ip in ipaddress.ip_network(network, strict=False) for network in networks)


def address_commands(name, have, declared, held=()):
    """ip -batch lines that make the addresses of ``name`` exactly ``declared`` (``held``: others
    the bridge carries and keeps)."""
    have, declared = set(have), set(declared)
    removed = sorted(have - declared)
    commands = ["address delete %s dev %s" % (address, name) for address in removed]
    # Deleting a primary address also deletes the secondaries of its subnet (the kernel's default
    # without promote_secondaries): after a deletion every declared and held address is put back,
    # and 'replace' leaves one that survived as it is.
    verb, kept = ("replace", sorted(declared | set(held))) if removed else ("add", sorted(declared - have))
    return commands + ["address %s %s dev %s" % (verb, address, name) for address in kept]


def interface_addresses(values):
    """Addresses in CIDR form as the kernel prints them (IPv6 compressed); host bits are kept."""
    # The standard library, not netaddr: modules run on hosts that may not have it.
    found = []
    for index, value in enumerate(values):
        try:
            if "/" not in str(value):
                raise ValueError(value)
            found.append(str(ipaddress.ip_interface(str(value).strip())))
        except (ValueError, TypeError):
            raise BridgeError("addresses[%d]: %r is not an address in CIDR form (e.g. 192.0.2.10/24)" % (index, value))
    return found


def moved_routes(routes, source, target):
    """Routes through ``source`` (the default route among them), re-pointed at ``target``."""
    return [route_command(route, dev=target) for route in routes
            if route.get("dev") == source and route.get("protocol") != "kernel" and route.get("scope") != "link"]


def describe(state):
    """A bridge state as readable lines for --diff."""
    if not state:
        return ""
    keys = ("name", "ports", "stp", "forward_delay", "hello_time", "mtu", "addresses", "up")
    lines = ["%s: %s" % (key, state[key]) for key in keys if key in state]
    if "dhcp_client" in state:
        # Only when the DHCP client moves (linux_bridge's dhcp option): the interface it serves.
        lines.append("dhcp_client: %s" % state["dhcp_client"])
    return "\n".join(lines) + "\n"
