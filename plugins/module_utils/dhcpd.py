# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ISC dhcpd configuration: declarations checked, then rendered as dhcpd.conf.

Two declarations share one renderer:
- a LAN pool server (Eucalyptus SYSTEM mode, where the documents leave the DHCP server with a
  dynamic pool to the admin): ``dhcpd_subnets`` with ranges, routers, DNS, domain, lease times,
  and optional fixed ``dhcpd_hosts``;
- a static map server (STATIC mode): the ``vnet_*`` keys as the CC uses them, one host entry per
  ``vnet_macmap`` pair, no dynamic range, so a MAC outside the map gets no address.

Every rule a declaration breaks is reported at once, naming the variable, the value and the rule.
Rendering is deterministic (subnets by address, hosts by MAC) so that changing one pair changes
one host entry and nothing else.
"""

from __future__ import annotations

import re

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import (
    AddressError,
    AddressErrors,
    ipv4_address,
    ipv4_cidr,
    mac_address,
)
from ansible_collections.privatecloud.iaas.plugins.module_utils.eucalyptus import (
    USER_NAME,
    interface_name,
    mode_is,
    mac_map,
    static_network,
)
from ansible_collections.privatecloud.iaas.plugins.module_utils import eucalyptus, host_context, managed_l2, names

FUNCTIONS = ("lan_pool", "static_map", "security_groups", "cc_daemon", "none")
# A dhcpd.conf host name: letters, digits, '-', '_' and '.', as dhcpd's lexer reads a name.
_HOST_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}\Z")
HEADER = ("# Managed by privatecloud.iaas (dhcpd role); local changes are replaced.\n"
          "# Checked with 'dhcpd -t -cf' before it replaced the previous file.\n")


def function(group_names, vnet_mode=None, vnet_dataplane=None, subnets=None):
    """What a host's dhcpd is for, from its groups and the cloud's mode.

    - a host of group ``dhcpd``: the LAN's pool server;
    - a STATIC front-end whose data plane the collection owns: the static map server;
    - a front-end whose Eucalyptus CC runs dhcpd itself: only the daemon, its service kept off;
    - another host given ``subnets`` (dhcpd_subnets): their pool server;
    - anything else: none.
    """
    if "dhcpd" in group_names:
        return "lan_pool"
    if "frontend" in group_names and mode_is(vnet_mode, "cc_dhcp"):
        return "static_map" if vnet_mode == "STATIC" and vnet_dataplane == "ansible" else "cc_daemon"
    return "lan_pool" if subnets else "none"


def _list(value, variable, what, split=True):
    """A YAML list as it is; a string split on white space (``split``) or taken as one item."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split() if split else [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise AddressError(variable, value, "is not %s (a list)" % what)


def _seconds(value, variable):
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) <= 0:
        raise AddressError(variable, value, "is not a number of seconds above 0")
    return int(text)


def _lease_times(default, maximum, prefix, errors):
    times = {}
    for key, value in (("default_lease_time", default), ("max_lease_time", maximum)):
        if value is None:
            continue
        try:
            times[key] = _seconds(value, prefix + key)
        except AddressError as error:
            errors.append(error)
    if len(times) == 2 and times["default_lease_time"] > times["max_lease_time"]:
        errors.append(AddressError(prefix + "default_lease_time", default, "is above %smax_lease_time (%s)"
                                   % (prefix, maximum)))
    return times


def _addresses(value, variable, what, errors, network=None):
    found = []
    try:
        items = _list(value, variable, what)
    except AddressError as error:
        errors.append(error)
        return found
    for index, item in enumerate(items):
        where = "%s[%d]" % (variable, index)
        try:
            address = ipv4_address(item, where)
            if network is not None and not _host_of(address, network):
                raise AddressError(where, item, "is not a host address of %s" % network.cidr)
            found.append(str(address))
        except AddressError as error:
            errors.append(error)
    return found


def _host_of(address, network):
    return address in network and address not in (network.network, network.broadcast)


def _domain(value, variable, errors):
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not names.is_dns_name(value):
        errors.append(AddressError(variable, value, "is not a domain name"))
        return None
    return value


