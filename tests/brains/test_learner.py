"""Live learning: the learner raises agreement on states the brain visits, never makes a trained brain play worse
(judged by value-optimal moves and survival, whatever the teacher), slices work, keeps its best weights and rolls
back NaN."""

from collections import deque
from pathlib import Path

import numpy as np
import pytest

from game.arena import Arena
from game.brain_np import SGD, LSTMBrain, PostBrain
from game.brains import brainfile
from game.brains.learner import Learner, SlicePrices
from game.brains.tasks import agreement, chase_task, play_figures
from game.world.cats import cat_moves
from game.world.teachers import pursuit, teacher_moves

ROOT = Path(__file__).resolve().parents[2]


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
    ran = sum(learner.work(1000.0) for _ in range(5))  # a generous budget still ends, and runs several updates
    assert ran >= 2 and learner.updates == ran


def test_nan_update_is_rolled_back():
    brain = LSTMBrain(8, seed=0)
    learner = Learner(brain, "post", 6, 6)
    rng = np.random.default_rng(0)
    play_round(brain, learner, rng)
    before = brain.theta.copy()
    x, labels, targets = learner.buffer[0]
    learner.buffer[0] = (np.full_like(x, np.nan), labels, targets)
    learner.update()
    assert learner.error is not None and "rolled back" in learner.error
    np.testing.assert_array_equal(brain.theta, before)
    assert brain.step(np.zeros(4, dtype=np.float32)) in range(4)


def learned_a_little() -> tuple[LSTMBrain, Learner]:
    """A brain and its learner after three rounds, each followed by an update."""
    brain = LSTMBrain(8, seed=0)
    learner = Learner(brain, "post", 6, 6)
    rng = np.random.default_rng(0)
    for _ in range(3):
        play_round(brain, learner, rng)
        learner.update()
    return brain, learner


@pytest.mark.parametrize("part", ["m", "v"])
def test_nan_in_the_optimizers_own_moments_costs_one_update_not_every_later_one(part):
    brain, learner = learned_a_little()
    getattr(learner.optimizer, part)[5] = np.nan  # however it got there, the rollback must not keep it
    learner.update()
    assert np.isfinite(learner.optimizer.m).all() and np.isfinite(learner.optimizer.v).all()
    learner.error = None
    before = brain.theta.copy()
    for _ in range(3):
        learner.update()
        assert learner.error is None, learner.error
    assert not np.array_equal(brain.theta, before) and np.isfinite(brain.theta).all()


def test_post_brain_learns_with_the_posts_sgd():
    brain = PostBrain(16, rng=np.random.default_rng(3))
    learner = Learner(brain, "post", 6, 6, seed=0)
    rng = np.random.default_rng(5)
    before = held_out_agreement(brain, "post")
    for _ in range(300):
        play_round(brain, learner, rng)
        learner.update()
    assert isinstance(learner.optimizer, SGD) and learner.error is None  # the post's own rule, not Adam
    assert held_out_agreement(brain, "post") > before


def test_work_fits_the_budget_and_gathers_a_whole_batch_on_a_slow_machine(monkeypatch):
    """A fake clock makes each slice of an update cost 0.02 ms a step and 0.002 ms a round and step, plus a
    call's own 0.14 ms (a 40-step round alone: about 1 ms; these rounds are short, about 0.2 ms): with 3 ms a
    frame the learner never goes over the budget, gathers several rounds a frame and steps once its batch of 16
    is in; with 0.1 ms a frame each slice is one round, run alone on banked credit every few frames. Either way
    each step learns from the whole batch: a slow machine takes fewer steps, not noisier ones."""
    brain = LSTMBrain(8, seed=0)
    learner = Learner(brain, "post", 6, 6, batch=16, updates_per_round=1000, practice=False)  # budget-bound
    rng = np.random.default_rng(0)
    for _ in range(4):
        play_round(brain, learner, rng)
    clock = [0.0]
    learner.clock = lambda: clock[0]
    real = learner.gradient_of
    gathered = []

    def costly(rounds):
        gathered.append(len(rounds))
        steps = max(len(labels) for _, labels, _ in rounds)
        clock[0] += 2e-5 * (7 + steps) + 2e-6 * steps * len(rounds)
        return real(rounds)

    monkeypatch.setattr(learner, "gradient_of", costly)
    spent, ran = [], []
    for _ in range(40):
        before = clock[0]
        ran.append(learner.work(3.0))
        spent.append((clock[0] - before) * 1e3)
    assert max(spent) <= 3.0 + 1e-9 and np.mean(spent[8:]) > 1.0  # within the budget, and it is used
    assert max(gathered[8:]) >= 3  # several rounds a slice
    in_progress = learner.pending.taken if learner.pending else 0
    assert sum(gathered) == 16 * learner.updates + in_progress and sum(ran) == learner.updates >= 6
    gathered.clear()
    slow, per_frame = [], []
    for _ in range(64):
        was = len(gathered)
        slow.append(learner.work(0.1))
        per_frame.append(len(gathered) - was)
    assert set(gathered) == {1} and max(per_frame) == 1  # one round at a time, alone in its frame
    assert 10 <= len(gathered) < 64  # on banked credit: not every frame
    assert sum(slow) == (in_progress + len(gathered)) // 16  # only whole batches make a step


