"""Rooms (game/world/rooms.py) and their rules in the arena, the solver, the teachers and the scripted cats.

The solver is checked against one written here from the room rules alone (a move off the board or onto
furniture stays; a diagonal needs only its target cell to be floor), and against figures measured outside the
project with another exact solver: the open 8×8's perfect cat and straight chaser both take 5.24 moves on
average; an 8×8 with a 1×6 sofa and a 2×2 table takes the perfect cat 12.8 moves while the straight chaser
catches only 62 % within 40.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.arena import Arena
from game.brains.tasks import CatTask, Task, all_starts, chase_task, play, play_cat
from game.training.contest import room_contest
from game.world.cats import cat_moves, straight_cat
from game.world.rooms import OPEN, RoomError, load_room, open_room, parse_room, room_named, room_names
from game.world.teachers import pursuit, teacher_moves

SOFA_AND_TABLE = """
........
........
.######.
........
........
....##..
....##..
........
"""

SMALL = """
.....
.#...
.#.#.
...#.
.....
"""


def room(text: str, name: str = "test"):
    return parse_room(text.strip(), name)


# -- the file format -------------------------------------------------------------------------------------------


def test_layout_reads_top_row_first_with_y_up() -> None:
    r = room("....\n#...\n....\n...#")
    assert r.size == (4, 4)
    assert not r.is_floor(0, 2) and not r.is_floor(3, 0)  # line 2 is y = 2, the last line y = 0
    assert r.is_floor(0, 0) and r.is_floor(3, 3) and not r.is_floor(4, 0)
    assert len(r.floor) == 14 and not r.is_open and open_room(5, 4).is_open


@pytest.mark.parametrize("text, problem", [
    ("", "is empty"),
    ("....\n...\n....\n....", "line 2 has 3 cells but line 1 has 4"),
    ("....\n..x.\n....\n....", "line 2, column 3: 'x' is neither"),
    ("...\n...\n...\n...", "3 columns; a room has 4 to 16"),
    ("....\n....\n....", "3 rows; a room has 4 to 16"),
    ("." * 17 + "\n" + ("." * 17 + "\n") * 3, "17 columns"),
    ("####\n####\n####\n###.", "fewer than two floor cells"),
    ("..#.\n..#.\n###.\n....", "column 1, line 2 cannot be reached"),
])
def test_bad_room_is_one_line_naming_file_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(RoomError) as err:
        load_room(path)
    message = str(err.value)
    assert "\n" not in message and str(path) in message and problem in message


def test_other_bad_room_files(tmp_path: Path) -> None:
    with pytest.raises(RoomError, match="no such room file"):
        load_room(tmp_path / "none.txt")
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe....\n")
    with pytest.raises(RoomError, match="not plain text"):
        load_room(tmp_path / "bin.txt")
    (tmp_path / "Bad Name.txt").write_text("....\n" * 4)
    with pytest.raises(RoomError, match="a room's name"):
        load_room(tmp_path / "Bad Name.txt")
    with pytest.raises(RoomError, match="no such room; choose one of open"):
        room_named("nowhere")


def test_windows_line_ends_and_a_trailing_blank_line_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"....\r\n.##.\r\n....\r\n....\r\n\r\n")
    assert load_room(path).rows == ("....", ".##.", "....", "....")


def test_shipped_rooms_load_and_the_open_room_comes_first() -> None:
    names = room_names()
    assert names[0] == OPEN and len(names) >= 5
    for name in names[1:]:
        assert not room_named(name).is_open
    assert room_named(OPEN, (10, 6)).size == (10, 6)


# -- the rules ---------------------------------------------------------------------------------------------------


def test_furniture_blocks_both_animals_and_a_diagonal_needs_only_its_target() -> None:
    r = room(SMALL)  # furniture at (1,3), (1,2), (3,2), (3,1)
    arena = Arena(n=6, room=r)
    arena.reset(cat=np.array([[0, 3], [2, 2], [0, 2], [2, 0], [2, 3], [2, 1]]),
                mouse=np.array([[4, 4], [4, 4], [4, 0], [0, 0], [4, 0], [4, 4]]))
    # Right onto furniture, Right onto furniture, Up-Right onto furniture: all stay. Up to floor; Up-Left to
    # (1,4) past the furniture at (1,3); Down-Left to (1,0) on floor.
    arena.move_cat(np.array([2, 2, 1, 0, 7, 5]))
    assert arena.cat.tolist() == [[0, 3], [2, 2], [0, 2], [2, 1], [1, 4], [1, 0]]
    arena = Arena(n=2, room=r)
    arena.reset(cat=np.array([[4, 4], [4, 4]]), mouse=np.array([[2, 2], [0, 0]]))
    arena.move_mouse(np.array([3, 1]))  # (2,2) Left onto (1,2), furniture: stays; (0,0) Right to (1,0)
    assert arena.mouse.tolist() == [[2, 2], [1, 0]]
    arena.move_mouse(np.array([1, 0]))  # (2,2) Right onto (3,2): stays; (1,0) Up to (1,1)
    assert arena.mouse.tolist() == [[2, 2], [1, 1]]


def test_a_diagonal_passes_between_two_pieces() -> None:
    r = room("....\n.#..\n..#.\n....")  # furniture at (1,2) and (2,1)
    arena = Arena(n=1, room=r)
    arena.reset(cat=np.array([[1, 1]]), mouse=np.array([[3, 3]]))
    arena.move_cat(np.array([1]))  # Up-Right to (2,2) between the two pieces
    assert arena.cat.tolist() == [[2, 2]]


def test_starts_are_distinct_floor_cells_and_furniture_starts_are_refused() -> None:
    r = room(SOFA_AND_TABLE)
    arena = Arena(n=5000, room=r)
    arena.reset(seed=3)
    for cells in (arena.cat, arena.mouse):
        assert not r.blocked[cells[:, 1] * 8 + cells[:, 0]].any()
    assert not np.all(arena.cat == arena.mouse, axis=1).any()
    with pytest.raises(ValueError, match=r"cat start \[1, 5\] is furniture in room 'test'"):
        arena.reset(cat=np.array([[1, 5]]), mouse=np.array([[0, 0]]))


def test_open_room_plays_exactly_as_the_arena_without_one() -> None:
    plain, opened = Arena(7, 5, n=300), Arena(n=300, room=open_room(7, 5))
    plain.reset(seed=9)
    opened.reset(seed=9)
    rng = np.random.default_rng(1)
    for _ in range(20):
        cats, mice = rng.integers(0, 8, 300), rng.integers(0, 4, 300)
        plain.move_cat(cats), opened.move_cat(cats)
        plain.move_mouse(mice), opened.move_mouse(mice)
        assert np.array_equal(plain.cat, opened.cat) and np.array_equal(plain.mouse, opened.mouse)
    assert pursuit(7, 5, open_room(7, 5)) is pursuit(7, 5)


# -- the solver --------------------------------------------------------------------------------------------------


def reference_par(rows: list[str], limit: int = 200) -> dict[tuple, int]:
    """Cat moves to catch under best play on both sides, cat to move, for every pair of floor cells: value
    iteration written from the rules alone (no wall clipping: a move off the board stays where it was)."""
    height, width = len(rows), len(rows[0])
    floor = [(x, y) for y in range(height) for x in range(width) if rows[height - 1 - y][x] == "."]
    is_floor = set(floor)

    def moves(cell, steps):
        return [(cell[0] + dx, cell[1] + dy) if (cell[0] + dx, cell[1] + dy) in is_floor else cell
                for dx, dy in steps]

    king = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0)]
    rook = [(0, 1), (1, 0), (0, -1), (-1, 0)]
    never = 10**6
    cat_to_move = {(c, m): (0 if c == m else never) for c in floor for m in floor}
    for _ in range(limit):
        mouse_to_move = {}
        for c in floor:
            for m in floor:
                mouse_to_move[(c, m)] = max(0 if n == c else cat_to_move[(c, n)] for n in moves(m, rook))
        new = {}
        for c in floor:
            for m in floor:
                new[(c, m)] = 0 if c == m else min(never, 1 + min(
                    0 if n == m else mouse_to_move[(n, m)] for n in moves(c, king)))
        if new == cat_to_move:
            break
        cat_to_move = new
    return cat_to_move


@pytest.mark.parametrize("text", [SMALL, "....\n.#..\n..#.\n....", "......\n.##...\n......\n...##.\n......"])
def test_solver_equals_a_solver_written_from_the_rules(text: str) -> None:
    r = room(text)
    expected = reference_par(list(r.rows))
    solved = pursuit(r.width, r.height, r)
    cat, mouse = all_starts(r.width, r.height, r)
    got = solved.start_par(cat, mouse)
    want = np.array([expected[(tuple(c), tuple(m))] for c, m in zip(cat.tolist(), mouse.tolist(), strict=True)])
    assert np.array_equal(got, want)


def test_optimal_mouse_and_perfect_cat_play_the_solved_values_in_a_room() -> None:
    r = room(SOFA_AND_TABLE)
    cat, mouse = all_starts(8, 8, r)
    solved = pursuit(8, 8, r)
    values = solved.mouse_values(cat, mouse)
    best = values.max(axis=1)
    assert np.array_equal(values[np.arange(len(cat)), solved.mouse_moves(cat, mouse)], best)
    cat_values = solved.cat_values(cat, mouse)
    assert np.array_equal(cat_values[np.arange(len(cat)), solved.cat_moves(cat, mouse)], solved.start_par(cat, mouse))
    # Played out by the arena's rules, the perfect cat against the optimal mouse takes exactly par every time.
    rounds = play_cat(CatTask(8, 8, ("optimal",), 200, room=r), len(cat), np.random.default_rng(0), cat="perfect",
                      cat_start=cat, mouse_start=mouse)
    assert rounds.caught.all() and np.array_equal(rounds.cat_moves, rounds.par)


def test_figures_measured_outside_the_project() -> None:
    opened = room_contest(open_room(8, 8))
    assert opened.results["perfect"].mean_moves == pytest.approx(5.24, abs=0.005)
    assert opened.results["straight"].mean_moves == opened.results["perfect"].mean_moves
    sofa = room_contest(room(SOFA_AND_TABLE))
    assert sofa.results["perfect"].caught == 1.0
    assert sofa.results["perfect"].mean_moves == pytest.approx(12.8, abs=0.05)
    assert sofa.results["straight"].caught == pytest.approx(0.62, abs=0.015)
    assert sofa.planning_pays and not opened.planning_pays


# -- teachers and cats -------------------------------------------------------------------------------------------


def test_post_teacher_is_refused_in_a_room_in_one_line() -> None:
    r = room(SOFA_AND_TABLE)
    cells = np.array([[0, 0]])
    with pytest.raises(ValueError, match="post's teacher ignores furniture") as err:
        teacher_moves("post", cells, cells + 2, 8, 8, r)
    assert "\n" not in str(err.value) and "'test'" in str(err.value)
    with pytest.raises(ValueError, match="post's teacher"):
        Task("chase", 8, 8, ("perfect",), 40, "post", room=r)
    with pytest.raises(ValueError, match="post's teacher"):
        CatTask(8, 8, ("post",), room=r)
    teacher_moves("post", cells, cells + 2, 8, 8, open_room(8, 8))  # the open room is the post's own
    with pytest.raises(ValueError, match="fog sight is for the open board"):
        chase_task(sight="fog", room=r)


def test_straight_chaser_steps_to_the_king_nearest_cell_then_the_straight_line_nearest() -> None:
    r = room(SOFA_AND_TABLE)  # sofa on y = 5, x = 1..6
    cat, mouse = np.array([[3, 7], [0, 0], [3, 4]]), np.array([[3, 3], [3, 1], [3, 6]])
    moves = straight_cat(cat, mouse, 8, 8, r)
    # (3,7) towards (3,3): every step down is blocked by... no, (3,6) is floor: Down, Chebyshev 3 and straight.
    # (0,0) towards (3,1): Right and Up-Right both leave 2 king steps; Up-Right is nearer in a straight line.
    # (3,4) towards (3,6): the sofa blocks (2..4,5), so every move that would rise stays; the chaser prefers
    # staying put (still 2 king steps) over any step sideways or down: it never plans round the sofa.
    assert moves[0] == 4 and moves[1] == 1
    stays = [k for k in range(8) if (3 + [0, 1, 1, 1, 0, -1, -1, -1][k], 4 + [1, 1, 0, -1, -1, -1, 0, 1][k]) in
             {(2, 5), (3, 5), (4, 5)}]
    assert moves[2] in stays
    assert np.array_equal(moves, cat_moves("straight", cat, mouse, 8, 8, np.random.default_rng(0), room=r))


def test_every_cat_and_teacher_keeps_off_furniture() -> None:
    r = room(SOFA_AND_TABLE)
    task = chase_task(cats=("perfect", "greedy", "noisy", "random"), room=r)
    rounds = play(task, 400, np.random.default_rng(2), mouse="random")
    assert rounds.mask.any()
    for name in ("perfect", "greedy", "straight", "random"):
        played = play_cat(CatTask(8, 8, ("optimal", "random"), room=r), 400, np.random.default_rng(5), cat=name)
        assert played.mask.any()
    arena = Arena(n=2000, room=r)
    arena.reset(seed=4)
    rng = np.random.default_rng(6)
    for _ in range(60):
        arena.move_cat(rng.integers(0, 8, 2000))
        arena.move_mouse(rng.integers(0, 4, 2000))
        for cells in (arena.cat, arena.mouse):
            assert not r.blocked[cells[:, 1] * 8 + cells[:, 0]].any()
