#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: interfaces
short_description: (internal) A host's bonds, VLAN, VXLAN devices or bridges, on the running system and for boot, in one call
version_added: "1.0.0"
description:
  - The one apply call of the vlan and bridge roles. Takes the host's whole ordered list of devices
    (O(devices), as its plan gives it) and applies those of O(kinds) - the bonds, VLAN and VXLAN
    devices, or the bridges.
  - First the boot files of those kinds are rendered in the documents' formats and checked
    (C(ifquery)) before anything changes; the files of devices no longer declared name the devices
    to remove, and the files there name the devices the collection made - a device of a declared
    name that the collection did not make and that exists for something else (a VLAN device of
    another parent or id, a bridge with other ports) is refused, naming it, and left as it is.
  - Then, on the running system, the devices no longer declared are removed (the last made first),
    and each declared device is made or brought in line in order, each reading the host as the one
    before left it (in check mode, as it would have left it), with C(ip -batch). An entry's address
    is managed exactly when the entry is static (an C(address) and no other C(method)); with DHCP
    or none, a joining port's addresses move to the bridge, and with DHCP the DHCP client follows
    them. A bridge leaves a port that the other role's call removes in the same run to that removal.
  - Last, the boot files are written.
  - Changes that could cut the controller off stay armed for rollback under one timer
    (O(rollback_timeout)); M(privatecloud.iaas.keep_changes) keeps them once the controller reaches
    the host again. A device that fails stops the call, naming it; what changed before stays armed.
options:
  devices:
    description:
      - The host's devices in the order they are made, each with its C(kind) (V(bond), V(vlan),
        V(vxlan), V(bridge)) and the settings of its declaration - a bond C(name), C(ports), C(mode),
        C(miimon), C(lacp_rate), C(xmit_hash_policy), C(primary); a VLAN device C(parent), C(id), C(name); a
        VXLAN device C(name), C(id), C(local), C(peers), C(port); a bridge C(name), C(ports), C(stp),
        C(forward_delay), C(hello_time), C(held_networks); each C(method), C(address), C(gateway),
        C(dns), C(dns_domain), C(hwaddr), C(mtu).
      - A device's C(mtu) is at most that of what carries its frames (a VLAN device's parent, a
        bridge's ports); left out, a VLAN device takes its parent's, a bridge the smallest of its
        ports', a VXLAN device 1500.
    type: list
    elements: dict
    required: true
  kinds:
    description: The kinds this call applies - V(bond), V(vlan) and V(vxlan) (the vlan role's), or V(bridge).
    type: list
    elements: str
    choices: [bond, vlan, vxlan, bridge]
    required: true
  format:
    description:
      - The boot files' format, V(ifupdown) (Debian) or V(ifcfg) (RHEL's initscripts, without VXLAN);
        V(none) writes none (the devices are for the running system only, and a device of a declared
        name is taken over).
    type: str
    choices: [ifupdown, ifcfg, none]
    default: ifupdown
  directory:
    description: Where the boot files go; defaults to the format's own directory.
    type: path
  interfaces_file:
    description: The ifupdown file that reads the directory; the stanzas of managed interfaces are switched off there.
    type: path
    default: /etc/network/interfaces
  kernel_modules:
    description:
      - Kernel modules the devices need (V(8021q) for VLAN devices), loaded now where the kernel can
        (where it cannot, a container's, the call says so and its devices of that kind fail) and
        from boot on through C(/etc/modules-load.d/privatecloud-iaas-vlan.conf). V([]) removes that
        file; left out, it is not looked at.
    type: list
    elements: str
  rollback_journal:
    description:
      - The name of the rollback journal and timer under C(/run/privatecloud-iaas); defaults to the
        role whose kinds these are (V(vlan) or V(bridge)).
    type: str
  rollback_timeout:
    description:
      - When above 0 and the call changes the running system, the host puts the devices back as they
        were after this many seconds unless the file returned as RV(rollback_cookie) is removed first.
    type: int
    default: 0
extends_documentation_fragment:
  - privatecloud.iaas.internal
  - privatecloud.iaas.record
attributes:
  check_mode:
    description: Predicts every device's commands and every file, each device from the host as the ones before would leave it.
    support: full
  diff_mode:
    description: Shows each device and each boot file before and after.
    support: full
  platform:
    description: Linux with iproute2.
    support: full
    platforms: posix
requirements:
  - iproute2 with JSON output (C(ip -j)), and C(bridge) for VXLAN devices
  - ifupdown's C(ifquery) for the check of the boot files, where it is installed
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: CloudStack's public bridge over a VLAN device of the trunk - the VLAN device first
  privatecloud.iaas.interfaces:
    devices: &devices
      - {kind: vlan, parent: eth0, id: 200}
      - {kind: bridge, name: cloudbr0, ports: [eth0.200], address: 192.168.42.11/24, gateway: 192.168.42.1}
    kinds: [vlan, vxlan]
    rollback_timeout: 120
  register: vlans

- name: Then the bridge
  privatecloud.iaas.interfaces:
    devices: *devices
    kinds: [bridge]
    rollback_timeout: 120
"""

RETURN = r"""
devices:
  description: Per device of O(kinds), the ip -batch commands run (or that would be) and what was done after them.
  returned: always
  type: dict
  sample: {"eth0.200": {"commands": ["link add link eth0 name eth0.200 type vlan id 200"], "then": []}}
written:
  description: The boot files written (or that would be).
  returned: always
  type: list
  elements: str
removed:
  description: The boot files removed, those of devices no longer declared.
  returned: always
  type: list
  elements: str
kernel:
  description: What was done (or would be) about O(kernel_modules) - loaded, or why not.
  returned: always
  type: list
  elements: str
rollback_cookie:
  description: The file to remove to keep the change; the host rolls back while it exists.
  returned: when O(rollback_timeout) is above 0 and the call changed the running system
  type: str
rollback_commands:
  description: The ip -batch lines recorded to undo this call's change.
  returned: when O(rollback_timeout) is above 0 and the call changed the running system
  type: list
  elements: str
record:
  description: The path of the role's record, with O(record).
  returned: with O(record)
  type: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.privatecloud.iaas.plugins.module_utils.devices import KINDS, DeviceError, apply
from ansible_collections.privatecloud.iaas.plugins.module_utils.iproute import IpRoute
from ansible_collections.privatecloud.iaas.plugins.module_utils.role_records import RECORD_OPTIONS, write_record


def main():
    module = AnsibleModule(
        argument_spec=dict(
            devices=dict(type="list", elements="dict", required=True),
            kinds=dict(type="list", elements="str", choices=list(KINDS), required=True),
            format=dict(type="str", choices=["ifupdown", "ifcfg", "none"], default="ifupdown"),
            directory=dict(type="path"),
            interfaces_file=dict(type="path", default="/etc/network/interfaces"),
            kernel_modules=dict(type="list", elements="str"),
            rollback_timeout=dict(type="int", default=0),
            rollback_journal=dict(type="str"),
            record=dict(type="dict", options=RECORD_OPTIONS),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        result = apply(module, IpRoute(module), params["devices"], params["kinds"],
                       None if params["format"] == "none" else params["format"], params["rollback_timeout"],
                       params["directory"], params["interfaces_file"], params["kernel_modules"],
                       params["rollback_journal"])
    except DeviceError as error:
        module.fail_json(msg=str(error), **error.result)
    for message in result["kernel"]:
        if message.startswith("this kernel cannot"):
            module.warn(message)
    if params["record"]:
        result["record"] = write_record(module, params["record"])[0]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
