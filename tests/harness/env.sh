# Sourced by the Makefile's recipes and the harness scripts: one place for the paths and the
# podman settings this machine needs, so nothing under /etc is edited.
#   PRIVATECLOUD_CACHE       this checkout's own scratch space (.cache): results, the collection
#                            link, podman's settings
#   PRIVATECLOUD_CACHE_HOME  what is worth keeping between checkouts and runs, outside the
#                            checkout: virtualenvs, ansible-test's environments, the VM image,
#                            the package cache, past stage times. Each entry is keyed on what
#                            built it and rebuilt when that changes.
#   PRIVATECLOUD_RELEASE     the Debian release the test images and the labs are built from:
#                            13 (trixie, the default) or 12 (bookworm)
# shellcheck shell=bash
PRIVATECLOUD_ROOT=${PRIVATECLOUD_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PRIVATECLOUD_CACHE=${PRIVATECLOUD_CACHE:-$PRIVATECLOUD_ROOT/.cache}
PRIVATECLOUD_CACHE_HOME=${PRIVATECLOUD_CACHE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/privatecloud-iaas}
PRIVATECLOUD_RELEASE=${PRIVATECLOUD_RELEASE:-13}
export PRIVATECLOUD_ROOT PRIVATECLOUD_CACHE PRIVATECLOUD_CACHE_HOME PRIVATECLOUD_RELEASE
export CONTAINERS_CONF=$PRIVATECLOUD_CACHE/containers.conf

# The suite name of a Debian release number.
debian_suite() {
  case $1 in
    12) echo bookworm ;;
    13) echo trixie ;;
    *) echo "unknown Debian release '$1': 12 or 13" >&2; return 1 ;;
  esac
}

# The archive ("main") or the security archive ("security") that apt on this machine already
# uses, never a hard-coded host: one archive serves every release, so the machine's own
# release's entry is enough to build another release from.
debian_mirror() {
  [ -n "$(apt-get indextargets 2>/dev/null)" ] || apt-get update -qq
  # shellcheck disable=SC2016 # the $(...) fields are apt's format, not the shell's
  apt-get indextargets --format '$(REPO_URI) $(RELEASE)' |
    awk -v want="$1" '($2 ~ /-security$/) == (want == "security") { print $1; exit }'
}
