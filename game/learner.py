"""Live learning while you play: the mouse imitates its teacher on the states it visits itself (DAgger).

Every mouse move adds (input, the teacher's move) to the current round; finished rounds go into a bounded buffer.
Beside the player's rounds the learner plays practice rounds of its own against all four scripted cats from
random starts, labelled by the same teacher, and every update learns from both: the player's rounds alone (one
cat, one corner of the board) are a few dozen rounds the brain overfits while it forgets the rest.

Pacing: each finished round earns `updates_per_round` updates, and `work(budget_ms)` spends them only within the
frame's budget, so how much the brain learns follows how much it played, not how slowly the rounds went by.
Practice rounds and the held-out check are played one batched step at a time inside the same budget; each kind
of piece (an update's round, a check's step, a practice step) is priced at a high quantile of its recent costs,
so a piece starts only where it fits the budget left.

Safety net: every `CHECK_EVERY` updates a frozen copy of the weights plays fixed held-out starts (never trained
on); the best weights are kept, and when the check falls more than `FALLBACK_MARGIN` below the best, the brain
goes back to them, with the optimizer's moments as they were then. The rate follows the best figure alone: a
fallback does not shrink it (a rate halved at each fallback left a brain that kept falling back with steps too
small to leave where it was). An update that goes NaN or explodes is rolled back; weights that stop being finite for any
other reason go back to the last finite weights. No pygame.
"""

from __future__ import annotations

import time
from collections import deque

import numpy as np

from .brain_np import Brain
from .tasks import HELDOUT_SEED, chase_task, playing

MAX_PASSES_PER_FRAME = 64  # a clock that did not tick (the browser's moves in 100 µs steps) must not spin
MIN_ROUND_MS = 1e-3  # what a round or a step is charged at least, for the same reason
EXPLODED_NORM = 1e6  # a gradient norm past this is not learning; clipping would only hide it
PRACTICE_CATS = ("perfect", "greedy", "noisy", "random")
PRACTICE_ROUNDS = 32  # rounds in one batched practice play (its cost is mostly per step, not per round)
PRACTICE_EVERY = 4  # updates between practice plays
PRACTICE_KEPT = 512  # practice rounds kept to learn from (the newest)
CHECK_ROUNDS = 32  # held-out rounds per cat in one check
CHECK_EVERY = 50  # updates between held-out checks
FALLBACK_MARGIN = 0.005  # a check this far below the best sends the brain back to the best weights...
FALLBACK_SHARE = 0.5  # ...or this share of the best's error, if more: a brain learning fast wobbles
SETTLE_ROUNDS = 128  # held-out rounds per cat when a session ends: no frame budget then, so a finer figure
COST_QUANTILE = 0.95  # a piece is priced at this quantile of its recent costs, so it starts only where it fits
COST_SAMPLES = 32  # recent costs kept per kind of piece
BANKED_ROUNDS = 4  # earned updates kept for at most this many rounds' worth (max watch speed outruns learning)
RATE_MAX = 0.03  # Adam's rate for a brain that still has everything to learn (the trainer's rate)
RATE_MIN = 3e-4
ERROR_FOR_FULL_RATE = 0.05  # below this held-out error the rate shrinks in proportion: small steps near the top

def put_weights(brain: Brain, saved: np.ndarray) -> None:
    """Write saved weights back into the brain in place (its memory of the round in progress is kept)."""
    brain.theta[:] = saved
    brain.changed()


def weights_finite(brain: Brain) -> bool:
    return bool(np.all(np.isfinite(brain.theta)))


def priced(recent: deque[float], spent_ms: float) -> float:
    """Add a piece's cost to its recent ones; what the next such piece is priced at: a high quantile, not the
    mean, so a piece that usually fits but sometimes does not is not started where only its mean fits."""
    recent.append(max(spent_ms, MIN_ROUND_MS))
    ordered = sorted(recent)  # 32 floats: cheaper than numpy here, and this runs after every piece
    return ordered[min(len(ordered) - 1, int(COST_QUANTILE * len(ordered)))]


