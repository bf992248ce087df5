"""Drawing what the mouse sees (game/world/mouse_sight.py): the fog, the flicker's beat and what the mouse believes.

The player always sees the whole board: the fog is a light shade over the cells the mouse cannot see, with the
square it does see left clear and outlined; under flicker the board is shaded the same way while the mouse's
next move is a blind one. The belief picture (on request) fills each cell by the brain's probe, the chance it
reads from h that the cat may be there, and outlines B, where the cat can be, beside it. A caption under the
board says it in words. Everything reads the frame's SightPicture only; View passes itself for the geometry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from ..play.picture import Picture, SightPicture, probe_line
from .palette import DIM, PURPLE, SKY, TEXT
from .palette import FAINT as FAINT_TEXT

if TYPE_CHECKING:
    from .view import View

FOG_KEEP = 150  # a cell the mouse cannot see keeps 150/255 of its light: it and the pieces on it stay readable
BLIND_KEEP = 176  # flicker, between looks: lighter, as the mouse still knows where it last saw the cat
HEAT = PURPLE  # a colour no piece or arrow uses
HEAT_ALPHA = 230  # a cell the probe is sure of


def grid_rect(view: View, pic: Picture) -> pygame.Rect:
    left, top, cell = view.grid(pic.size)
    return view.rect(left, top, cell * pic.size[0], cell * pic.size[1])


def cell_rect(view: View, pic: Picture, x: int, y: int, inset: float = 0.0) -> pygame.Rect:
    """Screen rect of cell (x, y) (y grows upwards on the board), shrunk by `inset` cells on each side."""
    left, top, cell = view.grid(pic.size)
    row = pic.size[1] - 1 - y
    return view.rect(left + (x + inset) * cell, top + (row + inset) * cell, cell * (1 - 2 * inset),
                     cell * (1 - 2 * inset))


class SightLayer:
    """The shades and outlines, with the one surface each needs kept between frames."""

    def __init__(self) -> None:
        self._belief: pygame.Surface | None = None
        self._belief_key: tuple | None = None

    @staticmethod
    def key(pic: Picture) -> tuple | None:
        """What draw_under draws, to compare with ==: it changes about once a mouse move (None: nothing)."""
        sight = pic.sight
        if sight is None or sight.name == "classic":
            return None
        heat = None if sight.believed is None or not sight.show_belief else sight.believed.round(3).tobytes()
        outline = None if sight.belief is None or not sight.show_belief else sight.belief.tobytes()
        return pic.size, sight.square, sight.next_look, sight.show_belief, heat, outline

    def draw_under(self, view: View, pic: Picture) -> None:
        """Below the trails and the animals: the fog or the blind shade, then the belief picture."""
        sight = pic.sight
        if sight is None or sight.name == "classic":
            return
        blind = sight.square is None and sight.next_look > 0
        if sight.square is not None or blind:
            self.draw_shade(view, pic, sight.square, FOG_KEEP if sight.square is not None else BLIND_KEEP)
        if sight.show_belief:
            self.draw_belief(view, pic, sight)
        if sight.square is not None:
            x0, y0, x1, y1 = sight.square
            a, b = cell_rect(view, pic, x0, y1), cell_rect(view, pic, x1, y0)
            pygame.draw.rect(view.screen, SKY, a.union(b), max(1, view.px(2)), border_radius=view.px(6))
        elif sight.next_look == 0:  # flicker: its next move is a look at the whole board
            pygame.draw.rect(view.screen, SKY, grid_rect(view, pic).inflate(view.px(6), view.px(6)),
                             max(2, view.px(3)), border_radius=view.px(9))

    def draw_shade(self, view: View, pic: Picture, square: tuple[int, int, int, int] | None, keep: int) -> None:
        """The board darkened (each colour times keep/255), but for the square the mouse sees (fog): a multiply
        fill of the bands around the square, which costs far less than blending a shade surface."""
        box = grid_rect(view, pic)
        bands = [box]
        if square is not None:
            x0, y0, x1, y1 = square
            clear = cell_rect(view, pic, x0, y1).union(cell_rect(view, pic, x1, y0)).clip(box)
            bands = [pygame.Rect(box.left, box.top, box.width, clear.top - box.top),
                     pygame.Rect(box.left, clear.bottom, box.width, box.bottom - clear.bottom),
                     pygame.Rect(box.left, clear.top, clear.left - box.left, clear.height),
                     pygame.Rect(clear.right, clear.top, box.right - clear.right, clear.height)]
        for band in bands:
            if band.width > 0 and band.height > 0:
                view.screen.fill((keep, keep, keep), band, special_flags=pygame.BLEND_RGB_MULT)

    def draw_belief(self, view: View, pic: Picture, sight: SightPicture) -> None:
        """The probe's heat and B's outline, drawn on one surface again only when either changes (once a turn)."""
        box = grid_rect(view, pic)
        heat = None if sight.believed is None else sight.believed.round(3).tobytes()
        outline = None if sight.belief is None else sight.belief.tobytes()
        key = (box.size, pic.size, view.scale, heat, outline)
        if self._belief is None or self._belief_key != key:
            self._belief_key = key
            self._belief = pygame.Surface(box.size, pygame.SRCALPHA)
            self._belief.fill((0, 0, 0, 0))
            if sight.believed is not None:
                self.draw_heat(self._belief, box, view, pic, sight)
            if sight.belief is not None:
                self.draw_outline(self._belief, box, view, pic, sight)
        view.screen.blit(self._belief, box)

    @staticmethod
    def draw_heat(surface: pygame.Surface, box: pygame.Rect, view: View, pic: Picture, sight: SightPicture) -> None:
        """Each cell filled by the probe's chance that the cat may be there: clear at 0, strong at 1."""
        W, H = pic.size
        chances = sight.believed
        for c in range(W * H):
            p = float(chances[c])
            if p >= 0.04:  # a faint haze everywhere would hide the board for nothing
                rect = cell_rect(view, pic, c % W, c // W, 0.06).move(-box.x, -box.y)
                pygame.draw.rect(surface, (*HEAT, round(HEAT_ALPHA * min(p, 1.0))), rect, border_radius=view.px(5))

    @staticmethod
    def draw_outline(surface: pygame.Surface, box: pygame.Rect, view: View, pic: Picture,
                     sight: SightPicture) -> None:
        """B's outline: every cell edge between a cell of B and one outside it (or the board's edge)."""
        W, H = pic.size
        b = sight.belief.reshape(H, W)
        left, top, cell = view.grid(pic.size)
        width = max(2, view.px(2.5))

        def corner(x: int, row: int) -> tuple[int, int]:
            px, py = view.pt(left + x * cell, top + row * cell)
            return px - box.x, py - box.y

        for y in range(H):
            row = H - 1 - y
            for x in range(W):
                if not b[y, x]:
                    continue
                if y == H - 1 or not b[y + 1, x]:  # above
                    pygame.draw.line(surface, TEXT, corner(x, row), corner(x + 1, row), width)
                if y == 0 or not b[y - 1, x]:  # below
                    pygame.draw.line(surface, TEXT, corner(x, row + 1), corner(x + 1, row + 1), width)
                if x == 0 or not b[y, x - 1]:
                    pygame.draw.line(surface, TEXT, corner(x, row), corner(x, row + 1), width)
                if x == W - 1 or not b[y, x + 1]:
                    pygame.draw.line(surface, TEXT, corner(x + 1, row), corner(x + 1, row + 1), width)

    def draw_caption(self, view: View, pic: Picture) -> None:
        """Under the board: what the mouse sees and the belief picture's marks; under flicker the beat as pips,
        one per coming move, filled where the mouse looks."""
        said, marks = caption(pic)
        if not said:
            return
        x, top, w = view.plan.caption  # under the board, or in a compact panel as two lines
        if view.plan.compact:
            view.text(marks, 14, FAINT_TEXT, x, top + view.plan.text + 4)
        else:
            view.text(marks, 14, FAINT_TEXT, x + w, top, "topright")
        sight = pic.sight
        if sight.square is not None or sight.beat == 1:
            view.text(said, 14, DIM, x, top)
            return
        name, rest = said.split(": ", 1)
        box = view.text(name, 14, DIM, x, top)
        left = (box.right - view.origin[0]) / view.scale + 9
        for k in range(sight.beat):
            centre = view.pt(left + 11 * k, top + 5)
            if k == sight.next_look:
                pygame.draw.circle(view.screen, SKY, centre, view.px(4))
            else:
                pygame.draw.circle(view.screen, DIM, centre, view.px(3.5), max(1, view.px(1.2)))
        view.text(rest, 14, DIM, left + 11 * sight.beat + 2, top)

    def draw_spotted(self, view: View, pic: Picture, cat_xy: tuple[float, float], cell: float) -> None:
        """A ring round the cat when the mouse saw it at its last move."""
        sight = pic.sight
        if sight is None or sight.name == "classic" or not sight.sees or pic.over:
            return
        pygame.draw.circle(view.screen, SKY, view.pt(*cat_xy), view.px(cell * 0.47), max(2, view.px(2.5)))


def caption(pic: Picture) -> tuple[str, str]:
    """Under the board, in words: what the mouse sees now, and what the belief picture's marks are."""
    sight = pic.sight
    if sight is None or sight.name == "classic":
        return "", ""
    now = "no look yet" if sight.sees is None else "it saw the cat" if sight.sees else "it did not see the cat"
    if sight.square is not None:
        said = f"FOG: it sees the clear square  ·  {now}"
    else:
        look = "at its next move" if sight.next_look == 0 else f"in {sight.next_look + 1} moves"
        said = f"FLICKER: next look {look}  ·  {now}"
    if not sight.show_belief:
        marks = "K: what it believes"
    elif sight.probe_elsewhere is not None:  # no heat: the probe's cells are another arena's
        marks = f"{probe_line(sight.probe_elsewhere)}  ·  white: where the cat can be"
    else:
        marks = "shade: its belief  ·  white: where the cat can be"
    return said, marks
