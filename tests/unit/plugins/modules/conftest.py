"""A throw-away named network namespace in which a module of the collection runs for real."""

import json
import os
import subprocess
import sys
import uuid

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
COLLECTIONS = os.path.join(ROOT, ".cache", "collections")


def can_make_namespaces():
    return os.geteuid() == 0 and subprocess.run(["unshare", "--net", "true"], check=False).returncode == 0


class ModuleNamespace:
    """Run ``ip`` and one module (as Ansible would, from a JSON arguments file) inside a namespace."""

    def __init__(self, tmp_path, module):
        self.name = "pcitest-%s" % uuid.uuid4().hex[:8]
        self.tmp_path = tmp_path
        self.module_name = "ansible_collections.privatecloud.iaas.plugins.modules." + module
        subprocess.run(["ip", "netns", "add", self.name], check=True)

    def ip(self, *arguments):
        return subprocess.run(["ip", "netns", "exec", self.name, "ip"] + list(arguments), capture_output=True,
                              text=True, check=True).stdout

    def json(self, *arguments):
        return json.loads(self.ip("-j", *arguments) or "[]")

    def module(self, check=False, **args):
        path = self.tmp_path / ("args-%s.json" % uuid.uuid4().hex[:6])
        args.update(_ansible_check_mode=check, _ansible_diff=True)
        path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
        result = subprocess.run(["ip", "netns", "exec", self.name, "env", "PYTHONPATH=" + COLLECTIONS,
                                 sys.executable, "-m", self.module_name, str(path)], capture_output=True, text=True,
                                check=False)
        return json.loads(result.stdout)

    def delete(self):
        subprocess.run(["ip", "netns", "delete", self.name], check=False)


@pytest.fixture
def module_namespace(tmp_path):
    """make(module) -> a ModuleNamespace, deleted after the test."""
    made = []

    def make(module):
        namespace = ModuleNamespace(tmp_path, module)
        made.append(namespace)
        return namespace

    yield make
    for namespace in made:
        namespace.delete()
