"""Brain files: a NumPy .npz of float arrays plus a `meta` JSON string, read with allow_pickle=False.

Every way a file can be wrong ends in one BrainFileError whose message is one printable line of at most
MAX_MESSAGE_CHARS naming the file and the problem, so a running game can show it and keep the brain it had.
What the loader accepts is safe to play: every meta field the game reads is checked (docs/BRAINFILE.md has the
table), every weight is finite in the dtype the brain computes in and small enough that no step can overflow,
and a probe round stays finite. Reads are bounded before they happen. Saving is atomic and claims the final
name atomically, so it never replaces a file unless asked. This module imports no pygame.
"""

from __future__ import annotations

import errno
import functools
import io
import json
import math
import os
import re
import secrets
import stat
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ..arena import CAT_MOVE_NAMES, MAX_SIDE, MIN_SIDE
from ..brain_np import ACTIONS, BRAIN_TYPES, FEATURES, Brain, brain_type
from ..world.cats import TRAINING_CATS
from ..world.rooms import Room, RoomError, parse_room
from ..world.sight import FEATURE_NAMES as SIGHT_FEATURES
from ..world.sight import SIGHTS
from ..world.teachers import TEACHER_NAMES

FORMAT_VERSION = 1
ARCHITECTURES = tuple(BRAIN_TYPES)  # the registry decides which brains a file may hold
# The largest brain the game can play and learn with inside its frame budget (docs/BENCHMARKS.md, section 7);
# `python -m game.train` enforces the same limit.
MAX_HIDDEN = 128
MAX_META_CHARS = 16 * 1024  # the shipped brains' meta is about 1,500 characters
# The largest legal brain (an LSTM of MAX_HIDDEN units stored as uncompressed float64, 553 kB) and its meta
# (stored as UCS-4, 64 kB) fit with room to spare; anything bigger is not a brain and is not read at all.
MAX_FILE_BYTES = 1024 * 1024
MAX_MEMBERS = 16  # six arrays, the probe's two and the meta, with room for an exporter's oddities (then refused)
MAX_MESSAGE_CHARS = 300
MAX_NAME_SHOWN = 100  # characters of a file name quoted in a message
MAX_LABEL_CHARS = 200  # a short text field (fine_tuned_from, ...)
MAX_COMMAND_CHARS = 2000  # the training command line kept in `command`
MAX_GRID_SIZES = 16
MAX_COUNT = 2**53  # counts above this are not exact in the page's JavaScript numbers
MAX_RECIPE_KEYS = 32
# One default everywhere for the two optional fields the game acts on: the post's task, where the format began.
DEFAULT_TEACHER = "post"
DEFAULT_GRID_SIZES = ((6, 6),)
# Which animal a brain plays decides its moves and its teacher: a file without `role` holds a mouse.
ROLE_ACTIONS = {"mouse": ACTIONS, "cat": CAT_MOVE_NAMES}
CAT_TEACHERS = ("perfect",)  # the cat's teacher: the perfect cat of the solved pursuit game
DEFAULT_SIGHT = "classic"
CAUTIOUS = "cautious"  # the teacher of fog and flicker brains (tasks.CAUTIOUS)
# What a brain sees, by sight preset: classic brains get the four coordinates, fog and flicker brains five.
SIGHT_INPUTS = {name: list(FEATURES) if name == DEFAULT_SIGHT else list(SIGHT_FEATURES) for name in SIGHTS}
PROBE_ARRAYS = ("probe.weight", "probe.bias")  # the belief read-out, optional: (W·H, H) and (W·H,)
# The shipped brain (in weights/) a game under each sight plays by default.
SIGHT_BRAINS = {name: sight.brain for name, sight in SIGHTS.items()}  # each sight's shipped brain
REQUIRED_META = ("format_version", "architecture", "hidden_size", "input_features", "actions")
STALE_PART_SECONDS = 600.0  # a save takes milliseconds; a temporary file this old is a crashed save's
MAX_META_DEPTH = 16  # the format nests three levels (meta, task, its list of cats)
# A save's temporary file carries this program's tag, so a leftover can be told from anyone else's .part file.
PART_TAG = "catmouse"
PART_FILE = re.compile(rf"\..+\.{PART_TAG}-[0-9a-f]{{12}}\.part")
# torch.save writes a zip of FOLDER/data.pkl and FOLDER/data/N, or (before PyTorch 1.6, or when asked) a pickle
# that begins with torch's magic number, pickled with protocol 2.
TORCH_LEGACY_MAGIC = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"
TORCH_FILE = ("is a PyTorch torch.save file, not a brain file; convert it with "
              "python -m game.torch_brain --from-torch FILE.pt OUT.npz --teacher TEACHER --grid WxH")


def printable(text: object, limit: int = MAX_LABEL_CHARS) -> str:
    """Text safe to draw and print on one line: control, format, surrogate and other unprintable characters
    become escapes like \\x00, and anything past `limit` characters is cut with an ellipsis."""
    s = text if isinstance(text, str) else str(text)
    shown = "".join(ch if ch.isprintable() else escape(ch) for ch in s[: limit + 1])
    return shown if len(shown) <= limit else shown[: max(0, limit - 1)] + "…"


def escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class BrainFileError(ValueError):
    """A brain file that cannot be used; str() is one printable line naming the file and the problem."""

    def __init__(self, name: str, problem: str) -> None:
        shown = printable(name, MAX_NAME_SHOWN)
        super().__init__(f"{shown}: {printable(problem, MAX_MESSAGE_CHARS - len(shown) - 2)}")
        self.name, self.problem = name, problem


class SaveError(OSError):
    """A save that cannot happen for a reason other than the name being taken; str() is one line."""


def brain_meta(brain: Brain, **fields: Any) -> dict[str, Any]:
    """The meta a brain file carries, with the fields every file needs filled in from the brain."""
    described = brain.describe()
    if described.get("role") == "mouse":
        del described["role"]  # every brain so far is a mouse: their files stay as they were, byte for byte
    meta: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        **described,
        "grid_sizes": [list(size) for size in DEFAULT_GRID_SIZES],
        "teacher": DEFAULT_TEACHER if brain.role == "mouse" else CAT_TEACHERS[0],
        "training_games": 0,
        "heldout_mistakes_per_game": None,
    }
    meta.update(brain.meta or {})
    meta.update(fields)
    meta["format_version"], meta["architecture"], meta["hidden_size"] = FORMAT_VERSION, brain.arch, brain.hidden_size
    meta.update(brain.shape())
    if meta.get("sight") == DEFAULT_SIGHT:
        del meta["sight"]  # classic is the default: files of classic brains stay as they were, byte for byte
    return meta


def brain_bytes(brain: Brain, meta: dict[str, Any] | None = None, compress: bool = True) -> bytes:
    """The brain as the bytes of a brain file. Raises BrainFileError (naming the field) rather than write a
    file the loader would refuse or strip. compress=False skips deflate, most of the cost, for a copy made
    often (the browser's keep): a few KB larger, read the same way."""
    meta = brain_meta(brain, **(meta or {}))
    clean, dropped = check_meta(meta, "brain to save")
    if dropped:
        raise BrainFileError("brain to save", dropped[0])
    check_probe(brain.probe or {}, clean, brain.hidden_size, "brain to save")  # the loader would refuse it
    text = json.dumps(clean, sort_keys=True, allow_nan=False)
    if len(text) > MAX_META_CHARS:
        raise BrainFileError("brain to save", f"meta is {len(text):,} characters, more than {MAX_META_CHARS:,}")
    arrays = {name: np.asarray(value) for name, value in brain.params.items()}
    arrays.update({name: np.asarray(value) for name, value in (brain.probe or {}).items()})
    buffer = io.BytesIO()
    (np.savez_compressed if compress else np.savez)(buffer, meta=np.array(text), **arrays)
    return buffer.getvalue()


# -- saving ---------------------------------------------------------------------------------------------------


def write_atomic(path: str | os.PathLike, data: bytes, overwrite: bool = False) -> Path:
    """Write bytes to path all at once: a temporary file beside it, flushed, then given the final name.

    Without overwrite the name is claimed atomically (a hard link, which fails if the name exists), so a file
    that appears meanwhile is never replaced: FileExistsError. Any other failure is a one-line SaveError.
    Temporary files that crashed saves left in the folder are removed first."""
    path = Path(path)
    folder = path.parent
    shown = printable(path, MAX_NAME_SHOWN)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SaveError(f"{printable(folder, MAX_NAME_SHOWN)}: cannot make the folder ({reason(exc)})") from None
    if not folder.is_dir():
        raise SaveError(f"{printable(folder, MAX_NAME_SHOWN)}: is not a folder")
    clean_leftovers(folder)
    if not overwrite and os.path.lexists(path):
        raise FileExistsError(f"{shown}: already exists; not overwritten")
    fd, tmp = open_part_file(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            claim_name(tmp, path)
    except FileExistsError:
        raise FileExistsError(f"{shown}: already exists; not overwritten") from None
    except OSError as exc:
        raise SaveError(f"{shown}: cannot save ({reason(exc)})") from None
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        except OSError:
            pass  # left for clean_leftovers
    return path


NO_HARD_LINKS = {getattr(errno, name) for name in ("EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV", "EMLINK")
                 if hasattr(errno, name)}


def claim_name(tmp: str, path: Path) -> None:
    """Give the finished temporary file its final name, failing with FileExistsError if the name is taken."""
    try:
        os.link(tmp, path)  # atomic, and never replaces an existing file
        return
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in NO_HARD_LINKS:
            raise
    except (NotImplementedError, AttributeError):
        pass
    # A file system without hard links: claim the name exclusively, then move the finished file over the claim
    # (only ours can be there); if that fails the empty claim goes too.
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666))
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(path)
        raise


def reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def open_part_file(path: Path) -> tuple[int, str]:
    """A new, exclusive temporary file beside `path`, with the permissions the user's umask gives new files
    (mkstemp's would be owner-only)."""
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{PART_TAG}-{secrets.token_hex(6)}.part")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise SaveError(f"{printable(path, MAX_NAME_SHOWN)}: cannot save ({reason(exc)})") from None
    raise SaveError(f"{printable(path, MAX_NAME_SHOWN)}: no free temporary name beside it")


def clean_leftovers(folder: str | os.PathLike, now: float | None = None) -> int:
    """Remove the temporary files of saves that crashed (killed mid-write): only what is provably ours, regular
    files named `.NAME.catmouse-XXXXXXXXXXXX.part` (open_part_file's names) owned by this user, and older than
    STALE_PART_SECONDS, so a save in progress elsewhere is left alone. Returns how many."""
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not PART_FILE.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
            if stat.S_ISREG(info.st_mode) and mine and now - info.st_mtime > STALE_PART_SECONDS:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def save_brain(
    brain: Brain,
    path: str | os.PathLike,
    meta: dict[str, Any] | None = None,
    overwrite: bool = False,
) -> Path:
    """Save a brain file atomically; refuses to replace an existing file unless overwrite=True."""
    return write_atomic(path, brain_bytes(brain, meta), overwrite=overwrite)


# -- loading --------------------------------------------------------------------------------------------------


def load_brain(path: str | os.PathLike, role: str | None = "mouse",
               sight: str | None = DEFAULT_SIGHT, room: Room | None = None) -> Brain:
    """Load a brain file; any problem raises BrainFileError naming the file. Only a regular file of at most
    MAX_FILE_BYTES is opened (a FIFO, a device or a folder is refused from its metadata), and at most that
    much is read. A brain of another role than `role`, trained for another sight preset than `sight`, or for
    another room than `room`, is refused (None: any)."""
    name = os.fsdecode(path) if isinstance(path, bytes) else str(path)
    return load_brain_bytes(read_regular(path, name), name, role, sight, room)


