# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory as the host plans read it, from Ansible's hostvars on the controller."""

from __future__ import annotations

from ansible.errors import AnsibleError
from ansible_collections.privatecloud.iaas.plugins.module_utils.host_context import Inventory

# Only these variables are read (and templated) per host: the inventory may hold many hosts. The
# plan reads every role's options: each role's prefix is here.
PREFIXES = ("vnet_", "iaas_", "cloudstack_", "db_", "nfs_", "bridge_", "vlan_", "dhcpd_", "euca_", "iptables_",
            "ntp_", "frontend_", "node_")
NAMES = ("ansible_host", "preflight_vlan_id")
# Read from the first management server only (see host_plan.zones_of): it describes the whole cloud.
CLOUD_WIDE = ("cloudstack_zones",)
# What the run itself registered (playbooks/validate.yml), not the inventory: read as the records.
# The host's facts (the plan itself, iaas_plan, shows as a variable too) are not the inventory either.
REGISTERED = ("iaas_host_records",)


def inventory(task_vars, problems, template=None):
    """An Inventory over the play's hostvars; a variable that cannot be templated is a problem.

    With ``template`` (an action's templar's), the host the task runs for is read from the task's
    own variables, templated: what a play or a role gives a role used on its own counts too."""
    hostvars, groups = task_vars["hostvars"], task_vars["groups"]
    management = set(groups.get("frontend", []))
    current = task_vars.get("inventory_hostname") if template else None

    def read(host):
        host_vars = hostvars[host]
        own = host == current
        facts_of_host = (task_vars if own else host_vars).get("ansible_facts") or {}
        variables = {}
        for name in (task_vars if own else host_vars):
            if not (name.startswith(PREFIXES) or name in NAMES) or name in REGISTERED or name in facts_of_host:
                continue
            if name in CLOUD_WIDE and host not in management:
                continue
            try:
                value = template(task_vars[name]) if own else host_vars.get(name)
            except AnsibleError as error:
                problems.add(host, name, "(template)", "cannot be templated: %s" % error.message)
                continue
            if value is not None:
                variables[name] = value
        return variables

    def facts(host):
        # Facts read earlier in the run (playbooks/validate.yml reads each host's release).
        return hostvars[host].get("ansible_facts") or {}

    def records(host):
        # What role_records_info read on the host earlier in the run (playbooks/validate.yml).
        return hostvars[host].get("iaas_host_records")

    return Inventory(groups, read, facts, records)
