#!/usr/bin/env bash
# Prints a Python 3.12 interpreter for the controller virtualenv (ansible-core 2.21 needs 3.12):
# PYTHON if given, python3.12 on PATH if it runs, else the newest 3.12 pyenv has.
set -euo pipefail
for candidate in "${PYTHON:-}" python3.12; do
  if [ -n "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
    command -v "$candidate"
    exit 0
  fi
done
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
newest=$(printf '%s\n' "$root"/versions/3.12*/bin/python3.12 | sort -V | tail -n 1)
if [ -x "$newest" ] && "$newest" -c '' 2>/dev/null; then
  echo "$newest"
  exit 0
fi
echo "no Python 3.12 found: install one (pyenv install 3.12) or set PYTHON=/path/to/python3.12" >&2
exit 1
