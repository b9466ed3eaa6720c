# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iproute2 on a managed host: the collection's one reader of ``ip -j`` (links, addresses, routes)
and one way to spell a route. The standard library only: this runs on the hosts.
"""

from __future__ import annotations

import json


def read_links(links_json):
    """{name: link} from ``ip -j -d link show``."""
    return {link["ifname"]: link for link in json.loads(links_json or "[]")}


def read_addresses(addresses_json):
    """{name: ["192.0.2.1/24", ...]} (global scope, IPv4 and IPv6) from ``ip -j addr show``."""
    found = {}
    for link in json.loads(addresses_json or "[]"):
        found[link["ifname"]] = ["%s/%s" % (info["local"], info["prefixlen"]) for info in link.get("addr_info", [])
                                 if info.get("scope") == "global"]
    return found


def read_routes(routes_json):
    """Routes from ``ip -j route show`` as dicts (dst, gateway, dev, ...)."""
    return json.loads(routes_json or "[]")


def read_fdb(fdb_json):
    """{device: ["<mac> <dst>", ...]} of the forwarding entries with a destination (a VXLAN device's
    remote ends) from ``bridge -j fdb show``."""
    found = {}
    for entry in json.loads(fdb_json or "[]"):
        if entry.get("dst") and entry.get("ifname"):
            found.setdefault(entry["ifname"], []).append("%s %s" % (entry.get("mac"), entry["dst"]))
    return {device: sorted(set(entries)) for device, entries in found.items()}


def route_command(route, dev=None):
    """``route replace`` for a route as ``ip -j route`` shows it, optionally through another device."""
    spec = "route replace %s" % route.get("dst", "default")
    if route.get("gateway"):
        spec += " via %s" % route["gateway"]
    spec += " dev %s" % (dev or route["dev"])
    if route.get("metric") is not None:
        spec += " metric %s" % route["metric"]
    return spec


class IpRoute:
    """iproute2 on the managed host, through an AnsibleModule."""

    def __init__(self, module):
        self.module = module
        self.ip = module.get_bin_path("ip", required=True)

    def read(self, *arguments):
        rc, out, err = self.module.run_command([self.ip, "-j"] + list(arguments))
        if rc:
            self.module.fail_json(msg="ip -j %s failed" % " ".join(arguments), stderr=err)
        return out

    def links(self):
        return read_links(self.read("-d", "link", "show"))

    def addresses(self):
        return read_addresses(self.read("address", "show"))

    def routes(self):
        return read_routes(self.read("route", "show"))

    def snapshot(self):
        """(links, addresses, routes) of the host now."""
        return self.links(), self.addresses(), self.routes()
