"""Fog and flicker in the game: switching sight, the brain's five inputs and its teacher's moves in play checked
against the plain set-based replay of the rules in test_sight.py, refusing a brain for other inputs, the fog,
the beat and the belief picture in the drawn pixels, and live learning labelled by the cautious teacher."""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from game import main as game_main  # noqa: E402
from game.arena import MAX_SIDE, MIN_SIDE  # noqa: E402
from game.brains import brainfile  # noqa: E402
from game.brains.learner import PRACTICE_CATS  # noqa: E402
from game.brains.tasks import chase_task  # noqa: E402
from game.browser import protocol
from game.browser.protocol import page_status, run_command
from game.play.app import Game  # noqa: E402
from game.ui import controls, sight_view
from game.ui.sight_view import HEAT, TEXT  # noqa: E402
from game.ui.view import View  # noqa: E402
from game.world.cats import cat_moves  # noqa: E402
from game.world.sight import SIGHTS, sight_named  # noqa: E402
from tests.world.test_sight import ref_cautious, ref_start, ref_update  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "weights"
SIGHT_BRAINS = {name: WEIGHTS / file for name, file in brainfile.SIGHT_BRAINS.items()}
needs_brains = pytest.mark.skipif(not all(p.exists() for p in SIGHT_BRAINS.values()),
                                  reason="weights/ lacks a shipped sight brain (lstm32_optimal, _fog, _flicker)")


def scripted_turns(game: Game, turns: int, cat: str = "greedy") -> None:
    for _ in range(turns):
        if game.round.over:
            game.new_round()
        a = game.round.arena
        game.turn(int(cat_moves(cat, a.cat, a.mouse, a.width, a.height, game.cat_rng)[0]))


@needs_brains
def test_switching_sight_plays_each_presets_brain_and_the_brain_key_cycles_only_its_brains():
    game = Game(WEIGHTS, None, seed=1)
    assert game.sight == "classic" and game.library.brain_name == "lstm32_optimal.npz"
    classic_files = {f.name for f in game.library.brain_files()}
    seen = []
    for _ in range(len(SIGHTS)):
        controls.actions_for(game)[pygame.K_g]()
        seen.append((game.sight, game.library.brain_name, game.coach.teacher))
        files = game.library.brain_files()
        assert files and all(brainfile.file_kind(f) == ("mouse", game.sight) for f in files)
        assert page_status(game)["sight"] == game.sight
        assert page_status(game)["brains"] == [f.name for f in files]
    assert seen == [("fog", "lstm32_fog.npz", "cautious"), ("flicker", "lstm32_flicker.npz", "cautious"),
                    ("classic", "lstm32_optimal.npz", "optimal")]
    assert {f.name for f in game.library.brain_files()} == classic_files
    game.set_sight("fog")
    assert game.message.startswith("fog sight (the mouse sees the cat within 2 cells) · brain: lstm32_fog.npz")
    game.cycle_brain()
    assert game.library.brain_name == "lstm32_fog.npz"  # the one fog brain: B stays with it
    assert Game(WEIGHTS, None, seed=1, sight="flicker").library.brain_name == "lstm32_flicker.npz"
    assert not game.set_sight("smoke") and "unknown sight 'smoke'" in game.message and game.sight == "fog"


@needs_brains
def test_the_cautious_teacher_stays_under_fog_and_the_chosen_one_comes_back_under_classic():
    game = Game(WEIGHTS, None, seed=1, teacher="post")
    assert game.coach.teacher == "post"
    game.set_sight("fog")
    game.cycle_teacher()
    assert game.coach.teacher == "cautious" and "cautious" in game.message
    game.set_teacher("optimal")
    assert game.coach.teacher == "cautious" and game.message_is_error
    game.set_sight("classic")
    assert game.coach.teacher == "post"


