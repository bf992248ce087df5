"""What the mouse sees of the cat, batched over N rounds: the sight presets, the brain's input under them, the
belief B (every cell where the cat can be) and the cautious teacher that plays safe over B. No pygame.

At mouse move t of a round (counted from 0, after the cat's move, as in arena.py's turn order) the mouse sees the
cat iff t mod k = 0 and the Chebyshev distance from the mouse to the cat is at most r:
classic k = 1, r = ∞ (the post's full sight); fog k = 1, r = 2; flicker k = 3, r = ∞.
Cells are numbered y * W + x, as in teachers.Pursuit; a belief is an (N, W·H) bool array.

The cautious teacher scores a mouse move against each cat cell of B by the pursuit's own value of that move
(teachers.Pursuit.mouse_values: cat moves still needed with both playing perfectly, 0 for stepping onto the cat),
which is what the optimal mouse maximises; its ties are broken as the optimal mouse's are (open space, then
distance), so under classic sight, where B is the cat's one cell, the two are the same move for move.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..arena import check_size, features
from .rows import put_rows, take_rows
from .teachers import pursuit

FEATURE_NAMES = ("cat_seen", "cat_x", "cat_y", "mouse_x", "mouse_y")


@dataclass(frozen=True)
class Sight:
    """The mouse sees the cat only at its moves 0, beat, 2·beat, …, and then only within `reach` (None: the
    whole board)."""

    name: str
    beat: int = 1
    reach: int | None = None
    label: str = ""  # its name on the page's sight picker
    title: str = ""  # what the mouse sees under it, in a few words (the page's tooltip, the game's message)
    brain: str = ""  # the shipped brain it plays, a file in weights/

    def __post_init__(self) -> None:
        if not isinstance(self.beat, int) or self.beat < 1:
            raise ValueError(f"sight {self.name!r}: beat {self.beat!r} is not a whole number of at least 1")
        if self.reach is not None and (not isinstance(self.reach, int) or self.reach < 0):
            raise ValueError(f"sight {self.name!r}: reach {self.reach!r} is not a whole number of at least 0")

    def on_beat(self, t: np.ndarray | int, n: int) -> np.ndarray:
        """(N,) bool: mouse move t (per round, or one for all N) is one where the cat may be seen."""
        if isinstance(t, (int, np.integer)):
            return np.full(n, t % self.beat == 0)
        return np.broadcast_to(np.asarray(t) % self.beat == 0, (n,)).copy()

    def sees(self, t: np.ndarray | int, cat: np.ndarray, mouse: np.ndarray) -> np.ndarray:
        """(N,) bool: the cat is seen at mouse move t."""
        on_beat = self.on_beat(t, len(cat))
        if self.reach is None:
            return on_beat
        gap = np.abs(cat - mouse)
        return on_beat & (np.maximum(gap[:, 0], gap[:, 1]) <= self.reach)  # the Chebyshev distance


# The sight presets: each declared once, with everything the game, the trainer, the page and the help need.
CLASSIC = Sight("classic", label="Classic", title="the mouse sees the cat at every move", brain="lstm32_optimal.npz")
FOG = Sight("fog", beat=1, reach=2, label="Fog", title="the mouse sees the cat within 2 cells", brain="lstm32_fog.npz")
FLICKER = Sight("flicker", beat=3, label="Flicker", title="the mouse sees the whole board at every third of its moves",
                brain="lstm32_flicker.npz")
SIGHTS = {s.name: s for s in (CLASSIC, FOG, FLICKER)}


def sight_named(name: str) -> Sight:
    """The preset of this name (classic, fog, flicker)."""
    if name not in SIGHTS:
        raise ValueError(f"unknown sight {name!r}: choose one of {', '.join(SIGHTS)}")
    return SIGHTS[name]


def sight_features(seen: np.ndarray, cat: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """The brain's input under a sight, (N, 5) float32:
    [cat_seen, cat_x/(W-1)·seen, cat_y/(H-1)·seen, mouse_x/(W-1), mouse_y/(H-1)]."""
    out = np.empty((len(cat), 5), dtype=np.float32)
    out[:, 0] = seen
    out[:, 1:] = features(cat, mouse, width, height)
    out[:, 1:3] *= out[:, :1]
    return out


def _shifted(boards: np.ndarray, step: int) -> np.ndarray:
    """Bitboards (N, words) with every cell moved `step` cells up the numbering (down for a negative step),
    carrying across words; the caller masks off the cells that would leave the board."""
    s = abs(step)
    if step > 0:
        out = boards << s
        if boards.shape[1] > 1:
            out[:, 1:] |= boards[:, :-1] >> (64 - s)
    else:
        out = boards >> s
        if boards.shape[1] > 1:
            out[:, :-1] |= boards[:, 1:] << (64 - s)
    return out


@lru_cache(maxsize=16)
def _edges(width: int, height: int) -> tuple[np.ndarray, ...]:
    """(words,) bitboards of the top row, the bottom row, the right column and the left column."""
    cells = np.arange(width * height)
    x, y = cells % width, cells // width
    return tuple(_bitboards((side == end)[None, :])[0] for side, end in ((y, height - 1), (y, 0), (x, width - 1),
                                                                       (x, 0)))


def reach_boards(boards: np.ndarray, width: int, height: int) -> np.ndarray:
    """cat_reach on bitboards (N, words): a step along an axis moves every cell but those against the wall it
    steps towards, which stay."""
    top, bottom, right, left = _edges(width, height)
    vertical = (_shifted(boards & ~top, width) | (boards & top)) | (_shifted(boards & ~bottom, -width)
                                                                    | (boards & bottom))
    any_row = vertical | boards
    return vertical | _shifted(any_row & ~right, 1) | (any_row & right) | _shifted(any_row & ~left, -1) | (
        any_row & left)


def cat_reach(cells: np.ndarray, width: int, height: int) -> np.ndarray:
    """(N, W·H) bool: every cell one king move (clipped per axis) from a cell of `cells`.

    Clipping is per axis, so a king move is a y step then an x step, and the cells reached are the union of
    those steps' images; an interior cell is not reached from itself (the cat has no standing move)."""
    return _cells_of(reach_boards(_bitboards(cells), width, height), width * height)


