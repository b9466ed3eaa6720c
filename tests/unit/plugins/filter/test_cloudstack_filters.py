import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.privatecloud.iaas.plugins.filter.cloudstack import FilterModule

FILTERS = FilterModule().filters()


def test_the_drop_in_and_the_account_hosts():
    conf = FILTERS["cloudstack_mysqld_conf"](2, server_id=2, bind_address="0.0.0.0")
    assert conf.startswith("[mysqld]\n") and "max_connections = 700\n" in conf and "server_id = 2\n" in conf
    assert FILTERS["mysql_hosts"](["172.16.1.0/24", "172.16.1.9/32"]) == ["172.16.1.0/255.255.255.0", "172.16.1.9"]


@pytest.mark.parametrize("name, args, message", [
    ("cloudstack_mysqld_conf", (1,), None),
    ("cloudstack_mysqld_conf", (3, None, None, 700), "cloudstack_mysqld_conf: db_max_connections: 700 is below 1050"),
    ("mysql_hosts", (["172.16.1.%"],), "mysql_hosts: db_replication_networks: '172.16.1.%'"),
])
def test_errors_name_the_filter_and_the_variable(name, args, message):
    if message is None:
        FILTERS[name](*args)
        return
    with pytest.raises(AnsibleFilterError, match=message):
        FILTERS[name](*args)


def test_the_set_up_command_lines_as_lists():
    assert FILTERS["cloudstack_setup_databases_argv"]("db1", "pw", deploy_as=["root", "rpw"], region_id=1) == [
        "cloudstack-setup-databases", "cloud:pw@db1", "--deploy-as=root:rpw", "-e", "file", "-m", "password",
        "-k", "password"]
    assert FILTERS["cloudstack_systemvm_template_argv"]("kvm", local_file="/srv/kvm.qcow2.bz2")[3:5] == [
        "-f", "/srv/kvm.qcow2.bz2"]
    with pytest.raises(AnsibleFilterError, match="cloudstack_systemvm_template_argv: hypervisor: 'hyperv'"):
        FILTERS["cloudstack_systemvm_template_argv"]("hyperv")
