"""Scripted cats for training tasks and watch mode, batched. Moves index arena.CAT_MOVES. No pygame."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from .arena import CAT_MOVES, step_cells
from .teachers import pursuit

if TYPE_CHECKING:
    from .rooms import Room

CAT_NAMES = ("perfect", "greedy", "noisy", "random")  # the cats brains train against
PLAYER_LIKE_CAT = "clumsy"  # a greedy cat that errs now and then, as a player does; for watching and benchmarks
STRAIGHT_CAT = "straight"  # the careless chase a room is measured against: nearest by king steps, no plan
WATCH_CAT_NAMES = (*CAT_NAMES, PLAYER_LIKE_CAT)
SCRIPTED_CATS = (*WATCH_CAT_NAMES, STRAIGHT_CAT)  # every cat cat_moves knows
TRAINING_CATS = (*CAT_NAMES, STRAIGHT_CAT)  # the cats a mouse may train against (a room's mouse meets the chaser)
NOISY_CAT_SLIP = 0.25  # chance that the noisy cat makes a random move instead of the perfect one
CLUMSY_CAT_SLIP = 0.1  # chance that the clumsy cat makes a random move instead of the greedy one


def landing_gaps(width: int, height: int, room: Room | None) -> np.ndarray:
    """(C·C, 8, 2): for every (cat cell, mouse cell) pair, numbered c * C + m, the gap from the mouse to where
    each cat move lands (furniture and walls as the arena has them)."""
    cells = width * height
    c, m = np.divmod(np.arange(cells * cells, dtype=np.int32), cells)
    xy = np.stack([np.arange(cells, dtype=np.int32) % width, np.arange(cells, dtype=np.int32) // width], axis=1)
    blocked = None if room is None or room.is_open else room.blocked
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
    room = None if room is None or room.is_open else room
    return greedy_table(width, height, room)[cat[:, 1] * width + cat[:, 0], mouse[:, 1] * width + mouse[:, 0]]


def straight_cat(cat: np.ndarray, mouse: np.ndarray, width: int, height: int, room: Room | None = None) -> np.ndarray:
    """Step to the neighbouring cell nearest the mouse in king steps, ties by straight-line distance."""
    room = None if room is None or room.is_open else room
    return straight_table(width, height, room)[cat[:, 1] * width + cat[:, 0], mouse[:, 1] * width + mouse[:, 0]]


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
    """The named scripted cat's moves for N positions.

    With `among` (indices into `rounds` rounds), cat and mouse are the cells of those rounds only, and so are
    the moves returned; the random draws are still made for all `rounds`, so the random stream is the same
    whichever rounds are asked for (a batch need not decide for the rounds that are over)."""
    n = len(cat) if rounds is None else rounds

    def draws(values: np.ndarray) -> np.ndarray:
        return values if among is None else values[among]

    if name == "perfect":
        return pursuit(width, height, room).cat_moves(cat, mouse)
    if name == "greedy":
        return greedy_cat(cat, mouse, width, height, room)
    if name == STRAIGHT_CAT:
        return straight_cat(cat, mouse, width, height, room)
    if name == "random":
        return draws(rng.integers(0, 8, size=n)).astype(np.int32)
    if name in ("noisy", PLAYER_LIKE_CAT):
        noisy = name == "noisy"
        moves = (pursuit(width, height, room).cat_moves(cat, mouse) if noisy
                 else greedy_cat(cat, mouse, width, height, room))
        slip = draws(rng.random(n) < (NOISY_CAT_SLIP if noisy else CLUMSY_CAT_SLIP))
        return np.where(slip, draws(rng.integers(0, 8, size=n)), moves).astype(np.int32)
    raise ValueError(f"unknown cat {name!r}: choose one of {', '.join(SCRIPTED_CATS)}")
