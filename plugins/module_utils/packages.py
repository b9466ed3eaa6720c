# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which of a role's packages a host still lacks, by the dpkg-query list validate.yml reads once."""

from __future__ import annotations


def missing(names, installed):
    """The packages of ``names`` the host does not have installed, by ``installed``: what
    playbooks/validate.yml registered from role_records_info (iaas_host_records). All of them
    when that list was not read (a role run outside site.yml, a host without dpkg) or when a name
    is more than a plain name (a version, an architecture, a path), which only the package manager
    can judge. A rerun then calls the package manager only where something is missing."""
    names = [names] if isinstance(names, str) else list(names or [])
    listed = installed_names(installed)
    if listed is None or any(not _plain(name) for name in names):
        return names
    return [name for name in names if name not in listed]


def installed_names(result):
    """The names installed, or None when not read: from privatecloud.iaas.role_records_info's
    installed_packages, or from dpkg-query's output ("<status> <name>" per line)."""
    if isinstance(result, dict) and "installed_packages" in result and not result.get("skipped"):
        listed = result["installed_packages"]
        return None if listed is None or result.get("failed") else set(listed)
    if not isinstance(result, dict) or result.get("rc") != 0 or result.get("skipped") or not result.get("stdout"):
        return None
    return {fields[1] for fields in (line.split() for line in result["stdout"].splitlines())
            if len(fields) == 2 and fields[0] == "installed"}


def _plain(name):
    return isinstance(name, str) and name != "" and not any(mark in name for mark in "=:<>/*")
