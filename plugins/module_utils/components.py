# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The front-end's and the node's own parts of a host's plan (the frontend and node roles).

Eucalyptus: the product's repository and packages, eucalyptus.conf's keys (service_files settings,
checked by sh -n, the CC and NC restarted for the keys that changed), on a front-end whose data plane
the collection owns the addresses and routes it holds with their boot unit, on a node the VMs'
bridge the NC requires and libvirt's default network. CloudStack: the name `hostname --fqdn` answers,
the product's repository, the management server's database set-up and system VM templates, the KVM
host's libvirt settings.

Secrets (the database's passwords, the encryption keys) are never part of a plan, which is a fact
shown in a verbose run: the frontend role hands them from the inventory to the one command that
takes them.
"""

from __future__ import annotations

import posixpath
import re

from ansible_collections.privatecloud.iaas.plugins.module_utils.eucalyptus import CONF_OWNED
from ansible_collections.privatecloud.iaas.plugins.module_utils.nfs import EXPORT_PATH
from ansible_collections.privatecloud.iaas.plugins.module_utils.cloudstack_install import SYSTEMVM_TEMPLATES
from ansible_collections.privatecloud.iaas.plugins.module_utils import host_cloudstack, host_context, names

FRONTEND_OPTIONS = {
    "frontend_euca_packages": ["eucalyptus-cloud", "eucalyptus-cc", "eucalyptus-walrus", "eucalyptus-sc"],
    "frontend_cloudstack_packages": ["cloudstack-management"],
    "frontend_cloudstack_secondary_storage": None,
    "frontend_cloudstack_secondary_mount": "/mnt/secondary",
    "frontend_cloudstack_systemvm_hypervisors": None,
    # {hypervisor: {url, checksum}}: where each template comes from, and its pinned checksum.
    "frontend_cloudstack_systemvm_templates": None,
}
NODE_OPTIONS = {
    "node_euca_packages": ["eucalyptus-nc"],
    "node_kvm_packages": ["libvirt-daemon-system", "qemu-system-x86"],
    "node_remove_libvirt_default_network": True,
    "node_cloudstack_address": None,
    "node_cloudstack_packages": ["cloudstack-agent"],
    # The guide's section 8.1.5; the TCP listener itself is libvirt's libvirtd-tcp.socket on current Debian.
    "node_cloudstack_libvirtd_settings": {"listen_tls": "0", "listen_tcp": "1", "tcp_port": '"16509"',
                                          "auth_tcp": '"none"', "mdns_adv": "0"},
    "node_cloudstack_vnc_listen": "0.0.0.0",
    "node_cloudstack_bridge_type": "native",
    "node_cloudstack_agent_properties": "/etc/cloudstack/agent/agent.properties",
    "node_cloudstack_disable_apparmor_libvirt": None,
}
ADDRESSES_RECORD = "/etc/privatecloud-iaas/addresses"
ADDRESSES_UNIT = "privatecloud-iaas-addresses.service"
ADDRESSES_UNIT_FILE = """# Managed by privatecloud.iaas (frontend role).
# Puts back the addresses and routes the front-end's data plane holds (each active security
# group's router, each elastic IP, each route to another cluster's instance), as the
# owned_addresses module recorded them, once the interfaces are up and before dhcpd serves the
# groups. The owned chains are restored earlier, before the network.
[Unit]
Description=privatecloud.iaas data plane addresses (security group routers, elastic IPs)
After=networking.service
Before=network-online.target isc-dhcp-server.service
ConditionPathExists={record}

[Service]
Type=oneshot
RemainAfterExit=yes
# -force: an address already there (or an interface gone) does not stop the others.
ExecStart=/sbin/ip -force -batch {record}

[Install]
WantedBy=multi-user.target
"""
# Written by releases before this one, in the one-line form: both together would list the source twice.
OLD_EUCALYPTUS_LIST = "/etc/apt/sources.list.d/eucalyptus.list"
APPARMOR_PROFILES = ["usr.sbin.libvirtd", "usr.lib.libvirt.virt-aa-helper"]
# The system VM templates' ids in a 4.1 database, by hypervisor: where cloud-install-sys-tmplt puts them.
TEMPLATE_IDS = {"xenserver": 1, "kvm": 3, "vmware": 8}
# Where a template is downloaded (and checked) before cloud-install-sys-tmplt copies it in.
TEMPLATE_DOWNLOADS = "/var/cache/privatecloud-iaas/systemvm"
CLOUDSTACK_SECRETS = ("cloudstack_db_password", "cloudstack_mgmt_key", "cloudstack_db_key")
# Secondary storage reaches mount's source (server:path) and its mount point a path argument.
NFS_SERVER = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\Z")
MOUNT_POINT = re.compile(r"/(?!.*(^|/)\.{1,2}(/|$))[A-Za-z0-9_.@+/-]+\Z")


def repository(name, title, url, suite, components, key, packages, add):
    """A product's APT source as a deb822 file, its contents enabled and (for a repository apt
    refuses, or the host does not reach) disabled, and the packages from it. ``key``: the signing
    key's (url, its variable, the pinned checksum of the file, its variable)."""
    key_file = "/etc/apt/keyrings/%s.asc" % name
    key_url, key_variable, key_checksum, checksum_variable = key
    if key_checksum and not names.is_checksum(key_checksum):
        add(checksum_variable, key_checksum, names.CHECKSUM_RULE)
        key_checksum = None

    def content(enabled):
        lines = ["# Managed by privatecloud.iaas (frontend role).", "Types: deb", "URIs: %s" % url,
                 "Suites: %s" % suite, "Components: %s" % " ".join(components)]
        if key_url:
            lines.append("Signed-By: %s" % key_file)
        return "\n".join(lines + ["Enabled: %s" % ("yes" if enabled else "no")]) + "\n"

    return {"name": name, "title": title, "url": url, "suite": suite, "key_url": key_url, "key_file": key_file,
            "key_variable": key_variable, "key_checksum": key_checksum or "", "checksum_variable": checksum_variable,
            "file": "/etc/apt/sources.list.d/%s.sources" % name,
            "content": content(True), "disabled_content": content(False), "packages": list(packages)}


