# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host_firewall filter: a host's owned iptables chains from what the inventory says of it."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.privatecloud.iaas.plugins.module_utils.firewall import baseline_cidr, host_tables


def host_firewall(services, networks, rules=None, eucalyptus=None, prefix="IAAS-"):
    # No security groups here: on a front-end whose data plane the collection owns they are the
    # nftables table of the host's plan (the iptables role), which these chains hand the subnet to.
    problems = []
    baseline = baseline_cidr(eucalyptus, lambda variable, value, rule: problems.append("%s: %r %s" % (variable, value, rule)))
    if problems:
        raise AnsibleFilterError("host_firewall: %s" % "; ".join(problems))
    try:
        return host_tables(services or [], networks or {}, rules, baseline, prefix)
    except ValueError as error:
        raise AnsibleFilterError("host_firewall: %s" % error)


class FilterModule:
    """privatecloud.iaas firewall filter."""

    def filters(self):
        return {"host_firewall": host_firewall}
