"""Live learning while you play: the mouse imitates its teacher on the states it visits itself (DAgger).

Every mouse move adds (input, the teacher's move) to the current round; finished rounds go into
a bounded buffer; `work(budget_ms)` runs learning updates on batches from that buffer until the frame's budget is
spent, so play never stutters and the browser, which has no threads, slices the work the same way. An update that
goes NaN or explodes is rolled back and reported. No pygame.
"""

from __future__ import annotations

import time
from collections import deque

import numpy as np

from .arena import POST_DIRECTIONS
from .brain_np import Adam, LSTMBrain, PostBrain

MAX_UPDATES_PER_FRAME = 32  # a clock that did not tick (the browser's moves in 100 µs steps) must not spin
MIN_ROUND_MS = 1e-3  # what a round is charged at least, for the same reason
EXPLODED_NORM = 1e6  # a gradient norm past this is not learning; clipping would only hide it


class Learner:
    """Fine-tunes one brain, in place, from the teacher's labels of the states it visited."""

    def __init__(
        self,
        brain: LSTMBrain | PostBrain,
        teacher: str,
        width: int,
        height: int,
        *,
        rounds_kept: int = 64,
        batch: int = 16,
        lr: float = 3e-3,
        seed: int = 0,
    ) -> None:
        self.rounds_kept, self.batch, self.lr = rounds_kept, batch, lr
        self.rng = np.random.default_rng(seed)
        self.clock = time.perf_counter  # what budgets are measured with (tests give it a fake clock)
        self.rebind(brain, teacher, width, height)

    def rebind(self, brain: LSTMBrain | PostBrain, teacher: str, width: int, height: int) -> None:
        """Start afresh for this brain (after a swap or reset) or teacher: the old labels no longer apply."""
        self.brain, self.teacher, self.width, self.height = brain, teacher, width, height
        self.buffer: deque[tuple[np.ndarray, np.ndarray]] = deque(maxlen=self.rounds_kept)
        self.round_x: list[np.ndarray] = []
        self.round_labels: list[int] = []
        self.adam = Adam(brain.theta.size, lr=self.lr, clip=1.0) if isinstance(brain, LSTMBrain) else None
        self.updates = 0
        self.update_ms = 0.0
        self.round_ms = 0.0  # recent cost of one buffered round in an update
        self.batch_now = 1
        self.credit_ms = 0.0
        self.error: str | None = None

    def record(self, x: np.ndarray, label: int) -> None:
        """One mouse move: the brain's input and the move its teacher would have made there."""
        self.round_x.append(np.array(x, dtype=np.float32))
        self.round_labels.append(int(label))

    def end_round(self) -> None:
        """Close the current round into the buffer."""
        if self.round_x:
            self.buffer.append((np.stack(self.round_x), np.array(self.round_labels, dtype=np.int32)))
        self.round_x, self.round_labels = [], []

    def work(self, budget_ms: float) -> int:
        """Spend about `budget_ms` a frame on learning updates; returns how many ran this frame.

        Unspent budget is banked for a frame or two, so an update that costs more than one frame's budget (a
        slow browser) still runs every few frames instead of never; the batch shrinks until one update fits
        the budget, which keeps every frame's learning within about one budget.
        """
        if not self.buffer or budget_ms <= 0:
            return 0
        self.credit_ms = min(self.credit_ms + budget_ms, 2.0 * max(budget_ms, self.predicted_ms()))
        done = 0
        while done < MAX_UPDATES_PER_FRAME:
            if self.round_ms:
                self.batch_now = max(1, min(self.batch, int(budget_ms / self.round_ms + 1e-6)))
            if self.credit_ms < self.predicted_ms():
                break
            began = self.clock()
            self.update(self.batch_now)
            spent_ms = (self.clock() - began) * 1e3
            self.credit_ms -= spent_ms
            done += 1
            per_round = max(spent_ms / self.batch_now, MIN_ROUND_MS)
            self.round_ms = per_round if not self.round_ms else 0.8 * self.round_ms + 0.2 * per_round
            self.update_ms = spent_ms if self.updates <= 1 else 0.9 * self.update_ms + 0.1 * spent_ms
        return done

    def predicted_ms(self) -> float:
        """What the next update should cost, from recent ones (0 before the first, so it runs and is timed)."""
        return self.round_ms * self.batch_now

    def sample(self, batch: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A batch of buffered rounds, padded to the longest: inputs (T, B, 4), labels (T, B), mask (T, B)."""
        picks = self.rng.integers(0, len(self.buffer), size=batch)
        rounds = [self.buffer[k] for k in picks]
        steps = max(len(labels) for _, labels in rounds)
        x = np.zeros((steps, batch, 4), dtype=np.float32)
        labels = np.zeros((steps, batch), dtype=np.int32)
        mask = np.zeros((steps, batch), dtype=bool)
        for b, (rx, rl) in enumerate(rounds):
            x[: len(rl), b] = rx
            labels[: len(rl), b] = rl
            mask[: len(rl), b] = True
        return x, labels, mask

    def update(self, batch: int | None = None) -> None:
        """One learning update on `batch` rounds (default: the full batch); rolled back if it produced anything
        non-finite or exploded. The post's network learns from one round at a time, as in the post."""
        brain = self.brain
        if isinstance(brain, LSTMBrain):
            saved = brain.theta.copy(), self.adam.state()
            x, labels, mask = self.sample(batch or self.batch)
            loss, grad = brain.loss_and_gradient(x, labels, mask)
            norm = self.adam.step(brain.theta, grad) if np.isfinite(loss) else float("nan")
            if not (np.isfinite(norm) and norm < EXPLODED_NORM and np.all(np.isfinite(brain.theta))):
                brain.theta[:] = saved[0]
                self.adam.restore(saved[1])
                self.error = f"learning update {self.updates + 1} went wrong (gradient norm {norm:.3g}); rolled back"
            brain.changed()
        else:
            saved = [p.copy() for p in brain.params.values()]
            rx, rl = self.buffer[int(self.rng.integers(0, len(self.buffer)))]
            self.post_update(rx, rl)
            if not all(np.all(np.isfinite(p)) for p in brain.params.values()):
                for p, old in zip(brain.params.values(), saved, strict=True):
                    p[...] = old
                self.error = f"learning update {self.updates + 1} went wrong (non-finite weights); rolled back"
        self.updates += 1

    def post_update(self, x: np.ndarray, labels: np.ndarray) -> None:
        """The post's own SGD on one round: targets are the teacher's direction scalars."""
        brain = self.brain
        xs, hs, ys = [], [np.zeros((1, brain.hidden_size))], []
        for t in range(len(labels)):
            xs.append(x[t : t + 1].astype(np.float64))
            h, y = brain.forward_step(xs[-1], hs[-1])
            hs.append(h)
            ys.append(y)
        targets = [np.array([[POST_DIRECTIONS[label]]]) for label in labels]
        brain.learn_from_game(xs, hs, ys, targets)
