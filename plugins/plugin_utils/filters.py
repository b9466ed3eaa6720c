# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection's filters share: its value errors become filter errors."""

from __future__ import annotations

import functools

from ansible.errors import AnsibleFilterError


def raising(function):
    """Turn the collection's value errors into filter errors, named after the filter, same message."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (ValueError, ImportError) as error:
            raise AnsibleFilterError("%s: %s" % (function.__name__, error))

    return wrapper
