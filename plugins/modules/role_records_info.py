#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: role_records_info
short_description: (internal) Reads what the collection's roles recorded on a host, and whether the host is still so
version_added: "1.0.0"
description:
  - Reads every record a role's last apply call wrote on the host (the C(record) option of
    M(privatecloud.iaas.service_files), M(privatecloud.iaas.interfaces)) and observes again what
    each names. For each role, returns the digest of the inputs it was last applied from and
    whether everything it owns is still as it left it; if not, what differs.
  - Also returns the packages installed (dpkg), which the roles' install tasks compare with their
    lists (P(privatecloud.iaas.missing_packages#filter)).
  - One call per host at the start of a run (C(playbooks/validate.yml)); it changes nothing.
options:
  record_directory:
    description: Where the records are kept.
    type: path
    default: /var/lib/privatecloud-iaas/roles
extends_documentation_fragment:
  - privatecloud.iaas.internal
attributes:
  check_mode:
    description: Reads only.
    support: full
  diff_mode:
    description: Nothing to show.
    support: none
  platform:
    description: Linux with iproute2, systemd, dpkg and iptables-save for the kinds records name.
    support: full
    platforms: posix
seealso:
  - module: privatecloud.iaas.service_files
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Read the roles' records and the installed packages
  privatecloud.iaas.role_records_info:
  register: records

- name: Say which roles have drifted
  ansible.builtin.debug:
    msg: "{{ item.key }}: {{ item.value.drift | join(', ') }}"
  loop: "{{ records.roles | dict2items | rejectattr('value.in_step') }}"
"""

RETURN = r"""
roles:
  description: Per role with a record, its inputs' digest, whether the host is still as the role left it, and what differs.
  returned: always
  type: dict
  sample: {"ntp": {"inputs": "9f2c...", "in_step": false, "drift": ["files /etc/chrony/chrony.conf", "units chrony.service"]}}
installed_packages:
  description: The names of the packages installed, or null on a host without dpkg.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.privatecloud.iaas.plugins.module_utils.role_records import (
    DIRECTORY, Host, Records, check, module_runner)


def main():
    module = AnsibleModule(
        argument_spec=dict(record_directory=dict(type="path", default=DIRECTORY)),
        supports_check_mode=True,
    )
    host = Host(module_runner(module))
    roles = dict((role, check(record, host)) for role, record in Records(module.params["record_directory"]).all().items())
    module.exit_json(changed=False, roles=roles, installed_packages=host.installed_packages())


if __name__ == "__main__":
    main()
