"""What a brain's hidden size costs the game, to choose brainfile.MAX_HIDDEN (the largest brain it plays).

    python bench/bench_hidden.py [--sizes 32,64,128,256,512,1024] [--frames 120]

Per LSTM size, one BLAS thread (as in the browser, which has no threads):
  step:    one LSTMBrain.step (batch 1), the cost of every mouse move;
  update:  the smallest learning update the learner can make: loss_and_gradient over one 40-move round,
           Adam.step and changed();
  load:    brainfile.load_brain of a saved file (read, checks, probe round): the swap's pause;
  frame:   median Game.update + View.draw with the brain's memory drawn, watch mode ×4, learning off.
A size is playable when a frame stays within the 4 ms frame target and the smallest update fits the largest
learning budget a frame gives (5 ms, learning speed 10), so learning never stalls a frame.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pygame  # noqa: E402
from machine import best_times, print_machine, table  # noqa: E402

from game.brain_np import Adam, LSTMBrain  # noqa: E402
from game.brains import brainfile  # noqa: E402
from game.play.app import LEARN_SPEED_MS, Game  # noqa: E402
from game.ui.view import DESIGN_H, DESIGN_W, View  # noqa: E402

FRAME_TARGET_MS = 4.0
LEARN_BUDGET_MS = 10 * LEARN_SPEED_MS


def frame_ms(path: Path, folder: Path, frames: int) -> float:
    game = Game(folder, None, brain_path=path, seed=0)
    game.set_watch("greedy")
    game.set_watch_speed(1)
    view = View(pygame.display.get_surface())
    spent = []
    for _ in range(frames):
        start = time.perf_counter()
        game.update(1 / 60)
        view.draw(game.picture())
        spent.append((time.perf_counter() - start) * 1e3)
    return float(np.median(spent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="32,64,128,256,512,1024")
    parser.add_argument("--frames", type=int, default=120)
    args = parser.parse_args()
    print_machine("hidden size: play, learning and swap costs", ("game/brain_np.py", "game/ui/view.py",
                                                              "game/brains/brainfile.py"))
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((DESIGN_W, DESIGN_H))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for hidden in (int(s) for s in args.sizes.split(",")):
            brain = LSTMBrain(hidden, seed=0)
            x = np.array([0.2, 0.4, 0.6, 0.8], dtype=np.float32)
            rng = np.random.default_rng(0)
            xs = rng.random((40, 1, 4), dtype=np.float32)
            labels = rng.integers(0, 4, size=(40, 1)).astype(np.int32)
            adam = Adam(brain.theta.size, lr=1e-4, clip=1.0)

            def update(brain=brain, xs=xs, labels=labels, adam=adam) -> None:
                _, grad = brain.loss_and_gradient(xs, labels)
                adam.step(brain.theta, grad)
                brain.changed()

            path = folder / f"lstm{hidden}.npz"
            if hidden <= brainfile.MAX_HIDDEN:
                path.write_bytes(brainfile.brain_bytes(brain))
            fns = {"step": lambda brain=brain, x=x: brain.step(x), "update": update}
            if path.exists():
                fns["load"] = lambda path=path: brainfile.load_brain(path)
            best = best_times(fns, repeat=3, min_seconds=0.1)
            frame = frame_ms(path, folder, args.frames) if path.exists() else float("nan")
            playable = frame <= FRAME_TARGET_MS and best["update"] * 1e3 <= LEARN_BUDGET_MS
            rows.append([str(hidden), f"{best['step'] * 1e6:.1f} µs", f"{best['update'] * 1e3:.2f} ms",
                         f"{best['load'] * 1e3:.1f} ms" if "load" in best else "refused",
                         f"{frame:.2f} ms" if frame == frame else "refused",
                         "yes" if playable else "no" if frame == frame else "(over the limit)"])
    print(table(["hidden", "step", "smallest update", "load (swap)", "frame (median)",
                 f"frame ≤ {FRAME_TARGET_MS:g} ms and update ≤ {LEARN_BUDGET_MS:g} ms"], rows))


if __name__ == "__main__":
    main()
