"""Train a mouse's brain (or, with --role cat, a cat's) by imitation: `python -m game.train --help`. The command
line only: the trainers are game/training/trainers.py (one per brain type, in TRAINERS and CAT_TRAINERS), the curve,
summary and weights table game/training/reports.py.

Every argument is checked before training starts, and a bad one ends in one line naming it; the brain file is
written only if the game can load it. No pygame.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import shlex
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..arena import parse_size
from ..brain_np import BRAIN_TYPES, MAX_WINDOW, Brain, LSTMBrain, MLPBrain, PostBrain, WindowBrain, brain_type
from ..brains.brainfile import (
    MAX_HIDDEN,
    BrainFileError,
    brain_bytes,
    load_brain,
    load_brain_bytes,
    meta_room,
    printable,
    room_meta,
    write_atomic,
)
from ..brains.probe import fit_probe, probe_scores
from ..brains.tasks import SCRIPTED_MICE, CatTask, Task, chase_task, check_cat_scores_fit, seed_task
from ..cli import Parser, argparse_type
from ..world.cats import CAT_NAMES, TRAINING_CATS
from ..world.rooms import Room, room_named
from ..world.sight import CLASSIC, SIGHTS
from ..world.teachers import TEACHER_NAMES
from .contest import MouseJudgement, judge_mouse
from .provenance import made_with
from .reports import brain_summary, print_table, write_curve
from .trainers import CAT_HYPER, CAT_TRAINERS, LSTM_HYPER, TRAINERS, Progress

WEIGHTS = Path(__file__).resolve().parents[2] / "weights"  # where --mice finds a mouse brain by its name

# --arch: every trained architecture by its name and its older spellings (the shipped brains' commands say post)
ARCH_NAMES = tuple(name for arch in TRAINERS for name in (arch, *BRAIN_TYPES[arch].aliases))


def parse_cats(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    for name in names:
        if name not in TRAINING_CATS:
            raise argparse.ArgumentTypeError(f"unknown cat {name!r}: choose from {', '.join(TRAINING_CATS)}")
    if not names:
        raise argparse.ArgumentTypeError("give at least one cat")
    return names


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number (1_000 and 1,000 allowed) of at least `minimum`."""

    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} must be at least {minimum}")
        return value

    return parse


positive_int, natural_int = whole_number(1), whole_number(0)
MAX_SEED = 2**32 - 1  # np.random.seed (the post's faithful run) takes no more
MAX_MOVE_LIMIT = 1000
MAX_BATCH = 4096
MAX_TRACE_BYTES = 2**30  # the largest batch's trace for backward through time must fit in memory


def bounded_whole(minimum: int, maximum: int) -> Callable[[str], int]:
    """An argparse type: a whole number from minimum to maximum."""
    parse = whole_number(minimum)

    def bounded(text: str) -> int:
        value = parse(text)
        if value > maximum:
            raise argparse.ArgumentTypeError(f"{text!r} must be at most {maximum:,}")
        return value

    return bounded


