#!/usr/bin/env bash
# Package Cat & Mouse for the browser with pygbag (offline: our own template and icon, no downloads).
set -euo pipefail

PYGBAG_VERSION="0.9.3"
PYBUILD="3.12"                                   # CPython of pygbag's WebAssembly runtime
CDN="https://pygame-web.github.io/cdn/${PYGBAG_VERSION}/"  # where players' browsers fetch that runtime
APP="catmouse"                                   # archive name: build/web/catmouse.apk

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$ROOT/build/web"
PYTHON="${PYTHON:-python3}"
SERVE=0
ARCHIVE=0
PORT=8000

usage() {
    cat <<EOF
Usage: ./build.sh [--serve] [--archive] [--out DIR] [--port N] [--cdn URL]

Packages the game for the browser with pygbag ${PYGBAG_VERSION} (CPython ${PYBUILD} in WebAssembly).
It copies what the browser needs (main.py, game/ without its training tools in game/training/, weights/*.npz)
into a temporary folder, builds that copy with our page template web/index.tmpl and icon
web/favicon.png, and writes the site to build/web/ (index.html, the game archive as ${APP}.tar.gz and
${APP}.apk, page script, its protocol table, style, icon).
The build itself needs no network; players' browsers load the runtime from ${CDN}.

Options:
  --serve      after building, serve the site on http://127.0.0.1:PORT/ (Ctrl-C stops it); open that
               address, not localhost, where pygbag's runtime looks for numpy on this server
  --archive    also write build/web.zip, the upload itch.io takes (index.html at the top)
  --out DIR    write the site to DIR instead of build/web (the archive goes to DIR.zip)
  --port N     port for --serve (default ${PORT})
  --cdn URL    where players' browsers fetch pygbag's ${PYGBAG_VERSION} runtime (default ${CDN}):
               a copy you host yourself, so the files players get cannot change under you
  -h, --help   show this help

Environment: PYTHON selects the interpreter that has pygbag==${PYGBAG_VERSION} (default python3).
EOF
}

die() {
    echo "build.sh: error: $*" >&2
    exit 1
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --serve) SERVE=1 ;;
        --archive) ARCHIVE=1 ;;
        --out) [[ $# -ge 2 ]] || die "--out needs a directory"; OUT="$2"; shift ;;
        --port) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || die "--port needs a number"; PORT="$2"; shift ;;
        --cdn) [[ $# -ge 2 && "$2" =~ ^https?://.+/$ ]] || die "--cdn needs a URL ending in / (http:// or https://)"
               CDN="$2"; shift ;;
        *) die "unknown option '$1' (see ./build.sh --help)" ;;
    esac
    shift
done
[[ "$OUT" = /* ]] || OUT="$PWD/$OUT"

# ---- prerequisites: each failure is one clear line ----
command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found; install Python 3.11+ or set PYTHON"
found="$("$PYTHON" -c 'import pygbag; print(pygbag.VERSION)' 2>/dev/null)" \
    || die "pygbag is not installed for $PYTHON; run: $PYTHON -m pip install pygbag==$PYGBAG_VERSION"
[[ "$found" == "$PYGBAG_VERSION" ]] \
    || die "pygbag $found found, this build is pinned to $PYGBAG_VERSION; run: $PYTHON -m pip install pygbag==$PYGBAG_VERSION"
[[ -f "$ROOT/game/main.py" ]] || die "game/main.py is missing"
[[ -f "$ROOT/game/__init__.py" ]] || die "game/__init__.py is missing (game/ must be a package)"
grep -q '^# /// script' "$ROOT/game/main.py" \
    || die "game/main.py has no PEP 723 '# /// script' block; pygbag installs packages from it"
grep -Eq '^[[:space:]]*(import numpy|from numpy)' "$ROOT/game/main.py" \
    || die "game/main.py does not import numpy itself; pygbag only scans main.py for packages"
compgen -G "$ROOT/weights/*.npz" >/dev/null || die "no brain files in weights/*.npz"
for file in index.tmpl catmouse.js catmouse.css favicon.png; do
    [[ -f "$ROOT/web/$file" ]] || die "web/$file is missing"
done
if [[ $SERVE -eq 1 ]] && ! "$PYTHON" -c 'import http.server' 2>/dev/null; then
    die "$PYTHON has no http.server module for --serve"
fi

# ---- stage a copy of exactly what the browser needs ----
WORK="$(mktemp -d "${TMPDIR:-/tmp}/catmouse-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
STAGE="$WORK/$APP"
mkdir -p "$STAGE/game" "$STAGE/weights" "$STAGE/static"

cp "$ROOT/game/main.py" "$STAGE/main.py"
# Every module of game/ but the desktop's training tools: game/training/ and the command names that start them
# (a module importing game.training, such as game/training/train.py); main.py sits at the archive's root.
while IFS= read -r module; do
    case "$module" in
        game/main.py|game/training/*) continue ;;
    esac
    grep -Eq '^[[:space:]]*(from|import) game\.training' "$ROOT/$module" && continue
    mkdir -p "$STAGE/$(dirname "$module")"
    cp "$ROOT/$module" "$STAGE/$module"
done < <(cd "$ROOT" && find game -name '*.py' -not -path '*/__pycache__/*' | sort)
cp "$ROOT"/weights/*.npz "$STAGE/weights/"
# pygbag copies static/ next to index.html and leaves it out of the archive
cp "$ROOT/web/catmouse.js" "$ROOT/web/catmouse.css" "$STAGE/static/"
# the page protocol, from the one table in game/browser/protocol.py (web/catmouse.js builds the controls from it)
(cd "$ROOT" && "$PYTHON" -m game.browser.protocol >"$STAGE/static/protocol.js" 2>"$WORK/protocol.log") \
    || die "could not write the page protocol: $(tail -n 1 "$WORK/protocol.log")"

# ---- build (pygbag works in the stage; its log is shown only on failure) ----
LOG="$WORK/pygbag.log"
if ! (cd "$WORK" && "$PYTHON" -m pygbag --build \
        --template "$ROOT/web/index.tmpl" \
        --icon "$ROOT/web/favicon.png" \
        --cdn "$CDN" \
        --PYBUILD "$PYBUILD" \
        --title "Cat & Mouse" \
        "$STAGE") >"$LOG" 2>&1; then
    tail -n 30 "$LOG" >&2
    die "pygbag failed (log above)"
fi
BUILT="$STAGE/build/web"
# The page's loader reads the tarball, or the zip (.apk) on itch.io, as pygbag 0.9.3's own template does.
SITE_FILES=(index.html favicon.png "$APP.tar.gz" "$APP.apk" catmouse.js catmouse.css protocol.js)
for file in "${SITE_FILES[@]}"; do
    [[ -f "$BUILT/$file" ]] || { tail -n 30 "$LOG" >&2; die "pygbag did not produce $file (log above)"; }
done

rm -rf "$OUT"
mkdir -p "$OUT"
for file in "${SITE_FILES[@]}"; do
    cp "$BUILT/$file" "$OUT/"
done
apk_bytes="$(wc -c <"$OUT/$APP.apk" | tr -d ' ')"
tar_bytes="$(wc -c <"$OUT/$APP.tar.gz" | tr -d ' ')"
echo "built $OUT ($APP.tar.gz: $tar_bytes bytes, $APP.apk: $apk_bytes bytes; runtime: CPython $PYBUILD from $CDN)"
# what a player downloads from the site, measured (docs/WEB.md shows this table; a test holds it to the build)
"$PYTHON" "$ROOT/web/site_sizes.py" "$OUT"

if [[ $ARCHIVE -eq 1 ]]; then
    ZIP="${OUT%/}.zip"
    rm -f "$ZIP"
    "$PYTHON" - "$OUT" "$ZIP" <<'PY'
import sys
import zipfile
from pathlib import Path

site, target = Path(sys.argv[1]), Path(sys.argv[2])
with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
    for path in sorted(site.iterdir()):
        if path.is_file():
            archive.write(path, path.name)  # itch.io wants index.html at the top level
PY
    echo "archive $ZIP ($(wc -c <"$ZIP" | tr -d ' ') bytes) - upload it to itch.io as an HTML game"
fi

if [[ $SERVE -eq 1 ]]; then
    echo "serving http://127.0.0.1:$PORT/ - open that address (Ctrl-C to stop)"
    rm -rf "$WORK"
    trap - EXIT
    exec "$PYTHON" -m http.server "$PORT" --bind 127.0.0.1 --directory "$OUT"
fi
