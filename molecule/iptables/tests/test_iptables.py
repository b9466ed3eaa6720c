"""The role's owned chains on a KVM host: real packets, other software's rules, the boot unit."""

import testinfra

NODE = testinfra.get_host("podman://fw-node")
FRONTEND = testinfra.get_host("podman://fw-frontend")
CLIENT = testinfra.get_host("podman://fw-client")
OUTSIDER = testinfra.get_host("podman://fw-outsider")
NODE_ADDRESS = "198.51.100.130"


def connects(host, port):
    return host.run("timeout 3 bash -c '</dev/tcp/%s/%s'" % (NODE_ADDRESS, port)).rc == 0


def test_the_kvm_ports_are_restricted_to_the_management_network():
    rules = NODE.iptables.rules("filter", "IAAS-INPUT")
    assert rules[:4] == ["-N IAAS-INPUT",
                         "-A IAAS-INPUT -i lo -j ACCEPT",
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
    # As at boot: none of the owned chains exist, other software's rules do.
    NODE.check_output("iptables -D INPUT -j IAAS-INPUT && iptables -F IAAS-INPUT && iptables -X IAAS-INPUT")
    assert connects(OUTSIDER, 16509)
    NODE.check_output("systemctl restart privatecloud-iaas-iptables.service")
    assert NODE.iptables.rules("filter", "INPUT") == ["-P INPUT ACCEPT", "-A INPUT -j IAAS-INPUT",
                                                      "-A INPUT -j FOREIGN"]
    assert not connects(OUTSIDER, 16509)
    assert connects(CLIENT, 16509)
