"""Which sight rule makes memory matter? The cautious teacher with its memory (the belief B carried from move to
move) against the same teacher without it (B built afresh at every move from what the mouse sees now), under
candidate rules: how far the mouse sees (Chebyshev reach) and how often (every `beat` moves).

    python bench/bench_fog_rules.py [--rounds 2000]

No training: both mice are exact. The memoryless teacher is what a mouse with no memory can do at best by the
cautious rule (the largest guaranteed survival over what it knows now), so if it survives about as long as the
teacher with memory, no brain needs memory under that rule, and a memoryless net can match the LSTM. A rule is
one where memory matters when the memoryless teacher survives at least 10 % fewer moves against the perfect or
the greedy cat. 8×8, 40 moves, 2,000 held-out rounds per cat (the same starts and cat draws for both mice).
Writes bench/results/fog_rules.json.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from machine import ROOT, print_machine, table

from game.arena import Arena
from game.brains.tasks import HELDOUT_SEED
from game.world.cats import cat_moves
from game.world.sight import Belief, Sight, _bitboards, cat_reach, cautious_board_choice, cautious_moves

RULES = [Sight("fog r=2 (the preset)", 1, 2), Sight("fog r=1", 1, 1), Sight("fog r=3", 1, 3),
         Sight("fog r=2, every 2nd move", 2, 2), Sight("fog r=1, every 2nd move", 2, 1),
         Sight("fog r=3, every 2nd move", 2, 3), Sight("flicker (the preset)", 3, None),
         Sight("every 2nd move", 2, None)]
CATS = ("perfect", "greedy", "noisy")
WIDTH = HEIGHT = 8
MOVE_LIMIT = 40


def survival(sight: Sight, cat: str, rounds: int, memory: bool) -> float:
    """Mean mouse moves survived by the cautious teacher, with or without its memory, against one cat."""
    rng = np.random.default_rng([HELDOUT_SEED, 31, rounds])
    arena = Arena(WIDTH, HEIGHT, n=rounds, move_limit=MOVE_LIMIT)
    arena.rng = rng
    arena.reset()
    cat_rng = np.random.default_rng(HELDOUT_SEED + 1)
    belief = Belief(sight, WIDTH, HEIGHT, arena.mouse)
    everywhere = _bitboards(np.ones((1, WIDTH * HEIGHT), dtype=bool))
    for t in range(MOVE_LIMIT):
        arena.move_cat(cat_moves(cat, arena.cat, arena.mouse, WIDTH, HEIGHT, cat_rng))
        active = ~arena.done
        if not active.any():
            break
        if not memory:  # all it knows is what it sees now: the cat is anywhere but on the mouse
            cells = arena.mouse[:, 1] * WIDTH + arena.mouse[:, 0]
            belief.boards = everywhere & ~_bitboards(np.eye(WIDTH * HEIGHT, dtype=bool))[cells]
        belief.update(t, arena.cat, arena.mouse, active)
        moves, _ = cautious_board_choice(belief.boards, arena.mouse, WIDTH, HEIGHT)
        arena.move_mouse(moves)
    return float(arena.moves.mean())


def window_survival(sight: Sight, cat: str, rounds: int, window: int) -> float:
    """The cautious teacher remembering only its last `window` moves' sightings: at every move B is rebuilt from
    "anywhere but on the mouse" `window` moves ago, through what it saw at those moves (window 1: memoryless)."""
    rng = np.random.default_rng([HELDOUT_SEED, 31, rounds])
    arena = Arena(WIDTH, HEIGHT, n=rounds, move_limit=MOVE_LIMIT)
    arena.rng = rng
    arena.reset()
    cat_rng = np.random.default_rng(HELDOUT_SEED + 1)
    everywhere = _bitboards(np.ones((1, WIDTH * HEIGHT), dtype=bool))
    single = _bitboards(np.eye(WIDTH * HEIGHT, dtype=bool))
    seen: list[tuple[int, np.ndarray, np.ndarray]] = []  # (move, cat cells, mouse cells) at every move so far
    belief = Belief(sight, WIDTH, HEIGHT, arena.mouse)
    for t in range(MOVE_LIMIT):
        arena.move_cat(cat_moves(cat, arena.cat, arena.mouse, WIDTH, HEIGHT, cat_rng))
        active = ~arena.done
        if not active.any():
            break
        seen.append((t, arena.cat.copy(), arena.mouse.copy()))
        kept = seen[-window:]
        mouse_then = kept[0][2]  # where the mouse was when its memory begins: the cat was not there
        boards = everywhere & ~single[mouse_then[:, 1] * WIDTH + mouse_then[:, 0]]
        for s, cat_s, mouse_s in kept:
            boards, _ = belief._next(boards, s, cat_s, mouse_s)
        moves, _ = cautious_board_choice(boards, arena.mouse, WIDTH, HEIGHT)
        arena.move_mouse(moves)
    return float(arena.moves.mean())


def direction_survival(cat: str, rounds: int, memory: bool) -> float:
    """The same, when at every move the mouse learns only the cat's direction: the signs of (cat − mouse) on each
    axis (eight compass points), never how far. B is the cells in that direction, intersected with where the cat
    could have moved from its last B (with memory) or not (without)."""
    rng = np.random.default_rng([HELDOUT_SEED, 31, rounds])
    arena = Arena(WIDTH, HEIGHT, n=rounds, move_limit=MOVE_LIMIT)
    arena.rng = rng
    arena.reset()
    cat_rng = np.random.default_rng(HELDOUT_SEED + 1)
    cells = WIDTH * HEIGHT
    xy = np.stack([np.arange(cells) % WIDTH, np.arange(cells) // WIDTH], axis=1)
    belief = np.ones((rounds, cells), dtype=bool)
    for _ in range(MOVE_LIMIT):
        arena.move_cat(cat_moves(cat, arena.cat, arena.mouse, WIDTH, HEIGHT, cat_rng))
        active = ~arena.done
        if not active.any():
            break
        heard = np.sign(arena.cat - arena.mouse)  # (N, 2)
        fits = np.all(np.sign(xy[None, :, :] - arena.mouse[:, None, :]) == heard[:, None, :], axis=2)
        belief = (cat_reach(belief, WIDTH, HEIGHT) & fits) if memory else fits
        arena.move_mouse(cautious_moves(belief, arena.mouse, WIDTH, HEIGHT))
    return float(arena.moves.mean())


def with_and_without(found: dict, name: str, survived) -> list[str]:
    """One rule's row: survival(cat, memory) with memory and without against each cat, into `found` and as cells."""
    cells = [name]
    for cat in CATS:
        kept, lost = survived(cat, True), survived(cat, False)
        found[cat] = {"memory": kept, "memoryless": lost, "fewer": 1 - lost / kept}
        cells.append(f"{kept:.2f} / {lost:.2f} ({(1 - lost / kept) * 100:+.1f} %)")
    found["memory matters"] = max(found[c]["fewer"] for c in ("perfect", "greedy")) >= 0.10
    cells.append("yes" if found["memory matters"] else "no")
    return cells


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=2000)
    a = p.parse_args()
    print_machine("bench_fog_rules: which sight rule makes memory matter? (the cautious teacher with and without "
                  "its memory)", ("game/world/sight.py",))
    rows, results = [], []
    for sight in RULES:
        found = {"rule": sight.name, "beat": sight.beat, "reach": sight.reach}
        rows.append(with_and_without(found, sight.name,
                                     lambda cat, memory, sight=sight: survival(sight, cat, a.rounds, memory)))
        results.append(found)
        print(" | ".join(rows[-1]), flush=True)
    found = {"rule": "direction", "beat": 1, "reach": None}
    rows.append(with_and_without(found, "direction only (8 compass points, every move)",
                                 lambda cat, memory: direction_survival(cat, a.rounds, memory)))
    results.append(found)
    print()
    print(table(["rule", *(f"vs {c} cat: with memory / without (fewer)" for c in CATS),
                 "≥ 10 % fewer vs perfect or greedy"], rows))
    windows = window_table(a.rounds)
    (ROOT / "bench" / "results" / "fog_rules.json").write_text(json.dumps({"rules": results, "windows": windows},
                                                                          indent=1))


