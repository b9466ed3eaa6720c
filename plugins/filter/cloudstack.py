# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudStack installation filters: the database server's drop-in and its account hosts."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.cloudstack_install import (
    mysql_host,
    mysqld_conf,
    mysqld_settings,
    setup_databases_argv,
    systemvm_template_argv,
)
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.filters import raising


@raising
def cloudstack_mysqld_conf(management_servers, server_id=None, bind_address=None, max_connections=None):
    return mysqld_conf(mysqld_settings(management_servers, server_id=server_id, bind_address=bind_address,
                                       max_connections=max_connections))


@raising
def mysql_hosts(networks, variable="db_replication_networks"):
    return [mysql_host(network, variable) for network in networks or []]


@raising
def cloudstack_setup_databases_argv(db_host, db_password, **options):
    deploy_as = options.pop("deploy_as", None)
    return setup_databases_argv(db_host, db_password, deploy_as=tuple(deploy_as) if deploy_as else None, **options)


@raising
def cloudstack_systemvm_template_argv(hypervisor, **options):
    return systemvm_template_argv(hypervisor, **options)


class FilterModule:
    """privatecloud.iaas CloudStack filters."""

    def filters(self):
        return {
            "cloudstack_mysqld_conf": cloudstack_mysqld_conf,
            "cloudstack_setup_databases_argv": cloudstack_setup_databases_argv,
            "cloudstack_systemvm_template_argv": cloudstack_systemvm_template_argv,
            "mysql_hosts": mysql_hosts,
        }
