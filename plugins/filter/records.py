# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Records filters: whether a role has nothing to do on a host."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.role_records import in_step
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.filters import raising


@raising
def role_in_step(host_records, record):
    """``record``: the role's record as its part of the plan gives it (its role and inputs)."""
    return in_step(host_records, record["role"], record["inputs"])


class FilterModule:
    """privatecloud.iaas records filters."""

    def filters(self):
        return {"role_in_step": role_in_step}
