"""Runs the test suite's stages, several at a time, and ends with the seconds each one took.

    python3 tests/harness/suite.py [--jobs N] STAGE...

STAGE is one of: deps, image:<release>, vm-image, lint, sanity, unit, integration, galaxy,
compat:<ansible-core version>, molecule:<scenario>[@<release>], kernel. A molecule scenario runs on
Debian 13 unless its name says another release (molecule:ntp@12). `deps` always runs first and
alone; a molecule scenario brings in and waits for its release's container image, the kernel
scenario the VM image. Up to N stages (default: the number
of CPUs) run at once, the longest chain of work first, and two molecule scenarios whose
networks or containers would collide never run together. Each stage's output goes to
.cache/results/logs/<stage>.log and is printed whole when the stage ends (live when it is the
only stage left), so the output of stages running side by side never interleaves.

Every stage runs even when another failed; the exit status is 0 only when all passed. The
table at the end is also written to .cache/results/stages.txt, and the seconds are kept under
the cache directory outside the checkout so the next run can order the stages by them.
"""

import argparse
import ipaddress
import json
import os
import re
import signal
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RESULTS = os.path.join(ROOT, ".cache", "results")
LOGS = os.path.join(RESULTS, "logs")

# Seconds of each stage on the reference machine, for ordering the stages of a machine's first
# run; afterwards the seconds this machine took last time (kept outside the checkout) replace them.
TYPICAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stage-seconds.json")
# A stage in neither (a new scenario): a guess by its kind.
FIRST_GUESS = {"compat": 80, "molecule": 150}
# The release a molecule scenario runs on when its stage names none.
DEFAULT_RELEASE = "13"


def scenario_release(argument):
    """('ntp', '12') from 'ntp@12', ('ntp', '13') from 'ntp'."""
    scenario, at, release = argument.partition("@")
    return scenario, release if at else DEFAULT_RELEASE


def stage_command(name):
    """The command of a stage, run from the checkout with the Makefile's environment."""
    kind, argument = name.partition(":")[::2]
    results = os.path.relpath(RESULTS, ROOT)
    commands = {
        "deps": ["tests/harness/deps.sh"],
        "image": ["env", "RELEASE=%s" % argument, "tests/harness/build-image.sh"],
        "vm-image": ["tests/harness/build-vm-image.sh"],
        "lint": ["sh", "-c", "yamllint --strict . && ansible-lint"],
        "sanity": ["tests/harness/sanity.sh"],
        "unit": ["pytest", "-n", "auto", "tests/unit", "--junitxml=%s/unit.xml" % results],
        "integration": ["pytest", "-n", "auto", "tests/integration", "--junitxml=%s/integration.xml" % results],
        "compat": ["tests/harness/compat.sh", argument],
        "molecule": ["env", "PRIVATECLOUD_RELEASE=%s" % scenario_release(argument)[1],
                     "molecule", "test", "-s", scenario_release(argument)[0]],
        "kernel": ["molecule", "test", "-s", "kernel"],
        "ee": ["tests/harness/ee.sh"],
        "galaxy": ["tests/harness/galaxy.sh"],
    }
    if kind not in commands or (kind in ("compat", "molecule", "image")) != bool(argument):
        raise SystemExit("unknown stage %r: see %s" % (name, os.path.relpath(__file__, ROOT)))
    return commands[kind]


def prerequisites(name):
    kind, argument = name.partition(":")[::2]
    if kind == "molecule":
        return ["deps", "image:%s" % scenario_release(argument)[1]]
    return {"deps": [], "kernel": ["deps", "vm-image"]}.get(kind, ["deps"])


