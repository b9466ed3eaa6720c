"""owned_addresses driven for real in a throw-away network namespace, a neighbour in another."""

import subprocess
import time
import uuid

import pytest

from namespaces import can_make_namespaces

pytestmark = pytest.mark.skipif(not can_make_namespaces(), reason="needs root to create network namespaces")

ROUTER = {"device": "eth-a", "address": "10.10.1.1/26"}
ELASTIC = {"device": "eth-a", "address": "192.0.2.200/32", "announce": True}


@pytest.fixture
def netns(module_namespace, tmp_path):
    namespace = module_namespace("owned_addresses", defaults={"record": str(tmp_path / "addresses")})
    neighbour = "pcinb-%s" % uuid.uuid4().hex[:8]
    subprocess.run(["ip", "netns", "add", neighbour], check=True)
    namespace.ip("link", "add", "eth-a", "type", "veth", "peer", "name", "eth-n", "netns", neighbour)
    namespace.ip("link", "set", "eth-a", "up")
    namespace.ip("address", "add", "192.0.2.1/24", "dev", "eth-a")
    namespace.neighbour = lambda *command: subprocess.run(["ip", "-n", neighbour, *command], capture_output=True,
                                                          text=True, check=True).stdout
    namespace.neighbour("link", "set", "eth-n", "up")
    namespace.neighbour("address", "add", "192.0.2.2/24", "dev", "eth-n")
    namespace.addresses = lambda: [line.split()[3] for line in
                                   namespace.ip("-4", "-o", "address", "show", "dev", "eth-a").splitlines()]
    namespace.record = tmp_path / "addresses"
    yield namespace
    subprocess.run(["ip", "netns", "delete", neighbour], check=False)


def test_adds_records_and_is_idempotent(netns):
    result = netns.module(addresses=[ROUTER, ELASTIC])
    assert result["changed"] is True, result
    assert result["added"] == ["10.10.1.1/26 on eth-a", "192.0.2.200/32 on eth-a"]
    assert netns.addresses() == ["192.0.2.1/24", "10.10.1.1/26", "192.0.2.200/32"]
    # The record is the boot unit's batch file.
    assert netns.record.read_text().splitlines()[1:] == ["address replace 10.10.1.1/26 dev eth-a",
                                                         "address replace 192.0.2.200/32 dev eth-a"]
    again = netns.module(addresses=[ROUTER, ELASTIC])
    assert again["changed"] is False and again["commands"] == [], again


def test_an_address_that_leaves_the_list_leaves_the_host_and_others_stay(netns):
    netns.module(addresses=[ROUTER, ELASTIC])
    # An address nobody recorded, equal in kind to ours: never the module's to remove.
    netns.ip("address", "add", "10.10.2.1/26", "dev", "eth-a")
    result = netns.module(addresses=[ROUTER])
    assert result["removed"] == ["192.0.2.200/32 on eth-a"]
    assert netns.addresses() == ["192.0.2.1/24", "10.10.1.1/26", "10.10.2.1/26"]
    netns.module(addresses=[])
    assert netns.addresses() == ["192.0.2.1/24", "10.10.2.1/26"]
    assert not netns.record.exists()


def test_check_mode_predicts_and_changes_nothing(netns):
    netns.module(addresses=[ROUTER])
    result = netns.module(check=True, addresses=[ELASTIC])
    assert result["changed"] is True
    assert result["commands"] == ["address del 10.10.1.1/26 dev eth-a", "address add 192.0.2.200/32 dev eth-a"]
    assert result["diff"] == {"before": "10.10.1.1/26 on eth-a\n", "after": "192.0.2.200/32 on eth-a\n"}
    assert netns.addresses() == ["192.0.2.1/24", "10.10.1.1/26"]


def test_a_new_elastic_ip_is_announced_to_the_neighbours(netns):
    # The neighbour still believes the address is at another host (where the elastic IP was before).
    netns.neighbour("neigh", "replace", "192.0.2.200", "lladdr", "02:00:00:00:00:99", "dev", "eth-n", "nud", "stale")
    time.sleep(1.2)  # the kernel ignores an update within locktime (1 s) of the last one
    result = netns.module(addresses=[ELASTIC])
    assert result["announced"] == ["192.0.2.200/32 on eth-a"]
    mac = netns.ip("-br", "link", "show", "dev", "eth-a").split()[2]
    assert "lladdr %s" % mac in netns.neighbour("neigh", "show", "192.0.2.200", "dev", "eth-n")


def test_a_missing_interface_fails_naming_it(netns):
    result = netns.module(addresses=[{"device": "eth-z", "address": "10.10.1.1/26"}])
    assert result["failed"] is True
    assert result["msg"] == "eth-z: no such interface for 10.10.1.1/26"


ROUTE = {"to": "10.10.3.5/32", "via": "192.0.2.2"}


def routes(netns):
    return [line.strip() for line in netns.ip("-4", "route", "show", "proto", "boot").splitlines()
            if "via" in line]


def test_routes_follow_the_addresses_and_are_idempotent(netns):
    result = netns.module(addresses=[ROUTER], routes=[ROUTE])
    assert result["commands"] == ["address add 10.10.1.1/26 dev eth-a", "route replace 10.10.3.5/32 via 192.0.2.2"]
    assert result["routes_added"] == ["10.10.3.5/32 via 192.0.2.2"]
    assert routes(netns) == ["10.10.3.5 via 192.0.2.2 dev eth-a"]
    assert netns.record.read_text().splitlines()[1:] == ["address replace 10.10.1.1/26 dev eth-a",
                                                         "route replace 10.10.3.5/32 via 192.0.2.2"]
    assert result["diff"]["after"] == "10.10.1.1/26 on eth-a\nroute to 10.10.3.5/32 via 192.0.2.2\n"
    again = netns.module(addresses=[ROUTER], routes=[ROUTE])
    assert again["changed"] is False and again["commands"] == [], again


def test_a_route_through_another_gateway_is_made_exact_and_one_that_leaves_is_deleted(netns):
    netns.module(routes=[ROUTE])
    moved = netns.module(routes=[dict(ROUTE, via="192.0.2.3")])
    assert moved["commands"] == ["route replace 10.10.3.5/32 via 192.0.2.3"]
    assert routes(netns) == ["10.10.3.5 via 192.0.2.3 dev eth-a"]
    # A route nobody recorded, of the same kind as ours: never the module's to remove.
    netns.ip("route", "add", "10.10.3.6/32", "via", "192.0.2.2")
    gone = netns.module(check=True, routes=[])
    assert gone["commands"] == ["route del 10.10.3.5/32 via 192.0.2.3"] and len(routes(netns)) == 2
    netns.module(routes=[])
    assert routes(netns) == ["10.10.3.6 via 192.0.2.2 dev eth-a"]
    assert not netns.record.exists()


def test_the_record_puts_addresses_and_routes_back_at_boot(netns):
    netns.module(addresses=[ROUTER], routes=[ROUTE])
    netns.ip("address", "flush", "dev", "eth-a")
    netns.ip("address", "add", "192.0.2.1/24", "dev", "eth-a")
    # What the boot unit runs.
    netns.run("ip", "-force", "-batch", str(netns.record))
    assert "10.10.1.1/26" in netns.addresses() and routes(netns) == ["10.10.3.5 via 192.0.2.2 dev eth-a"]
