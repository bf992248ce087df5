"""Play-time costs of the LSTM brain: one stateful step, and one fine-tuning update.

    python bench/bench_brain.py [--before REV] [--repeat N]

step:   LSTMBrain.step on one state (32 units, batch 1; gates, cell, head and the argmax choice).
update: loss_and_gradient over a 40-move round + Adam.step (global-norm clipping) + changed(), 32 units,
        at batch 1 and batch 16.
Each cost is the best over R rounds of N repeats; every round measures each version in a fresh child process,
the versions taking turns so that load from elsewhere on the shared machine hits them alike. --before REV also
times game/brain_np.py as it was at that git revision, with the ratio before/now. Every measurement is made as
the machine is, with one BLAS thread (the browser build has no threads), and with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset when this machine sets them.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
from machine import best_times, load_brain_module, print_machine, run_variant, table, variants

TARGETS = {"step": 8e-6, "update B=1": 0.6e-3, "update B=16": 1.2e-3}
HIDDEN, ROUND_MOVES = 32, 40


def cost_functions(module, tag: str) -> dict[str, object]:
    brain = module.LSTMBrain(HIDDEN, seed=0)
    x = np.array([0.2, 0.4, 0.6, 0.8], dtype=np.float32)
    brain.reset_state()
    fns = {f"{tag}|step": lambda: brain.step(x)}
    rng = np.random.default_rng(0)
    for batch in (1, 16):
        xs = rng.random((ROUND_MOVES, batch, 4), dtype=np.float32)
        labels = rng.integers(0, 4, size=(ROUND_MOVES, batch)).astype(np.int32)
        mask = np.ones((ROUND_MOVES, batch), dtype=bool)
        adam = module.Adam(brain.theta.size, lr=1e-4, clip=1.0)

        def update(brain=brain, xs=xs, labels=labels, mask=mask, adam=adam) -> None:
            _, grad = brain.loss_and_gradient(xs, labels, mask)
            adam.step(brain.theta, grad)
            brain.changed()

        fns[f"{tag}|update B={batch}"] = update
    return fns


def measure(version: str, repeat: int) -> dict[str, float]:
    if version == "now":
        from game import brain_np as module
    else:
        module = load_brain_module(version)
    return best_times(cost_functions(module, version), repeat)


def fmt(seconds: float) -> str:
    return f"{seconds * 1e6:.2f} µs" if seconds < 1e-4 else f"{seconds * 1e3:.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="git revision of game/brain_np.py to time side by side")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
        return
    print_machine(f"bench_brain: LSTM step and fine-tuning update (32 units), best of {args.rounds}×{args.repeat}")
    versions = ["now"] + ([args.before] if args.before else [])
    results: dict[str, dict[str, float]] = {name: {} for name, _ in variants()}
    for _ in range(args.rounds):
        for name, env in variants():
            for version in versions:
                child = json.loads(run_variant(sys.argv[0], ["--repeat", str(args.repeat), "--child", version], env))
                for key, seconds in child.items():
                    key = key.replace(f"{args.before}|", "before|") if args.before else key
                    results[name][key] = min(results[name].get(key, float("inf")), seconds)
    headers = ["cost", "target"]
    for name in results:
        headers += ([f"before ({name})"] if args.before else []) + [f"now ({name})"]
        headers += ["before/now"] if args.before else []
    headers.append("meets target (as is)")
    rows = []
    for cost, target in TARGETS.items():
        row = [cost, "≤ " + fmt(target)]
        for r in results.values():
            if args.before:
                row.append(fmt(r[f"before|{cost}"]))
            row.append(fmt(r[f"now|{cost}"]))
            if args.before:
                row.append(f"{r[f'before|{cost}'] / r[f'now|{cost}']:.2f}×")
        now = results["as is"][f"now|{cost}"]
        row.append("yes" if now <= target else f"no ({now / target:.2f}× target)")
        rows.append(row)
    print(table(headers, rows))


if __name__ == "__main__":
    main()
