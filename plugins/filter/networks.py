# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that expose the collection's address rules to templates and tasks."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import ip_networks


def _ip_networks(values, variable="value"):
    try:
        return ip_networks(values, variable)
    except ValueError as error:
        raise AnsibleFilterError(str(error))


def _host_addresses(hosts, hostvars, default_ipv4=False):
    """Address each inventory host the way Ansible reaches it: ansible_host, else its name.

    With ``default_ipv4``, the address of its default route's interface comes first when its facts
    were gathered: the one its peers on the LAN reach it at where ansible_host names a container.
    """
    if isinstance(hosts, str):
        hosts = [hosts]
    addresses = []
    for host in hosts:
        try:
            variables = hostvars[host]
        except KeyError:
            raise AnsibleFilterError("host_addresses: %r is not a host of the inventory" % host)
        gathered = ((variables.get("ansible_facts") or {}).get("default_ipv4") or {}) if default_ipv4 else {}
        address = gathered.get("address") or variables.get("ansible_host") or host
        if address not in addresses:
            addresses.append(address)
    return addresses


class FilterModule:
    """privatecloud.iaas network filters."""

    def filters(self):
        return {
            "ip_networks": _ip_networks,
            "host_addresses": _host_addresses,
        }
