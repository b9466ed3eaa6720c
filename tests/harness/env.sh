# Sourced by the Makefile's recipes and the harness scripts: one place for the paths and the
# podman settings this machine needs, so nothing under /etc is edited.
# shellcheck shell=bash
PRIVATECLOUD_ROOT=${PRIVATECLOUD_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PRIVATECLOUD_CACHE=${PRIVATECLOUD_CACHE:-$PRIVATECLOUD_ROOT/.cache}
PRIVATECLOUD_IMAGE=${PRIVATECLOUD_IMAGE:-localhost/privatecloud-debian:12}
export PRIVATECLOUD_ROOT PRIVATECLOUD_CACHE PRIVATECLOUD_IMAGE
export CONTAINERS_CONF=$PRIVATECLOUD_CACHE/containers.conf
