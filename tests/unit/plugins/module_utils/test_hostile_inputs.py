"""Every string the plan reads, made hostile: refused naming its variable, or kept on its line.

The inputs are not a hand list. Each example inventory is planned once with its hosts' variables
recording what the plan reads; every variable read - set or not - becomes a case: a set variable
has each string in it (values and mapping keys, one at a time) replaced by each hostile value, an
unset one is set to the hostile value itself. The role options of the argument specs are read by
the plan (test_argument_specs), so they are among them.

For each case the whole inventory is planned again. It must not raise. Either a problem names
the variable, or:
- no string of any host's plan carries the value's line break (a newline, a carriage return,
  a Unicode line or paragraph separator, a control character): nothing it reaches could start a
  line of its own in a file or a log;
- eucalyptus.conf, which the init scripts source as root, reads back exactly as planned after
  the collection's own writer rendered it, and passes `sh -n`: the shell sees the value, not a
  command;
- the NFS exports file holds one line per planned export, each the path then clients with one
  closed option list: no value opened another export or closed the options early;
- the ifupdown files the vlan and bridge modules would write from the plan's devices hold only
  the stanzas and options the collection writes: no value started an option of its own
  (`up`, `pre-up` commands, which ifupdown runs as root).

dhcpd.conf and iptables-restore's input are parsed by dhcpd -t and iptables-restore --test on
the hosts before they replace anything (the integration tests and scenarios run those).
"""

import re
import subprocess

import pytest
from plan_reads import INVENTORIES, example_variables, plan

from ansible_collections.privatecloud.iaas.plugins.module_utils import devices, eucaconf, names, netconf, role_records

MARK = "INJECTED"
HOSTILE = (
    "x\n" + MARK, "x\r" + MARK, "x\u2028" + MARK, "x\u2029" + MARK, "x\u0085" + MARK, "x\x00" + MARK,
    "x\x1b" + MARK, 'x"' + MARK, "x'" + MARK, "x;" + MARK, "x$(" + MARK + ")", "x`" + MARK + "`", "x)" + MARK,
    "x}" + MARK, "x{" + MARK, "x#" + MARK, "x " + MARK, "x" * 300,
)


# An exports(5) client with its option list: what follows the path on each line.
EXPORT_CLIENT = re.compile(r"[^\s()]+\([A-Za-z0-9_=,:./@-]*\)")
# Every line the collection writes in an ifupdown stanza (netconf.render_ifupdown), by its first word.
IFUPDOWN_OPTIONS = {"address", "netmask", "gateway", "dns-nameservers", "dns-domain", "hwaddress", "vlan-raw-device",
                    "bridge_ports", "bridge_fd", "bridge_hello", "bridge_stp", "bridge_maxwait", "mtu", "bond-slaves",
                    "bond-mode", "bond-miimon", "bond-lacp-rate", "bond-xmit-hash-policy", "bond-primary"}
# The commands a VXLAN stanza runs, as netconf._vxlan_lines spells them.
IFUPDOWN_COMMANDS = re.compile(r"(pre-up ip link add (\S+|name \S+ mtu \d+) type vxlan id \d+ local [0-9.]+ dstport \d+ "
                               r"nolearning|up ip link set dev \S+ mtu \d+"
                               r"|pre-up bridge fdb append 00:00:00:00:00:00 dev \S+ dst [0-9.]+"
                               r"|up ip link set dev \S+ up|post-down ip link delete dev \S+)")


def exports_read_back(host_plan):
    """What is wrong with the exports file of a host's plan, or None."""
    part = host_plan.get("nfs") or {}
    for entry in part.get("files") or ():
        if entry["path"].endswith(".exports"):
            lines = [line for line in entry["content"].split("\n") if line and not line.startswith("#")]
            if [line.split()[0] for line in lines] != part["exports"]:
                return "the exports file's paths are not the planned ones: %r" % lines
            for line in lines:
                if not all(EXPORT_CLIENT.fullmatch(client) for client in line.split()[1:]):
                    return "an exports line is not path then client(options)...: %r" % line
    return None


def ifupdown_read_back(host_plan):
    """What is wrong with the ifupdown files the vlan and bridge modules would write, or None."""
    for owner in ("vlan", "bridge"):
        part = host_plan.get(owner) or {}
        if part.get("format") != "ifupdown" or not part.get("devices"):
            continue
        bonds, vlans, vxlans, bridges = devices.split(part["devices"])
        entries = netconf.interfaces(vlans=vlans, bridges=bridges, vxlans=vxlans, bonds=bonds)
        for name, content in netconf.render_ifupdown(netconf.owned_entries(entries, owner), owner).items():
            wrong = foreign_ifupdown_line(content)
            if wrong is not None:
                return "%s: %r is not a line the collection writes" % (name, wrong)
    return None


def foreign_ifupdown_line(content):
    """The first line of an ifupdown file that the collection never writes, or None."""
    for line in content.split("\n"):
        words = line.split()
        if not words or line.startswith("#") or (words[0] == "auto" and len(words) == 2) or \
                (words[0] == "iface" and len(words) == 4 and words[2] == "inet"):
            continue
        if not (line.startswith("    ") and (words[0] in IFUPDOWN_OPTIONS or IFUPDOWN_COMMANDS.fullmatch(line.strip()))):
            return line
    return None


