# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudStack installation filters: the database server's drop-in and its account hosts."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.cloudstack_install import (
    mysql_host,
    mysqld_conf,
    mysqld_settings,
)
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.filters import raising


@raising
def cloudstack_mysqld_conf(management_servers, server_id=None, bind_address=None, max_connections=None):
    return mysqld_conf(mysqld_settings(management_servers, server_id=server_id, bind_address=bind_address,
                                       max_connections=max_connections))


@raising
def mysql_hosts(networks, variable="db_replication_networks"):
    return [mysql_host(network, variable) for network in networks or []]


class FilterModule:
    """privatecloud.iaas CloudStack filters."""

    def filters(self):
        return {"cloudstack_mysqld_conf": cloudstack_mysqld_conf, "mysql_hosts": mysql_hosts}
