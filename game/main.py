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
import json
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

from game.arena import parse_size  # noqa: E402
from game.brains import brainfile  # noqa: E402
from game.brains.brainfile import BrainFileError  # noqa: E402
from game.brains.library import DEFAULT_SIZE  # noqa: E402
from game.browser.protocol import page_status, run_command  # noqa: E402
from game.browser.web import in_browser  # noqa: E402  (cheap: stdlib and the loader's limits)
from game.cli import Parser, argparse_type  # noqa: E402
from game.play.app import Game  # noqa: E402
from game.play.coach import LEARN_SPEED  # noqa: E402
from game.play.practice import play_session, session_report  # noqa: E402
from game.ui import controls  # noqa: E402
from game.ui.view import DESIGN_H, DESIGN_W, View, canvas_for  # noqa: E402
from game.world.cats import CATS  # noqa: E402
from game.world.rooms import RoomError, room_named, room_names  # noqa: E402
from game.world.sight import CLASSIC, SIGHTS  # noqa: E402
from game.world.teachers import TEACHER_NAMES  # noqa: E402

WEIGHTS_DIR = os.path.join(ROOT, "weights")
USER_DIR = os.path.join(ROOT, "user_brains")  # the player's fine-tuned brains; never weights/
PAGE_POLL_SECONDS = 0.25
PAGE_STATUS_SECONDS = 0.5  # also how often the brain in play is handed to the page to keep, when it changed


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
    parser.add_argument("--brain", metavar="PATH", help="brain file to play against (default: the sight's "
                        "own, weights/lstm32_optimal.npz under classic, or the first brain file for it in weights/)")
    parser.add_argument("--size", type=argparse_type(parse_size), metavar="WxH",
                        help="arena size, 4 to 16 a side, like 8x8 (default: the size the brain was trained on)")
    parser.add_argument("--seed", type=bounded_int(0, 2**63 - 1, "seed"), help="seed for starts and scripted cats")
    parser.add_argument("--sight", choices=tuple(SIGHTS), default=CLASSIC.name,
                        help="what the mouse sees of the cat: "
                        + "; ".join(f"{s.name}: {s.title}" for s in SIGHTS.values())
                        + ". Each plays its own brain by default (G switches in the game)")
    parser.add_argument("--room", metavar="NAME", default=None,
                        help="play in a room with furniture: " + ", ".join(room_names()[1:]) + " (rooms/NAME.txt), "
                        "or a room file's path; open is the board without (default). Each room plays its own "
                        "brains (M cycles rooms in the game)")
    parser.add_argument("--teacher", choices=TEACHER_NAMES,
                        help="teacher for the ghost arrow and live learning (default: the brain's own)")
    parser.add_argument("--watch", nargs="?", const="perfect", metavar="CAT",
                        help="start in watch mode with a scripted cat ("
                        + "; ".join(f"{c.name}: {c.about}" for c in CATS.values() if c.watched)
                        + "; default perfect) or a cat brain in weights/ by name (cat_lstm32): brain against brain")
    parser.add_argument("--cat-brain", metavar="PATH",
                        help="watch this cat brain file (meta role \"cat\") play the mouse: brain against brain")
    parser.add_argument("--fps", type=bounded_int(10, 240, "fps", allow_zero=True), default=60,
                        help="frames per second, 10 to 240 (default 60; 0: uncapped)")
    practice = parser.add_argument_group(
        "headless practice session",
        "--headless plays rounds without a window: the --watch cat against the brain, at watch speed ×1 and "
        "60 frames a second of game time, with the game's own learner and its frame budget. It prints the "
        "held-out agreement with the teacher and the share of value-optimal moves (2,000 rounds against all "
        "four training cats, starts never trained on) and survival beside the teacher's against the perfect, "
        "greedy and noisy cats (from every start) before and after, and can save the brain. Example: "
        "main.py --headless --watch greedy --learn --rounds 300 --save-brain out.npz")
    practice.add_argument("--headless", action="store_true", help="run a practice session without a window")
    practice.add_argument("--learn", action="store_true", help="learn from the teacher during the session")
    practice.add_argument("--rounds", type=bounded_int(1, 1_000_000, "rounds"), default=300,
                          help="rounds to play (default 300)")
    practice.add_argument("--learn-speed", type=bounded_int(*LEARN_SPEED, "learning speed"), default=3,
                          help="learning speed 1 to 10, as the [ ] keys set it (default 3)")
    practice.add_argument("--save-brain", metavar="PATH",
                          help="save the brain there at the end (a new file: never over an existing one)")
    practice.add_argument("--json", action="store_true", help="print the results as one JSON line")
    options = parser.parse_args(argv)
    if options.watch is not None and options.cat_brain is not None:
        parser.error("--watch and --cat-brain both name the cat: give one")
    if options.headless and options.watch is None and options.cat_brain is None:
        parser.error("--headless needs a cat to play the rounds: --watch CAT or --cat-brain PATH")
    if options.sight != CLASSIC.name and options.teacher is not None:
        parser.error(f"under --sight {options.sight} the teacher is the cautious one; leave out --teacher")
    options.room_played = None
    if options.room is not None:
        try:
            room = room_named(options.room, options.size or DEFAULT_SIZE)
        except RoomError as error:
            parser.error(str(error))
        if not room.is_open and options.size is not None and tuple(options.size) != room.size:
            parser.error(f"--room {options.room} is {room.width}×{room.height}; leave out --size")
        if not room.is_open and options.sight != CLASSIC.name:
            parser.error(f"--sight {options.sight} is played on the open board, not in room {room.name}")
        if not room.is_open and options.teacher == "post":
            parser.error("--teacher post ignores furniture; in a room the optimal mouse teaches")
        options.room_played = None if room.is_open else room
    if options.save_brain is not None and not options.save_brain.strip():
        parser.error("--save-brain needs a file name (it was empty)")
    if not options.headless and (options.learn or options.save_brain is not None or options.json):
        parser.error("--learn, --save-brain and --json belong to a --headless session")
    return options


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
        cat_brain=options.cat_brain,
        sight=options.sight,
        room=options.room_played,
    )


