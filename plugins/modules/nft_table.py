#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: nft_table
short_description: Own one nftables table - its chains, rules and maps - and nothing else
version_added: "1.1.0"
description:
  - Declares one nftables table whole (the data plane's table of a Eucalyptus MANAGED or
    MANAGED-NOVLAN front-end, see the role C(privatecloud.iaas.iptables)) and makes the host's
    table match it in one atomic C(nft -f) transaction, checked first with C(nft -c).
  - Only what differs changes - a chain whose rules differ is emptied and filled again, a map
    loses and gains only the elements that differ. The table is made anew only when a base
    chain's hook or a map's type differs. Other tables are never read or touched.
  - Each rule carries its own text as its comment, which is how the next run recognises it;
    a rule without such a comment (added by hand) counts as a difference and goes.
options:
  table:
    description:
      - The table - C(family), C(name), C(chains) (each C(name), C(rules) in nft's syntax, and
        for a base chain C(type), C(hook) and C(priority)) and C(maps) (each C(name) among
        V(group_of), V(dnat_of), V(snat_of), with C(elements), key to value).
      - V({}) or no chains removes the table named by O(name).
    type: dict
    default: {}
  name:
    description: The table to remove when O(table) declares none (O(state=absent)).
    type: str
    default: iaas
  state:
    description: V(absent) removes the table named by O(name).
    type: str
    choices: [present, absent]
    default: present
  persist_path:
    description:
      - Also write the table as a file for C(nft -f) to this path, for the boot-time unit; the
        file makes the table anew. The file is removed when the table is.
    type: path
attributes:
  check_mode:
    description: Predicts the commands exactly (checked with C(nft -c)) without touching the table.
    support: full
  diff_mode:
    description: Shows the table's chains with their rules and its maps with their elements, before and after.
    support: full
  platform:
    description: Linux with nftables.
    support: full
    platforms: posix
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Apply the data plane's table the host's plan decided
  privatecloud.iaas.nft_table:
    table: "{{ ansible_facts.iaas_plan.firewall.dataplane_table }}"
    persist_path: /etc/privatecloud-iaas/dataplane.nft

- name: Remove it
  privatecloud.iaas.nft_table:
    name: iaas
    state: absent
"""

RETURN = r"""
commands:
  description: The nft commands of the change (one transaction), empty when the table is as declared.
  returned: always
  type: list
  elements: str
  sample: ["add element ip iaas dnat_of { 192.0.2.11 : 10.10.2.3 }"]
"""

import json
import os
import shlex

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.privatecloud.iaas.plugins.module_utils import files
from ansible_collections.privatecloud.iaas.plugins.module_utils.dataplane_table import (
    FAMILY,
    IDENTIFIER,
    TableError,
    boot_file,
    changes,
    check,
    desired_state,
    parse,
    removal,
    render,
)


def live_table(module, nft, family, name):
    """The host's table (dataplane_table.parse()), None when it has none."""
    rc, out, err = module.run_command([nft, "-j", "list", "table", family, name])
    if rc != 0:
        if "No such file or directory" in err:
            return None
        module.fail_json(msg="nft could not list table %s %s" % (family, name), rc=rc, stderr=err)
    return parse(json.loads(out))


def transaction(module, nft, commands, dry_run):
    """One nft -f of the commands (nft -c: checked only)."""
    command = [nft, "-c", "-f", "-"] if dry_run else [nft, "-f", "-"]
    rc, _out, err = module.run_command(command, data="\n".join(commands) + "\n", binary_data=True)
    if rc != 0:
        module.fail_json(msg="nft refused the table's change%s" % (" (nft -c)" if dry_run else ""),
                         rc=rc, stderr=err, commands=commands)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            table=dict(type="dict", default={}),
            name=dict(type="str", default="iaas"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            persist_path=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    declared = params["table"] if params["state"] == "present" else {}
    if declared:
        try:
            check(declared)
        except TableError as error:
            module.fail_json(msg=str(error))
    if not IDENTIFIER.match(params["name"]):
        module.fail_json(msg="name %r is not a table name (letters, digits, _ . -)" % params["name"])
    family, name = declared.get("family", FAMILY), declared.get("name", params["name"])
    where = "%s %s" % (family, name)
    nft = module.get_bin_path("nft")
    if nft is None:
        if declared.get("chains") and not module.check_mode:
            module.fail_json(msg="nft is not installed (Debian's package nftables)")
        # Nothing to remove; or a fresh host in check mode, where the run installs nftables first.
        live = None
    else:
        live = live_table(module, nft, family, name)
    commands = changes(declared, live) if declared.get("chains") else removal(name, live, family)
    result = {"changed": bool(commands), "commands": commands,
              "diff": {"before_header": "table %s" % where, "after_header": "table %s" % where,
                       "before": render(live, where),
                       "after": render(desired_state(declared), where) if declared.get("chains") else ""}}
    if commands and nft is not None:
        transaction(module, nft, commands, dry_run=True)
        if not module.check_mode:
            transaction(module, nft, commands, dry_run=False)
            leftover = changes(declared, live_table(module, nft, family, name)) if declared.get("chains") else []
            if leftover:
                module.fail_json(msg="after the change the table still differs from the declaration; nft would "
                                     "run this next", commands=leftover)
    path = params["persist_path"]
    if path:
        content = boot_file(declared)
        before = files.read_text(path)
        if (before or "") != content:
            result["changed"] = True
            result["diff"] = [result["diff"], {"before_header": path, "before": before or "",
                                               "after_header": path, "after": content}]
            if not module.check_mode:
                if content:
                    # Checked before it replaces a working file: the boot restore must load it.
                    try:
                        files.write(path, content, mode=0o600, make_directory=True,
                                    validate="%s -c -f %%s" % shlex.quote(nft), run=module.run_command)
                    except files.FileError as error:
                        module.fail_json(msg=str(error))
                elif os.path.exists(path):
                    files.remove(path)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
