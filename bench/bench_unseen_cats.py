"""Brains against cats they never met: the share of moves that keep the largest guaranteed survival (the value-optimal
share: tasks.PlayFigures) and survival beside the teacher's, against the cats they trained with and against others.

    python bench/bench_unseen_cats.py [--brains lstm32_fog,lstm32_flicker] [--games 2000]

The other cats (cats.VARIANT_CAT_NAMES): greedy cats breaking their ties otherwise (the last nearest cell, a random
one, nearest by king moves in move order or at random) and the noisy cat slipping at 10 % and 50 % of its moves
instead of 25 %; each row says whether the brain trained with that cat (its meta's task cats).
8×8, 40 moves, held-out starts; each brain plays
under its own sight, against its own teacher's value. Target: ≥ 99.5 % of moves value-optimal against every cat.
Writes bench/results/unseen_cats.json.
"""

from __future__ import annotations

import argparse
import json

from machine import ROOT, print_machine, table

from game.brains.brainfile import load_brain, meta_sight
from game.brains.tasks import chase_task, play_figures
from game.world.cats import VARIANT_CAT_NAMES

TRAINED = ("perfect", "greedy", "noisy", "random")
TARGET = 0.995


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--brains", default="lstm32_fog,lstm32_flicker")
    p.add_argument("--games", type=int, default=2000)
    p.add_argument("--weights", default=str(ROOT / "weights"), help="folder of the brain files")
    a = p.parse_args()
    print_machine("bench_unseen_cats: brains against cats they never met", ("game/cats.py",))
    rows, found = [], {}
    for name in a.brains.split(","):
        brain = load_brain(f"{a.weights}/{name}.npz", sight=None)
        sight, teacher = meta_sight(brain.meta), brain.meta["teacher"]
        trained = tuple((brain.meta.get("task") or {}).get("cats") or TRAINED)
        for cat in (*TRAINED, *VARIANT_CAT_NAMES):
            figures = play_figures(brain, chase_task(8, 8, (cat,), 40, teacher, sight), games=a.games)
            seen = "trained with" if cat in trained else "unseen"
            found[f"{name} vs {cat}"] = {"value_optimal": figures.value_optimal, "survival": figures.survival[cat],
                                         "teacher_survival": figures.teacher_survival[cat], "seen": seen}
            ok = "ok" if figures.value_optimal >= TARGET else f"MISSED by {(TARGET - figures.value_optimal) * 100:.2f}"
            rows.append([name, cat, seen, f"{figures.value_optimal * 100:.2f} %", f"{figures.survival[cat]:.2f}",
                         f"{figures.teacher_survival[cat]:.2f}", f"{figures.share(cat) * 100:.1f} %", ok])
            print(" | ".join(rows[-1]), flush=True)
    print()
    print(table(["brain", "cat", "", "value-optimal moves", "survival", "teacher's", "share", "≥ 99.5 %"], rows))
    (ROOT / "bench" / "results" / "unseen_cats.json").write_text(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