def number_in(low: float, high: float, low_open: bool = True) -> Callable[[str], float]:
    """An argparse type: a finite number above `low` (or from it, low_open=False) and at most `high`."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not (math.isfinite(value) and (value > low if low_open else value >= low) and value <= high):
            raise argparse.ArgumentTypeError(f"{text!r} must be a number {'above' if low_open else 'from'} {low:g} "
                                             f"and at most {high:g}")
        return value

    return parse


def positive_float(text: str) -> float:
    return number_in(0.0, math.inf)(text)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="python -m game.train",
        description="Train a mouse's brain by on-policy imitation of its teacher and save it as a brain file.",
        epilog="Examples: python -m game.train --task seed --arch lstm --hidden 32 --games 100000 --out "
        "weights/lstm32_post.npz;  python -m game.train --arch post --hidden 16 --faithful --out weights/post16.npz;"
        "  python -m game.train --task chase --size 8 --cats perfect,greedy,noisy,random --seconds 120 "
        "--out weights/lstm32_optimal.npz;  python -m game.train --role cat --mice optimal,lstm32_optimal,random "
        "--games 400000 --out runs/cat.npz",
    )
    p.add_argument("--role", choices=("mouse", "cat"), default="mouse",
                   help="mouse (default) or cat: a cat's LSTM imitates the perfect cat against --mice")
    p.add_argument("--mice", type=parse_mice, default=("optimal", "random"),
                   help=f"cat: comma-separated mice, one per round in turn: {', '.join(SCRIPTED_MICE)}, or a mouse "
                   "brain as NAME (weights/NAME.npz) or a path to a .npz (default optimal,random)")
    p.add_argument("--task", choices=("seed", "chase"), default=None,
                   help="mouse: seed (default), the post's task (6x6, cat still, 10 moves); chase: scripted cats "
                   "chase the mouse")
    p.add_argument("--size", type=argparse_type(parse_size), default=None,
                   help="arena N, WxH or W×H (chase default 8; seed is 6x6)")
    p.add_argument("--room", default=None, metavar="NAME",
                   help="chase task or cat: play in rooms/NAME.txt (or a path to a room file); its size is the "
                   "arena's and the brain's meta records it (default: the open board)")
    p.add_argument("--cats", type=parse_cats, default=CAT_NAMES,
                   help=f"chase task: comma-separated cats, one per round in turn (default {','.join(CAT_NAMES)})")
    p.add_argument("--move-limit", type=bounded_whole(1, MAX_MOVE_LIMIT), default=40,
                   help=f"chase task: mouse moves a round, up to {MAX_MOVE_LIMIT} (40)")
    p.add_argument("--teacher", choices=TEACHER_NAMES, default=None,
                   help="post: the post's teacher; optimal: the optimal mouse (default post on seed, optimal on chase)")
    p.add_argument("--sight", choices=tuple(SIGHTS), default=CLASSIC.name,
                   help="chase task: what the mouse sees of the cat. classic: always; fog: within 2 cells; flicker: "
                   "only every third move. Under fog and flicker the brain gets 5 inputs and the cautious teacher")
    p.add_argument("--arch", choices=ARCH_NAMES, default="lstm",
                   help="lstm (ours), post (the post's net; post_rnn is its name in brain files), mlp (a memoryless "
                   "net on the current input, trained as the LSTM is: the baseline of docs/BENCHMARKS.md) or window "
                   "(that net given the round's last --window inputs)")
    p.add_argument("--window", type=bounded_whole(1, MAX_WINDOW), default=None, metavar="K",
                   help=f"window arch: how many of the round's last inputs the net is given, 1 to {MAX_WINDOW} "
                   "(1: the memoryless net's input)")
    p.add_argument("--hidden", type=bounded_whole(1, MAX_HIDDEN), default=None,
                   help=f"hidden units, up to {MAX_HIDDEN}, the most the game plays (lstm 32, post 16)")
    p.add_argument("--games", type=positive_int, default=None, help="training games")
    p.add_argument("--seconds", type=positive_float, default=None, help="training seconds (evaluation excluded)")
    p.add_argument("--seed", type=bounded_whole(0, MAX_SEED), default=0,
                   help="random seed, 0 to 2^32-1; the same seed and --games repeat a run")
    p.add_argument("--out", type=Path, default=None, help="brain file to write (weights/NAME.npz)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.add_argument("--curve", type=Path, default=None,
                   help="prefix for the training curve PATH.csv and PATH.png (default: beside --out)")
    p.add_argument("--no-plot", action="store_true", help="write the curve CSV only, no PNG")
    p.add_argument("--eval-every", type=positive_int, default=None, help="games between held-out evaluations")
    p.add_argument("--faithful", action="store_true",
                   help="post arch: reconstruct the post's run (np.random.seed, stop when its metric < 1.2)")
    p.add_argument("--stop-mistakes", type=number_in(0.0, 1000.0, low_open=False), default=None,
                   help="stop at the first evaluation with held-out mistakes per game at or below this")
    p.add_argument("--stop-exact", action="store_true",
                   help="stop at the first evaluation with 0 mistakes from every start of a still-cat task "
                   "(a cat: 0 moves that were not value-optimal, from every start against every mouse)")
    p.add_argument("--lr", type=number_in(0.0, 10.0), default=None, help=f"LSTM: Adam's rate ({LSTM_HYPER['lr']})")
    p.add_argument("--batch", type=bounded_whole(1, MAX_BATCH), default=None,
                   help=f"LSTM: first batch ({LSTM_HYPER['batch']})")
    p.add_argument("--batch-max", type=bounded_whole(1, MAX_BATCH), default=None,
                   help=f"LSTM: largest batch ({LSTM_HYPER['batch_max']})")
    p.add_argument("--batch-growth", type=positive_int, default=None,
                   help=f"LSTM: games over which the batch grows by its first size ({LSTM_HYPER['batch_growth']})")
    p.add_argument("--focus", type=float, default=None,
                   help="LSTM, still-cat tasks: share of each batch drawn from starts where the mouse recently erred "
                   f"({LSTM_HYPER['focus']})")
    p.add_argument("--first-weight", type=number_in(0.0, 1e6), default=None,
                   help=f"LSTM, still-cat tasks: loss weight of each round's first move ({LSTM_HYPER['first_weight']})")
    p.add_argument("--init-scale", type=number_in(0.0, 100.0), default=None,
                   help=f"LSTM: spread of the wide input-weight init ({LSTM_HYPER['init_scale']})")
    p.add_argument("--decay", type=float, default=None,
                   help=f"LSTM: final share of the run with a cosine-falling rate ({LSTM_HYPER['decay']})")
    p.add_argument("--targets", choices=("value", "teacher"), default=None,
                   help="LSTM: imitate the set of moves the teacher rates equally best (value), or its one move, "
                   f"tie-breaks and all (teacher) ({LSTM_HYPER['targets']}; the post's teacher has one move)")
    p.add_argument("--continue-from", type=Path, default=None, metavar="BRAIN",
                   help="LSTM: start from this brain file's weights instead of a fresh init (its size and inputs "
                   "must be the task's); its training games are added to the new ones in the meta")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--table", type=Path, nargs="+", default=None, metavar="BRAIN",
                   help="instead of training: print the weights table (markdown) for these brain files")
    return p


def parse_mice(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    if not names:
        raise argparse.ArgumentTypeError("give at least one mouse")
    return names


def task_room(args: argparse.Namespace) -> Room | None:
    """--room as a room, after checking it goes with the other arguments; None for the open board."""
    if args.room is None:
        return None
    if args.size is not None:
        raise ValueError(f"--room {args.room} sets the size; leave out --size")
    if args.role == "mouse" and args.task in (None, "seed"):
        raise ValueError("--room is for --task chase (or --role cat); the seed task is the post's open 6x6")
    room = room_named(args.room)
    return None if room.is_open else room


def mouse_brains(names: tuple[str, ...], room: Room | None = None) -> tuple[tuple[str, ...], dict[str, Brain]]:
    """--mice as a cat's task needs them: scripted mice by name, the rest loaded as mouse brains (a cat's brain
    or a broken file is one line naming it), each named by its file's stem."""
    mice, brains = [], {}
    for name in names:
        if name in SCRIPTED_MICE:
            mice.append(name)
            continue
        path = Path(name) if name.endswith(".npz") else WEIGHTS / f"{name}.npz"
        if not path.is_file():
            raise ValueError(f"--mice {name!r}: no such mouse ({', '.join(SCRIPTED_MICE)} or a brain file: "
                             f"{printable(path, 100)} is not there)")
        brains[path.stem] = load_brain(path, role="mouse", room=room)
        mice.append(path.stem)
    return tuple(mice), brains


