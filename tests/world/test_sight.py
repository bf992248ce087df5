"""What the mouse sees (game/world/sight.py): the presets, the five-feature input, the belief B checked against a plain
set-based replay of the issue's rules written here, and the cautious teacher checked against a plain min/mean
over B of the solved pursuit values (teachers.Pursuit.par, itself checked against brute force in
test_teachers.py), hand-worked cases, and the optimal mouse under full sight."""

from __future__ import annotations

import numpy as np
import pytest

from game.arena import CAT_MOVES, MOUSE_MOVES, Arena, features
from game.world.cats import cat_moves
from game.world.sight import (
    CLASSIC,
    FEATURE_NAMES,
    FLICKER,
    FOG,
    SIGHTS,
    Belief,
    Sight,
    cat_reach,
    cautious_moves,
    cautious_values,
    sight_features,
    sight_named,
)
from game.world.teachers import pursuit

UP, RIGHT, DOWN, LEFT = 0, 1, 2, 3
CAT = {name: k for k, name in enumerate(("Up", "Up-Right", "Right", "Down-Right", "Down", "Down-Left", "Left",
                                         "Up-Left"))}
SIZES = [(4, 4), (5, 7), (6, 6), (8, 5), (8, 8), (16, 16)]  # 16×16: 2·W·H belief rows pass 255


# -- the plain reference: the issue's rules on Python sets, one round at a time ------------------------------


def clip(v: int, side: int) -> int:
    return min(max(v, 0), side - 1)


def ref_reach(cells: set, width: int, height: int) -> set:
    """Every cell one king move from a cell of the set, each axis clipped at the wall."""
    return {(clip(x + dx, width), clip(y + dy, height)) for x, y in cells
            for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0)}


def ref_sees(sight: Sight, t: int, cat: tuple, mouse: tuple) -> bool:
    near = sight.reach is None or max(abs(cat[0] - mouse[0]), abs(cat[1] - mouse[1])) <= sight.reach
    return t % sight.beat == 0 and near


def ref_update(b: set, sight: Sight, t: int, cat: tuple, mouse: tuple, width: int, height: int) -> set:
    b = ref_reach(b, width, height)
    if ref_sees(sight, t, cat, mouse):
        return {cat}
    if t % sight.beat == 0:
        b = {c for c in b if max(abs(c[0] - mouse[0]), abs(c[1] - mouse[1])) > sight.reach}
    return b - {mouse}


def ref_start(mouse: tuple, width: int, height: int) -> set:
    return {(x, y) for x in range(width) for y in range(height)} - {mouse}


