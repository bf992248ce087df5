"""The trainers: how a mouse's brain learns from its teacher offline, one trainer per brain type. No pygame.

On-policy imitation, as in the post: the mouse moves by its own choice while the teacher labels every state it
visits, and the brain learns to give the teacher's move there (DAgger with the learner always in control).
Both trainers share one loop (`run`: the budget in games and seconds, held-out evaluations, the curve, the
progress bar) and differ in their update:

- `train_lstm`: our LSTM, many games per update (one batched `tasks.play` whose trace feeds backward through
  time), cross-entropy on the teacher's moves, Adam.
- `train_cat_lstm`: a cat's LSTM (eight king moves) on the same recipe, its rounds from `tasks.play_cat`: the
  cat moves by its own choice against a mix of mice while the perfect cat labels every state; judged from every
  start by the share of its moves that keep the perfect cat's moves-to-catch (value-optimal).
- `train_post`: the post's own network and plain SGD, one update per game. `faithful=True` reconstructs the
  post's run exactly: legacy global NumPy RNG, weights drawn first, then four start coordinates per game, the
  post's smoothed error metric, stop below 1.2.

`TRAINERS` holds the mouse's under the architecture each trains, `CAT_TRAINERS` the cat's. Evaluation is on
held-out games (tasks.heldout_rng) never trained on, a cat's on every start against each of its mice (random
moves from their own stream); `Progress.seconds` counts training time only, evaluation time is excluded.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..arena import CAT_MOVE_NAMES, MOUSE_MOVES, step_cells
from ..brain_np import (
    FEATURES,
    POST_DIRECTIONS,
    TIE_WEIGHT,
    Adam,
    Brain,
    LSTMBrain,
    MLPBrain,
    PostBrain,
    WindowBrain,
    imitation_loss,
    post_move,
)
from ..brains.tasks import (
    SEED_TASK,
    CatRounds,
    CatTask,
    Rounds,
    Task,
    all_seed_starts,
    all_starts,
    cat_scores,
    exhaustive_mistakes,
    heldout_scores,
    play,
    play_cat,
    play_figures,
)
from ..world.teachers import teacher_moves

POST_TARGET = 1.2  # the post's stopping point for its smoothed error metric
POST_SMOOTHING = 0.999
POST_MAX_GAMES = 10_000_001  # the post's loop bound


@dataclass
class Progress:
    """One point of a training curve. `seconds` is training time only (evaluation excluded). `loss` is the mean
    imitation loss of the last update for an LSTM, and the post's smoothed metric (×4) for the post's network.
    The metrics are None where they do not apply (mistakes per game and exhaustive mistakes: still-cat tasks).
    On a mouse's chase task agreement has its play twins (tasks.PlayFigures): the share of value-optimal moves
    and survival against the perfect, greedy and noisy cats as a share of the teacher's."""

    games: int
    seconds: float
    loss: float
    mistakes_per_game: float | None
    agreement: float | None
    exhaustive_mistakes: int | None
    value_optimal: float | None = None
    survival_perfect: float | None = None
    survival_greedy: float | None = None
    survival_noisy: float | None = None


# The LSTM recipe (weights/README.md tells how it was chosen). Batch B = batch · (1 + games / batch_growth),
# capped at batch_max; the learning rate holds at lr, then falls along a cosine to lr · lr_end over the last
# `decay` fraction of the run (when the run's length in games or seconds is known). `focus` and `first_weight`
# act on still-cat tasks only (see train_lstm); on chase tasks they are ignored.
LSTM_HYPER: dict[str, Any] = {
    "lr": 0.03,
    "batch": 16,
    "batch_max": 512,
    "batch_growth": 4000,
    "clip": 1.0,
    "decay": 0.5,
    "lr_end": 0.03,
    "init": "wide",  # "wide": W_ih ~ N(0, init_scale²), hyperplanes through the square's centre; None: keep
    "init_scale": 4.0,
    "focus": 0.5,  # share of each batch drawn from starts where the mouse recently erred
    "focus_memory": 0.999,  # per update, how much of a start's past mistakes still counts
    "first_weight": 100.0,  # weight of each round's first move in the loss
    "first_ramp": 5000,  # games over which that weight grows from 1 to first_weight (0: from the start)
    # "value": imitate the set of moves the teacher rates equally best (tasks.learning_targets; the post's
    # teacher has one move); "teacher": its one move, tie-breaks and all (how the brains were trained before)
    "targets": "value",
    "tie_weight": TIE_WEIGHT,  # with "value": how much the teacher's tie-break among the set still counts
}
TARGET_KINDS = ("value", "teacher")


