"""Fog and flicker as tasks (game/brains/tasks.py, game/brain_np.py, game/brains/brainfile.py, game/brains/probe.py,
the trainer): rounds played under a sight checked against a replay with sight.Belief written here, rounds that ended
are not stepped and leave the gradient as a full-batch run does, the memoryless net's gradient against finite
differences, brain files that name their sight, and the belief probe."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from game.arena import Arena
from game.brain_np import FEATURES, LSTMBrain, MLPBrain, imitation_loss
from game.brains.brainfile import SIGHT_BRAINS, SIGHT_INPUTS, BrainFileError, brain_bytes, load_brain, load_brain_bytes
from game.brains.probe import fit_probe, probe_scores, read_belief
from game.brains.tasks import CAUTIOUS, chase_task, play
from game.training.train import main as train_main
from game.training.trainers import train_lstm
from game.world.cats import cat_moves
from game.world.sight import FEATURE_NAMES, SIGHTS, Belief, cautious_moves, sight_features


def replay(task, n: int, seed: int, brain=None):
    """The task's rounds one step at a time with every round stepped (a brain's trace too), Belief on all rows;
    returns inputs, labels, moves and mask as play's."""
    rng = np.random.default_rng(seed)
    arena = Arena(task.width, task.height, n=n, move_limit=task.move_limit)
    arena.rng = rng
    arena.reset()
    belief = Belief(SIGHTS[task.sight], task.width, task.height, arena.mouse)
    trace = brain.start(n, task.move_limit) if brain is not None else None
    kinds = np.arange(n) % len(task.cats)
    out = {k: [] for k in ("x", "labels", "moves", "mask")}
    for t in range(task.move_limit):
        chosen = np.zeros(n, dtype=np.int32)
        for k, name in enumerate(task.cats):
            rows = kinds == k
            chosen[rows] = cat_moves(name, arena.cat[rows], arena.mouse[rows], task.width, task.height, rng)
        arena.move_cat(chosen)
        active = ~arena.done
        if not active.any():
            break
        seen = belief.update(t, arena.cat, arena.mouse, active)
        x = sight_features(seen, arena.cat, arena.mouse, task.width, task.height)
        labels = cautious_moves(belief.cells, arena.mouse, task.width, task.height)
        moves = labels if trace is None else trace.moves(x)
        for key, value in (("x", x), ("labels", labels), ("moves", moves), ("mask", active)):
            out[key].append(np.where(active[:, None], value, 0) if value.ndim == 2 else np.where(active, value, 0))
        arena.move_mouse(moves)
    return {k: np.stack(v) for k, v in out.items()}, trace


@pytest.mark.parametrize("sight", ["fog", "flicker"])
def test_sight_task_rounds_equal_the_replay_with_the_belief(sight):
    task = chase_task(8, 8, ("perfect", "greedy", "noisy", "random"), 30, sight=sight)
    assert task.teacher == CAUTIOUS and task.features == FEATURE_NAMES
    brain = LSTMBrain(8, seed=3, features=task.features)
    for mouse in ("teacher", "brain"):
        rounds = play(task, 200, np.random.default_rng(7), brain, mouse=mouse)
        ref, _ = replay(task, 200, 7, brain if mouse == "brain" else None)
        T = len(ref["mask"])
        np.testing.assert_array_equal(rounds.mask[:T], ref["mask"])
        assert not rounds.mask[T:].any()
        np.testing.assert_array_equal(rounds.x[:T], ref["x"])
        np.testing.assert_array_equal(rounds.teacher[:T][ref["mask"]], ref["labels"][ref["mask"]])
        np.testing.assert_array_equal(rounds.moves[:T][ref["mask"]], ref["moves"][ref["mask"]])


def test_classic_chase_is_still_the_optimal_teacher_on_four_inputs():
    task = chase_task(8, 8)
    assert task.sight == "classic" and task.teacher == "optimal" and task.features == FEATURES
    assert play(task, 10, np.random.default_rng(0), mouse="teacher").x.shape[2] == 4


@pytest.mark.parametrize("kind", [LSTMBrain, MLPBrain])
def test_rounds_that_ended_are_not_stepped_and_the_gradient_is_the_full_batchs(kind):
    # Stepping only the live rounds gives the same moves, logits and gradient as stepping all of them with
    # the ended steps masked out of the loss.
    task = chase_task(8, 8, ("perfect", "random"), 25, sight="fog")
    brain = kind(6, seed=1, features=task.features)
    rounds = play(task, 64, np.random.default_rng(2), brain)
    ref, full = replay(task, 64, 2, brain)
    mask = rounds.mask[: rounds.trace.t]
    assert mask[0].any() and not mask[-1].all()  # rounds end at different moves
    np.testing.assert_array_equal(mask, ref["mask"])
    np.testing.assert_array_equal(rounds.moves[: len(mask)][mask], ref["moves"][mask])
    live_logits, full_logits = rounds.trace.logits(), full.logits()
    np.testing.assert_allclose(live_logits[mask], full_logits[mask], atol=1e-6)
    labels, weight = rounds.teacher[: len(mask)], mask.astype(brain.dtype)
    loss, grad = imitation_loss(brain, live_logits, rounds.trace, labels, weight)
    loss_full, grad_full = imitation_loss(brain, full_logits, full, labels, weight)
    assert loss == pytest.approx(loss_full, rel=1e-6)
    np.testing.assert_allclose(grad, grad_full, atol=1e-6)


