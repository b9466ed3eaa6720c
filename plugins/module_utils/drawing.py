# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A picture of the cloud, drawn from the hosts' plans: one SVG document.

Each host is a box: its name and what it runs, then its network devices as the plan makes or
names them, in layers (NICs at the bottom, VLAN and VXLAN devices over them, bridges on top), each
joined to the devices under it. A device carries what the plan puts on it: the mode's role of an
interface (public, private, the VMs' bridge), a group's router, an elastic IP, a CloudStack traffic
label. Under the hosts, the cloud as a whole: the Eucalyptus mode and its addresses, the security
groups with their VLANs, blocks and instances, the tunnels between clusters; or each CloudStack
zone's physical networks, public ranges, pods and clusters.

Nothing is decided here: every word comes from the plans (and the zones the plans were validated
with), so the picture shows what the roles apply. The same plans always draw the same bytes.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

# One monospace character, in pixels, at the font size below: text is measured by its length.
CHAR = 7.2
LINE = 15
FONT = 12
DEVICE_HEIGHT = 2 * LINE + 10
GAP = 24
MARGIN = 20
HOSTS_PER_ROW = 4
# Past this many devices in one layer of a host, the rest are one box saying how many.
DEVICES_SHOWN = 6
COLOURS = {"nic": "#dbe9f6", "bond": "#e3dcf4", "vlan": "#fdf1d6", "vxlan": "#f4dcef", "bridge": "#dff2df", "more": "#eeeeee"}
KINDS = {"nic": "NIC", "bond": "bond", "vlan": "VLAN device", "vxlan": "VXLAN tunnel", "bridge": "bridge", "more": ""}
ORDER = ("frontend", "node", "db", "nfs", "dhcpd")


def draw(plans, zones=None, title="The cloud, from its plan"):
    """The SVG document (a string) of ``plans`` ({host: plan}); ``zones``: cloudstack_zones as
    validated with them, if the cloud is a CloudStack one."""
    hosts = sorted(plans, key=lambda host: (_rank(plans[host]), host))
    boxes = [_host_box(host, plans[host], _traffic_labels(zones)) for host in hosts]
    cloud = _cloud_lines(plans, zones)

    svg, y = [], MARGIN + LINE
    svg.append(_text(MARGIN, y, title, weight="bold", size=FONT + 4))
    y += LINE
    width = MARGIN * 2 + _text_width(title, FONT + 4)
    for start in range(0, len(boxes), HOSTS_PER_ROW):
        row = boxes[start:start + HOSTS_PER_ROW]
        x, height = MARGIN, max(box["height"] for box in row)
        for box in row:
            svg.extend(_place(box, x, y + GAP))
            x += box["width"] + GAP
        width = max(width, x - GAP + MARGIN)
        y += GAP + height
    y += GAP
    for line, weight in cloud:
        y += LINE
        # SVG folds spaces: an indented line is placed further right instead.
        indent = _text_width(line[:len(line) - len(line.lstrip(" "))]) - 1
        svg.append(_text(MARGIN + indent, y, line.lstrip(" "), weight=weight))
        width = max(width, MARGIN * 2 + _text_width(line))
    height = y + MARGIN
    head = ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
            'font-family="DejaVu Sans Mono, monospace" font-size="%d">' % (width, height, width, height, FONT))
    background = '<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>' % (width, height)
    return "\n".join([head, "<title>%s</title>" % escape(title), background] + svg + ["</svg>", ""])


def _rank(plan):
    components = plan.get("components") or []
    return min([ORDER.index(name) for name in components if name in ORDER] or [len(ORDER)])


def _traffic_labels(zones):
    """{bridge label: ["management (VLAN 100)", "guest", ...]} of the zones' physical networks."""
    labels = {}
    for zone in zones or ():
        for network in zone.get("physical_networks") or ():
            for traffic in network.get("traffic_types") or ():
                text = traffic["type"] + (" (VLAN %s)" % traffic["vlan"] if traffic.get("vlan") else "")
                labels.setdefault(traffic.get("label"), []).append(text)
    return labels


