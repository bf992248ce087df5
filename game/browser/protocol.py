"""The page protocol, declared once: every command the web page may send (its fields, their types and bounds,
and what the game does with it), every field of the status the game sends back, and what the page needs to
draw its controls (the teachers and their labels, the learning-speed bounds, the upload limit, the labels of
the brain card).

game/browser/web.py checks each page message against COMMANDS, Game.handle_command runs it through COMMANDS,
Game.status sends exactly STATUS_FIELDS, and build.sh writes `page_table()` into the site as protocol.js,
which web/catmouse.js reads to build and wire the controls that web/index.tmpl marks with data-command.
So a new page button is one entry here and one line in the template. No pygame, no browser.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..brain_np import BRAIN_TYPES
from ..brains import brainfile
from ..brains.library import MAX_BRAIN_NAME
from ..play.coach import LEARN_SPEED
from ..world.cats import WATCH_CAT_NAMES
from ..world.rooms import OPEN, room_named, room_names
from ..world.sight import SIGHTS
from ..world.teachers import TEACHER_NAMES, TEACHERS

MAX_UPLOAD_BYTES = brainfile.MAX_FILE_BYTES  # the loader refuses anything bigger, so the page need not send it
MAX_NAME_CHARS = 200
SCREEN_CSS = (120, 8192)  # the canvas's room on the page, CSS pixels a side
SCREEN_DPR = (0.25, 8.0)  # devicePixelRatio
TEACHER_LABELS = {name: teacher.label for name, teacher in TEACHERS.items()}
CATS = WATCH_CAT_NAMES  # the scripted cats the game can watch; the page's cat picker adds the cat brains
PLAYER_CAT = "you"  # the cat picker's choice for the player playing the cat
CAUTIOUS_LABEL = "Cautious (from what the mouse knows)"  # fog and flicker brains' teacher, on the brain card

class CommandError(ValueError):
    """A page message that is not a well-formed command."""


def shown(value: Any) -> str:
    """A value quoted in an error: its repr, printable and short (a page message may hold anything)."""
    return brainfile.printable(repr(value) if not isinstance(value, dict | list) else type(value).__name__, 40)


# -- the fields' types: each checks one value and returns it clean, or raises CommandError in one line --------


@dataclass(frozen=True)
class Switch:
    """true or false."""

    name: str
    kind = "switch"

    def check(self, command: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise CommandError(f"{command!r} needs {self.name!r} to be true or false")
        return value

    def describe(self) -> dict[str, Any]:
        return {"type": self.kind}


@dataclass(frozen=True)
class Choice:
    """One of a fixed list of names."""

    name: str
    choices: tuple[str, ...]
    kind = "choice"

    def check(self, command: str, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise CommandError(f"{command!r}: {shown(value)} is not one of {', '.join(self.choices)}")
        return value

    def describe(self) -> dict[str, Any]:
        return {"type": self.kind, "choices": list(self.choices)}


@dataclass(frozen=True)
class Bounded:
    """A number in low..high; each kind below says which numbers it takes."""

    name: str
    low: float
    high: float
    kind = "number"

    def within(self, command: str, value: Any) -> Any:
        if not self.low <= value <= self.high:
            raise CommandError(f"{command!r}: {shown(value)} is outside {self.low:g}..{self.high:g}")
        return value

    def describe(self) -> dict[str, Any]:
        return {"type": self.kind, "min": self.low, "max": self.high}


@dataclass(frozen=True)
class WholeNumber(Bounded):
    """An integer in low..high (JSON's 3.0 counts as 3, true does not count as 1)."""

    kind = "whole"

    def check(self, command: str, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise CommandError(f"{command!r} needs a whole number {self.name!r}")
        return self.within(command, value)


@dataclass(frozen=True)
class Decimal(Bounded):
    """A finite number in low..high (a whole number counts too, true does not)."""

    kind = "decimal"

    def check(self, command: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise CommandError(f"{command!r} needs a number {self.name!r}")
        return float(self.within(command, value))


@dataclass(frozen=True)
class FileName:
    """A plain file name (printable, no folder); `bundled`: one of the .npz names in weights/."""

    name: str
    bundled: bool = False
    kind = "file_name"

    def check(self, command: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise CommandError(f"{command!r} needs a non-empty text {self.name!r}")
        if len(value) > MAX_NAME_CHARS:
            raise CommandError(f"{command!r}: {self.name!r} is longer than {MAX_NAME_CHARS} characters")
        if not value.isprintable() or "/" in value or "\\" in value:
            raise CommandError(f"{command!r}: {self.name!r} {shown(value)} is not a plain file name")
        if self.bundled and (value.startswith(".") or not value.endswith(".npz")):
            raise CommandError(f"{command!r}: {shown(value)} is not a brain file name from weights/")
        return value

    def describe(self) -> dict[str, Any]:
        return {"type": self.kind, "max_chars": MAX_NAME_CHARS}


@dataclass(frozen=True)
class FileBytes:
    """A file's bytes as base64 text, at most max_bytes once decoded."""

    name: str
    max_bytes: int
    kind = "base64"

    def check(self, command: str, value: Any) -> bytes:
        if not isinstance(value, str):
            raise CommandError(f"{command!r} needs base64 text {self.name!r}")
        if len(value) > self.max_bytes * 4 // 3 + 4:
            raise CommandError(f"{command!r}: the file is larger than {self.max_bytes // 2**20} MiB")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise CommandError(f"{command!r}: {self.name!r} is not valid base64") from None

    def describe(self) -> dict[str, Any]:
        return {"type": self.kind, "max_bytes": self.max_bytes}


@dataclass(frozen=True)
class CatName(FileName):
    """Who plays the cat: "you", a scripted cat's name, or a cat brain's file name (.npz) from weights/."""

    bundled: bool = True
    kind = "cat_name"

    def check(self, command: str, value: Any) -> str:
        if isinstance(value, str) and value in (PLAYER_CAT, *CATS):
            return value
        return super().check(command, value)

    def describe(self) -> dict[str, Any]:
        return {"type": self.kind, "choices": [PLAYER_CAT, *CATS], "max_chars": MAX_NAME_CHARS}


Field = Switch | Choice | WholeNumber | Decimal | FileName | FileBytes | CatName


# -- what the game does with each command (game is the Game, page the web.Page or None) ------------------------


def learn(game: Any, page: Any, on: bool) -> None:
    game.set_learning(on)


def teacher(game: Any, page: Any, name: str) -> None:
    game.set_teacher(name)


def sight(game: Any, page: Any, name: str) -> None:
    game.set_sight(name)


def room(game: Any, page: Any, name: str) -> None:
    game.set_room(name)


def learn_speed(game: Any, page: Any, value: int) -> None:
    game.set_learn_speed(value)


def bundled_brain(game: Any, page: Any, name: str) -> None:
    game.load_brain_file(game.library.weights_dir / name)


def brain_bytes(game: Any, page: Any, name: str, data: bytes) -> None:
    game.load_brain_bytes(name, data)


def restore(game: Any, page: Any, name: str, data: bytes) -> None:
    game.restore_brain_bytes(name, data)


def download(game: Any, page: Any) -> None:
    game.download_brain(page)


def cat(game: Any, page: Any, name: str) -> None:
    game.set_watch(None if name == PLAYER_CAT else name)


def cat_bytes(game: Any, page: Any, name: str, data: bytes) -> None:
    game.load_cat_brain_bytes(name, data)


def screen(game: Any, page: Any, width: int, height: int, dpr: float) -> None:
    game.set_screen_box(width, height, dpr)


def reset(game: Any, page: Any) -> None:
    game.reset_brain()  # the browser then keeps the brain as loaded (Game.brain_to_keep)


@dataclass(frozen=True)
class Command:
    """One message the page may send: {"type": name, <each field>: value}, no other keys."""

    fields: tuple[Field, ...]
    run: Callable[..., None]  # run(game, page, **clean fields)
    doc: str
    shows: str | None = None  # the status field that holds this command's current value, for its control
    without_control: str = ""  # how the page sends it when no control in the template does

    def describe(self) -> dict[str, Any]:
        return {"fields": {f.name: f.describe() for f in self.fields}, "shows": self.shows, "doc": self.doc}


COMMANDS: dict[str, Command] = {
    "sight": Command((Choice("name", tuple(SIGHTS)),), sight,
                     "what the mouse sees of the cat; each sight plays its own brain", shows="sight"),
    "room": Command((Choice("name", tuple(room_names())),), room,
                    "where the round is played: the open board or a room with furniture, each with its own brains",
                    shows="room"),
    "learn": Command((Switch("on"),), learn, "learn from the teacher while playing, or stop", shows="learning"),
    "teacher": Command((Choice("name", TEACHER_NAMES),), teacher, "the teacher to learn from", shows="teacher"),
    "learn_speed": Command((WholeNumber("value", *LEARN_SPEED),), learn_speed,
                           "learning updates a round and milliseconds a frame, in steps", shows="learn_speed"),
    "brain": Command((FileName("name", bundled=True),), bundled_brain, "play against a brain from weights/",
                     shows="brain"),
    "upload": Command((FileName("name"), FileBytes("data", MAX_UPLOAD_BYTES)), brain_bytes,
                      "play against a brain file of the player's"),
    "cat": Command((CatName("name"),), cat, "who plays the cat: you, a scripted cat or a cat brain from weights/",
                   shows="cat"),
    "cat_upload": Command((FileName("name"), FileBytes("data", MAX_UPLOAD_BYTES)), cat_bytes,
                          "watch a cat brain file of the player's play the mouse"),
    "download": Command((), download, "save the brain as it is now as a new file"),
    "reset": Command((), reset, "back to the brain's pretrained weights (the browser then keeps those)"),
    "screen": Command((WholeNumber("width", *SCREEN_CSS), WholeNumber("height", *SCREEN_CSS),
                       Decimal("dpr", *SCREEN_DPR)), screen,
                      "the room the page has for the canvas, in CSS pixels, and its devicePixelRatio: the game picks "
                      "its layout (landscape, compact or portrait) and sizes its canvas to show it crisp",
                      without_control="the page sends it by itself at the start and when the window's size or "
                      "orientation changes"),
    "restore": Command((FileName("name"), FileBytes("data", MAX_UPLOAD_BYTES)), restore,
                       "the brain the page kept in this browser",
                       without_control="the page sends it by itself when it starts, from browser storage"),
}


@dataclass(frozen=True)
class StatusField:
    kind: str  # JSON type the page gets: text, number, count, bool, list, object (null where the doc says)
    doc: str


STATUS_FIELDS: dict[str, StatusField] = {
    "brain": StatusField("text", "the brain's name"),
    "meta": StatusField("object", "the brain file's meta (the brain card shows META_LABELS of it)"),
    "brains": StatusField("list", "the bundled brains' file names, for the brain picker"),
    "sight": StatusField("text", "what the mouse sees of the cat, one of SIGHTS (the brains listed are its own)"),
    "room": StatusField("text", "the room in play, one of ROOMS (open: the board without furniture)"),
    "session": StatusField("object", "the player's rounds against par this session: rounds, caught, on_par, "
                           "under_par, escaped, streak, best_streak, net (moves over par, negative under), and line "
                           "(the panel's sentence)"),
    "learning": StatusField("bool", "learning from the teacher"),
    "teacher": StatusField("text", "the teacher's name, one of TEACHER_NAMES"),
    "learn_speed": StatusField("count", "the learning speed, in LEARN_SPEED"),
    "agreement": StatusField("number", "share of recent mouse moves the teacher would make, 0..1 or null"),
    "value_optimal": StatusField("number", "share of recent mouse moves as good as the teacher's by its value (the "
                                 "solved game's; the guaranteed survival under fog and flicker), 0..1 or null"),
    "heldout": StatusField("number", "the learner's held-out figure now, 0..1 or null: the share of value-optimal "
                           "moves (optimal and cautious teachers) or agreement (the post's teacher)"),
    "fallbacks": StatusField("count", "times the learner fell back to its best weights"),
    "learning_status": StatusField("text", "the learner's line: tuned from, held-out now, fallbacks"),
    "step_ms": StatusField("number", "milliseconds a brain step takes"),
    "update_ms": StatusField("number", "milliseconds a learning update takes"),
    "message": StatusField("text", "the game's last message while it is shown, else empty"),
    "error": StatusField("text", "the game's last error while it is shown, else empty"),
    "cat": StatusField("text", "who plays the cat: you, a scripted cat's name or a cat brain's file name"),
    "cats": StatusField("list", "every cat the cat picker offers: you, the scripted cats, the cat brains"),
    "round": StatusField("object", "the round in play: number, size [W, H], cat and mouse cells [x, y] (0, 0 bottom "
                         "left), the cat's moves, par, and the result once it is over (else empty)"),
    "frames": StatusField("count", "frames the game has drawn since it started (the page's frames per second)"),
    "layout": StatusField("object", "how the game lays out its canvas: name (landscape, compact, portrait), design "
                          "[w, h], canvas [w, h] in device pixels, density (device px per CSS px), board {left, top, "
                          "cell} of the arena in canvas pixels, cell_css and smallest_text_css (the smallest text "
                          "drawn) in CSS pixels; empty before the first frame"),
}

# The brain card: (meta key, label, how to show the value), in the order shown. The keys are those brain files
# have (docs/BRAINFILE.md); "values" maps a value to its label.
META_LABELS: tuple[dict[str, Any], ...] = (
    {"key": "architecture", "label": "Architecture", "format": "text",
     "values": {arch: cls.label for arch, cls in BRAIN_TYPES.items()}},
    {"key": "hidden_size", "label": "Hidden units", "format": "count"},
    {"key": "teacher", "label": "Trained by", "format": "text",
     "values": {**TEACHER_LABELS, brainfile.CAUTIOUS: CAUTIOUS_LABEL}},
    {"key": "task", "label": "Task", "format": "task"},
    {"key": "training_games", "label": "Training games", "format": "count"},
    {"key": "heldout_mistakes_per_game", "label": "Held-out mistakes per game", "format": "decimal"},
    {"key": "agreement", "label": "Agreement when trained", "format": "percent"},
    {"key": "grid_sizes", "label": "Grids", "format": "sizes"},
    {"key": "tuned", "label": "Tuned", "format": "text"},
    {"key": "fine_tuned_from", "label": "Fine-tuned from", "format": "text"},
    {"key": "fine_tune_updates", "label": "Fine-tuning updates", "format": "count"},
    {"key": "tuned_heldout_agreement", "label": "Held-out agreement when saved", "format": "percent"},
    {"key": "tuned_heldout_value_optimal", "label": "Held-out value-optimal moves when saved",
     "format": "percent"},
)


# -- what the page is shown, and running its commands (game is the Game, page the web.Page or None) ------------


def page_status(game: Any) -> dict[str, Any]:
    """What the page shows beside the canvas (web.Page.show): exactly STATUS_FIELDS."""
    visible = game.message_visible()
    learner = game.coach.learner
    stats = game.stats
    values = {
        "brain": game.library.brain_name,
        "meta": game.library.brain_meta,
        "brains": [brainfile.printable(f.name, MAX_BRAIN_NAME) for f in game.library.brain_files()],
        "sight": game.sight,
        "room": OPEN if game.room is None else game.room.name,
        "session": game.scorecard.status(),
        "learning": game.coach.learning,
        "teacher": game.coach.teacher,
        "learn_speed": game.coach.learn_speed,
        "agreement": stats.agreement(),
        "value_optimal": stats.value_optimal(),
        "heldout": game.coach.heldout_now(),
        "fallbacks": learner.fallbacks if learner is not None else 0,
        "learning_status": learning_status(game),
        "step_ms": round(stats.step_ms, 4),
        "update_ms": round(stats.update_ms, 3),
        "message": game.message if not game.message_is_error and visible else "",
        "error": game.message if game.message_is_error and visible else "",
        "cat": game.watch_cat or PLAYER_CAT,
        "cats": [PLAYER_CAT, *game.cats.names()],
        "round": round_status(game),
        "frames": stats.frames,
        "layout": game.layout,
    }
    return {name: values[name] for name in STATUS_FIELDS}


def round_status(game: Any) -> dict[str, Any]:
    play = game.round
    return {"number": play.number, "size": [play.arena.width, play.arena.height], "cat": list(play.cat_cell()),
            "mouse": list(play.mouse_cell()), "cat_moves": play.cat_moves_made, "par": play.par,
            "result": play.result if play.over else ""}


def learning_status(game: Any) -> str:
    """One line for the page: the tuned-from line, the held-out figure now, and any fallback."""
    learner = game.coach.learner
    parts = []
    line = game.library.tuned_line(game.coach.teacher)
    if line:
        parts.append(line)
    if learner is not None and learner.heldout is not None:
        parts.append(f"held-out {learner.judged_by} {learner.heldout * 100:.1f}% now")
        if learner.fallbacks:
            times = "once" if learner.fallbacks == 1 else f"{learner.fallbacks} times"
            parts.append(f"fell back to the best weights {times}")
    return " · ".join(parts)


def run_command(game: Any, command: dict[str, Any], page: Any = None) -> None:
    """One command from the page (already checked by web.parse_command), run as COMMANDS says."""
    kind = command.get("type")
    spec = COMMANDS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        game.show(f"unknown page command {kind!r}", error=True)
        return
    spec.run(game, page, **{field.name: command[field.name] for field in spec.fields})


def page_table() -> dict[str, Any]:
    """Everything the page needs to know of the protocol, as plain JSON values."""
    return {
        "commands": {name: command.describe() for name, command in COMMANDS.items()},
        "status": {name: {"kind": field.kind, "doc": field.doc} for name, field in STATUS_FIELDS.items()},
        "teachers": [{"name": name, "label": TEACHER_LABELS[name]} for name in TEACHER_NAMES],
        "scripted_cats": list(CATS),
        "sights": [{"name": name, "label": sight.label, "title": sight.title} for name, sight in SIGHTS.items()],
        "rooms": [room_choice(name) for name in room_names()],
        "meta_labels": list(META_LABELS),
    }


def room_choice(name: str) -> dict[str, str]:
    """A room as the page's picker offers it: its name, a label and a title saying its size."""
    if name == OPEN:
        return {"name": OPEN, "label": "Open", "title": "the board without furniture"}
    room = room_named(name)
    return {"name": name, "label": name.capitalize(), "title": f"{room.width}×{room.height} with furniture"}


def page_script() -> str:
    """protocol.js for the site: the table as window.catmouse_protocol, read by catmouse.js."""
    table = json.dumps(page_table(), indent=1, ensure_ascii=True, sort_keys=False)
    return ("// Written by build.sh from game/browser/protocol.py: the page protocol (do not edit; edit protocol.py).\n"
            f"window.catmouse_protocol = {table};\n")


if __name__ == "__main__":
    print(page_script(), end="")
