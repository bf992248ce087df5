"""The fused LSTM (LSTMBrain, Trace, Backward) against the LSTM written as its equations (reference_forward,
reference_loss_and_gradient), in float64: outputs, states, loss and gradients, with masks; and the reference
itself against finite differences, so neither is trusted on belief alone."""

from __future__ import annotations

import numpy as np
import pytest

from game.brain_np import LSTMBrain, imitation_loss, reference_forward, reference_loss_and_gradient

STATE_TOL = 1e-13  # logits, h and c are O(1); the two paths only add in different orders
GRAD_TOL = dict(rtol=1e-12, atol=1e-14)


def brain_and_rounds(H: int, T: int, B: int, inputs: int = 4, actions: int = 4, seed: int = 0):
    """A float64 brain off its init's symmetries, inputs like the arena's, labels and a ragged mask."""
    brain = LSTMBrain(H, inputs, actions, seed=seed, dtype=np.float64)
    brain.theta += np.random.default_rng(seed + 1).normal(0, 0.3, size=brain.theta.shape)
    brain.changed()
    rng = np.random.default_rng(seed + 2)
    xs = rng.random((T, B, inputs))
    labels = rng.integers(0, actions, size=(T, B))
    lengths = rng.integers(1, T + 1, size=B)
    lengths[0] = T
    mask = np.arange(T)[:, None] < lengths[None, :]
    return brain, xs, labels, mask


def stacked(run_part: dict[int, np.ndarray], T: int) -> np.ndarray:
    return np.stack([run_part[t] for t in range(T)])


# (H, T, B, inputs, actions): a small mouse; one big enough that the fused path cuts its products into pieces
# (4H·(I+H+2)·B > 2^19); a cat-sized head of eight moves with a fifth input.
SHAPES = [(8, 7, 5, 4, 4), (32, 6, 120, 4, 4), (6, 5, 3, 5, 8)]


@pytest.mark.parametrize("H, T, B, inputs, actions", SHAPES)
def test_forward_outputs_and_states_equal_the_equations(H, T, B, inputs, actions):
    brain, xs, _, _ = brain_and_rounds(H, T, B, inputs, actions, seed=H)
    logits, trace = brain.forward(xs)
    run = reference_forward(brain.params, xs)
    np.testing.assert_allclose(logits, stacked(run.y, T), rtol=0, atol=STATE_TOL)
    np.testing.assert_allclose(trace.h[1:], stacked(run.h, T), rtol=0, atol=STATE_TOL)
    np.testing.assert_allclose(trace.c[1:], stacked(run.c, T), rtol=0, atol=STATE_TOL)
    assert not trace.h[0].any() and not trace.c[0].any()


@pytest.mark.parametrize("H, T, B, inputs, actions", SHAPES)
def test_loss_and_gradient_equal_the_equations_with_masks(H, T, B, inputs, actions):
    brain, xs, labels, mask = brain_and_rounds(H, T, B, inputs, actions, seed=H + 100)
    weights = mask.astype(np.float64)
    weights[0] *= 3.0  # the trainer weighs first moves more
    for m in (mask, weights, None):
        loss, grad = brain.loss_and_gradient(xs, labels, m)
        ref_loss, ref_grad, _ = reference_loss_and_gradient(brain.params, xs, labels, m)
        assert loss == pytest.approx(ref_loss, rel=1e-13)
        fused = brain._views(grad)
        assert set(fused) == set(ref_grad)
        for name, value in ref_grad.items():
            assert np.abs(value).max() > 1e-3, name  # every block really is compared
            np.testing.assert_allclose(fused[name], value, **GRAD_TOL, err_msg=name)


def test_masked_steps_count_for_nothing_in_both():
    brain, xs, labels, mask = brain_and_rounds(6, 6, 4, seed=7)
    other = labels.copy()
    other[~mask] = (other[~mask] + 1) % 4
    _, grad = brain.loss_and_gradient(xs, other, mask)
    _, ref_grad, _ = reference_loss_and_gradient(brain.params, xs, labels, mask)
    for name, value in brain._views(grad).items():
        np.testing.assert_allclose(value, ref_grad[name], **GRAD_TOL, err_msg=name)
    nothing = np.zeros_like(mask)
    loss, grad = brain.loss_and_gradient(xs, labels, nothing)
    ref_loss, ref_grad, _ = reference_loss_and_gradient(brain.params, xs, labels, nothing)
    assert loss == ref_loss == 0.0 and not grad.any() and not any(v.any() for v in ref_grad.values())


