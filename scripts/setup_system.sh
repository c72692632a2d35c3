#!/usr/bin/env bash
# System packages the test suite needs (headless Chromium for browser tests).
# Runs as root on the project's machines; skipped when already present.
set -euo pipefail
apt_ready=0
apt_install() {
    if [ "$(id -u)" != "0" ]; then
        echo "missing system packages: run 'sudo apt-get install -y $*'" >&2
        return 0
    fi
    if [ "$apt_ready" = "0" ]; then apt-get update -qq; apt_ready=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
# Debian's python3 needs python3-venv for `python3 -m venv`
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    apt_install python3-venv
fi
if ! command -v chromium >/dev/null 2>&1; then
    apt_install chromium
fi
