#!/usr/bin/env bash
# Prints the cache directory outside the checkout (PRIVATECLOUD_CACHE_HOME), or the entry named
# by the argument under it, creating it: for playbooks and scripts that cannot source env.sh.
set -euo pipefail
# shellcheck source=tests/harness/env.sh
. "$(dirname "$0")/env.sh"
directory=$PRIVATECLOUD_CACHE_HOME${1:+/$1}
mkdir -p "$directory"
echo "$directory"
