"""The headless practice session: rounds against a watch cat, learning as in the game, and its report.

`play_session` is what `python game/main.py --headless` runs (and the browser benchmark, which has no window):
the game's own rounds, learner, teacher, cats and frame budget, at watch speed ×1 and 60 frames a second of game
time, with the held-out agreement before and after. No pygame, no files.
"""

from __future__ import annotations

import time

from ..brains import tasks
from .app import Game

HEADLESS_DT = 1 / 60
HEADLESS_WATCH_SPEED = 0  # ×1, as the game starts: a turn every 19 frames, so the budget is not what limits learning


SHARE_CATS = ("perfect", "greedy", "noisy")  # survival beside the teacher's is reported against these


def heldout_play(game: Game) -> tasks.PlayFigures:
    """The brain on 2,000 held-out rounds of the chase task against all four cats, under the game's sight (fog and
    flicker: the cautious teacher): agreement with the game's teacher and its play twins (tasks.PlayFigures)."""
    width, height = game.library.size_for_brain()
    task = tasks.chase_task(width, height, teacher=game.coach.teacher, sight=game.sight, room=game.round.room)
    return tasks.play_figures(game.library.brain, task)


def heldout_agreement(game: Game) -> float:
    """heldout_play's agreement alone."""
    return heldout_play(game).agreement


def play_fields(figures: tasks.PlayFigures | None, when: str) -> dict:
    """The result's fields for one held-out play: agreement, value-optimal share, survival share per cat."""
    if figures is None:
        return {f"heldout_{when}": None, f"value_optimal_{when}": None, f"survival_share_{when}": None}
    return {f"heldout_{when}": figures.agreement, f"value_optimal_{when}": figures.value_optimal,
            f"survival_share_{when}": {cat: figures.share(cat) for cat in SHARE_CATS}}


def play_session(game: Game, rounds: int, learn: bool, learn_speed: int, seed: int | None = None) -> dict:
    """Play `rounds` rounds headless; the results as a dict (the --json line). With `learn`, the session ends as
    the game's does: the learner keeps the best of the weights as they are, its checks' best and the start."""
    game.set_watch_speed(HEADLESS_WATCH_SPEED)
    before = heldout_play(game)
    if learn:
        game.set_learning(True)
        game.set_learn_speed(learn_speed)
    began, longest, frames = time.perf_counter(), 0.0, 0
    while game.stats.rounds_finished < rounds:
        game.update(HEADLESS_DT)
        frames += 1
        longest = max(longest, game.stats.learn_frame_ms)
    learner = game.coach.learner
    learned = None
    if learner is not None:
        game.coach.close_round()
        learned = heldout_play(game)  # what learning made of it, before the end keeps the best weights
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
        "budget_ms": game.coach.learn_budget_ms(), "longest_learning_frame_ms": longest, "frames": frames,
        "seconds": time.perf_counter() - began, "tuned": game.library.tuned_line(game.coach.teacher), "saved": None,
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
             f"{r['value_optimal_after'] * 100:.2f}%; survival as a share of the teacher's: " + ", ".join(
                 f"{cat} {r['survival_share_before'][cat] * 100:.1f}% -> {r['survival_share_after'][cat] * 100:.1f}%"
                 for cat in SHARE_CATS)]
    if r["tuned"]:
        lines.append(r["tuned"])
    if r["learn"]:
        lines.append(f"learning took at most {r['longest_learning_frame_ms']:.2f} ms in a frame "
                     f"(budget {r['budget_ms']:.1f} ms) over {r['frames']:,} frames; {r['seconds']:.1f} s")
    if r["saved"]:
        lines.append(f"saved to {r['saved']}")
    return "\n".join(lines)