def test_a_slice_is_priced_at_its_worst_recent_cost_for_its_size_and_length():
    prices = SlicePrices()
    assert prices.price(1, 40) == 0.0 and prices.price(2, 40) == float("inf")  # the first runs and is timed

    def cost(rounds, steps):  # per step, and per round and step (the browser's share of the second is larger)
        return 0.01 * (7 + steps) + 0.004 * steps * rounds

    for rounds, steps in [(1, 40), (8, 5), (4, 20), (2, 40), (16, 6)]:
        prices.add(rounds, steps, cost(rounds, steps))
    assert prices.price(12, 10) == pytest.approx(cost(12, 10))  # a size and length not seen, from the fit
    prices.add(2, 40, 3 * cost(2, 40))  # the machine got busy, once
    assert prices.price(3, 30) < 1.3 * cost(3, 30)  # the worst but one: a one-off moves only the fit
    prices.add(2, 40, 3 * cost(2, 40))
    assert prices.price(3, 30) > 1.5 * cost(3, 30)  # a second is not: every slice is priced up
    assert prices.price(32, 10) < float("inf") and prices.price(33, 10) == float("inf")  # at most twice the largest


def kept_round(rng, steps, features):
    """A made-up kept round: inputs, the teacher's moves and sets of equally good moves that hold them."""
    labels = rng.integers(0, 4, size=steps).astype(np.int32)
    sets = (rng.random((steps, 4)) < 0.5) | (np.arange(4) == labels[:, None])
    return rng.normal(size=(steps, features)).astype(np.float32), labels, sets


def test_an_update_counts_each_round_once_whatever_its_length():
    """A round of 40 moves and one of 4 weigh alike in an update, taken whole (a session without frames) or
    gathered in slices (with frames): weighted by its steps, the random cat's long rounds (mostly far from the
    cat, where only the teacher's tie-break is left to copy) were most of every batch and the brain copied them
    into playing worse."""
    brain = LSTMBrain(8, seed=0)
    learner = Learner(brain, "optimal", 6, 6, batch=2, practice=False)
    rng = np.random.default_rng(0)
    long_round, short_round = kept_round(rng, 40, brain.input_size), kept_round(rng, 4, brain.input_size)
    alone = [brain.loss_and_gradient(x[:, None], labels[:, None], None, sets[:, None])
             for x, labels, sets in (long_round, short_round)]
    expected = (alone[0][1] + alone[1][1]) / 2
    whole = learner.gradient([(1, deque([long_round])), (1, deque([short_round]))])
    weight, loss, gathered = learner.gradient_of([long_round, short_round])
    for grad in (whole[1], gathered / weight):
        np.testing.assert_allclose(grad, expected, rtol=1e-4, atol=1e-6)
    assert loss / weight == pytest.approx((alone[0][0] + alone[1][0]) / 2, rel=1e-5)


def test_work_ends_even_when_the_clock_does_not_tick():
    """The browser's clock moves in 100 µs steps: an update can read as taking no time at all."""
    brain = LSTMBrain(8, seed=0)
    learner = Learner(brain, "post", 6, 6, batch=4, practice=False)
    play_round(brain, learner, np.random.default_rng(0))
    learner.clock = lambda: 0.0
    ran = learner.work(5.0)
    assert 1 <= ran <= 32 and learner.updates == ran


def session(brain, teacher, rounds, cat="greedy", size=None, seed=0):
    """A headless session as the game runs it, without the clock: rounds against one cat, each followed by the
    updates it earned (and the practice plays and checks they need, played out)."""
    size = size or (brain.meta["grid_sizes"][0] if hasattr(brain, "meta") else (6, 6))
    learner = Learner(brain, teacher, *size, seed=seed)
    rng = np.random.default_rng(seed + 100)
    arena = Arena(*size, n=1, move_limit=40)
    arena.rng = rng
    for _ in range(rounds):
        arena.reset()
        brain.reset_state()
        while not arena.done[0]:
            if arena.move_cat(cat_moves(cat, arena.cat, arena.mouse, *size, rng))[0]:
                break
            x = arena.observe()[0]
            move = brain.step(x)
            learner.record(x, int(teacher_moves(teacher, arena.cat, arena.mouse, *size)[0]),
                           pursuit(*size).mouse_best(arena.cat, arena.mouse)[0])
            arena.move_mouse(np.array([move], dtype=np.int32))
        learner.end_round()
        spend(learner)
    learner.settle()
    return learner