def window_table(rounds: int) -> dict:
    """Per preset, the cautious teacher remembering its last k sightings (k = 1…8) beside full memory, against the
    perfect and greedy cats; the smallest k within 1 % of full memory against both."""
    presets = {"classic": Sight("classic"), "fog": Sight("fog", 1, 2), "flicker": Sight("flicker", 3)}
    rows, found = [], {}
    for name, sight in presets.items():
        full = {cat: survival(sight, cat, rounds, True) for cat in ("perfect", "greedy")}
        by_k = {k: {cat: window_survival(sight, cat, rounds, k) for cat in full} for k in range(1, 9)}
        enough = next((k for k in by_k if all(by_k[k][c] >= 0.99 * full[c] for c in full)), None)
        found[name] = {"full": full, "windows": by_k, "smallest": enough}
        rows.append([name, " ".join(f"{by_k[k]['perfect']:.2f}" for k in by_k), f"{full['perfect']:.2f}",
                     " ".join(f"{by_k[k]['greedy']:.2f}" for k in by_k), f"{full['greedy']:.2f}",
                     str(enough) if enough else "more than 8"])
        print(" | ".join(rows[-1]), flush=True)
    print()
    print(table(["preset", "vs perfect cat, k = 1 … 8", "full memory", "vs greedy cat, k = 1 … 8", "full memory",
                 "smallest k within 1 %"], rows))
    return found


if __name__ == "__main__":
    main()
