"""Scripted cats for training tasks and watch mode, batched. Moves index arena.CAT_MOVES. No pygame.

Every cat moves by the arena's rules, furniture included: pass the room (world/rooms.py) where there is one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..arena import CAT_MOVES, step_cells
from .teachers import pursuit

if TYPE_CHECKING:
    from .rooms import Room

Chooser = Callable[..., np.ndarray]  # (cat, mouse, width, height, room=None) -> moves


def furnished(room: Room | None) -> Room | None:
    """The room when it has furniture; None for the open board (whose tables need no look-up)."""
    return None if room is None or room.is_open else room


def landing_gaps(width: int, height: int, room: Room | None) -> np.ndarray:
    """(C·C, 8, 2): for every (cat cell, mouse cell) pair, numbered c * C + m, the gap from the mouse to where
    each cat move lands (furniture and walls as the arena has them)."""
    cells = width * height
    c, m = np.divmod(np.arange(cells * cells, dtype=np.int32), cells)
    xy = np.stack([np.arange(cells, dtype=np.int32) % width, np.arange(cells, dtype=np.int32) // width], axis=1)
    blocked = None if room is None else room.blocked
    landing = np.stack([step_cells(xy[c], np.full(len(c), k, dtype=np.int32), CAT_MOVES, width, height, blocked)
                        for k in range(8)], axis=1)
    return landing - xy[m][:, None, :]


@lru_cache(maxsize=16)
def greedy_distances(width: int, height: int, king: bool = False, room: Room | None = None) -> np.ndarray:
    """(W·H·W·H, 8): for every (cat cell, mouse cell), row c·W·H + m, how far each cat move lands from the mouse:
    squared straight-line distance, or with `king` the king-move (Chebyshev) distance."""
    gap = landing_gaps(width, height, room)
    return np.abs(gap).max(axis=2) if king else (gap * gap).sum(axis=2)


@lru_cache(maxsize=16)
def greedy_table(width: int, height: int, room: Room | None = None, last: bool = False,
                 king: bool = False) -> np.ndarray:
    """The greedy cat's move for every (cat cell, mouse cell), cells numbered y * W + x: the neighbouring cell
    nearest the mouse (straight-line distance; with `king` by king moves), ties in move order (with `last`, the
    last of them)."""
    distance = greedy_distances(width, height, king, room)
    moves = 7 - np.argmin(distance[:, ::-1], axis=1) if last else np.argmin(distance, axis=1)
    cells = width * height
    return moves.astype(np.int32).reshape(cells, cells)


def pairs(cat: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """Each (cat cell, mouse cell) as its row of greedy_distances."""
    return (cat[:, 1] * width + cat[:, 0]) * (width * height) + mouse[:, 1] * width + mouse[:, 0]


@lru_cache(maxsize=16)
def straight_table(width: int, height: int, room: Room | None = None) -> np.ndarray:
    """The straight chaser's move for every (cat cell, mouse cell): the neighbouring cell nearest the mouse in
    king steps (Chebyshev distance), ties by straight-line distance, then in move order. It never plans round
    furniture, which is what a room punishes."""
    gap = landing_gaps(width, height, room)
    cells = width * height
    chebyshev = np.abs(gap).max(axis=2).astype(np.int64)
    key = (chebyshev << 16) + (gap * gap).sum(axis=2)
    return np.argmin(key, axis=1).astype(np.int32).reshape(cells, cells)


def greedy_cat(cat: np.ndarray, mouse: np.ndarray, width: int, height: int, room: Room | None = None) -> np.ndarray:
    """Step to the neighbouring cell nearest the mouse (straight-line distance), ties in move order."""
    table = greedy_table(width, height, furnished(room))
    return table[cat[:, 1] * width + cat[:, 0], mouse[:, 1] * width + mouse[:, 0]]


def straight_cat(cat: np.ndarray, mouse: np.ndarray, width: int, height: int, room: Room | None = None) -> np.ndarray:
    """Step to the neighbouring cell nearest the mouse in king steps, ties by straight-line distance."""
    table = straight_table(width, height, furnished(room))
    return table[cat[:, 1] * width + cat[:, 0], mouse[:, 1] * width + mouse[:, 0]]


def greedy_last_cat(cat: np.ndarray, mouse: np.ndarray, width: int, height: int,
                    room: Room | None = None) -> np.ndarray:
    """The greedy cat taking the last of the nearest cells in move order."""
    return greedy_table(width, height, furnished(room), last=True).reshape(-1)[pairs(cat, mouse, width, height)]


def greedy_king_cat(cat: np.ndarray, mouse: np.ndarray, width: int, height: int,
                    room: Room | None = None) -> np.ndarray:
    """Step to the neighbouring cell nearest the mouse by king moves, ties in move order."""
    return greedy_table(width, height, furnished(room), king=True).reshape(-1)[pairs(cat, mouse, width, height)]


def straight_distances(cat: np.ndarray, mouse: np.ndarray, width: int, height: int,
                       room: Room | None = None) -> np.ndarray:
    return greedy_distances(width, height, room=furnished(room))[pairs(cat, mouse, width, height)]


def king_distances(cat: np.ndarray, mouse: np.ndarray, width: int, height: int,
                   room: Room | None = None) -> np.ndarray:
    return greedy_distances(width, height, king=True, room=furnished(room))[pairs(cat, mouse, width, height)]


def perfect_cat(cat: np.ndarray, mouse: np.ndarray, width: int, height: int, room: Room | None = None) -> np.ndarray:
    """The solved pursuit game's cat: it catches in par moves from every start."""
    return pursuit(width, height, room).cat_moves(cat, mouse)


