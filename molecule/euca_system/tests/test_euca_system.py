"""Eucalyptus SYSTEM mode built by site.yml: the node's br0 and keys, and a VM that gets an
address from the LAN's pool as any machine on the LAN does."""

import ipaddress
import json

import testinfra

FRONTEND = testinfra.get_host("podman://system-fe")
NODE = testinfra.get_host("podman://system-node1")
CONF = "/etc/eucalyptus/eucalyptus.conf"


def vnet_lines(host):
    return [line for line in host.file(CONF).content_string.splitlines() if line.startswith("VNET_")]


def test_the_keys_of_system_mode():
    # The packaged file's VNET_BRIDGE="xenbr0" is gone from the front-end: it only matters on nodes.
    assert vnet_lines(FRONTEND) == ['VNET_MODE="SYSTEM"']
    assert vnet_lines(NODE) == ['VNET_MODE="SYSTEM"', 'VNET_BRIDGE="br0"']


def test_the_node_bridges_eth0_with_the_documents_timers():
    data = json.loads(NODE.check_output("ip -j -d link show dev br0"))[0]["linkinfo"]["info_data"]
    assert (data["forward_delay"], data["hello_time"]) == (100, 200)
    assert NODE.check_output("cat /sys/class/net/eth0/master/uevent").splitlines()[1] == "INTERFACE=br0"
    assert "bridge_ports eth0" in NODE.file("/etc/network/interfaces.d/60-br0").content_string


def test_the_front_end_serves_the_lan_pool():
    assert FRONTEND.service("isc-dhcp-server").is_running
    assert "range 198.18.4.170 198.18.4.179;" in FRONTEND.file("/etc/dhcp/dhcpd.conf").content_string


def test_a_vm_on_the_node_gets_an_address_from_the_pool():
    lease = json.loads(NODE.run("vm-dhcp br0 52:54:00:12:34:56").stdout)
    address = ipaddress.ip_interface(lease["address"])
    assert ipaddress.ip_address("198.18.4.170") <= address.ip <= ipaddress.ip_address("198.18.4.179")
    assert (address.network.prefixlen, lease["routers"], lease["domain"]) == (26, ["198.18.4.129"],
                                                                              "cloud.example.org")


def test_nothing_else_runs_dhcp_on_the_node():
    assert NODE.run("pidof dnsmasq").rc == 1
    assert NODE.check_output("virsh --quiet net-list --all --name").strip() == ""


# The side effect's repositories (tests/harness/apt_repository.py).
def release():
    return FRONTEND.file("/etc/debian_version").content_string.split(".")[0].strip()


def test_the_accepted_repository_is_a_deb822_source_with_its_key_and_its_package_is_installed():
    assert FRONTEND.file("/root/accepted.sources").content_string.splitlines()[1:] == [
        "Types: deb", "URIs: file:///srv/privatecloud-test-repositories/accepted", "Suites: stable",
        "Components: main", "Signed-By: /etc/apt/keyrings/eucalyptus.asc", "Enabled: yes"]
    assert FRONTEND.package("privatecloud-repository-probe").is_installed


def test_a_key_that_does_not_match_its_pinned_checksum_stops_the_run_and_changes_nothing():
    outcome = FRONTEND.file("/root/mispinned-key.outcome").content_string
    assert outcome.startswith("The Eucalyptus repository's key file:///srv/privatecloud-test-repositories/accepted/"
                              "key.asc (euca_repo_key_url) was not added: it does not match euca_repo_key_checksum."), \
        outcome
    assert "set euca_repo_key_checksum to the new file's checksum. (The checksum for " in outcome
    # The key the accepted run checked, and its source, are still the ones in place.
    assert FRONTEND.file("/root/mispinned.asc").sha256sum == FRONTEND.file(
        "/srv/privatecloud-test-repositories/accepted/key.asc").sha256sum
    assert FRONTEND.file("/root/mispinned.sources").content_string == FRONTEND.file(
        "/root/accepted.sources").content_string


def test_a_key_bound_with_sha1_is_refused_on_debian_13_with_the_reason_and_accepted_on_debian_12():
    outcome = FRONTEND.file("/root/refused-repository.outcome").content_string
    source = FRONTEND.file("/etc/apt/sources.list.d/eucalyptus.sources").content_string
    if release() == "12":
        # gpgv still takes SHA-1 self-signatures: the source stays on.
        assert outcome == "accepted"
        assert "Enabled: yes" in source
        return
    assert outcome.startswith("apt refuses the signature of the Eucalyptus repository "
                              "file:/srv/privatecloud-test-repositories/refused stable: SHA1 is not considered secure")
    assert "euca_repo_key_url" in outcome
    assert "URIs: file:///srv/privatecloud-test-repositories/refused" in source
    assert "Enabled: no" in source


def test_the_refused_source_leaves_apt_working():
    # Updating from the source alone: a disabled source is skipped, an enabled refused one fails.
    FRONTEND.check_output("apt-get update -o Dir::Etc::SourceList=/etc/apt/sources.list.d/eucalyptus.sources "
                          "-o Dir::Etc::SourceParts=- -o APT::Get::List-Cleanup=0")
