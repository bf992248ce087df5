"""The game's only door to the web page (pygbag's ``platform.window``).

The page template in ``web/`` defines one JavaScript namespace, ``window.catmouse``:

* ``take()`` returns the page's mailbox as a JSON array of command objects and empties it;
* ``show(json)`` renders a status object (only the keys present are updated);
* ``download(filename, base64)`` saves bytes to the player's disk;
* ``store(name, base64)`` keeps the fine-tuned brain in browser storage (empty strings clear it).

Only strings cross the bridge, which is the one kind of value pygbag passes both ways reliably.
On desktop there is no page: ``in_browser()`` is False and the game uses its keys instead.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import sys
from typing import Any

from .brainfile import MAX_FILE_BYTES, MAX_MESSAGE_CHARS, printable
from .teachers import TEACHER_NAMES

LEARN_SPEED_MIN = 1
LEARN_SPEED_MAX = 10
MAX_UPLOAD_BYTES = MAX_FILE_BYTES  # the loader refuses anything bigger, so the page need not send it
MAX_NAME_CHARS = 200
MAX_ENTRIES = 32  # commands in one mailbox read (the page sends a few a second at most)
MAX_MAILBOX_CHARS = 2 * (MAX_UPLOAD_BYTES * 4 // 3 + 4) + 64 * 1024  # two uploads' base64 and small commands
MAX_STATUS_DEPTH = 6  # the status is an object of values and a meta of at most three levels

# command type -> the fields it must carry (besides "type"); no others are allowed
COMMAND_FIELDS: dict[str, tuple[str, ...]] = {
    "learn": ("on",),
    "teacher": ("name",),
    "learn_speed": ("value",),
    "brain": ("name",),
    "upload": ("name", "data"),
    "download": (),
    "reset": (),
    "restore": ("name", "data"),
}


def in_browser() -> bool:
    """True when running in pygbag's WebAssembly runtime."""
    return sys.platform == "emscripten"


class CommandError(ValueError):
    """A mailbox entry that is not a well-formed command."""


def shown(value: Any) -> str:
    """A value quoted in an error: its repr, printable and short (a page message may hold anything)."""
    return printable(repr(value) if not isinstance(value, dict | list) else type(value).__name__, 40)


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    kind = entry["type"]
    if not isinstance(value, str) or not value.strip():
        raise CommandError(f"{kind!r} needs a non-empty text {key!r}")
    if len(value) > MAX_NAME_CHARS:
        raise CommandError(f"{kind!r}: {key!r} is longer than {MAX_NAME_CHARS} characters")
    if not value.isprintable() or "/" in value or "\\" in value:
        raise CommandError(f"{kind!r}: {key!r} {shown(value)} is not a plain file name")
    return value


def _bundled_name(entry: dict[str, Any]) -> str:
    name = _text(entry, "name")
    if name.startswith(".") or not name.endswith(".npz"):
        raise CommandError(f"'brain': {shown(name)} is not a brain file name from weights/")
    return name


def _payload(entry: dict[str, Any]) -> bytes:
    encoded = entry.get("data")
    kind = entry["type"]
    if not isinstance(encoded, str):
        raise CommandError(f"{kind!r} needs base64 text 'data'")
    if len(encoded) > MAX_UPLOAD_BYTES * 4 // 3 + 4:
        raise CommandError(f"{kind!r}: the file is larger than {MAX_UPLOAD_BYTES // 2**20} MiB")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise CommandError(f"{kind!r}: 'data' is not valid base64") from None


def parse_command(entry: object) -> dict[str, Any]:
    """Check one mailbox entry and return it as a clean command dict; raise CommandError if malformed."""
    if not isinstance(entry, dict):
        raise CommandError(f"a page message must be an object, got {type(entry).__name__}")
    kind = entry.get("type")
    if not isinstance(kind, str) or kind not in COMMAND_FIELDS:
        raise CommandError(f"unknown page message type {shown(kind)}")
    missing = [key for key in COMMAND_FIELDS[kind] if key not in entry]
    if missing:
        raise CommandError(f"{kind!r} is missing {', '.join(repr(key) for key in missing)}")
    extra = sorted(set(entry) - {"type", *COMMAND_FIELDS[kind]})
    if extra:
        raise CommandError(f"{kind!r} has an unexpected field {shown(extra[0])}")

    if kind == "learn":
        if not isinstance(entry["on"], bool):
            raise CommandError("'learn' needs 'on' to be true or false")
        return {"type": kind, "on": entry["on"]}
    if kind == "teacher":
        name = entry["name"]
        if not isinstance(name, str) or name not in TEACHER_NAMES:
            raise CommandError(f"'teacher': {shown(name)} is not one of {', '.join(TEACHER_NAMES)}")
        return {"type": kind, "name": name}
    if kind == "learn_speed":
        value = entry["value"]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise CommandError("'learn_speed' needs a whole number 'value'")
        if not LEARN_SPEED_MIN <= value <= LEARN_SPEED_MAX:
            raise CommandError(f"'learn_speed': {shown(value)} is outside {LEARN_SPEED_MIN}..{LEARN_SPEED_MAX}")
        return {"type": kind, "value": value}
    if kind == "brain":
        return {"type": kind, "name": _bundled_name(entry)}
    if kind in ("upload", "restore"):
        return {"type": kind, "name": _text(entry, "name"), "data": _payload(entry)}
    return {"type": kind}


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")


