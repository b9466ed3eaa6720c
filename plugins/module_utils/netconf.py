# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Persistent interface configuration in the documents' own formats.

One model of NICs, VLAN devices, VXLAN devices and bridges (interfaces()) rendered two ways:
- Debian/Ubuntu ifupdown, one file per interface under /etc/network/interfaces.d/, named with a
  weight so the boot order is NIC -> VLAN -> VXLAN -> bridge (20-, 40-, 50-, 60-);
- RHEL/CentOS ifcfg files under /etc/sysconfig/network-scripts/ (no VXLAN: initscripts has none).
Stanzas follow the Eucalyptus and CloudStack documents' examples key for key.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.privatecloud.iaas.plugins.module_utils import names
from ansible_collections.privatecloud.iaas.plugins.module_utils import bond as bonding
from ansible_collections.privatecloud.iaas.plugins.module_utils.bridge import MTU_RANGE

WEIGHTS = {"ether": 20, "bond": 30, "vlan": 40, "vxlan": 50, "bridge": 60}
# A bond's settings in ifupdown (ifenslave's bond-* options) and in ifcfg's BONDING_OPTS.
BOND_OPTIONS = ("mode", "miimon", "lacp_rate", "xmit_hash_policy", "primary")
# The VXLAN devices' flooding entry, one per peer (see module_utils/vxlan.py).
FLOOD = "00:00:00:00:00:00"
VXLAN_PORT = 4789
METHODS = ("manual", "static", "dhcp")


class ConfigError(ValueError):
    """An interface declaration the files cannot express; the message names the interface."""


def interfaces(nics=(), vlans=(), bridges=(), vxlans=(), bonds=()):
    """Normalise the declarations into one ordered list (NICs, bonds, VLANs, VXLANs, bridges).

    Each entry: kind, name, method, address (CIDR) / gateway / dns / dns_domain for static,
    hwaddr, and per kind: parent and id (vlan); id, local, peers, port (vxlan: a bridge's port,
    no address); ports, stp, forward_delay, hello_time, maxwait (bridge); ports and the bond's
    settings (bond: its mode, miimon, lacp_rate, xmit_hash_policy, primary, each as the kernel
    would have it); master, the bridge or bond an interface is a port of.
    """
    found = {}
    for spec in nics:
        found[spec["name"]] = _common(spec, "ether")
    for spec in bonds:
        entry = _common(spec, "bond")
        try:
            bonding.check_declaration(dict(spec, state="present"))
        except bonding.BondError as error:
            raise ConfigError("%s: %s" % (entry["name"], error))
        entry.update(ports=list(spec.get("ports") or []), **bonding.wanted_settings(spec))
        found[entry["name"]] = entry
    for spec in vlans:
        entry = _common(dict(spec, name=spec.get("name") or "%s.%s" % (spec["parent"], spec["id"])), "vlan")
        entry.update(parent=_name(spec["parent"], "has a parent that"), id=int(spec["id"]))
        found[entry["name"]] = entry
    for spec in vxlans:
        entry = _common(dict(spec, method="manual", address=None), "vxlan")
        entry.update(id=int(spec["id"]), local=str(spec["local"]), peers=sorted(spec.get("peers") or []),
                     port=int(spec.get("port") or VXLAN_PORT))
        found[entry["name"]] = entry
    for spec in bridges:
        entry = _common(spec, "bridge")
        entry.update(ports=list(spec.get("ports") or []), stp=bool(spec.get("stp", False)),
                     forward_delay=spec.get("forward_delay"), hello_time=spec.get("hello_time"),
                     maxwait=spec.get("maxwait"))
        found[entry["name"]] = entry
    for entry in list(found.values()):
        if entry["kind"] == "vlan" and entry["parent"] not in found:
            # A VLAN parent nobody declared is a plain NIC that carries no address (the trunk).
            found[entry["parent"]] = _common({"name": entry["parent"]}, "ether")
    for entry in list(found.values()):
        for port in entry.get("ports", []):
            _name(port, "is a port of %s and" % entry["name"])
            if port not in found:
                # A bridge port nobody declared is a plain NIC that carries no address.
                found[port] = _common({"name": port}, "ether")
            if found[port].get("master"):
                raise ConfigError("%s: is a port of %s and %s" % (port, found[port]["master"], entry["name"]))
            if entry["kind"] == "bond" and found[port]["kind"] != "ether":
                raise ConfigError("%s: a bond's port is a NIC, and %s is a %s device" % (port, port, found[port]["kind"]))
            if found[port]["method"] != "manual":
                raise ConfigError("%s: a bridge port carries no address of its own (the bridge %s does)"
                                  % (port, entry["name"]))
            found[port]["master"] = entry["name"]
    _check_mtus(found)
    return sorted(found.values(), key=lambda entry: (WEIGHTS[entry["kind"]], entry["name"]))


