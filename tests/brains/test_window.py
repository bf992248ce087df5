"""The windowed net (game/brain_np.py WindowBrain): its forward pass against the definition written out here, its
gradient against finite differences, one move at a time against the batched run, its file, k = 1 against the
memoryless net, and the one-line refusals of a bad window (constructor, brain file, trainer)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from game.brain_np import MAX_WINDOW, MLPBrain, WindowBrain, imitation_loss
from game.brains.brainfile import BrainFileError, brain_bytes, load_brain_bytes, read_arrays
from game.brains.tasks import chase_task, play
from game.training.train import main as train_main
from game.world.sight import FEATURE_NAMES
from tests.brains.test_lstm_reference import assert_matches_finite_differences

I = len(FEATURE_NAMES)  # noqa: E741 - the input size, as in the equations


def definition_logits(params: dict[str, np.ndarray], xs: np.ndarray, k: int) -> np.ndarray:
    """y_t = W_y tanh(W u_t + b) + b_y with u_t = [x_t, x_{t-1}, …, x_{t-k+1}] and x_s = 0 for s < 0, in float64,
    one round and one move at a time."""
    T, B, _ = xs.shape
    W, b, W_y, b_y = (params[key].astype(np.float64) for key in ("mlp.weight", "mlp.bias", "head.weight",
                                                                  "head.bias"))
    out = np.zeros((T, B, W_y.shape[0]))
    for r in range(B):
        for t in range(T):
            u = np.concatenate([xs[t - s, r] if t - s >= 0 else np.zeros(xs.shape[2]) for s in range(k)])
            out[t, r] = W_y @ np.tanh(W @ u + b) + b_y
    return out


def rounds(T: int, B: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random((T, B, I))


@pytest.mark.parametrize("k", [1, 3, 7])
def test_the_batched_forward_and_the_play_step_equal_the_definition(k):
    brain = WindowBrain(6, seed=k, features=FEATURE_NAMES, window=k, dtype=np.float64)
    brain.W[...] = np.random.default_rng(0).normal(0, 2, brain.W.shape)  # not flat, so every input counts
    xs = rounds(9, 4, seed=k)
    expected = definition_logits(brain.params, xs, k)
    logits, _ = brain.forward(xs)
    np.testing.assert_allclose(logits, expected, rtol=0, atol=1e-12)
    for r in range(4):
        brain.reset()
        for t in range(9):
            move = brain.step(xs[t, r])
            np.testing.assert_allclose(brain.logits, expected[t, r], rtol=0, atol=1e-12)
            assert move == int(np.argmax(expected[t, r]))


def test_the_oldest_input_in_the_window_still_counts_and_one_older_does_not():
    brain = WindowBrain(6, seed=0, features=FEATURE_NAMES, window=3, dtype=np.float64)
    xs = rounds(5, 2, seed=1)
    xs[:, 1] = xs[:, 0]
    xs[1, 1] += 0.5  # round 1 differs from round 0 at move 1 only: moves 1, 2 and 3 see it, move 4 does not
    logits, _ = brain.forward(xs)
    differs = np.abs(logits[:, 0] - logits[:, 1]).max(axis=1) > 1e-9
    assert differs.tolist() == [False, True, True, True, False]


def test_the_gradient_matches_finite_differences():
    brain = WindowBrain(3, seed=2, features=FEATURE_NAMES, window=2, dtype=np.float64)
    rng = np.random.default_rng(3)
    xs, labels, mask = rounds(4, 3, seed=4), rng.integers(0, 4, (4, 3)), rng.random((4, 3)) < 0.7
    _, grad = brain.loss_and_gradient(xs, labels, mask)

    def loss_of(values: dict[str, np.ndarray]) -> float:
        other = brain.copy()
        for key, value in values.items():
            other.params[key][...] = value
        return other.loss_and_gradient(xs, labels, mask)[0]

    assert_matches_finite_differences(brain._views(grad), brain.params, loss_of)


def test_play_one_move_at_a_time_over_live_rounds_equals_the_batched_forward():
    # tasks.play steps only the rounds not yet over (the trace's `live` rows); each round's logits must be what
    # the whole rounds' inputs give in one batched forward, and its moves those of the play step.
    task = chase_task(8, 8, ("perfect", "random"), 20, sight="flicker")
    brain = WindowBrain(8, seed=5, features=task.features, window=4)
    played = play(task, 48, np.random.default_rng(6), brain)
    T = played.trace.t
    mask = played.mask[:T]
    assert mask[0].sum() > mask[-1].sum() > 0  # rounds end at different moves
    logits, _ = brain.forward(played.x[:T])
    np.testing.assert_allclose(played.trace.logits()[mask], logits[mask], atol=1e-5)
    for r in (0, 1, 7):
        brain.reset()
        for t in np.flatnonzero(mask[:, r]):
            assert brain.step(played.x[t, r]) == played.moves[t, r]
    loss, grad = imitation_loss(brain, played.trace.logits(), played.trace, played.teacher[:T], mask)
    full_loss, full_grad = brain.loss_and_gradient(played.x[:T], played.teacher[:T], mask)
    assert loss == pytest.approx(full_loss, rel=1e-5)
    np.testing.assert_allclose(grad, full_grad, atol=1e-5)


def test_with_one_move_it_is_the_memoryless_net():
    window, mlp = (kind(7, seed=8, features=FEATURE_NAMES) for kind in (WindowBrain, MLPBrain))
    assert window.array_shapes(7, I) == mlp.array_shapes(7, I)
    window.theta[:] = mlp.theta
    xs = rounds(6, 3, seed=9).astype(np.float32)
    np.testing.assert_array_equal(window.forward(xs)[0], mlp.forward(xs)[0])
    for t in range(6):
        assert window.step(xs[t, 0]) == mlp.step(xs[t, 0])
        np.testing.assert_array_equal(window.logits, mlp.logits)


def fog_file(brain: WindowBrain) -> bytes:
    return brain_bytes(brain, {"sight": "fog", "teacher": "cautious", "grid_sizes": [[8, 8]]})


def test_a_brain_file_keeps_the_window_and_the_weights():
    brain = WindowBrain(5, seed=10, features=FEATURE_NAMES, window=6)
    data = fog_file(brain)
    _, meta = read_arrays(data, "w.npz")
    assert meta["architecture"] == "window" and meta["window"] == 6
    loaded = load_brain_bytes(data, "w.npz", sight="fog")
    assert isinstance(loaded, WindowBrain) and loaded.window == 6 and loaded.meta_notice is None
    np.testing.assert_array_equal(loaded.theta, brain.theta)
    assert loaded.W.shape == (5, 6 * I)
    xs = rounds(8, 2, seed=11).astype(np.float32)
    np.testing.assert_array_equal(loaded.forward(xs)[0], brain.forward(xs)[0])
    copied = loaded.copy()
    assert copied.window == 6 and copied.forward(xs)[0].tolist() == brain.forward(xs)[0].tolist()


@pytest.mark.parametrize("bad", [0, MAX_WINDOW + 1, 2.0, True, "3", None])
def test_a_bad_window_is_refused_in_one_line_naming_it(bad):
    with pytest.raises(ValueError, match=f"^window {bad!r} is not a whole number of moves from 1 to {MAX_WINDOW}$"):
        WindowBrain(4, window=bad)


def rewritten(data: bytes, **changes) -> bytes:
    """The brain file with its meta changed (a key set to None is removed)."""
    import io
    import zipfile

    arrays, meta = read_arrays(data, "w.npz")
    for key, value in changes.items():
        if value is None:
            meta.pop(key)
        else:
            meta[key] = value
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array(json.dumps(meta)), **arrays)
    assert zipfile.is_zipfile(io.BytesIO(buffer.getvalue()))
    return buffer.getvalue()


@pytest.mark.parametrize("changes, message", [
    ({"window": 0}, "w.npz: holds a window brain whose meta window 0 is not a whole number of moves from 1 to "),
    ({"window": 4}, "w.npz: array 'mlp.weight' has shape (5, 15) but "),
    ({"window": "3"}, "w.npz: holds a window brain whose meta window '3' is not a whole number"),
    ({"window": None}, "w.npz: meta has no 'window', which a window brain needs"),
])
def test_a_file_with_a_bad_window_is_refused_in_one_line(changes, message):
    data = rewritten(fog_file(WindowBrain(5, seed=1, features=FEATURE_NAMES, window=3)), **changes)
    with pytest.raises(BrainFileError) as caught:
        load_brain_bytes(data, "w.npz", sight="fog")
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_the_trainer_makes_a_windowed_net_with_window(tmp_path):
    out = tmp_path / "w.npz"
    assert train_main(["--task", "chase", "--sight", "flicker", "--arch", "window", "--window", "3", "--hidden", "6",
                       "--games", "200", "--quiet", "--no-plot", "--out", str(out)]) == 0
    brain = load_brain_bytes(out.read_bytes(), "w.npz", sight="flicker")
    assert isinstance(brain, WindowBrain) and brain.window == 3 and brain.meta["training_games"] == 200
    assert "--window 3" in brain.meta["command"]


@pytest.mark.parametrize("argv, message", [
    (["--arch", "window", "--window", "0"], "argument --window: '0' must be"),
    (["--arch", "window", "--window", str(MAX_WINDOW + 1)], f"argument --window: '{MAX_WINDOW + 1}' must be at most"),
    (["--arch", "window"], "--arch window needs --window K"),
    (["--arch", "mlp", "--window", "2"], "--window is for --arch window"),
])
def test_the_trainer_refuses_a_bad_window_in_one_line(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        train_main(["--task", "chase", "--games", "10", *argv])
    assert stopped.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert message in error
