#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: revoked_connections
short_description: End the tracked connections a MANAGED front-end's data plane no longer allows
version_added: 0.2.0
description:
  - A front-end's FORWARD chain accepts the packets of an established connection before any
    security group rule is read, so a connection that a revoked rule let in would live on. Run
    after the new chains are in place, this module reads the connection tracking table
    (C(conntrack -L)) and ends each connection into O(subnet) that the plan O(dataplane) no longer
    allows - no rule of the destination's group (or the same group) admits its source, protocol and
    port or ICMP type; it came in through an elastic IP the instance no longer has; or it left through
    an elastic IP that is no longer the host's.
  - Connections of the host itself and those neither into nor out of O(subnet) are not looked at.
    A connection still allowed is never ended, so a rerun without a change ends nothing.
options:
  subnet:
    description: The VMs' private subnet (C(vnet_subnet) and C(vnet_netmask)) in CIDR form.
    type: str
    required: true
  dataplane:
    description:
      - The front-end's data plane as the host plan gives it (C(iaas_plan.eucalyptus.dataplane)) -
        C(groups) with C(cidr), C(name) and C(allowed) rules, C(instances) with C(private_ip) and
        C(public_ip). Empty when no group is declared - then no connection into O(subnet) is allowed.
    type: dict
    default: {}
attributes:
  check_mode:
    description: Lists the connections it would end and ends none.
    support: full
  diff_mode:
    description: The connections to end, one per line, with the reason.
    support: full
  platform:
    description: Linux with conntrack-tools.
    support: full
    platforms: posix
requirements:
  - conntrack (the conntrack-tools command) on the host
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: End what a revoked rule or elastic IP let in
  privatecloud.iaas.revoked_connections:
    subnet: 10.10.0.0/16
    dataplane: "{{ ansible_facts['iaas_plan']['eucalyptus']['dataplane'] }}"
"""

RETURN = r"""
ended:
  description: The connections ended (or, in check mode, to end), each with the reason.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.privatecloud.iaas.plugins.module_utils.conntrack import end_revoked


def main():
    module = AnsibleModule(
        argument_spec=dict(
            subnet=dict(type="str", required=True),
            dataplane=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    ended = end_revoked(module, module.params["subnet"], module.params["dataplane"])
    module.exit_json(changed=bool(ended), ended=ended,
                     diff={"before": "".join(line + "\n" for line in ended), "after": ""})


if __name__ == "__main__":
    main()
