"""The brains (game/brain_np.py): gradients by finite differences, the LSTM against torch.nn.LSTM, the stateful
play step against the batched forward, Adam with clipping, the post's network's update rule, and the one brain
interface and registry both brains serve."""

from __future__ import annotations

import io

import numpy as np
import pytest

from game.arena import CAT_MOVE_NAMES, MOUSE_MOVE_NAMES
from game.brain_np import (
    ACTIONS,
    BRAIN_TYPES,
    FEATURES,
    Adam,
    Brain,
    LSTMBrain,
    MLPBrain,
    PostBrain,
    WindowBrain,
    brain_type,
    imitation_loss,
    post_move,
    register,
    softmax,
)
from game.brains import brainfile
from game.brains.tasks import SEED_TASK, play

TORCH_REASON = "torch is not installed (pip install torch==2.13.0)"


def sequences(T: int, B: int, seed: int, dtype=np.float32) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs like the arena's (values in [0, 1]), teacher labels and a ragged mask (rounds ending early)."""
    rng = np.random.default_rng(seed)
    xs = rng.random((T, B, 4)).astype(dtype)
    labels = rng.integers(0, 4, size=(T, B))
    lengths = rng.integers(1, T + 1, size=B)
    lengths[0] = T
    mask = np.arange(T)[:, None] < lengths[None, :]
    return xs, labels, mask


def loss_of(brain: LSTMBrain, theta: np.ndarray, xs, labels, mask) -> float:
    saved = brain.theta.copy()
    brain.theta[:] = theta
    brain.changed()
    loss, _ = brain.loss_and_gradient(xs, labels, mask)
    brain.theta[:] = saved
    brain.changed()
    return loss


# -- LSTM: gradient ------------------------------------------------------------------------------------------


def test_lstm_gradient_matches_finite_differences_float64():
    brain = LSTMBrain(hidden_size=3, seed=1, dtype=np.float64)
    brain.theta += np.random.default_rng(2).normal(0, 0.3, size=brain.theta.shape)  # off the init's symmetries
    brain.changed()
    xs, labels, mask = sequences(T=5, B=3, seed=3, dtype=np.float64)
    loss, grad = brain.loss_and_gradient(xs, labels, mask)
    assert grad.shape == brain.theta.shape and grad.dtype == np.float64
    eps = 1e-6
    numeric = np.empty_like(grad)
    for j in range(brain.theta.size):
        plus, minus = brain.theta.copy(), brain.theta.copy()
        plus[j] += eps
        minus[j] -= eps
        numeric[j] = (loss_of(brain, plus, xs, labels, mask) - loss_of(brain, minus, xs, labels, mask)) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)
    # Every parameter block gets a gradient (none is silently left at zero).
    views = brain._views(grad)
    for name, block in views.items():
        assert np.abs(block).max() > 0, name


def test_gradient_of_a_big_batch_is_the_weighted_mean_of_its_halves():
    # The loss is a mean over masked steps, so the whole batch's gradient is the step-weighted mean of its parts'.
    # Long batches (T·B in the hundreds) exercise the blocked weight-gradient sums as well.
    brain = LSTMBrain(hidden_size=16, seed=30, dtype=np.float64)
    xs, labels, mask = sequences(T=10, B=80, seed=31, dtype=np.float64)
    loss, grad = brain.loss_and_gradient(xs, labels, mask)
    parts = [brain.loss_and_gradient(xs[:, s], labels[:, s], mask[:, s]) for s in (slice(0, 30), slice(30, 80))]
    counts = [mask[:, :30].sum(), mask[:, 30:].sum()]
    assert loss == pytest.approx((parts[0][0] * counts[0] + parts[1][0] * counts[1]) / sum(counts), rel=1e-12)
    expected = (parts[0][1] * counts[0] + parts[1][1] * counts[1]) / sum(counts)
    np.testing.assert_allclose(grad, expected, rtol=1e-9, atol=1e-13)


