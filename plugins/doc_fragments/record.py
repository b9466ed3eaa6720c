# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The record a role's last apply call writes for the next run."""

    DOCUMENTATION = r"""
options:
  record:
    description:
      - The role's record, written once everything else this call does is done - what the role was
        applied from (O(record.inputs)) and the state of what it owns as it is now. The next run reads
        every record in one call (M(privatecloud.iaas.role_records_info)); a role whose inputs are
        the same and whose owned state has not drifted ends before it changes anything.
      - The host's plan gives each role's part its record (C(iaas_plan.<part>.record)) - the inputs
        are the digest of the part and the collection's code, the owned state what the part's apply
        calls are given, so neither is kept by hand.
      - Writing it is not reported as a change; check mode writes nothing.
    type: dict
    suboptions:
      role:
        description: The role (the record's file name).
        type: str
        required: true
      inputs:
        description: The digest of what the role was applied from.
        type: str
        required: true
      owned:
        description: What the role owns on the host, by kind; each observed as it is now.
        type: dict
        default: {}
        suboptions:
          files:
            description: Paths (shell patterns allowed); their content digest, mode and owner.
            type: list
            elements: str
          units:
            description: systemd units; their load, enablement and activity.
            type: list
            elements: str
          packages:
            description: Packages; whether each is installed.
            type: list
            elements: str
          links:
            description: Network devices; what a role sets on each (kind, master, state, its settings).
            type: list
            elements: str
          addresses:
            description: Network devices; their addresses.
            type: list
            elements: str
          routes:
            description: Destinations; their routes.
            type: list
            elements: str
          fdb:
            description: VXLAN devices; their forwarding entries.
            type: list
            elements: str
          sysctls:
            description: Kernel settings; their values.
            type: list
            elements: str
          iptables:
            description: C(prefix) and C(tables) of owned iptables chains; their rules and jumps.
            type: dict
          nftables:
            description: C(family) and C(name) of an owned nftables table; its chains, rules and maps as nft lists them.
            type: dict
            version_added: "1.1.0"
          database:
            description: C(socket) of a MariaDB server and C(users), the names of the accounts a role
              owns; those accounts and whether the server replicates, from where, with both threads
              running.
            type: dict
          pending:
            description: Actions; whether each is still owed.
            type: list
            elements: str
      kept:
        description:
          - What the role keeps for the plans of later runs (the addresses the data plane's DHCP server
            gives the instances), returned by M(privatecloud.iaas.role_records_info).
        type: dict
        default: {}
      record_directory:
        description: Where the records are kept.
        type: path
        default: /var/lib/privatecloud-iaas/roles
"""
