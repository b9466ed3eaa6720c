# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Makes a host's bridges or VLAN devices in one task; see the module of the same name for its docs."""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible_collections.privatecloud.iaas.plugins.module_utils.interfaces import KINDS, calls

ARGUMENTS = dict(
    kind=dict(type="str", required=True, choices=sorted(KINDS)),
    declared=dict(type="list", elements="dict", default=[]),
    released=dict(type="list", elements="dict", default=[]),
    rollback_timeout=dict(type="int", default=0),
    owned=dict(type="list", elements="str"),
    departing=dict(type="list", elements="str", default=[]),
)


class ActionModule(ActionBase):
    """Run linux_bridge or vlan_interface once per device, as one task with one result."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_diff = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        params = self.validate_argument_spec(argument_spec=ARGUMENTS)[1]
        try:
            planned = calls(params["kind"], params["declared"], params["released"], params["rollback_timeout"],
                            params["owned"], params["departing"])
        except (KeyError, ValueError) as error:
            return dict(result, failed=True, msg="%s_interfaces: %s" % (params["kind"], error))
        result.update(changed=False, devices={}, rollback_cookies=[], diff=[])
        for name, module, arguments in planned:
            done = self._execute_module(module_name=module, module_args=arguments, task_vars=task_vars)
            result["devices"][name] = done
            result["changed"] = result["changed"] or bool(done.get("changed"))
            if done.get("diff"):
                result["diff"].extend(done["diff"] if isinstance(done["diff"], list) else [done["diff"]])
            if done.get("rollback_cookie") and done["rollback_cookie"] not in result["rollback_cookies"]:
                result["rollback_cookies"].append(done["rollback_cookie"])
            if done.get("failed"):
                # What changed before stays armed: the host's timer undoes it unless it is kept.
                result.update(failed=True, msg="%s: %s" % (name, done.get("msg", "failed")))
                break
        return result
