"""Live learning: the teacher the brain imitates and the learner that tunes it while rounds are played, within
a frame budget set by the learning speed. The caller says which brain and arena; no pygame."""

from __future__ import annotations

import time

import numpy as np

from ..brain_np import Brain
from ..brains.brainfile import DEFAULT_TEACHER
from ..brains.learner import Learner
from ..brains.tasks import CAUTIOUS
from ..world.rooms import Room
from ..world.sight import CLASSIC
from ..world.teachers import TEACHER_NAMES

LEARN_SPEED = (1, 10)  # the learning-speed steps the game, the page's slider and its messages accept
LEARN_SPEED_MS = 0.5  # learning budget per frame for each step of learning speed (LEARN_SPEED)
LEARN_SPEED_UPDATES = 12  # learning updates each finished round earns, per step of learning speed


class Coach:
    def __init__(self, teacher: str | None, move_limit: int) -> None:
        self.fixed_teacher = teacher  # the command line's or the player's choice; else each brain's own
        self.teacher = teacher or ""
        self.move_limit = move_limit
        self.learner: Learner | None = None
        self.learning = False
        self.learn_speed = 3
        self.sight = CLASSIC.name  # under fog and flicker the teacher is the cautious one, whatever was chosen
        self.room: Room | None = None  # furniture the rounds are played among (None: the open board)
        # Frames to keep smooth: learning spends a budget a frame. Without (a headless session) it does all the
        # work the rounds earned at once, so it counts work, not time: the same on any machine.
        self.frames = True

    def bind(self, brain: Brain, brain_teacher: str, size: tuple[int, int], sight: str = CLASSIC.name,
             room: Room | None = None) -> None:
        """A brain comes into play: its teacher unless one was chosen, and the learner follows it. The post's
        teacher knows no furniture: in a room the optimal mouse teaches instead."""
        self.sight, self.room = sight, (None if room is None or room.is_open else room)
        if sight != CLASSIC.name:
            self.teacher = CAUTIOUS  # only it decides from what the mouse knows (B)
        else:
            chosen = self.fixed_teacher or brain_teacher
            self.teacher = chosen if chosen in TEACHER_NAMES else DEFAULT_TEACHER
            if self.room is not None and self.teacher == "post":
                self.teacher = "optimal"
        self.rebind(brain, size)

    def rebind(self, brain: Brain, size: tuple[int, int]) -> None:
        if self.learner is not None:
            self.learner.rebind(brain, self.teacher, *size, sight=self.sight, room=self.room)

    def set_learning(self, on: bool, brain: Brain, size: tuple[int, int]) -> None:
        if on and self.learner is None:
            self.learner = Learner(brain, self.teacher, *size, move_limit=self.move_limit,
                                   updates_per_round=self.learn_speed * LEARN_SPEED_UPDATES, sight=self.sight,
                                   room=self.room)
        if not on:
            self.close_round()
        self.learning = on

    def choose_teacher(self, name: str, brain: Brain, size: tuple[int, int]) -> None:
        self.close_round()
        self.teacher = name
        self.fixed_teacher = name
        self.rebind(brain, size)

    def set_learn_speed(self, value: int) -> None:
        self.learn_speed = max(LEARN_SPEED[0], min(LEARN_SPEED[1], int(value)))
        if self.learner is not None:
            self.learner.updates_per_round = self.learn_speed * LEARN_SPEED_UPDATES

    def learn_budget_ms(self) -> float:
        return self.learn_speed * LEARN_SPEED_MS

    def record(self, x: np.ndarray, label: int, best: np.ndarray | None = None) -> None:
        """One mouse move, with the move its teacher would have made and the value-optimal moves, while
        learning."""
        if self.learning and self.learner is not None:
            self.learner.record(x, label, best)

    def close_round(self) -> None:
        if self.learner is not None and self.learner.round_x:
            self.learner.end_round()

    def learn(self) -> tuple[int, float]:
        """Spend this frame's learning budget; the learner gathers an update's batch a slice at a time and banks
        what a too-dear piece needs (the browser's numpy has no fast BLAS). Without frames, all the work earned
        (Learner.catch_up). Returns the updates made and the milliseconds they took by the wall clock."""
        began = time.perf_counter()
        updates = self.learner.work(self.learn_budget_ms()) if self.frames else self.learner.catch_up()
        return updates, (time.perf_counter() - began) * 1e3

    def heldout_now(self) -> float | None:
        """The learner's held-out check of the brain as it is now (None before one has run): what its safety net
        judges by (`Learner.judged_by`)."""
        return self.learner.heldout if self.learner is not None else None

    def heldout_figures(self) -> dict[str, float | None]:
        """The latest check's figures, as a tuned file's meta records them: agreement with the teacher and the share
        of value-optimal moves."""
        learner = self.learner
        if learner is None:
            return {"agreement": None, "value_optimal": None}
        return {"agreement": learner.heldout_agreement, "value_optimal": learner.heldout}
