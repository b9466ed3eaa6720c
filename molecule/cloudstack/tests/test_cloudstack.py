"""A CloudStack basic zone built by site.yml: names, repository, database, NFS exports and ports,
KVM hosts with libvirt answering on TCP 16509 to the management network only."""

import json

import testinfra

MGMT = testinfra.get_host("podman://cs-mgmt")
KVM = testinfra.get_host("podman://cs-kvm")
OUTSIDER = testinfra.get_host("podman://cs-outsider")


def test_hostname_fqdn_answers_a_fully_qualified_name():
    assert MGMT.check_output("hostname --fqdn") == "cs-mgmt.lab.example.org"
    assert KVM.check_output("hostname --fqdn") == "cs-kvm.lab.example.org"


def test_the_unreachable_repository_is_written_disabled_and_nothing_is_installed():
    source = MGMT.file("/etc/apt/sources.list.d/cloudstack.sources").content_string
    for line in ("Types: deb", "URIs: http://cloudstack.apt-get.eu/ubuntu", "Suites: precise", "Components: 4.0",
                 "Enabled: no"):
        assert line in source.splitlines()
    assert not MGMT.package("cloudstack-management").is_installed
    assert not KVM.package("cloudstack-agent").is_installed


def test_sudo_without_a_terminal_only_where_a_kvm_host_shares_the_management_server():
    sudoers = MGMT.file("/etc/sudoers.d/cloudstack")
    assert sudoers.content_string == "Defaults:cloud !requiretty\n" and sudoers.mode == 0o440
    assert not KVM.file("/etc/sudoers.d/cloudstack").exists


def test_the_local_database_is_ready_for_cloudstack_setup_databases():
    settings = MGMT.check_output("mariadb --batch --skip-column-names -e "
                                 "'SELECT @@max_connections, @@bind_address, @@binlog_format'")
    # One management server; the database and the server share the machine, so loopback only.
    assert settings.split("\t") == ["350", "127.0.0.1", "ROW"]
    # No replica and no remote deployment: the role made no account.
    assert MGMT.check_output("mariadb --batch --skip-column-names -e "
                             "\"SELECT COUNT(*) FROM mysql.user WHERE user = 'cloud-repl' OR "
                             "(user = 'root' AND host NOT IN ('localhost'))\"") == "0"


def test_the_exports_go_to_the_management_network_with_the_guides_options():
    exports = MGMT.check_output("exportfs -v")
    for path in ("/export/primary", "/export/secondary"):
        assert path in exports
    assert exports.count("203.0.113.192/27(") == 2
    assert "rw" in exports and "async" in exports and "no_root_squash" in exports
    assert MGMT.file("/etc/exports.d/cloudstack.exports").content_string == (
        "/export/primary 203.0.113.192/27(rw,async,no_root_squash,no_subtree_check)\n"
        "/export/secondary 203.0.113.192/27(rw,async,no_root_squash,no_subtree_check)\n")


def test_the_nfs_ports_are_fixed_and_the_id_mapping_domain_set():
    get = "nfsconf --get %s %s"
    assert [MGMT.check_output(get, section, key) for section, key in (
        ("mountd", "port"), ("statd", "port"), ("statd", "outgoing-port"), ("lockd", "port"),
        ("lockd", "udp-port"))] == ["892", "662", "2020", "32803", "32769"]
    assert "Domain = lab.example.org" in MGMT.file("/etc/idmapd.conf").content_string.splitlines()


def test_libvirtd_is_set_as_the_guide_wants():
    conf = KVM.file("/etc/libvirt/libvirtd.conf").content_string.splitlines()
    for line in ('listen_tls = 0', 'listen_tcp = 1', 'tcp_port = "16509"', 'auth_tcp = "none"', 'mdns_adv = 0'):
        assert line in conf
    assert 'vnc_listen = "0.0.0.0"' in KVM.file("/etc/libvirt/qemu.conf").content_string.splitlines()
    assert KVM.service("libvirtd-tcp.socket").is_enabled


def test_the_management_server_reaches_libvirtd_over_tcp():
    version = MGMT.check_output("virsh -c qemu+tcp://203.0.113.210/system version")
    assert "Running hypervisor: QEMU" in version or "Using library: libvirt" in version


def test_the_outsider_is_dropped_before_libvirtd():
    result = OUTSIDER.run("timeout 3 bash -c 'exec 3<>/dev/tcp/203.0.113.210/16509'")
    assert result.rc != 0
    rules = KVM.check_output("iptables -S IAAS-INPUT")
    assert "-A IAAS-INPUT -s 203.0.113.192/27 -p tcp -m tcp --dport 16509 -j ACCEPT" in rules
    assert "-A IAAS-INPUT -p tcp -m tcp --dport 16509 -j DROP" in rules


def test_the_bridges_of_the_traffic_labels():
    for host, address in ((MGMT, "203.0.113.200"), (KVM, "203.0.113.210")):
        links = {link["ifname"]: link for link in json.loads(host.check_output("ip -j -d link show"))}
        assert links["eth0"]["master"] == "cloudbr0"
        assert links["cloudbr1"]["linkinfo"]["info_kind"] == "bridge"
        addresses = json.loads(host.check_output("ip -j address show dev cloudbr0"))[0]["addr_info"]
        assert address in [entry["local"] for entry in addresses]


def test_the_firewall_restricts_mysql_and_nfs_on_the_management_server():
    rules = MGMT.check_output("iptables -S IAAS-INPUT")
    for port in ("3306", "2049", "892", "8080", "16509"):
        assert "-A IAAS-INPUT -s 203.0.113.192/27 -p tcp -m tcp --dport %s -j ACCEPT" % port in rules
