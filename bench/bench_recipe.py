"""The LSTM recipe across seeds, seed task (post's teacher): weights/README.md's table of how the recipe was found.

    python bench/bench_recipe.py [--seeds 6] [--hidden 32]

For each seed s: `train_lstm(LSTMBrain(H, seed=s), SEED_TASK, games=100_000, seed=s, eval_every=250)`, the
default recipe, never stopped early, so the curve also tells whether exact imitation (0 mistakes from all 1,296
starts) holds to the end. Game counts repeat run after run on the same NumPy and BLAS; seconds are training time
only and follow the machine's load.
"""

from __future__ import annotations

import argparse

from machine import print_machine, table

from game.brain_np import LSTMBrain
from game.brains.tasks import SEED_TASK
from game.training.trainers import Progress, train_lstm

GOAL = 0.5  # held-out mistakes per game
GAMES = 100_000


def seed_row(seed: int, hidden: int) -> list[str]:
    curve: list[Progress] = train_lstm(LSTMBrain(hidden, seed=seed), SEED_TASK, games=GAMES, seed=seed,
                                       eval_every=250)
    goal = next((p for p in curve if p.mistakes_per_game is not None and p.mistakes_per_game <= GOAL), None)
    exact = next((p for p in curve if p.exhaustive_mistakes == 0), None)
    for_good = next((p for p in curve if all(q.exhaustive_mistakes == 0 for q in curve if q.games >= p.games)),
                    None)
    return [str(seed),
            f"{goal.games:,}" if goal else "not reached", f"{goal.seconds:.2f}" if goal else "—",
            f"{exact.games:,}" if exact else "not reached", f"{exact.seconds:.2f}" if exact else "—",
            f"{for_good.games:,}" if for_good else f"no (end: {curve[-1].exhaustive_mistakes})",
            str(curve[-1].exhaustive_mistakes)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--hidden", type=int, default=32)
    args = parser.parse_args()
    print_machine(f"bench_recipe: the LSTM recipe ({args.hidden} units) on the seed task, {args.seeds} seeds",
                  ("game/brain_np.py", "game/training/trainers.py", "game/brains/tasks.py"))
    rows = [seed_row(s, args.hidden) for s in range(args.seeds)]
    print(table(["seed", f"games to ≤ {GOAL} mistakes/game", "training s", "games to exact",
                 "training s to exact", "exact for good from (games)", "mistakes at 100,000"], rows))


if __name__ == "__main__":
    main()
