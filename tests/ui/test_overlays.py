"""The overlay records (game/ui/overlays.py): each is switched by its key, listed in the help and drawn from the
picture, so a new overlay that draws what the picture carries is one record."""

from __future__ import annotations

import pygame
import pytest

from game.play.app import Game
from game.ui import controls, overlays
from game.ui.overlays import OVERLAYS, Overlay
from game.ui.view import HELP_LINES

PINK = (255, 0, 255)  # a colour the game never draws


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="")


def test_every_overlay_has_its_key_and_its_help_line(weights):
    game = Game(weights, None, seed=1)
    keys = controls.actions_for(game)
    for o in OVERLAYS.values():
        assert (o.label, o.help) in HELP_LINES
        assert o.key in keys and pygame.key.name(o.key) == o.label.lower()
    assert len({o.key for o in OVERLAYS.values()}) == len(OVERLAYS)


def test_a_new_record_is_a_working_overlay(weights, view, monkeypatch: pytest.MonkeyPatch):
    """What docs/ARCHITECTURE.md's recipe promises: one record, and the key switches it, the message says so,
    the picture carries it and the view draws it in place of the brain's arrow."""
    def paint_mouse(v, pic, cell):
        left, top, size = v.grid(pic.size)
        x, y = pic.mouse_cell
        pygame.draw.rect(v.screen, PINK, v.rect(left + x * size, top + y * size, size / 3, size / 3))

    extra = Overlay("pink", pygame.K_j, "J", "a pink corner on the mouse's cell", "pink corner", draw=paint_mouse)
    monkeypatch.setitem(OVERLAYS, "pink", extra)
    game = Game(weights, None, seed=1)
    game.update(0.5)

    def pinks() -> int:
        view.draw(game.picture())
        return int((pygame.surfarray.array3d(view.screen).reshape(-1, 3) == PINK).all(axis=1).sum())

    assert pinks() == 0 and "pink" not in game.picture().shown
    controls.handle_event(game, view, key(pygame.K_j))
    assert game.message == "pink corner: on" and game.picture().shown == {"pink"}
    assert [o.name for o in overlays.drawn_over(game.picture())] == ["pink"]
    assert pinks() > 20
    controls.handle_event(game, view, key(pygame.K_j))
    assert game.message == "pink corner: off" and pinks() == 0


def test_choices_replace_the_brains_arrow_and_trails_switch_off(weights, view):
    game = Game(weights, None, seed=3)
    controls.handle_event(game, view, key(pygame.K_i))
    assert "choices" in game.picture().shown and [o.name for o in overlays.drawn_over(game.picture())] == ["choices"]
    assert game.picture().overlays
    controls.handle_event(game, view, key(pygame.K_o))
    assert not game.picture().overlays
    controls.handle_event(game, view, key(pygame.K_o))
    assert game.picture().overlays
