# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a host's plan is built from: the inventory as the plans read it, and one host's context (its
variables, its groups, the problems found). Shared by the modules that decide a host's parts.
"""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils import eucalyptus, releases
from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import AddressError, ipv4_address
from ansible_collections.privatecloud.iaas.plugins.module_utils.validation import Problems

PLATFORMS = ("eucalyptus", "cloudstack")
# The platform of a host that names none, by its groups, first match.
DEFAULT_PLATFORMS = (("frontend", "eucalyptus"), ("nodes", "eucalyptus"), ("db", "cloudstack"), ("nfs", "cloudstack"))
# Inventory groups -> the component each makes of a host, in the order a host is built.
COMPONENTS = (("db", "db"), ("nfs", "nfs"), ("frontend", "frontend"), ("nodes", "node"), ("dhcpd", "dhcpd"))
# What Ansible's bool filter reads as true or false.
BOOLEANS = ("true", "false", "yes", "no", "on", "off", "1", "0")


class Inventory:
    """The inventory as the plans read it: the groups, and each host's variables read once.

    ``read`` is called with a host name and returns that host's variables (a dict); only what the
    plans need is asked for, so a large inventory is not templated as a whole for each host.
    ``facts``, when given, returns a host's facts (a dict, empty when none were read); ``records``
    what role_records_info read on the host at the start of the run (None when it was not read).
    """

    def __init__(self, groups, read, facts=None, records=None):
        self.groups = {name: list(hosts or []) for name, hosts in (groups or {}).items()}
        self._read = read
        self._facts = facts or (lambda host: {})
        self._records = records or (lambda host: None)
        self._variables = {}

    def hosts(self):
        return list(self.groups.get("all", []))

    def group(self, name):
        return list(self.groups.get(name, []))

    def groups_of(self, host):
        return [group for group, _component in COMPONENTS if host in self.groups.get(group, ())]

    def variables(self, host):
        """A host's variables; none for a name that is not a host of the inventory (a variable
        naming another host may be wrong: the part that reads it says so)."""
        if host not in self._variables:
            self._variables[host] = dict(self._read(host) or {}) if host in self.groups.get("all", ()) else {}
        return self._variables[host]

    def facts(self, host):
        """The host's facts as playbooks/validate.yml read them (empty when none were)."""
        return self._facts(host) or {}

    def kept(self, host, role):
        """What ``role`` kept on ``host`` with its record at its last full application ({} when none)."""
        records = self._records(host)
        record = ((records or {}).get("roles") or {}).get(role) if isinstance(records, dict) else None
        return (record or {}).get("kept") or {} if isinstance(record, dict) else {}

    def release(self, host):
        """(distribution, major version) of the host, or None when its facts do not say."""
        return releases.release_of(self.facts(host))

    def platform(self, host):
        """iaas_platform, else that of the host's groups: a front-end or node is a Eucalyptus one, a
        database or storage server a CloudStack one (only CloudStack has them); else none."""
        platform = self.variables(host).get("iaas_platform")
        if platform is None:
            groups = self.groups_of(host)
            for group, default in DEFAULT_PLATFORMS:
                if group in groups:
                    return default
        return platform

    def members(self, group, platform):
        return [host for host in self.group(group) if self.platform(host) == platform]


class Context:
    """What one host's plan is built from: its variables, groups and the problems found, each
    also kept under the part of the plan being decided when it was found (``by_part``), and what
    is allowed but unwise (``warnings``, sentences for the run's output)."""

    def __init__(self, host, inventory, problems):
        self.host, self.inventory, self.problems = host, inventory, problems
        self.warnings = []
        self.variables = inventory.variables(host)
        self.groups = inventory.groups_of(host)
        self.part = "host"
        self.by_part = {}

    def get(self, name, default=None):
        value = self.variables.get(name)
        return default if value is None else value

    def options(self, defaults, decided=None):
        """A role's options as this host has them: each one set, else what the plan decided for
        this host (``decided``), else the role's default. The one place the plan reads them."""
        decided = decided or {}
        return {name: self.get(name, decided.get(name, default)) for name, default in defaults.items()}

    def add(self, variable, value, rule):
        self.problems.add(self.host, variable, value, rule)
        self.by_part.setdefault(self.part, Problems()).add(self.host, variable, value, rule)

    def warn(self, sentence):
        if sentence not in self.warnings:  # a front-end that is also a node reads one repository twice
            self.warnings.append(sentence)

    def deciding(self, part):
        """Records the problems found from now on under ``part``; returns the part decided before."""
        before, self.part = self.part, part
        return before


def is_set(value):
    return value not in (None, "")


def address(inventory, host, facts_first=False, name=True):
    """Where a host is reached: ansible_host, else its name (with ``name``; else ""). With
    ``facts_first``, the address of its default route's interface comes first when its facts were
    read: the one its peers on the LAN reach it at, where ansible_host names a container or a jump."""
    found = ((inventory.facts(host).get("default_ipv4") or {}).get("address")) if facts_first else None
    return found or inventory.variables(host).get("ansible_host") or (host if name else "")


def carrier(interface, bridges):
    """The interface that carries ``interface``'s address: the bridge it is a port of, or itself."""
    for bridge in bridges:
        if isinstance(bridge, dict) and interface in (bridge.get("ports") or ()):
            return bridge.get("name")
    return interface


def clusters(inventory):
    """The Eucalyptus front-ends (each a cluster's CC) of the inventory; the first runs the CLC."""
    return [host for host in inventory.members("frontend", "eucalyptus")
            if inventory.variables(host).get("vnet_mode") is not None]


def number(address):
    return int(ipv4_address(address))


def interface_holding(facts, address):
    """(name, MTU) of the interface that holds ``address`` in a host's facts (validate.yml's
    network facts), or (None, None) where no fact says."""
    for name in facts.get("interfaces") or ():
        # The facts name an interface's entry as its device, ':' made '_' (older releases: '-' and '.' too).
        interface = facts.get(name.replace(":", "_")) or facts.get(name.replace("-", "_").replace(".", "_")) or {}
        held = [(interface.get("ipv4") or {}).get("address")] + [
            entry.get("address") for entry in interface.get("ipv4_secondaries") or () if isinstance(entry, dict)]
        if address in held and isinstance(interface.get("mtu"), int):
            return name, interface["mtu"]
    return None, None


def is_ipv4(value):
    try:
        eucalyptus.ipv4_address(value)
    except (AddressError, TypeError, ValueError):
        return False
    return True
