# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CloudStack database server of a host (MariaDB): the db part of its plan.

Apache CloudStack 4.1.0 Installation Guide, sections 4.5.4 (the [mysqld] settings) and 9.3
(replication). ``section`` renders the drop-in and decides the accounts the role owns and the
replica's primary; the db role applies the drop-in with service_files and the accounts and
replication with the ansible.mariadb modules.

The passwords are not part of the plan (a plan is a fact, and facts are shown in a verbose run):
the role hands them from the inventory to the modules that use them, and its record's inputs
take their digest there.
"""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import AddressError
from ansible_collections.privatecloud.iaas.plugins.module_utils.cloudstack_install import (
    InstallError,
    mysql_host,
    mysqld_conf,
    mysqld_settings,
)
from ansible_collections.privatecloud.iaas.plugins.module_utils import cloudstack_install, host_context

# The role's options and their defaults (None: decided per host, see section()).
OPTIONS = {
    "db_management_servers": None,
    "db_max_connections": None,
    "db_server_id": None,
    "db_bind_address": None,
    # In mariadb.conf.d and named after 50-server.cnf, which sets bind-address = 127.0.0.1: a file in
    # conf.d is read first and would lose to it.
    "db_config_file": "/etc/mysql/mariadb.conf.d/60-cloudstack.cnf",
    "db_root_password": "",
    "db_remote_root": None,
    "db_remote_root_networks": None,
    "db_replication_primary": None,
    "db_replication_user": "cloud-repl",
    "db_replication_password": "",
    "db_replication_networks": None,
    "db_replication_primary_address": None,
    "db_packages": ["mariadb-server", "mariadb-client", "python3-pymysql"],
    "db_service": "mariadb",
    "db_socket": "/run/mysqld/mysqld.sock",
}
# What the part never holds.
SECRETS = ("db_root_password", "db_replication_password")
# MariaDB 11.8 (Debian 13) serves TLS with a certificate it makes itself, and its replicas verify it
# by default: the replication account requires TLS and replicas verify the primary. MariaDB 10.11
# (Debian 12) serves no TLS unless given a certificate: replication is in the clear, on the
# replication networks only, as the guide sets it up.
REPLICATION_TLS = {("Debian", "12"): False}


def _hosts(networks, variable, add):
    """The networks as the host parts of MariaDB accounts; what is not a network is recorded."""
    if not isinstance(networks, list):
        add(variable, networks, "is not a list of CIDR networks")
        return []
    found = []
    for index, network in enumerate(networks):
        try:
            found.append(mysql_host(network, "%s[%d]" % (variable, index)))
        except AddressError as error:
            add(error.variable, error.value, error.rule)
    return found


def section(settings, host, replicas, hostname, release, add, remote_management=()):
    """The db part of a database server's plan from the role's options (``settings``, every None
    decided): ``replicas`` are group db's hosts other than the primary, ``hostname`` the host's own
    name (its local root account), ``release`` (distribution, major) or None, ``remote_management``
    the management servers on other hosts. The passwords are checked, never kept."""
    try:
        conf = mysqld_conf(mysqld_settings(settings["db_management_servers"], server_id=settings["db_server_id"],
                                           bind_address=settings["db_bind_address"],
                                           max_connections=settings["db_max_connections"]))
    except InstallError as error:
        add(error.variable, error.value, error.rule)
        conf = ""
    except (TypeError, ValueError):
        conf = ""  # not numbers: the inventory's own checks name them
    root_hosts = _hosts(settings["db_remote_root_networks"], "db_remote_root_networks", add) \
        if settings["db_remote_root"] else []
    replication_hosts = _hosts(settings["db_replication_networks"], "db_replication_networks", add) if replicas else []
    # Never an account without a password for a network (the messages name no secret).
    if root_hosts and not settings["db_root_password"]:
        add("db_root_password", "(not set)", "is needed: %s" % (
            "%s deploys the schema from another host as the database's root" % remote_management[0]
            if remote_management else "db_remote_root grants root to db_remote_root_networks"))
    if replication_hosts and not settings["db_replication_password"]:
        add("db_replication_password", "(not set)", "is needed: %s replicates %s"
            % (", ".join(replicas), settings["db_replication_primary"]))
    local_root = ["localhost", "127.0.0.1", "::1"] + ([hostname] if hostname else [])
    user = settings["db_replication_user"]
    return {
        "packages": settings["db_packages"],
        "socket": settings["db_socket"],
        "files": [{"path": settings["db_config_file"], "content": conf,
                   "validate": "mariadbd --defaults-file=%s --user=mysql --help --verbose"}],
        # Kept on the host until done, so a run that dies after the change still restarts the server;
        # server_id, bind-address and the binary log are in force before accounts and replication.
        "actions": [{"name": "restart the database server", "service": settings["db_service"],
                     "files": [settings["db_config_file"]]}],
        "units": [{"name": settings["db_service"], "enabled": True, "started": True}],
        # Accounts the role owns besides the distribution's local ones, each for exactly the declared
        # hosts, on every database server (so a replica is ready for failover).
        "accounts": {
            "root_hosts": root_hosts,
            "replication_user": user,
            "replication_hosts": replication_hosts,
            "declared": (["root@%s" % name for name in local_root + root_hosts]
                         + ["%s@%s" % (user, name) for name in replication_hosts]),
            "replication_tls": REPLICATION_TLS.get(release, True),
        },
        "replica": {"primary": settings["db_replication_primary"],
                    "primary_address": settings["db_replication_primary_address"],
                    "user": user} if host in replicas else None,
        # The variables whose values the role hands over (never their values): a new password is a
        # change of the role's inputs (role_records.part_record).
        "secrets": [{"host": host, "name": name} for name in SECRETS],
    }


# --- This part of a host's plan, from the host's context (plugins/module_utils/host_plan.py) -------


def part(context):
    """The db part (section) of a database server (group db, or a host given db_* options):
    the role's options as the host has them, else the primary (db_replication_primary, else the
    first of group db), the other database servers its replicas, each server's id its place in the
    group, the address beyond loopback when a management server or a replica is on another host,
    the root account for the first management server's address (else the management networks) while
    it deploys the schema from another host, the replication account for the database networks."""
    if "db" not in context.groups and not any(name in context.variables for name in OPTIONS):
        return None
    inventory = context.inventory
    databases = inventory.group("db") or [context.host]
    entries = {host: {"groups": inventory.groups_of(host), "vars": inventory.variables(host)} for host in databases}
    primary = cloudstack_install.database_roles(entries)[0] or databases[0]
    primary = context.get("db_replication_primary", primary)
    remote_management = [host for host in inventory.group("frontend") if host != context.host]
    remote_clients = remote_management + [host for host in databases if host != context.host]
    management = context.get("iaas_management_networks", [])
    # Only the first management server deploys the schema as root (host_cloudstack: first): root is
    # granted to it alone, by its address, where the inventory or its facts give one.
    deployer = (inventory.group("frontend") or [None])[0]
    deploys_remotely = deployer is not None and deployer != context.host
    deployer_address = (inventory.variables(deployer).get("cloudstack_mgmt_ip")
                        or host_context.address(inventory, deployer, facts_first=True)) if deploys_remotely else None
    settings = context.options(OPTIONS, {
        "db_management_servers": len(inventory.group("frontend")),
        "db_server_id": databases.index(context.host) + 1 if context.host in databases else 1,
        "db_bind_address": "0.0.0.0" if remote_clients else "127.0.0.1",
        "db_remote_root": deploys_remotely,
        "db_remote_root_networks": ["%s/32" % deployer_address] if host_context.is_ipv4(deployer_address)
        else management,
        "db_replication_primary": primary,
        "db_replication_networks": context.get("iaas_database_networks") or management,
        "db_replication_primary_address": host_context.address(inventory, primary, facts_first=True),
    })
    replicas = [host for host in databases if host != settings["db_replication_primary"]]
    hostname = inventory.facts(context.host).get("hostname")
    return section(settings, context.host, replicas, hostname, inventory.release(context.host), context.add,
                   remote_management)
