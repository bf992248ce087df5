"""The game: the rooms of a session put together, and the modes and messages around them.

Everything the player or the web page can ask for is one method here (`player_move`, `set_learning`,
`load_brain_file`, ...), so the desktop keys and the page's commands (game/browser/protocol.py) drive the same
code. The work is done by the rooms, which callers name directly (game.library.brain, game.round.arena,
game.coach.learner, game.stats): the brain library (game/brains/library.py), the round (play/round.py), live
learning (play/coach.py) and the session's statistics (play/session.py); Game keeps watch mode, pause, help and
the message line, and passes each room what it needs. Time only moves in `update(dt)`, so a test or a benchmark
can drive a game frame by frame. No pygame and no drawing here.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..brain_np import Brain
from ..brains import brainfile
from ..brains.library import DEFAULT_BRAIN, DEFAULT_SIZE, MAX_BRAIN_NAME, BrainLibrary, Kept, where  # noqa: F401
from ..brains.probe import read_belief
from ..world.mouse_sight import MouseSight
from ..world.rooms import OPEN, Room, RoomError, room_named, room_names
from ..world.sight import CLASSIC, SIGHTS
from ..world.teachers import TEACHER_NAMES
from .coach import LEARN_SPEED_MS, LEARN_SPEED_UPDATES, Coach  # noqa: F401  (the benches read LEARN_SPEED_MS)
from .picture import Picture, SightPicture, probe_line
from .round import MOVE_LIMIT, Round, versus_par  # noqa: F401  (tests read versus_par here)
from .scorecard import Scorecard, untrained_note
from .session import SessionStats
from .watchcat import CatRoster, WatchCat, cat_picture

RESULT_SECONDS = 1.6  # how long a round's result stays up before the next round (player)
WATCH_SPEEDS = ("×1", "×4", "max")
WATCH_TURN_SECONDS = (0.32, 0.08, 0.0)
WATCH_RESULT_SECONDS = (1.2, 0.3, 0.0)
MAX_SPEED_BUDGET_MS = 6.0  # at max speed, simulated turns per frame stop after this much time
MAX_SPEED_MIN_TURNS = 8  # ...but never fewer than this: a slow or busy machine still plays several a frame
MESSAGE_SECONDS = 6.0


class Game:
    """A session: the brain in play and its library, the round, live learning and the statistics shown."""

    def __init__(
        self,
        weights_dir: str | Path,
        user_dir: str | Path | None = None,
        brain_path: str | Path | None = None,
        size: tuple[int, int] | None = None,
        seed: int | None = None,
        teacher: str | None = None,
        watch: str | None = None,
        browser: bool = False,
        cat_brain: str | Path | None = None,
        sight: str = CLASSIC.name,
        room: Room | None = None,
    ) -> None:
        self.browser = browser
        self.page: Any = None  # the web page (game.web.Page) when in the browser
        if sight not in SIGHTS:
            raise ValueError(f"unknown sight {sight!r}: choose one of {', '.join(SIGHTS)}")
        self.library = BrainLibrary(weights_dir, user_dir, size, self.show, sight=lambda: self.round.sight.name,
                                    room=lambda: self.round.room)
        if teacher is not None and teacher not in TEACHER_NAMES:
            raise ValueError(f"unknown teacher {teacher!r}: choose one of {', '.join(TEACHER_NAMES)}")
        self.cats = CatRoster(weights_dir, user_dir)
        self.cats.room = None if room is None or room.is_open else room
        # A cat named on the command line that is unknown or does not load is the caller's error, as --brain's.
        self.cat_player: WatchCat | None = self.cats.bring(cat_brain) if cat_brain is not None else (
            None if watch is None else self.cats.cat(watch))
        self.rng = np.random.default_rng(seed)
        self.cat_rng = np.random.default_rng(None if seed is None else seed + 1)
        self.now = 0.0  # game clock, seconds; only update() advances it

        # What is shown
        self.paused = False
        self.help = False
        self.overlays = True  # trails, arrows and the brain's picture
        self.quit_asked = False  # the player was told of unsaved learning on a first Esc
        self.reset_asked = False  # ... or on a first Backspace
        self.shown: set[str] = set()  # the overlays switched on, by name (ui/overlays.py)
        self.screen_box: tuple[int, int, float] | None = None  # the page's room for the canvas, when it says
        self.layout: dict[str, Any] = {}  # the view's layout report, for the page (set by the main loop)
        self.show_belief = False  # under fog and flicker: what the mouse believes (the probe) over B
        self.message = ""
        self.message_is_error = False
        self.message_time = -math.inf

        self.round = Round()
        self.round.sight = MouseSight(sight)
        self.round.room = self.cats.room
        self.scorecard = Scorecard()  # the player's rounds against par, this session
        self.coach = Coach(teacher, MOVE_LIMIT)
        self.stats = SessionStats()
        if brain_path is not None:
            brain = brainfile.load_brain(brain_path, sight=sight)  # a bad file on the command line is the caller's
            brainfile.check_room_fits(brain.meta, self.round.room, str(brain_path))
            self._use_brain(brain, Path(brain_path).name, Path(brain_path))
        else:
            self._use_brain(*self.library.default_brain())

        # Watch mode: watch_cat names the cat that plays (None: the player), cat_player is it
        self.watch_cat = None if self.cat_player is None else self.cat_player.name
        self.watch_speed = 0
        self.turn_clock = 0.0
        self.new_round()

    # -- brains ----------------------------------------------------------------------------------------

    def _use_brain(self, brain: Brain, name: str, path: Path | None) -> None:
        self.library.use(brain, name, path)
        self.coach.bind(brain, self.library.meta_teacher(), self.library.size_for_brain(), self.sight,
                        self.round.room)
        self.stats.restart_agreement()

    def load_brain_file(self, path: str | Path) -> bool:
        """Swap to the brain in this file; on any problem show its one-line error and keep the current brain."""
        path = Path(path)
        brain = self.library.read_file(path)
        if brain is None:
            return False
        return self._swap(brain, path.name, path)

    def load_brain_bytes(self, name: str, data: bytes) -> bool:
        """Swap to a brain given as a file's bytes (an upload); on a problem show it and keep the current one."""
        brain = self.library.read_bytes(name, data)
        if brain is None:
            return False
        return self._swap(brain, name, None)

    def restore_brain_bytes(self, name: str, data: bytes) -> bool:
        """The brain the page kept in the browser, under the sight and in the room it was made for (a tuned fog
        brain comes back under fog, a room's brain in its room); on a problem show it and keep the current brain,
        sight and room."""
        try:
            meta = brainfile.load_brain_bytes(data, name, sight=None).meta
            sight, room = brainfile.meta_sight(meta), brainfile.meta_room(meta)
        except brainfile.BrainFileError:
            sight, room = self.sight, self.round.room  # the load below says what is wrong with it
        if sight == self.sight and room == self.round.room:
            return self.load_brain_bytes(name, data)
        seeing, old_room, old_cats = self.round.sight, self.round.room, self.cats.room
        self.round.sight, self.round.room, self.cats.room = MouseSight(sight), room, room
        if not self.load_brain_bytes(name, data):
            self.round.sight, self.round.room, self.cats.room = seeing, old_room, old_cats
            return False
        if room != old_room:
            self.scorecard = Scorecard()
        return True

    def _swap(self, brain: Brain, name: str, path: Path | None, said: str = "") -> bool:
        """Play this brain, keeping the current one's unsaved learning first (the page keeps it in storage).
        When that keep fails, nothing is swapped and the save's error line stays: the learning is still here."""
        self.coach.close_round()
        unsaved, old = self.library.unsaved_updates(), self.library.brain_name
        kept = None
        if unsaved and self.page is None:
            kept = self.save_brain()
            if kept is None:
                return False
        self._use_brain(brain, name, path)
        note = ""
        if kept is not None:
            note = f" ({old}'s {unsaved:,} learning updates kept in {brainfile.printable(kept, 120)})"
        elif unsaved:
            note = f" ({old}'s {unsaved:,} unsaved learning updates were dropped)"
        notice = brain.meta_notice  # optional meta fields the loader dropped, in one line
        self.show(notice if notice else f"{said}brain: {self.library.brain_name}{note}", error=bool(notice))
        self.new_round()
        return True

    def cycle_brain(self, step: int = 1) -> bool:
        """Load the next (or previous) brain file; a broken one is reported, and the next press moves past it."""
        target = self.library.next_file(step)
        if target is None:
            return False
        brain = self.library.read_file(target)
        self.library.cycle_from = None if brain is not None else target  # past a broken file at the next press
        if brain is None or not self._swap(brain, target.name, target):
            return False
        if self.library.left_out and not self.message_is_error:
            listed = brainfile.MAX_LISTED_FILES
            self.show(f"{self.message} · the brain list holds {listed} files: the {self.library.left_out:,} "
                      "oldest saved ones are left out")
        return True

    def reset_brain(self) -> None:
        """Back to the weights as loaded (undo live learning). Unsaved learning on desktop is asked about first,
        as quitting does: the next reset (Backspace) goes ahead, any other key drops the question."""
        unsaved = self.library.unsaved_updates()
        if unsaved and not self.browser and not self.reset_asked:
            self.reset_asked = True
            self.show(f"{unsaved:,} updates unsaved: Ctrl+S saves · Backspace again resets to the pretrained weights")
            return
        self.reset_asked = False
        self.coach.close_round()
        library = self.library
        meta, name, path = library.brain_meta, library.brain_name, library.brain_path
        self._use_brain(library.pristine_copy(), name, path)
        library.brain_meta = meta
        self.show(f"{name}: back to its pretrained weights")
        self.new_round()

    # -- what the mouse sees -----------------------------------------------------------------------------

    @property
    def sight(self) -> str:
        """The sight preset the mouse plays under (sight.SIGHTS): classic, fog or flicker; the round holds it."""
        return self.round.sight.name

    def set_sight(self, name: str) -> bool:
        """Play under another sight preset, with its brain (brainfile.SIGHT_BRAINS, else the first brain file
        for it that loads); with no brain for it, say so and keep the sight and brain in play."""
        if name not in SIGHTS:
            self.show(f"unknown sight {name!r}: choose one of {', '.join(SIGHTS)}", error=True)
            return False
        if name == self.sight:
            return True
        if self.round.room is not None and name != CLASSIC.name:
            self.show(f"{name} sight is played on the open board, not in room {self.round.room.name} (M: next "
                      "room)", error=True)
            return False
        old, seeing = self.sight, self.round.sight
        self.round.sight = MouseSight(name)
        found = self.library.sight_brain()
        if found is None:
            self.round.sight = seeing
            self.show(f"no brain for {name} sight in {brainfile.printable(self.library.weights_dir.name, 40)}/ "
                      f"(expected {brainfile.SIGHT_BRAINS[name]}); still {old} sight", error=True)
            return False
        self.library.cycle_from = None
        if not self._swap(*found, said=f"{name} sight ({SIGHTS[name].title}) · "):
            self.round.sight = seeing  # the learning could not be kept: nothing changes
            return False
        return True

    @property
    def room(self) -> Room | None:
        """The room in play (None: the open board); the round holds it."""
        return self.round.room

    def set_room(self, name: str) -> bool:
        """Play in another room (rooms/NAME.txt, or "open"), with its brain when there is one (else the open
        board's, and the HUD says so) and its cat brains in watch mode; a bad name or file is one line and the
        room in play stays."""
        try:
            room = room_named(name, self.library.fixed_size or DEFAULT_SIZE)
        except RoomError as error:
            self.show(str(error), error=True)
            return False
        room = None if room.is_open else room
        if room == self.round.room:
            return True
        if self.sight != CLASSIC.name and room is not None:
            self.show(f"{self.sight} sight is played on the open board; G switches back to classic first",
                      error=True)
            return False
        old, old_cats = self.round.room, self.cats.room
        self.round.room = self.cats.room = room
        found = self.library.sight_brain()
        place = "the open board" if room is None else f"room {room.name} ({room.width}×{room.height})"
        if found is None or not self._swap(*found, said=f"{place} · "):
            self.round.room, self.cats.room = old, old_cats
            return False
        self.scorecard = Scorecard()  # par means something else here
        if self.cat_player is not None and self.cat_player.brain is not None:
            names = self.cats.brain_names()
            self._watch_with(self.cats.cat(names[0]) if names else self.cats.cat("perfect"))
        return True

    def cycle_room(self, step: int = 1) -> None:
        names = room_names()
        here = OPEN if self.round.room is None else self.round.room.name
        index = names.index(here) if here in names else 0
        self.set_room(names[(index + step) % len(names)])

    def untrained_note(self) -> str | None:
        """The HUD's line when the brain plays a room or a size it was not trained for."""
        return untrained_note(self.library.brain_meta, self.arena_size(), self.round.room)

    def cycle_sight(self) -> None:
        names = tuple(SIGHTS)
        self.set_sight(names[(names.index(self.sight) + 1) % len(names)])

    def toggle_belief(self) -> None:
        """Show what the mouse believes (its probe's map of where the cat may be) over B's outline."""
        self.show_belief = not self.show_belief
        if self.sight == CLASSIC.name:
            self.show("what the mouse believes is drawn under fog and flicker sight (G switches sight)")
        elif self.library.brain.probe is None:
            self.show(f"{self.library.brain_name} has no belief probe: only B's outline is drawn"
                      if self.show_belief else "belief picture off")
        elif not self.library.probe_fits(self.arena_size()) and self.show_belief:
            self.show(f"belief {probe_line(self.library.probe_grid())}: only B's outline is drawn on "
                      f"{self.round.arena.width}×{self.round.arena.height}")
        else:
            self.show("belief picture: " + ("on" if self.show_belief else "off"))

    def tuned_meta(self) -> dict[str, Any]:
        return self.library.tuned_meta(self.coach.teacher, self.coach.heldout_figures())

    def brain_to_keep(self) -> Kept | None:
        """What the browser keeps so a reload brings back the brain in play (library.brain_to_keep)."""
        return self.library.brain_to_keep(self.coach.teacher, self.coach.heldout_figures())

    def export_brain(self) -> tuple[str, bytes]:
        return self.library.export_brain(self.coach.teacher, self.coach.heldout_figures())

    def may_quit(self) -> bool:
        """Quit now, or first ask once: unsaved learning on desktop is worth a second press (Ctrl+S saves it)."""
        unsaved = self.library.unsaved_updates()
        if self.browser or not unsaved or self.quit_asked:
            return True
        self.quit_asked = True
        self.show(f"{unsaved:,} updates unsaved: Ctrl+S saves · Esc again quits")
        return False

    def save_brain(self) -> Path | None:
        """Save the current brain as a new file in the user folder (atomic, never over an existing file).
        In the browser there is no folder: the page offers the file as a download and keeps it in storage."""
        if self.page is not None:
            self.download_brain(self.page)
            return None
        return self.library.save_brain(self.coach.teacher, self.coach.heldout_figures())

    def download_brain(self, page: Any) -> None:
        """The brain as it is, as a file the page saves to the player's disk (the browser keeps the brain in play
        by itself: brain_to_keep)."""
        try:
            filename, data = self.export_brain()
        except brainfile.BrainFileError as error:  # cannot happen with a checked meta; never stop the game
            self.show(str(error), error=True)
            return
        if page is not None:
            page.offer_download(filename, data)
        self.show(f"downloading {filename}")

    # -- learning --------------------------------------------------------------------------------------

    def set_learning(self, on: bool) -> None:
        """Learn from the teacher while playing (DAgger on the states the brain itself visits)."""
        on = bool(on)
        self.coach.set_learning(on, self.library.brain, self.arena_size())
        self.show("learning from the teacher: " + ("on" if on else "off"))

    def set_teacher(self, name: str) -> None:
        if self.sight != CLASSIC.name:
            self.show(f"under {self.sight} sight the teacher is the cautious one: it alone decides from what the "
                      "mouse knows", error=name != self.coach.teacher)
            return
        if name not in TEACHER_NAMES:
            self.show(f"unknown teacher {name!r}: choose one of {', '.join(TEACHER_NAMES)}", error=True)
            return
        if name == self.coach.teacher:
            return
        self.coach.choose_teacher(name, self.library.brain, self.arena_size())
        self.stats.restart_agreement()
        self.show(f"teacher: {name}")

    def cycle_teacher(self) -> None:
        if self.coach.teacher not in TEACHER_NAMES:  # the cautious teacher: set_teacher says why it stays
            self.set_teacher(self.coach.teacher)
            return
        self.set_teacher(TEACHER_NAMES[(TEACHER_NAMES.index(self.coach.teacher) + 1) % len(TEACHER_NAMES)])

    def set_learn_speed(self, value: int) -> None:
        self.coach.set_learn_speed(value)
        self.show(f"learning speed {self.coach.learn_speed} ({self.coach.learn_budget_ms():.1f} ms a frame)")

    def _learn(self) -> None:
        """Spend this frame's learning budget (the coach says how)."""
        updates, self.stats.learn_frame_ms = self.coach.learn()
        self.library.tuned_updates += updates
        self.stats.update_ms = self.coach.learner.update_ms

    # -- rounds ----------------------------------------------------------------------------------------

    def arena_size(self) -> tuple[int, int]:
        return self.round.arena.width, self.round.arena.height

    def new_round(self, again: bool = False) -> None:
        width, height = self.library.size_for_brain()
        if self.round.resize(width, height):
            self.coach.rebind(self.library.brain, (width, height))
        self.round.start(self.rng, self.library.brain, again)
        if self.cat_player is not None:
            self.cat_player.reset(self.round.arena)  # a cat brain's memory starts afresh each round, as the mouse's

    def retry_round(self) -> None:
        """R: the same start again, to try for a better score against the same par."""
        self.coach.close_round()
        self.new_round(again=True)

    def deal_round(self) -> None:
        """N: a new start."""
        self.coach.close_round()
        self.new_round()

    @property
    def watching(self) -> bool:
        return self.watch_cat is not None

    def can_move(self) -> bool:
        return not (self.round.over or self.paused or self.help or self.watching)

    def player_move(self, move: int) -> bool:
        """The player's cat takes CAT_MOVES[move]; during a round's result it starts the next round instead."""
        if self.round.over and not self.watching and not self.paused and not self.help:
            self.new_round()
            return False
        if not self.can_move():
            return False
        self.turn(int(move))
        return True

    def move_toward(self, cell: tuple[int, int]) -> bool:
        """A click or tap: one king step from the cat towards that cell (a neighbour is reached at once)."""
        if self.round.over and not self.watching and not self.paused and not self.help:
            self.new_round()
            return False
        move = self.round.step_toward(cell)
        return False if move is None else self.player_move(move)

    def turn(self, cat_move: int) -> None:
        """One turn: the cat's move, then (unless caught) the brain's mouse replies at once."""
        if self.round.cat_turn(cat_move, self.now):
            self.end_round()
            return
        x, label = self.round.mouse_sees(self.coach.teacher)
        began = time.perf_counter()
        move = self.library.brain.step(x)
        best = self.round.sight.best
        self.stats.mouse_moved(move == label, (time.perf_counter() - began) * 1e3, bool(best[move]))
        self.coach.record(x, label, best)
        if self.round.mouse_turn(self.library.brain, move, label):
            self.end_round()

    def end_round(self) -> None:
        self.coach.close_round()
        self.stats.round_finished()
        self.round.finish(self.now, self.library.brain_name, keep_best=not self.watching)
        if not self.watching:
            self.scorecard.record(self.round.result_score)

    # -- modes -----------------------------------------------------------------------------------------

    def set_watch(self, cat: str | None) -> bool:
        """Let a cat play by itself: a scripted cat or a cat brain, by name (None: the player is the cat
        again). An unknown name or a file that does not load is reported in one line; the cat in play stays."""
        player = None
        if cat is not None:
            try:
                player = self.cats.cat(cat)
            except (ValueError, brainfile.BrainFileError) as error:
                self.show(str(error), error=True)
                return False
        self._watch_with(player)
        return True

    def _watch_with(self, player: WatchCat | None) -> None:
        self.cat_player = player
        self.watch_cat = None if player is None else player.name
        self.turn_clock = 0.0
        if player is None:
            self.show("you are the cat")
        else:
            player.reset(self.round.arena)  # from this position on, with a fresh memory
            self.show(f"watching the {player.name} cat" if player.brain is None else f"watching {player.name}, "
                      "a cat's brain")
        if self.round.over:
            self.new_round()

    def load_cat_brain_bytes(self, name: str, data: bytes) -> bool:
        """Watch a cat brain given as a file's bytes (an upload in the page); on any problem show its one line
        and keep the cat in play."""
        try:
            player = self.cats.bring(data=data, name=name)
        except brainfile.BrainFileError as error:
            self.show(str(error), error=True)
            return False
        self._watch_with(player)
        return True

    def toggle_watch(self) -> None:
        self.set_watch(None if self.watching else self.cats.cycle()[0])

    def cycle_watch_cat(self, step: int = 1) -> None:
        """The next (or previous) cat: the training cats, then each cat brain; one that does not load is
        reported, and the next press moves past it."""
        order = self.cats.cycle()
        here = self.cats.skipped or self.watch_cat  # after a broken file, the next press starts past it
        start = order.index(here) if here in order else (-1 if step > 0 else 0)
        target = order[(start + step) % len(order)]
        self.cats.skipped = None if self.set_watch(target) else target

    def toggle_overlay(self, name: str, title: str) -> None:
        """Switch an overlay on or off by its name; the message line says which."""
        self.shown ^= {name}
        self.show(f"{title}: " + ("on" if name in self.shown else "off"))

    def set_watch_speed(self, index: int) -> None:
        self.watch_speed = max(0, min(len(WATCH_SPEEDS) - 1, int(index)))
        self.show(f"watch speed {WATCH_SPEEDS[self.watch_speed]}")

    def cycle_watch_speed(self) -> None:
        self.set_watch_speed((self.watch_speed + 1) % len(WATCH_SPEEDS))

    def set_paused(self, on: bool) -> None:
        self.paused = bool(on)

    def toggle_help(self) -> None:
        self.help = not self.help

    def show(self, text: str, error: bool = False) -> None:
        """One line for the player; text from files and the page is made printable and short here."""
        self.message = brainfile.printable(text, brainfile.MAX_MESSAGE_CHARS)
        self.message_is_error, self.message_time = error, self.now

    def message_visible(self) -> bool:
        return bool(self.message) and self.now - self.message_time < MESSAGE_SECONDS

    # -- time --------------------------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        """Advance the game clock: scripted cat turns, the next round after a result, a slice of learning."""
        dt = max(0.0, min(float(dt), 0.25))  # a stall (window drag, breakpoint) must not replay seconds of play
        if self.paused or self.help:
            return
        self.now += dt
        if self.watching:
            self._watch(dt)
        elif self.round.over and self.now - self.round.over_time >= RESULT_SECONDS:
            self.new_round()
        if self.coach.learning and self.coach.learner is not None:
            self._learn()
            if self.coach.learner.error:
                self.show(self.coach.learner.error, error=True)
                self.coach.learner.error = None
            elif self.coach.learner.notice:
                self.show(self.coach.learner.notice)
                self.coach.learner.notice = None
        self.stats.tick(self.now)

    def _watch(self, dt: float) -> None:
        speed = self.watch_speed
        if WATCH_SPEEDS[speed] == "max":
            start, turns = time.perf_counter(), 0
            while turns < MAX_SPEED_MIN_TURNS or (time.perf_counter() - start) * 1e3 < MAX_SPEED_BUDGET_MS:
                turns += 1
                if self.round.over:
                    self.new_round()
                self.turn(self._watch_move())
            return
        if self.round.over:
            if self.now - self.round.over_time >= WATCH_RESULT_SECONDS[speed]:
                self.new_round()
                self.turn_clock = 0.0
            return
        self.turn_clock += dt
        if self.turn_clock >= WATCH_TURN_SECONDS[speed]:
            self.turn_clock = 0.0
            self.turn(self._watch_move())

    def _watch_move(self) -> int:
        return self.cat_player.move(self.round.arena, self.cat_rng)

    # -- what the view draws ---------------------------------------------------------------------------

    def picture(self) -> Picture:
        """Everything the view shows, once a frame."""
        r, stats, learner, brain = self.round, self.stats, self.coach.learner, self.library.brain
        learning = self.coach.learning and learner is not None
        return Picture(
            size=self.arena_size(), cat_cell=r.cat_cell(), mouse_cell=r.mouse_cell(), cat_from=r.cat_from,
            mouse_from=r.mouse_from, cat_trail=tuple(r.cat_trail), mouse_trail=tuple(r.mouse_trail),
            caught=bool(r.arena.caught[0]), now=self.now, turn_time=r.turn_time,
            round_number=r.number, cat_moves_made=r.cat_moves_made, moves_made=int(r.arena.moves[0]),
            move_limit=r.arena.move_limit, par=r.par,
            best=r.best.get(self.library.brain_name), over=r.over, over_time=r.over_time, result=r.result,
            result_score=r.result_score,
            decision_cell=r.decision_cell, brain_move=r.brain_move, teacher_move=r.teacher_move,
            probabilities=r.probabilities, readout=r.readout, memory=brain.memory(), memory_title=brain.memory_title,
            brain_name=self.library.brain_name, brain_meta=self.library.brain_meta, brain_label=brain.label,
            hidden_size=brain.hidden_size, tuned_line=self.library.tuned_line(self.coach.teacher),
            tuned_updates=self.library.tuned_updates,
            heldout_now=self.coach.heldout_now(),
            teacher=self.coach.teacher, agreement=stats.agreement(), value_optimal=stats.value_optimal(),
            agreement_window=stats.recent.maxlen,
            curve=tuple(stats.curve), curve_stride=stats.curve_stride,
            learning=learning, learn_speed=self.coach.learn_speed, learn_budget_ms=self.coach.learn_budget_ms(),
            updates_per_round=learner.updates_per_round if learning else 0,
            updates=learner.updates if learning else 0,
            start_heldout=learner.start_heldout if learning else None,
            fallbacks=learner.fallbacks if learning else 0,
            watching=self.watching, watch_cat=self.watch_cat, watch_speed=WATCH_SPEEDS[self.watch_speed],
            rounds_per_second=stats.rounds_per_second, overlays=self.overlays, paused=self.paused, help=self.help,
            message=self.message, message_is_error=self.message_is_error, message_visible=self.message_visible(),
            step_ms=stats.step_ms, update_ms=stats.update_ms, frame_ms=stats.frame_ms,
            shown=frozenset(self.shown), **cat_picture(self.cat_player),
            sight=self.sight_picture(),
            room_rows=None if r.arena.room is None else r.arena.room.rows,
            room_name=OPEN if r.arena.room is None else r.arena.room.name,
            untrained=self.untrained_note(), session_line=self.scorecard.line() if self.scorecard.rounds else "",
        )

    def sight_picture(self) -> SightPicture:
        """What the player is shown of the mouse's sight: the square, the beat and, on request, the belief."""
        seeing, brain = self.round.sight, self.library.brain
        moves = int(self.round.arena.moves[0])
        believed, h = None, getattr(brain, "h", None)
        fits = self.library.probe_fits(self.arena_size())  # a probe of another arena would read the wrong cells
        if self.show_belief and not seeing.classic and fits and h is not None:
            believed = read_belief(brain.probe, np.asarray(h, dtype=np.float32)[None, :])[0]  # h after its last step
        return SightPicture(
            name=seeing.name, line=SIGHTS[seeing.name].title, sees=seeing.sees, beat=seeing.sight.beat,
            next_look=seeing.next_look(moves), square=seeing.square(self.round.mouse_cell(), self.arena_size()),
            show_belief=self.show_belief and not seeing.classic,
            belief=seeing.cells() if self.show_belief else None, believed=believed,
            probe_elsewhere=None if fits else self.library.probe_grid(),
        )

    def set_screen_box(self, width: int, height: int, dpr: float) -> None:
        """The page's room for the canvas (CSS pixels) and its devicePixelRatio; the main loop sizes the canvas
        and lays it out from it (the game itself draws nothing)."""
        self.screen_box = (width, height, dpr)
