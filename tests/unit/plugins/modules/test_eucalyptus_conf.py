"""The eucalyptus_conf module run as Ansible runs it, on a file of the test's own."""

import json
import subprocess
import sys

from collection import COLLECTIONS


def run(tmp_path, check=False, **args):
    arguments = tmp_path / "args.json"
    arguments.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": dict(args, _ansible_check_mode=check, _ansible_diff=True)}))
    result = subprocess.run([sys.executable, "-m", "ansible_collections.privatecloud.iaas.plugins.modules.eucalyptus_conf",
                             str(arguments)], capture_output=True, text=True, check=False,
                            env={"PYTHONPATH": COLLECTIONS, "PATH": "/usr/bin:/bin"})
    return json.loads(result.stdout)


def test_a_mode_change_reports_its_keys_removes_the_old_modes_and_keeps_the_rest(tmp_path):
    conf = tmp_path / "eucalyptus.conf"
    conf.write_text('NC_PORT="8775"\nVNET_MODE="STATIC"\nVNET_BRIDGE="br0"\nVNET_MACMAP="AA:DD:11:CE:FF:ED=192.168.1.3"\n')
    conf.chmod(0o640)
    settings = {"VNET_MODE": "MANAGED-NOVLAN", "VNET_BRIDGE": "br0", "VNET_ADDRSPERNET": 64}
    predicted = run(tmp_path, check=True, path=str(conf), settings=settings)
    assert predicted["changed"] is True and conf.read_text().startswith('NC_PORT="8775"\nVNET_MODE="STATIC"')
    assert 'VNET_MODE="MANAGED-NOVLAN"' in predicted["diff"]["after"]
    applied = run(tmp_path, path=str(conf), settings=settings)
    assert applied["changed_keys"] == predicted["changed_keys"] == ["VNET_ADDRSPERNET", "VNET_MACMAP", "VNET_MODE"]
    assert applied["previous"] == {"VNET_MODE": "STATIC", "VNET_MACMAP": "AA:DD:11:CE:FF:ED=192.168.1.3",
                                   "VNET_ADDRSPERNET": None}
    assert conf.read_text() == ('NC_PORT="8775"\nVNET_MODE="MANAGED-NOVLAN"\nVNET_BRIDGE="br0"\n\n'
                                '# Set by privatecloud.iaas\nVNET_ADDRSPERNET="64"\n')
    assert conf.stat().st_mode & 0o777 == 0o640
    assert run(tmp_path, path=str(conf), settings=settings)["changed"] is False


def test_a_file_the_shell_cannot_read_is_not_written(tmp_path):
    conf = tmp_path / "eucalyptus.conf"
    conf.write_text('NODES="a b\nVNET_MODE="SYSTEM"\n')
    result = run(tmp_path, path=str(conf), settings={"VNET_MODE": "STATIC"})
    assert result.get("failed") is True
    assert conf.read_text() == 'NODES="a b\nVNET_MODE="SYSTEM"\n'


def test_a_missing_file_is_created_with_the_block(tmp_path):
    conf = tmp_path / "etc" / "eucalyptus.conf"
    result = run(tmp_path, path=str(conf), settings={"VNET_MODE": "SYSTEM", "VNET_BRIDGE": "br0"})
    assert result["changed"] is True
    assert conf.read_text() == '# Set by privatecloud.iaas\nVNET_MODE="SYSTEM"\nVNET_BRIDGE="br0"\n'
    assert conf.stat().st_mode & 0o777 == 0o644