def as_set(row: np.ndarray, width: int) -> set:
    return {(int(c) % width, int(c) // width) for c in np.flatnonzero(row)}


def ref_cautious(b: set, mouse: tuple, width: int, height: int) -> tuple[int, list[int], list[int]]:
    """min and total over B of the pursuit's value of each move (0 when it lands on that cat cell); best by
    (guaranteed, total, the landing cell's distance to its nearest wall, summed squared distance from B,
    earlier move)."""
    par = pursuit(width, height).par
    guaranteed, total, keys = [], [], []
    for a, (dx, dy) in enumerate(MOUSE_MOVES.tolist()):
        land = (clip(mouse[0] + dx, width), clip(mouse[1] + dy, height))
        values = [0 if c == land else int(par[c[1] * width + c[0], land[1] * width + land[0]]) for c in b]
        guaranteed.append(min(values))
        total.append(sum(values))
        open_space = min(land[0], width - 1 - land[0], land[1], height - 1 - land[1])
        spread = sum((land[0] - c[0]) ** 2 + (land[1] - c[1]) ** 2 for c in b)
        keys.append((guaranteed[-1], total[-1], open_space, spread, -a))
    best = max(range(4), key=lambda a: keys[a])
    return best, guaranteed, total


# -- rounds played with the batched code, the cats moving as in training ------------------------------------


def play_rounds(sight: Sight, width: int, height: int, n: int, seed: int, mouse: str = "mixed",
                cats: tuple[str, ...] = ("perfect", "greedy", "random"), limit: int = 30, cat=None, mouse_start=None):
    """Yield (arena, belief, seen, active, teacher moves) at every mouse move of n rounds. The mouse follows the
    cautious teacher ("cautious"), moves at random ("random"), or each in turn by round ("mixed")."""
    rng = np.random.default_rng(seed)
    arena = Arena(width, height, n=n, move_limit=limit)
    arena.rng = rng
    arena.reset(cat=cat, mouse=mouse_start)
    belief = Belief(sight, width, height, arena.mouse)
    kinds = np.arange(n) % len(cats)
    for _ in range(limit):
        chosen = np.zeros(n, dtype=np.int32)
        for k, name in enumerate(cats):
            rounds = kinds == k
            chosen[rounds] = cat_moves(name, arena.cat[rounds], arena.mouse[rounds], width, height, rng)
        arena.move_cat(chosen)
        active = ~arena.done
        if not active.any():
            return
        seen = belief.update(arena.moves, arena.cat, arena.mouse, active)
        taught = cautious_moves(belief.cells, arena.mouse, width, height)
        yield arena, belief, seen, active, taught
        moves = {"cautious": taught, "random": rng.integers(0, 4, size=n)}.get(mouse)
        if moves is None:
            moves = np.where(np.arange(n) % 2 == 0, taught, rng.integers(0, 4, size=n))
        arena.move_mouse(moves)


def cells(arena: Arena, who: str, i: int) -> tuple[int, int]:
    return tuple(int(v) for v in getattr(arena, who)[i])


ODD_SIGHT = Sight("every other move, one cell", beat=2, reach=1)


@pytest.mark.parametrize("sight", [CLASSIC, FOG, FLICKER, ODD_SIGHT], ids=lambda s: s.name)
@pytest.mark.parametrize("width, height", SIZES)
def test_belief_equals_the_set_replay_of_the_rules(sight, width, height):
    n = 24
    reference = None
    steps = 0
    for arena, belief, seen, active, _ in play_rounds(sight, width, height, n, seed=width * 100 + height):
        if reference is None:
            # Before the first move: every cell but the mouse's (the cat has moved since; the mouse has not).
            reference = [ref_start(cells(arena, "mouse", i), width, height) for i in range(n)]
        assert not seen[~active].any()  # finished rounds are not updated and see nothing
        for i in range(n):
            if not active[i]:
                assert as_set(belief.cells[i], width) == reference[i], "a finished round's B changed"
                continue
            t, cat, mouse = int(arena.moves[i]), cells(arena, "cat", i), cells(arena, "mouse", i)
            reference[i] = ref_update(reference[i], sight, t, cat, mouse, width, height)
            assert bool(seen[i]) == ref_sees(sight, t, cat, mouse)
            assert as_set(belief.cells[i], width) == reference[i], (sight.name, t, i)
            assert cat in reference[i]  # the rules never rule out the true cell
            if sight is CLASSIC:
                assert reference[i] == {cat}
            steps += 1
    assert steps > n * 5  # rounds were long enough to exercise the rules, not ended at once


def test_dilation_by_hand_interior_wall_and_corner():
    width, height = 6, 5
    def reach_of(cell):
        one = np.zeros((1, width * height), dtype=bool)
        one[0, cell[1] * width + cell[0]] = True
        return as_set(cat_reach(one, width, height)[0], width)
    # Interior: the eight neighbours; the cat has no standing move, so not its own cell.
    assert reach_of((2, 2)) == {(x, y) for x in (1, 2, 3) for y in (1, 2, 3)} - {(2, 2)}
    # Against the top wall Up and the diagonals up are clipped: it can stay, or slide along the wall.
    assert reach_of((2, 4)) == {(1, 4), (2, 4), (3, 4), (1, 3), (2, 3), (3, 3)}
    # In a corner: the 2×2 block, its own cell included.
    assert reach_of((5, 0)) == {(4, 0), (5, 0), (4, 1), (5, 1)}


def hand_round(sight: Sight, width: int, height: int, cat: tuple, mouse: tuple, turns: list[tuple[str, int]]):
    """One round with the given cat and mouse moves; yields (B as a set, features) at each mouse move."""
    arena = Arena(width, height, n=1, move_limit=40)
    arena.reset(cat=np.array([cat]), mouse=np.array([mouse]))
    belief = Belief(sight, width, height, arena.mouse)
    for cat_move, mouse_move in turns:
        assert not arena.move_cat(np.array([CAT[cat_move]]))[0]
        seen = belief.update(arena.moves, arena.cat, arena.mouse)
        yield as_set(belief.cells[0], width), sight_features(seen, arena.cat, arena.mouse, width, height)[0]
        assert not arena.move_mouse(np.array([mouse_move]))[0]


def assert_features(x: np.ndarray, expected: list) -> None:
    # The coordinates are the arena's own scaling in float32 (k * float32(1/(W-1))), within a float32 step of k/(W-1).
    np.testing.assert_allclose(x, np.array(expected, dtype=np.float64), rtol=0, atol=1e-7)
    np.testing.assert_array_equal(x == 0, np.array(expected) == 0)


def rect(x0, x1, y0, y1) -> set:
    return {(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)}


def test_fog_by_hand_on_8x8():
    board = rect(0, 7, 0, 7)
    steps = hand_round(FOG, 8, 8, (7, 7), (0, 0), [("Down-Left", RIGHT), ("Down-Left", UP), ("Down-Left", UP),
                                                   ("Down-Left", LEFT), ("Up", UP)])
    # t=0: cat (6,6), mouse (0,0): every cell is reachable; unseen, so not in the 3×3 sight square.
    b, x = next(steps)
    assert b == board - rect(0, 2, 0, 2) and len(b) == 55
    assert_features(x, [0, 0, 0, 0, 0])
    # t=1: cat (5,5), mouse (1,0): the cat cannot have reached (0..1, 0..1) from outside the old square,
    # and the new square is x 0..3, y 0..2.
    b, x = next(steps)
    assert b == board - rect(0, 3, 0, 2) and len(b) == 52
    # t=2: cat (4,4), mouse (1,1): distance 3, unseen; square x 0..3, y 0..3.
    b, _ = next(steps)
    assert b == board - rect(0, 3, 0, 3) and len(b) == 48
    # t=3: cat (3,3), mouse (1,2): distance 2, seen.
    b, x = next(steps)
    assert b == {(3, 3)}
    assert_features(x, [1, 3 / 7, 3 / 7, 1 / 7, 2 / 7])
    # t=4: cat (3,4), mouse (0,2): distance 3; the eight cells around (3,3) but those in the square x 0..2.
    b, x = next(steps)
    assert b == {(3, 2), (4, 2), (4, 3), (4, 4), (3, 4)}
    assert_features(x, [0, 0, 0, 0, 2 / 7])


def test_flicker_by_hand_on_6x6():
    steps = hand_round(FLICKER, 6, 6, (5, 5), (0, 0), [("Down-Left", UP), ("Left", UP), ("Down-Left", RIGHT),
                                                       ("Up", RIGHT)])
    b, x = next(steps)  # t=0, a beat: seen across the board
    assert b == {(4, 4)}
    assert_features(x, [1, 4 / 5, 4 / 5, 0, 0])
    b, x = next(steps)  # t=1: unseen, cat (3,4); the ring around (4,4)
    assert b == rect(3, 5, 3, 5) - {(4, 4)}
    assert_features(x, [0, 0, 0, 0, 1 / 5])
    b, _ = next(steps)  # t=2: unseen, cat (2,3); one more king move from the ring
    assert b == rect(2, 5, 2, 5) and (2, 3) in b
    b, x = next(steps)  # t=3, a beat: cat (2,4) seen
    assert b == {(2, 4)}
    assert_features(x, [1, 2 / 5, 4 / 5, 1 / 5, 2 / 5])


def test_off_the_beat_only_the_mouses_own_cell_is_ruled_out():
    # Flicker, t=1: the mouse (2,2) stands in the ring around the cat's last seen cell (3,3); only that cell goes.
    # Under fog the same round rules out every cell within 2 of the mouse.
    turns = [("Down-Left", UP), ("Up", UP)]
    flicker = hand_round(FLICKER, 6, 6, (4, 4), (2, 1), turns)
    assert next(flicker)[0] == {(3, 3)}
    assert next(flicker)[0] == rect(2, 4, 2, 4) - {(3, 3), (2, 2)}
    fog = hand_round(FOG, 6, 6, (4, 4), (2, 1), turns)
    assert next(fog)[0] == {(3, 3)}  # distance 2: seen
    b, x = next(fog)  # cat (3,4), mouse (2,2): distance 2, seen
    assert b == {(3, 4)} and x[0] == 1


# -- the features ----------------------------------------------------------------------------------------------


def test_features_exact_values():
    assert FEATURE_NAMES == ("cat_seen", "cat_x", "cat_y", "mouse_x", "mouse_y")
    cat = np.array([(3, 5), (3, 5), (0, 6), (4, 0)], dtype=np.int32)
    mouse = np.array([(7, 0), (7, 0), (4, 6), (0, 3)], dtype=np.int32)
    seen = np.array([True, False, True, False])
    x8 = sight_features(seen[:2], cat[:2], mouse[:2], 8, 8)
    assert x8.dtype == np.float32 and x8.shape == (2, 5)
    assert_features(x8[0], [1, 3 / 7, 5 / 7, 1, 0])
    assert_features(x8[1], [0, 0, 0, 1, 0])  # unseen: zeros, not the last place seen
    # 5 wide, 7 high: x scales by 1/4, y by 1/6.
    x57 = sight_features(seen[2:], cat[2:], mouse[2:], 5, 7)
    assert_features(x57[0], [1, 0, 1, 1, 1])
    assert_features(x57[1], [0, 0, 0, 0, 3 / 6])
    # Bit for bit the arena's classic input where the cat is seen, and exact zeros where it is not.
    for x, (lo, hi), side in ((x8, (0, 2), 8), (x57, (2, 4), (5, 7))):
        w, h = (side, side) if isinstance(side, int) else side
        classic = features(cat[lo:hi], mouse[lo:hi], w, h)
        np.testing.assert_array_equal(x[:, 3:], classic[:, 2:])
        np.testing.assert_array_equal(x[:, 1:3], classic[:, :2] * seen[lo:hi, None])
        np.testing.assert_array_equal(x[:, 0], seen[lo:hi].astype(np.float32))


# -- the presets ------------------------------------------------------------------------------------------------


def test_presets_are_the_issues():
    assert set(SIGHTS) == {"classic", "fog", "flicker"}
    assert (CLASSIC.beat, CLASSIC.reach, FOG.beat, FOG.reach, FLICKER.beat, FLICKER.reach) == (1, None, 1, 2, 3, None)
    assert sight_named("fog") is FOG
    cat = np.array([(0, 0), (2, 2), (3, 0), (7, 7)], dtype=np.int32)
    mouse = np.array([(0, 1), (0, 0), (0, 0), (0, 0)], dtype=np.int32)
    np.testing.assert_array_equal(FOG.sees(5, cat, mouse), [True, True, False, False])
    np.testing.assert_array_equal(CLASSIC.sees(5, cat, mouse), [True] * 4)
    np.testing.assert_array_equal(FLICKER.sees(np.array([0, 3, 4, 5]), cat, mouse), [True, True, False, False])


@pytest.mark.parametrize("kw, word", [({"beat": 0}, "beat 0"), ({"reach": -1}, "reach -1"),
                                      ({"beat": 1.5}, "beat 1.5")])
def test_bad_sights_are_refused_clearly(kw, word):
    with pytest.raises(ValueError, match=word):
        Sight("odd", **kw)
    with pytest.raises(ValueError, match="unknown sight 'mist': choose one of classic, fog, flicker"):
        sight_named("mist")


# -- the cautious teacher ---------------------------------------------------------------------------------------


def teach(b: set, mouse: tuple, width: int, height: int):
    belief = np.zeros((1, width * height), dtype=bool)
    for x, y in b:
        belief[0, y * width + x] = True
    m = np.array([mouse], dtype=np.int32)
    guaranteed, total = cautious_values(belief, m, width, height)
    return int(cautious_moves(belief, m, width, height)[0]), guaranteed[0].tolist(), total[0].tolist()


def test_cautious_by_hand_never_onto_a_possible_cat_then_move_order():
    # 4×4, mouse in the corner (0,0); the cat is on (0,1) or (1,0). Up and Right may land on it (0);
    # Down and Left bump the walls and stay, next to both cells (1): equal means too, so Down, the first.
    move, guaranteed, total = teach({(0, 1), (1, 0)}, (0, 0), 4, 4)
    assert guaranteed == [0, 0, 1, 1] and total[2:] == [2, 2] and move == DOWN


def test_cautious_by_hand_ties_go_to_the_larger_mean():
    # The cat is on (0,1) or (2,0). Right, Down and Left all guarantee 1 (Right lands next to both cells;
    # staying is next to (0,1)); staying is 2 or more away from (2,0), so Down's mean beats Right's.
    move, guaranteed, total = teach({(0, 1), (2, 0)}, (0, 0), 4, 4)
    assert guaranteed == [0, 1, 1, 1]
    assert total[1] == 2 and total[2] == total[3] >= 3
    assert move == DOWN


def test_cautious_by_hand_keeps_away_from_a_possible_cat_whatever_the_mean():
    # 8×8, mouse (3,3): the cat may be on (3,5), right above, or anywhere in the far bottom-right corner.
    far = rect(6, 7, 0, 1)
    move, guaranteed, total = teach({(3, 5)} | far, (3, 3), 8, 8)
    assert guaranteed[UP] == 1 and min(guaranteed[a] for a in (RIGHT, DOWN, LEFT)) >= 2
    assert move != UP


@pytest.mark.parametrize("width, height", [(4, 4), (5, 7), (8, 8), (9, 8), (16, 16)])
def test_cautious_equals_the_plain_min_and_mean_on_random_beliefs(width, height):
    # Random beliefs of every density, also past 64 cells (several 64-bit words per belief).
    rng = np.random.default_rng(width * height)
    n = 60
    belief = rng.random((n, width * height)) < rng.random((n, 1)) ** 2
    belief[np.arange(n), rng.integers(0, width * height, size=n)] = True
    mouse = np.stack([rng.integers(0, width, size=n), rng.integers(0, height, size=n)], axis=1).astype(np.int32)
    moves = cautious_moves(belief, mouse, width, height)
    guaranteed, total = cautious_values(belief, mouse, width, height)
    assert moves.dtype == np.int32 and moves.shape == (n,)
    for i in range(n):
        best, g, t = ref_cautious(as_set(belief[i], width), cells_of(mouse, i), width, height)
        assert (int(moves[i]), guaranteed[i].tolist(), total[i].tolist()) == (best, g, t)


def cells_of(xy: np.ndarray, i: int) -> tuple[int, int]:
    return int(xy[i, 0]), int(xy[i, 1])


@pytest.mark.parametrize("sight", [FOG, FLICKER], ids=lambda s: s.name)
def test_cautious_equals_the_plain_min_and_mean_in_played_rounds(sight):
    for arena, belief, _, active, taught in play_rounds(sight, 8, 8, 16, seed=7):
        for i in np.flatnonzero(active):
            best, _, _ = ref_cautious(as_set(belief.cells[i], 8), cells(arena, "mouse", i), 8, 8)
            assert int(taught[i]) == best


@pytest.mark.parametrize("width, height", [(4, 4), (5, 7), (6, 6), (8, 5), (8, 8)])
def test_with_full_sight_the_cautious_teacher_is_the_optimal_mouse(width, height):
    # B is the cat's one cell on every position of the grid: the cautious move is the optimal mouse's, move for
    # move (its ties after the mean are broken the optimal mouse's way), and its guarantee is that move's value.
    p = pursuit(width, height)
    n = width * height
    c, m = np.divmod(np.arange(n * n), n)
    apart = c != m
    cat, mouse = p.xy[c[apart]], p.xy[m[apart]]
    belief = np.zeros((len(cat), n), dtype=bool)
    belief[np.arange(len(cat)), c[apart]] = True
    cautious = cautious_moves(belief, mouse, width, height)
    np.testing.assert_array_equal(cautious, p.mouse_moves(cat, mouse))
    values = p.mouse_values(cat, mouse)
    assert (cautious != np.argmax(values, axis=1)).any()  # the ties matter: move order alone is not it
    guaranteed, _ = cautious_values(belief, mouse, width, height)
    np.testing.assert_array_equal(guaranteed, values)


def test_with_full_sight_played_rounds_follow_the_optimal_mouse():
    # The same through the belief: classic sight sees the cat at every move, so B is its cell and the teacher
    # is the optimal mouse at every move of rounds played against moving cats.
    for arena, _, seen, active, taught in play_rounds(CLASSIC, 8, 8, 300, 5):
        assert seen[active].all()
        optimal = pursuit(8, 8).mouse_moves(arena.cat, arena.mouse)
        np.testing.assert_array_equal(taught[active], optimal[active])


# -- determinism --------------------------------------------------------------------------------------------------


def record(sight: Sight, seed: int, n: int, **kw) -> list[tuple[np.ndarray, ...]]:
    return [(belief.cells.copy(), seen.copy(), taught.copy(), arena.cat.copy(), arena.mouse.copy())
            for arena, belief, seen, _, taught in play_rounds(sight, 8, 8, n, seed, **kw)]


@pytest.mark.parametrize("sight", [FOG, FLICKER], ids=lambda s: s.name)
def test_same_seed_same_rounds_and_rows_do_not_depend_on_the_batch(sight):
    first, again = record(sight, 3, 32), record(sight, 3, 32)
    assert len(first) == len(again) > 5
    for a, b in zip(first, again, strict=True):
        for x, y in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, y)
    # Deterministic cats and the cautious mouse from given starts: the first 8 rounds played alone are the
    # same 8 rows of the batch of 32.
    rng = np.random.default_rng(11)
    cat = np.stack([rng.integers(0, 8, 32), rng.integers(0, 8, 32)], axis=1).astype(np.int32)
    mouse = (cat + np.array([3, 4])) % 8
    kw = {"mouse": "cautious", "cats": ("perfect", "greedy"), "cat": cat, "mouse_start": mouse}
    whole = record(sight, 0, 32, **kw)
    alone = record(sight, 1, 8, **{**kw, "cat": cat[:8], "mouse_start": mouse[:8]})
    assert 5 < len(alone) <= len(whole)  # the batch plays on until its last round ends
    for a, b in zip(whole[: len(alone)], alone, strict=True):
        for x, y in zip(a, b, strict=True):
            np.testing.assert_array_equal(x[:8], y)


def test_king_moves_table_is_the_arenas():
    # The reference's eight king moves are arena.CAT_MOVES (no standing move), so both play the same cat.
    assert {tuple(d) for d in CAT_MOVES.tolist()} == {(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)} - {(0, 0)}