def test_masked_steps_do_not_count():
    brain = LSTMBrain(hidden_size=5, seed=4, dtype=np.float64)
    xs, labels, mask = sequences(T=6, B=4, seed=5, dtype=np.float64)
    loss, grad = brain.loss_and_gradient(xs, labels, mask)
    # Changing labels at masked-out steps changes nothing.
    other = labels.copy()
    other[~mask] = (other[~mask] + 1) % 4
    loss2, grad2 = brain.loss_and_gradient(xs, other, mask)
    assert loss == loss2
    np.testing.assert_array_equal(grad, grad2)
    # The loss is the mean cross-entropy over the masked steps, computed directly.
    logits, _ = brain.forward(xs)
    p = softmax(logits)
    picked = np.take_along_axis(p, labels[..., None], axis=-1)[..., 0]
    assert loss == pytest.approx(float(-np.log(picked)[mask].mean()), rel=1e-12)
    # No mask means every step.
    loss_all, _ = brain.loss_and_gradient(xs, labels)
    assert loss_all == pytest.approx(float(-np.log(picked).mean()), rel=1e-12)


# -- LSTM: play step, trace, state -----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype, tol", [(np.float32, 2e-6), (np.float64, 1e-12)])
def test_step_equals_forward_over_a_sequence(dtype, tol):
    brain = LSTMBrain(hidden_size=16, seed=6, dtype=dtype)
    xs, _, _ = sequences(T=12, B=1, seed=7, dtype=dtype)
    logits, trace = brain.forward(xs)
    brain.reset_state()
    for t in range(12):
        move = brain.step(xs[t, 0])
        assert brain.logits.dtype == dtype
        np.testing.assert_allclose(brain.logits, logits[t, 0], rtol=0, atol=tol)
        np.testing.assert_allclose(brain.h, trace.h[t + 1, 0], rtol=0, atol=tol)
        np.testing.assert_allclose(brain.c, trace.c[t + 1, 0], rtol=0, atol=tol)
        assert move == int(np.argmax(logits[t, 0]))
        p = brain.probabilities()
        assert p.sum() == pytest.approx(1.0) and int(np.argmax(p)) == move


def test_trace_step_equals_forward_and_backward_of_a_partial_trace():
    brain = LSTMBrain(hidden_size=8, seed=8, dtype=np.float64)
    xs, labels, mask = sequences(T=7, B=5, seed=9, dtype=np.float64)
    logits, _ = brain.forward(xs[:4])
    trace = brain.start(5, 7)  # room for 7 steps, only 4 taken (a round batch that ended early)
    for t in range(4):
        np.testing.assert_allclose(trace.step(xs[t]), logits[t], rtol=0, atol=1e-12)
    np.testing.assert_allclose(trace.logits(), logits, rtol=0, atol=1e-12)
    loss_a, grad_a = imitation_loss(brain, trace.logits(), trace, labels[:4], mask[:4])
    loss_b, grad_b = brain.loss_and_gradient(xs[:4], labels[:4], mask[:4])
    assert loss_a == pytest.approx(loss_b, rel=1e-12)
    np.testing.assert_allclose(grad_a, grad_b, rtol=1e-10, atol=1e-14)


def test_reset_state_clears_memory():
    brain = LSTMBrain(hidden_size=8, seed=10)
    xs, _, _ = sequences(T=5, B=1, seed=11)
    first = []
    brain.reset_state()
    for t in range(5):
        brain.step(xs[t, 0])
        first.append(brain.logits.copy())
    assert np.abs(brain.h).max() > 0 and np.abs(brain.c).max() > 0
    brain.reset_state()
    assert not brain.h.any() and not brain.c.any() and not brain.logits.any()
    for t in range(5):
        brain.step(xs[t, 0])
        np.testing.assert_array_equal(brain.logits, first[t])
    # Without the reset the memory carries over and the same inputs give different outputs.
    brain.step(xs[0, 0])
    assert not np.array_equal(brain.logits, first[0])


