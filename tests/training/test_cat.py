"""The cat's side: the cat's rollout (tasks.play_cat) against a one-round-at-a-time replay on the
arena, the cat's trainer, and the shipped cat brain against its targets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.arena import CAT_MOVES, Arena
from game.brain_np import LSTMBrain
from game.brains.tasks import CatTask, all_starts, cat_scores, play_cat
from game.world.cats import cat_moves
from game.world.teachers import pursuit, teacher_moves

WEIGHTS = Path(__file__).resolve().parents[2] / "weights"


def cells_from_features(x: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    scale = np.array([width - 1, height - 1, width - 1, height - 1])
    cells = np.rint(x * scale).astype(np.int32)
    return cells[..., :2], cells[..., 2:]


def small_mouse(seed: int = 3) -> LSTMBrain:
    return LSTMBrain(6, seed=seed)


def small_cat(seed: int = 1) -> LSTMBrain:
    return LSTMBrain(6, seed=seed, actions=tuple(f"m{k}" for k in range(8)), role="cat")


def replay(rounds, task: CatTask, i: int, mouse_brain: LSTMBrain | None) -> None:
    """Round i again on a one-round arena, with the moves the batched round recorded: every position the cat
    saw, every catch and the round's end must be the same, and each mouse's answer the one it gives alone."""
    W, H = task.width, task.height
    cat0, mouse0 = cells_from_features(rounds.x[0, i], W, H)
    arena = Arena(W, H, n=1, move_limit=task.move_limit)
    arena.reset(cat=cat0, mouse=mouse0)
    solved = pursuit(W, H)
    if mouse_brain is not None:
        mouse_brain.reset()
    kind = task.mice[i % len(task.mice)]
    count = 0
    for t in range(task.move_limit):
        assert rounds.mask[t, i] == (not arena.done[0])
        if arena.done[0]:
            break
        np.testing.assert_allclose(rounds.x[t, i], arena.observe()[0])
        assert rounds.teacher[t, i] == solved.cat_moves(arena.cat, arena.mouse)[0]
        # Value-optimal: the move's moves-to-catch (1 for landing on the mouse) is the position's par.
        landing = np.clip(arena.cat[0] + CAT_MOVES[rounds.moves[t, i]], 0, [W - 1, H - 1])
        if (landing == arena.mouse[0]).all():
            value = 1
        else:  # the best the mouse can do next: its longest par, 0 for stepping onto the cat
            fled = [np.clip(arena.mouse[0] + d, 0, [W - 1, H - 1]) for d in ((0, 1), (1, 0), (0, -1), (-1, 0))]
            value = 1 + max(0 if (cell == landing).all() else solved.start_par(landing[None], cell[None])[0]
                            for cell in fled)
        assert rounds.optimal[t, i] == (value == solved.start_par(arena.cat, arena.mouse)[0])
        arena.move_cat(np.array([rounds.moves[t, i]]))
        count += 1
        assert rounds.answered[t, i] == (not arena.done[0])
        if arena.done[0]:
            break
        answer = rounds.answers[t, i]
        if mouse_brain is not None:
            assert answer == mouse_brain.step(arena.observe()[0])
        elif kind != "random":
            assert answer == teacher_moves(kind, arena.cat, arena.mouse, W, H)[0]
        arena.move_mouse(np.array([answer]))
    assert rounds.caught[i] == arena.caught[0] and rounds.cat_moves[i] == count


@pytest.mark.parametrize("size", [(8, 8), (5, 7)], ids=["8x8", "5x7"])
@pytest.mark.parametrize("cat", ["brain", "perfect", "noisy", "random"])
def test_cat_rounds_follow_the_arenas_rules(size, cat):
    mouse = small_mouse()
    task = CatTask(*size, mice=("optimal", "mouse6", "random", "post"), brains={"mouse6": mouse})
    rounds = play_cat(task, 40, np.random.default_rng(5), small_cat() if cat == "brain" else None, cat)
    assert rounds.mask.sum() > 40
    for i in range(40):
        replay(rounds, task, i, mouse if task.mice[i % 4] == "mouse6" else None)


def test_a_brain_cat_moves_by_its_own_choice():
    brain = small_cat()
    task = CatTask(8, 8, mice=("optimal",))
    rounds = play_cat(task, 30, np.random.default_rng(2), brain)
    for i in range(30):
        brain.reset()
        for t in range(task.move_limit):
            if rounds.mask[t, i]:
                assert rounds.moves[t, i] == brain.step(rounds.x[t, i])
    assert rounds.trace is not None and rounds.trace.t == int(rounds.mask.any(axis=1).sum())


def test_moves_lost_add_up_to_the_moves_taken():
    """For every caught round: cat moves = the start's par + moves the cat lost - moves the mouse lost."""
    task = CatTask(8, 8, mice=("optimal", "random", "post"))
    for cat in ("perfect", "greedy", "noisy", "random"):
        r = play_cat(task, 600, np.random.default_rng(4), None, cat)
        caught = r.caught
        assert caught.any()
        np.testing.assert_array_equal(r.cat_moves[caught], (r.par + r.cat_lost - r.mouse_lost)[caught])
        assert (r.cat_lost >= 0).all() and (r.mouse_lost >= 0).all()


