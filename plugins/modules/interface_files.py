#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: interface_files
short_description: Persistent bridge, VLAN and VXLAN configuration, in ifupdown or ifcfg files
version_added: 0.1.0
description:
  - Writes one file per interface that O(owner) manages, rendered from the declared NICs, VLAN
    devices, VXLAN devices and bridges, in the documents' own formats; removes the files of O(owner) that are no
    longer declared, and leaves every other file alone.
  - C(ifupdown) (Debian, Ubuntu) files go to C(/etc/network/interfaces.d) with a weight in the
    name (NIC 20, VLAN 40, VXLAN 50, bridge 60) so the boot order is NIC, VLAN, VXLAN, bridge. The stanzas of the
    managed interfaces in C(/etc/network/interfaces) are switched off (commented with a marker)
    and switched back on once no role manages the interface.
  - C(ifcfg) (RHEL, CentOS) files go to C(/etc/sysconfig/network-scripts).
  - With C(ifquery) present, the whole new configuration is parsed in a staging copy first; any
    complaint fails the task before a file is replaced.
  - This writes files only; the running system is changed by M(privatecloud.iaas.linux_bridge)
    M(privatecloud.iaas.vlan_interface) and M(privatecloud.iaas.vxlan_interface).
options:
  owner:
    description: The role whose files these are; each role writes and removes only its own.
    type: str
    choices: [bridge, vlan]
    required: true
  format:
    description: V(ifupdown) or V(ifcfg).
    type: str
    choices: [ifupdown, ifcfg]
    default: ifupdown
  directory:
    description: Where the files go; defaults to the format's directory.
    type: path
  interfaces_file:
    description: The main ifupdown file whose old stanzas are switched off (ifupdown only).
    type: path
    default: /etc/network/interfaces
  nics:
    description: Plain NICs (name, method, address, gateway, dns, dns_domain, hwaddr).
    type: list
    elements: dict
    default: []
  vlans:
    description: VLAN devices (parent, id, name, method, address, gateway, dns, dns_domain, hwaddr).
    type: list
    elements: dict
    default: []
  vxlans:
    description:
      - VXLAN devices (name, id, local, peers, port), the vlan role's; ifupdown only. The stanza
        makes the device with C(ip link add) and its peers with C(bridge fdb append) before it
        comes up, and deletes it when it goes down.
    type: list
    elements: dict
    default: []
  bridges:
    description:
      - Bridges (name, ports, stp, forward_delay, hello_time, maxwait, method, address, gateway,
        dns, dns_domain, hwaddr). A port no one declared is written as a plain NIC without address.
    type: list
    elements: dict
    default: []
attributes:
  check_mode:
    description: Reports the files that would change, and validates them, without writing.
    support: full
  diff_mode:
    description: Shows each file before and after.
    support: full
  platform:
    description: Linux with ifupdown or initscripts-style ifcfg files.
    support: full
    platforms: posix
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: The documents' br0 over eth0 by DHCP, for boot
  privatecloud.iaas.interface_files:
    owner: bridge
    bridges:
      - name: br0
        ports: [eth0]
        method: dhcp
        forward_delay: 1
        hello_time: 2
"""

RETURN = r"""
written:
  description: The files written (or that would be, in check mode).
  returned: always
  type: list
  elements: str
removed:
  description: The files of O(owner) removed because their interface is no longer declared.
  returned: always
  type: list
  elements: str
released:
  description: The interfaces whose files were removed, with their kind, for removing the devices too.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "br1", "kind": "bridge"}]
owned:
  description: The interfaces whose files of O(owner) were there before this call (those the collection made before).
  returned: always
  type: list
  elements: str
  sample: [br0, eucabr10]
