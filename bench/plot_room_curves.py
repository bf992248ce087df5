"""The rooms' mouse brains learning, judged by play: value-optimal move rate and survival (share of the optimal
mouse's) against the perfect cat from every start, at every evaluation of their training.

    python bench/plot_room_curves.py OUT.png CURVE_play.csv [CURVE_play.csv ...]

Each CSV is one written by `python -m game.train --room NAME` (beside its curve); the legend names it by its
file. Needs matplotlib.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if len(argv) < 2:
        print(__doc__)
        return 2
    out, paths = Path(argv[0]), [Path(a) for a in argv[1:]]
    fig, (rate, share) = plt.subplots(1, 2, figsize=(11, 4.2))
    for path in paths:
        with open(path) as f:
            rows = list(csv.DictReader(f))
        games = [int(r["games"]) for r in rows]
        label = path.name.removesuffix("_play.csv")
        rate.plot(games, [100 * float(r["value_optimal"]) for r in rows], marker=".", label=label)
        share.plot(games, [100 * float(r["survival"]) / float(r["optimal_survival"]) for r in rows], marker=".",
                   label=label)
    for ax, title in ((rate, "value-optimal moves vs the perfect cat (%)"),
                      (share, "survival vs the perfect cat (% of the optimal mouse's)")):
        ax.axhline(99, color="grey", linestyle="--", linewidth=0.8)
        ax.set_ylim(90, 100.2)
        ax.set_xlabel("training games")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    share.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