def _range(value, variable, network):
    """A dynamic range as (first, last) netaddr addresses: ``a-b``, ``a b`` or {start, end}."""
    if isinstance(value, dict):
        ends = (value.get("start"), value.get("end"))
    elif isinstance(value, str):
        ends = tuple(re.split(r"\s*-\s*|\s+", value.strip(), maxsplit=1)) if value.strip() else ()
    else:
        ends = ()
    if len(ends) != 2 or None in ends:
        raise AddressError(variable, value, "is not a range ('first-last' or {start, end})")
    first, last = ipv4_address(ends[0], variable), ipv4_address(ends[1], variable)
    if first > last:
        raise AddressError(variable, value, "starts above its end")
    if not (_host_of(first, network) and _host_of(last, network)):
        raise AddressError(variable, value, "is not within the host addresses of %s" % network.cidr)
    return first, last


def lan_declaration(subnets, hosts=None, options=None):
    """Check the LAN pool server's declaration; return it in the form render() takes.

    ``subnets``: dhcpd_subnets, each {subnet (CIDR), ranges, routers, dns, domain, broadcast, mtu,
    default_lease_time, max_lease_time}. ``hosts``: dhcpd_hosts, each {mac, address, name}.
    ``options``: the global settings (see _globals).
    """
    errors = []
    declared = []
    if not isinstance(subnets, (list, tuple)):
        raise AddressError("dhcpd_subnets", subnets, "is not a list of subnets")
    for index, spec in enumerate(subnets):
        prefix = "dhcpd_subnets[%d]." % index
        if not isinstance(spec, dict):
            errors.append(AddressError("dhcpd_subnets[%d]" % index, spec, "is not a mapping"))
            continue
        unknown = sorted(set(spec) - {"subnet", "ranges", "routers", "dns", "domain", "broadcast", "mtu",
                                      "default_lease_time", "max_lease_time"})
        for key in unknown:
            errors.append(AddressError(prefix + key, spec[key], "is not a setting of a subnet"))
        try:
            network = ipv4_cidr(spec.get("subnet"), prefix + "subnet")
        except AddressError as error:
            errors.append(error)
            continue
        entry = _subnet(network)
        if spec.get("broadcast") not in (None, ""):
            try:
                if ipv4_address(spec["broadcast"], prefix + "broadcast") != network.broadcast:
                    raise AddressError(prefix + "broadcast", spec["broadcast"], "is not the broadcast address of %s "
                                       "(%s)" % (network.cidr, network.broadcast))
            except AddressError as error:
                errors.append(error)
        try:
            ranges = _list(spec.get("ranges"), prefix + "ranges", "a list of ranges", split=False)
        except AddressError as error:
            errors.append(error)
            ranges = []
        for number, value in enumerate(ranges):
            try:
                entry["ranges"].append(_range(value, "%sranges[%d]" % (prefix, number), network))
            except AddressError as error:
                errors.append(error)
        entry["routers"] = _addresses(spec.get("routers"), prefix + "routers", "a list of routers", errors, network)
        entry["dns"] = _addresses(spec.get("dns"), prefix + "dns", "a list of DNS servers", errors)
        entry["domain"] = _domain(spec.get("domain"), prefix + "domain", errors)
        entry["mtu"] = _interface_mtu(spec.get("mtu"), prefix + "mtu", errors)
        entry.update(_lease_times(spec.get("default_lease_time"), spec.get("max_lease_time"), prefix, errors))
        declared.append((index, entry))
    fixed = _hosts(hosts or [], errors)
    configuration = {"globals": _globals(options or {}, errors), "subnets": [entry for _index, entry in declared],
                     "hosts": fixed}
    _check_layout(declared, fixed, errors)
    if errors:
        raise AddressErrors(errors)
    return _sorted(configuration)


# What the interface-mtu option may say (RFC 2132, 5.1: at least 68) up to the kernel's largest.
INTERFACE_MTU = (68, 65535)


def _interface_mtu(value, variable, errors):
    """The MTU a subnet's leases tell their clients (option interface-mtu), or None."""
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not INTERFACE_MTU[0] <= value <= INTERFACE_MTU[1]:
        errors.append(AddressError(variable, value, "is not a whole number from %d to %d" % INTERFACE_MTU))
        return None
    return value


def _subnet(network):
    return {"network": str(network.network), "netmask": str(network.netmask), "prefix": network.prefixlen,
            "broadcast": str(network.broadcast), "ranges": [], "routers": [], "dns": [], "domain": None,
            "_net": network}