@needs_brains
@pytest.mark.parametrize("name", ["fog", "flicker"])
def test_the_brains_inputs_and_teacher_in_play_are_the_rules(name):
    """Every mouse move of a few rounds in the game, against the set-based replay of the issue's rules: the five
    inputs from what the mouse saw, and the cautious teacher's move from B."""
    sight = sight_named(name)
    game = Game(WEIGHTS, None, seed=5, sight=name)
    record = []
    sees = game.round.mouse_sees

    def watched(teacher):
        a = game.round.arena
        x, label = sees(teacher)
        record.append((game.round.number, int(a.moves[0]), tuple(a.cat[0].tolist()), tuple(a.mouse[0].tolist()),
                       x.copy(), label, game.round.sight.sees))
        return x, label

    game.round.mouse_sees = watched
    scripted_turns(game, 120, "noisy")
    W, H = game.arena_size()
    belief, rounds, looks = None, set(), [0, 0]
    for number, t, cat, mouse, x, label, sees in record:
        if number not in rounds:
            rounds.add(number)
            assert t == 0
            belief = ref_start(mouse, W, H)
        saw = t % sight.beat == 0 and (sight.reach is None or max(abs(cat[0] - mouse[0]),
                                                                   abs(cat[1] - mouse[1])) <= sight.reach)
        looks[saw] += 1
        belief = ref_update(belief, sight, t, cat, mouse, W, H)
        want = np.array([saw, cat[0] / (W - 1) * saw, cat[1] / (H - 1) * saw, mouse[0] / (W - 1),
                         mouse[1] / (H - 1)], dtype=np.float32)
        np.testing.assert_allclose(x, want, rtol=1e-6, atol=1e-7)  # the coordinates are scaled in float32
        assert x[0] == saw and (saw or not x[1:3].any())
        assert sees == saw
        assert label == ref_cautious(belief, mouse, W, H)[0]
    assert len(rounds) >= 3 and min(looks) >= 5, f"the rounds should see the cat and miss it: {looks}"


@needs_brains
def test_a_brain_for_other_inputs_is_refused_in_one_line_and_the_game_goes_on(tmp_path):
    game = Game(WEIGHTS, None, seed=2, sight="fog")
    for path in (SIGHT_BRAINS["classic"], SIGHT_BRAINS["flicker"]):
        assert not game.load_brain_file(path)
        trained = "classic" if path == SIGHT_BRAINS["classic"] else "flicker"
        assert game.message_is_error and "\n" not in game.message
        assert game.message.startswith(f"{path}: was trained for {trained} sight")
        assert game.message.endswith("under fog sight the mouse needs a brain trained for fog")
        assert game.library.brain_name == "lstm32_fog.npz"
    assert not game.load_brain_bytes("mine.npz", SIGHT_BRAINS["classic"].read_bytes())
    assert game.message.startswith("mine.npz: was trained for classic sight")
    scripted_turns(game, 5)
    assert game.library.brain_name == "lstm32_fog.npz" and game.round.cat_moves_made >= 1
    with pytest.raises(brainfile.BrainFileError, match="trained for classic sight"):
        Game(WEIGHTS, None, brain_path=SIGHT_BRAINS["classic"], sight="fog")
    # a folder without a fog brain: the switch is refused and the game stays as it was
    only = tmp_path / "weights"
    only.mkdir()
    shutil.copy(SIGHT_BRAINS["classic"], only)
    game = Game(only, None, seed=2)
    assert not game.set_sight("fog")
    assert game.sight == "classic" and game.library.brain_name == "lstm32_optimal.npz" and game.message_is_error
    assert "no brain for fog sight" in game.message


def test_the_command_line_takes_a_sight_and_refuses_a_teacher_under_it(capsys):
    assert game_main.parse_args(["--sight", "flicker"]).sight == "flicker"
    assert game_main.parse_args([]).sight == "classic"
    with pytest.raises(SystemExit):
        game_main.parse_args(["--sight", "fog", "--teacher", "optimal"])
    assert "under --sight fog the teacher is the cautious one" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        game_main.parse_args(["--sight", "smog"])


