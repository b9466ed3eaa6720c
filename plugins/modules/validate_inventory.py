#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# This module is implemented as an action plugin and runs on the controller.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: validate_inventory
short_description: (internal) Check the whole inventory before any host is touched
version_added: "1.0.0"
description:
  - Reads the inventory on the controller and checks every rule the collection knows, for all
    hosts at once, without contacting any host.
  - Eucalyptus (hosts with C(iaas_platform=eucalyptus), or any C(vnet_*) variable) - the
    networking mode is one of the four and the same everywhere; the keys each mode needs on the
    front-end and on nodes are present; interface names, the DHCP daemon path and user, IPv4
    addresses; C(virbr0) is never C(vnet_bridge); STATIC subnet, broadcast, router and MAC map;
    MANAGED subnet, netmask and C(vnet_addrspernet), public IPs (unique across front-ends and
    outside the private subnet); misspelt C(vnet_*) names.
  - CloudStack (C(cloudstack_zones) of the front-end with C(iaas_platform=cloudstack)) - zone
    types, DNS, network offerings, guest CIDRs, public ranges, reserved system and guest ranges
    of pods, VLAN ids and ranges, cluster sizes per hypervisor, primary storage protocols and
    tags, unique names.
  - Interfaces (C(bridge_interfaces), C(vlan_interfaces) of any host) - bridge names, never
    C(virbr0); VLAN parents and ids 1-4094; a port in one bridge only and without an address of
    its own; static addresses and gateways.
  - DHCP (C(dhcpd_*) of any host) - a LAN pool server (group C(dhcpd)) has subnets and
    interfaces; subnets in CIDR form and apart; ranges, routers and fixed hosts inside their
    subnet, fixed hosts outside the pools, no MAC or address twice; lease times; never a LAN
    pool server on a front-end whose CC runs its own dhcpd.
  - Fails with one line per broken rule, naming the host or zone, the variable, the value and
    the rule.
options: {}
extends_documentation_fragment:
  - privatecloud.iaas.internal
attributes:
  check_mode:
    description: Can run in check mode; it never changes anything.
    support: full
  diff_mode:
    description: Has nothing to show in diff mode.
    support: none
  platform:
    description: Runs on the controller.
    support: full
    platforms: all
notes:
  - Runs on the controller only (an action plugin); the play can target C(localhost).
requirements:
  - netaddr (on the controller)
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Validate the inventory before any host is touched
  hosts: localhost
  gather_facts: false
  vars:
    ansible_connection: local
  tasks:
    - name: Check every rule the inventory can show
      privatecloud.iaas.validate_inventory:
"""

RETURN = r"""
problems:
  description: One line per broken rule, empty when the inventory is valid.
  returned: always
  type: list
  elements: str
  sample:
    - "cloud1: vnet_bridge: 'virbr0' is libvirt's NAT bridge: its dnsmasq would answer the VMs' DHCP"
"""
