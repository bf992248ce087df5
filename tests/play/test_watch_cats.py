"""Brain against brain: watch mode's cat is a scripted cat or a cat brain, the shipped
cat brain plays in the game exactly as in its rollout (tasks.play_cat, which the trainer and the tournament
run), and the keys, flags, page command, panel and choices overlay that go with it."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from game import main as game_main  # noqa: E402
from game.arena import CAT_MOVE_NAMES, CAT_MOVES  # noqa: E402
from game.brain_np import LSTMBrain  # noqa: E402
from game.brains import brainfile  # noqa: E402
from game.brains.tasks import CatTask, play_cat  # noqa: E402
from game.browser.protocol import page_status, run_command
from game.play import watchcat
from game.play.app import Game  # noqa: E402
from game.ui import controls
from game.world.cats import CAT_NAMES  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "weights"
SHIPPED_CAT = WEIGHTS / "cat_lstm32.npz"
SHIPPED_MOUSE = WEIGHTS / "lstm32_optimal.npz"
needs_shipped = pytest.mark.skipif(not (SHIPPED_CAT.exists() and SHIPPED_MOUSE.exists()),
                                   reason="weights/cat_lstm32.npz and lstm32_optimal.npz are not in this checkout")


def cat_brain(hidden: int = 8, seed: int = 0) -> LSTMBrain:
    return LSTMBrain(hidden, seed=seed, actions=CAT_MOVE_NAMES, role="cat")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A weights folder with a mouse brain and two cat brains (untrained, so their rounds run long)."""
    weights = tmp_path / "weights"
    weights.mkdir()
    brainfile.save_brain(LSTMBrain(16, seed=0), weights / "mouse16.npz", {"grid_sizes": [[8, 8]], "teacher": "optimal"})
    brainfile.save_brain(cat_brain(8, 0), weights / "cat_a.npz", {"grid_sizes": [[8, 8]]})
    brainfile.save_brain(cat_brain(8, 1), weights / "cat_b.npz", {"grid_sizes": [[8, 8]]})
    return weights


def key(k: int, mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)


def play_round(game: Game) -> list[int]:
    """One whole round in watch mode, turn by turn; the cat's moves."""
    moves = []
    while not game.round.over:
        move = game._watch_move()
        moves.append(move)
        game.turn(move)
    return moves


@needs_shipped
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_shipped_cat_brain_plays_in_the_game_as_in_its_rollout(seed):
    """Rounds of cat_lstm32 against lstm32_optimal in the game, and the same starts in play_cat: the same cat
    moves, the same mouse answers, the same end. The game's mouse steps by Brain.step, the rollout's by the
    batched trace: both sides agree too."""
    game = Game(WEIGHTS, None, seed=seed, watch="cat_lstm32")
    mouse = brainfile.load_brain(SHIPPED_MOUSE)
    task = CatTask(8, 8, ("lstm32_optimal",), brains={"lstm32_optimal": mouse})
    for _ in range(4):
        cat0, mouse0 = game.round.arena.cat.copy(), game.round.arena.mouse.copy()
        moves = play_round(game)
        rounds = play_cat(task, 1, np.random.default_rng(0), game.cat_player.brain, cat_start=cat0,
                          mouse_start=mouse0)
        made = int(rounds.mask[:, 0].sum())
        assert rounds.moves[:made, 0].tolist() == moves
        assert bool(rounds.caught[0]) == bool(game.round.arena.caught[0])
        assert int(rounds.cat_moves[0]) == game.round.cat_moves_made
        game.new_round()


def test_a_cat_brain_forgets_between_rounds(folder):
    """R replays the start: a cat brain whose memory is reset each round makes the same moves again, and its
    probabilities are those of a fresh run of the brain over the same positions."""
    game = Game(folder, None, seed=5, watch="cat_a")
    first = play_round(game)
    assert len(first) == 40, "an untrained cat should play the whole round (40 moves)"
    game.retry_round()
    assert play_round(game) == first
    game.retry_round()
    brain = game.cat_player.brain
    fresh = brain.start(1, 40)
    for _ in range(6):
        logits = fresh.step(game.round.arena.observe())
        game.turn(game._watch_move())
        probabilities = np.exp(logits[0] - logits[0].max())
        np.testing.assert_allclose(game.cat_player.probabilities, probabilities / probabilities.sum(), rtol=1e-6)


