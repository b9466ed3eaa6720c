#!/usr/bin/env bash
# Builds the systemd test image (localhost/privatecloud-debian:12) from Debian's mirror with
# debootstrap, because no container registry is reachable. Does nothing when the image exists;
# FORCE=1 rebuilds it.
set -euo pipefail
# shellcheck source=tests/harness/env.sh
. "$(dirname "$0")/env.sh"
"$(dirname "$0")/containers-conf.sh"

if [ "${FORCE:-0}" != 1 ] && podman image exists "$PRIVATECLOUD_IMAGE"; then
  echo "image $PRIVATECLOUD_IMAGE is present"
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
  --include=systemd,systemd-sysv,dbus,python3,python3-apt,iproute2,procps,ca-certificates \
  "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log" >&2; exit 1; }
rm -f "$rootfs.log"

{
  echo "deb $mirror $suite main"
  echo "deb $mirror $suite-updates main"
  [ -z "$security" ] || echo "deb $security $suite-security main"
} > "$rootfs/etc/apt/sources.list"
# Each container gets its own machine-id from systemd at boot.
: > "$rootfs/etc/machine-id"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb

tar -C "$rootfs" -c . | podman import \
  --change 'CMD ["/sbin/init"]' --change 'STOPSIGNAL SIGRTMIN+3' - "$PRIVATECLOUD_IMAGE" >/dev/null
echo "built $PRIVATECLOUD_IMAGE in $((SECONDS - start)) s"
