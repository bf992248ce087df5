"""The rules of the arena: a cat and a mouse on a W×H grid, batched over N independent rounds.

(0, 0) is the bottom-left cell and y grows upwards. The mouse takes one of four moves, the cat one of eight
(king moves). A move into a wall is clipped on each axis: the animal stays where it is on that axis, so a
diagonal cat move against one wall slides along it. A turn is the cat's move, then the
mouse's. The mouse is caught when the cat moves onto it or it moves onto the cat; a round ends on a catch or
after `move_limit` mouse moves. The game plays one round with n = 1; training plays thousands at once.
This module imports no pygame.
"""

from __future__ import annotations

import numpy as np

from .world.rows import put_rows, same_cells, take_rows

MOUSE_MOVE_NAMES = ("Up", "Right", "Down", "Left")
MOUSE_MOVES = np.array([(0, 1), (1, 0), (0, -1), (-1, 0)], dtype=np.int32)

# Clockwise from Up, so that index 2k is the k-th mouse move.
CAT_MOVE_NAMES = ("Up", "Up-Right", "Right", "Down-Right", "Down", "Down-Left", "Left", "Up-Left")
CAT_MOVES = np.array(
    [(0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1)], dtype=np.int32
)

MIN_SIDE, MAX_SIDE = 4, 16


def check_size(width: int, height: int) -> None:
    """Raise ValueError unless both sides are whole numbers from MIN_SIDE to MAX_SIDE."""
    for name, side in (("width", width), ("height", height)):
        if not isinstance(side, (int, np.integer)) or not MIN_SIDE <= side <= MAX_SIDE:
            raise ValueError(f"arena {name} {side!r} is not a whole number from {MIN_SIDE} to {MAX_SIDE}")


def parse_size(text: str) -> tuple[int, int]:
    """An arena size as typed on a command line: N (square), WxH or W×H. ValueError, one line, naming the text
    when it is none of these, or check_size's error when a side is out of range."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        sides = [int(part) for part in parts]
    except ValueError:
        sides = []
    if len(sides) not in (1, 2):
        raise ValueError(f"size {text!r} is not N, WxH or W×H (like 8 or 8x6)")
    width, height = sides[0], sides[-1]
    check_size(width, height)
    return width, height


def step_cells(cells: np.ndarray, moves: np.ndarray, table: np.ndarray, width: int, height: int) -> np.ndarray:
    """Cells after each takes its move from `table`, clipped at the walls. cells (N, 2), moves (N,)."""
    out = cells + take_rows(table, moves)
    np.maximum(out, 0, out=out)  # clipping, per axis (np.clip's wrapper costs more than the work here)
    np.minimum(out, np.array((width - 1, height - 1), dtype=out.dtype), out=out)
    return out


def features(cat: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """The brain's input, as in the post: [cat_x/(W-1), cat_y/(H-1), mouse_x/(W-1), mouse_y/(H-1)], float32."""
    scale = np.array([1.0 / (width - 1), 1.0 / (height - 1)], dtype=np.float32)
    out = np.empty((cat.shape[0], 4), dtype=np.float32)
    np.multiply(cat, scale, out=out[:, :2])
    np.multiply(mouse, scale, out=out[:, 2:])
    return out


