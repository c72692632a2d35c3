#!/usr/bin/env bash
# Re-resolve the newest versions allowed by pyproject.toml, run the whole suite with them in a
# scratch environment, and only if it passes rewrite constraints.txt (then reinstall .venv from it).
# Usage: make upgrade   (or: bash scripts/upgrade.sh [PYTHON])
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${1:-python3}"
SCRATCH=".venv-upgrade"
rm -rf "$SCRATCH"
"$PYTHON" -m venv "$SCRATCH"
"$SCRATCH/bin/python" -m pip install --quiet --upgrade pip
"$SCRATCH/bin/python" -m pip install --quiet -e ".[test,bench]"
"$SCRATCH/bin/territorial" fetch france
"$SCRATCH/bin/territorial" fetch france-road-accidents
if ! "$SCRATCH/bin/python" -m pytest -n 2 --dist loadgroup -q; then
    echo "upgrade: the suite fails with the newest versions; constraints.txt is unchanged." >&2
    echo "upgrade: the failing environment is kept in $SCRATCH for inspection." >&2
    exit 1
fi
version="$("$SCRATCH/bin/python" -c 'import sys; print(".".join(map(str, sys.version_info[:2])))')"
tmp="$(mktemp constraints.txt.XXXXXX)"
{
    echo "# The tested set of versions that 'make setup' installs (pip -c constraints.txt)."
    echo "# Written by 'make upgrade' (scripts/upgrade.sh) after the whole suite passed with it;"
    echo "# tested with Python $version on $(date -u +%Y-%m-%d). pyproject.toml keeps lower bounds only."
    "$SCRATCH/bin/python" -m pip freeze --all --exclude-editable | grep -v '^setuptools=='
} > "$tmp"
mv "$tmp" constraints.txt
rm -rf "$SCRATCH"
echo "upgrade: constraints.txt rewritten; 'git diff constraints.txt' shows what changed."