def test_the_perfect_cat_is_value_optimal_and_catches_the_optimal_mouse_in_par():
    for size in ((4, 4), (8, 8), (6, 9)):
        task = CatTask(*size, mice=("optimal",))
        r = cat_scores(None, task, "perfect")
        assert len(r.par) == size[0] * size[1] * (size[0] * size[1] - 1)
        assert r.value_optimal == 1.0 and r.caught.all() and (r.cat_lost == 0).all() and (r.mouse_lost == 0).all()
        np.testing.assert_array_equal(r.cat_moves, r.par)


def test_every_start_meets_every_mouse():
    task = CatTask(4, 4, mice=("optimal", "random"))
    r = cat_scores(None, task, "perfect")
    cat, mouse = all_starts(4, 4)
    got_cat, got_mouse = cells_from_features(r.x[0], 4, 4)
    np.testing.assert_array_equal(got_cat[0::2], cat)
    np.testing.assert_array_equal(got_mouse[1::2], mouse)


def test_a_cats_task_refuses_what_it_cannot_play():
    with pytest.raises(ValueError, match="unknown mouse 'lstm99'"):
        CatTask(8, 8, mice=("lstm99",))
    with pytest.raises(ValueError, match="role 'cat', not a mouse's"):
        CatTask(8, 8, mice=("c",), brains={"c": small_cat()})
    with pytest.raises(ValueError, match="unknown cat 'tiger'"):
        play_cat(CatTask(), 2, np.random.default_rng(0), None, "tiger")
    assert cat_moves("perfect", np.array([[0, 0]]), np.array([[1, 1]]), 8, 8, np.random.default_rng(0))[0] == 1


# -- the cat's trainer -------------------------------------------------------------------------------------------


@pytest.mark.slow  # a training run
def test_a_short_cat_run_learns_value_optimal_moves():
    """10,000 games on 6×6 take the untrained cat from about 6 % value-optimal moves (every start, against the
    optimal and a random mouse) to at least 98 %: a gain of 0.9 or more."""
    from game.training.trainers import cat_brain, train_cat_lstm

    task = CatTask(6, 6, mice=("optimal", "random"))
    curve = train_cat_lstm(cat_brain(16, seed=0), task, games=10_000, eval_every=10_000)
    first, last = curve[0], curve[-1]
    assert last.games == 10_000 and first.agreement < 0.2 and last.agreement >= 0.98
    assert last.agreement - first.agreement >= 0.9
    assert last.exhaustive_mistakes < first.exhaustive_mistakes and last.mistakes_per_game is None


@pytest.mark.slow  # a training run
def test_a_seeded_cat_run_repeats_and_refuses_a_mouse():
    from game.training.trainers import cat_brain, train_cat_lstm

    task = CatTask(5, 5, mice=("optimal", "mouse6"), brains={"mouse6": small_mouse()})
    one, two = cat_brain(8, seed=1), cat_brain(8, seed=1)
    train_cat_lstm(one, task, games=600, seed=4)
    train_cat_lstm(two, task, games=600, seed=4)
    np.testing.assert_array_equal(one.theta, two.theta)
    with pytest.raises(ValueError, match="needs a cat's brain with 8 moves, not a mouse's with 4"):
        train_cat_lstm(LSTMBrain(8), task, games=10)


# -- the shipped cat brain and the tournament --------------------------------------------------------------------


@pytest.mark.slow  # a training run
def test_the_shipped_cat_brain_meets_its_targets():
    """weights/cat_lstm32.npz, from every start of 8×8 against the optimal mouse, each shipped mouse brain and a
    random mouse: ≥ 99.5 % value-optimal moves against the optimal mouse, every round caught within the move
    limit, and mean moves to catch within 2 % of the perfect cat's against each mouse."""
    from game.brains.brainfile import load_brain
    from game.training.tournament import players, targets, tournament

    cat_brains, mouse_brains = players(WEIGHTS)
    assert "cat_lstm32" in cat_brains and len(mouse_brains) >= 3
    brain = load_brain(WEIGHTS / "cat_lstm32.npz", role="cat")
    assert brain.meta["grid_sizes"] == [[8, 8]] and brain.meta["teacher"] == "perfect"
    assert set(brain.meta["task"]["mice"]) >= {"optimal", "random", *mouse_brains}  # trained against them all
    results = [m for m in tournament({"cat_lstm32": brain}, mouse_brains) if m.cat in ("perfect", "cat_lstm32")]
    assert targets(results, "cat_lstm32") == {"value_optimal": True, "catches_all": True, "moves": True}
    mine = {m.mouse: m for m in results if m.cat == "cat_lstm32"}
    assert mine["optimal"].value_optimal >= 0.995 and mine["optimal"].rounds == 64 * 63
    assert all(m.caught == 1.0 for m in mine.values())


