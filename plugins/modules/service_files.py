#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: service_files
short_description: (internal) A service's files, the kernel settings it needs, what their change obliges and its units, in one call
version_added: "1.0.0"
description:
  - The one apply call of the collection's service roles. Applies in one call what a role would
    otherwise spread over a task per file and per unit - checks what the host must have
    (O(requires)) and that the interfaces a daemon serves on carry an address it can serve
    (O(listen)), writes each of O(files) whole (checked by its O(files[].validate) command before it
    replaces the working file) or removes it, sets the shell assignments of O(settings) in files the
    service shares with its package (every other line kept), holds O(sysctls) in the running kernel,
    does what the change obliges (O(actions)), and keeps O(units) enabled and running (or stopped
    and disabled).
  - The actions are kept on the host until done. Before any file changes, what the files hold is
    recorded; a run that dies after a change and before its action leaves the record, and the next
    call does the action still owed.
  - The order is the order a service needs - files and settings, kernel settings, actions (a
    systemd reload before a restart, if listed so), then units, so a unit first started here reads
    its new files and is not restarted again.
options:
  files:
    description: Files written whole.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Where the file goes; its directory must exist.
        type: path
        required: true
      content:
        description: What it holds; required unless O(files[].state=absent).
        type: str
      state:
        description: V(absent) removes the file (with O(files[].ours), only a file that starts with it).
        type: str
        choices: [present, absent]
        default: present
      ours:
        description:
          - For O(files[].state=absent), what the file starts with when the collection wrote it; a
            file that starts otherwise is someone else's and is left alone.
        type: str
      mode:
        description: Its permissions, in octal.
        type: str
        default: "0644"
      owner:
        description: Its owner.
        type: str
        default: root
      group:
        description: Its group.
        type: str
        default: root
      validate:
        description:
          - A command that checks the new content, C(%s) standing for a temporary copy of it;
            the file is not replaced when the command fails.
        type: str
  directories:
    description: Directories made where missing, their mode and owner kept as declared.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The directory; its parents are made too.
        type: path
        required: true
      mode:
        description: Its permissions, in octal.
        type: str
        default: "0755"
      owner:
        description: Its owner.
        type: str
        default: root
      group:
        description: Its group.
        type: str
        default: root
  settings:
    description:
      - Shell assignments (C(KEY="value")) set in a file the service shares with its package, or with
        O(settings[].section) the keys of one section of an INI file (C(Key = value)).
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The file; created with mode C(0644) when missing.
        type: path
        required: true
      values:
        description: The keys and their values; other lines of the file are kept as they are.
        type: dict
        required: true
      section:
        description: The INI section the keys are in (the file is then an INI file, not shell assignments).
        type: str
      owned:
        description: Further keys the caller owns; those not in O(settings[].values) are removed (shell assignments only).
        type: list
        elements: str
        default: []
      validate:
        description: A command that checks the new file, C(%s) standing for a temporary copy of it.
        type: str
  requires:
    description:
      - What the host must have before anything changes, each named by the setting that asks for
        it; the call fails naming every one missing (in check mode it only warns, since a package
        the run installs first may bring it).
    type: dict
    suboptions:
      executables:
        description: Paths of programs, each mapped to the setting that names it.
        type: dict
        default: {}
      users:
        description: User names, each mapped to the setting that names it.
        type: dict
        default: {}
      bridges:
        description: Interfaces that must be bridges (a daemon attaches to them), each mapped to the setting that names it.
        type: dict
        default: {}
  listen:
    description:
      - Interfaces the service serves on, each of which must carry an IPv4 address in one of
        O(listen.networks) - checked on the host before any file is replaced, since a daemon such
        as dhcpd refuses to start otherwise and a restart would take a working server down.
      - In check mode an interface the host does not have yet passes (an earlier step of the run
        only predicted it), and O(listen.planned) counts as present.
    type: dict
    suboptions:
      interfaces:
        description: The interfaces.
        type: list
        elements: str
        required: true
      networks:
        description: The networks (CIDR) the service serves.
        type: list
        elements: str
        required: true
      planned:
        description: Addresses an earlier step of the run gives the interfaces, for check mode - a list of CIDR addresses per interface.
        type: dict
        default: {}
      variable:
        description: The setting that names the interfaces, as the messages call it.
        type: str
        default: interfaces
  sysctls:
    description: Kernel settings held in the running kernel (C(net.ipv4.ip_forward) - C(1)).
    type: dict
    default: {}
  units:
    description: systemd units kept enabled (or disabled) at boot, and started.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The unit.
        type: str
        required: true
      enabled:
        description: Whether it starts at boot; not looked at when omitted.
        type: bool
      started:
        description: Whether it runs now; not looked at when omitted.
        type: bool
      when_ours:
        description:
          - Only when this file is there and the collection wrote it (as this call finds it, before it
            changes anything) - a service the collection did not set up is left as it is.
        type: path
  record_directory:
    description: Where the actions' records are kept.
    type: path
    default: /run/privatecloud-iaas/pending