def _mtu(name, value):
    if value is None:
        return None
    # A number, as the modules take it ('9000' from a string would pass here and fail on the host).
    if isinstance(value, bool) or not isinstance(value, int) or not MTU_RANGE[0] <= value <= MTU_RANGE[1]:
        raise ConfigError("%s: mtu %r is not a whole number from %d to %d" % ((name, value) + MTU_RANGE))
    return value


def _check_mtus(found):
    """No device above what carries it: a VLAN device's frames go out whole on its parent, a
    bridge's on each port (the kernel would drop a larger frame there, silently)."""
    for entry in found.values():
        if entry["mtu"] is None:
            continue
        lower = [entry["parent"]] if entry["kind"] == "vlan" else entry.get("ports", [])
        for name in lower:
            below = found[name]["mtu"]
            if below is not None and entry["mtu"] > below:
                raise ConfigError("%s: mtu %d is above the MTU %d of %s, which carries its frames"
                                  % (entry["name"], entry["mtu"], below, name))


# A MAC address as hwaddress takes it.
HWADDR = re.compile(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")


def _name(name, what):
    if not names.is_interface(name):
        raise ConfigError("%s: %s %s" % (name, what, names.INTERFACE_RULE))
    return name


def _common(spec, kind):
    name = _name(spec["name"], "as a name")
    method = spec.get("method") or ("static" if spec.get("address") else "manual")
    if method not in METHODS:
        raise ConfigError("%s: method %r is not one of %s" % (name, method, ", ".join(METHODS)))
    entry = {"kind": kind, "name": name, "method": method, "hwaddr": spec.get("hwaddr"), "master": None,
             "address": None, "gateway": spec.get("gateway"), "dns": list(spec.get("dns") or []),
             "dns_domain": spec.get("dns_domain"), "mtu": _mtu(name, spec.get("mtu"))}
    if method == "static":
        if not spec.get("address"):
            raise ConfigError("%s: a static interface needs an address (CIDR)" % name)
        # The standard library, not netaddr: this runs in modules on the managed hosts too.
        if "/" not in str(spec["address"]):
            raise ConfigError("%s: address %r is not in CIDR form (e.g. 192.0.2.10/24)" % (name, spec["address"]))
        try:
            entry["address"] = ipaddress.IPv4Interface(str(spec["address"]).strip())
        except ValueError:
            raise ConfigError("%s: address %r is not an IPv4 address in CIDR form" % (name, spec["address"]))
        if spec.get("gateway"):
            try:
                entry["gateway"] = str(ipaddress.IPv4Address(str(spec["gateway"])))
            except ValueError:
                raise ConfigError("%s: gateway %r is not an IPv4 address" % (name, spec["gateway"]))
    for server in entry["dns"]:
        try:
            ipaddress.IPv4Address(str(server))
        except ValueError:
            raise ConfigError("%s: dns %r is not an IPv4 address" % (name, server))
    if entry["dns_domain"] and not names.is_dns_name(entry["dns_domain"]):
        raise ConfigError("%s: dns_domain %r is not a domain name" % (name, entry["dns_domain"]))
    if entry["hwaddr"] and not (isinstance(entry["hwaddr"], str) and HWADDR.fullmatch(entry["hwaddr"])):
        raise ConfigError("%s: hwaddr %r is not a MAC address" % (name, entry["hwaddr"]))
    return entry


OWNERS = ("bridge", "vlan")
HEADER = re.compile(r"^# Managed by privatecloud\.iaas \((\w+) role\)")
# A line of /etc/network/interfaces switched off for an interface a role manages, e.g.
# "#privatecloud.iaas(eth0)# iface eth0 inet dhcp"; switched back on when no role manages it.
DISABLED = re.compile(r"^#privatecloud\.iaas\(([^)]+)\)# ?(.*)$")
STANZA_STARTS = ("iface", "mapping", "auto", "source", "source-directory", "rename")


def _managed_header(owner=None):
    if owner:
        return "# Managed by privatecloud.iaas (%s role); local changes are replaced.\n" % owner
    return "# Managed by privatecloud.iaas; local changes are replaced.\n"


def file_owner(content):
    """The role that wrote a file, or None when it is not the collection's."""
    match = HEADER.match(content or "")
    return match.group(1) if match else None


def owned_entries(entries, owner):
    """The entries whose files ``owner`` writes.

    The bridge role: its bridges and their ports that are plain NICs. The vlan role: its bonds,
    VLAN and VXLAN devices, the bonds' ports and the VLANs' parents that are no bridge's port.
    Each role reads the other's declaration (a VLAN device or a bond as a bridge port, a bridge as
    a VLAN device's master) but writes its own files.
    """
    parents = set(entry["parent"] for entry in entries if entry["kind"] == "vlan")
    kinds = dict((entry["name"], entry["kind"]) for entry in entries)
    if owner == "bridge":
        return [entry for entry in entries if entry["kind"] == "bridge"
                or (entry["kind"] == "ether" and kinds.get(entry["master"]) == "bridge")]
    if owner == "vlan":
        return [entry for entry in entries if entry["kind"] in ("bond", "vlan", "vxlan")
                or (entry["kind"] == "ether" and kinds.get(entry["master"]) == "bond")
                or (entry["kind"] == "ether" and not entry["master"] and entry["name"] in parents)]
    raise ConfigError("owner: %r is not one of %s" % (owner, ", ".join(OWNERS)))


def interfaces_in(content, file_format):
    """The interface names a file declares (iface stanzas, or an ifcfg DEVICE)."""
    if file_format == "ifcfg":
        return re.findall(r"^DEVICE=(\S+)", content, re.M)
    return re.findall(r"^iface\s+(\S+)", content, re.M)


def main_interfaces_file(text, managed, directory):
    """/etc/network/interfaces with the stanzas of ``managed`` interfaces switched off.

    The documents' own advice ("the old eth0 stanza commented out"): an interface a role writes a
    file for must not be configured twice. Lines switched off earlier for an interface no role
    manages any more are switched back on. A ``source`` of ``directory`` is added when missing.
    """
    managed = set(managed)
    lines, stanza = [], None
    for line in text.splitlines():
        disabled = DISABLED.match(line)
        if disabled:
            if disabled.group(1) in managed:
                lines.append(line)
                continue
            line = disabled.group(2)
        words = line.split()
        starts = bool(words) and (words[0] in STANZA_STARTS or words[0].startswith("allow-"))
        if starts:
            # Options may follow their iface line indented or not; any other first word starts anew.
            stanza = words[1] if words[0] == "iface" and len(words) > 1 else None
        if starts and (words[0] == "auto" or words[0].startswith("allow-")):
            named = [word for word in words[1:] if word in managed]
            kept = [word for word in words[1:] if word not in managed]
            if kept:
                lines.append(" ".join([words[0]] + kept))
            lines.extend("#privatecloud.iaas(%s)# %s %s" % (name, words[0], name) for name in named)
            continue
        if stanza in managed and words and not words[0].startswith("#"):
            lines.append("#privatecloud.iaas(%s)# %s" % (stanza, line))
            continue
        lines.append(line)
    sourced = re.compile(r"^\s*(source\s+%s/\*|source-directory\s+%s/?)\s*$" % (
        re.escape(directory.rstrip("/")), re.escape(directory.rstrip("/"))))
    if not any(sourced.match(line) for line in lines):
        lines += ["", "# Interfaces managed by privatecloud.iaas", "source %s/*" % directory.rstrip("/")]
    return "\n".join(lines) + "\n"


def render_ifupdown(entries, owner=None):
    """{file name under /etc/network/interfaces.d: content}."""
    files = {}
    for entry in entries:
        lines = ["auto %s" % entry["name"], "iface %s inet %s" % (entry["name"], entry["method"])]
        if entry["method"] == "static":
            lines += ["    address %s" % entry["address"].ip, "    netmask %s" % entry["address"].netmask]
            if entry["gateway"]:
                lines.append("    gateway %s" % entry["gateway"])
            if entry["dns"]:
                lines.append("    dns-nameservers %s" % " ".join(entry["dns"]))
            if entry["dns_domain"]:
                lines.append("    dns-domain %s" % entry["dns_domain"])
        if entry["hwaddr"]:
            lines.append("    hwaddress ether %s" % entry["hwaddr"])
        if entry["mtu"] is not None and entry["kind"] != "vxlan":
            # ifupdown's static and manual methods set an mtu; its dhcp method has no such option.
            lines.append("    mtu %d" % entry["mtu"] if entry["method"] != "dhcp"
                         else "    up ip link set dev %s mtu %d" % (entry["name"], entry["mtu"]))
        if entry["kind"] == "vlan":
            lines.append("    vlan-raw-device %s" % entry["parent"])
        if entry["kind"] == "bond":
            # ifenslave's options: the bond is made, and its ports put in, as it comes up.
            lines.append("    bond-slaves %s" % (" ".join(entry["ports"]) or "none"))
            lines += ["    bond-%s %s" % (key.replace("_", "-"), entry[key]) for key in BOND_OPTIONS
                      if entry[key] is not None]
        if entry["kind"] == "vxlan":
            lines += _vxlan_lines(entry)
        if entry["kind"] == "bridge":
            lines.append("    bridge_ports %s" % (" ".join(entry["ports"]) or "none"))
            if entry["forward_delay"] is not None:
                lines.append("    bridge_fd %s" % _number(entry["forward_delay"]))
            if entry["hello_time"] is not None:
                lines.append("    bridge_hello %s" % _number(entry["hello_time"]))
            lines.append("    bridge_stp %s" % ("on" if entry["stp"] else "off"))
            if entry["maxwait"] is not None:
                lines.append("    bridge_maxwait %s" % _number(entry["maxwait"]))
        name = "%d-%s" % (WEIGHTS[entry["kind"]], entry["name"])
        files[name] = _managed_header(owner) + "\n".join(lines) + "\n"
    return files


def _vxlan_lines(entry):
    """ifupdown has no VXLAN method of its own: the device is made before it comes up, as the
    vxlan_interface module makes it, and deleted when it goes down."""
    name = entry["name"]
    made = "    pre-up ip link add %s type vxlan id %d local %s dstport %d nolearning" % (
        name if entry["mtu"] is None else "name %s mtu %d" % (name, entry["mtu"]), entry["id"], entry["local"],
        entry["port"])
    return ([made]
            + ["    pre-up bridge fdb append %s dev %s dst %s" % (FLOOD, name, peer) for peer in entry["peers"]]
            + ["    up ip link set dev %s up" % name, "    post-down ip link delete dev %s" % name])


def render_ifcfg(entries, owner=None):
    """{file name under /etc/sysconfig/network-scripts: content}."""
    files = {}
    bonds = set(entry["name"] for entry in entries if entry["kind"] == "bond")
    for entry in entries:
        if entry["kind"] == "vxlan":
            raise ConfigError("%s: a VXLAN device has no ifcfg form (initscripts makes none); the collection "
                              "writes it for ifupdown only" % entry["name"])
        keys = [("DEVICE", entry["name"])]
        if entry["kind"] == "bridge":
            keys.append(("TYPE", "Bridge"))
        elif entry["kind"] == "bond":
            keys += [("TYPE", "Bond"), ("BONDING_MASTER", "yes"),
                     ("BONDING_OPTS", '"%s"' % " ".join("%s=%s" % (key, entry[key]) for key in BOND_OPTIONS
                                                        if entry[key] is not None))]
        else:
            keys.append(("TYPE", "Ethernet"))
        if entry["hwaddr"]:
            keys.append(("HWADDR", entry["hwaddr"]))
        if entry["mtu"] is not None:
            keys.append(("MTU", str(entry["mtu"])))
        keys += [("ONBOOT", "yes"), ("BOOTPROTO", {"static": "none", "manual": "none", "dhcp": "dhcp"}[entry["method"]])]
        if entry["kind"] != "bridge":
            keys.append(("HOTPLUG", "no"))
        if entry["kind"] == "vlan":
            keys += [("VLAN", "yes"), ("PHYSDEV", entry["parent"])]
        if entry["method"] == "static":
            keys += [("IPADDR", str(entry["address"].ip)), ("NETMASK", str(entry["address"].netmask))]
            if entry["gateway"]:
                keys.append(("GATEWAY", entry["gateway"]))
            keys += [("DNS%d" % (index + 1), server) for index, server in enumerate(entry["dns"])]
            if entry["dns_domain"]:
                keys.append(("DOMAIN", entry["dns_domain"]))
        if entry["master"] and entry["master"] in bonds:
            keys += [("MASTER", entry["master"]), ("SLAVE", "yes")]
        elif entry["master"]:
            keys.append(("BRIDGE", entry["master"]))
        if entry["kind"] == "bridge":
            keys += [("IPV6INIT", "no"), ("IPV6_AUTOCONF", "no"), ("STP", "yes" if entry["stp"] else "no")]
            if entry["forward_delay"] is not None:
                keys.append(("DELAY", _number(entry["forward_delay"])))
        files["ifcfg-%s" % entry["name"]] = _managed_header(owner) + "".join("%s=%s\n" % key for key in keys)
    return files


def _number(value):
    number = float(value)
    return str(int(number)) if number == int(number) else str(number)


def file_changes(existing, declared, owner):
    """Compare a directory's files with the declared ones of ``owner``.

    ``existing``: {file name: content} of the directory. Returns (write, remove): the declared
    files that are new or differ, and the files of ``owner`` nobody declares any more. Files of
    other roles and files the collection did not write are left alone.
    """
    write = dict((name, content) for name, content in declared.items() if existing.get(name) != content)
    remove = sorted(name for name, content in existing.items()
                    if name not in declared and file_owner(content) == owner)
    return write, remove


def file_kind(name, content, file_format):
    """ether, vlan, vxlan or bridge for one of the collection's files (for removing the device it described)."""
    if file_format == "ifcfg":
        if re.search(r"^TYPE=Bridge$", content, re.M):
            return "bridge"
        if re.search(r"^TYPE=Bond$", content, re.M):
            return "bond"
        return "vlan" if re.search(r"^VLAN=yes$", content, re.M) else "ether"
    weight = int(name.split("-", 1)[0]) if name.split("-", 1)[0].isdigit() else 0
    return dict((value, key) for key, value in WEIGHTS.items()).get(weight, "ether")


def check_declaration(bridges, vlans, vxlans=(), bonds=()):
    """Every rule the bridge, VLAN and bond declarations of one host break, as (variable, value,
    rule); ``vxlans``, the data plane's tunnels, may be the bridges' ports."""
    found = []
    for index, declared in enumerate(bonds or []):
        declared = declared if isinstance(declared, dict) else {}
        if not names.is_interface(declared.get("name")):
            found.append(("vlan_bonds[%d].name" % index, declared.get("name"), names.INTERFACE_RULE))
        ports = declared.get("ports")
        if not isinstance(ports, list) or not ports:
            found.append(("vlan_bonds[%d].ports" % index, ports, "is not a list of one or more NICs"))
            continue
        for number, port in enumerate(ports):
            if not names.is_interface(port):
                found.append(("vlan_bonds[%d].ports[%d]" % (index, number), port, names.INTERFACE_RULE))
    for index, bridge in enumerate(bridges or []):
        name = bridge.get("name") if isinstance(bridge, dict) else None
        where = "bridge_interfaces[%d].name" % index
        if not isinstance(name, str) or not name:
            found.append((where, name, "is missing: each bridge needs a name"))
        elif name == "virbr0":
            found.append((where, name, "is libvirt's NAT bridge, whose dnsmasq answers DHCP: the collection never "
                                       "manages it"))
        elif not names.is_interface(name):
            found.append((where, name, names.INTERFACE_RULE))
        ports = (bridge.get("ports") or []) if isinstance(bridge, dict) else []
        if not isinstance(ports, list):
            found.append(("bridge_interfaces[%d].ports" % index, ports, "is not a list of interface names"))
            continue
        for number, port in enumerate(ports):
            if not names.is_interface(port):
                found.append(("bridge_interfaces[%d].ports[%d]" % (index, number), port, names.INTERFACE_RULE))
    for index, vlan in enumerate(vlans or []):
        vlan = vlan if isinstance(vlan, dict) else {}
        vlan_id = vlan.get("id")
        if vlan.get("parent") in (None, ""):
            found.append(("vlan_interfaces[%d].parent" % index, vlan.get("parent"), "is missing"))
        elif not names.is_interface(vlan.get("parent")):
            found.append(("vlan_interfaces[%d].parent" % index, vlan.get("parent"), names.INTERFACE_RULE))
        if vlan.get("name") is not None and not names.is_interface(vlan.get("name")):
            found.append(("vlan_interfaces[%d].name" % index, vlan.get("name"), names.INTERFACE_RULE))
        if isinstance(vlan_id, bool) or not isinstance(vlan_id, int) or not 1 <= vlan_id <= 4094:
            found.append(("vlan_interfaces[%d].id" % index, vlan_id, "is not a VLAN id (1-4094)"))
    if not found:
        try:
            interfaces(vlans=vlans or [], bridges=bridges or [], vxlans=vxlans or [], bonds=bonds or [])
        except (ConfigError, KeyError, TypeError, AttributeError) as error:
            interface, _sep, rule = str(error).partition(": ")
            vlan_names = set(vlan.get("name") or "%s.%s" % (vlan["parent"], vlan["id"]) for vlan in vlans or [])
            bond_names = set(declared.get("name") for declared in bonds or [])
            bond_ports = set(port for declared in bonds or [] for port in declared.get("ports") or [])
            # A rule about ports is the bridges' declaration (a bond's port, the bonds'); one about a
            # VLAN device's or a bond's own settings, the VLANs' or the bonds'.
            in_vlans = interface in vlan_names and "port" not in rule
            in_bonds = interface in bond_names or (interface in bond_ports and "bond" in rule)
            variable = ("vlan_bonds" if in_bonds else "vlan_interfaces" if in_vlans or not bridges
                        else "bridge_interfaces")
            found.append((variable, interface, rule or str(error)))
    return found
