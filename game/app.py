"""The game's state and rules of play: one round at a time, the player's (or a scripted) cat against the brain.

Everything the player or the web page can ask for is one method here (`player_move`, `set_learning`,
`load_brain_file`, ...), so the desktop keys and the page's commands drive the same code. Time only moves in
`update(dt)`, so a test or a benchmark can drive a game frame by frame. No pygame and no drawing here.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np

from . import brainfile
from .arena import CAT_MOVES, Arena, check_size
from .brain_np import LSTMBrain, PostBrain
from .cats import WATCH_CAT_NAMES, cat_moves
from .learner import Learner
from .teachers import TEACHER_NAMES, pursuit, teacher_moves

Brain = LSTMBrain | PostBrain

MOVE_LIMIT = 40
DEFAULT_SIZE = (8, 8)
DEFAULT_BRAIN = "lstm32_optimal.npz"
TRAIL_LENGTH = 12  # cells each animal's fading trail remembers
AGREEMENT_WINDOW = 200  # recent mouse moves the running agreement is taken over
CURVE_POINTS = 240  # agreement samples the plot keeps (one per round, thinned as the session grows)
TURN_SECONDS = 0.12  # how long the animals take to glide one cell
RESULT_SECONDS = 1.6  # how long a round's result stays up before the next round (player)
WATCH_SPEEDS = ("×1", "×4", "max")
WATCH_TURN_SECONDS = (0.32, 0.08, 0.0)
WATCH_RESULT_SECONDS = (1.2, 0.3, 0.0)
MAX_SPEED_BUDGET_MS = 6.0  # at max speed, simulated turns per frame stop after this much time
LEARN_SPEED_MS = 0.5  # learning budget per frame for each step of learning speed (1..10 → 0.5..5 ms)
LEARN_SPEED_UPDATES = 12  # learning updates each finished round earns, per step of learning speed
MESSAGE_SECONDS = 6.0
WATCH_CATS = ("perfect", "greedy", "random", "noisy")
TUNED_NAME = re.compile(r"-tuned-\d{3}$")
MAX_BRAIN_NAME = 80  # characters of a brain's name shown and saved (a file name can be anything)
MAX_STEM = 60  # characters of a saved file's stem taken from the brain's name


def where(path: Path) -> Path:
    """The file a path names, for comparing paths; a symlink loop or a vanished folder is compared as written."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError on a symlink loop
        return path.absolute()


def versus_par(score: int) -> str:
    """Cat moves used minus par, in words."""
    return "on par" if score == 0 else f"{abs(score)} {'over' if score > 0 else 'under'} par"


