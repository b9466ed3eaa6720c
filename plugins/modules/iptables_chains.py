#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iptables_chains
short_description: Own whole iptables chains, their jumps and builtin policies, and nothing else
version_added: "1.0.0"
description:
  - Declares, per table, the chains this host's firewall owns (names starting with O(prefix))
    with their complete rule lists, the jump rules from builtin chains into them, and builtin
    chain policies where asked.
  - Reads C(iptables-save), compares the owned part with the declaration in iptables' own
    spelling, and applies the difference atomically with C(iptables-restore --noflush) after
    C(--test). Chains of other software and the other rules of builtin chains are never
    touched; owned chains that are no longer declared are removed with their jump rules.
  - Declared rules are spelled the way iptables-save prints them by restoring them into a
    throw-away network namespace first; a rule iptables refuses fails the task there, naming
    its table, chain and rule, before anything on the host changes.
  - Works with the nft and the legacy backend of iptables (whichever C(iptables) is), IPv4 or
    IPv6.
options:
  tables:
    description:
      - Per table (V(filter), V(nat), V(mangle), V(raw)) a mapping with C(chains) (chain name to
        its list of rules, each as after C(-A CHAIN)), C(jumps) (list of C(chain), a builtin
        chain; C(target), an owned chain; optional C(rule), matches before the jump; optional
        C(position), 1 for the top) and C(policies) (builtin chain to V(ACCEPT) or V(DROP)).
      - A table left out has no owned chains, so the module removes any it finds there.
    type: dict
    default: {}
  prefix:
    description: Chains whose names start with this are owned by this module.
    type: str
    default: IAAS-
  ip_version:
    description: V(ipv4) uses C(iptables), V(ipv6) C(ip6tables).
    type: str
    choices: [ipv4, ipv6]
    default: ipv4
  state:
    description: V(absent) removes every owned chain and jump (policies are left as they are).
    type: str
    choices: [present, absent]
    default: present
  cache_dir:
    description:
      - Where the namespace spelling of a declaration is kept, so a run that changes nothing
        needs no namespace. Keyed by the declared rules and the iptables binary.
      - V(null) spells every time.
    type: path
    default: /var/cache/privatecloud-iaas/iptables
  rollback_timeout:
    description:
      - When above 0 and the run changes the tables, the host puts the previous owned state back
        by itself after this many seconds unless the file returned as RV(rollback_cookie) has
        been removed by then. Remove it once the controller has shown it can still reach the host
        (see the role C(privatecloud.iaas.iptables)), so a change that cuts the controller off
        undoes itself.
    type: int
    default: 0
  revoke:
    description:
      - On a Eucalyptus MANAGED front-end whose data plane the collection owns - once the chains are
        in place, end the tracked connections into O(revoke.subnet) that the data plane no longer
        allows (in check mode, list them). The FORWARD chain accepts an established connection
        before any group rule, so without this a connection a revoked rule or elastic IP let in
        would outlive it.
    type: dict
    suboptions:
      subnet:
        description: The VMs' private subnet in CIDR form.
        type: str
        required: true
      dataplane:
        description: The front-end's data plane as the host plan gives it (C(iaas_plan.eucalyptus.dataplane)).
        type: dict
        default: {}
  persist_path:
    description:
      - Also write the declared state as an C(iptables-restore --noflush) script to this path,
        for a boot-time unit that restores the owned chains only. Jumps with a position are
        inserted at the top there, in their declared order.
      - The script is also the module's account of the chains it owned at its last change - a
        chain named there and no longer declared (the prefix changed) is removed from the host
        with the jumps into it.
    type: path
  copies:
    description:
      - Further files that get the same script as O(persist_path), each only where its directory
        exists (the module creates no directory for them), such as the C(iptables-preload) a
        Eucalyptus CC reloads after it flushes the tables. Check mode predicts them too.
    type: list
    elements: path
    default: []
attributes:
  check_mode:
    description: Predicts the change exactly without touching the tables.
    support: full
  diff_mode:
    description: Shows the owned chains, jumps and declared policies before and after.
    support: full
  platform:
    description: Linux with iptables.
    support: full
    platforms: posix
requirements:
  - iptables, iptables-save and iptables-restore (or the ip6tables ones)
  - unshare and setsid (util-linux) and the right to create a network namespace (root)
