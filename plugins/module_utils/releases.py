# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What differs between the operating system releases the collection supports: where the
difference decides what an inventory may ask for (RELEASES), and how a part of a host's plan
picks the names and directives of the host's system (``variant``).

A release is known from the host's facts (distribution, distribution_major_version), which
playbooks/validate.yml reads before it plans; a host whose release is not known (facts not read,
a release not listed here) is not held to these rules.
"""

from __future__ import annotations

RELEASES = {
    # vtun (the Eucalyptus CC's tunnels between clusters) left Debian's archive with Debian 13.
    # MariaDB 11.8's default collation (utf8mb4_uca1400_ai_ci) is unknown to 10.11, so a
    # replica of the older release cannot apply the newer primary's events.
    ("Debian", "12"): {"vtun": True, "mariadb": "10.11"},
    ("Debian", "13"): {"vtun": False, "mariadb": "11.8"},
}


def release_of(facts):
    """('Debian', '13') from a host's facts, or None when they do not say."""
    facts = facts or {}
    distribution, major = facts.get("distribution"), facts.get("distribution_major_version")
    if not distribution or major in (None, ""):
        return None
    return str(distribution), str(major)


def name(release):
    return "%s %s" % release


def has(release, feature):
    """True or False when the release is known, None when it is not."""
    known = RELEASES.get(release)
    return None if known is None else known[feature]


def variant(table, facts):
    """What ``table`` says for the host of ``facts``: its family's entry ("Debian"), updated by its
    distribution's ("Ubuntu") and its release's ("Debian 12"). Debian's where the facts do not say
    (a host not read yet is planned as the collection's own platform)."""
    facts = facts or {}
    family = facts.get("os_family") or "Debian"
    distribution = facts.get("distribution") or family
    found = dict(table.get(family) or table["Debian"])
    for key in (distribution, "%s %s" % (distribution, facts.get("distribution_major_version"))):
        if key != family:
            found.update(table.get(key) or {})
    return found
