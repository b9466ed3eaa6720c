#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: owned_addresses
short_description: (internal) Exactly the extra addresses, and routes, the collection owns on a host
version_added: "1.0.0"
description:
  - One call for the whole set of a host's owned addresses (a MANAGED front-end's group routers and
    elastic IPs) and routes (to the instances of another cluster, through its CC). Each of
    O(addresses) missing from its device is added, each of O(routes) missing or through another
    gateway is made exact; each address or route an earlier call recorded and the options no longer
    list is deleted. No other address or route is touched, even one equal to one the collection
    stops wanting, if the collection did not make it.
  - The record is O(record), an C(ip -batch) file of C(address replace) lines then C(route replace)
    lines, written only when the set changes; C(ip -force -batch) of it restores them at boot.
  - An address with C(announce) is announced with two gratuitous ARP requests when it is added, so
    the neighbours' caches point at this host at once (an elastic IP that moved from another host).
options:
  addresses:
    description: The owned addresses.
    type: list
    elements: dict
    default: []
    suboptions:
      device:
        description: The interface that carries the address (it must exist).
        type: str
        required: true
      address:
        description: IPv4 address with its prefix length, C(10.10.1.1/26) or C(192.0.2.9/32).
        type: str
        required: true
      announce:
        description: Send gratuitous ARP requests when the address is added.
        type: bool
        default: false
  routes:
    description: The owned routes of the main table, each through a gateway on a connected network.
    type: list
    elements: dict
    default: []
    suboptions:
      to:
        description: The destination, C(10.10.2.3/32) or C(10.10.2.0/26).
        type: str
        required: true
      via:
        description: The gateway.
        type: str
        required: true
  record:
    description: The record of the owned addresses and routes (also the boot unit's C(ip -batch) file).
    type: path
    default: /etc/privatecloud-iaas/addresses
extends_documentation_fragment:
  - privatecloud.iaas.internal
attributes:
  check_mode:
    description: Reports the addresses and routes it would add and delete, and changes nothing.
    support: full
  diff_mode:
    description: The owned addresses and routes before and after, one per line.
    support: full
  platform:
    description: Linux with iproute2.
    support: full
    platforms: posix
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: The routers of the active groups and the elastic IPs
  privatecloud.iaas.owned_addresses:
    addresses:
      - {device: eth1, address: 10.10.1.1/26}
      - {device: eth0, address: 192.0.2.200/32, announce: true}
    routes:
      - {to: 10.10.1.10/32, via: 10.10.1.2}
"""

RETURN = r"""
added:
  description: The addresses added, C(<cidr> on <device>).
  returned: always
  type: list
  elements: str
removed:
  description: The owned addresses deleted.
  returned: always
  type: list
  elements: str
routes_added:
  description: The routes made or made exact, C(<cidr> via <gateway>).
  returned: always
  type: list
  elements: str
routes_removed:
  description: The owned routes deleted.
  returned: always
  type: list
  elements: str
commands:
  description: The C(ip -batch) lines run (or, in check mode, that would run).
  returned: always
  type: list
  elements: str
announced:
  description: The addresses announced with gratuitous ARP.
  returned: always
  type: list
  elements: str
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.privatecloud.iaas.plugins.module_utils import files
from ansible_collections.privatecloud.iaas.plugins.module_utils.iproute import IpRoute
from ansible_collections.privatecloud.iaas.plugins.module_utils.owned_addresses import (
    OwnedAddressError,
    announce,
    changes,
    describe,
    present_routes,
    read_record,
    read_routes_record,
    route_changes,
    render_record,
    wanted_addresses,
    wanted_routes,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            addresses=dict(type="list", elements="dict", default=[], options=dict(
                device=dict(type="str", required=True),
                address=dict(type="str", required=True),
                announce=dict(type="bool", default=False),
            )),
            routes=dict(type="list", elements="dict", default=[], options=dict(
                to=dict(type="str", required=True),
                via=dict(type="str", required=True),
            )),
            record=dict(type="path", default="/etc/privatecloud-iaas/addresses"),
        ),
        supports_check_mode=True,
    )
    record = module.params["record"]
    recorded_text = ""
    if os.path.exists(record):
        with open(record) as stream:
            recorded_text = stream.read()
    iproute = IpRoute(module)
    try:
        wanted = wanted_addresses(module.params["addresses"])
        commands, added, removed = changes(wanted, read_record(recorded_text), iproute.addresses())
        routes = wanted_routes(module.params["routes"])
        deletions, replacements, routes_added, routes_removed = route_changes(
            routes, read_routes_record(recorded_text), present_routes(iproute.routes()))
    except OwnedAddressError as error:
        module.fail_json(msg=str(error))
    # A route through a gateway goes before the address that makes the gateway reachable, and
    # comes after it.
    commands = deletions + commands + replacements
    new_record = render_record(wanted, routes)
    result = {
        "changed": bool(commands) or new_record != recorded_text,
        "commands": commands,
        "added": ["%s on %s" % (cidr, device) for device, cidr, _announce in added],
        "removed": ["%s on %s" % (cidr, device) for device, cidr in removed],
        "routes_added": ["%s via %s" % route for route in routes_added],
        "routes_removed": ["%s via %s" % route for route in routes_removed],
        "announced": [],
        "diff": {"before": describe(read_record(recorded_text), read_routes_record(recorded_text)),
                 "after": describe([(device, cidr) for device, cidr, _announce in wanted], routes)},
    }
    if module.check_mode:
        module.exit_json(**result)
    if commands:
        rc, out, err = module.run_command([iproute.ip, "-batch", "-"], data="\n".join(commands) + "\n")
        if rc:
            module.fail_json(msg="ip -batch failed: %s" % err.strip(), commands=commands, stdout=out, stderr=err)
    if new_record != recorded_text:
        if new_record:
            files.write(record, new_record, make_directory=True)
        else:
            files.remove(record)
    for device, cidr, wanted_announce in added:
        if wanted_announce:
            with open("/sys/class/net/%s/address" % device) as stream:
                mac = stream.read().strip()
            try:
                announce(device, mac, cidr.split("/")[0])
            except OSError as error:
                module.warn("%s: the gratuitous ARP for %s could not be sent (%s); neighbours learn the "
                            "address when their cache entry expires" % (device, cidr, error))
                continue
            result["announced"].append("%s on %s" % (cidr, device))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