def scenario_claims(scenarios):
    """{scenario: {'networks': [...], 'subnets': [...], 'containers': [...]}} from molecule.yml.

    Read with the virtualenv's Python, which has a YAML parser (this script needs only the
    standard library, so it can run before the virtualenv exists)."""
    if not scenarios:
        return {}
    reader = (
        "import json, sys, yaml\n"
        "claims = {}\n"
        "for name in sys.argv[1:]:\n"
        "    with open('molecule/%s/molecule.yml' % name) as handle:\n"
        "        config = yaml.safe_load(handle)\n"
        "    networks = (config.get('driver') or {}).get('networks') or []\n"
        "    claims[name] = {'networks': [n['name'] for n in networks],\n"
        "                    'subnets': [n['subnet'] for n in networks if n.get('subnet')],\n"
        "                    'containers': [p['name'] for p in config.get('platforms') or []]}\n"
        "print(json.dumps(claims))\n")
    output = subprocess.run([os.path.join(ROOT, ".venv", "bin", "python"), "-c", reader, *scenarios],
                            cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def collide(first, second):
    """True when two scenarios would share a network, a container name or overlapping subnets."""
    if set(first["networks"]) & set(second["networks"]) or set(first["containers"]) & set(second["containers"]):
        return True
    return any(ipaddress.ip_network(a).overlaps(ipaddress.ip_network(b))
               for a in first["subnets"] for b in second["subnets"])


def clash(first, second):
    """True when two stages are scenarios that must not run together."""
    return bool(first.claims and second.claims and collide(first.claims, second.claims))


def cache_home():
    return subprocess.run([os.path.join(ROOT, "tests", "harness", "cache-dir.sh")], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()


def read_seconds(path):
    """{stage: seconds} from a JSON file, or {} when there is none (yet)."""
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def cpu_ticks():
    """(busy, all) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


class Stage:
    def __init__(self, name):
        self.name = name
        self.command = stage_command(name)
        self.needs = prerequisites(name)
        self.claims = None
        self.process = None
        self.log = None
        self.streaming = False
        self.started = self.seconds = None
        self.result = "pending"

    @property
    def slug(self):
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", self.name)


class Suite:
    def __init__(self, names, jobs):
        self.jobs = jobs
        # Each stage with what it needs (the images), deps first.
        order = ["deps"]
        for name in names:
            order += prerequisites(name) + [name]
        self.stages = {name: Stage(name) for name in dict.fromkeys(order)}
        self.history_file = None
        self.typical, self.history = {}, {}
        self.began = time.monotonic()
        self.ticks = cpu_ticks()

    # Ordering: the stage that heads the longest remaining chain of work starts first.
    def estimate(self, stage):
        kind = stage.name.partition(":")[0]
        return self.history.get(stage.name, self.typical.get(stage.name, FIRST_GUESS.get(kind, 60)))

    def chain(self, stage):
        after = [other for other in self.stages.values() if stage.name in other.needs]
        return self.estimate(stage) + max((self.chain(other) for other in after), default=0)

    def priority(self, stage):
        """The longest chain of work the stage heads, counting the scenarios that collide with
        it as part of that chain (they can only run one after another), then its own length."""
        colliding = [other for other in self.stages.values()
                     if other is not stage and other.result == "pending" and clash(other, stage)]
        return self.chain(stage) + sum(self.estimate(other) for other in colliding), self.estimate(stage)

    def ready(self, stage):
        if stage.result != "pending":
            return False
        if any(self.stages[need].result != "passed" for need in stage.needs):
            return False
        return not any(clash(other, stage) for other in self.running())

    def running(self):
        return [stage for stage in self.stages.values() if stage.result == "running"]

    def say(self, message):
        print("[suite %5d s] %s" % (time.monotonic() - self.began, message), flush=True)

    def start(self, stage):
        os.makedirs(LOGS, exist_ok=True)
        stage.log = open(os.path.join(LOGS, stage.slug + ".log"), "w+b")
        pending = [other for other in self.stages.values() if other.result == "pending" and other is not stage]
        stage.streaming = not pending and not self.running()
        stage.started = time.monotonic()
        stage.result = "running"
        self.say("start %s: %s" % (stage.name, " ".join(stage.command)))
        environment = {key: value for key, value in os.environ.items()
                       if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        # The virtualenv first, again: when this script was started before deps made .venv, a
        # pyenv shim ran it and put its own interpreter's directory in front of the Makefile's.
        environment["PATH"] = os.path.join(ROOT, ".venv", "bin") + os.pathsep + environment["PATH"]
        output = subprocess.PIPE if stage.streaming else stage.log
        stage.process = subprocess.Popen(stage.command, cwd=ROOT, env=environment, stdin=subprocess.DEVNULL,
                                         stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        if stage.streaming:
            for line in stage.process.stdout:
                sys.stdout.buffer.write(line)
                sys.stdout.flush()
                stage.log.write(line)

    def finish(self, stage, status):
        stage.seconds = time.monotonic() - stage.started
        stage.result = "passed" if status == 0 else "FAILED (exit %d)" % status
        if not stage.streaming:
            stage.log.seek(0)
            rule = "=" * 20
            print("%s %s: %s in %d s %s" % (rule, stage.name, stage.result, stage.seconds, rule), flush=True)
            sys.stdout.buffer.write(stage.log.read())
            print("%s end of %s %s" % (rule, stage.name, rule), flush=True)
        stage.log.close()
        self.say("%s %s in %d s" % (stage.name, stage.result, stage.seconds))
        if stage.name == "deps" and status == 0:
            self.after_deps()

    def after_deps(self):
        """What needs the virtualenv and the cache directory: claims, and past runs' seconds."""
        stages = [stage for stage in self.stages.values() if stage.name.startswith("molecule:")]
        claims = scenario_claims(sorted({scenario_release(stage.name.partition(":")[2])[0] for stage in stages}))
        for stage in stages:
            stage.claims = claims[scenario_release(stage.name.partition(":")[2])[0]]
        self.history_file = os.path.join(cache_home(), "stage-seconds.json")
        self.typical, self.history = read_seconds(TYPICAL), read_seconds(self.history_file)

    def skip_unreachable(self):
        for stage in self.stages.values():
            failed = [need for need in stage.needs if self.stages[need].result not in ("pending", "running", "passed")]
            if stage.result == "pending" and failed:
                stage.result = "not run (%s failed)" % ", ".join(failed)

    def run(self):
        while True:
            self.skip_unreachable()
            while len(self.running()) < self.jobs:
                candidates = sorted((stage for stage in self.stages.values() if self.ready(stage)),
                                    key=self.priority, reverse=True)
                if not candidates:
                    break
                self.start(candidates[0])
            running = self.running()
            if not running:
                break
            pid, status = os.wait()
            for stage in running:
                if stage.process.pid == pid:
                    self.finish(stage, os.waitstatus_to_exitcode(status))
        return self.report()

    def stop(self, signum, _frame):
        for stage in self.running():
            try:
                os.killpg(stage.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            stage.process.wait()
            stage.seconds = time.monotonic() - stage.started
            stage.result = "interrupted"
        self.report()
        sys.exit(128 + signum)

    def report(self):
        wall = time.monotonic() - self.began
        busy, total = cpu_ticks()
        busy_share = 100.0 * (busy - self.ticks[0]) / max(total - self.ticks[1], 1)
        rows = [(stage.name, "-" if stage.seconds is None else "%d" % stage.seconds, stage.result)
                for stage in self.stages.values()]
        timed = [stage.seconds for stage in self.stages.values() if stage.seconds is not None]
        rows.append(("stages one after another", "%d" % sum(timed), ""))
        rows.append(("total (wall clock)", "%d" % wall, "CPUs %d%% busy" % busy_share))
        width = max(len(row[0]) for row in rows) + 2
        lines = ["", "Seconds per stage (%d at a time on %d CPUs):" % (self.jobs, os.cpu_count()), ""]
        lines += [("%s %7s  %s" % (name.ljust(width), seconds, result)).rstrip()
                  for name, seconds, result in [("stage", "seconds", "result")] + rows]
        text = "\n".join(lines) + "\n"
        print(text, flush=True)
        with open(os.path.join(RESULTS, "stages.txt"), "w") as handle:
            handle.write(text)
        if self.history_file:
            self.history.update({stage.name: round(stage.seconds) for stage in self.stages.values()
                                 if stage.result == "passed"})
            with open(self.history_file, "w") as handle:
                json.dump(self.history, handle, indent=1, sort_keys=True)
        return 0 if all(stage.result == "passed" for stage in self.stages.values()) else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="stages at once (default: CPUs)")
    parser.add_argument("stages", nargs="+")
    arguments = parser.parse_args()
    os.makedirs(RESULTS, exist_ok=True)
    suite = Suite(arguments.stages, max(arguments.jobs, 1))
    signal.signal(signal.SIGTERM, suite.stop)
    signal.signal(signal.SIGINT, suite.stop)
    return suite.run()


if __name__ == "__main__":
    sys.exit(main())
