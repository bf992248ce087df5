"""The layouts (game/ui/view.py): which one a screen gets, the canvas it is drawn on, and what a player reads on it.

Measured the way the page sees it: CSS pixels. The game's own report (View.report) gives the cell and the
smallest text drawn; these are checked on the phones the game is meant for, in every sight and overlay."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402
import pytest  # noqa: E402

from game import main as game_main  # noqa: E402
from game.browser.protocol import run_command
from game.play.app import Game  # noqa: E402
from game.ui.view import MIN_CSS_TEXT, View, canvas_for, choose_layout  # noqa: E402

WEIGHTS = Path(__file__).resolve().parents[2] / "weights"
# The room each phone's page gives the canvas (CSS px, as catmouse.js measures it) and its devicePixelRatio.
PHONES = {"390x844": (376, 830, 3.0), "360x740": (346, 726, 2.0), "844x390 on its side": (620, 376, 2.0)}


pytestmark = pytest.mark.usefixtures("display")  # every layout is measured on a real (headless) display


def test_each_screen_gets_its_layout():
    assert choose_layout(1280, 800).name == "landscape"  # a desktop window
    assert choose_layout(892, 680).name == "landscape"  # the page's column on a 1280×800 desktop
    assert choose_layout(376, 830).name == "portrait"
    assert choose_layout(620, 376).name == "compact"  # a phone on its side: the full panel's text would be 8 px
    assert choose_layout(700, 900).name == "portrait"  # a tall desktop window


def test_the_canvas_is_as_many_device_pixels_as_it_shows_and_capped():
    layout, size, density = canvas_for(376, 830, 2.0)
    assert layout.name == "portrait" and density == 2.0
    assert size == (752, round(752 * layout.design[1] / layout.design[0]))
    _, size, density = canvas_for(376, 830, 3.0)  # a dpr-3 phone is drawn at 2 device px a CSS px
    assert density == 2.0 and size[0] == 752
    _, size, density = canvas_for(4000, 2400, 2.0)  # a 4K screen: capped, the layout as large as before
    assert size[0] * size[1] <= 2_000_000 and density < 1.0


def game_in(sight: str, learning: bool) -> Game:
    game = Game(WEIGHTS, None, seed=5, sight=sight)
    game.set_watch("greedy")
    game.set_learning(learning)
    for _ in range(30):
        game.turn(game._watch_move())
        if game.round.over:
            game.new_round()
    game.show_belief = sight != "classic"
    game.show_choices = True
    return game


@pytest.mark.parametrize("phone", list(PHONES))
def test_on_a_phone_cells_are_finger_sized_and_every_text_reads_at_arms_length(phone):
    """8×8 cells at least 40 CSS px; no text under 11 CSS px, in every sight, learning, watching, paused, help."""
    layout, size, density = canvas_for(*PHONES[phone])
    view = View(pygame.display.set_mode(size), density)
    assert view.plan is layout and layout.compact
    for sight in ("classic", "fog", "flicker"):
        game = game_in(sight, learning=sight == "fog")
        for paused, help_ in ((False, False), (True, False), (False, True)):
            game.paused, game.help = paused, help_
            view.draw(game.picture())
            report = view.report(game.arena_size())
            assert report["cell_css"] >= 40, report
            assert report["smallest_text_css"] >= MIN_CSS_TEXT, report


def test_the_page_sizes_the_canvas_and_the_layout_follows(tmp_path):
    """The page's screen command, through the real main loop: the canvas becomes the room × dpr, the view lays it
    out as a portrait, the status reports it, and a tap on a cell still moves the cat there."""
    seen = {}

    def script(frame, game, view):
        if frame == 0:
            run_command(game, {"type": "screen", "width": 376, "height": 830, "dpr": 2.0})
        if frame == 1:
            main_fit(game, view)
            seen["size"], seen["layout"] = view.screen.get_size(), view.plan.name
            cx, cy = game.round.cat_cell()
            target = (cx - 1 if cx > 0 else cx + 1, cy)
            seen["target"] = target
            pos = view.pt(*view.cell_centre(game.arena_size(), *target))
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos, touch=True))
        if frame == 2:
            seen["cat"] = game.round.cat_cell()
            seen["report"] = view.report(game.arena_size())

    main_fit = game_main.fit_canvas
    assert asyncio.run(game_main.main(["--seed", "2"], frames=3, on_frame=script)) == 0
    assert seen["size"] == (752, 1222) and seen["layout"] == "portrait"
    assert seen["cat"] == seen["target"]
    assert seen["report"]["name"] == "portrait" and seen["report"]["cell_css"] >= 40


def session_frames(game: Game):
    """A fixed-clock session that changes everything the panel shows: watched turns gliding, learning with its
    updates and held-out line, new rounds, another sight and brain, a message, pause and help."""
    game.set_watch("greedy")
    game.set_watch_speed(0)
    for frame in range(220):
        if frame == 40:
            game.set_learning(True)
        if frame == 90:
            game.cycle_sight()
        if frame == 120:
            game.show_belief = True
            game.show_choices = True
        if frame == 150:
            game.set_watch(None)
            game.show("a message in the top bar")
        if frame == 170:
            game.paused = True
        if frame == 190:
            game.paused, game.help = False, True
        if frame == 200:
            game.help = False
            game.set_learning(False)
        game.update(1 / 60)
        yield game.picture()


@pytest.mark.parametrize("room", [(1040, 640, 1.0), (620, 376, 2.0), (376, 830, 2.0)],
                         ids=["landscape", "compact", "portrait"])
def test_the_cached_panel_draws_exactly_what_drawing_it_every_frame_draws(room):
    """Pixel for pixel, frame by frame, against the panel drawn straight on the screen every frame, while the
    panel is redrawn only when what it shows changed."""
    _, size, density = canvas_for(*room)
    plain = View(pygame.Surface(size), density, cache=False)
    cached = View(pygame.Surface(size), density, cache=True)
    game = Game(WEIGHTS, None, seed=9)
    frames = 0
    for pic in session_frames(game):
        plain.draw(pic)
        cached.draw(pic)
        frames += 1
        assert pygame.image.tobytes(cached.screen, "RGB") == pygame.image.tobytes(plain.screen, "RGB"), frames
    assert plain.panel_draws == frames
    assert cached.panel_draws < frames / 2, cached.panel_draws  # about one redraw a mouse move, not every frame


def test_an_idle_frame_does_not_redraw_the_panel():
    view = View(pygame.Surface((1040, 640)))
    game = Game(WEIGHTS, None, seed=1)
    for _ in range(30):
        game.update(1 / 60)
        view.draw(game.picture())
    assert view.panel_draws == 1
    game.player_move(2)  # a move changes the round line, the choice, the memory and the agreement: one redraw
    for _ in range(30):
        game.update(1 / 60)
        view.draw(game.picture())
    assert view.panel_draws == 2