def _hosts(hosts, errors, variable="dhcpd_hosts"):
    if not isinstance(hosts, (list, tuple)):
        errors.append(AddressError(variable, hosts, "is not a list of hosts"))
        return []
    fixed = []
    for index, spec in enumerate(hosts):
        where = "%s[%d]" % (variable, index)
        if not isinstance(spec, dict):
            errors.append(AddressError(where, spec, "is not a mapping of mac, address and name"))
            continue
        try:
            mac = mac_address(spec.get("mac"), where + ".mac")
            address = ipv4_address(spec.get("address"), where + ".address")
        except AddressError as error:
            errors.append(error)
            continue
        name = spec.get("name") or host_name(mac)
        if not isinstance(name, str) or not _HOST_NAME.match(name):
            errors.append(AddressError(where + ".name", name, "is not a dhcpd host name (letters, digits, '-', "
                                                              "'_' and '.')"))
            continue
        entry = {"name": name, "mac": mac, "address": str(address), "_where": where}
        if spec.get("routers"):
            # A host's own router, where it is not its subnet's (an instance of another cluster).
            entry["routers"] = _addresses(spec["routers"], where + ".routers", "a list of routers", errors)
        fixed.append(entry)
    return fixed


def host_name(mac):
    """The host entry of a MAC: stable while its address changes, so a moved pair edits one line."""
    return "vm-" + mac.replace(":", "-").lower()


def _globals(options, errors):
    found = {"authoritative": bool(options.get("authoritative", True))}
    found.update(_lease_times(options.get("default_lease_time"), options.get("max_lease_time"), "dhcpd_", errors))
    found["domain"] = _domain(options.get("domain"), "dhcpd_domain", errors)
    found["dns"] = _addresses(options.get("dns"), "dhcpd_dns", "a list of DNS servers", errors)
    statements = []
    try:
        raw = _list(options.get("statements"), "dhcpd_statements", "a list of statements", split=False)
    except AddressError as error:
        errors.append(error)
        raw = []
    for index, statement in enumerate(raw):
        if not isinstance(statement, str) or not statement.strip() or "\n" in statement:
            errors.append(AddressError("dhcpd_statements[%d]" % index, statement, "is not one statement on one line"))
            continue
        statement = statement.strip()
        statements.append(statement if statement.endswith((";", "}")) else statement + ";")
    found["statements"] = statements
    return found


def _check_layout(declared, hosts, errors):
    """Subnets apart, ranges apart, each fixed address in a subnet and outside its ranges, MACs and addresses once."""
    for position, (index, entry) in enumerate(declared):
        for other_index, other in declared[:position]:
            if entry["_net"].first <= other["_net"].last and other["_net"].first <= entry["_net"].last:
                errors.append(AddressError("dhcpd_subnets[%d].subnet" % index, str(entry["_net"].cidr),
                                           "overlaps dhcpd_subnets[%d] (%s)" % (other_index, other["_net"].cidr)))
        for number, (first, last) in enumerate(entry["ranges"]):
            for other_number, (other_first, other_last) in enumerate(entry["ranges"][:number]):
                if first <= other_last and other_first <= last:
                    errors.append(AddressError("dhcpd_subnets[%d].ranges[%d]" % (index, number),
                                               "%s-%s" % (first, last), "overlaps ranges[%d]" % other_number))
    macs, addresses = {}, {}
    for host in hosts:
        address = ipv4_address(host["address"])
        owner = [entry for _index, entry in declared if _host_of(address, entry["_net"])]
        if not owner:
            errors.append(AddressError(host["_where"] + ".address", host["address"],
                                       "is not a host address of any declared subnet"))
        elif any(first <= address <= last for first, last in owner[0]["ranges"]):
            errors.append(AddressError(host["_where"] + ".address", host["address"],
                                       "lies in a dynamic range of %s: a fixed address must be outside the pool"
                                       % owner[0]["_net"].cidr))
        if host["mac"] in macs:
            errors.append(AddressError(host["_where"] + ".mac", host["mac"], "is the MAC of %s too" % macs[host["mac"]]))
        if host["address"] in addresses:
            errors.append(AddressError(host["_where"] + ".address", host["address"],
                                       "is the address of %s too" % addresses[host["address"]]))
        macs.setdefault(host["mac"], host["_where"])
        addresses.setdefault(host["address"], host["_where"])
    host_names = {}
    for host in hosts:
        if host["name"] in host_names:
            errors.append(AddressError(host["_where"] + ".name", host["name"], "is the name of %s too"
                                       % host_names[host["name"]]))
        host_names.setdefault(host["name"], host["_where"])


