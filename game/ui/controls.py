"""Keyboard, mouse and touch: each pygame event becomes one call on the Game (the page's commands use the same
methods). Moves index arena.CAT_MOVES: Up, Up-Right, Right, Down-Right, Down, Down-Left, Left, Up-Left."""

from __future__ import annotations

from collections.abc import Callable

import pygame

from ..play.app import Game
from .view import View

UP, UP_RIGHT, RIGHT, DOWN_RIGHT, DOWN, DOWN_LEFT, LEFT, UP_LEFT = range(8)

MOVE_KEYS = {
    pygame.K_UP: UP, pygame.K_w: UP, pygame.K_KP8: UP,
    pygame.K_RIGHT: RIGHT, pygame.K_d: RIGHT, pygame.K_KP6: RIGHT,
    pygame.K_DOWN: DOWN, pygame.K_s: DOWN, pygame.K_KP2: DOWN,
    pygame.K_LEFT: LEFT, pygame.K_a: LEFT, pygame.K_KP4: LEFT,
    pygame.K_q: UP_LEFT, pygame.K_KP7: UP_LEFT,
    pygame.K_e: UP_RIGHT, pygame.K_KP9: UP_RIGHT,
    pygame.K_z: DOWN_LEFT, pygame.K_KP1: DOWN_LEFT,
    pygame.K_c: DOWN_RIGHT, pygame.K_KP3: DOWN_RIGHT,
}

QUIT = "quit"


def handle_event(game: Game, view: View, event: pygame.event.Event) -> str | None:
    """Apply one event to the game. Returns QUIT when the player closes the game."""
    if event.type == pygame.QUIT:
        return QUIT if game.may_quit() else None
    if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:  # a touch arrives as this too
        if game.help:
            game.toggle_help()
            return None
        cell = view.cell_at(game.arena_size(), event.pos)
        if cell is not None:
            game.move_toward(cell)
        return None
    if event.type != pygame.KEYDOWN:
        return None
    key, mods = event.key, event.mod
    if key != pygame.K_ESCAPE:
        game.quit_asked = False  # any other key: the question is dropped, the next Esc asks again
    if key != pygame.K_BACKSPACE:
        game.reset_asked = False
    ctrl = bool(mods & (pygame.KMOD_CTRL | pygame.KMOD_META))
    shift = bool(mods & pygame.KMOD_SHIFT)
    if key == pygame.K_ESCAPE:
        if game.help:
            game.toggle_help()
            return None
        return None if game.browser or not game.may_quit() else QUIT
    if key in (pygame.K_h, pygame.K_F1, pygame.K_QUESTION) or (key == pygame.K_SLASH and shift):
        game.toggle_help()
        return None
    if game.help:
        return None  # the help covers the arena: other keys wait until it is closed
    if ctrl and key == pygame.K_s:
        game.save_brain()
        return None
    if key in MOVE_KEYS and not ctrl:
        game.player_move(MOVE_KEYS[key])
        return None
    action = actions_for(game, shift).get(key)
    if action is not None:
        action()
    return None


def actions_for(game: Game, shift: bool = False) -> dict[int, Callable[[], object]]:
    """Every key besides the moves, help, Esc and Ctrl+S, and what it does (the help overlay lists them all)."""
    return {
        pygame.K_p: lambda: game.set_paused(not game.paused),
        pygame.K_SPACE: lambda: game.set_paused(not game.paused),
        pygame.K_r: game.retry_round,
        pygame.K_n: game.deal_round,
        pygame.K_v: game.toggle_watch,
        pygame.K_x: lambda: game.cycle_watch_cat(-1 if shift else 1),
        pygame.K_i: game.toggle_choices,
        pygame.K_f: game.cycle_watch_speed,
        pygame.K_b: lambda: game.cycle_brain(-1 if shift else 1),
        pygame.K_l: lambda: game.set_learning(not game.coach.learning),
        pygame.K_t: game.cycle_teacher,
        pygame.K_LEFTBRACKET: lambda: game.set_learn_speed(game.coach.learn_speed - 1),
        pygame.K_RIGHTBRACKET: lambda: game.set_learn_speed(game.coach.learn_speed + 1),
        pygame.K_BACKSPACE: game.reset_brain,
        pygame.K_o: lambda: setattr(game, "overlays", not game.overlays),
        pygame.K_g: game.cycle_sight,
        pygame.K_k: game.toggle_belief,
    }
