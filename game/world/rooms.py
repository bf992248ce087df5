"""Rooms: the board's floor and furniture. No pygame.

A room is a text file `rooms/NAME.txt` of equal-length lines, `.` for floor and `#` for furniture, top row first,
4 to 16 cells each way, every floor cell reachable from every other by the mouse's four moves. The open W×H board
is the room without furniture, named "open". Cells are (x, y) with (0, 0) bottom-left, as in the arena, and are
numbered y * W + x wherever a table is kept per cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from ..arena import MAX_SIDE, MIN_SIDE, check_size

OPEN = "open"
FLOOR, FURNITURE = ".", "#"
ROOMS = Path(__file__).resolve().parents[2] / "rooms"  # the shipped rooms
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
MAX_FILE_BYTES = 4096


class RoomError(ValueError):
    """A room file that cannot be played: one line naming the file and the problem."""


@dataclass(frozen=True)
class Room:
    """A named layout, rows top first. Frozen and hashable: solved games are kept per room."""

    name: str
    rows: tuple[str, ...]

    @property
    def width(self) -> int:
        return len(self.rows[0])

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def is_open(self) -> bool:
        """No furniture: the arena's rules and tables need no look-up of it."""
        return not any(FURNITURE in row for row in self.rows)

    @cached_property
    def blocked(self) -> np.ndarray:
        """(W·H,) bool per cell numbered y * W + x: True where furniture stands."""
        grid = np.array([[ch == FURNITURE for ch in row] for row in reversed(self.rows)], dtype=bool)
        return grid.reshape(-1)

    @cached_property
    def floor(self) -> np.ndarray:
        """(F, 2) int32: every floor cell as (x, y), in cell-number order."""
        number = np.flatnonzero(~self.blocked)
        return np.stack([number % self.width, number // self.width], axis=1).astype(np.int32)

    def is_floor(self, x: int, y: int) -> bool:
        return 0 <= x < self.width and 0 <= y < self.height and not self.blocked[y * self.width + x]

    @property
    def layout(self) -> str:
        """The rows as the file holds them, one per line: what a brain's meta records."""
        return "\n".join(self.rows)

    @property
    def title(self) -> str:
        return f"{self.name} {self.width}×{self.height}"


def open_room(width: int, height: int) -> Room:
    """The open W×H board."""
    check_size(width, height)
    return Room(OPEN, tuple(FLOOR * width for _ in range(height)))


def parse_room(text: str, name: str, source: str | None = None) -> Room:
    """A room from its text; RoomError (one line naming `source`, or the name, and the problem) if unplayable."""
    where = source or f"room {name!r}"
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise RoomError(f"{where}: is empty; a room is lines of '.' (floor) and '#' (furniture)")
    for number, line in enumerate(lines, 1):
        for column, ch in enumerate(line, 1):
            if ch not in (FLOOR, FURNITURE):
                raise RoomError(f"{where}: line {number}, column {column}: {ch!r} is neither '.' (floor) nor "
                                "'#' (furniture)")
        if len(line) != len(lines[0]):
            raise RoomError(f"{where}: line {number} has {len(line)} cells but line 1 has {len(lines[0])}; "
                            "every line must be as long")
    width, height = len(lines[0]), len(lines)
    for side, count in (("columns", width), ("rows", height)):
        if not MIN_SIDE <= count <= MAX_SIDE:
            raise RoomError(f"{where}: {count} {side}; a room has {MIN_SIDE} to {MAX_SIDE}")
    room = Room(name, tuple(lines))
    if len(room.floor) < 2:
        raise RoomError(f"{where}: has fewer than two floor cells; the cat and the mouse need one each")
    apart = unreachable(room)
    if apart is not None:
        x, y = apart
        raise RoomError(f"{where}: the floor cell at column {x + 1}, line {height - y} cannot be reached from the "
                        "rest of the floor; every floor cell must be")
    return room


def unreachable(room: Room) -> tuple[int, int] | None:
    """A floor cell the mouse cannot walk to from the first floor cell, or None when every one is reachable."""
    width, blocked = room.width, room.blocked
    start = int(np.flatnonzero(~blocked)[0])
    seen = np.zeros_like(blocked)
    seen[start] = True
    stack = [start]
    while stack:
        cell = stack.pop()
        x, y = cell % width, cell // width
        for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
            if room.is_floor(nx, ny) and not seen[ny * width + nx]:
                seen[ny * width + nx] = True
                stack.append(ny * width + nx)
    missed = np.flatnonzero(~blocked & ~seen)
    return None if not len(missed) else (int(missed[0] % width), int(missed[0] // width))


def load_room(path: str | Path) -> Room:
    """A room file; RoomError in one line naming the file and the problem."""
    path = Path(path)
    name = path.stem.lower()
    if not NAME_PATTERN.fullmatch(name):
        raise RoomError(f"{path}: a room's name is lowercase letters, digits, '-' and '_' (up to 32)")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise RoomError(f"{path}: is larger than {MAX_FILE_BYTES} bytes; a room is at most 16 lines of 16")
        text = path.read_bytes().decode("ascii")
    except FileNotFoundError:
        raise RoomError(f"{path}: no such room file") from None
    except UnicodeDecodeError:
        raise RoomError(f"{path}: is not plain text; a room is lines of '.' and '#'") from None
    except OSError as exc:
        raise RoomError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    return parse_room(text, name, str(path))


def room_names(folder: Path = ROOMS) -> list[str]:
    """The open room first, then the rooms in the folder by name."""
    found = sorted(p.stem for p in folder.glob("*.txt") if NAME_PATTERN.fullmatch(p.stem)) if folder.is_dir() else []
    return [OPEN, *(name for name in found if name != OPEN)]


def room_named(name: str, size: tuple[int, int] = (8, 8), folder: Path = ROOMS) -> Room:
    """A room by its name (the open one at `size`) or by a path to its file; RoomError naming it otherwise."""
    if name == OPEN:
        return open_room(*size)
    if name.endswith(".txt") or "/" in name:
        return load_room(name)
    path = folder / f"{name}.txt"
    if not path.is_file():
        raise RoomError(f"room {name!r}: no such room; choose one of {', '.join(room_names(folder))} or a .txt file")
    return load_room(path)
