#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eucalyptus_conf
short_description: The keys of eucalyptus.conf the collection owns, and nothing else
version_added: 0.1.0
description:
  - Sets each key of O(settings) in C(eucalyptus.conf) in the documents' quoted form
    (C(VNET_MODE="MANAGED")), in place where the key already is, below its commented example
    where the shipped file has one, else in a block at the end.
  - Removes the keys of O(owned) that O(settings) does not declare, so a key the host's mode no
    longer needs leaves the file. Every other line - comments, other keys, their order - is kept.
  - Values are compared unquoted, so an unquoted C(VNET_MODE=SYSTEM) already is V(SYSTEM).
  - The new file is parsed by C(sh -n) before it replaces the old one.
  - Returns the keys that changed, so a handler can tell a networking change (restart the CC)
    from a mode change (C(cleanrestart)).
options:
  path:
    description: The file.
    type: path
    default: /etc/eucalyptus/eucalyptus.conf
  settings:
    description: Keys and their values (unquoted).
    type: dict
    required: true
  owned:
    description: Further keys the caller owns; those not in O(settings) are removed.
    type: list
    elements: str
    default: []
  own_vnet_keys:
    description:
      - Own every C(VNET_*) key the collection writes (the networking keys of all four modes),
        so one that O(settings) does not declare is removed.
    type: bool
    default: true
  mode:
    description: Permissions of a file the module creates.
    type: raw
    default: "0644"
attributes:
  check_mode:
    description: Reports the keys that would change and the diff, without writing.
    support: full
  diff_mode:
    description: Shows the file before and after.
    support: full
  platform:
    description: Any POSIX host.
    support: full
    platforms: posix
author:
  - privatecloud.iaas contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: The documents' STATIC front-end keys, removing any other VNET_* key
  privatecloud.iaas.eucalyptus_conf:
    settings:
      VNET_MODE: STATIC
      VNET_PRIVINTERFACE: eth0
      VNET_SUBNET: 192.168.1.0
      VNET_MACMAP: AA:DD:11:CE:FF:ED=192.168.1.3 AA:DD:11:CE:FF:EE=192.168.1.4
    owned: [EUCA_USER]
"""

RETURN = r"""
changed_keys:
  description: The keys added, changed or removed.
  returned: always
  type: list
  elements: str
  sample: [VNET_MODE, VNET_MACMAP]
previous:
  description: The old values of the changed keys (null where a key was absent).
  returned: always
  type: dict
  sample: {VNET_MODE: STATIC}
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.privatecloud.iaas.plugins.module_utils.eucaconf import ConfError, plan
from ansible_collections.privatecloud.iaas.plugins.module_utils.eucalyptus import CONF_OWNED


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", default="/etc/eucalyptus/eucalyptus.conf"),
            settings=dict(type="dict", required=True),
            owned=dict(type="list", elements="str", default=[]),
            own_vnet_keys=dict(type="bool", default=True),
            mode=dict(type="raw", default="0644"),
        ),
        supports_check_mode=True,
    )
    path = module.params["path"]
    before = ""
    if os.path.exists(path):
        with open(path) as stream:
            before = stream.read()
    settings = dict((key, "" if value is None else value) for key, value in module.params["settings"].items())
    try:
        owned = list(module.params["owned"]) + (list(CONF_OWNED) if module.params["own_vnet_keys"] else [])
        after, changes = plan(before, settings, owned)
    except ConfError as error:
        module.fail_json(msg="%s: %s" % (path, error))
    result = dict(changed=bool(changes), changed_keys=sorted(changes),
                  previous=dict((key, old) for key, (old, _new) in changes.items()),
                  diff=dict(before=before, after=after, before_header=path, after_header=path))
    if changes and not module.check_mode:
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".eucalyptus.conf.")
        with os.fdopen(handle, "w") as stream:
            stream.write(after)
        # The components source the file: it must stay valid shell.
        rc, out, err = module.run_command(["/bin/sh", "-n", temporary])
        if rc:
            os.remove(temporary)
            module.fail_json(msg="the new %s is not valid shell; the old file is kept" % path, stderr=err, stdout=out)
        if os.path.exists(path):
            stat = os.stat(path)
            os.chmod(temporary, stat.st_mode & 0o7777)
            os.chown(temporary, stat.st_uid, stat.st_gid)
        else:
            module.set_mode_if_different(temporary, module.params["mode"], False)
        module.atomic_move(temporary, path)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
