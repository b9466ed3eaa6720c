"""The time service's part of a host's plan: chrony.conf of a server and a client, per release, and
the options it refuses (chronyd -p checks the files for real in molecule/ntp)."""

from ansible_collections.privatecloud.iaas.plugins.module_utils import ntp

DEBIAN_13 = {"os_family": "Debian", "distribution": "Debian", "distribution_major_version": "13"}
DEBIAN_12 = dict(DEBIAN_13, distribution_major_version="12")


def section(facts=None, **settings):
    problems = []
    found = ntp.section(dict(ntp.OPTIONS, **settings), DEBIAN_13 if facts is None else facts,
                        lambda *problem: problems.append(problem))
    return found, problems


def test_a_server_follows_upstream_serves_its_networks_and_its_own_clock():
    found, problems = section(ntp_role="server", ntp_servers=["0.pool.example.org"], ntp_allow=["192.0.2.0/24"])
    assert problems == []
    assert found["files"] == [{"path": "/etc/chrony/chrony.conf", "validate": "chronyd -p -f %s", "content": (
        "# Managed by privatecloud.iaas (ntp role): this host is a time server.\n\n"
        "server 0.pool.example.org iburst\n\n"
        "# Clients this server answers; chrony refuses every other one.\n"
        "allow 192.0.2.0/24\n\n"
        "# Keep serving the local clock when no upstream answers, so the cloud stays in step with itself.\n"
        "local stratum 10\n\n"
        "makestep 1 3\nrtcsync\nkeyfile /etc/chrony/chrony.keys\ndriftfile /var/lib/chrony/chrony.drift\n"
        "logdir /var/log/chrony\nleapseclist /usr/share/zoneinfo/leap-seconds.list\n")}]
    assert found["actions"] == [{"name": "restart chrony", "service": "chrony", "files": ["/etc/chrony/chrony.conf"]}]
    assert found["units"] == [{"name": "chrony", "enabled": True, "started": True}]


def test_a_client_follows_its_servers_and_answers_nobody():
    found, _problems = section(ntp_role="client", ntp_servers=["fe1"], ntp_allow=["192.0.2.0/24"])
    content = found["files"][0]["content"]
    assert "server fe1 iburst\n" in content and "allow" not in content and "local stratum" not in content


def test_debian_12_reads_the_leap_seconds_from_the_right_utc_zone():
    found, _problems = section(DEBIAN_12, ntp_role="client", ntp_servers=["fe1"])
    assert found["files"][0]["content"].endswith("leapsectz right/UTC\n")


def test_what_chrony_cannot_take_is_refused_each_named():
    _found, problems = section(ntp_role="client", ntp_servers=["fe1\nallow 0.0.0.0/0"], ntp_allow=["192.0.2.7/24"],
                               ntp_local_stratum=16, ntp_makestep_limit="3")
    assert [problem[0] for problem in problems] == ["ntp_servers", "ntp_allow[0]", "ntp_local_stratum",
                                                    "ntp_makestep_limit"]
    _found, problems = section(ntp_role="client", ntp_servers=[])
    assert problems == [("ntp_servers", [], "is empty on a client: put hosts in the group 'frontend' or set "
                                            "ntp_servers")]
