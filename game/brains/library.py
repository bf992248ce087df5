"""The brain library: the brain in play, the files it can be swapped for, and saving what it learned.

It knows which file the brain came from, the weights as loaded (for reset), how many learning updates it has
had since, and how to write it out as a new file (the desktop's user folder, or bytes for the browser). What
the brain's tuned file says about its teacher and held-out figure is given by the caller. No pygame.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..arena import check_size
from ..brain_np import Brain, LSTMBrain
from ..world.rooms import Room
from ..world.teachers import TEACHER_NAMES
from . import brainfile

DEFAULT_SIZE = (8, 8)
DEFAULT_BRAIN = "lstm32_optimal.npz"
TUNED_NAME = re.compile(r"-tuned-\d{3}$")
MAX_BRAIN_NAME = 80  # characters of a brain's name shown and saved (a file name can be anything)
MAX_STEM = 60  # characters of a saved file's stem taken from the brain's name

Show = Callable[..., None]  # show(text, error=False): one line for the player
Heldout = dict[str, float | None]  # the held-out figures a tuned file records: agreement, value_optimal
Kept = tuple[str | None, bytes | None]  # what the browser keeps: a file's name and bytes, or (None, None): nothing


def where(path: Path) -> Path:
    """The file a path names, for comparing paths; a symlink loop or a vanished folder is compared as written."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError on a symlink loop
        return path.absolute()


