# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: role_inputs
short_description: The digest of what the calling role is applied from on this host
version_added: 0.1.0
description:
  - Called from a task of one of the collection's roles. Returns one SHA-256 digest of the values
    of every option of the role's C(meta/argument_specs.yml) (entry point C(main)) as this host
    sees them, of the other variables named as terms (inventory settings the role reads outside its
    options), of the parts of the host's plan (C(ansible_facts.iaas_plan)) named by O(plan), the facts a role's result may depend
    on (OS family, distribution and release, service manager, host name), and the role's and the
    collection's plugins' code.
  - The roles compare it with the one recorded on the host by their last full application
    (M(privatecloud.iaas.role_records_info), M(privatecloud.iaas.role_record)) to end at once when
    nothing they are applied from has changed and nothing they own has drifted.
options:
  _terms:
    description: Names of the variables the role reads besides its options.
    type: list
    elements: str
    required: false
  plan:
    description:
      - The parts of the host's plan the role reads itself, by dotted path
        (C(eucalyptus.dataplane.addresses)); a role given its plan's parts as options names none,
        those are digested as options.
    type: list
    elements: str
    default: []
notes:
  - An option the host does not define (no default, not set) counts as null.
seealso:
  - module: privatecloud.iaas.role_record
  - module: privatecloud.iaas.role_records_info
"""

EXAMPLES = r"""
- name: Record the role's state on the host
  privatecloud.iaas.role_record:
    role: ntp
    inputs: "{{ lookup('privatecloud.iaas.role_inputs', 'euca_repo_url') }}"
    owned:
      files: [/etc/chrony/chrony.conf]
"""

RETURN = r"""
_raw:
  description: One element, the hexadecimal SHA-256 digest.
  type: list
  elements: str
"""

import json
import os

import yaml

from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader
from ansible.plugins.lookup import LookupBase

from ansible_collections.privatecloud.iaas.plugins.module_utils.role_records import FACTS, code_digest, inputs_digest, plan_parts

# Per role directory, for the run: the code does not change while a playbook runs.
_CODE = {}
_OPTIONS = {}


def _plain(value):
    """Ansible's templated values (tagged strings, lazy containers) as plain JSON data."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        variables = variables or {}
        role_path = variables.get("role_path")
        if not role_path:
            raise AnsibleLookupError("role_inputs: call it from a task of one of the collection's roles (no role_path)")
        if role_path not in _OPTIONS:
            with open(os.path.join(role_path, "meta", "argument_specs.yml")) as stream:
                specs = yaml.safe_load(stream) or {}
            _OPTIONS[role_path] = sorted(((specs.get("argument_specs") or {}).get("main") or {}).get("options") or {})
            _CODE[role_path] = code_digest([role_path, os.path.join(os.path.dirname(os.path.dirname(role_path)), "plugins")])
        names = _OPTIONS[role_path] + sorted(set(terms) - set(_OPTIONS[role_path]))
        resolve = lookup_loader.get("ansible.builtin.vars", loader=self._loader, templar=self._templar)
        defined = [name for name in names if name in variables]
        values = dict(zip(defined, resolve.run(defined, variables) if defined else []))
        facts = (resolve.run(["ansible_facts"], variables)[0] if "ansible_facts" in variables else None) or {}
        plan = facts.get("iaas_plan") or {}
        parts = plan_parts(plan, kwargs.get("plan") or [])
        return [inputs_digest(_plain(dict((name, values.get(name)) for name in names)), _plain(parts),
                              _plain(dict((name, facts.get(name)) for name in FACTS)),
                              _CODE[role_path])]
