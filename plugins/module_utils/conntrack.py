# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which tracked connections a MANAGED front-end's data plane no longer allows.

The FORWARD chain accepts an ESTABLISHED packet before any group rule is read, so a connection a
revoked rule let in would otherwise outlive the rule (the Eucalyptus CC's behaviour). After the
new chains are in place, every tracked connection into the private subnet is checked against the
data plane as it is now: a connection no rule allows any more, one that came in through an elastic IP
the instance no longer has, or one that left through an elastic IP that is no longer this host's,
is ended. Connections of the host itself, and any not into or out of the subnet, are not looked at.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.privatecloud.iaas.plugins.module_utils.dataplane import icmp_match
from ansible_collections.privatecloud.iaas.plugins.module_utils.iproute import IpRoute

_TUPLE_KEYS = ("src", "dst", "sport", "dport", "type", "code", "id")
# Protocols conntrack names and matches by port or ICMP type; others go by number.
_PROTOCOLS = ("tcp", "udp", "icmp")


def parse(listing):
    """The entries of 'conntrack -L' output: {protocol, orig: {...}, reply: {...}}."""
    entries = []
    for line in (listing or "").splitlines():
        words = line.split()
        if len(words) < 2 or "=" in words[0]:
            continue
        orig, reply = {}, {}
        for word in words[1:]:
            key, equals, value = word.partition("=")
            if not equals or key not in _TUPLE_KEYS:
                continue
            (orig if key not in orig else reply).setdefault(key, value)
        if "src" in orig and "src" in reply:
            entries.append({"protocol": words[0], "number": words[1], "orig": orig, "reply": reply})
    return entries


class Plane:
    """The data plane as the checks read it: the subnet, the groups' blocks and rules, the elastic IPs."""

    def __init__(self, subnet, dataplane, local_addresses):
        self.subnet = ipaddress.ip_network(subnet)
        self.local = set(local_addresses)
        dataplane = dataplane or {}
        # Each rule parsed once here, not once per tracked connection (a table holds thousands).
        self.groups = [(ipaddress.ip_network(group["cidr"]), group, [_Rule(rule) for rule in group["allowed"]])
                       for group in dataplane.get("groups", ())]
        self.elastic = {instance["private_ip"]: instance.get("public_ip")
                        for instance in dataplane.get("instances", ())}
        self.elastic_ips = {address for address in self.elastic.values() if address}
        # Every CC's own address in every block, this one's or another cluster's, held now or not.
        cc = dataplane.get("cc_addresses") or {"prefix": 32, "count": 0}
        self.block_size, self.cc_count = 2 ** (32 - cc["prefix"]), cc["count"]

    def _cc_own(self, address):
        offset = (int(address) - int(self.subnet.network_address)) % self.block_size
        return address in self.subnet and 1 <= offset <= self.cc_count

    def _group(self, address):
        for network, group, rules in self.groups:
            if address in network:
                return network, group, rules
        return None, None, ()

    def stale(self, entry):
        """Why the data plane no longer allows ``entry``, or None when it does (or is not its business)."""
        orig, reply = entry["orig"], entry["reply"]
        source, target = orig["src"], reply["src"]  # the real ends: before SNAT, after DNAT
        if source in self.local or target in self.local:
            return None  # the host's own connections
        source_ip, target_ip = ipaddress.ip_address(source), ipaddress.ip_address(target)
        if self._cc_own(source_ip) or self._cc_own(target_ip):
            # A CC's own connection (a renewal of a lease, to a router this run stops holding):
            # no instance's, whatever addresses the host holds at this moment.
            return None
        if target_ip in self.subnet:
            if orig["dst"] != target and orig["dst"] != self.elastic.get(target):
                return "came in through %s, which is no longer the elastic IP of %s" % (orig["dst"], target)
            network, group, rules = self._group(target_ip)
            if group is None:
                return "goes to %s, which is in no active security group" % target
            if source_ip in network or any(rule.allows(entry, source_ip) for rule in rules):
                return None
            return "no rule of %s allows it any more" % group["name"]
        if source_ip in self.subnet and reply["dst"] != source:
            if reply["dst"] not in self.local or (reply["dst"] in self.elastic_ips
                                                  and self.elastic.get(source) != reply["dst"]):
                return "left through %s, which is no longer the elastic IP of %s" % (reply["dst"], source)
        return None


class _Rule:
    """One ingress rule of the data plane (its ``allowed`` entry), parsed for matching connections."""

    def __init__(self, rule):
        self.source = ipaddress.ip_network(rule["source"])
        self.protocol = rule["protocol"]
        self.ports = None
        if rule.get("ports"):
            first, _colon, last = rule["ports"].partition(":")
            self.ports = (int(first), int(last or first))
        self.icmp = icmp_match(rule["icmp_type"]) if rule.get("icmp_type") else None

    def allows(self, entry, source_ip):
        if source_ip not in self.source:
            return False
        if self.protocol != "all" and self.protocol != entry["protocol"]:
            return False
        if self.ports:
            port = int(entry["reply"].get("sport", -1))  # the destination port after DNAT
            return self.ports[0] <= port <= self.ports[1]
        if self.icmp:
            wanted_type, wanted_code = self.icmp
            return (wanted_type is None or int(entry["orig"].get("type", -1)) == wanted_type) and \
                (wanted_code is None or int(entry["orig"].get("code", -1)) == wanted_code)
        return True


def describe(entry):
    orig = entry["orig"]
    ports = ":%s" % orig["dport"] if "dport" in orig else (" type %s" % orig["type"] if "type" in orig else "")
    return "%s %s -> %s%s" % (entry["protocol"], orig["src"], orig["dst"], ports)


def delete_arguments(entry):
    """The 'conntrack -D' arguments that end exactly ``entry`` (its original tuple)."""
    orig = entry["orig"]
    protocol = entry["protocol"]
    arguments = ["-D", "-p", protocol if protocol in _PROTOCOLS else entry["number"], "--orig-src", orig["src"],
                 "--orig-dst", orig["dst"]]
    if protocol in ("tcp", "udp"):
        arguments += ["--sport", orig["sport"], "--dport", orig["dport"]]
    elif protocol == "icmp":
        arguments += ["--icmp-type", orig["type"], "--icmp-code", orig["code"], "--icmp-id", orig["id"]]
    return arguments


def end_revoked(module, subnet, dataplane):
    """Ends (in check mode, only lists) the tracked connections into ``subnet`` that ``dataplane`` no
    longer allows; returns them as 'connection: reason' lines. Fails the module on a data plane it cannot
    read or a conntrack command that fails."""
    conntrack = module.get_bin_path("conntrack", required=not module.check_mode)
    if conntrack is None:
        return []  # check mode on a host that gets conntrack in this run: it tracks nothing of ours yet
    local = [address.split("/")[0] for addresses in IpRoute(module).addresses().values() for address in addresses]
    try:
        plane = Plane(subnet, dataplane, local)
    except (KeyError, TypeError, ValueError) as error:
        module.fail_json(msg="subnet or dataplane is not a data plane of the host plan: %s" % error)
    rc, out, err = module.run_command([conntrack, "-L"])
    if rc:
        module.fail_json(msg="conntrack -L failed: %s" % err.strip(), stderr=err)
    ending = [(entry, reason) for entry, reason in ((entry, plane.stale(entry)) for entry in parse(out)) if reason]
    ended = ["%s: %s" % (describe(entry), reason) for entry, reason in ending]
    if not module.check_mode:
        for entry, _reason in ending:
            rc, out, err = module.run_command([conntrack] + delete_arguments(entry))
            # 1 with '0 flow entries': the connection ended by itself meanwhile.
            if rc and "0 flow entries" not in err:
                module.fail_json(msg="conntrack -D failed for %s: %s" % (describe(entry), err.strip()), ended=ended)
    return ended
