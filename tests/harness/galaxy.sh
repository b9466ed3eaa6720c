#!/usr/bin/env bash
# The collection as a Galaxy user gets it. The changelog's fragments and changelogs/changelog.yaml
# pass antsibull-changelog's lint. The archive is built (ansible-galaxy collection build)
# and checked by galaxy-importer as Galaxy and Automation Hub check an upload: metadata,
# documentation, ansible-lint. Its ansible-test step is off: the sanity stage runs ansible-test,
# and the importer would pull a container image from a registry this machine does not reach.
# Then the archive is installed into an empty collections path, and from outside the checkout:
#   - every collection its roles and playbooks call is a dependency galaxy.yml declares;
#   - every relative link of its Markdown finds its file in the archive;
#   - privatecloud.iaas.validate runs by its collection name against every example inventory the
#     archive ships, away from the cloud (its hosts cannot be read), and privatecloud.iaas.draw
#     draws each one's figure as docs/figures has it;
#     and no play of any playbook names a group that inventory does not have (Ansible's warning);
#   - privatecloud.iaas.site and privatecloud.iaas.db_failover pass --syntax-check.
# The declared dependencies come from the ansible package, as for a user who installed ansible
# from PyPI: Galaxy itself is not reachable here.
set -euo pipefail
here=$(dirname "$0")
# shellcheck source=tests/harness/env.sh
. "$here/env.sh"
# shellcheck source=tests/harness/venvs.sh
. "$here/venvs.sh"
release=$(cached_venv release-tools "$("$here/python.sh")" -r "$PRIVATECLOUD_ROOT/tests/harness/requirements-release.txt")
work=$(mktemp -d "${TMPDIR:-/var/tmp}/privatecloud-iaas-galaxy.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "== antsibull-changelog lint"
(cd "$PRIVATECLOUD_ROOT" && "$release/bin/antsibull-changelog" lint && "$release/bin/antsibull-changelog" lint-changelog-yaml changelogs/changelog.yaml)
cd "$work"

ansible-galaxy collection build --output-path "$work" "$PRIVATECLOUD_ROOT" >/dev/null
archive=$(echo "$work"/privatecloud-iaas-*.tar.gz)
echo "== galaxy-importer $archive"
printf '[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\nLOCAL_IMAGE_DOCKER = False\n' \
  > "$work/importer.cfg"
# ansible-doc and ansible-lint are the controller virtualenv's, first on PATH after the importer's own.
GALAXY_IMPORTER_CONFIG=$work/importer.cfg "$release/bin/python" -m galaxy_importer.main "$archive"

echo "== installed into an empty collections path"
# Only that path from here on: the checkout linked on the Makefile's collections path would stand
# in for the archive (and make ansible-galaxy think it is installed already).
export ANSIBLE_COLLECTIONS_PATH=$work/collections
ansible-galaxy collection install --no-deps -p "$work/collections" "$archive" >/dev/null
installed=$work/collections/ansible_collections/privatecloud/iaas
# What ansible-builder gives an execution environment that includes the collection.
# (Read whole first: grep -q would stop reading, and pipefail would count the writer's SIGPIPE.)
introspected=$(ansible-builder introspect --sanitize "$work/collections" 2>/dev/null)
grep -q "netaddr" <<<"$introspected" ||
  { echo "ansible-builder finds no netaddr in meta/execution-environment.yml: $introspected" >&2; exit 1; }
python3 - "$installed" <<'EOF'
"""Every module the installed roles and playbooks call from another collection is a declared dependency."""
import glob
import json
import os
import re
import sys

root = sys.argv[1]
declared = set(json.load(open(os.path.join(root, "MANIFEST.json")))["collection_info"]["dependencies"])
task_key = re.compile(r"^\s*(?:- )?([a-z0-9_]+)\.([a-z0-9_]+)\.[a-z0-9_]+:", re.M)
used = {}
for path in glob.glob(os.path.join(root, "roles", "*", "tasks", "**", "*.yml"), recursive=True) + glob.glob(
        os.path.join(root, "playbooks", "*.yml")):
    with open(path) as stream:
        for namespace, name in task_key.findall(stream.read()):
            used.setdefault("%s.%s" % (namespace, name), os.path.relpath(path, root))
missing = {collection: where for collection, where in used.items()
           if collection not in declared | {"ansible.builtin", "privatecloud.iaas"}}
if missing:
    sys.exit("galaxy.yml does not declare what these call: %s" % ", ".join(
        "%s (%s)" % item for item in sorted(missing.items())))
print("dependencies declared: %s" % ", ".join(sorted(declared)))
EOF
python3 - "$installed" <<'EOF'
"""Every relative link of the installed Markdown (README, docs, roles' READMEs) finds its file in the archive."""
import glob
import os
import re
import sys

root = sys.argv[1]
broken = []
for path in glob.glob(os.path.join(root, "**", "*.md"), recursive=True):
    with open(path) as stream:
        text = re.sub(r"```.*?```", "", stream.read(), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        if not os.path.exists(os.path.join(os.path.dirname(path), target.split("#")[0])):
            broken.append("%s: %s" % (os.path.relpath(path, root), target))
if broken:
    sys.exit("links to what the archive does not ship:\n  " + "\n  ".join(sorted(broken)))
print("every relative link of the archive's Markdown resolves in it")
EOF

# The example inventories' hosts do not exist: each read gives up soon.
export ANSIBLE_TIMEOUT=3
examples=$(cd "$installed/inventories" && ls -d -- */)
mkdir -p "$work/figures"
playbooks=()
for file in "$installed"/playbooks/*.yml; do playbooks+=("privatecloud.iaas.$(basename "$file" .yml)"); done
[ -n "$examples" ] || { echo "the archive ships no example inventory" >&2; exit 1; }
for example in $examples; do
  echo "== privatecloud.iaas.validate, privatecloud.iaas.draw -i inventories/${example%/}"
  # One run: draw's own import of validate finds the hosts planned already.
  ansible-playbook -i "$installed/inventories/${example%/}" privatecloud.iaas.validate privatecloud.iaas.draw \
    -e "iaas_drawing_file=$work/figures/${example%/}.svg" > "$work/validate.log" 2>&1 || {
    cat "$work/validate.log"
    echo "privatecloud.iaas.validate or draw failed on inventories/${example%/}" >&2
    exit 1
  }
  grep -E '^(ok|fatal|\[WARNING\])' "$work/validate.log" | sort | uniq -c | sort -rn | head -5
  # Every playbook's plays, by collection name: a group the cloud does without (no db in a
  # Eucalyptus cloud) is no warning.
  ansible-playbook -i "$installed/inventories/${example%/}" --list-hosts "${playbooks[@]}" > "$work/hosts.log" 2>&1 || {
    cat "$work/hosts.log"; echo "--list-hosts failed on inventories/${example%/}" >&2; exit 1; }
  if grep -F "Could not match supplied host pattern" "$work/hosts.log"; then
    echo "a play names a group inventories/${example%/} does not have" >&2
    exit 1
  fi
done
# The docs' figures are what the plans draw now (make figures draws them again).
if ! diff -r "$work/figures" "$PRIVATECLOUD_ROOT/docs/figures" >"$work/figures.diff"; then
  head -40 "$work/figures.diff"
  echo "docs/figures differ from what the example inventories' plans draw now: make figures, and look at them" >&2
  exit 1
fi
echo "docs/figures: as the plans draw them"
for playbook in site db_failover; do
  echo "== privatecloud.iaas.$playbook --syntax-check"
  ansible-playbook -i "$installed/inventories/cloudstack-advanced" --syntax-check "privatecloud.iaas.$playbook"
done
echo "the archive installs and runs by its collection names"
