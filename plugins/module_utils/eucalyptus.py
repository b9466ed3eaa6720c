# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Eucalyptus 1.6 networking arithmetic: the CC's address layout and its value formats.

The MANAGED / MANAGED-NOVLAN layout follows the cluster controller (net/vnetwork.c, vnetInit):
VNET_SUBNET/VNET_NETMASK is cut into consecutive blocks of VNET_ADDRSPERNET addresses; the block
of VLAN tag v (2 <= v < max_vlan) starts at SUBNET + (v - 2) * ADDRSPERNET, its router is the
next address, its broadcast the block's last, and instances take the addresses in between.
Every query is arithmetic on integers: nothing builds the list of blocks.
"""

from __future__ import annotations

import difflib
import re

from ansible_collections.privatecloud.iaas.plugins.module_utils import names
from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import (
    AddressError,
    AddressErrors,
    ipv4_address,
    ipv4_subnet,
    mac_address,
    prefix_netmask,
)

MODES = ("SYSTEM", "STATIC", "MANAGED", "MANAGED-NOVLAN")
# What each networking mode is (Eucalyptus Network Configuration (1.6), each mode's section), asked
# through mode_is() wherever a decision depends on the mode, never listed again:
#   bridged  the VMs attach to VNET_BRIDGE on the node (in MANAGED the NC makes eucabr<vlan> bridges
#            itself over <privinterface>.<vlan> devices)
#   vlans    each security group is a VLAN, so nodes need the kernel's 802.1Q support
#   routing  the CC routes the VMs: security groups, elastic IPs, and it owns the front-end's
#            netfilter tables (flushes them at start, reloads the iptables-preload)
#   cc_dhcp  the CC runs dhcpd itself
MODE_TRAITS = {
    "SYSTEM": frozenset(["bridged"]),
    "STATIC": frozenset(["bridged", "cc_dhcp"]),
    "MANAGED": frozenset(["vlans", "routing", "cc_dhcp"]),
    "MANAGED-NOVLAN": frozenset(["bridged", "routing", "cc_dhcp"]),
}


def mode_is(mode, trait):
    """Whether the networking mode ``mode`` has ``trait`` (MODE_TRAITS); False for no mode or an unknown one."""
    return trait in MODE_TRAITS.get(mode, ())


# The CC numbers VLANs up to this bound (exclusive) unless the subnet holds fewer blocks.
NUMBER_OF_VLANS = 4096
FIRST_VLAN = 2
# Below this the CC refuses to start: a block needs a network, a router and a broadcast address.
MIN_ADDRSPERNET = 4


def _addrspernet(value, variable):
    if isinstance(value, bool):
        raise AddressError(variable, value, "is not a whole number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise AddressError(variable, value, "is not a whole number")
    if str(value).strip() != str(number):
        raise AddressError(variable, value, "is not a whole number")
    if number < MIN_ADDRSPERNET:
        raise AddressError(variable, value, "is below %d: a block needs a network, a router, a broadcast "
                                            "and an instance address" % MIN_ADDRSPERNET)
    if number & (number - 1):
        raise AddressError(variable, value, "is not a power of two: blocks would not align on CIDR boundaries")
    return number


class ManagedSubnet:
    """How a MANAGED or MANAGED-NOVLAN cluster controller slices its private subnet."""

    def __init__(self, subnet, netmask, addrspernet,
                 variables=("vnet_subnet", "vnet_netmask", "vnet_addrspernet")):
        subnet_variable, netmask_variable, addrs_variable = variables
        self.network = ipv4_subnet(subnet, netmask, subnet_variable, netmask_variable)
        self.addrspernet = _addrspernet(addrspernet, addrs_variable)
        if self.addrspernet > self.network.size:
            raise AddressError(addrs_variable, addrspernet, "is larger than the subnet %s (%d addresses)"
                               % (self.network.cidr, self.network.size))
        self.blocks = self.network.size // self.addrspernet
        self.max_vlan = min(NUMBER_OF_VLANS, self.blocks)
        self.instances_per_block = self.addrspernet - 3
        self.block_prefix = 32 - (self.addrspernet.bit_length() - 1)
        self._block_netmask = prefix_netmask(self.block_prefix)
        self._first_address = int(self.network.network)

    def capacity(self):
        """The numbers the documents quote: blocks (simultaneous groups), instances, max_vlan."""
        return {
            "blocks": self.blocks,
            "instances_per_block": self.instances_per_block,
            "max_vlan": self.max_vlan,
        }

    def block(self, tag, variable="tag", instance=None):
        """The block of VLAN tag ``tag``: network, prefix, netmask, router, broadcast, first, last.

        With ``instance`` (0, 1, ...) also that instance address of the block, as 'instance'.
        """
        if isinstance(tag, bool) or not isinstance(tag, int):
            try:
                tag = int(str(tag).strip())
            except ValueError:
                raise AddressError(variable, tag, "is not a VLAN tag (a whole number)")
        if not FIRST_VLAN <= tag < self.max_vlan:
            raise AddressError(variable, tag, "is outside the VLAN tags %d..%d that %s by %d provides"
                               % (FIRST_VLAN, self.max_vlan - 1, self.network.cidr, self.addrspernet))
        base = self._first_address + (tag - FIRST_VLAN) * self.addrspernet
        found = {}
        if instance is not None:
            if isinstance(instance, bool) or not isinstance(instance, int) or not 0 <= instance < self.instances_per_block:
                raise AddressError("instance", instance, "is not an instance of a block of %d addresses (0..%d)"
                                   % (self.addrspernet, self.instances_per_block - 1))
            found["instance"] = dotted(base + 2 + instance)
        return dict(found, **{
            "tag": tag,
            "network": dotted(base),
            "prefix": self.block_prefix,
            "netmask": self._block_netmask,
            "router": dotted(base + 1),
            "broadcast": dotted(base + self.addrspernet - 1),
            "first": dotted(base + 2),
            "last": dotted(base + self.addrspernet - 2),
        })


def dotted(number):
    """An IPv4 address as text, straight from its integer (queries stay cheap in templates)."""
    return "%d.%d.%d.%d" % (number >> 24, number >> 16 & 255, number >> 8 & 255, number & 255)


def _tokens(value, variable, what):
    """Split the documented space-separated form, or take a YAML list as it is."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, (list, tuple)):
        return list(value)
    raise AddressError(variable, value, "is not %s (a list, or the documented space-separated string)" % what)