def eucalyptus_repository(variables, facts, packages, add):
    """The Eucalyptus repository of euca_repo_url (None without one: the product is not installed)."""
    url = variables.get("euca_repo_url") or ""
    if not url:
        return None
    return repository("eucalyptus", "Eucalyptus", url,
                      variables.get("euca_repo_suite") or (facts or {}).get("distribution_release") or "",
                      variables.get("euca_repo_components") or ["main"],
                      (variables.get("euca_repo_key_url") or "", "euca_repo_key_url",
                       variables.get("euca_repo_key_checksum"), "euca_repo_key_checksum"), packages, add)


# The guide's community repository (section 4.4), written enabled only while the host reaches it.
CLOUDSTACK_DEB_LINE = "deb http://cloudstack.apt-get.eu/ubuntu precise 4.0"
CLOUDSTACK_KEY_URL = "http://cloudstack.apt-get.eu/release.asc"


def cloudstack_repository(variables, packages, add):
    """The CloudStack repository of cloudstack_repo_deb_line ('deb <url> <suite> <component>...')."""
    line = variables.get("cloudstack_repo_deb_line") or CLOUDSTACK_DEB_LINE
    words = line.split() if isinstance(line, str) else []
    if len(words) < 4 or words[0] != "deb" or "\n" in line:
        add("cloudstack_repo_deb_line", line, "is not one line 'deb <url> <suite> <component>...'")
        words = CLOUDSTACK_DEB_LINE.split()
    found = repository("cloudstack", "CloudStack", words[1], words[2], words[3:],
                       (variables.get("cloudstack_repo_deb_key_url") or CLOUDSTACK_KEY_URL, "cloudstack_repo_deb_key_url",
                        variables.get("cloudstack_repo_deb_key_checksum"), "cloudstack_repo_deb_key_checksum"),
                       packages, add)
    # Asked before it is written enabled: an unreachable enabled source would make every apt update fail.
    found["probe"] = "%s/dists/%s/Release" % (found["url"], found["suite"])
    return found


def eucalyptus_settings(euca):
    """eucalyptus.conf's keys as service_files settings: the host's, every VNET_* key the collection
    writes owned (one the mode no longer needs leaves the file), every other line kept, the new
    file parsed by the shell before it replaces the old one."""
    return [{"path": euca["conf_file"], "values": euca["settings"],
             "owned": sorted(set(euca["owned"]) | set(CONF_OWNED)), "validate": "sh -n %s"}]


