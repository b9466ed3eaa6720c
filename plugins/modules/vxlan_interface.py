#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: vxlan_interface
short_description: A VXLAN device that carries a layer 2 segment to a set of peers, on the running system
version_added: "1.0.0"
description:
  - Makes the VXLAN device O(name) exist with network identifier O(id), sending from O(local) to
    UDP port O(port), up, and reaching exactly O(peers) - each an all-zeros entry of its forwarding
    database, so that broadcasts and unknown unicast reach every peer. The device learns no MAC
    address from what arrives (C(nolearning); one that learns is switched in place), so a packet
    from a host that is not a peer cannot draw the segment's replies. A frame from one peer is never
    sent on to another, so peers joined in a full mesh make no loop.
  - Made to join a bridge (the bridge modules add it as a port) and so carry the bridge's segment
    to the same segment on other hosts, as the tunnels between Eucalyptus clusters do.
  - A device with another id, local address or port is made anew (the kernel cannot change them in
    place). O(state=absent) removes it.
  - Its MTU is O(mtu). A frame arrives at a peer 50 bytes longer (its IPv4, UDP, VXLAN and inner
    Ethernet headers), and one the path cannot carry whole is fragmented on the way (the kernel
    leaves DF unset); the underlay's MTU less 50 keeps every frame in one packet.
  - This changes the running system only; the roles write the persistent configuration.
options:
  name:
    description: The device's name.
    type: str
    required: true
  id:
    description: The VXLAN network identifier (VNI), 1 to 16777215; needed unless the device is removed.
    type: int
  local:
    description: This host's address the tunnel's packets leave from; needed unless the device is removed.
    type: str
  peers:
    description: The other ends' addresses, exactly; an empty list leaves the device reaching no one.
    type: list
    elements: str
    default: []
  port:
    description: The UDP port of the peers (the IANA port of VXLAN by default).
    type: int
    default: 4789
  mtu:
    description: The device's MTU, 68 to 65535; left out, 1500 (the kernel's for a device with no lower device).
    type: int
    version_added: "1.1.0"
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  take_over:
    description:
      - What to do with an existing VXLAN device of this name with another id, local address or
        port. V(true) makes it anew; V(false) refuses, naming the device, and changes nothing.
    type: bool
    default: true
extends_documentation_fragment:
  - privatecloud.iaas.interface_rollback
attributes:
  check_mode:
    description: Reports the change and the commands without running them.
    support: full
  diff_mode:
    description: Shows the device and its peers before and after.
    support: full
  platform:
    description: Linux with iproute2 (C(ip) and C(bridge)) and VXLAN support.
    support: full
    platforms: posix
requirements:
  - iproute2 with JSON output (C(ip -j), C(bridge -j))
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Carry a security group's segment to the two other clusters' front-ends
  privatecloud.iaas.vxlan_interface:
    name: eucavx10
    id: 10
    local: 192.0.2.11
    peers: [192.0.2.12, 192.0.2.13]

- name: Remove it
  privatecloud.iaas.vxlan_interface:
    name: eucavx10
    state: absent
"""

RETURN = r"""
commands:
  description: The ip -batch commands run (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample:
    - link add name eucavx10 mtu 1450 type vxlan id 10 local 192.0.2.11 dstport 4789 nolearning
    - link set dev eucavx10 up
then:
  description: The forwarding database changes made after them, as C(bridge) commands.
  returned: when there are any
  type: list
  elements: str
  sample: ["bridge fdb append 00:00:00:00:00:00 dev eucavx10 dst 192.0.2.12"]
rollback_cookie:
  description: The file to remove to keep the change; the host rolls back while it exists.
  returned: when O(rollback_timeout) is above 0 and the task changed the host
  type: str
rollback_commands:
  description: The ip -batch lines recorded to undo this task's change.
  returned: when O(rollback_timeout) is above 0 and the task changed the host
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.privatecloud.iaas.plugins.module_utils.iproute import IpRoute
from ansible_collections.privatecloud.iaas.plugins.module_utils.rollback import ROLLBACK_OPTIONS, apply_and_exit
from ansible_collections.privatecloud.iaas.plugins.module_utils.vxlan import (
    DEFAULT_PORT,
    VxlanError,
    describe,
    changes,
    read_peers,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            id=dict(type="int"),
            local=dict(type="str"),
            peers=dict(type="list", elements="str", default=[]),
            port=dict(type="int", default=DEFAULT_PORT),
            mtu=dict(type="int"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            take_over=dict(type="bool", default=True),
            **ROLLBACK_OPTIONS
        ),
        supports_check_mode=True,
        required_if=[("state", "present", ("id", "local"))],
    )
    ip = IpRoute(module)
    bridge = module.get_bin_path("bridge", required=True)
    snapshot = ip.snapshot()
    rc, out, err = module.run_command([bridge, "-j", "fdb", "show"])
    if rc:
        module.fail_json(msg="bridge -j fdb show failed", stderr=err)
    try:
        commands, fdb, before, after = changes(module.params, snapshot[0], read_peers(out))
    except VxlanError as error:
        module.fail_json(msg=str(error))
    apply_and_exit(ip, commands, before, after, describe, snapshot=snapshot, touched=[module.params["name"]],
                   then=[("bridge " + " ".join(change), [bridge] + change) for change in fdb])


if __name__ == "__main__":
    main()
