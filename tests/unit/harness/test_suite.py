"""The test runner's rules for running stages side by side (tests/harness/suite.py)."""

import importlib.util
import os

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SPEC = importlib.util.spec_from_file_location("suite", os.path.join(ROOT, "tests", "harness", "suite.py"))
suite = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(suite)

SCENARIOS = sorted(name for name in os.listdir(os.path.join(ROOT, "molecule"))
                   if os.path.isfile(os.path.join(ROOT, "molecule", name, "molecule.yml")))


@pytest.fixture(scope="module")
def claims():
    return suite.scenario_claims(SCENARIOS)


def lab_claims(name):
    """What a lab (inventories/<name>) takes: its network, its subnet, its containers."""
    import yaml  # pylint: disable=import-outside-toplevel # from the virtualenv, as in suite.py
    with open(os.path.join(ROOT, "inventories", name, "group_vars", "all.yml")) as handle:
        settings = yaml.safe_load(handle)
    with open(os.path.join(ROOT, "inventories", name, "hosts.yml")) as handle:
        hosts = yaml.safe_load(handle)
    containers = [host for group in hosts["all"]["children"].values() for host in group.get("hosts") or {}]
    internal = settings.get("lab_internal_networks") or []
    return {"networks": [settings["lab_network"]] + [network["name"] for network in internal],
            "subnets": [settings["lab_subnet"]] + [network["subnet"] for network in internal], "containers": containers}


def test_every_scenario_and_lab_can_run_beside_any_other(claims):
    # Each has its own network, subnet and container names: make test runs scenarios side by
    # side, and the labs may be up while it does.
    everything = dict(claims, **{"lab " + name: lab_claims(name) for name in ("lab", "lab-static", "lab-cloudstack")})
    clashes = [(first, second) for first in sorted(everything) for second in sorted(everything)
               if first < second and suite.collide(everything[first], everything[second])]
    assert clashes == []


def test_overlapping_subnets_collide_even_under_other_names():
    first = {"networks": ["a"], "subnets": ["203.0.113.0/24"], "containers": ["one"]}
    second = {"networks": ["b"], "subnets": ["203.0.113.192/26"], "containers": ["two"]}
    assert suite.collide(first, second)
    assert not suite.collide(first, dict(second, subnets=["198.51.100.0/26"]))


def test_a_stage_brings_in_the_image_it_needs_and_deps_runs_first():
    run = suite.Suite(["molecule:ntp", "molecule:ntp@12", "kernel", "unit"], jobs=2)
    assert list(run.stages) == ["deps", "image:13", "molecule:ntp", "image:12", "molecule:ntp@12", "vm-image",
                                "kernel", "unit"]
    assert run.stages["molecule:ntp"].needs == ["deps", "image:13"]
    assert run.stages["molecule:ntp@12"].needs == ["deps", "image:12"]
    assert run.stages["kernel"].needs == ["deps", "vm-image"]


def test_a_scenario_runs_on_the_release_its_stage_names():
    assert suite.stage_command("molecule:ntp") == ["env", "PRIVATECLOUD_RELEASE=13", "molecule", "test", "-s", "ntp"]
    assert suite.stage_command("molecule:ntp@12")[:2] == ["env", "PRIVATECLOUD_RELEASE=12"]
    assert suite.stage_command("image:12") == ["env", "RELEASE=12", "tests/harness/build-image.sh"]


def test_one_scenario_on_two_releases_never_runs_twice_at_once(claims):
    run = suite.Suite(["molecule:ntp", "molecule:ntp@12"], jobs=2)
    run.stages["molecule:ntp"].claims = run.stages["molecule:ntp@12"].claims = claims["ntp"]
    run.stages["molecule:ntp"].result = "running"
    assert suite.clash(run.stages["molecule:ntp"], run.stages["molecule:ntp@12"])


def test_an_unknown_stage_is_refused():
    with pytest.raises(SystemExit, match="unknown stage 'molecule'"):
        suite.stage_command("molecule")


def test_colliding_scenarios_count_as_one_chain_of_work():
    run = suite.Suite(["molecule:ntp", "molecule:euca_static", "molecule:dhcpd"], jobs=2)
    shared = {"networks": ["shared"], "subnets": ["203.0.113.128/26"], "containers": []}
    run.stages["molecule:ntp"].claims = {"networks": ["own"], "subnets": ["198.51.100.0/26"], "containers": []}
    run.stages["molecule:euca_static"].claims = run.stages["molecule:dhcpd"].claims = shared
    run.history = {"molecule:ntp": 100, "molecule:euca_static": 90, "molecule:dhcpd": 80}
    # ntp alone is the longest stage, but euca_static and dhcpd must run one after the other.
    order = sorted(("molecule:ntp", "molecule:euca_static", "molecule:dhcpd"),
                   key=lambda name: run.priority(run.stages[name]), reverse=True)
    assert order == ["molecule:euca_static", "molecule:dhcpd", "molecule:ntp"]