def public_ips(value, variable="vnet_publicips"):
    """VNET_PUBLICIPS in any accepted form -> sorted list of distinct IPv4 addresses.

    Accepted: a YAML list, the documented space-separated string, and ranges ``a-b`` (in either,
    as the documents allow) whose two ends lie in one /24. Every bad entry is reported.
    """
    errors, addresses, seen = [], [], {}
    for index, token in enumerate(_tokens(value, variable, "a list of public IPs")):
        where = "%s[%d]" % (variable, index)
        try:
            if isinstance(token, str) and "-" in token:
                start_text, _dash, end_text = token.partition("-")
                start, end = ipv4_address(start_text, where), ipv4_address(end_text, where)
                if start.words[:3] != end.words[:3]:
                    raise AddressError(where, token, "is a range whose ends are not in one /24")
                if start > end:
                    raise AddressError(where, token, "is a range whose start is above its end")
                found = [start + offset for offset in range(int(end) - int(start) + 1)]
            else:
                found = [ipv4_address(token, where)]
        except AddressError as error:
            errors.append(error)
            continue
        for address in found:
            if address in seen:
                errors.append(AddressError(where, token, "repeats %s (already in %s)" % (address, seen[address])))
            else:
                seen[address] = where
                addresses.append(address)
    if errors:
        raise AddressErrors(errors)
    return [str(address) for address in sorted(addresses)]


