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
    assert NODE.check_output("ifquery --list --all").split() == ["lo", "eth0", "eth1", "br0", "br1"]
    query = NODE.check_output("ifquery br0")
    assert "address: 198.51.100.200" in query and "bridge_ports: eth0" in query
    assert NODE.run("ifquery --list --all").stderr == ""


def test_brctl_lists_the_bridge():
    assert NODE.check_output("brctl show br0").splitlines()[1].split()[-1] == "eth0"


# --- br1 over eth1, whose address comes from DHCP (prepare: a dnsmasq behind eth1) -------------

def leases():
    """The DHCP server's leases: [(MAC, address)]."""
    return [tuple(line.split()[1:3]) for line in NODE.file("/run/lan.leases").content_string.splitlines()]


def dhcp_client():
    """The release's DHCP client, the one ifupdown runs."""
    return "dhclient" if NODE.file("/etc/debian_version").content_string.startswith("12") else "dhcpcd"


def test_br1_holds_eth1_and_the_lease_eth1_had():
    links = {link["ifname"]: link for link in ip_json("-d", "link", "show")}
    assert links["eth1"]["master"] == "br1"
    assert links["br1"]["address"] == links["eth1"]["address"]
    addresses = {link["ifname"]: [info["local"] for info in link["addr_info"] if info["family"] == "inet"]
                 for link in ip_json("address", "show")}
    # One lease, the one eth1 got before it became a port: same MAC, same address.
    assert leases() == [(links["eth1"]["address"], addresses["br1"][0])]
    assert addresses["eth1"] == []


def test_the_dhcp_client_serves_br1_and_not_eth1():
    client = dhcp_client()
    processes = NODE.check_output("ps -eo args=").splitlines()
    serving = [line for line in processes if line.split()[0].split("/")[-1].startswith(client)]
    assert any(line.split()[-1] == "br1" or line.startswith("dhcpcd: br1 ") for line in serving), serving
    assert not any(line.split()[-1] == "eth1" or line.startswith("dhcpcd: eth1 ") for line in serving), serving


def test_the_client_on_br1_got_the_lease_from_the_server_itself():
    # Written only by an exchange with the server on br1, not by the move of the address.
    address = leases()[0][1]
    if dhcp_client() == "dhclient":
        lease = NODE.file("/var/lib/dhcp/dhclient.br1.leases").content_string
        assert 'interface "br1";' in lease and "fixed-address %s;" % address in lease
    else:
        assert "ip_address=%s" % address in NODE.check_output("dhcpcd -U br1").splitlines()


def test_eth1s_own_dhcp_stanza_is_switched_off_and_br1_leases_at_boot():
    assert "#privatecloud.iaas(eth1)# iface eth1 inet dhcp" in NODE.file("/etc/network/interfaces").content_string
    query = NODE.check_output("ifquery br1")
    assert "bridge_ports: eth1" in query
    assert NODE.check_output("ifquery --list --all").split()[-1] == "br1"