# -- the pictures --------------------------------------------------------------------------------------------


def pixel(view: View, game: Game, cell: tuple[int, int], fx: float = 0.5, fy: float = 0.5) -> tuple[int, int, int]:
    """The screen's colour at a point of a cell (fx, fy across it from its top-left)."""
    left, top, size = view.grid(game.arena_size())
    row = game.arena_size()[1] - 1 - cell[1]
    return tuple(view.screen.get_at(view.pt(left + (cell[0] + fx) * size, top + (row + fy) * size)))[:3]


def drawn(view: View, game: Game) -> None:
    game.now += 1.0  # the glide is over
    game.message_time = -1e9
    view.draw(game.picture())


def free_cells(game: Game) -> list[tuple[int, int]]:
    W, H = game.arena_size()
    busy = {game.round.cat_cell(), game.round.mouse_cell()}
    return [(x, y) for y in range(H) for x in range(W) if (x, y) not in busy]


@needs_brains
def test_fog_shades_what_the_mouse_cannot_see_and_leaves_its_square_clear(view):
    game = Game(WEIGHTS, None, seed=3, sight="fog")
    game.overlays = False
    scripted_turns(game, 2)
    drawn(view, game)
    x0, y0, x1, y1 = game.picture().sight.square
    mx, my = game.round.mouse_cell()
    assert (x0, y0, x1, y1) == (max(0, mx - 2), max(0, my - 2), min(7, mx + 2), min(7, my + 2))
    inside = [c for c in free_cells(game) if x0 <= c[0] <= x1 and y0 <= c[1] <= y1]
    outside = [c for c in free_cells(game) if not (x0 <= c[0] <= x1 and y0 <= c[1] <= y1)]
    assert inside and outside
    light = {sum(c) % 2: sum(pixel(view, game, c)) for c in inside}
    for c in outside:  # the same checker colour, shaded but still there
        shade = sum(pixel(view, game, c))
        assert 0.45 * light[sum(c) % 2] < shade < 0.8 * light[sum(c) % 2]
    game.set_sight("classic")
    drawn(view, game)
    assert game.picture().sight.square is None


@needs_brains
def test_flicker_shades_the_board_between_looks_and_the_picture_counts_the_beat(view):
    game = Game(WEIGHTS, None, seed=4, sight="flicker")
    game.overlays = False
    beats = []
    for _ in range(7):
        pic = game.picture().sight
        beats.append((pic.next_look, pic.sees))
        drawn(view, game)
        corner = next(c for c in free_cells(game) if c in ((0, 0), (7, 0), (0, 7), (7, 7)))
        beats[-1] += (sum(pixel(view, game, corner, 0.2, 0.2)),)
        scripted_turns(game, 1, "random")
        if game.round.over:
            break
    assert [(n, s) for n, s, _ in beats[:7]] == [(0, None), (2, True), (1, False), (0, False), (2, True),
                                                 (1, False), (0, False)]
    looking = [v for n, _, v in beats if n == 0]
    blind = [v for n, _, v in beats if n > 0]
    assert max(blind) < min(looking), "the board should be shaded while the mouse's next move is blind"


