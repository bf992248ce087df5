"""The game's own Python under CPython-in-WebAssembly: correctness against native, and timings.

Run by bench/wasm_check.sh (by hand, never in CI), which runs this same file under native CPython and under
Pyodide in headless Chromium, then compares the printed JSON. It can also run alone from the repo root:

    python bench/wasm_check.py [--frames 120] [--quick]

Output: one JSON object on stdout with
  "env"     versions and platform facts (not compared);
  "check"   results that must equal native (integers and strings exactly, floats within 1e-5);
  "self"    checks this file settles by itself on every platform (true = passed);
  "time"    timings in microseconds (best of a few repeats), compared only as ratios;
  "frame"   facts about the game frames drawn (driver, where the round stands, a pixel sum);
  "errors"  any part that raised, by name.
Notes go to stderr. Nothing here writes outside a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

IN_BROWSER = sys.platform == "emscripten"
if not IN_BROWSER:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # no screen here; the browser build draws to its canvas
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
HERE = Path(os.path.abspath(globals().get("__file__") or "wasm_check.py")).parent
ROOT = HERE if (HERE / "game").is_dir() else HERE.parent  # mounted folder under the harness, or the repo
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from game.arena import Arena  # noqa: E402
from game.brain_np import Adam, LSTMBrain  # noqa: E402
from game.brain_np import post_move as post_direction_to_move  # noqa: E402
from game.brains import brainfile, tasks  # noqa: E402
from game.world.cats import CAT_NAMES, cat_moves  # noqa: E402
from game.world.teachers import Pursuit, post_teacher, teacher_moves  # noqa: E402

WEIGHTS = ROOT / "weights"
# References computed natively (CPython 3.11, numpy 2.4): the rules are fixed by the post, so these never move.
SEED_TEACHER_SHA = "4fa81a590fda94a6"  # post teacher's moves, all 1,296 seed starts × 10 moves
PURSUIT8_PAR_SHA = "9f9a2a968fa82dd6"  # Pursuit(8, 8).par
IN_BROWSER = sys.platform == "emscripten"


def note(text: str) -> None:
    print(f"[wasm_check] {text}", file=sys.stderr, flush=True)


def digest(a: np.ndarray) -> str:
    """sha256 (first 16 hex) of an integer array's values as little-endian int32, so dtypes don't matter."""
    return hashlib.sha256(np.ascontiguousarray(a, dtype="<i4").tobytes()).hexdigest()[:16]


def floats(a: np.ndarray, count: int = 24) -> list[float]:
    """Up to `count` values spread evenly over the array, as Python floats."""
    flat = np.asarray(a, dtype=np.float64).reshape(-1)
    picks = np.linspace(0, flat.size - 1, num=min(count, flat.size)).astype(np.int64)
    return [float(v) for v in flat[picks]]


def best_of(run, repeats: int) -> float:
    """Fastest wall time of `run()` in seconds over `repeats` calls."""
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return best


# -- correctness --------------------------------------------------------------------------------------------


def scalar_post_teacher(cat: tuple[int, int], mouse: tuple[int, int], width: int, height: int) -> int:
    """The post's teacher for one position, written out rule by rule in plain Python (the post's order)."""
    dx, dy = mouse[0] - cat[0], mouse[1] - cat[1]
    x, y = mouse
    not_top, not_bottom = y != height - 1, y != 0
    if dx >= 0:
        wall = x == width - 1
        if dy > dx and not_top:
            return 0
        if -dy > dx and not_bottom:
            return 2
        if dy > 0 and wall:
            return 0
        if dy < 0 and wall:
            return 2
        return 1
    wall = x == 0
    if dy > -dx and not_top:
        return 0
    if -dy > -dx and not_bottom:
        return 2
    if dy >= 0 and wall:
        return 0
    if dy < 0 and wall:
        return 2
    return 3


def scalar_seed_rounds(width: int = 6, height: int = 6, steps: int = 10) -> list[list[int]]:
    """Every seed start played by the post's teacher, one round at a time: the teacher's move at each step."""
    step = ((0, 1), (1, 0), (0, -1), (-1, 0))
    rounds = []
    for cy in range(height):
        for cx in range(width):
            for my in range(height):
                for mx in range(width):
                    mouse, moves = (mx, my), []
                    for _ in range(steps):
                        move = scalar_post_teacher((cx, cy), mouse, width, height)
                        moves.append(move)
                        mouse = (min(max(mouse[0] + step[move][0], 0), width - 1),
                                 min(max(mouse[1] + step[move][1], 0), height - 1))
                    rounds.append(moves)
    return rounds


def check_rules(check: dict, own: dict) -> None:
    cat, mouse = tasks.all_seed_starts()
    rounds = tasks.play(tasks.SEED_TASK, len(cat), np.random.default_rng(0), mouse="teacher", cat=cat,
                        mouse_start=mouse)
    check["seed_starts"] = int(len(cat))
    check["seed_teacher_moves_sha"] = digest(rounds.teacher)
    check["seed_mouse_moves_sum"] = int(rounds.teacher.sum())
    own["seed_teacher_equals_scalar_rules"] = bool(
        np.array_equal(rounds.teacher.T, np.array(scalar_seed_rounds(), dtype=np.int32)))
    own["seed_teacher_equals_stored_reference"] = check["seed_teacher_moves_sha"] == SEED_TEACHER_SHA
    check["seed_optimal_sha"] = digest(teacher_moves("optimal", cat, mouse, 6, 6))
    rng = np.random.default_rng(7)
    check["seed_cats_sha"] = {name: digest(cat_moves(name, cat, mouse, 6, 6, rng)) for name in CAT_NAMES}

    solved = Pursuit(8, 8)
    check["pursuit8_par_sha"] = digest(solved.par)
    own["pursuit8_par_equals_stored_reference"] = check["pursuit8_par_sha"] == PURSUIT8_PAR_SHA
    check["pursuit8_after_cat_sha"] = digest(solved.after_cat)
    check["pursuit8_par_sum"] = int(solved.par.astype(np.int64).sum())
    check["pursuit8_par_max"] = int(solved.par.max())

    # A chase rollout with the optimal mouse against every kind of cat (catching on, 8×8, 40 moves).
    chase = tasks.play(tasks.chase_task(), 256, np.random.default_rng(11), mouse="teacher")
    check["chase_moves_sha"] = digest(chase.moves)
    check["chase_survived_sha"] = digest(chase.survived)
    check["chase_caught"] = int(chase.caught.sum())

    # The trained brains on all 1,296 seed starts, played on-policy (0 for the exact ones).
    for name in ("lstm16_post", "lstm32_post", "post16"):
        path = WEIGHTS / f"{name}.npz"
        if path.exists():
            check[f"exhaustive_mistakes_{name}"] = tasks.exhaustive_mistakes(brainfile.load_brain(path))
    path = WEIGHTS / "lstm32_optimal.npz"
    if path.exists():
        check["agreement_lstm32_optimal_500"] = tasks.agreement(brainfile.load_brain(path), tasks.chase_task(),
                                                                games=500)


def check_brain(check: dict, own: dict) -> None:
    brain = LSTMBrain(32, seed=2024)
    rng = np.random.default_rng(5)
    xs = rng.random((40, 16, 4), dtype=np.float32)
    labels = rng.integers(0, 4, size=(40, 16)).astype(np.int32)
    mask = rng.random((40, 16)) < 0.9

    logits, trace = brain.forward(xs)
    check["forward_logits"] = floats(logits)
    check["forward_logits_sum"] = float(logits.astype(np.float64).sum())

    brain.reset_state()
    moves, step_logits = [], []
    for t in range(40):
        moves.append(brain.step(xs[t, 0]))
        step_logits.append(brain.logits.copy())
    check["step_moves"] = moves
    check["step_logits"] = floats(np.array(step_logits))
    check["step_h"] = floats(brain.h)
    check["step_probabilities"] = floats(brain.probabilities())
    own["step_equals_forward_batch0"] = bool(np.allclose(np.array(step_logits), logits[:, 0], atol=1e-5))

    loss, grad = brain.loss_and_gradient(xs, labels, mask)
    check["loss"] = loss
    check["grad"] = floats(grad, 48)
    check["grad_norm"] = float(np.sqrt(np.dot(grad.astype(np.float64), grad.astype(np.float64))))
    check["grad_dtype"] = str(grad.dtype)

    adam = Adam(brain.theta.size, lr=1e-2, clip=1.0)
    for _ in range(3):
        loss, grad = brain.loss_and_gradient(xs, labels, mask)
        adam.step(brain.theta, grad)
        brain.changed()
    check["theta_after_3_adam"] = floats(brain.theta, 48)
    check["loss_after_3_adam"] = float(brain.loss_and_gradient(xs, labels, mask)[0])

    # Brain file round trip through bytes (the browser's only way) and through a real file.
    meta = {"teacher": "optimal", "grid_sizes": [[8, 8]], "training_games": 3}
    data = brainfile.brain_bytes(brain, meta)
    again = brainfile.load_brain_bytes(data, "roundtrip.npz")
    own["brainfile_bytes_theta_exact"] = bool(np.array_equal(again.theta, brain.theta))
    own["brainfile_bytes_meta_kept"] = all(again.meta[k] == v for k, v in meta.items())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tuned.npz"
        brainfile.save_brain(brain, path, meta)
        own["brainfile_file_theta_exact"] = bool(np.array_equal(brainfile.load_brain(path).theta, brain.theta))
        try:
            brainfile.save_brain(brain, path, meta)
            own["brainfile_refuses_overwrite"] = False
        except FileExistsError:
            own["brainfile_refuses_overwrite"] = True
    try:
        brainfile.load_brain_bytes(data[: len(data) // 2], "half.npz")
        own["brainfile_half_file_rejected"] = False
    except brainfile.BrainFileError as error:
        own["brainfile_half_file_rejected"] = str(error).startswith("half.npz: ")
    check["brainfile_arrays"] = sorted(again.params)


def check_dtypes(check: dict) -> None:
    """Integer arrays must keep explicit dtypes: wasm32's default int (intp) is 32-bit, native's is 64-bit."""
    arena = Arena(8, 8, n=5)
    arena.reset(seed=3)
    arena.move_cat(np.array([1, 2, 3, 4, 5]))
    arena.move_mouse(np.array([0, 1, 2, 3, 0]))
    cat, mouse = arena.cat, arena.mouse
    solved = Pursuit(6, 6)
    rounds = tasks.play(tasks.chase_task(6, 6), 8, np.random.default_rng(1), brain=LSTMBrain(8, seed=1))
    found = {
        "arena.cat": arena.cat, "arena.mouse": arena.mouse, "arena.moves": arena.moves,
        "arena.caught": arena.caught, "arena.observe": arena.observe(),
        "post_teacher": post_teacher(cat, mouse, 8, 8),
        "optimal_teacher": teacher_moves("optimal", cat, mouse, 8, 8),
        "post_direction_to_move": post_direction_to_move(np.array([0.1, 0.6])),
        "pursuit.par": solved.par, "pursuit.after_cat": solved.after_cat, "pursuit.cat_next": solved.cat_next,
        "pursuit.start_par": solved.start_par(cat % 6, mouse % 6),
        "pursuit.cat_moves": solved.cat_moves(cat % 6, mouse % 6),
        "play.x": rounds.x, "play.teacher": rounds.teacher, "play.moves": rounds.moves, "play.mask": rounds.mask,
        "play.survived": rounds.survived,
    }
    found.update({f"cat_moves.{name}": cat_moves(name, cat, mouse, 8, 8, np.random.default_rng(0))
                  for name in CAT_NAMES})
    check["dtypes"] = {name: str(np.asarray(value).dtype) for name, value in found.items()}
    check["brain_step_type"] = type(LSTMBrain(8, seed=1).step(np.zeros(4, dtype=np.float32))).__name__


# -- timings ------------------------------------------------------------------------------------------------


def time_brain(times: dict, quick: bool) -> None:
    brain = LSTMBrain(32, seed=1)
    xs = np.random.default_rng(2).random((1000, 4), dtype=np.float32)

    def steps() -> None:
        brain.reset_state()
        for x in xs:
            brain.step(x)

    times["lstm32_step_us"] = best_of(steps, 3 if quick else 7) / len(xs) * 1e6

    for batch in (1, 16):
        times[f"update_T40_B{batch}_us"] = update_cost(batch, quick)


def update_cost(batch: int, quick: bool) -> float:
    """One fine-tune update (loss_and_gradient + Adam.step + changed) on T=40 steps, in microseconds."""
    rng = np.random.default_rng(3)
    x = rng.random((40, batch, 4), dtype=np.float32)
    labels = rng.integers(0, 4, size=(40, batch)).astype(np.int32)
    mask = np.ones((40, batch), dtype=bool)
    learner = LSTMBrain(32, seed=4)
    adam = Adam(learner.theta.size, lr=1e-3, clip=1.0)
    repeats = 10 if batch == 1 else 5

    def updates() -> None:
        for _ in range(repeats):
            _, grad = learner.loss_and_gradient(x, labels, mask)
            adam.step(learner.theta, grad)
            learner.changed()

    updates()  # buffers for this shape are made once
    return best_of(updates, 3 if quick else 5) / repeats * 1e6


def time_rollout(times: dict, quick: bool) -> None:
    path = WEIGHTS / "lstm32_optimal.npz"
    brain = brainfile.load_brain(path) if path.exists() else LSTMBrain(32, seed=5)
    n = 512 if quick else 2048
    task = tasks.chase_task()
    moves = []

    def rollout() -> None:
        rounds = tasks.play(task, n, np.random.default_rng(9), brain)
        moves.append(int(rounds.mask.sum()))

    seconds = best_of(rollout, 2)
    times[f"play_chase8_n{n}_moves_per_s"] = moves[-1] / seconds
    times[f"play_chase8_n{n}_us"] = seconds * 1e6


def time_pursuit(times: dict) -> None:
    times["pursuit16_solve_us"] = best_of(lambda: Pursuit(16, 16), 2) * 1e6


def timer_resolution() -> float:
    """Smallest step time.perf_counter() takes here, in microseconds (browsers coarsen their clock)."""
    smallest = float("inf")
    for _ in range(200):
        a = time.perf_counter()
        b = time.perf_counter()
        while b == a:
            b = time.perf_counter()
        smallest = min(smallest, b - a)
    return smallest * 1e6


# -- a frame of the real game -------------------------------------------------------------------------------


async def time_frames(times: dict, frame: dict, frames: int) -> None:
    """The real Game and View in watch mode (greedy cat, ×4), every overlay on; update + draw per frame."""
    import pygame

    from game.play.app import Game
    from game.ui.view import DESIGN_H, DESIGN_W, View

    game = Game(WEIGHTS, None, seed=0, browser=False)  # browser=False: no page here to talk to
    game.set_watch("greedy")
    game.set_watch_speed(1)
    game.overlays = True
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((DESIGN_W, DESIGN_H))
    view = View(screen)
    update, draw = [], []
    first = time.perf_counter()
    for _ in range(frames):
        t0 = time.perf_counter()
        game.update(1 / 60)
        t1 = time.perf_counter()
        view.draw(game.picture())
        t2 = time.perf_counter()
        pygame.display.flip()
        await asyncio.sleep(0)
        update.append(t1 - t0)
        draw.append(t2 - t1)
    times["frames_wall_per_frame_us"] = (time.perf_counter() - first) / frames * 1e6
    # Means, not medians: the browser's clock moves in 100 µs steps, which only an average over frames smooths.
    times["frame_update_mean_us"] = float(np.mean(update)) * 1e6
    times["frame_draw_mean_us"] = float(np.mean(draw)) * 1e6
    times["frame_update_draw_mean_us"] = float(np.mean(np.add(update, draw))) * 1e6
    frame["driver"] = pygame.display.get_driver()
    frame["screen"] = list(screen.get_size())
    frame["brain"] = game.library.brain_name
    frame["frames"] = frames
    # Where the round stands after these frames: the same on every platform, since dt is fixed.
    frame["round"] = game.round.number
    frame["cat_mouse"] = [list(map(int, game.round.cat_cell())), list(map(int, game.round.mouse_cell()))]
    frame["pixel_sum"] = int(pygame.surfarray.array3d(screen).astype(np.int64).sum())
    # Keep the last frame on the canvas for the screenshot; don't pygame.quit() in the browser.
    if not IN_BROWSER:
        pygame.quit()


# -- main ---------------------------------------------------------------------------------------------------


def environment() -> dict:
    env = {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": sys.platform,
        "machine": platform.machine(),
        "numpy": np.__version__,
        "intp_bits": np.dtype(np.intp).itemsize * 8,
        "default_int": str(np.array([1]).dtype),
        "perf_counter_resolution_us": timer_resolution(),
    }
    try:
        import pygame

        env["pygame"] = f"{pygame.version.ver} (SDL {'.'.join(map(str, pygame.get_sdl_version()))})"
    except ImportError:
        env["pygame"] = None
    return env


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=120, help="game frames to draw (0: none)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a smaller rollout batch")
    parser.add_argument("--no-timing", action="store_true", help="correctness only")
    args = parser.parse_args(sys.argv[1:])

    out: dict = {"env": environment(), "check": {}, "self": {}, "time": {}, "frame": {}, "errors": {}}
    steps = [("rules", lambda: check_rules(out["check"], out["self"])),
             ("brain", lambda: check_brain(out["check"], out["self"])),
             ("dtypes", lambda: check_dtypes(out["check"]))]
    if not args.no_timing:
        steps += [("time_brain", lambda: time_brain(out["time"], args.quick)),
                  ("time_rollout", lambda: time_rollout(out["time"], args.quick)),
                  ("time_pursuit", lambda: time_pursuit(out["time"]))]
    for name, run in steps:
        began = time.perf_counter()
        try:
            run()
        except Exception as error:  # report every part, not just the first failure
            out["errors"][name] = f"{type(error).__name__}: {error}"
        note(f"{name}: {time.perf_counter() - began:.1f} s")
    if args.frames and out["env"]["pygame"]:
        try:
            await time_frames(out["time"], out["frame"], args.frames)
        except Exception as error:
            out["errors"]["frames"] = f"{type(error).__name__}: {error}"
    print(json.dumps(out, sort_keys=True))
    return 1 if out["errors"] or not all(out["self"].values()) else 0


async def entry() -> None:
    # Under the harness asyncio.run() only schedules this task (as pygbag does), so the exit code must be
    # raised from inside it rather than returned to a sys.exit() around asyncio.run().
    status = await main()
    if status:
        raise SystemExit(status)


if __name__ == "__main__":
    asyncio.run(entry())