def _sorted(configuration):
    """Drop the working fields; subnets by address, ranges in order, hosts by MAC."""
    for entry in configuration["subnets"]:
        entry.pop("_net", None)
        entry["cidr"] = "%s/%d" % (entry["network"], entry["prefix"])
        entry["ranges"] = ["%s %s" % (first, last) for first, last in sorted(entry["ranges"])]
    configuration["subnets"].sort(key=lambda entry: tuple(int(part) for part in entry["network"].split(".")))
    for host in configuration["hosts"]:
        host.pop("_where", None)
    configuration["hosts"].sort(key=lambda host: host["mac"])
    return configuration


def static_map_declaration(subnet, netmask, broadcast, router, dns, macmap, options=None):
    """STATIC mode's server from its vnet_* keys: one subnet without a pool, one host per pair.

    VNET_SUBNET, VNET_NETMASK, VNET_BROADCAST, VNET_ROUTER and VNET_DNS become the subnet, its
    mask, broadcast, router and DNS options; each VNET_MACMAP pair a host with its fixed address.
    """
    errors = []
    network = None
    try:
        network = static_network(subnet, netmask, broadcast, router)
    except (AddressError, AddressErrors) as error:
        errors.extend(getattr(error, "errors", [error]))
    if router in (None, ""):
        errors.append(AddressError("vnet_router", router, "is missing: a STATIC subnet needs its router"))
    dns_servers = _addresses(dns, "vnet_dns", "a DNS server", errors)
    pairs = []
    try:
        pairs = mac_map(macmap, subnet, netmask)
    except (AddressError, AddressErrors) as error:
        errors.extend(getattr(error, "errors", [error]))
    found_globals = _globals(options or {}, errors)
    if errors:
        # A bad subnet or netmask is reported by both the subnet and the MAC map checks: once is enough.
        unique = dict((str(error), error) for error in errors)
        raise AddressErrors(list(unique.values()))
    entry = {"network": network["network"], "netmask": network["netmask"], "prefix": network["prefix"],
             "broadcast": network["broadcast"], "ranges": [], "routers": [str(router)], "dns": dns_servers,
             "domain": None}
    hosts = [{"name": host_name(pair["mac"]), "mac": pair["mac"], "address": pair["ip"]} for pair in pairs]
    return _sorted({"globals": found_globals, "subnets": [entry], "hosts": hosts})


def declaration(chosen, subnets=None, hosts=None, options=None, vnet=None, groups=None):
    """The checked configuration of a host's server, by its function (lan_pool, static_map or
    security_groups: the data plane's blocks and instances, ``groups`` as the host's plan gives them)."""
    if chosen == "lan_pool":
        return lan_declaration(subnets or [], hosts, options)
    if chosen == "security_groups":
        groups = groups or {}
        configuration = lan_declaration(groups.get("subnets") or [], groups.get("hosts") or [], options)
        if groups.get("shared_network"):
            configuration["shared_network"] = groups["shared_network"]
        return configuration
    if chosen == "static_map":
        vnet = vnet or {}
        return static_map_declaration(*(vnet.get(key) for key in ("subnet", "netmask", "broadcast", "router", "dns",
                                                                  "macmap")), options=options)
    raise AddressError("dhcpd_function", chosen, "serves no configuration (only lan_pool, static_map and "
                                                 "security_groups do)")