@needs_brains
def test_the_belief_picture_draws_the_probes_heat_and_bs_outline(view):
    game = Game(WEIGHTS, None, seed=6, sight="flicker")
    game.overlays = False
    scripted_turns(game, 2, "random")  # moves 0 (a look) and 1: B is the ring round where the cat was seen
    assert not game.round.over and game.round.sight.sees is False
    drawn(view, game)
    off = {c: pixel(view, game, c, 0.5, 0.3) for c in free_cells(game)}
    controls.actions_for(game)[pygame.K_k]()
    assert game.show_belief and game.message == "belief picture: on"
    pic = game.picture().sight
    W, H = game.arena_size()
    b = pic.belief.reshape(H, W)
    assert b.sum() >= 3
    h = np.asarray(game.library.brain.h, dtype=np.float64)
    chances = 1 / (1 + np.exp(-(game.library.brain.probe["probe.weight"] @ h + game.library.brain.probe["probe.bias"])))
    np.testing.assert_allclose(pic.believed, chances, atol=1e-5)
    drawn(view, game)
    on = {c: pixel(view, game, c, 0.5, 0.3) for c in free_cells(game)}
    sure = [c for c in off if chances[c[1] * W + c[0]] > 0.6]
    unlikely = [c for c in off if chances[c[1] * W + c[0]] < 0.02]
    assert sure and unlikely
    for c in sure:  # tinted towards the heat's colour: more red and blue than green, where it was grey
        r, g, bl = on[c]
        assert r - g > 25 and bl - g > 10 and on[c] != off[c]
    for c in unlikely:
        assert on[c] == off[c]
    # B's outline: the edge between a cell of B and a free cell outside it is drawn in the outline's colour
    edges = [((x, y), (x + 1, y)) for y in range(H) for x in range(W - 1) if b[y, x] != b[y, x + 1]]
    assert edges
    free = set(free_cells(game))
    for a, c in edges:
        if a in free and c in free:
            assert pixel(view, game, a, 1.0, 0.5) == TEXT
    assert HEAT != TEXT
    game.toggle_belief()
    assert game.picture().sight.belief is None and not game.picture().sight.show_belief



@needs_brains
@pytest.mark.parametrize("size", [(9, 9), (4, 4), (4, 16)])  # more cells, fewer, and as many (64) on another grid
def test_a_probe_for_another_arena_draws_no_heat_says_so_and_saves_a_file_that_loads(view, tmp_path, size):
    game = Game(WEIGHTS, tmp_path, size=size, seed=6, sight="fog")
    scripted_turns(game, 2, "random")
    drawn(view, game)
    off = {c: pixel(view, game, c, 0.5, 0.3) for c in free_cells(game)}
    game.toggle_belief()
    assert game.message == f"belief probe trained on 8×8: only B's outline is drawn on {size[0]}×{size[1]}"
    pic = game.picture().sight
    assert pic.believed is None and pic.probe_elsewhere == (8, 8) and pic.belief.shape == (size[0] * size[1],)
    assert sight_view.caption(game.picture())[1].startswith("probe trained on 8×8")
    drawn(view, game)
    b = pic.belief.reshape(size[1], size[0])
    for c in free_cells(game):  # no heat anywhere: a cell of B is outlined, not filled
        assert pixel(view, game, c, 0.5, 0.3) == off[c]
    assert b.any()
    game.library.tuned_updates = 3
    saved = game.save_brain()
    brain = brainfile.load_brain(saved, sight="fog")  # its first grid is the arena; the 8×8 probe stays out
    assert brain.probe is None and brain.meta["grid_sizes"][0] == list(size)
    assert game.picture().sight.probe_elsewhere == (8, 8)  # the brain in play keeps its probe
    if size[0] * size[1] != 64:
        with pytest.raises(brainfile.BrainFileError, match="probe.weight"):
            brainfile.brain_bytes(game.library.brain, {"grid_sizes": [list(size)]})  # never a file the loader refuses


def arena_pixels(view: View, game: Game) -> bytes:
    left, top, cell = view.grid(game.arena_size())
    box = view.rect(left, top, cell * game.arena_size()[0], cell * game.arena_size()[1])
    return pygame.image.tobytes(view.screen.subsurface(box), "RGB")


