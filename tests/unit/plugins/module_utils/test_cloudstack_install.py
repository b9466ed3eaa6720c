"""The CloudStack installation steps pinned to the guide's own lines.

Apache CloudStack 4.1.0 Installation Guide, sections 4.5.4, 4.5.5 and 4.5.8.
"""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import AddressError
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems

from ansible_collections.privatecloud.iaas.plugins.module_utils.cloudstack_install import (
    InstallError,
    check_databases,
    database_roles,
    mysql_host,
    mysqld_conf,
    mysqld_settings,
    setup_databases_argv,
    systemvm_template_argv,
)


def test_the_guides_mysqld_lines_for_one_management_server():
    assert mysqld_conf(mysqld_settings(1)) == (
        "[mysqld]\n"
        "innodb_rollback_on_timeout = 1\n"
        "innodb_lock_wait_timeout = 600\n"
        "max_connections = 350\n"
        "log-bin = mysql-bin\n"
        "binlog-format = ROW\n")


def test_a_separate_database_for_two_management_servers_with_replication():
    # The guide's separate-node example: 700 connections for 2 servers, listening beyond localhost.
    assert mysqld_settings(2, server_id=1, bind_address="0.0.0.0")[2:] == [
        ("max_connections", "700"), ("log-bin", "mysql-bin"), ("binlog-format", "ROW"), ("server_id", "1"),
        ("bind-address", "0.0.0.0")]


def test_fewer_connections_than_the_servers_need_are_refused():
    with pytest.raises(InstallError, match="db_max_connections: 500 is below 700"):
        mysqld_settings(2, max_connections=500)
    assert mysqld_settings(2, max_connections=1000)[2] == ("max_connections", "1000")


def test_the_first_management_server_deploys_the_schema_as_root():
    assert setup_databases_argv("192.168.154.5", "dbsecret", management_key="mkey", database_key="dkey",
                                management_ip="192.168.154.10", deploy_as=("root", "rootsecret")) == [
        "cloudstack-setup-databases", "cloud:dbsecret@192.168.154.5", "--deploy-as=root:rootsecret",
        "-e", "file", "-m", "mkey", "-k", "dkey", "-i", "192.168.154.10"]


def test_another_management_server_only_configures_the_client_and_a_region_is_named():
    assert setup_databases_argv("db1", "", region_id=2) == [
        "cloudstack-setup-databases", "cloud:@db1", "-e", "file", "-m", "password", "-k", "password", "-r", "2"]


def test_an_unknown_encryption_type_is_refused():
    with pytest.raises(InstallError, match="cloudstack_encryption_type: 'vault' is not one of file, web"):
        setup_databases_argv("db1", "x", encryption_type="vault")


def test_the_kvm_system_vm_template_is_seeded_with_the_guides_url_and_the_scripts_real_name():
    assert systemvm_template_argv("kvm") == [
        "/usr/share/cloudstack-common/scripts/storage/secondary/cloud-install-sys-tmplt", "-m", "/mnt/secondary",
        "-u", "http://download.cloud.com/templates/acton/acton-systemvm-02062012.qcow2.bz2", "-h", "kvm", "-F"]


def test_web_encryption_needs_the_key_and_a_local_file_replaces_the_download():
    with pytest.raises(InstallError, match="needs the key"):
        systemvm_template_argv("xenserver", encryption_type="web")
    assert systemvm_template_argv("vmware", local_file="/srv/systemvm.ova", secret_key="k", encryption_type="web",
                                  force=False)[3:] == ["-f", "/srv/systemvm.ova", "-h", "vmware", "-s", "k"]
    with pytest.raises(InstallError, match="hypervisor: 'hyperv' is not one of"):
        systemvm_template_argv("hyperv")


@pytest.mark.parametrize("network, host", [
    ("172.16.1.0/24", "172.16.1.0/255.255.255.0"),
    ("10.0.0.0/22", "10.0.0.0/255.255.252.0"),
    ("192.0.2.7/32", "192.0.2.7"),
])
def test_a_replication_network_as_an_account_host(network, host):
    assert mysql_host(network) == host


@pytest.mark.parametrize("network, message", [
    ("172.16.1.5/24", "host bits"),
    ("172.16.1.%", "db_replication_networks"),
])
def test_a_replication_network_that_is_no_network_is_refused(network, message):
    with pytest.raises(AddressError, match=message):
        mysql_host(network)


def inventory(**variables_by_host):
    groups = {"management1": ["frontend"], "db1": ["db"], "db2": ["db"]}
    return {host: {"groups": groups[host], "vars": variables} for host, variables in variables_by_host.items()}


def test_the_first_database_host_is_the_primary_unless_one_is_named():
    assert database_roles(inventory(management1={}, db1={}, db2={})) == ("db1", ["db2"], ["management1"])
    named = inventory(management1={}, db1={"db_replication_primary": "db2"}, db2={"db_replication_primary": "db2"})
    assert database_roles(named) == ("db2", ["db1"], ["management1"])


def test_replication_and_a_remote_schema_deployment_need_their_passwords_never_shown():
    problems = Problems()
    check_databases(inventory(management1={}, db1={"db_root_password": "s3cret", "db_replication_password": "r"},
                              db2={"db_replication_networks": ["172.16.1.0/24", "172.16.2.1/24"]}), problems)
    assert problems.lines() == [
        "db2: db_replication_password: '(not set)' is needed: db2 replicates db1",
        "db2: db_root_password: '(not set)' is needed: management1 deploys the schema from another host as the "
        "database's root",
        "db2: db_replication_networks[1]: '172.16.2.1/24' has host bits set: the network is 172.16.2.0/24",
    ]
    assert "s3cret" not in "".join(problems.lines())


def test_the_database_servers_agree_on_one_primary_of_their_group():
    problems = Problems()
    check_databases(inventory(db1={"db_replication_primary": "db1"}, db2={"db_replication_primary": "db3"}),
                    problems)
    assert problems.lines()[:2] == [
        "db: db_replication_primary: ['db1', 'db3'] names more than one primary: the database servers must agree "
        "on one",
        "db: db_replication_primary: 'db3' is not a host of group db",
    ]


def test_one_database_on_the_management_server_needs_no_secret():
    problems = Problems()
    check_databases({"management1": {"groups": ["frontend", "db"], "vars": {}}}, problems)
    assert problems.lines() == []