def render(configuration):
    """dhcpd.conf for a checked declaration."""
    settings = configuration["globals"]
    lines = ["ddns-update-style none;"]
    if settings.get("authoritative"):
        lines.append("authoritative;")
    for key in ("default_lease_time", "max_lease_time"):
        if settings.get(key):
            lines.append("%s %d;" % (key.replace("_", "-"), settings[key]))
    lines += _options(settings, "")
    lines += settings.get("statements", [])
    shared = configuration.get("shared_network")
    if shared:
        # Several subnets on one interface (the routers of MANAGED-NOVLAN's groups): dhcpd refuses
        # an interface that "matches multiple shared networks" unless they are one.
        lines += ["", "shared-network %s {" % shared]
    for entry in configuration["subnets"]:
        lines += ["", "subnet %s netmask %s {" % (entry["network"], entry["netmask"])]
        lines += ["  range %s;" % dynamic for dynamic in entry["ranges"]]
        lines += ["  option subnet-mask %s;" % entry["netmask"], "  option broadcast-address %s;" % entry["broadcast"]]
        if entry["routers"]:
            lines.append("  option routers %s;" % ", ".join(entry["routers"]))
        if entry.get("mtu"):
            lines.append("  option interface-mtu %d;" % entry["mtu"])
        lines += _options(entry, "  ")
        for key in ("default_lease_time", "max_lease_time"):
            if entry.get(key):
                lines.append("  %s %d;" % (key.replace("_", "-"), entry[key]))
        lines.append("}")
    if shared:
        lines.append("}")
    for host in configuration["hosts"]:
        lines += ["", "host %s {" % host["name"], "  hardware ethernet %s;" % host["mac"],
                  "  fixed-address %s;" % host["address"]]
        if host.get("routers"):
            lines.append("  option routers %s;" % ", ".join(host["routers"]))
        lines.append("}")
    return HEADER + "\n".join(lines) + "\n"


def _options(entry, indent):
    lines = []
    if entry.get("dns"):
        lines.append("%soption domain-name-servers %s;" % (indent, ", ".join(entry["dns"])))
    if entry.get("domain"):
        lines.append('%soption domain-name "%s";' % (indent, entry["domain"]))
    return lines


# The role's options and their defaults (None: decided per host, see section()).
OPTIONS = {
    "dhcpd_function": None,
    "dhcpd_interfaces": None,
    "dhcpd_subnets": [],
    "dhcpd_hosts": [],
    "dhcpd_default_lease_time": 600,
    "dhcpd_max_lease_time": 7200,
    "dhcpd_dns": [],
    "dhcpd_domain": "",
    "dhcpd_authoritative": True,
    "dhcpd_statements": [],
}
SERVING = ("lan_pool", "static_map", "security_groups")
# What each distribution calls things; a distribution's own entry overrides its family's.
DISTRIBUTIONS = {
    "Debian": {"package": "isc-dhcp-server", "service": "isc-dhcp-server", "binary": "/usr/sbin/dhcpd",
               "config": "/etc/dhcp/dhcpd.conf", "defaults": "/etc/default/isc-dhcp-server", "user": "root",
               # Debian's package starts dhcpd with a SysV script that sleeps on every start: the
               # role's own unit of the same name takes its place.
               "unit": "/etc/systemd/system/isc-dhcp-server.service"},
    # Ubuntu's dhcpd drops to the user dhcpd (the documents: "as is the case in Ubuntu >= 8.10"), and
    # its package ships a systemd unit of its own.
    "Ubuntu": {"user": "dhcpd", "unit": None},
}
UNIT = """# Managed by privatecloud.iaas (dhcpd role): {package}'s own start script waits two
# seconds on every start and four on a restart; this unit of the same name, like the one Ubuntu's
# package ships, takes its place. systemd knows dhcpd is up when it forks, after it has read its
# configuration and opened its interfaces, so a failed start fails the restart that caused it.
[Unit]
Description=ISC DHCP IPv4 server
Documentation=man:dhcpd(8)
Wants=network-online.target
After=network-online.target
ConditionPathExists={config}

[Service]
Type=forking
# INTERFACESv4, the interfaces dhcpd serves.
EnvironmentFile=-{defaults}
PIDFile=/run/dhcpd.pid
ExecStartPre=/usr/bin/touch /var/lib/dhcp/dhcpd.leases
ExecStart={binary} -4 -q -cf {config} -pf /run/dhcpd.pid $INTERFACESv4
Restart=on-failure

[Install]
WantedBy=multi-user.target
"""
# The start of every file the role writes: what it may remove again.
OURS = "# Managed by privatecloud.iaas (dhcpd role)"


def distribution(facts):
    """The names of this host's distribution (Debian's where the facts do not say)."""
    facts = facts or {}
    found = dict(DISTRIBUTIONS["Debian"])
    for key in (facts.get("os_family"), facts.get("distribution")):
        found.update(DISTRIBUTIONS.get(key) or {})
    return found


