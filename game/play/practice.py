"""The headless practice session: rounds against a watch cat, learning as in the game, and its report.

`play_session` is what `python game/main.py --headless` runs: the game's own rounds, learner, teacher and cats, at
watch speed ×1 and 60 frames a second of game time, with the held-out figures before and after (agreement and its
play twins). With no window there are no frames to keep smooth, so learning does all the work each round earned
(it counts work, not time: the same seed and brain give the same result on any machine); the benchmarks that
time learning within the frame budget (the browser's, bench_learning --frames) ask for the budget. No pygame,
no files.
"""

from __future__ import annotations

import time
from dataclasses import replace

from ..brains import tasks
from .app import Game

HEADLESS_DT = 1 / 60
HEADLESS_WATCH_SPEED = 0  # ×1, as the game starts: a turn every 19 frames, so the budget is not what limits learning


SHARE_CATS = ("perfect", "greedy", "noisy")  # survival beside the teacher's is reported against these


def heldout_play(game: Game) -> tasks.PlayFigures:
    """The brain on 2,000 held-out rounds of the chase task against all four cats, under the game's sight (fog and
    flicker: the cautious teacher): agreement with the game's teacher and its play twins (tasks.PlayFigures),
    survival beside the teacher's measured from every start (tasks.survival_everywhere): on 500 rounds a cat, a
    tie-break that changes one round would move it by a third of a point."""
    width, height = game.library.size_for_brain()
    task = tasks.chase_task(width, height, teacher=game.coach.teacher, sight=game.sight, room=game.round.room)
    figures = tasks.play_figures(game.library.brain, task)
    judged = replace(task, cats=SHARE_CATS)
    return replace(figures, survival=tasks.survival_everywhere(judged, game.library.brain),
                   teacher_survival=tasks.teacher_survival_everywhere(judged))


def heldout_agreement(game: Game) -> float:
    """heldout_play's agreement alone."""
    return heldout_play(game).agreement


def play_fields(figures: tasks.PlayFigures | None, when: str) -> dict:
    """The result's fields for one held-out play: agreement, value-optimal share, survival share per cat."""
    if figures is None:
        return {f"heldout_{when}": None, f"value_optimal_{when}": None, f"survival_share_{when}": None}
    return {f"heldout_{when}": figures.agreement, f"value_optimal_{when}": figures.value_optimal,
            f"survival_share_{when}": {cat: figures.share(cat) for cat in SHARE_CATS}}


def play_session(game: Game, rounds: int, learn: bool, learn_speed: int, seed: int | None = None,
                 frames_budget: bool = False, known: dict | None = None, measure_learned: bool = True) -> dict:
    """Play `rounds` rounds headless; the results as a dict (the --json line). With `learn`, the session ends as
    the game's does: the learner keeps the best of the weights as they are, its checks' best and the start.
    `frames_budget`: learn within the game's budget a frame (as on screen) instead of all the work earned.
    `known`: held-out figures of brains as loaded, by (brain, teacher, sight), kept across sessions of one
    process (a benchmark's); `measure_learned`: also measure the weights learning ended with, before the end
    kept the best."""
    game.set_watch_speed(HEADLESS_WATCH_SPEED)
    game.coach.frames = frames_budget
    key = (game.library.brain_name, game.coach.teacher, game.sight)
    before = known.get(key) if known is not None else None
    if before is None:
        before = heldout_play(game)
        if known is not None:
            known[key] = before
    if learn:
        game.set_learning(True)
        game.set_learn_speed(learn_speed)
    began, cpu_began, longest, frames = time.perf_counter(), time.process_time(), 0.0, 0
    while game.stats.rounds_finished < rounds:
        game.update(HEADLESS_DT)
        frames += 1
        longest = max(longest, game.stats.learn_frame_ms)
    learner = game.coach.learner
    learned = None
    if learner is not None:
        game.coach.close_round()
        # what learning made of it, before the end keeps the best weights
        learned = heldout_play(game) if measure_learned else None
        learner.settle()
    after = heldout_play(game)
    return {
        "brain": game.library.brain_name, "teacher": game.coach.teacher, "cat": game.watch_cat,
        "rounds": game.stats.rounds_finished,
        "seed": seed, "learn": learn, "learn_speed": game.coach.learn_speed,
        **play_fields(before, "before"), **play_fields(learned, "learned"), **play_fields(after, "after"),
        "updates": game.library.tuned_updates,
        "fallbacks": learner.fallbacks if learner else 0,
        "check_start": learner.start_heldout if learner else None, "check_end": learner.heldout if learner else None,
        "frames_budget": frames_budget, "budget_ms": game.coach.learn_budget_ms() if frames_budget else None,
        "longest_learning_frame_ms": longest if frames_budget else None, "frames": frames,
        "seconds": time.perf_counter() - began, "cpu_seconds": time.process_time() - cpu_began,
        "tuned": game.library.tuned_line(game.coach.teacher), "saved": None,
    }


def counted(n: int, thing: str) -> str:
    """'1 round', '2,000 rounds'."""
    return f"{n:,} {thing}" + ("" if n == 1 else "s")


def session_report(r: dict) -> str:
    lines = [f"{r['brain']} · {r['teacher']} teacher · {r['cat']} cat · {counted(r['rounds'], 'round')} · "
             f"{counted(r['updates'], 'learning update')} · {counted(r['fallbacks'], 'fallback')}",
             f"held-out agreement (2,000 rounds, four cats): {r['heldout_before'] * 100:.2f}% -> "
             f"{r['heldout_after'] * 100:.2f}%",
             f"held-out value-optimal moves: {r['value_optimal_before'] * 100:.2f}% -> "
             f"{r['value_optimal_after'] * 100:.2f}%; survival as a share of the teacher's (every start): " + ", ".join(
                 f"{cat} {r['survival_share_before'][cat] * 100:.1f}% -> {r['survival_share_after'][cat] * 100:.1f}%"
                 for cat in SHARE_CATS)]
    if r["tuned"]:
        lines.append(r["tuned"])
    if r["learn"] and r.get("frames_budget"):
        lines.append(f"learning took at most {r['longest_learning_frame_ms']:.2f} ms of wall time in a frame "
                     f"(budget {r['budget_ms']:.1f} ms of learning CPU time) over {r['frames']:,} frames")
    elif r["learn"]:
        lines.append("learning did all the work the rounds earned (no window, no frame budget)")
    if "cpu_seconds" in r:
        lines.append(f"the session took {r['cpu_seconds']:.1f} s of CPU time ({r['seconds']:.1f} s wall)")
    if r["saved"]:
        lines.append(f"saved to {r['saved']}")
    elif r.get("unchanged"):
        lines.append("the brain is unchanged (no learning update was kept): nothing saved")
    return "\n".join(lines)