def frontend_part(plan, settings, variables, facts, add):
    """The frontend role's part: a Eucalyptus CLC and CC, or a CloudStack management server."""
    if plan["platform"] == "eucalyptus":
        euca = plan["eucalyptus"]
        dataplane = euca.get("dataplane") or {}
        addresses, routes = dataplane.get("addresses") or [], dataplane.get("routes") or []
        held = bool(addresses or routes)
        unit_file = "/etc/systemd/system/" + ADDRESSES_UNIT
        part = {
            "platform": "eucalyptus",
            "repository": eucalyptus_repository(variables, facts, settings["frontend_euca_packages"], add),
            "packages": ["vtun"] if euca["vtun"] else [],
            "settings": eucalyptus_settings(euca) if euca["mode"] else [],
            # Each active group's router and elastic IP held, what an earlier run held and the plan no
            # longer has removed, and the routes to other clusters' instances; none on a node.
            "addresses": {"addresses": addresses, "routes": routes, "record": ADDRESSES_RECORD} if euca["cc"] else None,
            "files": [{"path": unit_file, "content": ADDRESSES_UNIT_FILE.format(record=ADDRESSES_RECORD)} if held
                      else {"path": unit_file, "state": "absent"}, {"path": OLD_EUCALYPTUS_LIST, "state": "absent"}],
            # Eucalyptus Network Configuration (1.6): a new VNET_MODE needs 'eucalyptus-cc cleanrestart',
            # any other networking key a restart; only where the CC is installed.
            "actions": [{"name": "reload systemd's units for the addresses", "command": ["systemctl", "daemon-reload"],
                         "files": [unit_file]}] + euca["actions"],
            # Enabled, not started: the addresses are already there.
            "units": [{"name": ADDRESSES_UNIT, "enabled": held}],
            "watched_files": [ADDRESSES_RECORD, "/etc/apt/keyrings/eucalyptus.asc",
                              "/etc/apt/sources.list.d/eucalyptus.sources"],
            "watched_addresses": sorted(set(entry["device"] for entry in addresses)),
            "watched_routes": [route["to"] for route in routes],
        }
        if part["repository"] is None:
            part["missing"] = ("No Eucalyptus repository is configured (euca_repo_url): the host is prepared - "
                               "eucalyptus.conf, networking, DHCP daemon, firewall - without the product packages "
                               "(%s). Set euca_repo_url and rerun to install them."
                               % ", ".join(settings["frontend_euca_packages"]))
        return part
    if plan["platform"] != "cloudstack":
        return None
    cloud = plan["cloudstack"]
    storage, mount, seeds = _templates(settings, variables, add)
    return {
        "platform": "cloudstack",
        "host_name": cloud["host_name"],
        "repository": cloudstack_repository(variables, settings["frontend_cloudstack_packages"], add),
        # A KVM host on the same machine runs the agent's commands through sudo without a terminal
        # (guide 4.5.4.1 step 8; the guide's translation mangles the line).
        "packages": ["sudo"] if cloud["kvm_colocated"] else [],
        "files": [{"path": "/etc/sudoers.d/cloudstack", "content": "Defaults:cloud !requiretty\n", "mode": "0440",
                   "validate": "visudo -cf %s"} if cloud["kvm_colocated"]
                  else {"path": "/etc/sudoers.d/cloudstack", "state": "absent"}],
        "database": cloud["database"],
        "templates": {
            # Each template to seed: its hypervisor, its id, where it comes from, its checksum, its download.
            "seeds": seeds if cloud["first_management_server"] else [],
            "secondary_storage": storage,
            "mount": mount,
            "download_directory": TEMPLATE_DOWNLOADS,
        },
    }


def _templates(settings, variables, add):
    """The secondary storage, its mount point and the hypervisors whose system VM templates are
    seeded, each checked whole: they reach the mount and cloud-install-sys-tmplt's arguments. What
    comes from the zones (cloudstack_zones) is checked with the zones."""
    storage = settings["frontend_cloudstack_secondary_storage"] or {}
    if storage and not (isinstance(storage, dict) and NFS_SERVER.match(str(storage.get("server", "")))
                        and EXPORT_PATH.match(str(storage.get("path", "")))):
        if "frontend_cloudstack_secondary_storage" in variables:
            add("frontend_cloudstack_secondary_storage", storage, "is not a mapping of an NFS server (a host name "
                "or IPv4 address) and its absolute export path")
        storage = {}
    mount = settings["frontend_cloudstack_secondary_mount"]
    if not isinstance(mount, str) or not MOUNT_POINT.match(mount):
        add("frontend_cloudstack_secondary_mount", mount, "is not an absolute path below / of letters, digits and _.@+-")
    hypervisors = settings["frontend_cloudstack_systemvm_hypervisors"] or []
    if not isinstance(hypervisors, list):
        add("frontend_cloudstack_systemvm_hypervisors", hypervisors, "is not a list of hypervisors")
        hypervisors = []
    unknown = [name for name in hypervisors if name not in TEMPLATE_IDS]
    if unknown and "frontend_cloudstack_systemvm_hypervisors" in variables:
        # Taken from the zones, a hypervisor without a system VM template is simply not seeded.
        add("frontend_cloudstack_systemvm_hypervisors", unknown, "has no system VM template to seed (%s)"
            % ", ".join(sorted(TEMPLATE_IDS)))
    seeded = [name for name in hypervisors if name in TEMPLATE_IDS]
    return storage, mount, _seeds(settings["frontend_cloudstack_systemvm_templates"], seeded, add)