"""

import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.privatecloud.iaas.plugins.module_utils.netconf import (
    ConfigError,
    file_kind,
    file_owner,
    interfaces,
    interfaces_in,
    main_interfaces_file,
    owned_entries,
    plan_files,
    render_ifcfg,
    render_ifupdown,
)

DIRECTORIES = {"ifupdown": "/etc/network/interfaces.d", "ifcfg": "/etc/sysconfig/network-scripts"}


def read_directory(directory):
    found = {}
    if os.path.isdir(directory):
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if os.path.isfile(path):
                with open(path, errors="replace") as stream:
                    found[name] = stream.read()
    return found


def read_text(path):
    if not os.path.exists(path):
        return ""
    with open(path) as stream:
        return stream.read()


def validate(module, directory, files, main_text):
    """Parse the whole new ifupdown configuration in a staging copy with ifquery."""
    ifquery = module.get_bin_path("ifquery")
    if not ifquery:
        return
    staging = tempfile.mkdtemp(prefix="privatecloud-ifupdown-")
    try:
        staged = os.path.join(staging, "interfaces.d")
        os.mkdir(staged)
        for name, content in files.items():
            with open(os.path.join(staged, name), "w") as stream:
                stream.write(content)
        with open(os.path.join(staging, "interfaces"), "w") as stream:
            stream.write(main_text.replace(directory.rstrip("/"), staged))
        rc, out, err = module.run_command([ifquery, "--interfaces", os.path.join(staging, "interfaces"),
                                           "--list", "--all"])
        # ifquery reports syntax errors on stderr and still exits 0.
        if rc or err.strip():
            module.fail_json(msg="ifquery refuses the new configuration; no file was replaced", stderr=err,
                             stdout=out, files=files)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write(module, path, content):
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path))
    with os.fdopen(handle, "w") as stream:
        stream.write(content)
    os.chmod(temporary, 0o644)
    module.atomic_move(temporary, path)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            owner=dict(type="str", choices=["bridge", "vlan"], required=True),
            format=dict(type="str", choices=["ifupdown", "ifcfg"], default="ifupdown"),
            directory=dict(type="path"),
            interfaces_file=dict(type="path", default="/etc/network/interfaces"),
            nics=dict(type="list", elements="dict", default=[]),
            vlans=dict(type="list", elements="dict", default=[]),
            bridges=dict(type="list", elements="dict", default=[]),
            vxlans=dict(type="list", elements="dict", default=[]),
        ),
        supports_check_mode=True,
    )
    params = module.params
    file_format, owner = params["format"], params["owner"]
    directory = params["directory"] or DIRECTORIES[file_format]
    render = render_ifupdown if file_format == "ifupdown" else render_ifcfg
    try:
        entries = interfaces(params["nics"], params["vlans"], params["bridges"], params["vxlans"])
        declared = render(owned_entries(entries, owner), owner)
    except (ConfigError, KeyError, TypeError) as error:
        module.fail_json(msg="the declared interfaces cannot be written: %s" % error)

    existing = read_directory(directory)
    changes, removed = plan_files(existing, declared, owner)
    released = [{"name": name, "kind": file_kind(file_name, existing[file_name], file_format)}
                for file_name in removed for name in interfaces_in(existing[file_name], file_format)]
    diff = [{"before_header": os.path.join(directory, name), "before": existing.get(name, ""),
             "after_header": os.path.join(directory, name), "after": content} for name, content in sorted(changes.items())]
    diff += [{"before_header": os.path.join(directory, name), "before": existing[name],
              "after_header": os.path.join(directory, name) + " (removed)", "after": ""} for name in removed]

    main_before = main_after = None
    if file_format == "ifupdown":
        after = dict((name, content) for name, content in existing.items() if name not in removed)
        after.update(declared)
        # Every interface any role of the collection writes a file for, after this change.
        managed = [name for content in after.values() if file_owner(content)
                   for name in interfaces_in(content, file_format)]
        main_before = read_text(params["interfaces_file"])
        # A host where the collection manages no interface, and never did, keeps its file as it is.
        untouched = not managed and "#privatecloud.iaas(" not in main_before
        main_after = main_before if untouched else main_interfaces_file(main_before, managed, directory)
        if main_after != main_before:
            diff.append({"before_header": params["interfaces_file"], "before": main_before,
                         "after_header": params["interfaces_file"], "after": main_after})
        if changes or removed or main_after != main_before:
            validate(module, directory, after, main_after)

    changed = bool(changes or removed or main_after != main_before)
    if changed and not module.check_mode:
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        for name, content in sorted(changes.items()):
            write(module, os.path.join(directory, name), content)
        if main_after != main_before:
            write(module, params["interfaces_file"], main_after)
        for name in removed:
            os.remove(os.path.join(directory, name))
    owned = sorted(name for file_name, content in existing.items() if file_owner(content) == owner
                   for name in interfaces_in(content, file_format))
    module.exit_json(changed=changed, written=sorted(changes), removed=removed, released=released, owned=owned,
                     diff=diff)


if __name__ == "__main__":
    main()
