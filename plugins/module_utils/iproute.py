# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module side of the interface modules: read ``ip -j``, run one ``ip -batch``, report."""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils.bridge import read_addresses, read_links, read_routes


class IpRoute:
    """iproute2 on the managed host, through an AnsibleModule."""

    def __init__(self, module):
        self.module = module
        self.ip = module.get_bin_path("ip", required=True)

    def read(self, *arguments):
        rc, out, err = self.module.run_command([self.ip, "-j"] + list(arguments))
        if rc:
            self.module.fail_json(msg="ip -j %s failed" % " ".join(arguments), stderr=err)
        return out

    def links(self):
        return read_links(self.read("-d", "link", "show"))

    def addresses(self):
        return read_addresses(self.read("address", "show"))

    def routes(self):
        return read_routes(self.read("route", "show"))

    def apply(self, commands, before, after, describe, explain=None):
        """Run the commands as one batch (not in check mode) and exit with changed, commands and diff.

        ``explain(stderr)`` may turn a failure into a plainer message.
        """
        result = {"changed": bool(commands), "commands": commands,
                  "diff": {"before": describe(before), "after": describe(after)}}
        if commands and not self.module.check_mode:
            rc, out, err = self.module.run_command([self.ip, "-batch", "-"], data="\n".join(commands) + "\n")
            if rc:
                message = (explain and explain(err, after)) or "ip -batch failed: %s" % err.strip()
                self.module.fail_json(msg=message, commands=commands, stdout=out, stderr=err)
        self.module.exit_json(**result)
