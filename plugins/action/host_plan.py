# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Decides this host's plan on the controller; see the module of the same name for its docs."""

from __future__ import annotations

import os

from ansible.plugins.action import ActionBase
from ansible_collections.privatecloud.iaas.plugins.module_utils.host_plan import part_problems, plan_host
from ansible_collections.privatecloud.iaas.plugins.module_utils.role_records import code_digest
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.inventory import inventory


# The collection's roles and plugins: a new version of either runs every role in full once.
COLLECTION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class ActionModule(ActionBase):
    """Set the fact iaas_plan of this host; never contacts it."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _spec, options = self.validate_argument_spec(argument_spec={"part": {"type": "str"}})
        result["changed"] = False
        problems = Problems()
        host = task_vars["inventory_hostname"]
        code = code_digest([os.path.join(COLLECTION, "roles"), os.path.join(COLLECTION, "plugins")])
        found = {}
        plan = plan_host(host, inventory(task_vars, problems, self._templar.template), problems, code=code, found=found)
        part = options["part"]
        if part:
            # A role used on its own: the problems of its part, and of what that part is decided from.
            if part not in plan:
                return dict(result, failed=True, msg="part: %r is not a part of the plan (%s)" % (
                    part, ", ".join(sorted(name for name, value in plan.items() if isinstance(value, dict)))))
            if plan[part] is None:
                return dict(result, failed=True, msg="%s has no %s part: its groups and variables give it none (see "
                                                     "the role's README)" % (host, part))
            lines = part_problems(found, part)
            if lines:
                return dict(result, failed=True, msg="%s cannot be planned:\n%s" % (host, "\n".join(lines)))
            # The role reads its part where a planned run has it: the fact iaas_plan.
            result["ansible_facts"] = {"iaas_plan": {part: plan[part]}}
            return result
        if problems:
            # validate_inventory reports the whole inventory; this names this host's part again.
            return dict(result, failed=True, msg="%s cannot be planned:\n%s" % (host, "\n".join(problems.lines())))
        result["ansible_facts"] = {"iaas_plan": plan}
        return result
