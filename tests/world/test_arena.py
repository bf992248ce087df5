"""The rules of the arena (game/arena.py): sizes, turns, walls, catches, move limit, seed task, batching."""

from __future__ import annotations

import numpy as np
import pytest

from game.arena import (
    CAT_MOVE_NAMES,
    CAT_MOVES,
    MOUSE_MOVE_NAMES,
    MOUSE_MOVES,
    Arena,
    features,
    parse_size,
)
from game.brain_np import post_move as post_direction_to_move  # the post's quarter reading lives with its brain

UP, RIGHT, DOWN, LEFT = 0, 1, 2, 3
# Cat moves, clockwise from Up.
C_UP, C_UP_RIGHT, C_RIGHT, C_DOWN_RIGHT, C_DOWN, C_DOWN_LEFT, C_LEFT, C_UP_LEFT = range(8)

# Written out here rather than taken from the module: (dx, dy) of each move, y grows upwards.
MOUSE_STEPS = {"Up": (0, 1), "Right": (1, 0), "Down": (0, -1), "Left": (-1, 0)}
CAT_STEPS = {
    "Up": (0, 1), "Up-Right": (1, 1), "Right": (1, 0), "Down-Right": (1, -1),
    "Down": (0, -1), "Down-Left": (-1, -1), "Left": (-1, 0), "Up-Left": (-1, 1),
}


def one(arena_width: int, arena_height: int, cat, mouse, **kw) -> Arena:
    arena = Arena(arena_width, arena_height, n=1, **kw)
    arena.reset(cat=np.array(cat), mouse=np.array(mouse))
    return arena


def expected_landing(x: int, y: int, dx: int, dy: int, width: int, height: int) -> tuple[int, int]:
    """Each axis of a move that would leave the grid is dropped (the animal keeps that coordinate)."""
    nx = x + dx if 0 <= x + dx < width else x
    ny = y + dy if 0 <= y + dy < height else y
    return nx, ny


# -- sizes -------------------------------------------------------------------------------------------------


def test_move_tables_match_the_spec():
    assert MOUSE_MOVE_NAMES == ("Up", "Right", "Down", "Left")
    assert [tuple(m) for m in MOUSE_MOVES.tolist()] == [MOUSE_STEPS[n] for n in MOUSE_MOVE_NAMES]
    assert CAT_MOVE_NAMES == tuple(CAT_STEPS)
    assert [tuple(m) for m in CAT_MOVES.tolist()] == [CAT_STEPS[n] for n in CAT_MOVE_NAMES]
    # Index 2k of the cat's moves is the k-th mouse move.
    assert np.array_equal(CAT_MOVES[::2], MOUSE_MOVES)
    assert MOUSE_MOVES.dtype == np.int32 and CAT_MOVES.dtype == np.int32


def test_every_size_from_4_to_16_plays():
    for width in range(4, 17):
        for height in range(4, 17):
            arena = Arena(width, height, n=50)
            x = arena.reset(seed=width * 100 + height)
            assert x.shape == (50, 4) and x.dtype == np.float32
            for cells in (arena.cat, arena.mouse):
                assert cells.dtype == np.int32
                assert (cells[:, 0] >= 0).all() and (cells[:, 0] < width).all()
                assert (cells[:, 1] >= 0).all() and (cells[:, 1] < height).all()
            arena.move_cat(np.full(50, C_UP_RIGHT))
            arena.move_mouse(np.full(50, LEFT))
            assert (arena.cat[:, 0] < width).all() and (arena.cat[:, 1] < height).all()
            assert (arena.mouse[:, 0] >= 0).all()


@pytest.mark.parametrize("width, height", [(3, 6), (6, 3), (17, 6), (6, 17), (0, 6), (-4, 6), (6.0, 6), ("6", 6),
                                           (None, 6), (6, 6.5)])
def test_sizes_outside_4_to_16_are_refused_clearly(width, height):
    with pytest.raises(ValueError) as info:
        Arena(width, height)
    message = str(info.value)
    bad_name, bad = ("width", width) if not (isinstance(width, int) and 4 <= width <= 16) else ("height", height)
    assert bad_name in message and repr(bad) in message and "4" in message and "16" in message
    assert "\n" not in message


@pytest.mark.parametrize("text, size", [("8", (8, 8)), ("8x6", (8, 6)), ("8X6", (8, 6)), ("8×6", (8, 6)),
                                        (" 5 x 7 ", (5, 7)), ("4", (4, 4)), ("16x16", (16, 16))])
def test_a_typed_size_is_n_or_w_by_h(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text, words", [("", "is not N, WxH"), ("x", "is not N, WxH"), ("8x", "is not N, WxH"),
                                         ("eight", "is not N, WxH"), ("8x8x8", "is not N, WxH"),
                                         ("3", "width 3 is not"), ("8x17", "height 17 is not"),
                                         ("8.5", "is not N, WxH")])
