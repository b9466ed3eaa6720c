# Sourced by deps.sh and compat.sh: virtualenvs kept in PRIVATECLOUD_CACHE_HOME under a name
# keyed on what they hold, so a fresh checkout finds them built and a changed pin builds anew.
# shellcheck shell=bash

# cached_venv NAME PYTHON PIP-ARGUMENT... : prints the path of a virtualenv holding what the
# arguments install, building it only when no complete one exists. A lock keeps two runs from
# building the same one; a build cut short (no .complete) is thrown away and done again.
cached_venv() {
  local name=$1 python=$2
  shift 2
  local key venv lock argument previous=
  # The key: the arguments, a requirements file by its content (not its path, which differs
  # between checkouts), and the interpreter's version.
  key=$({
    for argument in "$@"; do
      if [ "$previous" = -r ]; then cat "$argument"; else printf '%s\n' "$argument"; fi
      previous=$argument
    done
    "$python" -VV
  } | sha256sum | cut -c1-12)
  venv=$PRIVATECLOUD_CACHE_HOME/$name-$key
  mkdir -p "$PRIVATECLOUD_CACHE_HOME"
  exec {lock}>"$venv.lock"
  flock "$lock"
  if [ ! -f "$venv/.complete" ]; then
    echo "building the virtualenv $venv" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip >&2
    "$venv/bin/pip" install -q "$@" >&2
  fi
  # Its time of last use: prune_venvs keeps the recent ones.
  touch "$venv/.complete"
  flock -u "$lock"
  exec {lock}>&-
  prune_venvs "$name"
  echo "$venv"
}

# prune_venvs NAME: removes all but the three most recently used virtualenvs of that name.
prune_venvs() {
  local old
  # shellcheck disable=SC2012 # names are ours: NAME-<hex key>
  for old in $(ls -1td "$PRIVATECLOUD_CACHE_HOME/$1"-*/.complete 2>/dev/null | tail -n +4); do
    old=$(dirname "$old")
    rm -rf "$old" "$old.lock"
  done
}
