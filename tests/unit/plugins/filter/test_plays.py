import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.privatecloud.iaas.plugins.filter.plays import cloud_hosts

EUCALYPTUS = {"all": ["cloud1", "node1"], "ungrouped": [], "frontend": ["cloud1"], "nodes": ["node1"]}


def test_a_pattern_whose_groups_all_exist_is_kept_as_written():
    groups = dict(EUCALYPTUS, db=["db1"], nfs=["nfs1"])
    assert cloud_hosts("frontend:nodes:db:nfs:&all", groups) == "frontend:nodes:db:nfs:&all"


def test_a_missing_group_of_the_cloud_is_left_out():
    planned = dict(EUCALYPTUS, iaas_eucalyptus=["cloud1", "node1"])
    assert cloud_hosts("frontend:nodes:db:nfs:&iaas_eucalyptus", planned) == "frontend:nodes:&iaas_eucalyptus"
    assert cloud_hosts("nodes:db:nfs:!frontend", dict(EUCALYPTUS, frontend=[])) == "nodes:!frontend"


def test_an_excluded_missing_group_excludes_nothing():
    assert cloud_hosts("frontend:!dhcpd", EUCALYPTUS) == "frontend"


def test_nothing_left_to_match_matches_no_host():
    assert cloud_hosts("db", EUCALYPTUS) == "all:!all"
    assert cloud_hosts("nodes:&db", EUCALYPTUS) == "all:!all"
    assert cloud_hosts("dhcpd:!frontend", EUCALYPTUS) == "all:!all"


def test_a_term_that_is_not_a_cloud_group_is_kept_so_ansible_still_warns_about_a_typo():
    assert cloud_hosts("fronted:nodes", EUCALYPTUS) == "fronted:nodes"
    assert cloud_hosts("frontend:&cloudstack", EUCALYPTUS) == "frontend:&cloudstack"


def test_a_platform_no_host_has_matches_no_host():
    assert cloud_hosts("frontend:&iaas_cloudstack", dict(EUCALYPTUS, iaas_eucalyptus=["cloud1", "node1"])) == "all:!all"


@pytest.mark.parametrize("pattern", ["", None, ["db"]])
def test_what_is_not_a_pattern_is_refused(pattern):
    with pytest.raises(AnsibleFilterError, match="cloud_hosts: .* is not a host pattern"):
        cloud_hosts(pattern, EUCALYPTUS)
