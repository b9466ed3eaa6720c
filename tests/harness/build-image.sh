#!/usr/bin/env bash
# Builds the systemd test image (localhost/privatecloud-debian:12) from Debian's mirror with
# debootstrap, because no container registry is reachable. The image carries this script's
# checksum as a label: it is rebuilt when the recipe changes, and otherwise left as it is (podman
# keeps it between checkouts and runs). FORCE=1 rebuilds it.
set -euo pipefail
# shellcheck source=tests/harness/env.sh
. "$(dirname "$0")/env.sh"
"$(dirname "$0")/containers-conf.sh"

recipe=$(sha256sum "$0" | cut -d' ' -f1)
built_by() {
  podman image inspect --format '{{ index .Config.Labels "privatecloud.recipe" }}' "$PRIVATECLOUD_IMAGE" 2>/dev/null || true
}
if [ "${FORCE:-0}" != 1 ] && [ "$(built_by)" = "$recipe" ]; then
  echo "image $PRIVATECLOUD_IMAGE is present"
  exit 0
fi
# One build at a time: two checkouts may share podman's storage.
mkdir -p "$PRIVATECLOUD_CACHE_HOME"
exec {lock}>"$PRIVATECLOUD_CACHE_HOME/build-image.lock"
flock "$lock"
if [ "${FORCE:-0}" != 1 ] && [ "$(built_by)" = "$recipe" ]; then
  echo "image $PRIVATECLOUD_IMAGE is present (built while this run waited)"
  exit 0
fi

suite=bookworm
# The mirror is whatever apt on this machine already uses: never a hard-coded host.
[ -n "$(apt-get indextargets 2>/dev/null)" ] || apt-get update -qq
repo_for() {
  # shellcheck disable=SC2016 # the $(...) fields are apt's format, not the shell's
  apt-get indextargets --format '$(REPO_URI) $(RELEASE)' | awk -v r="$1" '$2 == r { print $1; exit }'
}
mirror=$(repo_for "$suite")
security=$(repo_for "$suite-security")
[ -n "$mirror" ] || { echo "apt has no $suite repository configured" >&2; exit 1; }

rootfs=$(mktemp -d /var/tmp/privatecloud-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
start=$SECONDS
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,python3,python3-apt,iproute2,procps,ca-certificates,iputils-ping \
  "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log" >&2; exit 1; }
rm -f "$rootfs.log"

{
  echo "deb $mirror $suite main"
  echo "deb $mirror $suite-updates main"
  [ -z "$security" ] || echo "deb $security $suite-security main"
} > "$rootfs/etc/apt/sources.list"
# Each container gets its own machine-id from systemd at boot.
: > "$rootfs/etc/machine-id"
# A container may not set the host's clock, and must not: chrony's unit is skipped without
# CAP_SYS_TIME. This drop-in runs chronyd with -x (never touch the clock) so it can still serve
# and follow time; the ntp role itself is unchanged.
mkdir -p "$rootfs/etc/systemd/system/chrony.service.d"
cat > "$rootfs/etc/systemd/system/chrony.service.d/container.conf" <<'DROPIN'
[Unit]
ConditionCapability=

[Service]
ExecStart=
ExecStart=!/usr/sbin/chronyd -x $DAEMON_OPTS
DROPIN
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb

previous=$(podman image inspect --format '{{ .Id }}' "$PRIVATECLOUD_IMAGE" 2>/dev/null || true)
tar -C "$rootfs" -c . | podman import --change "LABEL privatecloud.recipe=$recipe" \
  --change 'CMD ["/sbin/init"]' --change 'STOPSIGNAL SIGRTMIN+3' - "$PRIVATECLOUD_IMAGE" >/dev/null
# The image this one replaces, unless a container still runs on it (then it goes with them).
[ -z "$previous" ] || podman image rm "$previous" >/dev/null 2>&1 || true
echo "built $PRIVATECLOUD_IMAGE in $((SECONDS - start)) s"
