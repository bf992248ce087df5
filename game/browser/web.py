"""The game's only door to the web page (pygbag's ``platform.window``).

The page template in ``web/`` defines one JavaScript namespace, ``window.catmouse``:

* ``take()`` returns the page's mailbox as a JSON array of command objects and empties it;
* ``show(json)`` renders a status object (only the keys present are updated);
* ``download(filename, base64)`` saves bytes to the player's disk;
* ``store(name, base64)`` keeps the brain in play in browser storage (empty strings clear it).

Only strings cross the bridge, which is the one kind of value pygbag passes both ways reliably.
On desktop there is no page: ``in_browser()`` is False and the game uses its keys instead.
"""

from __future__ import annotations

import base64
import json
import math
import sys
from typing import Any

from ..brains.brainfile import MAX_MESSAGE_CHARS, printable
from .protocol import COMMANDS, MAX_UPLOAD_BYTES, CommandError, shown

MAX_ENTRIES = 32  # commands in one mailbox read (the page sends a few a second at most)
MAX_MAILBOX_CHARS = 2 * (MAX_UPLOAD_BYTES * 4 // 3 + 4) + 64 * 1024  # two uploads' base64 and small commands
MAX_STATUS_DEPTH = 6  # the status is an object of values and a meta of at most three levels

# command type -> the fields it must carry (besides "type"); no others are allowed (from game/browser/protocol.py)
COMMAND_FIELDS: dict[str, tuple[str, ...]] = {
    kind: tuple(field.name for field in command.fields) for kind, command in COMMANDS.items()
}


def in_browser() -> bool:
    """True when running in pygbag's WebAssembly runtime."""
    return sys.platform == "emscripten"


def parse_command(entry: object) -> dict[str, Any]:
    """Check one mailbox entry against protocol.COMMANDS and return it as a clean command dict; raise
    CommandError (one line) if it is not an object, not a known type, lacks a field, has another, or a field's
    value is not what its type allows."""
    if not isinstance(entry, dict):
        raise CommandError(f"a page message must be an object, got {type(entry).__name__}")
    kind = entry.get("type")
    if not isinstance(kind, str) or kind not in COMMANDS:
        raise CommandError(f"unknown page message type {shown(kind)}")
    fields = COMMANDS[kind].fields
    missing = [field.name for field in fields if field.name not in entry]
    if missing:
        raise CommandError(f"{kind!r} is missing {', '.join(repr(key) for key in missing)}")
    extra = sorted(set(entry) - {"type", *COMMAND_FIELDS[kind]})
    if extra:
        raise CommandError(f"{kind!r} has an unexpected field {shown(extra[0])}")
    return {"type": kind, **{field.name: field.check(kind, entry[field.name]) for field in fields}}


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
        """Keep the brain in play in browser storage, or clear it when name or data is None."""
        if name is None or data is None:
            self._call("store", "", "")
        else:
            self._call("store", name, base64.b64encode(data).decode("ascii"))
