# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one way of writing a file on a host: staged beside its target, checked, then
renamed over it, so a reader never sees half a file and a refused file never replaces a working one.

Every module that writes a file (service_files, interfaces, iptables_chains, owned_addresses, the
rollback journals, the records) goes through ``write`` or ``stage``/``replace``.
The standard library only: this runs on the hosts.
"""

from __future__ import annotations

import os
import tempfile


class FileError(Exception):
    """A file that cannot be written as asked; the message names it and why."""


def read_text(path):
    """A file's text, or None when it is absent."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as stream:
            return stream.read()
    except (FileNotFoundError, NotADirectoryError):
        return None


def attributes(path):
    """(mode, uid, gid) of a file, or None when it is absent."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_mode & 0o7777, found.st_uid, found.st_gid


def stage(path, content, validate=None, run=None):
    """A temporary file beside ``path`` holding ``content``, checked by ``validate`` (a command with
    %s for the file, run by ``run(command) -> (rc, out, err)``); the working file is untouched.
    Raises FileError (and leaves nothing behind) when the check fails."""
    if validate and "%s" not in validate:
        raise FileError("%s: the check %r has no %%s for the file to check" % (path, validate))
    directory = os.path.dirname(path) or "."
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".privatecloud-iaas-")
    with os.fdopen(handle, "w", encoding="utf-8", errors="surrogateescape") as stream:
        stream.write(content)
    if validate:
        rc, out, err = run(validate % temporary)
        if rc:
            os.remove(temporary)
            raise FileError("%s: the new content fails %r (exit %d); the working file is kept: %s"
                            % (path, validate, rc, (err or out).strip()))
    return temporary


def replace(temporary, path, mode, uid=0, gid=0):
    """Put a staged file in place of ``path`` in one rename, with its mode and owner set first."""
    os.chmod(temporary, mode)
    os.chown(temporary, uid, gid)
    os.rename(temporary, path)


def write(path, content, mode=0o644, uid=0, gid=0, validate=None, run=None, make_directory=False):
    """Write ``content`` to ``path`` when it differs (content, mode or owner); returns whether it did.

    ``make_directory`` creates the file's directory (0755) where it is missing."""
    if read_text(path) == content and attributes(path) == (mode, uid, gid):
        return False
    directory = os.path.dirname(path) or "."
    if make_directory and not os.path.isdir(directory):
        os.makedirs(directory, 0o755)
    replace(stage(path, content, validate, run), path, mode, uid, gid)
    return True


def remove(path):
    """Remove a file; returns whether there was one."""
    try:
        os.remove(path)
    except FileNotFoundError:
        return False
    return True
