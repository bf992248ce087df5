"""The game through its real loop (game.main.run), headless: scripted keys, clicks and page commands go in as
events, and what the arena, the brain and the files show afterwards is checked against the rules."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from game import main as game_main  # noqa: E402
from game.arena import CAT_MOVES, MOUSE_MOVES, features  # noqa: E402
from game.brain_np import LSTMBrain, PostBrain  # noqa: E402
from game.brains import brainfile, tasks  # noqa: E402
from game.browser.protocol import page_status
from game.play import app  # noqa: E402
from game.play.app import Game, versus_par  # noqa: E402
from game.ui import controls
from game.world.teachers import pursuit  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
KEY_FOR_MOVE = [pygame.K_UP, pygame.K_e, pygame.K_RIGHT, pygame.K_c, pygame.K_DOWN, pygame.K_z, pygame.K_LEFT,
                pygame.K_q]


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    """A weights folder with an LSTM, the post's network and a broken file; an empty user folder."""
    weights, user = tmp_path / "weights", tmp_path / "user_brains"
    weights.mkdir()
    brainfile.save_brain(LSTMBrain(32, seed=0), weights / "lstm32_optimal.npz",
                         {"grid_sizes": [[8, 8]], "teacher": "optimal"})
    brainfile.save_brain(PostBrain(16, rng=np.random.default_rng(0)), weights / "post16.npz",
                         {"grid_sizes": [[6, 6]], "teacher": "post", "heldout_mistakes_per_game": 1.25})
    (weights / "broken.npz").write_bytes(b"PK\x03\x04 this is not a brain")
    monkeypatch.setattr(game_main, "WEIGHTS_DIR", str(weights))
    monkeypatch.setattr(game_main, "USER_DIR", str(user))
    return weights, user


def key(k: int, mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)


class SteadyClock:
    """pygame's Clock whose every frame lasts `frame_ms` of game time, however long the machine took to draw it."""

    frame_ms = 1000 / 60

    def tick(self, framerate: float = 0) -> int:
        return round(self.frame_ms)


def run_game(argv: list[str], frames: int, script=None, steady_ms: float | None = None) -> dict:
    """Run the real main loop for `frames` frames; script(frame, game, view) may post events and look. With
    `steady_ms` every frame is that long in game time, so the rounds played in N frames do not depend on the
    machine's speed (uncapped, a frame lasts as long as the machine takes)."""
    seen: dict = {}

    def on_frame(frame, game, view):
        seen["game"], seen["view"] = game, view
        if script is not None:
            script(frame, game, view)

    real_clock = pygame.time.Clock
    if steady_ms is not None:
        pygame.time.Clock = type("Steady", (SteadyClock,), {"frame_ms": steady_ms})
    try:
        status = asyncio.run(game_main.main(["--fps", "0", *argv], frames=frames, on_frame=on_frame))
    finally:
        pygame.time.Clock = real_clock
    seen["status"] = status
    return seen


def test_keys_move_the_cat_and_the_mouse_replies_as_its_brain_says(dirs):
    weights, _ = dirs
    reference = brainfile.load_brain(weights / "lstm32_optimal.npz")
    keys = [pygame.K_RIGHT, pygame.K_w, pygame.K_q, pygame.K_KP3, pygame.K_a, pygame.K_s, pygame.K_e, pygame.K_z,
            pygame.K_KP8, pygame.K_c, pygame.K_KP1, pygame.K_d]
    moves = [2, 0, 7, 3, 6, 4, 1, 5, 0, 3, 5, 2]
    shadow: dict = {}
    checked = []

    def script(frame, game, view):
        if frame == 0:
            assert game.library.brain_name == "lstm32_optimal.npz" and game.arena_size() == (8, 8)
            shadow["cat"], shadow["mouse"] = game.round.arena.cat.copy(), game.round.arena.mouse.copy()
            reference.reset_state()
        k = frame - 1
        if 0 <= k < len(keys) and not game.round.over:
            if k > 0:  # the previous key's turn, replayed by hand with the rules and a copy of the brain
                assert game.round.cat_cell() == tuple(shadow["cat"][0])
                assert game.round.mouse_cell() == tuple(shadow["mouse"][0])
                checked.append(k)
            cat = np.clip(shadow["cat"] + CAT_MOVES[moves[k]], 0, 7)
            shadow["cat"] = cat
            if not (cat == shadow["mouse"]).all():
                move = reference.step(features(cat, shadow["mouse"], 8, 8)[0])
                shadow["mouse"] = np.clip(shadow["mouse"] + MOUSE_MOVES[move], 0, 7)
                shadow["probabilities"] = reference.probabilities()
            pygame.event.post(key(keys[k]))

    seen = run_game(["--seed", "5"], frames=len(keys) + 2, script=script)
    game = seen["game"]
    assert len(checked) >= 5, "the round ended too early to check the turns"
    if not game.round.over:
        assert game.round.cat_cell() == tuple(shadow["cat"][0]) and game.round.mouse_cell() == tuple(shadow["mouse"][0])
        np.testing.assert_allclose(game.round.probabilities, shadow["probabilities"], rtol=1e-6)


def test_a_click_on_a_neighbouring_cell_moves_the_cat_there(dirs):
    targets = []

    def script(frame, game, view):
        if frame in (1, 3):
            cx, cy = game.round.cat_cell()
            target = (cx + 1 if cx < 7 else cx - 1, cy + 1 if cy < 7 else cy - 1)
            if target == game.round.mouse_cell():
                target = (target[0], cy)
            targets.append(target)
            pos = view.pt(*view.cell_centre(game.arena_size(), *target))
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos, touch=False))
        if frame in (2, 4):
            assert game.round.cat_cell() == targets[-1]
            assert game.round.cat_moves_made == len(targets)

    run_game(["--seed", "11"], frames=5, script=script)
    assert len(targets) == 2


