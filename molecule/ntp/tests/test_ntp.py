"""The client follows the server over the network; the server answers only the allowed network."""

import time

import pytest
import testinfra

SERVER = testinfra.get_host("podman://ntp-server")
CLIENT = testinfra.get_host("podman://ntp-client")
OUTSIDER = testinfra.get_host("podman://ntp-outsider")
SERVER_ADDRESS = "198.51.100.10"


def query(host, server):
    """Ask server for the time once from host, with a client that never sets the clock."""
    return host.run("timeout 20 chronyd -Q -t 8 'server %s iburst maxsamples 1'", server)


def sources(host):
    """chronyc's sources as dicts: name, state (* selected, + combined, ? unreachable...), reach."""
    rows = host.check_output("chronyc -n -c sources").splitlines()
    return [
        {"mode": f[0], "state": f[1], "name": f[2], "reach": int(f[5], 8)}
        for f in (row.split(",") for row in rows)
    ]


@pytest.mark.parametrize("host", [SERVER, CLIENT], ids=["server", "client"])
def test_chrony_is_running_and_enabled(host):
    service = host.service("chrony")
    assert service.is_running
    assert service.is_enabled


def test_server_config_allows_only_the_declared_network():
    config = SERVER.file("/etc/chrony/chrony.conf").content_string
    assert "allow 198.51.100.0/27\n" in config
    assert "local stratum 10\n" in config
    assert not [line for line in config.splitlines() if line.startswith("server ")]  # no upstream here


def test_client_config_follows_only_the_server():
    config = CLIENT.file("/etc/chrony/chrony.conf").content_string
    assert [line for line in config.splitlines() if line.startswith("server ")] == [
        "server ntp-server iburst"
    ]
    assert "allow" not in config


def test_client_has_reached_the_server():
    # iburst makes the first exchanges within seconds of chrony's start; allow for a busy machine.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        found = [s for s in sources(CLIENT) if s["name"] == SERVER_ADDRESS]
        if found and found[0]["reach"]:
            break
        time.sleep(2)
    assert found, "ntp-server (%s) is not among the client's sources" % SERVER_ADDRESS
    assert found[0]["mode"] == "^"
    assert found[0]["reach"] > 0


def test_server_serves_its_local_clock_at_stratum_10():
    tracking = SERVER.check_output("chronyc -c tracking").split(",")
    assert tracking[2] == "10"


def test_server_answers_the_allowed_network():
    result = query(CLIENT, SERVER_ADDRESS)
    assert result.rc == 0, result.stderr
    assert "System clock wrong by" in result.stdout + result.stderr


def udp_datagrams_received(host):
    """The kernel's count of UDP datagrams delivered to sockets in the host's network namespace."""
    return int(host.check_output("awk '/^Udp:/ && $2 ~ /^[0-9]+$/ { print $2 }' /proc/net/snmp"))


def test_server_ignores_a_host_outside_the_allowed_network():
    received_before = udp_datagrams_received(SERVER)
    result = query(OUTSIDER, SERVER_ADDRESS)
    received = udp_datagrams_received(SERVER) - received_before
    assert result.rc != 0
    assert "System clock wrong by" not in result.stdout + result.stderr
    # The silence is chrony's doing, not the network's: the outsider's iburst requests (four)
    # reached the server's socket; the client polls at most once in those seconds.
    assert received >= 3, "only %d datagrams reached the server" % received
    assert SERVER.check_output("chronyc accheck 198.51.100.50") == "209 Access denied"
    assert SERVER.check_output("chronyc accheck 198.51.100.20") == "208 Access allowed"


@pytest.mark.parametrize("host", [SERVER, CLIENT], ids=["server", "client"])
def test_chrony_has_leap_second_data(host):
    # chronyd says at start where its leap seconds come from; a source it cannot use is logged
    # as a failed check instead (Debian 13 without tzdata-legacy has no right/UTC zone).
    since_start = host.check_output(
        "journalctl --no-pager -o cat _PID=$(systemctl show -P MainPID chrony)")
    assert "failed leap second check" not in since_start
    if host.file("/etc/debian_version").content_string.startswith("12"):
        assert "Using right/UTC timezone to obtain leap second data" in since_start
    else:
        assert "Using leap second list /usr/share/zoneinfo/leap-seconds.list" in since_start
