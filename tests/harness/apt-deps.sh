#!/usr/bin/env bash
# Installs the Debian packages the tests and the lab need, only those missing, so a rerun costs
# one dpkg query.
set -euo pipefail
packages=(
  podman runc conmon netavark aardvark-dns slirp4netns uidmap fuse-overlayfs catatonit
  debootstrap iptables nftables iproute2 conntrack shellcheck git
  qemu-system-x86 qemu-utils openssh-client e2fsprogs
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
