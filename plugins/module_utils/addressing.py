# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Address rules shared by the collection's filters, modules and inventory validation.

Plain Python on netaddr. Every error names the variable, the value and the rule it broke; no
function returns an empty or false value for bad input.
"""

from __future__ import annotations

import traceback

try:
    import netaddr
except ImportError:
    netaddr = None
    NETADDR_IMPORT_ERROR = traceback.format_exc()
else:
    NETADDR_IMPORT_ERROR = None


class AddressError(ValueError):
    """A value broke an address rule."""

    def __init__(self, variable, value, rule):
        self.variable = variable
        self.value = value
        self.rule = rule
        super().__init__("%s: %r %s" % (variable, value, rule))


class AddressErrors(ValueError):
    """Several values broke address rules; str() gives one line per problem."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


def require_netaddr():
    if netaddr is None:
        raise ImportError("the python 'netaddr' library is required on the controller:\n%s" % NETADDR_IMPORT_ERROR)


def _text(value):
    return value.strip() if isinstance(value, str) else None


def ip_network(value, variable="value"):
    """Return the canonical CIDR form of an IPv4 or IPv6 network.

    A bare address is a network of one host (``/32`` or ``/128``). A network written with host
    bits set (``192.0.2.7/24``) is refused rather than silently widened: in an access list it is
    almost always a typo, and the message says which network was probably meant.
    """
    require_netaddr()
    text = _text(value)
    try:
        if not text or " " in text:
            raise netaddr.AddrFormatError(text)
        network = netaddr.IPNetwork(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise AddressError(variable, value, "is not an IP network (expected CIDR, e.g. 192.0.2.0/24)")
    if network.ip != network.network:
        raise AddressError(variable, value, "has host bits set: the network is %s" % network.cidr)
    return str(network.cidr)


def ip_networks(values, variable="value"):
    """Canonicalise a list of networks (or one network as a string), reporting every bad entry.

    Duplicates are dropped, keeping the first occurrence, so rendered files stay stable.
    """
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        raise AddressError(variable, values, "is not a list of IP networks")
    networks, problems = [], []
    for index, value in enumerate(values):
        try:
            network = ip_network(value, "%s[%d]" % (variable, index))
        except AddressError as error:
            problems.append(error)
            continue
        if network not in networks:
            networks.append(network)
    if problems:
        raise AddressErrors(problems)
    return networks


def ipv4_address(value, variable="value"):
    """Return the netaddr.IPAddress of a dotted-quad IPv4 address (short forms and integers refused)."""
    require_netaddr()
    text = _text(value)
    try:
        if not text:
            raise netaddr.AddrFormatError(text)
        return netaddr.IPAddress(text, version=4)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise AddressError(variable, value, "is not an IPv4 address (dotted quad, e.g. 192.0.2.1)")


def netmask_prefix(value, variable="value"):
    """Return the prefix length of a dotted netmask (255.255.255.0 -> 24); refuse other masks."""
    mask = ipv4_address(value, variable)
    if not mask.is_netmask():
        raise AddressError(variable, value, "is not a netmask (its one bits must be contiguous)")
    return mask.netmask_bits()


def prefix_netmask(prefix):
    """Return the dotted netmask of an IPv4 prefix length (24 -> 255.255.255.0)."""
    require_netaddr()
    return str(netaddr.IPNetwork("0.0.0.0/%d" % prefix).netmask)


def ipv4_subnet(subnet, netmask, subnet_variable="subnet", netmask_variable="netmask"):
    """Return the netaddr.IPNetwork of a subnet address and dotted netmask, as eucalyptus.conf has them.

    The subnet must be the network's own address: with host bits set, the documents' arithmetic
    (blocks counted from the subnet address) would start in the middle of a network.
    """
    address = ipv4_address(subnet, subnet_variable)
    prefix = netmask_prefix(netmask, netmask_variable)
    network = netaddr.IPNetwork("%s/%d" % (address, prefix))
    if network.network != address:
        raise AddressError(subnet_variable, subnet, "has host bits set for netmask %s: the network is %s"
                           % (netmask, network.network))
    return network


def ipv4_cidr(value, variable="value"):
    """Return the netaddr.IPNetwork of an IPv4 network in CIDR form (host bits refused)."""
    network = netaddr.IPNetwork(ip_network(value, variable))
    if network.version != 4:
        raise AddressError(variable, value, "is not an IPv4 network (expected CIDR, e.g. 192.0.2.0/24)")
    return network


def mac_address(value, variable="value"):
    """Return a unicast EUI-48 MAC in the documents' spelling: upper case, colon separated."""
    require_netaddr()
    text = _text(value)
    try:
        if not text:
            raise netaddr.AddrFormatError(text)
        mac = netaddr.EUI(text, version=48, dialect=netaddr.mac_unix_expanded)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise AddressError(variable, value, "is not a MAC address (six hex octets, e.g. AA:DD:11:CE:FF:ED)")
    if mac.words[0] & 1:
        raise AddressError(variable, value, "is a multicast MAC address: a VM's MAC must be unicast")
    return str(mac).upper()
