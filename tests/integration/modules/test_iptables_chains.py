"""iptables_chains driven for real in a throw-away network namespace, on both iptables backends.

Each test gets a fresh named namespace holding other software's state (a foreign chain, foreign
rules in builtin chains, a nat rule) and runs the module there as Ansible would, with its JSON
arguments. Nothing touches the host's own tables.
"""

import json
import os
import shutil
import sys

import pytest

from namespaces import COLLECTIONS, can_make_namespaces, wait_for_rollback_timer


FOREIGN_STATE = """*filter
:FOREIGN - [0:0]
-A FOREIGN -s 203.0.113.9/32 -j RETURN
-A INPUT -s 198.51.100.9/32 -j ACCEPT
-A INPUT -j FOREIGN
COMMIT
*nat
-A POSTROUTING -s 198.51.100.0/24 -j MASQUERADE
COMMIT
"""


pytestmark = pytest.mark.skipif(not can_make_namespaces() or not shutil.which("iptables-save"),
                                reason="needs root, iproute2 and iptables to create network namespaces")


def legacy_path(tmp_path):
    """A PATH with the legacy iptables tools first, under the names the module looks for."""
    tools = tmp_path / "legacy-bin"
    tools.mkdir()
    for family in ("iptables", "ip6tables"):
        for suffix in ("", "-save", "-restore"):
            os.symlink(shutil.which("%s-legacy%s" % (family, suffix)), tools / (family + suffix))
    return "%s:%s" % (tools, os.environ["PATH"])


def save(namespace, command="iptables-save"):
    return "\n".join(line for line in namespace.run(command).stdout.splitlines() if not line.startswith("#"))


@pytest.fixture(params=["nft", "legacy"])
def netns(request, tmp_path, module_namespace):
    namespace = module_namespace("iptables_chains", defaults={"cache_dir": str(tmp_path / "cache")},
                                 path=legacy_path(tmp_path) if request.param == "legacy" else None)
    namespace.save = lambda command="iptables-save": save(namespace, command)
    namespace.run("iptables-restore", "--noflush", data=FOREIGN_STATE)
    return namespace


def declaration(input_rules=None, extra_chain=True):
    chains = {"IAAS-INPUT": input_rules or [
        "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "-p tcp --dport 22 -j ACCEPT",
        "-s 10.0.0.1 -j DROP",
    ]}
    jumps = [{"chain": "INPUT", "target": "IAAS-INPUT", "position": 1}]
    if extra_chain:
        chains["IAAS-SERVICES"] = ["-p tcp -m multiport --dports 8080,8250,9090 -s 10.1.0.0/24 -j ACCEPT"]
        jumps.append({"chain": "INPUT", "target": "IAAS-SERVICES", "rule": "-i eth1"})
    return {
        "filter": {"chains": chains, "jumps": jumps, "policies": {"FORWARD": "DROP"}},
        "nat": {"chains": {"IAAS-POSTROUTING": ["-s 192.168.0.0/16 ! -d 192.168.0.0/16 -j MASQUERADE"]},
                "jumps": [{"chain": "POSTROUTING", "target": "IAAS-POSTROUTING"}]},
    }


def foreign_intact(saved):
    for line in ("-A FOREIGN -s 203.0.113.9/32 -j RETURN", "-A INPUT -s 198.51.100.9/32 -j ACCEPT",
                 "-A INPUT -j FOREIGN", "-A POSTROUTING -s 198.51.100.0/24 -j MASQUERADE"):
        assert line in saved.splitlines(), (line, saved)


def test_apply_then_reapply_changes_nothing(netns):
    result = netns.module(tables=declaration())
    assert result["changed"] is True, result
    saved = netns.save()
    lines = saved.splitlines()
    assert lines.index("-A INPUT -j IAAS-INPUT") < lines.index("-A INPUT -s 198.51.100.9/32 -j ACCEPT")
    assert lines[-len(lines):].count("-A INPUT -i eth1 -j IAAS-SERVICES") == 1
    assert "-A IAAS-INPUT -p tcp -m tcp --dport 22 -j ACCEPT" in lines
    assert "-A IAAS-POSTROUTING -s 192.168.0.0/16 ! -d 192.168.0.0/16 -j MASQUERADE" in lines
    assert ":FORWARD DROP [0:0]" in lines
    foreign_intact(saved)

    again = netns.module(tables=declaration())
    assert again["changed"] is False, again
    assert again["script"] == ""
    assert netns.save() == saved