def _seeds(wanted, seeded, add):
    """[{hypervisor, id, url, checksum, file}] of each template to seed: the guide's address unless
    frontend_cloudstack_systemvm_templates gives another, and the checksum it pins, if any."""
    variable = "frontend_cloudstack_systemvm_templates"
    wanted = {} if wanted is None else wanted
    if not isinstance(wanted, dict):
        add(variable, wanted, "is not a mapping of hypervisors to {url, checksum}")
        wanted = {}
    for name in sorted(set(wanted) - set(TEMPLATE_IDS), key=str):
        add(variable, name, "is not a hypervisor with a system VM template (%s)" % ", ".join(sorted(TEMPLATE_IDS)))
    seeds = []
    for name in seeded:
        where = "%s.%s" % (variable, name)
        entry = wanted.get(name) or {}
        if not isinstance(entry, dict) or set(entry) - {"url", "checksum"}:
            add(where, entry, "is not a mapping of url and checksum")
            continue
        url, checksum = entry.get("url") or SYSTEMVM_TEMPLATES[name], entry.get("checksum") or ""
        if not names.is_download_url(url):
            add(where + ".url", url, "is not an http://, https:// or file:/// address of letters, digits and "
                "URL punctuation")
        elif checksum and not names.is_checksum(checksum):
            add(where + ".checksum", checksum, names.CHECKSUM_RULE)
        else:
            seeds.append({"hypervisor": name, "id": TEMPLATE_IDS[name], "url": url, "checksum": checksum,
                          "file": "%s/%s" % (TEMPLATE_DOWNLOADS, posixpath.basename(url) or name)})
    return seeds


def unpinned_downloads(part):
    """Sentences for the run's output about what a part downloads over plain HTTP with nothing to
    check it against: whoever is on the path could hand the host another key or template."""
    found = []
    repository = part.get("repository") or {}
    if repository.get("key_url", "").startswith("http://") and not repository.get("key_checksum"):
        found.append("%s: %s comes over plain HTTP and nothing pins it: check the key's fingerprint with the "
                     "vendor once, then set %s to the file's checksum (sha256:...)"
                     % (repository["key_variable"], repository["key_url"], repository["checksum_variable"]))
    for seed in (part.get("templates") or {}).get("seeds") or ():
        if seed["url"].startswith("http://") and not seed["checksum"]:
            found.append("frontend_cloudstack_systemvm_templates.%s: %s comes over plain HTTP and nothing pins it: "
                         "set its checksum (sha256:...) from the vendor's published one" % (seed["hypervisor"], seed["url"]))
    return found