def test_changed_makes_the_play_step_see_new_weights():
    brain = LSTMBrain(hidden_size=6, seed=12)
    x = np.array([0.2, 0.4, 0.6, 0.8], dtype=np.float32)
    brain.reset_state()
    brain.step(x)
    before = brain.logits.copy()
    brain.theta *= 1.5
    brain.changed()
    brain.reset_state()
    brain.step(x)
    assert not np.allclose(brain.logits, before)
    logits, _ = brain.forward(x.reshape(1, 1, 4))
    np.testing.assert_allclose(brain.logits, logits[0, 0], atol=2e-6)


def test_copy_is_independent():
    brain = LSTMBrain(hidden_size=6, seed=13)
    twin = brain.copy()
    np.testing.assert_array_equal(twin.theta, brain.theta)
    assert twin.dtype == brain.dtype and twin.hidden_size == 6
    x = np.array([0.1, 0.9, 0.5, 0.5], dtype=np.float32)
    brain.reset_state()
    twin.reset_state()
    assert brain.step(x) == twin.step(x)
    np.testing.assert_array_equal(twin.logits, brain.logits)
    saved = brain.theta.copy()
    twin.theta += 1.0
    twin.params["head.bias"][:] = 7.0
    twin.changed()
    np.testing.assert_array_equal(brain.theta, saved)
    assert not np.shares_memory(twin.theta, brain.theta)
    twin.step(x)
    brain.step(x)
    assert not np.allclose(twin.logits, brain.logits)


def test_params_are_views_into_theta_with_torch_layout():
    H = 5
    brain = LSTMBrain(hidden_size=H, seed=14)
    shapes = {name: p.shape for name, p in brain.params.items()}
    assert shapes == {"lstm.weight_ih_l0": (4 * H, 4), "lstm.weight_hh_l0": (4 * H, H), "lstm.bias_ih_l0": (4 * H,),
                      "lstm.bias_hh_l0": (4 * H,), "head.weight": (4, H), "head.bias": (4,)}
    assert sum(p.size for p in brain.params.values()) == brain.theta.size
    for p in brain.params.values():
        assert np.shares_memory(p, brain.theta)
    assert ACTIONS == ("Up", "Right", "Down", "Left")
    assert FEATURES == ("cat_x", "cat_y", "mouse_x", "mouse_y")


def test_init_forget_gate_bias_is_one_and_is_seeded():
    H = 7
    brain = LSTMBrain(hidden_size=H, seed=15)
    forget = brain.params["lstm.bias_ih_l0"][H : 2 * H] + brain.params["lstm.bias_hh_l0"][H : 2 * H]
    np.testing.assert_array_equal(forget, np.ones(H, dtype=np.float32))
    # Other biases and weights are PyTorch's U(-1/sqrt(H), 1/sqrt(H)).
    others = np.concatenate([brain.params["lstm.bias_ih_l0"][:H], brain.params["lstm.weight_hh_l0"].ravel()])
    assert np.abs(others).max() <= 1 / np.sqrt(H)
    np.testing.assert_array_equal(LSTMBrain(hidden_size=H, seed=15).theta, brain.theta)
    assert not np.array_equal(LSTMBrain(hidden_size=H, seed=16).theta, brain.theta)


# -- Adam with clipping ------------------------------------------------------------------------------------------


def test_adam_clips_to_the_clip_norm():
    grad = np.array([3.0, -4.0, 0.0, 12.0], dtype=np.float64)  # norm 13
    adam = Adam(4, lr=0.01, clip=2.0, dtype=np.float64)
    theta = np.zeros(4)
    assert adam.step(theta, grad) == pytest.approx(13.0)  # the norm before clipping
    # After one step m = (1 - β1) · g_used, so the gradient actually used had norm = clip.
    used = adam.m / (1 - adam.beta1)
    assert np.linalg.norm(used) == pytest.approx(2.0, rel=1e-12)
    np.testing.assert_allclose(used, grad * 2.0 / 13.0, rtol=1e-12)
    # A gradient under the clip is used as is.
    small = Adam(4, lr=0.01, clip=100.0, dtype=np.float64)
    small.step(np.zeros(4), grad)
    np.testing.assert_allclose(small.m / (1 - small.beta1), grad, rtol=1e-12)


