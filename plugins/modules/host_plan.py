#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# This module is implemented as an action plugin and runs on the controller.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: host_plan
short_description: Decide once what a host of the cloud becomes
version_added: 0.1.0
description:
  - Reads the inventory on the controller and sets the fact C(iaas_plan) of the host, which says
    what parts of the cloud it runs and everything the collection's roles apply there. The roles
    read the plan and none of them decides any of it again.
  - The same code builds every host's plan in M(privatecloud.iaas.validate_inventory), which runs
    first and reports every broken rule of the inventory. This module fails only if the host's own
    part cannot be planned.
  - Reads each role's options (C(iptables_*), C(dhcpd_*), ...) with the rest of the host's
    variables, so every setting has one reader; a role applies the part of the plan that is its own.
  - Never contacts the host. What it keeps from the host is what C(playbooks/validate.yml) read
    there before - its facts, and the roles' records (M(privatecloud.iaas.role_records_info)), whose
    dhcpd record keeps the addresses each instance is served, so adding or removing an instance
    never moves another.
  - Run without C(playbooks/validate.yml) (a role used in a play of one's own), the host's own
    variables are those of the task, so what the play or the role gives counts too.
options:
  part:
    description:
      - Return only this part of the plan (C(firewall), C(dhcpd), ...) as RV(part), and set no fact.
        A role used on its own plans its part so, from what its play gives it, each time it runs.
    type: str

attributes:
  check_mode:
    description: Can run in check mode; it never changes anything.
    support: full
  diff_mode:
    description: Has nothing to show in diff mode.
    support: none
  facts:
    description: Sets C(iaas_plan).
    support: full
  platform:
    description: Runs on the controller.
    support: full
    platforms: all
notes:
  - Runs on the controller only (an action plugin); the play needs no facts and no connection.
requirements:
  - netaddr (on the controller)
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Decide what each host becomes
  hosts: all
  gather_facts: false
  tasks:
    - name: Plan this host
      privatecloud.iaas.host_plan:

    - name: Show the bridges it gets
      ansible.builtin.debug:
        var: ansible_facts['iaas_plan']['interfaces']['bridges']
"""

RETURN = r"""
part:
  description: The part of the plan O(part) names.
  returned: with O(part)
  type: dict
ansible_facts:
  description: The fact C(iaas_plan).
  returned: without O(part)
  type: dict
  contains:
    iaas_plan:
      description: What the host becomes.
      type: dict
      contains:
        platform:
          description: C(eucalyptus), C(cloudstack), or none (a host of neither, such as a plain NFS server).
          type: str
        components:
          description: The parts of the cloud it runs, in build order (C(db), C(nfs), C(frontend), C(node), C(dhcpd)).
          type: list
          elements: str
        interfaces:
          description: C(bridges) and C(vlans) (the declarations of the bridge and vlan roles, with the
            node's VM bridge when it is not declared), and C(vlan_8021q).
          type: dict
        dhcpd:
          description: C(function), C(interfaces), C(security_groups) (the data plane's blocks and
            instances) and C(planned_addresses) (the routers an earlier step adds) of the dhcpd role.
          type: dict
        firewall:
          description: C(services) (port sets), C(eucalyptus) (the front-end baseline, or none),
            C(dataplane) (its security groups, elastic IPs and metadata, or none) and C(preload) (the
            CC's iptables-preload, or empty) of the iptables role.
          type: dict
        eucalyptus:
          description: For a Eucalyptus host, the keys of eucalyptus.conf (C(settings), C(owned)), whether
            it runs the CC and the NC, the VMs' bridge, vtun, the paths of the file and init scripts,
            and on a front-end whose data plane the collection owns the C(dataplane) it realises
            (groups, instances, addresses, DHCP, chains and NAT).
          type: dict
        cloudstack:
          description: For a CloudStack host, the database primary, whether it is the first management
            server, whether a KVM host shares the machine, and the traffic labels its bridges carry.
          type: dict
        preflight:
          description: The checks playbooks/preflight.yml runs on the host.
          type: list
          elements: str
        vlan_clean:
          description: The VLAN-clean tests, one per tag (C(preflight_vlan_id)'s and each active
            security group's the host takes part in), each with its test device (C(id), C(parent),
            C(device)), its C(address), the C(peers) it pings, and for a group's tag its C(bridge),
            C(router) and the node's C(probe) address for the test in service; empty where the
            check does not run.
          type: list
          elements: dict
        diagnostics:
          description: The commands playbooks/diagnostics.yml runs on the host besides its common
            ones, each C(name) and C(command) (per security group, its devices, chain, elastic IPs'
            NAT rules and dhcpd's interfaces).
          type: list
          elements: dict
  sample:
    iaas_plan:
      platform: eucalyptus
      components: [frontend, node]
      interfaces:
        bridges: [{name: br0, ports: [eth0], address: 192.168.1.10/24, gateway: 192.168.1.1}]
        vlans: []
        vlan_8021q: false
      dhcpd: {function: static_map, interfaces: [br0]}
      firewall: {services: [], eucalyptus: null, preload: ""}
      preflight: [bridge, dhcp_daemon]
"""
