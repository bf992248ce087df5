"""Live learning: the learner raises agreement on states the brain visits, slices work, and rolls back NaN."""

import numpy as np
import pytest

from game.arena import Arena
from game.brain_np import LSTMBrain, PostBrain
from game.cats import cat_moves
from game.learner import Learner
from game.teachers import teacher_moves


def play_round(brain, learner, rng, size=6):
    """One round against a greedy cat, the mouse moved by its brain, labelled by the learner's teacher.
    Returns the mouse's moves that matched the teacher's, and all its moves."""
    arena = Arena(size, size, n=1, move_limit=20)
    arena.rng = rng
    arena.reset()
    brain.reset_state()
    matched = made = 0
    while not arena.done[0]:
        arena.move_cat(cat_moves("greedy", arena.cat, arena.mouse, size, size, rng))
        if arena.done[0]:
            break
        x = arena.observe()[0]
        move = brain.step(x)
        label = int(teacher_moves(learner.teacher, arena.cat, arena.mouse, size, size)[0])
        learner.record(x, label)
        matched, made = matched + (move == label), made + 1
        arena.move_mouse(np.array([move], dtype=np.int32))
    learner.end_round()
    return matched, made


def held_out_agreement(brain, teacher, size=6, rounds=60):
    scratch = Learner(brain.copy(), teacher, size, size)
    rng = np.random.default_rng(123)
    counts = np.array([play_round(scratch.brain, scratch, rng, size) for _ in range(rounds)])
    return counts[:, 0].sum() / counts[:, 1].sum()


@pytest.mark.parametrize("teacher", ["post", "optimal"])
def test_live_learning_raises_agreement(teacher):
    brain = LSTMBrain(16, seed=1)
    learner = Learner(brain, teacher, 6, 6, lr=1e-2, seed=0)
    before = held_out_agreement(brain, teacher)
    rng = np.random.default_rng(7)
    for _ in range(100):
        play_round(brain, learner, rng)
        for _ in range(8):
            learner.update()
    after = held_out_agreement(brain, teacher)
    assert learner.error is None
    assert after > before + 0.12, (before, after)
    assert 50 < len(learner.buffer) <= 64  # rounds with a move, up to the rounds kept


def test_buffer_is_bounded_and_work_respects_budget():
    brain = LSTMBrain(8, seed=0)
    learner = Learner(brain, "post", 6, 6, rounds_kept=5)
    rng = np.random.default_rng(0)
    for _ in range(12):
        play_round(brain, learner, rng)
    assert len(learner.buffer) == 5
    assert learner.work(0) == 0
    ran = learner.work(1000.0)  # a generous budget still ends, and runs several updates
    assert ran >= 2 and learner.updates == ran


def test_nan_update_is_rolled_back():
    brain = LSTMBrain(8, seed=0)
    learner = Learner(brain, "post", 6, 6)
    rng = np.random.default_rng(0)
    play_round(brain, learner, rng)
    before = brain.theta.copy()
    x, labels = learner.buffer[0]
    learner.buffer[0] = (np.full_like(x, np.nan), labels)
    learner.update()
    assert learner.error is not None and "rolled back" in learner.error
    np.testing.assert_array_equal(brain.theta, before)
    assert brain.step(np.zeros(4, dtype=np.float32)) in range(4)


def test_post_brain_learns_with_the_posts_sgd():
    brain = PostBrain(16, rng=np.random.default_rng(3))
    learner = Learner(brain, "post", 6, 6, seed=0)
    rng = np.random.default_rng(5)
    before = held_out_agreement(brain, "post")
    for _ in range(300):
        play_round(brain, learner, rng)
        learner.update()
    assert learner.adam is None and learner.error is None
    assert held_out_agreement(brain, "post") > before


def test_work_fits_the_budget_on_average_and_shrinks_the_batch_on_a_slow_machine(monkeypatch):
    """A fake clock makes every buffered round cost 1 ms: with 3 ms a frame the learner settles on batches of 3
    and spends about 3 ms a frame; with 0.5 ms a frame it runs a 1-round update every other frame."""
    brain = LSTMBrain(8, seed=0)
    learner = Learner(brain, "post", 6, 6, batch=16)
    rng = np.random.default_rng(0)
    for _ in range(4):
        play_round(brain, learner, rng)
    clock = [0.0]
    learner.clock = lambda: clock[0]
    real_update = learner.update

    def costly_update(batch=None):
        real_update(batch)
        clock[0] += 1e-3 * (batch or learner.batch)

    monkeypatch.setattr(learner, "update", costly_update)
    spent = []
    for _ in range(20):
        before = clock[0]
        learner.work(3.0)
        spent.append((clock[0] - before) * 1e3)
    assert learner.batch_now == 3
    assert max(spent[5:]) <= 3.0 + 1e-9 and abs(np.mean(spent[5:]) - 3.0) < 0.5
    ran = [learner.work(0.5) for _ in range(20)]
    assert learner.batch_now == 1 and sum(ran[4:]) == 8  # one 1-ms update per two 0.5-ms frames


def test_work_ends_even_when_the_clock_does_not_tick():
    """The browser's clock moves in 100 µs steps: an update can read as taking no time at all."""
    brain = LSTMBrain(8, seed=0)
    learner = Learner(brain, "post", 6, 6, batch=4)
    play_round(brain, learner, np.random.default_rng(0))
    learner.clock = lambda: 0.0
    ran = learner.work(5.0)
    assert 1 <= ran <= 32 and learner.updates == ran