notes:
  - Rules that need objects outside the tables (ipset sets) cannot be spelled in the throw-away
    namespace and are refused.
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: SSH from the management network only, everything else dropped on INPUT
  privatecloud.iaas.iptables_chains:
    tables:
      filter:
        chains:
          IAAS-INPUT:
            - -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            - -i lo -j ACCEPT
            - -s 10.1.0.0/24 -p tcp --dport 22 -j ACCEPT
        jumps:
          - {chain: INPUT, target: IAAS-INPUT, position: 1}
        policies:
          INPUT: DROP

- name: The Eucalyptus MANAGED front-end baseline
  privatecloud.iaas.iptables_chains:
    tables:
      filter:
        chains:
          IAAS-FORWARD:
            - -m conntrack --ctstate ESTABLISHED -j ACCEPT
            - "! -d 192.168.0.0/16 -j ACCEPT"
        jumps:
          - {chain: FORWARD, target: IAAS-FORWARD, position: 1}
        policies:
          FORWARD: DROP
      nat:
        chains:
          IAAS-POSTROUTING:
            - -s 192.168.0.0/16 ! -d 192.168.0.0/16 -j MASQUERADE
        jumps:
          - {chain: POSTROUTING, target: IAAS-POSTROUTING}
"""

RETURN = r"""
script:
  description: The iptables-restore --noflush script applied (or that would be, in check mode).
  returned: always
  type: str
diff:
  description: The owned chains, jumps and declared policies before and after.
  returned: always
  type: dict
ended:
  description: With O(revoke), the connections ended (in check mode, to end), each with the reason.
  returned: with O(revoke)
  type: list
  elements: str
rollback_cookie:
  description: The file to remove to keep the change; the host rolls back when it is still there.
  returned: when O(rollback_timeout) is above 0 and the tables changed
  type: str
stdout:
  description: Output of the failing command.
  returned: failure
  type: str
stderr:
  description: Error output of the failing command.
  returned: failure
  type: str
