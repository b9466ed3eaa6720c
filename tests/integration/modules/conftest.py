"""The fixture that gives a test throw-away network namespaces to run modules in."""

import pytest

from namespaces import ModuleNamespace


@pytest.fixture
def module_namespace(tmp_path):
    """make(module, path=..., defaults=...) -> a ModuleNamespace, deleted after the test."""
    made = []

    def make(module, **options):
        namespace = ModuleNamespace(tmp_path, module, **options)
        made.append(namespace)
        return namespace

    yield make
    for namespace in made:
        namespace.delete()