class Rollout:
    """Batched rounds of the chase task, played one step per `advance` by a frozen copy of the brain (the first
    `advance` only sets up, so no piece of the work is much dearer than a step)."""

    def __init__(self, brain: Brain, teacher: str, width: int, height: int, rounds_per_cat: int,
                 move_limit: int, rng: np.random.Generator) -> None:
        self.weights = brain.theta.copy()
        self.brain, self.rng, self.count = brain, rng, rounds_per_cat * len(PRACTICE_CATS)
        self.task = chase_task(width, height, PRACTICE_CATS, move_limit, teacher)
        self.steps = None
        self.rounds = None
        self.moments: tuple | None = None  # the optimizer's state that goes with these weights
        self.taken = 0  # advances so far: the first real step also sets the rounds up, so it is priced apart

    def advance(self) -> bool:
        """One batched step; True when the rounds are over (then `self.rounds` holds them)."""
        self.taken += 1
        if self.steps is None:
            shadow = self.brain.copy()
            put_weights(shadow, self.weights)
            self.steps = playing(self.task, self.count, self.rng, shadow)
            return False
        out = next(self.steps)
        if out is not None:
            self.rounds = out
        return out is not None

    def agreement(self) -> float:
        return 1.0 - float(self.rounds.mistakes.sum()) / max(int(self.rounds.mask.sum()), 1)

    def play_out(self) -> float:
        """All at once (no frame budget): the agreement of these weights on these rounds."""
        while not self.advance():
            pass
        return self.agreement()


