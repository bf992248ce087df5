"""The real page with the real game in WebAssembly, in headless Chromium (tests/web/real/real_page.mjs).

The site is the one ./build.sh makes; main.py's loop runs unmodified in CPython compiled to WebAssembly (npm's
Pyodide) with the numpy and pygame-ce wheels from ../shared/wasm; only pygbag's runtime script is swapped for
tests/web/real/boot.mjs. Two passes, as the wheels allow:
- Pyodide 0.27.7 (CPython 3.12) with numpy 2.0.2 and pygbag's own pygame-ce wheel, the ones players get:
  everything but the keyboard (that wheel's keyboard hook does not load in Pyodide 0.27.7);
- Pyodide 0.29.0 with its own numpy and pygame-ce: the keys, the diagonals and the on-screen pad.
Each prints its report (time to the first frame by stage, bytes served, frames per second idle and learning).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.web.test_page import CHROMIUM, HERE, ROOT, bundled_brains, cat_choices, missing_prerequisite

pytestmark = pytest.mark.slow  # runs the built page in Chromium

WASM = Path(os.environ.get("CATMOUSE_WASM_DIR", ROOT.parent / "shared" / "wasm"))
# CI sets this where ../shared/wasm is laid out: there a skip would hide a page nobody checked.
REQUIRED = os.environ.get("CATMOUSE_REQUIRE_REAL_PAGE") == "1"

PASSES = {
    "full": ("0.27.7", ["numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl",
                        "pygame_ce-2.5.7.dev1-cp312-cp312-wasm32_bi_emscripten.whl"]),
    "keys": ("0.29.0", ["numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl",
                        "pygame_ce-2.5.6.dev2-cp313-cp313-pyodide_2025_0_wasm32.whl"]),
}


def pinned_sums() -> dict[str, str]:
    sums = WASM / "SHA256SUMS"
    return dict(reversed(line.split()) for line in sums.read_text().splitlines() if line.strip())


def why_not() -> str | None:
    missing = missing_prerequisite()
    if missing:
        return missing
    if not (WASM / "SHA256SUMS").is_file():
        return f"{WASM} (the WebAssembly wheels, ../shared/wasm) is absent"
    for version, wheels in PASSES.values():
        if not (HERE / "node_modules" / f"pyodide-{version}" / "pyodide.mjs").is_file():
            return f"npm's pyodide@{version} is not in tests/web/node_modules (run `npm ci` in tests/web)"
        for wheel in wheels:
            if not (WASM / wheel).is_file():
                return f"{WASM / wheel} is absent"
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real") / "web"
    build = subprocess.run([str(ROOT / "build.sh"), "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    return out


@pytest.mark.parametrize("which", list(PASSES))
def test_the_real_game_in_the_real_page(which: str, site: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    reason = why_not()
    if reason is not None:
        if REQUIRED:
            pytest.fail(f"the real-page test must run here but cannot: {reason}")
        pytest.skip(reason)
    version, wheels = PASSES[which]
    sums = pinned_sums()
    for wheel in wheels:  # the boot checks them again in the browser, as a deployer's loader would
        assert hashlib.sha256((WASM / wheel).read_bytes()).hexdigest() == sums[wheel], f"{wheel}: sha256 differs"
    report = tmp_path / "report.json"
    shots = Path(os.environ.get("CATMOUSE_SHOTS", tmp_path))
    command = ["node", str(HERE / "real" / "real_page.mjs"), str(site), "--pass", which, "--version", version,
               "--pyodide", str(HERE / "node_modules" / f"pyodide-{version}"),
               "--weights", str(ROOT / "weights"),
               "--brains", ",".join(bundled_brains()), "--cats", ",".join(cat_choices()),
               "--report", str(report), "--shots", str(shots)]
    for wheel in wheels:
        command += ["--wheel", f"{WASM / wheel}:{sums[wheel]}"]
    run = subprocess.run(command, cwd=HERE, capture_output=True, text=True, timeout=900,
                         env=dict(os.environ, CHROMIUM=CHROMIUM))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "real-page checks passed" in run.stdout
    measured = json.loads(report.read_text())
    with capsys.disabled():  # the figures belong in the run's output: first frame by stage, bytes, frames a second
        print(f"\nreal page, {which} pass (Pyodide {version}): {json.dumps(measured)}")
    assert measured["first_frame"] is not None, "the page logged no first frame"
    assert measured["bytes"]["site"] > 0 and measured["bytes"]["wheels"] > 0
