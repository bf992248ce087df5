"""Tasks, batched rounds and the metrics: mistakes per game, agreement and survival. No pygame.

A task fixes the arena, the cat and the teacher. `play` runs N rounds at once on-policy: the mouse moves by
its own choice (a brain, its teacher, or at random) while the teacher labels every state the mouse is in, which
is what imitation learning trains on (DAgger) and what the metrics count.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from ..arena import Arena, features
from ..brain_np import FEATURES, Brain, BrainTrace
from ..world.cats import CAT_NAMES, CATS, SCRIPTED_CATS, cat_moves
from ..world.rooms import Room
from ..world.rows import put_rows, take_rows
from ..world.sight import CLASSIC, FEATURE_NAMES, Belief, cautious_board_choice, sight_features, sight_named
from ..world.teachers import VALUE_TEACHERS, check_post_teacher, pursuit, teacher_moves

CAUTIOUS = "cautious"  # the teacher under fog and flicker (sight.cautious_moves), which decides from B

HELDOUT_SEED = 20_151_001  # held-out starts come from their own stream, never the training one
HELDOUT_GAMES = 2_000
SURVIVAL_DICE = 8  # rounds from every start against a cat that plays by chance: its figure fine to ~0.1 %
EVERYWHERE_BATCH = 4_096  # rounds played at once from every start (a brain's trace is kept for each: memory)


@dataclass(frozen=True)
class Task:
    """The seed task is the post's: 6×6, cat still, no catch, 10 moves, the post's teacher.

    `sight` names what the mouse sees of the cat (sight.SIGHTS): under classic it sees it always and its brain
    gets the four coordinates; under fog or flicker its brain gets sight.FEATURE_NAMES and the cautious teacher
    (teacher "cautious") labels each state from the belief B. `room`, when it has furniture, is where the rounds
    are played (width and height are then its own); None is the open board."""

    name: str = "seed"
    width: int = 6
    height: int = 6
    cats: tuple[str, ...] = ()  # scripted cats, one per round in turn; () keeps the cat still
    move_limit: int = 10
    teacher: str = "post"
    sight: str = "classic"
    room: Room | None = None

    def __post_init__(self) -> None:
        check_room_task(self.room, self.width, self.height, self.teacher, self.sight)

    @property
    def catching(self) -> bool:
        return bool(self.cats)

    @property
    def features(self) -> tuple[str, ...]:
        """The names of the brain's inputs on this task."""
        return FEATURES if self.sight == CLASSIC.name else FEATURE_NAMES

    def arena(self, n: int) -> Arena:
        return Arena(self.width, self.height, n=n, move_limit=self.move_limit, catching=self.catching,
                     room=self.room)


def check_room_task(room: Room | None, width: int, height: int, teacher: str, sight: str) -> None:
    """ValueError, one line, for a task a room cannot have: another size than the room's, the post's teacher
    (it ignores furniture) or a sight whose belief knows no furniture."""
    if room is None or room.is_open:
        return
    if (width, height) != room.size:
        raise ValueError(f"room {room.name!r} is {room.width}×{room.height}, not {width}×{height}")
    check_post_teacher(room if teacher == "post" else None)
    if sight != CLASSIC.name:
        raise ValueError(f"{sight} sight is for the open board; room {room.name!r} is played with classic sight")


SEED_TASK = Task()


def chase_task(width: int = 8, height: int = 8, cats: tuple[str, ...] = CAT_NAMES,
               move_limit: int = 40, teacher: str = "optimal", sight: str = "classic",
               room: Room | None = None) -> Task:
    """Moving-cat task: scripted king-move cats chase the mouse, one cat kind per round in turn. Under fog or
    flicker sight the teacher is the cautious one (whatever `teacher` says: only it decides from B). A room
    with furniture sets the size."""
    sight_named(sight)  # a bad name fails here, with the choices
    if room is not None and room.is_open:
        room = None
    if room is not None:
        width, height = room.size
    return Task("chase", width, height, tuple(cats), move_limit, teacher if sight == CLASSIC.name else CAUTIOUS,
                sight, room)


def seed_task(teacher: str = "post") -> Task:
    """The post's seed task (Task's defaults: 6×6, cat still, 10 moves) with the given teacher."""
    return Task(teacher=teacher)


