"""Run as a script: what each role's tasks would hand its modules, for an example inventory with some
variables set as extra variables, without a host.

Reads a JSON list of cases from stdin, each {"inventory": directory, "host": name, "role": name,
"extra": {variable: value}}, and writes a JSON list, per case, of {"problems": [...], "tasks":
[{"file", "name", "module", "args"}]}:

1. Ansible reads the inventory (InventoryManager, VariableManager) and templates each host's
   variables, the extra variables taking precedence as ``-e`` does;
2. the host's plan is decided from them (plugin_utils.inventory and host_plan, as the action does);
3. the role's task files are loaded as Ansible loads them and every task's arguments templated
   with the role's vars/main.yml, the plan as the fact ``iaas_plan`` and the host in ``iaas_planned``,
   as in a run of the cloud's playbooks. An argument that cannot be templated here (it names a
   result registered at run time, or a loop item) is null.

With ``--variables``, reads a JSON list of example inventory names instead and writes, per name,
the variables the plan is given: {"hostvars": {host: {variable: value}}, "groups": {...}}.

A separate process: Ansible's collection loader must be installed before anything imports
ansible_collections, which the other unit tests do.
"""

import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
COLLECTIONS = os.path.join(ROOT, ".cache", "collections")

# Task keywords, so that the remaining key of a task is its module.
KEYWORDS = {"name", "when", "register", "vars", "loop", "loop_control", "with_items", "with_dict", "tags",
            "become", "become_user", "changed_when", "failed_when", "check_mode", "diff", "no_log", "run_once",
            "delegate_to", "notify", "ignore_errors", "environment", "until", "retries", "delay", "listen",
            "args", "block", "rescue", "always", "any_errors_fatal", "throttle", "timeout", "async", "poll"}
INCLUDES = {"ansible.builtin.include_tasks", "ansible.builtin.import_tasks", "include_tasks", "import_tasks"}
ROLE_INCLUDES = {"ansible.builtin.include_role", "ansible.builtin.import_role", "include_role", "import_role"}


def main():
    from ansible.plugins.loader import init_plugin_loader

    init_plugin_loader([COLLECTIONS])
    cases = json.load(sys.stdin)
    if sys.argv[1:] == ["--variables"]:
        # Only what the plan is given: {inventory: {"hostvars": ..., "groups": ...}}.
        json.dump(dict((name, variables_of(name)[1]) for name in cases), sys.stdout)
        return
    json.dump([render(**case) for case in cases], sys.stdout)


def variables_of(inventory, extra=None):
    """(every host's variables as Ansible gives them, {"hostvars": the templated variables the
    plan reads, "groups": ...}) of an example inventory, ``extra`` taking precedence as -e does."""
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar
    from ansible.vars.manager import VariableManager
    from ansible_collections.privatecloud.iaas.plugins.plugin_utils import inventory as plan_inventory

    loader = DataLoader()
    hosts = InventoryManager(loader=loader, sources=[os.path.join(ROOT, "inventories", inventory)])
    variables = VariableManager(loader=loader, inventory=hosts)
    raw, hostvars = {}, {}
    for one in hosts.get_hosts():
        found = dict(variables.get_vars(host=one), **(extra or {}))
        templar = Templar(loader=loader, variables=found)
        raw[one.name] = found
        hostvars[one.name] = plain(dict(
            (name, templar.template(value)) for name, value in found.items()
            if name.startswith(plan_inventory.PREFIXES) or name in plan_inventory.NAMES))
    groups = dict((name, [member.name for member in group.get_hosts()]) for name, group in hosts.groups.items())
    return raw, {"hostvars": hostvars, "groups": groups}


