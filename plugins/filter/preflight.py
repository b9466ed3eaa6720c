# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The preflight filters: rows of check results as aligned lines; the rows of a host's bonds and
bridges' MTU paths from its ``ip -j -d link show``."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils import link_health
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.filters import raising

COLUMNS = ("check", "host", "result", "detail")


@raising
def preflight_table(rows):
    """Lines of a table with a header; each column as wide as its widest value."""
    cells = [list(COLUMNS)]
    for index, row in enumerate(rows or []):
        if not isinstance(row, dict):
            raise ValueError("rows[%d]: %r is not a mapping of %s" % (index, row, ", ".join(COLUMNS)))
        cells.append([str(row.get(column, "")) for column in COLUMNS])
    widths = [max(len(line[column]) for line in cells) for column in range(len(COLUMNS) - 1)]
    return ["  ".join([cell.ljust(width) for cell, width in zip(line, widths)] + [line[-1]]).rstrip()
            for line in cells]


@raising
def preflight_links(links, checks):
    """Rows of each bond and bridge of the plan's link_checks against the host's links."""
    if not isinstance(links, list) or not isinstance(checks, dict):
        raise ValueError("expects the list of ip -j -d link show and the plan's link_checks (a mapping)")
    return link_health.rows(checks, links)


class FilterModule:
    """privatecloud.iaas preflight filter."""

    def filters(self):
        return {"preflight_table": preflight_table, "preflight_links": preflight_links}
