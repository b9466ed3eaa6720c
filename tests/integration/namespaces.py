"""A throw-away named network namespace in which a module of the collection runs for real."""

import json
import os
import subprocess
import sys
import time
import uuid


ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COLLECTIONS = os.path.join(ROOT, ".cache", "collections")


def can_make_namespaces():
    return os.geteuid() == 0 and subprocess.run(["unshare", "--net", "true"], check=False).returncode == 0


def wait_for_rollback_timer(cookie, limit=120):
    """Return once the detached timer guarding ``cookie`` has ended (fired or not).

    The timer is a shell whose command line names its cookie; waiting for it to leave, instead of
    sleeping a fixed time, keeps these tests right on a loaded machine. Its files count too: the
    timer removes the cookie (or the claimed copy it fired with) as it ends, and a process caught
    between fork and exec may not show its command line yet.
    """
    for _attempt in range(limit * 10):
        running = not subprocess.run(["pgrep", "-f", cookie], capture_output=True, check=False).returncode
        if not running and not os.path.exists(cookie) and not os.path.exists(cookie + ".fired"):
            return
        time.sleep(0.1)
    raise AssertionError("the rollback timer for %s still runs after %d s" % (cookie, limit))


class ModuleNamespace:
    """Run commands and one module (as Ansible would, from a JSON arguments file) inside a namespace.

    ``path`` is the PATH inside (tests put other tools first); ``defaults`` are module arguments
    every call gets unless it gives its own.
    """

    def __init__(self, tmp_path, module, path=None, defaults=None):
        self.name = "pcitest-%s" % uuid.uuid4().hex[:8]
        self.tmp_path = tmp_path
        self.module_name = "ansible_collections.privatecloud.iaas.plugins.modules." + module
        self.path = path or os.environ["PATH"]
        self.defaults = defaults or {}
        subprocess.run(["ip", "netns", "add", self.name], check=True)

    def run(self, *command, data=None, check=True):
        return subprocess.run(["ip", "netns", "exec", self.name, "env", "PATH=" + self.path, *command],
                              input=data, capture_output=True, text=True, check=check)

    def ip(self, *arguments):
        return self.run("ip", *arguments).stdout

    def json(self, *arguments):
        return json.loads(self.ip("-j", *arguments) or "[]")

    def json_bridge(self, *arguments):
        return json.loads(self.run("bridge", "-j", *arguments).stdout or "[]")

    def module(self, check=False, other_module=None, **args):
        """The namespace's module (or ``other_module``, without the defaults) run with ``args``."""
        path = self.tmp_path / ("args-%s.json" % uuid.uuid4().hex[:6])
        args = dict(self.defaults, **args) if other_module is None else args
        args.update(_ansible_check_mode=check, _ansible_diff=True)
        path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
        module = self.module_name if other_module is None else self.module_name.rpartition(".")[0] + "." + other_module
        result = self.run("env", "PYTHONPATH=" + COLLECTIONS, sys.executable, "-m", module, str(path), check=False)
        return json.loads(result.stdout)

    def delete(self):
        subprocess.run(["ip", "netns", "delete", self.name], check=False)
