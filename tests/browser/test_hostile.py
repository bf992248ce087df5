"""Hostile input through the running game: a file the loader accepts, and any page message, never crash it.

Each reproducer file is made here, in tmp_path. The game is the real Game and View, drawn with
SDL_VIDEODRIVER=dummy; the page is game.web.Page over a fake window.catmouse that keeps what it is sent, as
test_web_bridge's does (its interface: web/catmouse.js's take/show/download/store, strings only).
"""

from __future__ import annotations

import base64
import io
import json
import os
import zipfile
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from game.brain_np import LSTMBrain, PostBrain  # noqa: E402
from game.brains import brainfile  # noqa: E402
from game.browser import web
from game.browser.protocol import page_status, run_command
from game.play.app import Game  # noqa: E402
from game.ui.view import DESIGN_H, DESIGN_W, View  # noqa: E402


class FakeCatmouse:
    def __init__(self) -> None:
        self.mail = "[]"
        self.shown: list[dict] = []
        self.downloads: list[tuple[str, str]] = []
        self.stored: list[tuple[str, str]] = []

    def take(self) -> str:
        raw, self.mail = self.mail, "[]"
        return raw

    def show(self, text: str) -> None:
        self.shown.append(json.loads(text))

    def download(self, filename: str, data: str) -> None:
        self.downloads.append((filename, data))

    def store(self, name: str, data: str) -> None:
        self.stored.append((name, data))


class FakeWindow:
    def __init__(self) -> None:
        self.catmouse = FakeCatmouse()


@pytest.fixture
def world(tmp_path):
    """A game with one good brain in weights/, an empty user folder, a screen, a view and a page."""
    weights, user = tmp_path / "weights", tmp_path / "user_brains"
    weights.mkdir()
    brainfile.save_brain(LSTMBrain(8, seed=0), weights / "good.npz", {"grid_sizes": [[8, 8]], "teacher": "optimal"})
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((DESIGN_W, DESIGN_H))
    game = Game(weights, user, seed=0)
    page = web.Page(FakeWindow())
    yield game, View(screen), page, tmp_path
    pygame.quit()


def meta_of(brain, **fields) -> dict:
    return {**brainfile.brain_meta(brain), **fields}


def npz(arrays: dict, meta: dict | str) -> bytes:
    buffer = io.BytesIO()
    text = meta if isinstance(meta, str) else json.dumps(meta)
    np.savez(buffer, meta=np.array(text), **arrays)
    return buffer.getvalue()


def brain_file(brain=None, **fields) -> bytes:
    brain = LSTMBrain(4, seed=1) if brain is None else brain
    return npz({k: np.array(v) for k, v in brain.params.items()}, meta_of(brain, **fields))


def one_line(text: str) -> None:
    assert "\n" not in text and "\r" not in text and len(text) <= brainfile.MAX_MESSAGE_CHARS, text


def play_through(game: Game, view: View, page: web.Page) -> None:
    """Everything the game does with a brain: a few moves and frames, the page's status, export, save."""
    for move in range(3):
        game.player_move(move)
        game.update(1 / 60)
        view.draw(game.picture())
    page.show(page_status(game))
    filename, data = game.export_brain()
    assert isinstance(brainfile.load_brain_bytes(data, filename), LSTMBrain | PostBrain)
    game.save_brain()
    game.brain_to_keep()
    view.draw(game.picture())
    one_line(game.message)


# -- 1. meta fields trusted after loading --------------------------------------------------------------------