class Arena:
    """N independent rounds on one W×H grid.

    `catching=False` gives the post's seed task: no catch, every round lasts exactly `move_limit` mouse moves.
    """

    def __init__(
        self,
        width: int = 6,
        height: int = 6,
        n: int = 1,
        move_limit: int = 40,
        catching: bool = True,
    ) -> None:
        check_size(width, height)
        if n < 1:
            raise ValueError(f"number of rounds {n!r} must be at least 1")
        if move_limit < 1:
            raise ValueError(f"move limit {move_limit!r} must be at least 1")
        self.width, self.height, self.n = int(width), int(height), int(n)
        self.move_limit, self.catching = int(move_limit), bool(catching)
        self.rng = np.random.default_rng()
        self.cat = np.zeros((self.n, 2), dtype=np.int32)
        self.mouse = np.zeros((self.n, 2), dtype=np.int32)
        self.moves = np.zeros(self.n, dtype=np.int32)  # mouse moves made this round
        self.caught = np.zeros(self.n, dtype=bool)

    @property
    def done(self) -> np.ndarray:
        """Rounds that are over: caught, or out of moves."""
        return self.caught | (self.moves >= self.move_limit)

    def random_cells(self, count: int) -> np.ndarray:
        cells = np.empty((count, 2), dtype=np.int32)
        cells[:, 0] = self.rng.integers(0, self.width, size=count)
        cells[:, 1] = self.rng.integers(0, self.height, size=count)
        return cells

    def reset(
        self,
        seed: int | None = None,
        cat: np.ndarray | None = None,
        mouse: np.ndarray | None = None,
    ) -> np.ndarray:
        """Start new rounds and return the brain's input. Starts not given are drawn uniformly at random.

        With catching on, a drawn mouse never starts on the cat's cell; on the seed task both are drawn
        independently (they may share a cell), as in the post.
        """
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self.cat = self.random_cells(self.n) if cat is None else self._cells(cat, "cat")
        if mouse is None:
            self.mouse = self.random_cells(self.n)
            if self.catching:
                clash = np.all(self.mouse == self.cat, axis=1)
                while clash.any():
                    self.mouse[clash] = self.random_cells(int(clash.sum()))
                    clash = np.all(self.mouse == self.cat, axis=1)
        else:
            self.mouse = self._cells(mouse, "mouse")
        self.moves[:] = 0
        self.caught = np.all(self.cat == self.mouse, axis=1) & self.catching
        return self.observe()

    def _cells(self, cells: np.ndarray, who: str) -> np.ndarray:
        out = np.array(cells, dtype=np.int32).reshape(-1, 2)
        if out.shape[0] == 1 and self.n > 1:
            out = np.repeat(out, self.n, axis=0)
        if out.shape[0] != self.n:
            raise ValueError(f"{who} start has {out.shape[0]} cells for {self.n} rounds")
        inside = (out[:, 0] >= 0) & (out[:, 0] < self.width) & (out[:, 1] >= 0) & (out[:, 1] < self.height)
        if not inside.all():
            raise ValueError(f"{who} start {out[~inside][0].tolist()} is outside the {self.width}×{self.height} arena")
        return out

    def observe(self) -> np.ndarray:
        """The brain's input for every round, (N, 4) float32."""
        return features(self.cat, self.mouse, self.width, self.height)

    def move_cat(self, moves: np.ndarray | None, rows: np.ndarray | None = None) -> np.ndarray:
        """The cat's half of a turn; `moves` indexes CAT_MOVES, None keeps the cat still. Returns caught now.

        With `rows` (indices of rounds that are not over), only those rounds move, `moves` holds theirs and the
        result is theirs: a batch whose finished rounds are known need not touch them."""
        if rows is not None:
            cat = take_rows(self.cat, rows)
            if moves is not None:
                cat = step_cells(cat, np.asarray(moves, dtype=np.int32), CAT_MOVES, self.width, self.height)
                put_rows(self.cat, rows, cat)
            return self._catch_rows(rows, cat, take_rows(self.mouse, rows))
        active = ~self.done
        if moves is not None:
            moved = step_cells(self.cat, np.asarray(moves, dtype=np.int32), CAT_MOVES, self.width, self.height)
            self.cat = np.where(active[:, None], moved, self.cat)
        return self._catch(active)

    def move_mouse(self, moves: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """The mouse's half of a turn; `moves` indexes MOUSE_MOVES. Returns the rounds caught by this move.
        `rows` as in move_cat."""
        if rows is not None:
            mouse = step_cells(take_rows(self.mouse, rows), np.asarray(moves, dtype=np.int32), MOUSE_MOVES,
                               self.width, self.height)
            put_rows(self.mouse, rows, mouse)
            self.moves[rows] += 1
            return self._catch_rows(rows, take_rows(self.cat, rows), mouse)
        active = ~self.done
        moved = step_cells(self.mouse, np.asarray(moves, dtype=np.int32), MOUSE_MOVES, self.width, self.height)
        self.mouse = np.where(active[:, None], moved, self.mouse)
        self.moves += active
        return self._catch(active)

    def _catch(self, active: np.ndarray) -> np.ndarray:
        if not self.catching:
            return np.zeros(self.n, dtype=bool)
        now = active & same_cells(self.cat, self.mouse)
        self.caught |= now
        return now

    def _catch_rows(self, rows: np.ndarray, cat: np.ndarray, mouse: np.ndarray) -> np.ndarray:
        if not self.catching:
            return np.zeros(len(rows), dtype=bool)
        now = same_cells(cat, mouse)
        self.caught[rows] |= now
        return now
