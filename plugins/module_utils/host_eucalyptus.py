# -*- coding: utf-8 -*-
# Copyright: privatecloud.iaas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Eucalyptus part of a host's plan: its mode, which components it runs (the CC, the NC), the
keys of its eucalyptus.conf and the actions their change obliges, and what several clusters ask
of each CC. The data plane a front-end realises itself is the data plane's own part
(dataplane.part).
"""

from __future__ import annotations

from ansible_collections.privatecloud.iaas.plugins.module_utils import eucalyptus, host_context, names, releases
from ansible_collections.privatecloud.iaas.plugins.module_utils.addressing import AddressError, AddressErrors

EUCA_DEFAULTS = {"euca_home": "/", "euca_user": "eucalyptus", "euca_hypervisor": "kvm",
                 "euca_conf_file": "/etc/eucalyptus/eucalyptus.conf"}
PRELOAD = "etc/eucalyptus/iptables-preload"


def decide(context):
    roles = [role for role in ("frontend", "nodes") if role in context.groups]
    mode = context.get("vnet_mode")
    euca = {key: context.get(key, default) for key, default in EUCA_DEFAULTS.items()}
    home = euca["euca_home"].rstrip("/")
    plan = {
        "mode": mode,
        "cc": "frontend" in roles,
        "nc": "nodes" in roles,
        "conf_file": euca["euca_conf_file"],
        "cc_init": home + "/etc/init.d/eucalyptus-cc",
        "nc_init": home + "/etc/init.d/eucalyptus-nc",
        "hypervisor": euca["euca_hypervisor"],
        # The node's bridge its VMs attach to: what the NC refuses to start without (vnetInit).
        "vm_bridge": context.get("vnet_bridge") if "nodes" in roles and eucalyptus.mode_is(mode, "bridged") else None,
        "vtun": False,
        "settings": {},
        "owned": [],
        "actions": [],
        "dataplane": None,
    }
    if not roles or mode is None:
        return plan
    base = {"EUCALYPTUS": euca["euca_home"], "EUCA_USER": euca["euca_user"]}
    if plan["nc"]:
        base["HYPERVISOR"] = euca["euca_hypervisor"]
    extra = context.get("euca_conf_settings", {})
    if not isinstance(extra, dict):
        context.add("euca_conf_settings", extra, "is not a mapping of eucalyptus.conf keys to values")
        extra = {}
    cluster = _cluster_keys(context, mode) if plan["cc"] else {}
    try:
        settings = eucalyptus.conf_settings(context.variables, roles, defaults=cluster)
    except AddressErrors as errors:
        for error in errors.errors:
            context.add(error.variable, error.value, error.rule)
        settings = {}
    except AddressError as error:
        context.add(error.variable, error.value, error.rule)
        settings = {}
    settings.update(base)
    for key, value in extra.items():
        where = "euca_conf_settings.%s" % key
        if not names.is_shell_name(key):
            context.add(where, key, "is not a shell variable name (a letter or '_', then letters, digits, '_'): "
                        "the init scripts source eucalyptus.conf")
        elif key in settings or key in eucalyptus.CONF_OWNED:
            context.add(where, value, "is a key the collection sets from its own variables (vnet_*, euca_home, "
                        "euca_user, euca_hypervisor)")
        elif not (isinstance(value, (str, int, float)) and names.is_one_line(str(value))):
            context.add(where, value, "is not one line of text (no line breaks or control characters)")
    settings.update((str(key), value) for key, value in extra.items()
                    if names.is_shell_name(key) and key not in settings)
    plan["settings"] = settings
    plan["owned"] = sorted(set(base) | set(str(key) for key in extra))
    plan["actions"] = _actions(plan)
    clusters = host_context.clusters(context.inventory)
    if plan["nc"] and len(clusters) > 1 and context.get("euca_cluster") not in (None, *clusters):
        context.add("euca_cluster", context.get("euca_cluster"), "is not a front-end of this inventory (%s): it names "
                    "the cluster whose CC the node belongs to" % ", ".join(clusters))
    # vtun is the CC's tool: where the collection runs the data plane, no CC tunnels.
    plan["vtun"] = bool(plan["cc"] and eucalyptus.mode_is(mode, "routing") and len(clusters) > 1
                        and context.get("vnet_localip") != "0.0.0.0" and context.get("vnet_dataplane") != "ansible")
    release = context.inventory.release(context.host)
    if plan["vtun"] and releases.has(release, "vtun") is False:
        context.add("vnet_localip", context.get("vnet_localip", "(not set)"),
                    "leaves tunnelling on, and the CC of a %s cloud with several clusters tunnels to the "
                    "others with vtun, which %s does not have: run the front-ends on a release that has "
                    "it, or set vnet_localip: 0.0.0.0 to turn tunnelling off" % (mode, releases.name(release)))
    return plan


def _actions(plan):
    """What the host's components need when eucalyptus.conf changes (service_files' actions).

    Eucalyptus Network Configuration (1.6): a new VNET_MODE needs the CC's cleanrestart, another
    networking key a restart; the NC reads every key it has when it starts.
    """
    conf = [plan["conf_file"]]
    actions = []
    if plan["cc"]:
        actions.append({"name": "clean-restart the CC", "command": [plan["cc_init"], "cleanrestart"], "files": conf,
                        "keys": ["VNET_MODE"], "supersedes": ["restart the CC"]})
        actions.append({"name": "restart the CC", "command": [plan["cc_init"], "restart"], "files": conf,
                        "keys": ["VNET_*"]})
    if plan["nc"]:
        others = set(plan["settings"]) | set(plan["owned"])
        actions.append({"name": "restart the NC", "command": [plan["nc_init"], "restart"], "files": conf,
                        "keys": ["VNET_*"] + sorted(key for key in others if not key.startswith("VNET_"))})
    return actions


def _cluster_keys(context, mode):
    """Several clusters: each CC is told its own address (VNET_LOCALIP) and every other CC where the
    CLC is (VNET_CLOUDIP), unless the inventory says otherwise; an address only where it is IPv4."""
    clusters = host_context.clusters(context.inventory)
    if len(clusters) < 2 or not eucalyptus.mode_is(mode, "routing"):
        return {}
    keys = {}
    own, clc = host_context.address(context.inventory, context.host), host_context.address(context.inventory, clusters[0])
    if host_context.is_ipv4(own):
        keys["vnet_localip"] = own
    if context.host != clusters[0] and host_context.is_ipv4(clc):
        keys["vnet_cloudip"] = clc
    return keys