def test_a_resized_window_is_laid_out_again_and_still_takes_clicks(dirs):
    moved = []

    def script(frame, game, view):
        if frame == 1:
            pygame.display.set_mode((1500, 700), pygame.RESIZABLE)
            pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(1500, 700), w=1500, h=700))
        if frame == 2:
            assert view.size == (1500, 700) and view.screen.get_size() == (1500, 700)
            cx, cy = game.round.cat_cell()
            target = (cx - 1 if cx > 0 else cx + 1, cy)
            moved.append(target)
            pos = view.pt(*view.cell_centre(game.arena_size(), *target))
            assert pos[0] < 1500 and pos[1] < 700
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos, touch=True))
        if frame == 3:
            assert game.round.cat_cell() == moved[0]

    run_game(["--seed", "12"], frames=4, script=script)
    assert moved


def test_a_catch_ends_the_round_with_the_moves_used_and_the_par(dirs):
    start: dict = {}

    def script(frame, game, view):
        if frame == 0:
            start["par"] = int(pursuit(8, 8).start_par(game.round.arena.cat, game.round.arena.mouse)[0])
            start["round"] = game.round.number
        if game.round.number == start["round"] and not game.round.over:
            # the perfect cat's move, played by the player's keys
            move = int(pursuit(8, 8).cat_moves(game.round.arena.cat, game.round.arena.mouse)[0])
            pygame.event.post(key(KEY_FOR_MOVE[move]))
        elif game.round.over and "result" not in start:
            start.update(result=game.round.result, score=game.round.result_score, used=game.round.cat_moves_made,
                         best=dict(game.round.best), par_shown=game.round.par)

    seen = run_game(["--seed", "2"], frames=60, script=script)
    assert "result" in start, "the perfect cat did not catch the mouse"
    assert seen["game"].round.arena.caught.any() or seen["game"].round.number > start["round"]
    assert start["par_shown"] == start["par"]
    # A perfect cat never needs more than par; the brain may blunder and let it win sooner.
    assert 1 <= start["used"] <= start["par"]
    assert start["score"] == start["used"] - start["par"]
    used = f"{start['used']} move" + ("" if start["used"] == 1 else "s")
    assert start["result"].startswith(f"Caught in {used} · par {start['par']} · {versus_par(start['score'])}")
    assert start["best"] == {"lstm32_optimal.npz": start["score"]}


def test_the_next_round_starts_after_the_result(dirs):
    def script(frame, game, view):
        if frame == 1:
            game.round.arena.moves[0] = game.round.arena.move_limit - 1  # one move from escaping
            pygame.event.post(key(pygame.K_UP))
        if frame == 2 and game.round.number == 1:
            assert game.round.over and game.round.result.startswith("The mouse escaped!")
            assert game.round.result_score is None and game.round.best == {}
            pygame.event.post(key(pygame.K_UP))  # a move key during the result starts the next round

    seen = run_game(["--seed", "3"], frames=4, script=script)
    assert seen["game"].round.number == 2 and not seen["game"].round.over


def test_brain_cycling_skips_past_a_broken_file_and_keeps_the_brain_it_had(dirs):
    names, messages = [], []

    def script(frame, game, view):
        if frame >= 1:
            names.append(game.library.brain_name)
            messages.append((game.message, game.message_is_error))
        if frame < 4:
            pygame.event.post(key(pygame.K_b))

    seen = run_game([], frames=6, script=script)
    # sorted files: broken, lstm32_optimal, post16; we start on lstm32_optimal
    assert names[0] == "post16.npz"
    assert messages[0] == ("brain: post16.npz", False)
    assert names[1] == "post16.npz"  # broken.npz failed: the brain stays
    assert messages[1][1] is True and "broken.npz" in messages[1][0] and "damaged" in messages[1][0]
    assert names[2] == "lstm32_optimal.npz"  # the next press moves on past the broken file
    assert names[3] == "post16.npz"
    game = seen["game"]
    assert game.arena_size() == (6, 6) and game.coach.teacher == "post"  # the post's brain plays on its own grid


def test_a_bad_upload_is_reported_and_the_game_goes_on(dirs):
    def script(frame, game, view):
        if frame == 1:
            before = game.library.brain.theta.copy()
            assert not game.load_brain_bytes("mine.npz", b"not a zip at all")
            assert game.message == "mine.npz: is not a brain file (not a NumPy .npz archive)"
            assert game.message_is_error and game.library.brain_name == "lstm32_optimal.npz"
            np.testing.assert_array_equal(game.library.brain.theta, before)
            pygame.event.post(key(pygame.K_RIGHT))
        if frame == 2:
            assert game.round.cat_moves_made == 1

    run_game(["--seed", "1"], frames=3, script=script)


def heldout_value(brain) -> float:
    """Held-out share of value-optimal moves: what learning from the optimal teacher is for."""
    return tasks.play_figures(brain, tasks.chase_task(8, 8, ("perfect", "greedy")), games=200).value_optimal


def test_live_learning_plays_better_and_saving_round_trips_the_weights(dirs, monkeypatch):
    """At max watch speed a frame plays turns until 6 ms of wall time are spent, so how many rounds 400 frames hold
    would follow the machine's speed (a busy CI machine played too few for agreement to rise): here each frame
    plays the fewest turns max speed allows and lasts 1/60 s of game time, whatever the machine."""
    weights, user = dirs
    monkeypatch.setattr(app, "MAX_SPEED_BUDGET_MS", 0.0)
    before = heldout_value(brainfile.load_brain(weights / "lstm32_optimal.npz"))
    seen: dict = {}

    def script(frame, game, view):
        if frame == 1:
            for k in (pygame.K_v, pygame.K_f, pygame.K_f, pygame.K_l):  # watch, speed max, learn
                pygame.event.post(key(k))
            for _ in range(7):
                pygame.event.post(key(pygame.K_RIGHTBRACKET))
        if frame == 398:
            pygame.event.post(key(pygame.K_l))  # learning off first, so the weights hold still after saving
            pygame.event.post(key(pygame.K_s, pygame.KMOD_LCTRL))
            pygame.event.post(key(pygame.K_s, pygame.KMOD_LCTRL))
        if frame == 399:
            seen["theta"] = game.library.brain.theta.copy()
            seen["message"] = game.message
            seen["curve"] = list(game.stats.curve)
            seen["value_curve"] = list(game.stats.value_curve)

    out = run_game(["--seed", "4"], frames=400, script=script, steady_ms=1000 / 60)
    game = out["game"]
    assert not game.coach.learning and game.coach.learn_speed == 10 and game.coach.learner.updates > 50
    after = heldout_value(game.library.brain)
    assert after > before + 0.03, (before, after)  # measured: 83.0 % -> 94.4 %
    curve = seen["curve"]
    assert len(curve) <= 240 and np.mean(curve[-10:]) > np.mean(curve[:10]), curve
    value_curve = seen["value_curve"]  # the running share of value-optimal moves, sampled with it, rose more
    assert len(value_curve) == len(curve) and np.mean(value_curve[-10:]) > np.mean(value_curve[:10]) + 0.05
    first, second = user / "lstm32_optimal-tuned-001.npz", user / "lstm32_optimal-tuned-002.npz"
    assert first.exists() and second.exists()  # the second save took a fresh name
    assert seen["message"] == f"saved to {second}"
    saved = brainfile.load_brain(first)
    np.testing.assert_array_equal(saved.theta, seen["theta"])
    np.testing.assert_array_equal(brainfile.load_brain(second).theta, seen["theta"])
    assert saved.meta["fine_tuned_from"] == "lstm32_optimal.npz" and saved.meta["teacher"] == "optimal"
    assert sorted(p.name for p in weights.iterdir()) == ["broken.npz", "lstm32_optimal.npz", "post16.npz"]


