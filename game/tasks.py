"""Tasks, batched rounds and the metrics: mistakes per game, agreement and survival. No pygame.

A task fixes the arena, the cat and the teacher. `play` runs N rounds at once on-policy: the mouse moves by
its own choice (a brain, its teacher, or at random) while the teacher labels every state the mouse is in, which
is what imitation learning trains on (DAgger) and what the metrics count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .arena import Arena, features
from .brain_np import FEATURES, Brain, PostBrain, Trace, post_move
from .cats import cat_moves
from .sight import CLASSIC, FEATURE_NAMES, Belief, cautious_moves, sight_features, sight_named
from .teachers import teacher_moves

CAUTIOUS = "cautious"  # the teacher under fog and flicker (sight.cautious_moves), which decides from B

HELDOUT_SEED = 20_151_001  # held-out starts come from their own stream, never the training one
HELDOUT_GAMES = 2_000


@dataclass(frozen=True)
class Task:
    """The seed task is the post's: 6×6, cat still, no catch, 10 moves, the post's teacher.

    `sight` names what the mouse sees of the cat (sight.SIGHTS): under classic it sees it always and its brain
    gets the four coordinates; under fog or flicker its brain gets sight.FEATURE_NAMES and the cautious teacher
    (teacher "cautious") labels each state from the belief B."""

    name: str = "seed"
    width: int = 6
    height: int = 6
    cats: tuple[str, ...] = ()  # scripted cats, one per round in turn; () keeps the cat still
    move_limit: int = 10
    teacher: str = "post"
    sight: str = "classic"

    @property
    def catching(self) -> bool:
        return bool(self.cats)

    @property
    def features(self) -> tuple[str, ...]:
        """The names of the brain's inputs on this task."""
        return FEATURES if self.sight == CLASSIC.name else FEATURE_NAMES

    def arena(self, n: int) -> Arena:
        return Arena(self.width, self.height, n=n, move_limit=self.move_limit, catching=self.catching)


SEED_TASK = Task()


def chase_task(width: int = 8, height: int = 8, cats: tuple[str, ...] = ("perfect", "greedy", "noisy", "random"),
               move_limit: int = 40, teacher: str = "optimal", sight: str = "classic") -> Task:
    """Moving-cat task: scripted king-move cats chase the mouse, one cat kind per round in turn. Under fog or
    flicker sight the teacher is the cautious one (whatever `teacher` says: only it decides from B)."""
    sight_named(sight)  # a bad name fails here, with the choices
    return Task("chase", width, height, tuple(cats), move_limit, teacher if sight == CLASSIC.name else CAUTIOUS,
                sight)


def seed_task(teacher: str = "post") -> Task:
    """The post's seed task (Task's defaults: 6×6, cat still, 10 moves) with the given teacher."""
    return Task(teacher=teacher)


class BrainStepper:
    """Batched, stateful inference for any brain; for a brain that keeps a trace (the LSTM, the memoryless
    net) it keeps it for backward. Only the live rounds step (their indices, sorted, shrinking)."""

    def __init__(self, brain: Brain, batch: int, steps: int) -> None:
        self.brain = brain
        self.trace: Trace | None = None if isinstance(brain, PostBrain) else brain.start(batch, steps)
        self.h = np.zeros((batch, brain.hidden_size))

    def __call__(self, x: np.ndarray, live: np.ndarray | None = None) -> np.ndarray:
        """The moves of the live rounds (all, if None) from their inputs x."""
        if self.trace is not None:
            return self.trace.moves(x, live)
        rows = slice(None) if live is None else live
        self.h[rows], y = self.brain.forward_step(x.astype(np.float64), self.h[rows])
        return post_move(y[:, 0])


@dataclass
class Rounds:
    """What `play` saw, step by step: inputs (T, N, I), teacher's moves and mouse's moves (T, N), and which
    steps happened (mask). `survived` counts mouse moves made before a catch (or to the move limit). Under fog
    or flicker, `belief` is B (T, N, W·H) at every step when asked for (play's keep_belief)."""

    x: np.ndarray
    teacher: np.ndarray
    moves: np.ndarray
    mask: np.ndarray
    caught: np.ndarray
    survived: np.ndarray
    trace: Trace | None = field(default=None, repr=False)
    belief: np.ndarray | None = field(default=None, repr=False)

    @property
    def mistakes(self) -> np.ndarray:
        """Per round: steps at which the mouse's move differs from its teacher's."""
        return ((self.moves != self.teacher) & self.mask).sum(axis=0)