@pytest.mark.parametrize("field, value", [
    ("grid_sizes", 5), ("grid_sizes", [5]), ("grid_sizes", [None]), ("grid_sizes", None), ("grid_sizes", "ab"),
    ("grid_sizes", [[8]]), ("grid_sizes", {}), ("grid_sizes", [[3, 3]]), ("grid_sizes", [[True, 8]]),
    ("teacher", "a\x00b"), ("teacher", "\ud800"), ("teacher", 5), ("fine_tuned_from", "a\x00b"),
    ("fine_tuned_from", "\udcff"), ("fine_tuned_from", ["x"]), ("fine_tune_updates", "many"),
    ("agreement", {"a": 1}), ("command", "line\nbreak"), ("task", 5),
])
def test_a_bad_optional_meta_field_is_dropped_with_one_line_and_the_game_plays_on(world, field, value):
    game, view, page, tmp = world
    path = tmp / "odd.npz"
    path.write_bytes(brain_file(**{field: value}))
    assert game.load_brain_file(path)
    assert game.library.brain_name == "odd.npz" and game.library.brain_meta.get(field, object()) != value
    assert game.message_is_error and f"'{field}'" in game.message and "ignored meta" in game.message
    assert game.coach.teacher == brainfile.DEFAULT_TEACHER or field != "teacher"
    assert game.arena_size() == (6, 6) or field != "grid_sizes"  # the one default: the post's 6×6
    play_through(game, view, page)


def test_missing_teacher_and_grid_sizes_get_one_default_everywhere(world):
    game, view, page, tmp = world
    brain = LSTMBrain(4, seed=2)
    meta = meta_of(brain)
    del meta["teacher"], meta["grid_sizes"]
    path = tmp / "bare.npz"
    path.write_bytes(npz({k: np.array(v) for k, v in brain.params.items()}, meta))
    assert game.load_brain_file(path) and game.message == "brain: bare.npz"
    assert (game.coach.teacher, game.arena_size()) == ("post", (6, 6))
    _, data = game.export_brain()
    saved = brainfile.load_brain_bytes(data, "saved.npz").meta
    assert saved["teacher"] == "post" and saved["grid_sizes"] == [[6, 6]]


# -- 2. valid meta nested deep -----------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [17, 500, 990, 5000])
def test_deeply_nested_meta_is_refused_in_one_line_and_the_status_still_reaches_the_page(world, depth):
    game, view, page, tmp = world
    text = json.dumps(meta_of(LSTMBrain(4, seed=1)))[:-1] + ', "deep": ' + "[" * depth + "]" * depth + "}"
    arrays = {k: np.array(v) for k, v in LSTMBrain(4, seed=1).params.items()}
    assert not game.load_brain_bytes("deep.npz", npz(arrays, text))
    assert game.message == "deep.npz: has a 'meta' entry nested more than 16 levels deep"
    play_through(game, view, page)
    assert page._window.catmouse.shown[-1]["brain"] == "good.npz"


def test_nesting_within_the_limit_is_dropped_as_an_unknown_field(world):
    game, view, page, tmp = world
    text = json.dumps(meta_of(LSTMBrain(4, seed=1)))[:-1] + ', "deep": ' + "[" * 15 + "]" * 15 + "}"
    arrays = {k: np.array(v) for k, v in LSTMBrain(4, seed=1).params.items()}
    assert game.load_brain_bytes("deep.npz", npz(arrays, text))
    assert "'deep' (unknown field)" in game.message
    play_through(game, view, page)


# -- 3. weights that become inf or NaN in the brain's own arithmetic ---------------------------------------


def test_float64_weights_beyond_float32_are_refused_and_the_old_brain_stays(world):
    game, view, page, tmp = world
    brain = LSTMBrain(4, seed=1)
    arrays = {k: np.array(v, dtype=np.float64) for k, v in brain.params.items()}
    arrays["head.bias"][0] = 1e39  # finite in float64, inf in the float32 LSTM
    before = game.library.brain.theta.copy()
    assert not game.load_brain_bytes("wide.npz", npz(arrays, meta_of(brain)))
    assert "beyond the range of float32" in game.message and "'head.bias'" in game.message
    np.testing.assert_array_equal(game.library.brain.theta, before)
    play_through(game, view, page)


def test_finite_weights_that_overflow_on_the_first_step_are_refused(world):
    game, view, page, tmp = world
    brain = LSTMBrain(4, seed=1)
    arrays = {k: np.array(v) for k, v in brain.params.items()}
    arrays["head.weight"][:] = 3e38  # each finite in float32; their sum over 4 units is not
    assert not game.load_brain_bytes("hot.npz", npz(arrays, meta_of(brain)))
    assert "overflow" in game.message and game.library.brain_name == "good.npz"
    play_through(game, view, page)


