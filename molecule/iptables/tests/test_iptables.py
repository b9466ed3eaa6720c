"""The role's owned chains on a KVM host: real packets, other software's rules, the boot unit."""

import testinfra

NODE = testinfra.get_host("podman://fw-node")
FRONTEND = testinfra.get_host("podman://fw-frontend")
CLIENT = testinfra.get_host("podman://fw-client")
OUTSIDER = testinfra.get_host("podman://fw-outsider")
NODE_ADDRESS = "198.51.100.130"


NODE_ADDRESS6 = "2001:db8:64::82"


def connects(host, port, address=NODE_ADDRESS):
    return host.run("timeout 3 bash -c '</dev/tcp/%s/%s'" % (address, port)).rc == 0


def link_local(host):
    """The host's link-local IPv6 address on the test network, with its scope as a neighbour names it."""
    address = host.check_output("ip -6 -o address show dev eth0 scope link").split()[3].split("/")[0]
    return address + "%eth0"


def test_the_kvm_ports_are_restricted_to_the_management_network():
    rules = NODE.iptables.rules("filter", "IAAS-INPUT")
    assert rules[:5] == ["-N IAAS-INPUT",
                         "-A IAAS-INPUT -i lo -j ACCEPT",
                         "-A IAAS-INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                         "-A IAAS-INPUT -s 198.51.100.128/28 -p tcp -m tcp --dport 22 -j ACCEPT",
                         "-A IAAS-INPUT -p tcp -m tcp --dport 22 -j DROP"]
    for port in ("1798", "16509", "5900:6100", "49152:49216"):
        assert "-A IAAS-INPUT -s 198.51.100.128/28 -p tcp -m tcp --dport %s -j ACCEPT" % port in rules
        assert "-A IAAS-INPUT -p tcp -m tcp --dport %s -j DROP" % port in rules


def test_the_jump_is_first_and_other_softwares_rules_survive():
    assert NODE.iptables.rules("filter", "INPUT") == ["-P INPUT ACCEPT", "-A INPUT -j IAAS-INPUT",
                                                      "-A INPUT -j FOREIGN"]
    assert NODE.iptables.rules("filter", "FOREIGN") == ["-N FOREIGN", "-A FOREIGN -s 203.0.113.9/32 -j RETURN"]
    assert "-A POSTROUTING -s 203.0.113.0/24 -j MASQUERADE" in NODE.iptables.rules("nat", "POSTROUTING")


def test_the_management_network_reaches_libvirt():
    assert connects(CLIENT, 16509)


def test_the_outsider_does_not_reach_libvirt():
    assert not connects(OUTSIDER, 16509)


def test_over_ipv6_the_port_sets_are_restricted_to_the_ipv6_management_network():
    rules = NODE.run("ip6tables -S IAAS-INPUT").stdout.splitlines()
    assert rules[:3] == ["-N IAAS-INPUT", "-A IAAS-INPUT -i lo -j ACCEPT",
                         "-A IAAS-INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"]
    assert "-A IAAS-INPUT -s 2001:db8:64::80/124 -p tcp -m tcp --dport 16509 -j ACCEPT" in rules
    assert "-A IAAS-INPUT -p tcp -m tcp --dport 16509 -j DROP" in rules
    assert NODE.run("ip6tables -S INPUT").stdout.splitlines() == ["-P INPUT ACCEPT", "-A INPUT -j IAAS-INPUT"]


def test_libvirt_listens_on_ipv6_and_the_management_network_reaches_it_there():
    assert connects(CLIENT, 16509, NODE_ADDRESS6)


def test_the_outsider_does_not_reach_libvirt_over_ipv6_global_or_link_local():
    # The same listener answers the outsider over IPv6 on a port the role does not manage: only
    # the firewall stands between it and libvirt's port.
    assert connects(OUTSIDER, 8000, NODE_ADDRESS6)
    assert connects(OUTSIDER, 8000, link_local(NODE))
    assert not connects(OUTSIDER, 16509, NODE_ADDRESS6)
    assert not connects(OUTSIDER, 16509, link_local(NODE))


def test_the_host_reaches_its_own_libvirt_over_loopback():
    assert NODE.run("timeout 3 bash -c '</dev/tcp/127.0.0.1/16509'").rc == 0


def test_ports_the_role_does_not_manage_stay_open():
    assert connects(OUTSIDER, 8000)


def test_the_eucalyptus_front_end_baseline():
    assert FRONTEND.iptables.rules("filter", "FORWARD") == ["-P FORWARD DROP", "-A FORWARD -j IAAS-FORWARD"]
    assert FRONTEND.iptables.rules("filter", "IAAS-FORWARD") == [
        "-N IAAS-FORWARD",
        "-A IAAS-FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT",
        "-A IAAS-FORWARD ! -d 192.168.0.0/16 -j ACCEPT"]
    assert FRONTEND.iptables.rules("nat", "IAAS-POSTROUTING") == [
        "-N IAAS-POSTROUTING", "-A IAAS-POSTROUTING -s 192.168.0.0/16 ! -d 192.168.0.0/16 -j MASQUERADE"]
    # No CloudStack service on it: its INPUT is not the role's business.
    assert FRONTEND.iptables.rules("filter", "INPUT") == ["-P INPUT ACCEPT"]


def test_the_cc_preload_holds_the_owned_chains():
    preload = FRONTEND.file("/etc/eucalyptus/iptables-preload")
    assert preload.mode == 0o600
    assert preload.content_string == FRONTEND.file("/etc/privatecloud-iaas/iptables.rules").content_string
    assert "-A IAAS-POSTROUTING -s 192.168.0.0/16 ! -d 192.168.0.0/16 -j MASQUERADE" in preload.content_string


def test_the_confirmed_change_left_no_rollback_armed():
    assert NODE.run("ls /run/privatecloud-iaas/*.cookie").rc != 0


def test_the_boot_unit_restores_the_owned_chains_only():
    unit = NODE.service("privatecloud-iaas-iptables")
    assert unit.is_enabled
    assert NODE.file("/etc/privatecloud-iaas/iptables.rules").mode == 0o600
    assert NODE.file("/etc/privatecloud-iaas/ip6tables.rules").mode == 0o600
    # As at boot: none of the owned chains exist, in either family; other software's rules do.
    for command in ("iptables", "ip6tables"):
        NODE.check_output("%s -D INPUT -j IAAS-INPUT && %s -F IAAS-INPUT && %s -X IAAS-INPUT" % ((command,) * 3))
    assert connects(OUTSIDER, 16509)
    assert connects(OUTSIDER, 16509, NODE_ADDRESS6)
    NODE.check_output("systemctl restart privatecloud-iaas-iptables.service")
    assert NODE.iptables.rules("filter", "INPUT") == ["-P INPUT ACCEPT", "-A INPUT -j IAAS-INPUT",
                                                      "-A INPUT -j FOREIGN"]
    assert NODE.run("ip6tables -S INPUT").stdout.splitlines() == ["-P INPUT ACCEPT", "-A INPUT -j IAAS-INPUT"]
    assert not connects(OUTSIDER, 16509)
    assert not connects(OUTSIDER, 16509, NODE_ADDRESS6)
    assert connects(CLIENT, 16509)
    assert connects(CLIENT, 16509, NODE_ADDRESS6)
