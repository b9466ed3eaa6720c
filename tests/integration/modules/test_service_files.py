"""service_files run as Ansible runs it (a JSON arguments file), on files of a temporary directory, with
actions that append to a log (what ran is read back, not assumed); the kernel settings in a network
namespace of the test's own. Units are systemd's: the dhcpd and iptables roles' scenarios use them on
real hosts."""

import grp
import json
import os
import pwd
import subprocess
import sys
import uuid

import pytest

from namespaces import COLLECTIONS, can_make_namespaces


@pytest.fixture
def host(tmp_path):
    """A service's directory: a configuration file, a shared defaults file, an action log, the records."""

    class Host:
        conf = tmp_path / "daemon.conf"
        defaults = tmp_path / "default"
        log = tmp_path / "actions.log"
        records = tmp_path / "pending"

        def action(self, name="restart the daemon", command=None, files=None):
            return {"name": name, "command": command or ["/bin/sh", "-c", "echo %s >> %s" % (name.split()[0], self.log)],
                    "files": files or [str(self.conf), str(self.defaults)]}

        def conf_spec(self, content, **extra):
            return dict({"path": str(self.conf), "content": content, "owner": _me(), "group": _my_group(),
                         "validate": "grep -q '^setting' %s"}, **extra)

        def run(self, check=False, **arguments):
            path = tmp_path / ("args-%s.json" % uuid.uuid4().hex[:6])
            arguments.update(record_directory=str(self.records), _ansible_check_mode=check, _ansible_diff=True)
            path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": arguments}))
            process = subprocess.run([sys.executable, "-m", "ansible_collections.privatecloud.iaas.plugins.modules."
                                      "service_files", str(path)], capture_output=True, text=True, check=False,
                                     env={"PYTHONPATH": COLLECTIONS, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
            return json.loads(process.stdout)

        def ran(self):
            return self.log.read_text().split() if self.log.exists() else []

    found = Host()
    found.defaults.write_text('# shipped by the package\nINTERFACES=""\nOPTIONS="-q"\n')
    found.defaults.chmod(0o640)
    return found


def _me():
    return pwd.getpwuid(os.getuid()).pw_name


def _my_group():
    return grp.getgrgid(os.getgid()).gr_name


def test_a_change_writes_the_files_does_the_action_once_and_a_second_call_changes_nothing(host):
    host.conf.write_text("setting = 1\n")
    arguments = dict(files=[host.conf_spec("setting = 2\n", mode="0600")],
                     settings=[{"path": str(host.defaults), "values": {"INTERFACES": "br0 eth2"}}],
                     actions=[host.action()])
    done = host.run(**arguments)
    assert done["changed"] is True, done
    assert done["written"] == sorted([str(host.conf), str(host.defaults)])
    assert host.conf.read_text() == "setting = 2\n" and host.conf.stat().st_mode & 0o777 == 0o600
    # The shared file keeps its other lines and its mode.
    assert host.defaults.read_text() == '# shipped by the package\nINTERFACES="br0 eth2"\nOPTIONS="-q"\n'
    assert host.defaults.stat().st_mode & 0o777 == 0o640
    assert [action["name"] for action in done["actions"]] == ["restart the daemon"]
    assert [part["before_header"] for part in done["diff"]] == [str(host.conf), str(host.defaults), "pending actions"]
    assert host.ran() == ["restart"]

    again = host.run(**arguments)
    assert again["changed"] is False and again["written"] == [] and again["actions"] == []
    assert host.ran() == ["restart"] and list(host.records.iterdir()) == []


def test_check_mode_predicts_the_change_and_its_action_and_touches_nothing(host):
    host.conf.write_text("setting = 1\n")
    predicted = host.run(check=True, files=[host.conf_spec("setting = 2\n")], actions=[host.action()])
    assert predicted["changed"] is True
    assert predicted["written"] == [str(host.conf)]
    assert predicted["actions"] == [{"name": "restart the daemon", "reason": "this run changes %s, %s" % (host.conf, host.defaults)}]
    assert predicted["diff"][0]["before"] == "setting = 1\n" and predicted["diff"][0]["after"] == "setting = 2\n"
    assert host.conf.read_text() == "setting = 1\n" and host.ran() == [] and not host.records.exists()


def test_content_the_check_refuses_is_not_written_and_nothing_is_done(host):
    host.conf.write_text("setting = 1\n")
    refused = host.run(files=[host.conf_spec("no setting here\n")], actions=[host.action()])
    assert refused.get("failed") is True
    assert "fails \"grep -q '^setting' %s\"" in refused["msg"] and str(host.conf) in refused["msg"]
    assert host.conf.read_text() == "setting = 1\n" and host.ran() == []
    assert [path.name for path in host.conf.parent.iterdir() if path.name.startswith(".privatecloud-iaas-")] == []


def test_an_action_that_failed_is_still_owed_by_the_next_call(host):
    """A call that dies between its change and its action, as a killed run would: the next call owes it."""
    host.conf.write_text("setting = 1\n")
    failing = host.action(command=["/bin/false"])
    assert host.run(files=[host.conf_spec("setting = 2\n")], actions=[failing]).get("failed") is True
    assert host.conf.read_text() == "setting = 2\n"
    # Nothing to write now; the action the first call owed is done.
    done = host.run(files=[host.conf_spec("setting = 2\n")], actions=[host.action()])
    assert done["written"] == [] and done["changed"] is True
    assert done["actions"][0]["reason"].startswith("%s changed since " % host.conf)
    assert host.ran() == ["restart"]


def test_a_mode_alone_is_a_change_without_the_action(host):
    host.conf.write_text("setting = 1\n")
    host.conf.chmod(0o666)
    predicted = host.run(check=True, files=[host.conf_spec("setting = 1\n")], actions=[host.action()])
    assert predicted["changed"] is True and predicted["actions"] == []
    done = host.run(files=[host.conf_spec("setting = 1\n")], actions=[host.action()])
    assert done["changed"] is True and done["written"] == [str(host.conf)] and done["actions"] == []
    assert host.conf.stat().st_mode & 0o777 == 0o644 and host.ran() == []


def test_a_wrong_declaration_fails_naming_it(host):
    result = host.run(files=[host.conf_spec("setting = 1\n", owner="no-such-user-here")])
    assert result.get("failed") is True and "no-such-user-here" in result["msg"] and str(host.conf) in result["msg"]
    assert not host.conf.exists()
    twice = host.run(actions=[host.action(), host.action()])
    assert twice.get("failed") is True and "appears twice" in twice["msg"]


@pytest.mark.skipif(not can_make_namespaces(), reason="needs root and network namespaces")
def test_a_kernel_setting_is_held_in_its_namespace(module_namespace):
    with open("/proc/sys/net/ipv4/ip_forward", encoding="utf-8") as host_setting:
        on_the_host = host_setting.read()
    namespace = module_namespace("service_files")
    # The test holds the value the new namespace does not have.
    before = namespace.run("cat", "/proc/sys/net/ipv4/ip_forward").stdout.strip()
    wanted = "0" if before == "1" else "1"
    predicted = namespace.module(check=True, sysctls={"net.ipv4.ip_forward": wanted})
    assert predicted["changed"] is True and predicted["sysctls"] == {"net.ipv4.ip_forward": before}
    assert namespace.run("cat", "/proc/sys/net/ipv4/ip_forward").stdout.strip() == before
    done = namespace.module(sysctls={"net.ipv4.ip_forward": wanted})
    assert done["changed"] is True and done["diff"][0]["after"] == "net.ipv4.ip_forward = %s\n" % wanted
    assert namespace.run("cat", "/proc/sys/net/ipv4/ip_forward").stdout.strip() == wanted
    assert namespace.module(sysctls={"net.ipv4.ip_forward": wanted})["changed"] is False
    # The host's own setting is not touched.
    with open("/proc/sys/net/ipv4/ip_forward", encoding="utf-8") as host_setting:
        assert host_setting.read() == on_the_host
    unknown = namespace.module(sysctls={"net.ipv4.no_such_setting": "1"})
    assert unknown.get("failed") is True and "net.ipv4.no_such_setting" in unknown["msg"]


def test_one_refused_file_keeps_every_file_of_the_call(host):
    """Every new file is checked before any replaces a working one."""
    host.conf.write_text("setting = 1\n")
    other = host.conf.parent / "other.conf"
    other.write_text("setting = a\n")
    refused = host.run(files=[dict(host.conf_spec("setting = b\n"), path=str(other)), host.conf_spec("nothing\n")],
                       actions=[host.action()])
    assert refused.get("failed") is True and str(host.conf) in refused["msg"]
    assert other.read_text() == "setting = a\n" and host.conf.read_text() == "setting = 1\n"
    assert not host.records.exists() and host.ran() == []


@pytest.mark.skipif(not can_make_namespaces(), reason="needs root and network namespaces")
def test_an_interface_without_a_servable_address_fails_before_anything_is_written(module_namespace, tmp_path):
    namespace = module_namespace("service_files")
    namespace.ip("link", "add", "d0", "type", "veth", "peer", "name", "d1")
    namespace.ip("address", "add", "10.9.0.1/24", "dev", "d0")
    conf = tmp_path / "served.conf"
    files = [{"path": str(conf), "content": "served\n", "owner": _me(), "group": _my_group()}]
    refused = namespace.module(listen={"interfaces": ["d0"], "networks": ["10.8.0.0/24"], "variable": "dhcpd_interfaces"},
                               files=files)
    assert refused.get("failed") is True and "dhcpd_interfaces[0]: 'd0' has no address" in refused["msg"], refused
    assert not conf.exists()
    # In check mode an interface an earlier step would make passes.
    predicted = namespace.module(check=True, listen={"interfaces": ["br9"], "networks": ["10.8.0.0/24"]}, files=files)
    assert predicted["changed"] is True and predicted["written"] == [str(conf)] and not conf.exists()
    served = namespace.module(listen={"interfaces": ["d0"], "networks": ["10.9.0.0/24"]}, files=files)
    assert served["changed"] is True and conf.read_text() == "served\n"


def test_an_action_that_reverts_puts_the_previous_file_back_and_does_it_again(host):
    # The "daemon" refuses a file holding 'bad' (as exportfs does a line it cannot read, exit 0 and
    # stderr): the previous file comes back and is loaded again.
    host.conf.write_text("setting = good\n")
    load = {"name": "load the file", "files": [str(host.conf)], "fail_on_stderr": True, "revert_on_failure": True,
            "command": ["/bin/sh", "-c", "echo load >> %s; if grep -q bad %s; then echo refused >&2; fi"
                        % (host.log, host.conf)]}
    done = host.run(files=[host.conf_spec("setting = bad\n")], actions=[load])
    assert done.get("failed") is True, done
    assert "load the file" in done["msg"] and "refused" in done["msg"], done["msg"]
    assert "the previous %s is back" % host.conf in done["msg"], done["msg"]
    assert host.conf.read_text() == "setting = good\n"
    # Loaded twice: the refused file, then the previous one; nothing is owed afterwards.
    assert host.ran() == ["load", "load"]
    assert host.run(files=[host.conf_spec("setting = good\n")], actions=[load])["changed"] is False


def test_a_file_declared_absent_goes_only_when_the_collection_wrote_it(host, tmp_path):
    ours, theirs = tmp_path / "ours.conf", tmp_path / "theirs.conf"
    ours.write_text("# Managed by privatecloud.iaas (dhcpd role)\nsubnet\n")
    theirs.write_text("# the admin's own\nsubnet\n")
    marker = "# Managed by privatecloud.iaas"
    arguments = dict(files=[{"path": str(ours), "state": "absent", "ours": marker},
                            {"path": str(theirs), "state": "absent", "ours": marker}])
    predicted = host.run(check=True, **arguments)
    assert (predicted["changed"], predicted["removed"], ours.exists()) == (True, [str(ours)], True)
    done = host.run(**arguments)
    assert done["removed"] == [str(ours)] and not ours.exists() and theirs.exists()
    assert host.run(**arguments)["changed"] is False


def test_directories_ini_keys_and_what_the_host_must_have(host, tmp_path):
    idmapd = tmp_path / "idmapd.conf"
    idmapd.write_text("[General]\n\nVerbosity = 0\n# Domain = localdomain\n\n[Mapping]\nNobody-User = nobody\n")
    exported = tmp_path / "export" / "primary"
    arguments = dict(directories=[{"path": str(exported), "mode": "0750", "owner": _me(), "group": _my_group()}],
                     settings=[{"path": str(idmapd), "section": "General", "values": {"Domain": "cloud.example.org"}}])
    done = host.run(**arguments)
    assert done["changed"] is True and exported.is_dir() and exported.stat().st_mode & 0o777 == 0o750
    assert idmapd.read_text() == ("[General]\n\nVerbosity = 0\nDomain = cloud.example.org\n\n[Mapping]\n"
                                  "Nobody-User = nobody\n")
    assert host.run(**arguments)["changed"] is False
    missing = host.run(requires={"executables": {str(tmp_path / "no-dhcpd"): "vnet_dhcpdaemon"},
                                 "users": {"no-such-user-here": "vnet_dhcpuser"}}, **arguments)
    assert missing.get("failed") is True
    assert missing["msg"] == ("nothing was changed: vnet_dhcpdaemon: %s is not an executable on this host; "
                              "vnet_dhcpuser: no user no-such-user-here exists on this host" % (tmp_path / "no-dhcpd"))


def test_eucalyptus_confs_keys_a_clean_restart_replaces_the_restart_and_other_keys_do_nothing(host):
    # eucalyptus.conf's case: owned keys set in place, a new VNET_MODE a clean restart instead of a
    # restart, a key no action watches nothing.
    host.conf.write_text('# shipped\nVNET_MODE="STATIC"\nVNET_DNS="192.0.2.1"\nNODES=""\nVNET_OLD="x"\n')
    conf = str(host.conf)

    def keyed(name, keys, supersedes=()):
        return dict(host.action(name, files=[conf]), keys=keys, supersedes=list(supersedes))

    actions = [keyed("clean-restart", ["VNET_MODE"], ["restart"]), keyed("restart", ["VNET_*"])]
    settings = {"path": conf, "values": {"VNET_MODE": "STATIC", "VNET_DNS": "192.0.2.1"}, "owned": ["VNET_OLD"],
                "validate": "sh -n %s"}
    done = host.run(settings=[settings], actions=actions)
    # An owned key no longer declared leaves the file, which restarts (a VNET_* key changed).
    assert host.conf.read_text() == '# shipped\nVNET_MODE="STATIC"\nVNET_DNS="192.0.2.1"\nNODES=""\n'
    assert [action["name"] for action in done["actions"]] == ["restart"]
    moved = dict(settings, values={"VNET_MODE": "SYSTEM", "VNET_DNS": "192.0.2.9"})
    predicted = host.run(check=True, settings=[moved], actions=actions)
    assert [action["name"] for action in predicted["actions"]] == ["clean-restart"]
    done = host.run(settings=[moved], actions=actions)
    assert [action["name"] for action in done["actions"]] == ["clean-restart"]
    assert done["actions"][0]["reason"].startswith('VNET_MODE "STATIC" -> "SYSTEM" since ')
    assert host.ran() == ["restart", "clean-restart"]
    assert host.run(settings=[moved], actions=actions)["changed"] is False


def test_keys_of_a_file_not_installed_yet_make_the_file_and_its_directory(host, tmp_path):
    # eucalyptus.conf on a front-end prepared before the product's package is installed.
    conf = tmp_path / "etc" / "eucalyptus" / "eucalyptus.conf"
    settings = {"path": str(conf), "values": {"VNET_MODE": "MANAGED-NOVLAN"}, "validate": "sh -n %s"}
    assert host.run(check=True, settings=[settings])["changed"] is True and not conf.parent.exists()
    assert host.run(settings=[settings])["changed"] is True
    assert conf.read_text().endswith('\nVNET_MODE="MANAGED-NOVLAN"\n')
    assert host.run(settings=[settings])["changed"] is False


def test_an_action_of_something_not_installed_or_not_running_is_left_undone(host):
    host.conf.write_text("setting = 1\n")
    actions = [dict(host.action("absent"), command=["/nonexistent/init.d/eucalyptus-cc", "restart"]),
               {"name": "stopped", "service": "privatecloud-iaas-no-such.service", "files": [str(host.conf)]}]
    result = host.run(files=[host.conf_spec("setting = 2\n")], actions=actions)
    # Not under "skipped", which Ansible reads as "the task was skipped".
    assert result["actions"] == [] and "skipped" not in result
    assert [(undone["name"], undone["because"]) for undone in result["left_undone"]] == [
        ("absent", "/nonexistent/init.d/eucalyptus-cc is not installed"),
        ("stopped", "privatecloud-iaas-no-such.service does not run; it reads its files when it starts")]
    assert list(host.records.iterdir()) == []