def test_adam_steps_match_a_hand_computation():
    lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8
    theta0 = np.array([0.5, -1.0, 2.0])
    g1 = np.array([0.1, -0.2, 0.0])
    g2 = np.array([-0.3, 0.1, 0.05])
    adam = Adam(3, lr=lr, betas=(b1, b2), eps=eps, clip=None, dtype=np.float64)
    theta = theta0.copy()
    adam.step(theta, g1)
    # Step 1: m̂ = g and v̂ = g², so each coordinate moves by about lr against its gradient's sign.
    # This Adam folds the bias corrections into the step size: lr·√(1-β2^t)/(1-β1^t) · m / (√v + ε).
    m1, v1 = (1 - b1) * g1, (1 - b2) * g1**2
    expected1 = theta0 - lr * np.sqrt(1 - b2) / (1 - b1) * m1 / (np.sqrt(v1) + eps)
    np.testing.assert_allclose(theta, expected1, rtol=1e-12)
    np.testing.assert_allclose(theta[:2], theta0[:2] - lr * np.sign(g1[:2]), rtol=1e-6)
    assert theta[2] == theta0[2]
    adam.step(theta, g2)
    m2, v2 = b1 * m1 + (1 - b1) * g2, b2 * v1 + (1 - b2) * g2**2
    expected2 = expected1 - lr * np.sqrt(1 - b2**2) / (1 - b1**2) * m2 / (np.sqrt(v2) + eps)
    np.testing.assert_allclose(theta, expected2, rtol=1e-12)
    assert adam.t == 2


def test_adam_state_and_restore():
    adam = Adam(3, lr=0.1, clip=1.0, dtype=np.float64)
    theta = np.zeros(3)
    adam.step(theta, np.array([1.0, 2.0, 3.0]))
    saved, theta_saved = adam.state(), theta.copy()
    adam.step(theta, np.array([-5.0, 0.0, 1.0]))
    after = theta.copy()
    adam.restore(saved)
    theta[:] = theta_saved
    adam.step(theta, np.array([-5.0, 0.0, 1.0]))
    np.testing.assert_array_equal(theta, after)
    # state() is a copy, not a view that later steps would change.
    m, v, t = adam.state()
    adam.step(theta, np.array([1.0, 1.0, 1.0]))
    assert not np.array_equal(m, adam.m) and t == 2


def test_adam_lowers_an_lstm_loss():
    brain = LSTMBrain(hidden_size=8, seed=17)
    xs, labels, mask = sequences(T=6, B=16, seed=18)
    adam = Adam(brain.theta.size, lr=0.02, clip=1.0)
    first, _ = brain.loss_and_gradient(xs, labels, mask)
    for _ in range(60):
        _, grad = brain.loss_and_gradient(xs, labels, mask)
        adam.step(brain.theta, grad)
        brain.changed()
    last, _ = brain.loss_and_gradient(xs, labels, mask)
    assert last < 0.8 * first


# -- the post's network ------------------------------------------------------------------------------------------


def post_loss(brain: PostBrain, xs: list[np.ndarray], targets: list[np.ndarray]) -> float:
    h = np.zeros((xs[0].shape[0], brain.hidden_size))
    total = 0.0
    for x, target in zip(xs, targets, strict=True):
        h, y = brain.forward_step(x, h)
        total += 0.5 * float(((target - y) ** 2).sum())
    return total


def run_post(brain: PostBrain, xs: list[np.ndarray]):
    hs = [np.zeros((xs[0].shape[0], brain.hidden_size))]
    ys = []
    for x in xs:
        h, y = brain.forward_step(x, hs[-1])
        hs.append(h)
        ys.append(y)
    return hs, ys