@dataclass
class Rounds:
    """What `play` saw, step by step: inputs (T, N, I), teacher's moves and mouse's moves (T, N), and which
    steps happened (mask). `survived` counts mouse moves made before a catch (or to the move limit). Under fog
    or flicker, `belief` is B (T, N, W·H) at every step when asked for (play's keep_belief).

    `best` (T, N, 4) bool is the value-optimal moves at every step: the solved game's (classic sight), the
    largest guaranteed survival over B (fog, flicker); on a still-cat task, where nothing is at stake, the
    teacher's move. `teacher_name` says whether the targets are those sets or the teacher's one move."""

    x: np.ndarray
    teacher: np.ndarray
    moves: np.ndarray
    mask: np.ndarray
    caught: np.ndarray
    survived: np.ndarray
    trace: BrainTrace | None = field(default=None, repr=False)  # the brain's run, when a brain played
    belief: np.ndarray | None = field(default=None, repr=False)
    best: np.ndarray | None = field(default=None, repr=False)
    teacher_name: str = "post"

    @property
    def mistakes(self) -> np.ndarray:
        """Per round: steps at which the mouse's move differs from its teacher's."""
        return ((self.moves != self.teacher) & self.mask).sum(axis=0)

    @property
    def by_value(self) -> bool:
        """Whether the teacher chooses by value (teachers.VALUE_TEACHERS), so that its targets are sets."""
        return self.teacher_name in VALUE_TEACHERS

    @property
    def targets(self) -> np.ndarray:
        """What a brain learns to give, (T, N, 4) bool: the set of value-optimal moves for a teacher that
        chooses by value (teachers.VALUE_TEACHERS), the teacher's one move for the post's."""
        return learning_targets(self.teacher_name, self.teacher, self.best)

    @property
    def optimal(self) -> np.ndarray:
        """(T, N) bool: the mouse's move was value-optimal (False where no step happened)."""
        picked = np.take_along_axis(self.best, self.moves[..., None].astype(np.intp), axis=2)[..., 0]
        return picked & self.mask

    @property
    def value_optimal(self) -> float:
        """Share of the mouse's moves that were value-optimal: the agreement's play twin."""
        steps = int(self.mask.sum())
        return float(self.optimal.sum()) / steps if steps else 1.0


def learning_targets(teacher: str, moves: np.ndarray, best: np.ndarray | None) -> np.ndarray:
    """The sets a brain imitates, (..., 4) bool: `best` for a teacher in VALUE_TEACHERS, else the teacher's
    one move."""
    if teacher in VALUE_TEACHERS and best is not None:
        return best
    return np.arange(4) == np.asarray(moves)[..., None]


def play(
    task: Task,
    n: int,
    rng: np.random.Generator,
    brain: Brain | None = None,
    mouse: str = "brain",
    cat: np.ndarray | None = None,
    mouse_start: np.ndarray | None = None,
    cat_rng: np.random.Generator | None = None,
    keep_belief: bool = False,
) -> Rounds:
    """Play n rounds of the task at once. mouse: "brain", "teacher" or "random". Rounds that have ended are
    not stepped again (the scripted cats still draw their random moves for every round, so a round's stream
    does not depend on when the others end)."""
    *_, rounds = playing(task, n, rng, brain, mouse, cat, mouse_start, cat_rng, keep_belief)
    return rounds


