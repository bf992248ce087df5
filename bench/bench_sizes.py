"""The post's size table redone for both networks: 16, 32, 64 and 128 hidden units on the seed task.

    python bench/bench_sizes.py [--sizes 16,32,64,128] [--post-cap GAMES] [--lstm-cap GAMES]

Post's network: train_post(faithful=True, seed 0), the post's own run, evaluated every 10,000 games, stopped when
its smoothed proxy is below 1.2 (within --post-cap games, default 1,000,000): games and seconds to the proxy 1.2
(the post's own figures beside) and the real held-out mistakes per game there. If that is above 0.5, the same
network goes on with the same SGD on fresh games (faithful=False, seed 1) until ≤ 0.5 or --post-more games
(default 300,000): games and seconds to ≤ 0.5 count both parts.
LSTM: train_lstm (default recipe, seed 0), evaluated every 500 games, stopped at ≤ 0.5 held-out mistakes per
game or at --lstm-cap games (default 100,000). Seconds are training time only (evaluation left out).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

from machine import ROOT, post_until, print_machine, table

from game.brain_np import LSTMBrain, PostBrain
from game.brains.tasks import SEED_TASK
from game.training.trainers import train_lstm, train_post

GOAL = 0.5
POST_FIGURES = {16: "716,342 (8 min 40 s)", 32: "239,721 (3 min 29 s)", 64: "216,513 (3 min 13 s)",
                128: "279,732 (5 min 45 s)"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16,32,64,128")
    parser.add_argument("--post-cap", type=int, default=1_000_000)
    parser.add_argument("--post-more", type=int, default=300_000)
    parser.add_argument("--lstm-cap", type=int, default=100_000)
    parser.add_argument("--save", default=str(ROOT / "bench" / "results" / "sizes.json"), help="curves as JSON")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print_machine("bench_sizes: games and seconds to the goal, by hidden units, seed task",
                  ("game/brain_np.py", "game/training/trainers.py", "game/brains/tasks.py"))
    rows, curves = [], {}
    wall = time.perf_counter()
    for H in sizes:
        net = PostBrain(H)
        post = train_post(net, SEED_TASK, games=args.post_cap, eval_every=10_000, seed=0, faithful=True)
        end = post[-1]
        post = post_until(net, post, GOAL, args.post_more)
        lstm = train_lstm(LSTMBrain(H), SEED_TASK, games=args.lstm_cap, eval_every=500, seed=0,
                          stop=lambda p: p.mistakes_per_game is not None and p.mistakes_per_game <= GOAL)
        curves[f"post{H}"], curves[f"lstm{H}"] = [asdict(p) for p in post], [asdict(p) for p in lstm]
        reached = end.loss < 1.2
        post_goal = next((p for p in post if p.mistakes_per_game <= GOAL), None)
        lstm_goal = next((p for p in lstm if p.mistakes_per_game <= GOAL), None)
        rows.append([
            str(H),
            (f"{end.games:,}, {end.seconds:.1f} s" if reached else f"not by {end.games:,} (proxy {end.loss:.2f})"),
            POST_FIGURES.get(H, "—"),
            f"{end.mistakes_per_game:.3f}",
            f"{post_goal.games:,}, {post_goal.seconds:.1f} s" if post_goal else
            f"not by {post[-1].games:,} ({post[-1].mistakes_per_game:.3f})",
            f"{lstm_goal.games:,}, {lstm_goal.seconds:.2f} s" if lstm_goal else
            f"not by {lstm[-1].games:,} ({lstm[-1].mistakes_per_game:.3f})",
            f"{post_goal.seconds / lstm_goal.seconds:.0f}×" if post_goal and lstm_goal else "—",
        ])
        print(f"done {H} units after {time.perf_counter() - wall:.0f} s", flush=True)
    print()
    print(table(["hidden", "post: games, s to proxy 1.2", "post's own figure", "post: mistakes/game there",
                 "post: games, s to ≤ 0.5", "LSTM: games, s to ≤ 0.5", "post s / LSTM s (≤ 0.5)"], rows))
    print(f"\nwhole run: {time.perf_counter() - wall:.0f} s wall clock (evaluations included)")
    Path(args.save).parent.mkdir(parents=True, exist_ok=True)
    Path(args.save).write_text(json.dumps(curves, default=float))
    print(f"curves: {args.save}")


if __name__ == "__main__":
    main()
