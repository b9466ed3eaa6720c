#!/usr/bin/env bash
# Builds the systemd test image of one Debian release (localhost/privatecloud-debian:<release>,
# RELEASE=13 by default, 12 for bookworm) from Debian's mirror with debootstrap, because no
# container registry is reachable. The image carries this script's checksum as a label: it is
# rebuilt when the recipe changes, and otherwise left as it is (podman keeps it between checkouts
# and runs). FORCE=1 rebuilds it.
set -euo pipefail
# shellcheck source=tests/harness/env.sh
. "$(dirname "$0")/env.sh"
"$(dirname "$0")/containers-conf.sh"
release=${RELEASE:-$PRIVATECLOUD_RELEASE}
suite=$(debian_suite "$release")
image=localhost/privatecloud-debian:$release

recipe=$(sha256sum "$0" | cut -d' ' -f1)
built_by() {
  podman image inspect --format '{{ index .Config.Labels "privatecloud.recipe" }}' "$image" 2>/dev/null || true
}
if [ "${FORCE:-0}" != 1 ] && [ "$(built_by)" = "$recipe" ]; then
  echo "image $image is present"
  exit 0
fi
# One build at a time: two checkouts may share podman's storage.
mkdir -p "$PRIVATECLOUD_CACHE_HOME"
exec {lock}>"$PRIVATECLOUD_CACHE_HOME/build-image-$release.lock"
flock "$lock"
if [ "${FORCE:-0}" != 1 ] && [ "$(built_by)" = "$recipe" ]; then
  echo "image $image is present (built while this run waited)"
  exit 0
fi

mirror=$(debian_mirror main)
[ -n "$mirror" ] || { echo "apt on this machine has no Debian repository configured" >&2; exit 1; }
security=$(debian_mirror security)

rootfs=$(mktemp -d /var/tmp/privatecloud-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
start=$SECONDS
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,python3,python3-apt,iproute2,procps,ca-certificates,iputils-ping \
  "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log" >&2; exit 1; }
rm -f "$rootfs.log"

rm -f "$rootfs/etc/apt/sources.list"
cat > "$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
${security:+
Types: deb
URIs: $security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg}
SOURCES
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

previous=$(podman image inspect --format '{{ .Id }}' "$image" 2>/dev/null || true)
tar -C "$rootfs" -c . | podman import --change "LABEL privatecloud.recipe=$recipe" \
  --change 'CMD ["/sbin/init"]' --change 'STOPSIGNAL SIGRTMIN+3' - "$image" >/dev/null
# The image this one replaces, unless a container still runs on it (then it goes with them).
[ -z "$previous" ] || podman image rm "$previous" >/dev/null 2>&1 || true
echo "built $image in $((SECONDS - start)) s"
