#!/usr/bin/env bash
# Our Python under CPython-in-WebAssembly (Pyodide) in headless Chromium, against native CPython. By hand only,
# never in CI (it needs the harness and snapshots CI does not have). See docs/WASM.md.
#
#   WASM_TOOLS=<harness scripts> WASM_MIRROR=<snapshots folder> bench/wasm_check.sh [wasm_check.py args]
#
# env: WASM_TOOLS    the harness scripts (run_chromium.sh, setup.sh); required
#      WASM_MIRROR   the folder with the snapshots setup.sh reads; required
#      WASM_HARNESS  the built harness (default /tmp/wasm-harness, made by $WASM_TOOLS/setup.sh)
#      WASM_CHECK_OUT  where the JSON results and the screenshot go (default: a new temporary folder)
# Runs wasm_check.py three times, one run each: native python3; Chromium + Pyodide 0.27.7 (CPython 3.12, numpy
# 2.0.2, the browser's numpy under pygbag); Chromium + Pyodide 0.29.0 (CPython 3.13, numpy 2.2.5, pygame-ce).
# Exit 0 only when every run finished, its own checks passed and its results equal native's.
set -euo pipefail

[ -n "${WASM_MIRROR:-}" ] && [ -d "$WASM_MIRROR" ] || {
  echo "wasm_check.sh: WASM_MIRROR=${WASM_MIRROR:-} is not a folder of snapshots" >&2; exit 2; }
NAME=wasm_check.sh SCRIPT=wasm_check.py
. "$(dirname "$0")/wasm_mount.sh"

echo "== native $(python3 --version 2>&1)" >&2
# One BLAS thread: the wasm build has no threads, and the shared 2 cores make threaded timings noise.
(cd "$MOUNT" && PYTHONDONTWRITEBYTECODE=1 OPENBLAS_NUM_THREADS=1 SDL_VIDEODRIVER=dummy \
  python3 wasm_check.py "$@" >"$OUT/native.json") || echo "!! native run exited $?" >&2

echo "== chromium + pyodide 0.27.7 (numpy 2.0.2)" >&2
PYODIDE_VER=0.27.7 WASM_MOUNT="$MOUNT" WASM_HARNESS="$HARNESS" \
  "$WASM_TOOLS/run_chromium.sh" "$MOUNT/wasm_check.py" "$@" >"$OUT/chromium-0.27.7.json" ||
  echo "!! chromium 0.27.7 run exited $?" >&2

echo "== chromium + pyodide 0.29.0 (numpy 2.2.5, pygame-ce)" >&2
PYODIDE_VER=0.29.0 WASM_MOUNT="$MOUNT" WASM_HARNESS="$HARNESS" WASM_CANVAS=1040x640 \
  WASM_SCREENSHOT="$OUT/wasm-frame.png" \
  "$WASM_TOOLS/run_chromium.sh" "$MOUNT/wasm_check.py" "$@" >"$OUT/chromium-0.29.0.json" ||
  echo "!! chromium 0.29.0 run exited $?" >&2

python3 - "$OUT" <<'PY'
"""Compare each browser run with native: checks (ints/strings exact, floats within 1e-5), then the timings."""
import json
import math
import sys
from pathlib import Path

out = Path(sys.argv[1])
names = ["native", "chromium-0.27.7", "chromium-0.29.0"]
runs = {}
for name in names:
    try:
        runs[name] = json.loads((out / f"{name}.json").read_text().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError) as error:
        print(f"{name}: no result ({error})")
ok = "native" in runs and len(runs) == len(names)


def differences(a, b, where=""):
    """Where two results differ: floats by more than 1e-5 (relative beyond magnitude 1), the rest exactly."""
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
            if math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-5):
                return []
        return [f"{where}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        found = [f"{where}.{k}: only in one run" for k in sorted(set(a) ^ set(b))]
        for k in sorted(set(a) & set(b)):
            found += differences(a[k], b[k], f"{where}.{k}")
        return found
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{where}[{i}]")]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


for name, run in runs.items():
    env = run["env"]
    print(f"{name}: python {env['python']} ({env['platform']}/{env['machine']}), numpy {env['numpy']}, "
          f"pygame {env['pygame']}, intp {env['intp_bits']} bits, perf_counter step "
          f"{env['perf_counter_resolution_us']:.3g} us")
    failed = [k for k, v in run["self"].items() if not v]
    print(f"  own checks: {len(run['self']) - len(failed)}/{len(run['self'])} passed" +
          (f"; FAILED {failed}" if failed else ""))
    if run["errors"]:
        print(f"  ERRORS: {run['errors']}")
        ok = False
    ok = ok and not failed
    if name != "native" and "native" in runs:
        diff = differences(runs["native"]["check"], run["check"], "check")
        print(f"  vs native: {len(runs['native']['check'])} results, " +
              ("all equal" if not diff else f"{len(diff)} differ: " + "; ".join(diff[:8])))
        ok = ok and not diff
        if run["frame"] and runs["native"]["frame"]:
            same = {k: run["frame"][k] == runs["native"]["frame"][k] for k in ("round", "cat_mouse", "pixel_sum")}
            print(f"  frame vs native: {same} (driver {run['frame']['driver']})")

# Timings side by side: lower is better except moves/s; the ratio is browser cost / native cost.
keys = sorted({k for run in runs.values() for k in run["time"]})
print("\n| measure | " + " | ".join(names) + " | " + " | ".join(f"{n} / native" for n in names[1:]) + " |")
print("|---" * (2 * len(names)) + "|")
for key in keys:
    values = [runs.get(n, {}).get("time", {}).get(key) for n in names]
    base = values[0]
    cells = [("-" if v is None else f"{v:,.1f}") for v in values]
    ratios = []
    for v in values[1:]:
        if v is None or not base:
            ratios.append("-")
        else:
            ratios.append(f"{(base / v if key.endswith('per_s') else v / base):.2f}×")
    print(f"| {key} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
print(f"\nresults in {out}")
print("wasm_check: all matched" if ok else "wasm_check: PROBLEMS (see above)")
sys.exit(0 if ok else 1)
PY