def test_changing_one_rule_rewrites_only_that_chain_in_order(netns):
    netns.module(tables=declaration())
    rules = ["-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", "-p tcp --dport 2222 -j ACCEPT",
             "-s 10.0.0.1 -j DROP"]
    result = netns.module(tables=declaration(rules))
    assert result["changed"] is True
    assert result["script"] == (
        "*filter\n:IAAS-INPUT - [0:0]\n"
        "-A IAAS-INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
        "-A IAAS-INPUT -p tcp -m tcp --dport 2222 -j ACCEPT\n"
        "-A IAAS-INPUT -s 10.0.0.1/32 -j DROP\nCOMMIT\n")
    saved = netns.save().splitlines()
    chain = [line for line in saved if line.startswith("-A IAAS-INPUT ")]
    assert chain == ["-A IAAS-INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                     "-A IAAS-INPUT -p tcp -m tcp --dport 2222 -j ACCEPT",
                     "-A IAAS-INPUT -s 10.0.0.1/32 -j DROP"]
    foreign_intact("\n".join(saved))


def test_a_chain_left_out_is_removed_with_its_jump(netns):
    netns.module(tables=declaration())
    result = netns.module(tables=declaration(extra_chain=False))
    assert result["changed"] is True
    saved = netns.save()
    assert "IAAS-SERVICES" not in saved
    assert "-A INPUT -j IAAS-INPUT" in saved.splitlines()
    foreign_intact(saved)


def test_a_table_left_out_loses_its_owned_chains(netns):
    netns.module(tables=declaration())
    result = netns.module(tables={"filter": declaration()["filter"]})
    assert result["changed"] is True
    saved = netns.save()
    assert "IAAS-POSTROUTING" not in saved
    foreign_intact(saved)


def test_absent_removes_everything_owned_and_nothing_else(netns):
    netns.module(tables=declaration())
    result = netns.module(state="absent")
    assert result["changed"] is True
    saved = netns.save()
    assert "IAAS-" not in saved
    foreign_intact(saved)
    assert netns.module(state="absent")["changed"] is False


def test_check_mode_changes_nothing_and_predicts_the_run(netns):
    before = netns.save()
    predicted = netns.module(check=True, tables=declaration())
    assert predicted["changed"] is True
    assert netns.save() == before
    applied = netns.module(tables=declaration())
    assert applied["script"] == predicted["script"]
    assert applied["diff"] == predicted["diff"]
    assert netns.module(check=True, tables=declaration())["changed"] is False


def test_diff_shows_owned_state_before_and_after(netns):
    netns.module(tables=declaration())
    rules = ["-p tcp --dport 2222 -j ACCEPT"]
    result = netns.module(check=True, tables=declaration(rules))
    before, after = result["diff"]["before"].splitlines(), result["diff"]["after"].splitlines()
    assert "-A IAAS-INPUT -p tcp -m tcp --dport 22 -j ACCEPT" in before
    assert "-A IAAS-INPUT -p tcp -m tcp --dport 2222 -j ACCEPT" in after
    assert "-I INPUT 1 -j IAAS-INPUT" in before and "-I INPUT 1 -j IAAS-INPUT" in after
    assert not [line for line in before + after if "FOREIGN" in line or "198.51.100.9" in line]


def test_a_jump_pushed_down_by_other_software_moves_back_alone(netns):
    netns.module(tables=declaration())
    netns.run("iptables", "-I", "INPUT", "1", "-s", "192.0.2.77", "-j", "ACCEPT")
    result = netns.module(tables=declaration())
    assert result["changed"] is True
    # Only our jumps in INPUT are placed again, in one commit; no chain is flushed, no other rule named.
    assert result["script"] == ("*filter\n-D INPUT -j IAAS-INPUT\n-D INPUT -i eth1 -j IAAS-SERVICES\n"
                                "-I INPUT 1 -j IAAS-INPUT\n-I INPUT 5 -i eth1 -j IAAS-SERVICES\nCOMMIT\n")
    lines = netns.save().splitlines()
    assert lines.index("-A INPUT -j IAAS-INPUT") < lines.index("-A INPUT -s 192.0.2.77/32 -j ACCEPT")


