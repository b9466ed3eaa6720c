# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Owned iptables chains: parse iptables-save, work out the change, render an iptables-restore script.

The collection owns whole chains (those whose names start with a prefix), the jump rules from
builtin chains into them, and the builtin policies it is asked to set. Everything else in the
tables (other software's chains, other rules of builtin chains) is left exactly as it is: the
change is applied with ``iptables-restore --noflush``, which flushes only the chains it declares.

Declared rules are compared with the live ones in iptables-save's own spelling. To get that
spelling the declared rules are restored into a throw-away network namespace and saved again
(see canonical_script); this is also where a rule's syntax error is caught, before anything on
the host changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import tempfile

from ansible_collections.privatecloud.iaas.plugins.module_utils import files

TABLES = ("filter", "nat", "mangle", "raw")
BUILTIN_CHAINS = {
    "filter": ("INPUT", "FORWARD", "OUTPUT"),
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
    "mangle": ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
    "raw": ("PREROUTING", "OUTPUT"),
}
POLICIES = ("ACCEPT", "DROP")
# iptables limits chain names to 28 characters.
_CHAIN_NAME = re.compile(r"[A-Za-z0-9_.+-]{1,28}")


class DeclarationError(ValueError):
    """The declaration breaks a rule of the module; the message names table, chain and value."""


class Table:
    """One table as iptables-save shows it: chain order, policies and rules (in save spelling)."""

    def __init__(self, name):
        self.name = name
        self.policies = {}  # builtin chain -> policy
        self.chains = {}  # chain -> [rule, ...] (rule text after "-A CHAIN ")

    def rules(self, chain):
        return self.chains.get(chain, [])


def parse_save(text):
    """Parse iptables-save output into {table: Table}; counters and comments are dropped."""
    tables, table = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("*"):
            table = tables.setdefault(line[1:], Table(line[1:]))
        elif line == "COMMIT":
            table = None
        elif table is None:
            raise ValueError("iptables-save line outside a table: %r" % line)
        elif line.startswith(":"):
            name, policy = line[1:].split()[:2]
            table.chains.setdefault(name, [])
            if policy != "-":
                table.policies[name] = policy
        elif line.startswith("-A "):
            # "-A CHAIN rule..."; a rule with no match and no target is saved as "-A CHAIN".
            words = line.split(" ", 2)
            table.chains.setdefault(words[1], []).append(words[2] if len(words) > 2 else "")
        else:
            raise ValueError("unexpected iptables-save line in table %s: %r" % (table.name, line))
    return tables


def owned_lines(saved, prefix):
    """The lines of ``iptables-save`` output a firewall of ``prefix`` owns: its chains and their rules,
    the jumps into them, and the built-in chains' policies (counters left out) - what a role's record
    watches."""
    lines = []
    for line in (saved or "").splitlines():
        if line.startswith(":"):
            name, policy = (line[1:].split() + ["", ""])[:2]
            if name.startswith(prefix) or policy != "-":
                lines.append(":%s %s" % (name, policy))
        elif line.startswith("-A ") and (line.split()[1].startswith(prefix) or (" -j %s" % prefix) in line
                                         or (" -g %s" % prefix) in line):
            lines.append(line)
    return lines


def jump_target(rule):
    """The chain a rule jumps or goes to (-j / -g), or None."""
    words = _split(rule)
    for flag in ("-j", "--jump", "-g", "--goto"):
        if flag in words[:-1]:
            return words[words.index(flag) + 1]
    return None


def _split(rule):
    try:
        return shlex.split(rule)
    except ValueError:
        return rule.split()


def chains_of_script(text):
    """The chains a boot script of owned chains creates (``:NAME - [0:0]``; builtin chains have a
    policy instead of ``-``)."""
    return [line[1:].split()[0] for line in (text or "").splitlines()
            if line.startswith(":") and len(line.split()) > 1 and line.split()[1] == "-"]


class Declaration:
    """What the caller declared, per table: owned chains with rules, jumps, builtin policies."""

    def __init__(self, tables, prefix, retired=()):
        """``retired``: chains the collection owned before under another name (an earlier prefix),
        which it removes with the jumps into them."""
        if not prefix or not _CHAIN_NAME.fullmatch(prefix):
            raise DeclarationError("prefix: %r is not the start of a chain name" % (prefix,))
        self.prefix = prefix
        self.retired = frozenset(retired)
        self.tables = {}
        for name, spec in (tables or {}).items():
            if name not in TABLES:
                raise DeclarationError("tables: %r is not one of %s" % (name, ", ".join(TABLES)))
            self.tables[name] = self._table(name, spec or {})

    def owns(self, chain):
        return chain.startswith(self.prefix) or chain in self.retired

    def _table(self, name, spec):
        builtins = BUILTIN_CHAINS[name]
        chains = {}
        for chain, rules in (spec.get("chains") or {}).items():
            if not _CHAIN_NAME.fullmatch(chain) or not chain.startswith(self.prefix):
                raise DeclarationError("tables.%s.chains: %r is not a chain name starting with %r"
                                       % (name, chain, self.prefix))
            if not isinstance(rules, list) or not all(isinstance(rule, str) and rule.strip() for rule in rules):
                raise DeclarationError("tables.%s.chains.%s: %r is not a list of rules" % (name, chain, rules))
            chains[chain] = [" ".join(rule.split()) for rule in rules]
        jumps = []
        for index, jump in enumerate(spec.get("jumps") or []):
            where = "tables.%s.jumps[%d]" % (name, index)
            chain, target = jump.get("chain"), jump.get("target")
            if chain not in builtins:
                raise DeclarationError("%s.chain: %r is not a builtin chain of %s (%s)"
                                       % (where, chain, name, ", ".join(builtins)))
            if target not in chains:
                raise DeclarationError("%s.target: %r is not a chain declared in tables.%s.chains"
                                       % (where, target, name))
            position = jump.get("position")
            if position is not None and (isinstance(position, bool) or not isinstance(position, int) or position < 1):
                raise DeclarationError("%s.position: %r is not a position (1 is the top)" % (where, position))
            match = " ".join((jump.get("rule") or "").split())
            jumps.append({"chain": chain, "rule": ("%s -j %s" % (match, target)).strip(), "position": position})
        policies = {}
        for chain, policy in (spec.get("policies") or {}).items():
            if chain not in builtins:
                raise DeclarationError("tables.%s.policies: %r is not a builtin chain of %s" % (name, chain, name))
            if policy not in POLICIES:
                raise DeclarationError("tables.%s.policies.%s: %r is not one of %s"
                                       % (name, chain, policy, ", ".join(POLICIES)))
            policies[chain] = policy
        return {"chains": chains, "jumps": jumps, "policies": policies}

    def canonical_script(self):
        """An iptables-restore script of the declared rules, for a fresh namespace, and its line map.

        Jumps are appended (their position does not change their spelling). Returns the script
        and {line number: (table, chain, rule)} to name the rule a syntax error points at.
        """
        lines, origin = [], {}
        for name, table in sorted(self.tables.items()):
            lines.append("*%s" % name)
            lines.extend(":%s - [0:0]" % chain for chain in table["chains"])
            for chain, rules in table["chains"].items():
                for rule in rules:
                    lines.append("-A %s %s" % (chain, rule))
                    origin[len(lines)] = (name, chain, rule)
            for jump in table["jumps"]:
                lines.append("-A %s %s" % (jump["chain"], jump["rule"]))
                origin[len(lines)] = (name, jump["chain"], jump["rule"])
            lines.append("COMMIT")
        return "\n".join(lines) + "\n", origin

    def canonicalise(self, saved):
        """Replace declared rules by their spelling in ``saved`` (iptables-save of canonical_script)."""
        tables = parse_save(saved)
        for name, table in self.tables.items():
            spelled = tables.get(name, Table(name))
            for chain in table["chains"]:
                table["chains"][chain] = list(spelled.rules(chain))
            per_chain = {}
            for jump in table["jumps"]:
                per_chain.setdefault(jump["chain"], []).append(jump)
            for chain, jumps in per_chain.items():
                for jump, rule in zip(jumps, spelled.rules(chain)):
                    jump["rule"] = rule


def owned_state(declaration, live):
    """A declaration of what the live tables hold of ours now, already in save spelling.

    Used to undo a change: planning from the changed tables back to this state gives the script
    that puts back the previous owned chains, jumps (at their positions) and policies.
    """
    previous = Declaration({}, declaration.prefix)
    for name in sorted(set(declaration.tables) | set(live)):
        table = live.get(name, Table(name))
        chains = {chain: list(rules) for chain, rules in table.chains.items() if declaration.owns(chain)}
        jumps = []
        for chain in BUILTIN_CHAINS.get(name, ()):
            for index, rule in enumerate(table.rules(chain)):
                if declaration.owns(jump_target(rule) or ""):
                    jumps.append({"chain": chain, "rule": rule, "position": index + 1})
        wanted = declaration.tables.get(name, {}).get("policies", {})
        policies = {chain: table.policies[chain] for chain in wanted if chain in table.policies}
        previous.tables[name] = {"chains": chains, "jumps": jumps, "policies": policies}
    return previous


def syntax_error(stderr, origin):
    """Name the declared rule that iptables-restore refused, from its 'line: N' message."""
    match = re.search(r"line:? (\d+)", stderr or "")
    if match and int(match.group(1)) in origin:
        table, chain, rule = origin[int(match.group(1))]
        return "table %s, chain %s: the rule %r is refused by iptables-restore: %s" % (
            table, chain, rule, stderr.strip().splitlines()[0])
    return "iptables-restore refused the declaration: %s" % (stderr or "").strip()


class Change:
    """The change from the live tables to the declaration, as an iptables-restore --noflush script."""

    def __init__(self, declaration, live):
        self.declaration = declaration
        self.live = live
        self.blocks = []
        self.before, self.after = [], []
        names = sorted(set(declaration.tables) | {name for name, table in live.items()
                                                  if any(declaration.owns(chain) for chain in table.chains)})
        for name in names:
            self._change_table(name)

    @property
    def changed(self):
        return bool(self.blocks)

    def script(self):
        return "".join(self.blocks)

    def _change_table(self, name):
        owns = self.declaration.owns
        live = self.live.get(name, Table(name))
        wanted = self.declaration.tables.get(name, {"chains": {}, "jumps": [], "policies": {}})
        current = {chain: rules for chain, rules in live.chains.items() if owns(chain)}
        policy_lines, flush_lines, delete_lines, rule_lines, remove_lines, insert_lines = [], [], [], [], [], []

        for chain, policy in sorted(wanted["policies"].items()):
            if live.policies.get(chain) != policy:
                policy_lines.append(":%s %s [0:0]" % (chain, policy))
        for chain, rules in wanted["chains"].items():
            if current.get(chain) != rules:
                flush_lines.append(":%s - [0:0]" % chain)
                rule_lines.extend("-A %s %s" % (chain, rule) for rule in rules)
        for chain in sorted(set(current) - set(wanted["chains"])):
            flush_lines.append(":%s - [0:0]" % chain)
            remove_lines.append("-X %s" % chain)

        builtins = sorted(set(BUILTIN_CHAINS[name]) & (set(live.chains) | {jump["chain"] for jump in wanted["jumps"]}),
                          key=BUILTIN_CHAINS[name].index)
        before_jumps, after_jumps = [], []
        for chain in builtins:
            rules = live.rules(chain)
            ours = [rule for rule in rules if owns(jump_target(rule) or "")]
            foreign = [rule for rule in rules if not owns(jump_target(rule) or "")]
            expected = _insert(foreign, [jump for jump in wanted["jumps"] if jump["chain"] == chain])
            before_jumps.extend("-I %s %d %s" % (chain, index + 1, rule)
                                for index, rule in enumerate(rules) if rule in ours)
            after_jumps.extend("-I %s %d %s" % (chain, index + 1, rule)
                               for index, (rule, mine) in enumerate(expected) if mine)
            if [rule for rule, _mine in expected] != rules:
                delete_lines.extend("-D %s %s" % (chain, rule) for rule in ours)
                insert_lines.extend("-I %s %d %s" % (chain, index + 1, rule)
                                    for index, (rule, mine) in enumerate(expected) if mine)

        self.before.extend(_describe(name, {chain: live.policies.get(chain) for chain in wanted["policies"]},
                                     current, before_jumps))
        self.after.extend(_describe(name, wanted["policies"], wanted["chains"], after_jumps))
        body = policy_lines + flush_lines + delete_lines + rule_lines + remove_lines + insert_lines
        if body:
            self.blocks.append("*%s\n%s\nCOMMIT\n" % (name, "\n".join(body)))


def _insert(foreign, jumps):
    """The builtin chain as it should be: foreign rules in their order, our jumps at their positions.

    Returns [(rule, ours)]. Jumps without a position go after the foreign rules; a position past
    the end appends.
    """
    chain = [(rule, False) for rule in foreign]
    placed = sorted((jump for jump in jumps if jump["position"]), key=lambda jump: jump["position"])
    for jump in placed:
        chain.insert(min(jump["position"], len(chain) + 1) - 1, (jump["rule"], True))
    chain.extend((jump["rule"], True) for jump in jumps if not jump["position"])
    return chain


def _describe(table, policies, chains, jumps):
    """Owned state of one table as readable lines (for --diff)."""
    lines = ["*%s" % table]
    lines.extend(":%s %s" % (chain, policy or "(unset)") for chain, policy in sorted(policies.items()))
    lines.extend(jumps)
    for chain in sorted(chains):
        lines.append(":%s -" % chain)
        lines.extend("-A %s %s" % (chain, rule) for rule in chains[chain])
    return lines if len(lines) > 1 else []


class CommandError(Exception):
    """An iptables command failed: message, and the command's output."""

    def __init__(self, message, result):
        super().__init__(message)
        self.rc, self.stdout, self.stderr = result


class Iptables:
    """The host side: iptables-save, iptables-restore, and spelling rules in a throw-away namespace.

    ``run(command, data=None)`` runs a command list and returns (rc, stdout, stderr); the module
    passes AnsibleModule.run_command, the tests and benchmarks a subprocess runner.
    """

    def __init__(self, run, save_bin, restore_bin, unshare_bin, cache_dir=None):
        self.run = run
        self.save_bin, self.restore_bin, self.unshare_bin = save_bin, restore_bin, unshare_bin
        self.cache_dir = cache_dir

    def save(self):
        result = self.run([self.save_bin])
        if result[0]:
            raise CommandError("%s failed" % self.save_bin, result)
        return parse_save(result[1])

    def restore(self, script, test=False):
        command = [self.restore_bin, "--noflush", "--wait"] + (["--test"] if test else [])
        result = self.run(command, data=script)
        if result[0]:
            raise CommandError("%s %s the change" % (self.restore_bin, "refused" if test else "failed to apply"),
                               result)

    def spell(self, declaration, write_cache=True):
        """Give the declaration iptables-save's spelling, from the cache when nothing changed.

        The cache key covers the declared rules and the restore binary itself (its real path,
        size and time), so another backend or another iptables version spells anew.
        """
        script, origin = declaration.canonical_script()
        cache = self._cache_path(script)
        if cache and os.path.exists(cache):
            with open(cache) as stream:
                declaration.canonicalise(json.load(stream)["saved"])
            return
        # The script goes in a file, not on stdin: an unshare that fails never reads its stdin.
        handle, path = tempfile.mkstemp(prefix="iptables-spelling-", suffix=".rules")
        try:
            with os.fdopen(handle, "w") as stream:
                stream.write(script)
            inner = '%s < "$0" && exec %s' % (shlex.quote(self.restore_bin), shlex.quote(self.save_bin))
            result = self.run([self.unshare_bin, "--net", "--", "/bin/sh", "-c", inner, path])
        finally:
            os.unlink(path)
        if result[0]:
            if re.search(r"not permitted|ermission denied", result[2] or "") and "line" not in (result[2] or ""):
                raise CommandError("cannot create a network namespace to check the rules (unshare --net needs "
                                   "root or CAP_SYS_ADMIN)", result)
            raise CommandError(syntax_error(result[2], origin), result)
        declaration.canonicalise(result[1])
        if cache and write_cache:
            os.makedirs(os.path.dirname(cache), 0o700, exist_ok=True)
            files.write(cache, json.dumps({"saved": result[1]}), mode=0o600)

    def _cache_path(self, script):
        if not self.cache_dir:
            return None
        binary = os.path.realpath(self.restore_bin)
        status = os.stat(binary)
        key = hashlib.sha256(("%s\0%d\0%d\0%s" % (binary, status.st_size, int(status.st_mtime), script))
                             .encode()).hexdigest()
        return os.path.join(self.cache_dir, "spelling-%s.json" % key)
