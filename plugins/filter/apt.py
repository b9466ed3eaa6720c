# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""apt filters: the repositories whose signature apt refused, and why; the packages a host still lacks."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.apt_sources import signature_refusals
from ansible_collections.privatecloud.iaas.plugins.module_utils.packages import missing
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.filters import raising


@raising
def apt_signature_refusals(apt_output):
    return [{"repository": repository, "reason": reason} for repository, reason in signature_refusals(apt_output)]


@raising
def missing_packages(names, installed):
    return missing(names, installed)


class FilterModule:
    """privatecloud.iaas apt filters."""

    def filters(self):
        return {"apt_signature_refusals": apt_signature_refusals, "missing_packages": missing_packages}
