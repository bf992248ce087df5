# /// script
# dependencies = ["numpy"]
# ///
"""Cat & Mouse: you are the cat; the mouse is a small NumPy LSTM that learned to flee by imitating a teacher.

Run `python game/main.py --help`. The same async loop runs on desktop and, packaged by pygbag, in the browser:
one frame per pass, awaiting asyncio.sleep(0) so the browser gets control back every frame.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

import numpy  # noqa: F401  (pygbag installs the packages main.py imports; the game needs numpy)

# Make `from game import ...` work from the repo (python game/main.py: the root is game/'s parent) and in the
# browser bundle (main.py sits beside game/ and weights/).
HERE = os.path.dirname(os.path.abspath(globals().get("__file__") or os.path.join(os.getcwd(), "main.py")))
ROOT = HERE if os.path.isdir(os.path.join(HERE, "game")) else os.path.dirname(HERE)
if HERE != ROOT and HERE in sys.path:
    sys.path.remove(HERE)  # game/'s own folder must not shadow anything as top-level modules
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from game import controls  # noqa: E402
from game.app import Game  # noqa: E402
from game.brainfile import BrainFileError  # noqa: E402
from game.cats import CAT_NAMES  # noqa: E402
from game.teachers import TEACHER_NAMES  # noqa: E402
from game.view import DESIGN_H, DESIGN_W, View  # noqa: E402

WEIGHTS_DIR = os.path.join(ROOT, "weights")
USER_DIR = os.path.join(ROOT, "user_brains")  # the player's fine-tuned brains; never weights/
PAGE_POLL_SECONDS = 0.25
PAGE_STATUS_SECONDS = 0.5
PAGE_KEEP_SECONDS = 10.0  # how often a brain that learned is put in the browser's storage


def in_browser() -> bool:
    return sys.platform == "emscripten"


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line, not a usage dump
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def arena_size(text: str) -> tuple[int, int]:
    parts = text.lower().replace("×", "x").split("x")
    try:
        sides = [int(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 8x8 or 8") from None
    if len(sides) == 1:
        sides *= 2
    if len(sides) != 2 or not all(4 <= s <= 16 for s in sides):
        raise argparse.ArgumentTypeError(f"{text!r}: width and height must each be 4 to 16, like 8x8")
    return sides[0], sides[1]


def bounded_int(low: int, high: int, what: str, allow_zero: bool = False):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} {text!r} is not a whole number") from None
        if not (low <= value <= high or (allow_zero and value == 0)):
            raise argparse.ArgumentTypeError(f"{what} {value} is outside {low}..{high}"
                                             + (" (or 0 for uncapped)" if allow_zero else ""))
        return value
    return parse


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = Parser(
        prog="main.py",
        description="Cat & Mouse: you are the cat, chasing a mouse driven by a small NumPy LSTM. "
        "Press H in the game for every control.",
    )
    parser.add_argument("--brain", metavar="PATH", help="brain file to play against (default: "
                        "weights/lstm32_optimal.npz, or the first brain file in weights/)")
    parser.add_argument("--size", type=arena_size, metavar="WxH",
                        help="arena size, 4 to 16 a side, like 8x8 (default: the size the brain was trained on)")
    parser.add_argument("--seed", type=bounded_int(0, 2**63 - 1, "seed"), help="seed for starts and scripted cats")
    parser.add_argument("--teacher", choices=TEACHER_NAMES,
                        help="teacher for the ghost arrow and live learning (default: the brain's own)")
    parser.add_argument("--watch", nargs="?", const="perfect", choices=CAT_NAMES, metavar="CAT",
                        help=f"start in watch mode with a scripted cat ({', '.join(CAT_NAMES)}; default perfect)")
    parser.add_argument("--fps", type=bounded_int(10, 240, "fps", allow_zero=True), default=60,
                        help="frames per second, 10 to 240 (default 60; 0: uncapped)")
    return parser.parse_args(argv)


def make_game(options: argparse.Namespace, browser: bool) -> Game:
    return Game(
        WEIGHTS_DIR,
        None if browser else USER_DIR,
        brain_path=options.brain,
        size=options.size,
        seed=options.seed,
        teacher=options.teacher,
        watch=options.watch,
        browser=browser,
    )


async def run(game: Game, view: View, fps: int, page=None, frames: int | None = None, on_frame=None) -> None:
    """The main loop: events, page commands, update, draw, then hand control back (the browser needs it)."""
    clock = pygame.time.Clock()
    last_poll = last_status = last_keep = -1e9
    shown_status = None
    frame = 0
    while True:
        dt = clock.tick(fps) / 1000.0 if fps else clock.tick() / 1000.0
        if on_frame is not None:
            on_frame(frame, game, view)
        quit_now = False
        for event in pygame.event.get():
            if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
                view.set_screen(pygame.display.get_surface())
            elif controls.handle_event(game, view, event) == controls.QUIT:
                quit_now = True
        if quit_now:
            break
        wall = time.perf_counter()
        if page is not None and wall - last_poll >= PAGE_POLL_SECONDS:
            last_poll = wall
            for command in page.poll():
                game.handle_command(command, page)
        began = time.perf_counter()
        game.update(dt)
        view.draw(game)
        spent = (time.perf_counter() - began) * 1e3
        game.frame_ms = spent if game.frame_ms == 0.0 else 0.95 * game.frame_ms + 0.05 * spent
        if page is not None and wall - last_status >= PAGE_STATUS_SECONDS:
            last_status = wall
            status = game.status()
            if status != shown_status:
                page.show(status)
                shown_status = status
        if page is not None and wall - last_keep >= PAGE_KEEP_SECONDS:
            last_keep = wall
            kept = game.brain_to_keep()
            if kept is not None:
                page.store_brain(*kept)
        pygame.display.flip()
        await asyncio.sleep(0)
        frame += 1
        if frames is not None and frame >= frames:
            break


async def main(argv: list[str] | None = None, frames: int | None = None, on_frame=None) -> int:
    browser = in_browser()
    options = parse_args([] if browser and argv is None else argv)
    try:
        game = make_game(options, browser)
    except (BrainFileError, ValueError) as error:
        print(f"main.py: error: {error}", file=sys.stderr)
        return 2
    pygame.display.init()  # no audio: the game is silent, and this spares a sound card probe
    pygame.font.init()
    pygame.display.set_caption("Cat & Mouse")
    flags = 0 if browser else pygame.RESIZABLE
    screen = pygame.display.set_mode((DESIGN_W, DESIGN_H), flags)
    view = View(screen)
    page = None
    if browser:
        from game.web import Page

        page = Page()
        game.page = page
    try:
        await run(game, view, options.fps, page, frames, on_frame)
    finally:
        pygame.quit()
    return 0


if __name__ == "__main__":
    status = asyncio.run(main())
    if status:
        sys.exit(status)
