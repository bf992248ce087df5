"""Brains from PyTorch and back, in one call each: a `torch.nn.LSTM(4, H)` + `torch.nn.Linear(H, 4)` state dict
(keys `lstm.*` and `head.*`, as a module with attributes `lstm` and `head` names them) becomes a mouse's brain file,
the same with `torch.nn.Linear(H, 8)` and role="cat" a cat's (its eight king moves in the arena's order), and a
brain file becomes a state dict of NumPy arrays that `model.load_state_dict` takes after `torch.from_numpy`.

The game never imports torch: a tensor is read through `.detach().cpu().numpy()`, anything else through
`np.asarray`. Only this module's command line reads or writes `.pt` files, and imports torch there:

    python -m game.torch_brain --from-torch model.pt out.npz --teacher optimal --grid 8x8
    python -m game.torch_brain --from-torch cat.pt cat.npz --role cat --teacher perfect --grid 8x8
    python -m game.torch_brain --to-torch brain.npz model.pt

The teacher and the arena size are required: a brain file records what the mouse imitated and where (the loader
would otherwise take the post's teacher on 6×6, docs/BRAINFILE.md), and only the trainer knows.
"""

from __future__ import annotations

import argparse
import io
import os
import shlex
import sys
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..arena import parse_size
from ..brain_np import FEATURES, ROLES, LSTMBrain
from ..brains.brainfile import (
    CAT_TEACHERS,
    MAX_FILE_BYTES,
    MAX_HIDDEN,
    ROLE_ACTIONS,
    BrainFileError,
    brain_bytes,
    load_brain,
    load_brain_bytes,
    printable,
    read_regular,
    write_atomic,
)
from ..cli import Parser, argparse_type
from ..world.teachers import TEACHER_NAMES

TORCH_KEYS = tuple(LSTMBrain.array_shapes(1))  # the six names, in torch's order
Grid = tuple[int, int] | Sequence[tuple[int, int]]


def from_state_dict(
    state_dict: Mapping[str, Any],
    *,
    teacher: str,
    grid: Grid,
    path: str | os.PathLike | None = None,
    meta: Mapping[str, Any] | None = None,
    overwrite: bool = False,
    name: str | None = None,
    role: str = "mouse",
) -> LSTMBrain:
    """The brain a PyTorch LSTM(4, H) + Linear(H, 4) state dict describes (Linear(H, 8) for role="cat"), checked
    as the game's loader checks a file; saved to `path` (atomically, never over an existing file unless
    overwrite=True) when given.

    teacher: "post" or "optimal", the teacher the mouse imitated (the game's ghost arrow and live learning use
    it); for a cat, "perfect" (the perfect cat, the only teacher cats have).
    role: "mouse" (four moves: Up, Right, Down, Left) or "cat" (eight: Up, Up-Right, ... Up-Left).
    grid: the arena (width, height) it was trained on, like (8, 8), or a list of such pairs, the first played.
    meta: further optional meta fields (docs/BRAINFILE.md), e.g. {"training_games": 50000}.
    Raises BrainFileError, one line naming `name` (else `path`, else "state dict") and the problem."""
    shown = name if name is not None else os.fspath(path) if path is not None else "state dict"
    if role not in ROLES:
        raise BrainFileError(shown, f"role {printable(repr(role), 40)} is not one of {', '.join(ROLES)}")
    actions = ROLE_ACTIONS[role]
    arrays = state_arrays(state_dict, shown, len(actions))
    # Built in float64 so the loader sees the exact values (and says so if float32 cannot hold one), then
    # saved as the float32 brain the loader made.
    wide = LSTMBrain(arrays["lstm.weight_hh_l0"].shape[1], dtype=np.float64, actions=actions, role=role)
    for key, value in arrays.items():
        wide.params[key][...] = value
    wide.changed()
    fields = {"role": role, "teacher": teacher, "grid_sizes": grid_pairs(grid, shown), **(meta or {})}
    try:
        brain = load_brain_bytes(brain_bytes(wide, fields), shown, role=role)  # every check the game makes
    except BrainFileError as exc:
        raise BrainFileError(shown, exc.problem) from None
    if path is not None:
        write_atomic(path, brain_bytes(brain), overwrite=overwrite)
    return brain


