"""What the view draws, as one frozen picture of the game: built once a frame by Game.picture() and drawn at
once, so the view reads these fields and nothing else of the game. Plain data; no pygame."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

Cell = tuple[int, int]


def probe_line(grid: tuple[int, int]) -> str:
    """What the belief picture says when the brain's probe reads another arena than the one in play."""
    return f"probe trained on {grid[0]}×{grid[1]}"


@dataclass(frozen=True)
class SightPicture:
    """What the mouse sees of the cat (game/world/mouse_sight.py), as the player is shown it."""

    name: str  # the preset: classic, fog or flicker
    line: str  # what the mouse sees, in a few words
    sees: bool | None  # whether it saw the cat at its last move (None before its first)
    beat: int  # it may see the cat at its moves 0, beat, 2·beat, ...
    next_look: int  # its moves until the next such move (0: its next move is one)
    square: tuple[int, int, int, int] | None  # fog: the cells (x0, y0, x1, y1) it would see the cat in next
    show_belief: bool  # the belief picture is on (fog and flicker only)
    belief: np.ndarray | None  # B, (W·H,) bool, cells y·W + x: where the cat can be, given what the mouse saw
    believed: np.ndarray | None  # the brain's probe read from h: (W·H,) chances the cat may be there
    probe_elsewhere: tuple[int, int] | None = None  # the arena the brain's probe reads, when not this one


@dataclass(frozen=True)
class Picture:
    # the arena and the animals
    size: Cell  # arena width, height
    cat_cell: Cell
    mouse_cell: Cell
    cat_from: Cell  # where each started its glide
    mouse_from: Cell
    cat_trail: tuple[Cell, ...]
    mouse_trail: tuple[Cell, ...]
    caught: bool
    now: float  # game clock, seconds
    turn_time: float  # when the last turn began
    # the round
    round_number: int
    cat_moves_made: int  # the cat's moves so far: what the score counts against par
    moves_made: int  # mouse moves so far; the mouse escapes at move_limit
    move_limit: int
    par: int
    best: int | None  # this brain's best score over par this session
    over: bool
    over_time: float
    result: str
    result_score: int | None
    # the brain's last decision
    decision_cell: Cell | None
    brain_move: int | None
    teacher_move: int | None
    probabilities: np.ndarray
    readout: str | None
    memory: tuple[tuple[str, np.ndarray, str], ...]
    memory_title: str
    # the brain card
    brain_name: str
    brain_meta: dict[str, Any]
    brain_label: str
    hidden_size: int
    tuned_line: str | None
    tuned_updates: int
    heldout_now: float | None
    # agreement and learning
    teacher: str
    agreement: float | None
    value_optimal: float | None  # agreement's play twin: share of recent moves as good as the teacher's by value
    agreement_window: int
    curve: tuple[float, ...]
    curve_stride: int
    learning: bool  # on, with a learner
    learn_speed: int
    learn_budget_ms: float
    updates_per_round: float
    updates: int
    start_heldout: float | None
    fallbacks: int
    # modes, messages and timings
    watching: bool
    watch_cat: str | None
    watch_speed: str  # its name: ×1, ×4 or max
    rounds_per_second: float
    overlays: bool
    paused: bool
    help: bool
    message: str
    message_is_error: bool
    message_visible: bool
    step_ms: float
    update_ms: float
    frame_ms: float
    shown: frozenset[str] = frozenset()  # the overlays switched on, by name (ui/overlays.py)
    # watch mode's cat (watchcat.cat_picture), which the choices overlay draws too
    cat_label: str = "you"  # "you", "scripted: greedy" or a cat brain's file name
    cat_detail: str | None = None  # a cat brain in a few words
    cat_probabilities: np.ndarray | None = None  # a cat brain's eight moves' probabilities at its last move
    cat_move: int | None = None  # the watch cat's last move
    sight: SightPicture | None = None  # None: classic sight, drawn as before sight presets
    # the room
    room_rows: tuple[str, ...] | None = None  # the furniture's layout, rows top first (None: the open board)
    room_name: str = "open"
    untrained: str | None = None  # the HUD's line when the brain plays a room or size it was not trained for
    session_line: str = ""  # the player's session against par (play/scorecard.py)
