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
# A brain with something to learn: the default brain plays as its teacher does, so its sessions end unchanged.
# lstm16_post learns the post's teacher in 6 rounds and plays better for it (value-optimal and survival up).
LEARNS = ["--brain", str(ROOT / "weights" / "lstm16_post.npz"), "--teacher", "post"]


def session(argv: list[str], capsys) -> tuple[int, str, str]:
    status = game_main.practice_session(game_main.parse_args(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_a_session_learns_prints_before_and_after_and_saves_a_tuned_brain(tmp_path, capsys):
    out_path = tmp_path / "out.npz"
    status, out, _ = session(["--headless", "--watch", "clumsy", "--learn", "--rounds", "6", "--seed", "3", *LEARNS,
                              "--json", "--save-brain", str(out_path)], capsys)
    assert status == 0
    result = json.loads(out)
    assert result["rounds"] == 6 and result["updates"] > 0 and result["saved"] == str(out_path)
    # it plays better, not worse: value-optimal moves, survival beside the teacher's
    assert result["value_optimal_after"] > result["value_optimal_before"]
    for cat, share in result["survival_share_after"].items():
        assert share >= result["survival_share_before"][cat], cat
    saved = brainfile.load_brain(out_path)
    meta = saved.meta
    assert meta["tuned"] == f"tuned from lstm16_post · {result['updates']:,} updates · post teacher"
    assert meta["fine_tuned_from"] == "lstm16_post.npz" and meta["fine_tune_updates"] == result["updates"]
    assert 0.9 < meta["tuned_heldout_agreement"] <= 1.0 and 0.99 < meta["tuned_heldout_value_optimal"] <= 1.0
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
    assert re.search(r"the session took \d+\.\d s of CPU time \(\d+\.\d s wall\)", done.stdout), done.stdout
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
    status, _, err = session(["--headless", "--watch", "clumsy", "--learn", "--rounds", "6", "--seed", "3", *LEARNS,
                              "--save-brain", str(target)], capsys)
    assert status == 1 and err.count("\n") == 1 and err.startswith("main.py: error: ")
    assert err.count(str(blocker)) == 1, err  # the file named once, not the error wrapped in itself
    with pytest.raises(SystemExit):
        game_main.parse_args(["--headless", "--watch", "greedy", "--save-brain", ""])
    assert "--save-brain needs a file name" in capsys.readouterr().err


def test_a_session_whose_every_change_was_rolled_back_saves_nothing_and_says_unchanged(tmp_path, capsys,
                                                                                      monkeypatch):
    """The end of the session keeps the weights it started with (as the safety net does when nothing learned
    played better): no file is written, the report and the game's line say the brain is unchanged."""
    from game.brains.learner import Learner, put_weights

    real_settle = Learner.settle

    def back_to_the_start(self):
        real_settle(self)
        put_weights(self.brain, self.started)
        return self.heldout

    monkeypatch.setattr(Learner, "settle", back_to_the_start)
    out_path = tmp_path / "out.npz"
    status, out, _ = session(["--headless", "--watch", "greedy", "--learn", "--rounds", "2", "--seed", "1",
                              "--save-brain", str(out_path)], capsys)
    assert status == 0 and not out_path.exists()
    assert "the brain is unchanged (no learning update was kept): nothing saved" in out
    assert "unchanged: " in out and "none kept" in out and "tuned from" not in out


def test_a_saved_session_records_the_play_figures_measured_after(tmp_path, capsys):
    out_path = tmp_path / "out.npz"
    status, out, _ = session(["--headless", "--watch", "clumsy", "--learn", "--rounds", "6", "--seed", "3", *LEARNS,
                              "--json", "--save-brain", str(out_path)], capsys)
    result = json.loads(out)
    meta = brainfile.load_brain(out_path).meta
    assert status == 0 and result["saved"] == str(out_path)
    assert meta["tuned_heldout_value_optimal"] == round(result["value_optimal_after"], 4)
    assert meta["tuned_heldout_agreement"] == round(result["heldout_after"], 4)


def test_a_session_without_a_window_counts_work_not_time(capsys):
    """The same seed and brain give the same session whatever the machine: every update each round earned is
    made (36 a round at learning speed 3), and the figures after are the same in two runs."""
    argv = ["--headless", "--watch", "noisy", "--learn", "--rounds", "3", "--seed", "5", "--json"]
    first = json.loads(session(argv, capsys)[1])
    second = json.loads(session(argv, capsys)[1])
    assert first["updates"] == second["updates"] == 3 * 36
    for key in ("heldout_after", "value_optimal_after", "survival_share_after", "fallbacks"):
        assert first[key] == second[key], key
    assert first["frames_budget"] is False and first["budget_ms"] is None and first["cpu_seconds"] > 0


def test_the_game_calls_a_brain_tuned_only_when_its_weights_changed(tmp_path):
    from game.play.app import Game

    game = Game(ROOT / "weights", tmp_path, seed=1)
    game.library.tuned_updates = 40  # updates made, none kept: the weights are the shipped ones
    assert game.library.tuned_line("optimal") == "unchanged: 40 updates, none kept"
    copy = brainfile.load_brain(game.save_brain())  # asked for, a copy is saved, and says what it is
    assert copy.meta["tuned"] == "unchanged: 40 updates, none kept"
    assert copy.meta["fine_tune_updates"] == 0
    game.library.brain.theta[0] += 0.5
    game.library.brain.changed()
    assert game.library.tuned_line("optimal") == "tuned from lstm32_optimal · 40 updates · optimal teacher"
    assert brainfile.load_brain(game.save_brain()).meta["fine_tune_updates"] == 40


@pytest.mark.slow  # a 30-round session under fog
def test_a_session_that_only_reshuffles_equal_moves_keeps_them_only_if_the_noisy_cat_gains_nothing(tmp_path, capsys):
    """The fog brain's moves are all value-optimal already, so learning can only move it among moves of equal
    guaranteed survival; a slipping cat tells them apart. Before the noisy cat joined the end's guard this session
    saved weights that survived 8.4807 moves against it from every start where the start survived 8.4838 (the
    guard's dice), and the 500-round report showed a third of a point lost."""
    from game.brains import tasks
    from game.brains.learner import GUARD_CATS, GUARD_SEED

    out_path = tmp_path / "fog.npz"
    status, out, _ = session(["--headless", "--watch", "perfect", "--learn", "--rounds", "30", "--seed", "1",
                              "--sight", "fog", "--json", "--save-brain", str(out_path)], capsys)
    assert status == 0
    result = json.loads(out)
    task = tasks.chase_task(8, 8, GUARD_CATS, 40, sight="fog")
    start = brainfile.load_brain(ROOT / "weights" / "lstm32_fog.npz", sight="fog")
    ended = brainfile.load_brain(out_path, sight="fog") if result["saved"] else start
    before = tasks.survival_everywhere(task, start, seed=GUARD_SEED)
    after = tasks.survival_everywhere(task, ended, seed=GUARD_SEED)
    assert all(after[cat] >= before[cat] for cat in GUARD_CATS), (before, after)
    assert result["value_optimal_after"] >= result["value_optimal_before"]
