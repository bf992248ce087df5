"""The round in play: the arena, the cat's and the mouse's turns, where they were, the brain's last decision,
and the result against par. The brain, its teacher and the clock are the caller's. No pygame."""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from ..arena import CAT_MOVES, Arena
from ..brain_np import Brain
from ..world.mouse_sight import MouseSight
from ..world.teachers import pursuit

MOVE_LIMIT = 40
TRAIL_LENGTH = 12  # cells each animal's fading trail remembers


def versus_par(score: int) -> str:
    """Cat moves used minus par, in words."""
    return "on par" if score == 0 else f"{abs(score)} {'over' if score > 0 else 'under'} par"


class Round:
    def __init__(self) -> None:
        self.arena: Arena | None = None
        self.number = 0
        self.start_cells: tuple[np.ndarray, np.ndarray, tuple[int, int]] | None = None  # the last start drawn
        self.best: dict[str, int] = {}  # fewest cat moves over par, per brain, this session
        self.sight = MouseSight()  # what the mouse sees of the cat (classic, fog, flicker)

    def resize(self, width: int, height: int) -> bool:
        """A new arena when the size changes; True when it did."""
        if self.arena is not None and (self.arena.width, self.arena.height) == (width, height):
            return False
        self.arena = Arena(width, height, n=1, move_limit=MOVE_LIMIT)
        return True

    def start(self, rng: np.random.Generator, brain: Brain, again: bool = False) -> None:
        """A new start drawn from rng, or with again the last start once more (same cells, same number)."""
        arena = self.arena
        arena.rng = rng
        fits = again and self.start_cells is not None and self.start_cells[2] == (arena.width, arena.height)
        if fits:
            arena.reset(cat=self.start_cells[0], mouse=self.start_cells[1])
        else:
            arena.reset()
            self.number += 1
            self.start_cells = (arena.cat.copy(), arena.mouse.copy(), (arena.width, arena.height))
        brain.reset()
        self.sight.start(arena)
        self.par = int(pursuit(arena.width, arena.height).start_par(arena.cat, arena.mouse)[0])
        self.cat_moves_made = 0
        self.over = False
        self.over_time = 0.0
        self.result = ""
        self.result_score: int | None = None
        self.cat_trail: deque[tuple[int, int]] = deque(maxlen=TRAIL_LENGTH)
        self.mouse_trail: deque[tuple[int, int]] = deque(maxlen=TRAIL_LENGTH)
        self.cat_from = self.cat_cell()
        self.mouse_from = self.mouse_cell()
        self.turn_time = -math.inf
        self.probabilities = np.full(4, 0.25)
        self.brain_move: int | None = None
        self.teacher_move: int | None = None
        self.decision_cell: tuple[int, int] | None = None
        self.readout: str | None = None  # how the brain's last output became its move, if it says

    def cat_cell(self) -> tuple[int, int]:
        return int(self.arena.cat[0, 0]), int(self.arena.cat[0, 1])

    def mouse_cell(self) -> tuple[int, int]:
        return int(self.arena.mouse[0, 0]), int(self.arena.mouse[0, 1])

    def step_toward(self, cell: tuple[int, int]) -> int | None:
        """The cat's king move one step towards a cell, None for its own cell."""
        cx, cy = self.cat_cell()
        step = (int(np.sign(cell[0] - cx)), int(np.sign(cell[1] - cy)))
        if step == (0, 0):
            return None
        return next(k for k, d in enumerate(CAT_MOVES.tolist()) if tuple(d) == step)

    def cat_turn(self, cat_move: int, now: float) -> bool:
        """The cat's half of a turn; True when it caught the mouse."""
        self.cat_from, self.mouse_from = self.cat_cell(), self.mouse_cell()
        self.cat_trail.append(self.cat_from)
        self.mouse_trail.append(self.mouse_from)
        self.turn_time = now
        self.cat_moves_made += 1
        return bool(self.arena.move_cat(np.array([cat_move], dtype=np.int32))[0])

    def mouse_sees(self, teacher: str) -> tuple[np.ndarray, int]:
        """The brain's input now and the move its teacher would make (under fog or flicker: the cautious one)."""
        return self.sight.observe(self.arena, teacher)

    def mouse_turn(self, brain: Brain, move: int, label: int) -> bool:
        """The brain's move, as the panel shows it, then made; True when the round is over."""
        self.probabilities = brain.probabilities()
        self.readout = brain.readout()
        self.brain_move, self.teacher_move = move, label
        self.decision_cell = self.mouse_cell()
        self.arena.move_mouse(np.array([move], dtype=np.int32))
        return bool(self.arena.done[0])

    def finish(self, now: float, brain_name: str, keep_best: bool) -> None:
        """The result line, and the brain's best score when the player was the cat."""
        self.over = True
        self.over_time = now
        if self.arena.caught[0]:
            score = self.cat_moves_made - self.par
            self.result_score = score
            moves = "1 move" if self.cat_moves_made == 1 else f"{self.cat_moves_made} moves"
            self.result = f"Caught in {moves} · par {self.par} · {versus_par(score)}"
            if keep_best:
                best = self.best.get(brain_name)
                if best is None or score < best:
                    self.best[brain_name] = score
                    if best is not None:
                        self.result += " · new best!"
        else:
            self.result_score = None
            self.result = f"The mouse escaped! {self.arena.moves[0]} moves survived · par {self.par}"
