"""What training reports: the curve (CSV and plot), the held-out summary a brain file carries, and the weights
table (`python -m game.train --table`). No pygame; matplotlib is imported only when a plot is drawn."""

from __future__ import annotations

import csv
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from ..brain_np import Brain
from ..brains.brainfile import file_role, load_brain, meta_room, meta_sight
from ..brains.tasks import (
    CatTask,
    Task,
    cat_scores,
    chase_task,
    exhaustive_mistakes,
    heldout_scores,
    mistakes_per_game,
    play_figures,
    seed_task,
    survival,
)
from ..world.cats import CAT_NAMES
from .trainers import Progress

CURVE_COLUMNS = tuple(f.name for f in fields(Progress))


def brain_summary(brain: Brain, task: Task | CatTask) -> dict[str, Any]:
    """The held-out numbers a brain file and the weights table carry. A cat's agreement is the share of its
    moves that were value-optimal, from every start against each of its task's mice; its exhaustive mistakes
    the moves that were not."""
    if isinstance(task, CatTask):
        rounds = cat_scores(brain, task)
        return {"heldout_mistakes_per_game": None, "exhaustive_mistakes": int(rounds.mistakes.sum()),
                "agreement": rounds.value_optimal}
    mistakes, agree = heldout_scores(brain, task)
    if task.cats:
        return {"heldout_mistakes_per_game": None, "agreement": agree,
                "value_optimal": play_figures(brain, task).value_optimal}
    return {"heldout_mistakes_per_game": mistakes, "exhaustive_mistakes": exhaustive_mistakes(brain, task),
            "agreement": agree}


def write_curve(curve: list[Progress], prefix: Path, title: str, plot: bool = True,
                loss_label: str = "training loss") -> list[Path]:
    """The curve as PREFIX.csv (CURVE_COLUMNS) and, with plot, PREFIX.png."""
    prefix.parent.mkdir(parents=True, exist_ok=True)
    csv_path = prefix.with_name(prefix.name + ".csv")
    with open(csv_path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CURVE_COLUMNS)
        for point in curve:
            writer.writerow(["" if v is None else (f"{v:.6g}" if isinstance(v, float) else v)
                             for v in asdict(point).values()])
    written = [csv_path]
    if plot:
        written.append(plot_curve(curve, prefix.with_name(prefix.name + ".png"), title, loss_label))
    return written


def read_curve(path: Path) -> list[Progress]:
    """A curve CSV as written by write_curve."""
    def number(text: str, kind: type) -> Any:
        return None if text == "" else kind(float(text))

    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    twins = ("value_optimal", "survival_perfect", "survival_greedy", "survival_noisy")  # absent from older curves
    return [Progress(int(r["games"]), float(r["seconds"]), float(r["loss"]), number(r["mistakes_per_game"], float),
                     number(r["agreement"], float), number(r["exhaustive_mistakes"], int),
                     *(number(r.get(k) or "", float) for k in twins)) for r in rows]