def test_reset_returns_to_the_pretrained_weights(dirs):
    weights, _ = dirs
    shipped = brainfile.load_brain(weights / "lstm32_optimal.npz").theta

    def script(frame, game, view):
        if frame == 1:
            game.set_watch("perfect")
            game.set_watch_speed(2)
            game.set_learning(True)
            game.set_learn_speed(10)
        if frame == 60:
            assert game.coach.learner.updates > 0 and not np.array_equal(game.library.brain.theta, shipped)
            pygame.event.post(key(pygame.K_p))  # paused: nothing learns until we have looked
            pygame.event.post(key(pygame.K_BACKSPACE))  # unsaved learning: the first press asks
            pygame.event.post(key(pygame.K_BACKSPACE))
        if frame == 61:
            assert game.paused
            np.testing.assert_array_equal(game.library.brain.theta, shipped)
            assert game.coach.learner.updates == 0 and game.coach.learner.brain is game.library.brain

    run_game(["--seed", "6"], frames=62, script=script)


def test_a_nan_update_is_rolled_back_and_reported(dirs):
    seen = {}

    def script(frame, game, view):
        if frame == 1:
            game.set_learning(True)
            learner = game.coach.learner
            learner.practice = False  # this round alone, so the update surely meets the NaN
            for _ in range(3):
                learner.record(np.full(4, np.nan, dtype=np.float32), 0)
            learner.end_round()
            learner.batch = 1
            game.checked_theta = game.library.brain.theta.copy()
        if frame > 1 and game.coach.learner.updates >= 1 and "frame" not in seen:  # after the held-out check
            seen["frame"] = frame
            np.testing.assert_array_equal(game.library.brain.theta, game.checked_theta)
            assert game.message_is_error and "rolled back" in game.message

    run_game(["--seed", "6"], frames=400, script=script)
    assert "frame" in seen


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.slow  # thousands of rounds at max speed
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc to read the resident set size")
def test_watch_mode_plays_many_rounds_unattended_without_growing(dirs):
    marks: dict = {}

    def script(frame, game, view):
        if frame == 1:
            game.set_watch("greedy")
            game.set_watch_speed(2)
            game.set_learning(True)
            game.set_learn_speed(2)
        if frame == 50:
            tracemalloc.start()
        learner = game.coach.learner
        # Measured only between the learner's batched plays (a practice play or held-out check holds ~1 MB while
        # it runs), and once every bounded store (learning buffers, curve) is full.
        # (and not halfway through gathering an update's batch, whose gradient so far it holds)
        idle = learner is not None and learner.check is None and learner.practice_play is None and (
            learner.pending is None or learner.pending.grad is None)
        full = idle and len(learner.practised) == learner.practised.maxlen and (
            len(learner.buffer) == learner.buffer.maxlen)
        if frame >= 250 and full and "python" not in marks:
            marks["python"] = tracemalloc.get_traced_memory()[0]
            marks["rss"] = rss_bytes()
            marks["rounds"] = game.stats.rounds_finished
        finished = game.stats.rounds_finished
        if idle and "python" in marks and "python_end" not in marks and finished >= marks["rounds"] + 400:
            marks["python_end"] = tracemalloc.get_traced_memory()[0]
            marks["rss_end"] = rss_bytes()
            tracemalloc.stop()
            pygame.event.post(pygame.event.Event(pygame.QUIT))  # the player closes the window

    run_game(["--seed", "8"], frames=5000, script=script)
    assert "python_end" in marks, "400 rounds did not finish in 5,000 frames"
    assert marks["python_end"] - marks["python"] < 100_000
    assert marks["rss_end"] - marks["rss"] < 4_000_000


