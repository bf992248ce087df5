#!/usr/bin/env bash
# Live learning in the browser's Python: one headless practice session (bench/wasm_learning.py) natively and under
# Pyodide 0.27.7 (CPython 3.12, numpy 2.0.2) in headless Chromium. By hand only, never in CI (it needs the
# harness and snapshots CI does not have). See docs/WASM.md.
#
#   WASM_TOOLS=<harness scripts> bench/wasm_learning.sh [wasm_learning.py args]
#
# env: WASM_TOOLS, WASM_HARNESS as for bench/wasm_check.sh; WASM_CHECK_OUT where the two JSON results go.
set -euo pipefail

NAME=wasm_learning.sh SCRIPT=wasm_learning.py
. "$(dirname "$0")/wasm_mount.sh"

echo "== native $(python3 --version 2>&1)" >&2
(cd "$MOUNT" && OPENBLAS_NUM_THREADS=1 python3 wasm_learning.py "$@" >"$OUT/native.json")
echo "== chromium + pyodide 0.27.7 (numpy 2.0.2)" >&2
PYODIDE_VER=0.27.7 WASM_MOUNT="$MOUNT" WASM_HARNESS="$HARNESS" WASM_TIMEOUT_S="${WASM_TIMEOUT_S:-3600}" \
  "$WASM_TOOLS/run_chromium.sh" "$MOUNT/wasm_learning.py" "$@" >"$OUT/chromium-0.27.7.json"
for name in native chromium-0.27.7; do
  echo "$name: $(tail -n 1 "$OUT/$name.json")"
done
echo "results in $OUT" >&2