def plot_curve(curve: list[Progress], path: Path, title: str, loss_label: str = "training loss") -> Path:
    import matplotlib  # lazily: only plotting needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    games = [p.games for p in curve]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    lines = []
    if curve and curve[0].mistakes_per_game is not None:
        lines += ax.plot(games, [p.mistakes_per_game for p in curve], color="tab:blue",
                         label="held-out mistakes per game")
        lines += ax.plot(games, [p.loss for p in curve], color="tab:gray", linestyle="--", linewidth=1,
                         label=loss_label)
        ax.axhline(0.5, color="tab:blue", linestyle=":", linewidth=1)
        ax.set_ylabel("per game (of 10 moves)")
        ax.set_yscale("symlog", linthresh=0.1)
        ax.set_ylim(0, 10)
        ticks = [0, 0.1, 0.5, 1, 2, 5, 10]
        ax.set_yticks(ticks, [str(t) for t in ticks])
        ax2 = ax.twinx()
        lines += ax2.plot(games, [p.exhaustive_mistakes for p in curve], color="tab:red",
                          label="mistakes over all starts (right)")
        ax2.set_yscale("symlog", linthresh=1)
        ax2.set_ylim(0, 20000)
        ticks = [0, 1, 10, 100, 1000, 10000]
        ax2.set_yticks(ticks, [f"{t:,}" for t in ticks])
        ax2.set_ylabel("mistakes over every start", color="tab:red")
    else:
        lines += ax.plot(games, [p.agreement for p in curve], color="tab:green", label="held-out agreement")
        if curve and curve[-1].value_optimal is not None:  # agreement's play twins
            lines += ax.plot(games, [p.value_optimal for p in curve], color="tab:purple",
                             label="value-optimal moves")
            for cat, style in (("perfect", "--"), ("noisy", ":")):
                lines += ax.plot(games, [getattr(p, f"survival_{cat}") for p in curve], color="tab:orange",
                                 linestyle=style, label=f"survival vs {cat} cat / teacher's")
        ax.set_ylabel("share (agreement, value-optimal, survival / teacher's)")
    ax.set_xlabel("training games")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    where = "upper right" if curve and curve[0].mistakes_per_game is not None else "lower right"
    ax.legend(lines, [line.get_label() for line in lines], loc=where, fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


TABLE_COLUMNS = ("brain", "arch", "hidden", "teacher", "task", "mistakes/game (seed task)", "exhaustive mistakes",
                 "agreement (chase 8x8)", "value-optimal (chase 8x8)", "survival vs perfect (brain / teacher / random)",
                 "survival vs greedy (brain / teacher / random)", "survival vs noisy (brain / teacher / random)",
                 "training games", "training s", "command")


def brain_row(path: Path) -> list[str]:
    """One row of the weights table: the brain's held-out figures, measured now, and how it was made.

    Mistakes per game and exhaustive mistakes are on the 6×6 still-cat seed task with the brain's own teacher;
    agreement is with the brain's own teacher on the 8×8 chase task (perfect, greedy, noisy, random cats, 40
    moves); survival is mean moves survived (of 40) on 8×8 against one cat, beside the teacher and a random
    mouse on the same held-out starts. A fog or flicker brain plays all of them under its own sight, against
    the cautious teacher, and has no seed-task figures (the seed task is full sight)."""
    brain = load_brain(path, sight=None)
    meta = brain.meta
    teacher = meta["teacher"]  # the loader fills in its default when a file has none
    sight = meta_sight(meta)
    task_name = (meta.get("task") or {}).get("name", "?")
    cells = [path.name, brain.arch, str(brain.hidden_size), teacher,
             task_name if sight == "classic" else f"{task_name} ({sight})"]
    if sight == "classic":
        seed = seed_task(teacher)
        cells.append(f"{mistakes_per_game(brain, seed):.4f}")
        cells.append(str(exhaustive_mistakes(brain, seed)))
    else:  # the seed task's cat is always in sight: its four inputs are not this brain's
        cells += ["—", "—"]
    figures = play_figures(brain, chase_task(8, 8, CAT_NAMES, 40, teacher, sight))
    cells += [f"{figures.agreement:.4f}", f"{figures.value_optimal:.4f}"]
    for cat in ("perfect", "greedy", "noisy"):
        task = chase_task(8, 8, (cat,), 40, teacher, sight)
        cells.append(" / ".join(f"{survival(task, brain if m == 'brain' else None, m):.1f}"
                                for m in ("brain", "teacher", "random")))
    cells.append(f"{meta.get('training_games', 0):,}")
    cells.append(f"{meta.get('training_seconds', float('nan')):.1f}")
    cells.append(f"`{meta.get('command', '')}`")
    return cells


CAT_TABLE_COLUMNS = ("brain", "arch", "hidden", "trained against", "value-optimal vs optimal mouse",
                     "caught (every mouse)", "moves to catch vs the perfect cat (worst mouse)", "training games",
                     "training s", "command")


def cat_row(path: Path) -> list[str]:
    """One row of the cat brains' table, measured now from every start of its arena against the optimal mouse,
    each mouse brain in the same folder and a random mouse (game.tournament)."""
    from .tournament import players, tournament  # the tournament reads whole folders; only cat rows need it

    brain = load_brain(path, role="cat")
    meta = brain.meta
    width, height = meta["grid_sizes"][0]
    task = meta.get("task") or {}
    room = meta_room(meta)  # a room's cat meets that room's mouse brains
    results = tournament({path.stem: brain}, players(path.parent, room)[1], width, height, task.get("move_limit", 40),
                         room)
    perfect = {m.mouse: m.moves for m in results if m.cat == "perfect"}
    mine = [m for m in results if m.cat == path.stem]
    worst = max(mine, key=lambda m: abs(m.moves / perfect[m.mouse] - 1))
    gap = worst.moves / perfect[worst.mouse] - 1
    return [path.name, brain.arch, str(brain.hidden_size), ", ".join(task.get("mice", [])) or "?",
            f"{next(m.value_optimal for m in mine if m.mouse == 'optimal'):.2%}",
            f"{min(m.caught for m in mine):.2%}", f"{gap:+.2%} ({worst.mouse if gap else 'every mouse'})",
            f"{meta.get('training_games', 0):,}", f"{meta.get('training_seconds', float('nan')):.1f}",
            f"`{meta.get('command', '')}`"]


ROOM_TABLE_COLUMNS = ("brain", "room", "arch", "hidden", "trained against", "value-optimal vs perfect cat",
                      "survival vs perfect cat (share of the optimal mouse's)",
                      "escapes the straight chaser (optimal mouse)", "training games", "training s", "command")


def cat_mix(cats: list[str]) -> str:
    """The cats a brain trained against, in order; a mix with repeats as each one's share of the rounds
    ("perfect 4/8, straight 3/8, noisy 1/8")."""
    counts = {cat: cats.count(cat) for cat in cats}
    if all(n == 1 for n in counts.values()):
        return ", ".join(cats)
    return ", ".join(f"{cat} {n}/{len(cats)}" for cat, n in counts.items())


def room_row(path: Path) -> list[str]:
    """One row of the room mouse brains' table, measured now from every start of its room (contest.judge_mouse)."""
    from .contest import judge_mouse

    brain = load_brain(path)
    meta = brain.meta
    room = meta_room(meta)
    judged = judge_mouse(brain, room)
    task = meta.get("task") or {}
    return [path.name, f"{room.name} {room.width}×{room.height}", brain.arch, str(brain.hidden_size),
            cat_mix(task.get("cats", [])) or "?", f"{judged.value_optimal:.2%}",
            f"{judged.survival:.2f} / {judged.optimal_survival:.2f} ({judged.survival_share:.2%})",
            f"{judged.chaser_escapes:.1%} ({judged.optimal_chaser_escapes:.1%})",
            f"{meta.get('training_games', 0):,}", f"{meta.get('training_seconds', float('nan')):.1f}",
            f"`{meta.get('command', '')}`"]


def is_room_mouse(path: Path) -> bool:
    brain = load_brain(path, role=None, sight=None)
    return brain.role == "mouse" and meta_room(brain.meta) is not None


def print_table(paths: list[Path]) -> None:
    """The weights table for the open board's mouse brains among these files, one for the cat brains and one for
    the rooms' mouse brains."""
    cats = [path for path in paths if file_role(path) == "cat"]
    rooms = [path for path in paths if path not in cats and is_room_mouse(path)]
    for columns, row, chosen in ((TABLE_COLUMNS, brain_row, [p for p in paths if p not in cats and p not in rooms]),
                                 (CAT_TABLE_COLUMNS, cat_row, cats), (ROOM_TABLE_COLUMNS, room_row, rooms)):
        if not chosen:
            continue
        print("| " + " | ".join(columns) + " |")
        print("|" + "---|" * len(columns))
        for path in chosen:
            print("| " + " | ".join(row(path)) + " |")
