"""The mouse's teachers (game/world/teachers.py): the post's teacher exactly as the post words it, and the solved
pursuit game (optimal mouse, perfect cat, par) checked against a plain brute-force minimax written here."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from game.world.teachers import TEACHER_NAMES, Pursuit, post_teacher, pursuit, teacher_moves

UP, RIGHT, DOWN, LEFT = 0, 1, 2, 3
NAMES = ("Up", "Right", "Down", "Left")


def teach(cat, mouse, width=6, height=6) -> int:
    return int(post_teacher(np.array([cat], dtype=np.int32), np.array([mouse], dtype=np.int32), width, height)[0])


def spec_teacher(cat: tuple[int, int], mouse: tuple[int, int], width: int, height: int) -> int:
    """The post's wording, one rule a line, first rule that holds wins."""
    dx, dy = mouse[0] - cat[0], mouse[1] - cat[1]
    on_top, on_bottom = mouse[1] == height - 1, mouse[1] == 0
    if dx >= 0:
        if dy > dx and not on_top:
            return UP
        if -dy > dx and not on_bottom:
            return DOWN
        if dy > 0 and mouse[0] == width - 1:
            return UP
        if dy < 0 and mouse[0] == width - 1:
            return DOWN
        return RIGHT
    if dy > -dx and not on_top:
        return UP
    if -dy > -dx and not on_bottom:
        return DOWN
    if dy >= 0 and mouse[0] == 0:
        return UP
    if dy < 0 and mouse[0] == 0:
        return DOWN
    return LEFT


# -- the post's teacher: hand-worked cases, one per rule, wall and corner ------------------------------------

# (cat, mouse, expected move, why); 6×6, so the top row is y = 5 and the right wall x = 5.
HAND_CASES_6x6 = [
    # dx >= 0 half
    ((1, 1), (2, 4), UP, "dx=1, dy=3: dy > dx, not on the top row -> Up"),
    ((1, 1), (2, 5), RIGHT, "dx=1, dy=4: dy > dx but on the top row; no other rule -> default Right"),
    ((1, 4), (2, 1), DOWN, "dx=1, dy=-3: -dy > dx, not on the bottom row -> Down"),
    ((1, 4), (2, 0), RIGHT, "dx=1, dy=-4: -dy > dx but on the bottom row; not on the right wall -> Right"),
    ((2, 1), (5, 2), UP, "dx=3, dy=1: rules 1-2 fail; dy > 0 on the right wall -> Up"),
    ((3, 4), (5, 2), DOWN, "dx=2, dy=-2: -dy > dx fails (equal); dy < 0 on the right wall -> Down"),
    ((1, 2), (3, 3), RIGHT, "dx=2, dy=1: no rule holds -> default Right"),
    ((2, 1), (2, 3), UP, "dx=0 counts as dx >= 0: dy=2 > 0 -> Up"),
    ((2, 2), (2, 2), RIGHT, "dx=dy=0 (seed task: same cell): nothing holds -> Right"),
    ((5, 3), (5, 3), RIGHT, "dx=dy=0 on the right wall: rules 3-4 need dy != 0 -> Right (into the wall)"),
    ((1, 3), (4, 3), RIGHT, "dx=3, dy=0: dy > dx fails, -dy > dx fails -> Right"),
    ((4, 3), (5, 3), RIGHT, "dx=1, dy=0 on the right wall: dy is 0, so neither wall rule -> Right (into the wall)"),
    ((2, 1), (5, 5), UP, "top-right corner, dx=3, dy=4: rule 1 blocked by the top row; dy > 0 on the right wall "
                         "-> Up (into the wall)"),
    ((2, 4), (5, 0), DOWN, "bottom-right corner, dx=3, dy=-4: rule 2 blocked by the bottom row; dy < 0 on the "
                           "right wall -> Down (into the wall)"),
    ((4, 1), (5, 5), UP, "top-right corner, dx=1, dy=4: rule 1 blocked; right wall with dy > 0 -> Up"),
    # dx < 0 half (the mirror)
    ((4, 1), (3, 4), UP, "dx=-1, dy=3: dy > -dx, not on the top row -> Up"),
    ((4, 1), (3, 5), LEFT, "dx=-1, dy=4: dy > -dx but on the top row; not at x=0 -> default Left"),
    ((4, 4), (3, 1), DOWN, "dx=-1, dy=-3: -dy > -dx, not on the bottom row -> Down"),
    ((4, 4), (3, 0), LEFT, "dx=-1, dy=-4: -dy > -dx but on the bottom row; not at x=0 -> Left"),
    ((3, 2), (0, 2), UP, "dx=-3, dy=0: rules 1-2 fail; dy >= 0 at x=0 -> Up (note >=, unlike the dx >= 0 half)"),
    ((3, 3), (0, 1), DOWN, "dx=-3, dy=-2: -dy > -dx fails; dy < 0 at x=0 -> Down"),
    ((3, 1), (0, 4), UP, "dx=-3, dy=3: dy > -dx fails (equal); dy >= 0 at x=0 -> Up"),
    ((4, 2), (2, 3), LEFT, "dx=-2, dy=1: no rule holds -> default Left"),
    ((5, 3), (1, 3), LEFT, "dx=-4, dy=0, not at x=0 -> Left"),
    ((3, 1), (0, 5), UP, "top-left corner, dx=-3, dy=4: rule 1 blocked by the top row; dy >= 0 at x=0 -> Up "
                         "(into the wall)"),
    ((3, 4), (0, 0), DOWN, "bottom-left corner, dx=-3, dy=-4: rule 2 blocked by the bottom row; dy < 0 at x=0 "
                           "-> Down (into the wall)"),
    ((3, 0), (0, 0), UP, "bottom-left corner, dx=-3, dy=0: dy >= 0 at x=0 -> Up"),
    ((1, 5), (0, 5), UP, "top-left corner, dx=-1, dy=0: rule 1 fails (0 > 1 false); dy >= 0 at x=0 -> Up (wall)"),
]


