#!/usr/bin/env bash
# Draws the docs' figures, docs/figures/<example>.svg, one per example inventory the archive ships
# (the lab's are the repository's own), with privatecloud.iaas.draw from this checkout. The galaxy
# stage draws them again from the installed archive and fails when they differ from these.
set -euo pipefail
here=$(dirname "$0")
# shellcheck source=tests/harness/env.sh
. "$here/env.sh"
figures=$PRIVATECLOUD_ROOT/docs/figures
mkdir -p "$figures"
# The example inventories' hosts do not exist: each read gives up soon.
export ANSIBLE_TIMEOUT=3
for example in "$PRIVATECLOUD_ROOT"/inventories/*/; do
  name=$(basename "$example")
  case $name in lab*) continue ;; esac
  echo "== $name"
  ansible-playbook -i "$example" privatecloud.iaas.draw -e "iaas_drawing_file=$figures/$name.svg" >/dev/null
done
