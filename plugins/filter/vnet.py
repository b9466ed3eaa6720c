# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over Eucalyptus networking values: the MANAGED layout, public IPs and MAC maps."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils import eucalyptus
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.filters import raising


@raising
def vnet_network(tag, subnet, netmask, addrspernet, nth=None):
    # 'nth', not 'instance': Ansible's plugin wrapper takes 'instance' as a name of its own.
    return eucalyptus.ManagedSubnet(subnet, netmask, addrspernet).block(tag, instance=nth)


@raising
def vnet_capacity(subnet, netmask, addrspernet):
    return eucalyptus.ManagedSubnet(subnet, netmask, addrspernet).capacity()


@raising
def vnet_publicips(value):
    return eucalyptus.public_ips(value)


@raising
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