@pytest.mark.parametrize("cat, mouse, expected, why", HAND_CASES_6x6, ids=[c[3].split(":")[0] for c in HAND_CASES_6x6])
def test_post_teacher_hand_worked_cases(cat, mouse, expected, why):
    assert teach(cat, mouse) == expected, f"{why}; got {NAMES[teach(cat, mouse)]}"


def test_post_teacher_uses_width_and_height_separately():
    # 7×4: the top row is y = 3 and the right wall x = 6.
    assert teach((3, 1), (6, 2), 7, 4) == UP  # dx=3, dy=1 on the right wall (x=6) -> Up
    assert teach((4, 0), (5, 3), 7, 4) == RIGHT  # dx=1, dy=3 but y=3 is the top row -> Right
    assert teach((4, 0), (5, 3), 6, 6) == UP  # the same cells on 6×6: not the top row -> Up
    assert teach((3, 1), (5, 2), 7, 4) == RIGHT  # x=5 is not the right wall on 7×4 -> Right
    assert teach((3, 1), (5, 2), 6, 6) == UP  # ...but it is on 6×6 -> Up


def test_hand_cases_cover_every_rule_of_both_halves():
    # Which rule fired, by the SPEC re-implementation's order; every one of the ten outcomes appears.
    def rule(cat, mouse, width=6, height=6):
        dx, dy = mouse[0] - cat[0], mouse[1] - cat[1]
        s = 1 if dx >= 0 else -1
        conditions = [dy > s * dx and mouse[1] != height - 1, -dy > s * dx and mouse[1] != 0,
                      (dy > 0 if s > 0 else dy >= 0) and mouse[0] == (width - 1 if s > 0 else 0),
                      dy < 0 and mouse[0] == (width - 1 if s > 0 else 0)]
        first = next((k for k, c in enumerate(conditions) if c), 4)
        return ("east" if s > 0 else "west", first)

    fired = {rule(cat, mouse) for cat, mouse, _, _ in HAND_CASES_6x6}
    assert fired == {(half, k) for half in ("east", "west") for k in range(5)}
    corners = {mouse for _, mouse, _, _ in HAND_CASES_6x6 if mouse[0] in (0, 5) and mouse[1] in (0, 5)}
    assert corners == {(0, 0), (5, 0), (0, 5), (5, 5)}