@pytest.mark.parametrize("batch", [1, 3])
def test_post_update_is_minus_alpha_times_the_gradient(batch):
    rng = np.random.default_rng(19)
    brain = PostBrain(hidden_size=5, rng=np.random.default_rng(20), alpha=0.1)
    T = 6
    xs = [rng.random((batch, 4)) for _ in range(T)]
    targets = [rng.choice([0.125, 0.375, 0.625, 0.875], size=(batch, 1)) for _ in range(T)]
    eps = 1e-6
    numeric = {}
    for name, p in brain.params.items():
        g = np.empty_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            up = post_loss(brain, xs, targets)
            p[idx] = old - eps
            down = post_loss(brain, xs, targets)
            p[idx] = old
            g[idx] = (up - down) / (2 * eps)
        numeric[name] = g
    before = {name: p.copy() for name, p in brain.params.items()}
    hs, ys = run_post(brain, xs)
    brain.learn_from_game(xs, hs, ys, targets)
    for name, p in brain.params.items():
        assert np.abs(numeric[name]).max() > 1e-6, name
        np.testing.assert_allclose(p - before[name], -0.1 * numeric[name], rtol=1e-5, atol=1e-10, err_msg=name)
    # The update lowers the loss.
    assert post_loss(brain, xs, targets) < post_loss_of(before, brain, xs, targets)


def post_loss_of(params: dict[str, np.ndarray], like: PostBrain, xs, targets) -> float:
    other = like.copy()
    for name, p in params.items():
        other.params[name][...] = p
    return post_loss(other, xs, targets)


def test_post_brain_init_step_and_copy():
    brain = PostBrain(hidden_size=16, rng=np.random.default_rng(0))
    # Drawn in the post's order S0, S1, Sh, uniform in [-1, 1].
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(brain.params["synapse_0"], 2 * rng.random((4, 16)) - 1)
    np.testing.assert_array_equal(brain.params["synapse_1"], 2 * rng.random((16, 1)) - 1)
    np.testing.assert_array_equal(brain.params["synapse_h"], 2 * rng.random((16, 16)) - 1)
    assert brain.arch == "post_rnn" and brain.hidden_size == 16
    xs = [np.random.default_rng(1).random((1, 4)) for _ in range(3)]
    hs, ys = run_post(brain, xs)
    brain.reset_state()
    twin = brain.copy()
    for t, x in enumerate(xs):
        move = brain.step(x[0])
        assert brain.output == pytest.approx(float(ys[t][0, 0]), abs=1e-15)
        assert move == int(post_move(ys[t][:, 0])[0])
        np.testing.assert_allclose(brain.h, hs[t + 1], atol=1e-15)
        assert int(np.argmax(brain.probabilities())) == move
    twin.params["synapse_1"][:] = 0.0
    assert np.abs(brain.params["synapse_1"]).max() > 0
    assert twin.step(xs[0][0]) == 2 and twin.output == 0.5  # a zero output layer gives σ(0) = 0.5: Down


def test_post_move_reads_quarters():
    y = np.array([0.0, 0.24, 0.25, 0.49, 0.5, 0.74, 0.75, 1.0])
    assert post_move(y).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]


# -- against torch.nn.LSTM --------------------------------------------------------------------------------------