def leaves(value, path=()):
    """(path, string) of every string in a value: mapping keys (path ends in ("key", k)) and values."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield path + (("key", key),), key
            yield from leaves(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, path + (index,))


def replaced(value, path, hostile):
    if not path:
        return hostile
    step, rest = path[0], path[1:]
    if isinstance(step, tuple):  # a mapping key: the key itself becomes hostile
        return dict((hostile if key == step[1] else key, item) for key, item in value.items())
    copy = list(value) if isinstance(value, list) else dict(value)
    copy[step] = replaced(value[step], rest, hostile)
    return copy


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


def cases():
    """(inventory, variable, path) to make hostile: each variable (and each of its strings) once,
    in the first example inventory whose plan reads it."""
    role_records.SECRET_ROUNDS = 1  # the secrets' digest is not what is tested; 100000 rounds per plan are
    found, seen = [], set()
    for name in INVENTORIES:
        inventory = example_variables()[name]
        asked = set()
        plan(inventory, inventory["hostvars"], asked)
        for variable in sorted(asked):
            values = [hostvars[variable] for hostvars in inventory["hostvars"].values() if variable in hostvars]
            paths = sorted(set(path for value in values for path, _leaf in leaves(value)), key=repr) if values \
                else [()]
            for path in paths:
                if (variable, path) not in seen:
                    seen.add((variable, path))
                    found.append((name, variable, path))
    return found


CASES = cases()


def test_the_cases_cover_every_kind_of_input():
    variables = set(variable for _inventory, variable, _path in CASES)
    # Interfaces, addresses, names, paths, secrets, structured declarations, free mappings.
    for expected in ("vnet_pubinterface", "vnet_dns", "cloudstack_fqdn", "nfs_exports", "cloudstack_db_password",
                     "bridge_interfaces", "euca_conf_settings", "iptables_prefix", "vnet_security_groups",
                     "cloudstack_zones", "ntp_servers", "dhcpd_domain"):
        assert expected in variables, expected
    assert len(CASES) * len(HOSTILE) > 3000


@pytest.mark.parametrize("name", INVENTORIES)
def test_the_read_backs_accept_every_example_inventory_as_it_is(name):
    # So that a failure below is the hostile value's doing; and they do read something.
    role_records.SECRET_ROUNDS = 1
    inventory = example_variables()[name]
    plans, problems = plan(inventory, inventory["hostvars"])
    assert problems.lines() == []
    for host_plan in plans.values():
        assert exports_read_back(host_plan) is None and ifupdown_read_back(host_plan) is None


def test_the_read_backs_see_an_injected_line():
    exports = {"nfs": {"exports": ["/export/a"], "files": [
        {"path": "/etc/exports.d/x.exports", "content": "/export/a 10.0.0.0/8(rw,fsid=1) *(rw,no_root_squash)\n"}]}}
    assert exports_read_back(exports) is None
    exports["nfs"]["files"][0]["content"] = "/export/a 10.0.0.0/8(rw,fsid=1) *(rw)\n/ *(rw,no_root_squash)\n"
    assert "paths are not the planned ones" in exports_read_back(exports)
    exports["nfs"]["files"][0]["content"] = "/export/a 10.0.0.0/8(rw,fsid=1)x(rw)\n"
    assert "is not path then client(options)" in exports_read_back(exports)
    bridged = {"bridge": {"format": "ifupdown", "devices": [
        {"kind": "bridge", "name": "br0", "ports": ["eth0"], "address": "192.0.2.2/24", "dns_domain": "example.org"}]}}
    assert ifupdown_read_back(bridged) is None
    stanza = "auto br0\niface br0 inet static\n    address 192.0.2.2\n    dns-domain example.org\n"
    assert foreign_ifupdown_line(stanza) is None
    assert foreign_ifupdown_line(stanza.replace("example.org\n", "example.org\n    up rm -rf /\n")) == "    up rm -rf /"


@pytest.mark.parametrize("inventory_name, variable, path", CASES, ids=str)
def test_a_hostile_string_is_refused_naming_its_variable_or_kept_on_its_line(inventory_name, variable, path):
    role_records.SECRET_ROUNDS = 1
    inventory = example_variables()[inventory_name]
    failures = []
    for hostile in HOSTILE:
        hostvars = dict((host, dict(values)) for host, values in inventory["hostvars"].items())
        for values in hostvars.values():
            if variable in values or not path:
                values[variable] = replaced(values.get(variable), path, hostile)
        plans, problems = plan(inventory, hostvars)  # raises: a traceback fails the test
        if any(problem.variable.split(".")[0].split("[")[0] == variable for problem in problems):
            continue
        breaking = names.LINE_BREAKING.search(hostile)
        if breaking:
            carried = [text for text in strings(plans) if breaking.group() + MARK in text]
            if carried:
                failures.append("%r was accepted and reached the plan: %r" % (hostile, carried[0][:200]))
        for host, host_plan in plans.items():
            for wrong in (exports_read_back(host_plan), ifupdown_read_back(host_plan)):
                if wrong:
                    failures.append("%s: %r: %s" % (host, hostile, wrong))
            conf = (host_plan.get("eucalyptus") or {}).get("settings")
            if conf:
                text, _changes = eucaconf.edited("", conf)
                if eucaconf.parse(text) != dict((key, str(value)) for key, value in conf.items()):
                    failures.append("%s: %r: eucalyptus.conf does not read back as planned" % (host, hostile))
                shell = subprocess.run(["sh", "-n"], input=text, capture_output=True, text=True, check=False)
                if shell.returncode:
                    failures.append("%s: %r: eucalyptus.conf is not valid shell: %s" % (host, hostile, shell.stderr))
    assert failures == []
