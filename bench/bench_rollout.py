"""Batched rollout speed: mouse moves per second of `tasks.play` over N rounds at once.

    python bench/bench_rollout.py [--repeat N]

Rules + teacher: the teacher moves the mouse (mouse="teacher"); the teacher still labels every state.
Brain-driven: a 32-unit LSTM moves the mouse (mouse="brain", keeping the trace for training, as train.py does);
the teacher labels every state too. On the seed task (6×6, still cat, post teacher, 10 moves), the chase
task (8×8, perfect/greedy/noisy/random cats in turn, optimal teacher, 40 moves, rounds end on a catch) and the
fog task (the chase task under fog sight: the belief B kept for every round, the cautious teacher, five
inputs); the fog rows are left out when the code measured has no sight (run from an older checkout).
Moves counted are mouse moves actually made (rounds.mask). Best of N; one BLAS thread in a child beside.
"""

from __future__ import annotations

import time

import numpy as np
from machine import measure_in_variants, table

TARGET = 1e6  # mouse moves per second


def tasks() -> list[tuple[object, tuple[str, ...], tuple[int, ...]]]:
    """(task, the brain's inputs, rounds N) to measure."""
    from game.brain_np import FEATURES
    from game.brains.tasks import SEED_TASK, chase_task

    out = [(SEED_TASK, FEATURES, (10_000, 100_000)), (chase_task(8, 8), FEATURES, (10_000, 50_000))]
    try:
        fog = chase_task(8, 8, sight="fog")
    except TypeError:  # code from before the sight presets
        return out
    return out + [(fog, fog.features, (10_000, 50_000))]


def measure(repeat: int) -> dict[str, float]:
    from game.brain_np import LSTMBrain
    from game.brains.tasks import play
    from game.world.teachers import pursuit

    pursuit(8, 8)  # solved once and cached, as in the game; bench_pursuit times the solve
    out = {}
    for task, inputs, sizes in tasks():
        brain = LSTMBrain(32, seed=0, features=inputs)
        name = task.name if getattr(task, "sight", "classic") == "classic" else task.sight
        for mouse in ("teacher", "brain"):
            for n in sizes:
                best = float("inf")
                for r in range(repeat):
                    start = time.perf_counter()
                    rounds = play(task, n, np.random.default_rng(r), brain, mouse=mouse)
                    best = min(best, (time.perf_counter() - start) / int(rounds.mask.sum()))
                out[f"{name}|{mouse}|{n}"] = 1.0 / best
    return out


def main() -> None:
    results = measure_in_variants(
        __doc__, measure, 3, "bench_rollout: tasks.play mouse moves per second, best of {repeat}",
        ("game/brain_np.py", "game/brains/tasks.py", "game/arena.py", "game/world/teachers.py", "game/world/cats.py",
         "game/world/sight.py", "game/world/rows.py"),
    )
    if results is None:
        return
    headers = ["task", "mouse", "rounds N"] + [f"moves/s ({name})" for name in results] + ["target ≥ 1 M/s (as is)"]
    rows = []
    for key in results["as is"]:
        task, mouse, n = key.split("|")
        label = "rules + teacher" if mouse == "teacher" else "LSTM 32 brain"
        rate = results["as is"][key]
        rows.append([task, label, f"{int(n):,}"] + [f"{r[key] / 1e6:.2f} M" for r in results.values()]
                    + ["yes" if rate >= TARGET else f"no ({rate / TARGET:.2f}× target)"])
    print(table(headers, rows))


if __name__ == "__main__":
    main()
