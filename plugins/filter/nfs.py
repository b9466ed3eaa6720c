# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NFS storage filters: the exports file, the fixed-port drop-in and lockd's ports of the nfs role."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.nfs import (
    DEFAULT_OPTIONS,
    exports,
    exports_file,
    lockd_conf,
    lockd_sysctl_command,
    ports_conf,
)
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.filters import raising


@raising
def nfs_exports(declared, clients, options=DEFAULT_OPTIONS):
    return exports_file(exports(declared, clients, options))


@raising
def nfs_ports_conf(_ignored=None):
    return ports_conf()


@raising
def nfs_lockd_ports(_ignored=None):
    return {"modprobe_conf": lockd_conf(), "sysctl_command": lockd_sysctl_command()}


class FilterModule:
    """privatecloud.iaas NFS filters."""

    def filters(self):
        return {"nfs_exports": nfs_exports, "nfs_ports_conf": nfs_ports_conf, "nfs_lockd_ports": nfs_lockd_ports}
