"""Tasks, batched rounds and the metrics: mistakes per game, agreement and survival. No pygame.

A task fixes the arena, the cat and the teacher. `play` runs N rounds at once on-policy: the mouse moves by
its own choice (a brain, its teacher, or at random) while the teacher labels every state the mouse is in, which
is what imitation learning trains on (DAgger) and what the metrics count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .arena import Arena
from .brain_np import Brain, BrainTrace
from .cats import CAT_NAMES, cat_moves
from .teachers import teacher_moves

HELDOUT_SEED = 20_151_001  # held-out starts come from their own stream, never the training one
HELDOUT_GAMES = 2_000


@dataclass(frozen=True)
class Task:
    """The seed task is the post's: 6×6, cat still, no catch, 10 moves, the post's teacher."""

    name: str = "seed"
    width: int = 6
    height: int = 6
    cats: tuple[str, ...] = ()  # scripted cats, one per round in turn; () keeps the cat still
    move_limit: int = 10
    teacher: str = "post"

    @property
    def catching(self) -> bool:
        return bool(self.cats)

    def arena(self, n: int) -> Arena:
        return Arena(self.width, self.height, n=n, move_limit=self.move_limit, catching=self.catching)


SEED_TASK = Task()


def chase_task(width: int = 8, height: int = 8, cats: tuple[str, ...] = CAT_NAMES,
               move_limit: int = 40, teacher: str = "optimal") -> Task:
    """Moving-cat task: scripted king-move cats chase the mouse, one cat kind per round in turn."""
    return Task("chase", width, height, tuple(cats), move_limit, teacher)


def seed_task(teacher: str = "post") -> Task:
    """The post's seed task (Task's defaults: 6×6, cat still, 10 moves) with the given teacher."""
    return Task(teacher=teacher)


@dataclass
class Rounds:
    """What `play` saw, step by step: inputs (T, N, 4), teacher's moves and mouse's moves (T, N), and which
    steps happened (mask). `survived` counts mouse moves made before a catch (or to the move limit)."""

    x: np.ndarray
    teacher: np.ndarray
    moves: np.ndarray
    mask: np.ndarray
    caught: np.ndarray
    survived: np.ndarray
    trace: BrainTrace | None = field(default=None, repr=False)  # the brain's run, when a brain played

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
) -> Rounds:
    """Play n rounds of the task at once. mouse: "brain", "teacher" or "random"."""
    *_, rounds = playing(task, n, rng, brain, mouse, cat, mouse_start, cat_rng)
    return rounds


def playing(
    task: Task,
    n: int,
    rng: np.random.Generator,
    brain: Brain | None = None,
    mouse: str = "brain",
    cat: np.ndarray | None = None,
    mouse_start: np.ndarray | None = None,
    cat_rng: np.random.Generator | None = None,
):
    """`play`, one batched step at a time: yields None after each step and the Rounds last, so a caller with a
    frame budget (the live learner's held-out check) can spread the rounds over frames."""
    arena = task.arena(n)
    arena.rng = rng
    arena.reset(cat=cat, mouse=mouse_start)
    cat_rng = rng if cat_rng is None else cat_rng
    T = task.move_limit
    x = np.zeros((T, n, 4), dtype=np.float32)
    labels = np.zeros((T, n), dtype=np.int32)
    moves = np.zeros((T, n), dtype=np.int32)
    mask = np.zeros((T, n), dtype=bool)
    trace = brain.start(n, T) if mouse == "brain" else None
    kinds = np.arange(n) % max(len(task.cats), 1)
    for t in range(T):
        if task.cats:
            chosen = np.zeros(n, dtype=np.int32)
            for k, name in enumerate(task.cats):
                games = kinds == k
                if games.any():
                    chosen[games] = cat_moves(name, arena.cat[games], arena.mouse[games], task.width,
                                              task.height, cat_rng)
            arena.move_cat(chosen)
        active = ~arena.done
        if not active.any():
            break
        x[t] = arena.observe()
        labels[t] = teacher_moves(task.teacher, arena.cat, arena.mouse, task.width, task.height)
        if trace is not None:
            moves[t] = trace.moves(x[t])
        elif mouse == "teacher":
            moves[t] = labels[t]
        elif mouse == "random":
            moves[t] = rng.integers(0, 4, size=n)
        else:
            raise ValueError(f"unknown mouse {mouse!r}: choose brain, teacher or random")
        mask[t] = active
        arena.move_mouse(moves[t])
        yield None
    yield Rounds(x, labels, moves, mask, arena.caught.copy(), arena.moves.copy(),
                 trace)


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
