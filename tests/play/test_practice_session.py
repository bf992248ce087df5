"""The headless practice session (`python game/main.py --headless ...`): what it prints, what it saves, and that it
never writes over a file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pytest  # noqa: E402

from game import main as game_main  # noqa: E402
from game.brains import brainfile  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def session(argv: list[str], capsys) -> tuple[int, str, str]:
    status = game_main.practice_session(game_main.parse_args(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_a_session_learns_prints_before_and_after_and_saves_a_tuned_brain(tmp_path, capsys):
    out_path = tmp_path / "out.npz"
    status, out, _ = session(["--headless", "--watch", "clumsy", "--learn", "--rounds", "6", "--seed", "3",
                              "--json", "--save-brain", str(out_path)], capsys)
    assert status == 0
    result = json.loads(out)
    assert result["rounds"] == 6 and result["updates"] > 0 and result["saved"] == str(out_path)
    # the default brain does not play worse: value-optimal moves, survival beside the teacher's
    assert result["value_optimal_after"] >= result["value_optimal_before"] - 0.002
    for cat, share in result["survival_share_after"].items():
        assert share >= result["survival_share_before"][cat] - 0.01, cat
    saved = brainfile.load_brain(out_path)
    meta = saved.meta
    assert meta["tuned"] == f"tuned from lstm32_optimal · {result['updates']:,} updates · optimal teacher"
    assert meta["fine_tuned_from"] == "lstm32_optimal.npz" and meta["fine_tune_updates"] == result["updates"]
    assert 0.9 < meta["tuned_heldout_agreement"] <= 1.0
    assert [p.name for p in tmp_path.iterdir()] == ["out.npz"]  # no temporary file left beside it


def test_a_session_never_writes_over_an_existing_file(tmp_path, capsys):
    taken = tmp_path / "taken.npz"
    taken.write_bytes(b"mine")
    status, _, err = session(["--headless", "--watch", "greedy", "--learn", "--rounds", "2",
                              "--save-brain", str(taken)], capsys)
    assert status == 2 and err.strip() == f"main.py: error: {taken}: already exists; not overwritten"
    assert taken.read_bytes() == b"mine"


def test_the_command_line_reports_in_words_and_help_documents_the_session():
    done = subprocess.run([sys.executable, str(ROOT / "game" / "main.py"), "--headless", "--watch", "perfect",
                           "--rounds", "2", "--seed", "1"], capture_output=True, text=True, check=True)
    same = re.search(r"held-out agreement \(2,000 rounds, four cats\): (\d+\.\d\d)% -> \1%", done.stdout)
    assert same, done.stdout  # no learning: the same figure before and after
    shown = subprocess.run([sys.executable, str(ROOT / "game" / "main.py"), "--help"], capture_output=True,
                           text=True, check=True).stdout
    for flag in ("--headless", "--learn", "--rounds", "--learn-speed", "--save-brain", "--json"):
        assert flag in shown
    bad = subprocess.run([sys.executable, str(ROOT / "game" / "main.py"), "--headless"], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "--watch CAT" in bad.stderr


def test_a_save_that_fails_is_one_line_naming_the_file_once_and_an_empty_name_is_refused(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"a file where a folder should be")
    target = blocker / "out.npz"
    status, _, err = session(["--headless", "--watch", "greedy", "--rounds", "1", "--save-brain", str(target)],
                             capsys)
    assert status == 1 and err.count("\n") == 1 and err.startswith("main.py: error: ")
    assert err.count(str(blocker)) == 1, err  # the file named once, not the error wrapped in itself
    with pytest.raises(SystemExit):
        game_main.parse_args(["--headless", "--watch", "greedy", "--save-brain", ""])
    assert "--save-brain needs a file name" in capsys.readouterr().err