def _roles(plan):
    """What the host runs, in words."""
    platform = plan.get("platform")
    components = plan.get("components") or []
    euca = plan.get("eucalyptus") or {}
    cloudstack = plan.get("cloudstack") or {}
    words = []
    if "frontend" in components:
        address = (cloudstack.get("host_name") or {}).get("address")
        words.append("front-end: CLC, CC (%s)" % euca.get("mode") if platform == "eucalyptus" else
                     "management server" + (" (first)" if cloudstack.get("first_management_server") else "")
                     + (" at %s" % address if address else ""))
    if "node" in components:
        words.append("node: NC (%s)" % euca.get("hypervisor", "kvm") if platform == "eucalyptus" else "KVM host")
    if "db" in components:
        replica = (plan.get("db") or {}).get("replica")
        words.append("database: replica of %s" % replica["primary"] if replica else "database: primary")
    if "nfs" in components:
        words.append("NFS: " + ", ".join((plan.get("nfs") or {}).get("exports") or ()))
    if "dhcpd" in components:
        words.append("DHCP server")
    return words or ["(no part of the cloud)"]


def _devices(plan, labels):
    """{name: {"kind", "lower": [names under it], "notes": [words]}}: the devices the plan makes
    and the interfaces it names."""
    interfaces = plan.get("interfaces") or {}
    euca = plan.get("eucalyptus") or {}
    settings = euca.get("settings") or {}
    devices = {}

    def device(name, kind="nic"):
        return devices.setdefault(name, {"kind": kind, "lower": [], "notes": []})

    for bridge in interfaces.get("bridges") or ():
        found = device(bridge["name"], "bridge")
        found["lower"] = list(bridge.get("ports") or ())
        found["notes"] += [bridge["address"]] if bridge.get("address") else []
        found["notes"] += ["traffic: " + ", ".join(labels[bridge["name"]])] if bridge["name"] in labels else []
    for vlan in interfaces.get("vlans") or ():
        found = device(vlan.get("name") or "%s.%s" % (vlan["parent"], vlan["id"]), "vlan")
        found["lower"] = [vlan["parent"]]
        found["notes"] += ["tag %s" % vlan["id"]] + ([vlan["address"]] if vlan.get("address") else [])
    for bond in interfaces.get("bonds") or ():
        found = device(bond["name"], "bond")
        found["lower"] = list(bond.get("ports") or ())
        primary = ["primary " + bond["primary"]] if bond.get("primary") else []
        found["notes"] += [" ".join(["bond", str(bond.get("mode"))] + primary)]
        for port in found["lower"]:
            device(port)
    for tunnel in interfaces.get("vxlans") or ():
        found = device(tunnel["name"], "vxlan")
        found["notes"] += ["VNI %s to %s" % (tunnel["id"], ", ".join(tunnel.get("peers") or ()))]
    for entry in [entry for kind in ("bonds", "bridges", "vlans", "vxlans") for entry in interfaces.get(kind) or []]:
        if entry.get("mtu") is not None:
            device(entry.get("name") or "%s.%s" % (entry["parent"], entry["id"]))["notes"].append("MTU %s" % entry["mtu"])
    for bridge in interfaces.get("bridges") or ():
        for port in bridge.get("ports") or ():
            device(port)
    for vlan in interfaces.get("vlans") or ():
        device(vlan["parent"])
    roles = (("VNET_PUBINTERFACE", "public"), ("VNET_PRIVINTERFACE", "private"), ("VNET_BRIDGE", "VMs' bridge"))
    for key, role in roles:
        if settings.get(key):
            found = device(settings[key], "nic")
            found["notes"].append("%s (%s)" % (role, key))
    if euca.get("vm_bridge") and euca["vm_bridge"] != settings.get("VNET_BRIDGE"):
        device(euca["vm_bridge"])["notes"].append("VMs' bridge")
    dataplane = euca.get("dataplane") or {}
    if euca.get("mode") == "MANAGED" and not dataplane.get("groups") and settings.get("VNET_PRIVINTERFACE"):
        # The CC and each NC make these at run time, one per active group (the documents' MANAGED Mode).
        maker = "the CC" if euca.get("cc") else "the NC"
        vlan = device("%s.<tag>" % settings["VNET_PRIVINTERFACE"], "vlan")
        vlan["lower"] = [settings["VNET_PRIVINTERFACE"]]
        vlan["notes"] += ["a tag per active group", "made by " + maker]
        bridge = device("eucabr<tag>", "bridge")
        bridge["lower"] = ["%s.<tag>" % settings["VNET_PRIVINTERFACE"]]
        bridge["notes"] += ["the group's router" if euca.get("cc") else "the group's VMs", "made by " + maker]
    routers = {}
    for entry in dataplane.get("addresses") or ():
        # An elastic IP is announced on the public side, as a /32; a router keeps its block's prefix.
        kind = "elastic IP" if entry.get("announce") else "router"
        address = entry["address"].split("/")[0] if kind == "elastic IP" else entry["address"]
        routers.setdefault((entry["device"], kind), []).append(address)
    for (name, kind), addresses in sorted(routers.items()):
        shown = addresses if len(addresses) <= 2 else addresses[:1] + ["+%d" % (len(addresses) - 1)]
        device(name)["notes"].append("%s %s" % (kind + ("s" if len(addresses) > 1 else ""), " ".join(shown)))
    return devices


