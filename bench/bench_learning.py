"""Live learning, row by row: every shipped brain × each teacher × each cat, headless practice sessions.

Each session is `python game/main.py --headless --watch CAT --learn --rounds R --seed S --brain B --teacher T
--json` (the game's own learner, teacher, cats and frame budget), one process per session, a few at a time; a
fog or flicker brain plays under its preset (`--sight`), where the teacher is the cautious one. A row is one
brain, teacher and cat over several seeds, before → after, with the spread of the seeds: agreement with the
teacher and the share of value-optimal moves on 2,000 held-out rounds (all four training cats, starts never
trained on), and survival against the perfect, greedy and noisy cats as a share of the teacher's from every start
(the noisy cat eight times a start: `tasks.survival_everywhere`). The sessions have no window, so each does all
the work its rounds earned: the same on any machine.

Targets: no row ends lower in value-optimal share or in any survival share than it started, beyond half the
seeds' spread (max − min of the seeds, at least 0.1 point); lstm16_post on the optimal teacher ends higher against
every one of the three cats.

    python bench/bench_learning.py                      # the full table: 300 rounds, 5 seeds (the four classic
                                                        # brains × 2 teachers, the two preset brains × cautious)
    python bench/bench_learning.py --rounds 1000 --brains lstm16_post --teachers optimal --cats clumsy
    python bench/bench_learning.py --rounds 30 --brains lstm64_nook,lstm64_den --teachers optimal   # rooms
    python bench/bench_learning.py --frames lstm32_optimal    # the frame budget: one session, every frame timed
    python bench/bench_learning.py --merge a.json b.json      # one table from the sessions of several runs

Writes bench/results/learning-<rounds>.json and prints the table as Markdown.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BRAINS = ("lstm32_optimal", "lstm16_post", "lstm32_post", "post16", "lstm32_fog", "lstm32_flicker")
ROOM_OF = {f"lstm64_{room}": room for room in ("nook", "den", "living", "office", "kitchen")}  # --brains may name
# them: a room's brain learns in its room, from the optimal teacher (the post's knows no furniture)
TEACHERS = ("optimal", "post", "cautious")
SIGHT_OF = {"lstm32_fog": "fog", "lstm32_flicker": "flicker"}  # a preset's brain learns under its preset, from
# the cautious teacher (the only teacher there); the classic brains from either classic teacher
CATS = ("perfect", "greedy", "noisy", "random", "clumsy")
SHARE_CATS = ("perfect", "greedy", "noisy")
MIN_SPREAD = 0.001  # the least spread a row's "within the spread" allows (0.1 point)


def arguments(brain: str, teacher: str, cat: str, seed: int, rounds: int) -> list[str]:
    return ["--headless", "--learn", "--watch", cat, "--rounds", str(rounds), "--seed", str(seed),
            "--brain", str(ROOT / "weights" / f"{brain}.npz"),
            *(["--sight", SIGHT_OF[brain]] if brain in SIGHT_OF else ["--teacher", teacher]),
            *(["--room", ROOM_OF[brain]] if brain in ROOM_OF else [])]


def teaches(brain: str, teacher: str) -> bool:
    """Whether a session of this brain learns from this teacher (`SIGHT_OF`, `ROOM_OF`)."""
    if brain in SIGHT_OF:
        return teacher == "cautious"
    return teacher == "optimal" if brain in ROOM_OF else teacher != "cautious"


def session(brain: str, teacher: str, cat: str, seed: int, rounds: int) -> dict:
    """One session as its own process: `python game/main.py --headless ... --json`."""
    command = [sys.executable, str(ROOT / "game" / "main.py"), *arguments(brain, teacher, cat, seed, rounds),
               "--json"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(result), file=sys.stderr, flush=True)  # each session as it ends: a long run shows progress
    return result


KNOWN: dict = {}  # a worker's held-out figures of the brains as loaded, measured once


def session_here(job: tuple) -> dict:
    """The same session in a worker process: main.py's own options, game and play_session, with the figures of
    each brain as loaded measured once per worker (they are the same for every session of that brain)."""
    sys.path.insert(0, str(ROOT))
    from game import main as game_main
    from game.play.practice import play_session

    (brain, teacher, cat), seed, rounds = job
    options = game_main.parse_args(arguments(brain, teacher, cat, seed, rounds))
    game = game_main.make_game(options, browser=False)
    result = play_session(game, rounds, True, options.learn_speed, seed, known=KNOWN, measure_learned=False)
    print(json.dumps(result), file=sys.stderr, flush=True)
    return result


def spread(values: list[float]) -> dict:
    a = np.array(values, dtype=float)
    return {"mean": float(a.mean()), "min": float(a.min()), "max": float(a.max())}


def row(results: list[dict]) -> dict:
    first = results[0]
    figures = {"agreement": ("heldout_before", "heldout_after"),
               "value_optimal": ("value_optimal_before", "value_optimal_after")}
    out = {"brain": first["brain"].removesuffix(".npz"), "teacher": first["teacher"], "cat": first["cat"],
           "seeds": len(results)}
    for name, (before, after) in figures.items():
        out[name] = {"before": first[before], **spread([r[after] for r in results])}
    for cat in SHARE_CATS:
        out[f"survival_{cat}"] = {"before": first["survival_share_before"][cat],
                                  **spread([r["survival_share_after"][cat] for r in results])}
    out.update(updates=float(np.mean([r["updates"] for r in results])),
               fallbacks=float(np.mean([r["fallbacks"] for r in results])),
               unchanged=int(sum((r.get("tuned") or "").startswith("unchanged") for r in results)),
               cpu_seconds=float(np.mean([r.get("cpu_seconds", r["seconds"]) for r in results])))
    return out


def shortfall(figure: dict) -> float:
    """How far the seeds' mean ended below the start beyond half their spread (0 when it did not)."""
    allowed = max(figure["max"] - figure["min"], MIN_SPREAD) / 2
    return max(0.0, figure["before"] - allowed - figure["mean"])


