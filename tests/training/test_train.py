"""The trainer: its command line, reproducibility, that training teaches, brain files and curves it writes,
and that the post's faithful reconstruction follows the post's own loop."""

from __future__ import annotations

import csv
import dataclasses
import subprocess
import sys

import numpy as np
import pytest

from game.arena import CAT_MOVE_NAMES
from game.brain_np import LSTMBrain, PostBrain
from game.brains.brainfile import load_brain, save_brain
from game.brains.tasks import SEED_TASK, chase_task, mistakes_per_game
from game.training.reports import CURVE_COLUMNS, read_curve
from game.training.train import main
from game.training.trainers import TRAINERS, Progress, train_lstm, train_post

pytestmark = pytest.mark.slow  # training runs


def test_help_from_the_command_line() -> None:
    done = subprocess.run([sys.executable, "-m", "game.train", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "--task" in done.stdout and "--out" in done.stdout and "--seconds" in done.stdout


@pytest.mark.parametrize(
    "argv, named",
    [
        (["--hidden", "x", "--games", "5"], "--hidden"),
        (["--games", "-3"], "--games"),
        (["--cats", "perfect,tiger", "--task", "chase", "--games", "5"], "tiger"),
        (["--size", "99", "--task", "chase", "--games", "5"], "width"),
        (["--size", "8x8x8", "--task", "chase", "--games", "5"], "not N, WxH or W×H"),
        (["--arch", "post", "--task", "chase", "--games", "5"], "seed task"),
        (["--task", "seed"], "--games"),
    ],
)
def test_bad_argument_is_one_line(argv: list[str], named: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err


def run(seed: int, games: int = 640) -> tuple[LSTMBrain, list[Progress]]:
    brain = LSTMBrain(8, seed=seed)
    return brain, train_lstm(brain, SEED_TASK, games=games, seed=seed, eval_every=320)


def test_seeded_run_repeats_bit_for_bit() -> None:
    first, curve_a = run(seed=3)
    second, curve_b = run(seed=3)
    assert first.theta.tobytes() == second.theta.tobytes()
    assert len(curve_a) == len(curve_b) == 3
    for a, b in zip(curve_a, curve_b, strict=True):
        assert (a.games, a.mistakes_per_game, a.exhaustive_mistakes) == (b.games, b.mistakes_per_game,
                                                                         b.exhaustive_mistakes)
        assert repr(a.loss) == repr(b.loss)  # the first point has no loss yet (nan)
    other, _ = run(seed=4)
    assert other.theta.tobytes() != first.theta.tobytes()


def test_short_run_lowers_heldout_mistakes() -> None:
    brain = LSTMBrain(32, seed=0)
    curve = train_lstm(brain, SEED_TASK, games=3000, seed=0, eval_every=1500)
    assert curve[0].games == 0 and curve[-1].games == 3000
    assert curve[0].mistakes_per_game > 4.0  # an untrained mouse is mostly wrong
    assert curve[-1].mistakes_per_game < 1.5
    assert curve[-1].mistakes_per_game == mistakes_per_game(brain)  # the curve's figure is the held-out one
    assert all(b.seconds >= a.seconds for a, b in zip(curve, curve[1:], strict=False))


def test_stop_ends_training_early() -> None:
    brain = LSTMBrain(16, seed=0)
    curve = train_lstm(brain, SEED_TASK, games=50_000, eval_every=200, stop=lambda p: p.mistakes_per_game < 3.0)
    assert curve[-1].mistakes_per_game < 3.0 and curve[-1].games < 50_000


def test_chase_task_reports_agreement_only() -> None:
    brain = LSTMBrain(8, seed=0)
    curve = train_lstm(brain, chase_task(5, 5), games=64, eval_every=64)
    assert curve[-1].mistakes_per_game is None and curve[-1].exhaustive_mistakes is None
    assert 0.0 <= curve[-1].agreement <= 1.0


def test_unknown_hyperparameter_is_refused() -> None:
    with pytest.raises(ValueError, match="learning_rate"):
        train_lstm(LSTMBrain(4), SEED_TASK, games=10, learning_rate=0.1)


def test_cli_writes_brain_with_full_meta_and_curve(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mouse.npz"
    argv = ["--hidden", "8", "--games", "400", "--eval-every", "200", "--seed", "5", "--out", str(out), "--quiet"]
    assert main(argv) == 0
    brain = load_brain(out)
    assert isinstance(brain, LSTMBrain) and brain.hidden_size == 8
    meta = brain.meta
    assert meta["grid_sizes"] == [[6, 6]] and meta["teacher"] == "post" and meta["task"]["name"] == "seed"
    assert meta["training_games"] == 400 and meta["training_seconds"] > 0
    assert meta["heldout_mistakes_per_game"] == mistakes_per_game(brain)
    assert isinstance(meta["exhaustive_mistakes"], int) and 0 <= meta["agreement"] <= 1
    assert meta["command"].startswith("python -m game.train ") and "--seed 5" in meta["command"]
    assert out.stat().st_size < 20_000  # kilobytes
    with open(tmp_path / "mouse.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == CURVE_COLUMNS
    games = [int(r[0]) for r in rows[1:]]
    assert games[0] == 0 and games[-1] == 400 and len(games) == 3  # evaluated at the first update past 200
    assert (tmp_path / "mouse.png").read_bytes().startswith(b"\x89PNG")

    curve = read_curve(tmp_path / "mouse.csv")
    assert curve[-1].games == 400 and curve[-1].exhaustive_mistakes == meta["exhaustive_mistakes"]
    capsys.readouterr()
    assert main(["--table", str(out)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("| brain |") and table[2].startswith("| mouse.npz | lstm | 8 | post | seed |")

    before = out.read_bytes()
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "already exists" in err and err.count("\n") == 1
    assert out.read_bytes() == before  # refused: the brain is untouched
    assert main([*argv[:-1], "--seed", "6", "--force", "--quiet"]) == 0
    assert out.read_bytes() != before


# -- the post's faithful run, against a plain hand-run of the post's loop ------------------------------------


def teacher_by_hand(cx: int, cy: int, mx: int, my: int) -> float:
    """The post's teacher as SPEC words it, on the 6×6 grid, as the post's direction scalar."""
    up, right, down, left = 0.125, 0.375, 0.625, 0.875
    dx, dy = mx - cx, my - cy
    if dx >= 0:
        if dy > dx and my != 5:
            return up
        if -dy > dx and my != 0:
            return down
        if dy > 0 and mx == 5:
            return up
        if dy < 0 and mx == 5:
            return down
        return right
    if dy > -dx and my != 5:
        return up
    if -dy > -dx and my != 0:
        return down
    if dy >= 0 and mx == 0:
        return up
    if dy < 0 and mx == 0:
        return down
    return left


def post_loop_by_hand(hidden: int, games: int, seed: int = 0) -> tuple[list[np.ndarray], list[float]]:
    def sig(a):
        return 1 / (1 + np.exp(-a))

    np.random.seed(seed)
    s0 = 2 * np.random.random((4, hidden)) - 1
    s1 = 2 * np.random.random((hidden, 1)) - 1
    sh = 2 * np.random.random((hidden, hidden)) - 1
    smoothed, metrics = None, []
    for _ in range(games):
        cx, cy, mx, my = (np.random.randint(0, 6) for _ in range(4))
        xs, hs, deltas = [], [np.zeros((1, hidden))], []
        total = 0.0
        for _ in range(10):
            x = np.array([[cx / 5.0, cy / 5.0, mx / 5.0, my / 5.0]])
            h = sig(np.dot(x, s0) + np.dot(hs[-1], sh))
            y = sig(np.dot(h, s1))
            error = teacher_by_hand(cx, cy, mx, my) - y
            total += abs(float(error[0, 0]))
            xs.append(x)
            hs.append(h)
            deltas.append(error * y * (1 - y))
            out = float(y[0, 0])
            if out < 0.25:
                my += 1
            elif out < 0.5:
                mx += 1
            elif out < 0.75:
                my -= 1
            else:
                mx -= 1
            mx, my = min(max(mx, 0), 5), min(max(my, 0), 5)
        u0, u1, uh = np.zeros_like(s0), np.zeros_like(s1), np.zeros_like(sh)
        future = np.zeros((1, hidden))
        for t in reversed(range(10)):
            d1 = (future.dot(sh.T) + deltas[t].dot(s1.T)) * hs[t + 1] * (1 - hs[t + 1])
            u1 += hs[t + 1].T.dot(deltas[t])
            uh += hs[t].T.dot(d1)
            u0 += xs[t].T.dot(d1)
            future = d1
        s0 += 0.1 * u0
        s1 += 0.1 * u1
        sh += 0.1 * uh
        smoothed = total if smoothed is None else smoothed * 0.999 + 0.001 * total
        metrics.append(smoothed * 4)
    return [s0, sh, s1], metrics


def test_arch_post_and_post_rnn_name_one_trainer(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    """--arch post (the shipped brains' commands) and post_rnn (the brain files' name) train the same brain."""
    made = []
    for name in ("post", "post_rnn"):
        out = tmp_path / f"{name}.npz"
        assert main(["--arch", name, "--hidden", "4", "--games", "30", "--eval-every", "30", "--seed", "3",
                     "--out", str(out), "--no-plot", "--quiet"]) == 0
        made.append(load_brain(out))
    assert all(isinstance(b, PostBrain) and b.meta["training_recipe"]["optimizer"] == "sgd" for b in made)
    np.testing.assert_array_equal(made[0].theta, made[1].theta)
    assert made[0].meta["post_metric"] == made[1].meta["post_metric"]
    capsys.readouterr()


def test_faithful_post_run_follows_the_posts_loop() -> None:
    games = 25
    weights, metrics = post_loop_by_hand(16, games)
    brain = PostBrain(16, rng=np.random.default_rng(123))  # faithful mode redraws its weights
    curve = train_post(brain, SEED_TASK, games=games, faithful=True, eval_every=games)
    assert curve[-1].games == games
    assert curve[-1].loss == pytest.approx(metrics[-1], rel=1e-12)
    for mine, theirs in zip((brain.synapse_0, brain.synapse_h, brain.synapse_1), weights, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-14)


def test_post_training_is_seeded_and_learns() -> None:
    first = PostBrain(16, rng=np.random.default_rng(1))
    second = PostBrain(16, rng=np.random.default_rng(1))
    a = train_post(first, SEED_TASK, games=3000, seed=2, eval_every=3000)
    b = train_post(second, SEED_TASK, games=3000, seed=2, eval_every=3000)
    assert first.synapse_0.tobytes() == second.synapse_0.tobytes() and a[-1].loss == b[-1].loss
    assert a[-1].mistakes_per_game < a[0].mistakes_per_game - 1.0


# -- everything checked before training -------------------------------------------------------------------


def never_train(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every trainer fail the test if it is called (the arguments must be refused before training)."""
    for arch, trainer in TRAINERS.items():
        monkeypatch.setitem(TRAINERS, arch, dataclasses.replace(
            trainer, train=lambda *a, **k: pytest.fail("trained before checking")))


@pytest.mark.parametrize(
    "argv, named",
    [
        (["--hidden", "5000", "--games", "5"], "at most 128"),
        (["--hidden", "129", "--games", "5"], "at most 128"),
        (["--init-scale", "1e300", "--games", "5"], "--init-scale"),
        (["--init-scale", "nan", "--games", "5"], "--init-scale"),
        (["--lr", "inf", "--games", "5"], "--lr"),
        (["--task", "chase", "--move-limit", "100000000", "--games", "5"], "--move-limit"),
        (["--seed", str(2**32), "--games", "5"], "--seed"),
        (["--batch", "64", "--batch-max", "32", "--games", "5"], "larger than --batch-max"),
        (["--task", "chase", "--batch-max", "4096", "--move-limit", "1000", "--games", "5"], "GiB"),
        (["--stop-mistakes", "nan", "--games", "5"], "--stop-mistakes"),
        (["--focus", "nan", "--games", "5"], "--focus"),
    ],
)
def test_arguments_it_cannot_honour_are_one_line(argv: list[str], named: str, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    never_train(monkeypatch)
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err, err


@pytest.mark.parametrize("text, size", [("8", (8, 8)), ("7x5", (7, 5)), ("7×5", (7, 5))])
def test_size_is_read_by_the_arenas_one_parser(text: str, size: tuple[int, int]) -> None:
    from game.training.train import build_parser

    assert build_parser().parse_args(["--size", text]).size == size


def test_output_paths_are_checked_before_training(tmp_path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    never_train(monkeypatch)
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"x")
    (tmp_path / "dir.npz").mkdir()
    (tmp_path / "dir.csv").mkdir()
    cases = [
        (["--out", str(blocker / "mouse.npz")], "is not a folder"),  # its folder is a file
        (["--out", str(tmp_path / "dir.npz"), "--force"], "not a regular file"),
        (["--out", str(tmp_path / "mouse.npz"), "--curve", str(blocker / "curve")], "is not a folder"),
        (["--out", str(tmp_path / "mouse.npz"), "--curve", str(tmp_path / "dir")], "dir.csv: is a folder"),
        (["--out", str(tmp_path / "mouse.txt")], "ends in .npz"),
    ]
    for extra, words in cases:
        with pytest.raises(SystemExit) as exit_info:
            main(["--games", "5", "--quiet", *extra])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, (extra, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "dir.csv", "dir.npz"]  # nothing written


def test_a_brain_the_game_would_refuse_is_not_written(tmp_path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def poisoned(brain, task, **kwargs):
        curve = train_lstm(brain, task, **kwargs)
        brain.theta[0] = np.nan  # what a diverged run leaves
        brain.changed()
        return curve

    monkeypatch.setitem(TRAINERS, "lstm", dataclasses.replace(TRAINERS["lstm"], train=poisoned))
    out = tmp_path / "nan.npz"
    with pytest.raises(SystemExit) as exit_info:
        main(["--hidden", "4", "--games", "16", "--eval-every", "16", "--out", str(out), "--quiet", "--no-plot"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not written" in err and "NaN" in err
    assert not out.exists() and not (tmp_path / "nan.csv").exists()


def test_an_unwritable_curve_after_training_is_one_line(tmp_path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import game.training.train as train

    def fails(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(train, "write_curve", fails)
    out = tmp_path / "m.npz"
    with pytest.raises(SystemExit) as exit_info:
        main(["--hidden", "4", "--games", "16", "--eval-every", "16", "--out", str(out), "--quiet", "--no-plot"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the curve" in err and "No space left" in err
    assert load_brain(out).hidden_size == 4  # the brain was saved first and is whole


def test_cli_trains_a_cat_against_named_mice(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    """--role cat: a cat's brain file (role, the eight moves, the perfect cat as teacher, the mice it met)."""
    mouse = tmp_path / "mouse4.npz"
    save_brain(LSTMBrain(4, seed=0), mouse, {"grid_sizes": [[5, 5]]})
    out = tmp_path / "cat.npz"
    assert main(["--role", "cat", "--size", "5", "--mice", f"optimal,{mouse},random", "--hidden", "8",
                 "--games", "2000", "--quiet", "--no-plot", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "agreement:" in printed and "exhaustive_mistakes:" in printed
    brain = load_brain(out, role="cat")
    assert brain.role == "cat" and brain.actions == CAT_MOVE_NAMES and brain.hidden_size == 8
    meta = brain.meta
    assert meta["teacher"] == "perfect" and meta["grid_sizes"] == [[5, 5]] and meta["training_games"] == 2000
    assert meta["task"] == {"name": "pursuit", "width": 5, "height": 5, "move_limit": 40,
                            "mice": ["optimal", "mouse4", "random"], "catching": True}
    assert 0 <= meta["agreement"] <= 1 and meta["command"].startswith("python -m game.train --role cat")
    assert (tmp_path / "cat.csv").is_file()


@pytest.mark.parametrize("argv, named", [
    (["--role", "cat", "--mice", "nosuch", "--games", "10"], "--mice 'nosuch': no such mouse"),
    (["--role", "cat", "--arch", "post", "--games", "10"], "--arch post plays the mouse only"),
    (["--role", "cat", "--task", "chase", "--games", "10"], "--task is the mouse's"),
    (["--role", "dog", "--games", "10"], "--role: invalid choice: 'dog'"),
])
def test_cat_arguments_it_cannot_honour_are_one_line(argv: list[str], named: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    err = capsys.readouterr().err
    assert info.value.code == 2 and named in err and err.count("\n") == 1


def test_cli_refuses_a_cat_as_a_mouse_to_chase(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    cat = tmp_path / "cat.npz"
    save_brain(LSTMBrain(4, seed=0, actions=CAT_MOVE_NAMES, role="cat"), cat)
    with pytest.raises(SystemExit):
        main(["--role", "cat", "--mice", str(cat), "--games", "10"])
    err = capsys.readouterr().err
    assert f"{cat}: is a cat's brain (meta role 'cat'); a mouse's brain is needed here" in err
    assert err.count("\n") == 1


def test_training_continues_from_a_brain_file_and_refuses_one_of_another_shape(tmp_path, capsys) -> None:
    first, second = tmp_path / "first.npz", tmp_path / "second.npz"
    chase = ["--task", "chase", "--size", "6", "--cats", "perfect,greedy-king-random", "--hidden", "8", "--quiet",
             "--eval-every", "1000"]
    assert main([*chase, "--games", "300", "--seed", "1", "--out", str(first)]) == 0
    start = load_brain(first)
    assert main([*chase, "--games", "200", "--seed", "2", "--continue-from", str(first), "--out", str(second)]) == 0
    went_on = load_brain(second)
    assert went_on.meta["training_games"] == 500 and went_on.meta["task"]["cats"] == ["perfect", "greedy-king-random"]
    assert not np.array_equal(went_on.theta, start.theta)
    fresh = tmp_path / "fresh.npz"
    assert main([*chase, "--games", "200", "--seed", "2", "--out", str(fresh)]) == 0
    assert not np.array_equal(load_brain(fresh).theta, went_on.theta)  # it did start from the file's weights
    capsys.readouterr()
    with pytest.raises(SystemExit) as refused:
        main([*chase[:-5], "--hidden", "16", "--quiet", "--games", "10", "--continue-from", str(first),
              "--out", str(tmp_path / "x.npz")])
    assert "a lstm of 8 units" in str(refused.value) and "not the lstm of 16" in str(refused.value)
