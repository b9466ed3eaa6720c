"""Each role's meta/argument_specs.yml documents exactly its options, with the defaults the plan
takes for them (or those of defaults/main.yml, for a role whose options the plan does not read),
and every inventory setting its part of the plan is decided from, described alike in every role."""

import functools
import os

import pytest
import yaml
from plan_reads import INVENTORIES, example_variables, plan

from ansible_collections.privatecloud.iaas.plugins.module_utils import cloudstack
from ansible_collections.privatecloud.iaas.plugins.module_utils.host_plan import PART_NEEDS, ROLE_OPTIONS, ROLE_PARTS
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.inventory import NAMES, PREFIXES

ROLES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles")


def load(role, *path):
    with open(os.path.join(ROLES, role, *path)) as stream:
        return yaml.safe_load(stream) or {}


# Every role's own options: another role's are not an inventory setting of this one.
OWN_OPTIONS = frozenset(name for options in ROLE_OPTIONS.values() for name in options)


def main_options(role):
    return load(role, "meta", "argument_specs.yml")["argument_specs"]["main"]["options"]


def settings_of(role):
    """The inventory settings a role's argument spec declares besides its own options."""
    return dict((name, spec) for name, spec in main_options(role).items() if not name.startswith(role + "_"))


@functools.lru_cache(maxsize=None)
def read_by_part():
    """{part of the plan: the variables it read}, over every host of every example inventory."""
    by_part = {}
    for name in INVENTORIES:
        inventory = example_variables()[name]
        plan(inventory, inventory["hostvars"], set(), by_part)
    return by_part


@pytest.mark.parametrize("role", sorted(ROLE_OPTIONS))
def test_argument_specs_match_the_options_the_plan_reads(role):
    options = dict((name, spec) for name, spec in main_options(role).items() if name.startswith(role + "_"))
    assert sorted(options) == sorted(ROLE_OPTIONS[role]), "documented and planned options differ"
    assert not os.path.exists(os.path.join(ROLES, role, "defaults", "main.yml")), "the plan holds the defaults"
    for name, default in ROLE_OPTIONS[role].items():
        # None: decided for each host; the spec describes it in words and gives no default.
        assert options[name].get("default") == default, name
        assert name.startswith(role + "_"), name


@pytest.mark.parametrize("role", sorted(set(os.listdir(ROLES)) - set(ROLE_OPTIONS)))
def test_argument_specs_match_defaults(role):
    defaults = load(role, "defaults", "main.yml")
    options = load(role, "meta", "argument_specs.yml")["argument_specs"]["main"]["options"]
    assert sorted(defaults) == sorted(options), "documented and default variables differ"
    for name, spec in options.items():
        value = defaults[name]
        if isinstance(value, str) and "{{" in value:
            # Computed from the inventory: the spec describes it in words, it gives no default.
            assert "default" not in spec, name
        else:
            assert spec.get("default") == value, name
        assert name.startswith(role + "_"), name


@pytest.mark.parametrize("role", sorted(os.listdir(ROLES)))
def test_the_readme_shows_the_names_ansible_doc_shows(role):
    options = load(role, "meta", "argument_specs.yml")["argument_specs"]["main"]["options"]
    with open(os.path.join(ROLES, role, "README.md")) as stream:
        readme = stream.read()
    assert [name for name in options if "`%s`" % name not in readme] == []


@pytest.mark.parametrize("part, role", ROLE_PARTS)
def test_argument_specs_declare_the_inventory_settings_the_roles_part_is_decided_from(part, role):
    read = set()
    for decided in (part,) + PART_NEEDS[part]:
        read |= read_by_part().get(decided, set())
    # The connection's own variables are Ansible's; another role's options are in that role's spec.
    expected = read - OWN_OPTIONS - {"ansible_host"}
    assert sorted(expected - set(settings_of(role))) == [], "read by the plan, not in the argument spec"
    for name in settings_of(role):
        assert name.startswith(PREFIXES) or name in NAMES, "the plan never reads %s" % name
        assert name not in OWN_OPTIONS, "%s is another role's option" % name


def test_the_parts_of_the_plan_read_the_inventory():
    # The recording itself works: the parts are told apart, and each reads its own settings.
    assert {"vnet_mode", "vnet_pubinterface"} <= read_by_part()["eucalyptus"]
    assert {"cloudstack_zones", "cloudstack_domain"} <= read_by_part()["cloudstack"]
    assert "ntp_role" in read_by_part()["ntp"] and "ntp_role" not in read_by_part()["nfs"]


def test_an_inventory_setting_is_described_alike_in_every_role():
    seen = {}
    for role in sorted(ROLE_OPTIONS):
        for name, spec in settings_of(role).items():
            first = seen.setdefault(name, (role, spec))
            assert spec == first[1], "%s: %s describes it otherwise than %s" % (name, role, first[0])


@pytest.mark.parametrize("role", sorted(ROLE_OPTIONS))
def test_a_secret_is_never_logged_by_argument_validation(role):
    for name, spec in main_options(role).items():
        assert spec.get("no_log", False) == (name in cloudstack.SECRETS), name