def render(inventory, host, role, extra):
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar, trust_as_template
    from ansible_collections.privatecloud.iaas.plugins.module_utils.host_plan import plan_host
    from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems
    from ansible_collections.privatecloud.iaas.plugins.plugin_utils import inventory as plan_inventory

    loader = DataLoader()
    raw, planned = variables_of(inventory, extra)
    problems = Problems()
    read = plan_inventory.inventory(planned, problems)
    plan = plan_host(host, read, problems, code="test")

    scope = dict(raw[host], **role_vars_of(loader, trust_as_template, os.path.join(ROOT, "roles", role)))
    scope.update({
        "ansible_facts": {"iaas_plan": plan},
        "group_names": sorted(set(raw[host]["group_names"]) | {"iaas_planned"}),
        "iaas_host_records": None,
        "ansible_check_mode": False,
        "ansible_play_hosts": [host],
    })
    tasks = []
    walk(loader, Templar, trust_as_template, os.path.join(ROOT, "roles", role, "tasks"), "main.yml", scope, tasks)
    return {"problems": problems.lines(), "tasks": tasks}


def role_vars_of(loader, trust, directory):
    """A role's vars/main.yml, if it has one. Ansible trusts a role's own files as templates; the
    loader alone does not say so."""
    path = os.path.join(directory, "vars", "main.yml")
    return trusted(trust, loader.load_from_file(path)) if os.path.exists(path) else {}


def walk(loader, templar_class, trust, directory, name, scope, tasks):
    for task in trusted(trust, loader.load_from_file(os.path.join(directory, name))) or []:
        scope_here = dict(scope, **(task.get("vars") or {}))
        for key in ("block", "rescue", "always"):
            if key in task:
                walk_list(loader, templar_class, trust, directory, name, task[key], scope_here, tasks)
        module = next((key for key in task if key not in KEYWORDS), None)
        if module is None:
            continue
        templar = templar_class(loader=loader, variables=scope_here)
        if module in INCLUDES:
            included = template(templar, trust, task[module])
            included = included.get("file") if isinstance(included, dict) else included
            if included and os.path.exists(os.path.join(directory, included)):
                if "loop" in task:
                    # Its items reach the included tasks' arguments.
                    tasks.append(called(templar, trust, name, module, task))
                walk(loader, templar_class, trust, directory, included, scope_here, tasks)
            continue
        if module in ROLE_INCLUDES:
            # Another role's entry point (the frontend role's host_name and repository): its tasks,
            # with its own vars/main.yml under what the include gives it.
            included = template(templar, trust, task[module])
            other = os.path.join(ROOT, "roles", included["name"].split(".")[-1])
            walk(loader, templar_class, trust, os.path.join(other, "tasks"), included.get("tasks_from", "main") + ".yml",
                 dict(scope, **dict(role_vars_of(loader, trust, other), **(task.get("vars") or {}))), tasks)
            continue
        tasks.append(called(templar, trust, name, module, task))


def walk_list(loader, templar_class, trust, directory, name, block, scope, tasks):
    # A block's tasks, as if they were a file's.
    for task in block:
        module = next((key for key in task if key not in KEYWORDS), None)
        scope_here = dict(scope, **(task.get("vars") or {}))
        if module and module not in INCLUDES | ROLE_INCLUDES:
            tasks.append(called(templar_class(loader=loader, variables=scope_here), trust, name, module, task))


def called(templar, trust, name, module, task):
    """One module call: its arguments, and the items of its loop (each becomes an argument)."""
    return {"file": name, "name": task.get("name"), "module": module,
            "args": template(templar, trust, task[module]),
            "loop": template(templar, trust, task["loop"]) if "loop" in task else None}


def trusted(trust, value):
    if isinstance(value, dict):
        return dict((key, trusted(trust, item)) for key, item in value.items())
    if isinstance(value, list):
        return [trusted(trust, item) for item in value]
    return trust(value) if isinstance(value, str) else value


def template(templar, trust, value):
    """``value`` templated leaf by leaf, as JSON-able data; a leaf that cannot be templated is null."""
    if isinstance(value, dict):
        return dict((str(key), template(templar, trust, item)) for key, item in value.items())
    if isinstance(value, list):
        return [template(templar, trust, item) for item in value]
    if isinstance(value, str):
        try:
            return plain(templar.template(trust(value)))
        except Exception:  # pylint: disable=broad-except  # undefined here: registered at run time
            return None
    return plain(value)


def plain(value):
    """Ansible's tagged values as plain JSON data."""
    return json.loads(json.dumps(value, default=str))


if __name__ == "__main__":
    main()
