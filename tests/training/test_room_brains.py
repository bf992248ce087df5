"""Brains for rooms: the room in a brain's meta, the loader's refusal of another room's brain, training with
--room, the judge of a room's mouse by play, the shipped rooms' measured contest and the round's dealt starts."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from game.arena import Arena
from game.brains.brainfile import (
    BrainFileError,
    brain_bytes,
    brain_meta,
    load_brain,
    load_brain_bytes,
    room_meta,
    save_brain,
)
from game.play.round import MIN_PAR, deal
from game.training.contest import judge_mouse, room_contest
from game.training.train import main
from game.training.trainers import TRAINERS
from game.world.rooms import open_room, parse_room, room_named, room_names
from game.world.teachers import pursuit

LIVING = room_named("living")
DEN = room_named("den")


def mouse_brain(seed: int = 0):
    return TRAINERS["lstm"].new_brain(8, seed, features=("cat_x", "cat_y", "mouse_x", "mouse_y"))


def saved(tmp_path: Path, room, name: str = "b.npz") -> Path:
    brain = mouse_brain()
    path = tmp_path / name
    save_brain(brain, path, brain_meta(brain, **room_meta(room)))
    return path


def test_a_rooms_brain_plays_only_in_that_room(tmp_path: Path) -> None:
    living = saved(tmp_path, LIVING, "living.npz")
    assert load_brain(living, room=LIVING).meta["room"] == {"name": "living", "layout": list(LIVING.rows)}
    load_brain(living)  # room=None takes any (the trainer's table, the file's kind)
    for other, where in ((DEN, "room 'den'"), (open_room(8, 8), "the open board")):
        with pytest.raises(BrainFileError) as err:
            load_brain(living, room=other)
        assert str(err.value) == (f"{living}: was trained for room 'living' (8×8); {where} needs a brain trained "
                                  "there")
    opened = saved(tmp_path, None, "open.npz")
    assert "room" not in load_brain(opened, room=open_room(10, 6)).meta  # an open-board brain, any open size
    with pytest.raises(BrainFileError, match="was trained for the open board; room 'living' needs"):
        load_brain(opened, room=LIVING)
    moved = parse_room("\n".join(LIVING.rows[::-1]), "living")  # same name, furniture moved since
    with pytest.raises(BrainFileError, match="room 'living' \\(8×8\\) as it was laid out then"):
        load_brain(living, room=moved)


@pytest.mark.parametrize("room, problem", [
    ({"name": "x"}, "is not an object of 'name' and 'layout'"),
    ({"name": "x", "layout": "....\n...."}, "no list of text rows"),
    ({"name": "x", "layout": ["....", "..x.", "....", "...."]}, "'x' is neither"),
    ({"name": "x", "layout": ["..#.", "..#.", "###.", "...."]}, "cannot be reached"),
])
def test_a_bad_room_in_meta_refuses_the_file_in_one_line(room, problem: str) -> None:
    brain = mouse_brain()
    meta = brain_meta(brain)
    meta["room"] = room
    data = brain_bytes(brain, brain_meta(brain))
    # Rewrite the meta member by hand, as a file made elsewhere would carry it (saving refuses bad fields).
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    buffer = io.BytesIO()
    np.save(buffer, np.array(json.dumps(meta)))
    members["meta.npy"] = buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, b in members.items():
            z.writestr(n, b)
    with pytest.raises(BrainFileError) as err:
        load_brain_bytes(out.getvalue(), "bad.npz")
    message = str(err.value)
    assert "\n" not in message and message.startswith("bad.npz: meta 'room' ") and problem in message


def test_train_with_room_writes_a_brain_for_that_room(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "m.npz"
    assert main(["--task", "chase", "--room", "den", "--hidden", "8", "--games", "300", "--eval-every", "200",
                 "--quiet", "--no-plot", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "value-optimal" in printed and (tmp_path / "m_play.csv").is_file()
    brain = load_brain(out, room=DEN)
    assert brain.meta["room"]["name"] == "den" and brain.meta["task"]["width"] == 8
    assert 0.0 <= brain.meta["value_optimal"] <= 1.0
    cat_out = tmp_path / "c.npz"
    assert main(["--role", "cat", "--room", "den", "--mice", "optimal,random", "--hidden", "8", "--games", "200",
                 "--eval-every", "200", "--quiet", "--no-plot", "--out", str(cat_out)]) == 0
    assert load_brain(cat_out, role="cat", room=DEN).meta["room"]["name"] == "den"


@pytest.mark.parametrize("argv, problem", [
    (["--task", "chase", "--room", "nowhere"], "room 'nowhere': no such room; choose one of open, "),
    (["--room", "den"], "--room is for --task chase"),
    (["--task", "chase", "--room", "den", "--size", "8"], "--room den sets the size"),
    (["--task", "chase", "--room", "den", "--teacher", "post"], "post's teacher ignores furniture"),
    (["--task", "chase", "--room", "den", "--sight", "fog"], "fog sight is for the open board"),
    (["--role", "cat", "--room", "den", "--mice", "post"], "post's teacher ignores furniture"),
])
def test_bad_room_arguments_are_one_line(argv: list[str], problem: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--games", "5", "--no-plot"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and problem in err


def test_judge_mouse_scores_the_optimal_mouse_as_perfect_and_an_untrained_brain_lower() -> None:
    best = judge_mouse(None, LIVING, mouse="teacher")
    assert best.value_optimal == 1.0 and best.survival_share == 1.0
    contest = room_contest(LIVING)
    assert best.optimal_survival == pytest.approx(contest.results["perfect"].mean_moves - 1, abs=0.01)
    assert best.chaser_escapes == best.optimal_chaser_escapes == pytest.approx(1 - contest.results["straight"].caught)
    untrained = judge_mouse(mouse_brain(), LIVING)
    assert untrained.value_optimal < 0.9 and untrained.survival_share < 0.9


@pytest.mark.parametrize("name", room_names()[1:])
def test_each_shipped_room_makes_a_contest(name: str) -> None:
    contest = room_contest(room_named(name))
    perfect, straight = contest.results["perfect"], contest.results["straight"]
    assert perfect.caught >= 0.95
    assert straight.ratio >= 1.3 or 1 - straight.caught >= 0.20
    assert contest.planning_pays


@pytest.mark.parametrize("name", room_names())
def test_the_round_deals_only_starts_of_par_three_or_more(name: str) -> None:
    room = room_named(name)
    arena = Arena(n=1, room=room) if not room.is_open else Arena(8, 8, n=1)
    arena.rng = np.random.default_rng(11)
    solved = pursuit(arena.width, arena.height, arena.room)
    pars = []
    for _ in range(300):
        deal(arena, solved)
        pars.append(int(solved.start_par(arena.cat, arena.mouse)[0]))
        assert not np.array_equal(arena.cat, arena.mouse)
    assert min(pars) >= MIN_PAR and max(pars) <= 41
    assert len(set(pars)) > 3  # still a spread of starts, not one kind


def test_the_tournament_in_a_room_plays_the_brains_trained_there(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from game.training.tournament import main as tournament_main

    nook = room_named("nook")
    brain = mouse_brain()
    save_brain(brain, tmp_path / "nook_mouse.npz", brain_meta(brain, **room_meta(nook)))
    save_brain(brain, tmp_path / "open_mouse.npz", brain_meta(brain))
    assert tournament_main(["--weights", str(tmp_path), "--room", "nook"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("room nook, 7×6, every start (1,332) against each mouse")
    assert "| straight | nook_mouse |" in out and "open_mouse" not in out
    assert "| perfect | optimal | 100.00% |" in out
    assert tournament_main(["--weights", str(tmp_path), "--size", "4"]) == 0
    out = capsys.readouterr().out
    assert "| perfect | open_mouse |" in out and "nook_mouse" not in out


def test_the_library_offers_a_rooms_brains_then_the_open_boards_and_refuses_another_rooms(tmp_path: Path) -> None:
    from game.brains.library import BrainLibrary

    saved(tmp_path, LIVING, "a_living.npz")
    saved(tmp_path, DEN, "b_den.npz")
    saved(tmp_path, None, "c_open.npz")
    shown: list[str] = []
    place = [None]  # the room in play, as the game's round holds it
    library = BrainLibrary(tmp_path, None, None, lambda text, error=False: shown.append(text), room=lambda: place[0])
    assert [f.name for f in library.brain_files()] == ["c_open.npz"]
    place[0] = LIVING
    assert [f.name for f in library.brain_files()] == ["a_living.npz", "c_open.npz"]
    assert library.sight_brain()[1] == "a_living.npz"
    assert library.size_for_brain() == (8, 8)
    assert library.read_file(tmp_path / "c_open.npz") is not None  # plays here, with the HUD's note
    assert library.read_file(tmp_path / "b_den.npz") is None
    assert shown[-1] == f"{tmp_path / 'b_den.npz'}: was trained for room 'den' (8×8); room 'living' needs a brain " \
                        "trained there"
    place[0] = room_named("office")
    assert library.sight_brain()[1] == "c_open.npz" and library.size_for_brain() == (9, 7)


def test_live_learning_in_a_room_plays_there_with_the_optimal_teacher() -> None:
    from game.play.coach import Coach

    coach = Coach(None, 40)
    brain = mouse_brain()
    coach.bind(brain, "post", LIVING.size, room=LIVING)
    assert coach.teacher == "optimal" and coach.room is LIVING
    coach.set_learning(True, brain, LIVING.size)
    learner = coach.learner
    learner.start_check()
    while not learner.check.advance():
        pass
    rounds = learner.check.rounds
    assert learner.check.task.room is LIVING and rounds.mask.any()
    cells = np.rint(rounds.x[rounds.mask][:, 2:] * 7).astype(int)
    assert not LIVING.blocked[cells[:, 1] * 8 + cells[:, 0]].any()


def test_watch_mode_offers_only_the_cat_brains_trained_for_the_room(tmp_path: Path) -> None:
    from game.brains.brainfile import BrainFileError as FileError
    from game.play.watchcat import CatRoster, ScriptedCat
    from game.training.trainers import cat_brain

    for name, room in (("cat_living.npz", LIVING), ("cat_open.npz", None)):
        brain = cat_brain(8, seed=0)
        save_brain(brain, tmp_path / name, brain_meta(brain, **room_meta(room)))
    roster = CatRoster(tmp_path)
    assert roster.brain_names() == ["cat_open.npz"]
    roster.room = LIVING
    assert roster.brain_names() == ["cat_living.npz"]
    assert roster.cat("cat_living").brain.meta["room"]["name"] == "living"
    with pytest.raises(FileError, match="was trained for the open board; room 'living' needs"):
        roster.bring(tmp_path / "cat_open.npz")
    arena = Arena(n=1, room=LIVING)
    arena.reset(cat=np.array([[3, 4]]), mouse=np.array([[3, 6]]))  # the sofa between them
    cat = ScriptedCat("perfect")
    move = cat.move(arena, np.random.default_rng(0))
    assert move == pursuit(8, 8, LIVING).cat_moves(arena.cat, arena.mouse)[0]


def test_a_mix_of_cats_reads_as_each_ones_share_of_the_rounds() -> None:
    from game.training.reports import cat_mix

    assert cat_mix(["perfect", "straight"]) == "perfect, straight"
    assert cat_mix(["perfect", "straight", "perfect", "noisy"]) == "perfect 2/4, straight 1/4, noisy 1/4"
    assert cat_mix([]) == ""
