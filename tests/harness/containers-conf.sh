#!/usr/bin/env bash
# Writes the project-local CONTAINERS_CONF. Without these two settings no container starts here:
# root lacks CAP_SYS_RESOURCE, so podman's default nofile ulimit (above the hard limit) fails,
# and crun refuses this kernel's hybrid cgroup layout while runc works. The network backend is
# named so podman never falls back to the CNI config Debian's package leaves behind.
set -euo pipefail
# shellcheck source=tests/harness/env.sh
. "$(dirname "$0")/env.sh"
mkdir -p "$PRIVATECLOUD_CACHE"
nofile=$(ulimit -Hn)
[ "$nofile" = unlimited ] && nofile=1048576
new=$(cat <<CONF
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]

[engine]
runtime = "runc"

[network]
network_backend = "netavark"
CONF
)
if [ ! -f "$CONTAINERS_CONF" ] || [ "$(cat "$CONTAINERS_CONF")" != "$new" ]; then
  printf '%s\n' "$new" > "$CONTAINERS_CONF"
  echo "wrote $CONTAINERS_CONF"
fi
