#!/usr/bin/env bash
# Exits non-zero when a test network's subnet would shadow anything the host itself uses: a
# route of a host interface (its uplink), or an address of the package mirror apt uses (here
# the mirror sits in a documentation range). A podman network on such a subnet would cut the
# host, or its containers, off from that address.
set -euo pipefail
subnet=$1
# shellcheck disable=SC2016 # $(REPO_URI) is apt's format field, not the shell's
mapfile -t mirrors < <(apt-get indextargets --format '$(REPO_URI)' 2>/dev/null | sed -E 's#^[a-z]+://([^/:]+).*#\1#' | sort -u)
mapfile -t addresses < <(for host in "${mirrors[@]}"; do getent ahostsv4 "$host" | awk '{ print $1 }'; done | sort -u)
# Routes of podman's own bridges are the test networks themselves, not the host's.
mapfile -t routes < <(ip -4 -o route show table main | awk '$1 != "default" && $0 !~ / dev (podman|cni)[^ ]*/ { print $1 }')
python3 - "$subnet" "${routes[@]}" -- "${addresses[@]}" <<'PY'
import ipaddress
import sys

subnet = ipaddress.ip_network(sys.argv[1])
split = sys.argv.index("--")
routes, addresses = sys.argv[2:split], sys.argv[split + 1:]
clashes = [r for r in routes if ipaddress.ip_network(r, strict=False).overlaps(subnet)]
clashes += [a for a in addresses if ipaddress.ip_address(a) in subnet]
if clashes:
    sys.exit("subnet %s is used by the host (%s): choose another for the test network"
             % (subnet, ", ".join(clashes)))
PY