def node_part(plan, settings, variables, facts, add):
    """The node role's part: a Eucalyptus node controller, or a CloudStack KVM host."""
    if plan["platform"] == "eucalyptus":
        euca = plan["eucalyptus"]
        kvm = euca["hypervisor"] == "kvm"
        remove_default = bool(kvm and settings["node_remove_libvirt_default_network"])
        return {
            "platform": "eucalyptus",
            "repository": eucalyptus_repository(variables, facts, settings["node_euca_packages"], add),
            "packages": settings["node_kvm_packages"] if kvm else [],
            # libvirt's NAT network 'default' must never be the VMs' bridge, nor its dnsmasq race dhcpd.
            "remove_libvirt_default_network": remove_default,
            # What the NC refuses to start without (vnetInit): VNET_BRIDGE is a bridge.
            "requires": {"bridges": {euca["vm_bridge"]: "vnet_bridge"}} if euca["vm_bridge"] else None,
            "settings": eucalyptus_settings(euca) if euca["mode"] else [],
            "files": [{"path": OLD_EUCALYPTUS_LIST, "state": "absent"}],
            "actions": euca["actions"],
            "watched_files": (["/etc/apt/sources.list.d/eucalyptus.sources", "/etc/apt/keyrings/eucalyptus.asc"]
                              + (["/etc/libvirt/qemu/networks/default.xml"] if remove_default else [])),
            "links": [euca["vm_bridge"]] if euca["vm_bridge"] else [],
        }
    if plan["platform"] != "cloudstack":
        return None
    cloud = plan["cloudstack"]
    libvirtd = settings["node_cloudstack_libvirtd_settings"]
    if not isinstance(libvirtd, dict) or not all(isinstance(key, str) and key.isidentifier() and "\n" not in str(value)
                                                 for key, value in libvirtd.items()):
        add("node_cloudstack_libvirtd_settings", libvirtd, "is not a mapping of libvirtd.conf keys to one-line values")
        libvirtd = {}
    apparmor = settings["node_cloudstack_disable_apparmor_libvirt"]
    return {
        "platform": "cloudstack",
        "host_name": dict(cloud["host_name"], address=settings["node_cloudstack_address"]),
        "repository": cloudstack_repository(variables, settings["node_cloudstack_packages"], add),
        "packages": settings["node_kvm_packages"],
        # libvirtd takes the management server's plain TCP connections; the console proxy reaches
        # the VMs' VNC servers.
        "settings": [{"path": "/etc/libvirt/libvirtd.conf", "section": "", "values": libvirtd},
                     {"path": "/etc/libvirt/qemu.conf", "section": "",
                      "values": {"vnc_listen": '"%s"' % settings["node_cloudstack_vnc_listen"]}}],
        "actions": [{"name": "restart libvirtd", "service": "libvirtd",
                     "files": ["/etc/libvirt/libvirtd.conf", "/etc/libvirt/qemu.conf"]}],
        "agent_properties": {"path": settings["node_cloudstack_agent_properties"],
                             "bridge_type": settings["node_cloudstack_bridge_type"]},
        "apparmor_profiles": APPARMOR_PROFILES if apparmor else [],
    }


# --- This part of a host's plan, from the host's context (plugins/module_utils/host_plan.py) -------


def frontend(context, plan):
    """The frontend part (frontend_part): a Eucalyptus CLC and CC, or a CloudStack
    management server, with the role's options (frontend_*) as the host has them, else the first
    zone's first secondary storage and the hypervisors of the zones' clusters."""
    zones = [zone for zone in host_cloudstack.zones_of(context.inventory) or () if isinstance(zone, dict)]
    storage = [entry for entry in (zones[0].get("secondary_storage") or ()) if isinstance(entry, dict)] if zones else []
    hypervisors = [str(cluster.get("hypervisor")).lower() for zone in zones for pod in zone.get("pods") or ()
                   if isinstance(pod, dict) for cluster in pod.get("clusters") or ()
                   if isinstance(cluster, dict) and cluster.get("hypervisor")]
    settings = context.options(FRONTEND_OPTIONS, {
        "frontend_cloudstack_secondary_storage": storage[0] if storage else {},
        "frontend_cloudstack_systemvm_hypervisors": list(dict.fromkeys(hypervisors)),
    })
    part = frontend_part(plan, settings, context.variables, context.inventory.facts(context.host), context.add)
    for sentence in unpinned_downloads(part or {}):
        context.warn(sentence)
    if part is not None and part["platform"] == "cloudstack":
        password = context.get("cloudstack_db_password")
        if not isinstance(password, (str, int)) or isinstance(password, bool) or str(password) == "":
            context.add("cloudstack_db_password", "(not set)", "is needed: the management servers' database user "
                        "'cloud' is granted with it from every management network (keep it in an Ansible Vault)")
        # What the database set-up is handed (never the values): a new key or password is a change of
        # the role's inputs (role_records.part_record).
        part["secrets"] = ([{"host": context.host, "name": name} for name in CLOUDSTACK_SECRETS]
                           + [{"host": part["database"]["primary"], "name": "db_root_password"}])
    return part


def node(context, plan):
    """The node part (node_part): a Eucalyptus NC, or a CloudStack KVM host, with the
    role's options (node_*) as the host has them, else its default IPv4 address mapped to its name
    and libvirt's AppArmor profiles disabled on Ubuntu as the guide does."""
    facts = context.inventory.facts(context.host)
    settings = context.options(NODE_OPTIONS, {
        "node_cloudstack_address": host_context.address(context.inventory, context.host, facts_first=True, name=False),
        "node_cloudstack_disable_apparmor_libvirt": facts.get("distribution") == "Ubuntu",
    })
    part = node_part(plan, settings, context.variables, facts, context.add)
    for sentence in unpinned_downloads(part or {}):
        context.warn(sentence)
    return part