def _errors(error):
    return getattr(error, "errors", [error])


def _server(chosen, settings, groups, vnet, add):
    """The checked configuration of a serving function, or None (what is wrong recorded)."""
    options = {"authoritative": settings["dhcpd_authoritative"], "dns": settings["dhcpd_dns"],
               "domain": settings["dhcpd_domain"], "statements": settings["dhcpd_statements"],
               "default_lease_time": settings["dhcpd_default_lease_time"],
               "max_lease_time": settings["dhcpd_max_lease_time"]}
    if chosen == "lan_pool" and not settings["dhcpd_subnets"]:
        add("dhcpd_subnets", settings["dhcpd_subnets"], "is empty: a LAN pool server needs the subnet it serves")
        return None
    try:
        return declaration(chosen, settings["dhcpd_subnets"], settings["dhcpd_hosts"], options, vnet, groups)
    except (AddressError, AddressErrors) as error:
        for one in _errors(error):
            add(one.variable, one.value, one.rule)
        return None


def section(settings, chosen, groups, vnet, planned, facts, add):
    """The dhcpd part of a host's plan: for a serving function (lan_pool, static_map, security_groups)
    the service_files arguments that serve it - dhcpd.conf (checked by dhcpd -t before it replaces
    the working one), the interfaces, Debian's unit, the restart their change obliges, the running
    service, and the check that each interface carries an address it serves; for cc_daemon the
    distribution's service kept off beside the daemon the CC runs; for none a server the role set
    up before stopped and its files removed. ``settings``: the role's options with the function and
    interfaces decided (``chosen``); ``groups``: the data plane's DHCP (security_groups); ``vnet``:
    the vnet_* keys of the static map and the CC's daemon; ``planned``: addresses an earlier step
    of the run gives the interfaces (for check mode)."""
    names = distribution(facts)
    given = settings["dhcpd_interfaces"]
    interfaces = given or []
    if not isinstance(interfaces, list):
        add("dhcpd_interfaces", interfaces, "is not a list of interfaces")
        interfaces = []
    for index, name in enumerate(interfaces):
        try:
            interface_name(name, "dhcpd_interfaces[%d]" % index)
        except AddressError as error:
            add(error.variable, error.value, error.rule)
    unit_files = [names["unit"]] if names["unit"] else []
    part = {"function": chosen, "interfaces": interfaces, "packages": [names["package"]] if chosen != "none" else [],
            "listen": None, "requires": None, "files": [], "settings": [], "actions": [], "units": []}
    if chosen in SERVING:
        if not interfaces:
            add("dhcpd_interfaces", given, "is empty: dhcpd must listen on the interfaces that face its clients")
        configuration = _server(chosen, settings, groups, vnet, add)
        if configuration is None:
            return part
        part["files"] = [{"path": names["config"], "content": render(configuration),
                          "validate": names["binary"] + " -t -cf %s"}]
        part["files"] += [{"path": path, "content": UNIT.format(**names)} for path in unit_files]
        part["settings"] = [{"path": names["defaults"], "values": {"INTERFACESv4": " ".join(interfaces)}}]
        # Kept on the host until done, so a run that dies after the change still restarts dhcpd.
        part["actions"] = ([{"name": "reload systemd's units for dhcpd", "command": ["systemctl", "daemon-reload"],
                             "files": unit_files}] if unit_files else []) + [
            {"name": "restart dhcpd", "service": names["service"],
             "files": [names["config"], names["defaults"]] + unit_files}]
        part["units"] = [{"name": names["service"], "enabled": True, "started": True}]
        # dhcpd refuses to start on an interface without an address in a declared subnet.
        part["listen"] = {"interfaces": interfaces, "networks": [entry["cidr"] for entry in configuration["subnets"]],
                          "planned": planned or {}, "variable": "dhcpd_interfaces"}
        if chosen == "security_groups":
            # What keeps each instance's address while others come and go (dataplane.plan's previous).
            part["kept"] = {"addresses": {host["name"]: host["address"] for host in configuration["hosts"]}}
        return part
    # Not serving: the role's unit goes (systemd reloaded), and so does a server the role set up.
    part["files"] = [{"path": path, "state": "absent"} for path in unit_files]
    part["files"].append({"path": names["config"], "state": "absent", "ours": OURS})
    part["actions"] = [{"name": "reload systemd's units for dhcpd", "command": ["systemctl", "daemon-reload"],
                        "files": unit_files}] if unit_files else []
    # The CC starts the binary itself with its own configuration; the distribution's service would
    # fight it for port 67. Otherwise only a service this role ran is stopped.
    part["units"] = [dict({"name": names["service"], "enabled": False, "started": False},
                          **({} if chosen == "cc_daemon" else {"when_ours": names["config"]}))]
    if chosen == "cc_daemon":
        daemon, user = vnet.get("dhcpdaemon") or names["binary"], vnet.get("dhcpuser") or "root"
        # Only where the facts tell the distribution (playbooks/validate.yml reads them before it plans).
        known = (facts or {}).get("distribution")
        if known and user != names["user"] and isinstance(user, str) and USER_NAME.match(user):
            add("vnet_dhcpuser", user, "is not the user dhcpd runs as on %s (%s)" % (known, names["user"]))
        part["requires"] = {"executables": {daemon: "vnet_dhcpdaemon (%s installs %s)" % (names["package"],
                                                                                          names["binary"])},
                            "users": {user: "vnet_dhcpuser"}}
    return part


