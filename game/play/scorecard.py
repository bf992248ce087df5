"""The player's score against par, round by round and for the session, and what the HUD says when the brain plays
where it was not trained. No pygame.

Par is the perfect cat's count against the optimal mouse from the round's start: a cat that plays perfectly
against a mouse that never slips scores exactly par. Under par is only possible when the mouse slips and the cat
takes the chance; over par is moves given away. A streak counts rounds in a row caught at or under par.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..world.rooms import Room


@dataclass
class Scorecard:
    rounds: int = 0
    caught: int = 0
    on_par: int = 0
    under_par: int = 0
    escaped: int = 0
    over_par_moves: int = 0  # moves given away over par, summed over caught rounds
    under_par_moves: int = 0  # moves won under par (the mouse's slips taken), summed
    streak: int = 0  # rounds in a row caught at or under par, up to now
    best_streak: int = 0

    def record(self, score: int | None) -> None:
        """A finished round: cat moves minus par when caught, None when the mouse escaped."""
        self.rounds += 1
        if score is None:
            self.escaped += 1
            self.streak = 0
            return
        self.caught += 1
        if score <= 0:
            self.streak += 1
            self.best_streak = max(self.best_streak, self.streak)
            self.on_par += score == 0
            self.under_par += score < 0
            self.under_par_moves += -score
        else:
            self.streak = 0
            self.over_par_moves += score

    @property
    def net(self) -> int:
        """Moves over par for the session (negative: under)."""
        return self.over_par_moves - self.under_par_moves

    def line(self) -> str:
        """The session in one line, for the panel."""
        if not self.rounds:
            return "Session: no rounds yet"
        net = "on par" if self.net == 0 else f"{abs(self.net)} {'over' if self.net > 0 else 'under'} par"
        parts = [f"{self.caught}/{self.rounds} caught", f"{self.on_par + self.under_par} at or under par"]
        if self.under_par:
            parts.append(f"{self.under_par} under (the brain slipped)")
        parts += [f"streak {self.streak} (best {self.best_streak})", net]
        return "Session: " + " · ".join(parts)

    def status(self) -> dict[str, Any]:
        """The scorecard as the page reads it."""
        return {"rounds": self.rounds, "caught": self.caught, "on_par": self.on_par, "under_par": self.under_par,
                "escaped": self.escaped, "streak": self.streak, "best_streak": self.best_streak, "net": self.net,
                "line": self.line()}


def untrained_note(meta: dict[str, Any], size: tuple[int, int], room: Room | None) -> str | None:
    """What the HUD says when the brain plays a room or a size it was not trained for, or None when it was."""
    named = meta.get("room")
    trained_room = None if named is None else named.get("name")
    here_room = None if room is None or room.is_open else room.name
    sizes = [tuple(s) for s in meta.get("grid_sizes") or ()]
    if trained_room != here_room:
        there = f"room {trained_room}" if trained_room else "the open board"
        here = f"room {here_room}" if here_room else "the open board"
        return f"brain trained for {there}, playing {here}"
    if here_room is None and sizes and tuple(size) not in sizes:
        w, h = sizes[0]
        return f"brain trained on {w}×{h}, playing {size[0]}×{size[1]}"
    return None