def playing(
    task: Task,
    n: int,
    rng: np.random.Generator,
    brain: Brain | None = None,
    mouse: str = "brain",
    cat: np.ndarray | None = None,
    mouse_start: np.ndarray | None = None,
    cat_rng: np.random.Generator | None = None,
    keep_belief: bool = False,
):
    """`play`, one batched step at a time: yields None after each step and the Rounds last, so a caller with a
    frame budget (the live learner's held-out check) can spread the rounds over frames."""
    if mouse not in ("brain", "teacher", "random"):
        raise ValueError(f"unknown mouse {mouse!r}: choose brain, teacher or random")
    arena = task.arena(n)
    arena.rng = rng
    arena.reset(cat=cat, mouse=mouse_start)
    cat_rng = rng if cat_rng is None else cat_rng
    T, W, H = task.move_limit, task.width, task.height
    sight = sight_named(task.sight)
    belief = None if sight is CLASSIC else Belief(sight, W, H, arena.mouse)
    x = np.zeros((T, n, len(task.features)), dtype=np.float32)
    labels = np.zeros((T, n), dtype=np.int32)
    best = np.zeros((T, n, 4), dtype=bool)
    solved = pursuit(W, H, task.room) if task.catching else None
    moves = np.zeros((T, n), dtype=np.int32)
    mask = np.zeros((T, n), dtype=bool)
    kept = np.zeros((T, n, W * H), dtype=bool) if keep_belief and belief is not None else None
    trace = brain.start(n, T) if mouse == "brain" else None
    kinds = np.arange(n) % max(len(task.cats), 1)
    rounds_of = [(name, np.flatnonzero(kinds == k)) for k, name in enumerate(task.cats)]
    chosen = np.zeros(n, dtype=np.int32)
    live = np.flatnonzero(~arena.done)  # the rounds not over, in order; only they are stepped
    for t in range(T):
        if task.cats:
            # The live rounds' cats decide; the random draws are made for every round of the kind, so a round's
            # stream does not depend on which rounds are over.
            kind_of_live = kinds[live]
            for k, (name, games) in enumerate(rounds_of):
                if len(games):
                    mine = live[kind_of_live == k]
                    chosen[mine] = cat_moves(name, take_rows(arena.cat, mine), take_rows(arena.mouse, mine), W, H,
                                             cat_rng, among=np.searchsorted(games, mine), rounds=len(games),
                                             room=task.room)
            live = live[~arena.move_cat(chosen[live], live)]
        if not len(live):
            break
        cat_now, mouse_now = take_rows(arena.cat, live), take_rows(arena.mouse, live)
        if belief is None:
            seen_x = features(cat_now, mouse_now, W, H)
            labels[t, live] = taught = teacher_moves(task.teacher, cat_now, mouse_now, W, H, task.room)
            best[t, live] = (np.arange(4) == taught[:, None]) if solved is None else solved.mouse_best(cat_now,
                                                                                                      mouse_now)
        else:
            seen = belief.update_rows(live, t, cat_now, mouse_now)
            seen_x = sight_features(seen, cat_now, mouse_now, W, H)
            labels[t, live], best[t, live] = cautious_board_choice(take_rows(belief.boards, live), mouse_now, W, H)
            if kept is not None:
                kept[t] = belief.cells
        put_rows(x[t], live, seen_x)
        if trace is not None:
            moves[t, live] = trace.moves(seen_x, live)
        elif mouse == "teacher":
            moves[t] = labels[t]
        else:
            moves[t] = rng.integers(0, 4, size=n)
        mask[t, live] = True
        live = live[~arena.move_mouse(moves[t, live], live)]
        yield None
    yield Rounds(x, labels, moves, mask, arena.caught.copy(), arena.moves.copy(), trace, kept, best, task.teacher)


def heldout_rng(task: Task) -> np.random.Generator:
    return np.random.default_rng([HELDOUT_SEED, task.width, task.height, len(task.cats)])


def mistakes_per_game(brain: Brain, task: Task = SEED_TASK, games: int = HELDOUT_GAMES) -> float:
    """Held-out mistakes per game: steps where the brain's move differs from its teacher's, per round."""
    return heldout_scores(brain, task, games)[0]


def agreement(brain: Brain, task: Task, games: int = HELDOUT_GAMES) -> float:
    """1 - mistakes / steps over held-out rounds of any task."""
    return heldout_scores(brain, task, games)[1]


