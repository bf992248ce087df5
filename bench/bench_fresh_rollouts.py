"""The first rollouts of a fresh process, one by one: moves/s, CPU time in the program and in the kernel, and
page faults.

    python bench/bench_fresh_rollouts.py [--rollouts 4]

bench_rollout.py reports the best of several rollouts in a process that has already played others. A fresh
process (a training run's first rollouts, a benchmark's first) also pays for memory that is new to it: the
kernel's page faults. Each line here is one child process playing `--rollouts` rollouts in turn with a 32-unit
LSTM moving the mouse (the trace kept, as train.py keeps it), the chase task at 50,000 rounds and the fog task
at 10,000 (bench_rollout.py's tasks). A rollout's rounds are kept while the next plays, as in bench_rollout.py.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
from machine import print_machine, table

CASES = (("chase", 50_000), ("fog", 10_000))


def rollouts(task_name: str, n: int, count: int) -> list[dict[str, float]]:
    from game.brain_np import FEATURES, LSTMBrain
    from game.brains.tasks import chase_task, play
    from game.world.teachers import pursuit

    pursuit(8, 8)
    task = chase_task(8, 8, sight="fog" if task_name == "fog" else "classic")
    brain = LSTMBrain(32, seed=0, features=task.features if task_name == "fog" else FEATURES)
    out, rounds = [], None
    for r in range(count):
        before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        rounds = play(task, n, np.random.default_rng(r), brain, mouse="brain")
        wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
        out.append({"moves_per_s": int(rounds.mask.sum()) / wall, "user_s": after.ru_utime - before.ru_utime,
                    "sys_s": after.ru_stime - before.ru_stime, "faults": after.ru_minflt - before.ru_minflt})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rollouts", type=int, default=4)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(rollouts(args.child[0], int(args.child[1]), args.rollouts)))
        return
    print_machine("bench_fresh_rollouts: a fresh process's rollouts, one by one",
                  ("game/brain_np.py", "game/brains/tasks.py", "game/arena.py", "game/world/sight.py",
                   "game/world/rows.py"))
    rows = []
    for name, n in CASES:
        child = subprocess.run([sys.executable, sys.argv[0], "--rollouts", str(args.rollouts), "--child", name, str(n)],
                               check=True, capture_output=True, text=True)
        for k, run in enumerate(json.loads(child.stdout), start=1):
            rows.append([name, f"{n:,}", str(k), f"{run['moves_per_s'] / 1e6:.2f} M", f"{run['user_s']:.3f}",
                         f"{run['sys_s']:.3f}", f"{run['faults']:,}"])
    print(table(["task", "rounds N", "rollout", "moves/s (wall)", "user s", "kernel s", "page faults"], rows))


if __name__ == "__main__":
    main()
