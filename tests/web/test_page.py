"""The page's own controls in headless Chromium (tests/web/page_test.mjs), against a fresh build.

pygbag's runtime is replaced by tests/web/standin.js, which behaves as 0.9.3's pythons.js where the page
depends on it and replays what the real loader (the Python in index.html) calls on the page, recorded here
by running that loader against tests/fake_pygbag.py. The stand-in records what the page tells the game.
Needs node, the system Chromium and `npm ci` in tests/web (.ci/web-setup.sh installs them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.prerequisites import pygbag_missing

pytestmark = pytest.mark.slow  # runs the pygbag build and the page in node

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FAKE = ROOT / "tests" / "fake_pygbag.py"
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
    return pygbag_missing()


def loader_calls(site: Path, work: Path) -> Path:
    """Run the built page's loader on the fake 0.9.3 runtime; write its calls on window.catmouse as JSON."""
    work.mkdir()
    record = work / "record.jsonl"
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    run = subprocess.run(
        [sys.executable, str(FAKE), str(site / "index.html"), str(site), "http://127.0.0.1:8000/",
         str(work / "data"), str(record)],
        cwd=work, env=env, capture_output=True, text=True, timeout=30,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    events = [json.loads(line) for line in record.read_text().splitlines()]
    calls = [[e["method"], *e["args"]] for e in events if e["event"] == "page"]
    assert calls, "the loader told the page nothing"
    (work / "calls.json").write_text(json.dumps(calls))
    return work / "calls.json"


def bundled_brains() -> list[str]:
    """The brains the real game offers the page (its own list: cat, fog and flicker brains are not mice here)."""
    from game.play.app import Game

    return [path.name for path in Game(ROOT / "weights", seed=1).library.brain_files()]


def cat_choices() -> list[str]:
    """Who the real game's cat picker offers: you, the scripted cats, the cat brains in weights/."""
    from game.browser.protocol import page_status
    from game.play.app import Game

    return page_status(Game(ROOT / "weights", seed=1))["cats"]


def tuned_status(work: Path) -> Path:
    """What the real game sends the page once a brain it tuned is loaded again: a few live learning updates
    of lstm32_optimal against the greedy cat, saved as a file (as the page's download does), uploaded."""
    from game.browser import web
    from game.browser.protocol import page_status
    from game.play.app import Game

    game = Game(ROOT / "weights", seed=1, watch="greedy")
    game.set_watch_speed(2)
    game.set_learning(True)
    for _ in range(3000):
        if game.library.tuned_updates >= 8:
            break
        game.update(1 / 60)
    assert game.library.tuned_updates >= 8, "the game made no learning updates to tune the brain"
    name, data = game.export_brain()
    assert game.load_brain_bytes(name, data), game.message
    path = work / "tuned-status.json"
    path.write_text(json.dumps(web.jsonable(page_status(game))))
    return path


@pytest.mark.skipif(missing_prerequisite() is not None, reason=str(missing_prerequisite()))
def test_page_controls_in_headless_chromium(tmp_path: Path) -> None:
    site = tmp_path / "web"
    build = subprocess.run(
        [str(ROOT / "build.sh"), "--out", str(site)], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert build.returncode == 0, build.stdout + build.stderr
    calls = loader_calls(site, tmp_path / "start")
    bare = tmp_path / "bare"  # the page without its archives: the loader's failure
    bare.mkdir()
    shutil.copy(site / "index.html", bare)
    failed = loader_calls(bare, tmp_path / "failed")
    shot = tmp_path / "page.png"
    run = subprocess.run(
        ["node", str(HERE / "page_test.mjs"), str(site), "--weights", str(ROOT / "weights"), "--screenshot", str(shot),
         "--loader-calls", str(calls), "--failed-loader-calls", str(failed),
         "--tuned-status", str(tuned_status(tmp_path)), "--sent", str(tmp_path / "sent.json"),
         "--brains", ",".join(bundled_brains()), "--cats", ",".join(cat_choices())],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "page checks passed" in run.stdout
    assert shot.stat().st_size > 10_000
    # every message the page sent, from every control it has, is one the game's own parser accepts
    from game.browser import web

    commands = json.loads((tmp_path / "sent.json").read_text())
    for command in commands:
        web.parse_command(command)
    assert {c["type"] for c in commands} == set(web.COMMAND_FIELDS), "a command the page test never sent"
