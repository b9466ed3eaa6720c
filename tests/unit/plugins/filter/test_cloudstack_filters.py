import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.privatecloud.iaas.plugins.filter.cloudstack import FilterModule

FILTERS = FilterModule().filters()


def test_the_set_up_command_lines_as_lists():
    assert FILTERS["cloudstack_setup_databases_argv"]("db1", "pw", deploy_as=["root", "rpw"], region_id=1) == [
        "cloudstack-setup-databases", "cloud:pw@db1", "--deploy-as=root:rpw", "-e", "file", "-m", "password",
        "-k", "password"]
    assert FILTERS["cloudstack_systemvm_template_argv"]("kvm", local_file="/srv/kvm.qcow2.bz2")[3:5] == [
        "-f", "/srv/kvm.qcow2.bz2"]
    with pytest.raises(AnsibleFilterError, match="cloudstack_systemvm_template_argv: hypervisor: 'hyperv'"):
        FILTERS["cloudstack_systemvm_template_argv"]("hyperv")