def test_a_scripted_cat_plays_as_the_scripted_cats_do(folder):
    from game.world.cats import cat_moves

    game = Game(folder, None, seed=3, watch="noisy")
    twin = np.random.default_rng(3 + 1)  # the game's cat stream: seed + 1
    for _ in range(30):
        if game.round.over:
            break
        expected = int(cat_moves("noisy", game.round.arena.cat, game.round.arena.mouse, 8, 8, twin)[0])
        move = game._watch_move()
        assert move == expected and game.cat_player.probabilities is None
        game.turn(move)
    assert game.picture().cat_label == "scripted: noisy" and game.picture().cat_detail is None


def test_x_cycles_the_training_cats_then_the_cat_brains_and_shift_x_goes_back(folder):
    game = Game(folder, None, seed=2, watch="clumsy")
    view = None
    seen = []
    for _ in range(len(CAT_NAMES) + 3):
        controls.handle_event(game, view, key(pygame.K_x))
        seen.append(game.watch_cat)
    assert seen == [*CAT_NAMES, "cat_a.npz", "cat_b.npz", CAT_NAMES[0]]
    back = []
    for _ in range(3):
        controls.handle_event(game, view, key(pygame.K_x, pygame.KMOD_LSHIFT))
        back.append(game.watch_cat)
    assert back == ["cat_b.npz", "cat_a.npz", CAT_NAMES[-1]]
    assert "mouse16.npz" not in game.cats.names()


def test_a_cat_file_that_breaks_is_one_line_the_cat_stays_and_x_moves_past_it(folder):
    game = Game(folder, None, seed=2, watch="random")
    (folder / "cat_a.npz").write_bytes((folder / "cat_a.npz").read_bytes()[:-40])  # listed, then broken
    game.cats.brain_files = lambda: [folder / "cat_a.npz", folder / "cat_b.npz"]  # as listed before it broke
    game.cycle_watch_cat()
    assert game.message_is_error and game.message.startswith(str(folder / "cat_a.npz") + ": ")
    assert "\n" not in game.message and game.watch_cat == "random"
    for _ in range(5):
        game.update(0.4)  # the game goes on with the cat it had
    assert game.round.cat_moves_made > 0 or game.stats.rounds_finished > 0
    game.cycle_watch_cat()
    assert game.watch_cat == "cat_b.npz" and not game.message_is_error


def test_the_flags_name_a_cat_brain_and_a_bad_one_is_one_line(folder, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(game_main, "WEIGHTS_DIR", str(folder))
    for name in ("cat_b", "cat_b.npz"):
        game = game_main.make_game(game_main.parse_args(["--watch", name]), browser=False)
        assert game.watch_cat == "cat_b.npz" and game.cat_player.brain is not None
    mine = tmp_path / "my cat.npz"
    brainfile.save_brain(cat_brain(4, 9), mine, {"grid_sizes": [[8, 8]]})
    game = game_main.make_game(game_main.parse_args(["--cat-brain", str(mine)]), browser=False)
    assert game.watch_cat == "my cat.npz" and "my cat.npz" in page_status(game)["cats"]
    assert game.picture().cat_label == "my cat.npz" and "LSTM · 4 units" in game.picture().cat_detail
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"PK\x03\x04 not a brain")
    for argv, problem in (
        (["--cat-brain", str(broken)], f"{broken}: "),
        (["--cat-brain", str(folder / "mouse16.npz")], "is a mouse's brain (meta role 'mouse'); a cat's brain is "
                                                       "needed here"),
        (["--watch", "nobody"], "unknown cat 'nobody': choose one of perfect, greedy, noisy, random, clumsy, "
                                "cat_a.npz, cat_b.npz"),
    ):
        assert game_main.asyncio.run(game_main.main(argv, frames=1)) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("main.py: error: ") and problem in err, err
    with pytest.raises(SystemExit):
        game_main.parse_args(["--watch", "greedy", "--cat-brain", str(mine)])
    assert "give one" in capsys.readouterr().err