def spend(learner):
    """Everything the last round earned, as frames of work would do it (a clock that never moves: not timed)."""
    learner.clock = lambda: 0.0
    while learner.earned >= 1 or learner.check is not None:
        learner.work(1.5)


def shipped(name):
    return brainfile.load_brain(ROOT / "weights" / f"{name}.npz")


@pytest.mark.slow  # a long live-learning run
def test_a_trained_brain_does_not_get_worse_against_one_cat():
    """The issue's failure: lstm32_optimal against the greedy cat only, learning on (100 % fell to 62 %). Judged by
    play: the share of value-optimal moves and survival against every cat, beside the teacher's."""
    brain = shipped("lstm32_optimal")
    task = chase_task(8, 8, teacher="optimal")
    before = play_figures(brain, task)
    learner = session(brain, "optimal", 40, seed=3)
    after = play_figures(brain, task)
    assert learner.updates >= 400 and learner.error is None
    assert after.value_optimal >= before.value_optimal - 0.002, (before, after)
    for cat in ("perfect", "greedy", "noisy"):
        assert after.share(cat) >= before.share(cat) - 0.01, (cat, before, after)


@pytest.mark.slow  # a long live-learning run
def test_a_brain_new_to_its_teacher_plays_better_not_just_more_alike():
    """lstm16_post (trained on the post's teacher) learns the optimal mouse for 30 rounds against the greedy cat:
    more of its moves are value-optimal, it survives longer against the noisy cat and no less against the perfect
    and greedy ones (measured on 2,000 rounds: value-optimal 99.33 % -> 99.60 %, survival as a share of the
    teacher's against the noisy cat 80.5 % -> 93.3 %, perfect 99.3 % -> 99.5 %, greedy 99.3 % -> 99.6 %; seeds 1
    and 3 end at 99.71 % and 99.67 %)."""
    brain = shipped("lstm16_post")
    task = chase_task(6, 6, teacher="optimal")
    before = play_figures(brain, task)
    session(brain, "optimal", 30, seed=2)
    after = play_figures(brain, task)
    assert after.value_optimal > before.value_optimal + 0.002, (before, after)
    assert after.share("noisy") > before.share("noisy") + 0.05, (before, after)
    for cat in ("perfect", "greedy"):
        assert after.share(cat) >= before.share(cat), (cat, before, after)


@pytest.mark.slow  # a long live-learning run
def test_a_brain_learns_from_the_random_cats_long_rounds():
    """lstm16_post learns the optimal mouse for 30 rounds against the random cat, whose rounds run to the move limit,
    mostly far from the cat where every move is as good. Weighted by their steps those rounds are three quarters of
    every update, the brain copies their tie-breaks and loses value-optimal moves near the cat: the checks fall back
    (5 times) and the session ends unchanged. Each round weighted once, it plays better (measured on 2,000 rounds:
    value-optimal 99.33 % -> 99.62 %, survival as a share of the teacher's against the noisy cat 80.5 % -> 95.7 %)
    and no worse against the perfect and greedy cats (99.3 % -> 99.8 % and 99.9 %)."""
    brain = shipped("lstm16_post")
    task = chase_task(6, 6, teacher="optimal")
    before = play_figures(brain, task)
    session(brain, "optimal", 30, cat="random", seed=0)
    after = play_figures(brain, task)
    assert after.value_optimal > before.value_optimal + 0.002, (before, after)
    assert after.share("noisy") > before.share("noisy") + 0.05, (before, after)
    for cat in ("perfect", "greedy"):
        assert after.share(cat) >= before.share(cat), (cat, before, after)


def test_a_worse_teacher_does_not_make_a_brain_play_worse():
    """The default brain taught the post's teacher (which it plays better than) for 10 rounds. Judged by agreement,
    the earlier default brain learned that teacher and played worse (measured: value-optimal 99.87 % -> 99.38 %,
    survival against the noisy cat 122 % -> 100 % of that teacher's, on 500 rounds); judged by play, it keeps what
    it had."""
    brain = shipped("lstm32_optimal")
    task = chase_task(8, 8, teacher="post")
    before = play_figures(brain, task, games=500)
    learner = session(brain, "post", 10, seed=3)
    after = play_figures(brain, task, games=500)
    assert learner.updates == 360 and learner.judged_by == "value-optimal"
    assert after.value_optimal >= before.value_optimal, (before, after)
    for cat in ("perfect", "greedy", "noisy"):
        assert after.share(cat) >= before.share(cat), (cat, before, after)


