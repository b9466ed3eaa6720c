# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shapes an inventory string must have before it reaches a file or a command line.

Every pattern matches the whole string (``fullmatch``): ``$`` would accept a trailing newline,
which then starts a line of its own in the file the value lands in.
"""

from __future__ import annotations

import re

# Linux interface names: at most 15 bytes, not '.' or '..'; letters, digits and the punctuation
# interface names use, so a name can land in a shell assignment or a configuration line as it is
# (the kernel would take more: quotes, parentheses, '$').
INTERFACE = re.compile(r"(?!\.{1,2}\Z)[A-Za-z0-9_.+-]{1,15}")
INTERFACE_RULE = "is not a network interface name (1-15 letters, digits, '_', '.', '+' or '-')"
# A host or domain name (RFC 1123 labels of at most 63 characters, 253 in all).
DNS_NAME = re.compile(r"(?=.{1,253}\Z)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
                      r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# A name a POSIX shell takes on the left of '=' (eucalyptus.conf is sourced by the init scripts).
SHELL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# A pinned checksum as ansible.builtin.get_url takes it: '<algorithm>:<hex digest>'.
CHECKSUM_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128, "sha1": 40, "md5": 32}
CHECKSUM_RULE = "is not '<algorithm>:<hex digest>' (%s)" % ", ".join(CHECKSUM_LENGTHS)
HEX = re.compile(r"[0-9A-Fa-f]+")
# A download's address: http(s) or a file on the host, with nothing a shell or a file would split on.
DOWNLOAD_URL = re.compile(r"(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|file://)/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*")
# What ends a line for someone: str.splitlines() splits on all of these, and a reader of the file
# in Python (or a terminal) would see a new line. C0/C1 controls and DEL besides, tab excepted.
LINE_BREAKING = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def is_interface(value):
    return isinstance(value, str) and INTERFACE.fullmatch(value) is not None


def is_dns_name(value):
    return isinstance(value, str) and DNS_NAME.fullmatch(value) is not None


def is_shell_name(value):
    return isinstance(value, str) and SHELL_NAME.fullmatch(value) is not None


def is_checksum(value):
    algorithm, _colon, digest = value.partition(":") if isinstance(value, str) else ("", "", "")
    return CHECKSUM_LENGTHS.get(algorithm) == len(digest) and HEX.fullmatch(digest) is not None


def is_download_url(value):
    return isinstance(value, str) and DOWNLOAD_URL.fullmatch(value) is not None


def is_one_line(value):
    """A string that stays on the line it is written on, whatever reads it."""
    return isinstance(value, str) and LINE_BREAKING.search(value) is None
