#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: role_record
short_description: Records on the host what a role was applied from and what it owns as it is now
version_added: 0.1.0
description:
  - The last task of a role of the collection. Writes C(<record_directory>/<role>.json) with the
    digest of the role's inputs (O(inputs), from the P(privatecloud.iaas.role_inputs#lookup)
    lookup) and the state now of everything O(owned) names.
  - The next run reads every record of the host in one call
    (M(privatecloud.iaas.role_records_info)); a role whose inputs and owned state are both unchanged
    ends at its first task. Anything else (new inputs, a changed file, a stopped unit, a removed
    address, a flushed chain, a restart an interrupted run still owes) makes it run in full.
  - The record is the collection's own bookkeeping, not configuration of the host, so writing it is
    not reported as a change; a run that changes nothing on the host reports nothing.
options:
  role:
    description: The role's name, which names its record.
    type: str
    required: true
  inputs:
    description: The digest of what the role was applied from.
    type: str
    required: true
  owned:
    description:
      - What the role owns on this host, by kind. Each kind lists names; O(owned.iptables) names
        a prefix and tables.
    type: dict
    default: {}
    suboptions:
      files:
        description: Paths or shell patterns (each match counts; a new match is a change). Content, mode and owner count.
        type: list
        elements: str
      units:
        description: systemd units; whether they are loaded, enabled and active counts.
        type: list
        elements: str
      packages:
        description: Packages that must stay installed.
        type: list
        elements: str
      links:
        description: Network devices; their existence, kind, MTU, master, whether they are up and their kind's settings count.
        type: list
        elements: str
      addresses:
        description: Network devices whose addresses (not link-local ones) count.
        type: list
        elements: str
      routes:
        description: Destinations (C(10.20.2.9/32)) whose routes in the main table count.
        type: list
        elements: str
      fdb:
        description: VXLAN devices whose forwarding entries to peers count.
        type: list
        elements: str
      sysctls:
        description: Kernel settings (C(net.ipv4.ip_forward)) whose values count.
        type: list
        elements: str
      iptables:
        description: The owned firewall, as C({prefix, tables}); its chains, their rules, the jumps into them and built-in policies count.
        type: dict
      pending:
        description: Names of the role's M(privatecloud.iaas.pending_actions); one still owed makes the role run.
        type: list
        elements: str
  kept:
    description: What the role keeps for the plans of later runs.
    type: dict
    default: {}
  record_directory:
    description: Where the records are kept.
    type: path
    default: /var/lib/privatecloud-iaas/roles
attributes:
  check_mode:
    description: Writes nothing; a check run applies no role, so it records none.
    support: full
  diff_mode:
    description: Nothing to show; the record is not configuration.
    support: none
  platform:
    description: Linux with iproute2 (links, addresses), systemd (units), dpkg (packages), iptables-save.
    support: full
    platforms: posix
seealso:
  - module: privatecloud.iaas.role_records_info
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Record the role's state on the host, for the next run
  privatecloud.iaas.role_record:
    role: ntp
    inputs: "{{ lookup('privatecloud.iaas.role_inputs') }}"
    owned:
      files: [/etc/chrony/chrony.conf]
      units: [chrony.service]
      packages: [chrony]
      pending: [restart chrony]
"""

RETURN = r"""
path:
  description: The record's file.
  returned: always
  type: str
  sample: /var/lib/privatecloud-iaas/roles/ntp.json
observed:
  description: The state recorded, by kind and item.
  returned: success
  type: dict
  sample: {"files": {"/etc/chrony/chrony.conf": {"sha256": "5e1f...", "mode": "0644", "owner": "0:0"}}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.privatecloud.iaas.plugins.module_utils.role_records import RECORD_OPTIONS, write_record


def main():
    module = AnsibleModule(argument_spec=RECORD_OPTIONS, supports_check_mode=True)
    path, observed = write_record(module, module.params)
    if observed is None:
        module.exit_json(changed=False, path=path)
    module.exit_json(changed=False, path=path, observed=observed)


if __name__ == "__main__":
    main()