def mac_map(value, subnet=None, netmask=None, variable="vnet_macmap"):
    """VNET_MACMAP as a mapping or the documented ``MAC=IP MAC=IP`` string -> list of {mac, ip}.

    MACs come back in the documents' spelling (upper case, colons), the list sorted by IP. With a
    subnet and netmask every IP must be a host address of that subnet. A MAC or an IP used twice
    is refused (after normalising, so ``aa:..`` and ``AA:..`` are the same MAC).
    """
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, str):
        pairs = [token.partition("=")[::2] if "=" in token else (token, None) for token in value.split()]
    else:
        raise AddressError(variable, value, "is not a MAC map (a mapping MAC: IP, or the documented "
                                            "'MAC=IP MAC=IP' string)")
    network = None
    errors = []
    if subnet is not None and netmask is not None:
        try:
            network = ipv4_subnet(subnet, netmask, "vnet_subnet", "vnet_netmask")
        except AddressError as error:
            errors.append(error)
    entries, macs, ips = [], {}, {}
    for raw_mac, raw_ip in pairs:
        where = "%s[%s]" % (variable, raw_mac)
        if raw_ip is None:
            errors.append(AddressError(variable, raw_mac, "is not a MAC=IP pair"))
            continue
        try:
            mac = mac_address(raw_mac, where)
        except AddressError as error:
            errors.append(error)
            mac = None
        try:
            ip = ipv4_address(raw_ip, where)
            if network is not None and (ip not in network or ip in (network.network, network.broadcast)):
                raise AddressError(where, raw_ip, "is not a host address of the STATIC subnet %s" % network.cidr)
        except AddressError as error:
            errors.append(error)
            ip = None
        if mac is not None and mac in macs:
            errors.append(AddressError(where, raw_mac, "is the same MAC as %s" % macs[mac]))
        if ip is not None and ip in ips:
            errors.append(AddressError(where, raw_ip, "is already the IP of %s" % ips[ip]))
        if mac is None or ip is None or mac in macs or ip in ips:
            continue
        macs[mac], ips[ip] = raw_mac, raw_mac
        entries.append((ip, mac))
    if errors:
        raise AddressErrors(errors)
    return [{"mac": mac, "ip": str(ip)} for ip, mac in sorted(entries)]


def static_network(subnet, netmask, broadcast=None, router=None):
    """STATIC mode's subnet with what derives from it; checks a given broadcast and router.

    Returns network, prefix, netmask, broadcast and router (as given).
    """
    errors = []
    network = ipv4_subnet(subnet, netmask, "vnet_subnet", "vnet_netmask")
    if broadcast is not None:
        try:
            if ipv4_address(broadcast, "vnet_broadcast") != network.broadcast:
                raise AddressError("vnet_broadcast", broadcast, "is not the broadcast address of %s (%s)"
                                   % (network.cidr, network.broadcast))
        except AddressError as error:
            errors.append(error)
    if router is not None:
        try:
            address = ipv4_address(router, "vnet_router")
            if address not in network or address in (network.network, network.broadcast):
                raise AddressError("vnet_router", router, "is not a host address of %s" % network.cidr)
        except AddressError as error:
            errors.append(error)
    if errors:
        raise AddressErrors(errors)
    return {
        "network": str(network.network),
        "prefix": network.prefixlen,
        "netmask": str(network.netmask),
        "broadcast": str(network.broadcast),
        "router": router,
    }


def interface_name(value, variable):
    if not names.is_interface(value):
        raise AddressError(variable, value, names.INTERFACE_RULE)
    return value


