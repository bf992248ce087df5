"""Furniture drawn as furniture (game/ui/furniture_view.py): pieces found from the layout, each drawn over its own
cells and nowhere else."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

from types import SimpleNamespace  # noqa: E402

import pygame  # noqa: E402

from game.ui.furniture_view import draw_furniture, is_upholstered, pieces  # noqa: E402
from game.ui.view import View  # noqa: E402
from game.world.rooms import room_named  # noqa: E402


def test_pieces_are_edge_joined_groups_of_furniture() -> None:
    den = room_named("den")
    found = pieces(den.rows)
    assert sorted(len(p) for p in found) == [2, 6]  # the corner sofa and the side table
    corner = next(p for p in found if len(p) == 6)
    assert not is_upholstered(corner)  # not a straight piece: drawn as a corner sofa
    assert is_upholstered(next(p for p in pieces(room_named("living").rows) if len(p) == 6))
    assert pieces(("#.#.", ".#..", "....", "....")) == [[(0, 0)], [(2, 0)], [(1, 1)]]  # corners do not join


def test_furniture_covers_its_cells_and_leaves_the_floor_as_it_was() -> None:
    pygame.init()
    room = room_named("kitchen")
    screen = pygame.Surface((1040, 640))
    view = View(screen)
    grid = SimpleNamespace(size=room.size, room_rows=None)  # the bare floor: furniture is drawn below
    view.draw_grid(grid)
    before = screen.copy()
    draw_furniture(view, room.size, room.rows)
    changed = floor_changed = 0
    for y in range(room.height):
        for x in range(room.width):
            centre = view.pt(*view.cell_centre(room.size, x, y))
            differs = screen.get_at(centre) != before.get_at(centre)
            if room.is_floor(x, y):
                floor_changed += differs
            else:
                changed += differs
    assert changed == int(room.blocked.sum()) and floor_changed == 0