@pytest.mark.parametrize("width, height", [(6, 6), (4, 4), (5, 7), (8, 5), (16, 9), (4, 16)])
def test_post_teacher_equals_spec_wording_on_every_position(width, height):
    cells = [(x, y) for y in range(height) for x in range(width)]
    pairs = [(c, m) for c in cells for m in cells]
    if (width, height) == (6, 6):
        assert len(pairs) == 1296
    cat = np.array([c for c, _ in pairs], dtype=np.int32)
    mouse = np.array([m for _, m in pairs], dtype=np.int32)
    got = post_teacher(cat, mouse, width, height)
    assert got.dtype == np.int32 and got.shape == (len(pairs),)
    expected = [spec_teacher(c, m, width, height) for c, m in pairs]
    wrong = [(pairs[i], int(got[i]), expected[i]) for i in range(len(pairs)) if got[i] != expected[i]]
    assert not wrong, wrong[:5]


def test_teacher_moves_by_name():
    assert TEACHER_NAMES == ("post", "optimal")
    rng = np.random.default_rng(0)
    cat = rng.integers(0, 6, size=(200, 2)).astype(np.int32)
    mouse = rng.integers(0, 6, size=(200, 2)).astype(np.int32)
    np.testing.assert_array_equal(teacher_moves("post", cat, mouse, 6, 6), post_teacher(cat, mouse, 6, 6))
    np.testing.assert_array_equal(teacher_moves("optimal", cat, mouse, 6, 6), pursuit(6, 6).mouse_moves(cat, mouse))
    with pytest.raises(ValueError, match=r"unknown teacher 'stupid': choose one of post, optimal"):
        teacher_moves("stupid", cat, mouse, 6, 6)


# -- the pursuit game, brute force -------------------------------------------------------------------------


class BruteForce:
    """Plain minimax by iterative deepening: can a king-move cat, to move, catch within k of its moves?"""

    MOUSE = [(0, 1), (1, 0), (0, -1), (-1, 0)]
    CAT = [(0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1)]

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cat_wins = lru_cache(maxsize=None)(self._cat_wins)

    def step(self, cell, d):
        x, y = cell[0] + d[0], cell[1] + d[1]
        return (min(max(x, 0), self.width - 1), min(max(y, 0), self.height - 1))

    def _cat_wins(self, cat, mouse, k: int) -> bool:
        if cat == mouse:
            return True
        if k == 0:
            return False
        for d in self.CAT:
            cat2 = self.step(cat, d)
            if cat2 == mouse:
                return True
            # Every mouse reply either walks onto the cat or is caught within k-1 more cat moves.
            if all(m2 == cat2 or self.cat_wins(cat2, m2, k - 1) for m2 in (self.step(mouse, e) for e in self.MOUSE)):
                return True
        return False

    def par(self, cat, mouse) -> int:
        limit = 4 * self.width * self.height  # far more than enough; hitting it fails the test
        for k in range(limit):
            if self.cat_wins(cat, mouse, k):
                return k
        raise AssertionError(f"brute force found no catch within {limit} moves from {cat}, {mouse}")

    def mouse_value(self, cat, mouse, move: int) -> int:
        """Cat moves still needed after the mouse (to move) takes `move`; 0 for stepping onto the cat."""
        m2 = self.step(mouse, self.MOUSE[move])
        return 0 if m2 == cat else self.par(cat, m2)

    def after_cat(self, cat, mouse) -> int:
        return max(self.mouse_value(cat, mouse, k) for k in range(4))