def test_a_partly_filled_trace_equals_the_equations_over_its_steps():
    # Play fills a trace step by step and stops when every round is over, short of its room.
    brain, xs, labels, mask = brain_and_rounds(8, 9, 6, seed=11)
    trace = brain.start(6, 9)
    moves = [trace.moves(xs[t]) for t in range(5)]
    run = reference_forward(brain.params, xs[:5])
    for t in range(5):
        np.testing.assert_array_equal(moves[t], np.argmax(run.y[t], axis=1))
    loss, grad = trace.loss_and_gradient(labels[:5], mask[:5])
    ref_loss, ref_grad, _ = reference_loss_and_gradient(brain.params, xs[:5], labels[:5], mask[:5])
    assert loss == pytest.approx(ref_loss, rel=1e-13)
    for name, value in brain._views(grad).items():
        np.testing.assert_allclose(value, ref_grad[name], **GRAD_TOL, err_msg=name)


def test_the_play_step_equals_the_equations():
    brain, xs, _, _ = brain_and_rounds(16, 12, 1, seed=13)
    run = reference_forward(brain.params, xs)
    brain.reset()
    for t in range(12):
        move = brain.step(xs[t, 0])
        np.testing.assert_allclose(brain.logits, run.y[t][0], rtol=0, atol=STATE_TOL)
        np.testing.assert_allclose(brain.h, run.h[t][0], rtol=0, atol=STATE_TOL)
        np.testing.assert_allclose(brain.c, run.c[t][0], rtol=0, atol=STATE_TOL)
        assert move == int(np.argmax(run.y[t][0]))