def to_state_dict(brain: LSTMBrain | str | os.PathLike) -> dict[str, np.ndarray]:
    """A brain (or a brain file's path) as a PyTorch state dict of float32 NumPy arrays, keys `lstm.*`/`head.*`:
    `model.load_state_dict({k: torch.from_numpy(v) for k, v in to_state_dict(path).items()})`. A fog or flicker
    brain's LSTM has five inputs (torch.nn.LSTM(5, H)); a belief probe is the game's read-out, not part of it."""
    name = "brain"
    if isinstance(brain, str | os.PathLike):  # a cat's brain too (Linear(H, 8)), and any sight's
        name, brain = os.fspath(brain), load_brain(brain, role=None, sight=None)
    if brain.arch != "lstm":
        raise BrainFileError(name, f"is a {brain.arch} brain; only an LSTM brain is a torch.nn.LSTM + Linear")
    return {key: np.array(brain.params[key], dtype=np.float32) for key in TORCH_KEYS}


def state_arrays(state_dict: Mapping[str, Any], name: str, moves: int = 4) -> dict[str, np.ndarray]:
    """The six arrays, each a finite-sized float array of the shape an LSTM(4, H) + Linear(H, moves) gives it
    (four moves for a mouse, eight for a cat)."""
    if not isinstance(state_dict, Mapping):
        raise BrainFileError(name, f"is a {type(state_dict).__name__}, not a state dict (use model.state_dict())")
    missing = [key for key in TORCH_KEYS if key not in state_dict]
    if missing:
        found = ", ".join(printable(k, 40) for k in list(state_dict)[:3]) or "nothing"
        raise BrainFileError(name, f"has no {missing[0]!r} (it has {found}); the game plays a module whose "
                             f"torch.nn.LSTM(4, H) is called `lstm` and torch.nn.Linear(H, {moves}) `head`")
    extra = [key for key in state_dict if key not in TORCH_KEYS]
    if extra:
        raise BrainFileError(name, f"has {printable(extra[0], 40)!r}, which a one-layer torch.nn.LSTM(4, H) + "
                             f"torch.nn.Linear(H, {moves}) does not (no more layers, directions or projections)")
    arrays = {key: as_array(state_dict[key], key, name) for key in TORCH_KEYS}
    hh = arrays["lstm.weight_hh_l0"].shape
    if len(hh) != 2 or hh[0] != 4 * hh[1] or not 1 <= hh[1] <= MAX_HIDDEN:
        raise BrainFileError(name, f"'lstm.weight_hh_l0' has shape {hh}; an LSTM of H units (1 to {MAX_HIDDEN} "
                             "here) has (4H, H)")
    for key, shape in LSTMBrain.array_shapes(hh[1], actions=moves).items():
        if arrays[key].shape != shape:
            hint = f" (the mouse sees {len(FEATURES)} inputs)" if key == "lstm.weight_ih_l0" else ""
            if key.startswith("head.") and arrays[key].shape[:1] == (12 - moves,):  # 4 for 8, or 8 for 4
                hint = (" (a cat has 8 moves: pass role='cat', --role cat)" if moves == 4 else
                        " (a mouse has 4 moves: a cat's head is Linear(H, 8))")
            raise BrainFileError(name, f"{key!r} has shape {arrays[key].shape} but an LSTM of {hh[1]} units "
                                 f"needs {shape}{hint}")
    return arrays


def as_array(value: Any, key: str, name: str) -> np.ndarray:
    """A tensor (through .detach().cpu()) or anything np.asarray takes, as a floating-point array. A tensor
    with no plain values to read (on the meta device, sparse, quantized) is refused in one line."""
    if hasattr(value, "detach"):
        odd = ("on the meta device (it holds no values)" if getattr(value, "is_meta", False) else
               "quantized" if getattr(value, "is_quantized", False) else
               f"{printable(value.layout, 30)}, not dense" if str(getattr(value, "layout", "torch.strided"))
               != "torch.strided" else None)
        if odd is not None:
            raise BrainFileError(name, f"{key!r} is a tensor {odd}; save the model's plain float tensors")
        try:
            value = value.detach().cpu()
            try:
                value = value.numpy()
            except TypeError:  # bfloat16 has no NumPy type; float32 holds every bfloat16 exactly
                value = value.float().numpy()
        except Exception as exc:  # any other tensor torch cannot hand over as an array
            raise BrainFileError(name, f"{key!r} cannot be read as an array ({type(exc).__name__})") from None
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise BrainFileError(name, f"{key!r} is not an array ({printable(exc, 60)})") from None
    if array.dtype.kind != "f":
        raise BrainFileError(name, f"{key!r} has dtype {array.dtype}, not floating point")
    return array


