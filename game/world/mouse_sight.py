"""What the mouse sees in the round in play: its sight preset, the belief B, its input and its teacher's move.

The rules are game/world/sight.py's, run on a batch of one round (the code the trainer uses); this keeps that one
round's state between turns and says what the player is shown: the sight square under fog, the beat under
flicker, and B. The cats see everything, so nothing here touches the cat's side. No pygame.
"""

from __future__ import annotations

import numpy as np

from ..arena import Arena
from .sight import CLASSIC, Belief, Sight, cautious_board_choice, sight_features, sight_named
from .teachers import pursuit, teacher_moves


class MouseSight:
    """The mouse's sight in one round: `sees` is what it saw at its last move (None before its first), `best`
    the value-optimal moves there (4,) bool: the solved game's under classic sight, the largest guaranteed
    survival over B under fog and flicker."""

    def __init__(self, name: str = CLASSIC.name) -> None:
        self.sight: Sight = sight_named(name)
        self.belief: Belief | None = None
        self.sees: bool | None = None
        self.best = np.ones(4, dtype=bool)

    @property
    def name(self) -> str:
        return self.sight.name

    @property
    def classic(self) -> bool:
        return self.sight is CLASSIC

    def start(self, arena: Arena) -> None:
        """A new round: B is every cell but the mouse's (none kept under classic sight, where B is the cat)."""
        self.belief = None if self.classic else Belief(self.sight, arena.width, arena.height, arena.mouse)
        self.sees = None

    def observe(self, arena: Arena, teacher: str) -> tuple[np.ndarray, int]:
        """The cat has just moved: the brain's input at this mouse move and the move its teacher would make
        (under fog or flicker the cautious teacher, from B)."""
        if self.belief is None:
            self.sees = True
            self.best = pursuit(arena.width, arena.height).mouse_best(arena.cat, arena.mouse)[0]
            return arena.observe()[0], int(teacher_moves(teacher, arena.cat, arena.mouse, arena.width,
                                                         arena.height)[0])
        t = int(arena.moves[0])  # the mouse's moves so far: this is its move t of the round
        seen = self.belief.update(t, arena.cat, arena.mouse)
        self.sees = bool(seen[0])
        x = sight_features(seen, arena.cat, arena.mouse, arena.width, arena.height)[0]
        moves, best = cautious_board_choice(self.belief.boards, arena.mouse, arena.width, arena.height)
        self.best = best[0]
        return x, int(moves[0])

    def next_look(self, moves_made: int) -> int:
        """Mouse moves until the next one at which it may see the cat (0: its next move is one)."""
        return (-moves_made) % self.sight.beat

    def square(self, mouse: tuple[int, int], size: tuple[int, int]) -> tuple[int, int, int, int] | None:
        """The cells the mouse would see the cat in at its next move, as (x0, y0, x1, y1) inclusive, clipped to
        the board; None when it sees the whole board (classic and flicker)."""
        reach = self.sight.reach
        if reach is None:
            return None
        x, y = mouse
        return max(0, x - reach), max(0, y - reach), min(size[0] - 1, x + reach), min(size[1] - 1, y + reach)

    def cells(self) -> np.ndarray | None:
        """B now, (W·H,) bool (cells numbered y·W + x), or None under classic sight."""
        return None if self.belief is None else self.belief.cells[0].copy()
