# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudStack installation filters: the product's set-up command lines."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.cloudstack_install import (
    setup_databases_argv,
    systemvm_template_argv,
)
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.filters import raising


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
            "cloudstack_setup_databases_argv": cloudstack_setup_databases_argv,
            "cloudstack_systemvm_template_argv": cloudstack_systemvm_template_argv,
        }