def verdict(r: dict) -> str:
    names = ["value_optimal"] + [f"survival_{cat}" for cat in SHARE_CATS]
    missed = [f"{name} by {shortfall(r[name]) * 100:.2f} pts" for name in names if shortfall(r[name]) > 0]
    if r["brain"] == "lstm16_post" and r["teacher"] == "optimal":
        missed += [f"{name} not higher" for name in names[1:] if not r[name]["mean"] > r[name]["before"]]
    return "ok" if not missed else "MISSED: " + ", ".join(missed)


def cell(figure: dict) -> str:
    return (f"{figure['before'] * 100:.2f} → {figure['mean'] * 100:.2f} "
            f"({figure['min'] * 100:.2f}–{figure['max'] * 100:.2f})")


def table(rows: list[dict]) -> str:
    lines = ["| brain | teacher | cat | agreement % | value-optimal % | survival / teacher's, perfect cat % | "
             "greedy cat % | noisy cat % | updates | fallbacks | unchanged | target | seeds |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in rows:
        lines.append(
            f"| {r['brain']} | {r['teacher']} | {r['cat']} | {cell(r['agreement'])} | {cell(r['value_optimal'])} | "
            + " | ".join(cell(r[f"survival_{cat}"]) for cat in SHARE_CATS)
            + f" | {r['updates']:,.0f} | {r['fallbacks']:.1f} | {r['unchanged']} | {verdict(r)} | {r['seeds']} |")
    lines.append("(each figure: before → the seeds' mean after (min–max of the seeds); agreement and value-optimal on "
                 "2,000 held-out rounds, survival from every start)")
    return "\n".join(lines)


def frame_budget(brain: str, rounds: int, speed: int) -> str:
    """One session in this process, the learner on the game's own clock (its CPU time where the platform keeps
    one), with every frame's learning timed by the wall clock (on a shared machine it includes time the process
    was not running) and by this thread's CPU time (what learning itself cost)."""
    sys.path.insert(0, str(ROOT))
    import time

    from game.play.app import Game
    from game.play.practice import play_session

    game = Game(ROOT / "weights", None, brain_path=ROOT / "weights" / f"{brain}.npz", seed=0, watch="clumsy")
    wall, cpu = [], []
    real = game._learn

    def timed() -> None:
        w, c = time.perf_counter(), time.thread_time()
        real()
        wall.append((time.perf_counter() - w) * 1e3)
        cpu.append((time.thread_time() - c) * 1e3)

    game._learn = timed
    budget = play_session(game, rounds, learn=True, learn_speed=speed, seed=0, frames_budget=True)["budget_ms"]
    lines = [f"{brain}, clumsy cat, {rounds} rounds, learning speed {speed} (budget {budget:.1f} ms a frame), "
             f"{len(wall):,} frames, {game.library.tuned_updates:,} updates "
             f"({game.library.tuned_updates / rounds:.1f} a round)", "",
             "| clock | median | p99 | p99.9 | max | frames over budget | over 2× budget |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, values in (("wall", np.array(wall)), ("CPU (thread)", np.array(cpu))):
        busy = values[values > 0.01]
        lines.append(f"| {name} | {np.median(busy):.2f} | {np.percentile(busy, 99):.2f} | "
                     f"{np.percentile(busy, 99.9):.2f} | {values.max():.2f} | {np.mean(values > budget):.2%} | "
                     f"{np.mean(values > 2 * budget):.2%} |")
    lines.append("(median and percentiles over the frames in which learning did anything)")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=300)
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--first-seed", type=int, default=0, help="seeds run from this one (to add seeds to a run)")
    p.add_argument("--brains", default=",".join(BRAINS))
    p.add_argument("--teachers", default=",".join(TEACHERS))
    p.add_argument("--cats", default=",".join(CATS))
    p.add_argument("--jobs", type=int, default=2, help="sessions at once (worker processes)")
    p.add_argument("--processes", action="store_true",
                   help="each session as its own `game/main.py --headless` process (by default a few worker "
                   "processes run them, measuring each brain as loaded once)")
    p.add_argument("--frames", metavar="BRAIN", help="time every frame of one session of this brain instead")
    p.add_argument("--speed", type=int, default=3, help="learning speed for --frames (default 3)")
    p.add_argument("--out", type=Path, help="results file (default bench/results/learning-<rounds>.json)")
    p.add_argument("--merge", nargs="+", type=Path, metavar="RESULTS",
                   help="build the table from the sessions of these results files instead of running any "
                        "(a session repeated in several files counts once); writes --out if given")
    a = p.parse_args()
    if a.frames:
        print(frame_budget(a.frames, a.rounds, a.speed))
        return
    if a.merge:
        done = merged(a.merge)
    else:
        keys = [(b, t, c) for b in a.brains.split(",") for t in a.teachers.split(",") for c in a.cats.split(",")
                if teaches(b, t)]
        jobs = [(k, s) for k in keys for s in range(a.first_seed, a.first_seed + a.seeds)]
        if a.processes:
            with ThreadPoolExecutor(a.jobs) as pool:
                done = list(pool.map(lambda job: session(*job[0], job[1], a.rounds), jobs))
        else:
            with multiprocessing.Pool(a.jobs) as pool:
                done = pool.map(session_here, [(key, seed, a.rounds) for key, seed in jobs], chunksize=1)
    rows = rows_of(done)
    out = a.out or (None if a.merge else ROOT / "bench" / "results" / f"learning-{a.rounds}.json")
    if out:
        out.write_text(json.dumps({"rows": rows, "sessions": done}, indent=1))
    print(table(rows))


def key_of(session: dict) -> tuple[str, str, str, int]:
    return session["brain"].removesuffix(".npz"), session["teacher"], session["cat"], session["rounds"]


def merged(paths: list[Path]) -> list[dict]:
    """The sessions of several results files, each (brain, teacher, cat, rounds, seed) once. A file may also be
    a run's standard error, one session a line as each ended (a run stopped early keeps what it finished)."""
    sessions: dict[tuple, dict] = {}
    for path in paths:
        text = path.read_text()
        try:
            found = json.loads(text)["sessions"]
        except json.JSONDecodeError:
            found = [json.loads(line) for line in text.splitlines() if line.startswith('{"brain"')]
        for s in found:
            sessions.setdefault((*key_of(s), s["seed"]), s)
    return list(sessions.values())


def rows_of(sessions: list[dict]) -> list[dict]:
    """One row per brain, teacher, cat and rounds, in the order of BRAINS, TEACHERS and CATS."""
    order = {name: i for names in (BRAINS + tuple(ROOM_OF), TEACHERS, CATS) for i, name in enumerate(names)}
    keys = sorted({key_of(s) for s in sessions}, key=lambda k: (k[3], order[k[0]], order[k[1]], order[k[2]]))
    rows = []
    for k in keys:
        r = row(sorted((s for s in sessions if key_of(s) == k), key=lambda s: s["seed"]))
        r["rounds"] = k[3]
        rows.append(r)
    return rows


if __name__ == "__main__":
    main()
