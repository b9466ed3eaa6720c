"""br0 holds the interface the controller connects through, and the controller still gets in.

Runs after the side effect, which cut the controller off on purpose: what is checked here is
also what the host rolled back to.
"""

import json
import os
import subprocess

import testinfra

NODE = testinfra.get_host("podman://br-node")
ADDRESS = "198.51.100.200"


def ip_json(*arguments):
    return json.loads(NODE.check_output("ip -j " + " ".join(arguments)))


def test_br0_holds_eth0_with_the_nodes_address_and_mac():
    links = {link["ifname"]: link for link in ip_json("-d", "link", "show")}
    assert links["eth0"]["master"] == "br0"
    data = links["br0"]["linkinfo"]["info_data"]
    assert (data["stp_state"], data["forward_delay"], data["hello_time"]) == (0, 100, 200)
    assert links["br0"]["address"] == links["eth0"]["address"]
    addresses = {link["ifname"]: [(info["local"], info["prefixlen"]) for info in link["addr_info"]
                                  if info["family"] == "inet"] for link in ip_json("address", "show")}
    assert addresses["br0"] == [(ADDRESS, 26)]
    assert addresses["eth0"] == []


def test_the_default_route_goes_through_the_bridge():
    routes = ip_json("route", "show", "default")
    assert [(route["gateway"], route["dev"]) for route in routes] == [("198.51.100.193", "br0")]


def test_the_controller_gets_in_over_ssh():
    key = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "id_ed25519")
    result = subprocess.run(["ssh", "-i", key, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                             "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10",
                             "root@" + ADDRESS, "cat /sys/class/net/eth0/master/uevent"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "INTERFACE=br0" in result.stdout


def test_no_rollback_is_pending():
    assert not NODE.file("/run/privatecloud-iaas/bridge.cookie").exists
    assert not NODE.file("/run/privatecloud-iaas/bridge.batch").exists


def test_the_boot_files_are_the_documents_and_keep_the_good_address():
    assert NODE.file("/etc/network/interfaces.d/20-eth0").content_string.endswith(
        "auto eth0\niface eth0 inet manual\n")
    assert NODE.file("/etc/network/interfaces.d/60-br0").content_string == (
        "# Managed by privatecloud.iaas (bridge role); local changes are replaced.\n"
        "auto br0\niface br0 inet static\n    address 198.51.100.200\n    netmask 255.255.255.192\n"
        "    gateway 198.51.100.193\n    bridge_ports eth0\n    bridge_fd 1\n    bridge_hello 2\n"
        "    bridge_stp off\n    bridge_maxwait 1\n")


def test_ifupdown_reads_the_configuration_as_written():
    assert NODE.check_output("ifquery --list --all").split() == ["lo", "eth0", "br0"]
    query = NODE.check_output("ifquery br0")
    assert "address: 198.51.100.200" in query and "bridge_ports: eth0" in query
    assert NODE.run("ifquery --list --all").stderr == ""


def test_brctl_lists_the_bridge():
    assert NODE.check_output("brctl show br0").splitlines()[1].split()[-1] == "eth0"
