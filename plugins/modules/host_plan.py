#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# This module is implemented as an action plugin and runs on the controller.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: host_plan
short_description: (internal) Decide once what a host of the cloud becomes
version_added: "1.0.0"
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

extends_documentation_fragment:
  - privatecloud.iaas.internal
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

    - name: Plan only the firewall of a host, as the iptables role does on its own
      privatecloud.iaas.host_plan:
        part: firewall
      register: firewall_part
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
          description: C(bridges) and C(vlans) as the host declares them (with the node's VM bridge
            when it is not declared) and C(vlan_8021q), which the other parts are decided from.
          type: dict
        vlan:
          description: The vlan role's part - its VLAN and VXLAN devices in apply order, the boot
            file format, the kernel modules, the rollback and confirm timeouts, the packages, and its
            C(record); the arguments of one M(privatecloud.iaas.interfaces) call.
          type: dict
        bridge:
          description: The bridge role's part, in the same form as C(vlan).
          type: dict
        firewall:
          description: The iptables role's part - the host's owned chains and rules per table and
            family, prefix included (M(privatecloud.iaas.iptables_chains)'s arguments), the CC's
            C(iptables-preload), on a front-end whose data plane the collection owns the data
            plane's nftables table as C(dataplane_table) with its boot file C(dataplane_path)
            (M(privatecloud.iaas.nft_table)'s arguments), the packages, and its C(record).
          type: dict
        dhcpd:
          description: The dhcpd role's part - its function and the whole configuration of its
            server (files, settings, units, actions; M(privatecloud.iaas.service_files)'s arguments),
            the packages, and its C(record). The record keeps the address each instance is served.
          type: dict
        ntp:
          description: The ntp role's part - chrony's configuration and its restart, in the form of C(dhcpd).
          type: dict
        nfs:
          description: The nfs role's part (a host of group C(nfs)), in the form of C(dhcpd); none elsewhere.
          type: dict
        db:
          description: The db role's part (a host of group C(db)) - the server's settings and
            replication, in the form of C(dhcpd); none elsewhere. Secrets are never in the plan.
          type: dict
        frontend:
          description: The frontend role's part (a host of group C(frontend)) - its repository and
            packages, C(eucalyptus.conf)'s keys, the data plane's addresses, or the CloudStack
            management server's settings; none elsewhere.
          type: dict
        node:
          description: The node role's part (a host of group C(nodes)), in the form of C(frontend).
          type: dict
        eucalyptus:
          description: For a Eucalyptus host, what its parts are decided from - the mode's traits,
            whether it runs the CC and the NC, the VMs' bridge, and on a front-end whose data plane
            the collection owns the C(dataplane) it realises (groups, instances, elastic IPs).
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
        tunnel_paths:
          description: On a front-end whose tunnels join the clusters, each path to another
            front-end (C(peer), C(local), C(bytes), and the C(ping_options) of a ping that large with
            DF set from C(local)).
          type: list
          elements: dict
        link_checks:
          description: The host's own links playbooks/preflight.yml judges and
            playbooks/diagnostics.yml reads - C(bonds) (each C(name), C(mode), C(ports)) and
            C(bridges) (each C(name); the security groups' bridges are left to their own checks).
          type: dict
        diagnostics:
          description: The commands playbooks/diagnostics.yml runs on the host besides its common
            ones, each C(name) and C(command) (per security group, its devices, chain, elastic IPs'
            NAT rules and dhcpd's interfaces; the tunnels' paths and the host's fragment counters;
            each bond's driver report and each bridge's ports).
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
      dhcpd: {function: static_map, packages: [isc-dhcp-server]}
      preflight: [bridge, dhcp_daemon]
"""