def is_still_cat(task: Task | CatTask) -> bool:
    return isinstance(task, Task) and not task.cats


TWIN_CATS = ("perfect", "greedy", "noisy")  # survival beside the teacher's is reported against these


def evaluate(brain: Brain, task: Task) -> tuple[float | None, float | None, int | None, dict[str, float]]:
    """Held-out mistakes per game and exhaustive mistakes (still-cat tasks) and agreement (every task); on a chase
    task agreement's play twins too (Progress's value_optimal and survival_CAT, from one play of the rounds)."""
    if is_still_cat(task):
        mistakes, agree = heldout_scores(brain, task)
        return mistakes, agree, exhaustive_mistakes(brain, task), {}
    figures = play_figures(brain, task)
    twins = {"value_optimal": figures.value_optimal}
    twins.update({f"survival_{cat}": figures.share(cat) for cat in TWIN_CATS if cat in figures.survival})
    return None, figures.agreement, None, twins


class Bar:
    """A one-line progress bar on stderr (redrawn in place), at most a few times a second."""

    def __init__(self, total_games: int | None, total_seconds: float | None, enabled: bool) -> None:
        self.total_games, self.total_seconds, self.enabled = total_games, total_seconds, enabled
        self.last = 0.0

    def show(self, games: int, seconds: float, text: str, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self.last < 0.25:
            return
        self.last = now
        done = _fraction(games, seconds, self.total_games, self.total_seconds)
        width = 30
        filled = int(round(done * width))
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r[{bar}] {done:4.0%} {games:,} games {seconds:6.1f}s wall {text}\x1b[K")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _check_budget(games: int | None, seconds: float | None) -> None:
    if games is None and seconds is None:
        raise ValueError("give a number of training games or seconds (or both)")
    if games is not None and games < 1:
        raise ValueError(f"training games {games!r} must be at least 1")
    if seconds is not None and not seconds > 0:
        raise ValueError(f"training seconds {seconds!r} must be more than 0")


def _fraction(games: int, seconds: float, total_games: int | None, total_seconds: float | None) -> float:
    parts = []
    if total_games:
        parts.append(games / total_games)
    if total_seconds:
        parts.append(seconds / total_seconds)
    return min(max(parts), 1.0) if parts else 0.0


# -- the loop both trainers share ----------------------------------------------------------------------------


class Update(Protocol):
    """One trainer's learning step, as the shared loop drives it."""

    loss: float  # the curve's loss column after the last update

    def __call__(self, games: int, seconds: float) -> int:
        """Learn from some games, given the games and training seconds so far; returns how many it played."""

    def reached(self) -> bool:
        """The trainer's own stopping point (the post's metric below 1.2), checked before every update."""

    def status(self) -> str:
        """The progress bar's text between evaluations."""


def run(brain: Brain, task: Task | CatTask, update: Update, *, games: int | None, seconds: float | None,
        eval_every: int, stop: Callable[[Progress], bool] | None, progress: bool,
        judge: Callable[[Brain, Any], tuple] = evaluate) -> list[Progress]:
    """Update until `games` games or `seconds` of training time (whichever comes first), or until the update
    has reached its own goal or `stop(progress)` is true at an evaluation; returns the curve, one Progress per
    held-out evaluation: at the start, at the first update past every `eval_every` games, and at the end.
    Evaluation (`judge`: mistakes per game, agreement, exhaustive mistakes) never changes the updates (it has
    its own random stream), and its time is not counted."""
    bar = Bar(games, seconds, progress)
    curve: list[Progress] = []
    done_games, trained, next_eval = 0, 0.0, 0

    def check() -> bool:
        mistakes, agree, exhaustive, *twins = judge(brain, task)
        curve.append(Progress(done_games, trained, update.loss, mistakes, agree, exhaustive, **(twins or [{}])[0]))
        scores = (f"mistakes/game {mistakes:.3f} exhaustive {exhaustive}" if mistakes is not None
                  else f"agreement {agree:.4f}")
        if curve[-1].value_optimal is not None:
            scores += f" value-optimal {curve[-1].value_optimal:.4f}"
        bar.show(done_games, trained, f"{update.status()} {scores}", force=True)
        return bool(stop and stop(curve[-1]))

    stopped = False
    while True:
        reached = update.reached()
        if done_games >= next_eval or reached:
            if check() or reached:
                stopped = True
                break
            while next_eval <= done_games:  # evaluations land at the first update past each multiple
                next_eval += eval_every
        if (games is not None and done_games >= games) or (seconds is not None and trained >= seconds):
            break
        t0 = time.perf_counter()
        done_games += update(done_games, trained)
        trained += time.perf_counter() - t0
        if progress:
            bar.show(done_games, trained, update.status())
    if not stopped and (not curve or curve[-1].games != done_games):
        check()
    bar.close()
    return curve


# -- the LSTM ---------------------------------------------------------------------------------------------------


def wide_init(brain: LSTMBrain | MLPBrain, scale: float, rng: np.random.Generator) -> None:
    """Sharp input weights whose hyperplanes pass through the centre of the unit square: W_ih ~ N(0, scale²),
    b_ih = -W_ih · ½. The inputs are coordinates in [0, 1] and the teacher's boundaries lie 0.2 apart, so units
    need steep weights to tell neighbouring cells apart; PyTorch's default (±1/√H) starts far too flat.
    The memoryless net's one layer gets the same; a windowed net's, whose units see k inputs of each kind,
    N(0, scale²/k), so that a unit's pre-activation spreads as the memoryless net's does."""
    if isinstance(brain, MLPBrain):
        moves = brain.W.shape[1] // brain.input_size  # k for a windowed net, 1 for the memoryless net
        brain.W[:] = rng.normal(0.0, scale / math.sqrt(moves), size=brain.W.shape)
        brain.b[:] = -brain.W @ np.full(brain.W.shape[1], 0.5, dtype=brain.dtype)
        return
    brain.initialize(int(rng.integers(0, 2**31)))
    brain.W_ih[:] = rng.normal(0.0, scale, size=brain.W_ih.shape)
    H = brain.hidden_size
    centred = brain.W_ih @ np.full(brain.input_size, 0.5, dtype=brain.dtype)
    brain.b_ih[:] -= centred
    brain.b_ih[H : 2 * H] = 1.0 - centred[H : 2 * H]  # keep the forget gate open at the centre
    brain.changed()


def check_targets(hp: dict[str, Any]) -> None:
    if hp["targets"] not in TARGET_KINDS:
        raise ValueError(f"unknown targets {hp['targets']!r}: choose {' or '.join(TARGET_KINDS)}")


def lstm_start(brain: LSTMBrain | MLPBrain, hyper: dict[str, Any], defaults: dict[str, Any],
               seed: int | None) -> tuple[dict[str, Any], np.random.Generator]:
    """An LSTM trainer's hyperparameters (the defaults, overridden by `hyper`, every name known) and its random
    stream, with the brain initialised as they ask."""
    unknown = set(hyper) - set(defaults)
    if unknown:
        raise ValueError(f"unknown hyperparameter {sorted(unknown)[0]!r}: choose from {', '.join(defaults)}")
    hp = {**defaults, **hyper}
    check_targets(hp)
    rng = np.random.default_rng(seed)
    if hp["init"] == "wide":
        wide_init(brain, hp["init_scale"], rng)
    elif hp["init"] is not None:
        raise ValueError(f"unknown init {hp['init']!r}: choose wide or None")
    return hp, rng


class LSTMUpdate:
    """The LSTM recipe's step: a growing batch of on-policy rounds (half their starts drawn where the mouse
    recently erred, on still-cat tasks), cross-entropy with the first move weighted up, one Adam step on a
    cosine-decaying rate."""

    def __init__(self, brain: LSTMBrain, task: Task, hp: dict[str, Any], rng: np.random.Generator,
                 games: int | None, seconds: float | None) -> None:
        self.brain, self.task, self.hp, self.rng = brain, task, hp, rng
        self.games, self.seconds = games, seconds
        self.adam = Adam(brain.theta.size, lr=hp["lr"], clip=hp["clip"], dtype=brain.dtype)
        self.focus = float(hp["focus"]) if is_still_cat(task) else 0.0
        self.first_weight = float(hp["first_weight"]) if is_still_cat(task) else 1.0
        self.cells = task.width * task.height
        self.starts_cat, self.starts_mouse = all_seed_starts(task.width, task.height)
        self.recent = np.zeros(self.cells * self.cells)  # per start: decayed count of recent mistakes from it
        self.loss = float("nan")

    def __call__(self, done_games: int, trained: float) -> int:
        hp, brain, rng, starts = self.hp, self.brain, self.rng, len(self.starts_cat)
        B = int(min(hp["batch"] * (1 + done_games / hp["batch_growth"]), hp["batch_max"]))
        if self.games is not None:
            B = min(B, self.games - done_games)
        frac = _fraction(done_games, trained, self.games, self.seconds)
        decay_from = 1.0 - hp["decay"]
        if frac > decay_from and hp["decay"] > 0:
            s = (frac - decay_from) / hp["decay"]
            self.adam.lr = hp["lr"] * (hp["lr_end"] + (1 - hp["lr_end"]) * 0.5 * (1 + math.cos(math.pi * s)))
        cat = mouse = picked = None
        if self.focus > 0:
            picked = rng.integers(0, starts, size=B)
            k = int(round(self.focus * B))
            if k and self.recent.sum() > 0:
                picked[:k] = rng.choice(starts, size=k, p=self.recent / self.recent.sum())
            cat, mouse = self.starts_cat[picked], self.starts_mouse[picked]
        rounds = self.rollout(B, cat, mouse)
        trace = rounds.trace
        T = trace.t
        weight = rounds.mask[:T].astype(brain.dtype)
        ramp = min(1.0, done_games / hp["first_ramp"]) if hp["first_ramp"] else 1.0
        weight[0] *= 1.0 + (self.first_weight - 1.0) * ramp
        # a teacher with no value (the post's) is imitated move for move, by the plain cross-entropy
        best = rounds.targets[:T] if self.hp["targets"] == "value" and rounds.by_value else None
        self.loss, grad = imitation_loss(brain, trace.logits(), trace, rounds.teacher[:T], weight, best,
                                         self.hp["tie_weight"])
        self.adam.step(brain.theta, grad)
        brain.changed()
        if picked is not None:
            self.recent *= hp["focus_memory"]
            np.add.at(self.recent, picked, rounds.mistakes)
        return B

    def rollout(self, B: int, cat: np.ndarray | None, mouse: np.ndarray | None) -> Rounds | CatRounds:
        """B on-policy rounds from these starts (None: drawn), with the brain's trace and the teacher's labels."""
        return play(self.task, B, self.rng, self.brain, cat=cat, mouse_start=mouse)

    def reached(self) -> bool:
        return False

    def status(self) -> str:
        return f"loss {self.loss:.4f}"


def train_lstm(
    brain: LSTMBrain | MLPBrain,
    task: Task,
    *,
    games: int | None = None,
    seconds: float | None = None,
    seed: int = 0,
    eval_every: int = 2000,
    stop: Callable[[Progress], bool] | None = None,
    progress: bool = False,
    **hyper: Any,
) -> list[Progress]:
    """Train an LSTM by on-policy imitation on `task`; returns the curve, one Progress per evaluation.

    Trains until `games` games or `seconds` of training time (whichever comes first), or until
    `stop(progress)` is true at an evaluation. Hyperparameters default to LSTM_HYPER; with init="wide" (the
    default) the brain's weights are first replaced by `wide_init`; pass init=None to continue from the brain
    as it is. The same seed and games give the same numbers.

    Two training techniques aim at exact imitation of the seed task, where every start's first move comes from
    the zero state and is seen once a game, while the later moves crowd into a few states along the walls the
    mouse runs to: `first_weight` weighs each round's first move more in the loss (reached gradually over
    `first_ramp` games), and `focus` draws that share of each batch's starts in proportion to the mistakes the
    mouse made recently from them in training (prioritized starts). Evaluation stays uniform and held-out."""
    _check_budget(games, seconds)
    hp, rng = lstm_start(brain, hyper, LSTM_HYPER, seed)
    update = LSTMUpdate(brain, task, hp, rng, games, seconds)
    return run(brain, task, update, games=games, seconds=seconds, eval_every=eval_every, stop=stop,
               progress=progress)


# -- the cat's LSTM ---------------------------------------------------------------------------------------------


def cat_brain(hidden: int, seed: int | None = None, features: tuple[str, ...] = FEATURES) -> LSTMBrain:
    """A new cat's LSTM: the mouse's inputs, the eight king moves in the arena's order."""
    return LSTMBrain(hidden, seed=seed, features=features, actions=CAT_MOVE_NAMES, role="cat")


def judge_cat(brain: Brain, task: CatTask) -> tuple[None, float, int]:
    """A cat's held-out figures: from every start against each of the task's mice, the share of its moves that
    were value-optimal (as agreement) and how many were not (as exhaustive mistakes)."""
    rounds = cat_scores(brain, task)
    return None, rounds.value_optimal, int(rounds.mistakes.sum())


class CatUpdate(LSTMUpdate):
    """The LSTM recipe's step for a cat: on-policy rounds of the cat's task against its mice, the perfect cat's
    moves as labels; `focus` draws that share of the starts where the cat recently made moves that were not
    value-optimal."""

    def __init__(self, brain: LSTMBrain, task: CatTask, hp: dict[str, Any], rng: np.random.Generator,
                 games: int | None, seconds: float | None) -> None:
        super().__init__(brain, task, hp, rng, games, seconds)
        self.focus = float(hp["focus"])
        # Only starts a round can have (the cat off the mouse's cell): every drawn round has a move to learn.
        self.starts_cat, self.starts_mouse = all_starts(task.width, task.height, task.room)
        self.recent = np.zeros(len(self.starts_cat))

    def rollout(self, B: int, cat: np.ndarray | None, mouse: np.ndarray | None) -> CatRounds:
        return play_cat(self.task, B, self.rng, self.brain, cat_start=cat, mouse_start=mouse)


def train_cat_lstm(
    brain: LSTMBrain,
    task: CatTask,
    *,
    games: int | None = None,
    seconds: float | None = None,
    seed: int = 0,
    eval_every: int = 50_000,
    stop: Callable[[Progress], bool] | None = None,
    progress: bool = False,
    **hyper: Any,
) -> list[Progress]:
    """Train a cat's LSTM by on-policy imitation of the perfect cat against the task's mice (DAgger: the cat
    moves by its own choice, the perfect cat labels every state it visits); the LSTM recipe and loop of
    `train_lstm`, with evaluation by `judge_cat` (agreement is the value-optimal share from every start,
    exhaustive mistakes the moves that were not). Hyperparameters default to CAT_HYPER."""
    if brain.role != "cat" or brain.n_actions != len(CAT_MOVE_NAMES):
        raise ValueError(f"a cat's trainer needs a cat's brain with {len(CAT_MOVE_NAMES)} moves, not a "
                         f"{brain.role}'s with {brain.n_actions}")
    _check_budget(games, seconds)
    hp, rng = lstm_start(brain, hyper, CAT_HYPER, seed)
    update = CatUpdate(brain, task, hp, rng, games, seconds)
    return run(brain, task, update, games=games, seconds=seconds, eval_every=eval_every, stop=stop,
               progress=progress, judge=judge_cat)


# The cat's recipe: the LSTM's (first_weight does not apply: the cat's task is not a still-cat one).
CAT_HYPER: dict[str, Any] = {**LSTM_HYPER, "focus": 0.5}


# -- the post's network ------------------------------------------------------------------------------------


def _still_cat_tables(task: Task) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lookup tables for one-game-at-a-time play on a still-cat task, built from the batched rules:
    the teacher's scalar direction for every (cat cell, mouse cell), the mouse's next cell for every (cell, move),
    and every cell's input coordinates."""
    W, H = task.width, task.height
    cat, mouse = all_seed_starts(W, H)  # cell index = y·W + x, cat-major
    target = POST_DIRECTIONS[teacher_moves(task.teacher, cat, mouse, W, H)].reshape(W * H, W * H)
    cells = cat[:: W * H]
    following = np.stack([step_cells(cells, np.full(len(cells), k, dtype=np.int32), MOUSE_MOVES, W, H)
                          for k in range(4)], axis=1)
    next_cell = (following[..., 1] * W + following[..., 0]).astype(np.int64)
    coords = cells / np.array([W - 1, H - 1], dtype=np.float64)
    return target, next_cell, coords


class PostUpdate:
    """The post's step: one game of `move_limit` moves from a drawn start, played one state at a time in float64
    through lookup tables, the mouse following its own output; then one SGD step on what it saw. `loss` is the
    post's metric: Σ|teacher − output| per game, smoothed (factor 0.999, from the first game's value), ×4."""

    def __init__(self, brain: PostBrain, task: Task, draw: Callable[[], tuple[int, int, int, int]],
                 faithful: bool) -> None:
        self.brain, self.draw, self.faithful = brain, draw, faithful
        self.W, self.T = task.width, task.move_limit
        self.target, self.next_cell, self.coords = _still_cat_tables(task)
        self.zero = np.zeros((1, brain.hidden_size))
        self.smoothed: float | None = None

    @property
    def loss(self) -> float:
        # A Python float: the metric goes into the brain file's meta, whose check takes no NumPy scalars.
        return float("nan") if self.smoothed is None else float(self.smoothed * 4)

    def __call__(self, done_games: int, trained: float) -> int:
        brain, coords, target = self.brain, self.coords, self.target
        cx, cy, mx, my = self.draw()
        cat_cell, mouse_cell = cy * self.W + cx, my * self.W + mx
        cat_xy = coords[cat_cell]
        h = self.zero
        xs, hs, ys, targets = [], [h], [], []
        total = 0.0
        for _ in range(self.T):
            x = np.concatenate([cat_xy, coords[mouse_cell]])[None, :]
            h, y = brain.forward_step(x, h)
            wanted = target[cat_cell, mouse_cell]
            total += abs(wanted - y[0, 0])
            xs.append(x)
            hs.append(h)
            ys.append(y)
            targets.append(wanted)
            mouse_cell = self.next_cell[mouse_cell, post_move(y[0, 0])]
        brain.learn_from_game(xs, hs, ys, targets)
        smoothed = self.smoothed
        self.smoothed = total if smoothed is None else smoothed * POST_SMOOTHING + (1 - POST_SMOOTHING) * total
        return 1

    def reached(self) -> bool:
        return self.faithful and self.smoothed is not None and self.smoothed * 4 < POST_TARGET

    def status(self) -> str:
        return f"post metric {self.loss:.3f}"


def train_post(
    brain: PostBrain,
    task: Task = SEED_TASK,
    *,
    games: int | None = None,
    seconds: float | None = None,
    seed: int = 0,
    eval_every: int = 10_000,
    stop: Callable[[Progress], bool] | None = None,
    progress: bool = False,
    faithful: bool = False,
) -> list[Progress]:
    """Train the post's network as the post did: one game, then one SGD step (rate brain.alpha) on ½Σ(target −
    output)² by back-propagation through time, on a still-cat task. Progress.loss is the post's metric: a moving
    average (factor 0.999, started at the first game's value) of Σ|teacher − output| per game, times 4.

    faithful=True reconstructs the post's run: `np.random.seed(seed)`, the brain's weights redrawn from the
    legacy global RNG (S0, S1, Sh), then per game cat_x, cat_y, mouse_x, mouse_y each `np.random.randint(0, W)`
    (or H), 10 moves, and training stops as soon as the metric is below 1.2 (also with no games/seconds given).
    Otherwise starts come from `np.random.default_rng(seed)` and the brain's weights are kept."""
    if task.cats:
        raise ValueError("the post's network trains on still-cat tasks only (like the seed task)")
    if faithful:
        games = POST_MAX_GAMES if games is None and seconds is None else games
    _check_budget(games, seconds)
    W, H = task.width, task.height
    if faithful:
        np.random.seed(seed)
        drawn = PostBrain(brain.hidden_size, brain.input_size, rng=np.random, alpha=brain.alpha)
        for key in brain.params:
            brain.params[key][...] = drawn.params[key]
        brain.reset_state()

        def draw() -> tuple[int, int, int, int]:
            return (np.random.randint(0, W), np.random.randint(0, H), np.random.randint(0, W),
                    np.random.randint(0, H))
    else:
        rng = np.random.default_rng(seed)

        def draw() -> tuple[int, int, int, int]:
            cx, cy, mx, my = rng.integers(0, [W, H, W, H])
            return int(cx), int(cy), int(mx), int(my)

    update = PostUpdate(brain, task, draw, faithful)
    return run(brain, task, update, games=games, seconds=seconds, eval_every=eval_every, stop=stop,
               progress=progress)


@dataclass(frozen=True)
class Trainer:
    """How one architecture is trained: the function, the brain it starts from (hidden units, seed), the hidden
    size when none is given, and what its curve's loss column measures."""

    train: Callable[..., list[Progress]]
    new_brain: Callable[..., Brain]  # (hidden units, seed, features=...)
    default_hidden: int
    loss_label: str


# The cat's trainers, by the architecture they train (an LSTM only: the post's net reads four moves by quarters).
CAT_TRAINERS: dict[str, Trainer] = {
    LSTMBrain.arch: Trainer(train_cat_lstm, cat_brain, 32, "cross-entropy"),
}

TRAINERS: dict[str, Trainer] = {
    LSTMBrain.arch: Trainer(train_lstm, lambda hidden, seed, features=FEATURES: LSTMBrain(hidden, seed=seed,
                                                                                       features=features),
                            32, "cross-entropy"),
    PostBrain.arch: Trainer(train_post, lambda hidden, seed, features=FEATURES: PostBrain(
        hidden, rng=np.random.default_rng(seed), features=features), 16, "the post's metric (smoothed Σ|error|×4)"),
    # The memoryless baseline and the windowed net train exactly as the LSTM does (same loop, update and recipe).
    MLPBrain.arch: Trainer(train_lstm, lambda hidden, seed, features=FEATURES: MLPBrain(hidden, seed=seed,
                                                                                     features=features),
                           32, "cross-entropy"),
    WindowBrain.arch: Trainer(train_lstm, lambda hidden, seed, features=FEATURES, window=1: WindowBrain(
        hidden, seed=seed, features=features, window=window), 32, "cross-entropy"),
}