def test_lstm_equals_torch_forward_and_gradients():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    torch.manual_seed(0)
    H, T, B = 32, 10, 24  # big enough that T·B-long weight-gradient sums are taken in pieces
    brain = LSTMBrain(hidden_size=H, seed=21)
    brain.theta += np.random.default_rng(22).normal(0, 0.2, size=brain.theta.shape).astype(np.float32)
    brain.changed()
    lstm = torch.nn.LSTM(4, H)
    head = torch.nn.Linear(H, 4)
    named = {f"lstm.{k}": v for k, v in lstm.named_parameters()}
    named.update({f"head.{k}": v for k, v in head.named_parameters()})
    assert set(named) == set(brain.params)
    with torch.no_grad():
        for name, value in named.items():
            assert tuple(value.shape) == brain.params[name].shape, name
            value.copy_(torch.from_numpy(brain.params[name].copy()))
    xs, labels, mask = sequences(T=T, B=B, seed=23)
    out, _ = lstm(torch.from_numpy(xs))
    logits_t = head(out)
    logits, trace = brain.forward(xs)
    assert logits.dtype == np.float32
    np.testing.assert_allclose(logits, logits_t.detach().numpy(), rtol=0, atol=1e-5)
    # The masked mean cross-entropy over the steps that happened.
    m = torch.from_numpy(mask.astype(np.float32))
    per_step = torch.nn.functional.cross_entropy(logits_t.reshape(-1, 4), torch.from_numpy(labels).reshape(-1),
                                                 reduction="none").reshape(T, B)
    loss_t = (per_step * m).sum() / m.sum()
    loss_t.backward()
    loss, grad = imitation_loss(brain, logits, trace, labels, mask)
    assert loss == pytest.approx(float(loss_t.detach()), abs=1e-5)
    views = brain._views(grad)
    for name, value in named.items():
        np.testing.assert_allclose(views[name], value.grad.numpy(), rtol=0, atol=1e-5, err_msg=name)
    # The play step agrees too, one round at a time.
    for b in range(2):
        brain.reset_state()
        for t in range(T):
            brain.step(xs[t, b])
            np.testing.assert_allclose(brain.logits, logits_t[t, b].detach().numpy(), rtol=0, atol=1e-5)


def test_set_loss_equals_torch_autograd():
    """−log Σ_{a∈S} p_a − λ log P(label | S), written in torch (logsumexp over the set) and differentiated by its
    autograd, against set_loss's loss and dL/dlogits."""
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    from game.brain_np import set_loss

    rng = np.random.default_rng(71)
    logits = rng.normal(0, 3, size=(6, 9, 4))
    labels = rng.integers(0, 4, size=(6, 9))
    best = (rng.random((6, 9, 4)) < 0.4) | (np.arange(4) == labels[..., None])
    mask = rng.random((6, 9)) < 0.8
    y = torch.tensor(logits, requires_grad=True)
    in_set = torch.where(torch.from_numpy(best), y, torch.tensor(-torch.inf, dtype=y.dtype))
    log_set = torch.logsumexp(in_set, dim=-1)
    picked = y.gather(-1, torch.from_numpy(labels)[..., None])[..., 0]
    per_step = torch.logsumexp(y, dim=-1) - log_set + 0.25 * (log_set - picked)
    m = torch.from_numpy(mask.astype(np.float64))
    loss_t = (per_step * m).sum() / m.sum()
    loss_t.backward()
    loss, dy = set_loss(logits, best, mask, np.float64, labels, 0.25)
    assert loss == pytest.approx(float(loss_t), rel=1e-12)
    np.testing.assert_allclose(dy, y.grad.numpy(), rtol=0, atol=1e-12)


def test_set_loss_gradient_matches_finite_differences_on_the_logits():
    from game.brain_np import set_loss

    rng = np.random.default_rng(73)
    logits = rng.normal(0, 2, size=(3, 4, 4))
    labels = rng.integers(0, 4, size=(3, 4))
    best = (rng.random((3, 4, 4)) < 0.5) | (np.arange(4) == labels[..., None])
    _, dy = set_loss(logits, best, None, np.float64, labels, 0.4)
    numeric = np.empty_like(logits)
    for idx in np.ndindex(logits.shape):
        up, down = logits.copy(), logits.copy()
        up[idx] += 1e-6
        down[idx] -= 1e-6
        numeric[idx] = (set_loss(up, best, None, np.float64, labels, 0.4)[0]
                        - set_loss(down, best, None, np.float64, labels, 0.4)[0]) / 2e-6
    np.testing.assert_allclose(dy, numeric, rtol=1e-6, atol=1e-9)