class BrainLibrary:
    """The brain in play and where it came from; `show` reports every problem in one line."""

    def __init__(self, weights_dir: str | Path, user_dir: str | Path | None, fixed_size: tuple[int, int] | None,
                 show: Show, sight: Callable[[], str] = lambda: brainfile.DEFAULT_SIGHT,
                 room: Callable[[], Room | None] = lambda: None) -> None:
        self.weights_dir = Path(weights_dir)
        self.user_dir = Path(user_dir) if user_dir is not None else None
        self.fixed_size = fixed_size
        if fixed_size is not None:
            check_size(*fixed_size)
        self.show = show
        self.saved_count = 0
        self.brain: Brain
        self.brain_name = ""
        self.brain_path: Path | None = None
        self.cycle_from: Path | None = None  # where the brain key last went, so it can step past a broken file
        self.sight_in_play = sight  # asked, not kept: the session's round holds the sight in play
        self.room_in_play = room  # asked, as the sight is: the round's arena holds the room in play
        self.in_play = 0  # counts the brains put in play
        self.kept: tuple[int, int] | None = None  # (in_play, tuned_updates) the browser was last handed
        self.left_out = 0  # brain files past brainfile.MAX_LISTED_FILES that the list leaves out (the oldest)

    @property
    def sight(self) -> str:
        """The sight preset the mouse plays under: only its brains are offered."""
        return self.sight_in_play()

    @property
    def room(self) -> Room | None:
        """The room in play, None for the open board: its own brains are offered first, then the open board's."""
        room = self.room_in_play()
        return None if room is None or room.is_open else room

    def brain_files(self) -> list[Path]:
        """Every brain file the brain key cycles through: shipped ones, then the player's saved ones; in a room,
        the room's own brains first, then the open board's."""
        folders = [self.weights_dir] + ([self.user_dir] if self.user_dir is not None else [])
        files, self.left_out = brainfile.listed_files(folders)
        # Only a mouse's brain for the sight in play; a file that cannot be read stays, so B says why.
        files = [f for f in files if brainfile.file_kind(f) in (None, ("mouse", self.sight))]
        here = None if self.room is None else self.room.name
        own = [f for f in files if here is not None and brainfile.file_room(f) == here]
        return own + [f for f in files if brainfile.file_room(f) is None]

    def sight_brain(self) -> tuple[Brain, str, Path] | None:
        """The room's brain (the first file trained for it that loads), else the sight's shipped brain
        (brainfile.SIGHT_BRAINS), else the first file for it that loads (each broken one shown), else None."""
        files = self.brain_files()
        here = None if self.room is None else self.room.name
        own = [f for f in files if here is not None and brainfile.file_room(f) == here]
        for path in own + [f for f in files if f.name == brainfile.SIGHT_BRAINS[self.sight]] + files:
            brain = self.read_file(path)
            if brain is not None:
                return brain, path.name, path
        return None

    def default_brain(self) -> tuple[Brain, str, Path | None]:
        """The sight's brain (sight_brain), else an untrained LSTM (a fresh checkout)."""
        found = self.sight_brain()
        if found is not None:
            return found
        files = self.brain_files()
        classic = self.sight == brainfile.DEFAULT_SIGHT
        brain = LSTMBrain(32, seed=0, features=brainfile.SIGHT_INPUTS[self.sight])
        brain.meta = brainfile.brain_meta(brain, grid_sizes=[list(DEFAULT_SIZE)], sight=self.sight,
                                          teacher="optimal" if classic else brainfile.CAUTIOUS)
        if not files:
            self.show(f"no brain files for {self.sight} sight in {self.weights_dir}; the mouse is untrained",
                      error=True)
        return brain, "untrained", None

    def use(self, brain: Brain, name: str, path: Path | None) -> None:
        self.brain, self.brain_name, self.brain_path = brain, brainfile.printable(name, MAX_BRAIN_NAME), path
        self.tuned_updates = 0  # learning updates made to this brain (the learner's own count restarts on rebind)
        self.in_play += 1  # a new brain in play: the browser keeps it, whatever it kept before
        self.saved_at_update = 0
        self.brain_meta: dict[str, Any] = dict(brain.meta)
        self.pristine = brain.copy()  # the weights as loaded, for reset
        self.kept_weights = self.pristine.params  # the weights as last loaded or saved

    def meta_teacher(self) -> str:
        teacher = self.brain_meta.get("teacher")  # the loader checked it, or filled in its default
        return teacher if teacher in (*TEACHER_NAMES, brainfile.CAUTIOUS) else brainfile.DEFAULT_TEACHER

    def size_for_brain(self) -> tuple[int, int]:
        """The arena size: the room's, else the command line's, else the first grid size the brain was trained
        on."""
        if self.room is not None:
            return self.room.size
        if self.fixed_size is not None:
            return self.fixed_size
        sizes = self.brain_meta.get("grid_sizes") or brainfile.DEFAULT_GRID_SIZES  # the loader checked them
        try:
            width, height = sizes[0]
            check_size(width, height)
        except (TypeError, ValueError, IndexError):  # a meta made in code, not loaded
            return brainfile.DEFAULT_GRID_SIZES[0]
        return width, height

    def probe_grid(self) -> tuple[int, int] | None:
        """The arena the brain's belief probe reads (one output per cell of its file's first grid size), or None
        without a probe."""
        if self.brain.probe is None:
            return None
        sizes = self.brain_meta.get("grid_sizes") or brainfile.DEFAULT_GRID_SIZES  # the loader checked them
        return tuple(sizes[0])

    def probe_fits(self, size: tuple[int, int]) -> bool:
        """The probe reads this arena: the same width and height, not merely as many cells."""
        return self.probe_grid() == tuple(size)

    def read_file(self, path: Path) -> Brain | None:
        """The brain in this file, or None after showing its one-line error."""
        try:
            brain = brainfile.load_brain(path, sight=self.sight)
            brainfile.check_room_fits(brain.meta, self.room, str(path))
            return brain
        except brainfile.BrainFileError as error:
            self.show(str(error), error=True)
            return None

    def read_bytes(self, name: str, data: bytes) -> Brain | None:
        """The brain in a file's bytes (an upload), or None after showing its one-line error."""
        try:
            brain = brainfile.load_brain_bytes(data, name, sight=self.sight)
            brainfile.check_room_fits(brain.meta, self.room, name)
            return brain
        except brainfile.BrainFileError as error:
            self.show(str(error), error=True)
            return None

    def unsaved_updates(self) -> int:
        """Learning updates made to the current brain since it was loaded or last saved; none when they left the
        weights as they were then (rolled back, or fallen back to them): there is nothing new to keep."""
        updates = self.tuned_updates - self.saved_at_update
        return 0 if updates and self.weights_equal(self.kept_weights) else updates

    def weights_equal(self, reference: dict[str, np.ndarray]) -> bool:
        """Whether the brain's weights are, to the bit, those of `reference` (a params dict)."""
        return all(np.array_equal(value, reference[key]) for key, value in self.brain.params.items())

    def mark_saved(self) -> None:
        self.saved_at_update = self.tuned_updates
        self.kept_weights = {key: value.copy() for key, value in self.brain.params.items()}

    def next_file(self, step: int) -> Path | None:
        """The file the brain key goes to next (or back to), past a broken one it just reported."""
        files = [where(f) for f in self.brain_files()]
        if not files:
            self.show(f"no brain files in {brainfile.printable(self.weights_dir, 100)}", error=True)
            return None
        here = self.cycle_from or (where(self.brain_path) if self.brain_path is not None else None)
        index = files.index(here) if here in files else (-1 if step > 0 else 0)
        return files[(index + step) % len(files)]

    def pristine_copy(self) -> Brain:
        """The brain as it was loaded (undo live learning), with its file's meta."""
        brain = self.pristine.copy()
        brain.meta = dict(self.brain_meta)
        return brain

    # -- a tuned brain's file -------------------------------------------------------------------------------

    def tuned_origin(self) -> str:
        """The brain this one was tuned from: a tuned file's own origin, else this brain's name."""
        origin = self.brain_meta.get("fine_tuned_from")
        return origin if isinstance(origin, str) and origin else self.brain_name

    def tuned_from(self) -> str:
        name = self.tuned_origin()
        return name[: -len(".npz")] if name.endswith(".npz") else name

    def earlier_updates(self) -> int:
        """Updates a tuned file says it already had."""
        earlier = self.brain_meta.get("fine_tune_updates")
        return earlier if type(earlier) is int and earlier >= 0 and "fine_tuned_from" in self.brain_meta else 0

    def tuned_line(self, teacher: str) -> str | None:
        """What a tuned brain is, in one line ("tuned from lstm32_optimal · 1,240 updates · optimal teacher"),
        or None for a brain that was never tuned. Updates that left the weights as they were (all rolled back by
        the safety net) do not make a brain tuned: they are said as such ("unchanged: ...")."""
        updates = self.earlier_updates() + (self.tuned_updates if self.changed() else 0)
        if not updates:
            if self.tuned_updates:
                return f"unchanged: {self.tuned_updates:,} updates, none kept"
            return None
        return f"tuned from {self.tuned_from()} · {updates:,} updates · {teacher} teacher"

    def tuned_meta(self, teacher: str, heldout: Heldout) -> dict[str, Any]:
        meta = dict(self.brain_meta)
        size = list(self.size_for_brain())
        meta.update(
            teacher=teacher,
            fine_tuned_from=self.tuned_origin(),
            fine_tune_updates=int(self.earlier_updates() + (self.tuned_updates if self.changed() else 0)),
            tuned=self.tuned_line(teacher),
            tuned_heldout_agreement=rounded(heldout.get("agreement")),
            tuned_heldout_value_optimal=rounded(heldout.get("value_optimal")),
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

    def changed(self) -> bool:
        """Whether learning changed the weights (updates that were all rolled back leave the brain as loaded)."""
        return self.tuned_updates > 0 and not self.weights_equal(self.pristine.params)

    def as_it_is(self, teacher: str, heldout: Heldout, tuned_name: str,
                 compress: bool = True) -> tuple[str, bytes]:
        """The brain in play as a file: its own name and meta while learning has not changed it, else a tuned
        file (tuned_name) whose meta says what it was tuned from and how."""
        if not self.changed():
            return self.brain_name, brainfile.brain_bytes(self.brain, self.brain_meta, compress)
        return tuned_name, self.tuned_bytes(teacher, heldout, compress)

    def brain_to_keep(self, teacher: str, heldout: Heldout) -> Kept | None:
        """What the browser's storage should hold so a reload brings back the brain in play: None when that
        has not changed since the last call; (None, None) for the brain the page starts with anyway (the
        default sight's shipped brain, untouched by learning), so a site that ships a new default is not
        shadowed by an old copy."""
        key = (self.in_play, self.tuned_updates)
        if key == self.kept:
            return None
        self.kept = key
        start = self.weights_dir / brainfile.SIGHT_BRAINS[brainfile.DEFAULT_SIGHT]
        default = (self.sight == brainfile.DEFAULT_SIGHT and self.brain_path is not None
                   and where(self.brain_path) == where(start))
        if default and not self.changed():
            return None, None
        try:
            # handed over up to twice a second while learning: deflate would cost more than the bytes it saves
            return self.as_it_is(teacher, heldout, f"{self.tuned_stem()}-tuned.npz", compress=False)
        except brainfile.BrainFileError as error:  # cannot happen with a checked meta; never stop the game
            self.show(str(error), error=True)
            return None

    def tuned_bytes(self, teacher: str, heldout: Heldout, compress: bool = True) -> bytes:
        """The tuned brain's file. Its first grid size is the arena in play, so a probe made for another arena
        is left out: the loader would refuse it, or read it on the wrong cells."""
        brain = self.brain
        if brain.probe is not None and not self.probe_fits(self.size_for_brain()):
            brain = brain.copy()
            brain.probe = None
        return brainfile.brain_bytes(brain, self.tuned_meta(teacher, heldout), compress)

    def export_brain(self, teacher: str, heldout: Heldout) -> tuple[str, bytes]:
        """The current brain as a file's name and bytes (the browser offers them as a download): a brain that
        learned as a new tuned file, one that did not under its own name."""
        if not self.changed():
            return self.as_it_is(teacher, heldout, "")
        self.saved_count += 1
        self.mark_saved()
        return self.as_it_is(teacher, heldout, f"{self.tuned_stem()}-tuned-{self.saved_count:03d}.npz")

    def save_brain(self, teacher: str, heldout: Heldout) -> Path | None:
        """Save the current brain as a new file in the user folder (atomic, never over an existing file)."""
        if self.user_dir is None:
            self.show("this game has no folder to save brains in", error=True)
            return None
        stem = self.tuned_stem()
        try:
            data = self.tuned_bytes(teacher, heldout)
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
            self.mark_saved()
            self.show(f"saved to {brainfile.printable(path, 200)}")
            return path
        self.show(f"{brainfile.printable(self.user_dir, 100)}: no free name left for {stem}-tuned-NNN.npz", error=True)
        return None


def rounded(figure: float | None) -> float | None:
    return None if figure is None else round(float(figure), 4)
