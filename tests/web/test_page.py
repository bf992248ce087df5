"""The page's own controls in headless Chromium (tests/web/page_test.mjs), against a fresh build.

pygbag's runtime is replaced by tests/web/standin.js, which records what the page tells the game.
Needs node, the system Chromium and `npm ci` in tests/web (.ci/web-setup.sh installs them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def missing_prerequisite() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs)"
    if not Path(CHROMIUM).is_file():
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)"
    if not (HERE / "node_modules" / "playwright-core").is_dir():
        return "tests/web/node_modules is missing (run `npm ci` in tests/web)"
    if not (ROOT / "game" / "main.py").is_file():
        return "game/main.py is not in the repository yet"
    if not list((ROOT / "weights").glob("*.npz")):
        return "weights/ holds no .npz brain yet"
    try:
        import pygbag
    except ImportError:
        return "pygbag==0.9.3 is not installed (pip install pygbag==0.9.3)"
    if pygbag.VERSION != "0.9.3":
        return f"pygbag {pygbag.VERSION} is installed, the build needs 0.9.3"
    return None


@pytest.mark.skipif(missing_prerequisite() is not None, reason=str(missing_prerequisite()))
def test_page_controls_in_headless_chromium(tmp_path: Path) -> None:
    site = tmp_path / "web"
    build = subprocess.run(
        [str(ROOT / "build.sh"), "--out", str(site)], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert build.returncode == 0, build.stdout + build.stderr
    shot = tmp_path / "page.png"
    run = subprocess.run(
        ["node", str(HERE / "page_test.mjs"), str(site), "--weights", str(ROOT / "weights"), "--screenshot", str(shot)],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "page checks passed" in run.stdout
    assert shot.stat().st_size > 10_000