def grid_pairs(grid: Grid, name: str) -> list[list[Any]]:
    """(8, 8) or [(8, 8), (6, 6)] as the meta's list of [width, height] pairs (their sides are checked with
    the meta)."""
    def pair(value: Any) -> list[Any]:
        if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
            raise BrainFileError(name, f"grid {printable(repr(grid), 60)} is not (width, height) like (8, 8) or a "
                                 "list of such pairs")
        return [int(side) if isinstance(side, np.integer) else side for side in value]

    single = isinstance(grid, Sequence) and len(grid) == 2 and not isinstance(grid[0], Sequence | str)
    return [pair(grid)] if single else [pair(value) for value in (grid if isinstance(grid, Sequence) else [grid])]


# -- command line (the only place torch is imported) ---------------------------------------------------------


# torch.load(weights_only=True) before 2.6 can be made to run code (CVE-2025-32434), and before 2.10 too
# (CVE-2026-24747): an older torch is refused rather than trusted with a file from anywhere.
MIN_TORCH = (2, 10)


def import_torch(path: str, doing: str) -> Any:
    """torch, imported here only; one line naming the file when it is missing or too old to trust."""
    try:
        import torch
    except ImportError:
        raise BrainFileError(path, f"{doing} a .pt file needs PyTorch, which is not installed "
                             f"(python -m pip install 'torch>={MIN_TORCH[0]}.{MIN_TORCH[1]}')") from None
    if torch_version(getattr(torch, "__version__", "")) < MIN_TORCH:
        raise BrainFileError(path, f"PyTorch {printable(torch.__version__, 20)} is older than "
                             f"{MIN_TORCH[0]}.{MIN_TORCH[1]}, whose torch.load can be made to run code; upgrade it")
    return torch


def torch_version(text: str) -> tuple[int, int]:
    """(major, minor) of a version like 2.13.0+cpu; (0, 0) when unreadable (then it is refused)."""
    parts = text.split(".")
    try:
        return int(parts[0]), int("".join(ch for ch in parts[1] if ch.isdigit()) or "x")
    except (IndexError, ValueError):
        return 0, 0


