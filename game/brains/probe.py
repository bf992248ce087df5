"""What the mouse believes: a linear read-out from the LSTM's h to the belief B, one output per cell. No pygame.

p = σ(W_p h + b_p): one logistic regression per cell, fitted (full-batch Adam on the mean cross-entropy, a
small L2 on W_p) to (h_t, B_t) pairs from rollouts of the training task, the brain moving the mouse as in
training, on a random stream of their own. Cell c is read as "the cat may be here" when p_c > ½, i.e. when
its linear score W_p h + b_p is above 0. Scored on held-out rounds (tasks.heldout_rng) by per-cell accuracy
(the share of cells, over every move of every round, read as B has them) and overlap (|read ∩ B| / |read ∪ B|,
averaged over moves), beside the best map that ignores h (each cell's training frequency, thresholded).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..brain_np import Adam, Brain, LSTMBrain, product, sigmoid, sum_of_products
from .tasks import HELDOUT_SEED, Task, heldout_rng, play

PROBE_SEED = 20_261_111  # the probe's training rollouts: a stream of their own, neither training's nor held-out
PROBE_GAMES = 4_000
PROBE_STEPS = 400  # full-batch Adam steps
PROBE_RATE = 0.05
PROBE_L2 = 1e-4


@dataclass(frozen=True)
class ProbeScores:
    cell_accuracy: float  # share of (move, cell) read as B has it
    overlap: float  # mean over moves of |read ∩ B| / |read ∪ B|
    constant_accuracy: float  # the same for the best map that ignores h (each cell's training mean, thresholded)


def belief_pairs(brain: Brain, task: Task, rng: np.random.Generator, games: int,
                 cat_rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(h, B) at every move made, (M, H) float and (M, W·H) bool, from `games` rounds the brain plays."""
    if not isinstance(brain, LSTMBrain) or task.sight == "classic":
        raise ValueError("a belief probe reads an LSTM's memory under fog or flicker sight")
    rounds = play(task, games, rng, brain, cat_rng=cat_rng, keep_belief=True)
    T = rounds.trace.t
    mask = rounds.mask[:T]
    h = rounds.trace.h[1 : T + 1]  # h_t, after the step that saw x_t
    return h[mask].astype(np.float64), rounds.belief[:T][mask]


def fit_probe(brain: Brain, task: Task, games: int = PROBE_GAMES) -> dict[str, np.ndarray]:
    """probe.weight (W·H, H) and probe.bias (W·H,): per cell, logistic regression of B on h (training rollouts)."""
    h, b = belief_pairs(brain, task, np.random.default_rng(PROBE_SEED), games)
    xt = np.ascontiguousarray(np.concatenate([h, np.ones((len(h), 1))], axis=1).T, dtype=np.float32)  # (H+1, M)
    target = np.ascontiguousarray(b.T, dtype=np.float32)  # (cells, M)
    frequency = target.mean(axis=1).clip(1e-3, 1 - 1e-3)
    w = np.zeros((len(target), len(xt)), dtype=np.float32)  # [W_p | b_p]
    w[:, -1] = np.log(frequency / (1 - frequency))  # start from the map that ignores h
    adam = Adam(w.size, lr=PROBE_RATE, clip=None)
    score = np.empty_like(target)
    for _ in range(PROBE_STEPS):
        product(w, xt, out=score)
        error = sigmoid(score) - target  # d(cross-entropy)/d(score), per pair
        grad = np.empty_like(w)
        sum_of_products(error, np.ascontiguousarray(xt.T), grad)
        grad /= xt.shape[1]
        grad[:, :-1] += PROBE_L2 * w[:, :-1]
        adam.step(w.reshape(-1), grad.reshape(-1))
    return {"probe.weight": w[:, :-1].copy(), "probe.bias": w[:, -1].copy()}


def read_belief(probe: dict[str, np.ndarray], h: np.ndarray) -> np.ndarray:
    """The probe's map for hidden states h (N, H): (N, W·H) chances that the cat may be on each cell."""
    return sigmoid(np.asarray(h, dtype=np.float32) @ probe["probe.weight"].T + probe["probe.bias"])


def probe_scores(brain: Brain, task: Task, probe: dict[str, np.ndarray], games: int = 2_000) -> ProbeScores:
    """The probe's accuracy on held-out rounds (their starts and cats as every held-out metric's)."""
    h, b = belief_pairs(brain, task, heldout_rng(task), games, cat_rng=np.random.default_rng(HELDOUT_SEED + 1))
    read = read_belief(probe, h) > 0.5
    union = (read | b).sum(axis=1)
    overlap = np.where(union > 0, (read & b).sum(axis=1) / np.maximum(union, 1), 1.0)
    _, train_b = belief_pairs(brain, task, np.random.default_rng(PROBE_SEED), PROBE_GAMES // 4)
    constant = train_b.mean(axis=0) > 0.5
    return ProbeScores(float((read == b).mean()), float(overlap.mean()), float((constant[None, :] == b).mean()))
