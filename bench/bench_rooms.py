"""Which rooms make a contest: scripted cats against the optimal mouse from every start, room by room.

    python bench/bench_rooms.py [ROOM_FILE ...]

With no files: the open 8×8 board, every shipped room (rooms/) and the rejected candidates
(bench/rooms_rejected/). Prints the markdown table of docs/ROOMS.md: per room its par distribution, the perfect
cat's catches within 40 mouse moves (escapes: starts it cannot catch from within the limit) and mean moves,
the straight chaser's and the greedy cat's catches and their moves against the perfect cat's on the starts both
caught, the share of starts a round deals (par ≥ 3), and whether the room passes: the perfect cat catches from
≥ 95 % of starts and the straight chaser needs ≥ 1.3× its moves or misses ≥ 20 %. Exact (no sampling): the
same on any machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.contest import room_contest  # noqa: E402
from game.rooms import load_room, open_room, room_named, room_names  # noqa: E402


def rows(rooms: list, label: str) -> list[str]:
    out = []
    for room in rooms:
        c = room_contest(room)
        p, s, g = (c.results[k] for k in ("perfect", "straight", "greedy"))
        bands = c.par_shares()
        par = " / ".join(f"{100 * bands[b]:.0f}" for b in ("1", "2", "3-5", "6-10", "11-20", ">20"))
        out.append(f"| {room.name} | {label} | {room.width}×{room.height} | {len(room.floor)} | {c.starts:,} | "
                   f"{par} | {100 * p.caught:.1f} % ({p.escapes}) | {p.mean_moves:.2f} | "
                   f"{100 * s.caught:.1f} % | {s.ratio:.2f}× | {100 * g.caught:.1f} % | {g.ratio:.2f}× | "
                   f"{100 * c.dealt_share:.0f} % | {'yes' if c.planning_pays else 'no'} |")
    return out


def main(argv: list[str]) -> int:
    print("| room | kind | size | floor | starts | par 1 / 2 / 3–5 / 6–10 / 11–20 / >20 (% of starts) | "
          "perfect cat caught (escapes) | perfect moves | straight chaser caught | straight moves × perfect | "
          "greedy caught | greedy × perfect | dealt (par ≥ 3) | contest |")
    print("|" + "---|" * 14)
    if argv:
        lines = rows([load_room(a) for a in argv], "file")
    else:
        lines = rows([open_room(8, 8)], "open")
        lines += rows([room_named(n) for n in room_names()[1:]], "shipped")
        lines += rows([load_room(p) for p in sorted((ROOT / "bench" / "rooms_rejected").glob("*.txt"))], "rejected")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
