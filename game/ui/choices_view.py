"""The choices overlay (key I): what both players' brains made of their last move, drawn on the board.

Inside the cell where each decided (and has just left), one ray per cell it could move to: the mouse's four
moves in sky blue, a cat brain's eight in orange (at a wall, moves that land on the same cell share a ray).
A ray grows with its probability from a thin stub to the rim of a dark dial that sets the rose apart from the
trails; the move made is drawn bright (the mouse's probabilities are in the panel too), any other move of
10 % or more gets its percentage just outside the rim, and the mouse's teacher's move, when it differs, is
edged in yellow. Only a brain has probabilities: a scripted cat or the player gets no rays. Drawn by the View
(game/ui/view.py) through its geometry helpers.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pygame

from ..arena import CAT_MOVES, MOUSE_MOVES
from .palette import CELL, INK, ORANGE, SKY, TEXT, YELLOW, mix

if TYPE_CHECKING:
    from ..play.picture import Cell, Picture
    from .view import View

LABEL_AT = 0.1  # another move this likely gets its percentage at its ray's tip
RAY_WIDTH = 0.11  # of a cell
HUB = 0.09  # of a cell: the dot the rays start from
STUB = 0.07  # of a cell: every possible move shows at least this much, so the rose's shape reads
DIAL = 0.44  # of a cell: the dark disc under the rays, which sets them apart from the trails


def draw_choices(view: View, pic: Picture, cell: float) -> None:
    if pic.decision_cell is not None and pic.brain_move is not None:
        rose(view, pic, pic.decision_cell, MOUSE_MOVES, np.asarray(pic.probabilities, dtype=np.float64),
             pic.brain_move, pic.teacher_move, SKY, cell)
    if pic.cat_probabilities is not None and pic.cat_move is not None and pic.cat_moves_made:
        rose(view, pic, pic.cat_from, CAT_MOVES, np.asarray(pic.cat_probabilities, dtype=np.float64),
             pic.cat_move, None, ORANGE, cell)


def rose(view: View, pic: Picture, at: Cell, moves: np.ndarray, probabilities: np.ndarray, made: int,
         teacher: int | None, colour, cell: float) -> None:
    """One player's rays inside the cell it decided in (which it has just left, so nothing covers them)."""
    W, H = pic.size
    cx, cy = view.cell_centre(pic.size, *at)
    width = max(2.0, cell * RAY_WIDTH * view.scale)
    hub = cell * HUB
    pygame.draw.circle(view.screen, mix(CELL, INK, 0.45), view.pt(cx, cy), view.px(cell * DIAL))
    # Moves are clipped per axis at the walls (arena.step_cells), so a ray goes where its move lands; moves
    # that land on the same cell share one ray (their probabilities summed), one that stays put gets none.
    landing = [(int(np.clip(at[0] + dx, 0, W - 1)) - at[0], int(np.clip(at[1] + dy, 0, H - 1)) - at[1])
               for dx, dy in moves.tolist()]
    finite = np.where(np.isfinite(probabilities), probabilities, 0.0)
    rays: dict[tuple[int, int], float] = {}
    for k, step in enumerate(landing):
        if step != (0, 0):
            rays[step] = rays.get(step, 0.0) + float(finite[k])
    made_step = landing[made]
    taught = landing[teacher] if teacher is not None else None
    labels = []
    for (dx, dy), p in sorted(rays.items(), key=lambda item: (item[0] == made_step, item[1])):  # made on top
        length = hub + STUB * cell + min(p, 1.0) * (DIAL - HUB - STUB) * cell  # a sure move's ray meets the rim
        ux, uy = dx / math.hypot(dx, dy), -dy / math.hypot(dx, dy)  # screen y grows downwards
        start, end = (cx + ux * hub, cy + uy * hub), (cx + ux * length, cy + uy * length)
        chosen = (dx, dy) == made_step
        shade = colour if chosen else mix(CELL, colour, 0.35 + 0.45 * p)
        thick = width * (0.45 + 0.55 * max(p, float(chosen)))  # an unlikely move: a thin tick
        if taught is not None and (dx, dy) == taught and taught != made_step:
            bar(view, start, end, thick + max(2, view.px(5)), YELLOW)
        bar(view, start, end, thick + max(2, view.px(2)), INK)
        bar(view, start, end, thick, shade)
        if p >= LABEL_AT and not chosen:
            labels.append((ux, uy, p))
    pygame.draw.circle(view.screen, INK, view.pt(cx, cy), max(2, view.px(hub)))
    pygame.draw.circle(view.screen, colour, view.pt(cx, cy), max(1, view.px(hub * 0.6)))
    size = max(11.0, min(15.0, cell * 0.2))
    rim = DIAL * cell
    for ux, uy, p in labels:  # just outside the rim; the move made points where its animal is: no label there
        pill(view, f"{p * 100:.0f}%", size, cx + ux * (rim + size * 1.1), cy + uy * (rim + size * 0.5), INK,
             mix(CELL, TEXT, 0.85))


def bar(view: View, start: tuple[float, float], end: tuple[float, float], thick: float, colour) -> None:
    """A straight bar with round ends, `thick` screen pixels across (crisp at any angle, unlike a wide line)."""
    a, b = view.pt(*start), view.pt(*end)
    dx, dy = b[0] - a[0], b[1] - a[1]
    norm = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / norm * thick / 2, dx / norm * thick / 2
    pygame.draw.polygon(view.screen, colour, [(a[0] + nx, a[1] + ny), (b[0] + nx, b[1] + ny), (b[0] - nx, b[1] - ny),
                                              (a[0] - nx, a[1] - ny)])
    for end in (a, b):
        pygame.draw.circle(view.screen, colour, end, thick / 2)


def pill(view: View, text: str, size: float, x: float, y: float, fill, ink) -> None:
    """A percentage on a small rounded box, centred on (x, y)."""
    w, h = view.font(size).size(text)
    w, h = w / view.scale + 6, h / view.scale
    pygame.draw.rect(view.screen, fill, view.rect(x - w / 2, y - h / 2, w, h), border_radius=view.px(4))
    view.text(text, size, ink, x, y + 1, "center")
