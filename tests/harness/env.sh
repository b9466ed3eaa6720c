# Sourced by the Makefile's recipes and the harness scripts: one place for the paths and the
# podman settings this machine needs, so nothing under /etc is edited.
#   PRIVATECLOUD_CACHE       this checkout's own scratch space (.cache): results, the collection
#                            link, podman's settings
#   PRIVATECLOUD_CACHE_HOME  what is worth keeping between checkouts and runs, outside the
#                            checkout: virtualenvs, ansible-test's environments, the VM image,
#                            the package cache, past stage times. Each entry is keyed on what
#                            built it and rebuilt when that changes.
# shellcheck shell=bash
PRIVATECLOUD_ROOT=${PRIVATECLOUD_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PRIVATECLOUD_CACHE=${PRIVATECLOUD_CACHE:-$PRIVATECLOUD_ROOT/.cache}
PRIVATECLOUD_CACHE_HOME=${PRIVATECLOUD_CACHE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/privatecloud-iaas}
PRIVATECLOUD_IMAGE=${PRIVATECLOUD_IMAGE:-localhost/privatecloud-debian:12}
export PRIVATECLOUD_ROOT PRIVATECLOUD_CACHE PRIVATECLOUD_CACHE_HOME PRIVATECLOUD_IMAGE
export CONTAINERS_CONF=$PRIVATECLOUD_CACHE/containers.conf
