# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keys of one section of an INI file a package ships (idmapd.conf's [General] Domain), set in place.

The key's line in the section - set, or commented out as the shipped file has it - takes the value;
a key the section does not have goes right below its header, and a missing section is added at the
end. Section "" is the file's own keys before any header (libvirtd.conf, qemu.conf, which have no
sections); a key it does not have goes at the end of those. Every other line is kept as it is.
"""

from __future__ import annotations

import re

SECTION = re.compile(r"^\s*\[([^]]+)\]\s*$")
_KEY = r"^\s*#?\s*%s\s*="


def parse(text, section):
    """{key: value} of ``section`` (the last assignment of a key wins)."""
    found, inside = {}, section == ""
    for line in (text or "").splitlines():
        header = SECTION.match(line)
        if header:
            inside = header.group(1).strip() == section
        elif inside and "=" in line and not line.lstrip().startswith(("#", ";")):
            key, _equals, value = line.partition("=")
            found[key.strip()] = value.strip()
    return found


def edited(text, section, values):
    """Return (new text, {key: (old value or None, new value)}) for ``values`` in ``section``."""
    values = dict((key, str(value)) for key, value in values.items())
    for key, value in values.items():
        if "\n" in value or "\n" in key:
            raise ValueError("%r = %r spans several lines: an INI value is one line" % (key, value))
    current = parse(text, section)
    changes = dict((key, (current.get(key), value)) for key, value in values.items() if current.get(key) != value)
    if not changes:
        return text, {}
    lines = (text or "").splitlines()
    if section == "":
        start = -1
        end = next((index for index, line in enumerate(lines) if SECTION.match(line)), len(lines))
    else:
        start = next((index for index, line in enumerate(lines)
                      if SECTION.match(line) and SECTION.match(line).group(1).strip() == section), None)
        end = None
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines += ["[%s]" % section] + ["%s = %s" % (key, values[key]) for key in values]
        return "\n".join(lines) + "\n", changes
    if end is None:
        end = next((index for index in range(start + 1, len(lines)) if SECTION.match(lines[index])), len(lines))
    for key in changes:
        pattern = re.compile(_KEY % re.escape(key))
        found = [index for index in range(start + 1, end) if pattern.match(lines[index])]
        # The set line where there is one, else the first commented one.
        set_lines = [index for index in found if not lines[index].lstrip().startswith("#")]
        if set_lines or found:
            lines[(set_lines or found)[-1 if set_lines else 0]] = "%s = %s" % (key, values[key])
        else:
            # Below the section's header; the file's own keys at the end of them.
            lines.insert(end if section == "" else start + 1, "%s = %s" % (key, values[key]))
            end += 1
    return "\n".join(lines) + "\n", changes
