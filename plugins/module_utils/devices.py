# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A host's network devices in one call: the interfaces module's work, for the vlan and bridge roles.

The host's plan gives one ordered list of its devices (bond, VLAN, VXLAN, bridge: the order they
are made in and come up at boot). A call applies the devices of some kinds (the vlan role's bonds,
VLAN and VXLAN devices, the bridge role's bridges), knowing the whole list:

1. the boot files of those kinds are rendered and checked (ifquery) first; the files of devices no
   longer declared name the devices to remove, and the files there name the devices the collection
   made (a device of a declared name it did not make is refused, not taken over);
2. on the running system, the devices no longer declared go (the last made first), then each
   declared one is made or brought in line, in order, each reading the host as the one before left
   it (in check mode, as it would have left it), all under one rollback timer;
3. the boot files are written.

A bridge leaves a port that another call removes in the same run to that removal (its kind is
another's), so that check mode, where nothing is removed, predicts the run.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from ansible_collections.privatecloud.iaas.plugins.module_utils import (
    bond,
    bridge,
    dhcp_client,
    files,
    netconf,
    rollback,
    vlan,
    vxlan,
)

KINDS = ("bond", "vlan", "vxlan", "bridge")
# Whose boot files a kind's devices are (the roles that write them).
OWNERS = {"bond": "vlan", "vlan": "vlan", "vxlan": "vlan", "bridge": "bridge"}
DIRECTORIES = {"ifupdown": "/etc/network/interfaces.d", "ifcfg": "/etc/sysconfig/network-scripts"}
# The kernel modules the devices need (8021q for VLAN devices), loaded at boot from this file.
MODULES_LOAD = "/etc/modules-load.d/privatecloud-iaas-vlan.conf"
MODULES_HEADER = "# Managed by privatecloud.iaas (vlan role): the kernel support its devices need.\n"


# What each kind's declaration gives its device (the rest of an entry is for the boot files).
SETTINGS = {"bridge": ("name", "stp", "forward_delay", "hello_time", "mtu"), "vlan": ("parent", "id", "name", "mtu"),
            "vxlan": ("name", "id", "local", "peers", "port", "mtu"),
            "bond": ("name", "mode", "miimon", "lacp_rate", "xmit_hash_policy", "primary", "mtu")}


class DeviceError(Exception):
    """A device this call cannot make or write; the message names it. ``result``: what the call did
    before (the changes it made stay armed for rollback)."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.result = result or {}


def device_name(kind, entry):
    if kind == "vlan" and not entry.get("name"):
        return "%s.%s" % (entry.get("parent"), entry.get("id"))
    return entry.get("name")


def arguments(kind, entry, owned=None, leaving=()):
    """What making one declared device takes (the linux_bridge, vlan_interface or vxlan_interface
    options). An address is managed exactly when the entry is static (an address and no other
    method); with DHCP or none, a joining port's addresses still move to the bridge, and with DHCP
    the DHCP client follows them. ``owned``: the devices the collection made before (None: take
    over any device of a declared name); ``leaving``: ports another call of the run removes."""
    found = {key: entry[key] for key in SETTINGS[kind] if entry.get(key) is not None}
    if kind in ("bond", "bridge"):
        found["ports"] = list(entry.get("ports") or [])
    if kind == "bridge":
        if entry.get("held_networks"):
            found["held_networks"] = list(entry["held_networks"])
        if leaving:
            found["departing_ports"] = list(leaving)
        if entry.get("method") == "dhcp":
            found["dhcp"] = True
    if entry.get("address") is not None and (entry.get("method") or "static") == "static":
        found["addresses"] = [entry["address"]]
    if owned is not None:
        found["take_over"] = device_name(kind, entry) in owned
    return found


def split(devices):
    """(bonds, vlans, vxlans, bridges) of the ordered list, as the declarations netconf reads."""
    found = {kind: [] for kind in KINDS}
    for device in devices:
        if device.get("kind") not in found:
            raise DeviceError("devices: %r is not a device of kind %s" % (device.get("name"), ", ".join(KINDS)))
        found[device["kind"]].append(dict((key, value) for key, value in device.items() if key != "kind"))
    return found["bond"], found["vlan"], found["vxlan"], found["bridge"]


def read_directory(directory):
    found = {}
    if os.path.isdir(directory):
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if os.path.isfile(path):
                found[name] = files.read_text(path)
    return found


class BootFiles:
    """The boot files of one owner (vlan or bridge): what to write and remove, and what they say."""

    def __init__(self, devices, owner, file_format, directory=None, interfaces_file="/etc/network/interfaces"):
        self.owner, self.format = owner, file_format
        self.directory = directory or DIRECTORIES[file_format]
        self.interfaces_file = interfaces_file
        bonds, vlans, vxlans, bridges = split(devices)
        render = netconf.render_ifupdown if file_format == "ifupdown" else netconf.render_ifcfg
        try:
            entries = netconf.interfaces(vlans=vlans, bridges=bridges, vxlans=vxlans, bonds=bonds)
            declared = render(netconf.owned_entries(entries, owner), owner)
        except (netconf.ConfigError, KeyError, TypeError) as error:
            raise DeviceError("the declared interfaces cannot be written: %s" % error)
        self.existing = read_directory(self.directory)
        self.write, self.remove = netconf.file_changes(self.existing, declared, owner)
        self.after = dict((name, content) for name, content in self.existing.items() if name not in self.remove)
        self.after.update(declared)
        self.main_before = self.main_after = None
        if file_format == "ifupdown":
            # Every interface any role of the collection writes a file for, after this change.
            managed = [name for content in self.after.values() if netconf.file_owner(content)
                       for name in netconf.interfaces_in(content, file_format)]
            self.main_before = files.read_text(interfaces_file) or ""
            # A host where the collection manages no interface, and never did, keeps its file as it is.
            untouched = not managed and "#privatecloud.iaas(" not in self.main_before
            self.main_after = self.main_before if untouched else netconf.main_interfaces_file(
                self.main_before, managed, self.directory)

    @property
    def changed(self):
        return bool(self.write or self.remove or self.main_after != self.main_before)

    def released(self):
        """The devices whose files this change removes: [(kind, name)]."""
        return [(netconf.file_kind(file_name, self.existing[file_name], self.format), name)
                for file_name in self.remove for name in netconf.interfaces_in(self.existing[file_name], self.format)]

    def owned(self):
        """The interfaces the collection made before, as the owner's files there say."""
        return sorted(name for content in self.existing.values() if netconf.file_owner(content) == self.owner
                      for name in netconf.interfaces_in(content, self.format))

    def diff(self):
        found = [{"before_header": os.path.join(self.directory, name), "before": self.existing.get(name, ""),
                  "after_header": os.path.join(self.directory, name), "after": content}
                 for name, content in sorted(self.write.items())]
        found += [{"before_header": os.path.join(self.directory, name), "before": self.existing[name],
                   "after_header": os.path.join(self.directory, name) + " (removed)", "after": ""}
                  for name in self.remove]
        if self.main_after != self.main_before:
            found.append({"before_header": self.interfaces_file, "before": self.main_before,
                          "after_header": self.interfaces_file, "after": self.main_after})
        return found

    def check(self, module):
        """ifquery parses the whole new ifupdown configuration in a staging copy; raises DeviceError."""
        ifquery = module.get_bin_path("ifquery") if self.format == "ifupdown" and self.changed else None
        if not ifquery:
            return
        staging = tempfile.mkdtemp(prefix="privatecloud-ifupdown-")
        try:
            staged = os.path.join(staging, "interfaces.d")
            os.mkdir(staged)
            for name, content in self.after.items():
                with open(os.path.join(staged, name), "w") as stream:
                    stream.write(content)
            with open(os.path.join(staging, "interfaces"), "w") as stream:
                stream.write(self.main_after.replace(self.directory.rstrip("/"), staged))
            rc, out, err = module.run_command([ifquery, "--interfaces", os.path.join(staging, "interfaces"),
                                               "--list", "--all"])
            # ifquery reports syntax errors on stderr and still exits 0.
            if rc or err.strip():
                raise DeviceError("ifquery refuses the new configuration; no file was replaced: %s"
                                  % (err or out).strip())
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def previous(self):
        """{path: content before, or None} of every file this change writes or removes."""
        found = dict((os.path.join(self.directory, name), self.existing.get(name))
                     for name in list(self.write) + list(self.remove))
        if self.main_after != self.main_before:
            found[self.interfaces_file] = files.read_text(self.interfaces_file)
        return found

    def apply(self):
        for name, content in sorted(self.write.items()):
            files.write(os.path.join(self.directory, name), content, make_directory=True)
        if self.main_after != self.main_before:
            files.write(self.interfaces_file, self.main_after)
        for name in self.remove:
            files.remove(os.path.join(self.directory, name))


def departing(devices, kinds, file_format, directory=None):
    """The devices of the other kinds whose files are gone from the declaration: another call of the
    run removes them (a bridge leaves such a port to that removal)."""
    # A VLAN device may be declared by parent and id alone (the guide's eth0.200).
    names = set(device_name(device["kind"], device) for device in devices)
    others = set(OWNERS[kind] for kind in KINDS if kind not in kinds) - set(OWNERS[kind] for kind in kinds)
    found = []
    for file_name, content in read_directory(directory or DIRECTORIES[file_format]).items():
        if netconf.file_owner(content) in others:
            found += [name for name in netconf.interfaces_in(content, file_format) if name not in names]
    return sorted(found)


class Host:
    """The host's devices as the calls go: read once, then as each change left them (check mode:
    as each predicted change would have left them)."""

    def __init__(self, module, ip, arriving=()):
        self.module, self.ip = module, ip
        self.links, self.addresses, self.routes = ip.snapshot()
        self.peers = self._peers()
        if module.check_mode:
            # Devices of the other role's kinds that its call makes earlier in the run: here as they will be.
            for kind, name, mtu in arriving:
                if name not in self.links:
                    self.predict(kind, name, {"name": name, "mtu": mtu})

    def _peers(self):
        binary = self.module.get_bin_path("bridge")
        if not binary:
            return {}
        rc, out, err = self.module.run_command([binary, "-j", "fdb", "show"])
        if rc:
            raise DeviceError("bridge -j fdb show failed: %s" % err.strip())
        return vxlan.read_peers(out)

    def refresh(self):
        self.links, self.addresses, self.routes = self.ip.snapshot()
        self.peers = self._peers()

    def predict(self, kind, name, after):
        """Check mode: the host as the change it did not make would leave it."""
        if not after:
            self.links.pop(name, None)
            self.addresses.pop(name, None)
            return
        link = dict(self.links.get(name) or {"ifname": name, "flags": []}, linkinfo={"info_kind": kind})
        link["flags"] = sorted(set(link.get("flags") or []) | {"UP"})
        if after.get("mtu") is not None:
            link["mtu"] = after["mtu"]
        self.links[name] = link
        for port in after.get("ports") or []:
            if port in self.links:
                self.links[port] = dict(self.links[port], master=name)
        if after.get("addresses") is not None:
            self.addresses[name] = list(after["addresses"])


def change(module, host, kind, name, wanted):
    """Make (or remove) one device: {"commands", "then", "diff", "undo"}; the host is read again after."""
    params = dict({"state": "present"}, **wanted)
    then = []
    try:
        if kind == "bridge":
            commands, before, after = bridge.changes(params, host.links, host.addresses, host.routes)
            describe = bridge.describe
            if params.get("dhcp") and params["state"] == "present":
                then = _dhcp_hand_over(module, params)
                if then:
                    after = dict(after, dhcp_client=params["name"])
            touched = [name] + sorted(set(before.get("ports", [])) | set(after.get("ports", [])))
        elif kind == "bond":
            commands, before, after = bond.changes(params, host.links, host.addresses, host.routes)
            describe = bond.describe
            touched = [name] + sorted(set(before.get("ports", [])) | set(after.get("ports", [])))
        elif kind == "vlan":
            commands, before, after = vlan.changes(params, host.links, host.addresses)
            describe, touched = vlan.describe, [after.get("name") or before.get("name")]
        else:
            commands, fdb, before, after = vxlan.changes(params, host.links, host.peers)
            describe, touched = vxlan.describe, [name]
            then = [("bridge " + " ".join(entry), [module.get_bin_path("bridge", required=True)] + entry)
                    for entry in fdb]
    except (bridge.BridgeError, dhcp_client.DhcpClientError) as error:
        raise DeviceError("%s: %s" % (name, error))
    result = {"commands": commands, "then": [what for what, _argv in then],
              "diff": {"before_header": name, "after_header": name,
                       "before": describe(before), "after": describe(after)}}
    if not (commands or then):
        return result
    if module.check_mode:
        host.predict(kind, name, after)
        return result
    snapshot = (host.links, host.addresses, host.routes)
    explain = None
    if kind in ("vlan", "bond"):
        support = "802.1Q VLAN support (the 8021q module)" if kind == "vlan" else "bonding (the bonding module)"

        def explain(stderr):
            return vlan.unsupported(stderr) and "this kernel has no %s: cannot create %s" % (support, name)
    try:
        result["undo"] = rollback.run_batch(host.ip, commands, snapshot, touched, explain)
    except rollback.BatchError as error:
        raise DeviceError("%s: %s" % (name, error))
    for what, argv in then:
        rc, out, err = module.run_command(argv)
        if rc:
            raise DeviceError("%s: %s failed: %s" % (name, what, (err or out).strip()))
    host.refresh()
    return result


def _made_mtu(device):
    """The MTU a device the other call makes will have (None: its parent's, a VLAN device's)."""
    if device.get("mtu") is not None:
        return device["mtu"]
    return vxlan.DEFAULT_MTU if device["kind"] == "vxlan" else None


def _dhcp_hand_over(module, params):
    """[(what, argv)] that move the DHCP client from the bridge's ports to the bridge."""
    chosen = dhcp_client.client()
    if chosen is None and module.check_mode:
        # On a fresh host the bridge role's install of the client is only predicted.
        chosen = dhcp_client.PREDICTED
    ports = sorted(set(params.get("ports") or []))
    running = {interface: dhcp_client.runs_for(chosen, interface) for interface in ports + [params["name"]]}
    return dhcp_client.hand_over(chosen, params["name"], ports, running.get)


def kernel_support(module, wanted, path=MODULES_LOAD):
    """Loads the kernel modules ``wanted`` now, where the kernel can (a container's cannot: its
    devices of that kind will fail, which it says), and from boot on; a file no longer needed goes.
    Returns (changed, diff, messages)."""
    content = MODULES_HEADER + "".join("%s\n" % name for name in wanted) if wanted else None
    before = files.read_text(path)
    changed, diff, messages = before != content, [], []
    if changed:
        diff.append({"before_header": path, "before": before or "", "after_header": path, "after": content or ""})
        if not module.check_mode:
            if content is None:
                files.remove(path)
            else:
                files.write(path, content, make_directory=True)
    for name in wanted:
        if os.path.isdir(os.path.join("/sys/module", name)):
            continue
        if module.check_mode:
            messages.append("would load %s" % name)
            continue
        modprobe = module.get_bin_path("modprobe")
        rc, _out, err = module.run_command([modprobe, name]) if modprobe else (127, "", "modprobe is not installed")
        if rc:
            messages.append("this kernel cannot load %s (%s): devices that need it cannot be made here"
                            % (name, err.strip()))
        else:
            changed = True
            messages.append("loaded %s" % name)
    return changed, diff, messages


def apply(module, ip, devices, kinds, file_format=None, rollback_timeout=0, directory=None,
          interfaces_file="/etc/network/interfaces", kernel_modules=None, journal=None):
    """The whole call (see the module's docs); returns its result. Raises DeviceError."""
    kinds = [kind for kind in KINDS if kind in kinds]
    owners = set(OWNERS[kind] for kind in kinds)
    if len(owners) != 1:
        raise DeviceError("kinds: %s is not the devices of one role (bond, vlan and vxlan, or bridge)" % ", ".join(kinds))
    owner = owners.pop()
    boot = BootFiles(devices, owner, file_format, directory, interfaces_file) if file_format else None
    if boot:
        boot.check(module)
    owned = boot.owned() if boot else None
    leaving = departing(devices, kinds, file_format, directory) if file_format and "bridge" in kinds else []
    # Removals first, the last made first (a bridge before its ports, a VXLAN device before a VLAN
    # device), then each declared device in order.
    released = [(kind, name) for kind, name in (boot.released() if boot else []) if kind in kinds]
    planned = [(kind, name, {"name": name, "state": "absent"})
               for kind, name in sorted(released, key=lambda item: -KINDS.index(item[0]))]
    planned += [(device["kind"], device_name(device["kind"], device), arguments(device["kind"], device, owned, leaving))
                for device in devices if device["kind"] in kinds]
    result = {"changed": False, "devices": {}, "diff": [], "kernel": []}
    if kernel_modules is not None:
        result["changed"], result["diff"], result["kernel"] = kernel_support(module, kernel_modules)
    host = Host(module, ip, [(device["kind"], device_name(device["kind"], device), _made_mtu(device))
                             for device in devices if device["kind"] not in kinds])
    undo = []
    try:
        for kind, name, wanted in planned:
            done = change(module, host, kind, name, wanted)
            result["devices"][name] = {"commands": done["commands"], "then": done["then"]}
            if done["commands"] or done["then"]:
                result["changed"] = True
                result["diff"].append(done["diff"])
            # Newest first: the undo of the last change runs first.
            undo = done.get("undo", []) + undo
    except DeviceError as error:
        error.result = result
        raise
    finally:
        if undo and rollback_timeout > 0:
            # The boot files written with a change that may cut the controller off go back with it.
            previous = boot.previous() if boot and boot.changed and not module.check_mode else None
            result["rollback_cookie"] = rollback.arm(ip, undo, rollback_timeout, journal or owner, previous)
            result["rollback_commands"] = undo
    if boot and boot.changed:
        result["changed"] = True
        result["diff"] += boot.diff()
        if not module.check_mode:
            boot.apply()
    result["written"] = sorted(boot.write) if boot else []
    result["removed"] = list(boot.remove) if boot else []
    return result
