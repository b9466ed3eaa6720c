# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Decides this host's plan on the controller; see the module of the same name for its docs."""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible_collections.privatecloud.iaas.plugins.module_utils.host_plan import plan_host
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.inventory import inventory


class ActionModule(ActionBase):
    """Set the fact iaas_plan of this host; never contacts it."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _spec, options = self.validate_argument_spec(argument_spec={"served_dhcpd": {"type": "str", "default": ""}})
        problems = Problems()
        host = task_vars["inventory_hostname"]
        plan = plan_host(host, inventory(task_vars, problems), problems, served_dhcpd=options["served_dhcpd"])
        result["changed"] = False
        if problems:
            # validate_inventory reports the whole inventory; this names this host's part again.
            result["failed"] = True
            result["msg"] = "%s cannot be planned:\n%s" % (host, "\n".join(problems.lines()))
            return result
        result["ansible_facts"] = {"iaas_plan": plan}
        return result
