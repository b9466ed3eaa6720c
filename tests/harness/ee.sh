#!/usr/bin/env bash
# The execution environment's build context from execution-environment.yml: the collection's
# archive (ansible-galaxy collection build), then `ansible-builder create`, which checks the
# definition against its schema and writes the Containerfile and what it copies. Nothing is
# built or pulled: the base image's registry is not reachable here.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.cache/ee
rm -rf "$out"
mkdir -p "$out"
ansible-galaxy collection build --force --output-path "$out" . >/dev/null
mv "$out"/privatecloud-iaas-*.tar.gz "$out/privatecloud-iaas.tar.gz"
ansible-builder create --file execution-environment.yml --context "$out/context" --output-filename Containerfile
# What the image needs of the definition is in the context: the collection's archive, the
# galaxy requirements that install it, and the Containerfile that copies it for that stage.
test -s "$out/context/_build/collections/privatecloud-iaas.tar.gz"
grep -q "privatecloud-iaas.tar.gz" "$out/context/_build/requirements.yml"
grep -q "COPY _build/collections/ /build/collections/" "$out/context/Containerfile"
tar -tzf "$out/context/_build/collections/privatecloud-iaas.tar.gz" > "$out/archive-files.txt"
grep -qx "MANIFEST.json" "$out/archive-files.txt"
echo "execution environment: build context in $out/context"
