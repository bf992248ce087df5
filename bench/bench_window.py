"""How wide a window does a feed-forward mouse need to play as well as the LSTM? Per sight preset, the windowed net
(game.brain_np.WindowBrain: the memoryless net given the round's last k inputs) for k = 1…8 against the LSTM.

    OPENBLAS_NUM_THREADS=1 nice -n 5 python bench/bench_window.py [--games 250000] [--train-only]

Every net has 32 hidden units and is trained by the memoryless baselines' command (weights/README.md: the chase task
on 8×8, the four cats, 40 moves, seed 0, the LSTM recipe) with `--arch window --window K` and a budget of --games
games; beside them one LSTM of 32 units per preset on the same command and the same budget, since the shipped LSTMs
had up to 2.3M games. A file already in bench/results/ is measured as it is (delete it to retrain); nothing here is
shipped to the game. Each mouse is measured on the same 2,000 held-out rounds per cat (the same starts and cat
draws for every mouse, tasks.survival): mean moves survived against the perfect, the greedy and the noisy cat;
and on the mixed held-out rounds of bench_memory (tasks.play_figures) the share of its moves that were
value-optimal (the cautious teacher's largest guaranteed survival under fog and flicker, the solved game's best
under classic) and agreement.

The smallest window that matches an LSTM is the smallest k whose survival against the perfect cat and against the
greedy cat are each at least 99 % of that LSTM's (within 1 %). Writes bench/results/window.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from bench_memory import SURVIVAL_CATS, scores  # one way of measuring a mouse for both benches
from machine import ROOT, print_machine, table

from game.brains.brainfile import load_brain
from game.training import train as trainer
from game.world.cats import CAT_NAMES

PRESETS = {"classic": "lstm32_optimal", "fog": "lstm32_fog", "flicker": "lstm32_flicker"}  # and the shipped LSTM
WINDOWS = tuple(range(1, 9))
MATCH_CATS = ("perfect", "greedy")  # a window matches when its survival against each is within MATCH of the LSTM's
MATCH = 0.01
RESULTS = ROOT / "bench" / "results"


def brain_path(sight: str, window: int | None, games: int) -> str:
    """bench/results/window32_k3_fog_100k.npz, or the same-budget LSTM's lstm32_fog_100k.npz."""
    kind = "lstm32" if window is None else f"window32_k{window}"
    return f"bench/results/{kind}_{sight}_{games // 1000}k"


def command(sight: str, window: int | None, games: int) -> list[str]:
    """The arguments of `python -m game.train` that make one of the bench's brains (the mlp32 baselines' recipe)."""
    arch = ["--arch", "lstm"] if window is None else ["--arch", "window", "--window", str(window)]
    prefix = brain_path(sight, window, games)
    return ["--task", "chase", "--size", "8", "--cats", ",".join(CAT_NAMES), "--sight", sight, *arch,
            "--hidden", "32", "--games", str(games), "--eval-every", "50000", "--seed", "0", "--quiet", "--force",
            "--no-plot", "--out", f"{prefix}.npz", "--curve", prefix]


def train_missing(games: int) -> dict[str, float]:
    """Train every brain of the bench not yet in bench/results/, one after another in this process; returns the CPU
    seconds of each (the whole command: training, its held-out evaluations, writing)."""
    cpu: dict[str, float] = {}
    for sight in reversed(PRESETS):  # flicker first: the preset where memory matters most
        for window in (None, *WINDOWS):
            path = ROOT / f"{brain_path(sight, window, games)}.npz"
            if path.exists():
                continue
            args = command(sight, window, games)
            print("python -m game.train " + " ".join(args), flush=True)
            start = time.process_time()
            trainer.main(args)
            cpu[path.name] = time.process_time() - start
            print(f"{path.name}: {cpu[path.name]:.1f} s CPU", flush=True)
    return cpu


def matches(mouse: dict[str, float], lstm: dict[str, float]) -> bool:
    return all(mouse[f"survival vs {cat}"] >= (1 - MATCH) * lstm[f"survival vs {cat}"] for cat in MATCH_CATS)


def smallest_window(windows: dict[int, dict[str, float]], lstm: dict[str, float]) -> int | None:
    return next((k for k, s in sorted(windows.items()) if matches(s, lstm)), None)


def measure(games: int) -> dict:
    results: dict = {"games": games, "match": f"survival vs {' and vs '.join(MATCH_CATS)} >= {1 - MATCH:.0%} of "
                     "the LSTM's", "presets": {}}
    rows = []
    for sight, shipped_name in PRESETS.items():
        shipped = load_brain(ROOT / "weights" / f"{shipped_name}.npz", sight=sight)
        teacher = shipped.meta["teacher"]
        same = load_brain(ROOT / f"{brain_path(sight, None, games)}.npz", sight=sight)
        mice: dict[str, dict[str, float]] = {
            f"LSTM, shipped ({shipped.meta['training_games']:,} games)": scores(shipped, sight, teacher),
            f"LSTM, {games:,} games": {**scores(same, sight, teacher),
                                       "training_seconds": same.meta["training_seconds"]},
        }
        windows: dict[int, dict[str, float]] = {}
        for k in WINDOWS:
            path = ROOT / f"{brain_path(sight, k, games)}.npz"
            if path.exists():
                brain = load_brain(path, sight=sight)
                windows[k] = mice[f"window k={k}"] = scores(brain, sight, teacher)
                windows[k]["training_seconds"] = brain.meta["training_seconds"]  # wall, evaluation excluded
        lstm_shipped, lstm_same = (mice[name] for name in list(mice)[:2])
        found = {"vs the same-budget LSTM": smallest_window(windows, lstm_same),
                 "vs the shipped LSTM": smallest_window(windows, lstm_shipped),
                 "windows measured": sorted(windows)}
        mice[f"{teacher} teacher"] = scores(None, sight, teacher)
        results["presets"][sight] = {"mice": mice, "smallest matching window": found}
        for mouse, s in mice.items():
            rows.append([sight, mouse, f"{100 * s['value_optimal']:.2f} %", f"{100 * s['agreement']:.2f} %"]
                        + [f"{s[f'survival vs {cat}']:.3f}" for cat in SURVIVAL_CATS]
                        + ["" if not mouse.startswith("window") else
                           "/".join("yes" if matches(s, lstm) else "no" for lstm in (lstm_same, lstm_shipped))])
        rows.append([sight, "smallest k matching", "", "", "", "", "",
                     " / ".join(str(found[key]) for key in ("vs the same-budget LSTM", "vs the shipped LSTM"))])
    print(table(["sight", "mouse", "value-optimal moves", "agreement"]
                + [f"survival vs {cat} (of 40)" for cat in SURVIVAL_CATS]
                + ["matches the same-budget / shipped LSTM"], rows))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--games", type=int, default=250_000, help="training games of every brain (250000)")
    parser.add_argument("--train-only", action="store_true", help="train what is missing, measure nothing")
    args = parser.parse_args()
    os.chdir(ROOT)  # the commands, and so the brains' meta, name their files from the repository's root
    print_machine("bench_window: the smallest window a feed-forward mouse needs to match the LSTM",
                  ("game/brain_np.py", "game/brains/tasks.py", "game/training/trainers.py"))
    start = time.perf_counter()
    cpu = train_missing(args.games)
    if cpu:
        print(f"trained {len(cpu)} brains in {sum(cpu.values()):.0f} s CPU")
    if args.train_only:
        return
    results = measure(args.games)
    results["training_cpu_seconds"] = cpu  # of the brains this run trained
    print(f"\n{time.perf_counter() - start:.0f} s wall")
    path = RESULTS / "window.json"
    path.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