class Game:
    """A session: the arena, the brain playing the mouse, the round in progress and everything shown about it."""

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
    ) -> None:
        self.weights_dir = Path(weights_dir)
        self.user_dir = Path(user_dir) if user_dir is not None else None
        self.browser = browser
        self.page: Any = None  # the web page (game.web.Page) when in the browser
        self.fixed_size = size
        if size is not None:
            check_size(*size)
        self.fixed_teacher = teacher
        if teacher is not None and teacher not in TEACHER_NAMES:
            raise ValueError(f"unknown teacher {teacher!r}: choose one of {', '.join(TEACHER_NAMES)}")
        if watch is not None and watch not in WATCH_CAT_NAMES:
            raise ValueError(f"unknown cat {watch!r}: choose one of {', '.join(WATCH_CAT_NAMES)}")
        self.rng = np.random.default_rng(seed)
        self.cat_rng = np.random.default_rng(None if seed is None else seed + 1)
        self.now = 0.0  # game clock, seconds; only update() advances it

        # What is shown
        self.paused = False
        self.help = False
        self.overlays = True  # trails, arrows and the brain's picture
        self.message = ""
        self.message_is_error = False
        self.message_time = -math.inf

        # Brains
        self.best: dict[str, int] = {}  # fewest cat moves over par, per brain, this session
        self.learner: Learner | None = None
        self.learning = False
        self.learn_speed = 3
        self.saved_count = 0
        self.step_ms = 0.0
        self.update_ms = 0.0
        self.frame_ms = 0.0
        self.learn_frame_ms = 0.0  # what learning took in the last frame
        self.brain: Brain
        self.brain_name = ""
        self.brain_path: Path | None = None
        self.cycle_from: Path | None = None  # where the brain key last went, so it can step past a broken file
        if brain_path is not None:
            brain = brainfile.load_brain(brain_path)  # a bad file on the command line is the caller's error
            self._use_brain(brain, Path(brain_path).name, Path(brain_path))
        else:
            self._use_default_brain()

        # Watch mode
        self.watch_cat = watch
        self.watch_speed = 0
        self.turn_clock = 0.0
        self.rounds_finished = 0
        self.rate_mark = (0.0, 0)  # (game clock, rounds finished) when rounds/s was last measured
        self.rounds_per_second = 0.0
        self.turns_this_frame = 0
        self.round_number = 0
        self.new_round()

    # -- brains ----------------------------------------------------------------------------------------

    def brain_files(self) -> list[Path]:
        """Every brain file the brain key cycles through: shipped ones, then the player's saved ones."""
        files = sorted(self.weights_dir.glob("*.npz")) if self.weights_dir.is_dir() else []
        if self.user_dir is not None and self.user_dir.is_dir():
            files += sorted(self.user_dir.glob("*.npz"))
        return files

    def _use_default_brain(self) -> None:
        files = self.brain_files()
        preferred = [f for f in files if f.name == DEFAULT_BRAIN] + files
        for path in preferred:
            try:
                self._use_brain(brainfile.load_brain(path), path.name, path)
                return
            except brainfile.BrainFileError as error:
                self.show(str(error), error=True)
        # No usable brain shipped (a fresh checkout before training): an untrained mouse still plays.
        brain = LSTMBrain(32, seed=0)
        brain.meta = brainfile.brain_meta(brain, grid_sizes=[list(DEFAULT_SIZE)], teacher="optimal")
        self._use_brain(brain, "untrained", None)
        if not files:
            self.show(f"no brain files in {self.weights_dir}; the mouse is untrained", error=True)

    def _use_brain(self, brain: Brain, name: str, path: Path | None) -> None:
        self.brain, self.brain_name, self.brain_path = brain, brainfile.printable(name, MAX_BRAIN_NAME), path
        self.tuned_updates = 0  # learning updates made to this brain (the learner's own count restarts on rebind)
        self.kept_at_update = 0  # tuned_updates when the browser last stored this brain
        self.saved_at_update = 0
        self.brain_meta: dict[str, Any] = dict(getattr(brain, "meta", None) or {})
        self.pristine = brain.copy()  # the weights as loaded, for reset
        self.teacher = self.fixed_teacher or self._meta_teacher()
        if self.learner is not None:
            self.learner.rebind(brain, self.teacher, *self.size_for_brain())
        self.recent: deque[bool] = deque(maxlen=AGREEMENT_WINDOW)
        self.clear_curve()

    def clear_curve(self) -> None:
        self.curve: list[float] = []
        self.curve_stride, self.curve_rounds = 1, 0

    def sample_curve(self, value: float) -> None:
        """One point per round; when full, every other point goes and the rounds per point double, so the plot
        always spans the whole session in bounded memory."""
        if self.curve_rounds % self.curve_stride == 0:
            self.curve.append(value)
            if len(self.curve) > CURVE_POINTS:
                self.curve = self.curve[::2]
                self.curve_stride *= 2
        self.curve_rounds += 1

    def _meta_teacher(self) -> str:
        teacher = self.brain_meta.get("teacher")  # the loader checked it, or filled in its default
        return teacher if teacher in TEACHER_NAMES else brainfile.DEFAULT_TEACHER

    def size_for_brain(self) -> tuple[int, int]:
        """The arena size: the command line's, else the first grid size the brain was trained on."""
        if self.fixed_size is not None:
            return self.fixed_size
        sizes = self.brain_meta.get("grid_sizes") or brainfile.DEFAULT_GRID_SIZES  # the loader checked them
        try:
            width, height = sizes[0]
            check_size(width, height)
        except (TypeError, ValueError, IndexError):  # a meta made in code, not loaded
            return brainfile.DEFAULT_GRID_SIZES[0]
        return width, height

    def load_brain_file(self, path: str | Path) -> bool:
        """Swap to the brain in this file; on any problem show its one-line error and keep the current brain."""
        path = Path(path)
        try:
            brain = brainfile.load_brain(path)
        except brainfile.BrainFileError as error:
            self.show(str(error), error=True)
            return False
        self._swap(brain, path.name, path)
        return True

    def _announce(self, brain: Brain, text: str) -> None:
        notice = getattr(brain, "meta_notice", None)  # optional meta fields the loader dropped, in one line
        self.show(notice if notice else text, error=bool(notice))

    def load_brain_bytes(self, name: str, data: bytes) -> bool:
        """Swap to a brain given as a file's bytes (an upload); on a problem show it and keep the current one."""
        try:
            brain = brainfile.load_brain_bytes(data, name)
        except brainfile.BrainFileError as error:
            self.show(str(error), error=True)
            return False
        self._swap(brain, name, None)
        return True

    def unsaved_updates(self) -> int:
        """Learning updates made to the current brain since it was loaded or last saved."""
        return self.tuned_updates - self.saved_at_update

    def _swap(self, brain: Brain, name: str, path: Path | None) -> None:
        self._close_round_for_learner()
        unsaved, old = self.unsaved_updates(), self.brain_name
        self._use_brain(brain, name, path)
        note = f" ({old}'s {unsaved} unsaved learning updates were dropped)" if unsaved else ""
        self._announce(brain, f"brain: {self.brain_name}{note}")
        self.new_round()

    def cycle_brain(self, step: int = 1) -> bool:
        """Load the next (or previous) brain file; a broken one is reported, and the next press moves past it."""
        files = [where(f) for f in self.brain_files()]
        if not files:
            self.show(f"no brain files in {brainfile.printable(self.weights_dir, 100)}", error=True)
            return False
        here = self.cycle_from or (where(self.brain_path) if self.brain_path is not None else None)
        index = files.index(here) if here in files else (-1 if step > 0 else 0)
        target = files[(index + step) % len(files)]
        loaded = self.load_brain_file(target)
        self.cycle_from = None if loaded else target  # after a broken file, the next press starts past it
        return loaded

    def reset_brain(self) -> None:
        """Back to the weights as loaded (undo live learning)."""
        self._close_round_for_learner()
        brain = self.pristine.copy()
        brain.meta = dict(self.brain_meta)
        meta, name, path = self.brain_meta, self.brain_name, self.brain_path
        self._use_brain(brain, name, path)
        self.brain_meta = meta
        self.show(f"{name}: back to its pretrained weights")
        self.new_round()

    def tuned_origin(self) -> str:
        """The brain this one was tuned from: a tuned file's own origin, else this brain's name."""
        origin = self.brain_meta.get("fine_tuned_from")
        return origin if isinstance(origin, str) and origin else self.brain_name

    def tuned_from(self) -> str:
        name = self.tuned_origin()
        return name[: -len(".npz")] if name.endswith(".npz") else name

    def tuned_line(self) -> str | None:
        """What a tuned brain is, in one line ("tuned from lstm32_optimal · 1,240 updates · optimal teacher"),
        or None for a brain that was never tuned."""
        earlier = self.brain_meta.get("fine_tune_updates")
        earlier = earlier if type(earlier) is int and earlier >= 0 and "fine_tuned_from" in self.brain_meta else 0
        updates = earlier + self.tuned_updates
        if not updates:
            return None
        return f"tuned from {self.tuned_from()} · {updates:,} updates · {self.teacher} teacher"

    def heldout_now(self) -> float | None:
        """The learner's held-out check of the brain as it is now (None before one has run)."""
        return self.learner.heldout if self.learner is not None else None

    def tuned_meta(self) -> dict[str, Any]:
        meta = dict(self.brain_meta)
        size = list(self.size_for_brain())
        earlier = meta.get("fine_tune_updates")
        earlier = earlier if type(earlier) is int and earlier >= 0 and "fine_tuned_from" in meta else 0
        heldout = self.heldout_now()
        meta.update(
            teacher=self.teacher,
            fine_tuned_from=self.tuned_origin(),
            fine_tune_updates=int(earlier + self.tuned_updates),
            tuned=self.tuned_line(),
            tuned_heldout_agreement=None if heldout is None else round(float(heldout), 4),
            heldout_mistakes_per_game=None,  # fine-tuned in play: the trainer's held-out scores no longer apply
            grid_sizes=([size] + [list(s) for s in meta.get("grid_sizes", []) if list(s) != size])
            [: brainfile.MAX_GRID_SIZES],
        )
        for stale in ("agreement", "exhaustive_mistakes", "post_metric"):
            if stale in meta:
                meta[stale] = None
        return meta

    def tuned_stem(self) -> str:
        """The brain's name as a safe file stem: letters, digits, '.', '_', '-' (anything else becomes '_')."""
        stem = self.brain_name.removesuffix(".npz")
        stem = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in TUNED_NAME.sub("", stem))
        return stem.strip("._")[:MAX_STEM] or "brain"

    def brain_to_keep(self) -> tuple[str, bytes] | None:
        """The fine-tuned brain for the browser's storage, when it has learned since it was last kept, so a
        reload brings it back even if the player never downloaded it."""
        if self.tuned_updates == self.kept_at_update:
            return None
        self.kept_at_update = self.tuned_updates
        try:
            return f"{self.tuned_stem()}-tuned.npz", brainfile.brain_bytes(self.brain, self.tuned_meta())
        except brainfile.BrainFileError as error:  # cannot happen with a checked meta; never stop the game
            self.show(str(error), error=True)
            return None

    def export_brain(self) -> tuple[str, bytes]:
        """The current brain as a new file's name and bytes (the browser offers them as a download)."""
        self.saved_count += 1
        self.saved_at_update = self.tuned_updates
        filename = f"{self.tuned_stem()}-tuned-{self.saved_count:03d}.npz"
        return filename, brainfile.brain_bytes(self.brain, self.tuned_meta())

    def save_brain(self) -> Path | None:
        """Save the current brain as a new file in the user folder (atomic, never over an existing file).
        In the browser there is no folder: the page offers the file as a download and keeps it in storage."""
        if self.page is not None:
            self.handle_command({"type": "download"}, self.page)
            return None
        if self.user_dir is None:
            self.show("this game has no folder to save brains in", error=True)
            return None
        stem = self.tuned_stem()
        try:
            data = brainfile.brain_bytes(self.brain, self.tuned_meta())
        except brainfile.BrainFileError as error:
            self.show(str(error), error=True)
            return None
        for number in range(1, 1000):
            path = self.user_dir / f"{stem}-tuned-{number:03d}.npz"
            if os.path.lexists(path):
                continue
            try:
                brainfile.write_atomic(path, data)
            except FileExistsError:
                continue  # another game took this name between the check and the write
            except OSError as error:  # SaveError: one line naming the folder or file and the problem
                self.show(str(error) if isinstance(error, brainfile.SaveError) else
                          f"{brainfile.printable(path, 100)}: cannot save ({brainfile.reason(error)})", error=True)
                return None
            self.saved_at_update = self.tuned_updates
            self.show(f"saved to {brainfile.printable(path, 200)}")
            return path
        self.show(f"{brainfile.printable(self.user_dir, 100)}: no free name left for {stem}-tuned-NNN.npz", error=True)
        return None

    # -- learning --------------------------------------------------------------------------------------

    def set_learning(self, on: bool) -> None:
        """Learn from the teacher while playing (DAgger on the states the brain itself visits)."""
        on = bool(on)
        if on and self.learner is None:
            self.learner = Learner(self.brain, self.teacher, *self.arena_size(), move_limit=MOVE_LIMIT,
                                   updates_per_round=self.learn_speed * LEARN_SPEED_UPDATES)
        if not on:
            self._close_round_for_learner()
        self.learning = on
        self.show("learning from the teacher: " + ("on" if on else "off"))

    def set_teacher(self, name: str) -> None:
        if name not in TEACHER_NAMES:
            self.show(f"unknown teacher {name!r}: choose one of {', '.join(TEACHER_NAMES)}", error=True)
            return
        if name == self.teacher:
            return
        self._close_round_for_learner()
        self.teacher = name
        self.fixed_teacher = name
        if self.learner is not None:
            self.learner.rebind(self.brain, name, *self.arena_size())
        self.recent.clear()
        self.clear_curve()
        self.show(f"teacher: {name}")

    def cycle_teacher(self) -> None:
        self.set_teacher(TEACHER_NAMES[(TEACHER_NAMES.index(self.teacher) + 1) % len(TEACHER_NAMES)])

    def set_learn_speed(self, value: int) -> None:
        self.learn_speed = max(1, min(10, int(value)))
        if self.learner is not None:
            self.learner.updates_per_round = self.learn_speed * LEARN_SPEED_UPDATES
        self.show(f"learning speed {self.learn_speed} ({self.learn_speed * LEARN_SPEED_MS:.1f} ms a frame)")

    def _close_round_for_learner(self) -> None:
        if self.learner is not None and self.learner.round_x:
            self.learner.end_round()

    # -- rounds ----------------------------------------------------------------------------------------

    def arena_size(self) -> tuple[int, int]:
        return self.arena.width, self.arena.height

    def new_round(self) -> None:
        width, height = self.size_for_brain()
        if not hasattr(self, "arena") or (self.arena.width, self.arena.height) != (width, height):
            self.arena = Arena(width, height, n=1, move_limit=MOVE_LIMIT)
            if self.learner is not None:
                self.learner.rebind(self.brain, self.teacher, width, height)
        self.arena.rng = self.rng
        self.arena.reset()
        self.brain.reset_state()
        self.round_number += 1
        self.par = int(pursuit(width, height).start_par(self.arena.cat, self.arena.mouse)[0])
        self.cat_moves_made = 0
        self.over = False
        self.over_time = 0.0
        self.result = ""
        self.result_score: int | None = None
        self.cat_trail: deque[tuple[int, int]] = deque(maxlen=TRAIL_LENGTH)
        self.mouse_trail: deque[tuple[int, int]] = deque(maxlen=TRAIL_LENGTH)
        self.cat_from = self.cat_cell()
        self.mouse_from = self.mouse_cell()
        self.turn_time = -math.inf
        self.probabilities = np.full(4, 0.25)
        self.brain_move: int | None = None
        self.teacher_move: int | None = None
        self.decision_cell: tuple[int, int] | None = None
        self.post_output: float | None = None

    def restart_round(self) -> None:
        self._close_round_for_learner()
        self.new_round()

    def cat_cell(self) -> tuple[int, int]:
        return int(self.arena.cat[0, 0]), int(self.arena.cat[0, 1])

    def mouse_cell(self) -> tuple[int, int]:
        return int(self.arena.mouse[0, 0]), int(self.arena.mouse[0, 1])

    @property
    def watching(self) -> bool:
        return self.watch_cat is not None

    def can_move(self) -> bool:
        return not (self.over or self.paused or self.help or self.watching)

    def player_move(self, move: int) -> bool:
        """The player's cat takes CAT_MOVES[move]; during a round's result it starts the next round instead."""
        if self.over and not self.watching and not self.paused and not self.help:
            self.next_round()
            return False
        if not self.can_move():
            return False
        self.turn(int(move))
        return True

    def move_toward(self, cell: tuple[int, int]) -> bool:
        """A click or tap: one king step from the cat towards that cell (a neighbour is reached at once)."""
        if self.over and not self.watching and not self.paused and not self.help:
            self.next_round()
            return False
        cx, cy = self.cat_cell()
        step = (int(np.sign(cell[0] - cx)), int(np.sign(cell[1] - cy)))
        if step == (0, 0):
            return False
        move = next(k for k, d in enumerate(CAT_MOVES.tolist()) if tuple(d) == step)
        return self.player_move(move)

    def turn(self, cat_move: int) -> None:
        """One turn: the cat's move, then (unless caught) the brain's mouse replies at once."""
        arena = self.arena
        self.cat_from, self.mouse_from = self.cat_cell(), self.mouse_cell()
        self.cat_trail.append(self.cat_from)
        self.mouse_trail.append(self.mouse_from)
        self.turn_time = self.now
        self.cat_moves_made += 1
        if arena.move_cat(np.array([cat_move], dtype=np.int32))[0]:
            self.end_round()
            return
        x = arena.observe()[0]
        label = int(teacher_moves(self.teacher, arena.cat, arena.mouse, arena.width, arena.height)[0])
        began = time.perf_counter()
        move = self.brain.step(x)
        spent = (time.perf_counter() - began) * 1e3
        self.step_ms = spent if self.step_ms == 0.0 else 0.95 * self.step_ms + 0.05 * spent
        self.probabilities = self.brain.probabilities()
        self.post_output = getattr(self.brain, "output", None)
        self.brain_move, self.teacher_move = move, label
        self.decision_cell = self.mouse_cell()
        self.recent.append(move == label)
        if self.learning and self.learner is not None:
            self.learner.record(x, label)
        arena.move_mouse(np.array([move], dtype=np.int32))
        if arena.done[0]:
            self.end_round()

    def end_round(self) -> None:
        self.over = True
        self.over_time = self.now
        self._close_round_for_learner()
        if self.recent:
            self.sample_curve(self.agreement())
        caught = bool(self.arena.caught[0])
        if caught:
            score = self.cat_moves_made - self.par
            self.result_score = score
            moves = "1 move" if self.cat_moves_made == 1 else f"{self.cat_moves_made} moves"
            self.result = f"Caught in {moves} · par {self.par} · {versus_par(score)}"
            if not self.watching:
                best = self.best.get(self.brain_name)
                if best is None or score < best:
                    self.best[self.brain_name] = score
                    if best is not None:
                        self.result += " · new best!"
        else:
            self.result_score = None
            self.result = f"The mouse escaped! {self.arena.moves[0]} moves survived · par {self.par}"
        self.rounds_finished += 1

    def next_round(self) -> None:
        self.new_round()

    def agreement(self) -> float | None:
        """Share of recent mouse moves that matched the teacher's (brain's own moves, the teacher's labels)."""
        return sum(self.recent) / len(self.recent) if self.recent else None

    # -- modes -----------------------------------------------------------------------------------------

    def set_watch(self, cat: str | None) -> None:
        """Let a scripted cat play (None: the player is the cat again)."""
        if cat is not None and cat not in WATCH_CAT_NAMES:
            self.show(f"unknown cat {cat!r}: choose one of {', '.join(WATCH_CAT_NAMES)}", error=True)
            return
        self.watch_cat = cat
        self.turn_clock = 0.0
        self.show(f"watching the {cat} cat" if cat else "you are the cat")
        if self.over:
            self.next_round()

    def toggle_watch(self) -> None:
        self.set_watch(None if self.watching else WATCH_CATS[0])

    def cycle_watch_cat(self) -> None:
        current = self.watch_cat if self.watch_cat in WATCH_CATS else WATCH_CATS[-1]
        self.set_watch(WATCH_CATS[(WATCH_CATS.index(current) + 1) % len(WATCH_CATS)])

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
        self.turns_this_frame = 0
        if self.paused or self.help:
            return
        self.now += dt
        if self.watching:
            self._watch(dt)
        elif self.over and self.now - self.over_time >= RESULT_SECONDS:
            self.next_round()
        if self.learning and self.learner is not None:
            self._learn()
            if self.learner.error:
                self.show(self.learner.error, error=True)
                self.learner.error = None
            elif self.learner.notice:
                self.show(self.learner.notice)
                self.learner.notice = None
        since, count = self.rate_mark
        if self.now - since >= 1.0:
            self.rounds_per_second = (self.rounds_finished - count) / (self.now - since)
            self.rate_mark = (self.now, self.rounds_finished)

    def _learn(self) -> None:
        """Spend this frame's learning budget; the learner banks what a too-dear update needs (the browser's
        numpy has no fast BLAS) and shrinks its batch until an update fits a frame."""
        began = time.perf_counter()
        self.tuned_updates += self.learner.work(self.learn_budget_ms())
        self.learn_frame_ms = (time.perf_counter() - began) * 1e3
        self.update_ms = self.learner.update_ms

    def learn_budget_ms(self) -> float:
        return self.learn_speed * LEARN_SPEED_MS

    def _watch(self, dt: float) -> None:
        speed = self.watch_speed
        if WATCH_SPEEDS[speed] == "max":
            start = time.perf_counter()
            while (time.perf_counter() - start) * 1e3 < MAX_SPEED_BUDGET_MS:
                if self.over:
                    self.next_round()
                self.turn(self._scripted_move())
                self.turns_this_frame += 1
            return
        if self.over:
            if self.now - self.over_time >= WATCH_RESULT_SECONDS[speed]:
                self.next_round()
                self.turn_clock = 0.0
            return
        self.turn_clock += dt
        if self.turn_clock >= WATCH_TURN_SECONDS[speed]:
            self.turn_clock = 0.0
            self.turn(self._scripted_move())
            self.turns_this_frame += 1

    def _scripted_move(self) -> int:
        a = self.arena
        return int(cat_moves(self.watch_cat or "perfect", a.cat, a.mouse, a.width, a.height, self.cat_rng)[0])

    # -- the web page ------------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """What the page shows beside the canvas (game.web.Page.show)."""
        agreement = self.agreement()
        error = self.message if self.message_is_error and self.message_visible() else ""
        message = self.message if not self.message_is_error and self.message_visible() else ""
        return {
            "brain": self.brain_name,
            "meta": self.brain_meta,
            "brains": [brainfile.printable(f.name, MAX_BRAIN_NAME) for f in self.brain_files()],
            "learning": self.learning,
            "teacher": self.teacher,
            "learn_speed": self.learn_speed,
            "agreement": agreement,
            "heldout": self.heldout_now(),
            "fallbacks": self.learner.fallbacks if self.learner is not None else 0,
            "learning_status": self.learning_status(),
            "step_ms": round(self.step_ms, 4),
            "update_ms": round(self.update_ms, 3),
            "message": message,
            "error": error,
        }

    def learning_status(self) -> str:
        """One line for the HUD and the page: the held-out figure now, and any fallback."""
        learner = self.learner
        parts = []
        line = self.tuned_line()
        if line:
            parts.append(line)
        if learner is not None and learner.heldout is not None:
            parts.append(f"held-out {learner.heldout * 100:.1f}% now")
            if learner.fallbacks:
                times = "once" if learner.fallbacks == 1 else f"{learner.fallbacks} times"
                parts.append(f"fell back to the best weights {times}")
        return " · ".join(parts)

    def handle_command(self, command: dict[str, Any], page: Any = None) -> None:
        """One command from the page (already checked by game.web.parse_command)."""
        kind = command.get("type")
        if kind == "learn":
            self.set_learning(command["on"])
        elif kind == "teacher":
            self.set_teacher(command["name"])
        elif kind == "learn_speed":
            self.set_learn_speed(command["value"])
        elif kind == "brain":
            self.load_brain_file(self.weights_dir / command["name"])
        elif kind in ("upload", "restore"):
            self.load_brain_bytes(command["name"], command["data"])
        elif kind == "download":
            try:
                filename, data = self.export_brain()
            except brainfile.BrainFileError as error:  # cannot happen with a checked meta; never stop the game
                self.show(str(error), error=True)
                return
            if page is not None:
                page.offer_download(filename, data)
                page.store_brain(filename, data)
            self.show(f"downloading {filename} (also kept in this browser)")
        elif kind == "reset":
            self.reset_brain()
            if page is not None:
                page.store_brain(None, None)
        else:
            self.show(f"unknown page command {kind!r}", error=True)