def test_a_bad_rule_fails_naming_chain_and_rule_before_any_change(netns):
    before = netns.save()
    result = netns.module(tables=declaration(["-p tcp --dportt 22 -j ACCEPT"]))
    assert result.get("failed") is True
    assert "table filter, chain IAAS-INPUT: the rule '-p tcp --dportt 22 -j ACCEPT' is refused" in result["msg"]
    assert netns.save() == before


@pytest.mark.parametrize("tables, message", [
    ({"filter": {"chains": {"MINE": []}}}, "tables.filter.chains: 'MINE' is not a chain name starting with 'IAAS-'"),
    ({"filter": {"chains": {}, "jumps": [{"chain": "INPUT", "target": "IAAS-X"}]}},
     "tables.filter.jumps[0].target: 'IAAS-X' is not a chain declared in tables.filter.chains"),
    ({"nat": {"chains": {"IAAS-A": []}, "jumps": [{"chain": "FORWARD", "target": "IAAS-A"}]}},
     "tables.nat.jumps[0].chain: 'FORWARD' is not a builtin chain of nat (PREROUTING, INPUT, OUTPUT, POSTROUTING)"),
    ({"filter": {"policies": {"INPUT": "REJECT"}}}, "tables.filter.policies.INPUT: 'REJECT' is not one of ACCEPT, DROP"),
    ({"security": {}}, "tables: 'security' is not one of filter, nat, mangle, raw"),
])
def test_declaration_errors_name_the_place(netns, tables, message):
    result = netns.module(tables=tables)
    assert result.get("failed") is True
    assert result["msg"] == message


def test_ipv6(netns):
    tables = {"filter": {"chains": {"IAAS-INPUT": ["-s 2001:db8::/32 -p tcp --dport 22 -j ACCEPT"]},
                         "jumps": [{"chain": "INPUT", "target": "IAAS-INPUT"}]}}
    assert netns.module(ip_version="ipv6", tables=tables)["changed"] is True
    assert "-A IAAS-INPUT -s 2001:db8::/32 -p tcp -m tcp --dport 22 -j ACCEPT" in netns.save("ip6tables-save")
    assert netns.module(ip_version="ipv6", tables=tables)["changed"] is False
    assert "IAAS-" not in netns.save()


def test_persist_path_writes_a_boot_script_once(netns, tmp_path):
    path = tmp_path / "etc" / "rules.v4"
    first = netns.module(tables=declaration(), persist_path=str(path))
    assert first["changed"] is True
    content = path.read_text()
    assert "-I INPUT 1 -j IAAS-INPUT\n" in content and "-A INPUT -i eth1 -j IAAS-SERVICES\n" in content
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert netns.module(tables=declaration(), persist_path=str(path))["changed"] is False
    # What the boot unit would do: restore it into tables that hold only other software's rules.
    netns.module(state="absent")
    netns.run("iptables-restore", "--noflush", "--wait", "30", str(path))
    assert netns.module(tables=declaration())["changed"] is False


def renamed(tables, prefix):
    """A declaration's chains under another prefix."""
    return json.loads(json.dumps(tables).replace("IAAS-", prefix))


def test_a_new_prefix_takes_the_chains_the_boot_script_names_off_the_host(netns, tmp_path):
    path = tmp_path / "rules.v4"
    netns.module(tables=declaration(), persist_path=str(path))
    moved = renamed(declaration(), "CLOUD-")
    predicted = netns.module(check=True, tables=moved, prefix="CLOUD-", persist_path=str(path))
    assert predicted["changed"] is True and ":IAAS-INPUT" in predicted["diff"][0]["before"]
    assert "IAAS-INPUT" in netns.save()
    done = netns.module(tables=moved, prefix="CLOUD-", persist_path=str(path))
    saved = netns.save()
    assert done["changed"] is True and "IAAS-" not in saved and "-A INPUT -j CLOUD-INPUT" in saved, saved
    foreign_intact(saved)
    assert "IAAS-" not in path.read_text()
    assert netns.module(tables=moved, prefix="CLOUD-", persist_path=str(path))["changed"] is False


