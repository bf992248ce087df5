"""Does memory matter? Per sight preset, the shipped LSTM against the same LSTM with its state zeroed before every
step, a memoryless net of the same size trained the same way, and the cautious teacher itself.

    python bench/bench_memory.py

For each preset (classic, fog, flicker) on the 8×8 chase task (40 moves): agreement with the cautious teacher
over 2,000 held-out rounds (the four cats in turn, the mouse moving by its own choice: tasks.heldout_scores),
and mean moves survived against the perfect, the greedy and the noisy cat alone (tasks.survival, the same
held-out starts for every mouse). Under classic sight the cautious teacher is the optimal mouse, move for move
(tests/world/test_sight.py), so the classic LSTM is the shipped lstm32_optimal. The brains:
  (a) LSTM: weights/lstm32_{optimal,fog,flicker}.npz;
  (b) the same LSTM with h and c set to 0 before every step (a feed-forward net made of its weights);
  (c) memoryless: bench/results/mlp32_{classic,fog,flicker}.npz, one tanh layer of 32 units on the current
      input, trained by the LSTM's command with --arch mlp (same recipe, games and seed);
  (d) the cautious teacher moving the mouse (agreement 1 by definition).
Writes bench/results/memory.json.
"""

from __future__ import annotations

import json
import time

import numpy as np
from machine import ROOT, print_machine, table

from game.brain_np import Brain, LSTMBrain
from game.brains.brainfile import load_brain
from game.brains.tasks import CAUTIOUS, chase_task, play_figures, survival
from game.world.cats import CAT_NAMES

PRESETS = {"classic": "lstm32_optimal", "fog": "lstm32_fog", "flicker": "lstm32_flicker"}
SURVIVAL_CATS = ("perfect", "greedy", "noisy")


class ZeroedState:
    """An LSTM whose memory is wiped before every step: each step runs the cell from h = c = 0 (play's
    BrainStepper drives it as it drives any brain with a trace)."""

    def __init__(self, brain: LSTMBrain) -> None:
        self.brain, self.hidden_size = brain, brain.hidden_size

    def start(self, batch: int, steps: int) -> ZeroedState:
        return self

    def moves(self, x: np.ndarray, live: np.ndarray | None = None) -> np.ndarray:
        return self.brain.start(len(x), 1).moves(x)


def scores(brain: Brain | ZeroedState | None, sight: str, teacher: str) -> dict[str, float]:
    task = chase_task(8, 8, CAT_NAMES, 40, teacher, sight)
    figures = None if brain is None else play_figures(brain, task)
    out = {"agreement": 1.0 if figures is None else figures.agreement,
           "value_optimal": 1.0 if figures is None else figures.value_optimal}
    for cat in SURVIVAL_CATS:
        alone = chase_task(8, 8, (cat,), 40, teacher, sight)
        out[f"survival vs {cat}"] = survival(alone, brain, "teacher" if brain is None else "brain")
    return out


def main() -> None:
    print_machine("bench_memory: does the mouse's memory matter under fog and flicker?",
                  ("game/brains/tasks.py", "game/world/sight.py", "game/brain_np.py"))
    results: dict[str, dict[str, dict[str, float]]] = {}
    rows = []
    start = time.perf_counter()
    for sight, name in PRESETS.items():
        lstm = load_brain(ROOT / "weights" / f"{name}.npz", sight=sight)
        mlp = load_brain(ROOT / "bench" / "results" / f"mlp32_{sight}.npz", sight=sight)
        teacher = lstm.meta["teacher"]
        assert teacher == ("optimal" if sight == "classic" else CAUTIOUS)
        results[sight] = {
            "(a) LSTM": scores(lstm, sight, teacher),
            "(b) LSTM, state zeroed every step": scores(ZeroedState(lstm), sight, teacher),
            "(c) memoryless net": scores(mlp, sight, teacher),
            "(d) cautious teacher": scores(None, sight, teacher),
        }
        for mouse, s in results[sight].items():
            rows.append([sight, mouse, f"{100 * s['agreement']:.2f} %", f"{100 * s['value_optimal']:.2f} %"]
                        + [f"{s[f'survival vs {cat}']:.2f}" for cat in SURVIVAL_CATS])
        gap = results[sight]["(a) LSTM"]["agreement"] - results[sight]["(c) memoryless net"]["agreement"]
        rows.append([sight, "gap (a) − (c)", f"{100 * gap:.2f} points", "", "", "", ""])
    print(table(["sight", "mouse", "agreement with the cautious teacher", "value-optimal moves"]
                + [f"survival vs {cat} (of 40)" for cat in SURVIVAL_CATS], rows))
    print(f"\n{time.perf_counter() - start:.0f} s wall")
    path = ROOT / "bench" / "results" / "memory.json"
    path.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