def test_a_cat_upload_that_is_bad_is_one_line_and_the_game_goes_on(folder):
    game = Game(folder, None, seed=4, watch="cat_a")
    assert not game.load_cat_brain_bytes("nope.npz", b"PK\x03\x04 broken")
    assert game.message_is_error and game.message.startswith("nope.npz: ") and game.watch_cat == "cat_a.npz"
    mouse = (folder / "mouse16.npz").read_bytes()
    assert not game.load_cat_brain_bytes("mouse.npz", mouse)
    assert "a cat's brain is needed here" in game.message and game.watch_cat == "cat_a.npz"
    assert game.load_cat_brain_bytes("mine.npz", (folder / "cat_b.npz").read_bytes())
    assert game.watch_cat == "mine.npz"
    assert not game.set_watch("nobody") and game.watch_cat == "mine.npz" and game.message_is_error


def test_the_page_command_picks_any_cat_and_refuses_others_in_one_line(folder):
    from game.browser import web
    from game.browser.protocol import CommandError

    game = Game(folder, None, seed=4)
    assert page_status(game)["cat"] == "you"
    cats = ["you", "perfect", "greedy", "noisy", "random", "clumsy", "cat_a.npz", "cat_b.npz"]
    assert page_status(game)["cats"] == cats
    for name in page_status(game)["cats"]:
        run_command(game, web.parse_command({"type": "cat", "name": name}))
        assert page_status(game)["cat"] == name and game.watching == (name != "you")
    run_command(game, web.parse_command({"type": "cat", "name": "cat_z.npz"}))  # well-formed, not there
    assert game.message_is_error and "unknown cat 'cat_z.npz'" in game.message
    assert page_status(game)["cat"] == "cat_b.npz"  # the cat in play stays
    for bad in ("../cat_a.npz", "cat_a", 3, ""):
        with pytest.raises(CommandError):
            web.parse_command({"type": "cat", "name": bad})


def draw(game: Game) -> pygame.Surface:
    from game.ui.view import DESIGN_H, DESIGN_W, View

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((DESIGN_W, DESIGN_H))
    View(screen).draw(game.picture())
    return screen


def colour_count(screen: pygame.Surface, box: tuple[int, int, int, int], colour: tuple[int, int, int]) -> int:
    pixels = pygame.surfarray.pixels3d(screen)
    x, y, w, h = box
    area = pixels[x:x + w, y:y + h].reshape(-1, 3)
    return int(np.all(np.abs(area.astype(int) - colour) <= 2, axis=1).sum())


def cell_box(game: Game, cell: tuple[int, int]) -> tuple[int, int, int, int]:
    from game.ui.view import View

    view = View(pygame.display.get_surface())
    left, top, size = view.grid(game.arena_size())
    x, y = view.pt(left + cell[0] * size, top + (game.arena_size()[1] - 1 - cell[1]) * size)
    return x, y, round(size), round(size)


def test_the_panel_says_whose_brain_is_whose(folder):
    from game.ui.view import ORANGE

    game = Game(folder, None, seed=6)
    line = (612, 88, 220, 22)  # the left of the cat's line, under the mouse's brain card (the round line's, else)
    player = draw(game)
    assert colour_count(player, line, ORANGE) < 20, "no cat line when the player is the cat"
    game.set_watch("cat_b")
    game.message_time = -1e9
    watched = draw(game)
    assert colour_count(watched, line, ORANGE) > 150
    pic = game.picture()
    assert pic.cat_label == "cat_b.npz" and pic.cat_detail.startswith("LSTM · 8 units · imitates the perfect cat")
    assert pic.brain_name == "mouse16.npz"


