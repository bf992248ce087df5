"""Playing in rooms: --room, the room key, the room's brains by default, furniture on the board, the score
against par for the session, and the HUD's note when the brain plays a room it was not trained for."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from game import main as game_main  # noqa: E402
from game.brain_np import LSTMBrain  # noqa: E402
from game.brains import brainfile  # noqa: E402
from game.play.app import Game  # noqa: E402
from game.play.round import MIN_PAR  # noqa: E402
from game.ui.palette import CELL, CELL_ALT  # noqa: E402
from game.world.cats import cat_moves  # noqa: E402
from game.world.rooms import room_named, room_names  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
LIVING = room_named("living")


@pytest.fixture
def weights(tmp_path: Path) -> Path:
    """An open-board brain, a living room brain and a living room cat brain."""
    folder = tmp_path / "weights"
    folder.mkdir()
    brainfile.save_brain(LSTMBrain(8, seed=0), folder / "lstm32_optimal.npz",
                         {"grid_sizes": [[8, 8]], "teacher": "optimal"})
    living = LSTMBrain(8, seed=1)
    brainfile.save_brain(living, folder / "mouse_living.npz", brainfile.brain_meta(
        living, grid_sizes=[[8, 8]], teacher="optimal", **brainfile.room_meta(LIVING)))
    cat = LSTMBrain(8, seed=2, actions=("Up", "Up-Right", "Right", "Down-Right", "Down", "Down-Left", "Left",
                                        "Up-Left"), role="cat")
    brainfile.save_brain(cat, folder / "cat_living.npz", brainfile.brain_meta(
        cat, grid_sizes=[[8, 8]], **brainfile.room_meta(LIVING)))
    return folder


def scripted(game: Game, name: str) -> int:
    a = game.round.arena
    return int(cat_moves(name, a.cat, a.mouse, a.width, a.height, game.cat_rng, room=a.room)[0])


def test_a_room_plays_its_own_brain_deals_par_three_or_more_and_keeps_the_session_score(weights: Path) -> None:
    game = Game(weights, None, seed=4, room=LIVING)
    assert game.library.brain_name == "mouse_living.npz" and game.round.arena.room is LIVING
    assert game.untrained_note() is None and game.picture().room_rows == LIVING.rows
    scores = []
    for _ in range(6):
        assert game.round.par >= MIN_PAR
        cells = np.concatenate([game.round.arena.cat, game.round.arena.mouse])
        assert not LIVING.blocked[cells[:, 1] * 8 + cells[:, 0]].any()
        while not game.round.over:
            game.player_move(scripted(game, "perfect"))
        scores.append(game.round.result_score)
        game.new_round()
    card = game.scorecard
    assert card.rounds == 6 and card.caught == sum(s is not None for s in scores)
    assert card.under_par == sum(s is not None and s < 0 for s in scores)  # the perfect cat is never over par
    assert card.on_par + card.under_par == card.caught and card.net <= 0
    assert game.picture().session_line.startswith(f"Session: {card.caught}/6 caught")


def test_the_room_key_cycles_rooms_and_each_brings_its_brain_or_says_it_has_none(weights: Path) -> None:
    game = Game(weights, None, seed=1)
    assert game.room is None and game.library.brain_name == "lstm32_optimal.npz"
    order = room_names()
    seen = []
    for _ in order:
        game.cycle_room()
        seen.append("open" if game.room is None else game.room.name)
        if game.room is not None and game.room.name != "living":
            assert game.library.brain_name == "lstm32_optimal.npz"  # no brain of its own here: the open board's
            assert game.untrained_note() == f"brain trained for the open board, playing room {game.room.name}"
            assert game.arena_size() == game.room.size
    assert seen == [*order[1:], order[0]]
    game.set_room("living")
    assert game.library.brain_name == "mouse_living.npz" and game.untrained_note() is None
    assert game.set_room("nowhere") is False and game.message_is_error and "no such room" in game.message
    assert game.room is LIVING or game.room.name == "living"
    assert game.set_sight("fog") is False and "played on the open board" in game.message
    game.set_watch("cat_living.npz")
    assert game.watching and game.cat_player.brain.meta["room"]["name"] == "living"
    game.set_room("open")
    assert game.room is None and game.watch_cat == "perfect"  # the living room's cat brain stays there


def test_furniture_is_drawn_on_the_board(weights: Path) -> None:
    from game.ui.view import View

    pygame.init()
    screen = pygame.Surface((1040, 640))
    view = View(screen)
    game = Game(weights, None, seed=2, room=LIVING)
    view.draw(game.picture())
    floor = {tuple(CELL), tuple(CELL_ALT)}
    furniture_cells = [(x, y) for y in range(8) for x in range(8) if not LIVING.is_floor(x, y)]
    for x, y in furniture_cells:
        at = view.pt(*view.cell_centre((8, 8), x, y))
        assert tuple(screen.get_at(at))[:3] not in floor, (x, y)


@pytest.mark.parametrize("argv, problem", [
    (["--room", "nowhere"], "room 'nowhere': no such room"),
    (["--room", "den", "--size", "10"], "--room den is 8×8; leave out --size"),
    (["--room", "den", "--sight", "fog"], "--sight fog is played on the open board, not in room den"),
    (["--room", "den", "--teacher", "post"], "--teacher post ignores furniture"),
])
def test_bad_room_arguments_are_one_line(argv: list[str], problem: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        game_main.parse_args(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and problem in err, err


def test_the_game_in_a_room_from_the_command_line(weights: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(game_main, "WEIGHTS_DIR", str(weights))
    seen: dict = {}

    def on_frame(frame, game, view):
        seen["game"] = game
        if frame == 1:
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_m, mod=0, unicode="", scancode=0))

    assert asyncio.run(game_main.main(["--room", "living", "--fps", "0"], frames=3, on_frame=on_frame)) == 0
    game = seen["game"]
    names = room_names()
    assert game.room is not None and game.room.name == names[(names.index("living") + 1) % len(names)]


def test_the_brain_the_page_kept_in_a_room_comes_back_in_its_room(weights: Path) -> None:
    """A reload starts on the open board; the kept room brain brings its room back (not a refusal), and a broken
    kept file leaves the board, the room and the brain as they were."""
    import base64

    from game.browser import web
    from game.browser.protocol import run_command

    game = Game(weights, None, seed=4, room=LIVING, browser=True)
    name, data = game.export_brain()
    fresh = Game(weights, None, seed=4, browser=True)
    assert fresh.round.room is None
    run_command(fresh, web.parse_command({"type": "restore", "name": name, "data": base64.b64encode(data).decode()}))
    assert not fresh.message_is_error, fresh.message
    assert fresh.round.room == LIVING and fresh.round.arena.room == LIVING and fresh.library.brain_name == name
    np.testing.assert_array_equal(fresh.library.brain.theta, game.library.brain.theta)
    run_command(fresh, web.parse_command({"type": "restore", "name": "kept.npz", "data": "UEsDBA=="}))
    assert fresh.message_is_error and fresh.round.room == LIVING and fresh.library.brain_name == name
