"""A headless practice session (game/play/practice.py) in the browser's Python, to measure what live learning gets
done there: the held-out agreement before and after, the updates made, and what learning took per frame.

Run by bench/wasm_learning.sh (by hand, never in CI) under native CPython and under Pyodide 0.27.7 (CPython
3.12, numpy 2.0.2: the browser's numpy under pygbag) in headless Chromium; it also runs alone from the repo root:

    python bench/wasm_learning.py [--brain lstm16_post] [--teacher optimal] [--cat clumsy] [--rounds 300]

In the browser the learner's clock is the wall clock (no CPU clock ticks there), as on the page. Prints one JSON
object: the session's results (as `main.py --headless --json` prints them), the frames' learning costs and the
platform.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(os.path.abspath(globals().get("__file__") or "wasm_learning.py")).parent
ROOT = HERE if (HERE / "game").is_dir() else HERE.parent  # mounted folder under the harness, or the repo
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from game.brains.learner import learning_clock  # noqa: E402
from game.play.app import Game  # noqa: E402
from game.play.practice import play_session  # noqa: E402


def frame_costs(game: Game) -> list[float]:
    """Record what learning took in each frame, on the learner's own clock (this thread's CPU time natively,
    the wall clock in the browser)."""
    costs: list[float] = []
    learn, clock = game._learn, learning_clock()

    def timed() -> None:
        began = clock()
        learn()
        costs.append((clock() - began) * 1e3)

    game._learn = timed
    return costs


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--brain", default="lstm16_post")
    p.add_argument("--teacher", default="optimal")
    p.add_argument("--cat", default="clumsy")
    p.add_argument("--rounds", type=int, default=300)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    began = time.perf_counter()
    game = Game(ROOT / "weights", None, brain_path=ROOT / "weights" / f"{a.brain}.npz", seed=a.seed,
                teacher=a.teacher, watch=a.cat)
    costs = frame_costs(game)
    result = play_session(game, a.rounds, learn=True, learn_speed=3, seed=a.seed, frames_budget=True)
    busy = np.array([c for c in costs if c > 0.01])
    budget = result["budget_ms"]
    result["frames_learning"] = {
        "clock": learning_clock().__name__, "frames": len(costs), "busy": len(busy),
        "median_ms": float(np.median(busy)), "p99_ms": float(np.percentile(busy, 99)), "max_ms": float(busy.max()),
        "over_budget": float(np.mean(np.array(costs) > budget)),
        "over_twice": float(np.mean(np.array(costs) > 2 * budget)),
        "updates_per_round": result["updates"] / max(result["rounds"], 1),
    }
    result["platform"] = {"python": platform.python_version(), "numpy": np.__version__, "system": sys.platform,
                          "machine": platform.machine(), "wall_s": time.perf_counter() - began}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