# Which VNET_* keys each mode needs, on the front-end (the CC) and on nodes (Eucalyptus Network Configuration (1.6),
# each mode's section, with what the CC itself refuses to start without).
REQUIRED_KEYS = {
    "SYSTEM": {"frontend": (), "nodes": ("vnet_bridge",)},
    "STATIC": {
        "frontend": ("vnet_pubinterface", "vnet_privinterface", "vnet_dhcpdaemon", "vnet_subnet",
                     "vnet_netmask", "vnet_broadcast", "vnet_router", "vnet_dns", "vnet_macmap"),
        "nodes": ("vnet_bridge",),
    },
    "MANAGED": {
        "frontend": ("vnet_pubinterface", "vnet_privinterface", "vnet_dhcpdaemon", "vnet_subnet",
                     "vnet_netmask", "vnet_dns", "vnet_addrspernet"),
        "nodes": ("vnet_pubinterface", "vnet_privinterface"),
    },
    "MANAGED-NOVLAN": {
        "frontend": ("vnet_pubinterface", "vnet_privinterface", "vnet_dhcpdaemon", "vnet_subnet",
                     "vnet_netmask", "vnet_dns", "vnet_addrspernet"),
        "nodes": ("vnet_bridge",),
    },
}
KNOWN_KEYS = frozenset((
    "vnet_mode", "vnet_bridge", "vnet_pubinterface", "vnet_privinterface", "vnet_dhcpdaemon",
    "vnet_dhcpuser", "vnet_subnet", "vnet_netmask", "vnet_dns", "vnet_broadcast", "vnet_router",
    "vnet_macmap", "vnet_addrspernet", "vnet_publicips", "vnet_cloudip", "vnet_localip",
    "vnet_dataplane",
    # The data plane the collection realises itself (dataplane.py); not keys of eucalyptus.conf.
    "vnet_security_groups", "vnet_instances", "vnet_metadata_address", "vnet_group_bridge", "vnet_underlay_mtu",
))
# The VNET_* keys of eucalyptus.conf each mode has on the front-end (the CC) and on nodes, in the
# documents' order (Eucalyptus Network Configuration (1.6), each mode's section). Those of
# OPTIONAL_KEYS are written only when set.
CONF_KEYS = {
    "SYSTEM": {"frontend": (), "nodes": ("vnet_bridge",)},
    "STATIC": {
        "frontend": ("vnet_pubinterface", "vnet_privinterface", "vnet_dhcpdaemon", "vnet_dhcpuser", "vnet_subnet",
                     "vnet_netmask", "vnet_broadcast", "vnet_router", "vnet_dns", "vnet_macmap"),
        "nodes": ("vnet_bridge",),
    },
    "MANAGED": {
        "frontend": ("vnet_pubinterface", "vnet_privinterface", "vnet_dhcpdaemon", "vnet_dhcpuser", "vnet_subnet",
                     "vnet_netmask", "vnet_dns", "vnet_addrspernet", "vnet_publicips", "vnet_cloudip",
                     "vnet_localip"),
        "nodes": ("vnet_pubinterface", "vnet_privinterface"),
    },
}
CONF_KEYS["MANAGED-NOVLAN"] = {"frontend": CONF_KEYS["MANAGED"]["frontend"], "nodes": ("vnet_bridge",)}
OPTIONAL_KEYS = ("vnet_dhcpuser", "vnet_publicips", "vnet_cloudip", "vnet_localip")


def conf_name(variable):
    """vnet_macmap -> VNET_MACMAP."""
    return variable.upper()


# Every VNET_* key the collection writes: on a host it manages, one that its mode and role do
# not need is removed from eucalyptus.conf.
CONF_OWNED = tuple(sorted(set(conf_name(key) for mode in CONF_KEYS.values() for keys in mode.values()
                              for key in keys) | {"VNET_MODE"}))


def conf_settings(variables, roles, defaults=None):
    """{VNET_KEY: value} of eucalyptus.conf for a host with these roles ('frontend', 'nodes').

    ``variables``: a mapping with the host's vnet_* values (only those are read, so Ansible's
    hostvars of the host will do); ``defaults``: vnet_* values that apply where the host sets
    none. Values are rendered in the documented textual form: the MAC map as 'MAC=IP MAC=IP',
    public IPs space-separated. A key the mode requires and the host lacks fails, naming it.
    """
    known = dict(defaults or {})
    for key in KNOWN_KEYS:
        if variables.get(key) not in (None, ""):
            known[key] = variables.get(key)
    variables = known
    mode = variables.get("vnet_mode")
    if mode not in MODES:
        raise AddressError("vnet_mode", mode, "is not one of %s" % ", ".join(MODES))
    settings = {"VNET_MODE": mode}
    errors = []
    for role in ("frontend", "nodes"):
        if role not in roles:
            continue
        for key in CONF_KEYS[mode][role]:
            value = variables.get(key)
            if value in (None, ""):
                if key in REQUIRED_KEYS[mode][role]:
                    errors.append(AddressError(key, value, "is missing: a %s %s needs it"
                                               % (mode, "front-end" if role == "frontend" else "node")))
                continue
            try:
                settings[conf_name(key)] = _conf_value(key, variables)
            except (AddressError, AddressErrors) as error:
                errors.extend(getattr(error, "errors", [error]))
    if errors:
        raise AddressErrors(errors)
    return settings


