# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the dhcpd role: what a host's dhcpd is for, its checked declaration, dhcpd.conf."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils import dhcpd
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.filters import raising


@raising
def dhcpd_function(group_names, vnet_mode=None, vnet_dataplane=None):
    return dhcpd.function(group_names or [], vnet_mode, vnet_dataplane)


@raising
def dhcpd_declaration(function, subnets=None, hosts=None, options=None, vnet=None, groups=None):
    return dhcpd.declaration(function, subnets, hosts, options, vnet, groups)


@raising
def dhcpd_conf(configuration):
    return dhcpd.render(configuration)


@raising
def dhcpd_listen(interfaces, configuration, addresses, absent_ok=False, planned=None):
    return dhcpd.listening_interfaces(interfaces, configuration, addresses, absent_ok=absent_ok, planned=planned)


class FilterModule:
    """privatecloud.iaas dhcpd filters."""

    def filters(self):
        return {
            "dhcpd_function": dhcpd_function,
            "dhcpd_declaration": dhcpd_declaration,
            "dhcpd_conf": dhcpd_conf,
            "dhcpd_listen": dhcpd_listen,
        }
