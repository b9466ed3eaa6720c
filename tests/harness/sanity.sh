#!/usr/bin/env bash
# Runs ansible-test sanity on the collection.
# ansible-test only runs from a directory named ansible_collections/<namespace>/<name> with no
# hidden directory on its path, so it runs on a temporary copy of the files git knows (tracked,
# or new and not ignored). Its state (per-test virtualenvs, keyed by ansible-test itself on their
# requirements) stays in a HOME under the cache directory outside the checkout, so a fresh
# checkout's run is quick too.
set -euo pipefail
# shellcheck source=tests/harness/env.sh
. "$(dirname "$0")/env.sh"
root=$PRIVATECLOUD_ROOT
copy=$(mktemp -d "${TMPDIR:-/var/tmp}/privatecloud-iaas-sanity.XXXXXX")
trap 'rm -rf "$copy"' EXIT
tree=$copy/ansible_collections/privatecloud/iaas
export HOME=$PRIVATECLOUD_CACHE_HOME/sanity-home

mkdir -p "$tree" "$HOME/.ansible/test/cache"
git -C "$root" ls-files -z --cached --others --exclude-standard \
  | (cd "$root" && tar --null -T - -cf -) | tar -C "$tree" -xf -

# ansible-test bootstraps pip in each virtualenv with get-pip.py from a host that is not
# reachable here; give it the equivalent that takes pip from ensurepip.
ansible_test=$(python3 -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')
pip_version=$(grep -oP "pip='\K[0-9.]+" "$ansible_test/_internal/python_requirements.py")
cp "$root/tests/harness/get_pip.py" "$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"

cd "$tree"
ansible-test sanity --venv --python 3.12 --color no "$@"
