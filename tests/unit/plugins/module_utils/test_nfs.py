"""The storage server's exports and fixed ports.

Apache CloudStack 4.1.0 Installation Guide, section 4.5.6.
"""

import pytest

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import AddressErrors
from ansible_collections.privatecloud.iaas.plugins.module_utils.firewall import SERVICES
from ansible_collections.privatecloud.iaas.plugins.module_utils.nfs import (
    FIXED_PORTS,
    OPTIONS,
    exports,
    exports_file,
    lockd_conf,
    lockd_sysctl_command,
    ports_conf,
    section,
)

GUIDE = [{"path": "/export/primary"}, {"path": "/export/secondary/"}]


def test_the_guides_exports_go_to_the_storage_networks_only():
    assert exports_file(exports(GUIDE, ["192.168.154.0/24", "10.9.0.7"])) == (
        "/export/primary 192.168.154.0/24(rw,async,no_root_squash,no_subtree_check) "
        "10.9.0.7/32(rw,async,no_root_squash,no_subtree_check)\n"
        "/export/secondary 192.168.154.0/24(rw,async,no_root_squash,no_subtree_check) "
        "10.9.0.7/32(rw,async,no_root_squash,no_subtree_check)\n")


def test_everyone_only_when_asked_and_an_export_may_have_its_own_clients_and_options():
    declared = [{"path": "/export/secondary", "clients": ["*"], "options": ["ro", "sync"]}, {"path": "/export/primary"}]
    assert exports_file(exports(declared, ["192.168.154.0/24"])) == (
        "/export/primary 192.168.154.0/24(rw,async,no_root_squash,no_subtree_check)\n"
        "/export/secondary *(ro,sync)\n")


def test_every_broken_rule_is_reported_at_once():
    declared = [{"path": "export/primary"}, {"path": "/export/a b"}, {"path": "/export/x", "options": ["rw", "ro"]},
                {"path": "/export/y", "options": ["rw", "no_such_option"]}, {"path": "/export/x"},
                {"path": "/export/../etc"}, {"path": "/export/z", "options": ["sec=sys)\n/ *(rw"]}]
    with pytest.raises(AddressErrors) as raised:
        exports(declared, ["192.168.154.1/24"])
    path_rule = "is not an absolute path of letters, digits and _.@+-/ without '.' or '..' components"
    assert [str(error) for error in raised.value.errors] == [
        "nfs_exports[0].path: 'export/primary' " + path_rule,
        "nfs_exports[1].path: '/export/a b' " + path_rule,
        "nfs_export_clients[0]: '192.168.154.1/24' has host bits set: the network is 192.168.154.0/24",
        "nfs_exports[2].options: ['rw', 'ro'] has both rw and ro",
        "nfs_exports[3].options: ['rw', 'no_such_option'] has 'no_such_option', which is not an export option "
        "of exports(5)",
        "nfs_exports[4].path: '/export/x' is exported twice",
        "nfs_exports[5].path: '/export/../etc' " + path_rule,
        "nfs_exports[6].options: ['sec=sys)\\n/ *(rw'] has 'sec=sys)\\n/ *(rw', whose value is not one word of "
        "letters, digits and _.:/@- (it lands inside an exports line)",
    ]


def test_without_networks_the_guides_everyone_is_not_assumed():
    with pytest.raises(AddressErrors, match=r"nfs_export_clients: \[\] is empty: give the storage networks"):
        exports(GUIDE, [])


def test_the_fixed_ports_as_nfs_conf_sections():
    assert ports_conf() == ("[lockd]\nport = 32803\nudp-port = 32769\n[mountd]\nport = 892\n"
                            "[statd]\nport = 662\noutgoing-port = 2020\n")


def test_lockd_gets_the_same_ports_as_module_parameters():
    assert lockd_conf() == "options lockd nlm_tcpport=32803 nlm_udpport=32769\n"
    assert lockd_sysctl_command() == ["sysctl", "-q", "-e", "-w", "fs.nfs.nlm_tcpport=32803",
                                      "fs.nfs.nlm_udpport=32769"]


def test_the_firewall_restricts_every_fixed_port_it_receives_on():
    restricted = {port for _protocol, port, _kind in SERVICES["nfs"]}
    # statd's outgoing port is the source of its own calls, not a port it listens on.
    assert {str(port) for _section, key, port in FIXED_PORTS if key != "outgoing-port"} <= restricted
    assert {"111", "2049"} <= restricted


def test_the_storage_servers_part_of_the_plan():
    problems = []
    part = section(dict(OPTIONS, nfs_export_clients=["192.168.154.0/24"], nfs_idmap_domain="cloud.example.org"),
                   lambda *problem: problems.append(problem))
    assert problems == []
    assert part["directories"] == [{"path": "/export/primary"}, {"path": "/export/secondary"}, {"path": "/etc/exports.d"}]
    assert [spec["path"] for spec in part["files"]] == ["/etc/nfs.conf.d/60-cloudstack.conf",
                                                        "/etc/modprobe.d/privatecloud-iaas-lockd.conf",
                                                        "/etc/exports.d/cloudstack.exports"]
    assert part["settings"] == [{"path": "/etc/idmapd.conf", "section": "General",
                                 "values": {"Domain": "cloud.example.org"}}]
    assert part["actions"][-1] == {"name": "load the exports", "command": ["exportfs", "-ra"],
                                   "files": ["/etc/exports.d/cloudstack.exports"], "fail_on_stderr": True,
                                   "revert_on_failure": True}
    assert part["units"] == [{"name": "nfs-kernel-server", "enabled": True, "started": True}]
    # Where no NFS server can run (a container), nothing of lockd's and no unit to start.
    container = section(dict(OPTIONS, nfs_export_clients=["*"], nfs_idmap_domain="x", nfs_server_start=False),
                        lambda *problem: problems.append(problem))
    assert "/etc/modprobe.d/privatecloud-iaas-lockd.conf" not in [spec["path"] for spec in container["files"]]
    assert container["units"] == [] and problems == []
