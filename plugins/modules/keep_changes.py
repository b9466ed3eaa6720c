#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# This module is implemented as an action plugin and runs on the controller.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: keep_changes
short_description: (internal) Keep a host's changes only when the controller still reaches it
version_added: "1.0.0"
description:
  - The collection's modules that can cut the controller off (M(privatecloud.iaas.linux_bridge),
    M(privatecloud.iaas.vlan_interface), M(privatecloud.iaas.iptables_chains)) leave a timer on
    the host that puts the previous state back unless a cookie file is removed in time. This is
    the one path that removes it, shared by the bridge, vlan and iptables roles.
  - Drops the connection the change was made through, reaches the host again in a fresh one
    (retrying until O(timeout)), and removes the cookies there.
  - Fails, naming the host and O(what), when the host cannot be reached again (it rolls back by
    itself) or when its timer had already claimed a cookie (it has rolled back).
options:
  cookies:
    description: The RV(privatecloud.iaas.linux_bridge#module:rollback_cookie) files the changes returned.
    type: list
    elements: str
    required: true
  what:
    description: What changed, for the messages (V(bridges), V(VLAN devices), V(firewall)).
    type: str
    required: true
  rollback_timeout:
    description: The seconds after which the host rolls back, for the messages.
    type: int
    required: true
  timeout:
    description:
      - Seconds to try to reach the host again. Keep it below O(rollback_timeout), so a late
        answer never keeps a change the host is undoing.
    type: int
    default: 30
  sleep:
    description: Seconds between attempts.
    type: int
    default: 2
extends_documentation_fragment:
  - privatecloud.iaas.internal
attributes:
  check_mode:
    description: Check mode arms no timer, so there is nothing to keep.
    support: full
  diff_mode:
    description: Has nothing to show in diff mode.
    support: none
  platform:
    description: Any host the connection reaches.
    support: full
    platforms: posix
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Make the bridge
  privatecloud.iaas.linux_bridge:
    name: br0
    ports: [eth0]
    rollback_timeout: 120
  register: bridge_result

- name: Keep it once the controller reaches the host again
  privatecloud.iaas.keep_changes:
    cookies: "{{ [bridge_result.rollback_cookie] if bridge_result.rollback_cookie is defined else [] }}"
    what: bridges
    rollback_timeout: 120
"""

RETURN = r"""
kept:
  description: The cookies removed (the changes kept).
  returned: always
  type: list
  elements: str
"""
