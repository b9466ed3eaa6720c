# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CloudStack 4.1 installation steps as data: the database server's settings and the exact
command lines of the product's own set-up tools, as the guide gives them (Apache CloudStack 4.1.0
Installation Guide, sections 4.5.4, 4.5.5 and 4.5.8), with its errata corrected.

The roles run these only where the product's binaries exist; rendering them here lets the tests
pin every argument.
"""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import AddressError, ipv4_cidr
from ansible_collections.privatecloud.iaas.plugins.module_utils.cloudstack import (
    CONNECTIONS_PER_MANAGEMENT_SERVER,
    ENCRYPTION_TYPES,
)

# The guide's templates (section 4.5.8), by the hypervisor name cloud-install-sys-tmplt takes.
SYSTEMVM_TEMPLATES = {
    "kvm": "http://download.cloud.com/templates/acton/acton-systemvm-02062012.qcow2.bz2",
    "xenserver": "http://download.cloud.com/templates/acton/acton-systemvm-02062012.vhd.bz2",
    "vmware": "http://download.cloud.com/templates/burbank/burbank-systemvm-08012012.ova",
}
# The guide prints 'cloud-install-sys-tmpl'; the script is cloud-install-sys-tmplt (erratum).
SYSTEMVM_SCRIPT = "/usr/share/cloudstack-common/scripts/storage/secondary/cloud-install-sys-tmplt"


class InstallError(AddressError):
    """A setting the installation step cannot take: its variable, its value and the rule."""


def mysqld_settings(management_servers, server_id=None, bind_address=None, max_connections=None,
                    log_bin="mysql-bin", binlog_format="ROW"):
    """The [mysqld] settings of the guide (section 4.5.4), in its order, as (key, value) pairs.

    max_connections is 350 for each management server unless given (and then never below that).
    server_id and bind_address are added for replication and a database on its own host.
    """
    count = max(int(management_servers), 1)
    needed = CONNECTIONS_PER_MANAGEMENT_SERVER * count
    connections = needed if max_connections is None else int(max_connections)
    if connections < needed:
        raise InstallError("db_max_connections", connections, "is below %d: %d for each of the %d management servers"
                           % (needed, CONNECTIONS_PER_MANAGEMENT_SERVER, count))
    settings = [("innodb_rollback_on_timeout", "1"), ("innodb_lock_wait_timeout", "600"),
                ("max_connections", str(connections)), ("log-bin", log_bin), ("binlog-format", binlog_format)]
    if server_id is not None:
        settings.append(("server_id", str(int(server_id))))
    if bind_address:
        settings.append(("bind-address", str(bind_address)))
    return settings


def mysqld_conf(settings):
    """A drop-in whose first line is [mysqld], as the guide asks of Ubuntu's conf.d."""
    return "[mysqld]\n" + "".join("%s = %s\n" % (key, value) for key, value in settings)


def setup_databases_argv(db_host, db_password, encryption_type="file", management_key="password",
                         database_key="password", management_ip=None, deploy_as=None, region_id=None,
                         db_user="cloud", command="cloudstack-setup-databases"):
    """cloudstack-setup-databases as the guide runs it (sections 4.5.4.1 and 4.5.7).

    ``deploy_as``: (user, password) of the database's root, on the first management server only;
    the others configure the client without it. ``region_id`` only for a region other than 1.
    """
    if encryption_type not in ENCRYPTION_TYPES:
        raise InstallError("cloudstack_encryption_type", encryption_type, "is not one of %s" % ", ".join(ENCRYPTION_TYPES))
    argv = [command, "%s:%s@%s" % (db_user, db_password or "", db_host)]
    if deploy_as:
        argv.append("--deploy-as=%s:%s" % tuple(deploy_as))
    argv += ["-e", encryption_type, "-m", management_key, "-k", database_key]
    if management_ip:
        argv += ["-i", str(management_ip)]
    if region_id not in (None, 1, "1"):
        argv += ["-r", str(region_id)]
    return argv


