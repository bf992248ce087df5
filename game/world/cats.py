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
def greedy_table(width: int, height: int, room: Room | None = None) -> np.ndarray:
    """The greedy cat's move for every (cat cell, mouse cell), cells numbered y * W + x: the neighbouring cell
    nearest the mouse (straight-line distance), ties in move order."""
    gap = landing_gaps(width, height, room)
    cells = width * height
    return np.argmin((gap * gap).sum(axis=2), axis=1).astype(np.int32).reshape(cells, cells)


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


def perfect_cat(cat: np.ndarray, mouse: np.ndarray, width: int, height: int, room: Room | None = None) -> np.ndarray:
    """The solved pursuit game's cat: it catches in par moves from every start."""
    return pursuit(width, height, room).cat_moves(cat, mouse)


@dataclass(frozen=True)
class ScriptedCat:
    """A scripted cat, declared once with all the game, the trainer and the page need: its choice of move
    (None: a random move every time), how often it slips to a random move instead, whether brains train
    against it, and a line that says what it does (the game's --help)."""

    name: str
    about: str
    chooses: Chooser | None
    slip: float = 0.0
    trains: bool = True


CATS = {cat.name: cat for cat in (
    ScriptedCat("perfect", "plays the solved pursuit game, catching in par moves", perfect_cat),
    ScriptedCat("greedy", "steps to the neighbouring cell nearest the mouse", greedy_cat),
    ScriptedCat("noisy", "the perfect cat, with a random move a quarter of the time", perfect_cat, slip=0.25),
    ScriptedCat("random", "any of its eight moves, at random", None),
    ScriptedCat("clumsy", "the greedy cat, with a random move one time in ten, as a player errs", greedy_cat,
                slip=0.1, trains=False),
    ScriptedCat("straight", "steps to the cell nearest the mouse in king steps, never planning round furniture",
                straight_cat, trains=False),
)}
CAT_NAMES = tuple(name for name, cat in CATS.items() if cat.trains)  # the cats brains train against by default
WATCH_CAT_NAMES = tuple(CATS)  # the cats the game can watch
SCRIPTED_CATS = WATCH_CAT_NAMES  # every cat cat_moves knows
PLAYER_LIKE_CAT = "clumsy"  # the benchmarks' stand-in for a player
STRAIGHT_CAT = "straight"  # the careless chase a room is measured against (training/contest.py)
TRAINING_CATS = (*CAT_NAMES, STRAIGHT_CAT)  # the cats a mouse may train against (a room's mouse meets the chaser)


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
    if scripted is not None and scripted.chooses is None:
        return draws(rng.integers(0, 8, size=n)).astype(np.int32)
    if scripted is not None and not scripted.slip:
        return scripted.chooses(cat, mouse, width, height, room)
    if scripted is not None:
        moves = scripted.chooses(cat, mouse, width, height, room)
        slip = draws(rng.random(n) < scripted.slip)
        return np.where(slip, draws(rng.integers(0, 8, size=n)), moves).astype(np.int32)
    raise ValueError(f"unknown cat {name!r}: choose one of {', '.join(WATCH_CAT_NAMES)}")
