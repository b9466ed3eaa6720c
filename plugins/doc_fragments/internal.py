# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """A plugin the collection's own roles and playbooks call, not an interface for other playbooks."""

    DOCUMENTATION = r"""
options: {}
notes:
  - Internal to privatecloud.iaas - the collection's roles and playbooks call it with what the
    host's plan gives them. Its options and results may change in any release; a playbook of one's
    own uses the roles and the collection's playbooks instead (see the collection's docs/roles.md).
"""
