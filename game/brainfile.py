"""Brain files: a NumPy .npz of float arrays plus a `meta` JSON string, read with allow_pickle=False.

Every way a file can be wrong ends in one BrainFileError whose message names the file and the problem, so a
running game can show it and keep the brain it had. Saving is atomic and never replaces a file unless asked.
This module imports no pygame.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .brain_np import ACTIONS, FEATURES, LSTMBrain, PostBrain

FORMAT_VERSION = 1
ARCHITECTURES = ("lstm", "post_rnn")
MAX_FILE_BYTES = 16 * 1024 * 1024  # a 1,024-unit LSTM is ~17 MB of float32; ours are kilobytes
MAX_HIDDEN = 1024
MAX_META_CHARS = 64 * 1024
REQUIRED_META = ("format_version", "architecture", "hidden_size", "input_features", "actions")


class BrainFileError(ValueError):
    """A brain file that cannot be used; str() is one line naming the file and the problem."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name, self.problem = name, problem


def array_shapes(arch: str, hidden: int, inputs: int = 4, actions: int = 4) -> dict[str, tuple[int, ...]]:
    """The arrays a brain of this architecture and size must hold, with their shapes."""
    H, I, A = hidden, inputs, actions
    if arch == "lstm":
        return {
            "lstm.weight_ih_l0": (4 * H, I),
            "lstm.weight_hh_l0": (4 * H, H),
            "lstm.bias_ih_l0": (4 * H,),
            "lstm.bias_hh_l0": (4 * H,),
            "head.weight": (A, H),
            "head.bias": (A,),
        }
    return {"synapse_0": (I, H), "synapse_h": (H, H), "synapse_1": (H, 1)}


def brain_meta(brain: LSTMBrain | PostBrain, **fields: Any) -> dict[str, Any]:
    """The meta a brain file carries, with the fields every file needs filled in from the brain."""
    meta: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "architecture": brain.arch,
        "hidden_size": brain.hidden_size,
        "input_features": list(FEATURES),
        "actions": list(ACTIONS),
        "grid_sizes": [[6, 6]],
        "teacher": "post",
        "training_games": 0,
        "heldout_mistakes_per_game": None,
    }
    meta.update(getattr(brain, "meta", {}) or {})
    meta.update(fields)
    meta["format_version"], meta["architecture"], meta["hidden_size"] = FORMAT_VERSION, brain.arch, brain.hidden_size
    return meta


def brain_bytes(brain: LSTMBrain | PostBrain, meta: dict[str, Any] | None = None) -> bytes:
    """The brain as the bytes of a brain file."""
    meta = brain_meta(brain, **(meta or {}))
    arrays = {name: np.asarray(value) for name, value in brain.params.items()}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, meta=np.array(json.dumps(meta, sort_keys=True)), **arrays)
    return buffer.getvalue()


def write_atomic(path: str | os.PathLike, data: bytes, overwrite: bool = False) -> Path:
    """Write bytes to path all at once: a temporary file beside it, flushed, then renamed into place."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path}: already exists; not overwritten")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = open_part_file(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if not overwrite and path.exists():
            raise FileExistsError(f"{path}: already exists; not overwritten")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def open_part_file(path: Path) -> tuple[int, str]:
    """A new, exclusive temporary file beside `path`, with the permissions the user's umask gives new files
    (mkstemp's would be owner-only)."""
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"{path}: no free temporary name beside it")


def save_brain(
    brain: LSTMBrain | PostBrain,
    path: str | os.PathLike,
    meta: dict[str, Any] | None = None,
    overwrite: bool = False,
) -> Path:
    """Save a brain file atomically; refuses to replace an existing file unless overwrite=True."""
    return write_atomic(path, brain_bytes(brain, meta), overwrite=overwrite)