def test_page_commands_drive_the_same_game(dirs, monkeypatch):
    weights, _ = dirs
    from game.browser.web import Page

    class Mailbox:
        def __init__(self):
            self.inbox, self.shown, self.downloads, self.stored = [], [], [], []

        def take(self):
            import json

            out, self.inbox = json.dumps(self.inbox), []
            return out

        def show(self, text):
            import json

            self.shown.append(json.loads(text))

        def download(self, name, data):
            self.downloads.append((name, data))

        def store(self, name, data):
            self.stored.append((name, data))

    class Window:
        catmouse = Mailbox()

    import base64

    page = Page(Window())
    box = Window.catmouse
    monkeypatch.setattr(game_main, "PAGE_POLL_SECONDS", 0.0)
    monkeypatch.setattr(game_main, "PAGE_STATUS_SECONDS", 0.0)
    post_bytes = (weights / "post16.npz").read_bytes()
    script = {
        1: [{"type": "learn", "on": True}, {"type": "learn_speed", "value": 4}, {"type": "teacher", "name": "post"}],
        3: [{"type": "brain", "name": "post16.npz"}],
        5: [{"type": "upload", "name": "mine.npz", "data": base64.b64encode(b"junk").decode()}],
        7: [{"type": "restore", "name": "kept.npz", "data": base64.b64encode(post_bytes).decode()}],
        9: [{"type": "download"}],
        11: [{"type": "reset"}],
    }
    game_keys = {10: key(pygame.K_s, pygame.KMOD_LCTRL)}  # Ctrl+S in the browser: a download, not a folder
    log = {}

    def on_frame(frame, game, view):
        box.inbox.extend(script.get(frame, []))
        if frame in game_keys:
            pygame.event.post(game_keys[frame])
        coach = game.coach
        log[frame] = (game.library.brain_name, coach.learning, coach.teacher, coach.learn_speed, game.message)

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1040, 640))
    game = game_main.make_game(game_main.parse_args(["--seed", "1"]), browser=True)
    game.page = page
    view = game_main.View(screen)
    asyncio.run(game_main.run(game, view, 0, page, frames=13, on_frame=on_frame))
    pygame.quit()
    assert log[2][1:4] == (True, "post", 4)
    assert log[4][0] == "post16.npz"
    assert log[6][0] == "post16.npz" and log[6][4].startswith("mine.npz: is not a brain file")
    assert log[8][0] == "kept.npz"
    # kept.npz had no learning update before it was downloaded: it comes down as it is, not as "tuned"
    assert game.library.tuned_updates == 0
    assert [name for name, _ in box.downloads] == ["kept.npz", "kept.npz"]
    name, data = box.downloads[0]
    meta = brainfile.load_brain_bytes(base64.b64decode(data), name).meta
    assert "fine_tuned_from" not in meta and meta.get("tuned") is None
    # the browser keeps the brain in play: nothing for the default brain, then each brain put in play
    # (the reset put kept.npz's loaded weights back in play, and the browser keeps those)
    assert [name for name, _ in box.stored] == ["", "post16.npz", "kept.npz", "kept.npz"]
    kept = brainfile.load_brain_bytes(base64.b64decode(box.stored[2][1]), "kept.npz")
    shipped = brainfile.load_brain_bytes(post_bytes, "post16.npz")
    assert all(np.array_equal(kept.params[k], shipped.params[k]) for k in shipped.params)
    last = box.shown[-1]
    assert last["brain"] == "kept.npz" and last["brains"] == ["broken.npz", "lstm32_optimal.npz", "post16.npz"]
    assert set(last) == {"brain", "meta", "brains", "sight", "learning", "teacher", "learn_speed", "agreement",
                         "value_optimal", "heldout", "fallbacks", "learning_status", "step_ms",
                         "update_ms", "message", "error", "cat", "cats", "round", "frames", "layout", "room", "session"}
    assert last["cat"] == "you"
    assert last["cats"] == ["you", "perfect", "greedy", "noisy", "random", "clumsy", "straight"]


def test_the_view_reads_clicks_back_at_any_window_size(dirs):
    pygame.display.init()
    pygame.font.init()
    try:
        game = game_main.make_game(game_main.parse_args(["--size", "10x6", "--seed", "1"]), browser=False)
        for size in ((1040, 640), (2080, 1280), (700, 900), (1900, 500)):
            view = game_main.View(pygame.display.set_mode(size))
            view.draw(game.picture())
            for cell in ((0, 0), (9, 5), (3, 2)):
                assert view.cell_at(game.arena_size(), view.pt(*view.cell_centre(game.arena_size(), *cell))) == cell
            assert view.cell_at(game.arena_size(), (1, 1)) is None
    finally:
        pygame.quit()