def test_the_choices_overlay_draws_both_brains_rays_in_the_cells_they_decided_in(folder):
    from game.ui.choices_view import DIAL
    from game.ui.view import CELL, INK, ORANGE, SKY, mix

    game = Game(folder, None, seed=11, watch="cat_a")
    for _ in range(3):
        game.turn(game._watch_move())
    assert not game.round.over
    game.now += 1.0
    game.message_time = -1e9
    dial = mix(CELL, INK, 0.45)
    cat_cell, mouse_cell = game.round.cat_from, game.round.decision_cell
    assert cat_cell != mouse_cell
    off = draw(game)
    counts_off = {name: colour_count(off, cell_box(game, cell), dial) for name, cell in
                  (("cat", cat_cell), ("mouse", mouse_cell))}
    game.toggle_choices()
    on = draw(game)
    cat_box, mouse_box = cell_box(game, cat_cell), cell_box(game, mouse_cell)
    disc = np.pi * (DIAL * cat_box[2]) ** 2
    assert counts_off == {"cat": 0, "mouse": 0}
    assert colour_count(on, cat_box, dial) > 0.3 * disc and colour_count(on, mouse_box, dial) > 0.3 * disc
    assert colour_count(on, cat_box, ORANGE) > 30 and colour_count(on, mouse_box, SKY) > 30
    # the cat's brightest ray points the way it moved
    made = np.subtract(game.round.cat_cell(), cat_cell)  # where its move took it (clipped at a wall)
    assert made.any() and tuple(made) in {tuple(m) for m in CAT_MOVES}
    cx, cy = cat_box[0] + cat_box[2] // 2, cat_box[1] + cat_box[3] // 2
    along = 0.13 * cat_box[2] / np.hypot(*made)  # past the hub, within the shortest ray
    tip = (cx + round(made[0] * along), cy - round(made[1] * along))
    assert tuple(on.get_at(tip))[:3] == ORANGE
    # a scripted cat has no probabilities: only the mouse's rose
    game.set_watch("greedy")
    game.turn(game._watch_move())
    game.now += 1.0
    game.message_time = -1e9
    assert game.picture().cat_probabilities is None
    if not game.round.over and game.round.cat_from != game.round.decision_cell:
        assert colour_count(draw(game), cell_box(game, game.round.cat_from), dial) == 0


def test_the_roster_resolves_names_with_or_without_npz(folder):
    roster = watchcat.CatRoster(folder)
    assert roster.resolve("cat_a") == "cat_a.npz" and roster.resolve("cat_a.npz") == "cat_a.npz"
    assert roster.resolve("greedy") == "greedy" and roster.resolve("mouse16") is None
    with pytest.raises(ValueError, match="unknown cat 'mouse16'"):
        roster.cat("mouse16")
    with pytest.raises(ValueError, match="not a cat's"):
        watchcat.BrainCat(LSTMBrain(4, seed=0), "mouse")


@needs_shipped
@pytest.mark.parametrize("sight", ["fog", "flicker"])
def test_brain_against_brain_plays_under_fog_and_flicker(sight):
    """The preset's mouse brain (five inputs: what it sees) against the cat brain (which sees everything): every
    round is caught within par, as a value-optimal cat catches any mouse, and the mouse's inputs are its sight's."""
    game = Game(WEIGHTS, None, seed=4, watch="cat_lstm32", sight=sight)
    assert game.library.brain_name == brainfile.SIGHT_BRAINS[sight] and game.library.brain.input_size == 5
    for _ in range(6):
        par = game.round.par
        play_round(game)
        assert bool(game.round.arena.caught[0]) and game.round.cat_moves_made <= par
        game.new_round()


def test_a_cat_upload_named_like_another_cat_never_shadows_it(folder):
    game = Game(folder, None, seed=4)
    data = (folder / "cat_b.npz").read_bytes()
    for name in ("perfect", "cat_a.npz", "cat_a", "cat_a (brought).npz"):
        assert game.load_cat_brain_bytes(name, data)
        cats = page_status(game)["cats"]
        assert len(cats) == len(set(cats)) and game.watch_cat not in ("perfect", "cat_a.npz", "cat_a")
        assert game.watch_cat.startswith(name.removesuffix(".npz")) and "(brought" in game.watch_cat
        assert game.cats.cat("perfect").brain is None  # the scripted perfect cat is still the perfect cat
        shipped = game.cats.cat("cat_a")
        np.testing.assert_array_equal(shipped.brain.theta, brainfile.load_brain(folder / "cat_a.npz", role="cat").theta)
    assert game.load_cat_brain_bytes("mine.npz", data) and game.watch_cat == "mine.npz"  # no clash: its own name
