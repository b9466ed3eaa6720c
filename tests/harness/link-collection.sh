#!/usr/bin/env bash
# Makes this checkout importable as the collection privatecloud.iaas by linking it into the
# project-local collections path (.cache/collections), which ansible.cfg, the Makefile and the
# molecule scenarios put on ANSIBLE_COLLECTIONS_PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
link=$root/.cache/collections/ansible_collections/privatecloud/iaas
mkdir -p "$(dirname "$link")"
[ "$(readlink "$link" 2>/dev/null)" = "$root" ] || ln -sfn "$root" "$link"