def test_a_typed_size_that_is_not_one_says_so_in_one_line(text, words):
    with pytest.raises(ValueError, match=words) as info:
        parse_size(text)
    assert "\n" not in str(info.value)


def test_numpy_integer_sizes_are_accepted():
    arena = Arena(np.int64(5), np.int32(7), n=2)
    assert (arena.width, arena.height) == (5, 7)


@pytest.mark.parametrize("kw, word", [({"n": 0}, "rounds"), ({"move_limit": 0}, "move limit")])
def test_bad_round_count_or_move_limit(kw, word):
    with pytest.raises(ValueError, match=word):
        Arena(6, 6, **kw)


def test_explicit_starts_are_checked():
    arena = Arena(5, 4, n=3)
    with pytest.raises(ValueError, match=r"cat start \[5, 0\] is outside the 5×4 arena"):
        arena.reset(cat=np.array([[0, 0], [5, 0], [1, 1]]), mouse=np.array([2, 2]))
    with pytest.raises(ValueError, match=r"mouse start \[0, -1\]"):
        arena.reset(cat=np.array([0, 0]), mouse=np.array([[0, -1], [1, 1], [2, 2]]))
    with pytest.raises(ValueError, match="2 cells for 3 rounds"):
        arena.reset(cat=np.array([[0, 0], [1, 1]]), mouse=np.array([2, 2]))
    # One cell is given to every round.
    arena.reset(cat=np.array([1, 3]), mouse=np.array([4, 0]))
    assert arena.cat.tolist() == [[1, 3]] * 3 and arena.mouse.tolist() == [[4, 0]] * 3


# -- features ----------------------------------------------------------------------------------------------


def test_features_are_the_posts_scaled_coordinates():
    cat = np.array([[0, 0], [6, 4], [3, 2]], dtype=np.int32)
    mouse = np.array([[6, 4], [0, 0], [1, 3]], dtype=np.int32)
    x = features(cat, mouse, 7, 5)
    assert x.dtype == np.float32
    expected = np.array([[0, 0, 1, 1], [1, 1, 0, 0], [3 / 6, 2 / 4, 1 / 6, 3 / 4]], dtype=np.float32)
    np.testing.assert_allclose(x, expected, rtol=0, atol=1e-7)
    arena = Arena(7, 5, n=3)
    np.testing.assert_array_equal(arena.reset(cat=cat, mouse=mouse), x)


def test_post_direction_read_by_quarters():
    outputs = np.array([0.0, 0.125, 0.2499, 0.25, 0.375, 0.4999, 0.5, 0.625, 0.7499, 0.75, 0.875, 1.0])
    assert post_direction_to_move(outputs).tolist() == [UP] * 3 + [RIGHT] * 3 + [DOWN] * 3 + [LEFT] * 3


# -- walls -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width, height", [(4, 4), (5, 7), (16, 4)])
def test_every_move_from_every_cell_clips_at_walls_and_corners(width, height):
    cells = [(x, y) for y in range(height) for x in range(width)]
    for who, names, steps in (("mouse", MOUSE_MOVE_NAMES, MOUSE_STEPS), ("cat", CAT_MOVE_NAMES, CAT_STEPS)):
        starts = np.array([c for c in cells for _ in names], dtype=np.int32)
        moves = np.array([k for _ in cells for k in range(len(names))], dtype=np.int32)
        arena = Arena(width, height, n=len(starts), catching=False)
        # The other animal sits far away (it never matters with catching off, but keep them apart anyway).
        arena.reset(cat=starts if who == "cat" else np.array([0, 0]),
                    mouse=starts if who == "mouse" else np.array([width - 1, height - 1]))
        if who == "cat":
            arena.move_cat(moves)
            landed = arena.cat
        else:
            arena.move_mouse(moves)
            landed = arena.mouse
        pairs = zip(starts.tolist(), moves.tolist(), strict=True)
        expected = [expected_landing(x, y, *steps[names[k]], width, height) for (x, y), k in pairs]
        assert [tuple(c) for c in landed.tolist()] == expected


def test_mouse_in_each_corner_stays_when_moving_into_either_wall():
    corners = {(0, 0): (DOWN, LEFT), (5, 0): (DOWN, RIGHT), (0, 3): (UP, LEFT), (5, 3): (UP, RIGHT)}
    for corner, into_walls in corners.items():
        for move in into_walls:
            arena = one(6, 4, (2, 1), corner, catching=False)
            arena.move_mouse(np.array([move]))
            assert tuple(arena.mouse[0]) == corner
            assert arena.moves[0] == 1  # a clipped move still counts as a move


