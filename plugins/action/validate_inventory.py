# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks the whole inventory on the controller; see the module of the same name for its docs."""

from __future__ import annotations

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase
from ansible_collections.privatecloud.iaas.plugins.module_utils import (
    cloudstack,
    cloudstack_install,
    dhcpd,
    eucalyptus,
    netconf,
)
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems

PLATFORMS = ("eucalyptus", "cloudstack")
# Only these variables are read (and templated) per host: the inventory may hold many hosts.
PREFIXES = ("vnet_", "iaas_", "cloudstack_", "db_", "bridge_", "vlan_", "dhcpd_")
# Read once from a management server, not per host: it describes the whole cloud.
CLOUD_WIDE = ("cloudstack_zones",)


class ActionModule(ActionBase):
    """Validate the inventory; never contacts a host."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        self._options = self.validate_argument_spec(argument_spec={})
        hostvars, groups = task_vars["hostvars"], task_vars["groups"]
        problems = Problems()

        eucalyptus_hosts, cloudstack_hosts, zones, warnings = {}, {}, None, []
        for host in groups.get("all", []):
            variables = self._variables(host, hostvars[host], problems)
            platform = variables.get("iaas_platform")
            if platform is not None and platform not in PLATFORMS:
                problems.add(host, "iaas_platform", platform, "is not one of %s" % ", ".join(PLATFORMS))
                continue
            for variable, value, rule in netconf.check_declaration(variables.get("bridge_interfaces"),
                                                                   variables.get("vlan_interfaces")):
                problems.add(host, variable, value, rule)
            group_names = hostvars[host].get("group_names", [])
            dhcpd.check_host(host, group_names, variables, problems)
            uses_vnet = any(name.startswith("vnet_") for name in variables)
            if platform == "eucalyptus" or (platform is None and uses_vnet):
                eucalyptus_hosts[host] = {"groups": group_names, "vars": variables}
            if platform == "cloudstack":
                cloudstack_hosts[host] = {"groups": group_names, "vars": variables}
                if zones is None and "frontend" in group_names:
                    zones = self._value(host, hostvars[host], "cloudstack_zones", problems)

        eucalyptus.check_hosts(eucalyptus_hosts, problems)
        cloudstack.check_hosts(cloudstack_hosts, problems, warnings)
        cloudstack_install.check_databases(cloudstack_hosts, problems)
        if zones is not None:
            cloudstack.check_zones(zones, problems)
        for warning in warnings:
            self._display.warning(warning)

        result["changed"] = False
        result["problems"] = problems.lines()
        if problems:
            result["failed"] = True
            result["msg"] = "%d problem(s) in the inventory:\n%s" % (len(problems), "\n".join(problems.lines()))
        else:
            result["msg"] = "the inventory keeps every rule (%d Eucalyptus hosts, %d CloudStack zones)" % (
                len(eucalyptus_hosts), len(zones or []))
        return result

    def _variables(self, host, host_vars, problems):
        variables = {}
        for name in host_vars:
            if name.startswith(PREFIXES) and name not in CLOUD_WIDE:
                value = self._value(host, host_vars, name, problems)
                if value is not None:
                    variables[name] = value
        return variables

    @staticmethod
    def _value(host, host_vars, name, problems):
        try:
            return host_vars.get(name)
        except AnsibleError as error:
            problems.add(host, name, "(template)", "cannot be templated: %s" % error.message)
            return None
