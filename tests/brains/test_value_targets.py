"""Imitation that knows when moves are equally good: the sets of value-optimal moves the rounds carry (the solved
game's under classic sight, the largest guaranteed survival over B under fog and flicker), held to independent
replays (brute-force minimax, the set-based cautious teacher); what the trainer and the live learner imitate; and
agreement's play twins (value-optimal share, survival beside the teacher's)."""

from __future__ import annotations

import numpy as np
import pytest

from game.brain_np import LSTMBrain
from game.brains.learner import Learner
from game.brains.tasks import chase_task, learning_targets, play, play_figures
from game.training.trainers import train_lstm
from tests.world.test_sight import as_set, ref_cautious
from tests.world.test_teachers import BruteForce


def cells_of_features(x: np.ndarray, width: int, height: int, first: int = 0) -> tuple[tuple, tuple]:
    scale = np.array([width - 1, height - 1])
    cat = tuple(int(v) for v in np.rint(x[first:first + 2] * scale))
    mouse = tuple(int(v) for v in np.rint(x[first + 2:first + 4] * scale))
    return cat, mouse


@pytest.mark.parametrize("teacher", ["optimal", "post"])
def test_classic_sets_are_the_brute_force_value_optimal_moves(teacher):
    """Every step of rounds on 5×4 (a fresh brain as the mouse, so it errs): `best` holds exactly the moves whose
    brute-force minimax value is the largest; the teacher's targets are that set (optimal) or its one move
    (post); a move counts as value-optimal iff it is in the set."""
    W, H = 5, 4
    task = chase_task(W, H, teacher=teacher, move_limit=12)
    rounds = play(task, 80, np.random.default_rng(3), LSTMBrain(8, seed=4))
    brute = BruteForce(W, H)
    targets = rounds.targets
    checked = 0
    for t, n in zip(*np.nonzero(rounds.mask), strict=True):
        cat, mouse = cells_of_features(rounds.x[t, n], W, H)
        values = [brute.mouse_value(cat, mouse, a) for a in range(4)]
        want = np.array(values) == max(values)
        np.testing.assert_array_equal(rounds.best[t, n], want, err_msg=f"{cat} {mouse}")
        assert rounds.optimal[t, n] == want[rounds.moves[t, n]]
        if teacher == "optimal":
            np.testing.assert_array_equal(targets[t, n], want)
        else:
            assert targets[t, n].sum() == 1 and targets[t, n, rounds.teacher[t, n]]
        checked += 1
    assert checked > 100
    assert rounds.value_optimal == pytest.approx(rounds.optimal.sum() / rounds.mask.sum())


@pytest.mark.parametrize("sight", ["fog", "flicker"])
def test_fog_and_flicker_sets_are_the_largest_guaranteed_survival_over_the_belief(sight):
    task = chase_task(6, 6, sight=sight, move_limit=15)
    rounds = play(task, 16, np.random.default_rng(5), LSTMBrain(8, seed=6, features=task.features),
                  keep_belief=True)
    for t, n in zip(*np.nonzero(rounds.mask), strict=True):
        _, mouse = cells_of_features(rounds.x[t, n], 6, 6, first=1)
        move, guaranteed, _ = ref_cautious(as_set(rounds.belief[t, n], 6), mouse, 6, 6)
        want = np.array(guaranteed) == max(guaranteed)
        np.testing.assert_array_equal(rounds.best[t, n], want)
        assert rounds.teacher[t, n] == move and want[move]
    np.testing.assert_array_equal(rounds.targets, rounds.best)


@pytest.mark.parametrize("sight, teacher", [("classic", "optimal"), ("fog", "cautious"), ("flicker", "cautious")])
def test_the_teacher_as_mouse_is_value_optimal_everywhere(sight, teacher):
    task = chase_task(8, 8, teacher=teacher, sight=sight)
    rounds = play(task, 200, np.random.default_rng(7), mouse="teacher")
    assert rounds.value_optimal == 1.0


def test_ties_are_common_so_agreement_and_value_differ():
    """Why the sets matter: on the optimal teacher's own rounds a good share of states has more than one
    value-optimal move (its tie-breaks pick one), so copying its choice is a stricter aim than playing as well."""
    rounds = play(chase_task(6, 6), 400, np.random.default_rng(8), mouse="teacher")
    ties = rounds.best[rounds.mask].sum(axis=1) > 1
    assert ties.mean() > 0.2


def test_learning_targets_keep_the_posts_teacher_single():
    best = np.array([[True, True, False, False]])
    np.testing.assert_array_equal(learning_targets("optimal", np.array([1]), best), best)
    np.testing.assert_array_equal(learning_targets("cautious", np.array([0]), best), best)
    np.testing.assert_array_equal(learning_targets("post", np.array([1]), best), [[False, True, False, False]])


def test_the_live_learner_keeps_the_sets_it_is_given():
    learner = Learner(LSTMBrain(8, seed=0), "optimal", 6, 6, practice=False)
    x = np.zeros(4, dtype=np.float32)
    learner.record(x, 1, np.array([True, True, False, False]))
    learner.record(x, 2, np.array([False, False, True, False]))
    learner.end_round()
    _, labels, targets = learner.buffer[-1]
    assert labels.tolist() == [1, 2]
    assert targets.tolist() == [[True, True, False, False], [False, False, True, False]]
    post = Learner(LSTMBrain(8, seed=0), "post", 6, 6, practice=False)
    post.record(x, 1, np.array([True, True, False, False]))
    post.end_round()
    assert post.buffer[-1][2].tolist() == [[False, True, False, False]]


def test_practice_rounds_carry_the_sets():
    learner = Learner(LSTMBrain(8, seed=0), "optimal", 6, 6, seed=1)
    learner.start_practice()
    while not learner.practice_play.advance():
        pass
    rounds = learner.practice_play.rounds
    learner.finish(learner.practice_play)
    x, labels, targets = learner.practised[0]
    steps = int(rounds.mask[:, 0].sum())
    np.testing.assert_array_equal(targets, rounds.best[:steps, 0])
    assert targets[np.arange(steps), labels].all()


def test_training_on_sets_plays_as_well_as_on_the_teachers_moves():
    """A short run from the same start and seed: imitating the sets reaches at least the value-optimal share
    that imitating the teacher's one move does (agreement is not the aim)."""
    task = chase_task(6, 6, teacher="optimal")
    shares = {}
    for kind in ("value", "teacher"):
        brain = LSTMBrain(16, seed=0)
        train_lstm(brain, task, games=6000, seed=0, eval_every=10**9, targets=kind)
        shares[kind] = play_figures(brain, task, games=1000).value_optimal
    assert shares["value"] >= shares["teacher"] - 0.002, shares


def test_play_figures_put_the_brain_beside_its_teacher():
    task = chase_task(6, 6, teacher="optimal")
    brain = LSTMBrain(8, seed=2)
    figures = play_figures(brain, task, games=400)
    assert set(figures.survival) == set(task.cats) == set(figures.teacher_survival)
    rounds = play(task, 400, np.random.default_rng(0), mouse="teacher")
    assert rounds.value_optimal == 1.0
    assert 0 <= figures.value_optimal < 1 and figures.share("perfect") <= 1.0
    assert "value-optimal" in figures.line() and "perfect" in figures.line()
