"""Scripted cats (game/world/cats.py): the perfect cat plays to par, greedy closes in, random and noisy are seeded."""

from __future__ import annotations

import numpy as np
import pytest

from game.arena import CAT_MOVES, Arena
from game.world.cats import CAT_NAMES, CATS, cat_moves, greedy_cat
from game.world.teachers import pursuit, teacher_moves


def all_starts(width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    cells = np.array([(x, y) for y in range(height) for x in range(width)], dtype=np.int32)
    cat = np.repeat(cells, len(cells), axis=0)
    mouse = np.tile(cells, (len(cells), 1))
    apart = ~np.all(cat == mouse, axis=1)
    return cat[apart], mouse[apart]


def chase(width, height, cat_name, mouse_name, rng, limit=200):
    """Play every start to its end; returns the starts and how many cat moves each round took."""
    cat, mouse = all_starts(width, height)
    arena = Arena(width, height, n=len(cat), move_limit=limit)
    arena.reset(cat=cat, mouse=mouse)
    cat_moves_made = np.zeros(len(cat), dtype=np.int64)
    while not arena.done.all():
        cat_moves_made += ~arena.done
        arena.move_cat(cat_moves(cat_name, arena.cat, arena.mouse, width, height, rng))
        if mouse_name == "optimal":
            moves = teacher_moves("optimal", arena.cat, arena.mouse, width, height)
        else:
            moves = rng.integers(0, 4, size=len(cat))
        arena.move_mouse(moves)
    return cat, mouse, cat_moves_made, arena


@pytest.mark.parametrize("width, height", [(4, 4), (6, 6), (5, 8), (8, 8)])
def test_perfect_cat_catches_the_optimal_mouse_in_exactly_par_moves(width, height):
    cat, mouse, taken, arena = chase(width, height, "perfect", "optimal", np.random.default_rng(0))
    assert arena.caught.all()
    np.testing.assert_array_equal(taken, pursuit(width, height).start_par(cat, mouse))


def test_perfect_cat_catches_any_mouse_within_par():
    cat, mouse, taken, arena = chase(7, 6, "perfect", "random", np.random.default_rng(1))
    assert arena.caught.all()
    par = pursuit(7, 6).start_par(cat, mouse)
    assert (taken <= par).all()
    assert (taken < par).any()  # a random mouse blunders


@pytest.mark.parametrize("cat_name", ["greedy", "random", "noisy"])
def test_optimal_mouse_survives_at_least_par_against_any_cat(cat_name):
    cat, mouse, taken, arena = chase(6, 6, cat_name, "optimal", np.random.default_rng(2), limit=60)
    par = pursuit(6, 6).start_par(cat, mouse)
    assert (taken >= np.minimum(par, 60)).all()


def test_greedy_cat_steps_to_the_nearest_cell_and_always_closes_in():
    width, height = 7, 5
    cat, mouse = all_starts(width, height)
    moves = cat_moves("greedy", cat, mouse, width, height, np.random.default_rng(0))
    np.testing.assert_array_equal(moves, greedy_cat(cat, mouse, width, height))
    for c, m, k in zip(cat.tolist(), mouse.tolist(), moves.tolist(), strict=True):
        def after(move, c=c, m=m):
            x = min(max(c[0] + int(CAT_MOVES[move][0]), 0), width - 1)
            y = min(max(c[1] + int(CAT_MOVES[move][1]), 0), height - 1)
            return (x - m[0]) ** 2 + (y - m[1]) ** 2

        before = (c[0] - m[0]) ** 2 + (c[1] - m[1]) ** 2
        assert after(k) < before, (c, m)
        distances = [after(j) for j in range(8)]
        assert k == distances.index(min(distances)), (c, m)  # nearest, ties in move order


def test_greedy_cat_by_hand():
    cat = np.array([[0, 0], [3, 3], [5, 5]], dtype=np.int32)
    mouse = np.array([[4, 2], [3, 0], [5, 0]], dtype=np.int32)
    # (0,0) -> mouse (4,2): Up-Right to (1,1) is nearest. (3,3) -> (3,0): straight Down to (3,2).
    # (5,5) in the top-right corner -> (5,0): Down-Right is clipped at the right wall to (5,4), the same cell as
    # Down; the tie goes to the earlier move in clockwise order, Down-Right (3) before Down (4).
    assert greedy_cat(cat, mouse, 6, 6).tolist() == [1, 4, 3]


@pytest.mark.parametrize("name", ["random", "noisy"])
def test_random_and_noisy_cats_are_seeded(name):
    cat, mouse = all_starts(6, 6)
    a = cat_moves(name, cat, mouse, 6, 6, np.random.default_rng(7))
    b = cat_moves(name, cat, mouse, 6, 6, np.random.default_rng(7))
    c = cat_moves(name, cat, mouse, 6, 6, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.dtype == np.int32 and a.min() >= 0 and a.max() <= 7
    assert set(a.tolist()) == set(range(8))


@pytest.mark.parametrize("name", ["perfect", "greedy", "random", "noisy", "clumsy"])
def test_a_cat_asked_for_some_rounds_decides_as_for_all_and_draws_the_same(name):
    cat, mouse = all_starts(6, 6)
    whole_rng, some_rng = np.random.default_rng(5), np.random.default_rng(5)
    whole = cat_moves(name, cat, mouse, 6, 6, whole_rng)
    among = np.flatnonzero(np.arange(len(cat)) % 3 == 1)
    some = cat_moves(name, cat[among], mouse[among], 6, 6, some_rng, among=among, rounds=len(cat))
    np.testing.assert_array_equal(some, whole[among])
    assert some.dtype == np.int32
    assert whole_rng.integers(1 << 30) == some_rng.integers(1 << 30), "the random stream moved differently"


def test_noisy_cat_is_mostly_perfect():
    cat, mouse = all_starts(6, 6)
    noisy = cat_moves("noisy", cat, mouse, 6, 6, np.random.default_rng(3))
    perfect = cat_moves("perfect", cat, mouse, 6, 6, np.random.default_rng(3))
    same = (noisy == perfect).mean()
    # A slip is a uniformly random move, which is the perfect one 1 time in 8.
    slip = CATS["noisy"].slip
    expected = 1 - slip + slip / 8
    assert abs(same - expected) < 0.04


def test_random_cat_is_uniform():
    cat, mouse = all_starts(6, 6)
    moves = cat_moves("random", np.repeat(cat, 4, axis=0), np.repeat(mouse, 4, axis=0), 6, 6,
                      np.random.default_rng(4))
    counts = np.bincount(moves, minlength=8) / len(moves)
    assert np.abs(counts - 1 / 8).max() < 0.02


def test_perfect_and_greedy_ignore_the_rng():
    cat, mouse = all_starts(5, 5)
    for name in ("perfect", "greedy"):
        rng = np.random.default_rng(0)
        a = cat_moves(name, cat, mouse, 5, 5, rng)
        assert rng.random() == np.random.default_rng(0).random()  # nothing drawn
        np.testing.assert_array_equal(a, cat_moves(name, cat, mouse, 5, 5, np.random.default_rng(99)))


def test_unknown_cat_name_is_a_clear_error():
    assert CAT_NAMES == ("perfect", "greedy", "noisy", "random")
    cat, mouse = all_starts(4, 4)
    with pytest.raises(ValueError) as info:
        cat_moves("lazy", cat, mouse, 4, 4, np.random.default_rng(0))
    assert str(info.value) == ("unknown cat 'lazy': choose one of perfect, greedy, noisy, random, clumsy, straight, "
                               "greedy-last, greedy-random, greedy-king, greedy-king-random, noisy-10, noisy-50")


def test_the_clumsy_cat_is_greedy_but_for_a_random_move_now_and_then():
    cat, mouse = all_starts(6, 6)
    moves = cat_moves("clumsy", cat, mouse, 6, 6, np.random.default_rng(3))
    differs = float(np.mean(moves != greedy_cat(cat, mouse, 6, 6)))
    assert 0.05 < differs < 0.1  # slips one time in ten, and a slip lands on the greedy move one time in eight


# -- cats to judge a brain against (or train it with) beside the four -----------------------------------------


def landing_distances(width, height, cat, mouse, king):
    """Per start and cat move (arena.CAT_MOVES' order): how far the landing cell is from the mouse, by hand."""
    out = np.zeros((len(cat), 8), dtype=np.int64)
    for k, (dx, dy) in enumerate(CAT_MOVES.tolist()):
        x = np.clip(cat[:, 0] + dx, 0, width - 1) - mouse[:, 0]
        y = np.clip(cat[:, 1] + dy, 0, height - 1) - mouse[:, 1]
        out[:, k] = np.maximum(abs(x), abs(y)) if king else x * x + y * y
    return out


@pytest.mark.parametrize("name, king, last", [("greedy-last", False, True), ("greedy-king", True, False)])
def test_greedy_variants_step_to_a_nearest_cell_with_their_own_tie_rule(name, king, last):
    cat, mouse = all_starts(6, 5)
    moves = cat_moves(name, cat, mouse, 6, 5, np.random.default_rng(0))
    distance = landing_distances(6, 5, cat, mouse, king)
    nearest = distance == distance.min(axis=1, keepdims=True)
    want = np.array([np.flatnonzero(row)[-1 if last else 0] for row in nearest])
    np.testing.assert_array_equal(moves, want)


@pytest.mark.parametrize("name, king", [("greedy-random", False), ("greedy-king-random", True)])
def test_random_tie_greedy_cats_pick_among_the_nearest_and_vary(name, king):
    cat, mouse = all_starts(6, 6)
    distance = landing_distances(6, 6, cat, mouse, king)
    nearest = distance == distance.min(axis=1, keepdims=True)
    rng = np.random.default_rng(1)
    picks = np.stack([cat_moves(name, cat, mouse, 6, 6, rng) for _ in range(20)])
    assert nearest[np.arange(len(cat))[None, :], picks].all()
    tied = nearest.sum(axis=1) > 1
    assert (picks[:, tied] != picks[0, tied]).any(axis=0).mean() > 0.5  # ties are broken differently


@pytest.mark.parametrize("name, slip", [("noisy-10", 0.10), ("noisy-50", 0.50)])
def test_noisy_variants_slip_at_their_rate(name, slip):
    cat, mouse = all_starts(8, 8)
    perfect = pursuit(8, 8).cat_moves(cat, mouse)
    moves = cat_moves(name, cat, mouse, 8, 8, np.random.default_rng(2))
    # a slip is a random one of eight moves: 7 in 8 of them differ from the perfect cat's
    assert abs((moves != perfect).mean() - slip * 7 / 8) < 0.02