def systemvm_template_argv(hypervisor, mount_point="/mnt/secondary", url=None, local_file=None,
                           secret_key=None, encryption_type="file", script=SYSTEMVM_SCRIPT, force=True):
    """cloud-install-sys-tmplt for one hypervisor (section 4.5.8).

    ``-s`` (the management server's secret key) is required with the 'web' encryption type; a
    ``local_file`` replaces the download for a site without the Internet.
    """
    if hypervisor not in SYSTEMVM_TEMPLATES:
        raise InstallError("hypervisor", hypervisor, "is not one of %s" % ", ".join(sorted(SYSTEMVM_TEMPLATES)))
    argv = [script, "-m", mount_point]
    argv += ["-f", local_file] if local_file else ["-u", url or SYSTEMVM_TEMPLATES[hypervisor]]
    argv += ["-h", hypervisor]
    if encryption_type == "web" and not secret_key:
        raise InstallError("cloudstack_mgmt_key", "(not set)", "is needed: the 'web' encryption type needs the key "
                                                               "for the template (-s)")
    if secret_key:
        argv += ["-s", secret_key]
    if force:
        argv.append("-F")
    return argv


def mysql_host(network, variable="db_replication_networks"):
    """A network as the host part of a MySQL/MariaDB account: 172.16.1.0/24 -> 172.16.1.0/255.255.255.0.

    The netmask form matches exactly the network's addresses (the guide's '172.16.1.%' only works
    for /8, /16 and /24); a /32 is the address itself.
    """
    cidr = ipv4_cidr(network, variable)
    if cidr.prefixlen == 32:
        return str(cidr.ip)
    return "%s/%s" % (cidr.network, cidr.netmask)


def database_roles(hosts):
    """(primary, replicas, management servers) of a CloudStack inventory.

    ``hosts`` maps each host to {"groups": [...], "vars": {...}}, in inventory order. The primary
    is ``db_replication_primary`` when the database hosts name one, else the first of group 'db'.
    """
    databases = [host for host, entry in hosts.items() if "db" in entry["groups"]]
    management = [host for host, entry in hosts.items() if "frontend" in entry["groups"]]
    named = {hosts[host]["vars"].get("db_replication_primary") for host in databases} - {None}
    primary = sorted(named)[0] if len(named) == 1 else (databases[0] if databases else None)
    return primary, [host for host in databases if host != primary], management


def check_databases(hosts, problems):
    """The database servers' rules: one primary, and the passwords and networks replication and a
    schema deployed from another host need. Secrets are never shown, only whether they are set."""
    databases = [host for host, entry in hosts.items() if "db" in entry["groups"]]
    named = sorted({str(hosts[host]["vars"].get("db_replication_primary")) for host in databases
                    if hosts[host]["vars"].get("db_replication_primary") is not None})
    if len(named) > 1:
        problems.add("db", "db_replication_primary", named, "names more than one primary: the database "
                     "servers must agree on one")
    for name in named:
        if name not in databases:
            problems.add("db", "db_replication_primary", name, "is not a host of group db")
    primary, replicas, management = database_roles(hosts)
    remote_management = [host for host in management if host not in databases]
    for host in databases:
        variables = hosts[host]["vars"]
        if replicas and not variables.get("db_replication_password"):
            problems.add(host, "db_replication_password", "(not set)", "is needed: %s replicates %s"
                         % (", ".join(replicas), primary))
        if remote_management and not variables.get("db_root_password"):
            problems.add(host, "db_root_password", "(not set)", "is needed: %s deploys the schema from "
                         "another host as the database's root" % remote_management[0])
        networks = variables.get("db_replication_networks")
        if networks is not None:
            if not isinstance(networks, list):
                problems.add(host, "db_replication_networks", networks, "is not a list of CIDR networks")
            else:
                for index, network in enumerate(networks):
                    problems.check(host, mysql_host, network, "db_replication_networks[%d]" % index)
