# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks the whole inventory on the controller; see the module of the same name for its docs."""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible_collections.privatecloud.iaas.plugins.module_utils.host_plan import plan_inventory
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.inventory import inventory


class ActionModule(ActionBase):
    """Validate the inventory by planning every host; never contacts a host."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        self._options = self.validate_argument_spec(argument_spec={})
        problems, warnings = Problems(), []
        plans = plan_inventory(inventory(task_vars, problems), problems, warnings)
        for warning in warnings:
            self._display.warning(warning)

        result["changed"] = False
        result["problems"] = problems.lines()
        if problems:
            result["failed"] = True
            result["msg"] = "%d problem(s) in the inventory:\n%s" % (len(problems), "\n".join(problems.lines()))
        else:
            platforms = [plan["platform"] for plan in plans.values()]
            result["msg"] = "the inventory keeps every rule (%d Eucalyptus hosts, %d CloudStack hosts)" % (
                platforms.count("eucalyptus"), platforms.count("cloudstack"))
        return result