@needs_brains
@pytest.mark.parametrize("height", range(MIN_SIDE, MAX_SIDE + 1))
@pytest.mark.parametrize("width", range(MIN_SIDE, MAX_SIDE + 1))
def test_every_size_under_every_sight_plays_a_round_draws_every_overlay_and_saves(view, tmp_path, width, height):
    game = Game(WEIGHTS, tmp_path, size=(width, height), seed=width * 31 + height)
    for sight in SIGHTS:
        if sight != game.sight:  # G, with learning not yet saved: it is kept as a file first
            game.library.brain.params["head.bias"][...] += 0.01
            game.library.brain.changed()
            game.library.tuned_updates += 1
            before = set(tmp_path.iterdir())
            controls.actions_for(game)[pygame.K_g]()
            assert game.sight == sight and not game.message_is_error, game.message
            kept = set(tmp_path.iterdir()) - before
            assert len(kept) == 1 and "learning updates kept in" in game.message
            assert brainfile.load_brain(kept.pop(), sight=None).meta["grid_sizes"][0] == [width, height]
        assert game.arena_size() == (width, height) and game.library.brain_name == brainfile.SIGHT_BRAINS[sight]
        game.overlays, game.show_choices, game.show_belief = True, True, sight != "classic"
        scripted_turns(game, 1, "noisy")
        drawn(view, game)  # mid-round: trails, arrows, the brain's picture, both choices, the belief
        pic = game.picture().sight
        if sight != "classic":
            assert pic.belief.shape == (width * height,) and pic.belief.any()
            fits = (width, height) == (8, 8)  # the shipped probes read 8×8
            assert (pic.believed is not None) == fits and pic.probe_elsewhere == (None if fits else (8, 8))
            on = arena_pixels(view, game)
            game.show_belief = False
            drawn(view, game)
            assert arena_pixels(view, game) != on  # the belief picture is drawn on the board
            game.show_belief = True
        turns = 0
        while not game.round.over:
            scripted_turns(game, 1, "noisy")
            turns += 1
            assert turns <= game.round.arena.move_limit
        drawn(view, game)  # the round's result
        game.help = True
        drawn(view, game)
        game.help, game.paused = False, True
        drawn(view, game)
        game.paused = False
        if (WEIGHTS / "cat_lstm32.npz").exists():  # brain against brain: the cat brain's eight choices drawn
            assert game.set_watch("cat_lstm32")
            game.new_round()
            game.turn(game._watch_move())
            drawn(view, game)
            assert game.picture().cat_probabilities.shape == (8,)
            game.set_watch(None)
        game.overlays = False
        drawn(view, game)
        game.library.brain.params["head.bias"][...] += 0.01
        game.library.tuned_updates += 1
        saved = game.save_brain()
        assert saved is not None and saved.parent == tmp_path, game.message
        again = brainfile.load_brain(saved, sight=sight)
        assert again.meta["grid_sizes"][0] == [width, height]
        assert (again.probe is not None) == (sight != "classic" and (width, height) == (8, 8))

# -- learning under a preset -----------------------------------------------------------------------------------


@needs_brains
def test_live_learning_under_fog_takes_the_cautious_teachers_labels_and_checks_fog_rounds():
    game = Game(WEIGHTS, None, seed=7, sight="fog")
    game.set_learning(True)
    learner = game.coach.learner
    assert (learner.sight, learner.teacher) == ("fog", "cautious")
    assert learner.check.task == chase_task(8, 8, PRACTICE_CATS, 40, "cautious", "fog")
    record = []
    sees = game.round.mouse_sees

    def watched(teacher):
        a = game.round.arena
        x, label = sees(teacher)
        record.append((int(a.moves[0]), tuple(a.cat[0].tolist()), tuple(a.mouse[0].tolist()), label))
        return x, label

    game.round.mouse_sees = watched
    number = game.round.number
    while game.round.number == number:
        scripted_turns(game, 1, "noisy")
        if game.round.over:
            break
    game.coach.close_round()
    xs, labels, targets = learner.buffer[-1]
    assert xs.shape[1] == 5 and len(labels) == len(record)
    belief, want = ref_start(record[0][2], 8, 8), []
    for t, cat, mouse, _ in record:
        belief = ref_update(belief, sight_named("fog"), t, cat, mouse, 8, 8)
        want.append(ref_cautious(belief, mouse, 8, 8)[0])
    assert labels.tolist() == want
    # an update on fog rounds, and the practice rounds it plays are fog rounds labelled the same way
    learner.start_practice()
    while not learner.practice_play.advance():
        pass
    assert learner.practice_play.task.sight == "fog" and learner.practice_play.task.teacher == "cautious"
    rounds = learner.practice_play.rounds
    assert rounds.x.shape[2] == 5
    learner.finish(learner.practice_play)
    learner.update()
    assert learner.updates == 1 and np.isfinite(game.library.brain.theta).all()
    game.coach.learner.settle()
    assert game.coach.heldout_now() > 0.95  # the fog brain, judged by the teacher it was trained on