def make_task(args: argparse.Namespace) -> Task | CatTask:
    room = task_room(args)
    if args.role == "cat":
        if args.task is not None:
            raise ValueError("--task is the mouse's; a cat trains against --mice")
        if args.sight != CLASSIC.name:
            raise ValueError(f"--sight {args.sight} is the mouse's; a cat sees the whole board")
        if args.teacher is not None:
            raise ValueError(f"--teacher {args.teacher} is the mouse's; a cat imitates the perfect cat")
        width, height = room.size if room is not None else args.size or (8, 8)
        mice, brains = mouse_brains(args.mice, room)
        return CatTask(width, height, mice, args.move_limit, brains=brains, room=room)
    if args.task in (None, "seed"):
        if args.size not in (None, (6, 6)):
            raise ValueError("the seed task is 6x6; --size is for --task chase")
        if args.sight != CLASSIC.name:
            raise ValueError(f"--sight {args.sight} is for --task chase (the seed task's cat stands still)")
        return seed_task(args.teacher or "post")
    if args.sight != CLASSIC.name and args.teacher is not None:
        raise ValueError(f"under --sight {args.sight} the teacher is the cautious one; leave out --teacher")
    width, height = args.size or (8, 8)
    return chase_task(width, height, args.cats, args.move_limit, args.teacher or "optimal", args.sight, room)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.table:
        try:
            print_table(args.table)
        except ValueError as exc:  # BrainFileError is one line naming the file
            parser.exit(1, f"{parser.prog}: error: {exc}\n")
        return 0
    argv = sys.argv[1:] if argv is None else argv
    command = "python -m game.train " + " ".join(shlex.quote(a) for a in argv)
    args.arch = brain_type(args.arch).arch  # "post" is the post's network's older name
    try:
        task = check_arguments(args)
    except ValueError as exc:
        parser.exit(2, f"{parser.prog}: error: {printable(exc, 300)}\n")
    plays: list[tuple[int, MouseJudgement]] = []
    brain, curve, recipe = train(args, task, plays)
    last = curve[-1]
    summary = brain_summary(brain, task)
    if plays:
        final = plays[-1][1]
        summary |= {"value_optimal": final.value_optimal, "optimal_survival_share": final.survival_share,
                    "chaser_escapes": final.chaser_escapes}
    if task.sight != CLASSIC.name and isinstance(brain, LSTMBrain):
        brain.probe = fit_probe(brain, task)
        scores = probe_scores(brain, task, brain.probe)
        summary |= {"probe_cell_accuracy": scores.cell_accuracy, "probe_overlap": scores.overlap}
        print(f"belief probe, held-out: per-cell accuracy {scores.cell_accuracy:.4f} (a map ignoring h: "
              f"{scores.constant_accuracy:.4f}), overlap with B {scores.overlap:.4f}")
    print(f"trained {last.games:,} games in {last.seconds:.2f} s of training, wall clock (evaluation excluded)")
    if args.faithful:
        print(f"Game: {last.games - 1}  (the post's loop counter; its metric {last.loss:.4f})")
    for key, value in summary.items():
        print(f"{key}: {value}")
    meta = training_meta(args, task, curve, recipe, command) | summary
    if args.out is not None:
        write_brain(parser, args.out, brain, meta, args.force)
    prefix = curve_prefix(args)
    if prefix is not None:
        sight = "" if task.sight == CLASSIC.name else f" under {task.sight} sight"
        title = (f"{brain.role}: {brain.arch} {brain.hidden_size} hidden, {task.name} task{sight}, "
                 f"{task.teacher} teacher")
        try:
            for path in write_curve(curve, prefix, title, plot=not args.no_plot,
                                    loss_label=TRAINERS[args.arch].loss_label):
                print(f"wrote {path}")
            if plays:
                print(f"wrote {write_play_curve(plays, prefix)}")
        except OSError as exc:
            parser.exit(1, f"{parser.prog}: error: {printable(prefix, 100)}: cannot write the curve "
                        f"({exc.strerror or type(exc).__name__})\n")
    return 0