@lru_cache(maxsize=16)
def unseen_keeps(width: int, height: int, reach: int | None) -> np.ndarray:
    """(2, W·H, W·H) bool: [beat, m, c] is False where an unseen cat cannot be, the mouse being on cell m:
    off the beat (0) only m itself; on the beat (1) every cell within `reach` of m (None: every cell)."""
    cells = width * height
    xy = np.stack([np.arange(cells) % width, np.arange(cells) // width], axis=1)
    keeps = np.ones((2, cells, cells), dtype=bool)
    keeps[0, np.arange(cells), np.arange(cells)] = False
    if reach is None:
        keeps[1] = False
    else:
        keeps[1] = np.abs(xy[:, None, :] - xy[None, :, :]).max(axis=2) > reach
    return keeps


@lru_cache(maxsize=16)
def _unseen_keep_boards(width: int, height: int, reach: int | None) -> np.ndarray:
    """unseen_keeps as bitboards, (2, W·H, words) uint64."""
    keeps = unseen_keeps(width, height, reach)
    return _bitboards(keeps.reshape(-1, width * height)).reshape(2, width * height, -1)


@lru_cache(maxsize=16)
def _cell_boards(width: int, height: int) -> np.ndarray:
    """(W·H, words) uint64: the bitboard of each single cell."""
    return _bitboards(np.eye(width * height, dtype=bool))


class Belief:
    """B for N rounds: `cells[n, c]` is True when the cat of round n can be on cell c, given what the mouse saw.
    Kept as bitboards (`boards`, (N, words) uint64, packed as _bitboards packs), so that a move's dilation is a
    few shifts of whole words and the cautious teacher reads B as it is.

    Before the round's first move B is every cell but the mouse's. `update` is called at every mouse move."""

    def __init__(self, sight: Sight, width: int, height: int, mouse: np.ndarray) -> None:
        check_size(width, height)
        self.sight, self.width, self.height = sight, int(width), int(height)
        everywhere = _bitboards(np.ones((1, self.width * self.height), dtype=bool))
        self.boards = everywhere & ~_cell_boards(self.width, self.height)[self._cell(mouse)]

    @property
    def cells(self) -> np.ndarray:
        """(N, W·H) bool: B of every round."""
        return _cells_of(self.boards, self.width * self.height)

    def _cell(self, xy: np.ndarray) -> np.ndarray:
        return xy[:, 1] * self.width + xy[:, 0]

    def update(
        self, t: np.ndarray | int, cat: np.ndarray, mouse: np.ndarray, active: np.ndarray | None = None
    ) -> np.ndarray:
        """The cat has just moved; the mouse is at move t (per round, or one for all). Updates B and returns
        which rounds saw the cat. With `active`, only those rounds are updated (the others see nothing)."""
        if active is None:
            self.boards, seen = self._next(self.boards, t, cat, mouse)
            return seen
        rows = np.flatnonzero(active)
        seen = np.zeros(len(cat), dtype=bool)
        t_rows = np.broadcast_to(np.asarray(t), (len(cat),))[rows]
        seen[rows] = self.update_rows(rows, t_rows, cat[rows], mouse[rows])
        return seen

    def update_rows(self, rows: np.ndarray, t: np.ndarray | int, cat: np.ndarray, mouse: np.ndarray) -> np.ndarray:
        """`update` for the rounds `rows` only, given their cells (cat and mouse (len(rows), 2)); returns which
        of them saw the cat."""
        boards, seen = self._next(take_rows(self.boards, rows), t, cat, mouse)
        put_rows(self.boards, rows, boards)
        return seen

    def _next(
        self, boards: np.ndarray, t: np.ndarray | int, cat: np.ndarray, mouse: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        sight, width, height = self.sight, self.width, self.height
        seen = sight.sees(t, cat, mouse)
        b = reach_boards(boards, width, height)
        # Unseen: not where it would have been seen, and not on the mouse (the cat's move did not catch it).
        # int64 row numbers: 2·W·H rows reach 512 on a 16×16 arena, past what a uint8 flag times W·H holds
        on_beat = sight.on_beat(t, len(cat)).astype(np.int64)
        keeps = _unseen_keep_boards(width, height, sight.reach)
        cells = width * height
        b &= take_rows(keeps.reshape(2 * cells, -1), on_beat * cells + self._cell(mouse))
        return np.where(seen[:, None], take_rows(_cell_boards(width, height), self._cell(cat)), b), seen


@lru_cache(maxsize=16)
def move_outcomes(width: int, height: int) -> np.ndarray:
    """(W·H, 4, W·H) int32: [m, a, c] = the pursuit's value of mouse move a from cell m with the cat on cell c,
    i.e. cat moves still needed with both playing perfectly, 0 when the move lands on the cat."""
    p = pursuit(width, height)
    cells = width * height
    c, m = np.divmod(np.arange(cells * cells), cells)
    values = p.mouse_values(p.xy[c], p.xy[m])  # (C·C, 4), row c·C + m
    return np.ascontiguousarray(values.reshape(cells, cells, 4).transpose(1, 2, 0)).astype(np.int32)


def _bitboards(cells: np.ndarray) -> np.ndarray:
    """(N, C) bool as (N, words) uint64: cell c is bit c % 64 of word c // 64 (the same on any machine, as
    beliefs and the outcome planes are packed by this one function)."""
    n, c = cells.shape
    out = np.zeros((n, -(-c // 64) * 8), dtype=np.uint8)
    out[:, : -(-c // 8)] = np.packbits(cells, axis=1, bitorder="little")
    return out.view(np.uint64)


def _cells_of(boards: np.ndarray, cells: int) -> np.ndarray:
    """_bitboards undone: (N, words) uint64 as (N, cells) bool."""
    return np.unpackbits(boards.view(np.uint8), axis=1, count=cells, bitorder="little").view(bool)


@lru_cache(maxsize=16)
def outcome_planes(width: int, height: int) -> np.ndarray:
    """(W·H, 4, J, words) uint64: plane j of [m, a] is the bitboard of the cat cells c where bit j of
    move_outcomes[m, a, c] is set; J bits hold the largest outcome."""
    outcomes = move_outcomes(width, height)
    planes = int(outcomes.max()).bit_length()
    bits = (outcomes[:, :, None, :] >> np.arange(planes)[None, None, :, None]) & 1
    cells = width * height
    return _bitboards(bits.reshape(-1, cells).astype(bool)).reshape(cells, 4, planes, -1)


def _any(boards: np.ndarray) -> np.ndarray:
    return boards[..., 0] != 0 if boards.shape[-1] == 1 else (boards != 0).any(axis=-1)


def _count(boards: np.ndarray) -> np.ndarray:
    counts = np.bitwise_count(boards)
    return counts[..., 0].astype(np.int64) if boards.shape[-1] == 1 else counts.sum(axis=-1, dtype=np.int64)


def cautious_values(belief: np.ndarray, mouse: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Per round and mouse move, (N, 4) each: the guaranteed survival (min over the cat cells in B of
    move_outcomes) and the total over B (the mean's numerator; every move shares the divisor |B|, so totals
    order as means do). An empty B guarantees 2^J - 1 and totals 0."""
    return _board_values(_bitboards(belief), mouse[:, 1] * width + mouse[:, 0], width, height)


def _board_values(boards: np.ndarray, mouse_cell: np.ndarray, width: int, height: int) -> tuple[np.ndarray,
                                                                                                  np.ndarray]:
    """cautious_values from B's bitboards (N, words) and the mouse's cells.

    Worked on bitboards, one per bit of the outcome: the total is the planes' counts in B weighted 2^j; the
    minimum is found from the highest bit down, keeping the cells whose outcome has a 0 there while any do."""
    planes = take_rows(outcome_planes(width, height), mouse_cell)  # (N, 4, J, words)
    board = boards[:, None, :]
    total = np.zeros(planes.shape[:2], dtype=np.int64)
    guaranteed = np.zeros(planes.shape[:2], dtype=np.int64)
    low_so_far = np.broadcast_to(board, planes.shape[:2] + board.shape[-1:])
    for j in reversed(range(planes.shape[2])):
        total += _count(planes[:, :, j] & board) << j
        low = low_so_far & ~planes[:, :, j]
        some_low = _any(low)
        low_so_far = np.where(some_low[..., None], low, low_so_far)
        guaranteed |= (~some_low).astype(np.int64) << j
    return guaranteed, total


def cautious_moves(belief: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """The cautious teacher: the move with the largest guaranteed survival over B, ties by the largest mean over
    B, then by the landing cell's open space (teachers.Pursuit.openness), then by the largest summed squared
    distance from the cells of B, then the first of Up, Right, Down, Left. (N,) int32 indices into
    arena.MOUSE_MOVES.

    The two tie-breaks after the mean are the optimal mouse's own (Pursuit.mouse_moves), so with full sight,
    where B is the cat's one cell, this is the optimal mouse move for move. The issue's rule went from the mean
    straight to move order; measured, that order runs the mouse into walls and cost it about 1.2 moves of
    survival against the noisy and random cats even at full sight."""
    return cautious_board_moves(_bitboards(belief), mouse, width, height)


def cautious_board_moves(boards: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """cautious_moves from B's bitboards (N, words), as Belief.boards holds them."""
    return cautious_board_choice(boards, mouse, width, height)[0]


def cautious_best(belief: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """(N, 4) bool: the moves of the largest guaranteed survival over B, the cautious teacher's value; its move
    is one of them, the others are as good by that value."""
    return cautious_board_choice(_bitboards(belief), mouse, width, height)[1]


def cautious_board_choice(boards: np.ndarray, mouse: np.ndarray, width: int,
                          height: int) -> tuple[np.ndarray, np.ndarray]:
    """The cautious teacher's moves (N,) from B's bitboards, and (N, 4) bool the moves of the largest guaranteed
    survival (the set it imitates by: the tie-breaks after it choose among moves equally safe)."""
    mouse_cell = mouse[:, 1] * width + mouse[:, 0]
    guaranteed, total = _board_values(boards, mouse_cell, width, height)
    p = pursuit(width, height)
    landing = take_rows(p.mouse_next, mouse_cell)  # (N, 4) cells
    # Σ_{c∈B} |l - c|² = |B|·|l|² - 2 l·Σc + Σ|c|², from four whole-number sums over B.
    sums = _belief_sums(boards, width, height)
    land_x, land_y = (take_rows(p.xy[:, axis].astype(np.int64), landing) for axis in (0, 1))  # (N, 4) each
    dot = land_x * sums[:, 1:2] + land_y * sums[:, 2:3]
    distance = sums[:, :1] * (land_x * land_x + land_y * land_y) - 2 * dot + sums[:, 3:]
    # One sortable key per move, each field's range below the next one's weight; argmax takes the first best.
    open_bits, distance_bits, total_bits = _key_bits(width, height)
    key = (((guaranteed << total_bits) | total) << open_bits | p.openness[landing]) << distance_bits | distance
    return np.argmax(key, axis=1).astype(np.int32), guaranteed == guaranteed.max(axis=1, keepdims=True)


def _belief_sums(boards: np.ndarray, width: int, height: int) -> np.ndarray:
    """(N, 4) int64: |B|, Σx, Σy and Σ(x² + y²) over the cells of B, each a weighted count of B's cells in
    bit planes (_sum_planes)."""
    planes, weights = _sum_planes(width, height)
    counts = np.bitwise_count(boards[:, None, :] & planes).astype(np.int64)  # (N, P, words)
    counts = counts[..., 0] if boards.shape[1] == 1 else counts.sum(axis=2)
    return counts @ weights


@lru_cache(maxsize=16)
def _sum_planes(width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """The bitboards (P, words) of the cells where bit j of 1, x, y or x² + y² is set, and (P, 4) int64 the
    weight 2^j of each in its sum's column: Σ_{c∈B} v(c) = Σ_j 2^j |B ∩ plane_j(v)|."""
    cells = np.arange(width * height)
    x, y = cells % width, cells // width
    planes, weights = [], []
    for column, value in enumerate((np.ones_like(x), x, y, x * x + y * y)):
        for j in range(int(value.max()).bit_length()):
            planes.append((value >> j) & 1 == 1)
            weights.append(np.eye(4, dtype=np.int64)[column] << j)
    return _bitboards(np.array(planes)), np.array(weights)


@lru_cache(maxsize=16)
def _key_bits(width: int, height: int) -> tuple[int, int, int]:
    """Bits that hold the largest openness, summed squared distance and total over B."""
    cells = width * height
    largest_outcome = (1 << outcome_planes(width, height).shape[2]) - 1
    return (int(pursuit(width, height).openness.max()).bit_length(),
            (cells * ((width - 1) ** 2 + (height - 1) ** 2)).bit_length(), (cells * largest_outcome).bit_length())