# -- 4 and 5. file-system oddities and odd names -----------------------------------------------------------


def test_file_system_oddities_are_refused_one_line_each_and_b_cycles_past_them(world):
    game, view, page, tmp = world
    odd = tmp / "odd"
    odd.mkdir()
    os.mkfifo(odd / "fifo.npz")  # opening it for reading would wait for a writer forever
    (odd / "zero.npz").symlink_to("/dev/zero")  # reading it would never end
    (odd / "loop1.npz").symlink_to("loop2.npz")
    (odd / "loop2.npz").symlink_to("loop1.npz")
    (odd / "folder.npz").mkdir()
    good = brain_file()
    (odd / "new\nline.npz").write_bytes(good)
    (odd / "tab\tand\x1besc.npz").write_bytes(good)
    os.close(os.open(os.fsencode(odd) + b"/bad\xff\xfe.npz", os.O_WRONLY | os.O_CREAT))
    Path(os.fsdecode(os.fsencode(odd) + b"/bad\xff\xfe.npz")).write_bytes(good)
    cycling = Game(odd, None, seed=0)
    outcomes = {}
    for _ in range(len(os.listdir(odd)) + 1):
        loaded = cycling.cycle_brain(1)
        view.draw(cycling.picture())
        page.show(page_status(cycling))
        one_line(cycling.message)
        outcomes[cycling.message.split(":")[0]] = loaded
    assert "is a FIFO" in str(pytest.raises(brainfile.BrainFileError, brainfile.load_brain, odd / "fifo.npz").value)
    assert "is a device" in str(pytest.raises(brainfile.BrainFileError, brainfile.load_brain, odd / "zero.npz").value)
    loop = str(pytest.raises(brainfile.BrainFileError, brainfile.load_brain, odd / "loop1.npz").value)
    assert "cannot be read" in loop
    assert game.load_brain_file(odd / "new\nline.npz") and game.library.brain_name == "new\\x0aline.npz"
    play_through(game, view, page)
    saved = sorted(p.name for p in (tmp / "user_brains").iterdir())
    assert saved == ["new_x0aline-tuned-001.npz"]  # a plain file name, whatever the brain was called


def test_a_page_supplied_name_with_nul_or_surrogate_never_reaches_the_screen(world):
    game, view, page, tmp = world
    data = base64.b64encode(brain_file()).decode("ascii")
    for name in ("a\x00b.npz", "\ud800.npz", "new\nline.npz"):
        page._window.catmouse.mail = json.dumps([{"type": "upload", "name": name, "data": data}])
        assert page.poll() == []
        assert "not a plain file name" in page._window.catmouse.shown[-1]["error"]
    # The game itself takes any name (a test, a future caller) and still draws it.
    assert game.load_brain_bytes("a\x00b\ud800.npz", brain_file())
    assert game.library.brain_name == "a\\x00b\\ud800.npz"
    play_through(game, view, page)


# -- 7. saving: the user folder in the way ------------------------------------------------------------------


def test_a_user_folder_that_is_a_file_is_one_clear_line(world):
    game, view, page, tmp = world
    (tmp / "user_brains").write_bytes(b"not a folder")
    assert game.save_brain() is None
    assert game.message_is_error and "user_brains" in game.message and "no free name" not in game.message
    one_line(game.message)
    assert (tmp / "user_brains").read_bytes() == b"not a folder"


# -- 10. a brain too big to play in a frame ----------------------------------------------------------------


def test_a_brain_larger_than_the_game_can_play_is_refused_before_its_arrays_are_read(world):
    game, view, page, tmp = world
    hidden = brainfile.MAX_HIDDEN + 1
    meta = {**meta_of(LSTMBrain(4)), "hidden_size": hidden}
    assert not game.load_brain_bytes("big.npz", npz({}, meta))
    assert f"hidden size {hidden}" in game.message and f"1 to {brainfile.MAX_HIDDEN}" in game.message


# -- property: anything loaded plays; any page message is checked -----------------------------------------

