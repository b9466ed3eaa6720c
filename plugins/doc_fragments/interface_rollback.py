# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The rollback options every interface module shares (module_utils/iproute.ROLLBACK_OPTIONS)."""

    DOCUMENTATION = r"""
options:
  rollback_timeout:
    description:
      - Above 0, the host puts the interfaces this task changed back by itself after this many
        seconds, unless the file returned as RV(rollback_cookie) has been removed by then. The
        roles remove it once a fresh connection proves the controller still reaches the host.
      - Several tasks with the same O(rollback_journal) share one timer, armed by the first;
        the rollback undoes the newest change first.
    type: int
    default: 0
  rollback_journal:
    description: Name of the rollback journal under C(/run/privatecloud-iaas) this change joins.
    type: str
    default: interfaces
"""