"""

import os
import shlex
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.privatecloud.iaas.plugins.module_utils import files, rollback
from ansible_collections.privatecloud.iaas.plugins.module_utils.conntrack import end_revoked
from ansible_collections.privatecloud.iaas.plugins.module_utils.iptables import (
    Change,
    CommandError,
    Declaration,
    DeclarationError,
    Iptables,
    chains_of_script,
    owned_state,
)

COMMANDS = {"ipv4": ("iptables-save", "iptables-restore"), "ipv6": ("ip6tables-save", "ip6tables-restore")}


def firewall(module):
    save, restore = COMMANDS[module.params["ip_version"]]

    def run(command, data=None):
        return module.run_command(command, data=data, binary_data=True)

    return Iptables(run, module.get_bin_path(save, required=True), module.get_bin_path(restore, required=True),
                    module.get_bin_path("unshare", required=True), module.params["cache_dir"])


def boot_script(declaration):
    """The declared state for a boot-time iptables-restore --noflush (nothing of ours exists yet)."""
    lines = []
    for name, table in sorted(declaration.tables.items()):
        lines.append("*%s" % name)
        lines.extend(":%s %s [0:0]" % (chain, policy) for chain, policy in sorted(table["policies"].items()))
        lines.extend(":%s - [0:0]" % chain for chain in table["chains"])
        for chain, rules in table["chains"].items():
            lines.extend("-A %s %s" % (chain, rule) for rule in rules)
        placed = sorted((jump for jump in table["jumps"] if jump["position"]), key=lambda jump: jump["position"])
        lines.extend("-I %s 1 %s" % (jump["chain"], jump["rule"]) for jump in reversed(placed))
        lines.extend("-A %s %s" % (jump["chain"], jump["rule"]) for jump in table["jumps"] if not jump["position"])
        lines.append("COMMIT")
    return "# Owned iptables chains of privatecloud.iaas; restored with iptables-restore --noflush.\n" + \
        "\n".join(lines) + "\n"


def arm_rollback(module, host, script, timeout):
    """Leave a detached timer that restores ``script`` unless its cookie is removed in time."""
    os.makedirs(rollback.DIRECTORY, 0o700, exist_ok=True)
    handle, rules = tempfile.mkstemp(dir=rollback.DIRECTORY, prefix="iptables-rollback-", suffix=".rules")
    with os.fdopen(handle, "w") as stream:
        stream.write(script)
    cookie = rules[:-len(".rules")] + ".cookie"
    with open(cookie, "w") as stream:
        stream.write("remove this file to keep the firewall change\n")
    result = rollback.start_timer(module, timeout, cookie, "%s --noflush --wait 30 %s" % (
        shlex.quote(host.restore_bin), shlex.quote(rules)), cleanup=(rules,))
    if result[0]:
        raise CommandError("could not leave the rollback timer on the host", result)
    return cookie


def persist(module, path, content):
    """Write content to path when it differs; returns (changed, before)."""
    before = files.read_text(path) or ""
    if before == content:
        return False, before
    if not module.check_mode:
        # Firewall rules are nobody else's business.
        files.write(path, content, mode=0o600, make_directory=True)
    return True, before


def main():
    module = AnsibleModule(
        argument_spec=dict(
            tables=dict(type="dict", default={}),
            prefix=dict(type="str", default="IAAS-"),
            ip_version=dict(type="str", choices=["ipv4", "ipv6"], default="ipv4"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            persist_path=dict(type="path"),
            copies=dict(type="list", elements="path", default=[]),
            cache_dir=dict(type="path", default="/var/cache/privatecloud-iaas/iptables"),
            rollback_timeout=dict(type="int", default=0),
            revoke=dict(type="dict", options=dict(
                subnet=dict(type="str", required=True),
                dataplane=dict(type="dict", default={}),
            )),
        ),
        supports_check_mode=True,
    )
    params = module.params
    # The boot script is the collection's own account of the chains it owned at the last change: a
    # chain named there and no longer declared (a new prefix) leaves the host too.
    retired = chains_of_script(files.read_text(params["persist_path"])) if params["persist_path"] else []
    try:
        declaration = Declaration(params["tables"] if params["state"] == "present" else {}, params["prefix"], retired)
    except DeclarationError as error:
        module.fail_json(msg=str(error))

    if module.check_mode and not module.get_bin_path(COMMANDS[params["ip_version"]][0]):
        # A fresh host in check mode: the run installs iptables first, then applies all of this.
        module.exit_json(changed=True, msg="iptables is not installed yet: the whole declaration would be applied",
                         diff={"before": "", "after": boot_script(declaration)})
    host = firewall(module)
    try:
        if declaration.tables:
            host.spell(declaration, write_cache=not module.check_mode)
        change = Change(declaration, host.save())
        script = change.script()
        result = {
            "changed": change.changed,
            "script": script,
            "diff": {"before": "\n".join(change.before) + "\n", "after": "\n".join(change.after) + "\n"},
        }
        if change.changed and not module.check_mode:
            host.restore(script, test=True)
            previous = owned_state(declaration, change.live)
            host.restore(script)
            now = host.save()
            if params["rollback_timeout"] > 0:
                result["rollback_cookie"] = arm_rollback(module, host, Change(previous, now).script(),
                                                         params["rollback_timeout"])
            leftover = Change(declaration, now)
            if leftover.changed:
                module.fail_json(msg="after the change the owned chains still differ from the declaration; "
                                     "iptables would apply this next", script=leftover.script())
    except CommandError as error:
        module.fail_json(msg=str(error), rc=error.rc, stdout=error.stdout, stderr=error.stderr)

    paths = [params["persist_path"]] if params["persist_path"] else []
    paths += [path for path in params["copies"] if os.path.isdir(os.path.dirname(path) or ".")]
    for path in paths:
        changed, before = persist(module, path, boot_script(declaration))
        result["changed"] = result["changed"] or changed
        if changed:
            result["diff"] = (result["diff"] if isinstance(result["diff"], list) else [result["diff"]]) + [
                {"before_header": path, "before": before, "after_header": path, "after": boot_script(declaration)}]
    if params["revoke"]:
        result["ended"] = end_revoked(module, params["revoke"]["subnet"], params["revoke"]["dataplane"])
        if result["ended"]:
            result["changed"] = True
            result["diff"] = (result["diff"] if isinstance(result["diff"], list) else [result["diff"]]) + [
                {"before_header": "tracked connections", "after_header": "tracked connections",
                 "before": "".join(line + "\n" for line in result["ended"]), "after": ""}]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