def read_mailbox(raw: str) -> list[object]:
    """The mailbox's JSON as a list of entries; ValueError (one short line) when it is not usable JSON."""
    if len(raw) > MAX_MAILBOX_CHARS:
        raise ValueError(f"the page sent {len(raw):,} characters at once, more than {MAX_MAILBOX_CHARS:,}")
    try:
        entries = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # deep nesting makes the parser give up with RecursionError
        raise ValueError("the page sent a message that is not JSON") from None
    return entries if isinstance(entries, list) else [entries]


def jsonable(value: Any, depth: int = 0) -> Any:
    """Turn a status value into plain JSON: numpy scalars and arrays become numbers and lists,
    non-finite floats become null (JSON has no NaN); anything nested deeper than MAX_STATUS_DEPTH is null."""
    if depth > MAX_STATUS_DEPTH:
        return None
    if isinstance(value, dict):
        return {str(key): jsonable(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item, depth + 1) for item in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return jsonable(value.tolist(), depth)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class Page:
    """The web page around the canvas, seen from the game."""

    def __init__(self, window: Any = None) -> None:
        if window is None:
            import platform  # pygbag's runtime adds .window to this module in the browser

            window = platform.window  # type: ignore[attr-defined]
        self._window = window
        self._broken: set[str] = set()

    def _call(self, method: str, *args: str) -> Any:
        """Call window.catmouse.<method>(*args); a page that fails must not stop the game."""
        try:
            return getattr(self._window.catmouse, method)(*args)
        except Exception as error:  # any JS-side failure is reported, never raised
            if method not in self._broken:
                self._broken.add(method)
                print(f"web page: catmouse.{method} failed: {error}", file=sys.stderr)
            return None

    def poll(self) -> list[dict[str, Any]]:
        """Read and clear the page's mailbox. Malformed entries are dropped and shown as one error line."""
        raw = self._call("take")
        if raw is None or raw == "":
            return []
        try:
            entries = read_mailbox(str(raw))
        except ValueError as error:
            self.show({"error": f"{error}; it was ignored"})
            return []
        commands: list[dict[str, Any]] = []
        problems: list[str] = []
        if len(entries) > MAX_ENTRIES:
            problems.append(f"{len(entries) - MAX_ENTRIES} commands past the first {MAX_ENTRIES} at once")
            entries = entries[:MAX_ENTRIES]
        for entry in entries:
            try:
                commands.append(parse_command(entry))
            except CommandError as error:
                problems.append(str(error))
        if problems:
            self.show({"error": printable("ignored a page message: " + "; ".join(problems), MAX_MESSAGE_CHARS)})
        return commands

    def show(self, status: dict[str, Any]) -> None:
        """Hand the page the status to display; keys left out keep their last value."""
        try:
            text = json.dumps(jsonable(status), allow_nan=False)
        except (TypeError, ValueError, RecursionError) as error:  # never the game's problem: say so on the page
            text = json.dumps({"error": f"the game's status could not be sent ({type(error).__name__})"})
        self._call("show", text)

    def offer_download(self, filename: str, data: bytes) -> None:
        """Let the player save ``data`` as ``filename`` through the page's own download helper."""
        self._call("download", filename, base64.b64encode(data).decode("ascii"))

    def store_brain(self, name: str | None, data: bytes | None) -> None:
        """Keep the fine-tuned brain in browser storage, or clear it when name or data is None."""
        if name is None or data is None:
            self._call("store", "", "")
        else:
            self._call("store", name, base64.b64encode(data).decode("ascii"))