# --- This part of a host's plan, from the host's context (plugins/module_utils/host_plan.py) -------


def part(context, plan):
    """The dhcpd part (section): the role's options (dhcpd_*) as the host has them, else its
    function from its groups and mode and the interfaces that face its clients; the security
    groups' blocks and instances of a front-end whose data plane the collection owns, the STATIC
    mode's MAC map (vnet_*), the CC's daemon."""
    found = (plan["eucalyptus"] or {}).get("dataplane")
    chosen = context.get("dhcpd_function")
    if chosen is None:
        # The data plane's own DHCP server once a group is active; until then the CC's binary, as today.
        chosen = "security_groups" if found and found["groups"] else function(
            context.groups, context.get("vnet_mode"), context.get("vnet_dataplane"), context.get("dhcpd_subnets"))
    elif chosen not in FUNCTIONS:
        context.add("dhcpd_function", chosen, "is not one of %s" % ", ".join(FUNCTIONS))
        chosen = "none"
    elif chosen == "security_groups" and not (found and found["groups"]):
        context.add("dhcpd_function", chosen, "serves the data plane's security groups, and this host has no "
                                              "active one (vnet_security_groups with vnet_instances, vnet_dataplane: "
                                              "ansible)")
    mode = context.get("vnet_mode")
    if chosen == "lan_pool" and "frontend" in context.groups and eucalyptus.mode_is(mode, "cc_dhcp"):
        context.add("dhcpd_function", chosen, "is a LAN pool server on a %s front-end, whose CC runs its own "
                                              "dhcpd: the two would fight for port 67" % mode)
    group_bridges = {bridge["name"]: bridge["address"] for _vlan, bridge, _group in managed_l2.group_devices(context, plan)
                     if bridge.get("address")}
    interfaces = None  # a LAN pool server names its own
    private = context.get("vnet_privinterface")
    if chosen == "security_groups" and group_bridges:
        # MANAGED: each group's bridge holds its router, and dhcpd serves each there.
        interfaces = sorted(group_bridges)
    elif chosen in ("static_map", "security_groups") and private:
        # A front-end that is also a node has moved its private interface into a bridge: the
        # bridge carries the address now, so dhcpd listens there.
        interfaces = [host_context.carrier(private, plan["interfaces"]["bridges"])]
    groups, planned = {"subnets": [], "hosts": []}, {}
    if chosen == "security_groups" and found:
        groups = found["dhcp"]
        for entry in found["addresses"]:
            if not entry["announce"]:
                planned.setdefault(entry["device"], []).append(entry["address"])
        for name, address in group_bridges.items():
            planned.setdefault(name, []).append(address)
    settings = context.options(OPTIONS, {"dhcpd_function": chosen, "dhcpd_interfaces": interfaces})
    vnet = {key: context.get("vnet_" + key)
            for key in ("subnet", "netmask", "broadcast", "router", "dns", "macmap", "dhcpdaemon", "dhcpuser")}
    return section(settings, chosen, groups, vnet, planned, context.inventory.facts(context.host), context.add)
