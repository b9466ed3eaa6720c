# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cloud_drawing filter: the hosts' plans as one SVG picture."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils import drawing
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.filters import raising


@raising
def cloud_drawing(hosts, hostvars, title="The cloud, from its plan"):
    """``hosts``: the planned hosts; each one's plan is its fact iaas_plan in ``hostvars``."""
    plans = {}
    for host in hosts or ():
        plan = (hostvars[host].get("ansible_facts") or {}).get("iaas_plan")
        if not isinstance(plan, dict):
            raise ValueError("%s has no plan (the fact iaas_plan): playbooks/validate.yml decides it first" % host)
        plans[str(host)] = plan
    zones = next((plan["cloudstack"]["zones"] for plan in plans.values()
                  if (plan.get("cloudstack") or {}).get("zones")), None)
    return drawing.draw(plans, zones, title=str(title))


class FilterModule:
    """privatecloud.iaas drawing filter."""

    def filters(self):
        return {"cloud_drawing": cloud_drawing}
