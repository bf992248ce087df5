"""The session's statistics: the running agreement with the teacher and its curve, rounds per second, and
what a brain step, a learning update and a frame cost. They are shown, never acted on. No pygame."""

from __future__ import annotations

from collections import deque

AGREEMENT_WINDOW = 200  # recent mouse moves the running agreement is taken over
CURVE_POINTS = 240  # agreement samples the plot keeps (one per round, thinned as the session grows)


def smoothed(average: float, sample: float) -> float:
    """A running average that starts at its first sample."""
    return sample if average == 0.0 else 0.95 * average + 0.05 * sample


class SessionStats:
    def __init__(self) -> None:
        self.recent: deque[bool] = deque(maxlen=AGREEMENT_WINDOW)
        self.recent_optimal: deque[bool] = deque(maxlen=AGREEMENT_WINDOW)
        self.clear_curve()
        self.rounds_finished = 0
        self.rate_mark = (0.0, 0)  # (game clock, rounds finished) when rounds/s was last measured
        self.rounds_per_second = 0.0
        self.step_ms = 0.0
        self.update_ms = 0.0
        self.frame_ms = 0.0
        self.learn_frame_ms = 0.0  # what learning took in the last frame
        self.frames = 0

    def restart_agreement(self) -> None:
        """A new brain or teacher: the agreement so far was someone else's."""
        self.recent.clear()
        self.recent_optimal.clear()
        self.clear_curve()

    def clear_curve(self) -> None:
        self.curve: list[float] = []
        self.value_curve: list[float] = []  # the running value-optimal share, sampled with the agreement
        self.curve_stride, self.curve_rounds = 1, 0

    def sample_curve(self, value: float) -> None:
        """One point per round; when full, every other point goes and the rounds per point double, so the plot
        always spans the whole session in bounded memory."""
        if self.curve_rounds % self.curve_stride == 0:
            self.curve.append(value)
            self.value_curve.append(self.value_optimal())
            if len(self.curve) > CURVE_POINTS:
                self.curve, self.value_curve = self.curve[::2], self.value_curve[::2]
                self.curve_stride *= 2
        self.curve_rounds += 1

    def agreement(self) -> float | None:
        """Share of recent mouse moves that matched the teacher's (brain's own moves, the teacher's labels)."""
        return sum(self.recent) / len(self.recent) if self.recent else None

    def value_optimal(self) -> float | None:
        """Share of recent mouse moves that were value-optimal (as good as the teacher's by its value: the
        solved game's, or the guaranteed survival over B under fog and flicker): agreement's play twin."""
        return sum(self.recent_optimal) / len(self.recent_optimal) if self.recent_optimal else None

    def mouse_moved(self, agreed: bool, step_ms: float, optimal: bool = True) -> None:
        self.recent.append(agreed)
        self.recent_optimal.append(optimal)
        self.step_ms = smoothed(self.step_ms, step_ms)

    def round_finished(self) -> None:
        if self.recent:
            self.sample_curve(self.agreement())
        self.rounds_finished += 1

    def frame(self, spent_ms: float) -> None:
        self.frames += 1
        self.frame_ms = smoothed(self.frame_ms, spent_ms)

    def tick(self, now: float) -> None:
        """Rounds per second, measured once a second of game time."""
        since, count = self.rate_mark
        if now - since >= 1.0:
            self.rounds_per_second = (self.rounds_finished - count) / (now - since)
            self.rate_mark = (now, self.rounds_finished)