def assert_matches_finite_differences(grad: dict, params: dict, loss_of) -> None:
    """Each parameter's gradient against central differences of loss_of(params with that one entry moved)."""
    eps = 1e-6
    for name, p in params.items():
        numeric = np.empty_like(p)
        for idx in np.ndindex(p.shape):
            values = {k: v.copy() for k, v in params.items()}
            values[name][idx] += eps
            up = loss_of(values)
            values[name][idx] -= 2 * eps
            down = loss_of(values)
            numeric[idx] = (up - down) / (2 * eps)
        np.testing.assert_allclose(grad[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


def test_the_reference_gradient_matches_finite_differences():
    brain, xs, labels, mask = brain_and_rounds(3, 5, 3, seed=17)
    _, grad, _ = reference_loss_and_gradient(brain.params, xs, labels, mask)
    assert_matches_finite_differences(grad, brain.params, lambda values: reference_loss_and_gradient(
        values, xs, labels, mask)[0])


# -- sets of equally good moves: −log Σ_{a∈best} p_a ---------------------------------------------------------


def best_sets(labels: np.ndarray, actions: int, seed: int) -> np.ndarray:
    """Sets holding the label and each other move with chance ½ (ties, as the solved game has them)."""
    rng = np.random.default_rng(seed)
    return (rng.random(labels.shape + (actions,)) < 0.5) | (np.arange(actions) == labels[..., None])


@pytest.mark.parametrize("H, T, B, inputs, actions", SHAPES)
def test_set_loss_and_gradient_equal_the_equations(H, T, B, inputs, actions):
    brain, xs, labels, mask = brain_and_rounds(H, T, B, inputs, actions, seed=H + 200)
    best = best_sets(labels, actions, seed=H)
    best[~mask] = False  # padded steps carry no set
    for m in (mask, None):
        loss, grad = brain.loss_and_gradient(xs, best, m)
        ref_loss, ref_grad, _ = reference_loss_and_gradient(brain.params, xs, best, m)
        assert loss == pytest.approx(ref_loss, rel=1e-13)
        fused = brain._views(grad)
        for name in ref_grad:
            np.testing.assert_allclose(fused[name], ref_grad[name], **GRAD_TOL, err_msg=name)


def test_sets_of_one_move_are_the_cross_entropy_exactly():
    brain, xs, labels, mask = brain_and_rounds(8, 6, 4, seed=31)
    one = np.arange(4) == labels[..., None]
    loss_a, grad_a = brain.loss_and_gradient(xs, labels, mask)
    loss_b, grad_b = brain.loss_and_gradient(xs, one, mask)
    assert loss_b == pytest.approx(loss_a, rel=1e-13)
    np.testing.assert_allclose(grad_b, grad_a, rtol=1e-12, atol=1e-15)


def test_a_set_of_every_move_teaches_nothing_and_a_tie_is_not_broken():
    """A step where all four moves are best adds no loss and no gradient; the gradient never pushes one best move
    against another: on the set's logits it is p_a − p_a/P(set), the same sign for every move of the set."""
    brain, xs, labels, mask = brain_and_rounds(8, 5, 3, seed=37)
    everything = np.ones(labels.shape + (4,), dtype=bool)
    loss, grad = brain.loss_and_gradient(xs, everything, mask)
    assert loss == pytest.approx(0.0, abs=1e-12) and np.abs(grad).max() < 1e-12
    from game.brain_np import set_loss

    logits = np.random.default_rng(3).normal(size=(4, 6, 4)) * 3
    best = best_sets(np.zeros((4, 6), dtype=int), 4, seed=5)
    _, dy = set_loss(logits, best, None, np.float64)
    assert (dy[best] <= 0).all() and (dy[~best] >= 0).all()


def test_the_reference_set_gradient_matches_finite_differences():
    brain, xs, labels, mask = brain_and_rounds(3, 5, 3, seed=41)
    best = best_sets(labels, 4, seed=43)
    _, grad, _ = reference_loss_and_gradient(brain.params, xs, best, mask)
    assert_matches_finite_differences(grad, brain.params, lambda values: reference_loss_and_gradient(
        values, xs, best, mask)[0])


def test_the_set_loss_is_minus_log_of_the_sets_probability_even_far_from_it():
    """Direct: logits that give the set almost nothing (e^-200 in float64) still give a finite loss of about 200
    and a gradient of about p − one-hot on the set's best move, not NaN."""
    from game.brain_np import set_loss

    logits = np.array([[[0.0, -200.0, -250.0, 0.0]]])
    best = np.array([[[False, True, True, False]]])
    loss, dy = set_loss(logits, best, None, np.float64)
    expected = np.log(2.0) - np.log(np.exp(-200.0) + np.exp(-250.0))
    assert np.isfinite(loss) and loss == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(dy[0, 0], [0.5, -1.0, 0.0, 0.5], atol=1e-12)


@pytest.mark.parametrize("tie_weight", [0.0, 0.25, 1.0])
def test_the_set_with_the_teachers_tie_break_equals_the_equations(tie_weight):
    brain, xs, labels, mask = brain_and_rounds(8, 6, 5, seed=51)
    best = best_sets(labels, 4, seed=53)
    best[~mask] = False
    logits, trace = brain.forward(xs)
    loss, grad = imitation_loss(brain, logits, trace, labels, mask, best, tie_weight)
    ref_loss, ref_grad, _ = reference_loss_and_gradient(brain.params, xs, labels, mask, best, tie_weight)
    assert loss == pytest.approx(ref_loss, rel=1e-13)
    fused = brain._views(grad)
    for name in ref_grad:
        np.testing.assert_allclose(fused[name], ref_grad[name], **GRAD_TOL, err_msg=name)
    if tie_weight == 1.0:  # −log P(S) − log P(label | S) = −log p_label: the cross-entropy
        ce_loss, ce_grad = brain.loss_and_gradient(xs, labels, mask)
        assert loss == pytest.approx(ce_loss, rel=1e-12)
        np.testing.assert_allclose(grad, ce_grad, rtol=1e-10, atol=1e-14)


def test_the_reference_tie_break_gradient_matches_finite_differences():
    brain, xs, labels, mask = brain_and_rounds(3, 4, 3, seed=61)
    best = best_sets(labels, 4, seed=63)
    _, grad, _ = reference_loss_and_gradient(brain.params, xs, labels, mask, best, 0.3)
    eps = 1e-6
    for name, p in brain.params.items():
        numeric = np.empty_like(p)
        for idx in np.ndindex(p.shape):
            values = {k: v.copy() for k, v in brain.params.items()}
            values[name][idx] += eps
            up = reference_loss_and_gradient(values, xs, labels, mask, best, 0.3)[0]
            values[name][idx] -= 2 * eps
            down = reference_loss_and_gradient(values, xs, labels, mask, best, 0.3)[0]
            numeric[idx] = (up - down) / (2 * eps)
        np.testing.assert_allclose(grad[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)