class Learner:
    """Fine-tunes one brain, in place, from the teacher's labels of the states it visited and practised."""

    def __init__(
        self,
        brain: Brain,
        teacher: str,
        width: int,
        height: int,
        *,
        rounds_kept: int = 64,
        batch: int = 32,
        lr: float | None = None,
        updates_per_round: float = 36.0,  # the game's default learning speed (3 × 12)
        practice: bool = True,
        move_limit: int = 40,
        seed: int = 0,
    ) -> None:
        self.rounds_kept, self.batch, self.lr = rounds_kept, batch, lr
        self.updates_per_round, self.practice, self.move_limit = updates_per_round, practice, move_limit
        self.rng = np.random.default_rng(seed)
        self.clock = time.perf_counter  # what budgets are measured with (tests give it a fake clock)
        self.rebind(brain, teacher, width, height)

    def rebind(self, brain: Brain, teacher: str, width: int, height: int) -> None:
        """Start afresh for this brain (after a swap or reset) or teacher: the old labels no longer apply."""
        self.brain, self.teacher, self.width, self.height = brain, teacher, width, height
        self.buffer: deque[tuple[np.ndarray, np.ndarray]] = deque(maxlen=self.rounds_kept)
        self.practised: deque[tuple[np.ndarray, np.ndarray]] = deque(maxlen=PRACTICE_KEPT)
        self.round_x: list[np.ndarray] = []
        self.round_labels: list[int] = []
        self.updates = 0
        self.update_ms = 0.0
        self.round_ms = 0.0  # what one buffered round in an update costs (a high quantile of recent ones)
        # a step of the check (128 rounds) and of a practice play (32) cost differently: priced apart
        # (an update's slice is also priced whole: its cost is mostly per step of the rounds, not per round, so a
        # batch's short last slice, which also takes the step, costs about what a full slice does)
        kinds = ("check", "practice", "check start", "practice start", "update")
        self.recent_ms: dict[str, deque[float]] = {k: deque(maxlen=COST_SAMPLES) for k in kinds}
        self.piece_ms = dict.fromkeys(kinds, 0.0)
        self.recent_round_ms: deque[float] = deque(maxlen=COST_SAMPLES)
        self.batch_now = 1
        self.pending: list | None = None  # the update being gathered: [rounds, practice rounds, steps, loss, grad]
        self.gathered_ms = 0.0
        self.credit_ms = 0.0
        self.earned = 0.0  # updates the rounds played have earned and learning has not yet spent
        self.error: str | None = None
        self.notice: str | None = None
        self.good = brain.theta.copy() if weights_finite(brain) else None  # last finite weights
        self.started = self.good  # the weights as they came, for the end of a session
        self.best: list[np.ndarray] | None = None
        self.best_moments: tuple | None = None
        self.best_heldout: float | None = None
        self.start_heldout: float | None = None
        self.heldout: float | None = None  # the latest check's figure: the brain as it is now
        self.fallbacks = 0
        self.new_optimizer()
        self.practice_play: Rollout | None = None
        self.check: Rollout | None = None
        self.check_rng_seed = [HELDOUT_SEED, 8, width, height]  # fixed held-out starts, never trained on
        self.start_check()

    def new_optimizer(self) -> None:
        self.optimizer = self.brain.optimizer(lr=self.rate(), clip=1.0)

    def rate(self) -> float:
        """Adam's rate: fixed when given, else in proportion to the held-out error (Adam's steps are about the rate
        in every weight whatever the gradient's size, so a brain that is nearly right needs small ones). It follows
        the best figure, so it only ever falls: a worse check must not make the steps bigger."""
        if self.lr is not None:
            return self.lr
        error = 1.0 - (self.best_heldout if self.best_heldout is not None else 0.0)  # never up: no feedback loop
        return float(np.clip(RATE_MAX * error / ERROR_FOR_FULL_RATE, RATE_MIN, RATE_MAX))

    # -- what the game feeds in ------------------------------------------------------------------------

    def record(self, x: np.ndarray, label: int) -> None:
        """One mouse move: the brain's input and the move its teacher would have made there."""
        self.round_x.append(np.array(x, dtype=np.float32))
        self.round_labels.append(int(label))

    def end_round(self) -> None:
        """Close the current round into the buffer; it earns its updates."""
        if self.round_x:
            self.buffer.append((np.stack(self.round_x), np.array(self.round_labels, dtype=np.int32)))
            self.earned = min(self.earned + self.updates_per_round, BANKED_ROUNDS * self.updates_per_round)
        self.round_x, self.round_labels = [], []

    # -- the frame's share -----------------------------------------------------------------------------

    def work(self, budget_ms: float) -> int:
        """Spend about `budget_ms` a frame on learning: the held-out check, practice play and the updates the
        rounds earned. Returns how many updates ran this frame.

        An update's batch is gathered a slice at a time (as many rounds' gradients as fit the frame's budget, on
        the same weights) and the step is taken when the batch is complete, so a slow machine (the browser) takes
        fewer steps, not noisier ones. Unspent budget is banked for a frame or two, so a piece that costs more
        than one frame's budget still runs every few frames instead of never.
        """
        if budget_ms <= 0 or not (self.buffer or self.check):
            return 0
        # The bank holds enough for the dearest piece of work, or a slow one would never run again.
        self.credit_ms = min(self.credit_ms + budget_ms, 2.0 * max(budget_ms, self.predicted_ms(),
                                                                   *self.piece_ms.values()))
        done, spent, frame_began = 0, 0.0, self.clock()
        for _ in range(MAX_PASSES_PER_FRAME):
            rollout = self.check or (self.practice_play if self.earned >= 1 else None)
            if rollout is None and self.earned >= 1 and self.buffer and self.practice and not self.practised:
                self.start_practice()  # the player's few rounds alone would be overfitted: practise first
                continue
            if rollout is None and (self.earned < 1 or not self.buffer):
                break
            if rollout is None:
                left = self.batch - (self.pending[0] if self.pending else 0)
                fits = int(budget_ms / self.round_ms + 1e-6) if self.round_ms else 1  # the first is timed alone
                self.batch_now = max(1, min(left, fits))
            kind = None if rollout is None else "check" if rollout is self.check else "practice"
            if kind and rollout.taken < 2:
                kind += " start"
            cost = self.piece_ms[kind] if kind else self.predicted_ms()
            # Within the frame's budget; a piece dearer than the budget runs alone, on banked credit.
            if self.credit_ms < cost or (spent > 0 and spent + cost > budget_ms):
                break
            began = self.clock()
            if rollout is not None:
                if rollout.advance():
                    self.finish(rollout)
            else:
                finished = self.gather(self.batch_now)
            spent_ms = (self.clock() - began) * 1e3
            self.credit_ms -= spent_ms
            if kind:
                self.piece_ms[kind] = priced(self.recent_ms[kind], spent_ms)
                spent = (self.clock() - frame_began) * 1e3  # the loop's own bookkeeping counts too
                continue
            self.round_ms = priced(self.recent_round_ms, spent_ms / self.batch_now)
            self.piece_ms["update"] = priced(self.recent_ms["update"], spent_ms)
            self.gathered_ms += spent_ms
            spent = (self.clock() - frame_began) * 1e3
            if finished:
                self.earned -= 1
                done += 1
                whole, self.gathered_ms = self.gathered_ms, 0.0
                self.update_ms = whole if self.updates <= 1 else 0.9 * self.update_ms + 0.1 * whole
        return done

    def predicted_ms(self) -> float:
        """What the next slice of an update should cost, from recent ones (0 before the first, so it runs and is
        timed): a slice of this many rounds, and at least what a recent slice cost."""
        return max(self.round_ms * self.batch_now, self.piece_ms["update"])

    # -- practice and the held-out check ---------------------------------------------------------------

    def start_check(self) -> None:
        if self.check is None and weights_finite(self.brain):
            rng = np.random.default_rng(self.check_rng_seed)
            self.check = Rollout(self.brain, self.teacher, self.width, self.height, CHECK_ROUNDS, self.move_limit,
                                 rng)
            self.check.moments = self.optimizer.state()

    def start_practice(self) -> None:
        if self.practice and self.practice_play is None:
            self.practice_play = Rollout(self.brain, self.teacher, self.width, self.height,
                                         PRACTICE_ROUNDS // len(PRACTICE_CATS), self.move_limit, self.rng)

    def finish(self, rollout: Rollout) -> None:
        rounds = rollout.rounds
        if rollout is self.practice_play:
            self.practice_play = None
            for b in range(rounds.mask.shape[1]):
                steps = int(rounds.mask[:, b].sum())
                if steps:
                    self.practised.append((rounds.x[:steps, b].copy(), rounds.teacher[:steps, b].copy()))
            return
        self.check = None
        self.judge(rollout.agreement(), rollout)

    def judge(self, figure: float, rollout: Rollout) -> None:
        """A check's figure for these weights: keep them if they are the best yet; fall back if far worse."""
        self.heldout = figure
        if self.start_heldout is None:
            self.start_heldout = figure
        if self.best_heldout is None or figure >= self.best_heldout:
            self.best, self.best_moments, self.best_heldout = rollout.weights, rollout.moments, figure
        elif figure < self.best_heldout - max(FALLBACK_MARGIN, FALLBACK_SHARE * (1.0 - self.best_heldout)):
            self.fall_back(f"held-out agreement fell to {figure * 100:.1f}%")
        if not self.optimizer.fixed_rate:  # the post's SGD keeps the post's rate
            self.optimizer.lr = self.rate()

    def fall_back(self, why: str) -> None:
        self.pending = None  # gathered on the weights being left
        put_weights(self.brain, self.best)
        self.good = self.best.copy()
        self.optimizer.restore(self.best_moments)  # fresh moments would make the next steps full-size everywhere
        self.fallbacks += 1
        self.heldout = self.best_heldout
        self.notice = f"{why}: back to the best weights ({self.best_heldout * 100:.1f}% held-out)"

    def settle(self) -> float | None:
        """The end of a session: the weights as they are now, the best the checks kept and the weights it
        started with, each played on a larger set of held-out starts at once (no frame budget); the brain keeps
        the best of them (the checks' best can be a lucky figure). Returns its figure on the usual check."""
        self.check = self.practice_play = self.pending = None
        if not weights_finite(self.brain):
            self.recover()
        seed = [HELDOUT_SEED, 9, self.width, self.height]
        candidates = [self.brain.theta.copy()] + [w for w in (self.best, self.started) if w is not None]
        figures = []
        for weights in candidates:
            put_weights(self.brain, weights)
            figures.append(Rollout(self.brain, self.teacher, self.width, self.height, SETTLE_ROUNDS,
                                   self.move_limit, np.random.default_rng(seed)).play_out())
        pick = int(np.argmax(figures))  # ties keep the weights as they are now
        put_weights(self.brain, candidates[pick])
        if pick:
            self.fallbacks += 1
            self.notice = f"earlier weights did better at the end ({figures[pick] * 100:.1f}%); kept them"
        self.good = self.brain.theta.copy()
        self.start_check()
        self.heldout = self.check.play_out()
        self.check = None
        return self.heldout

    # -- one update ------------------------------------------------------------------------------------

    def sample(self, batch: int, rounds: deque | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A batch of kept rounds, padded to the longest: inputs (T, B, 4), labels (T, B), mask (T, B)."""
        rounds = self.buffer if rounds is None else rounds
        picks = self.rng.integers(0, len(rounds), size=batch)
        chosen = [rounds[k] for k in picks]
        steps = max(len(labels) for _, labels in chosen)
        x = np.zeros((steps, batch, 4), dtype=np.float32)
        labels = np.zeros((steps, batch), dtype=np.int32)
        mask = np.zeros((steps, batch), dtype=bool)
        for b, (rx, rl) in enumerate(chosen):
            x[: len(rl), b] = rx
            labels[: len(rl), b] = rl
            mask[: len(rl), b] = True
        return x, labels, mask

    def update(self, batch: int | None = None) -> None:
        """One learning update on `batch` rounds (default: the full batch), half the player's and half practice;
        rolled back if it produced anything non-finite or exploded. A brain that fixes its rounds per update
        (the post's network: one game at a time, as in the post) takes one step per kind of round."""
        if not weights_finite(self.brain):
            self.recover()
            return
        if self.updates % PRACTICE_EVERY == 0:
            self.start_practice()
        saved = self.brain.theta.copy(), self.optimizer.state()
        for parts in self.steps(batch or self.batch):
            if not self.take_step(*self.gradient(parts), saved):
                break
        self.updated()

    def gather(self, rounds: int) -> bool:
        """A slice of the next update: the gradient of `rounds` more rounds of its batch (practice rounds first,
        up to half the batch), added to the slices before it on the same weights; the step is taken when the
        batch is complete. True when it was (a brain with its own `update_rounds` takes its update whole)."""
        if self.brain.update_rounds or not weights_finite(self.brain):
            self.update()
            return True
        if self.pending is None:
            if self.updates % PRACTICE_EVERY == 0:
                self.start_practice()
            share = min(self.batch // 2, len(self.practised)) if self.practice else 0
            self.pending = [0, share, 0.0, 0.0, None]
        done, share, steps, loss, grad = self.pending
        practised = max(0, min(rounds, share - done))
        weight, part_loss, part_grad = self.gradient_sum([(rounds - practised, self.buffer),
                                                          (practised, self.practised)])
        grad = part_grad if grad is None else grad + part_grad
        self.pending = [done + rounds, share, steps + weight, loss + part_loss, grad]
        if done + rounds < self.batch:
            return False
        self.pending = None
        saved = self.brain.theta.copy(), self.optimizer.state()
        total = steps + weight
        self.take_step((loss + part_loss) / total, grad / total, saved)
        self.updated()
        return True

    def take_step(self, loss: float, grad: np.ndarray, saved: tuple) -> bool:
        """One optimizer step; rolled back (and False) if it produced anything non-finite or exploded."""
        brain = self.brain
        norm = self.optimizer.step(brain.theta, grad) if np.isfinite(loss) else float("nan")
        if np.isfinite(norm) and norm < EXPLODED_NORM and weights_finite(brain):
            return True
        brain.theta[:] = saved[0]
        self.optimizer.restore(saved[1])
        self.error = f"learning update {self.updates + 1} went wrong (gradient norm {norm:.3g}); rolled back"
        return False

    def updated(self) -> None:
        self.brain.changed()
        if weights_finite(self.brain):
            self.good = self.brain.theta.copy()
        self.updates += 1
        if self.updates % CHECK_EVERY == 0:
            self.start_check()

    def gradient_sum(self, parts: list[tuple[int, deque]]) -> tuple[float, float, np.ndarray]:
        """The steps of these rounds, and the brain's loss and gradient summed over them (mean × steps)."""
        weight, loss, grad = 0.0, 0.0, None
        for count, kept in parts:
            if count:
                x, labels, mask = self.sample(count, kept)
                part_loss, part_grad = self.brain.loss_and_gradient(x, labels, mask)
                w = float(mask.sum())
                weight, loss = weight + w, loss + w * part_loss
                grad = part_grad * w if grad is None else grad + part_grad * w
        return weight, loss, grad

    def steps(self, n: int) -> list[list[tuple[int, deque]]]:
        """The update's steps, each a list of (rounds, drawn from): the player's and practice rounds in one step,
        or, for a brain with its own `update_rounds`, that many of each in a step of their own."""
        fixed = self.brain.update_rounds
        if fixed:
            return [[(fixed, kept)] for kept in (self.buffer, self.practised) if kept]
        practised = min(n // 2, len(self.practised)) if self.practice else 0
        return [[(n - practised, self.buffer), (practised, self.practised)]]

    def gradient(self, parts: list[tuple[int, deque]]) -> tuple[float, np.ndarray]:
        """Mean of the brain's loss over the steps of each part's rounds, weighted by their steps."""
        found = []
        for count, kept in parts:
            if count:
                x, labels, mask = self.sample(count, kept)
                loss, grad = self.brain.loss_and_gradient(x, labels, mask)
                found.append((float(mask.sum()), loss, grad))
        total = sum(w for w, _, _ in found)
        loss = sum(w * part for w, part, _ in found) / total
        grad = found[0][2] * (found[0][0] / total)
        for w, _, g in found[1:]:
            grad += g * (w / total)
        return loss, grad

    def recover(self) -> None:
        """The weights stopped being finite outside an update (a file, a bug): back to the last finite ones."""
        if self.good is None:
            self.error = "the brain's weights are not finite and there are no earlier ones; learning stopped"
            self.buffer.clear()
            return
        put_weights(self.brain, self.good)
        self.pending = None
        self.new_optimizer()
        self.error = "the brain's weights stopped being finite; back to the last finite weights"