def test_memoryless_net_gradient_matches_finite_differences():
    brain = MLPBrain(5, seed=0, features=FEATURE_NAMES, dtype=np.float64)
    rng = np.random.default_rng(1)
    xs, labels, mask = rng.random((4, 3, 5)), rng.integers(0, 4, (4, 3)), rng.random((4, 3)) < 0.7
    _, grad = brain.loss_and_gradient(xs, labels, mask)
    numeric = np.zeros_like(grad)
    for j in range(len(grad)):
        brain.theta[j] += 1e-6
        up, _ = brain.loss_and_gradient(xs, labels, mask)
        brain.theta[j] -= 2e-6
        down, _ = brain.loss_and_gradient(xs, labels, mask)
        brain.theta[j] += 1e-6
        numeric[j] = (up - down) / 2e-6
    np.testing.assert_allclose(grad, numeric, atol=1e-8)


def test_memoryless_net_remembers_nothing():
    brain = MLPBrain(8, seed=2, features=FEATURE_NAMES)
    x = np.array([1, 0.3, 0.6, 0.1, 0.9], dtype=np.float32)
    first = brain.step(x), brain.logits.copy()
    brain.step(np.zeros(5, dtype=np.float32))
    assert brain.step(x) == first[0]
    np.testing.assert_array_equal(brain.logits, first[1])


def sight_brain(sight: str = "fog", probe: bool = False) -> LSTMBrain:
    brain = LSTMBrain(6, seed=0, features=FEATURE_NAMES)
    brain.meta = {"sight": sight, "teacher": CAUTIOUS, "grid_sizes": [[8, 8]]}
    if probe:
        brain.probe = {"probe.weight": np.full((64, 6), 0.5, np.float32), "probe.bias": np.zeros(64, np.float32)}
    return brain


def test_a_fog_brain_file_names_its_sight_and_keeps_its_probe():
    data = brain_bytes(sight_brain(probe=True))
    loaded = load_brain_bytes(data, "fog.npz", sight="fog")
    assert loaded.meta["sight"] == "fog" and loaded.meta["teacher"] == CAUTIOUS
    assert loaded.features == FEATURE_NAMES and loaded.meta_notice is None
    np.testing.assert_array_equal(loaded.probe["probe.weight"], 0.5)
    assert loaded.probe["probe.bias"].shape == (64,)
    assert load_brain_bytes(data, "fog.npz", sight=None).meta["sight"] == "fog"


def test_a_brain_for_other_inputs_is_refused_in_one_line():
    fog = brain_bytes(sight_brain())
    with pytest.raises(BrainFileError) as refused:
        load_brain_bytes(fog, "fog.npz")  # the game's default: classic sight
    assert str(refused.value) == ("fog.npz: was trained for fog sight (inputs cat_seen, cat_x, cat_y, mouse_x, "
                                  "mouse_y); under classic sight the mouse needs a brain trained for classic")
    classic = brain_bytes(LSTMBrain(4, seed=0))
    with pytest.raises(BrainFileError, match="^classic.npz: was trained for classic sight .* under flicker sight"):
        load_brain_bytes(classic, "classic.npz", sight="flicker")
    assert "\n" not in str(refused.value)


def rewritten(data: bytes, change) -> bytes:
    with np.load(io.BytesIO(data)) as f:
        arrays = {k: f[k] for k in f.files}
    meta = json.loads(str(arrays.pop("meta")))
    change(meta, arrays)
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array(json.dumps(meta)), **arrays)
    return buffer.getvalue()


@pytest.mark.parametrize("change, problem", [
    (lambda m, a: m.pop("sight"), "expects inputs ['cat_seen', 'cat_x', 'cat_y', 'mouse_x', 'mouse_y'] but names "
                                  "classic sight"),
    (lambda m, a: m.update(sight="haze"), "has sight 'haze'; this game has classic, fog, flicker"),
    (lambda m, a: a.pop("probe.bias"), "has a belief probe without 'probe.bias'"),
    (lambda m, a: a.update({"probe.weight": np.zeros((36, 6))}), "array 'probe.weight' has shape (36, 6) but a 8x8"),
    (lambda m, a: a.update({"probe.bias": np.full(64, np.inf)}), "array 'probe.bias' holds NaN"),
    (lambda m, a: a.update({"probe.weight": np.tile(np.float32([3e38, -3e38]), (64, 3))}),
     "has a belief probe with weights so large that its read-out overflows float32"),
])
def test_bad_sight_or_probe_is_one_line(change, problem):
    data = rewritten(brain_bytes(sight_brain(probe=True)), change)
    with pytest.raises(BrainFileError) as refused:
        load_brain_bytes(data, "odd.npz", sight=None)
    assert str(refused.value).startswith("odd.npz: ") and problem in str(refused.value)


