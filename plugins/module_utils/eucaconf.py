# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""eucalyptus.conf as the Eucalyptus components read it: shell assignments, ``KEY="value"``.

The collection sets the keys it owns and keeps every other line as it is: comments, blank
lines, keys it does not own, their order. A key it owns but no longer declares is removed. Values
are compared unquoted, so ``VNET_MODE=SYSTEM`` already is ``VNET_MODE="SYSTEM"``; a changed or
new value is written in the documents' quoted form.
"""

from __future__ import annotations

import re

from ansible_collections.privatecloud.iaas.plugins.module_utils import names

ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
# A commented example assignment, as the shipped file has them: '#VNET_PUBINTERFACE="eth0"'.
EXAMPLE = re.compile(r"^\s*#\s*([A-Za-z_][A-Za-z0-9_]*)=")
HEADER = "# Set by privatecloud.iaas"
_SPECIAL = re.compile(r'([\\"$`])')


class ConfError(ValueError):
    """A value the file cannot hold, or a line the shell could not read."""


def unquote(text):
    """The value of the right-hand side of a shell assignment (one word; a trailing comment dropped)."""
    value, index, quote = [], 0, None
    text = text.rstrip("\n")
    while index < len(text):
        char = text[index]
        if quote == "'":
            if char == "'":
                quote = None
            else:
                value.append(char)
        elif quote == '"':
            if char == '"':
                quote = None
            elif char == "\\" and index + 1 < len(text) and text[index + 1] in '\\"$`':
                index += 1
                value.append(text[index])
            else:
                value.append(char)
        elif char in "'\"":
            quote = char
        elif char == "\\" and index + 1 < len(text):
            index += 1
            value.append(text[index])
        elif char.isspace():
            break  # the end of the word: what follows is a comment or another word
        else:
            value.append(char)
        index += 1
    if quote:
        raise ConfError("unterminated %s quote in %r" % (quote, text))
    return "".join(value)


def quote(value):
    """The documents' form: double quotes, with the shell's special characters escaped."""
    text = str(value)
    if not names.is_one_line(text):
        raise ConfError("%r is not one line: eucalyptus.conf values are one line, without control characters"
                        % text)
    return '"%s"' % _SPECIAL.sub(r"\\\1", text)


def _lines(text):
    """The file's lines as the shell reads them: split on newlines only (str.splitlines() would
    split a value at a Unicode line separator the shell keeps)."""
    lines = (text or "").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def parse(text):
    """{key: value} of the file's assignments; the last one wins, as when the shell reads it."""
    found = {}
    for line in _lines(text):
        match = ASSIGNMENT.match(line)
        if match:
            found[match.group(1)] = unquote(match.group(2))
    return found


def edited(text, settings, owned=()):
    """Return (new text, {key: (old value or None, new value or None)}) for the declared settings.

    ``settings``: {key: value} in the order new keys are added. ``owned``: further keys the
    caller owns; those not in ``settings`` are removed. Other keys and lines are kept. A new key
    goes below its commented example when the file has one, else into a block at the end.
    """
    settings = dict((key, str(value)) for key, value in settings.items())
    owned = set(owned) | set(settings)
    current = parse(text)
    changes = {}
    for key in sorted(owned):
        old, new = current.get(key), settings.get(key)
        if old != new:
            changes[key] = (old, new)
    if not changes:
        return text, {}

    lines, seen, examples = [], set(), {}
    for line in _lines(text):
        match = ASSIGNMENT.match(line)
        key = match.group(1) if match else None
        if key in owned:
            if key not in settings or key in seen:
                continue  # no longer declared, or a repeated assignment the shell would override
            seen.add(key)
            if key in changes:
                line = "%s=%s" % (key, quote(settings[key]))
        lines.append(line)
        example = EXAMPLE.match(line)
        if example and example.group(1) in settings:
            examples.setdefault(example.group(1), len(lines))
    missing = [key for key in settings if key not in seen]
    # Below its commented example, bottom-up so earlier positions stay right.
    for key in sorted((key for key in missing if key in examples), key=lambda key: -examples[key]):
        lines.insert(examples[key], "%s=%s" % (key, quote(settings[key])))
    appended = [key for key in missing if key not in examples]
    if appended:
        if HEADER not in lines:
            if lines and lines[-1].strip():
                lines.append("")
            lines.append(HEADER)
        lines.extend("%s=%s" % (key, quote(settings[key])) for key in appended)
    return "\n".join(lines) + "\n", changes
