"""Each role's meta/argument_specs.yml documents exactly its defaults, with the same values."""

import os

import pytest
import yaml

ROLES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles")


def load(role, *path):
    with open(os.path.join(ROLES, role, *path)) as stream:
        return yaml.safe_load(stream) or {}


@pytest.mark.parametrize("role", sorted(os.listdir(ROLES)))
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