def all_seed_starts(width: int = 6, height: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Every (cat, mouse) start of the seed task: (W·H)² of them, 1,296 on 6×6."""
    cells = np.array([(x, y) for y in range(height) for x in range(width)], dtype=np.int32)
    cat = np.repeat(cells, len(cells), axis=0)
    mouse = np.tile(cells, (len(cells), 1))
    return cat, mouse


def exhaustive_mistakes(brain: Brain, task: Task = SEED_TASK) -> int:
    """Total mistakes over every start of the seed task, each played on-policy to its end."""
    cat, mouse = all_seed_starts(task.width, task.height)
    rounds = play(task, len(cat), np.random.default_rng(0), brain, cat=cat, mouse_start=mouse)
    return int(rounds.mistakes.sum())


def survival(
    task: Task,
    brain: Brain | None = None,
    mouse: str = "brain",
    games: int = HELDOUT_GAMES,
) -> float:
    """Mean mouse moves survived against the task's cats within its move limit, on held-out starts."""
    rng = heldout_rng(task)
    rounds = play(task, games, rng, brain, mouse=mouse, cat_rng=np.random.default_rng(HELDOUT_SEED + 1))
    return float(rounds.survived.mean())


@dataclass(frozen=True)
class PlayFigures:
    """How a mouse plays on held-out rounds of a chase task: its agreement with the teacher, and agreement's
    play twins: the share of its moves that were value-optimal, and the moves it survived against each cat
    beside its teacher's on the same starts and the same cat draws."""

    agreement: float
    value_optimal: float
    survival: dict[str, float]
    teacher_survival: dict[str, float]

    def share(self, cat: str) -> float:
        """Survival against this cat as a share of the teacher's."""
        return self.survival[cat] / max(self.teacher_survival[cat], 1e-9)

    def line(self) -> str:
        """One line: value-optimal share, then survival as a share of the teacher's, cat by cat."""
        shares = " ".join(f"{cat} {self.share(cat) * 100:.1f}%" for cat in self.survival)
        return f"value-optimal {self.value_optimal * 100:.1f}% · survival vs teacher {shares}"


def play_figures(brain: Brain, task: Task, games: int = HELDOUT_GAMES) -> PlayFigures:
    """The brain's PlayFigures on `games` held-out rounds of the task (its cats in turn)."""
    rounds = play(task, games, heldout_rng(task), brain, cat_rng=np.random.default_rng(HELDOUT_SEED + 1))
    steps = max(int(rounds.mask.sum()), 1)
    return PlayFigures(1.0 - float(rounds.mistakes.sum()) / steps, rounds.value_optimal,
                       survival_by_cat(task, rounds), teacher_survival(task, games))


def survival_by_cat(task: Task, rounds: Rounds) -> dict[str, float]:
    """Mean moves survived per cat (round r met cat r mod the number of cats)."""
    kinds = np.arange(len(rounds.survived)) % max(len(task.cats), 1)
    return {cat: float(rounds.survived[kinds == k].mean()) for k, cat in enumerate(task.cats)}


@lru_cache(maxsize=32)
def teacher_survival(task: Task, games: int = HELDOUT_GAMES) -> dict[str, float]:
    """The teacher's survival per cat on play_figures' rounds (the same starts and cat draws)."""
    rounds = play(task, games, heldout_rng(task), mouse="teacher", cat_rng=np.random.default_rng(HELDOUT_SEED + 1))
    return survival_by_cat(task, rounds)


@lru_cache(maxsize=32)
def teacher_survival_everywhere(task: Task, dice: int = SURVIVAL_DICE, seed: int = HELDOUT_SEED) -> dict[str, float]:
    """survival_everywhere of the teacher: what a brain's survival is a share of."""
    return survival_everywhere(task, None, dice, seed)


def survival_everywhere(task: Task, brain: Brain | None, dice: int = SURVIVAL_DICE,
                        seed: int = HELDOUT_SEED) -> dict[str, float]:
    """Mean moves survived against each of the task's cats from every start of the board or room (all_starts),
    by the brain (None: the teacher): once against a cat without chance, `dice` times against one that plays by
    chance. The draws come from `seed` and fall alike for every mouse, so two mice are compared on the same
    dice; a sample of starts would judge a small change by its luck (a tie-break can decide one round of 500)."""
    cat, mouse = all_starts(task.width, task.height, task.room)
    found = {}
    for name in task.cats:
        times = dice if CATS[name].by_chance else 1
        rng, survived = np.random.default_rng(seed), []
        for part in np.array_split(np.arange(times * len(cat)) % len(cat), -(-times * len(cat) // EVERYWHERE_BATCH)):
            rounds = play(replace(task, cats=(name,)), len(part), rng, brain,
                          mouse="brain" if brain is not None else "teacher", cat=cat[part], mouse_start=mouse[part])
            survived.append(rounds.survived)
        found[name] = float(np.concatenate(survived).mean())
    return found


def heldout_scores(brain: Brain, task: Task, games: int = HELDOUT_GAMES) -> tuple[float, float]:
    """Held-out mistakes per game and agreement (1 - mistakes / steps), both from one play of the same rounds."""
    rounds = play(task, games, heldout_rng(task), brain)
    return float(rounds.mistakes.mean()), 1.0 - float(rounds.mistakes.sum()) / max(int(rounds.mask.sum()), 1)


# -- the cat's side: a cat (brain or scripted) against mice, labelled by the perfect cat -----------------------

SCRIPTED_MICE = ("optimal", "post", "random")  # the two teachers and a random mouse; other names are brains
CAT_HELDOUT_SEED = HELDOUT_SEED + 12  # the random mouse's and random cats' moves when judging a cat


@dataclass(frozen=True)
class CatTask:
    """The cat's task: a W×H arena, 40 mouse moves a round, and the mice it meets, one kind per round in turn.

    A mouse is named: "optimal" (the optimal mouse), "post" (the post's teacher), "random", or the name of a
    mouse brain given in `brains` (a brain file's stem, like lstm32_optimal). The perfect cat is the teacher."""

    width: int = 8
    height: int = 8
    mice: tuple[str, ...] = ("optimal", "random")
    move_limit: int = 40
    brains: Mapping[str, Brain] = field(default_factory=dict, compare=False, repr=False)
    name: str = "pursuit"
    teacher: str = "perfect"
    sight: str = "classic"  # the cat sees everything (and so, for now, do the mice it meets)
    room: Room | None = None  # furniture, when there is any (width and height are then the room's)

    @property
    def features(self) -> tuple[str, ...]:
        """The names of the cat brain's inputs: the mouse's, as the cat sees the whole board."""
        return FEATURES

    def __post_init__(self) -> None:
        if self.room is not None and not self.room.is_open and "post" in self.mice:
            check_post_teacher(self.room)
        if self.room is not None and self.room.size != (self.width, self.height):
            raise ValueError(f"room {self.room.name!r} is {self.room.width}×{self.room.height}, not "
                             f"{self.width}×{self.height}")
        if not self.mice:
            raise ValueError("a cat's task needs at least one mouse")
        for mouse in self.mice:
            if mouse not in SCRIPTED_MICE and mouse not in self.brains:
                raise ValueError(f"unknown mouse {mouse!r}: choose {', '.join(SCRIPTED_MICE)} or a mouse brain")
        for mouse, brain in self.brains.items():
            if brain.role != "mouse":
                raise ValueError(f"mouse {mouse!r} is a brain of role {brain.role!r}, not a mouse's")


@dataclass
class CatRounds:
    """What `play_cat` saw, cat move by cat move: inputs (T, N, 4) before each cat move, the perfect cat's moves
    (`teacher`) and the cat's (T, N), which steps happened (mask), and whether each cat move was value-optimal
    (kept the perfect cat's moves-to-catch); the mouse's answers (T, N) and which happened. Per round: caught,
    cat moves made, the start's par (the solved game's value), and the moves each side lost against that value;
    for a caught round cat_moves = par + cat_lost - mouse_lost."""

    x: np.ndarray
    teacher: np.ndarray
    moves: np.ndarray
    mask: np.ndarray
    optimal: np.ndarray
    answers: np.ndarray
    answered: np.ndarray
    caught: np.ndarray
    cat_moves: np.ndarray
    par: np.ndarray
    cat_lost: np.ndarray
    mouse_lost: np.ndarray
    trace: BrainTrace | None = field(default=None, repr=False)
    best: np.ndarray | None = field(default=None, repr=False)  # (T, N, 8) bool: the value-optimal cat moves

    by_value = True  # the perfect cat chooses by the solved game's value

    @property
    def targets(self) -> np.ndarray:
        """What a cat brain learns to give, (T, N, 8) bool: every move that keeps the perfect cat's count."""
        return self.best

    @property
    def mistakes(self) -> np.ndarray:
        """Per round: cat moves that were not value-optimal."""
        return (~self.optimal & self.mask).sum(axis=0)

    @property
    def value_optimal(self) -> float:
        """Share of all cat moves that kept the perfect cat's moves-to-catch."""
        return float(self.optimal[self.mask].mean()) if self.mask.any() else 1.0


def play_cat(
    task: CatTask,
    n: int,
    rng: np.random.Generator,
    brain: Brain | None = None,
    cat: str = "brain",
    cat_start: np.ndarray | None = None,
    mouse_start: np.ndarray | None = None,
    mouse_rng: np.random.Generator | None = None,
) -> CatRounds:
    """Play n rounds of the cat's task at once, by the arena's rules: the cat moves by its own choice (its brain,
    or a scripted cat of cats.CAT_NAMES) while the perfect cat labels every state it is in (DAgger); then the
    round's mouse answers. Random cats and mice draw from `rng` (the random mouse from `mouse_rng` if given)."""
    arena = Arena(task.width, task.height, n=n, move_limit=task.move_limit, room=task.room)
    arena.rng = rng
    arena.reset(cat=cat_start, mouse=mouse_start)
    mouse_rng = rng if mouse_rng is None else mouse_rng
    solved = pursuit(task.width, task.height, task.room)
    T, every = task.move_limit, np.arange(n)
    x = np.zeros((T, n, 4), dtype=np.float32)
    labels, moves = np.zeros((T, n), dtype=np.int32), np.zeros((T, n), dtype=np.int32)
    mask, optimal = np.zeros((T, n), dtype=bool), np.zeros((T, n), dtype=bool)
    best = np.zeros((T, n, 8), dtype=bool)
    answers, answered = np.zeros((T, n), dtype=np.int32), np.zeros((T, n), dtype=bool)
    par = np.where(arena.caught, 0, solved.start_par(arena.cat, arena.mouse))
    cat_lost, mouse_lost, cat_count = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64)
    if cat == "brain" and brain is None:
        raise ValueError("a brain cat needs a brain")
    if cat != "brain" and cat not in SCRIPTED_CATS:
        raise ValueError(f"unknown cat {cat!r}: choose brain or one of {', '.join(SCRIPTED_CATS)}")
    trace = brain.start(n, T) if cat == "brain" else None
    kinds = every % len(task.mice)
    rounds_of = [kinds == k for k in range(len(task.mice))]
    mouse_brains = {k: task.brains[name].start(int(rounds_of[k].sum()), T)
                    for k, name in enumerate(task.mice) if name in task.brains and rounds_of[k].any()}
    for t in range(T):
        active = ~arena.done
        if not active.any():
            break
        labels[t] = solved.cat_moves(arena.cat, arena.mouse)
        if trace is not None:
            x[t], _, moves[t] = cat_brain_turn(trace, arena)
        else:
            x[t] = arena.observe()
            moves[t] = cat_moves(cat, arena.cat, arena.mouse, task.width, task.height, rng, room=task.room)
        values = solved.cat_values(arena.cat, arena.mouse)
        least = values.min(axis=1)
        lost = values[every, moves[t]] - least
        best[t] = (values == least[:, None]) & active[:, None]
        mask[t], optimal[t] = active, lost == 0
        cat_lost += np.where(active, lost, 0)
        cat_count += active
        arena.move_cat(moves[t])
        answers[t], answered[t] = mouse_answers(task, arena, rounds_of, mouse_brains, mouse_rng), ~arena.done
        values = solved.mouse_values(arena.cat, arena.mouse)
        mouse_lost += np.where(answered[t], values.max(axis=1) - values[every, answers[t]], 0)
        arena.move_mouse(answers[t])
    return CatRounds(x, labels, moves, mask, optimal, answers, answered, arena.caught.copy(), cat_count, par,
                     cat_lost, mouse_lost, trace, best)


def cat_brain_turn(trace: BrainTrace, arena: Arena) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A cat brain's move in every round of the arena: what play_cat (the trainer's rounds, the tournament) and
    the game's watch mode both call. The brain sees the board as a mouse brain does (arena.observe: both
    animals' cells, scaled) and moves by the likeliest of its eight logits (arena.CAT_MOVES' order). Returns
    its input (N, 4), its logits (N, 8) and its moves (N,)."""
    x = arena.observe()
    logits = trace.step(x)
    return x, logits, np.argmax(logits, axis=1).astype(np.int32)


def mouse_answers(task: CatTask, arena: Arena, rounds_of: list[np.ndarray], brains: dict[int, BrainTrace],
                  rng: np.random.Generator) -> np.ndarray:
    """Every round's mouse's move, after the cat's: each mouse sees the position as a mouse brain does."""
    answer = np.zeros(arena.n, dtype=np.int32)
    seen = arena.observe()
    for k, name in enumerate(task.mice):
        games = rounds_of[k]
        if not games.any():
            continue
        if k in brains:
            answer[games] = brains[k].moves(seen[games])
        elif name == "random":
            answer[games] = rng.integers(0, 4, size=int(games.sum()))
        else:
            answer[games] = teacher_moves(name, arena.cat[games], arena.mouse[games], task.width, task.height,
                                          task.room)
    return answer