def test_the_tournament_scores_scripted_players_against_the_solved_game():
    from game.training.tournament import tournament

    results = {(m.cat, m.mouse): m for m in tournament({}, {"mouse6": small_mouse()}, 6, 6)}
    assert {cat for cat, _ in results} == {"perfect", "greedy", "noisy", "random"}
    assert {mouse for _, mouse in results} == {"optimal", "mouse6", "random"}
    perfect = results["perfect", "optimal"]  # the solved game itself: nobody loses a move
    solved = pursuit(6, 6)
    cat, mouse = all_starts(6, 6)
    assert perfect.rounds == 36 * 35 and perfect.caught == 1.0 and perfect.value_optimal == 1.0
    assert perfect.cat_lost == 0 and perfect.mouse_lost == 0
    assert perfect.moves == pytest.approx(solved.start_par(cat, mouse).mean()) == pytest.approx(perfect.par)
    # Against the perfect cat only the mouse can lose moves, and every one it loses shortens the round.
    for mouse in ("random", "mouse6"):
        m = results["perfect", mouse]
        assert m.cat_lost == 0 and m.mouse_lost > 0 and m.caught == 1.0
        assert m.moves == pytest.approx(m.par - m.mouse_lost)
    # The noisy cat slips a quarter of its moves: it loses moves to the optimal mouse, which loses none.
    noisy = results["noisy", "optimal"]
    assert noisy.cat_lost > 0 and noisy.mouse_lost == 0 and noisy.moves > perfect.moves
    assert 0.7 < noisy.value_optimal < 0.9
    random_cat = results["random", "optimal"]
    assert random_cat.caught < 0.2 and random_cat.value_optimal < 0.5


def test_the_tournament_command_prints_the_table(tmp_path, capsys):
    from game.brains.brainfile import save_brain
    from game.training.tournament import main
    from game.training.trainers import cat_brain, train_cat_lstm

    brain = cat_brain(8, seed=0)
    train_cat_lstm(brain, CatTask(4, 4, mice=("optimal",)), games=3000)
    save_brain(brain, tmp_path / "cat8.npz", {"grid_sizes": [[4, 4]]})
    save_brain(small_mouse(), tmp_path / "mouse6.npz", {"grid_sizes": [[4, 4]]})
    assert main(["--weights", str(tmp_path), "--size", "4"]) == 0
    out = capsys.readouterr().out
    assert "4×4, every start (240) against each mouse" in out
    assert "| perfect | optimal | 100.00% |" in out and "| cat8 | mouse6 |" in out and "| random | random |" in out
    assert out.count("\n| ") == 1 + 5 * 3  # a header and one row per cat and mouse (the separator starts "|-")
    assert "cat8: value_optimal" in out
    with pytest.raises(SystemExit):
        main(["--size", "3"])
    assert "arena width 3 is not a whole number from 4 to 16" in capsys.readouterr().err


def test_the_tournament_refuses_bad_arguments_and_work_that_would_not_fit_in_one_line(tmp_path, capsys,
                                                                                     monkeypatch):
    from game.brains import tasks
    from game.training.tournament import main

    for argv, problem in ((["--move-limit", "abc"], "argument --move-limit: 'abc' is not a whole number"),
                          (["--weights", str(tmp_path / "nowhere")], "nowhere: is not a folder")):
        with pytest.raises(SystemExit):
            main(argv)
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and problem in err, err
    monkeypatch.setattr(tasks, "memory_limit", lambda: 3 * 2**30)  # a 3 GiB cap
    monkeypatch.setattr(tasks, "play_cat", lambda *a, **k: pytest.fail("played before the memory check"))
    with pytest.raises(SystemExit):
        main(["--size", "16"])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "16×16: every start (65,280)" in err and "GiB this process may use" in err, err
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.undo()
    assert main(["--weights", str(empty), "--size", "4", "--move-limit", "3"]) == 0
    assert "no brain files in" in capsys.readouterr().err


def test_the_memory_estimate_counts_every_round_and_trace_and_fits_the_sizes_that_run():
    from game.brains.tasks import ROUND_STEP_BYTES, cat_scores_bytes, trace_bytes

    task = CatTask(16, 16, ("optimal", "mouse", "random"), 40, brains={"mouse": small_mouse()})
    starts, steps = 256 * 255, 41
    assert cat_scores_bytes(task, 32) == steps * starts * (3 * (ROUND_STEP_BYTES + trace_bytes(32))
                                                           + trace_bytes(small_mouse().hidden_size))
    assert cat_scores_bytes(task, 32) > 3 * 2**30 > cat_scores_bytes(CatTask(8, 8, task.mice, 40, task.brains), 32)


def test_a_cats_training_refuses_the_mouses_options_and_a_size_that_would_not_fit(capsys, monkeypatch):
    from game.brains import tasks
    from game.training.train import main

    monkeypatch.setattr(tasks, "memory_limit", lambda: 3 * 2**30)
    for argv, problem in ((["--sight", "fog"], "--sight fog is the mouse's; a cat sees the whole board"),
                          (["--teacher", "optimal"], "--teacher optimal is the mouse's; a cat imitates the perfect"),
                          (["--size", "16"], "16×16: every start (65,280) against 2 mice")):
        with pytest.raises(SystemExit):
            main(["--role", "cat", "--games", "10", "--quiet", *argv])
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and problem in err, err
