"""A "VM" that asks for an address: the tests' and the lab's proof that DHCP really works.

A network namespace whose veth peer is a port of BRIDGE, with the VM's MAC, runs ISC dhclient
once. Prints the lease as JSON - the address and the MTU the kernel now gives the VM's interface
(dhclient sets the MTU a lease names), and the router, DNS servers, domain, MTU and server the
lease names - then removes the namespace. Exits 1,
printing {"address": null}, when no server gave an address within SECONDS.

With --keep NAME the VM stays: the namespace NAME keeps its address and default route, and its
dhclient keeps renewing the lease (run it again with the same NAME to ask afresh).

usage: vm-dhcp BRIDGE MAC [SECONDS] [--keep NAME]
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def run(*command, check=True):
    return subprocess.run(command, capture_output=True, text=True, check=check)


def last_lease(text):
    """The options of the last lease block of a dhclient leases file."""
    blocks = re.findall(r"lease \{(.*?)\n\}", text, re.S)
    found = {}
    for line in (blocks[-1] if blocks else "").splitlines():
        words = line.strip().rstrip(";").split(None, 2)
        if len(words) == 3 and words[0] == "option":
            found[words[1]] = words[2].strip('"')
    return found


def main(bridge, mac, seconds=20, keep=None):
    name = keep or "vm" + mac.replace(":", "").lower()[-6:]
    # Named like the hypervisor's ports (libvirt's vnetN), which a rerun of the bridge role keeps.
    outside = "vnet-" + name[-10:]
    work = os.path.join("/run/vm-dhcp", name) if keep else tempfile.mkdtemp(prefix=name + "-")
    resolv_dir = os.path.join("/etc/netns", name)
    if keep:
        # Asked afresh: the earlier VM of that name goes first, its dhclient with it.
        if os.path.exists(os.path.join(work, "pid")):
            run("ip", "netns", "exec", name, "dhclient", "-x", "-pf", os.path.join(work, "pid"), check=False)
        run("ip", "netns", "delete", name, check=False)
        run("ip", "link", "delete", outside, check=False)
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
    try:
        run("ip", "netns", "add", name)
        run("ip", "link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", name)
        run("ip", "link", "set", outside, "master", bridge, "up")
        run("ip", "-n", name, "link", "set", "eth0", "address", mac, "up")
        # ip netns exec mounts /etc/netns/<name>/resolv.conf over /etc/resolv.conf: the VM's DNS
        # lands there, not in the host's file.
        os.makedirs(resolv_dir, exist_ok=True)
        open(os.path.join(resolv_dir, "resolv.conf"), "w").close()
        config, leases, pid = (os.path.join(work, part) for part in ("dhclient.conf", "leases", "pid"))
        with open(config, "w") as stream:
            stream.write("timeout %d;\nretry 1;\nrequest subnet-mask, broadcast-address, routers, "
                         "domain-name-servers, domain-name, interface-mtu;\n" % int(seconds))
        got = run("ip", "netns", "exec", name, "dhclient", "-4", "-1", "-v", "-cf", config, "-lf", leases,
                  "-pf", pid, "eth0", check=False)
        if not keep:
            run("ip", "netns", "exec", name, "dhclient", "-x", "-pf", pid, check=False)
        links = json.loads(run("ip", "-j", "-n", name, "-4", "address", "show", "dev", "eth0").stdout)
        addresses = [("%s/%s" % (info["local"], info["prefixlen"])) for link in links
                     for info in link.get("addr_info", [])]
        options = last_lease(open(leases).read()) if os.path.exists(leases) else {}
        lease = {
            "mac": mac,
            "address": addresses[0] if addresses else None,
            "routers": options.get("routers", "").replace(",", " ").split(),
            "dns": options.get("domain-name-servers", "").replace(",", " ").split(),
            "domain": options.get("domain-name"),
            "server": options.get("dhcp-server-identifier"),
            "lease_mtu": int(options["interface-mtu"]) if options.get("interface-mtu", "").isdigit() else None,
            "mtu": links[0]["mtu"] if links else None,
            "dhclient": got.stderr.strip().splitlines()[-3:],
        }
        print(json.dumps(lease))
        return 0 if addresses else 1
    finally:
        if not keep:
            run("ip", "netns", "delete", name, check=False)
            run("ip", "link", "delete", outside, check=False)
            shutil.rmtree(resolv_dir, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    keep = None
    if "--keep" in arguments and arguments.index("--keep") == len(arguments) - 2:
        keep = arguments[-1]
        arguments = arguments[:-2]
    if len(arguments) not in (2, 3):
        sys.exit(__doc__.strip().splitlines()[-1])
    sys.exit(main(*arguments[:2], *(int(value) for value in arguments[2:]), keep=keep))