def test_the_best_weights_come_back_when_the_check_falls():
    brain = LSTMBrain(16, seed=2)
    learner = Learner(brain, "optimal", 6, 6, seed=0)
    while learner.check is not None:
        if learner.check.advance():
            learner.finish(learner.check)
    best = brain.theta.copy()
    assert learner.heldout is not None and learner.best_heldout == learner.heldout
    brain.theta[:] = np.random.default_rng(1).normal(0, 3, brain.theta.size)  # something wrecked the weights
    brain.changed()
    learner.start_check()
    while learner.check is not None:
        if learner.check.advance():
            learner.finish(learner.check)
    assert learner.fallbacks == 1 and "back to the best weights" in learner.notice
    np.testing.assert_array_equal(brain.theta, best)


def test_nan_already_in_the_weights_goes_back_to_the_last_finite_weights():
    """A rollback to only the step before would keep NaN already in the weights."""
    brain, learner = learned_a_little()
    good = brain.theta.copy()
    brain.theta[5] = np.nan  # mid-session, from outside any update
    brain.changed()
    for _ in range(200):
        learner.update()
        assert np.all(np.isfinite(brain.theta))
    assert learner.error is None or "finite" in learner.error
    assert not np.array_equal(brain.theta, good) or learner.updates >= 3
    brain.reset_state()
    assert brain.step(np.zeros(4, dtype=np.float32)) in range(4)
    assert np.all(np.isfinite(brain.probabilities()))


def test_a_nan_mid_session_is_rolled_back_and_the_brain_still_plays():
    brain = shipped("lstm32_optimal")
    learner = session(brain, "optimal", 3, seed=5)
    brain.theta[100:110] = np.nan
    brain.changed()
    learner.update()
    assert "finite" in learner.error and np.all(np.isfinite(brain.theta))
    assert agreement(brain, chase_task(8, 8, teacher="optimal"), games=200) > 0.98


def test_updates_follow_the_rounds_played_not_the_frames():
    brain = LSTMBrain(8, seed=0)
    learner = Learner(brain, "post", 6, 6, updates_per_round=5)
    rng = np.random.default_rng(0)
    play_round(brain, learner, rng)
    learner.clock = lambda: 0.0
    ran = sum(learner.work(5.0) for _ in range(200))  # 200 frames after one round: it earned 5 updates
    assert ran == 5 and learner.updates == 5


def test_a_brain_that_came_with_nan_weights_stops_learning_with_one_line():
    brain = LSTMBrain(8, seed=0)
    brain.theta[0] = np.nan
    brain.changed()
    learner = Learner(brain, "post", 6, 6)
    assert learner.check is None  # nothing to check or keep
    play_round(LSTMBrain(8, seed=1), learner, np.random.default_rng(0))
    learner.update()
    assert learner.error == "the brain's weights are not finite and there are no earlier ones; learning stopped"
    assert learner.work(5.0) == 0


def test_a_fallback_keeps_the_rate_the_best_figure_asks_for():
    """A rate halved at each fallback stalled a brain that kept falling back (steps too small to leave where it
    was): after any number of fallbacks the rate is the one the best held-out figure asks for."""
    brain = LSTMBrain(16, seed=2)
    learner = Learner(brain, "optimal", 6, 6, seed=0)
    learner.check.play_out()
    learner.finish(learner.check)
    rate = learner.optimizer.lr
    assert rate == learner.rate() > 0
    wrecker = np.random.default_rng(1)
    for falls in range(1, 6):
        brain.theta[:] = wrecker.normal(0, 3, brain.theta.size)
        brain.changed()
        learner.start_check()
        learner.check.play_out()
        learner.finish(learner.check)
        assert learner.fallbacks == falls and learner.optimizer.lr == rate


def test_the_learner_sets_adams_rate_and_leaves_the_posts_own():
    """The Optimizer protocol's lr: Adam's follows the held-out error, the post's SGD keeps the post's alpha."""
    lstm = Learner(LSTMBrain(8, seed=0), "post", 6, 6, seed=0)
    lstm.check.play_out()
    lstm.finish(lstm.check)
    assert not lstm.optimizer.fixed_rate and lstm.optimizer.lr == lstm.rate()
    post_brain = PostBrain(16, rng=np.random.default_rng(3))
    post = Learner(post_brain, "post", 6, 6, seed=0)
    post.check.play_out()
    post.finish(post.check)
    assert post.optimizer.fixed_rate and post.optimizer.lr == post_brain.alpha != post.rate()
