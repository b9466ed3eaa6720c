"""The CloudStack installation steps pinned to the guide's own lines (CLOUDSTACK.md 5, 6, 8)."""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.cloudstack_install import (
    InstallError,
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