@dataclass(frozen=True)
class ScriptedCat:
    """A scripted cat, declared once with all the game, the trainer and the page need: its choice of move
    (None: a random move every time), how often it slips to a random move instead, whether brains train
    against it by default, whether the game offers it to watch, and a line that says what it does (the game's
    --help). A cat with `nearest` steps to a move of least distance (N, 8) from it, its ties broken at random."""

    name: str
    about: str
    chooses: Chooser | None
    slip: float = 0.0
    trains: bool = True
    watched: bool = True
    nearest: Chooser | None = None

    @property
    def by_chance(self) -> bool:
        """Whether its moves depend on the dice (a random move, a slip or a tie broken at random)."""
        return self.chooses is None or self.slip > 0 or self.nearest is not None


CATS = {cat.name: cat for cat in (
    ScriptedCat("perfect", "plays the solved pursuit game, catching in par moves", perfect_cat),
    ScriptedCat("greedy", "steps to the neighbouring cell nearest the mouse", greedy_cat),
    ScriptedCat("noisy", "the perfect cat, with a random move a quarter of the time", perfect_cat, slip=0.25),
    ScriptedCat("random", "any of its eight moves, at random", None),
    ScriptedCat("clumsy", "the greedy cat, with a random move one time in ten, as a player errs", greedy_cat,
                slip=0.1, trains=False),
    ScriptedCat("straight", "steps to the cell nearest the mouse in king steps, never planning round furniture",
                straight_cat, trains=False),
    # Cats to judge a brain against, or to train it with when asked: greedy cats breaking their ties otherwise,
    # and the noisy cat slipping at other rates. The game does not offer them.
    *(ScriptedCat(name, about, chooses, slip, trains=False, watched=False, nearest=nearest)
      for name, about, chooses, slip, nearest in (
          ("greedy-last", "the greedy cat, taking the last of the nearest cells", greedy_last_cat, 0.0, None),
          ("greedy-random", "the greedy cat, taking a random one of the nearest cells", None, 0.0,
           straight_distances),
          ("greedy-king", "steps to the cell nearest the mouse by king moves", greedy_king_cat, 0.0, None),
          ("greedy-king-random", "the same, ties at random", None, 0.0, king_distances),
          ("noisy-10", "the perfect cat, with a random move one time in ten", perfect_cat, 0.10, None),
          ("noisy-50", "the perfect cat, with a random move half the time", perfect_cat, 0.50, None))),
)}
CAT_NAMES = tuple(name for name, cat in CATS.items() if cat.trains)  # the cats brains train against by default
WATCH_CAT_NAMES = tuple(name for name, cat in CATS.items() if cat.watched)  # the cats the game can watch
VARIANT_CAT_NAMES = tuple(name for name, cat in CATS.items() if not cat.watched)
SCRIPTED_CATS = tuple(CATS)  # every cat cat_moves knows
PLAYER_LIKE_CAT = "clumsy"  # the benchmarks' stand-in for a player
STRAIGHT_CAT = "straight"  # the careless chase a room is measured against (training/contest.py)
TRAINING_CATS = tuple(name for name in CATS if name != PLAYER_LIKE_CAT)  # every cat a brain may train against


def cat_moves(
    name: str,
    cat: np.ndarray,
    mouse: np.ndarray,
    width: int,
    height: int,
    rng: np.random.Generator,
    among: np.ndarray | None = None,
    rounds: int | None = None,
    room: Room | None = None,
) -> np.ndarray:
    """The named scripted cat's moves for N positions, in `room` if given.

    With `among` (indices into `rounds` rounds), cat and mouse are the cells of those rounds only, and so are
    the moves returned; the random draws are still made for all `rounds`, so the random stream is the same
    whichever rounds are asked for (a batch need not decide for the rounds that are over)."""
    n = len(cat) if rounds is None else rounds

    def draws(values: np.ndarray) -> np.ndarray:
        return values if among is None else values[among]

    scripted = CATS.get(name)
    if scripted is not None and scripted.nearest is not None:  # whole-number distances: a draw below 1 breaks ties
        distance = scripted.nearest(cat, mouse, width, height, room)
        return np.argmin(distance + draws(rng.random((n, 8))), axis=1).astype(np.int32)
    if scripted is not None and scripted.chooses is None:
        return draws(rng.integers(0, 8, size=n)).astype(np.int32)
    if scripted is not None and not scripted.slip:
        return scripted.chooses(cat, mouse, width, height, room)
    if scripted is not None:
        moves = scripted.chooses(cat, mouse, width, height, room)
        slip = draws(rng.random(n) < scripted.slip)
        return np.where(slip, draws(rng.integers(0, 8, size=n)), moves).astype(np.int32)
    raise ValueError(f"unknown cat {name!r}: choose one of {', '.join(CATS)}")
