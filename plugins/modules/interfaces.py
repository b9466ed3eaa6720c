#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# This module is implemented as an action plugin: it runs the device modules on the host.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: interfaces
short_description: Make a host's declared bridges, VLAN or VXLAN devices; remove the undeclared
version_added: 0.1.0
description:
  - One task for a whole set of a host's bridges (O(kind=bridge)), VLAN devices (O(kind=vlan)) or
    VXLAN devices (O(kind=vxlan)), the one implementation of the bridge and vlan roles. Each
    declared device is made with M(privatecloud.iaas.linux_bridge),
    M(privatecloud.iaas.vlan_interface) or M(privatecloud.iaas.vxlan_interface); each of
    O(released) is removed.
  - An entry's address is managed exactly when the entry is static (an C(address) and no other
    C(method)); with DHCP or none, a joining port's addresses still move to the bridge.
  - Stops at the first device that fails, naming it. Changes made before stay armed for rollback
    (O(rollback_timeout)); M(privatecloud.iaas.keep_changes) keeps them once the controller
    reaches the host again.
options:
  kind:
    description: V(bridge), V(vlan) or V(vxlan).
    type: str
    required: true
    choices: [bridge, vlan, vxlan]
  declared:
    description:
      - The declarations, as in C(bridge_interfaces) (C(name), C(ports), C(stp),
        C(forward_delay), C(hello_time), C(method), C(address)) or C(vlan_interfaces) (C(parent),
        C(id), C(name), C(method), C(address)) or C(vlan_tunnels) (C(name), C(id), C(local),
        C(peers), C(port)).
    type: list
    elements: dict
    default: []
  released:
    description:
      - Devices to remove, as the RV(privatecloud.iaas.interface_files#module:released) of a
        check of the boot files (C(kind), C(name)); those of another kind are left alone.
    type: list
    elements: dict
    default: []
  owned:
    description:
      - The devices the collection made before, as the RV(privatecloud.iaas.interface_files#module:owned)
        of a check of the boot files. A declared device outside this list that exists for something
        else (a VLAN device of another parent or id, a bridge with other ports) is refused, naming it,
        and left as it is. Left out, such a device is taken over.
    type: list
    elements: str
  departing:
    description:
      - Devices another task of this run removes (the vlan role's released tunnels and VLAN
        devices); a bridge that has one as a port leaves it to that removal
        (O(privatecloud.iaas.linux_bridge#module:departing_ports)).
    type: list
    elements: str
    default: []
  rollback_timeout:
    description: Passed to each device module; the changes join the rollback journal named after O(kind).
    type: int
    default: 0
attributes:
  action:
    description: An action plugin that runs the device modules on the host.
    support: full
  check_mode:
    description: Each device module predicts its change.
    support: full
  diff_mode:
    description: The diff of each device that changes.
    support: full
  platform:
    description: Linux with iproute2.
    support: full
    platforms: posix
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Make the bridges, and remove those no longer declared
  privatecloud.iaas.interfaces:
    kind: bridge
    declared:
      - {name: br0, ports: [eth0], address: 192.168.1.10/24, forward_delay: 1}
    released: "{{ boot_files.released | default([]) }}"
    rollback_timeout: 120
  register: bridges

- name: Keep them once the controller reaches the host again
  privatecloud.iaas.keep_changes:
    cookies: "{{ bridges.rollback_cookies }}"
    what: bridges
    rollback_timeout: 120
"""

RETURN = r"""
devices:
  description: Each device's module result, by name.
  returned: always
  type: dict
rollback_cookies:
  description: The rollback cookies the changes armed, for M(privatecloud.iaas.keep_changes).
  returned: always
  type: list
  elements: str
"""