def test_a_probe_the_loader_takes_reads_finite_chances_from_any_hidden_state():
    big = np.tile(np.float32([1.4e37, -1.4e37]), (64, 3))  # just under the bound: six of them sum to 8.4e37
    data = rewritten(brain_bytes(sight_brain(probe=True)), lambda m, a: a.update({"probe.weight": big}))
    probe = load_brain_bytes(data, "big.npz", sight=None).probe
    corners = ((np.arange(64)[:, None] >> np.arange(6)[None, :]) & 1) * 2.0 - 1.0  # every h in {-1, 1}^6
    with np.errstate(all="raise"):
        chances = read_belief(probe, corners)
    assert np.isfinite(chances).all() and ((chances >= 0) & (chances <= 1)).all()


def test_the_cautious_teacher_on_a_classic_brain_is_dropped():
    data = rewritten(brain_bytes(LSTMBrain(4, seed=0)), lambda m, a: m.update(teacher=CAUTIOUS))
    loaded = load_brain_bytes(data, "odd.npz")
    assert loaded.meta["teacher"] == "post" and "cautious is for fog and flicker" in loaded.meta_notice


def test_the_probe_reads_the_belief_better_than_a_map_that_ignores_memory():
    task = chase_task(8, 8, move_limit=30, sight="fog")
    brain = LSTMBrain(16, seed=0, features=task.features)
    train_lstm(brain, task, games=4000, seed=0, eval_every=10**9)
    probe = fit_probe(brain, task, games=800)
    assert probe["probe.weight"].shape == (64, 16) and probe["probe.bias"].shape == (64,)
    scores = probe_scores(brain, task, probe, games=400)
    assert scores.cell_accuracy > scores.constant_accuracy + 0.05
    assert 0 < scores.overlap <= 1
    h = np.zeros((1, 16), dtype=np.float32)
    np.testing.assert_allclose(read_belief(probe, h)[0], 1 / (1 + np.exp(-probe["probe.bias"])), rtol=1e-5)


@pytest.mark.slow  # a training run
def test_trainer_command_line_makes_a_fog_brain_with_its_probe(tmp_path, capsys):
    out = tmp_path / "fog.npz"
    assert train_main(["--task", "chase", "--sight", "fog", "--hidden", "8", "--games", "600", "--quiet",
                       "--no-plot", "--out", str(out)]) == 0
    assert "belief probe, held-out: per-cell accuracy" in capsys.readouterr().out
    brain = load_brain_bytes(out.read_bytes(), "fog.npz", sight="fog")
    meta = brain.meta
    assert meta["sight"] == "fog" and meta["task"]["sight"] == "fog" and meta["teacher"] == CAUTIOUS
    assert meta["input_features"] == list(FEATURE_NAMES) and brain.probe["probe.weight"].shape == (64, 8)
    assert 0 <= meta["probe_cell_accuracy"] <= 1 and 0 <= meta["probe_overlap"] <= 1
    mlp = tmp_path / "mlp.npz"
    assert train_main(["--task", "chase", "--sight", "flicker", "--arch", "mlp", "--hidden", "8", "--games", "300",
                       "--quiet", "--no-plot", "--out", str(mlp)]) == 0
    loaded = load_brain_bytes(mlp.read_bytes(), "mlp.npz", sight="flicker")
    assert loaded.arch == "mlp" and loaded.probe is None


@pytest.mark.parametrize("argv, named", [
    (["--sight", "fog", "--games", "10"], "--sight fog is for --task chase"),
    (["--task", "chase", "--sight", "fog", "--teacher", "optimal", "--games", "10"], "leave out --teacher"),
    (["--task", "chase", "--sight", "mist", "--games", "10"], "invalid choice: 'mist'"),
])
def test_sight_arguments_it_cannot_honour_are_one_line(argv, named, capsys):
    with pytest.raises(SystemExit):
        train_main(argv)
    err = capsys.readouterr().err
    assert named in err and err.count("\n") == 1


WEIGHTS = Path(__file__).resolve().parents[2] / "weights"


@pytest.mark.parametrize("sight", list(SIGHT_BRAINS))
def test_each_sight_has_its_shipped_brain_and_refuses_the_others(sight):
    path = WEIGHTS / SIGHT_BRAINS[sight]
    brain = load_brain(path, sight=sight)
    assert list(brain.features) == SIGHT_INPUTS[sight] and brain.meta.get("sight", "classic") == sight
    # a brain trained on value targets is held to its value-optimal share (its agreement counts tie-breaks it was
    # free not to copy); one trained on the teacher's moves to its agreement
    value = brain.meta.get("value_optimal")
    assert value >= 0.995 if value is not None else brain.meta["agreement"] >= 0.99
    assert (brain.probe is None) == (sight == "classic")
    for other in set(SIGHT_BRAINS) - {sight}:  # fog and flicker share inputs, but not what they mean
        with pytest.raises(BrainFileError, match=f"was trained for {sight} sight"):
            load_brain(path, sight=other)