hostile_text = st.one_of(st.text(max_size=12),
                         st.sampled_from(["a\x00b", "\ud800", "x\ny", "\u200b", "\u0301", "\U0010ffff"]))
hostile_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | hostile_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3), max_leaves=8)
FIELDS = sorted([*brainfile.OPTIONAL_META, *brainfile.REQUIRED_META, "note"])


@st.composite
def hostile_brains(draw) -> tuple[str, bytes]:
    arch = draw(st.sampled_from(["lstm", "post_rnn"]))
    hidden = draw(st.integers(1, 6))
    brain = LSTMBrain(hidden, seed=draw(st.integers(0, 9))) if arch == "lstm" else PostBrain(
        hidden, rng=np.random.default_rng(draw(st.integers(0, 9))))
    meta = meta_of(brain)
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=3)):
        meta[field] = draw(hostile_value)
    arrays = {k: np.array(v) for k, v in brain.params.items()}
    for key in draw(st.lists(st.sampled_from(sorted(arrays)), max_size=2)):
        dtype = draw(st.sampled_from([np.float16, np.float32, np.float64]))
        scale = draw(st.sampled_from([1.0, 1e4, 1e30, 3e38, 1e39, 1e300]))
        with np.errstate(over="ignore"):
            arrays[key] = (arrays[key].astype(np.float64) * scale).astype(dtype)
    name = draw(st.one_of(st.just("brain.npz"), hostile_text))
    return name, npz(arrays, json.dumps(meta))


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.function_scoped_fixture])


@PROPERTY
@given(case=hostile_brains())
def test_any_brain_the_loader_accepts_plays_draws_reports_exports_and_saves(world, case):
    game, view, page, tmp = world
    name, data = case
    try:
        brainfile.load_brain_bytes(data, name)
    except brainfile.BrainFileError as error:  # the one clear error, and nothing else, may escape the loader
        one_line(str(error))
    loaded = game.load_brain_bytes(name, data)  # the game shows the error instead
    one_line(game.message)
    if loaded:
        assert all(np.isfinite(v).all() for v in game.library.brain.params.values())
    play_through(game, view, page)
    assert np.isfinite(game.round.probabilities).all()
    json.dumps(page._window.catmouse.shown[-1])


GOOD_DATA = base64.b64encode(brain_file()).decode()
page_entries = st.one_of(
    hostile_value,
    st.fixed_dictionaries({"type": st.one_of(st.sampled_from(sorted(web.COMMAND_FIELDS)), hostile_value)},
                          optional={"on": hostile_value, "name": hostile_value, "value": hostile_value,
                                    "data": st.one_of(hostile_value, st.just(GOOD_DATA))}),
)


@PROPERTY
@given(entries=st.lists(page_entries, max_size=4), raw=st.one_of(st.none(), hostile_text,
                                                                  st.integers(1, 3000).map(lambda n: "[" * n)))
def test_any_page_message_is_checked_before_the_game_sees_it(world, entries, raw):
    game, view, page, tmp = world
    js = page._window.catmouse
    try:
        js.mail = json.dumps(entries) if raw is None else raw
    except ValueError:
        return
    shown_before = len(js.shown)
    for command in page.poll():
        run_command(game, command, page)
    game.update(1 / 60)
    view.draw(game.picture())
    page.show(page_status(game))
    for status in js.shown[shown_before:]:
        if status.get("error"):
            one_line(status["error"])
    one_line(game.message)


def test_the_sweep_file_kinds_the_issue_names_load_or_refuse_in_one_line(tmp_path):
    """Zip damage: a member's bytes flipped, a huge local name, a central directory that lies."""
    good = brain_file()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        members = {m.filename: archive.read(m) for m in archive.infolist()}
    for flip in range(0, len(members["meta.npy"]), 7):
        damaged = dict(members)
        blob = bytearray(damaged["meta.npy"])
        blob[flip] ^= 0xFF
        damaged["meta.npy"] = bytes(blob)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for key, value in damaged.items():
                archive.writestr(key, value)
        try:
            brainfile.load_brain_bytes(buffer.getvalue(), "z.npz")
        except brainfile.BrainFileError as error:
            one_line(str(error))