def check_arguments(args: argparse.Namespace) -> Task:
    """The task, once every argument is known to be usable together and every output writable."""
    task = make_task(args)
    if args.arch == PostBrain.arch and isinstance(task, CatTask):
        raise ValueError("--arch post plays the mouse only (its one output is read as four moves)")
    if args.arch == PostBrain.arch and task.cats:
        raise ValueError("--arch post trains on the seed task only")
    if args.faithful and args.arch != PostBrain.arch:
        raise ValueError("--faithful is for --arch post")
    if (args.window is not None) != (args.arch == WindowBrain.arch):
        raise ValueError("--arch window needs --window K" if args.window is None else "--window is for --arch window")
    if args.games is None and args.seconds is None and not args.faithful:
        raise ValueError("give --games N and/or --seconds S")
    for flag, value in (("--focus", args.focus), ("--decay", args.decay)):
        if value is not None and not 0 <= value <= 1:  # NaN fails this too
            raise ValueError(f"{flag} {value} must be from 0 to 1")
    check_batches(args, task)
    if isinstance(task, CatTask) and args.arch in CAT_TRAINERS:  # its held-out figures play every start
        check_cat_scores_fit(task, args.hidden or CAT_TRAINERS[args.arch].default_hidden)
    check_outputs(args)
    return task


def judges_play(task: Task | CatTask) -> bool:
    """A mouse chasing in a room against the optimal teacher is judged by play as it trains (judge_mouse)."""
    return isinstance(task, Task) and task.room is not None and task.teacher == "optimal"


def write_play_curve(plays: list[tuple[int, MouseJudgement]], prefix: Path) -> Path:
    """PREFIX_play.csv: at every evaluation, the value-optimal move rate and survival against the perfect cat
    from every start, as a share of the optimal mouse's."""
    path = prefix.with_name(prefix.name + "_play.csv")
    with open(path, "w") as f:
        f.write("games,value_optimal,survival,optimal_survival,chaser_escapes,optimal_chaser_escapes\n")
        for games, j in plays:
            f.write(f"{games},{j.value_optimal:.6f},{j.survival:.4f},{j.optimal_survival:.4f},"
                    f"{j.chaser_escapes:.4f},{j.optimal_chaser_escapes:.4f}\n")
    return path


