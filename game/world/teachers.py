"""The mouse's teachers, batched: the post's "stupid teacher" and the optimal mouse.

Both answer with indices into arena.MOUSE_MOVES (Up, Right, Down, Left) for N positions at once.
The optimal mouse comes from solving the pursuit game exactly; the same solution gives the perfect cat
(see cats.py) and the par of every start. This module imports no pygame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..arena import CAT_MOVES, MOUSE_MOVES, check_size, step_cells

if TYPE_CHECKING:
    from .rooms import Room

UP, RIGHT, DOWN, LEFT = 0, 1, 2, 3
NEVER = np.int32(1 << 20)  # a pair's par when the perfect cat cannot catch from it


def check_post_teacher(room: Room | None) -> None:
    """ValueError, one line, when the post's teacher is asked to teach in a room with furniture."""
    if room is not None and not room.is_open:
        raise ValueError(f"the post's teacher ignores furniture and teaches on the open board only, not in room "
                         f"{room.name!r}; use the optimal teacher")


def post_teacher(cat: np.ndarray, mouse: np.ndarray, width: int, height: int) -> np.ndarray:
    """The post's teacher: run away along the axis the mouse is already furthest on; along a wall when stuck.

    With dx = mouse_x - cat_x and dy = mouse_y - cat_y, the first rule that holds wins (the post's order).
    """
    dx = mouse[:, 0] - cat[:, 0]
    dy = mouse[:, 1] - cat[:, 1]
    x, y = mouse[:, 0], mouse[:, 1]
    not_top, not_bottom = y != height - 1, y != 0
    right_wall, left_wall = x == width - 1, x == 0
    east = [
        (dy > dx) & not_top,
        (-dy > dx) & not_bottom,
        (dy > 0) & right_wall,
        (dy < 0) & right_wall,
    ]
    west = [
        (dy > -dx) & not_top,
        (-dy > -dx) & not_bottom,
        (dy >= 0) & left_wall,
        (dy < 0) & left_wall,
    ]
    choices = [UP, DOWN, UP, DOWN]
    return np.where(
        dx >= 0,
        np.select(east, choices, default=RIGHT),
        np.select(west, choices, default=LEFT),
    ).astype(np.int32)


class Pursuit:
    """The exact solution of the pursuit game on a W×H grid or in a room: king-move cat against four-move mouse,
    by the arena's own moves (step_cells, furniture included).

    `par[c, m]` is the number of cat moves a perfect cat needs to catch a perfect mouse when the cat is to move
    with the cat on cell c and the mouse on cell m (cells numbered y * W + x); `after_cat[c, m]` is the same count
    still to come after the cat's move, with the mouse to move. Solved by backward induction (value iteration
    from "never caught" down to the fixed point), so every value is exact. Pairs with a cell on furniture are
    never reached and their values mean nothing; a pair the perfect cat cannot catch from holds NEVER.
    """

    def __init__(self, width: int, height: int, room: Room | None = None) -> None:
        check_size(width, height)
        self.width, self.height = width, height
        self.room = room
        self.blocked = None if room is None else room.blocked
        cells = width * height
        xy = np.stack(np.divmod(np.arange(cells, dtype=np.int32), width)[::-1], axis=1)  # (C, 2) as x, y
        self.xy = xy
        self.cat_next = self._next(xy, CAT_MOVES)  # (C, 8)
        self.mouse_next = self._next(xy, MOUSE_MOVES)  # (C, 4)
        self.par, self.after_cat = self._solve()
        # "Open space": how far a cell is from its nearest wall, to break ties between equally good moves.
        self.openness = np.minimum(
            np.minimum(xy[:, 0], width - 1 - xy[:, 0]), np.minimum(xy[:, 1], height - 1 - xy[:, 1])
        ).astype(np.int32)
        # Both best moves depend only on the two cells: decide them once for every pair, then play is a lookup.
        c, m = np.divmod(np.arange(cells * cells, dtype=np.int32), cells)
        self.best_mouse = self._best_mouse(c, m).reshape(cells, cells)
        self.best_cat = self._best_cat(c, m).reshape(cells, cells)

    def _next(self, xy: np.ndarray, table: np.ndarray) -> np.ndarray:
        k = len(table)
        moves = np.tile(np.arange(k, dtype=np.int32), len(xy))
        moved = step_cells(np.repeat(xy, k, axis=0), moves, table, self.width, self.height, self.blocked)
        return (moved[:, 1] * self.width + moved[:, 0]).astype(np.int32).reshape(len(xy), k)

    def _solve(self) -> tuple[np.ndarray, np.ndarray]:
        cells = self.width * self.height
        never = NEVER
        idx = np.arange(cells)
        par = np.full((cells, cells), never, dtype=np.int32)
        par[idx, idx] = 0
        while True:
            # Mouse to move after the cat's move: it picks the move that keeps it free longest;
            # stepping onto the cat ends the round with no further cat move.
            landing = self.mouse_next[None, :, :]  # (1, C, 4): mouse cell after each move
            values = par[idx[:, None, None], landing]  # (C cat, C mouse, 4)
            values = np.where(landing == idx[:, None, None], 0, values)
            after_cat = values.max(axis=2)
            # Cat to move: it picks the move that catches soonest; landing on the mouse catches now.
            cat_landing = self.cat_next  # (C, 8)
            options = after_cat[cat_landing]  # (C cat, 8, C mouse)
            options = np.where(cat_landing[:, :, None] == idx[None, None, :], 0, options)
            new_par = 1 + options.min(axis=1)
            new_par[idx, idx] = 0
            new_par = np.minimum(new_par, never)
            if np.array_equal(new_par, par):
                return par, after_cat
            par = new_par

    def cells(self, xy: np.ndarray) -> np.ndarray:
        return (xy[:, 1] * self.width + xy[:, 0]).astype(np.int32)

    def start_par(self, cat: np.ndarray, mouse: np.ndarray) -> np.ndarray:
        """Cat moves a perfect cat needs from these starts (cat to move)."""
        return self.par[self.cells(cat), self.cells(mouse)]

    def mouse_values(self, cat: np.ndarray, mouse: np.ndarray) -> np.ndarray:
        """(N, 4): cat moves still needed after each mouse move; 0 for stepping onto the cat."""
        return self._mouse_values(self.cells(cat), self.cells(mouse))

    def _mouse_values(self, c: np.ndarray, m: np.ndarray) -> np.ndarray:
        landing = self.mouse_next[m]
        return np.where(landing == c[:, None], 0, self.par[c[:, None], landing])

    def mouse_best(self, cat: np.ndarray, mouse: np.ndarray) -> np.ndarray:
        """(N, 4) bool: the value-optimal mouse moves, those that keep the perfect cat's count as long as any."""
        values = self.mouse_values(cat, mouse)
        return values == values.max(axis=1, keepdims=True)

    def cat_values(self, cat: np.ndarray, mouse: np.ndarray) -> np.ndarray:
        """(N, 8): cat moves a perfect cat needs, counting this one, after each cat move (1 for landing on the
        mouse); the least of them is the start's par, so a move keeps the perfect cat's count when it is that."""
        c, m = self.cells(cat), self.cells(mouse)
        landing = self.cat_next[c]
        return np.where(landing == m[:, None], 1, 1 + self.after_cat[landing, m[:, None]])

    def mouse_moves(self, cat: np.ndarray, mouse: np.ndarray) -> np.ndarray:
        """The optimal mouse: the move that survives longest against a perfect cat, ties towards open space,
        then away from the cat, then in move order."""
        return self.best_mouse[self.cells(cat), self.cells(mouse)]

    def cat_moves(self, cat: np.ndarray, mouse: np.ndarray) -> np.ndarray:
        """The perfect cat: the move that catches soonest, ties towards the mouse, then in move order."""
        return self.best_cat[self.cells(cat), self.cells(mouse)]

    def _best_mouse(self, c: np.ndarray, m: np.ndarray) -> np.ndarray:
        landing = self.mouse_next[m]  # (N, 4)
        values = self._mouse_values(c, m).astype(np.int64)
        gap = self.xy[landing] - self.xy[c][:, None, :]
        distance = (gap * gap).sum(axis=2)
        # One sortable key per move; each field's range fits below the next one's weight.
        key = (values << 24) + (self.openness[landing].astype(np.int64) << 12) + distance
        return np.argmax(key, axis=1).astype(np.int32)

    def _best_cat(self, c: np.ndarray, m: np.ndarray) -> np.ndarray:
        landing = self.cat_next[c]  # (N, 8)
        values = self.after_cat[landing, m[:, None]].astype(np.int64)
        values = np.where(landing == m[:, None], -1, values)
        gap = self.xy[landing] - self.xy[m][:, None, :]
        distance = (gap * gap).sum(axis=2)
        return np.argmin((values << 24) + distance, axis=1).astype(np.int32)


