#!/usr/bin/env bash
# Everything the tests and the lab need on this machine, each step only when missing: Debian
# packages, podman's settings, the collection link, and the controller's virtualenv (kept
# outside the checkout, keyed on requirements-dev.txt and the interpreter; .venv links to it).
set -euo pipefail
here=$(dirname "$0")
# shellcheck source=tests/harness/env.sh
. "$here/env.sh"
# shellcheck source=tests/harness/venvs.sh
. "$here/venvs.sh"
"$here/apt-deps.sh"
"$here/containers-conf.sh"
"$here/link-collection.sh"

venv=$(cached_venv venv "$("$here/python.sh")" -r "$PRIVATECLOUD_ROOT/requirements-dev.txt")
link=$PRIVATECLOUD_ROOT/.venv
if [ "$(readlink "$link" 2>/dev/null)" != "$venv" ]; then
  # A virtualenv built inside the checkout by an older harness gives way to the link.
  [ -L "$link" ] || rm -rf "$link"
  ln -sfn "$venv" "$link"
  echo ".venv -> $venv"
fi