def train(args: argparse.Namespace, task: Task,
          plays: list[tuple[int, MouseJudgement]] | None = None) -> tuple[Brain, list[Progress], dict[str, Any]]:
    """A new brain of --arch trained by its trainer; returns it, its curve and the recipe its meta records.
    In a room, every evaluation also judges the mouse by play and appends (games, judgement) to `plays`."""
    stops: list[Callable[[Progress], bool]] = []
    if args.stop_mistakes is not None:
        stops.append(lambda p: p.mistakes_per_game is not None and p.mistakes_per_game <= args.stop_mistakes)
    if args.stop_exact:
        stops.append(lambda p: p.exhaustive_mistakes == 0)

    def stop(p: Progress) -> bool:
        return any(s(p) for s in stops)

    def judged(p: Progress) -> bool:
        plays.append((p.games, judge_mouse(brain, task.room, move_limit=task.move_limit)))
        if args.quiet:
            j = plays[-1][1]
            print(f"{p.games:,} games: value-optimal {j.value_optimal:.4f}, survival {j.survival_share:.4f} of the "
                  f"optimal mouse's; escapes the straight chaser {j.chaser_escapes:.1%} (optimal mouse "
                  f"{j.optimal_chaser_escapes:.1%})", flush=True)
        return stop(p)

    watch = plays is not None and judges_play(task)
    common: dict[str, Any] = dict(games=args.games, seconds=args.seconds, seed=args.seed,
                                  stop=judged if watch else stop if stops else None, progress=not args.quiet)
    if args.eval_every:
        common["eval_every"] = args.eval_every
    trainer = (CAT_TRAINERS if args.role == "cat" else TRAINERS)[args.arch]
    shape = {key: getattr(args, key) for key in BRAIN_TYPES[args.arch].shape_fields}  # --window
    brain = trainer.new_brain(args.hidden or trainer.default_hidden, args.seed, features=task.features, **shape)
    if args.continue_from is not None:
        brain = continued(args, brain)
    if args.arch in (LSTMBrain.arch, MLPBrain.arch, WindowBrain.arch):
        chosen = (("lr", args.lr), ("batch", args.batch), ("batch_max", args.batch_max), ("focus", args.focus),
                  ("batch_growth", args.batch_growth),
                  ("first_weight", args.first_weight), ("init_scale", args.init_scale), ("decay", args.decay),
                  ("targets", args.targets))
        hyper = {k: v for k, v in chosen if v is not None}
        if args.continue_from is not None:
            hyper["init"] = None
        recipe = CAT_HYPER if args.role == "cat" else LSTM_HYPER
        return brain, trainer.train(brain, task, **common, **hyper), {**recipe, **hyper}
    curve = trainer.train(brain, task, faithful=args.faithful, **common)
    return brain, curve, {"optimizer": "sgd", "lr": brain.alpha, "faithful": args.faithful}


def continued(args: argparse.Namespace, fresh: Brain) -> Brain:
    """The --continue-from brain, refused in one line unless it is the architecture, size, role and inputs the
    run would have made."""
    try:
        brain = load_brain(args.continue_from, role=fresh.role, sight=None)
    except BrainFileError as exc:
        raise SystemExit(f"train: error: {printable(exc, 300)}") from None
    same = (brain.arch, brain.hidden_size, brain.shape(), tuple(brain.features)) == (
        fresh.arch, fresh.hidden_size, fresh.shape(), tuple(fresh.features))
    if not same:
        raise SystemExit(f"train: error: {printable(args.continue_from, 100)}: a {brain.arch} of {brain.hidden_size} "
                         f"units on {', '.join(brain.features)}, not the {fresh.arch} of {fresh.hidden_size} on "
                         f"{', '.join(fresh.features)} this run trains")
    return brain


