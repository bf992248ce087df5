"""Drawing what the mouse sees (game/mouse_sight.py): the fog, the flicker's beat and what the mouse believes.

The player always sees the whole board: the fog is a light shade over the cells the mouse cannot see, with the
square it does see left clear and outlined; under flicker the board is shaded the same way while the mouse's
next move is a blind one. The belief picture (on request) fills each cell by the brain's probe, the chance it
reads from h that the cat may be there, and outlines B, where the cat can be, beside it. A caption under the
board says it in words. Everything reads the frame's SightPicture only; View passes itself for the geometry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from .picture import Picture, SightPicture

if TYPE_CHECKING:
    from .view import View

INK = (16, 17, 20)
SKY = (86, 180, 233)
TEXT = (232, 234, 240)
DIM = (150, 156, 170)
FOG_ALPHA = 120  # over a cell the mouse cannot see: the cell and the pieces on it stay readable
BLIND_ALPHA = 80  # flicker, between looks: lighter, as the mouse still knows where it last saw the cat
HEAT = (204, 121, 167)  # Okabe–Ito reddish purple: a colour no piece or arrow uses
HEAT_ALPHA = 200  # a cell the probe is sure of


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
        self._fog: pygame.Surface | None = None
        self._fog_key: tuple | None = None
        self._heat: pygame.Surface | None = None

    def draw_under(self, view: View, pic: Picture) -> None:
        """Below the trails and the animals: the fog or the blind shade, then the belief picture."""
        sight = pic.sight
        if sight is None or sight.name == "classic":
            return
        blind = sight.square is None and sight.next_look > 0
        if sight.square is not None or blind:
            self.draw_shade(view, pic, sight.square, FOG_ALPHA if sight.square is not None else BLIND_ALPHA)
        if sight.show_belief:
            if sight.believed is not None:
                self.draw_heat(view, pic, sight)
            if sight.belief is not None:
                self.draw_outline(view, pic, sight)
        if sight.square is not None:
            x0, y0, x1, y1 = sight.square
            a, b = cell_rect(view, pic, x0, y1), cell_rect(view, pic, x1, y0)
            pygame.draw.rect(view.screen, SKY, a.union(b), max(1, view.px(2)), border_radius=view.px(6))
        elif sight.next_look == 0:  # flicker: its next move is a look at the whole board
            pygame.draw.rect(view.screen, SKY, grid_rect(view, pic).inflate(view.px(6), view.px(6)),
                             max(2, view.px(3)), border_radius=view.px(9))

    def draw_shade(self, view: View, pic: Picture, square: tuple[int, int, int, int] | None, alpha: int) -> None:
        """The board shaded, but for the square the mouse sees (fog); one surface per board, size and square."""
        box = grid_rect(view, pic)
        key = (box.size, pic.size, square, alpha, view.scale)
        if self._fog is None or self._fog_key != key:
            self._fog_key = key
            self._fog = pygame.Surface(box.size, pygame.SRCALPHA)
            self._fog.fill((*INK, alpha))
            if square is not None:
                x0, y0, x1, y1 = square
                clear = cell_rect(view, pic, x0, y1).union(cell_rect(view, pic, x1, y0)).move(-box.x, -box.y)
                self._fog.fill((0, 0, 0, 0), clear)
        view.screen.blit(self._fog, box)

    def draw_heat(self, view: View, pic: Picture, sight: SightPicture) -> None:
        """Each cell filled by the probe's chance that the cat may be there: clear at 0, strong at 1."""
        box = grid_rect(view, pic)
        if self._heat is None or self._heat.get_size() != box.size:
            self._heat = pygame.Surface(box.size, pygame.SRCALPHA)
        self._heat.fill((0, 0, 0, 0))
        W, H = pic.size
        chances = sight.believed
        for c in range(W * H):
            p = float(chances[c])
            if p >= 0.04:  # a faint haze everywhere would hide the board for nothing
                rect = cell_rect(view, pic, c % W, c // W, 0.06).move(-box.x, -box.y)
                pygame.draw.rect(self._heat, (*HEAT, round(HEAT_ALPHA * min(p, 1.0))), rect,
                                 border_radius=view.px(5))
        view.screen.blit(self._heat, box)

    def draw_outline(self, view: View, pic: Picture, sight: SightPicture) -> None:
        """B's outline: every cell edge between a cell of B and one outside it (or the board's edge)."""
        W, H = pic.size
        b = sight.belief.reshape(H, W)
        left, top, cell = view.grid(pic.size)
        width = max(2, view.px(2.5))

        def corner(x: int, row: int) -> tuple[int, int]:
            return view.pt(left + x * cell, top + row * cell)

        for y in range(H):
            row = H - 1 - y
            for x in range(W):
                if not b[y, x]:
                    continue
                if y == H - 1 or not b[y + 1, x]:  # above
                    pygame.draw.line(view.screen, TEXT, corner(x, row), corner(x + 1, row), width)
                if y == 0 or not b[y - 1, x]:  # below
                    pygame.draw.line(view.screen, TEXT, corner(x, row + 1), corner(x + 1, row + 1), width)
                if x == 0 or not b[y, x - 1]:
                    pygame.draw.line(view.screen, TEXT, corner(x, row), corner(x, row + 1), width)
                if x == W - 1 or not b[y, x + 1]:
                    pygame.draw.line(view.screen, TEXT, corner(x + 1, row), corner(x + 1, row + 1), width)

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
    marks = "shade: its belief  ·  white: where the cat can be" if sight.show_belief else "K: what it believes"
    return said, marks
