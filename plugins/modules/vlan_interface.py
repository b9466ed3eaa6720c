#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: vlan_interface
short_description: An 802.1Q VLAN device on a parent interface, on the running system
version_added: "1.0.0"
description:
  - Makes the VLAN device O(name) (default C(<parent>.<id>)) exist on O(parent) with O(id), up,
    with exactly O(addresses) when they are given; O(state=absent) removes it.
  - A device with another parent or id is made anew (the kernel cannot change them in place).
  - On a kernel without 802.1Q support the task fails saying so.
  - This changes the running system only; the roles write the persistent configuration.
options:
  parent:
    description: The interface carrying the tagged frames, e.g. C(eth0); needed unless a device is removed by O(name).
    type: str
  id:
    description: The VLAN id, 1 to 4094; needed unless a device is removed by O(name).
    type: int
  name:
    description: The device's name; defaults to C(<parent>.<id>).
    type: str
  mtu:
    description:
      - The device's MTU, 68 to 65535, at most its parent's (the kernel refuses more); left out,
        its parent's.
    type: int
    version_added: "1.1.0"
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  addresses:
    description: The device's addresses in CIDR form, exactly; left out, addresses are not managed.
    type: list
    elements: str
  take_over:
    description:
      - What to do with an existing device of this name with another parent or id. V(true) makes
        it anew; V(false) refuses, naming the device, and changes nothing (the vlan role passes
        V(false) for a name the collection has not made before).
    type: bool
    default: true
extends_documentation_fragment:
  - privatecloud.iaas.interface_rollback
attributes:
  check_mode:
    description: Reports the change and the commands without running them.
    support: full
  diff_mode:
    description: Shows the device before and after.
    support: full
  platform:
    description: Linux with iproute2 and the 8021q kernel module.
    support: full
    platforms: posix
requirements:
  - iproute2 with JSON output (C(ip -j))
  - a kernel with 802.1Q support
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Remove a VLAN device by its name
  privatecloud.iaas.vlan_interface:
    name: eth0.300
    state: absent

- name: CloudStack's management VLAN on the trunk, with the host's management address
  privatecloud.iaas.vlan_interface:
    parent: eth0
    id: 100
    addresses: [192.168.42.11/24]
"""

RETURN = r"""
rollback_cookie:
  description: The file to remove to keep the change; the host rolls back while it exists.
  returned: when O(rollback_timeout) is above 0 and the task changed the host
  type: str
  sample: /run/privatecloud-iaas/interfaces.cookie
rollback_commands:
  description: The ip -batch lines recorded to undo this task's change.
  returned: when O(rollback_timeout) is above 0 and the task changed the host
  type: list
  elements: str
commands:
  description: The ip -batch commands run (or that would be, in check mode).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.privatecloud.iaas.plugins.module_utils.iproute import IpRoute
from ansible_collections.privatecloud.iaas.plugins.module_utils.rollback import ROLLBACK_OPTIONS, apply_and_exit
from ansible_collections.privatecloud.iaas.plugins.module_utils.vlan import VlanError, changes, describe, unsupported


def main():
    module = AnsibleModule(
        argument_spec=dict(
            parent=dict(type="str"),
            id=dict(type="int"),
            name=dict(type="str"),
            mtu=dict(type="int"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            addresses=dict(type="list", elements="str"),
            take_over=dict(type="bool", default=True),
            **ROLLBACK_OPTIONS
        ),
        supports_check_mode=True,
        required_if=[("state", "present", ("parent", "id"))],
    )
    ip = IpRoute(module)
    snapshot = ip.snapshot()
    try:
        commands, before, after = changes(module.params, snapshot[0], snapshot[1])
    except VlanError as error:
        module.fail_json(msg=str(error))
    apply_and_exit(ip, commands, before, after, describe, explain=explain, snapshot=snapshot,
                   touched=[after.get("name") or before.get("name")])


def explain(stderr, after):
    if unsupported(stderr):
        return "this kernel has no 802.1Q VLAN support (the 8021q module): cannot create %s" % after.get("name")
    return None


if __name__ == "__main__":
    main()
