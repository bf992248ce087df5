"""The overlays a key switches on the board, each one `Overlay` record: its key, its line in the help, how the
Game switches it and, for one drawn over the board, its drawing.

An overlay that draws what the picture already carries is one record here: `Game.toggle_overlay` keeps its
switch by name and `Picture.shown` says which are on; the keys (ui/controls.py) and the help (ui/view.py) read
`OVERLAYS`. One that needs data the picture lacks adds its field to `Picture` (play/picture.py) and its value in
`Game.picture()` (play/app.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pygame

from .choices_view import draw_choices

if TYPE_CHECKING:
    from ..play.app import Game
    from ..play.picture import Picture
    from .view import View


@dataclass(frozen=True)
class Overlay:
    name: str
    key: int  # the pygame key that switches it
    label: str  # that key as the help writes it
    help: str  # its line in the help
    title: str  # the message line says "TITLE: on" / "TITLE: off"
    draw: Callable[[View, Picture, float], None] | None = None  # over the board, in place of the brain's arrow
    switch: Callable[[Game], object] | None = None  # a switch of its own, where the Game does more than flip it

    def toggle(self, game: Game) -> None:
        if self.switch is not None:
            self.switch(game)
        else:
            game.toggle_overlay(self.name, self.title)


def _flip_trails(game: Game) -> None:
    game.overlays = not game.overlays


OVERLAYS: dict[str, Overlay] = {o.name: o for o in (
    Overlay("choices", pygame.K_i, "I", "both players' choices on the board: the mouse's 4 moves, a cat brain's 8",
            "both players' choices on the board", draw=draw_choices),
    # the belief is drawn with the mouse's sight (ui/sight_view.py), and the Game says why when it cannot be
    Overlay("belief", pygame.K_k, "K", "what the mouse believes (fog, flicker): its probe's map of the cat",
            "belief picture", switch=lambda game: game.toggle_belief()),
    Overlay("trails", pygame.K_o, "O", "overlays on/off: trails, arrows", "overlays", switch=_flip_trails),
)}


def drawn_over(pic: Picture) -> list[Overlay]:
    """The overlays switched on that draw over the board, in the order of `OVERLAYS`."""
    return [o for o in OVERLAYS.values() if o.draw is not None and o.name in pic.shown]
