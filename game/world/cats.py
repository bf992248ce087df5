"""Scripted cats for training tasks and watch mode, batched. Moves index arena.CAT_MOVES. No pygame."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..arena import CAT_MOVES, step_cells
from .teachers import pursuit

Chooser = Callable[[np.ndarray, np.ndarray, int, int], np.ndarray]  # (cat, mouse, width, height) -> moves


@lru_cache(maxsize=16)
def greedy_distances(width: int, height: int, king: bool = False) -> np.ndarray:
    """(W·H·W·H, 8): for every (cat cell, mouse cell), row c·W·H + m, how far each cat move lands from the mouse:
    squared straight-line distance, or with `king` the king-move (Chebyshev) distance."""
    cells = width * height
    c, m = np.divmod(np.arange(cells * cells, dtype=np.int32), cells)
    xy = np.stack([np.arange(cells, dtype=np.int32) % width, np.arange(cells, dtype=np.int32) // width], axis=1)
    landing = np.stack(
        [step_cells(xy[c], np.full(len(c), k, dtype=np.int32), CAT_MOVES, width, height) for k in range(8)], axis=1
    )
    gap = landing - xy[m][:, None, :]
    return np.abs(gap).max(axis=2) if king else (gap * gap).sum(axis=2)


@lru_cache(maxsize=16)
def greedy_table(width: int, height: int, last: bool = False, king: bool = False) -> np.ndarray:
    """The greedy cat's move for every (cat cell, mouse cell), cells numbered y * W + x: the neighbouring cell
    nearest the mouse (straight-line distance; with `king` by king moves), ties in move order (with `last`, the
    last of them)."""
    distance = greedy_distances(width, height, king)
    moves = 7 - np.argmin(distance[:, ::-1], axis=1) if last else np.argmin(distance, axis=1)
    cells = width * height
    return moves.astype(np.int32).reshape(cells, cells)


def pairs(cat: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """Each (cat cell, mouse cell) as its row of greedy_distances."""
    return (cat[:, 1] * width + cat[:, 0]) * (width * height) + mouse[:, 1] * width + mouse[:, 0]


def greedy_cat(cat: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """Step to the neighbouring cell nearest the mouse (straight-line distance), ties in move order."""
    return greedy_table(width, height)[cat[:, 1] * width + cat[:, 0], mouse[:, 1] * width + mouse[:, 0]]


def greedy_last_cat(cat: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """The greedy cat taking the last of the nearest cells in move order."""
    return greedy_table(width, height, last=True).reshape(-1)[pairs(cat, mouse, width, height)]


def greedy_king_cat(cat: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """Step to the neighbouring cell nearest the mouse by king moves, ties in move order."""
    return greedy_table(width, height, king=True).reshape(-1)[pairs(cat, mouse, width, height)]


def straight_distances(cat: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    return greedy_distances(width, height)[pairs(cat, mouse, width, height)]


def king_distances(cat: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    return greedy_distances(width, height, king=True)[pairs(cat, mouse, width, height)]


def perfect_cat(cat: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """The solved pursuit game's cat: it catches in par moves from every start."""
    return pursuit(width, height).cat_moves(cat, mouse)


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


CATS = {cat.name: cat for cat in (
    ScriptedCat("perfect", "plays the solved pursuit game, catching in par moves", perfect_cat),
    ScriptedCat("greedy", "steps to the neighbouring cell nearest the mouse", greedy_cat),
    ScriptedCat("noisy", "the perfect cat, with a random move a quarter of the time", perfect_cat, slip=0.25),
    ScriptedCat("random", "any of its eight moves, at random", None),
    ScriptedCat("clumsy", "the greedy cat, with a random move one time in ten, as a player errs", greedy_cat,
                slip=0.1, trains=False),
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
PLAYER_LIKE_CAT = "clumsy"  # the benchmarks' stand-in for a player
CAT_NAMES = tuple(name for name, cat in CATS.items() if cat.trains)  # the cats brains train against
WATCH_CAT_NAMES = tuple(name for name, cat in CATS.items() if cat.watched)  # the cats the game can watch
VARIANT_CAT_NAMES = tuple(name for name, cat in CATS.items() if not cat.watched)
TRAINING_CAT_NAMES = tuple(name for name in CATS if name != PLAYER_LIKE_CAT)  # every cat a chase task may name


def cat_moves(
    name: str,
    cat: np.ndarray,
    mouse: np.ndarray,
    width: int,
    height: int,
    rng: np.random.Generator,
    among: np.ndarray | None = None,
    rounds: int | None = None,
) -> np.ndarray:
    """The named scripted cat's moves for N positions.

    With `among` (indices into `rounds` rounds), cat and mouse are the cells of those rounds only, and so are
    the moves returned; the random draws are still made for all `rounds`, so the random stream is the same
    whichever rounds are asked for (a batch need not decide for the rounds that are over)."""
    n = len(cat) if rounds is None else rounds

    def draws(values: np.ndarray) -> np.ndarray:
        return values if among is None else values[among]

    scripted = CATS.get(name)
    if scripted is not None and scripted.nearest is not None:  # whole-number distances: a draw below 1 breaks ties
        distance = scripted.nearest(cat, mouse, width, height)
        return np.argmin(distance + draws(rng.random((n, 8))), axis=1).astype(np.int32)
    if scripted is not None and scripted.chooses is None:
        return draws(rng.integers(0, 8, size=n)).astype(np.int32)
    if scripted is not None and not scripted.slip:
        return scripted.chooses(cat, mouse, width, height)
    if scripted is not None:
        moves = scripted.chooses(cat, mouse, width, height)
        slip = draws(rng.random(n) < scripted.slip)
        return np.where(slip, draws(rng.integers(0, 8, size=n)), moves).astype(np.int32)
    raise ValueError(f"unknown cat {name!r}: choose one of {', '.join(CATS)}")