def test_copies_go_only_where_their_directory_exists_and_check_mode_predicts_them(netns, tmp_path):
    (tmp_path / "eucalyptus").mkdir()
    preload, absent = tmp_path / "eucalyptus" / "iptables-preload", tmp_path / "no-cc" / "iptables-preload"
    arguments = dict(tables=declaration(), persist_path=str(tmp_path / "rules.v4"), copies=[str(preload), str(absent)])
    predicted = netns.module(check=True, **arguments)
    assert [part.get("after_header") for part in predicted["diff"][1:]] == [str(tmp_path / "rules.v4"), str(preload)]
    assert not preload.exists()
    netns.module(**arguments)
    assert preload.read_text() == (tmp_path / "rules.v4").read_text() and not absent.parent.exists()
    assert oct(preload.stat().st_mode & 0o777) == "0o600"
    assert netns.module(**arguments)["changed"] is False


def test_ansible_playbook_check_diff_shows_the_change(netns, tmp_path):
    """What a user sees with --check --diff: the owned chain's old and new rule, nothing foreign."""
    netns.module(tables=declaration())
    playbook = tmp_path / "firewall.yml"
    playbook.write_text(json.dumps([{
        "hosts": "localhost", "gather_facts": False,
        "tasks": [{"name": "Firewall", "privatecloud.iaas.iptables_chains": {
            "tables": declaration(["-p tcp --dport 2222 -j ACCEPT"]), "cache_dir": str(tmp_path / "cache")}}],
    }]))
    result = netns.run("env", "ANSIBLE_COLLECTIONS_PATH=" + COLLECTIONS, "ANSIBLE_NOCOLOR=1",
                       "ANSIBLE_LOCALHOST_WARNING=0", os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
                       "-c", "local", "-i", "localhost,", "-e", "ansible_python_interpreter=" + sys.executable,
                       "--check", "--diff", str(playbook), check=False)
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "-A IAAS-INPUT -p tcp -m tcp --dport 22 -j ACCEPT" in result.stdout
    assert "+-A IAAS-INPUT -p tcp -m tcp --dport 2222 -j ACCEPT" in result.stdout
    assert "changed: [localhost]" in result.stdout
    assert "FOREIGN" not in result.stdout


def test_an_unchanged_declaration_is_spelled_from_the_cache(netns, tmp_path):
    netns.module(tables=declaration())
    # From now on no namespace can be made: a re-check must not need one, a change must.
    stub = tmp_path / "no-unshare"
    stub.mkdir()
    (stub / "unshare").write_text("#!/bin/sh\necho 'unshare: Operation not permitted' >&2\nexit 1\n")
    (stub / "unshare").chmod(0o755)
    netns.path = "%s:%s" % (stub, netns.path)
    assert netns.module(tables=declaration())["changed"] is False
    result = netns.module(tables=declaration(["-p tcp --dport 2222 -j ACCEPT"]))
    assert result.get("failed") is True
    assert result["msg"].startswith("cannot create a network namespace"), result


def test_check_mode_writes_no_cache(netns, tmp_path):
    netns.module(check=True, tables=declaration(), cache_dir=str(tmp_path / "check-cache"))
    assert not (tmp_path / "check-cache").exists()


def test_an_unconfirmed_change_rolls_itself_back(netns):
    netns.module(tables=declaration())
    before = netns.save()
    # Long enough for the test to see the change before the timer undoes it, on a busy machine too.
    changed = netns.module(tables=declaration(["-p tcp --dport 2222 -j ACCEPT"], extra_chain=False),
                           rollback_timeout=15)
    assert changed["changed"] is True
    assert os.path.exists(changed["rollback_cookie"])
    assert "--dport 2222" in netns.save()
    wait_for_rollback_timer(changed["rollback_cookie"])
    assert not os.path.exists(changed["rollback_cookie"])
    assert netns.save() == before


def test_a_confirmed_change_stays(netns):
    netns.module(tables=declaration())
    # Long enough for the test to remove the cookie before the timer looks, even on a loaded machine.
    changed = netns.module(tables=declaration(["-p tcp --dport 2222 -j ACCEPT"]), rollback_timeout=15)
    os.unlink(changed["rollback_cookie"])
    after = netns.save()
    wait_for_rollback_timer(changed["rollback_cookie"])
    assert netns.save() == after
    assert "--dport 2222" in after
