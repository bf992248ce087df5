"""Time to solve the pursuit game exactly (the optimal teacher and the perfect cat): `teachers.Pursuit(W, H)`.

    python bench/bench_pursuit.py [--repeat N]

A fresh Pursuit each time (not the cached `teachers.pursuit`). Best of N; one BLAS thread in a child beside.
"""

from __future__ import annotations

import time

from machine import measure_in_variants, table

SIZES = ((6, 6), (8, 8), (12, 12), (16, 16))
TARGET_16 = 2.0  # seconds for 16×16


def measure(repeat: int) -> dict[str, float]:
    from game.world.teachers import Pursuit

    out = {}
    for w, h in SIZES:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            Pursuit(w, h)
            best = min(best, time.perf_counter() - start)
        out[f"{w}x{h}"] = best
    return out


def main() -> None:
    results = measure_in_variants(
        __doc__, measure, 5, "bench_pursuit: solving teachers.Pursuit(W, H), best of {repeat}",
        ("game/world/teachers.py",),
    )
    if results is None:
        return
    headers = ["arena"] + [f"seconds ({name})" for name in results] + ["target (as is)"]
    rows = []
    for key in results["as is"]:
        seconds = results["as is"][key]
        target = "—" if key != "16x16" else ("≤ 2 s: yes" if seconds <= TARGET_16 else "≤ 2 s: no")
        rows.append([key.replace("x", "×")] + [f"{r[key]:.4f}" for r in results.values()] + [target])
    print(table(headers, rows))


if __name__ == "__main__":
    main()