def _layers(devices):
    """Lists of device names, lowest first: a device is one layer above the highest under it."""
    depth = {}

    def level(name, seen=()):
        if name not in depth:
            lower = [other for other in devices[name]["lower"] if other in devices and other not in seen]
            depth[name] = 1 + max([level(other, seen + (name,)) for other in lower] or [-1])
        return depth[name]

    for name in devices:
        level(name)
    return [sorted((name for name in devices if depth[name] == layer), key=_natural)
            for layer in range(max(depth.values(), default=-1) + 1)]


def _natural(name):
    """eth0.9 before eth0.10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)]


def _host_box(host, plan, labels):
    """A host's box, laid out at (0, 0): {"width", "height", "items": [svg elements]}."""
    devices = _devices(plan, labels)
    layers = []
    for names in _layers(devices):
        if len(names) > DEVICES_SHOWN:
            hidden = len(names) - DEVICES_SHOWN + 1
            devices["more-%d" % len(layers)] = {"kind": "more", "lower": [], "notes": ["%d more like these" % hidden]}
            names = names[:DEVICES_SHOWN - 1] + ["more-%d" % len(layers)]
        layers.append(names)
    header = [host] + _roles(plan)
    widths = {name: max([_text_width(name if devices[name]["kind"] != "more" else "...")] +
                        [_text_width(note) for note in devices[name]["notes"] or [KINDS[devices[name]["kind"]]]]) + 16
              for names in layers for name in names}
    rows_width = max([sum(widths[name] for name in names) + GAP * (len(names) - 1) for names in layers] or [0])
    width = max([rows_width] + [_text_width(line) for line in header]) + 2 * MARGIN
    top = LINE * (len(header) + 1)
    height = top + len(layers) * (DEVICE_HEIGHT + LINE * max(
        [len(devices[name]["notes"]) - 1 for names in layers for name in names] + [0]) + GAP) + GAP // 2
    items = ['<rect x="0" y="0" width="%d" height="%d" rx="6" fill="#fafafa" stroke="#555555"/>' % (width, height)]
    items += [_text(MARGIN // 2, LINE * (index + 1), line, weight="bold" if index == 0 else None)
              for index, line in enumerate(header)]
    places = {}
    layer_height = (height - top - GAP // 2) // max(len(layers), 1)
    for index, names in enumerate(layers):
        y = height - GAP // 2 - (index + 1) * layer_height + GAP // 2
        x = (width - (sum(widths[name] for name in names) + GAP * (len(names) - 1))) // 2
        for name in names:
            places[name] = (x, y, widths[name], layer_height - GAP)
            x += widths[name] + GAP
    for name, (x, y, w, h) in sorted(places.items()):
        for lower in devices[name]["lower"]:
            if lower in places:
                lx, ly, lw, _lh = places[lower]
                items.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555555"/>' % (x + w // 2, y + h, lx + lw // 2, ly))
    for name, (x, y, w, h) in sorted(places.items()):
        found = devices[name]
        items.append('<rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="%s" stroke="#555555"/>'
                     % (x, y, w, h, COLOURS[found["kind"]]))
        lines = ["..." if found["kind"] == "more" else name] + (found["notes"] or [KINDS[found["kind"]]])
        items += [_text(x + 8, y + LINE * (index + 1), line, weight="bold" if index == 0 else None)
                  for index, line in enumerate(lines)]
    return {"width": width, "height": height, "items": items}


def _place(box, x, y):
    return ['<g transform="translate(%d,%d)">' % (x, y)] + box["items"] + ["</g>"]


def _cloud_lines(plans, zones):
    """(line, weight) pairs saying what the cloud is as a whole."""
    lines = []
    frontends = [(host, plan) for host, plan in sorted(plans.items())
                 if "frontend" in (plan.get("components") or []) and plan.get("platform") == "eucalyptus"]
    for host, plan in frontends:
        euca = plan.get("eucalyptus") or {}
        settings = euca.get("settings") or {}
        lines.append(("Eucalyptus %s, cluster of %s" % (euca.get("mode"), host), "bold"))
        lines += [(line, None) for line in _mode_lines(euca.get("mode"), settings)]
        dataplane = euca.get("dataplane") or {}
        for group in dataplane.get("groups") or ():
            instances = [instance for instance in dataplane.get("instances") or () if instance["group"] == group["name"]]
            lines.append(("  group %s: %s %s, %s, router %s; instances %s" % (
                group["name"], "VLAN" if euca.get("mode") == "MANAGED" else "index", group["tag"], group["cidr"],
                group["router"],
                ", ".join("%s %s%s" % (instance["name"], instance["private_ip"],
                                       " (elastic IP %s)" % instance["public_ip"] if instance.get("public_ip") else "")
                          for instance in instances) or "none"), None))
        for tunnel in dataplane.get("tunnels") or ():
            lines.append(("  tunnel %s (VXLAN %s) from %s to %s" % (tunnel["name"], tunnel["id"], tunnel["local"],
                                                                    ", ".join(tunnel["peers"])), None))
    for zone in zones or ():
        lines.append(("CloudStack zone %s (%s)" % (zone.get("name"), zone.get("network_type")), "bold"))
        for network in zone.get("physical_networks") or ():
            lines.append(("  physical network %s%s: %s" % (
                network.get("name"), ", guest VLANs %s" % network["vlan_range"] if network.get("vlan_range") else "",
                "; ".join("%s on %s%s" % (traffic["type"], traffic.get("label") or "(default)",
                                          " VLAN %s" % traffic["vlan"] if traffic.get("vlan") else "")
                          for traffic in network.get("traffic_types") or ())), None))
        for entry in zone.get("public_ip_ranges") or ():
            lines.append(("  public addresses %s-%s%s, gateway %s" % (
                entry.get("start"), entry.get("end"), " on VLAN %s" % entry["vlan"] if entry.get("vlan") else "",
                entry.get("gateway")), None))
        if zone.get("guest_cidr"):
            lines.append(("  guest network %s" % zone["guest_cidr"], None))
        for pod in zone.get("pods") or ():
            for cluster in pod.get("clusters") or ():
                lines.append(("  pod %s (gateway %s): cluster %s (%s): %s; primary storage %s" % (
                    pod.get("name"), pod.get("gateway"), cluster.get("name"), cluster.get("hypervisor"),
                    ", ".join(host.get("name", "") for host in cluster.get("hosts") or ()),
                    ", ".join("%s:%s" % (entry.get("server"), entry.get("path"))
                              for entry in cluster.get("primary_storage") or ()) or "none"), None))
        for entry in zone.get("secondary_storage") or ():
            lines.append(("  secondary storage %s:%s" % (entry.get("server"), entry.get("path")), None))
    return lines


def _mode_lines(mode, settings):
    """The mode's addresses and who routes and NATs, in the documents' terms."""
    subnet = "%s/%s" % (settings.get("VNET_SUBNET"), settings.get("VNET_NETMASK"))
    if mode == "SYSTEM":
        return ["  VMs join the nodes' bridge; the LAN's DHCP server gives their addresses; nothing is NATed"]
    if mode == "STATIC":
        return ["  VMs join the nodes' bridge; the CC's DHCP gives each MAC of VNET_MACMAP its address in %s" % subnet,
                "  router %s (the LAN's), DNS %s" % (settings.get("VNET_ROUTER"), settings.get("VNET_DNS"))]
    vlans = "a VLAN per active group, eucabr<tag> on the CC and the nodes" if mode == "MANAGED" else \
        "one layer 2, no VLANs: groups are told apart by address only"
    return ["  private %s in blocks of %s addresses, one per active group; %s" % (
        subnet, settings.get("VNET_ADDRSPERNET"), vlans),
        "  the front-end routes each block, NATs it to the public side and maps elastic IPs from %s" % (
            settings.get("VNET_PUBLICIPS") or "(none)")]


def _text_width(text, size=FONT):
    return int(len(text) * CHAR * size / FONT) + 1


def _text(x, y, text, weight=None, size=None):
    return '<text x="%d" y="%d"%s%s>%s</text>' % (
        x, y, ' font-weight="%s"' % weight if weight else "", ' font-size="%d"' % size if size else "", escape(text))
