"""The inventory as the plans read it from Ansible's hostvars: the inventory's variables only."""

from ansible_collections.privatecloud.iaas.plugins.module_utils.host_plan import plan_inventory
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems
from ansible_collections.privatecloud.iaas.plugins.plugin_utils.inventory import inventory

# What validate.yml registers for a host it could not reach: an error message over two lines.
UNREACHABLE = {"unreachable": True, "msg": "Failed to connect to the host via ssh: Connection timed out\r\n"
                                           "Connection to 192.0.2.21 port 22 timed out"}


def test_what_the_run_registered_is_read_as_records_not_as_inventory_variables():
    # The plan of an earlier play is a fact, and Ansible shows facts as variables too.
    earlier_plan = {"frontend": {"files": [{"path": "/etc/a", "content": "one\ntwo\n"}]}}
    hostvars = {"node1": {"vnet_mode": "SYSTEM", "vnet_bridge": "br0", "iaas_platform": "eucalyptus",
                          "iaas_host_records": UNREACHABLE, "ansible_host": "192.0.2.21",
                          "ntp_servers": ["192.0.2.1"], "iaas_plan": earlier_plan,
                          "ansible_facts": {"iaas_plan": earlier_plan}}}
    problems = Problems()
    read = inventory({"hostvars": hostvars, "groups": {"all": ["node1"], "nodes": ["node1"]}}, problems)
    assert "iaas_host_records" not in read.variables("node1") and "iaas_plan" not in read.variables("node1")
    assert read.variables("node1")["vnet_bridge"] == "br0"
    plan_inventory(read, problems, [])
    # The one-line rule holds the inventory to it, not an error message of the run.
    assert problems.lines() == []
