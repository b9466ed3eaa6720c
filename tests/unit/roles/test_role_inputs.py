"""A role that ends early when its record matches (privatecloud.iaas.role_inputs) must have every
variable it reads in that digest: its options, or the settings its vars/main.yml names to the lookup.
A variable read and not digested would be a change a rerun never applies."""

import os
import re

import jinja2
import pytest
import yaml
from jinja2 import meta

ROLES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles")
# What Ansible itself defines, and the run's own state (not inputs of what a role makes of a host):
# the records read at the start of the run, the switch that ignores them, and the devices the vlan
# role hands to the bridge role in the same run.
NOT_INPUTS = {
    "item", "omit", "hostvars", "groups", "group_names", "inventory_hostname", "role_path", "ansible_facts",
    "ansible_check_mode", "ansible_diff_mode", "ansible_play_hosts", "ansible_managed", "ansible_host",
    "ansible_failed_result", "lookup", "query", "q", "true", "false", "none", "True", "False", "None",
    "iaas_host_records", "iaas_full_run", "vlan_released_devices",
}


class AnyName(dict):
    """Ansible's and the collection's filters and tests, for parsing only: any name is one."""

    def __contains__(self, name):
        return True

    def __getitem__(self, name):
        return lambda *args, **kwargs: None

    def get(self, name, default=None):
        return self[name]


ENVIRONMENT = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
ENVIRONMENT.filters = AnyName()
ENVIRONMENT.tests = AnyName()
CONDITIONS = ("when", "that", "failed_when", "changed_when", "until")


def load(path):
    with open(path) as stream:
        return yaml.safe_load(stream)


def walk(node, found):
    """Every template of a YAML document (conditions are bare expressions), and the names it defines."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in CONDITIONS:
                for condition in value if isinstance(value, list) else [value]:
                    if isinstance(condition, str):
                        found["templates"].append("{{ %s }}" % condition)
            elif key == "register":
                found["defined"].add(value)
            elif key in ("vars", "ansible.builtin.set_fact") and isinstance(value, dict):
                found["defined"].update(value)
            elif key == "loop_control" and isinstance(value, dict) and "loop_var" in value:
                found["defined"].add(value["loop_var"])
            walk(value, found)
    elif isinstance(node, list):
        for value in node:
            walk(value, found)
    elif isinstance(node, str) and "{" in node:
        found["templates"].append(node)


def read_and_digested(role):
    path = os.path.join(ROLES, role)
    found = {"templates": [], "defined": set()}
    for directory in ("defaults", "vars"):
        for name in os.listdir(os.path.join(path, directory)) if os.path.isdir(os.path.join(path, directory)) else []:
            found["defined"].update(load(os.path.join(path, directory, name)) or {})
    for root, dummy, files in os.walk(path):
        for name in files:
            full = os.path.join(root, name)
            # defaults/ computes the options, whose values are digested; meta/ is not run.
            if name.endswith(".yml") and not any(os.sep + part + os.sep in full for part in ("meta", "defaults")):
                walk(load(full), found)
            elif name.endswith(".j2"):
                with open(full) as stream:
                    found["templates"].append(stream.read())
    read = set()
    for template in found["templates"]:
        read |= meta.find_undeclared_variables(ENVIRONMENT.parse(template))
    options = set(load(os.path.join(path, "meta", "argument_specs.yml"))["argument_specs"]["main"]["options"])
    inputs = (load(os.path.join(path, "vars", "main.yml")) or {})["__%s_inputs" % role]
    named = set(re.findall(r"'([a-z_0-9]+)'", inputs.split("role_inputs", 1)[1]))
    return read - found["defined"] - NOT_INPUTS, options | named


def gated_roles():
    return sorted(role for role in os.listdir(ROLES) if os.path.isfile(os.path.join(ROLES, role, "vars", "main.yml"))
                  and "__%s_inputs" % role in (load(os.path.join(ROLES, role, "vars", "main.yml")) or {}))


def test_the_cloud_roles_keep_records():
    assert gated_roles() == ["frontend", "node"]


@pytest.mark.parametrize("role", gated_roles())
def test_every_variable_a_role_reads_is_in_its_inputs_digest(role):
    read, digested = read_and_digested(role)
    assert sorted(read - digested) == []


@pytest.mark.parametrize("role", gated_roles())
def test_the_record_task_is_last_and_the_gate_first(role):
    tasks = load(os.path.join(ROLES, role, "tasks", "main.yml"))
    assert tasks[0]["ansible.builtin.meta"] == "end_role"
    assert "privatecloud.iaas.role_in_step('%s', __%s_inputs)" % (role, role) in tasks[0]["when"][1]
    recorded = os.path.join(ROLES, role, "tasks", "eucalyptus.yml" if role in ("frontend", "node") else "main.yml")
    assert records(load(recorded)[-1], role)


def records(task, role):
    """Whether the task writes the role's record: role_record, or the record of a role's last service_files call."""
    if "privatecloud.iaas.role_record" in task:
        return task["privatecloud.iaas.role_record"]["role"] == role
    return (task.get("privatecloud.iaas.service_files") or {}).get("record", {}).get("role") == role


def plan_reads(role):
    """The plan's parts a role reads itself: __<role>_plan.<key> and __<role>_euca.<key> (eucalyptus.<key>)."""
    found = set()
    for root, dummy, files in os.walk(os.path.join(ROLES, role)):
        for name in files:
            if name.endswith((".yml", ".j2")) and os.sep + "meta" + os.sep not in os.path.join(root, name):
                with open(os.path.join(root, name)) as stream:
                    text = stream.read()
                found |= set(re.findall(r"__%s_plan\.([a-z_]+)" % role, text))
                found |= {"eucalyptus." + key for key in re.findall(r"__%s_euca\.([a-z_]+)" % role, text)}
    return found - {"eucalyptus"}


# Parts read only for some of their keys, which the role's inputs name instead (vars/main.yml).
READ_IN_PART = {("frontend", "eucalyptus.dataplane"): ("eucalyptus.dataplane.addresses", "eucalyptus.dataplane.routes")}


@pytest.mark.parametrize("role", gated_roles())
def test_every_part_of_the_plan_a_role_reads_is_in_its_inputs_digest(role):
    inputs = (load(os.path.join(ROLES, role, "vars", "main.yml")) or {})["__%s_inputs" % role]
    named = set(re.findall(r"'([a-z_.]+)'", inputs.partition("plan=")[2]))
    for (reader, path), parts in READ_IN_PART.items():
        if reader == role and set(parts) <= named:
            named.add(path)
    assert sorted(path for path in plan_reads(role)
                  if not any(path == part or path.startswith(part + ".") for part in named)) == []