@pytest.mark.parametrize(
    "argv, problem",
    [
        (["--size", "3x3"], "arena width 3 is not a whole number from 4 to 16"),
        (["--size", "big"], "size 'big' is not N, WxH or W×H"),
        (["--size", "17×8"], "arena width 17 is not a whole number from 4 to 16"),
        (["--fps", "5"], "fps 5 is outside 10..240"),
        (["--teacher", "cat"], "invalid choice: 'cat'"),
        (["--seed", "-1"], "seed -1 is outside"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_get_one_clear_line(argv, problem, capsys):
    with pytest.raises(SystemExit) as exit_:
        game_main.parse_args(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and problem in err and err.startswith("main.py: error:")


def test_an_unknown_cat_on_the_command_line_is_one_line(dirs, capsys):
    """--watch takes a cat brain's name too, so the game (not argparse) knows the cats: still one line."""
    assert asyncio.run(game_main.main(["--watch", "tiger"], frames=1)) == 2
    err = capsys.readouterr().err
    assert err == ("main.py: error: unknown cat 'tiger': choose one of perfect, greedy, noisy, random, clumsy, "
                   "straight\n")


def test_a_broken_brain_on_the_command_line_is_one_line(dirs, capsys):
    weights, _ = dirs
    assert asyncio.run(game_main.main(["--brain", str(weights / "broken.npz")], frames=1)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken.npz: is damaged or truncated" in err


def test_main_runs_from_the_repo_and_from_the_browser_bundle_layout(tmp_path):
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    out = subprocess.run([sys.executable, str(ROOT / "game" / "main.py"), "--help"], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=60)
    assert out.returncode == 0 and "--brain PATH" in out.stdout
    stage = tmp_path / "stage"
    stage.mkdir()
    (stage / "main.py").write_text((ROOT / "game" / "main.py").read_text())
    (stage / "game").symlink_to(ROOT / "game")
    out = subprocess.run([sys.executable, str(stage / "main.py"), "--size", "2"], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=60)
    assert out.returncode == 2 and "main.py: error: argument --size" in out.stderr  # imports resolved from stage/
    text = (ROOT / "game" / "main.py").read_text()
    assert text.startswith('# /// script\n# dependencies = ["numpy"]\n# ///') and "\nimport numpy" in text


@pytest.mark.parametrize("brain_name, size", [("lstm32_optimal.npz", None), ("post16.npz", None),
                                               ("lstm32_optimal.npz", "16x5")])
def test_the_picture_puts_the_cat_and_the_mouse_on_their_cells(dirs, brain_name, size):
    weights, _ = dirs
    argv = ["--brain", str(weights / brain_name), "--seed", "9"] + (["--size", size] if size else [])
    colours = {}

    def script(frame, game, view):
        if frame == 1:
            pygame.event.post(key(pygame.K_o))  # overlays off: nothing drawn over the animals' centres
        if frame == 3:
            game.now += 1.0  # let the glide finish
            view.draw(game.picture())
            screen = view.screen
            cat = view.pt(*view.cell_centre(game.arena_size(), *game.round.cat_cell()))
            mouse = view.pt(*view.cell_centre(game.arena_size(), *game.round.mouse_cell()))
            colours["cat"] = tuple(screen.get_at(cat))[:3]  # the middle of the face, between eyes and nose
            colours["mouse"] = tuple(screen.get_at(mouse))[:3]
            for cell in ((0, 0), (game.round.arena.width - 1, game.round.arena.height - 1)):
                assert view.cell_at(game.arena_size(), view.pt(*view.cell_centre(game.arena_size(), *cell))) == cell

    run_game(argv, frames=4, script=script)
    from game.ui.view import ORANGE, SKY

    assert colours["cat"] == ORANGE and colours["mouse"] == SKY


def watch_and_learn(game) -> None:
    """Watch mode against the greedy cat at full speed, learning as fast as the slider allows."""
    game.set_watch("greedy")
    game.set_watch_speed(2)
    game.set_learning(True)
    game.set_learn_speed(10)


def test_swapping_away_from_unsaved_learning_says_so(dirs):
    seen = {}

    def script(frame, game, view):
        if frame == 1:
            watch_and_learn(game)
        if frame == 40:
            assert game.library.unsaved_updates() > 0
            pygame.event.post(key(pygame.K_s, pygame.KMOD_LCTRL))
            pygame.event.post(key(pygame.K_p))  # paused: no updates after the save
        if frame == 41:
            assert game.library.unsaved_updates() == 0
            pygame.event.post(key(pygame.K_b))
        if frame == 42:
            seen["clean"] = game.message
            pygame.event.post(key(pygame.K_p))
        if frame == 80:
            seen["updates"] = game.library.unsaved_updates()
            pygame.event.post(key(pygame.K_b, pygame.KMOD_LSHIFT))  # back to lstm32_optimal
        if frame == 81:
            seen["dropped"] = game.message

    weights, user = dirs
    run_game(["--seed", "13"], frames=82, script=script)
    assert seen["clean"] == "brain: post16.npz"
    assert seen["updates"] > 0
    kept = sorted(user.glob("post16-tuned-*.npz"))
    assert len(kept) == 1  # post16 learned after the save (of lstm32_optimal): kept at the switch back
    assert seen["dropped"] == (f"brain: lstm32_optimal.npz (post16.npz's {seen['updates']:,} learning "
                               f"updates kept in {kept[-1]})")
    assert brainfile.load_brain(kept[-1]).meta["fine_tune_updates"] >= seen["updates"]


def test_quitting_with_unsaved_learning_asks_once_and_a_second_esc_quits(dirs):
    seen = {}

    def script(frame, game, view):
        if frame == 1:
            watch_and_learn(game)
        if frame == 60:
            seen["unsaved"] = game.library.unsaved_updates()
            pygame.event.post(key(pygame.K_p))  # paused: the count stays put
            pygame.event.post(key(pygame.K_ESCAPE))
        if frame == 61:
            seen["asked"] = game.message
            pygame.event.post(key(pygame.K_ESCAPE))
        seen["last frame"] = frame

    run_game(["--seed", "13"], frames=200, script=script)
    assert seen["unsaved"] > 0 and seen["last frame"] == 61  # the second Esc quit; the first did not
    assert seen["asked"] == f"{seen['unsaved']:,} updates unsaved: Ctrl+S saves · Esc again quits"


def test_the_help_lists_every_control(dirs):
    from game.ui import controls
    from game.ui.view import HELP_LINES

    labels = " ".join(key for key, what in HELP_LINES if what).lower().replace("/", " ").split()
    game = game_main.make_game(game_main.parse_args(["--seed", "1"]), browser=False)
    keys = set(controls.actions_for(game)) | {k for k in controls.MOVE_KEYS if not pygame.K_KP1 <= k <= pygame.K_KP9}
    for k in keys:
        name = pygame.key.name(k)
        assert name in labels or name in ("up", "down", "left", "right"), f"the help does not list {name!r}"
    assert "arrows" in labels and "keypad" in labels and "ctrl+s" in labels and "esc" in labels


def test_the_browser_keeps_a_brain_that_learned_without_a_download(dirs, monkeypatch):
    """A fine-tuned brain goes into the page's storage while it learns, so a reload brings it back. Counted in
    learning updates, never in frames: a slow machine learns in more frames, and the test waits for it."""
    import base64
    import json

    from game.browser.web import Page

    class Mailbox:
        def __init__(self):
            self.inbox, self.stored = [], []

        def take(self):
            out, self.inbox = json.dumps(self.inbox), []
            return out

        def show(self, text):
            pass

        def store(self, name, data):
            self.stored.append((name, data))

    class Window:
        catmouse = Mailbox()

    box = Window.catmouse
    page = Page(Window())
    monkeypatch.setattr(game_main, "PAGE_POLL_SECONDS", 0.0)
    monkeypatch.setattr(game_main, "PAGE_STATUS_SECONDS", 0.0)

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1040, 640))
    view = game_main.View(screen)
    game = game_main.make_game(game_main.parse_args(["--seed", "3"]), browser=True)
    game.page = page

    def frames(count):
        asyncio.run(game_main.run(game, view, 0, page, frames=count))

    game.set_watch("greedy")
    game.set_watch_speed(2)
    frames(5)
    assert box.stored == [("", "")], "the default brain, untouched, needs no keeping"
    box.inbox.append({"type": "learn", "on": True})
    for _ in range(2000):  # chunks of frames until the learner has made its first updates
        frames(5)
        if game.library.tuned_updates >= 2:
            break
    game.set_learning(False)
    frames(1)  # the frame after an update hands the brain over with it
    updates = game.library.tuned_updates
    assert updates >= 2, "the learner made no updates"
    name, data = box.stored[-1]
    assert name == "lstm32_optimal-tuned.npz"
    kept = brainfile.load_brain_bytes(base64.b64decode(data), name)
    assert kept.meta["fine_tune_updates"] == updates and kept.meta["tuned"].startswith("tuned from lstm32_optimal")
    handed = len(box.stored)
    frames(9)
    pygame.quit()
    assert len(box.stored) == handed, "nothing new to keep once learning stopped"

def test_every_frame_yields_and_learning_stays_within_its_budget(dirs, monkeypatch):
    """The browser has no threads: the loop must hand control back every frame, and live learning must take no
    more than its budget in any frame. A fake clock makes each learned round cost up to 1 ms, as on a slow browser."""
    real_sleep = asyncio.sleep
    yields: list[float] = []

    async def counting_sleep(delay, *args):
        yields.append(delay)
        await real_sleep(delay, *args)

    monkeypatch.setattr(game_main.asyncio, "sleep", counting_sleep)
    clock = [0.0]
    marks: list[float] = []

    def on_frame(frame, game, view):
        if frame == 1:
            game.set_watch("random")
            game.set_watch_speed(2)  # max: many rounds a frame, so the learner has rounds to learn from
            game.set_learning(True)
            game.set_learn_speed(4)  # 2 ms a frame
            learner = game.coach.learner
            learner.clock = lambda: clock[0]
            real_gradient = learner.gradient_of

            def costly_gradient(rounds):  # every step of a slice's rounds (padded) costs 25 µs: a round of 40, 1 ms
                clock[0] += 2.5e-5 * len(rounds) * max(len(labels) for _, labels, _ in rounds)
                return real_gradient(rounds)

            learner.gradient_of = costly_gradient
        marks.append(clock[0])

    game = run_game(["--seed", "4"], frames=300, script=on_frame)["game"]
    per_frame_ms = np.diff(marks) * 1e3
    assert len(yields) == 300 and set(yields) == {0}
    assert per_frame_ms.sum() > 100  # it did learn
    assert per_frame_ms.max() <= 2.0 + 1e-6
    assert game.coach.learner.updates > 10  # whole batches of 32 rounds at 2 a frame: one update per 16 frames


def test_a_cat_brain_in_weights_is_not_offered_as_a_mouse(dirs):
    weights, _ = dirs
    from game.arena import CAT_MOVE_NAMES

    brainfile.save_brain(LSTMBrain(8, seed=0, actions=CAT_MOVE_NAMES, role="cat"), weights / "cat_lstm8.npz",
                         {"grid_sizes": [[8, 8]]})
    names, checked = [], []

    def script(frame, game, view):
        if frame == 0:
            assert "cat_lstm8.npz" not in page_status(game)["brains"] and len(page_status(game)["brains"]) == 3
            assert not game.load_brain_file(weights / "cat_lstm8.npz")  # asked for by name, as the page can
            assert game.message == (f"{weights / 'cat_lstm8.npz'}: is a cat's brain (meta role 'cat'); a mouse's "
                                    "brain is needed here") and game.message_is_error
            assert game.library.brain_name == "lstm32_optimal.npz"
            checked.append(True)
        if frame >= 1:
            names.append(game.library.brain_name)
        if frame < 4:
            pygame.event.post(key(pygame.K_b))

    run_game([], frames=6, script=script)
    assert checked and "cat_lstm8.npz" not in names
    assert names[0] == "post16.npz" and names[2] == "lstm32_optimal.npz"  # B cycles the mice only, as before


def test_the_next_cat_key_cycles_the_training_cats_in_their_one_order(dirs):
    """X steps through cats.CAT_NAMES as training and the help line list them; --watch clumsy steps on to the
    first of them."""
    from game.ui.view import HELP_LINES
    from game.world.cats import CAT_NAMES

    game = game_main.make_game(game_main.parse_args(["--watch", "clumsy", "--seed", "2"]), browser=False)
    seen = []
    for _ in range(len(CAT_NAMES) + 1):
        game.cycle_watch_cat()
        seen.append(game.watch_cat)
    assert seen == [*CAT_NAMES, CAT_NAMES[0]]
    assert ("X / Shift+X", "next / previous cat: " + ", ".join(CAT_NAMES) + ", then each cat brain") in HELP_LINES


def test_the_view_draws_from_the_picture_alone(dirs):
    """Game.picture() is what the view reads: a frozen copy that the next turn leaves as it was, and view.py
    does not import the game at all."""
    import ast
    import dataclasses

    game = game_main.make_game(game_main.parse_args(["--seed", "4"]), browser=False)
    for _ in range(3):
        game.player_move(3)
    before = game.picture()
    trail, number = before.cat_trail, before.round_number
    game.player_move(3)
    assert before.cat_trail == trail and game.picture().cat_trail != trail and before.round_number == number
    with pytest.raises(dataclasses.FrozenInstanceError):
        before.over = True  # type: ignore[misc]
    tree = ast.parse((Path(game_main.__file__).parent / "ui" / "view.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "play.app" not in imported and "play.picture" in imported


def test_the_round_line_counts_what_the_score_counts_and_names_the_mouse_limit(dirs):
    """The panel's count is the cat's moves, the unit of par and of the result; the limit is the mouse's."""
    from game.ui.view import limit_line, round_line

    game = game_main.make_game(game_main.parse_args(["--seed", "4"]), browser=False)
    for _ in range(2):
        game.player_move(3)
    pic = game.picture()
    assert not pic.over and pic.cat_moves_made == 2
    assert f"cat moves 2  ·  par {pic.par}" in round_line(pic)
    assert f"after {pic.move_limit} of its moves ({pic.moves_made} made)" in limit_line(pic)
    while not game.round.over:
        game.player_move(game.round.step_toward(game.round.mouse_cell()))
    pic = game.picture()
    assert pic.caught  # the banner's count and the panel's are the same number
    assert f"Caught in {pic.cat_moves_made} move" in pic.result
    assert f"cat moves {pic.cat_moves_made} " in round_line(pic)


def test_r_retries_the_same_start_and_n_deals_a_new_one(dirs):
    """Through the keys: R puts both animals back on the round's starting cells under the same round number
    and par; N draws new cells and counts a new round."""
    seen = {}

    def script(frame, game, view):
        if frame == 1:
            seen["start"] = (game.round.cat_cell(), game.round.mouse_cell(), game.round.number, game.round.par)
            for move in (3, 3):
                pygame.event.post(key(KEY_FOR_MOVE[move]))
        if frame == 2:
            seen["moved"] = game.round.cat_moves_made
            pygame.event.post(key(pygame.K_r))
        if frame == 3:
            seen["retry"] = (game.round.cat_cell(), game.round.mouse_cell(), game.round.number, game.round.par)
            seen["retry_moves"] = (game.round.cat_moves_made, int(game.round.arena.moves[0]))
            pygame.event.post(key(pygame.K_n))
        if frame == 4:
            seen["new"] = (game.round.cat_cell(), game.round.mouse_cell(), game.round.number)

    run_game(["--seed", "5"], frames=5, script=script)
    assert seen["moved"] > 0
    assert seen["retry"] == seen["start"] and seen["retry_moves"] == (0, 0)
    cat, mouse, number, _ = seen["start"]
    assert seen["new"][2] == number + 1 and seen["new"][:2] != (cat, mouse)


def test_help_readme_and_page_say_which_key_retries_and_which_deals(dirs):
    from game.ui.view import HELP_LINES

    help_keys = dict((k, what) for k, what in HELP_LINES if what)
    assert help_keys["R / N"] == "retry the round from the same start / new round, new start"
    readme = (ROOT / "README.md").read_text()
    assert "| R, N | retry the round from the same start, new round with a new start |" in readme
    page = (ROOT / "web" / "index.tmpl").read_text()
    assert "<kbd>R</kbd> retries the round from the same start; <kbd>N</kbd> deals a new start" in page


@pytest.mark.parametrize("size", [None, "16x5", "5x12"])
def test_a_message_never_covers_the_arena(dirs, size):
    """Short and long messages (the brain-switch one is long) leave every pixel of the arena as it was, and
    the text stays inside the screen."""
    import dataclasses

    pygame.display.init()
    pygame.font.init()
    view = game_main.View(pygame.display.set_mode((1040, 640)))
    game = game_main.make_game(game_main.parse_args(["--seed", "3"] + (["--size", size] if size else [])),
                               browser=False)
    while game.round.mouse_cell()[1] != 0:  # a mouse on the bottom row, where messages used to sit
        game.deal_round()
    game.now += 1.0
    plain = game.picture()
    left, top, cell = view.grid(plain.size)
    arena = view.rect(left - 6, top - 6, cell * plain.size[0] + 12, cell * plain.size[1] + 12)
    view.draw(plain)
    before = pygame.image.tobytes(view.screen.subsurface(arena), "RGB")
    long = ("brain: lstm32_optimal.npz (post16.npz's 12345 unsaved learning updates were dropped) " * 2).strip()
    for text in ("brain: post16.npz", long):
        pic = dataclasses.replace(plain, message=text, message_visible=True)
        view.draw(pic)
        assert pygame.image.tobytes(view.screen.subsurface(arena), "RGB") == before, text
        size_, lines = view.fit_message(text, view.MESSAGE_BOX[2] - 16)
        assert 1 <= len(lines) <= 2 and all(view.font(size_).size(line)[0] <= (view.MESSAGE_BOX[2] - 16)
                                            * view.scale for line in lines)
    assert view.fit_message("brain: post16.npz", 378) == (17, ["brain: post16.npz"])


def test_the_cats_trail_runs_on_to_the_cat(dirs):
    """Halfway between the trail's last cell and the cat, the trail's line is drawn, not the bare cell."""
    import dataclasses

    pygame.display.init()
    pygame.font.init()
    view = game_main.View(pygame.display.set_mode((1040, 640)))
    game = game_main.make_game(game_main.parse_args(["--seed", "4"]), browser=False)
    game.round.start(game.rng, game.library.brain)
    game.round.arena.cat[0], game.round.arena.mouse[0] = (1, 1), (6, 6)
    for move in (2, 2, 2):  # three steps right along row 1: the mouse stays far off the cat's row
        game.round.cat_turn(move, game.now)
    game.now += 1.0
    pic = dataclasses.replace(game.picture(), decision_cell=None, brain_move=None, teacher_move=None)
    (ax, ay), (bx, by) = (view.cell_centre(pic.size, *c) for c in (pic.cat_trail[-1], pic.cat_cell))
    cell = view.grid(pic.size)[2]
    probe = view.pt((ax + bx) / 2 - cell * 0.25, (ay + by) / 2)  # past the trail's dot, short of the cat
    view.draw(pic)
    on = tuple(view.screen.get_at(probe))[:3]
    view.draw(dataclasses.replace(pic, overlays=False))
    off = tuple(view.screen.get_at(probe))[:3]
    assert on != off


def test_the_catch_ring_stays_inside_a_corner_cell(dirs):
    """A catch in the corner: every pixel the ring adds lies inside the cat's cell, off the board's edge."""
    import dataclasses

    pygame.display.init()
    pygame.font.init()
    view = game_main.View(pygame.display.set_mode((1040, 640)))
    game = game_main.make_game(game_main.parse_args(["--seed", "4"]), browser=False)
    game.now += 1.0
    W, H = game.arena_size()
    pic = dataclasses.replace(game.picture(), cat_cell=(W - 1, H - 1), cat_from=(W - 1, H - 1),
                              mouse_cell=(W - 1, H - 1), mouse_from=(W - 1, H - 1), caught=True,
                              over=False, overlays=False, decision_cell=None)
    left, top, cell = view.grid(pic.size)
    board = view.rect(left - 6, top - 6, cell * W + 12, cell * H + 12)
    inner = view.rect(left + (W - 1) * cell + cell * 0.025, top + cell * 0.025, cell * 0.95, cell * 0.95)
    view.draw(pic)
    before = view.screen.subsurface(board).copy()
    view.draw(dataclasses.replace(pic, over=True, result="", result_score=0, over_time=pic.now - 0.13))
    after = view.screen.subsurface(board)
    changed = [(x, y) for x in range(board.width) for y in range(board.height // 2)
               if before.get_at((x, y)) != after.get_at((x, y))]
    assert changed
    assert all(inner.collidepoint(board.left + x, board.top + y) for x, y in changed)


def test_the_session_report_counts_one_round_in_the_singular():
    report = game_main.session_report({"brain": "b.npz", "teacher": "optimal", "cat": "greedy", "rounds": 1,
                                       "updates": 1, "fallbacks": 0, "heldout_before": 0.5,
                                       "heldout_after": 0.5, "value_optimal_before": 0.9,
                                       "value_optimal_after": 0.9,
                                       "survival_share_before": {"perfect": 1.0, "greedy": 1.0, "noisy": 1.0},
                                       "survival_share_after": {"perfect": 1.0, "greedy": 1.0, "noisy": 1.0},
                                       "tuned": "", "learn": False, "saved": ""})
    assert "1 round · 1 learning update · 0 fallbacks" in report


def test_the_browser_keeps_the_brain_in_play_and_a_download_is_the_brain_as_it_is(dirs):
    """The page's storage holds what is in play (nothing for the untouched default brain), so a reload brings back
    exactly that; "tuned" only when learning changed the weights, in storage and in a download alike."""
    from game.play.app import Game

    weights = Path(__file__).resolve().parents[2] / "weights"
    game = Game(weights, seed=1, browser=True)
    assert game.brain_to_keep() == (None, None) and game.brain_to_keep() is None
    assert game.load_brain_file(weights / "lstm32_post.npz")
    name, data = game.brain_to_keep()
    assert name == "lstm32_post.npz" and game.brain_to_keep() is None
    loaded = brainfile.load_brain_bytes(data, name)
    assert loaded.meta == game.library.brain_meta and "fine_tuned_from" not in loaded.meta
    assert all(np.array_equal(loaded.params[k], v) for k, v in game.library.brain.params.items())

    game.library.tuned_updates = 3  # updates the safety net rolled back: the weights are as loaded
    name, data = game.brain_to_keep()
    assert name == "lstm32_post.npz" and "tuned" not in brainfile.load_brain_bytes(data, name).meta
    assert game.export_brain()[0] == "lstm32_post.npz"

    first = next(iter(game.library.brain.params))
    game.library.brain.params[first][0] += 0.25  # an update that stayed
    game.library.tuned_updates = 4
    name, data = game.brain_to_keep()
    assert name == "lstm32_post-tuned.npz"
    assert brainfile.load_brain_bytes(data, name).meta["fine_tune_updates"] == 4
    assert game.export_brain()[0] == "lstm32_post-tuned-001.npz"

    game.reset_brain()  # the loaded weights back in play: the browser keeps those
    assert game.brain_to_keep()[0] == "lstm32_post.npz"
    assert game.set_sight("fog") and game.brain_to_keep()[0] == "lstm32_fog.npz"


def test_a_failed_keep_cancels_the_swap_and_backspace_asks_before_dropping_learning(dirs, tmp_path):
    weights, _ = dirs
    blocked = tmp_path / "not_a_folder"
    blocked.write_bytes(b"a file where the user folder should be")  # every save fails, as on a full disk
    shutil.copy(ROOT / "weights" / "lstm32_fog.npz", weights)
    game = Game(weights, blocked, seed=3)
    name = game.library.brain_name
    learned = game.library.brain.params["head.bias"].copy() + 0.25
    game.library.brain.params["head.bias"][...] = learned
    game.library.brain.changed()
    game.library.tuned_updates = 7
    for swap in (game.cycle_brain, lambda: game.set_sight("fog"), lambda: game.load_brain_file(weights / "post16.npz")):
        assert not swap()
        assert game.message_is_error and "not_a_folder" in game.message and "dropped" not in game.message
        assert game.library.brain_name == name and game.sight == "classic" and game.library.unsaved_updates() == 7
        np.testing.assert_array_equal(game.library.brain.params["head.bias"], learned)
    assert game.library.cycle_from is None  # the next B tries the same file again, not the one past it
    pygame.display.init()
    view = game_main.View(pygame.display.set_mode((1040, 640)))
    controls.handle_event(game, view, key(pygame.K_BACKSPACE))
    assert "7 updates unsaved" in game.message and "Backspace again" in game.message
    np.testing.assert_array_equal(game.library.brain.params["head.bias"], learned)
    controls.handle_event(game, view, key(pygame.K_n))  # any other key drops the question
    controls.handle_event(game, view, key(pygame.K_BACKSPACE))
    np.testing.assert_array_equal(game.library.brain.params["head.bias"], learned)
    controls.handle_event(game, view, key(pygame.K_BACKSPACE))
    assert game.library.unsaved_updates() == 0 and game.message == f"{name}: back to its pretrained weights"
    assert not np.array_equal(game.library.brain.params["head.bias"], learned)
    assert game.cycle_brain() and game.library.brain_name != name  # nothing left to keep: B swaps at once


def test_a_long_brain_list_is_checked_once_and_bounded_and_a_swap_with_nothing_new_keeps_no_file(dirs, monkeypatch):
    weights, user = dirs
    user.mkdir()
    data = brainfile.brain_bytes(LSTMBrain(2, seed=1), {"grid_sizes": [[8, 8]], "teacher": "optimal"})
    many = brainfile.MAX_LISTED_FILES + 60
    for k in range(many):
        (user / f"mine-{k:04d}.npz").write_bytes(data)
        os.utime(user / f"mine-{k:04d}.npz", (1_000_000 + k, 1_000_000 + k))  # the later the newer
    opened = []
    real_load = brainfile.load_brain
    monkeypatch.setattr(brainfile, "load_brain", lambda path, *a, **k: opened.append(path) or real_load(path, *a, **k))
    brainfile._file_kind.cache_clear()
    game = Game(weights, user, seed=3)
    files = game.library.brain_files()
    assert len(files) == brainfile.MAX_LISTED_FILES  # the bound: the three in weights/, then the newest of mine
    assert files[-1].name == f"mine-{many - 1:04d}.npz" and (user / "mine-0000.npz") not in files  # the newest
    opened.clear()
    for press in (lambda: game.cycle_brain(), lambda: game.cycle_watch_cat(), lambda: game.cycle_brain(-1)):
        press()
        assert len(opened) <= 1, opened  # the brain swapped to; every other file is remembered as it was checked
        opened.clear()
    game.cycle_brain()
    assert game.message.endswith(f"the brain list holds {brainfile.MAX_LISTED_FILES} files: the 63 oldest saved ones "
                                 "are left out")
    # learning that left the weights as they were (rolled back, fallen back) is nothing new to keep
    game.library.tuned_updates = 9
    before = set(user.iterdir())
    assert game.library.unsaved_updates() == 0 and game.cycle_brain()
    assert set(user.iterdir()) == before