def play(
    task: Task,
    n: int,
    rng: np.random.Generator,
    brain: Brain | None = None,
    mouse: str = "brain",
    cat: np.ndarray | None = None,
    mouse_start: np.ndarray | None = None,
    cat_rng: np.random.Generator | None = None,
    keep_belief: bool = False,
) -> Rounds:
    """Play n rounds of the task at once. mouse: "brain", "teacher" or "random". Rounds that have ended are
    not stepped again (the scripted cats still draw their random moves for every round, so a round's stream
    does not depend on when the others end)."""
    if mouse not in ("brain", "teacher", "random"):
        raise ValueError(f"unknown mouse {mouse!r}: choose brain, teacher or random")
    arena = task.arena(n)
    arena.rng = rng
    arena.reset(cat=cat, mouse=mouse_start)
    cat_rng = rng if cat_rng is None else cat_rng
    T, W, H = task.move_limit, task.width, task.height
    sight = sight_named(task.sight)
    belief = None if sight is CLASSIC else Belief(sight, W, H, arena.mouse)
    x = np.zeros((T, n, len(task.features)), dtype=np.float32)
    labels = np.zeros((T, n), dtype=np.int32)
    moves = np.zeros((T, n), dtype=np.int32)
    mask = np.zeros((T, n), dtype=bool)
    kept = np.zeros((T, n, W * H), dtype=bool) if keep_belief and belief is not None else None
    stepper = BrainStepper(brain, n, T) if mouse == "brain" else None
    kinds = np.arange(n) % max(len(task.cats), 1)
    for t in range(T):
        if task.cats:
            chosen = np.zeros(n, dtype=np.int32)
            for k, name in enumerate(task.cats):
                games = kinds == k
                if games.any():
                    chosen[games] = cat_moves(name, arena.cat[games], arena.mouse[games], W, H, cat_rng)
            arena.move_cat(chosen)
        active = ~arena.done
        if not active.any():
            break
        live = np.flatnonzero(active)
        cat_now, mouse_now = arena.cat[live], arena.mouse[live]
        if belief is None:
            x[t, live] = features(cat_now, mouse_now, W, H)
            labels[t, live] = teacher_moves(task.teacher, cat_now, mouse_now, W, H)
        else:
            seen = belief.update(t, arena.cat, arena.mouse, active)
            x[t, live] = sight_features(seen[live], cat_now, mouse_now, W, H)
            labels[t, live] = cautious_moves(belief.cells[live], mouse_now, W, H)
            if kept is not None:
                kept[t] = belief.cells
        if stepper is not None:
            moves[t, live] = stepper(x[t, live], live)
        elif mouse == "teacher":
            moves[t] = labels[t]
        else:
            moves[t] = rng.integers(0, 4, size=n)
        mask[t] = active
        arena.move_mouse(moves[t])
    return Rounds(x, labels, moves, mask, arena.caught.copy(), arena.moves.copy(),
                  stepper.trace if stepper is not None else None, kept)


def heldout_rng(task: Task) -> np.random.Generator:
    return np.random.default_rng([HELDOUT_SEED, task.width, task.height, len(task.cats)])


def mistakes_per_game(brain: Brain, task: Task = SEED_TASK, games: int = HELDOUT_GAMES) -> float:
    """Held-out mistakes per game: steps where the brain's move differs from its teacher's, per round."""
    return heldout_scores(brain, task, games)[0]


def agreement(brain: Brain, task: Task, games: int = HELDOUT_GAMES) -> float:
    """1 - mistakes / steps over held-out rounds of any task."""
    return heldout_scores(brain, task, games)[1]


def all_seed_starts(width: int = 6, height: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Every (cat, mouse) start of the seed task: (W·H)² of them, 1,296 on 6×6."""
    cells = np.array([(x, y) for y in range(height) for x in range(width)], dtype=np.int32)
    cat = np.repeat(cells, len(cells), axis=0)
    mouse = np.tile(cells, (len(cells), 1))
    return cat, mouse


def exhaustive_mistakes(brain: Brain, task: Task = SEED_TASK) -> int:
    """Total mistakes over every start of the seed task, each played on-policy to its end."""
    cat, mouse = all_seed_starts(task.width, task.height)
    rounds = play(task, len(cat), np.random.default_rng(0), brain, cat=cat, mouse_start=mouse)
    return int(rounds.mistakes.sum())


def survival(
    task: Task,
    brain: Brain | None = None,
    mouse: str = "brain",
    games: int = HELDOUT_GAMES,
) -> float:
    """Mean mouse moves survived against the task's cats within its move limit, on held-out starts."""
    rng = heldout_rng(task)
    rounds = play(task, games, rng, brain, mouse=mouse, cat_rng=np.random.default_rng(HELDOUT_SEED + 1))
    return float(rounds.survived.mean())


def heldout_scores(brain: Brain, task: Task, games: int = HELDOUT_GAMES) -> tuple[float, float]:
    """Held-out mistakes per game and agreement (1 - mistakes / steps), both from one play of the same rounds."""
    rounds = play(task, games, heldout_rng(task), brain)
    return float(rounds.mistakes.mean()), 1.0 - float(rounds.mistakes.sum()) / max(int(rounds.mask.sum()), 1)
