#!/usr/bin/env bash
# System packages the test suite needs (headless Chromium for browser tests).
# Runs as root on the project's machines; skipped when already present.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "chromium is missing: run 'sudo apt-get install -y chromium' (needed by the browser tests)" >&2
    fi
fi
