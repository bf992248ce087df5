"""The tournament: every cat against every mouse, from every start, scored against the solved game.

    python -m game.tournament                      # weights/ on 8×8, a markdown table on stdout
    python -m game.tournament --weights DIR --size 6x6

Cats: the perfect, greedy, noisy and random cats and each cat brain in the folder; mice: the optimal mouse,
each mouse brain in the folder and a random mouse. Each cat plays one batched rollout (tasks.play_cat) of every
start (W·H·(W·H−1) of them) against each mouse, with the noisy cat's slips and the random players' moves on a
fixed stream, so the table repeats exactly. For each pairing: the share of rounds caught within the move limit,
the mean cat moves to catch (caught rounds), that mean against the perfect cat's on the same mouse, and the moves
each side lost per round against the solved game's value (par): a cat loses a move when its move leaves more
moves to catch than par, a mouse when its move leaves fewer; a caught round took par + cat's − mouse's.
No pygame.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..arena import parse_size
from ..brain_np import Brain
from ..brains.brainfile import DEFAULT_SIGHT, BrainFileError, file_kind, load_brain, printable
from ..brains.tasks import CatRounds, CatTask, cat_scores, check_cat_scores_fit
from ..cli import Parser, argparse_type
from ..world.cats import CAT_NAMES
from .train import bounded_whole

WEIGHTS = Path(__file__).resolve().parents[2] / "weights"
# Targets for a shipped cat brain, from every start of its arena against each mouse.
VALUE_OPTIMAL_TARGET = 0.995  # share of its moves against the optimal mouse that keep the perfect cat's count
MOVES_TARGET = 0.02  # its mean moves to catch within 2 % of the perfect cat's, against every mouse


@dataclass(frozen=True)
class Match:
    """One cat against one mouse over every start."""

    cat: str
    mouse: str
    rounds: int
    caught: float  # share of rounds caught within the move limit
    moves: float  # mean cat moves to catch, over caught rounds
    par: float  # mean value of the starts: what a perfect cat needs against a perfect mouse
    cat_lost: float  # mean moves the cat lost against the solved game's value, per round
    mouse_lost: float  # the same for the mouse
    value_optimal: float  # share of the cat's moves that kept the perfect cat's moves-to-catch


def players(folder: Path) -> tuple[dict[str, Brain], dict[str, Brain]]:
    """The cat brains and the mouse brains of classic sight in a folder, by file stem (every player sees the whole
    board here); files that do not load are left out."""
    cats, mice = {}, {}
    for path in sorted(folder.glob("*.npz")) if folder.is_dir() else []:
        kind = file_kind(path)
        if kind is None or kind[1] != DEFAULT_SIGHT:
            continue
        role = kind[0]
        (cats if role == "cat" else mice)[path.stem] = load_brain(path, role=role)
    return cats, mice


def matches(cat: str, brain: Brain | None, task: CatTask) -> list[Match]:
    """One cat (a scripted cat's name, or a brain) against each of the task's mice from every start."""
    rounds = cat_scores(brain, task, "brain" if brain is not None else cat)
    return [score(cat, mouse, rounds, k, len(task.mice)) for k, mouse in enumerate(task.mice)]


def score(cat: str, mouse: str, rounds: CatRounds, k: int, kinds: int) -> Match:
    games = np.arange(len(rounds.par)) % kinds == k
    caught = rounds.caught[games]
    mask = rounds.mask[:, games]
    return Match(
        cat, mouse, int(games.sum()), float(caught.mean()),
        float(rounds.cat_moves[games][caught].mean()) if caught.any() else float("nan"),
        float(rounds.par[games].mean()), float(rounds.cat_lost[games].mean()),
        float(rounds.mouse_lost[games].mean()), float(rounds.optimal[:, games][mask].mean()),
    )


def tournament(cat_brains: dict[str, Brain], mouse_brains: dict[str, Brain], width: int = 8, height: int = 8,
               move_limit: int = 40) -> list[Match]:
    """Every cat (the scripted ones, then the brains) against every mouse (optimal, the brains, random)."""
    task = CatTask(width, height, ("optimal", *mouse_brains, "random"), move_limit, brains=mouse_brains)
    out = [m for cat in CAT_NAMES for m in matches(cat, None, task)]
    for name, brain in cat_brains.items():
        out += matches(name, brain, task)
    return out


def table(results: list[Match]) -> str:
    """The tournament as a markdown table, one row per cat and mouse."""
    perfect = {m.mouse: m.moves for m in results if m.cat == "perfect"}
    lines = ["| cat | mouse | caught | moves to catch | vs perfect cat | cat lost / round | mouse lost / round "
             "| cat's moves value-optimal |", "|---|---|---|---|---|---|---|---|"]
    for m in results:
        against = m.moves / perfect[m.mouse] - 1 if m.mouse in perfect and m.caught else float("nan")
        lines.append(f"| {m.cat} | {m.mouse} | {m.caught:.2%} | {m.moves:.3f} | {against:+.2%} | {m.cat_lost:.3f} "
                     f"| {m.mouse_lost:.3f} | {m.value_optimal:.2%} |")
    return "\n".join(lines)


def targets(results: list[Match], cat: str) -> dict[str, bool]:
    """Whether a cat meets a shipped cat brain's targets: value-optimal moves against the optimal mouse, every
    round caught against every mouse, and mean moves to catch within 2 % of the perfect cat's on each mouse."""
    mine = [m for m in results if m.cat == cat]
    perfect = {m.mouse: m.moves for m in results if m.cat == "perfect"}
    return {
        "value_optimal": all(m.value_optimal >= VALUE_OPTIMAL_TARGET for m in mine if m.mouse == "optimal"),
        "catches_all": all(m.caught == 1.0 for m in mine),
        "moves": all(abs(m.moves / perfect[m.mouse] - 1) <= MOVES_TARGET for m in mine),
    }


def main(argv: list[str] | None = None) -> int:
    p = Parser(prog="python -m game.tournament", description=__doc__.split("\n\n")[0])
    p.add_argument("--weights", type=Path, default=WEIGHTS, help="folder of brain files (default: weights/)")
    p.add_argument("--size", type=argparse_type(parse_size), default=(8, 8), help="arena N, WxH or W×H (8)")
    p.add_argument("--move-limit", type=bounded_whole(1, 1000), default=40, help="mouse moves a round, 1 to 1000 (40)")
    args = p.parse_args(argv)
    width, height = args.size
    try:
        if not args.weights.is_dir():
            raise ValueError(f"--weights {printable(args.weights, 100)}: is not a folder")
        cat_brains, mouse_brains = players(args.weights)
        task = CatTask(width, height, ("optimal", *mouse_brains, "random"), args.move_limit, brains=mouse_brains)
        for hidden in {None, *(brain.hidden_size for brain in cat_brains.values())}:
            check_cat_scores_fit(task, hidden)  # before any round is played
    except (ValueError, BrainFileError) as exc:
        p.exit(2, f"{p.prog}: error: {printable(exc, 300)}\n")
    if not cat_brains and not mouse_brains:
        print(f"{p.prog}: note: no brain files in {printable(args.weights, 100)}; scripted players only",
              file=sys.stderr)
    results = tournament(cat_brains, mouse_brains, width, height, args.move_limit)
    print(f"{width}×{height}, every start ({width * height * (width * height - 1):,}) against each mouse, "
          f"{args.move_limit} mouse moves a round")
    print(table(results))
    for name in cat_brains:
        met = targets(results, name)
        print(f"{name}: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in met.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