async def run(game: Game, view: View, fps: int, page=None, frames: int | None = None, on_frame=None) -> None:
    """The main loop: events, page commands, update, draw, then hand control back (the browser needs it)."""
    clock = pygame.time.Clock()
    last_poll = last_status = -1e9
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
                run_command(game, command, page)
            fit_canvas(game, view)
        began = time.perf_counter()
        game.update(dt)
        view.draw(game.picture())
        spent = (time.perf_counter() - began) * 1e3
        game.stats.frame(spent)
        if page is not None and wall - last_status >= PAGE_STATUS_SECONDS:
            last_status = wall
            game.layout = view.report(game.arena_size())
            kept = game.brain_to_keep()  # before the status: the page never shows a brain newer than it keeps
            if kept is not None:
                page.store_brain(*kept)
            status = page_status(game)
            if status != shown_status:
                page.show(status)
                shown_status = status
        pygame.display.flip()
        await asyncio.sleep(0)
        frame += 1
        if frames is not None and frame >= frames:
            break


def fit_canvas(game: Game, view: View) -> None:
    """Once the page has said how much room the canvas has (and again when that changes): the layout for it
    and a canvas of as many device pixels as it shows, so text and lines are drawn crisp, never scaled."""
    box = game.screen_box
    if box is None:
        return
    game.screen_box = None
    _, size, density = canvas_for(*box)
    if size != view.screen.get_size() or abs(density - view.density) > 1e-6:
        view.set_screen(pygame.display.set_mode(size), density)


def practice_session(options: argparse.Namespace) -> int:
    """The headless session (game/play/practice.py): results printed, the brain saved if asked (never over a file)."""
    if options.save_brain is not None and os.path.lexists(options.save_brain):
        print(f"main.py: error: {options.save_brain}: already exists; not overwritten", file=sys.stderr)
        return 2
    try:
        game = make_game(options, browser=False)
    except (BrainFileError, ValueError) as error:
        print(f"main.py: error: {error}", file=sys.stderr)
        return 2
    result = play_session(game, options.rounds, bool(options.learn), options.learn_speed, options.seed)
    status = 0
    if options.save_brain is not None and not game.library.changed():
        result["unchanged"] = True  # every update rolled back, or none made: nothing new to save
    elif options.save_brain is not None:
        shown = brainfile.printable(options.save_brain, brainfile.MAX_NAME_SHOWN)
        try:
            # the play figures measured after the session (2,000 held-out rounds), as the report prints them
            data = game.library.tuned_bytes(game.coach.teacher, {"agreement": result["heldout_after"],
                                                                 "value_optimal": result["value_optimal_after"]})
            result["saved"] = str(brainfile.write_atomic(options.save_brain, data))
        except FileExistsError:
            print(f"main.py: error: {shown}: appeared during the session; not overwritten", file=sys.stderr)
            status = 1
        except (brainfile.SaveError, BrainFileError) as error:  # one line that already names the file
            print(f"main.py: error: {brainfile.printable(error, 300)}", file=sys.stderr)
            status = 1
        except OSError as error:
            print(f"main.py: error: {shown}: cannot save ({brainfile.reason(error)})", file=sys.stderr)
            status = 1
    print(json.dumps(result) if options.json else session_report(result))
    return status


async def main(argv: list[str] | None = None, frames: int | None = None, on_frame=None) -> int:
    browser = in_browser()
    options = parse_args([] if browser and argv is None else argv)
    if options.headless and not browser:
        return practice_session(options)
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
        from game.browser.web import Page

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
