#!/usr/bin/env bash
# Builds the QEMU test image of the kernel scenario from Debian's mirror with debootstrap (no
# prebuilt image is downloaded): Debian 13 (RELEASE=12: Debian 12) with its own kernel, which has
# the 802.1Q and NFS server support this machine's kernel lacks. Writes to
# $PRIVATECLOUD_CACHE_HOME/kernel (outside the checkout, so a fresh checkout finds it built):
#   debian-<release>.raw (ext4 root filesystem), vmlinuz-<release>, initrd-<release>.img,
#   id_ed25519 (root's SSH key).
# Does nothing when the image exists and this script, as it is now, built it; FORCE=1 rebuilds it.
set -euo pipefail
# shellcheck source=tests/harness/env.sh
. "$(dirname "$0")/env.sh"
release=${RELEASE:-$PRIVATECLOUD_RELEASE}
suite=$(debian_suite "$release")
out=$PRIVATECLOUD_CACHE_HOME/kernel
image=$out/debian-$release.raw
# The script's checksum beside the image: a changed package list or setup means a new image.
stamp=$out/debian-$release.built-by
recipe=$(sha256sum "$0" | cut -d' ' -f1)
if [ "${FORCE:-0}" != 1 ] && [ -s "$image" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$recipe" ]; then
  echo "VM image $image is present"
  exit 0
fi
mkdir -p "$out"
# One build at a time: two checkouts may share the cache directory.
exec {lock}>"$out/build-$release.lock"
flock "$lock"
if [ "${FORCE:-0}" != 1 ] && [ -s "$image" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$recipe" ]; then
  echo "VM image $image is present (built while this run waited)"
  exit 0
fi

mirror=$(debian_mirror main)
[ -n "$mirror" ] || { echo "apt on this machine has no Debian repository configured" >&2; exit 1; }

rootfs=$(mktemp -d /var/tmp/privatecloud-vm-rootfs.XXXXXX)
trap 'rm -rf "$rootfs" "$rootfs.log"' EXIT
start=$SECONDS
# What the scenario's roles would install, preinstalled: each package install under TCG
# emulation costs minutes, and the scenario proves the kernel, not apt.
packages=systemd,systemd-sysv,dbus,udev,python3,python3-apt,iproute2,procps,ca-certificates,
packages+=linux-image-amd64,openssh-server,ifupdown,isc-dhcp-client,iputils-ping,iptables,kmod,
packages+=vlan,bridge-utils,nfs-kernel-server,nfs-common,chrony,isc-dhcp-server,conntrack,nftables
# isc-dhcp-client: the VMs' client (tests/harness/vm_dhcp.py) and eth0's. On Debian 13 also
# dhcpcd-base, which the bridge role installs there.
packages+=$([ "$release" = 12 ] || echo ,dhcpcd-base)
debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
  || { tail -20 "$rootfs.log" >&2; exit 1; }

rm -f "$rootfs/etc/apt/sources.list"
printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
  "$mirror" "$suite" /usr/share/keyrings/debian-archive-keyring.gpg > "$rootfs/etc/apt/sources.list.d/debian.sources"
# eth0: QEMU's user network (SSH from the host through a forwarded loopback port), by DHCP.
# eth1: the scenario's shared L2 segment, left to the roles.
cat > "$rootfs/etc/network/interfaces" <<'IFACES'
source /etc/network/interfaces.d/*

auto lo
iface lo inet loopback

auto eth0
iface eth0 inet dhcp
IFACES
echo "/dev/vda / ext4 defaults 0 1" > "$rootfs/etc/fstab"
# Each VM makes its own machine-id at first boot (from its SMBIOS UUID): dbus's copy would hand
# every VM the one of the build, and with it the same MAC address for every bridge.
: > "$rootfs/etc/machine-id"
ln -sf /etc/machine-id "$rootfs/var/lib/dbus/machine-id"
# Root logs in with the harness's key only.
[ -s "$out/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C privatecloud-kernel -f "$out/id_ed25519"
install -d -m 0700 "$rootfs/root/.ssh"
install -m 0600 "$out/id_ed25519.pub" "$rootfs/root/.ssh/authorized_keys"
echo "PasswordAuthentication no" > "$rootfs/etc/ssh/sshd_config.d/privatecloud.conf"
# A serial console without a login prompt is enough; nothing waits for the network at boot.
ln -sf /dev/null "$rootfs/etc/systemd/system/systemd-networkd-wait-online.service"
# The package lists stay: the roles' package tasks find their packages installed without an update.
# apt's binary caches are built here, once, instead of by the first package task in each VM,
# where it costs about ten seconds of emulated CPU.
chroot "$rootfs" apt-cache gencaches
rm -rf "$rootfs"/var/cache/apt/archives/*.deb

cp "$(readlink -f "$rootfs/vmlinuz")" "$out/vmlinuz-$release"
cp "$(readlink -f "$rootfs/initrd.img")" "$out/initrd-$release.img"
rm -f "$image"
mkfs.ext4 -q -L root -d "$rootfs" "$image" 3G
echo "$recipe" > "$stamp"
echo "built $image in $((SECONDS - start)) s"
