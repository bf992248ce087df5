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

from .teachers import TEACHER_NAMES

LEARN_SPEED_MIN = 1
LEARN_SPEED_MAX = 10
# A brain file is a few tens of kilobytes; anything near this is not a brain.
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_NAME_CHARS = 200

# command type -> the fields it must carry (besides "type")
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


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CommandError(f"{entry.get('type')!r} needs a non-empty text {key!r}")
    if len(value) > MAX_NAME_CHARS:
        raise CommandError(f"{entry.get('type')!r}: {key!r} is longer than {MAX_NAME_CHARS} characters")
    return value


def _bundled_name(entry: dict[str, Any]) -> str:
    name = _text(entry, "name")
    if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".npz"):
        raise CommandError(f"'brain': {name!r} is not a brain file name from weights/")
    return name


def _payload(entry: dict[str, Any]) -> bytes:
    encoded = entry.get("data")
    if not isinstance(encoded, str):
        raise CommandError(f"{entry.get('type')!r} needs base64 text 'data'")
    if len(encoded) > MAX_UPLOAD_BYTES * 4 // 3 + 4:
        raise CommandError(f"{entry.get('type')!r}: the file is larger than {MAX_UPLOAD_BYTES // 2**20} MiB")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise CommandError(f"{entry.get('type')!r}: 'data' is not valid base64 ({error})") from None


def parse_command(entry: object) -> dict[str, Any]:
    """Check one mailbox entry and return it as a clean command dict; raise CommandError if malformed."""
    if not isinstance(entry, dict):
        raise CommandError(f"a page message must be an object, got {type(entry).__name__}")
    kind = entry.get("type")
    if kind not in COMMAND_FIELDS:
        raise CommandError(f"unknown page message type {kind!r}")
    missing = [key for key in COMMAND_FIELDS[kind] if key not in entry]
    if missing:
        raise CommandError(f"{kind!r} is missing {', '.join(repr(key) for key in missing)}")

    if kind == "learn":
        if not isinstance(entry["on"], bool):
            raise CommandError("'learn' needs 'on' to be true or false")
        return {"type": kind, "on": entry["on"]}
    if kind == "teacher":
        name = entry["name"]
        if name not in TEACHER_NAMES:
            raise CommandError(f"'teacher': {name!r} is not one of {', '.join(TEACHER_NAMES)}")
        return {"type": kind, "name": name}
    if kind == "learn_speed":
        value = entry["value"]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise CommandError("'learn_speed' needs a whole number 'value'")
        if not LEARN_SPEED_MIN <= value <= LEARN_SPEED_MAX:
            raise CommandError(f"'learn_speed': {value} is outside {LEARN_SPEED_MIN}..{LEARN_SPEED_MAX}")
        return {"type": kind, "value": value}
    if kind == "brain":
        return {"type": kind, "name": _bundled_name(entry)}
    if kind in ("upload", "restore"):
        return {"type": kind, "name": _text(entry, "name"), "data": _payload(entry)}
    return {"type": kind}


def jsonable(value: Any) -> Any:
    """Turn a status value into plain JSON: numpy scalars and arrays become numbers and lists,
    non-finite floats become null (JSON has no NaN)."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return jsonable(value.tolist())
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
        """Read and clear the page's mailbox. Malformed entries are dropped and shown as an error."""
        raw = self._call("take")
        if raw is None or raw == "":
            return []
        try:
            entries = json.loads(str(raw))
        except ValueError:
            self.show({"error": "the page sent a message that is not JSON; it was ignored"})
            return []
        if not isinstance(entries, list):
            entries = [entries]
        commands: list[dict[str, Any]] = []
        problems: list[str] = []
        for entry in entries:
            try:
                commands.append(parse_command(entry))
            except CommandError as error:
                problems.append(str(error))
        if problems:
            self.show({"error": "ignored a page message: " + "; ".join(problems)})
        return commands

    def show(self, status: dict[str, Any]) -> None:
        """Hand the page the status to display; keys left out keep their last value."""
        self._call("show", json.dumps(jsonable(status), allow_nan=False))

    def offer_download(self, filename: str, data: bytes) -> None:
        """Let the player save ``data`` as ``filename`` through the page's own download helper."""
        self._call("download", filename, base64.b64encode(data).decode("ascii"))

    def store_brain(self, name: str | None, data: bytes | None) -> None:
        """Keep the fine-tuned brain in browser storage, or clear it when name or data is None."""
        if name is None or data is None:
            self._call("store", "", "")
        else:
            self._call("store", name, base64.b64encode(data).decode("ascii"))
