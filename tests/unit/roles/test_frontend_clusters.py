"""The frontend role's cluster settings, computed by Ansible itself for a three-cluster cloud.

VNET_LOCALIP (each CC's own address), VNET_CLOUDIP (where the first front-end's CLC is) and
vtun are derived from the inventory only where the documents ask for them (section 7).
"""

import json
import os
import subprocess
import sys
import textwrap

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
MANAGED = {"vnet_pubinterface": "eth1", "vnet_privinterface": "eth0", "vnet_dhcpdaemon": "/usr/sbin/dhcpd",
           "vnet_subnet": "10.0.0.0", "vnet_netmask": "255.0.0.0", "vnet_dns": "192.0.2.2", "vnet_addrspernet": 128}


def settings(tmp_path, mode, frontends, extra=None):
    """{host: {"settings": ..., "vtun": ...}} as the role would compute them for each front-end."""
    variables = dict(MANAGED, vnet_mode=mode, ansible_python_interpreter=sys.executable, **(extra or {}))
    inventory = {"all": {"vars": variables,
                         "children": {"frontend": {"hosts": frontends}}}}
    (tmp_path / "inventory.json").write_text(json.dumps(inventory))
    (tmp_path / "play.yml").write_text(textwrap.dedent("""\
        - hosts: frontend
          gather_facts: false
          connection: local
          tasks:
            - ansible.builtin.include_vars: {root}/roles/frontend/defaults/main.yml
            - ansible.builtin.include_vars: {root}/roles/frontend/vars/main.yml
            - ansible.builtin.copy:
                content: "{{{{ {{'settings': __frontend_euca_settings, 'vtun': frontend_euca_vtun | bool}} | to_json }}}}"
                dest: "{out}/{{{{ inventory_hostname }}}}.json"
                mode: "0600"
        """.format(root=ROOT, out=tmp_path)))
    environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".cache", "collections"),
                       ANSIBLE_NOCOLOR="true")
    result = subprocess.run([ANSIBLE_PLAYBOOK, "-i", str(tmp_path / "inventory.json"), str(tmp_path / "play.yml")],
                            capture_output=True, text=True, env=environment, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return {host: json.loads((tmp_path / ("%s.json" % host)).read_text()) for host in frontends}


def test_several_managed_novlan_clusters_get_their_own_address_the_clcs_and_vtun(tmp_path):
    found = settings(tmp_path, "MANAGED-NOVLAN", {"cc1": {"ansible_host": "192.0.2.11"},
                                                  "cc2": {"ansible_host": "192.0.2.12"},
                                                  "cc3": {"ansible_host": "192.0.2.13", "vnet_localip": "192.0.2.99"}})
    assert found["cc1"]["settings"]["VNET_LOCALIP"] == "192.0.2.11"
    assert "VNET_CLOUDIP" not in found["cc1"]["settings"]
    assert (found["cc2"]["settings"]["VNET_LOCALIP"], found["cc2"]["settings"]["VNET_CLOUDIP"]) == (
        "192.0.2.12", "192.0.2.11")
    assert found["cc3"]["settings"]["VNET_LOCALIP"] == "192.0.2.99"
    assert all(entry["vtun"] for entry in found.values())


def test_one_cluster_gets_neither_and_no_vtun(tmp_path):
    found = settings(tmp_path, "MANAGED", {"cc1": {"ansible_host": "192.0.2.11"}})
    assert not {"VNET_LOCALIP", "VNET_CLOUDIP"} & set(found["cc1"]["settings"])
    assert found["cc1"]["vtun"] is False


def test_tunnelling_off_means_no_vtun(tmp_path):
    found = settings(tmp_path, "MANAGED", {"cc1": {"ansible_host": "192.0.2.11"}, "cc2": {"ansible_host": "192.0.2.12"}},
                     extra={"vnet_localip": "0.0.0.0"})
    assert found["cc2"]["settings"]["VNET_LOCALIP"] == "0.0.0.0"
    assert not any(entry["vtun"] for entry in found.values())