def load_brain(path: str | os.PathLike) -> LSTMBrain | PostBrain:
    """Load a brain file; any problem raises BrainFileError naming the file."""
    name = str(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise BrainFileError(name, f"is {size:,} bytes, more than any brain needs ({MAX_FILE_BYTES:,})")
        with open(path, "rb") as f:
            data = f.read()
    except BrainFileError:
        raise
    except OSError as exc:
        raise BrainFileError(name, f"cannot be read ({exc.strerror or exc})") from None
    except ValueError:  # e.g. a path with a NUL byte in it
        raise BrainFileError(name, "is not a usable file path") from None
    return load_brain_bytes(data, name)


def load_brain_bytes(data: bytes, name: str = "brain file") -> LSTMBrain | PostBrain:
    """Load a brain from the bytes of a brain file (an upload in the browser, say)."""
    arrays, meta = read_arrays(data, name)
    arch = check_meta(meta, name)
    hidden = meta["hidden_size"]
    expected = array_shapes(arch, hidden)
    missing = sorted(set(expected) - set(arrays))
    if missing:
        raise BrainFileError(name, f"is missing array {missing[0]!r} that a {arch} brain needs")
    extra = sorted(set(arrays) - set(expected))
    if extra:
        raise BrainFileError(name, f"has array {extra[0]!r} that a {arch} brain does not have")
    for key, shape in expected.items():
        value = arrays[key]
        if value.shape != shape:
            raise BrainFileError(
                name, f"array {key!r} has shape {value.shape} but a hidden size of {hidden} needs {shape}"
            )
        if not np.all(np.isfinite(value)):
            raise BrainFileError(name, f"array {key!r} holds NaN or infinite values")
    if arch == "lstm":
        brain: LSTMBrain | PostBrain = LSTMBrain(hidden)
        for key in expected:
            brain.params[key][...] = arrays[key]
        brain.changed()
    else:
        brain = PostBrain(hidden)
        for key in expected:
            brain.params[key][...] = arrays[key]
    brain.meta = meta
    return brain


def read_arrays(data: bytes, name: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays of an .npz, each checked from its header before any data is read, and its parsed meta."""
    if len(data) > MAX_FILE_BYTES:
        raise BrainFileError(name, f"is {len(data):,} bytes, more than any brain needs ({MAX_FILE_BYTES:,})")
    if not data.startswith(b"PK"):
        raise BrainFileError(name, "is not a brain file (not a NumPy .npz archive)")
    arrays: dict[str, np.ndarray] = {}
    meta_text = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > 4 * MAX_FILE_BYTES:
                raise BrainFileError(name, "unpacks to more data than any brain needs")
            for member in members:
                key = member.filename.removesuffix(".npy")
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
        raise BrainFileError(name, f"is damaged or truncated ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # any other failure inside zipfile/zlib on hostile bytes is still a damaged file
        raise BrainFileError(name, f"is damaged or truncated ({type(exc).__name__})") from None
    if meta_text is None:
        raise BrainFileError(name, "has no 'meta' entry (is it a brain file?)")
    try:
        meta = json.loads(meta_text)
    except (ValueError, RecursionError):  # deep nesting makes the JSON parser give up with RecursionError
        raise BrainFileError(name, "has a 'meta' entry that is not valid JSON") from None
    if not isinstance(meta, dict):
        raise BrainFileError(name, "has a 'meta' entry that is not a JSON object")
    return arrays, meta


def read_member(f, key: str, name: str) -> Any:
    """One .npy member: refuse object arrays, odd dtypes and absurd shapes before reading the data."""
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    elif version in ((2, 0), (3, 0)):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    else:
        raise BrainFileError(name, f"array {key!r} has an unknown .npy version {version}")
    if dtype.hasobject:
        raise BrainFileError(name, f"array {key!r} holds Python objects, which brain files may not")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if key == "meta":
        if dtype.kind != "U" or shape != () or dtype.itemsize > 4 * MAX_META_CHARS:
            raise BrainFileError(name, "has a 'meta' entry that is not one JSON string")
    elif dtype.kind != "f" or dtype.itemsize not in (2, 4, 8):
        raise BrainFileError(name, f"array {key!r} has dtype {dtype}, not floating point")
    elif count > MAX_FILE_BYTES // 2:
        raise BrainFileError(name, f"array {key!r} has an absurd size {shape}")
    raw = f.read(count * dtype.itemsize)
    if len(raw) != count * dtype.itemsize:
        raise BrainFileError(name, f"array {key!r} is truncated")
    value = np.frombuffer(raw, dtype=dtype)
    if key == "meta":
        return str(value[0])
    order = "F" if fortran else "C"
    return value.reshape(shape, order=order).astype(np.float64 if dtype.itemsize == 8 else np.float32)


def check_meta(meta: dict[str, Any], name: str) -> str:
    """Check the meta fields a loader relies on; returns the architecture."""
    for key in REQUIRED_META:
        if key not in meta:
            raise BrainFileError(name, f"meta has no {key!r}")
    version = meta["format_version"]
    if type(version) is not int or version != FORMAT_VERSION:
        raise BrainFileError(name, f"has format version {version!r}; this game reads version {FORMAT_VERSION}")
    arch = meta["architecture"]
    if arch not in ARCHITECTURES:
        raise BrainFileError(name, f"has unknown architecture {arch!r} (known: {', '.join(ARCHITECTURES)})")
    hidden = meta["hidden_size"]
    if not isinstance(hidden, int) or isinstance(hidden, bool) or not 1 <= hidden <= MAX_HIDDEN:
        raise BrainFileError(name, f"has hidden size {hidden!r}; expected a whole number from 1 to {MAX_HIDDEN}")
    if meta["input_features"] != list(FEATURES):
        raise BrainFileError(name, f"expects inputs {meta['input_features']!r}; this game gives {list(FEATURES)}")
    if meta["actions"] != list(ACTIONS):
        raise BrainFileError(name, f"has actions {meta['actions']!r}; this game uses {list(ACTIONS)}")
    return arch
