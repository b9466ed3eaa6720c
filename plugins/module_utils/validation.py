# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Collecting every broken rule of an inventory before reporting, instead of stopping at the first."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import AddressError, AddressErrors


class Problem:
    """One broken rule: where (host, group or zone path), the variable, its value, the rule."""

    __slots__ = ("where", "variable", "value", "rule")

    def __init__(self, where, variable, value, rule):
        self.where, self.variable, self.value, self.rule = where, variable, value, rule

    def __str__(self):
        return "%s: %s: %r %s" % (self.where, self.variable, self.value, self.rule)

    def __repr__(self):
        return "Problem(%s)" % self


class Problems:
    """An ordered, duplicate-free list of problems."""

    def __init__(self):
        self.items = []
        self._seen = set()

    def add(self, where, variable, value, rule):
        problem = Problem(where, variable, value, rule)
        key = str(problem)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(problem)

    def check(self, where, function, *args, **kwargs):
        """Run a parser; record what it refuses under ``where`` and return None in that case."""
        try:
            return function(*args, **kwargs)
        except AddressErrors as errors:
            for error in errors.errors:
                self.add(where, error.variable, error.value, error.rule)
        except AddressError as error:
            self.add(where, error.variable, error.value, error.rule)
        return None

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def lines(self):
        return [str(problem) for problem in self.items]