def test_cat_corner_and_wall_clipping_by_hand():
    # Corner (0, 0): Down, Down-Left and Left all stay; Down-Right slides along the bottom wall to (1, 0).
    for move, landing in [(C_DOWN, (0, 0)), (C_DOWN_LEFT, (0, 0)), (C_LEFT, (0, 0)), (C_DOWN_RIGHT, (1, 0)),
                          (C_UP_LEFT, (0, 1)), (C_UP_RIGHT, (1, 1))]:
        arena = one(6, 6, (0, 0), (4, 4))
        arena.move_cat(np.array([move]))
        assert tuple(arena.cat[0]) == landing, CAT_MOVE_NAMES[move]
    # Top-right corner (5, 5) of 6×6.
    for move, landing in [(C_UP, (5, 5)), (C_UP_RIGHT, (5, 5)), (C_RIGHT, (5, 5)), (C_UP_LEFT, (4, 5)),
                          (C_DOWN_RIGHT, (5, 4)), (C_DOWN_LEFT, (4, 4))]:
        arena = one(6, 6, (5, 5), (0, 0))
        arena.move_cat(np.array([move]))
        assert tuple(arena.cat[0]) == landing, CAT_MOVE_NAMES[move]


# -- turns and catches -------------------------------------------------------------------------------------


def test_cat_moving_onto_the_mouse_catches_before_the_mouse_moves():
    arena = one(6, 6, (2, 2), (3, 3))
    caught = arena.move_cat(np.array([C_UP_RIGHT]))
    assert caught.tolist() == [True] and arena.caught.tolist() == [True] and arena.done.tolist() == [True]
    # The round is over: the mouse's half of the turn does nothing and is not counted.
    assert arena.move_mouse(np.array([UP])).tolist() == [False]
    assert tuple(arena.mouse[0]) == (3, 3) and arena.moves[0] == 0


def test_mouse_moving_onto_the_cat_is_caught():
    arena = one(6, 6, (2, 2), (2, 3))
    assert arena.move_cat(None).tolist() == [False]  # a still cat
    assert arena.move_mouse(np.array([DOWN])).tolist() == [True]
    assert tuple(arena.mouse[0]) == (2, 2) and arena.caught[0] and arena.moves[0] == 1 and arena.done[0]


def test_the_cat_moves_first_in_a_turn():
    # The cat steps off (2, 2) before the mouse steps onto it: no catch.
    arena = one(6, 6, (2, 2), (2, 3))
    arena.move_cat(np.array([C_LEFT]))
    assert not arena.move_mouse(np.array([DOWN]))[0]
    assert tuple(arena.cat[0]) == (1, 2) and tuple(arena.mouse[0]) == (2, 2) and not arena.done[0]
    # A cat stepping where the mouse is about to leave still catches: the mouse had not left yet.
    arena = one(6, 6, (2, 2), (2, 3))
    assert arena.move_cat(np.array([C_UP]))[0]


def test_animals_crossing_without_sharing_a_cell_is_no_catch():
    arena = one(6, 6, (2, 2), (3, 3))
    arena.move_cat(np.array([C_RIGHT]))  # cat to (3, 2), right under the mouse
    assert not arena.caught[0]
    arena.move_mouse(np.array([LEFT]))  # mouse to (2, 3): the two crossed diagonally
    assert not arena.caught[0]


def test_a_start_on_the_cat_is_caught_at_once_when_catching():
    arena = one(6, 6, (1, 1), (1, 1))
    assert arena.caught[0] and arena.done[0]
    arena.move_cat(np.array([C_UP]))
    arena.move_mouse(np.array([UP]))
    assert tuple(arena.cat[0]) == (1, 1) and tuple(arena.mouse[0]) == (1, 1) and arena.moves[0] == 0


def test_random_starts_never_share_a_cell_when_catching():
    arena = Arena(4, 4, n=5000)
    arena.reset(seed=3)
    assert not np.all(arena.cat == arena.mouse, axis=1).any()
    assert not arena.caught.any()


def test_move_limit_ends_the_round():
    arena = Arena(6, 6, n=1, move_limit=3)
    arena.reset(cat=np.array([0, 0]), mouse=np.array([5, 5]))
    for _ in range(3):
        assert not arena.done[0]
        arena.move_cat(None)
        arena.move_mouse(np.array([UP]))  # into the top wall: stays at (5, 5)
    assert arena.moves[0] == 3 and arena.done[0] and not arena.caught[0]
    # A done round does not move any more, neither animal, and its count stays.
    arena.move_cat(np.array([C_UP_RIGHT]))
    arena.move_mouse(np.array([LEFT]))
    assert tuple(arena.cat[0]) == (0, 0) and tuple(arena.mouse[0]) == (5, 5) and arena.moves[0] == 3


