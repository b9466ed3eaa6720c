"""iptables_chains' revocation on a real front-end namespace routing between a client and a "VM".

The front-end namespace forwards between a client (198.51.100.2) and a VM (10.10.1.2 in the block
10.10.1.0/26 of the subnet 10.10.0.0/16), with the FORWARD chain of a MANAGED front-end: the
established accept first, then the group's rule. A TCP connection is opened from the client to the
VM's port 22 and stays open while the rule is revoked. The chains the module is given own nothing
here (the FORWARD chain is the test's): what is under test is the revocation the same call does
after it applies them.
"""

import shutil
import subprocess
import sys
import time
import uuid

import pytest

from namespaces import can_make_namespaces

pytestmark = [
    pytest.mark.skipif(not can_make_namespaces(), reason="needs root to create network namespaces"),
    pytest.mark.skipif(not shutil.which("conntrack"), reason="needs conntrack (make deps installs it)"),
]

SUBNET = "10.10.0.0/16"
RULE = {"source": "0.0.0.0/0", "protocol": "tcp", "ports": "22", "icmp_type": None}
SERVER = """
import socket, sys
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("10.10.1.2", 22)); listener.listen(1)
print("listening", flush=True)
connection, _peer = listener.accept()
with open(sys.argv[1], "a") as out:
    while True:
        data = connection.recv(100)
        if not data:
            break
        out.write(data.decode()); out.flush()
"""
CLIENT = """
import socket, sys
connection = socket.create_connection(("10.10.1.2", 22), timeout=5)
print("connected", flush=True)
for line in sys.stdin:
    connection.sendall(line.encode())
"""


def plane(allowed):
    return {"groups": [{"name": "admin/default", "cidr": "10.10.1.0/26", "allowed": allowed}],
            "instances": [{"name": "i-1", "private_ip": "10.10.1.2", "public_ip": None}]}


@pytest.fixture
def cloud(module_namespace, tmp_path):
    fe = module_namespace("iptables_chains", defaults={"tables": {}})
    others = {role: "pc%s-%s" % (role, uuid.uuid4().hex[:6]) for role in ("vm", "client")}
    for role, name in others.items():
        subprocess.run(["ip", "netns", "add", name], check=True)
        fe.ip("link", "add", "to-" + role, "type", "veth", "peer", "name", "eth0", "netns", name)
        fe.ip("link", "set", "to-" + role, "up")
        subprocess.run(["ip", "-n", name, "link", "set", "eth0", "up"], check=True)
    fe.ip("address", "add", "10.10.1.1/26", "dev", "to-vm")
    fe.ip("address", "add", "198.51.100.1/24", "dev", "to-client")
    for name, address, router in ((others["vm"], "10.10.1.2/26", "10.10.1.1"),
                                  (others["client"], "198.51.100.2/24", "198.51.100.1")):
        subprocess.run(["ip", "-n", name, "address", "add", address, "dev", "eth0"], check=True)
        subprocess.run(["ip", "-n", name, "route", "add", "default", "via", router], check=True)
    fe.run("sysctl", "-qw", "net.ipv4.ip_forward=1")
    fe.run("iptables-restore", data="*filter\n:FORWARD DROP [0:0]\n"
           "-A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT\n"
           "-A FORWARD -s 10.10.1.0/26 -j ACCEPT\n"
           "-A FORWARD -d 10.10.1.0/26 -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n")
    received = tmp_path / "received"
    received.write_text("")
    server = subprocess.Popen(["ip", "netns", "exec", others["vm"], sys.executable, "-c", SERVER, str(received)],
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout.readline().strip() == "listening"
    client = subprocess.Popen(["ip", "netns", "exec", others["client"], sys.executable, "-c", CLIENT],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert client.stdout.readline().strip() == "connected"

    def send(text, within=30):
        """Whether ``text`` arrives within ``within`` seconds (at once, where it can)."""
        client.stdin.write(text + "\n")
        client.stdin.flush()
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if text in received.read_text():
                return True
            time.sleep(0.1)
        return False

    fe.send, fe.received = send, received
    yield fe
    for process in (client, server):
        process.kill()
        process.wait()
    for name in others.values():
        subprocess.run(["ip", "netns", "delete", name], check=False)


def revoke(allowed=(), groups=True):
    return {"subnet": SUBNET, "dataplane": plane(list(allowed)) if groups else {"groups": [], "instances": []}}


def test_an_allowed_connection_is_left_alone(cloud):
    assert cloud.send("one")
    result = cloud.module(revoke=revoke([RULE]))
    assert result["changed"] is False and result["ended"] == [], result
    assert cloud.send("two")


def test_revoking_the_rule_ends_the_open_connection(cloud):
    assert cloud.send("one")
    # The new chains (as iptables_chains applies them): the rule is gone.
    cloud.run("iptables", "-D", "FORWARD", "-d", "10.10.1.0/26", "-p", "tcp", "-m", "tcp", "--dport", "22",
              "-j", "ACCEPT")
    # Without this module the established accept keeps the connection alive: the CC's fault.
    assert cloud.send("still")
    predicted = cloud.module(check=True, revoke=revoke())
    assert predicted["changed"] is True
    assert len(predicted["ended"]) == 1 and predicted["ended"][0].startswith("tcp 198.51.100.2 -> 10.10.1.2:22: ")
    assert predicted["ended"][0].endswith("no rule of admin/default allows it any more")
    assert cloud.send("check mode ended nothing")
    assert predicted["diff"][-1]["before_header"] == "tracked connections"
    result = cloud.module(revoke=revoke())
    assert result["ended"] == predicted["ended"]
    # Locally a message arrives in milliseconds: three seconds of silence is no delivery.
    assert not cloud.send("after", within=3), "the revoked connection still delivers"
    assert cloud.module(revoke=revoke())["changed"] is False


def test_an_instance_that_leaves_the_plan_loses_its_connections(cloud):
    assert cloud.send("one")
    result = cloud.module(revoke=revoke(groups=False))
    assert result["ended"][0].endswith("goes to 10.10.1.2, which is in no active security group")
