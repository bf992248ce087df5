#!/usr/bin/env bash
# Installs what the browser-build tests need on a fresh Debian machine (run as root):
# pygbag 0.9.3 for build.sh, the system Chromium, and from npm playwright-core (drives it) and the Pyodide
# runtimes the real-page test runs the game in (tests/web/package-lock.json pins them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium ca-certificates
# playwright-core 1.56 runs on node 18 (Debian 12's nodejs) and newer; keep a node that is already there
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt-get install -y --no-install-recommends nodejs npm
fi

"$PYTHON" -m pip install "pygbag==0.9.3"

# playwright-core only drives /usr/bin/chromium; it must never fetch a browser of its own
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(cd "$ROOT/tests/web" && npm ci --no-audit --no-fund)

node --version
chromium --version
