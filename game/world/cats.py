"""Scripted cats for training tasks and watch mode, batched. Moves index arena.CAT_MOVES. No pygame."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .arena import CAT_MOVES, step_cells
from .teachers import pursuit

CAT_NAMES = ("perfect", "greedy", "noisy", "random")  # the cats brains train against
PLAYER_LIKE_CAT = "clumsy"  # a greedy cat that errs now and then, as a player does; for watching and benchmarks
WATCH_CAT_NAMES = (*CAT_NAMES, PLAYER_LIKE_CAT)
NOISY_CAT_SLIP = 0.25  # chance that the noisy cat makes a random move instead of the perfect one
CLUMSY_CAT_SLIP = 0.1  # chance that the clumsy cat makes a random move instead of the greedy one
# Cats a brain can be judged against (or trained with) beside those: greedy cats breaking their ties otherwise
# (the last of the nearest cells in move order; a random one of them; nearest by king moves, not straight-line
# distance, ties in move order, or at random), and the noisy cat slipping at other rates.
VARIANT_SLIPS = {"noisy-10": 0.10, "noisy-50": 0.50}
VARIANT_CAT_NAMES = ("greedy-last", "greedy-random", "greedy-king", "greedy-king-random", *VARIANT_SLIPS)
TRAINING_CAT_NAMES = (*CAT_NAMES, *VARIANT_CAT_NAMES)  # every cat a chase task may name


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


def greedy_cat(cat: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """Step to the neighbouring cell nearest the mouse (straight-line distance), ties in move order."""
    return greedy_table(width, height)[cat[:, 1] * width + cat[:, 0], mouse[:, 1] * width + mouse[:, 0]]


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

    if name == "perfect":
        return pursuit(width, height).cat_moves(cat, mouse)
    if name == "greedy":
        return greedy_cat(cat, mouse, width, height)
    pair = (cat[:, 1] * width + cat[:, 0]) * (width * height) + mouse[:, 1] * width + mouse[:, 0]
    if name in ("greedy-last", "greedy-king"):
        return greedy_table(width, height, name == "greedy-last", name == "greedy-king").reshape(-1)[pair]
    if name in ("greedy-random", "greedy-king-random"):  # whole-number distances: a draw below 1 breaks only ties
        distance = greedy_distances(width, height, name == "greedy-king-random")[pair]
        return np.argmin(distance + draws(rng.random((n, 8))), axis=1).astype(np.int32)
    if name in VARIANT_SLIPS:
        moves = pursuit(width, height).cat_moves(cat, mouse)
        slip = draws(rng.random(n) < VARIANT_SLIPS[name])
        return np.where(slip, draws(rng.integers(0, 8, size=n)), moves).astype(np.int32)
    if name == "random":
        return draws(rng.integers(0, 8, size=n)).astype(np.int32)
    if name in ("noisy", PLAYER_LIKE_CAT):
        noisy = name == "noisy"
        moves = pursuit(width, height).cat_moves(cat, mouse) if noisy else greedy_cat(cat, mouse, width, height)
        slip = draws(rng.random(n) < (NOISY_CAT_SLIP if noisy else CLUMSY_CAT_SLIP))
        return np.where(slip, draws(rng.integers(0, 8, size=n)), moves).astype(np.int32)
    raise ValueError(f"unknown cat {name!r}: choose one of {', '.join(WATCH_CAT_NAMES + VARIANT_CAT_NAMES)}")
