"""A frame's cost before and after the panel is cached, side by side in one run, and the frames' pixels compared.

    git archive <commit-before> game weights | tar -x -C /tmp/catmouse-before
    python bench/bench_hud.py --before /tmp/catmouse-before [--frames 600] [--blocks 10]
    node bench/bench_hud_wasm.mjs /tmp/catmouse-before [--frames 600]   # the same in Pyodide, in Chromium

The game package of the older commit is loaded beside this one (as `game_before`), both play the same seeded
scenarios with the same inputs at 60 frames a second of game time, and their frames are measured in alternating
blocks (so a busy machine slows both alike): this thread's CPU time for Game.update + View.draw, in ms. A third
column draws with this commit's view with its cache off (the panel drawn every frame, as before). Then the same
frames are drawn by both commits with the timing figures zeroed, and their pixels compared (landscape, the
desktop's layout, which is meant to be unchanged). Target: update+draw ≤ 60 % of before.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import importlib.util
import os
import sys
import time
from pathlib import Path

if sys.platform != "emscripten":
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # the browser's SDL has its own driver only
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
HERE = Path(os.path.abspath(globals().get("__file__") or "bench_hud.py")).parent
ROOT = HERE if (HERE / "game").is_dir() else HERE.parent  # the harness mounts this file beside game/
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from game.play.app import Game  # noqa: E402
from game.ui.view import View  # noqa: E402

SIZE = (1040, 640)


def load_before(root: Path):
    """The older commit's Game and View, imported as the package game_before (its imports are relative)."""
    spec = importlib.util.spec_from_file_location("game_before", root / "game" / "__init__.py",
                                                  submodule_search_locations=[str(root / "game")])
    package = importlib.util.module_from_spec(spec)
    sys.modules["game_before"] = package
    spec.loader.exec_module(package)
    return importlib.import_module("game_before.app").Game, importlib.import_module("game_before.view").View


def scenario(make_game, weights: Path, name: str):
    """A game in one of the benchmark's situations, and the input it gets at frame k (or None)."""
    sight = "fog" if name.startswith("fog") else "classic"
    game = make_game(weights, None, seed=0, sight=sight)
    game.overlays = True
    if name == "play":  # the player: a move about every half second, the board idle in between
        def act(k: int) -> None:
            if k % 30 == 29:
                moves = [m for m in range(8) if game.round.over is False]
                game.player_move(moves[(k // 30) % len(moves)] if moves else 0)
                if game.round.over:
                    game.deal_round()
        return game, act
    game.set_watch("greedy")
    game.set_watch_speed(1)  # ×4: a turn every few frames
    if sight == "fog":
        game.show_belief = True
    return game, lambda k: None


# this thread's CPU time where the platform keeps one; the browser's one thread has only the wall clock
CLOCK = getattr(time, "thread_time", time.perf_counter)


def run_block(game, view, act, start: int, frames: int, cpu: list[float]) -> None:
    for k in range(start, start + frames):
        act(k)
        c0 = CLOCK()
        game.update(1 / 60)
        view.draw(game.picture())
        cpu.append((CLOCK() - c0) * 1e3)


def measure(name: str, before, weights: Path, frames: int, blocks: int) -> dict[str, np.ndarray]:
    sides = {"before": (before[0], before[1], {}), "after": (Game, View, {}),
             "after, cache off": (Game, View, {"cache": False})}
    runs = {}
    for label, (make_game, make_view, options) in sides.items():
        game, act = scenario(make_game, weights, name)
        view = make_view(pygame.Surface(SIZE), **options)
        run_block(game, view, act, 0, 60, [])  # warm the fonts and the label caches
        runs[label] = (game, view, act, [])
    per = frames // blocks
    for block in range(blocks):  # alternate, so load on the machine falls on all sides alike
        for game, view, act, cpu in runs.values():
            run_block(game, view, act, 60 + block * per, per, cpu)
    return {label: np.array(cpu) for label, (_, _, _, cpu) in runs.items()}


def still(pic):
    """The picture with its measured timings zeroed: they differ from run to run by nature."""
    return dataclasses.replace(pic, step_ms=0.0, update_ms=0.0, frame_ms=0.0)


def compare_pixels(before, weights: Path, frames: int) -> tuple[int, int]:
    differing = total = 0
    for name in ("play", "watch", "fog"):
        (old, act_old), (new, act_new) = scenario(before[0], weights, name), scenario(Game, weights, name)
        old_view, new_view = before[1](pygame.Surface(SIZE)), View(pygame.Surface(SIZE))
        for k in range(frames):
            act_old(k)
            act_new(k)
            old.update(1 / 60)
            new.update(1 / 60)
            old_view.draw(still(old.picture()))
            new_view.draw(still(new.picture()))
            total += 1
            differing += pygame.image.tobytes(old_view.screen, "RGB") != pygame.image.tobytes(new_view.screen, "RGB")
    return differing, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="a folder with the older commit's game/")
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--blocks", type=int, default=10)
    args = parser.parse_args()
    pygame.display.init()
    pygame.font.init()
    before = load_before(args.before)
    weights = ROOT / "weights"
    print(f"{args.frames} frames a side a scenario in {args.blocks} alternating blocks, 1040×640, numpy "
          f"{np.__version__}, pygame-ce {pygame.ver}, {sys.platform}")
    print()
    what = "CPU" if CLOCK is not time.perf_counter else "wall"
    print(f"| scenario | before: {what} ms a frame (median, mean) | after | after, cache off | after / before (mean) |")
    print("| --- | --- | --- | --- | --- |")
    for name, title in (("play", "you play: a move every 30 frames"), ("watch", "watch ×4, all overlays"),
                        ("fog", "fog, watch ×4, belief picture")):
        result = measure(name, before, weights, args.frames, args.blocks)
        cells = [f"{np.median(v):.2f}, {v.mean():.2f}" for v in result.values()]
        ratio = result["after"].mean() / result["before"].mean()
        print(f"| {title} | {' | '.join(cells)} | {ratio * 100:.0f} % |")
    differing, total = compare_pixels(before, weights, 240)
    print()
    print(f"pixels: {total - differing} of {total} frames equal between before and after (fixed clock, timings zeroed)")


if __name__ == "__main__":
    main()
