# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Persistent interface configuration in the documents' own formats.

One model of NICs, VLAN devices and bridges (interfaces()) rendered two ways:
- Debian/Ubuntu ifupdown, one file per interface under /etc/network/interfaces.d/, named with a
  weight so the boot order is NIC -> VLAN -> bridge (20-, 40-, 60-);
- RHEL/CentOS ifcfg files under /etc/sysconfig/network-scripts/.
Stanzas follow the Eucalyptus and CloudStack documents' examples key for key.
"""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import (
    AddressError,
    ip_network,
    ipv4_address,
    netaddr,
)

WEIGHTS = {"ether": 20, "vlan": 40, "bridge": 60}
METHODS = ("manual", "static", "dhcp")


class ConfigError(ValueError):
    """An interface declaration the files cannot express; the message names the interface."""


def interfaces(nics=(), vlans=(), bridges=()):
    """Normalise the three declarations into one ordered list (NICs, VLANs, bridges).

    Each entry: kind, name, method, address (CIDR) / gateway / dns / dns_domain for static,
    hwaddr, and per kind: parent and id (vlan); ports, stp, forward_delay, hello_time, maxwait
    (bridge); master, the bridge an interface is a port of.
    """
    found = {}
    for spec in nics:
        found[spec["name"]] = _common(spec, "ether")
    for spec in vlans:
        entry = _common(dict(spec, name=spec.get("name") or "%s.%s" % (spec["parent"], spec["id"])), "vlan")
        entry.update(parent=spec["parent"], id=int(spec["id"]))
        found[entry["name"]] = entry
    for spec in bridges:
        entry = _common(spec, "bridge")
        entry.update(ports=list(spec.get("ports") or []), stp=bool(spec.get("stp", False)),
                     forward_delay=spec.get("forward_delay"), hello_time=spec.get("hello_time"),
                     maxwait=spec.get("maxwait"))
        found[entry["name"]] = entry
    for entry in list(found.values()):
        for port in entry.get("ports", []):
            if port not in found:
                # A bridge port nobody declared is a plain NIC that carries no address.
                found[port] = _common({"name": port}, "ether")
            if found[port].get("master"):
                raise ConfigError("%s: is a port of %s and %s" % (port, found[port]["master"], entry["name"]))
            if found[port]["method"] != "manual":
                raise ConfigError("%s: a bridge port carries no address of its own (the bridge %s does)"
                                  % (port, entry["name"]))
            found[port]["master"] = entry["name"]
    return sorted(found.values(), key=lambda entry: (WEIGHTS[entry["kind"]], entry["name"]))


def _common(spec, kind):
    name = spec["name"]
    method = spec.get("method") or ("static" if spec.get("address") else "manual")
    if method not in METHODS:
        raise ConfigError("%s: method %r is not one of %s" % (name, method, ", ".join(METHODS)))
    entry = {"kind": kind, "name": name, "method": method, "hwaddr": spec.get("hwaddr"), "master": None,
             "address": None, "gateway": spec.get("gateway"), "dns": list(spec.get("dns") or []),
             "dns_domain": spec.get("dns_domain")}
    if method == "static":
        if not spec.get("address"):
            raise ConfigError("%s: a static interface needs an address (CIDR)" % name)
        try:
            network = netaddr.IPNetwork(str(spec["address"]))
            ip_network(str(network.cidr), "%s.address" % name)
            if spec.get("gateway"):
                ipv4_address(spec["gateway"], "%s.gateway" % name)
        except (AddressError, netaddr.AddrFormatError, ValueError) as error:
            raise ConfigError("%s: %s" % (name, error))
        entry["address"] = network
    return entry


def _managed_header(comment):
    return "%s Managed by privatecloud.iaas; local changes are replaced.\n" % comment


def render_ifupdown(entries):
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
        if entry["kind"] == "vlan":
            lines.append("    vlan-raw-device %s" % entry["parent"])
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
        files[name] = _managed_header("#") + "\n".join(lines) + "\n"
    return files


def render_ifcfg(entries):
    """{file name under /etc/sysconfig/network-scripts: content}."""
    files = {}
    for entry in entries:
        keys = [("DEVICE", entry["name"])]
        if entry["kind"] == "bridge":
            keys.append(("TYPE", "Bridge"))
        else:
            keys.append(("TYPE", "Ethernet"))
        if entry["hwaddr"]:
            keys.append(("HWADDR", entry["hwaddr"]))
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
        if entry["master"]:
            keys.append(("BRIDGE", entry["master"]))
        if entry["kind"] == "bridge":
            keys += [("IPV6INIT", "no"), ("IPV6_AUTOCONF", "no"), ("STP", "yes" if entry["stp"] else "no")]
            if entry["forward_delay"] is not None:
                keys.append(("DELAY", _number(entry["forward_delay"])))
        files["ifcfg-%s" % entry["name"]] = _managed_header("#") + "".join("%s=%s\n" % key for key in keys)
    return files


def _number(value):
    number = float(value)
    return str(int(number)) if number == int(number) else str(number)
