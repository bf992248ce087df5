"""The post's network with its SGD against our LSTM trainer, side by side in one run, on the seed task.

    python bench/bench_seed.py [--post-cap GAMES]

LSTM: 32 units, game/training/trainers.py's train_lstm with its default recipe, seed 0 (its learning rate
schedule follows the budget, so each budget is its own run):
  - run A, 100,000 games (the recipe's budget), evaluated every 500 games: games and seconds until held-out
    mistakes per game ≤ 0.5, and when exact imitation is reached and from when it holds to the end;
  - run B, 10 s of training, evaluated every 2,500 games: the first evaluation with exact imitation (0 mistakes
    over all 1,296 starts, tasks.exhaustive_mistakes), whether every later one stays 0, and the end figure;
  - run C, 60 s of training, evaluated every 20,000 games: the same at 60 s.
Post: 16 hidden units, train_post(faithful=True, seed 0), the post's own run, evaluated every 10,000 games until
its smoothed proxy is below 1.2; if it is not yet at ≤ 0.5 real mistakes per game there, the same network goes
on with the same SGD on fresh games (faithful=False, seed 1) until it is, or --post-cap more games. Its figures
at 10 s and 60 s are read from its curve (plain SGD has no schedule). Seconds are training time only
(the trainers leave evaluation out).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict

from machine import ROOT, post_until, print_machine, table

from game.brain_np import LSTMBrain, PostBrain
from game.brains.tasks import SEED_TASK
from game.training.trainers import Progress, train_lstm, train_post

GOAL = 0.5  # held-out mistakes per game


def first(curve: list[Progress], test) -> Progress | None:
    return next((p for p in curve if p.mistakes_per_game is not None and test(p)), None)


def at_budget(curve: list[Progress], seconds: float) -> Progress:
    """The last evaluation made within `seconds` of training time."""
    return [p for p in curve if p.seconds <= seconds][-1]


def fmt_point(p: Progress | None, what: str = "games") -> str:
    if p is None:
        return "not reached"
    return f"{p.games:,} games, {p.seconds:.2f} s" if what == "games" else f"{p.mistakes_per_game:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--post-cap", type=int, default=300_000,
                        help="most games for the post's network after its proxy reached 1.2")
    parser.add_argument("--save", default=str(ROOT / "bench" / "results" / "seed.json"), help="curves as JSON")
    args = parser.parse_args()
    print_machine("bench_seed: the post's network (16, SGD) against our LSTM (32, Adam) on the seed task",
                  ("game/brain_np.py", "game/training/trainers.py", "game/brains/tasks.py"))
    wall = time.perf_counter()
    run_a = train_lstm(LSTMBrain(32), SEED_TASK, games=100_000, eval_every=500, seed=0)
    run_b = train_lstm(LSTMBrain(32), SEED_TASK, seconds=10, eval_every=2_500, seed=0)
    run_c = train_lstm(LSTMBrain(32), SEED_TASK, seconds=60, eval_every=20_000, seed=0)
    post_net = PostBrain(16)
    post = train_post(post_net, SEED_TASK, eval_every=10_000, seed=0, faithful=True)
    at_proxy = post[-1]
    post = post_until(post_net, post, GOAL, args.post_cap)
    wall = time.perf_counter() - wall

    lstm_goal = first(run_a, lambda p: p.mistakes_per_game <= GOAL)
    post_goal = first(post, lambda p: p.mistakes_per_game <= GOAL)
    post_10, post_60 = at_budget(post, 10), at_budget(post, 60)

    def exact(run: list[Progress]) -> list[str]:
        """The table cells: when exact imitation was first reached and whether it held, and the target met."""
        hit = first(run, lambda p: p.exhaustive_mistakes == 0)
        if hit is None:
            return [f"not reached (end: {run[-1].exhaustive_mistakes})", "≤ 100,000 games, ≤ 5 s, stays", "no"]
        later = [p.exhaustive_mistakes for p in run if p.games > hit.games]
        settled = next((p for p in run if p.games >= hit.games
                        and all(q.exhaustive_mistakes == 0 for q in run if q.games >= p.games)), None)
        text = f"{hit.games:,} games, {hit.seconds:.2f} s"
        stays = all(m == 0 for m in later)
        # The target: exact within the budget and for good from then on (to the end of the run).
        met = "yes" if settled and settled.games <= 100_000 and settled.seconds <= 5 else "no"
        if stays:
            return [text + "; stays 0", "≤ 100,000 games, ≤ 5 s, stays", met]
        return [text + f"; later up to {max(later)}" + (
            f", 0 for good from {settled.games:,} games, {settled.seconds:.2f} s" if settled else ", not settled"),
            "≤ 100,000 games, ≤ 5 s, stays", met]

    speedup = "—"
    if lstm_goal and post_goal:
        ratio = post_goal.seconds / max(lstm_goal.seconds, 1e-9)
        speedup = ("yes" if lstm_goal.games <= 5000 and ratio >= 50 else "no") + f" ({ratio:.0f}× less time)"
    print(table(["measure", "post's network (16, SGD)", "our LSTM (32, Adam)", "target (LSTM)", "met"], [
        ["games, seconds to ≤ 0.5 mistakes/game", fmt_point(post_goal), fmt_point(lstm_goal) + " (run A)",
         "≤ 5,000 games; ≤ 1/50 of the post's seconds", speedup],
        ["post: proxy 1.2 reached at", f"{at_proxy.games:,} games, {at_proxy.seconds:.1f} s (post: 716,342)",
         "—", "—", "—"],
        ["post: real mistakes/game at proxy 1.2", f"{at_proxy.mistakes_per_game:.3f}", "—", "—", "—"],
        ["exact imitation (0 of 1,296 starts), run A (the recipe: 100,000 games)", "—", *exact(run_a)],
        ["exact imitation, 10 s run (schedule stretched over 10 s)", "—", *exact(run_b)],
        ["exact imitation, 60 s run", "—", *exact(run_c)],
        ["exhaustive mistakes after 100,000 games (run A)", "—", str(run_a[-1].exhaustive_mistakes), "—", "—"],
        ["mistakes/game (exhaustive) after 10 s",
         f"{post_10.mistakes_per_game:.3f} ({post_10.exhaustive_mistakes}) at {post_10.games:,} games",
         f"{run_b[-1].mistakes_per_game:.3f} ({run_b[-1].exhaustive_mistakes}) at {run_b[-1].games:,} games",
         "—", "—"],
        ["mistakes/game (exhaustive) after 60 s",
         f"{post_60.mistakes_per_game:.3f} ({post_60.exhaustive_mistakes}) at {post_60.games:,} games",
         f"{run_c[-1].mistakes_per_game:.3f} ({run_c[-1].exhaustive_mistakes}) at {run_c[-1].games:,} games",
         "—", "—"],
    ]))
    print(f"\nwhole run: {wall:.0f} s wall clock (evaluations included)")
    out = {"lstm_100k_games": [asdict(p) for p in run_a], "lstm_10s": [asdict(p) for p in run_b],
           "lstm_60s": [asdict(p) for p in run_c], "post16_faithful": [asdict(p) for p in post]}
    from pathlib import Path

    Path(args.save).parent.mkdir(parents=True, exist_ok=True)
    Path(args.save).write_text(json.dumps(out, default=float))
    print(f"curves: {args.save}")


if __name__ == "__main__":
    main()