def all_starts(width: int, height: int, room: Room | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every start a round with a catch can have: each (cat, mouse) pair of different floor cells."""
    cat, mouse = all_seed_starts(width, height)
    apart = np.any(cat != mouse, axis=1)
    if room is not None and not room.is_open:
        blocked = room.blocked
        apart &= ~blocked[cat[:, 1] * width + cat[:, 0]] & ~blocked[mouse[:, 1] * width + mouse[:, 0]]
    return cat[apart], mouse[apart]


# Beside the rounds: the interpreter, NumPy and its BLAS, the solved game's tables.
MEMORY_RESERVE_BYTES = 768 * 2**20
ROUND_STEP_BYTES = 31  # play_cat's own record of one round's step: x (16), labels, moves, answers (4 each), 3 flags


def trace_bytes(hidden: int, inputs: int = len(FEATURES), itemsize: int = 4) -> int:
    """One round's step in a brain's trace, at most: an LSTM keeps its input and its 6H cell values (z, row)."""
    return (7 * hidden + inputs + 2) * itemsize


def cat_scores_bytes(task: CatTask, cat_hidden: int | None) -> int:
    """What cat_scores holds at once for this task: every start against each mouse, each round's steps, the cat
    brain's trace (cat_hidden units; None for a scripted cat) and each mouse brain's for its own rounds."""
    starts = task.width * task.height * (task.width * task.height - 1)
    steps = task.move_limit + 1
    cat = 0 if cat_hidden is None else trace_bytes(cat_hidden)
    mice = sum(trace_bytes(b.hidden_size, b.input_size, b.dtype.itemsize)
               for name, b in task.brains.items() if name in task.mice)
    return steps * starts * (len(task.mice) * (ROUND_STEP_BYTES + cat) + mice)


def memory_limit() -> int | None:
    """The most memory this process may use: the smallest of its address-space and data limits, its cgroup's
    limit and the machine's memory; None where none can be read (the browser)."""
    limits = []
    try:
        import resource

        for kind in (resource.RLIMIT_AS, resource.RLIMIT_DATA):
            soft = resource.getrlimit(kind)[0]
            if soft not in (resource.RLIM_INFINITY, -1) and soft > 0:
                limits.append(soft)
    except (ImportError, AttributeError, ValueError, OSError):
        pass
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            text = f.read().strip()
        if text.isdigit():
            limits.append(int(text))
    except OSError:
        pass
    try:
        limits.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        pass
    return min(limits) if limits else None


def check_cat_scores_fit(task: CatTask, cat_hidden: int | None) -> None:
    """Refuse, in one line and before anything runs, a scoring of every start that would not fit in memory."""
    need, limit = cat_scores_bytes(task, cat_hidden), memory_limit()
    if limit is not None and need + MEMORY_RESERVE_BYTES > limit:
        starts = task.width * task.height * (task.width * task.height - 1)
        raise ValueError(f"{task.width}×{task.height}: every start ({starts:,}) against {len(task.mice)} mice for "
                         f"{task.move_limit} moves needs about {need / 2**30:.1f} GiB, more than the "
                         f"{max(0, limit - MEMORY_RESERVE_BYTES) / 2**30:.1f} GiB this process may use; choose a "
                         "smaller size, fewer mice or a lower move limit")


def cat_scores(brain: Brain | None, task: CatTask, cat: str = "brain") -> CatRounds:
    """Every start of the task against each of its mice in turn (W·H·(W·H−1) rounds per mouse), the random
    mouse and random cats on a fixed stream: the cat's held-out figures come from these rounds. Refused in one
    line (ValueError) when they would not fit in memory."""
    check_cat_scores_fit(task, None if brain is None else brain.hidden_size)
    cat_cells, mouse_cells = all_starts(task.width, task.height, task.room)
    reps = len(task.mice)
    # Round r meets mouse r % len(mice): repeating each start len(mice) times in a row gives every pair.
    rng = np.random.default_rng([CAT_HELDOUT_SEED, task.width, task.height])
    return play_cat(task, len(cat_cells) * reps, rng, brain, cat, np.repeat(cat_cells, reps, axis=0),
                    np.repeat(mouse_cells, reps, axis=0))
