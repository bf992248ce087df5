"""The fast rollouts change no number: many teacher-driven rounds against the plain replay, the arena's
live-rounds step against its whole-batch step, a brain's rollouts in the spare memory of its last ones against a
fresh brain's, and the cautious teacher's whole-number sums over B against plain sums, on boards of one
word and of several."""

from __future__ import annotations

import numpy as np
import pytest

from game.arena import Arena
from game.brains.tasks import chase_task, play
from game.world.sight import SIGHTS, Belief, _belief_sums, _bitboards, cat_reach
from tests.brains.test_memory_tasks import replay


@pytest.mark.parametrize("sight", ["fog", "flicker"])
def test_many_teacher_rounds_equal_the_plain_replay_with_the_belief(sight):
    """3,000 teacher-driven rounds, as the trainer plays them (live rounds only, the bitboard belief), equal the
    same rounds replayed with every round stepped and the set-based Belief: every value exact. The classic
    task's rounds are checked against a one-round-at-a-time replay in test_tasks.py."""
    task = chase_task(8, 8, sight=sight)
    r = play(task, 3000, np.random.default_rng(2026), mouse="teacher")
    ref, _ = replay(task, 3000, 2026)
    T = len(ref["mask"])
    np.testing.assert_array_equal(r.mask[:T], ref["mask"])
    assert not r.mask[T:].any()
    np.testing.assert_array_equal(r.x[:T], ref["x"])
    np.testing.assert_array_equal(r.teacher[:T][ref["mask"]], ref["labels"][ref["mask"]])
    np.testing.assert_array_equal(r.moves[:T][ref["mask"]], ref["moves"][ref["mask"]])


def test_stepping_the_live_rounds_equals_stepping_the_batch():
    rng = np.random.default_rng(4)
    whole, live_only = Arena(7, 5, n=300, move_limit=12), Arena(7, 5, n=300, move_limit=12)
    whole.reset(seed=9)
    live_only.reset(seed=9)
    live = np.flatnonzero(~live_only.done)
    for _ in range(12):
        cat, mouse = rng.integers(0, 8, size=300), rng.integers(0, 4, size=300)
        caught = whole.move_cat(cat)
        now = live_only.move_cat(cat[live], live)
        np.testing.assert_array_equal(now, caught[live])
        live = live[~now]
        caught = whole.move_mouse(mouse)
        now = live_only.move_mouse(mouse[live], live)
        np.testing.assert_array_equal(now, caught[live])
        live = live[~now & (live_only.moves[live] < live_only.move_limit)]  # rounds out of moves are over too
        for key in ("cat", "mouse", "moves", "caught"):
            np.testing.assert_array_equal(getattr(live_only, key), getattr(whole, key))
        np.testing.assert_array_equal(live, np.flatnonzero(~whole.done))
    assert not len(live)


@pytest.mark.parametrize("width, height", [(8, 8), (4, 4), (9, 7), (16, 16), (5, 13)])
def test_sums_over_b_are_the_plain_sums(width, height):
    rng = np.random.default_rng(width * height)
    cells = rng.random((200, width * height)) < rng.random((200, 1))
    x, y = np.arange(width * height) % width, np.arange(width * height) // width
    plain = np.stack([cells.sum(1), (cells * x).sum(1), (cells * y).sum(1), (cells * (x * x + y * y)).sum(1)], 1)
    np.testing.assert_array_equal(_belief_sums(_bitboards(cells), width, height), plain)


@pytest.mark.parametrize("width, height", [(8, 8), (16, 16), (9, 7)])
def test_the_belief_reads_back_the_cells_it_holds(width, height):
    rng = np.random.default_rng(1)
    mouse = np.stack([rng.integers(0, width, 50), rng.integers(0, height, 50)], axis=1)
    belief = Belief(SIGHTS["fog"], width, height, mouse)
    expected = np.ones((50, width * height), dtype=bool)
    expected[np.arange(50), mouse[:, 1] * width + mouse[:, 0]] = False
    np.testing.assert_array_equal(belief.cells, expected)
    one = np.zeros((1, width * height), dtype=bool)
    one[0, -1] = True  # the top-right corner reaches its three neighbours and itself (it cannot leave the board)
    assert set(np.flatnonzero(cat_reach(one, width, height)[0])) == {width * height - 1, width * height - 2,
                                                                      width * (height - 1) - 1,
                                                                      width * (height - 1) - 2}


def brain_rounds(brain, n: int, seed: int):
    task = chase_task(8, 8, sight="fog")
    return play(task, n, np.random.default_rng(seed), brain, mouse="brain")


def test_a_brains_next_rollouts_step_in_its_last_ones_memory_and_play_the_same():
    from game.brain_np import LSTMBrain, SpareBuffers

    brain = LSTMBrain(16, seed=3, features=chase_task(8, 8, sight="fog").features)
    brain.spare = SpareBuffers(brain.dtype)  # its own, empty: the shared one holds what other tests left
    first = brain_rounds(brain, 400, 1)
    kept = brain_rounds(brain, 400, 2)  # alive while the next ones play: its memory is not theirs
    assert brain.spare.bytes == 0, "a trace still alive gave its buffers away"
    del first
    held = brain.spare.bytes
    assert held > 0, "a trace that is gone did not give its steps' memory back"
    again = brain_rounds(brain, 400, 1)
    assert brain.spare.bytes < held / 4, "the next rollout did not step in the spare memory"
    fresh = brain_rounds(brain.copy(), 400, 1)
    T = again.trace.t
    np.testing.assert_array_equal(again.moves, fresh.moves)
    np.testing.assert_array_equal(again.trace.logits(), fresh.trace.logits())
    np.testing.assert_array_equal(again.trace.z, fresh.trace.z)
    grads = [r.trace.loss_and_gradient(r.teacher[:T], r.mask[:T])[1] for r in (again, fresh)]
    np.testing.assert_array_equal(*grads)
    other = brain_rounds(brain.copy(), 400, 2)
    np.testing.assert_array_equal(kept.trace.logits(), other.trace.logits())
    np.testing.assert_array_equal(kept.trace.row, other.trace.row)


def test_spare_buffers_fit_the_shape_asked_and_hold_no_more_than_their_limit():
    from game.brain_np import SpareBuffers

    spare = SpareBuffers(np.float32, limit=1000 * 4)
    a, b = spare.take((3, 100)), spare.take((7, 100))
    assert a.shape == (3, 100) and b.shape == (7, 100) and a.dtype == np.float32
    spare.give([a, b])
    assert spare.bytes <= 1000 * 4 and spare.bytes > 0  # one of them kept, the other over the limit
    c = spare.take((2, 100))
    assert c.shape == (2, 100) and spare.bytes == 0
    assert spare.take((50, 100)).shape == (50, 100)  # larger than any spare: new memory
