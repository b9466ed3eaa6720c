"""interface_files writing into a temporary directory as it would into /etc/network."""

import json
import os
import subprocess
import sys

import pytest

from collection import COLLECTIONS


@pytest.fixture
def run(tmp_path):
    directory = tmp_path / "interfaces.d"
    main = tmp_path / "interfaces"
    main.write_text("source %s/*\n\nauto lo eth0\niface lo inet loopback\niface eth0 inet dhcp\n" % directory)

    def module(check=False, **args):
        args.update(directory=str(directory), interfaces_file=str(main), _ansible_check_mode=check,
                    _ansible_diff=True)
        path = tmp_path / "args.json"
        path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
        result = subprocess.run([sys.executable, "-m", "ansible_collections.privatecloud.iaas.plugins.modules."
                                 "interface_files", str(path)], capture_output=True, text=True,
                                env=dict(os.environ, PYTHONPATH=COLLECTIONS), check=False)
        return json.loads(result.stdout)

    module.directory, module.main = directory, main
    module.files = lambda: sorted(os.listdir(directory)) if directory.exists() else []
    return module


BR0 = {"name": "br0", "ports": ["eth0"], "method": "dhcp", "forward_delay": 1, "hello_time": 2}


def test_write_then_idempotent(run):
    result = run(owner="bridge", bridges=[BR0])
    assert result["changed"] is True, result
    assert result["written"] == run.files() == ["20-eth0", "60-br0"]
    assert "bridge_ports eth0\n" in (run.directory / "60-br0").read_text()
    # The old eth0 stanza is switched off: eth0 must not be configured twice at boot.
    assert "#privatecloud.iaas(eth0)# iface eth0 inet dhcp\n" in run.main.read_text()
    again = run(owner="bridge", bridges=[BR0])
    assert again["changed"] is False, again
    # What the collection made before, for the bridge role's ownership check: nothing the first time.
    assert (result["owned"], again["owned"]) == ([], ["br0", "eth0"])


def test_check_mode_writes_nothing_and_diff_tells(run):
    result = run(check=True, owner="bridge", bridges=[BR0])
    assert result["changed"] is True
    assert run.files() == []
    assert [entry["after_header"] for entry in result["diff"]] == [
        str(run.directory / "20-eth0"), str(run.directory / "60-br0"), str(run.main)]


def test_what_leaves_the_declaration_leaves_the_host_and_nothing_else(run):
    run.directory.mkdir()
    (run.directory / "50-cloud-init").write_text("auto eth9\niface eth9 inet dhcp\n")
    run(owner="bridge", bridges=[BR0, {"name": "br1", "ports": ["eth1"]}])
    run(owner="vlan", vlans=[{"parent": "eth2", "id": 10}])
    result = run(owner="bridge", bridges=[BR0])
    assert result["removed"] == ["20-eth1", "60-br1"]
    assert result["released"] == [{"name": "eth1", "kind": "ether"}, {"name": "br1", "kind": "bridge"}]
    assert run.files() == ["20-eth0", "20-eth2", "40-eth2.10", "50-cloud-init", "60-br0"]
    released = run(owner="bridge", bridges=[])
    assert released["removed"] == ["20-eth0", "60-br0"]
    # No role manages eth0 any more: its old stanza is back on.
    assert "\niface eth0 inet dhcp\n" in run.main.read_text()


def test_a_declaration_the_files_cannot_express_fails_before_writing(run):
    result = run(owner="bridge", bridges=[BR0, {"name": "br1", "ports": ["eth0"]}])
    assert result["failed"] is True
    assert result["msg"] == "the declared interfaces cannot be written: eth0: is a port of br0 and br1"
    assert run.files() == []


def test_ifcfg_for_rhel(run):
    result = run(owner="bridge", format="ifcfg", bridges=[BR0])
    assert result["written"] == ["ifcfg-br0", "ifcfg-eth0"]
    assert (run.directory / "ifcfg-eth0").read_text().endswith("BRIDGE=br0\n")
    assert "eth0 inet dhcp" in run.main.read_text() and "privatecloud" not in run.main.read_text()


def test_a_host_without_declarations_is_left_as_it_is(run):
    run.main.unlink()
    result = run(owner="bridge", bridges=[])
    assert result["changed"] is False
    assert not run.main.exists() and run.files() == []