def _conf_value(key, variables):
    value = variables[key]
    if key == "vnet_macmap":
        pairs = mac_map(value, variables.get("vnet_subnet"), variables.get("vnet_netmask"))
        return " ".join("%s=%s" % (pair["mac"], pair["ip"]) for pair in pairs)
    if key == "vnet_publicips":
        public_ips(value)  # refuses what the CC could not read
        return " ".join(str(item) for item in value) if isinstance(value, (list, tuple)) else " ".join(value.split())
    return str(value)


# libvirt's NAT bridge: its dnsmasq answers DHCP, so it is never the VMs' bridge.
LIBVIRT_BRIDGE = "virbr0"
USER_NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}\Z")


def check_hosts(hosts, problems):
    """Record every broken Eucalyptus networking rule of the inventory in ``problems``.

    ``hosts`` maps each Eucalyptus host name to {"groups": [...], "vars": {...}}; the front-ends
    (CCs) are the hosts of group 'frontend', the node controllers those of group 'nodes'.
    """
    modes = {}
    public = {}
    reference = None  # the mode of the first front-end: the CC's mode is the cloud's
    for host, entry in sorted(hosts.items(), key=lambda item: ("frontend" not in item[1]["groups"], item[0])):
        variables, groups = entry["vars"], entry["groups"]
        roles = [role for role in ("frontend", "nodes") if role in groups]
        mode = variables.get("vnet_mode")
        if mode is None:
            if roles:
                problems.add(host, "vnet_mode", None, "is missing: every front-end and node needs the mode")
            continue
        if mode not in MODES:
            problems.add(host, "vnet_mode", mode, "is not one of %s" % ", ".join(MODES))
            continue
        modes.setdefault(mode, []).append(host)
        reference = reference or mode
        if mode in ("MANAGED", "MANAGED-NOVLAN") and len(roles) == 2:
            problems.add(host, "vnet_mode", mode, "needs the front-end and the nodes on separate machines "
                                                  "(traffic between groups passes the front-end's router)")
        for role in roles:
            for key in REQUIRED_KEYS[mode][role]:
                if variables.get(key) in (None, ""):
                    problems.add(host, key, variables.get(key), "is missing: a %s %s needs it"
                                 % (mode, "front-end" if role == "frontend" else "node"))
        _check_values(host, mode, roles, variables, problems, public)
    _check_tunnels(hosts, problems)
    for mode, names in sorted(modes.items()):
        if mode != reference:
            for host in names:
                problems.add(host, "vnet_mode", mode, "differs from %s (on %s): one networking mode for "
                             "the whole cloud" % (reference, ", ".join(modes[reference])))


