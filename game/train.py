"""Train a mouse's brain by imitation: `python -m game.train --help`.

On-policy imitation, as in the post: the mouse moves by its own choice while the teacher labels every state it
visits, and the brain learns to give the teacher's move there (DAgger with the learner always in control).

- `train_lstm`: our LSTM, many games per update (one batched `tasks.play` whose trace feeds backward through
  time), cross-entropy on the teacher's moves, Adam.
- `train_post`: the post's own network and plain SGD, one update per game. `faithful=True` reconstructs the
  post's run exactly: legacy global NumPy RNG, weights drawn first, then four start coordinates per game, the
  post's smoothed error metric, stop below 1.2.

Evaluation is on held-out games (tasks.heldout_rng) never trained on; `Progress.seconds` counts training time
only, evaluation time is excluded. No pygame; matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import math
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from .arena import MOUSE_MOVES, POST_DIRECTIONS, parse_size, step_cells
from .brain_np import Adam, LSTMBrain, PostBrain, imitation_loss, post_move
from .brainfile import MAX_HIDDEN, BrainFileError, brain_bytes, load_brain_bytes, printable, write_atomic
from .cats import CAT_NAMES
from .tasks import (
    HELDOUT_GAMES,
    SEED_TASK,
    Task,
    agreement,
    all_seed_starts,
    chase_task,
    exhaustive_mistakes,
    heldout_rng,
    mistakes_per_game,
    play,
)
from .teachers import TEACHER_NAMES, teacher_moves

POST_TARGET = 1.2  # the post's stopping point for its smoothed error metric
POST_SMOOTHING = 0.999
POST_MAX_GAMES = 10_000_001  # the post's loop bound


@dataclass
class Progress:
    """One point of a training curve. `seconds` is training time only (evaluation excluded). `loss` is the mean
    cross-entropy of the last update for an LSTM, and the post's smoothed metric (×4) for the post's network.
    The metrics are None where they do not apply (mistakes per game and exhaustive mistakes: still-cat tasks)."""

    games: int
    seconds: float
    loss: float
    mistakes_per_game: float | None
    agreement: float | None
    exhaustive_mistakes: int | None


CURVE_COLUMNS = tuple(f.name for f in fields(Progress))

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
}


def is_still_cat(task: Task) -> bool:
    return not task.cats


def evaluate(brain: LSTMBrain | PostBrain, task: Task) -> tuple[float | None, float | None, int | None]:
    """Held-out mistakes per game and exhaustive mistakes (still-cat tasks) and agreement (every task)."""
    if is_still_cat(task):
        rounds = play(task, HELDOUT_GAMES, heldout_rng(task), brain)
        mistakes = float(rounds.mistakes.mean())
        steps = max(int(rounds.mask.sum()), 1)
        return mistakes, 1.0 - float(rounds.mistakes.sum()) / steps, exhaustive_mistakes(brain, task)
    return None, agreement(brain, task), None


def wide_init(brain: LSTMBrain, scale: float, rng: np.random.Generator) -> None:
    """Sharp input weights whose hyperplanes pass through the centre of the unit square: W_ih ~ N(0, scale²),
    b_ih = -W_ih · ½. The inputs are coordinates in [0, 1] and the teacher's boundaries lie 0.2 apart, so units
    need steep weights to tell neighbouring cells apart; PyTorch's default (±1/√H) starts far too flat."""
    brain.initialize(int(rng.integers(0, 2**31)))
    brain.W_ih[:] = rng.normal(0.0, scale, size=brain.W_ih.shape)
    H = brain.hidden_size
    centred = brain.W_ih @ np.full(brain.input_size, 0.5, dtype=brain.dtype)
    brain.b_ih[:] -= centred
    brain.b_ih[H : 2 * H] = 1.0 - centred[H : 2 * H]  # keep the forget gate open at the centre
    brain.changed()


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
        fractions = []
        if self.total_games:
            fractions.append(games / self.total_games)
        if self.total_seconds:
            fractions.append(seconds / self.total_seconds)
        done = min(max(fractions), 1.0) if fractions else 0.0
        width = 30
        filled = int(round(done * width))
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r[{bar}] {done:4.0%} {games:,} games {seconds:6.1f}s {text}\x1b[K")
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


def train_lstm(
    brain: LSTMBrain,
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
    unknown = set(hyper) - set(LSTM_HYPER)
    if unknown:
        raise ValueError(f"unknown hyperparameter {sorted(unknown)[0]!r}: choose from {', '.join(LSTM_HYPER)}")
    hp = {**LSTM_HYPER, **hyper}
    rng = np.random.default_rng(seed)
    if hp["init"] == "wide":
        wide_init(brain, hp["init_scale"], rng)
    elif hp["init"] is not None:
        raise ValueError(f"unknown init {hp['init']!r}: choose wide or None")
    adam = Adam(brain.theta.size, lr=hp["lr"], clip=hp["clip"], dtype=brain.dtype)
    focus = float(hp["focus"]) if is_still_cat(task) else 0.0
    first_weight = float(hp["first_weight"]) if is_still_cat(task) else 1.0
    cells = task.width * task.height
    starts_cat, starts_mouse = all_seed_starts(task.width, task.height)
    recent = np.zeros(cells * cells)  # per start: decayed count of the mouse's recent mistakes from it

    bar = Bar(games, seconds, progress)
    curve: list[Progress] = []
    done_games, trained, loss, next_eval = 0, 0.0, float("nan"), 0

    def check() -> bool:
        mistakes, agree, exhaustive = evaluate(brain, task)
        curve.append(Progress(done_games, trained, loss, mistakes, agree, exhaustive))
        shown = f"loss {loss:.4f}" + (f" mistakes/game {mistakes:.3f} exhaustive {exhaustive}" if mistakes is not None
                                      else f" agreement {agree:.4f}")
        bar.show(done_games, trained, shown, force=True)
        return bool(stop and stop(curve[-1]))

    stopped = False
    while True:
        if done_games >= next_eval:
            if check():
                stopped = True
                break
            while next_eval <= done_games:  # evaluation never changes the batches, so it lands just past
                next_eval += eval_every
        if (games is not None and done_games >= games) or (seconds is not None and trained >= seconds):
            break
        t0 = time.perf_counter()
        B = int(min(hp["batch"] * (1 + done_games / hp["batch_growth"]), hp["batch_max"]))
        if games is not None:
            B = min(B, games - done_games)
        frac = _fraction(done_games, trained, games, seconds)
        decay_from = 1.0 - hp["decay"]
        if frac > decay_from and hp["decay"] > 0:
            s = (frac - decay_from) / hp["decay"]
            adam.lr = hp["lr"] * (hp["lr_end"] + (1 - hp["lr_end"]) * 0.5 * (1 + math.cos(math.pi * s)))
        cat = mouse = None
        picked = None
        if focus > 0:
            picked = rng.integers(0, cells * cells, size=B)
            k = int(round(focus * B))
            if k and recent.sum() > 0:
                picked[:k] = rng.choice(cells * cells, size=k, p=recent / recent.sum())
            cat, mouse = starts_cat[picked], starts_mouse[picked]
        rounds = play(task, B, rng, brain, cat=cat, mouse_start=mouse)
        trace = rounds.trace
        T = trace.t
        weight = rounds.mask[:T].astype(brain.dtype)
        ramp = min(1.0, done_games / hp["first_ramp"]) if hp["first_ramp"] else 1.0
        weight[0] *= 1.0 + (first_weight - 1.0) * ramp
        loss, grad = imitation_loss(brain, trace.logits(), trace, rounds.teacher[:T], weight)
        adam.step(brain.theta, grad)
        brain.changed()
        if picked is not None:
            recent *= hp["focus_memory"]
            np.add.at(recent, picked, rounds.mistakes)
        done_games += B
        trained += time.perf_counter() - t0
        bar.show(done_games, trained, f"loss {loss:.4f}")
    if not stopped and (not curve or curve[-1].games != done_games):
        check()
    bar.close()
    return curve


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
    W, H, T = task.width, task.height, task.move_limit
    target, next_cell, coords = _still_cat_tables(task)
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

    bar = Bar(games, seconds, progress)
    curve: list[Progress] = []
    smoothed: float | None = None
    done_games, trained, next_eval = 0, 0.0, 0
    zero = np.zeros((1, brain.hidden_size))

    def check() -> bool:
        mistakes, agree, exhaustive = evaluate(brain, task)
        metric = float("nan") if smoothed is None else smoothed * 4
        curve.append(Progress(done_games, trained, metric, mistakes, agree, exhaustive))
        bar.show(done_games, trained, f"post metric {metric:.3f} mistakes/game {mistakes:.3f}", force=True)
        return bool(stop and stop(curve[-1]))

    stopped = False
    t0 = time.perf_counter()
    while True:
        reached = faithful and smoothed is not None and smoothed * 4 < POST_TARGET
        if done_games >= next_eval or reached:
            trained += time.perf_counter() - t0
            if check() or reached:
                stopped = True
                break
            next_eval += eval_every
            t0 = time.perf_counter()
        if (games is not None and done_games >= games) or (
                seconds is not None and trained + time.perf_counter() - t0 >= seconds):
            trained += time.perf_counter() - t0
            break
        cx, cy, mx, my = draw()
        cat_cell, mouse_cell = cy * W + cx, my * W + mx
        cat_xy = coords[cat_cell]
        h = zero
        xs, hs, ys, targets = [], [h], [], []
        total = 0.0
        for _ in range(T):
            x = np.concatenate([cat_xy, coords[mouse_cell]])[None, :]
            h, y = brain.forward_step(x, h)
            wanted = target[cat_cell, mouse_cell]
            total += abs(wanted - y[0, 0])
            xs.append(x)
            hs.append(h)
            ys.append(y)
            targets.append(wanted)
            mouse_cell = next_cell[mouse_cell, post_move(y[0, 0])]
        brain.learn_from_game(xs, hs, ys, targets)
        smoothed = total if smoothed is None else smoothed * POST_SMOOTHING + (1 - POST_SMOOTHING) * total
        done_games += 1
        if progress and done_games % 1000 == 0:
            bar.show(done_games, trained + time.perf_counter() - t0, f"post metric {smoothed * 4:.3f}")
    if not stopped and (not curve or curve[-1].games != done_games):
        check()
    bar.close()
    return curve


# -- command line ------------------------------------------------------------------------------------------


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument ends with one line naming it (and exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def argparse_type(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """A parser that raises ValueError, as an argparse type that shows its one-line message as it is."""

    def parse_argument(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse_argument


def parse_cats(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    for name in names:
        if name not in CAT_NAMES:
            raise argparse.ArgumentTypeError(f"unknown cat {name!r}: choose from {', '.join(CAT_NAMES)}")
    if not names:
        raise argparse.ArgumentTypeError("give at least one cat")
    return names


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number (1_000 and 1,000 allowed) of at least `minimum`."""

    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} must be at least {minimum}")
        return value

    return parse


positive_int, natural_int = whole_number(1), whole_number(0)
MAX_SEED = 2**32 - 1  # np.random.seed (the post's faithful run) takes no more
MAX_MOVE_LIMIT = 1000
MAX_BATCH = 4096
MAX_TRACE_BYTES = 2**30  # the largest batch's trace for backward through time must fit in memory


def bounded_whole(minimum: int, maximum: int) -> Callable[[str], int]:
    """An argparse type: a whole number from minimum to maximum."""
    parse = whole_number(minimum)

    def bounded(text: str) -> int:
        value = parse(text)
        if value > maximum:
            raise argparse.ArgumentTypeError(f"{text!r} must be at most {maximum:,}")
        return value

    return bounded


def number_in(low: float, high: float, low_open: bool = True) -> Callable[[str], float]:
    """An argparse type: a finite number above `low` (or from it, low_open=False) and at most `high`."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not (math.isfinite(value) and (value > low if low_open else value >= low) and value <= high):
            raise argparse.ArgumentTypeError(f"{text!r} must be a number {'above' if low_open else 'from'} {low:g} "
                                             f"and at most {high:g}")
        return value

    return parse


def positive_float(text: str) -> float:
    return number_in(0.0, math.inf)(text)


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="python -m game.train",
        description="Train a mouse's brain by on-policy imitation of its teacher and save it as a brain file.",
        epilog="Examples: python -m game.train --task seed --arch lstm --hidden 32 --games 100000 --out "
        "weights/lstm32_post.npz;  python -m game.train --arch post --hidden 16 --faithful --out weights/post16.npz;"
        "  python -m game.train --task chase --size 8 --cats perfect,greedy,noisy,random --seconds 120 "
        "--out weights/lstm32_optimal.npz",
    )
    p.add_argument("--task", choices=("seed", "chase"), default="seed",
                   help="seed: the post's task (6x6, cat still, 10 moves); chase: scripted cats chase the mouse")
    p.add_argument("--size", type=argparse_type(parse_size), default=None,
                   help="arena N, WxH or W×H (chase default 8; seed is 6x6)")
    p.add_argument("--cats", type=parse_cats, default=CAT_NAMES,
                   help=f"chase task: comma-separated cats, one per round in turn (default {','.join(CAT_NAMES)})")
    p.add_argument("--move-limit", type=bounded_whole(1, MAX_MOVE_LIMIT), default=40,
                   help=f"chase task: mouse moves a round, up to {MAX_MOVE_LIMIT} (40)")
    p.add_argument("--teacher", choices=TEACHER_NAMES, default=None,
                   help="post: the post's teacher; optimal: the optimal mouse (default post on seed, optimal on chase)")
    p.add_argument("--arch", choices=("lstm", "post"), default="lstm", help="lstm (ours) or post (the post's net)")
    p.add_argument("--hidden", type=bounded_whole(1, MAX_HIDDEN), default=None,
                   help=f"hidden units, up to {MAX_HIDDEN}, the most the game plays (lstm 32, post 16)")
    p.add_argument("--games", type=positive_int, default=None, help="training games")
    p.add_argument("--seconds", type=positive_float, default=None, help="training seconds (evaluation excluded)")
    p.add_argument("--seed", type=bounded_whole(0, MAX_SEED), default=0,
                   help="random seed, 0 to 2^32-1; the same seed and --games repeat a run")
    p.add_argument("--out", type=Path, default=None, help="brain file to write (weights/NAME.npz)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.add_argument("--curve", type=Path, default=None,
                   help="prefix for the training curve PATH.csv and PATH.png (default: beside --out)")
    p.add_argument("--no-plot", action="store_true", help="write the curve CSV only, no PNG")
    p.add_argument("--eval-every", type=positive_int, default=None, help="games between held-out evaluations")
    p.add_argument("--faithful", action="store_true",
                   help="post arch: reconstruct the post's run (np.random.seed, stop when its metric < 1.2)")
    p.add_argument("--stop-mistakes", type=number_in(0.0, 1000.0, low_open=False), default=None,
                   help="stop at the first evaluation with held-out mistakes per game at or below this")
    p.add_argument("--stop-exact", action="store_true",
                   help="stop at the first evaluation with 0 mistakes from every start of a still-cat task")
    p.add_argument("--lr", type=number_in(0.0, 10.0), default=None, help=f"LSTM: Adam's rate ({LSTM_HYPER['lr']})")
    p.add_argument("--batch", type=bounded_whole(1, MAX_BATCH), default=None,
                   help=f"LSTM: first batch ({LSTM_HYPER['batch']})")
    p.add_argument("--batch-max", type=bounded_whole(1, MAX_BATCH), default=None,
                   help=f"LSTM: largest batch ({LSTM_HYPER['batch_max']})")
    p.add_argument("--batch-growth", type=positive_int, default=None,
                   help=f"LSTM: games over which the batch grows by its first size ({LSTM_HYPER['batch_growth']})")
    p.add_argument("--focus", type=float, default=None,
                   help="LSTM, still-cat tasks: share of each batch drawn from starts where the mouse recently erred "
                   f"({LSTM_HYPER['focus']})")
    p.add_argument("--first-weight", type=number_in(0.0, 1e6), default=None,
                   help=f"LSTM, still-cat tasks: loss weight of each round's first move ({LSTM_HYPER['first_weight']})")
    p.add_argument("--init-scale", type=number_in(0.0, 100.0), default=None,
                   help=f"LSTM: spread of the wide input-weight init ({LSTM_HYPER['init_scale']})")
    p.add_argument("--decay", type=float, default=None,
                   help=f"LSTM: final share of the run with a cosine-falling rate ({LSTM_HYPER['decay']})")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--table", type=Path, nargs="+", default=None, metavar="BRAIN",
                   help="instead of training: print the weights table (markdown) for these brain files")
    return p


def make_task(args: argparse.Namespace) -> Task:
    if args.task == "seed":
        if args.size not in (None, (6, 6)):
            raise ValueError("the seed task is 6x6; --size is for --task chase")
        teacher = args.teacher or "post"
        return Task("seed", 6, 6, (), 10, teacher)
    width, height = args.size or (8, 8)
    return chase_task(width, height, args.cats, args.move_limit, args.teacher or "optimal")


def brain_summary(brain: LSTMBrain | PostBrain, task: Task) -> dict[str, Any]:
    """The held-out numbers a brain file and the weights table carry."""
    seed_task = Task("seed", 6, 6, (), 10, task.teacher)
    out: dict[str, Any] = {}
    if not task.cats:
        out["heldout_mistakes_per_game"] = mistakes_per_game(brain, seed_task if task == seed_task else task)
        out["exhaustive_mistakes"] = exhaustive_mistakes(brain, task)
    else:
        out["heldout_mistakes_per_game"] = None
    out["agreement"] = agreement(brain, task)
    return out


def write_curve(curve: list[Progress], prefix: Path, title: str, plot: bool = True,
                loss_label: str = "training loss") -> list[Path]:
    """The curve as PREFIX.csv (CURVE_COLUMNS) and, with plot, PREFIX.png."""
    prefix.parent.mkdir(parents=True, exist_ok=True)
    csv_path = prefix.with_name(prefix.name + ".csv")
    with open(csv_path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CURVE_COLUMNS)
        for point in curve:
            writer.writerow(["" if v is None else (f"{v:.6g}" if isinstance(v, float) else v)
                             for v in asdict(point).values()])
    written = [csv_path]
    if plot:
        written.append(plot_curve(curve, prefix.with_name(prefix.name + ".png"), title, loss_label))
    return written


def read_curve(path: Path) -> list[Progress]:
    """A curve CSV as written by write_curve."""
    def number(text: str, kind: type) -> Any:
        return None if text == "" else kind(float(text))

    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return [Progress(int(r["games"]), float(r["seconds"]), float(r["loss"]), number(r["mistakes_per_game"], float),
                     number(r["agreement"], float), number(r["exhaustive_mistakes"], int)) for r in rows]


def plot_curve(curve: list[Progress], path: Path, title: str, loss_label: str = "training loss") -> Path:
    import matplotlib  # lazily: only plotting needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    games = [p.games for p in curve]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    lines = []
    if curve and curve[0].mistakes_per_game is not None:
        lines += ax.plot(games, [p.mistakes_per_game for p in curve], color="tab:blue",
                         label="held-out mistakes per game")
        lines += ax.plot(games, [p.loss for p in curve], color="tab:gray", linestyle="--", linewidth=1,
                         label=loss_label)
        ax.axhline(0.5, color="tab:blue", linestyle=":", linewidth=1)
        ax.set_ylabel("per game (of 10 moves)")
        ax.set_yscale("symlog", linthresh=0.1)
        ax.set_ylim(0, 10)
        ticks = [0, 0.1, 0.5, 1, 2, 5, 10]
        ax.set_yticks(ticks, [str(t) for t in ticks])
        ax2 = ax.twinx()
        lines += ax2.plot(games, [p.exhaustive_mistakes for p in curve], color="tab:red",
                          label="mistakes over all starts (right)")
        ax2.set_yscale("symlog", linthresh=1)
        ax2.set_ylim(0, 20000)
        ticks = [0, 1, 10, 100, 1000, 10000]
        ax2.set_yticks(ticks, [f"{t:,}" for t in ticks])
        ax2.set_ylabel("mistakes over every start", color="tab:red")
    else:
        lines += ax.plot(games, [p.agreement for p in curve], color="tab:green", label="held-out agreement")
        ax.set_ylabel("agreement with the teacher")
    ax.set_xlabel("training games")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    where = "upper right" if curve and curve[0].mistakes_per_game is not None else "lower right"
    ax.legend(lines, [line.get_label() for line in lines], loc=where, fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


TABLE_COLUMNS = ("brain", "arch", "hidden", "teacher", "task", "mistakes/game (seed task)", "exhaustive mistakes",
                 "agreement (chase 8x8)", "survival vs perfect (brain / teacher / random)",
                 "survival vs greedy (brain / teacher / random)", "survival vs noisy (brain / teacher / random)",
                 "training games", "training s", "command")


def brain_row(path: Path) -> list[str]:
    """One row of the weights table: the brain's held-out figures, measured now, and how it was made.

    Mistakes per game and exhaustive mistakes are on the 6×6 still-cat seed task with the brain's own teacher;
    agreement is with the brain's own teacher on the 8×8 chase task (perfect, greedy, noisy, random cats, 40
    moves); survival is mean moves survived (of 40) on 8×8 against one cat, beside the teacher and a random
    mouse on the same held-out starts."""
    from .brainfile import load_brain
    from .tasks import survival

    brain = load_brain(path)
    meta = brain.meta
    teacher = meta["teacher"]  # the loader fills in its default when a file has none
    seed_task = Task("seed", 6, 6, (), 10, teacher)
    cells = [path.name, brain.arch, str(brain.hidden_size), teacher, (meta.get("task") or {}).get("name", "?")]
    cells.append(f"{mistakes_per_game(brain, seed_task):.4f}")
    cells.append(str(exhaustive_mistakes(brain, seed_task)))
    cells.append(f"{agreement(brain, chase_task(8, 8, CAT_NAMES, 40, teacher)):.4f}")
    for cat in ("perfect", "greedy", "noisy"):
        task = chase_task(8, 8, (cat,), 40, teacher)
        cells.append(" / ".join(f"{survival(task, brain if m == 'brain' else None, m):.1f}"
                                for m in ("brain", "teacher", "random")))
    cells.append(f"{meta.get('training_games', 0):,}")
    cells.append(f"{meta.get('training_seconds', float('nan')):.1f}")
    cells.append(f"`{meta.get('command', '')}`")
    return cells


def print_table(paths: list[Path]) -> None:
    print("| " + " | ".join(TABLE_COLUMNS) + " |")
    print("|" + "---|" * len(TABLE_COLUMNS))
    for path in paths:
        print("| " + " | ".join(brain_row(path)) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.table:
        try:
            print_table(args.table)
        except ValueError as exc:  # BrainFileError is one line naming the file
            parser.exit(1, f"{parser.prog}: error: {exc}\n")
        return 0
    argv = sys.argv[1:] if argv is None else argv
    command = "python -m game.train " + " ".join(shlex.quote(a) for a in argv)
    try:
        task = make_task(args)
        if args.arch == "post" and task.cats:
            raise ValueError("--arch post trains on the seed task only")
        if args.faithful and args.arch != "post":
            raise ValueError("--faithful is for --arch post")
        if args.games is None and args.seconds is None and not args.faithful:
            raise ValueError("give --games N and/or --seconds S")
        for flag, value in (("--focus", args.focus), ("--decay", args.decay)):
            if value is not None and not 0 <= value <= 1:  # NaN fails this too
                raise ValueError(f"{flag} {value} must be from 0 to 1")
        check_batches(args, task)
        check_outputs(args)
    except ValueError as exc:
        parser.exit(2, f"{parser.prog}: error: {printable(exc, 300)}\n")

    stops: list[Callable[[Progress], bool]] = []
    if args.stop_mistakes is not None:
        stops.append(lambda p: p.mistakes_per_game is not None and p.mistakes_per_game <= args.stop_mistakes)
    if args.stop_exact:
        stops.append(lambda p: p.exhaustive_mistakes == 0)

    def stop(p: Progress) -> bool:
        return any(s(p) for s in stops)

    common = dict(games=args.games, seconds=args.seconds, seed=args.seed, stop=stop if stops else None,
                  progress=not args.quiet)
    if args.eval_every:
        common["eval_every"] = args.eval_every
    if args.arch == "lstm":
        brain: LSTMBrain | PostBrain = LSTMBrain(args.hidden or 32, seed=args.seed)
        chosen = (("lr", args.lr), ("batch", args.batch), ("batch_max", args.batch_max), ("focus", args.focus),
                  ("batch_growth", args.batch_growth),
                  ("first_weight", args.first_weight), ("init_scale", args.init_scale), ("decay", args.decay))
        hyper = {k: v for k, v in chosen if v is not None}
        curve = train_lstm(brain, task, **common, **hyper)  # type: ignore[arg-type]
        recipe: dict[str, Any] = {**LSTM_HYPER, **hyper}
    else:
        brain = PostBrain(args.hidden or 16, rng=np.random.default_rng(args.seed))
        curve = train_post(brain, task, faithful=args.faithful, **common)  # type: ignore[arg-type]
        recipe = {"optimizer": "sgd", "lr": brain.alpha, "faithful": args.faithful}
    last = curve[-1]
    summary = brain_summary(brain, task)
    print(f"trained {last.games:,} games in {last.seconds:.2f} s of training (evaluation excluded)")
    if args.arch == "post" and args.faithful:
        print(f"Game: {last.games - 1}  (the post's loop counter; its metric {last.loss:.4f})")
    for key, value in summary.items():
        print(f"{key}: {value}")
    meta = {
        "grid_sizes": [[task.width, task.height]],
        "teacher": task.teacher,
        "task": {"name": task.name, "width": task.width, "height": task.height, "cats": list(task.cats),
                 "move_limit": task.move_limit, "catching": task.catching},
        "training_games": last.games,
        "training_seconds": round(last.seconds, 3),
        "training_seed": args.seed,
        "training_recipe": recipe,
        "command": command,
        **summary,
    }
    if args.arch == "post":
        meta["post_metric"] = last.loss
        if args.faithful:
            meta["post_loop_counter"] = last.games - 1  # the post counts games from 0
    title = f"{brain.arch} {brain.hidden_size} hidden, {task.name} task, {task.teacher} teacher"
    if args.out is not None:
        try:
            data = brain_bytes(brain, meta)
            load_brain_bytes(data, str(args.out))  # the game must be able to play what is written
            write_atomic(args.out, data, overwrite=args.force)
        except BrainFileError as exc:
            parser.exit(1, f"{parser.prog}: error: {printable(args.out, 100)}: not written: training made a brain "
                        f"the game cannot use ({printable(exc.problem, 160)})\n")
        except OSError as exc:
            parser.exit(1, f"{parser.prog}: error: {printable(exc, 300)}\n")
        print(f"wrote {args.out} ({len(data):,} bytes)")
    prefix = curve_prefix(args)
    if prefix is not None:
        loss_label = "the post's metric (smoothed Σ|error|×4)" if args.arch == "post" else "cross-entropy"
        try:
            for path in write_curve(curve, prefix, title, plot=not args.no_plot, loss_label=loss_label):
                print(f"wrote {path}")
        except OSError as exc:
            parser.exit(1, f"{parser.prog}: error: {printable(prefix, 100)}: cannot write the curve "
                        f"({exc.strerror or type(exc).__name__})\n")
    return 0


def curve_prefix(args: argparse.Namespace) -> Path | None:
    return args.curve or (args.out.with_suffix("") if args.out is not None else None)


def check_batches(args: argparse.Namespace, task: Task) -> None:
    """Refuse batch settings whose largest batch's trace would not fit in memory, before training."""
    if args.arch != "lstm":
        return
    batch = args.batch or LSTM_HYPER["batch"]
    batch_max = args.batch_max or LSTM_HYPER["batch_max"]
    if batch > batch_max:
        raise ValueError(f"--batch {batch} is larger than --batch-max {batch_max}")
    hidden = args.hidden or 32
    trace = task.move_limit * batch_max * (7 * hidden + 6) * 4 * 3  # forward rows, z, and backward's buffers
    if trace > MAX_TRACE_BYTES:
        raise ValueError(f"{batch_max} rounds of {task.move_limit} moves at {hidden} units need about "
                         f"{trace / 2**30:.1f} GiB for one update; lower --batch-max or --move-limit")


def check_outputs(args: argparse.Namespace) -> None:
    """Every file training will write, checked before it trains: the names, that nothing is in the way, and
    that each folder exists (made if missing) and really takes a new file."""
    targets: list[Path] = []
    if args.out is not None:
        if args.out.suffix != ".npz":
            raise ValueError(f"{args.out}: a brain file's name ends in .npz")
        if os.path.lexists(args.out):
            if not args.force:
                raise ValueError(f"{args.out}: already exists; not overwritten (use --force to replace it)")
            if not args.out.is_file():
                raise ValueError(f"{args.out}: is not a regular file; --force replaces only brain files")
        targets.append(args.out)
    prefix = curve_prefix(args)
    if prefix is not None:
        if not prefix.name:
            raise ValueError(f"--curve {prefix}: give a file prefix, not a folder")
        targets.append(prefix.with_name(prefix.name + ".csv"))
        if not args.no_plot:
            if importlib.util.find_spec("matplotlib") is None:
                raise ValueError("the curve's plot needs matplotlib (pip install -e '.[train]'), or pass --no-plot")
            targets.append(prefix.with_name(prefix.name + ".png"))
    for target in targets:
        if target.is_dir():
            raise ValueError(f"{target}: is a folder")
        check_folder(target.parent)


def check_folder(folder: Path) -> None:
    """Make the folder if missing and prove a new file can be made in it (os.access says yes to root)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-check-")
        os.close(fd)
        os.unlink(probe)
    except (FileExistsError, NotADirectoryError):
        raise ValueError(f"{folder}: is not a folder (a file is in the way)") from None
    except OSError as exc:
        raise ValueError(f"{folder}: cannot write there ({exc.strerror or type(exc).__name__})") from None


if __name__ == "__main__":
    sys.exit(main())