def test_done_rounds_do_not_move_while_others_do():
    arena = Arena(6, 6, n=3)
    arena.reset(cat=np.array([[2, 2], [0, 0], [4, 4]]), mouse=np.array([[3, 3], [5, 5], [4, 5]]))
    arena.move_cat(np.array([C_UP_RIGHT, C_UP_RIGHT, C_UP]))  # rounds 0 and 2 are caught now
    assert arena.caught.tolist() == [True, False, True]
    arena.move_mouse(np.array([LEFT, LEFT, LEFT]))
    arena.move_cat(np.array([C_DOWN, C_DOWN, C_DOWN]))
    assert arena.cat.tolist() == [[3, 3], [1, 0], [4, 5]]
    assert arena.mouse.tolist() == [[3, 3], [4, 5], [4, 5]]
    assert arena.moves.tolist() == [0, 1, 0]


# -- the seed task: no catch -------------------------------------------------------------------------------


def test_seed_task_mode_never_catches_and_lasts_the_move_limit():
    arena = Arena(6, 6, n=2, move_limit=10, catching=False)
    arena.reset(cat=np.array([[2, 2], [0, 0]]), mouse=np.array([[2, 2], [0, 1]]))  # round 0 shares a cell
    assert not arena.caught.any() and not arena.done.any()
    for turn in range(10):
        assert not arena.move_cat(None).any()
        assert not arena.move_mouse(np.array([DOWN, DOWN])).any()  # round 1 steps onto the cat and stays there
        assert arena.done.tolist() == [turn == 9] * 2
    assert arena.moves.tolist() == [10, 10] and not arena.caught.any()
    assert arena.mouse.tolist() == [[2, 0], [0, 0]]


def test_seed_task_random_starts_may_share_a_cell():
    arena = Arena(6, 6, n=20000, move_limit=10, catching=False)
    arena.reset(seed=11)
    shared = np.all(arena.cat == arena.mouse, axis=1).mean()
    assert 0.02 < shared < 0.04  # independent uniform draws: 1/36 ≈ 0.028
    assert not arena.caught.any()


# -- randomness and batching -------------------------------------------------------------------------------


def test_reset_with_a_seed_is_deterministic():
    a, b = Arena(9, 5, n=100), Arena(9, 5, n=100)
    xa, xb = a.reset(seed=42), b.reset(seed=42)
    np.testing.assert_array_equal(xa, xb)
    np.testing.assert_array_equal(a.cat, b.cat)
    np.testing.assert_array_equal(a.mouse, b.mouse)
    first = a.cat.copy(), a.mouse.copy()
    a.reset(seed=42)
    np.testing.assert_array_equal(a.cat, first[0])
    np.testing.assert_array_equal(a.mouse, first[1])
    a.reset(seed=43)
    assert not (np.array_equal(a.cat, first[0]) and np.array_equal(a.mouse, first[1]))


@pytest.mark.parametrize("catching", [True, False])
@pytest.mark.parametrize("still_cat", [False, True])
def test_batched_rounds_are_independent_single_rounds(catching, still_cat):
    width, height, n, limit = 7, 5, 64, 12
    rng = np.random.default_rng(5)
    batch = Arena(width, height, n=n, move_limit=limit, catching=catching)
    batch.reset(seed=9)
    cat_plan = rng.integers(0, 8, size=(limit + 2, n))
    mouse_plan = rng.integers(0, 4, size=(limit + 2, n))
    singles = []
    for i in range(n):
        arena = Arena(width, height, n=1, move_limit=limit, catching=catching)
        arena.reset(cat=batch.cat[i], mouse=batch.mouse[i])
        singles.append(arena)
    for t in range(limit + 2):  # two turns past the limit: nothing may move then
        batch.move_cat(None if still_cat else cat_plan[t])
        batch.move_mouse(mouse_plan[t])
        for i, arena in enumerate(singles):
            arena.move_cat(None if still_cat else cat_plan[t, i : i + 1])
            arena.move_mouse(mouse_plan[t, i : i + 1])
        assert np.array_equal(batch.cat, np.concatenate([a.cat for a in singles]))
        assert np.array_equal(batch.mouse, np.concatenate([a.mouse for a in singles]))
        assert np.array_equal(batch.moves, np.concatenate([a.moves for a in singles]))
        assert np.array_equal(batch.caught, np.concatenate([a.caught for a in singles]))
        assert np.array_equal(batch.observe(), np.concatenate([a.observe() for a in singles]))
    assert batch.done.all()
    if catching:
        assert 0 < batch.caught.sum() < n  # some rounds ended early by a catch, some ran to the limit
    else:
        assert (batch.moves == limit).all() and not batch.caught.any()
