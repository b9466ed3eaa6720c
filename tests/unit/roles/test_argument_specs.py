"""Each role's meta/argument_specs.yml documents exactly its options, with the defaults the plan
takes for them (or those of defaults/main.yml, for a role whose options the plan does not read)."""

import os

import pytest
import yaml

from ansible_collections.privatecloud.iaas.plugins.module_utils.host_plan import ROLE_OPTIONS

ROLES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles")


def load(role, *path):
    with open(os.path.join(ROLES, role, *path)) as stream:
        return yaml.safe_load(stream) or {}


@pytest.mark.parametrize("role", sorted(ROLE_OPTIONS))
def test_argument_specs_match_the_options_the_plan_reads(role):
    options = load(role, "meta", "argument_specs.yml")["argument_specs"]["main"]["options"]
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