# -- one interface, one registry ------------------------------------------------------------------------------


def test_every_brain_type_is_registered_once_by_its_architecture_name():
    assert BRAIN_TYPES == {"lstm": LSTMBrain, "post_rnn": PostBrain, "mlp": MLPBrain, "window": WindowBrain}
    assert brain_type("lstm") is LSTMBrain and brain_type("post_rnn") is PostBrain and brain_type("mlp") is MLPBrain
    assert brain_type("post") is PostBrain  # the trainer's --arch spelling
    assert brainfile.ARCHITECTURES == tuple(BRAIN_TYPES)
    with pytest.raises(ValueError, match=r"unknown brain architecture 'gru' \(known: lstm, mlp, window, post_rnn\)"):
        brain_type("gru")

    class Twin(LSTMBrain):
        arch = "post"  # already PostBrain's alias

    with pytest.raises(ValueError, match="registered twice"):
        register(Twin)
    assert BRAIN_TYPES == {"lstm": LSTMBrain, "post_rnn": PostBrain, "mlp": MLPBrain, "window": WindowBrain}


def test_a_brain_type_missing_a_method_cannot_be_made():
    class Half(Brain):
        arch = "half"

        @classmethod
        def array_shapes(cls, hidden, inputs=4, actions=4):
            return {}

    with pytest.raises(TypeError, match="abstract"):
        Half()


@pytest.mark.parametrize("kind", [LSTMBrain, PostBrain])
def test_both_brains_describe_themselves_as_their_files_do(kind):
    brain = kind(6)
    assert isinstance(brain, Brain) and brain.meta == {}
    assert brain.role == "mouse" and brain.features == FEATURES and brain.actions == ACTIONS == MOUSE_MOVE_NAMES
    assert (brain.input_size, brain.n_actions) == (4, 4)
    assert brain.describe() == {"architecture": kind.arch, "hidden_size": 6, "role": "mouse",
                                "input_features": list(FEATURES), "actions": list(ACTIONS)}
    shapes = kind.array_shapes(6)
    saved = np.load(io.BytesIO(brainfile.brain_bytes(brain)))  # a file holds exactly the type's arrays
    assert {k: saved[k].shape for k in saved.files if k != "meta"} == shapes
    assert {k: v.shape for k, v in brain.params.items()} == shapes and list(brain.params) == list(shapes)
    assert sum(p.size for p in brain.params.values()) == brain.theta.size
    assert all(np.shares_memory(p, brain.theta) for p in brain.params.values())


def test_a_cats_brain_with_eight_king_moves_and_a_cat_seen_input():
    # What the open issues will add: role "cat", eight moves named in meta, a fifth input flag.
    features = (*FEATURES, "cat_seen")
    brain = LSTMBrain(8, seed=1, features=features, actions=CAT_MOVE_NAMES, role="cat")
    assert (brain.input_size, brain.n_actions, brain.role) == (5, 8, "cat")
    assert brain.describe()["actions"] == list(CAT_MOVE_NAMES) and brain.describe()["input_features"] == list(features)
    assert brain.params["head.weight"].shape == (8, 8) and brain.params["lstm.weight_ih_l0"].shape == (32, 5)
    xs = np.random.default_rng(2).random((6, 3, 5))
    labels = np.random.default_rng(3).integers(0, 8, size=(6, 3))
    brain.reset()
    moves = {brain.step(x) for x in xs[:, 0]}
    assert moves <= set(range(8)) and len(brain.probabilities()) == 8
    loss, grad = brain.loss_and_gradient(xs.astype(np.float32), labels)
    assert np.isfinite(loss) and grad.shape == brain.theta.shape
    twin = brain.copy()
    assert (twin.features, twin.actions, twin.role) == (features, CAT_MOVE_NAMES, "cat")
    with pytest.raises(ValueError, match="4 input names given for 5 inputs"):
        LSTMBrain(4, 5, features=FEATURES)
    with pytest.raises(ValueError, match="role 'dog'"):
        LSTMBrain(4, role="dog")
    with pytest.raises(ValueError, match="by quarters: 4 moves, not 8"):
        PostBrain(4, actions=CAT_MOVE_NAMES)


