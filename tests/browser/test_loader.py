"""The page's loader (the Python in the built index.html) run natively against a fake of pygbag 0.9.3's runtime.

tests/fake_pygbag.py is that fake, written from 0.9.3's own source; each run is a separate process, so a
loader that waits forever (as one that mounts through MM.prepare does on 0.9.3) fails on a time limit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.test_build import imported_game_modules
from tests.prerequisites import pygbag_missing

pytestmark = pytest.mark.slow  # runs the pygbag build

ROOT = Path(__file__).resolve().parents[2]
FAKE = Path(__file__).resolve().parents[1] / "fake_pygbag.py"
HANDOVER_SECONDS = 5.0  # main.py must reach the runtime's shell this soon after the loader starts
RUN_LIMIT_SECONDS = 20
STAGE_LIST = ROOT / "web" / "catmouse.js"


missing_prerequisite = pygbag_missing


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = missing_prerequisite()
    if missing:
        pytest.skip(missing)
    out = tmp_path_factory.mktemp("loader-site") / "web"
    result = subprocess.run(
        [str(ROOT / "build.sh"), "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def start(site: Path, url: str, tmp_path: Path, *flags: str) -> list[dict]:
    """One start of the loader on the fake runtime, as the page at `url`; returns what it recorded."""
    record = tmp_path / "record.jsonl"
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    command = [sys.executable, str(FAKE), str(site / "index.html"), str(site), url, str(tmp_path / "data"),
               str(record), *flags]
    try:
        run = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=RUN_LIMIT_SECONDS)
    except subprocess.TimeoutExpired:
        events = read(record)
        pytest.fail(f"the loader was still running after {RUN_LIMIT_SECONDS} s; it got as far as: "
                    + json.dumps(events[-3:]))
    assert run.returncode == 0, run.stdout + run.stderr
    return read(record)


def read(record: Path) -> list[dict]:
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text().splitlines()]


def game_modules_needed() -> set[str]:
    """Every module of game/ that main.py needs, following imports from module to module (paths inside game/)."""
    wanted: set[str] = set()
    todo = sorted(imported_game_modules((ROOT / "game" / "main.py").read_text(encoding="utf-8"), ""))
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        todo.extend(imported_game_modules((ROOT / "game" / name).read_text(encoding="utf-8"), name))
    return wanted


def only(events: list[dict], name: str) -> list[dict]:
    return [e for e in events if e["event"] == name]


def page_calls(events: list[dict]) -> list[tuple[str, str]]:
    return [(e["method"], e["args"][0]) for e in only(events, "page")]


def assert_started(events: list[dict], data: Path) -> None:
    assets = data / "catmouse" / "assets"
    assert (assets / "main.py").read_bytes() == (ROOT / "game" / "main.py").read_bytes()
    for name in sorted(game_modules_needed() | {"__init__.py", "browser/web.py"}):
        shipped = assets / "game" / name
        assert shipped.is_file(), f"game/{name} was not extracted"
        assert shipped.read_bytes() == (ROOT / "game" / name).read_bytes()
    brains = sorted(p.name for p in (ROOT / "weights").glob("*.npz"))
    assert sorted(p.name for p in (assets / "weights").glob("*.npz")) == brains
    for name in brains:
        assert (assets / "weights" / name).read_bytes() == (ROOT / "weights" / name).read_bytes()

    runs = only(events, "run_main")
    assert [r["loaderhome"] for r in runs] == [str(assets)] and runs[0]["is_dir"], runs
    assert not only(events, "shell.runpy"), "main.py must go through shell.source (runpy leaves the REPL on)"
    handed = only(events, "shell.source")
    assert len(handed) == 1, events
    source = handed[0]
    assert source["path"] == str(assets / "main.py") and source["exists"]
    assert source["main_file"] == str(assets / "main.py"), "__main__.__file__ must be main.py before it runs"
    assert source["installs"] == ["numpy"]
    assert source["t"] < HANDOVER_SECONDS, f"main.py reached the runtime only after {source['t']} s"
    # the runtime's shell was started before main.py was handed over, after the preloader unlocked
    order = [e["event"] for e in events if e["event"] in ("run_main", "start_toplevel", "shell.source")]
    assert order == ["run_main", "start_toplevel", "shell.source"]


def assert_stages(events: list[dict], last: str = "game") -> None:
    """The page hears each stage in the order the page lists them, and nothing it does not know."""
    known = stage_names()
    calls = page_calls(events)
    assert all(method in ("loading", "failed") for method, _ in calls), calls
    seen = [stage for _, stage in calls]
    assert set(seen) <= set(known), (seen, known)
    assert seen == sorted(seen, key=known.index), seen
    assert seen[-1] == last


def stage_names() -> list[str]:
    """The stage ids web/catmouse.js shows, in order (its STAGES list)."""
    text = STAGE_LIST.read_text(encoding="utf-8")
    block = text[text.index("const STAGES = ["):]
    block = block[: block.index("];")]
    return [line.split('id: "')[1].split('"')[0] for line in block.splitlines() if 'id: "' in line]


@pytest.mark.parametrize(
    ("url", "archive"),
    [
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/catmouse.tar.gz"),
        ("https://someone.github.io/catmouse/", "https://someone.github.io/catmouse/catmouse.tar.gz"),
        ("https://html-classic.itch.zone/html/12345678/index.html",
         "https://html-classic.itch.zone/html/12345678/catmouse.apk"),
    ],
    ids=["local-server", "github-pages", "itch.io"],
)
def test_loader_starts_the_game(site: Path, tmp_path: Path, url: str, archive: str) -> None:
    events = start(site, url, tmp_path)
    assert [e["url"] for e in only(events, "fopen")] == [archive]
    assert not only(events, "MM.prepare"), "0.9.3 mounts nothing: a mount through MM.prepare never becomes ready"
    assert_started(events, tmp_path / "data")
    assert_stages(events)
    assert "runtime" in stage_names() and stage_names()[-1] == "game"


def test_loader_falls_back_to_the_other_archive(site: Path, tmp_path: Path) -> None:
    partial = tmp_path / "site"
    shutil.copytree(site, partial)
    (partial / "catmouse.tar.gz").unlink()  # e.g. a host that dropped or mangled the tarball
    events = start(partial, "https://someone.github.io/catmouse/", tmp_path)
    assert [(e["url"].rsplit("/", 1)[1], e["found"]) for e in only(events, "fopen")] == [
        ("catmouse.tar.gz", False), ("catmouse.apk", True)]
    assert_started(events, tmp_path / "data")


def test_no_archive_tells_the_page_which_stage_failed(site: Path, tmp_path: Path) -> None:
    bare = tmp_path / "site"
    bare.mkdir()
    shutil.copy(site / "index.html", bare)
    events = start(bare, "http://127.0.0.1:8000/", tmp_path)
    assert not only(events, "shell.source") and not only(events, "run_main")
    failed = [e["args"] for e in only(events, "page") if e["method"] == "failed"]
    assert len(failed) == 1 and failed[0][0] == "archive", events
    assert "catmouse.tar.gz" in failed[0][1] and "catmouse.apk" in failed[0][1]
    assert_stages(events, last="archive")


def test_packages_that_never_came_tell_the_page(site: Path, tmp_path: Path) -> None:
    events = start(site, "http://127.0.0.1:8000/", tmp_path, "--cdn-down")
    assert len(only(events, "shell.source")) == 1
    failed = [e["args"] for e in only(events, "page") if e["method"] == "failed"]
    assert failed == [["packages", "numpy, pygame could not be installed from pygbag's CDN"]], events
    assert_stages(events, last="packages")
