#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: linux_bridge
short_description: A Linux bridge with exactly the declared ports, on the running system
version_added: "1.0.0"
description:
  - Makes a bridge hold exactly O(ports) (ports not declared are released, the VMs' own ports
    excepted, O(guest_ports)), with STP, forward
    delay, hello time and addresses as declared; settings left out are not managed.
    O(state=absent) removes the bridge.
  - Reads the state with C(ip -j) and changes it with one C(ip -batch) run.
  - A port that joins while it carries the host's addresses hands them and the routes through
    it (the default route among them) to the bridge in the same batch, and the bridge takes the
    port's MAC address, so the host stays reachable.
  - Refuses C(virbr0), libvirt's NAT bridge.
  - O(state=absent) hands the bridge's addresses and routes back to its port when it has exactly
    one (the reverse of a port joining with the host's addresses).
  - This changes the running system only; the roles write the persistent configuration.
options:
  name:
    description: The bridge, e.g. C(br0), C(cloudbr0), C(eucabr10).
    type: str
    required: true
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  ports:
    description: The interfaces the bridge holds; any other port is released, except guest ports.
    type: list
    elements: str
    default: []
  guest_ports:
    description:
      - Shell patterns of the ports a hypervisor attaches for its VMs, which the bridge keeps though
        O(ports) does not name them (a port of kind C(tun) is always kept). Rerunning a play must
        never unplug a running VM.
    type: list
    elements: str
    default: ["vnet*", "vif*", "tap*"]
  take_over:
    description:
      - What to do with an existing bridge of this name that has ports besides O(ports) and the
        guest ports. V(true) releases them; V(false) refuses, naming the bridge and its ports, and
        changes nothing (the bridge role passes V(false) for a name the collection has not made
        before).
    type: bool
    default: true
  stp:
    description: Spanning tree on or off; not managed when left out (a new bridge gets off).
    type: bool
  forward_delay:
    description: Forward delay in seconds (C(bridge_fd)); 2 to 30 with STP on.
    type: float
  hello_time:
    description: Hello time in seconds (C(bridge_hello)), 1 to 10.
    type: float
  mtu:
    description:
      - The bridge's MTU, 68 to 65535, at most its smallest port's (the kernel would drop a larger
        frame at that port, silently); left out, the smallest of its ports', as the kernel sets it
        (an MTU set before goes back to that).
    type: int
    version_added: "1.1.0"
  addresses:
    description:
      - The bridge's addresses in CIDR form, exactly; left out, addresses are not managed (but
        those moved from a joining port stay).
    type: list
    elements: str
  held_networks:
    description:
      - Networks whose addresses on the bridge another task holds (the data plane's routers in its
        subnet, the elastic IPs of its pool, by M(privatecloud.iaas.owned_addresses)); O(addresses)
        neither removes nor adds them, unless it declares one.
    type: list
    elements: str
    default: []
  departing_ports:
    description:
      - Ports that another task of the same run removes (a tunnel or VLAN device that left its
        declaration), which takes them out of the bridge; the bridge does not release them
        itself, so that check mode predicts the run.
    type: list
    elements: str
    default: []
  move_addresses:
    description: Move a joining port's addresses and routes to the bridge.
    type: bool
    default: true
  dhcp:
    description:
      - The bridge's address comes from DHCP. The DHCP client that ifupdown starts (ISC
        C(dhclient), else C(dhcpcd)) then serves the bridge and none of its ports. A client of a
        port is stopped without releasing its lease, after the port's addresses moved to the
        bridge; one is started on the bridge, which keeps the port's MAC address and so renews
        the same lease, unless one runs there already.
      - A rollback puts the port's addresses back but not its DHCP client.
    type: bool
    default: false
extends_documentation_fragment:
  - privatecloud.iaas.interface_rollback
attributes:
  check_mode:
    description: Reports the change and the commands without running them.
    support: full
  diff_mode:
    description: Shows the bridge's ports, settings and addresses before and after.
    support: full
  platform:
    description: Linux with iproute2.
    support: full
    platforms: posix
requirements:
  - iproute2 with JSON output (C(ip -j))
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: The documents' br0 over eth0, keeping the host's address and default route
  privatecloud.iaas.linux_bridge:
    name: br0
    ports: [eth0]
    stp: false
    forward_delay: 1
    hello_time: 2

- name: The documents' br0 over eth0 by DHCP, its lease and DHCP client moved from eth0
  privatecloud.iaas.linux_bridge:
    name: br0
    ports: [eth0]
    dhcp: true

- name: CloudStack's public bridge over the VLAN device
  privatecloud.iaas.linux_bridge:
    name: cloudbr0
    ports: [eth0.200]

- name: Remove a bridge
  privatecloud.iaas.linux_bridge:
    name: br1
    state: absent
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
  sample: ["link add name br0 type bridge stp_state 0 forward_delay 100 hello_time 200", "link set dev eth0 master br0"]
then:
  description: What was done (or would be, in check mode) after the batch, the DHCP client's move.
  returned: when there is such a step
  type: list
  elements: str
  sample: ["stop dhcpcd on eth0", "start dhcpcd on br0"]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.privatecloud.iaas.plugins.module_utils import dhcp_client
from ansible_collections.privatecloud.iaas.plugins.module_utils.bridge import BridgeError, changes, describe
from ansible_collections.privatecloud.iaas.plugins.module_utils.iproute import IpRoute
from ansible_collections.privatecloud.iaas.plugins.module_utils.rollback import ROLLBACK_OPTIONS, apply_and_exit


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            ports=dict(type="list", elements="str", default=[]),
            stp=dict(type="bool"),
            forward_delay=dict(type="float"),
            hello_time=dict(type="float"),
            mtu=dict(type="int"),
            addresses=dict(type="list", elements="str"),
            held_networks=dict(type="list", elements="str", default=[]),
            departing_ports=dict(type="list", elements="str", default=[]),
            move_addresses=dict(type="bool", default=True),
            guest_ports=dict(type="list", elements="str", default=["vnet*", "vif*", "tap*"]),
            take_over=dict(type="bool", default=True),
            dhcp=dict(type="bool", default=False),
            **ROLLBACK_OPTIONS
        ),
        supports_check_mode=True,
    )
    ip = IpRoute(module)
    snapshot = ip.snapshot()
    try:
        commands, before, after = changes(module.params, *snapshot)
    except BridgeError as error:
        module.fail_json(msg=str(error))
    then = []
    if module.params["dhcp"] and module.params["state"] == "present":
        chosen = dhcp_client.client()
        if chosen is None and module.check_mode:
            # On a fresh host the bridge role's install of the client is only predicted.
            chosen = dhcp_client.PREDICTED
        ports = sorted(set(module.params["ports"]))
        running = {interface: dhcp_client.runs_for(chosen, interface) for interface in ports + [module.params["name"]]}
        try:
            then = dhcp_client.hand_over(chosen, module.params["name"], ports, running.get)
        except dhcp_client.DhcpClientError as error:
            module.fail_json(msg=str(error))
        if then:
            after = dict(after, dhcp_client=module.params["name"])
            before = dict(before, dhcp_client=", ".join(port for port in ports if running[port]) or "none")
    touched = [module.params["name"]] + sorted(set(before.get("ports", [])) | set(after.get("ports", [])))
    apply_and_exit(ip, commands, before, after, describe, snapshot=snapshot, touched=touched, then=then)


if __name__ == "__main__":
    main()