def training_meta(args: argparse.Namespace, task: Task | CatTask, curve: list[Progress], recipe: dict[str, Any],
                  command: str) -> dict[str, Any]:
    """What the brain file says about how it was made."""
    last = curve[-1]
    earlier = 0
    if args.continue_from is not None:  # its games count too
        earlier = int(load_brain(args.continue_from, role=None, sight=None).meta.get("training_games") or 0)
    opponents = ({"mice": list(task.mice), "catching": True} if isinstance(task, CatTask)
                 else {"cats": list(task.cats), "catching": task.catching})
    meta = {
        "grid_sizes": [[task.width, task.height]],
        "teacher": task.teacher,
        "task": {"name": task.name, "width": task.width, "height": task.height, "move_limit": task.move_limit,
                 **opponents},
        **room_meta(task.room),
        **({"sight": task.sight} if task.sight != CLASSIC.name else {}),
        "training_games": earlier + last.games,
        "training_seconds": round(last.seconds, 3),
        "training_seed": args.seed,
        "training_recipe": recipe,
        "command": command,
        "made_with": made_with(),
    }
    if task.sight != CLASSIC.name:
        meta["task"]["sight"] = task.sight
    if args.arch == PostBrain.arch:
        meta["post_metric"] = last.loss
        if args.faithful:
            meta["post_loop_counter"] = last.games - 1  # the post counts games from 0
    return meta


def write_brain(parser: argparse.ArgumentParser, out: Path, brain: Brain, meta: dict[str, Any], force: bool) -> None:
    try:
        data = brain_bytes(brain, meta)
        # the game must be able to play what is written, where it was trained
        load_brain_bytes(data, str(out), role=brain.role, sight=None, room=meta_room(meta))
        write_atomic(out, data, overwrite=force)
    except BrainFileError as exc:
        parser.exit(1, f"{parser.prog}: error: {printable(out, 100)}: not written: training made a brain "
                    f"the game cannot use ({printable(exc.problem, 160)})\n")
    except OSError as exc:
        parser.exit(1, f"{parser.prog}: error: {printable(exc, 300)}\n")
    print(f"wrote {out} ({len(data):,} bytes)")


def curve_prefix(args: argparse.Namespace) -> Path | None:
    return args.curve or (args.out.with_suffix("") if args.out is not None else None)


def check_batches(args: argparse.Namespace, task: Task) -> None:
    """Refuse batch settings whose largest batch's trace would not fit in memory, before training."""
    if args.arch != LSTMBrain.arch:
        return
    batch = args.batch or LSTM_HYPER["batch"]
    batch_max = args.batch_max or LSTM_HYPER["batch_max"]
    if batch > batch_max:
        raise ValueError(f"--batch {batch} is larger than --batch-max {batch_max}")
    hidden = args.hidden or 32
    trace = task.move_limit * batch_max * (7 * hidden + 6) * 4 * 3  # forward rows, z, and backward's buffers
    if trace > MAX_TRACE_BYTES:
        raise ValueError(f"{batch_max} rounds of {task.move_limit} moves at {hidden} units need about "
                         f"{trace / 2**30:.1f} GiB for one update; lower --batch-max or --move-limit")


def check_outputs(args: argparse.Namespace) -> None:
    """Every file training will write, checked before it trains: the names, that nothing is in the way, and
    that each folder exists (made if missing) and really takes a new file."""
    targets: list[Path] = []
    if args.out is not None:
        if args.out.suffix != ".npz":
            raise ValueError(f"{args.out}: a brain file's name ends in .npz")
        if os.path.lexists(args.out):
            if not args.force:
                raise ValueError(f"{args.out}: already exists; not overwritten (use --force to replace it)")
            if not args.out.is_file():
                raise ValueError(f"{args.out}: is not a regular file; --force replaces only brain files")
        targets.append(args.out)
    prefix = curve_prefix(args)
    if prefix is not None:
        if not prefix.name:
            raise ValueError(f"--curve {prefix}: give a file prefix, not a folder")
        targets.append(prefix.with_name(prefix.name + ".csv"))
        if not args.no_plot:
            if importlib.util.find_spec("matplotlib") is None:
                raise ValueError("the curve's plot needs matplotlib (pip install -e '.[train]'), or pass --no-plot")
            targets.append(prefix.with_name(prefix.name + ".png"))
    for target in targets:
        if target.is_dir():
            raise ValueError(f"{target}: is a folder")
        check_folder(target.parent)


def check_folder(folder: Path) -> None:
    """Make the folder if missing and prove a new file can be made in it (os.access says yes to root)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-check-")
        os.close(fd)
        os.unlink(probe)
    except (FileExistsError, NotADirectoryError):
        raise ValueError(f"{folder}: is not a folder (a file is in the way)") from None
    except OSError as exc:
        raise ValueError(f"{folder}: cannot write there ({exc.strerror or type(exc).__name__})") from None


if __name__ == "__main__":
    sys.exit(main())
