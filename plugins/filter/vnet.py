# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over Eucalyptus networking values: the MANAGED plan, public IPs and MAC maps."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.privatecloud.iaas.plugins.module_utils import eucalyptus


def _raising(function):
    """Turn the collection's value errors into filter errors with the same message."""

    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (ValueError, ImportError) as error:
            raise AnsibleFilterError("%s: %s" % (function.__name__, error))

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper


@_raising
def vnet_network(tag, subnet, netmask, addrspernet):
    return eucalyptus.ManagedPlan(subnet, netmask, addrspernet).block(tag)


@_raising
def vnet_capacity(subnet, netmask, addrspernet):
    return eucalyptus.ManagedPlan(subnet, netmask, addrspernet).capacity()


@_raising
def vnet_publicips(value):
    return eucalyptus.public_ips(value)


@_raising
def vnet_macmap(value, subnet=None, netmask=None):
    return eucalyptus.mac_map(value, subnet, netmask)


class FilterModule:
    """privatecloud.iaas Eucalyptus networking filters."""

    def filters(self):
        return {
            "vnet_network": vnet_network,
            "vnet_capacity": vnet_capacity,
            "vnet_publicips": vnet_publicips,
            "vnet_macmap": vnet_macmap,
        }