def read_torch_file(path: str) -> Any:
    """torch.load of a .pt with weights_only (a file of tensors cannot run code). Only a regular file of at most
    MAX_FILE_BYTES is read (a FIFO would block for ever), and a zip's members are proved to unpack to no more than
    that before torch inflates them (a deflate bomb)."""
    torch = import_torch(path, "reading")
    data = read_regular(path, path)
    if len(data) > MAX_FILE_BYTES:
        raise BrainFileError(path, f"is more than {MAX_FILE_BYTES:,} bytes, more than any brain's state dict")
    check_unpacked_size(data, path)
    try:
        loaded = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except OSError as exc:
        raise BrainFileError(path, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    except Exception as exc:  # torch reports a pickled module, a damaged zip, ... each its own way
        if "weights only" in str(exc).lower() or "weights_only" in str(exc):
            raise BrainFileError(path, "holds more than tensors (a whole pickled model?); save "
                                 "model.state_dict() with torch.save instead") from None
        role = brain_file_role(path)
        if role is not None:
            flag = "--cat-brain" if role == "cat" else "--brain"
            raise BrainFileError(path, "is already a brain file, not a torch.save file; play it with "
                                 f"python game/main.py {flag} {shlex.quote(path)}") from None
        raise BrainFileError(path, f"is not a PyTorch file torch.load can read ({type(exc).__name__}: "
                             f"{printable(str(exc).splitlines()[0] if str(exc) else '', 80)})") from None
    return loaded.state_dict() if hasattr(loaded, "state_dict") and callable(loaded.state_dict) else loaded


def check_unpacked_size(data: bytes, path: str) -> None:
    """A zip (torch.save's format) whose members unpack to more than MAX_FILE_BYTES is refused, by unpacking
    them here a chunk at a time and stopping past the limit, whatever their headers claim."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return  # the older pickle format: its size is its length
    left = MAX_FILE_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                with archive.open(member) as f:
                    while chunk := f.read(min(left + 1, 1 << 16)):
                        left -= len(chunk)
                        if left < 0:
                            raise BrainFileError(path, f"unpacks to more than {MAX_FILE_BYTES:,} bytes, more than "
                                                 "any brain's state dict")
    except BrainFileError:
        raise
    except Exception as exc:  # zipfile and zlib report damage in several ways
        raise BrainFileError(path, f"is damaged or truncated ({type(exc).__name__})") from None


def brain_file_role(path: str) -> str | None:
    """The animal a brain file plays, or None when the file is not one."""
    try:
        return load_brain(path, role=None, sight=None).role
    except BrainFileError:
        return None


def write_torch_file(state: dict[str, np.ndarray], path: str, overwrite: bool) -> None:
    torch = import_torch(path, "writing")
    buffer = io.BytesIO()
    torch.save({key: torch.from_numpy(value) for key, value in state.items()}, buffer)
    write_atomic(path, buffer.getvalue(), overwrite=overwrite)


def teacher_name(text: str) -> str:
    if text not in (*TEACHER_NAMES, *CAT_TEACHERS):
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join((*TEACHER_NAMES, *CAT_TEACHERS))}")
    return text


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="python -m game.torch_brain",
        description="Turn a PyTorch state dict (torch.nn.LSTM(4, H) as `lstm`, torch.nn.Linear(H, 4) as `head`, "
                    "or Linear(H, 8) for a cat; saved with torch.save) into a brain file, or a brain file into one. "
                    "Needs PyTorch.",
    )
    way = p.add_mutually_exclusive_group(required=True)
    way.add_argument("--from-torch", nargs=2, metavar=("MODEL.pt", "OUT.npz"), help="state dict -> brain file")
    way.add_argument("--to-torch", nargs=2, metavar=("BRAIN.npz", "OUT.pt"), help="brain file -> state dict")
    p.add_argument("--teacher", type=teacher_name, help="with --from-torch, required: the teacher it imitated "
                   "(post: the post's still-cat teacher; optimal: the optimal mouse; for a cat, perfect)")
    p.add_argument("--role", choices=ROLES, default="mouse", help="with --from-torch: the animal it plays (mouse: "
                   "Linear(H, 4); cat: Linear(H, 8), the eight king moves Up, Up-Right, ... Up-Left; default mouse)")
    p.add_argument("--grid", type=argparse_type(parse_size), metavar="WxH",
                   help="with --from-torch, required: the arena it was trained on, 4 to 16 a side (the post's task "
                   "is 6x6)")
    p.add_argument("--overwrite", action="store_true", help="replace OUT if it exists (default: refuse)")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.from_torch:
            teachers = CAT_TEACHERS if args.role == "cat" else TEACHER_NAMES
            if args.teacher is None or args.grid is None:
                parser.error(f"--from-torch needs --teacher ({' or '.join(teachers)}) and --grid WxH")
            if args.teacher not in teachers:
                parser.error(f"a {args.role}'s --teacher is {' or '.join(teachers)}, not {args.teacher}")
            source, out = args.from_torch
            words = sys.argv[1:] if argv is None else argv
            command = printable("python -m game.torch_brain " + " ".join(shlex.quote(a) for a in words), 2000)
            brain = from_state_dict(read_torch_file(source), teacher=args.teacher, grid=args.grid, path=out,
                                    overwrite=args.overwrite, name=source, meta={"command": command},
                                    role=args.role)
            flag = "--cat-brain" if brain.role == "cat" else "--brain"
            print(f"{out}: a {brain.role}'s LSTM brain of {brain.hidden_size} units, teacher {args.teacher}, "
                  f"{args.grid[0]}x{args.grid[1]}; play it with: python game/main.py {flag} {shlex.quote(out)}")
        else:
            source, out = args.to_torch
            state = to_state_dict(source)
            write_torch_file(state, out, args.overwrite)
            moves, inputs = len(state["head.bias"]), state["lstm.weight_ih_l0"].shape[1]
            print(f"{out}: a state dict for torch.nn.LSTM({inputs}, H) as `lstm` and torch.nn.Linear(H, {moves}) as "
                  "`head`" + ("" if inputs == len(FEATURES) else " (inputs cat_seen, cat_x, cat_y, mouse_x, mouse_y; "
                              "the belief probe stays in the brain file)"))
    except (BrainFileError, OSError) as exc:  # each is one line naming the file
        parser.exit(1, f"{parser.prog}: error: {printable(exc, 300)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