@pytest.mark.parametrize("kind", [LSTMBrain, PostBrain])
def test_batched_play_makes_the_moves_one_round_at_a_time_makes(kind):
    """tasks.play steps every round at once through brain.start(...).moves; the game steps one round with
    brain.step. Both must choose the same move at every step."""
    brain = kind(8)
    rounds = play(SEED_TASK, 40, np.random.default_rng(4), brain)
    assert rounds.trace is not None and rounds.trace.t == int(rounds.mask.any(axis=1).sum())
    for i in range(40):
        brain.reset()
        for t in np.flatnonzero(rounds.mask[:, i]):
            assert brain.step(rounds.x[t, i]) == rounds.moves[t, i]


@pytest.mark.parametrize("kind", [LSTMBrain, PostBrain])
def test_memory_readout_and_copy(kind):
    brain = kind(5)
    brain.meta = {"teacher": "optimal"}
    brain.reset()
    brain.step(np.array([0.2, 0.4, 0.6, 0.8], dtype=np.float32))
    names = [name for name, _, _ in brain.memory()]
    h = np.asarray(brain.h, dtype=np.float64).reshape(-1)
    if kind is LSTMBrain:
        assert names == ["h", "c"] and brain.readout() is None
        np.testing.assert_array_equal(brain.memory()[1][1], np.tanh(np.asarray(brain.c, dtype=np.float64)))
        np.testing.assert_array_equal(brain.memory()[0][1], h)
    else:
        assert names == ["h"] and brain.readout() == f"output {brain.output:.3f}, read by quarters"
        np.testing.assert_array_equal(brain.memory()[0][1], 2.0 * h - 1.0)
    assert all(np.abs(values).max() <= 1.0 for _, values, _ in brain.memory())
    twin = brain.copy()
    assert twin.meta == brain.meta and twin.meta is not brain.meta
    np.testing.assert_array_equal(twin.theta, brain.theta)
    twin.theta += 1.0
    assert not np.shares_memory(twin.theta, brain.theta) and not np.array_equal(twin.theta, brain.theta)


def test_post_loss_and_gradient_is_its_update_rule():
    # The post's SGD after one round equals its optimizer's step on loss_and_gradient, to the bit; and the
    # gradient is the gradient of the loss it returns, masked steps left out.
    brain = PostBrain(5, rng=np.random.default_rng(5))
    rng = np.random.default_rng(6)
    xs = rng.random((8, 1, 4)).astype(np.float32)
    labels = rng.integers(0, 4, size=(8, 1))
    twin = brain.copy()
    x64 = [xs[t].astype(np.float64) for t in range(8)]
    hs, ys = run_post(twin, x64)
    twin.learn_from_game(x64, hs, ys, [np.array([[(0.125, 0.375, 0.625, 0.875)[k]]]) for k in labels[:, 0]])
    _, grad = brain.loss_and_gradient(xs, labels)
    brain.optimizer().step(brain.theta, grad)
    assert brain.theta.tobytes() == twin.theta.tobytes()

    mask = np.arange(8)[:, None] < 5
    loss, grad = brain.loss_and_gradient(xs, labels, mask)
    expected, _ = brain.loss_and_gradient(xs[:5], labels[:5])
    assert loss == pytest.approx(expected, rel=1e-14)
    eps = 1e-6
    for j in range(0, brain.theta.size, 3):
        plus, minus = brain.copy(), brain.copy()
        plus.theta[j] += eps
        minus.theta[j] -= eps
        up, down = (b.loss_and_gradient(xs, labels, mask)[0] for b in (plus, minus))
        numeric = (up - down) / (2 * eps)
        assert grad[j] == pytest.approx(numeric, rel=1e-5, abs=1e-9), j
