"""Furniture drawn as furniture: each piece of a room (a 4-connected group of `#` cells) drawn as one object on
the board, so a player reads the room at a glance. Long thin pieces are upholstered (a sofa, a bench: a
backrest along one side, arms, a seam between cushions), and so are L-shaped ones (a corner sofa); other
rectangles are wooden (a table, a counter, an island: a top with a rim and grain). Drawn into the board's still
picture, once per room and size.
"""

from __future__ import annotations

import pygame

from ..world.rooms import FURNITURE

WOOD = (120, 84, 56)
WOOD_TOP = (150, 108, 72)
WOOD_GRAIN = (132, 94, 63)
FABRIC = (96, 86, 132)
FABRIC_BACK = (74, 66, 106)
SEAM = (70, 62, 100)
OUTLINE = (30, 24, 22)
SHADOW = (28, 30, 36)

Piece = list[tuple[int, int]]  # (column, row) cells, rows counted from the top as the room file has them


def pieces(rows: tuple[str, ...]) -> list[Piece]:
    """The room's furniture as pieces: groups of furniture cells joined by an edge."""
    seen: set[tuple[int, int]] = set()
    found: list[Piece] = []
    for r, line in enumerate(rows):
        for c, ch in enumerate(line):
            if ch != FURNITURE or (c, r) in seen:
                continue
            piece, stack = [], [(c, r)]
            seen.add((c, r))
            while stack:
                x, y = stack.pop()
                piece.append((x, y))
                for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                    inside = 0 <= ny < len(rows) and 0 <= nx < len(rows[0])
                    if inside and rows[ny][nx] == FURNITURE and (nx, ny) not in seen:
                        seen.add((nx, ny))
                        stack.append((nx, ny))
            found.append(sorted(piece))
    return found


def is_upholstered(piece: Piece) -> bool:
    """A straight piece one cell thick and at least three long: a sofa or a bench (other shapes than
    rectangles are upholstered too: draw_corner_sofa)."""
    xs, ys = {c for c, _ in piece}, {r for _, r in piece}
    straight = len(xs) == 1 or len(ys) == 1
    return straight and len(piece) >= 3


def draw_furniture(view, size: tuple[int, int], rows: tuple[str, ...]) -> None:
    """Every piece of the room onto the view's board (view: the game's View, for its grid and scaling)."""
    left, top, cell = view.grid(size)
    for piece in pieces(rows):
        xs, ys = [c for c, _ in piece], [r for _, r in piece]
        x0, y0 = left + min(xs) * cell, top + min(ys) * cell
        w, h = (max(xs) - min(xs) + 1) * cell, (max(ys) - min(ys) + 1) * cell
        inset = cell * 0.08
        solid = len(piece) == (max(xs) - min(xs) + 1) * (max(ys) - min(ys) + 1)
        if solid and is_upholstered(piece):
            draw_sofa(view, x0 + inset, y0 + inset, w - 2 * inset, h - 2 * inset, cell, along_x=len(set(ys)) == 1)
        elif solid:
            draw_table(view, x0 + inset, y0 + inset, w - 2 * inset, h - 2 * inset, cell)
        else:
            draw_corner_sofa(view, piece, left, top, cell, inset)


def draw_corner_sofa(view, piece: Piece, left: float, top: float, cell: float, inset: float) -> None:
    """A piece of another shape (an L, a T): upholstered cells joined where they touch, a cushion on each."""
    cells = set(piece)

    def joined_rect(c: int, r: int, pad: float) -> tuple[float, float, float, float]:
        x0 = left + c * cell + (0 if (c - 1, r) in cells else pad)
        y0 = top + r * cell + (0 if (c, r - 1) in cells else pad)
        x1 = left + (c + 1) * cell - (0 if (c + 1, r) in cells else pad)
        y1 = top + (r + 1) * cell - (0 if (c, r + 1) in cells else pad)
        return x0, y0, x1 - x0, y1 - y0

    for colour, dx, dy in ((SHADOW, cell * 0.05, cell * 0.07), (FABRIC_BACK, 0.0, 0.0)):
        for c, r in piece:
            x, y, w, h = joined_rect(c, r, inset)
            pygame.draw.rect(view.screen, colour, view.rect(x + dx, y + dy, w, h))
    for c, r in piece:
        pad = cell * 0.2
        pygame.draw.rect(view.screen, FABRIC, view.rect(left + c * cell + pad, top + r * cell + pad, cell - 2 * pad,
                                                         cell - 2 * pad), border_radius=view.px(cell * 0.1))


def draw_table(view, x: float, y: float, w: float, h: float, cell: float) -> None:
    """A wooden top with a darker rim, a soft shadow and a few grain lines."""
    screen = view.screen
    pygame.draw.rect(screen, SHADOW, view.rect(x + cell * 0.05, y + cell * 0.07, w, h),
                     border_radius=view.px(cell * 0.12))
    pygame.draw.rect(screen, WOOD, view.rect(x, y, w, h), border_radius=view.px(cell * 0.12))
    rim = cell * 0.1
    pygame.draw.rect(screen, WOOD_TOP, view.rect(x + rim, y + rim, w - 2 * rim, h - 2 * rim),
                     border_radius=view.px(cell * 0.08))
    lines = max(2, round(h / cell * 3))
    for k in range(1, lines):
        gy = y + rim + (h - 2 * rim) * k / lines
        pygame.draw.line(screen, WOOD_GRAIN, view.pt(x + rim * 1.8, gy), view.pt(x + w - rim * 1.8, gy),
                         max(1, view.px(cell * 0.025)))
    pygame.draw.rect(screen, OUTLINE, view.rect(x, y, w, h), max(1, view.px(1.5)), border_radius=view.px(cell * 0.12))


def draw_sofa(view, x: float, y: float, w: float, h: float, cell: float, along_x: bool) -> None:
    """An upholstered piece: a backrest along one long side, arms at the ends, a seam between cushions."""
    screen = view.screen
    radius = view.px(cell * 0.18)
    pygame.draw.rect(screen, SHADOW, view.rect(x + cell * 0.05, y + cell * 0.07, w, h), border_radius=radius)
    pygame.draw.rect(screen, FABRIC_BACK, view.rect(x, y, w, h), border_radius=radius)
    back, arm = cell * 0.26, cell * 0.16
    if along_x:  # backrest along the top edge, arms left and right
        seat = (x + arm, y + back, w - 2 * arm, h - back - cell * 0.06)
    else:  # backrest along the left edge, arms top and bottom
        seat = (x + back, y + arm, w - back - cell * 0.06, h - 2 * arm)
    pygame.draw.rect(screen, FABRIC, view.rect(*seat), border_radius=view.px(cell * 0.1))
    sx, sy, sw, sh = seat
    length = round((w if along_x else h) / cell)
    for k in range(1, length):
        if along_x:
            at = sx + sw * k / length
            pygame.draw.line(screen, SEAM, view.pt(at, sy + sh * 0.12), view.pt(at, sy + sh * 0.88),
                             max(1, view.px(cell * 0.035)))
        else:
            at = sy + sh * k / length
            pygame.draw.line(screen, SEAM, view.pt(sx + sw * 0.12, at), view.pt(sx + sw * 0.88, at),
                             max(1, view.px(cell * 0.035)))
    pygame.draw.rect(screen, OUTLINE, view.rect(x, y, w, h), max(1, view.px(1.5)), border_radius=radius)
