"""Waits for the kernel scenario's QEMU VMs to come up, and names what did not.

    python3 tests/harness/vm_boot.py wait --dir DIRECTORY --key KEY [--stall SECONDS] NAME:PORT ...
    python3 tests/harness/vm_boot.py crashes --dir DIRECTORY NAME:PORT ...

Each VM is NAME and the loopback PORT its SSH is forwarded to; DIRECTORY holds each VM's NAME.pid
(QEMU's) and NAME.console (its serial console). ``wait`` returns once every VM answers
SSH with systemd's boot finished ('running' or 'degraded'). It never gives up on a slow machine:
it fails only on a fact - QEMU gone, a kernel crash on a console, or no boot progress at all
(console silent and SSH not answering) for --stall seconds - and its message names the VM, what
happened and the console's last lines. ``crashes`` prints each console's crash, if any (the
scenario's destroy step runs it, so a run that failed because a VM died says why).

A crash ends the VM at once: the scenario boots the kernel with panic=-1 oops=panic and QEMU
with -action reboot=shutdown, so an oops panics, the panic reboots, and the reboot exits QEMU,
which closes every SSH connection to it instead of leaving them waiting.
"""

import argparse
import os
import re
import subprocess
import sys
import time

# What a kernel prints when it dies, or when it is about to (oops=panic makes every oops fatal).
CRASH = re.compile(r"Kernel panic - not syncing.*|\bOops: .*|\bBUG: .*|general protection fault.*")
POLL_SECONDS = 2
TAIL_LINES = 15


class VM:
    def __init__(self, spec, directory):
        self.name, _colon, port = spec.partition(":")
        self.port = int(port)
        self.console = os.path.join(directory, self.name + ".console")
        self.pidfile = os.path.join(directory, self.name + ".pid")
        self.console_size = -1
        self.last_progress = time.monotonic()
        self.last_answer = "no answer yet"
        self.up = False

    def lines(self):
        try:
            with open(self.console, "rb") as stream:
                return stream.read().decode("utf-8", "replace").replace("\r", "").splitlines()
        except OSError:
            return []

    def crash(self):
        """The console's crash lines, from the first one on; [] when the kernel did not crash."""
        lines = self.lines()
        for index, line in enumerate(lines):
            if CRASH.search(line):
                return lines[index:index + TAIL_LINES]
        return []

    def tail(self):
        lines = [line for line in self.lines() if line.strip()]
        return lines[-TAIL_LINES:] or ["(the console is empty)"]

    def qemu_running(self):
        try:
            with open(self.pidfile) as stream:
                pid = int(stream.read().strip())
            with open("/proc/%d/cmdline" % pid, "rb") as stream:
                return b"qemu-system" in stream.read()
        except (OSError, ValueError):
            return False

    def console_grew(self):
        try:
            size = os.path.getsize(self.console)
        except OSError:
            size = -1
        grew, self.console_size = size != self.console_size, size
        return grew


def ask_systemd(vm, key):
    """systemd's state as SSH reports it, or None when SSH does not answer (last_answer says why)."""
    command = ["ssh", "-q", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
               "-o", "ConnectTimeout=30", "-o", "ServerAliveInterval=10", "-o", "ServerAliveCountMax=6",
               "-i", key, "-p", str(vm.port), "root@127.0.0.1", "systemctl", "is-system-running"]
    result = subprocess.run(command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
    state = result.stdout.strip()
    if state:
        return state
    vm.last_answer = (result.stderr.strip() or "ssh exited %d" % result.returncode).splitlines()[-1]
    return None


def failure(vm, what, lines, heading="last lines"):
    return "%s: %s. Its console's %s:\n    %s" % (vm.name, what, heading, "\n    ".join(lines))


def wait(vms, key, stall):
    """None once every VM is up, else the message naming each VM that will not come up."""
    while True:
        problems = []
        for vm in (vm for vm in vms if not vm.up):
            crash = vm.crash()
            if crash:
                problems.append(failure(vm, "the kernel crashed while it booted", crash, "crash"))
                continue
            if not vm.qemu_running():
                problems.append(failure(vm, "QEMU stopped before the VM came up", vm.tail()))
                continue
            if vm.console_grew():
                vm.last_progress = time.monotonic()
            state = ask_systemd(vm, key)
            if state in ("running", "degraded"):
                vm.up = True
                print("%s is up (systemd: %s)" % (vm.name, state), flush=True)
            elif state is not None:
                vm.last_progress = time.monotonic()  # SSH answers; systemd is still starting units
                vm.last_answer = "systemd says %s" % state
            elif time.monotonic() - vm.last_progress > stall:
                problems.append(failure(vm, "no boot progress for %d s (the console is silent and SSH does not "
                                            "answer: %s)" % (stall, vm.last_answer), vm.tail()))
        if problems:
            return "\n".join(problems)
        if all(vm.up for vm in vms):
            return None
        time.sleep(POLL_SECONDS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("wait", "crashes"))
    parser.add_argument("--dir", required=True, help="where QEMU's pid files and the consoles are")
    parser.add_argument("--key", help="root's SSH key (wait)")
    parser.add_argument("--stall", type=int, default=600,
                        help="seconds without any sign of boot progress before a VM counts as hung (wait)")
    parser.add_argument("vms", nargs="+", metavar="NAME:PORT")
    arguments = parser.parse_args()
    vms = [VM(spec, arguments.dir) for spec in arguments.vms]
    if arguments.action == "crashes":
        for vm in vms:
            crash = vm.crash()
            if crash:
                print(failure(vm, "the kernel crashed", crash, "crash"))
        return 0
    if not arguments.key:
        parser.error("wait needs --key")
    message = wait(vms, arguments.key, arguments.stall)
    if message:
        print(message, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