@needs_brains
def test_a_copy_carries_the_probe_so_a_reset_brain_still_believes():
    brain = brainfile.load_brain(SIGHT_BRAINS["fog"], sight="fog")
    other = brain.copy()
    assert other.probe is not None and other.probe.keys() == brain.probe.keys()
    for key, value in brain.probe.items():
        np.testing.assert_array_equal(other.probe[key], value)
        assert other.probe[key] is not value
    game = Game(WEIGHTS, None, seed=1, sight="fog")
    game.reset_brain()
    assert game.library.brain.probe is not None
    assert brainfile.load_brain(SIGHT_BRAINS["classic"]).copy().probe is None


def test_the_page_protocol_offers_each_sight_and_runs_it():
    table = protocol.page_table()
    assert [s["name"] for s in table["sights"]] == list(SIGHTS)
    assert all(s["label"] and s["title"] for s in table["sights"])
    assert table["commands"]["sight"]["fields"]["name"] == {"type": "choice", "choices": list(SIGHTS)}
    assert table["commands"]["sight"]["shows"] == "sight" and "sight" in protocol.STATUS_FIELDS
    template = (ROOT / "web" / "index.tmpl").read_text(encoding="utf-8")
    assert 'data-command="sight" data-choices="sights"' in template


@needs_brains
def test_the_brain_the_page_kept_comes_back_under_its_own_sight():
    """A fog brain tuned in the browser is restored at the next start (the game starts under classic)."""
    from game.browser import web

    game = Game(WEIGHTS, None, seed=8, sight="fog", browser=True)
    game.set_learning(True)
    scripted_turns(game, 30)
    name, data = game.export_brain()
    fresh = Game(WEIGHTS, None, seed=8, browser=True)
    run_command(fresh, web.parse_command({"type": "restore", "name": name, "data": base64.b64encode(data).decode()}))
    assert (fresh.sight, fresh.library.brain_name, fresh.coach.teacher) == ("fog", name, "cautious")
    assert fresh.round.sight.name == "fog" and page_status(fresh)["brains"] == ["lstm32_fog.npz"]
    np.testing.assert_array_equal(fresh.library.brain.theta, game.library.brain.theta)
    scripted_turns(fresh, 3)
    assert fresh.picture().sight.square is not None
    # a broken kept file: one line, and the game stays as it was
    run_command(fresh, web.parse_command({"type": "restore", "name": "kept.npz", "data": "UEsDBA=="}))
    assert fresh.message_is_error and fresh.sight == "fog" and fresh.library.brain_name == name


@needs_brains
def test_the_sight_in_play_lives_in_one_place() -> None:
    """The round holds the sight in play; the brain list and the loader read it from there, so a switch and its
    roll-back cannot leave the two apart."""
    game = Game(WEIGHTS, None, seed=3)
    assert game.library.sight == game.round.sight.name == game.sight == "classic"
    assert game.set_sight("flicker")
    assert game.library.sight == game.round.sight.name == "flicker"
    assert {f.name for f in game.library.brain_files()} == {"lstm32_flicker.npz"}
    assert not game.set_sight("smoke")
    assert game.library.sight == game.round.sight.name == "flicker"
