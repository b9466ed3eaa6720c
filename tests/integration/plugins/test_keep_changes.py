"""keep_changes over a real (local) connection: cookies of armed changes are removed once the host
answers; a cookie the host's timer already claimed means the host rolled back, and the run says so."""

import json
import textwrap

from runner import ansible_playbook


LOCAL = {"ansible_connection": "local"}


def keep(tmp_path, cookies, check=False, host="keep-host", connection=None, **arguments):
    """Run keep_changes on one host; ``arguments`` override what, rollback_timeout, timeout."""
    arguments = dict({"what": "bridges", "rollback_timeout": 30, "timeout": 4, "sleep": 1}, **arguments)
    playbook = tmp_path / "play.yml"
    playbook.write_text(textwrap.dedent("""\
        - hosts: all
          gather_facts: false
          tasks:
            - name: Keep the change
              privatecloud.iaas.keep_changes: {arguments}
        """).format(arguments=json.dumps(dict(arguments, cookies=[str(cookie) for cookie in cookies]))))
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(json.dumps({"all": {"hosts": {host: connection or LOCAL}}}))
    return ansible_playbook(playbook, inventory, *(["--check"] if check else []), cwd=tmp_path)


def test_the_cookies_of_a_host_that_answers_are_removed(tmp_path):
    cookies = [tmp_path / "bridge.cookie", tmp_path / "vlan.cookie"]
    for cookie in cookies:
        cookie.write_text("remove this file to keep the interface changes\n")
    run = keep(tmp_path, cookies)
    assert run.returncode == 0, run
    [(_task, _host, result)] = run.results("keep-host")
    assert result["kept"] == [str(cookie) for cookie in cookies] and result["changed"] is False
    assert not any(cookie.exists() for cookie in cookies)


def test_a_cookie_the_timer_claimed_means_the_host_rolled_back(tmp_path):
    kept, claimed = tmp_path / "bridge.cookie", tmp_path / "vlan.cookie"
    kept.write_text("")
    run = keep(tmp_path, [kept, claimed])  # the timer renamed vlan.cookie away: it is gone
    assert run.returncode == 2
    [(_task, result)] = run.failures("keep-host")
    assert result["msg"] == ("The controller lost keep-host after changing its bridges: when it reached the host "
                             "again, the host had already put its previous bridges back by itself, 30 s after the "
                             "change.")


def test_nothing_to_keep_and_check_mode_touch_nothing(tmp_path):
    cookie = tmp_path / "bridge.cookie"
    cookie.write_text("")
    assert keep(tmp_path, []).returncode == 0
    checked = keep(tmp_path, [cookie], check=True)
    assert checked.returncode == 0 and cookie.exists()


def test_a_host_that_never_answers_is_reported_lost(tmp_path):
    # Nothing listens on port 9 of the loopback: every attempt to reach the host fails.
    unreachable = {"ansible_connection": "ssh", "ansible_host": "127.0.0.1", "ansible_port": 9,
                   "ansible_ssh_common_args": "-o ConnectTimeout=1 -o BatchMode=yes"}
    run = keep(tmp_path, ["/run/privatecloud-iaas/bridge.cookie"], host="gone-host", connection=unreachable,
               what="firewall", rollback_timeout=120, timeout=2)
    [(_task, result)] = run.failures("gone-host") or [(None, {})]
    assert result.get("msg", "").startswith("The controller lost gone-host after changing its firewall: it could "
                                            "not reach the host again within 2 s"), run
    assert result["msg"].endswith("and the host puts its previous firewall back by itself, 120 s after the change.")