def _check_values(host, mode, roles, variables, problems, public):
    for key in sorted(variables):
        if key.startswith("vnet_") and key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, 1)
            problems.add(host, key, variables[key], "is not a variable of the collection%s"
                         % (" (did you mean %s?)" % close[0] if close else ""))
    # A key only another kind of host uses (a front-end's vnet_dns in group_vars/all, which the
    # front-ends set again) is that host's to check: it is never written here.
    unused = {key for keys in CONF_KEYS[mode].values() for key in keys} - {
        key for role in roles for key in CONF_KEYS[mode][role]}
    variables = {key: value for key, value in variables.items() if key not in unused}
    for key in ("vnet_bridge", "vnet_pubinterface", "vnet_privinterface"):
        if variables.get(key) not in (None, ""):
            problems.check(host, interface_name, variables[key], key)
    if variables.get("vnet_bridge") == LIBVIRT_BRIDGE:
        problems.add(host, "vnet_bridge", LIBVIRT_BRIDGE, "is libvirt's NAT bridge: its dnsmasq would answer "
                                                          "the VMs' DHCP; use a bridge on the LAN such as br0")
    daemon = variables.get("vnet_dhcpdaemon")
    if daemon not in (None, "") and not (isinstance(daemon, str) and daemon.startswith("/")):
        problems.add(host, "vnet_dhcpdaemon", daemon, "is not an absolute path to the dhcpd binary")
    user = variables.get("vnet_dhcpuser")
    if user not in (None, "") and not (isinstance(user, str) and USER_NAME.match(user)):
        problems.add(host, "vnet_dhcpuser", user, "is not a user name")
    for key in ("vnet_dns", "vnet_cloudip", "vnet_localip"):
        if variables.get(key) not in (None, ""):
            problems.check(host, ipv4_address, variables[key], key)
    if "frontend" in roles:
        if mode == "STATIC":
            _check_static(host, variables, problems)
        elif mode in ("MANAGED", "MANAGED-NOVLAN"):
            _check_managed(host, variables, problems, public)
    if "nodes" in roles and mode == "MANAGED":
        pub, priv = variables.get("vnet_pubinterface"), variables.get("vnet_privinterface")
        if pub and priv and pub != priv:
            problems.add(host, "vnet_pubinterface", pub, "differs from vnet_privinterface %r: on a MANAGED node "
                         "both are the NIC facing the front-end" % priv)


def _check_static(host, variables, problems):
    keys = ("vnet_subnet", "vnet_netmask", "vnet_broadcast", "vnet_router")
    if any(variables.get(key) in (None, "") for key in keys):
        return
    network = problems.check(host, static_network, *(variables[key] for key in keys))
    if network is not None and variables.get("vnet_macmap") not in (None, ""):
        pairs = problems.check(host, mac_map, variables["vnet_macmap"], variables["vnet_subnet"],
                               variables["vnet_netmask"])
        for pair in pairs or ():
            if pair["ip"] == variables["vnet_router"]:
                problems.add(host, "vnet_macmap[%s]" % pair["mac"], pair["ip"], "is the router's address")


def _check_managed(host, variables, problems, public):
    keys = ("vnet_subnet", "vnet_netmask", "vnet_addrspernet")
    managed = None
    if all(variables.get(key) not in (None, "") for key in keys):
        managed = problems.check(host, ManagedSubnet, *(variables[key] for key in keys))
    if variables.get("vnet_publicips") in (None, ""):
        return
    addresses = problems.check(host, public_ips, variables["vnet_publicips"])
    for address in addresses or ():
        if managed is not None and ipv4_address(address) in managed.network:
            problems.add(host, "vnet_publicips", address, "lies in the private subnet %s" % managed.network.cidr)
        if address in public:
            problems.add(host, "vnet_publicips", address, "is a public IP of %s too: each front-end needs its own"
                         % public[address])
        else:
            public[address] = host


def _check_tunnels(hosts, problems):
    """MANAGED-NOVLAN with several clusters: each CC tunnels through a bridge.

    Eucalyptus Network Configuration (1.6), Multi-cluster networking. Where the collection runs
    the data plane (vnet_dataplane: ansible) no CC tunnels: its own tunnel joins the private
    network's bridge instead (host_plan names what that needs).
    """
    frontends = [host for host, entry in hosts.items() if "frontend" in entry["groups"]]
    if len(frontends) < 2:
        return
    for host in sorted(frontends):
        variables = hosts[host]["vars"]
        public = variables.get("vnet_pubinterface")
        if (variables.get("vnet_mode") != "MANAGED-NOVLAN" or not public or variables.get("vnet_localip") == "0.0.0.0"
                or variables.get("vnet_dataplane") == "ansible"):
            continue
        bridges = [bridge.get("name") for bridge in variables.get("bridge_interfaces") or [] if isinstance(bridge, dict)]
        if public not in bridges:
            problems.add(host, "vnet_pubinterface", public, "is not a bridge in bridge_interfaces: with several "
                                                            "clusters a MANAGED-NOVLAN CC tunnels through a bridge")