def pursuit(width: int, height: int, room: Room | None = None) -> Pursuit:
    """The solved pursuit game for this grid size, or this room, solved once and kept."""
    return _solved(width, height, None if room is None or room.is_open else room)


@lru_cache(maxsize=16)
def _solved(width: int, height: int, room: Room | None) -> Pursuit:
    if room is not None and room.size != (width, height):
        raise ValueError(f"room {room.name!r} is {room.width}×{room.height}, not {width}×{height}")
    return Pursuit(width, height, room)


def optimal_teacher(cat: np.ndarray, mouse: np.ndarray, width: int, height: int,
                    room: Room | None = None) -> np.ndarray:
    """The solved pursuit game's mouse: it survives longest against the perfect cat."""
    return pursuit(width, height, room).mouse_moves(cat, mouse)


@dataclass(frozen=True)
class Teacher:
    """A teacher the mouse learns from, declared once: its moves, its name on the page, and whether it knows
    furniture (a teacher that does not is the open board's only)."""

    name: str
    label: str
    moves: Callable[..., np.ndarray]  # (cat, mouse, width, height[, room]) -> moves
    knows_rooms: bool = True


TEACHERS = {t.name: t for t in (Teacher("post", "Post's teacher", post_teacher, knows_rooms=False),
                                Teacher("optimal", "Optimal", optimal_teacher))}
TEACHER_NAMES = tuple(TEACHERS)
# Teachers that choose by a value (the solved game's; the cautious teacher's guaranteed survival over B): a
# brain imitates the set of moves equal in that value, not the tie-break among them. The post's teacher has no
# value: its one move is the target.
VALUE_TEACHERS = ("optimal", "cautious")


def teacher_moves(name: str, cat: np.ndarray, mouse: np.ndarray, width: int, height: int,
                  room: Room | None = None) -> np.ndarray:
    """The named teacher's moves ("post" or "optimal") for N positions, in `room` if given. The post's teacher
    knows nothing of furniture: it is refused in a room with furniture, in one line."""
    teacher = TEACHERS.get(name)
    if teacher is not None and not teacher.knows_rooms:
        check_post_teacher(room)
        return teacher.moves(cat, mouse, width, height)
    if teacher is not None:
        return teacher.moves(cat, mouse, width, height, room)
    raise ValueError(f"unknown teacher {name!r}: choose one of {', '.join(TEACHER_NAMES)}")
