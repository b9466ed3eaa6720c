"""The public host_firewall filter: the owned chains of a host's services, and the MANAGED baseline
from the subnet and netmask the documents write."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.privatecloud.iaas.plugins.filter.firewall import host_firewall


def test_the_services_ports_are_restricted_to_their_networks():
    tables = host_firewall(["kvm"], {"management": ["10.1.0.0/24"]}, prefix="CLOUD-")
    rules = tables["filter"]["chains"]["CLOUD-INPUT"]
    assert "-s 10.1.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT" in rules
    assert "-p tcp -m tcp --dport 16509 -j DROP" in rules


def test_the_baseline_takes_the_subnet_and_netmask_in_the_documents_form():
    tables = host_firewall([], {}, eucalyptus={"subnet": "10.0.0.0", "netmask": "255.0.0.0"})
    assert "-s 10.0.0.0/8 ! -d 10.0.0.0/8 -j MASQUERADE" in tables["nat"]["chains"]["IAAS-POSTROUTING"]


@pytest.mark.parametrize("arguments, message", [
    ({"eucalyptus": {"subnet": "10.0.0.0", "netmask": "255.0.255.0"}}, "iptables_eucalyptus_baseline.netmask"),
    ({"eucalyptus": "10.0.0.0/8"}, "is not a mapping of subnet and netmask"),
    ({"rules": {"filter": {"INPUT": ["-j ACCEPT\n-A INPUT -j DROP"]}}}, "iptables_rules"),
])
def test_what_it_cannot_use_fails_naming_it(arguments, message):
    with pytest.raises(AnsibleFilterError, match=message):
        host_firewall([], {}, **arguments)
