# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Address rules shared by the collection's filters, modules and inventory validation.

Plain Python on the standard library, so the same code runs on the controller (filters) and on
targets (modules). Every error names the variable, the value and the rule it broke.
"""

from __future__ import annotations

import ipaddress


class AddressError(ValueError):
    """A value broke an address rule."""

    def __init__(self, variable, value, rule):
        self.variable = variable
        self.value = value
        self.rule = rule
        super().__init__("%s: %r %s" % (variable, value, rule))


def ip_network(value, variable="value"):
    """Return the canonical CIDR form of an IPv4 or IPv6 network.

    A bare address is a network of one host (``/32`` or ``/128``). A network written with host
    bits set (``192.0.2.7/24``) is refused rather than silently widened: in an access list it is
    almost always a typo, and the message says which network was probably meant.
    """
    if not isinstance(value, str) or not value.strip():
        raise AddressError(variable, value, "is not an IP network (expected CIDR, e.g. 192.0.2.0/24)")
    text = value.strip()
    try:
        return str(ipaddress.ip_network(text, strict=True))
    except ValueError:
        pass
    try:
        widened = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise AddressError(variable, value, "is not an IP network (expected CIDR, e.g. 192.0.2.0/24)")
    raise AddressError(variable, value, "has host bits set: the network is %s" % widened)


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
            problems.append(str(error))
            continue
        if network not in networks:
            networks.append(network)
    if problems:
        raise ValueError("; ".join(problems))
    return networks