def read_regular(path: str | os.PathLike, name: str) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES; anything else (a FIFO, a device, a folder, a
    bigger file) is refused from its metadata before a byte is read, in one line naming it."""
    try:
        info = os.stat(path)
        check_regular(info, name)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            check_regular(os.fstat(fd), name)  # the name may have been swapped since the stat
            chunks, size = [], 0
            while size <= MAX_FILE_BYTES:
                chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
    except BrainFileError:
        raise
    except OSError as exc:
        raise BrainFileError(name, f"cannot be read ({reason(exc)})") from None
    except ValueError:  # e.g. a path with a NUL byte in it
        raise BrainFileError(name, "is not a usable file path") from None
    return b"".join(chunks)


def check_regular(info: os.stat_result, name: str) -> None:
    mode = info.st_mode
    if not stat.S_ISREG(mode):
        kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a socket"
                if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special")
        raise BrainFileError(name, f"is {kind}, not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise BrainFileError(name, f"is {info.st_size:,} bytes, more than any brain needs ({MAX_FILE_BYTES:,})")


def load_brain_bytes(data: bytes, name: str = "brain file", role: str | None = "mouse",
                     sight: str | None = DEFAULT_SIGHT, room: Room | None = None) -> Brain:
    """Load a brain from the bytes of a brain file (an upload in the browser, say). Unknown or bad optional
    meta fields are dropped; `brain.meta_notice` is then one line saying which (else None). A brain of another
    role than `role` is refused (a cat's brain cannot play the mouse, nor the reverse), and so is one trained
    for another sight preset than `sight` (other inputs), and one trained for another room than `room` (the
    open board when its meta names none); None takes any."""
    arrays, meta = read_arrays(data, name)
    meta, dropped = check_meta(meta, name)
    plays = meta.get("role", "mouse")
    if role is not None and plays != role:
        raise BrainFileError(name, f"is a {plays}'s brain (meta role {plays!r}); a {role}'s brain is needed here")
    check_sight(meta, sight, name)
    check_room(meta, room, name)
    probe = {key: arrays.pop(key) for key in PROBE_ARRAYS if key in arrays}
    arch, hidden = meta["architecture"], meta["hidden_size"]
    kind = brain_type(arch)  # check_meta let through only registered architectures
    shape = {key: meta[key] for key in kind.shape_fields}  # check_meta found each, and the type checks them
    try:
        expected = kind.array_shapes(hidden, len(meta["input_features"]), len(meta["actions"]), **shape)
    except ValueError as exc:
        raise BrainFileError(name, f"holds a {arch} brain whose meta {exc}") from None
    missing = sorted(set(expected) - set(arrays))
    if missing:
        raise BrainFileError(name, f"is missing array {missing[0]!r} that a {arch} brain needs")
    extra = sorted(set(arrays) - set(expected))
    if extra:
        raise BrainFileError(name, f"has array {printable(extra[0], 40)!r} that a {arch} brain does not have")
    try:
        brain = kind(hidden, features=meta["input_features"], actions=meta["actions"], role=plays, **shape)
    except ValueError as exc:  # a brain type that cannot play this role's moves (the post's net: four only)
        raise BrainFileError(name, f"holds a {arch} brain, which cannot play the {plays} ({exc})") from None
    for key, shape in expected.items():
        value = arrays[key]
        if value.shape != shape:
            raise BrainFileError(
                name, f"array {key!r} has shape {value.shape} but a hidden size of {hidden} needs {shape}"
            )
        target = brain.params[key]
        if not np.all(np.isfinite(value)):
            raise BrainFileError(name, f"array {key!r} holds NaN or infinite values")
        with np.errstate(over="ignore"):
            converted = value.astype(target.dtype)
        if not np.all(np.isfinite(converted)):
            raise BrainFileError(name, f"array {key!r} holds values beyond the range of {target.dtype}, "
                                 "which the brain computes in")
        target[...] = converted
    brain.changed()
    check_steps(brain, name)
    brain.probe = check_probe(probe, meta, hidden, name)
    brain.meta = meta
    brain.meta_notice = meta_notice(name, dropped)
    return brain


def meta_sight(meta: dict[str, Any]) -> str:
    """The sight preset a (checked) meta names: classic when it names none."""
    return meta.get("sight", DEFAULT_SIGHT)


def meta_room(meta: dict[str, Any]) -> Room | None:
    """The room a (checked) meta names, or None for the open board."""
    named = meta.get("room")
    return None if named is None else Room(named["name"], tuple(named["layout"]))


def room_meta(room: Room | None) -> dict[str, Any]:
    """The meta field that names a room with furniture (nothing for the open board)."""
    return {} if room is None or room.is_open else {"room": {"name": room.name, "layout": list(room.rows)}}


def check_room(meta: dict[str, Any], room: Room | None, name: str) -> None:
    """Refuse, in one line, a brain trained for another room than the one it is to play in: it learned where
    the furniture stands (an open-board brain is for open boards of any size)."""
    if room is None:
        return
    trained = meta_room(meta)
    wanted = None if room.is_open else room
    if trained is None and wanted is None:
        return
    if trained is not None and wanted is not None and trained.rows == wanted.rows:
        return
    where = "the open board" if trained is None else f"room {trained.name!r} ({trained.width}×{trained.height})"
    here = "the open board" if wanted is None else f"room {wanted.name!r}"
    if trained is not None and wanted is not None and trained.name == wanted.name:
        where += " as it was laid out then"
    raise BrainFileError(name, f"was trained for {where}; {here} needs a brain trained there")


def check_room_fits(meta: dict[str, Any], room: Room | None, name: str) -> None:
    """Refuse, in one line, a brain trained for a room with furniture when it is to play elsewhere. An
    open-board brain may play in a room (the game says it was not trained there); a room's brain knows only
    its own room."""
    if meta_room(meta) is not None:
        check_room(meta, room if room is not None else Room("open", ("....",) * 4), name)


def room_field(value: Any) -> dict[str, Any]:
    """A meta's room: its name and its rows, as a room file would hold them."""
    if not isinstance(value, dict) or set(value) != {"name", "layout"}:
        raise BadField("is not an object of 'name' and 'layout'")
    rows = value["layout"]
    if not isinstance(value["name"], str) or not isinstance(rows, list) or not all(isinstance(r, str) for r in rows):
        raise BadField("has no text name or no list of text rows")
    try:
        parse_room("\n".join(rows), value["name"], "its layout")
    except RoomError as exc:
        raise BadField(str(exc)) from None
    return {"name": text(value["name"], 32), "layout": list(rows)}


def check_sight(meta: dict[str, Any], sight: str | None, name: str) -> None:
    """Refuse, in one line, a brain trained for another sight preset than the one it is to play under."""
    trained = meta_sight(meta)
    if sight is None or trained == sight:
        return
    if sight not in SIGHTS:
        raise ValueError(f"unknown sight {sight!r}: choose one of {', '.join(SIGHTS)}")
    raise BrainFileError(name, f"was trained for {trained} sight (inputs {', '.join(SIGHT_INPUTS[trained])}); "
                         f"under {sight} sight the mouse needs a brain trained for {sight}")


def check_probe(probe: dict[str, np.ndarray], meta: dict[str, Any], hidden: int,
                name: str) -> dict[str, np.ndarray] | None:
    """The belief read-out, if the file has one: both arrays, one output per cell of the brain's arena."""
    if not probe:
        return None
    missing = [key for key in PROBE_ARRAYS if key not in probe]
    if missing:
        raise BrainFileError(name, f"has a belief probe without {missing[0]!r}")
    width, height = meta["grid_sizes"][0]
    shapes = {"probe.weight": (width * height, hidden), "probe.bias": (width * height,)}
    clean = {}
    for key, shape in shapes.items():
        value = probe[key]
        if value.shape != shape:
            raise BrainFileError(name, f"array {key!r} has shape {value.shape} but a {width}x{height} arena and "
                                 f"{hidden} hidden units need {shape}")
        with np.errstate(over="ignore"):
            clean[key] = value.astype(np.float32)
        if not np.all(np.isfinite(clean[key])):
            raise BrainFileError(name, f"array {key!r} holds NaN or values beyond the range of float32")
    # Each hidden value lies in [-1, 1], so a cell's row of |weights| plus its |bias| bounds its score; past
    # float32's range the read-out's sum turns inf - inf = NaN and the picture goes blank.
    bound = np.abs(clean["probe.weight"].astype(np.float64)).sum(axis=1) + np.abs(clean["probe.bias"])
    if not np.all(bound < np.finfo(np.float32).max / 4):
        raise BrainFileError(name, "has a belief probe with weights so large that its read-out overflows float32")
    return clean


def check_steps(brain: Brain, name: str) -> None:
    """Refuse weights so large that a step could overflow the brain's dtype, and any brain whose probe round
    (every corner of the input square, a few steps each) gives a non-finite state or output."""
    big = np.finfo(brain.params[next(iter(brain.params))].dtype).max
    bounds = brain.pre_activation_bounds()
    for part, bound in bounds.items():
        if not bound < big / 4:
            raise BrainFileError(name, f"has weights so large that its {part} overflow {brain_dtype(brain)}")
    size = brain.input_size  # every corner of the input cube: 16 for four inputs, 32 for five
    corners = ((np.arange(2**size)[:, None] >> np.arange(size)[None, :]) & 1).astype(np.float64)
    with np.errstate(all="ignore"):
        for x in corners:
            brain.reset_state()
            for _ in range(3):
                brain.step(x.astype(brain_dtype(brain)))
                if not all(np.all(np.isfinite(v)) for v in brain.step_values()):
                    raise BrainFileError(name, "gives NaN or infinite values on a probe step")
    brain.reset_state()


def brain_dtype(brain: Brain) -> np.dtype:
    return brain.dtype


def meta_notice(name: str, dropped: list[str]) -> str | None:
    if not dropped:
        return None
    more = f" (and {len(dropped) - 2} more)" if len(dropped) > 2 else ""
    return str(BrainFileError(name, "loaded; ignored meta " + "; ".join(dropped[:2]) + more))


def read_arrays(data: bytes, name: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays of an .npz, each checked from its header before any data is read, and its parsed meta."""
    if len(data) > MAX_FILE_BYTES:
        raise BrainFileError(name, f"is {len(data):,} bytes, more than any brain needs ({MAX_FILE_BYTES:,})")
    if data.startswith(TORCH_LEGACY_MAGIC):
        raise BrainFileError(name, TORCH_FILE)
    if not data.startswith(b"PK"):
        raise BrainFileError(name, "is not a brain file (not a NumPy .npz archive)")
    arrays: dict[str, np.ndarray] = {}
    meta_text = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if any(m.filename.rsplit("/", 1)[-1] == "data.pkl" for m in members):  # torch.save's zip layout
                raise BrainFileError(name, TORCH_FILE)
            if len(members) > MAX_MEMBERS:
                raise BrainFileError(name, f"has {len(members)} entries; a brain has at most 9")
            if sum(m.file_size for m in members) > MAX_FILE_BYTES:
                raise BrainFileError(name, "unpacks to more data than any brain needs")
            for member in members:
                key = member.filename.removesuffix(".npy")
                if key in arrays or (key == "meta" and meta_text is not None):
                    raise BrainFileError(name, f"has two entries named {printable(key, 40)!r}")
                with archive.open(member) as f:
                    value = read_member(f, key, name)
                if key == "meta":
                    meta_text = value
                else:
                    arrays[key] = value
    except BrainFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, KeyError,
            NotImplementedError, RuntimeError) as exc:  # zlib and zipfile report damage in several ways
        raise BrainFileError(name, f"is damaged or truncated ({type(exc).__name__}: {printable(exc, 80)})") from None
    except Exception as exc:  # any other failure inside zipfile/zlib on hostile bytes is still a damaged file
        raise BrainFileError(name, f"is damaged or truncated ({type(exc).__name__})") from None
    if meta_text is None:
        raise BrainFileError(name, "has no 'meta' entry (is it a brain file?)")
    if len(meta_text) > MAX_META_CHARS:
        raise BrainFileError(name, f"has a 'meta' entry of {len(meta_text):,} characters, more than {MAX_META_CHARS:,}")
    if nesting(meta_text) > MAX_META_DEPTH:
        raise BrainFileError(name, f"has a 'meta' entry nested more than {MAX_META_DEPTH} levels deep")
    try:
        meta = json.loads(meta_text, parse_constant=no_constant)
    except (ValueError, RecursionError):  # deep nesting makes the JSON parser give up with RecursionError
        raise BrainFileError(name, "has a 'meta' entry that is not valid JSON") from None
    if not isinstance(meta, dict):
        raise BrainFileError(name, "has a 'meta' entry that is not a JSON object")
    return arrays, meta


def nesting(text: Iterable[str]) -> int:
    """How deep the JSON text's arrays and objects nest (brackets inside strings do not count).

    One pass over the characters, each read once, so hostile text (a string that never closes, thousands of
    escaped quotes) costs what its length does: a scan that restarts at every quote would be quadratic."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")


def read_member(f, key: str, name: str) -> Any:
    """One .npy member: refuse object arrays, odd dtypes and absurd shapes before reading the data."""
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    elif version in ((2, 0), (3, 0)):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    else:
        raise BrainFileError(name, f"array {printable(key, 40)!r} has an unknown .npy version {version}")
    shown = printable(key, 40)
    if dtype.hasobject:
        raise BrainFileError(name, f"array {shown!r} holds Python objects, which brain files may not")
    if any(side < 0 for side in shape):
        raise BrainFileError(name, f"array {shown!r} has a negative side in its shape")
    count = math.prod(shape)
    if key == "meta":
        if dtype.kind != "U" or shape != () or dtype.itemsize > 4 * MAX_META_CHARS:
            raise BrainFileError(name, "has a 'meta' entry that is not one JSON string of at most "
                                 f"{MAX_META_CHARS:,} characters")
    elif dtype.kind != "f" or dtype.itemsize not in (2, 4, 8):
        raise BrainFileError(name, f"array {shown!r} has dtype {printable(dtype, 30)}, not floating point")
    elif count * dtype.itemsize > MAX_FILE_BYTES:
        raise BrainFileError(name, f"array {shown!r} has an absurd size {printable(shape, 60)}")
    raw = f.read(count * dtype.itemsize)
    if len(raw) != count * dtype.itemsize:
        raise BrainFileError(name, f"array {shown!r} is truncated")
    value = np.frombuffer(raw, dtype=dtype)
    if key == "meta":
        codes = np.frombuffer(raw, dtype=np.dtype(np.uint32).newbyteorder(dtype.byteorder))
        if np.any(codes > 0x10FFFF):  # NumPy would make an invalid Python string of them
            raise BrainFileError(name, "has a 'meta' entry that is not valid text")
        return str(value[0])
    return value.reshape(shape, order="F" if fortran else "C")


# -- meta -----------------------------------------------------------------------------------------------------


class BadField(ValueError):
    """An optional meta field whose value the game cannot use (the field is then dropped)."""


def whole(value: Any, low: int = 0, high: int = MAX_COUNT) -> int:
    if type(value) is not int or not low <= value <= high:
        raise BadField(f"is not a whole number from {low:,} to {high:,}")
    return value


def number(value: Any, low: float = 0.0, high: float = math.inf, nullable: bool = True) -> float | int | None:
    if value is None and nullable:
        return None
    if type(value) not in (int, float) or not math.isfinite(value) or not low <= value <= high:
        raise BadField(f"is not a number from {low:g} to {high:g}" + (" or null" if nullable else ""))
    return value


def text(value: Any, limit: int = MAX_LABEL_CHARS) -> str:
    if not isinstance(value, str) or len(value) > limit or not value.isprintable():
        raise BadField(f"is not printable text of at most {limit:,} characters")
    return value


def grid_sizes(value: Any) -> list[list[int]]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_GRID_SIZES:
        raise BadField(f"is not a list of 1 to {MAX_GRID_SIZES} [width, height] pairs")
    for pair in value:
        if not (isinstance(pair, list) and len(pair) == 2
                and all(type(side) is int and MIN_SIDE <= side <= MAX_SIDE for side in pair)):
            raise BadField(f"is not a list of [width, height] pairs of whole numbers from {MIN_SIDE} to {MAX_SIDE}")
    return [list(pair) for pair in value]


def teacher(value: Any) -> str:
    if not isinstance(value, str) or value not in (*TEACHER_NAMES, CAUTIOUS):
        raise BadField(f"is not one of {', '.join((*TEACHER_NAMES, CAUTIOUS))}")
    return value


def task(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadField("is not an object")
    checks = {"name": lambda v: choice(v, ("seed", "chase", "pursuit")),
              "width": lambda v: whole(v, MIN_SIDE, MAX_SIDE), "height": lambda v: whole(v, MIN_SIDE, MAX_SIDE),
              "move_limit": lambda v: whole(v, 1, 10_000), "cats": cats, "mice": mice, "catching": flag,
              "sight": lambda v: choice(v, tuple(SIGHTS))}
    unknown = sorted(set(value) - set(checks))
    if unknown:
        raise BadField(f"has unknown key {printable(unknown[0], 40)!r}")
    clean = {}
    for key, check in checks.items():
        if key in value:
            try:
                clean[key] = check(value[key])
            except BadField as bad:
                raise BadField(f"key {key!r} {bad}") from None
    return clean


def choice(value: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise BadField(f"is not one of {', '.join(allowed)}")
    return value


def cats(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > 16 or not all(isinstance(c, str) and c in TRAINING_CATS
                                                                 for c in value):
        raise BadField(f"is not a list of cats from {', '.join(TRAINING_CATS)}")
    return list(value)


def mice(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > 16:
        raise BadField("is not a list of at most 16 mice")
    for mouse in value:
        text(mouse, 40)
    return list(value)


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadField("is not true or false")
    return value


def recipe(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or len(value) > MAX_RECIPE_KEYS:
        raise BadField(f"is not an object of at most {MAX_RECIPE_KEYS} settings")
    for key, item in value.items():
        text(key, 40)
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, str):
            text(item, 40)
        elif type(item) not in (int, float) or not math.isfinite(item):
            raise BadField(f"setting {printable(key, 40)!r} is not a number, text, true/false or null")
    return dict(value)


def exact(expected: Any) -> Any:
    def check(value: Any) -> Any:
        if value != expected or type(value) is not type(expected):
            raise BadField(f"is not {expected!r}")
        return value
    return check


# Every optional field the game, the page, the trainer's table or a save reads, with its check (docs/BRAINFILE.md).
OPTIONAL_META: dict[str, Any] = {
    "role": lambda v: choice(v, tuple(ROLE_ACTIONS)),
    "teacher": teacher,
    "grid_sizes": grid_sizes,
    "task": task,
    "training_games": whole,
    "training_seconds": lambda v: number(v, nullable=False),
    "training_seed": whole,
    "training_recipe": recipe,
    "command": lambda v: text(v, MAX_COMMAND_CHARS),
    "made_with": recipe,  # short texts: code version, NumPy, BLAS kernel (game/training/provenance.py)
    "heldout_mistakes_per_game": number,
    "exhaustive_mistakes": lambda v: None if v is None else whole(v),
    "agreement": lambda v: number(v, 0.0, 1.0),
    "value_optimal": lambda v: number(v, 0.0, 1.0),
    "post_metric": number,
    "post_loop_counter": whole,
    "fine_tuned_from": text,
    "fine_tune_updates": whole,
    "tuned": lambda v: None if v is None else text(v),
    "tuned_heldout_agreement": lambda v: number(v, 0.0, 1.0),
    "tuned_heldout_value_optimal": lambda v: number(v, 0.0, 1.0),
    "probe_cell_accuracy": lambda v: number(v, 0.0, 1.0),
    "probe_overlap": lambda v: number(v, 0.0, 1.0),
    "optimal_survival_share": lambda v: number(v, 0.0, 10.0),
    "chaser_escapes": lambda v: number(v, 0.0, 1.0),
}
DEFAULTS: dict[str, Any] = {"teacher": DEFAULT_TEACHER, "grid_sizes": [list(s) for s in DEFAULT_GRID_SIZES]}


def check_meta(meta: dict[str, Any], name: str) -> tuple[dict[str, Any], list[str]]:
    """Check every meta field; returns the clean meta (missing `teacher` and `grid_sizes` filled in with their
    defaults) and, for each unknown or bad optional field that was dropped, a few words saying which and why.
    A bad required field raises BrainFileError."""
    for key in REQUIRED_META:
        if key not in meta:
            raise BrainFileError(name, f"meta has no {key!r}")
    version = meta["format_version"]
    if type(version) is not int or version != FORMAT_VERSION:
        if version == FORMAT_VERSION or (isinstance(version, str) and version.strip() == str(FORMAT_VERSION)):
            shown = f"the string {version!r}" if isinstance(version, str) else json.dumps(version)  # "1", 1.0, true
            raise BrainFileError(name, f"meta 'format_version' must be the integer {FORMAT_VERSION}, not "
                                 f"{printable(shown, 40)}")
        raise BrainFileError(name, f"has format version {printable(repr(version), 40)}; this game reads version "
                             f"{FORMAT_VERSION}")
    arch = meta["architecture"]
    if not isinstance(arch, str) or arch not in ARCHITECTURES:
        raise BrainFileError(name, f"has unknown architecture {printable(repr(arch), 40)} (known: "
                             f"{', '.join(ARCHITECTURES)})")
    hidden = meta["hidden_size"]
    if type(hidden) is not int or not 1 <= hidden <= MAX_HIDDEN:
        raise BrainFileError(name, f"has hidden size {printable(repr(hidden), 40)}; this game plays 1 to {MAX_HIDDEN}")
    sight = meta.get("sight", DEFAULT_SIGHT)
    if not isinstance(sight, str) or sight not in SIGHTS:
        raise BrainFileError(name, f"has sight {printable(repr(sight), 40)}; this game has {', '.join(SIGHTS)}")
    if meta["input_features"] not in SIGHT_INPUTS.values():
        raise BrainFileError(name, f"expects inputs {printable(repr(meta['input_features']), 80)}; this game gives "
                             f"{list(FEATURES)} (or {list(SIGHT_FEATURES)} under fog and flicker)")
    if meta["input_features"] != SIGHT_INPUTS[sight]:
        raise BrainFileError(name, f"expects inputs {meta['input_features']} but names {sight} sight, whose "
                             f"inputs are {SIGHT_INPUTS[sight]}")
    role = meta.get("role", "mouse")
    if not isinstance(role, str) or role not in ROLE_ACTIONS:  # it decides the moves: never dropped
        raise BrainFileError(name, f"has role {printable(repr(role), 40)}; this game's brains play "
                             f"{' or '.join(ROLE_ACTIONS)}")
    moves = list(ROLE_ACTIONS[role])
    if meta["actions"] != moves or not all(isinstance(a, str) for a in meta["actions"]):
        whose = "this game uses" if role == "mouse" else f"a {role}'s brain in this game uses"
        raise BrainFileError(name, f"has actions {printable(repr(meta['actions']), 80)}; {whose} {moves}")
    clean: dict[str, Any] = {key: meta[key] for key in REQUIRED_META}
    shaping = brain_type(arch).shape_fields  # what shapes this type's arrays is as required as its size
    for key in shaping:
        if key not in meta:
            raise BrainFileError(name, f"meta has no {key!r}, which a {arch} brain needs")
        clean[key] = meta[key]
    if "sight" in meta:
        clean["sight"] = sight  # absent means classic (meta_sight), as in every file before sight presets
    if "room" in meta:  # where the brain plays: a bad one refuses the file rather than drop it
        try:
            clean["room"] = room_field(meta["room"])
        except BadField as bad:
            raise BrainFileError(name, f"meta 'room' {bad}") from None
    dropped: list[str] = []
    for key, value in meta.items():
        if key in REQUIRED_META or key in ("sight", "room") or key in shaping:
            continue
        check = OPTIONAL_META.get(key)
        if key == "teacher" and role == "cat":
            check = cat_teacher
        if check is None:
            dropped.append(f"{printable(key, 40)!r} (unknown field)")
            continue
        try:
            clean[key] = check(value)
        except BadField as bad:
            dropped.append(f"{key!r} ({bad})")
    if clean.get("teacher") == CAUTIOUS and sight == DEFAULT_SIGHT:
        del clean["teacher"]  # the cautious teacher decides from B, which classic sight does not keep
        dropped.append("'teacher' (cautious is for fog and flicker sight)")
    for key, value in DEFAULTS.items():
        if key == "teacher" and role == "cat":
            value = CAT_TEACHERS[0]
        clean.setdefault(key, [list(v) for v in value] if isinstance(value, list) else value)
    return clean, dropped


def cat_teacher(value: Any) -> str:
    return choice(value, CAT_TEACHERS)


def file_role(path: str | os.PathLike) -> str | None:
    """Which animal the brain in this file plays ("mouse" when its meta says none), or None when the file cannot
    be read as a brain file (loading it then says why)."""
    kind = file_kind(path)
    return None if kind is None else kind[0]


def file_kind(path: str | os.PathLike) -> tuple[str, str] | None:
    """The animal the brain in this file plays and the sight preset it was trained for, or None when the file
    cannot be read as a brain file. Remembered per file version, so a list of brains can be sorted every time it
    is shown."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return _file_kind(os.fspath(path), info.st_mtime_ns, info.st_size)


# The brain files a game lists from its folders (weights/, user_brains/). Each is opened and checked once per
# version (size and mtime) and remembered, so the cache holds the whole list with room for files that changed.
MAX_LISTED_FILES = 256


def listed_files(folders: list[Path]) -> tuple[list[Path], int]:
    """The .npz files of the folders, each folder's sorted by name: all of the first folders', and when the
    total passes MAX_LISTED_FILES only the newest (by mtime) of the later ones. Returns the files and how many
    were left out. Only names and stat()s are read here, never a file's contents."""
    files: list[Path] = []
    left_out = 0
    for folder in folders:
        found = sorted(folder.glob("*.npz")) if folder.is_dir() else []
        room = max(0, MAX_LISTED_FILES - len(files))
        if len(found) > room:
            newest = sorted(found, key=_mtime, reverse=True)[:room]
            left_out += len(found) - room
            found = sorted(newest)
        files += found
    return files, left_out


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -math.inf


def file_room(path: str | os.PathLike) -> str | None:
    """The name of the room the brain in this file was trained for; None for the open board or a file that
    cannot be read as a brain file. Remembered per file version, as file_kind."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return _file_room(os.fspath(path), info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=2 * MAX_LISTED_FILES)
def _file_room(path: str, mtime_ns: int, size: int) -> str | None:
    try:
        room = meta_room(load_brain(path, role=None, sight=None).meta)
    except BrainFileError:
        return None
    return None if room is None else room.name


@functools.lru_cache(maxsize=2 * MAX_LISTED_FILES)
def _file_kind(path: str, mtime_ns: int, size: int) -> tuple[str, str] | None:
    try:
        brain = load_brain(path, role=None, sight=None)
    except BrainFileError:
        return None
    return brain.role, meta_sight(brain.meta)
