#!/usr/bin/env bash
# The unit and integration suites on an older ansible-core release the collection supports (its argument), in a
# virtualenv kept outside the checkout with the same netaddr and pytest pins as the main one.
set -euo pipefail
here=$(dirname "$0")
# shellcheck source=tests/harness/env.sh
. "$here/env.sh"
# shellcheck source=tests/harness/venvs.sh
. "$here/venvs.sh"
core=${1:?usage: compat.sh <ansible-core version>}
requirements=$PRIVATECLOUD_ROOT/requirements-dev.txt
pins=()
for package in netaddr pytest pytest-xdist; do
  pins+=("$(grep "^$package==" "$requirements")")
done
venv=$(cached_venv "compat-$core" "$("$here/python.sh")" "ansible-core==$core" "${pins[@]}")
mkdir -p "$PRIVATECLOUD_CACHE/results"
cd "$PRIVATECLOUD_ROOT"
exec "$venv/bin/python" -m pytest -q -n auto tests/unit tests/integration --junitxml="$PRIVATECLOUD_CACHE/results/unit-core-$core.xml"
