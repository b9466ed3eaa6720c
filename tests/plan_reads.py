"""The example inventories as the plan reads them: each host's variables, read by Ansible, and the
plans of every host made from them with the variables recording which ones the plan asks for (and,
when asked, while deciding which part of the plan)."""

import contextlib
import functools
import json
import os
import subprocess
import sys

from ansible_collections.privatecloud.iaas.plugins.module_utils import host_context, host_plan
from ansible_collections.privatecloud.iaas.plugins.module_utils.host_context import Inventory
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
RENDERER = os.path.join(ROOT, "tests", "unit", "roles", "role_arguments.py")
INVENTORIES = sorted(os.listdir(os.path.join(ROOT, "inventories")))
# What the plan reads after every host's own plan: the checks across hosts.
ACROSS_HOSTS = "(across hosts)"


class Recording(dict):
    """A host's variables that remember which ones the plan asked for."""

    def __init__(self, values, note):
        super().__init__(values)
        self.note = note

    def get(self, name, default=None):
        self.note(name)
        return super().get(name, default)

    def __getitem__(self, name):
        self.note(name)
        return super().__getitem__(name)

    def __contains__(self, name):
        self.note(name)
        return super().__contains__(name)


class RecordingInventory(Inventory):
    """asked: the names asked for; by_part: {part of the plan being decided: names}, if given."""

    def __init__(self, groups, read, asked, by_part=None):
        super().__init__(groups, read)
        self.asked, self.by_part, self.context = asked, by_part, None

    def note(self, name):
        self.asked.add(name)
        if self.by_part is not None:
            self.by_part.setdefault(self.context.part if self.context else ACROSS_HOSTS, set()).add(name)

    def variables(self, host):
        if host not in self._variables:
            self._variables[host] = Recording(super().variables(host), self.note)
        return self._variables[host]


@functools.lru_cache(maxsize=None)
def example_variables():
    """{inventory: {"hostvars", "groups"}}, read by Ansible in a separate process (its collection
    loader must come before the collection is imported)."""
    found = subprocess.run([sys.executable, RENDERER, "--variables"], input=json.dumps(INVENTORIES),
                           capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(found.stdout)


def plan(inventory, hostvars, asked=None, by_part=None):
    problems = Problems()
    groups = dict(inventory["groups"], all=sorted(hostvars))
    if asked is None:
        return host_plan.plan_inventory(Inventory(groups, lambda host: hostvars[host]), problems, []), problems
    read = RecordingInventory(groups, lambda host: hostvars[host], asked, by_part)
    with _parts_followed(read):
        return host_plan.plan_inventory(read, problems, []), problems


@contextlib.contextmanager
def _parts_followed(inventory):
    """The host's context being decided is known to ``inventory`` while its plan is made."""
    context_class, plan_host = host_context.Context, host_plan.plan_host

    class Followed(context_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            inventory.context = self

    def followed_plan_host(*args, **kwargs):
        try:
            return plan_host(*args, **kwargs)
        finally:
            inventory.context = None

    host_context.Context, host_plan.plan_host = Followed, followed_plan_host
    try:
        yield
    finally:
        host_context.Context, host_plan.plan_host = context_class, plan_host
