"""Tasks and metrics (game/brains/tasks.py): on-policy rounds, mistakes per game, agreement, exhaustive mistakes and
survival, each checked against a plain one-round-at-a-time replay written here."""

from __future__ import annotations

import numpy as np
import pytest

from game.arena import MOUSE_MOVES, Arena
from game.brain_np import LSTMBrain, PostBrain, post_move
from game.brains.tasks import (
    HELDOUT_GAMES,
    SEED_TASK,
    Task,
    agreement,
    all_seed_starts,
    all_starts,
    chase_task,
    exhaustive_mistakes,
    heldout_rng,
    heldout_scores,
    mistakes_per_game,
    play,
    seed_task,
    survival,
    survival_everywhere,
)
from game.world.cats import CATS, cat_moves
from game.world.teachers import post_teacher, pursuit, teacher_moves


def cells_from_features(x: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    scale = np.array([width - 1, height - 1, width - 1, height - 1])
    cells = np.rint(x * scale).astype(np.int32)
    return cells[..., :2], cells[..., 2:]


def test_the_seed_task_is_the_posts():
    assert (SEED_TASK.width, SEED_TASK.height, SEED_TASK.move_limit, SEED_TASK.teacher) == (6, 6, 10, "post")
    assert SEED_TASK.cats == () and not SEED_TASK.catching
    arena = SEED_TASK.arena(3)
    assert not arena.catching and arena.move_limit == 10 and arena.n == 3
    chase = chase_task()
    assert (chase.width, chase.height, chase.move_limit, chase.teacher) == (8, 8, 40, "optimal")
    assert chase.cats == ("perfect", "greedy", "noisy", "random") and chase.catching


@pytest.mark.parametrize("task", [SEED_TASK, chase_task(6, 6), chase_task(8, 8), chase_task(5, 9, ("perfect",))],
                         ids=["seed", "chase6", "chase8", "chase5x9"])
def test_the_teacher_as_mouse_makes_no_mistakes(task):
    rounds = play(task, 300, np.random.default_rng(1), mouse="teacher")
    assert rounds.mistakes.shape == (300,) and (rounds.mistakes == 0).all()
    assert rounds.mask.sum() > 3 * 300  # plenty of steps were counted (a round may end before its first step)
    # The labels are the teacher's moves for the states in x, at every step that happened.
    cat, mouse = cells_from_features(rounds.x, task.width, task.height)
    for t in range(task.move_limit):
        live = rounds.mask[t]
        if live.any():
            expected = teacher_moves(task.teacher, cat[t, live], mouse[t, live], task.width, task.height)
            np.testing.assert_array_equal(rounds.teacher[t, live], expected)


def test_seed_task_rounds_last_ten_moves_and_the_mouse_moves_as_it_chose():
    brain = LSTMBrain(hidden_size=8, seed=2)
    rounds = play(SEED_TASK, 500, np.random.default_rng(3), brain)
    assert rounds.x.shape == (10, 500, 4) and rounds.x.dtype == np.float32
    assert rounds.teacher.shape == rounds.moves.shape == rounds.mask.shape == (10, 500)
    assert rounds.mask.all() and not rounds.caught.any() and (rounds.survived == 10).all()
    cat, mouse = cells_from_features(rounds.x, 6, 6)
    assert (cat == cat[0]).all()  # the cat stays still
    # On-policy: the next state is where the mouse's own move (not the teacher's) took it.
    moved = np.clip(mouse[:-1] + MOUSE_MOVES[rounds.moves[:-1]], 0, 5)
    np.testing.assert_array_equal(mouse[1:], moved)
    assert (rounds.moves != rounds.teacher).any()  # an untrained brain disagrees somewhere
    # The brain's moves are its argmax over the whole sequence, as a batched forward pass computes it.
    logits, _ = brain.forward(rounds.x)
    np.testing.assert_array_equal(rounds.moves, np.argmax(logits, axis=-1))
    # The trace play kept is the one training differentiates.
    np.testing.assert_allclose(rounds.trace.logits(), logits, atol=1e-6)
    # Mistakes count the steps where the two differ.
    np.testing.assert_array_equal(rounds.mistakes, (rounds.moves != rounds.teacher).sum(axis=0))


def test_seed_task_starts_may_share_a_cell():
    rounds = play(SEED_TASK, 20000, np.random.default_rng(4), mouse="random")
    cat, mouse = cells_from_features(rounds.x[0], 6, 6)
    assert 0.02 < np.all(cat == mouse, axis=1).mean() < 0.04  # 1 in 36


def test_post_brain_plays_by_quarters():
    brain = PostBrain(hidden_size=16, rng=np.random.default_rng(5))
    rounds = play(SEED_TASK, 50, np.random.default_rng(6), brain)
    h = np.zeros((50, 16))
    for t in range(10):
        h, y = brain.forward_step(rounds.x[t].astype(np.float64), h)
        np.testing.assert_array_equal(rounds.moves[t], post_move(y[:, 0]))


def test_unknown_mouse_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown mouse 'cheese': choose brain, teacher or random"):
        play(SEED_TASK, 3, np.random.default_rng(0), mouse="cheese")


def replay_one_round(task: Task, cat, mouse, kind: str | None, brain: LSTMBrain | None, cat_rng):
    """One round on an n = 1 arena, the mouse's move chosen by brain.step (or its teacher); returns
    (mistakes, steps, survived, caught)."""
    arena = Arena(task.width, task.height, n=1, move_limit=task.move_limit, catching=task.catching)
    arena.reset(cat=np.array(cat), mouse=np.array(mouse))
    if brain is not None:
        brain.reset_state()
    mistakes = steps = 0
    while not arena.done[0]:
        if kind is not None:
            arena.move_cat(cat_moves(kind, arena.cat, arena.mouse, task.width, task.height, cat_rng))
            if arena.done[0]:
                break
        label = int(teacher_moves(task.teacher, arena.cat, arena.mouse, task.width, task.height)[0])
        move = label if brain is None else brain.step(arena.observe()[0])
        mistakes += move != label
        steps += 1
        arena.move_mouse(np.array([move]))
    return mistakes, steps, int(arena.moves[0]), bool(arena.caught[0])


def seed_teacher(cat, mouse) -> int:
    """SPEC's wording of the post's teacher on 6×6, for the plain replay below."""
    dx, dy = mouse[0] - cat[0], mouse[1] - cat[1]
    s, wall = (1, 5) if dx >= 0 else (-1, 0)
    if dy > s * dx and mouse[1] != 5:
        return 0
    if -dy > s * dx and mouse[1] != 0:
        return 2
    if (dy > 0 if s > 0 else dy >= 0) and mouse[0] == wall:
        return 0
    if dy < 0 and mouse[0] == wall:
        return 2
    return 1 if s > 0 else 3


def replay_seed_round(brain: LSTMBrain, cat, mouse) -> int:
    """One seed-task round in plain Python with the brain's play step; returns its mistakes."""
    scale = np.float32(1.0 / 5)  # the arena's features: float32 cells times float32 1/(W-1)
    brain.reset_state()
    mistakes = 0
    for _ in range(10):
        x = np.array([cat[0], cat[1], mouse[0], mouse[1]], dtype=np.float32) * scale
        move = brain.step(x)
        mistakes += move != seed_teacher(cat, mouse)
        dx, dy = MOUSE_MOVES[move].tolist()
        mouse = (min(max(mouse[0] + dx, 0), 5), min(max(mouse[1] + dy, 0), 5))
    return mistakes


def test_exhaustive_mistakes_covers_all_1296_starts_one_by_one():
    cat, mouse = all_seed_starts()
    assert len(cat) == 1296
    assert len({(tuple(c), tuple(m)) for c, m in zip(cat.tolist(), mouse.tolist(), strict=True)}) == 1296
    brain = LSTMBrain(hidden_size=6, seed=7)
    total = sum(replay_seed_round(brain, tuple(c), tuple(m)) for c, m in zip(cat.tolist(), mouse.tolist(),
                                                                              strict=True))
    assert exhaustive_mistakes(brain) == total
    assert 0 < total < 12960


def test_mistakes_per_game_and_agreement_are_consistent():
    brain = LSTMBrain(hidden_size=8, seed=8)
    mpg = mistakes_per_game(brain, games=400)
    # Every seed-task round is 10 steps, so agreement = 1 - mistakes / (10 per game).
    assert agreement(brain, SEED_TASK, games=400) == pytest.approx(1 - mpg / 10, abs=1e-12)
    assert 0 < mpg < 10
    # On a chase task rounds end early; agreement counts the steps that happened.
    task = chase_task(6, 6)
    rounds = play(task, 400, heldout_rng(task), brain)
    steps = int(rounds.mask.sum())
    assert steps < 400 * task.move_limit
    assert agreement(brain, task, games=400) == pytest.approx(1 - rounds.mistakes.sum() / steps, abs=1e-12)
    assert mistakes_per_game(brain, task, games=400) == pytest.approx(rounds.mistakes.mean(), abs=1e-12)
    # Both scores come from one play of the same held-out rounds, exactly as each alone computes it.
    assert heldout_scores(brain, task, games=400) == (mistakes_per_game(brain, task, games=400),
                                                      agreement(brain, task, games=400))


def test_the_seed_task_preset_is_the_posts_task_with_any_teacher():
    assert seed_task() == SEED_TASK == Task("seed", 6, 6, (), 10, "post")
    assert seed_task("optimal") == Task("seed", 6, 6, (), 10, "optimal")


def test_held_out_set_is_fixed():
    brain = LSTMBrain(hidden_size=8, seed=9)
    first = mistakes_per_game(brain)
    np.random.seed(123)  # the legacy global state must not matter
    np.random.default_rng().random(10)
    assert mistakes_per_game(brain) == first
    assert agreement(brain, SEED_TASK) == agreement(brain, SEED_TASK)
    a = play(SEED_TASK, HELDOUT_GAMES, heldout_rng(SEED_TASK), mouse="random")
    b = play(SEED_TASK, HELDOUT_GAMES, heldout_rng(SEED_TASK), mouse="random")
    np.testing.assert_array_equal(a.x, b.x)
    # Held-out starts differ between tasks (their own stream per task).
    c = play(chase_task(6, 6), 50, heldout_rng(chase_task(6, 6)), mouse="teacher")
    assert not np.array_equal(a.x[0, :50], c.x[0])
    assert mistakes_per_game(LSTMBrain(hidden_size=8, seed=10)) != first


def test_chase_rounds_equal_single_rounds_with_one_cat_kind_per_round():
    task = chase_task(6, 6, cats=("perfect", "greedy"), move_limit=15)
    brain = LSTMBrain(hidden_size=8, seed=11)
    n = 40
    starts = Arena(6, 6, n=n)
    starts.reset(seed=12)
    rounds = play(task, n, np.random.default_rng(13), brain, cat=starts.cat, mouse_start=starts.mouse)
    for i in range(n):
        kind = task.cats[i % 2]
        mistakes, steps, survived, caught = replay_one_round(task, starts.cat[i], starts.mouse[i], kind, brain,
                                                             np.random.default_rng(0))
        assert rounds.mistakes[i] == mistakes, i
        assert rounds.mask[:, i].sum() == steps, i
        assert rounds.survived[i] == survived and rounds.caught[i] == caught, i


def test_optimal_mouse_survives_exactly_par_minus_one_against_the_perfect_cat():
    task = chase_task(6, 6, cats=("perfect",), move_limit=40)
    cat, mouse = all_seed_starts(6, 6)
    apart = ~np.all(cat == mouse, axis=1)
    cat, mouse = cat[apart], mouse[apart]
    rounds = play(task, len(cat), np.random.default_rng(0), mouse="teacher", cat=cat, mouse_start=mouse)
    assert rounds.caught.all()
    # The perfect cat needs par moves; the mouse moves between them, one fewer times.
    np.testing.assert_array_equal(rounds.survived, pursuit(6, 6).start_par(cat, mouse) - 1)
    short = chase_task(6, 6, cats=("perfect",), move_limit=2)
    rounds = play(short, len(cat), np.random.default_rng(0), mouse="teacher", cat=cat, mouse_start=mouse)
    np.testing.assert_array_equal(rounds.survived, np.minimum(pursuit(6, 6).start_par(cat, mouse) - 1, 2))


def test_survival_of_the_teacher_beats_a_random_mouse_on_8x8():
    task = chase_task(8, 8, cats=("perfect",))
    teacher = survival(task, mouse="teacher", games=500)
    random = survival(task, mouse="random", games=500)
    assert teacher > random
    assert survival(task, mouse="teacher", games=500) == teacher  # held-out: the same value again
    # Against the perfect cat from held-out starts, the teacher's survival is the mean of par - 1.
    arena = Arena(8, 8, n=500)
    arena.rng = heldout_rng(task)
    arena.reset()
    assert teacher == pytest.approx(float((pursuit(8, 8).start_par(arena.cat, arena.mouse) - 1).mean()))


def test_post_teacher_labels_the_seed_task():
    rounds = play(SEED_TASK, 100, np.random.default_rng(14), mouse="random")
    cat, mouse = cells_from_features(rounds.x, 6, 6)
    for t in range(10):
        np.testing.assert_array_equal(rounds.teacher[t], post_teacher(cat[t], mouse[t], 6, 6))


def test_survival_from_every_start_is_the_same_dice_for_every_mouse():
    """survival_everywhere plays every start once against a cat without chance and `dice` times against one with
    chance, on draws that do not depend on the mouse: the teacher twice gives the same figures, a different seed
    moves only the cats that play by chance, and the rounds are as many as the starts times the dice."""
    task = chase_task(6, 6, ("perfect", "noisy"), 40, "optimal")
    first = survival_everywhere(task, None, dice=2)
    assert first == survival_everywhere(task, None, dice=2)
    other = survival_everywhere(task, None, dice=2, seed=5)
    assert other["perfect"] == first["perfect"] and other["noisy"] != first["noisy"]
    cat, mouse = all_starts(6, 6)
    assert len(cat) == 36 * 35
    # the optimal mouse against the perfect cat survives par from every start (the cat moves first: par counts
    # the cat's moves, the mouse makes one fewer)
    assert first["perfect"] == pytest.approx(float(np.mean(pursuit(6, 6).start_par(cat, mouse) - 1)))
    assert not CATS["perfect"].by_chance and CATS["noisy"].by_chance and CATS["greedy-random"].by_chance
