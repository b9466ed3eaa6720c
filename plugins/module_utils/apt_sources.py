# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What apt said when it refused a repository's signature, for a message a person can act on.

apt checks a repository's InRelease with gpgv (Debian 12) or sqv (Debian 13). sqv follows a
stricter policy: a key whose own binding signatures use SHA-1 is refused since 2026-02-01, and
several products still publish such keys. apt then reports the repository as "not signed" and
puts the reason in a warning line.
"""

from __future__ import annotations

import re

# "W: OpenPGP signature verification failed: <uri> <suite> InRelease: <reason>" (apt 3, sqv) and
# "W: GPG error: <uri> <suite> InRelease: <reason>" (apt 2.6, gpgv), one per line as apt-get prints
# them, or joined with ", " as the apt module's messages do ("W:..., E:...").
_REFUSAL = re.compile(r"(?:OpenPGP signature verification failed|GPG error): (\S+) ([^:\n]*?) (?:In)?Release: "
                      r"(.*?)(?=,?\s*(?:[EW]: ?|$))", re.S)
# sqv's "because:" chain: the last link is the reason a person can act on.
_BECAUSE = re.compile(r"\s+because:\s+")


def signature_refusals(apt_output):
    """[(repository, reason)] for each repository whose signature apt refused in ``apt_output``."""
    found = []
    for uri, suite, reason in _REFUSAL.findall(apt_output or ""):
        reason = _BECAUSE.split(" ".join(reason.split()))[-1]
        if ("%s %s" % (uri, suite), reason) not in found:
            found.append(("%s %s" % (uri, suite), reason))
    return found
