# Sourced by bench/wasm_check.sh and bench/wasm_learning.sh: checks the harness is there and makes the folder it
# mounts as /app (game/ as a package, the shipped brains, and the script beside them).
# Needs NAME (for messages) and SCRIPT (the .py in bench/ to run); sets HARNESS, REPO, OUT and MOUNT.
fail() { echo "$NAME: $*" >&2; exit 2; }
[ -n "${WASM_TOOLS:-}" ] || fail "set WASM_TOOLS to the harness scripts folder (the one with run_chromium.sh)"
[ -x "$WASM_TOOLS/run_chromium.sh" ] || fail "no harness at WASM_TOOLS=$WASM_TOOLS (run_chromium.sh missing)"
HARNESS="${WASM_HARNESS:-/tmp/wasm-harness}"
[ -f "$HARNESS/harness.json" ] || fail "harness not built at $HARNESS: run \$WASM_TOOLS/setup.sh (docs/WASM.md)"

REPO="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${WASM_CHECK_OUT:-$(mktemp -d "/tmp/${NAME%.sh}.XXXXXX")}"
mkdir -p "$OUT"
MOUNT="$(mktemp -d /tmp/wasm-mount.XXXXXX)"
trap 'rm -rf "$MOUNT"' EXIT
mkdir -p "$MOUNT/weights"
cp -R "$REPO/game" "$MOUNT/game"  # the package with its layer folders
find "$MOUNT/game" -name __pycache__ -prune -exec rm -rf {} +
cp "$REPO"/weights/*.npz "$MOUNT/weights/" 2>/dev/null || true
cp "$REPO/bench/$SCRIPT" "$MOUNT/"
