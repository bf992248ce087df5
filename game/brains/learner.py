"""Live learning while you play: the mouse imitates its teacher on the states it visits itself (DAgger).

Every mouse move adds (input, the teacher's move) to the current round; finished rounds go into a bounded buffer.
Beside the player's rounds the learner plays practice rounds of its own against all four scripted cats from
random starts, labelled by the same teacher, and every update learns from both: the player's rounds alone (one
cat, one corner of the board) are a few dozen rounds the brain overfits while it forgets the rest.

Pacing: each finished round earns `updates_per_round` updates, and `work(budget_ms)` spends them only within the
frame's budget, so how much the brain learns follows how much it played, not how slowly the rounds went by.
Practice rounds and the held-out check are played one batched step at a time inside the same budget. Each
piece (a check's step, a practice step, an update's slice of so many rounds of so many steps) is priced at
the worst of its kind's recent costs (a slice: scaled to its rounds and steps, `SlicePrices`), and pieces are
fitted into `PLANNED_SHARE` of the budget, the rest left for a piece that costs more than it ever did: priced
at a typical cost, a piece overran the frame whenever it cost more than typical. An update's batch is sorted
by length, so its short rounds go many to a slice (its cost is mostly per step) and little of it is padding.
The clock is the learner's own CPU time where the platform keeps one (`learning_clock`).

Safety net: every `CHECK_EVERY` updates a frozen copy of the weights plays fixed held-out starts (never trained
on) and is judged by play: first the share of value-optimal moves (the solved game's, or the largest guaranteed
survival over B under fog and flicker), then, only between weights whose moves are equally often value-optimal,
agreement with the teacher (its tie-breaks buy moves against a cat that errs). The post's teacher is judged the
same way: it has no value of its own, and the mouse that learns must not play worse. The best weights are kept,
and when the check falls more than `FALLBACK_MARGIN` below the best, the brain goes back to them, with the
optimizer's moments as they were then. The rate follows what is left to learn of the best weights' targets
alone: a fallback does not shrink it (a rate halved at each fallback left a brain that kept falling back with
steps too small to leave where it was). At the end of a session (`settle`) the brain keeps weights other than
those it started with only if they play no worse than the start: as many value-optimal moves, and as long a
survival against the cats without chance from every start. An update that goes NaN or explodes is rolled back;
weights that stop being finite for any other reason go back to the last finite weights. No pygame.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

import numpy as np

from ..brain_np import Brain
from ..world.rooms import Room
from ..world.teachers import VALUE_TEACHERS
from .tasks import HELDOUT_SEED, chase_task, learning_targets, playing, survival_everywhere

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
SETTLE_ROUNDS = 512  # held-out rounds per cat when a session ends (headless, no frame budget): a finer figure
GUARD_CATS = ("perfect", "greedy", "noisy")  # the end's survival guard: the noisy cat too, as a brain can drift
# among equally safe moves towards ones a slipping cat punishes, which no value check sees
GUARD_SEED = HELDOUT_SEED + 9  # the guard's dice: not the ones the session's report is measured on
COST_SAMPLES = 32  # recent costs kept per kind of piece; a piece is priced at the worst of them
SLICE_SAMPLES = 64  # recent update slices kept, whatever their rounds (so a size not used for a while ages out)
CALL_STEPS = 7.0  # a loss-and-gradient call's own cost, in steps (32 units, 1 round: 0.12 ms at 5, 0.47 at 40)
PLANNED_SHARE = 0.7  # pieces are fitted into this share of the budget: the rest is for a piece costing more
MAX_STEPS_PRICED = 40  # the bank is sized for a slice of the longest rounds
BANKED_ROUNDS = 4  # earned updates kept for at most this many rounds' worth (max watch speed outruns learning)
RATE_MAX = 0.03  # Adam's rate for a brain that still has everything to learn (the trainer's rate)
RATE_MIN = 3e-4
ERROR_FOR_FULL_RATE = 0.05  # below this held-out error the rate shrinks in proportion: small steps near the top
JUDGED_BY = "value-optimal"  # what the held-out figures (`heldout`, `best_heldout`, `start_heldout`) measure


def learning_clock() -> Callable[[], float]:
    """This thread's CPU time where the platform keeps it: what learning itself costs, so a busy machine, where
    the wall clock also counts the time the game was not running, neither starves nor floods learning; else the
    wall clock (the browser, whose one thread is the game's)."""
    try:
        began = time.thread_time()
        sum(range(20_000))  # a fraction of a ms of work: a CPU clock that does not tick is no clock
        ticks = time.thread_time() > began
    except (AttributeError, OSError):
        ticks = False
    return time.thread_time if ticks else time.perf_counter


# A kept round: its inputs (T, features), the teacher's moves (T,) and the sets of moves it imitates (T, 4) bool.
KeptRound = tuple[np.ndarray, np.ndarray, np.ndarray]


def padded(rounds: list[KeptRound]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rounds as one batch, padded to the longest: inputs (T, B, features), the teacher's moves (T, B), the sets
    of moves to imitate (T, B, 4) bool (tasks.learning_targets: the value-optimal moves, or the post teacher's
    one), mask (T, B)."""
    steps = max(len(labels) for _, labels, _ in rounds)
    x = np.zeros((steps, len(rounds), rounds[0][0].shape[-1]), dtype=np.float32)
    labels = np.zeros((steps, len(rounds)), dtype=np.int32)
    targets = np.zeros((steps, len(rounds), rounds[0][2].shape[-1]), dtype=bool)
    mask = np.zeros((steps, len(rounds)), dtype=bool)
    for b, (rx, rl, rt) in enumerate(rounds):
        x[: len(rl), b] = rx
        labels[: len(rl), b] = rl
        targets[: len(rl), b] = rt
        mask[: len(rl), b] = True
    return x, labels, targets, mask


def round_weights(mask: np.ndarray) -> np.ndarray:
    """Each step's weight in an update (T, B): a round's steps share one round's weight, so a round is one lesson
    whatever its length. Weighted by steps, the random cat's rounds (up to the move limit, mostly far from the cat,
    where every move is as good and only the teacher's tie-break is left to copy) would be most of a batch, and the
    player's few kept rounds of them most of that: Adam's steps do not shrink with a loss that small, so the brain
    would copy those rounds' tie-breaks and lose value-optimal moves near the cat."""
    steps = mask.sum(axis=0, keepdims=True)
    return mask / np.maximum(steps, 1).astype(np.float32)


def put_weights(brain: Brain, saved: np.ndarray) -> None:
    """Write saved weights back into the brain in place (its memory of the round in progress is kept)."""
    brain.theta[:] = saved
    brain.changed()


def weights_finite(brain: Brain) -> bool:
    return bool(np.all(np.isfinite(brain.theta)))


def no_worse(mine: tuple[float, dict[str, float]], start: tuple[float, dict[str, float]]) -> bool:
    """Whether weights play at least as well as the start: (value-optimal share, survival per cat) each."""
    return mine[0] >= start[0] and all(mine[1][cat] >= start[1][cat] for cat in start[1])


def priced(recent: deque[float], spent_ms: float) -> float:
    """Add a piece's cost to its recent ones; what the next such piece is priced at: the worst of them, so a
    piece that usually fits but sometimes costs more does not start where only its usual cost fits."""
    recent.append(max(spent_ms, MIN_ROUND_MS))
    return max(recent)


class SlicePrices:
    """What an update's slice costs at worst, from the recent slices. A slice of k rounds padded to T steps costs
    about a·(CALL_STEPS + T) + b·T·k: work per step whatever the rounds (and the call's own), and work per
    round and step (natively small; in the browser, whose matrix products are slow, most of it). a and b are
    fitted to the recent slices (running sums, cheap), and the price is the fit times the worst ratio but one
    of a recent slice's cost to its fit (a one-off, like the first slice of a new shape, is forgiven)."""

    def __init__(self) -> None:
        self.recent: deque[tuple[float, float, float]] = deque(maxlen=SLICE_SAMPLES)  # (f1, f2, ms)
        self.sums = [0.0] * 5  # Σf1², Σf1·f2, Σf2², Σf1·ms, Σf2·ms
        self.a = self.b = self.worst = 0.0
        self.sizes: deque[int] = deque(maxlen=SLICE_SAMPLES)
        self.most = 0  # the most rounds in a recent slice: a larger one is tried at most twice as large

    @staticmethod
    def terms(rounds: int, steps: int) -> tuple[float, float]:
        return CALL_STEPS + steps, float(steps * rounds)

    def fit(self, rounds: int, steps: int) -> float:
        f1, f2 = self.terms(rounds, steps)
        return max(self.a * f1 + self.b * f2, MIN_ROUND_MS)

    def _count(self, sample: tuple[float, float, float], sign: float) -> None:
        f1, f2, ms = sample
        for i, value in enumerate((f1 * f1, f1 * f2, f2 * f2, f1 * ms, f2 * ms)):
            self.sums[i] += sign * value

    def add(self, rounds: int, steps: int, spent_ms: float) -> None:
        if len(self.recent) == self.recent.maxlen:
            self._count(self.recent[0], -1.0)
        sample = (*self.terms(rounds, steps), max(spent_ms, MIN_ROUND_MS))
        self.recent.append(sample)
        self._count(sample, 1.0)
        s11, s12, s22, s1y, s2y = self.sums
        det = s11 * s22 - s12 * s12
        a, b = ((s22 * s1y - s12 * s2y) / det, (s11 * s2y - s12 * s1y) / det) if det > 1e-9 * s11 * s22 else (-1, -1)
        if a < 0 or b < 0:  # no negative cost: the better of the two one-term fits
            a, b = (s1y / s11, 0.0) if s1y * s1y / s11 >= s2y * s2y / max(s22, 1e-12) else (0.0, s2y / s22)
        self.a, self.b = a, b
        ratios = sorted(ms / max(a * f1 + b * f2, MIN_ROUND_MS) for f1, f2, ms in self.recent)
        self.worst = ratios[-2] if len(ratios) > 1 else ratios[-1]
        self.sizes.append(rounds)
        self.most = max(self.sizes)

    def price(self, rounds: int, steps: int) -> float:
        """0 before any slice (the first runs and is timed); beyond twice the largest recent slice, never."""
        if not self.recent:
            return 0.0 if rounds == 1 else float("inf")
        if rounds > 2 * self.most:
            return float("inf")
        return self.worst * self.fit(rounds, steps)

    def dearest(self) -> float:
        return self.price(self.most, MAX_STEPS_PRICED) if self.recent else 0.0


class Gathering:
    """An update's batch while its gradient is gathered a slice at a time: its rounds, shortest first (a slice
    of short rounds is cheap, and little of it is padding), and the sums over the rounds taken so far (`weight`:
    of the rounds, `round_weights`)."""

    def __init__(self, rounds: list[KeptRound]) -> None:
        self.rounds = sorted(rounds, key=lambda r: len(r[1]))
        self.taken = 0
        self.weight, self.loss, self.grad = 0.0, 0.0, None

    def left(self) -> int:
        return len(self.rounds) - self.taken

    def steps_of(self, k: int) -> int:
        """The steps a slice of the next k rounds is padded to (the longest of them)."""
        return len(self.rounds[self.taken + k - 1][1])

    def take(self, k: int) -> list[KeptRound]:
        chosen = self.rounds[self.taken: self.taken + k]
        self.taken += len(chosen)
        return chosen

    def add(self, weight: float, loss: float, grad: np.ndarray) -> None:
        self.weight, self.loss = self.weight + weight, self.loss + loss
        self.grad = grad if self.grad is None else self.grad + grad


class Rollout:
    """Batched rounds of the chase task, played one step per `advance` by a frozen copy of the brain (the first
    `advance` only sets up, so no piece of the work is much dearer than a step)."""

    def __init__(self, brain: Brain, teacher: str, width: int, height: int, rounds_per_cat: int,
                 move_limit: int, rng: np.random.Generator, sight: str = "classic", room: Room | None = None) -> None:
        self.weights = brain.theta.copy()
        self.brain, self.rng, self.count = brain, rng, rounds_per_cat * len(PRACTICE_CATS)
        self.task = chase_task(width, height, PRACTICE_CATS, move_limit, teacher, sight, room)
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

    def value_optimal(self) -> float:
        return self.rounds.value_optimal

    def rank(self) -> tuple[float, float]:
        """What the safety net orders weights by: value-optimal share first (copying the teacher's tie-breaks is
        not playing better), then agreement, which only decides between weights that play alike."""
        return self.value_optimal(), self.agreement()

    def target_share(self) -> float:
        """The share of moves in the learning targets (the value-optimal set for a teacher that chooses by value,
        the teacher's move for the post's): 1 minus it is what is left to learn."""
        return self.value_optimal() if self.task.teacher in VALUE_TEACHERS else self.agreement()

    def play_out(self) -> Rollout:
        """All at once (no frame budget)."""
        while not self.advance():
            pass
        return self


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
        sight: str = "classic",
        room: Room | None = None,
    ) -> None:
        self.rounds_kept, self.batch, self.lr = rounds_kept, batch, lr
        self.updates_per_round, self.practice, self.move_limit = updates_per_round, practice, move_limit
        self.rng = np.random.default_rng(seed)
        self.clock = learning_clock()  # what budgets are measured with (tests give it a fake clock)
        self.rebind(brain, teacher, width, height, sight, room)

    def rebind(self, brain: Brain, teacher: str, width: int, height: int, sight: str = "classic",
               room: Room | None = None) -> None:
        """Start afresh for this brain (after a swap or reset), teacher or sight: the old labels no longer apply.
        Under fog or flicker (sight.SIGHTS) practice and the held-out check play that sight's rounds, labelled
        by the cautious teacher from B, as the trainer's are. In a room (with furniture) every round is played
        there; width and height are then its own."""
        self.brain, self.teacher, self.width, self.height = brain, teacher, width, height
        self.sight, self.room = sight, room
        self.buffer: deque[KeptRound] = deque(maxlen=self.rounds_kept)
        self.practised: deque[KeptRound] = deque(maxlen=PRACTICE_KEPT)
        self.round_x: list[np.ndarray] = []
        self.round_labels: list[int] = []
        self.round_targets: list[np.ndarray] = []
        self.updates = 0
        self.update_ms = 0.0
        # a step of the check (128 rounds) and of a practice play (32) cost differently: priced apart
        kinds = ("check", "practice", "check start", "practice start")
        self.recent_ms: dict[str, deque[float]] = {k: deque(maxlen=COST_SAMPLES) for k in kinds}
        self.piece_ms = dict.fromkeys(kinds, 0.0)
        self.slices = SlicePrices()  # an update's slices, by their rounds and steps
        self.batch_now = 1
        self.pending: Gathering | None = None  # the update being gathered
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
        self.best_agreement = 0.0  # the best weights' agreement: the tie-break between equal value
        self.best_target_share = 0.0  # the best weights' share of moves in the targets: sets the rate
        self.start_heldout: float | None = None
        self.heldout: float | None = None  # the latest check's value-optimal share: the brain as it is now
        self.heldout_agreement: float | None = None  # the latest check's agreement, beside it
        self.fallbacks = 0
        self.new_optimizer()
        self.practice_play: Rollout | None = None
        self.check: Rollout | None = None
        self.check_rng_seed = [HELDOUT_SEED, 8, width, height]  # fixed held-out starts, never trained on
        self.start_check()

    @property
    def judged_by(self) -> str:
        """What the held-out figures (`heldout`, `best_heldout`, `start_heldout`) measure, whatever the teacher."""
        return JUDGED_BY

    def new_optimizer(self) -> None:
        self.optimizer = self.brain.optimizer(lr=self.rate(), clip=1.0)

    def restore_optimizer(self, state: tuple) -> None:
        """The optimizer's state as it was; moments that were not finite then would roll back every later
        update, so the optimizer starts afresh instead."""
        self.optimizer.restore(state)
        if not self.optimizer.finite():
            self.new_optimizer()

    def rate(self) -> float:
        """Adam's rate: fixed when given, else in proportion to the held-out error (Adam's steps are about the rate
        in every weight whatever the gradient's size, so a brain that is nearly right needs small ones). It follows
        the best weights' figure, so it only ever falls: a worse check must not make the steps bigger. The error is
        what is left to learn of the targets (`Rollout.target_share`): for the post's teacher, its moves."""
        if self.lr is not None:
            return self.lr
        error = 1.0 - self.best_target_share  # never up: no feedback loop
        return float(np.clip(RATE_MAX * error / ERROR_FOR_FULL_RATE, RATE_MIN, RATE_MAX))

    # -- what the game feeds in ------------------------------------------------------------------------

    def record(self, x: np.ndarray, label: int, best: np.ndarray | None = None) -> None:
        """One mouse move: the brain's input, the move its teacher would have made there and the value-optimal
        moves (4,) bool (None: the teacher's move alone); what is learnt is tasks.learning_targets of them."""
        self.round_x.append(np.array(x, dtype=np.float32))
        self.round_labels.append(int(label))
        self.round_targets.append(learning_targets(self.teacher, np.int32(label),
                                                   None if best is None else np.asarray(best, dtype=bool)))

    def end_round(self) -> None:
        """Close the current round into the buffer; it earns its updates."""
        if self.round_x:
            self.buffer.append((np.stack(self.round_x), np.array(self.round_labels, dtype=np.int32),
                                np.stack(self.round_targets)))
            self.earned = min(self.earned + self.updates_per_round, BANKED_ROUNDS * self.updates_per_round)
        self.round_x, self.round_labels, self.round_targets = [], [], []

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
        self.credit_ms = min(self.credit_ms + budget_ms, 2.0 * max(budget_ms, self.slices.dearest(),
                                                                   *self.piece_ms.values()))
        done, spent, frame_began = 0, 0.0, self.clock()
        for _ in range(MAX_PASSES_PER_FRAME):
            rollout = self.check or (self.practice_play if self.earned >= 1 else None)
            if rollout is None and self.earned >= 1 and self.buffer and self.practice and not self.practised:
                self.start_practice()  # the player's few rounds alone would be overfitted: practise first
                continue
            if rollout is None and (self.earned < 1 or not self.buffer):
                break
            planned = PLANNED_SHARE * budget_ms
            if rollout is None:
                self.batch_now, steps = self.next_slice(planned - spent)
            kind = None if rollout is None else "check" if rollout is self.check else "practice"
            if kind and rollout.taken < 2:
                kind += " start"
            cost = self.piece_ms[kind] if kind else self.slices.price(self.batch_now, steps)
            # Within the frame's budget; a piece dearer than the budget runs alone, on banked credit.
            if self.credit_ms < cost or (spent > 0 and spent + cost > planned):
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
            self.slices.add(self.batch_now, steps, spent_ms)
            self.gathered_ms += spent_ms
            spent = (self.clock() - frame_began) * 1e3
            if finished:
                self.earned -= 1
                done += 1
                whole, self.gathered_ms = self.gathered_ms, 0.0
                self.update_ms = whole if self.updates <= 1 else 0.9 * self.update_ms + 0.1 * whole
        return done

    def catch_up(self) -> int:
        """Everything the rounds earned, with no frame budget, in the order `work` takes it (the check, practice,
        the updates): for a session with no frames to keep smooth, so that the same seed and brain learn the
        same on any machine (the clock prices nothing here). Returns the updates made."""
        self.pending = None  # a batch half-gathered by `work` is drawn afresh, whole
        done = 0
        while True:
            if self.check is not None:
                self.check.play_out()
                self.finish(self.check)
            elif self.earned >= 1 and self.buffer:
                if self.practice and not self.practised and self.practice_play is None:
                    self.start_practice()
                if self.practice_play is not None:
                    self.practice_play.play_out()
                    self.finish(self.practice_play)
                    continue
                self.update()
                self.earned -= 1
                done += 1
            else:
                return done

    def next_slice(self, room_ms: float) -> tuple[int, int]:
        """The next slice of the update being gathered (begun here if none is): the most of its rounds whose
        price fits `room_ms` (one if none does), and the steps they are padded to. A brain that takes its update
        whole (the post's network: rounds of the move limit at most) is one slice."""
        if self.brain.update_rounds or not weights_finite(self.brain):
            return 1, self.move_limit
        if self.pending is None:
            self.pending = self.draw_batch()
        gathering = self.pending
        for k in range(gathering.left(), 1, -1):
            steps = gathering.steps_of(k)
            if self.slices.price(k, steps) <= room_ms:
                return k, steps
        return 1, gathering.steps_of(1)

    # -- practice and the held-out check ---------------------------------------------------------------

    def start_check(self) -> None:
        if self.check is None and weights_finite(self.brain):
            rng = np.random.default_rng(self.check_rng_seed)
            self.check = Rollout(self.brain, self.teacher, self.width, self.height, CHECK_ROUNDS, self.move_limit,
                                 rng, self.sight, self.room)
            self.check.moments = self.optimizer.state()

    def start_practice(self) -> None:
        if self.practice and self.practice_play is None:
            self.practice_play = Rollout(self.brain, self.teacher, self.width, self.height,
                                         PRACTICE_ROUNDS // len(PRACTICE_CATS), self.move_limit, self.rng,
                                         self.sight, self.room)

    def finish(self, rollout: Rollout) -> None:
        rounds = rollout.rounds
        if rollout is self.practice_play:
            self.practice_play = None
            targets = rounds.targets
            for b in range(rounds.mask.shape[1]):
                steps = int(rounds.mask[:, b].sum())
                if steps:
                    self.practised.append((rounds.x[:steps, b].copy(), rounds.teacher[:steps, b].copy(),
                                           targets[:steps, b].copy()))
            return
        self.check = None
        self.judge(rollout)

    def judge(self, rollout: Rollout) -> None:
        """A check of these weights: keep them if they are the best yet (`Rollout.rank`); fall back if their
        value-optimal share is far below the best's."""
        value = self.heldout = rollout.value_optimal()
        self.heldout_agreement = rollout.agreement()
        if self.start_heldout is None:
            self.start_heldout = value
        if self.best_heldout is None or rollout.rank() >= (self.best_heldout, self.best_agreement):
            self.best, self.best_moments = rollout.weights, rollout.moments
            self.best_heldout, self.best_agreement = rollout.rank()
            self.best_target_share = rollout.target_share()
        elif value < self.best_heldout - max(FALLBACK_MARGIN, FALLBACK_SHARE * (1.0 - self.best_heldout)):
            self.fall_back(f"held-out {JUDGED_BY} fell to {value * 100:.1f}%")
        if not self.optimizer.fixed_rate:  # the post's SGD keeps the post's rate
            self.optimizer.lr = self.rate()

    def fall_back(self, why: str) -> None:
        self.pending = None  # gathered on the weights being left
        put_weights(self.brain, self.best)
        self.good = self.best.copy()
        self.restore_optimizer(self.best_moments)  # fresh moments would make the next steps full-size everywhere
        self.fallbacks += 1
        self.heldout = self.best_heldout
        self.notice = f"{why}: back to the best weights ({self.best_heldout * 100:.1f}% held-out)"

    def settle(self) -> float | None:
        """The end of a session: the weights as they are now, the best the checks kept and the weights it
        started with, each played on a larger set of held-out starts at once (no frame budget). The brain keeps
        the best of them by `Rollout.rank` (the checks' best can be a lucky figure) among those that play no
        worse than the start (`no_worse`): as many value-optimal moves on those rounds, and as long a survival
        against the perfect, greedy and noisy cats from every start (`survival_everywhere`). Returns its
        value-optimal share on the usual check."""
        self.check = self.practice_play = self.pending = None
        if not weights_finite(self.brain):
            self.recover()
        seed = [HELDOUT_SEED, 9, self.width, self.height]
        candidates = [self.brain.theta.copy()] + [w for w in (self.best, self.started) if w is not None]
        played, judged = [], []
        for weights in candidates:
            put_weights(self.brain, weights)
            played.append(Rollout(self.brain, self.teacher, self.width, self.height, SETTLE_ROUNDS, self.move_limit,
                                  np.random.default_rng(seed), self.sight, self.room).play_out())
            judged.append((played[-1].value_optimal(), self.survival_everywhere()))
        start = judged[-1] if self.started is not None else None
        fit = [k for k in range(len(candidates)) if start is None or no_worse(judged[k], start)]
        pick = max(fit, key=lambda k: (played[k].rank(), -k))  # ties keep the weights as they are now
        put_weights(self.brain, candidates[pick])
        if pick:
            self.fallbacks += 1
            self.notice = (f"earlier weights played better at the end ({played[pick].value_optimal() * 100:.1f}% "
                           f"{JUDGED_BY}); kept them")
        self.good = self.brain.theta.copy()
        self.start_check()
        check = self.check.play_out()
        self.heldout, self.heldout_agreement = check.rank()
        self.check = None
        return self.heldout

    def survival_everywhere(self) -> dict[str, float]:
        """The brain's mean moves survived against each `GUARD_CATS` cat from every start of the board or room,
        the noisy cat on the guard's own dice (tasks.survival_everywhere)."""
        task = chase_task(self.width, self.height, GUARD_CATS, self.move_limit, self.teacher, self.sight, self.room)
        return survival_everywhere(task, self.brain, seed=GUARD_SEED)

    # -- one update ------------------------------------------------------------------------------------

    def sample(self, batch: int, rounds: deque | None = None) -> tuple[np.ndarray, ...]:
        """A batch of kept rounds, padded to the longest (`padded`)."""
        rounds = self.buffer if rounds is None else rounds
        return padded([rounds[k] for k in self.rng.integers(0, len(rounds), size=batch)])

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

    def draw_batch(self) -> Gathering:
        """The next update's batch: kept rounds of the player's, and practice rounds (up to half the batch)."""
        if self.updates % PRACTICE_EVERY == 0:
            self.start_practice()
        share = min(self.batch // 2, len(self.practised)) if self.practice else 0
        chosen = []
        for count, kept in ((self.batch - share, self.buffer), (share, self.practised)):
            if count:
                chosen += [kept[k] for k in self.rng.integers(0, len(kept), size=count)]
        return Gathering(chosen)

    def gather(self, rounds: int) -> bool:
        """A slice of the next update: the gradient of its next `rounds` rounds, added to the slices before it on
        the same weights; the step is taken when the batch is complete. True when it was (a brain with its own
        `update_rounds` takes its update whole)."""
        if self.brain.update_rounds or not weights_finite(self.brain):
            self.update()
            return True
        if self.pending is None:
            self.pending = self.draw_batch()
        gathering = self.pending
        gathering.add(*self.gradient_of(gathering.take(rounds)))
        if gathering.left():
            return False
        self.pending = None
        saved = self.brain.theta.copy(), self.optimizer.state()
        self.take_step(gathering.loss / gathering.weight, gathering.grad / gathering.weight, saved)
        self.updated()
        return True

    def take_step(self, loss: float, grad: np.ndarray, saved: tuple) -> bool:
        """One optimizer step; rolled back (and False) if it produced anything non-finite or exploded."""
        brain = self.brain
        norm = self.optimizer.step(brain.theta, grad) if np.isfinite(loss) else float("nan")
        if np.isfinite(norm) and norm < EXPLODED_NORM and weights_finite(brain):
            if not self.optimizer.finite():  # the step is sound but its moments overflowed: they start afresh
                self.new_optimizer()
            return True
        brain.theta[:] = saved[0]
        self.restore_optimizer(saved[1])
        self.error = f"learning update {self.updates + 1} went wrong (gradient norm {norm:.3g}); rolled back"
        return False

    def updated(self) -> None:
        self.brain.changed()
        if weights_finite(self.brain):
            self.good = self.brain.theta.copy()
        self.updates += 1
        if self.updates % CHECK_EVERY == 0:
            self.start_check()

    def gradient_of(self, rounds: list[KeptRound]) -> tuple[float, float, np.ndarray]:
        """The weight of these rounds (one each, `round_weights`), and the brain's loss and gradient summed over
        them (mean × weight)."""
        x, labels, targets, mask = padded(rounds)
        weights = round_weights(mask)
        loss, grad = self.brain.loss_and_gradient(x, labels, weights, targets)
        weight = float(weights.sum())
        return weight, weight * loss, grad * weight

    def steps(self, n: int) -> list[list[tuple[int, deque]]]:
        """The update's steps, each a list of (rounds, drawn from): the player's and practice rounds in one step,
        or, for a brain with its own `update_rounds`, that many of each in a step of their own."""
        fixed = self.brain.update_rounds
        if fixed:
            return [[(fixed, kept)] for kept in (self.buffer, self.practised) if kept]
        practised = min(n // 2, len(self.practised)) if self.practice else 0
        return [[(n - practised, self.buffer), (practised, self.practised)]]

    def gradient(self, parts: list[tuple[int, deque]]) -> tuple[float, np.ndarray]:
        """Mean of the brain's loss over each part's rounds, one round's weight each (`round_weights`). A brain
        with its own `update_rounds` (the post's network, whose loss is a sum over the steps, as in the post)
        learns from its one round's steps as they are."""
        found = []
        for count, kept in parts:
            if count:
                x, labels, targets, mask = self.sample(count, kept)
                weights = mask if self.brain.update_rounds else round_weights(mask)
                loss, grad = self.brain.loss_and_gradient(x, labels, weights, targets)
                found.append((float(weights.sum()), loss, grad))
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
