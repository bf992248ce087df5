"""The cat's side (issue 12): the cat's rollout (tasks.play_cat) against a one-round-at-a-time replay on the
arena, the cat's trainer, and the shipped cat brain against its targets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.arena import CAT_MOVES, Arena
from game.brain_np import LSTMBrain
from game.cats import cat_moves
from game.tasks import CatTask, all_starts, cat_scores, play_cat
from game.teachers import pursuit, teacher_moves

WEIGHTS = Path(__file__).resolve().parent.parent / "weights"


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
        else:
            value = 1 + max(0 if (np.clip(arena.mouse[0] + d, 0, [W - 1, H - 1]) == landing).all()
                            else solved.start_par(landing[None], np.clip(arena.mouse[0] + d, 0, [W - 1, H - 1])[None])[0]
                            for d in np.array([(0, 1), (1, 0), (0, -1), (-1, 0)]))
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