def cells_of(width, height):
    return [(x, y) for y in range(height) for x in range(width)]


@pytest.fixture(scope="module", params=[(4, 4), (5, 4), (4, 6)], ids=lambda s: f"{s[0]}x{s[1]}")
def solved(request):
    width, height = request.param
    return Pursuit(width, height), BruteForce(width, height)


def test_par_of_every_start_matches_brute_force(solved):
    game, brute = solved
    cells = cells_of(game.width, game.height)
    cat = np.array([c for c in cells for _ in cells], dtype=np.int32)
    mouse = np.array([m for _ in cells for m in cells], dtype=np.int32)
    expected = np.array([brute.par(c, m) for c in cells for m in cells])
    np.testing.assert_array_equal(game.start_par(cat, mouse), expected)
    # The par table itself is indexed by cell number y * W + x.
    for (cx, cy) in cells[::3]:
        for (mx, my) in cells:
            assert game.par[cy * game.width + cx, my * game.width + mx] == brute.par((cx, cy), (mx, my))


def test_optimal_mouse_and_perfect_cat_play_to_par(solved):
    game, brute = solved
    cells = cells_of(game.width, game.height)
    pairs = [(c, m) for c in cells for m in cells if c != m]
    cat = np.array([c for c, _ in pairs], dtype=np.int32)
    mouse = np.array([m for _, m in pairs], dtype=np.int32)
    values = game.mouse_values(cat, mouse)
    chosen_mouse = game.mouse_moves(cat, mouse)
    chosen_cat = game.cat_moves(cat, mouse)
    for i, (c, m) in enumerate(pairs):
        # Mouse to move: every move's value is the brute-force value, and the chosen one is the best.
        brute_values = [brute.mouse_value(c, m, k) for k in range(4)]
        assert values[i].tolist() == brute_values, (c, m)
        assert brute_values[chosen_mouse[i]] == max(brute_values), (c, m)
        # Cat to move: its move lands on the mouse when par is 1, otherwise leaves exactly par - 1 to go.
        par = brute.par(c, m)
        landing = brute.step(c, BruteForce.CAT[chosen_cat[i]])
        if par == 1:
            assert landing == m, (c, m)
        else:
            assert landing != m and brute.after_cat(landing, m) == par - 1, (c, m)


def test_optimal_mouse_breaks_ties_towards_open_space_by_hand():
    # 6×6, mouse to move at (1, 0) on the bottom wall, cat at (3, 0).
    # Right to (2, 0) lands next to the cat: caught on the cat's next move (value 1).
    # Left to (0, 0): the cat must reach (1, 1) to trap the corner, two moves away, then catch: 3 more moves.
    # Down is clipped (the mouse stays at (1, 0)): the cat needs x = 1 to cover both (0, 0) and (2, 0) — 3 moves.
    # Up to (1, 1): also 3 (checked by brute force below). Three moves tie at 3; only Up leaves the wall.
    # (Further from the cat would pick Left: squared distances are Up 5, Down 4, Left 9.)
    game, brute = pursuit(6, 6), BruteForce(6, 6)
    cat, mouse = np.array([[3, 0]], dtype=np.int32), np.array([[1, 0]], dtype=np.int32)
    assert [brute.mouse_value((3, 0), (1, 0), k) for k in range(4)] == [3, 1, 3, 3]
    assert game.mouse_values(cat, mouse)[0].tolist() == [3, 1, 3, 3]
    assert game.mouse_moves(cat, mouse)[0] == UP
    # Mirrored, the cat at (0, 3) and the mouse at (0, 1) on the left wall: Right is the move into open space.
    cat, mouse = np.array([[0, 3]], dtype=np.int32), np.array([[0, 1]], dtype=np.int32)
    assert game.mouse_values(cat, mouse)[0].tolist() == [1, 3, 3, 3]
    assert game.mouse_moves(cat, mouse)[0] == RIGHT


