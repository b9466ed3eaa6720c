# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The data plane's nftables table: how a MANAGED / MANAGED-NOVLAN front-end whose data plane the
collection owns judges its VMs' packets, in a time that does not grow with the cloud.

A new connection into the private subnet is classified by one lookup: the destination's block
(every group's block has the same size) in the verdict map ``group_of`` jumps to that group's
chain, which holds the group's own rules only. An elastic IP is one lookup too: ``dnat_of`` maps
it to its instance's private address, ``snat_of`` the instance back to it. So the thousandth
group's first packet costs what the first group's does, where iptables walks a jump per group
and a DNAT per elastic IP.

``table()`` decides the table from the data plane (dataplane.decide()) as data: chains with their
rules in nft's syntax, maps with their elements. ``changes()`` compares it with the table the host
has (``parse()`` of ``nft -j list table``) and returns the nft commands of the difference, for one
atomic ``nft -f``: a chain whose rules changed is flushed and filled, a map loses and gains only
the elements that changed. Each rule carries its own text as its comment, so the comparison reads
what the collection wrote, whatever the nft version prints. ``render()`` is the text a diff shows.
"""

from __future__ import annotations

import re

from ansible_collections.privatecloud.iaas.plugins.module_utils.dataplane import icmp_match

FAMILY = "ip"
# nft's longest rule comment (NFT_USERDATA_MAXLEN is 256; nft itself accepts 128).
COMMENT_LENGTH = 128
# The NAT chains run just before iptables' own (dstnat -100, srcnat 100): an elastic IP's
# translation is made here, and the masquerade of the iptables chain is then skipped for it.
BASE_CHAINS = (
    {"name": "forward", "type": "filter", "hook": "forward", "priority": 0},
    {"name": "prerouting", "type": "nat", "hook": "prerouting", "priority": -101},
    {"name": "output", "type": "nat", "hook": "output", "priority": -101},
    {"name": "postrouting", "type": "nat", "hook": "postrouting", "priority": 99},
)
MAP_TYPES = {"group_of": ("ipv4_addr", "verdict"), "dnat_of": ("ipv4_addr", "ipv4_addr"),
             "snat_of": ("ipv4_addr", "ipv4_addr")}
# A name the table, its chains and its maps may have without quoting (nft's identifier).
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")


class TableError(Exception):
    """A table declaration the module cannot use."""


def table_name(prefix):
    """The table of a host's prefix: 'IAAS-' -> 'iaas' (nft list table ip iaas)."""
    return prefix.rstrip("-_").lower()


def group_rule(rule):
    """One structured ingress rule ({source, protocol, ports, icmp_type}) in nft's syntax; its
    destination is the group's block, which the verdict map has already matched."""
    parts = ["ip saddr %s" % rule["source"]]
    protocol = rule["protocol"]
    if rule.get("ports"):
        parts.append("%s dport %s" % (protocol, rule["ports"].replace(":", "-")))
    elif rule.get("icmp_type"):
        icmp_type, code = icmp_match(rule["icmp_type"])
        parts.append("icmp type %d" % icmp_type if icmp_type is not None else "ip protocol icmp")
        if code is not None:
            parts.append("icmp code %d" % code)
    elif protocol != "all":
        parts.append("ip protocol %s" % protocol)
    return " ".join(parts + ["accept"])


def table(dataplane, prefix, chain_name):
    """The table of a front-end's data plane, or {} for none. ``chain_name(group, prefix)`` names
    each group's chain (the iptables chain's name, so the documents' 'iptables -L <user>-<group>'
    becomes 'nft list chain ip iaas <prefix><user>-<group>')."""
    if not dataplane:
        return {}
    subnet = dataplane["subnet"]
    groups = dataplane["groups"]
    chains, group_of = [], {}
    for group in groups:
        name = chain_name(group["name"], prefix)
        # The group's own instances reach each other; then its rules, each from its source.
        chains.append({"name": name, "rules": ["ip saddr %s accept" % group["cidr"]]
                       + [group_rule(rule) for rule in group["allowed"]]})
        group_of[group["network"]] = "jump %s" % name
    mask = _mask(groups[0]["prefix"]) if groups else "255.255.255.255"
    rules = {
        "forward": ["ct state established accept",
                    "ip daddr != %s accept" % subnet,
                    "ip daddr & %s vmap @group_of" % mask,
                    "drop"],
        "prerouting": ["dnat to ip daddr map @dnat_of"],
        "output": ["dnat to ip daddr map @dnat_of"],
        "postrouting": ["ip daddr != %s snat to ip saddr map @snat_of" % subnet],
    }
    chains += [dict(base, rules=rules[base["name"]]) for base in BASE_CHAINS]
    elastic = dataplane.get("elastic_ips") or []
    return {
        "family": FAMILY,
        "name": table_name(prefix),
        "chains": chains,
        "maps": [
            {"name": "group_of", "elements": group_of},
            {"name": "dnat_of", "elements": {ip["public_ip"]: ip["private_ip"] for ip in elastic}},
            {"name": "snat_of", "elements": {ip["private_ip"]: ip["public_ip"] for ip in elastic}},
        ],
    }


def _mask(prefix):
    value = (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF
    return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def check(declared):
    """Raises TableError naming what in a declaration (the module's ``table``) nft could take as
    more than one word of one command: names, rules and elements are one line each, and a rule
    holds no quote (its comment is the rule itself)."""
    problems = []
    for key in ("family", "name"):
        if not isinstance(declared.get(key), str) or not IDENTIFIER.match(declared[key]):
            problems.append("table.%s %r is not a name (letters, digits, _ . -)" % (key, declared.get(key)))
    chains = declared.get("chains") or []
    names = [chain.get("name") for chain in chains]
    for chain in chains:
        name = chain.get("name")
        if not isinstance(name, str) or not IDENTIFIER.match(name):
            problems.append("chain %r is not a name (letters, digits, _ . -)" % (name,))
        if names.count(name) > 1:
            problems.append("chain %r is declared more than once" % (name,))
        if chain.get("hook") is not None and (chain.get("type") not in ("filter", "nat")
                                              or not isinstance(chain.get("priority"), int)
                                              or not IDENTIFIER.match(str(chain["hook"]))):
            problems.append("chain %r: a base chain needs type filter or nat, a hook and a whole priority" % name)
        for rule in chain.get("rules") or []:
            if not isinstance(rule, str) or not re.fullmatch(r"[^\"\n\r;#{}]+", rule) or len(rule) > COMMENT_LENGTH:
                problems.append("chain %r: rule %r is not one rule of at most %d characters without quotes, "
                                "braces, ';' or '#'" % (name, rule, COMMENT_LENGTH))
    for entry in declared.get("maps") or []:
        if entry.get("name") not in MAP_TYPES:
            problems.append("map %r is not one of %s" % (entry.get("name"), ", ".join(MAP_TYPES)))
            continue
        for key, value in (entry.get("elements") or {}).items():
            if not re.fullmatch(r"[0-9.]+", str(key)) or not re.fullmatch(r"[0-9.]+|jump [A-Za-z_][A-Za-z0-9_.-]*",
                                                                          str(value)):
                problems.append("map %s: element %r : %r is not an address to an address or a jump"
                                % (entry["name"], key, value))
    if problems:
        raise TableError("; ".join(problems))


# --- What the host has --------------------------------------------------------------------------


def parse(listing):
    """The table of ``nft -j list table`` as {"chains": {name: {"base": (type, hook, priority) or
    None, "rules": [comment or None]}}, "maps": {name: {"type": (key, value), "elements": {k: v}}}},
    or None for ``{}`` / an empty listing (no table)."""
    if not listing:
        return None
    chains, maps = {}, {}
    for item in listing.get("nftables", []):
        if "chain" in item:
            chain = item["chain"]
            base = (chain["type"], chain["hook"], chain["prio"]) if "hook" in chain else None
            chains[chain["name"]] = {"base": base, "rules": []}
        elif "map" in item:
            entry = item["map"]
            maps[entry["name"]] = {"type": (entry.get("type"), entry.get("map")),
                                   "elements": dict(_element(pair) for pair in entry.get("elem") or [])}
        elif "rule" in item:
            rule = item["rule"]
            chains.setdefault(rule["chain"], {"base": None, "rules": []})["rules"].append(
                rule.get("comment") or "(a rule the collection did not write: handle %s)" % rule.get("handle"))
    return {"chains": chains, "maps": maps}


def _element(pair):
    key, value = pair
    if isinstance(key, dict) and "elem" in key:  # an element with a comment or a timeout
        key = key["elem"]["val"]
    if isinstance(value, dict) and len(value) == 1:
        verdict, target = next(iter(value.items()))
        value = "%s %s" % (verdict, target["target"]) if isinstance(target, dict) else verdict
    return str(key), str(value)


def desired_state(declared):
    """A declaration in parse()'s shape, to compare with the host's."""
    return {
        "chains": {chain["name"]: {"base": (chain["type"], chain["hook"], chain["priority"])
                                   if chain.get("hook") else None,
                                   "rules": list(chain.get("rules") or [])}
                   for chain in declared.get("chains") or []},
        "maps": {entry["name"]: {"type": MAP_TYPES[entry["name"]],
                                 "elements": {str(k): str(v) for k, v in (entry.get("elements") or {}).items()}}
                 for entry in declared.get("maps") or []},
    }


# --- The difference, as nft commands ------------------------------------------------------------


def changes(declared, live):
    """The nft commands (one transaction) that make the host's table (parse()) the declared one
    ({} / None: no table). A table whose base chains or map types differ is made anew; otherwise
    only the chains and elements that differ are touched."""
    family, name = declared.get("family", FAMILY), declared.get("name")
    if not declared.get("chains"):
        return []
    want = desired_state(declared)
    where = "%s %s" % (family, name)
    shapes_differ = live is not None and (
        any(live["chains"].get(chain, {}).get("base") != spec["base"]
            for chain, spec in want["chains"].items() if spec["base"] or chain in live["chains"])
        or any(chain["base"] for other, chain in live["chains"].items() if other not in want["chains"])
        or any(live["maps"].get(map_name, {}).get("type") != spec["type"]
               for map_name, spec in want["maps"].items() if map_name in live["maps"]))
    if live is None or shapes_differ:
        commands = (["delete table %s" % where] if live is not None else []) + ["add table %s" % where]
        return commands + _whole(declared, where)
    commands, refill, removed_chains = [], [], []
    for chain, spec in want["chains"].items():
        if chain not in live["chains"]:
            commands.append("add chain %s %s" % (where, chain))
        if live["chains"].get(chain, {}).get("rules") != spec["rules"]:
            if chain in live["chains"]:
                refill.append("flush chain %s %s" % (where, chain))
            refill += _rules(where, chain, spec["rules"])
    for map_name, spec in want["maps"].items():
        if map_name not in live["maps"]:
            commands.append(_map(where, map_name))
        have = live["maps"].get(map_name, {}).get("elements", {})
        gone = [key for key, value in have.items() if spec["elements"].get(key) != value]
        new = [(key, value) for key, value in spec["elements"].items() if have.get(key) != value]
        if gone:
            refill.append("delete element %s %s { %s }" % (where, map_name, ", ".join(gone)))
        if new:
            pairs = ", ".join("%s : %s" % pair for pair in new)
            refill.append("add element %s %s { %s }" % (where, map_name, pairs))
    for map_name in live["maps"]:
        if map_name not in want["maps"]:
            refill.append("delete map %s %s" % (where, map_name))
    for chain in live["chains"]:
        if chain not in want["chains"]:
            # Emptied first: a rule of the chain may jump to another chain that leaves too.
            commands.append("flush chain %s %s" % (where, chain))
            removed_chains.append("delete chain %s %s" % (where, chain))
    return commands + refill + removed_chains


def removal(declared_name, live, family=FAMILY):
    """The commands that remove the table, when the host has it."""
    return ["delete table %s %s" % (family, declared_name)] if live is not None else []


def _whole(declared, where):
    """Every command of a new table: chains, maps with their elements, then the rules (a rule's
    jump and a map's verdict need their chain in place)."""
    commands = []
    for chain in declared["chains"]:
        if chain.get("hook"):
            commands.append("add chain %s %s { type %s hook %s priority %d; policy accept; }"
                            % (where, chain["name"], chain["type"], chain["hook"], chain["priority"]))
        else:
            commands.append("add chain %s %s" % (where, chain["name"]))
    for entry in declared.get("maps") or []:
        commands.append(_map(where, entry["name"]))
        if entry.get("elements"):
            commands.append("add element %s %s { %s }" % (where, entry["name"], ", ".join(
                "%s : %s" % pair for pair in entry["elements"].items())))
    for chain in declared["chains"]:
        commands += _rules(where, chain["name"], chain.get("rules") or [])
    return commands


def _map(where, name):
    key, value = MAP_TYPES[name]
    return "add map %s %s { type %s : %s; }" % (where, name, key, value)


def _rules(where, chain, rules):
    # The rule's text is its comment: what the next run compares.
    return ['add rule %s %s %s comment "%s"' % (where, chain, rule, rule) for rule in rules]


def boot_file(declared):
    """The file a boot-time ``nft -f`` loads: the table made anew, whatever was there."""
    if not declared.get("chains"):
        return ""
    where = "%s %s" % (declared.get("family", FAMILY), declared["name"])
    lines = ["# The data plane's table of privatecloud.iaas (nft list table %s); loaded with nft -f." % where,
             "add table %s" % where, "delete table %s" % where, "add table %s" % where]
    return "\n".join(lines + _whole(declared, where)) + "\n"


# --- What a diff shows ------------------------------------------------------------------------


def render(state, where):
    """The table (desired_state() or parse() shape; None: none) as text a diff compares: each
    chain with its rules, each map with its elements, in a stable order."""
    if state is None:
        return ""
    lines = ["table %s" % where]
    for name, chain in sorted(state["chains"].items(), key=lambda item: (item[1]["base"] is None, item[0])):
        base = chain["base"]
        lines.append("  chain %s%s" % (name, " (%s hook %s priority %s)" % base if base else ""))
        lines += ["    %s" % rule for rule in chain["rules"]]
    for name, entry in sorted(state["maps"].items()):
        lines.append("  map %s (%s : %s)" % ((name,) + tuple(entry["type"])))
        lines += ["    %s : %s" % pair for pair in sorted(entry["elements"].items(), key=lambda pair: _sort_key(pair[0]))]
    return "\n".join(lines) + "\n"


def _sort_key(address):
    parts = address.split(".")
    return [int(part) for part in parts] if all(part.isdigit() for part in parts) else [address]
