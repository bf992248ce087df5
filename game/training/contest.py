"""How well a room makes a contest: scripted cats against the optimal mouse from every start. No pygame.

A room is worth playing when planning beats chasing: the perfect cat catches from (nearly) every start within
the move limit, while the straight chaser (cats.straight_cat) needs clearly more moves or lets the mouse escape.
`room_contest` measures both, and the greedy cat, from every start of distinct floor cells; the same figures
make the table in docs/ROOMS.md (bench/bench_rooms.py) and the shipped rooms' tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..brain_np import Brain
from ..brains.tasks import CatTask, all_starts, chase_task, play, play_cat
from ..world.cats import STRAIGHT_CAT
from ..world.rooms import Room
from ..world.teachers import pursuit

CONTEST_CATS = ("perfect", STRAIGHT_CAT, "greedy")
MOVE_LIMIT = 40
MIN_PERFECT_CATCH = 0.95  # a shipped room: the perfect cat catches from at least this share of starts
MIN_CHASER_RATIO = 1.3  # ... and the straight chaser needs this many times its moves,
MIN_CHASER_MISS = 0.20  # ... or misses at least this share of rounds
MIN_PAR = 3  # the game deals starts of at least this par


@dataclass(frozen=True)
class CatResult:
    """One cat against the optimal mouse from every start: share caught within the limit, mean cat moves over
    the rounds it caught, and those moves against the perfect cat's on the same starts (its `ratio`)."""

    cat: str
    caught: float
    escapes: int
    mean_moves: float
    ratio: float


@dataclass(frozen=True)
class Contest:
    room: Room
    starts: int
    par: np.ndarray  # (starts,) the solved game's value of every start, cat to move
    results: dict[str, CatResult]
    move_limit: int

    def par_shares(self) -> dict[str, float]:
        """The share of starts by par: 1, 2, 3-5, 6-10, 11-20, more, and never caught by a perfect cat."""
        par, n = self.par, len(self.par)
        bands = {"1": par == 1, "2": par == 2, "3-5": (par >= 3) & (par <= 5), "6-10": (par >= 6) & (par <= 10),
                 "11-20": (par >= 11) & (par <= 20), ">20": (par > 20) & (par < 2**20), "never": par >= 2**20}
        return {band: float(mask.sum()) / n for band, mask in bands.items()}

    @property
    def dealt_share(self) -> float:
        """The share of starts the game deals (par at least MIN_PAR and catchable)."""
        return float(((self.par >= MIN_PAR) & (self.par < 2**20)).mean())

    @property
    def planning_pays(self) -> bool:
        """The room's test: the perfect cat catches nearly always, the straight chaser clearly worse."""
        perfect, straight = self.results["perfect"], self.results[STRAIGHT_CAT]
        return perfect.caught >= MIN_PERFECT_CATCH and (
            straight.ratio >= MIN_CHASER_RATIO or 1.0 - straight.caught >= MIN_CHASER_MISS)


def room_contest(room: Room, move_limit: int = MOVE_LIMIT, cats: tuple[str, ...] = CONTEST_CATS) -> Contest:
    """Each cat against the optimal mouse from every start of two distinct floor cells."""
    task = CatTask(room.width, room.height, ("optimal",), move_limit, room=room)
    cat, mouse = all_starts(room.width, room.height, room)
    par = pursuit(room.width, room.height, room).start_par(cat, mouse)
    rng = np.random.default_rng(0)  # no cat here draws at random; play_cat asks for a stream
    rounds = {name: play_cat(task, len(cat), rng, cat=name, cat_start=cat, mouse_start=mouse) for name in cats}
    perfect = rounds.get("perfect") or play_cat(task, len(cat), rng, cat="perfect", cat_start=cat, mouse_start=mouse)
    results = {}
    for name, played in rounds.items():
        caught = played.caught
        both = caught & perfect.caught
        ratio = float(played.cat_moves[both].sum() / max(perfect.cat_moves[both].sum(), 1))
        mean = float(played.cat_moves[caught].mean()) if caught.any() else float("nan")
        results[name] = CatResult(name, float(caught.mean()), int((~caught).sum()), mean, ratio)
    return Contest(room, len(cat), par, results, move_limit)


@dataclass(frozen=True)
class MouseJudgement:
    """A mouse from every start of a room: against the perfect cat, the share of its moves whose value in the
    solved game equals the best move's (ties count as right) and the mouse moves it survives on average beside
    the optimal mouse's; against the straight chaser, the share of rounds it escapes beside the optimal mouse's
    (a careless chase should let it slip away)."""

    value_optimal: float
    survival: float
    optimal_survival: float
    chaser_escapes: float = float("nan")
    optimal_chaser_escapes: float = float("nan")

    @property
    def survival_share(self) -> float:
        return self.survival / self.optimal_survival


def judge_mouse(brain: Brain | None, room: Room | None, width: int = 8, height: int = 8,
                move_limit: int = MOVE_LIMIT, mouse: str = "brain") -> MouseJudgement:
    """`brain` (or, with mouse="teacher", the optimal mouse) from every start of two distinct floor cells of the
    room (or of the open W×H board), against the perfect cat and against the straight chaser."""
    if room is not None:
        width, height = room.size
    cat, mouse_cells = all_starts(width, height, room)
    solved = pursuit(width, height, room)
    rng = np.random.default_rng(0)

    def played(who: str, chaser: str) -> tuple[float, float, float]:
        task = chase_task(width, height, (chaser,), move_limit, "optimal", room=room)
        rounds = play(task, len(cat), rng, brain, mouse=who, cat=cat, mouse_start=mouse_cells)
        scale = np.array([width - 1, height - 1, width - 1, height - 1], dtype=np.float32)
        cells = np.rint(rounds.x[rounds.mask] * scale).astype(np.int32)  # the classic inputs are the cells, scaled
        values = solved.mouse_values(cells[:, :2], cells[:, 2:])
        chosen = values[np.arange(len(values)), rounds.moves[rounds.mask]]
        rate = float((chosen == values.max(axis=1)).mean())
        return rate, float(rounds.survived.mean()), float((~rounds.caught).mean())

    rate, survival, _ = played(mouse, "perfect")
    _, optimal, _ = played("teacher", "perfect")
    *_, escapes = played(mouse, STRAIGHT_CAT)
    *_, optimal_escapes = played("teacher", STRAIGHT_CAT)
    return MouseJudgement(rate, survival, optimal, escapes, optimal_escapes)