def clipped(cell, d, width, height):
    return (min(max(cell[0] + d[0], 0), width - 1), min(max(cell[1] + d[1], 0), height - 1))


def openness(cell, width, height):
    return min(cell[0], width - 1 - cell[0], cell[1], height - 1 - cell[1])


@pytest.mark.parametrize("width, height", [(6, 6), (8, 8), (7, 5)])
def test_tie_breaks_hold_everywhere(width, height):
    game = pursuit(width, height)
    cells = cells_of(width, height)
    pairs = [(c, m) for c in cells for m in cells if c != m]
    cat = np.array([c for c, _ in pairs], dtype=np.int32)
    mouse = np.array([m for _, m in pairs], dtype=np.int32)
    values = game.mouse_values(cat, mouse)
    chosen = game.mouse_moves(cat, mouse)
    chosen_cat = game.cat_moves(cat, mouse)
    for i, (c, m) in enumerate(pairs):
        # Mouse: best value, then open space, then away from the cat, then move order.
        keys = []
        for k, d in enumerate(BruteForce.MOUSE):
            landing = clipped(m, d, width, height)
            gap = (landing[0] - c[0]) ** 2 + (landing[1] - c[1]) ** 2
            keys.append((int(values[i, k]), openness(landing, width, height), gap, -k))
        assert chosen[i] == keys.index(max(keys)), (c, m)
        # Cat: soonest catch, then towards the mouse, then move order.
        keys = []
        for k, d in enumerate(BruteForce.CAT):
            landing = clipped(c, d, width, height)
            value = -1 if landing == m else int(game.after_cat[landing[1] * width + landing[0], m[1] * width + m[0]])
            keys.append((value, (landing[0] - m[0]) ** 2 + (landing[1] - m[1]) ** 2, k))
        assert chosen_cat[i] == keys.index(min(keys)), (c, m)


def test_par_facts_on_many_sizes():
    for width in (4, 5, 7, 10, 13, 16):
        for height in (4, 6, 9, 12, 16):
            game = Pursuit(width, height)
            c = np.arange(width * height)
            cx, cy = c % width, c // width
            chebyshev = np.maximum(abs(cx[:, None] - cx[None, :]), abs(cy[:, None] - cy[None, :]))
            # The king-move cat always catches: par is finite everywhere (well below the "never" marker).
            assert game.par.max() <= 2 * max(width, height), (width, height)
            assert (np.diag(game.par) == 0).all()
            # Next to the cat (a king's step away) the par is exactly 1, and nowhere else.
            assert np.array_equal(game.par == 1, chebyshev == 1), (width, height)
            # The cat closes at most one step a move, and the mouse can always hold its distance.
            assert (game.par >= chebyshev).all(), (width, height)


def test_par_satisfies_the_minimax_equations_on_8x8():
    # An independent check of the fixed point, written with loops over cells rather than the module's arrays.
    width = height = 8
    game = pursuit(width, height)
    brute = BruteForce(width, height)
    par = game.par
    number = {cell: cell[1] * width + cell[0] for cell in cells_of(width, height)}
    for c in cells_of(width, height):
        for m in cells_of(width, height):
            if c == m:
                continue
            best = min(
                0 if brute.step(c, d) == m else max(
                    0 if brute.step(m, e) == brute.step(c, d) else int(par[number[brute.step(c, d)],
                                                                            number[brute.step(m, e)]])
                    for e in BruteForce.MOUSE)
                for d in BruteForce.CAT)
            assert par[number[c], number[m]] == 1 + best, (c, m)


def test_pursuit_is_cached_and_checks_its_size():
    assert pursuit(6, 6) is pursuit(6, 6)
    with pytest.raises(ValueError, match="width 3"):
        Pursuit(3, 6)
