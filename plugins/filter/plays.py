# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cloud_hosts filter: a play's host pattern without the cloud's groups an inventory leaves out."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.host_context import COMPONENTS, PLATFORMS
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.filters import raising

# The groups a cloud may do without (a Eucalyptus cloud has no db, a CloudStack one may have no
# dhcpd), and those playbooks/validate.yml makes of the platforms the hosts' plans have (a
# CloudStack cloud has no iaas_eucalyptus): Ansible warns about each one a pattern names that the
# inventory does not define.
CLOUD_GROUPS = frozenset([group for group, _component in COMPONENTS] + ["iaas_%s" % name for name in PLATFORMS + ("none",)])
# Matches no host, and Ansible does not warn about it.
NO_HOSTS = "all:!all"


@raising
def cloud_hosts(pattern, groups):
    """``pattern`` (terms joined by ``:``, each maybe ``&`` or ``!``) without the terms naming a
    group of CLOUD_GROUPS that ``groups`` (the magic variable) does not have; NO_HOSTS when what
    is left can match no host. Every other term is kept as written, so a misspelt one still warns."""
    if not isinstance(pattern, str) or not pattern:
        raise ValueError("%r is not a host pattern" % (pattern,))
    kept = []
    for term in pattern.split(":"):
        name = term.lstrip("&!")
        if name in CLOUD_GROUPS and name not in groups:
            if term.startswith("&"):
                return NO_HOSTS  # an intersection with nothing
            continue
        kept.append(term)
    if not any(term and term[0] not in "&!" for term in kept):
        return NO_HOSTS
    return ":".join(kept)


class FilterModule:
    """privatecloud.iaas play filter."""

    def filters(self):
        return {"cloud_hosts": cloud_hosts}