attributes:
  check_mode:
    description: Reports what would be written, set, done and started, and does nothing.
    support: full
  diff_mode:
    description: Shows each file before and after, the kernel settings and units changed, and the actions owed.
    support: full
  platform:
    description: A host with systemd for O(units) and the actions' services.
    support: full
    platforms: posix
extends_documentation_fragment:
  - privatecloud.iaas.internal
  - privatecloud.iaas.actions
  - privatecloud.iaas.record
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Serve DHCP from the new configuration
  privatecloud.iaas.service_files:
    files:
      - path: /etc/dhcp/dhcpd.conf
        content: "{{ dhcpd_configuration }}"
        validate: /usr/sbin/dhcpd -t -cf %s
    settings:
      - path: /etc/default/isc-dhcp-server
        values: {INTERFACESv4: br0}
    actions:
      - name: restart dhcpd
        service: isc-dhcp-server
        files: [/etc/dhcp/dhcpd.conf, /etc/default/isc-dhcp-server]
    units:
      - {name: isc-dhcp-server, enabled: true, started: true}

- name: Forward IPv4, now and from boot on
  privatecloud.iaas.service_files:
    files:
      - path: /etc/sysctl.d/60-forward.conf
        content: "net.ipv4.ip_forward = 1\n"
    sysctls: {net.ipv4.ip_forward: "1"}
"""

RETURN = r"""
written:
  description: The files written or removed (in check mode, that would be), and those whose settings changed.
  returned: always
  type: list
  elements: str
  sample: [/etc/dhcp/dhcpd.conf]
removed:
  description: The files removed (in check mode, that would be).
  returned: always
  type: list
  elements: str
sysctls:
  description: The kernel settings changed, each with its value before.
  returned: always
  type: dict
  sample: {net.ipv4.ip_forward: "0"}
actions:
  description: The actions done (in check mode, owed), each with its reason.
  returned: always
  type: list
  elements: dict
  sample: [{name: restart dhcpd, reason: "/etc/dhcp/dhcpd.conf changed since 2026-11-29 00:40:01 UTC"}]
left_undone:
  description: Owed actions left undone, and why (the service does not run yet, the program is not installed).
  returned: always
  type: list
  elements: dict
units:
  description: What was done to the units (C(enabled isc-dhcp-server), C(started isc-dhcp-server)).
  returned: always
  type: list
  elements: str
record:
  description: The path of the role's record, with O(record).
  returned: with O(record)
  type: str
  sample: /var/lib/privatecloud-iaas/roles/dhcpd.json
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.privatecloud.iaas.plugins.module_utils.pending import ACTION_OPTIONS, DIRECTORY
from ansible_collections.privatecloud.iaas.plugins.module_utils.role_records import RECORD_OPTIONS, write_record
from ansible_collections.privatecloud.iaas.plugins.module_utils.services import Failure, apply


def main():
    module = AnsibleModule(
        argument_spec=dict(
            files=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="path", required=True),
                content=dict(type="str"),
                state=dict(type="str", default="present", choices=["present", "absent"]),
                ours=dict(type="str"),
                mode=dict(type="str", default="0644"),
                owner=dict(type="str", default="root"),
                group=dict(type="str", default="root"),
                validate=dict(type="str"),
            )),
            settings=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="path", required=True),
                values=dict(type="dict", required=True),
                section=dict(type="str"),
                owned=dict(type="list", elements="str", default=[]),
                validate=dict(type="str"),
            )),
            directories=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="path", required=True),
                mode=dict(type="str", default="0755"),
                owner=dict(type="str", default="root"),
                group=dict(type="str", default="root"),
            )),
            requires=dict(type="dict", options=dict(
                executables=dict(type="dict", default={}),
                users=dict(type="dict", default={}),
                bridges=dict(type="dict", default={}),
            )),
            listen=dict(type="dict", options=dict(
                interfaces=dict(type="list", elements="str", required=True),
                networks=dict(type="list", elements="str", required=True),
                planned=dict(type="dict", default={}),
                variable=dict(type="str", default="interfaces"),
            )),
            sysctls=dict(type="dict", default={}),
            actions=dict(type="list", elements="dict", default=[], options=ACTION_OPTIONS),
            units=dict(type="list", elements="dict", default=[], options=dict(
                name=dict(type="str", required=True),
                enabled=dict(type="bool"),
                started=dict(type="bool"),
                when_ours=dict(type="path"),
            )),
            record=dict(type="dict", options=RECORD_OPTIONS),
            record_directory=dict(type="path", default=DIRECTORY),
        ),
        supports_check_mode=True,
    )
    try:
        result = apply(module)
    except Failure as error:
        module.fail_json(msg=str(error))
    if module.params["record"]:
        result["record"] = write_record(module, module.params["record"])[0]
    result["msg"] = "; ".join(
        ["%s (removed)" % path if path in result["removed"] else path for path in result["written"]]
        + ["%s = %s" % (name, module.params["sysctls"][name]) for name in result["sysctls"]]
        + ["%s (%s)" % (action["name"], action["reason"]) for action in result["actions"]] + result["units"]) or "nothing to change"
    module.exit_json(**result)


if __name__ == "__main__":
    main()
