"""game.rows: the fast row gathers and scatters give what plain indexing gives, on the shapes the rules use."""

from __future__ import annotations

import numpy as np
import pytest

from game.world.rows import put_rows, same_cells, take_rows


@pytest.mark.parametrize("dtype, columns", [(np.int32, 2), (np.float32, 5), (np.uint64, 1), (np.uint64, 3)])
def test_put_and_take_rows_are_plain_indexing(dtype, columns):
    rng = np.random.default_rng(0)
    a = rng.integers(0, 1 << 20, size=(500, columns)).astype(dtype)
    rows = np.sort(rng.choice(500, 120, replace=False))
    values = rng.integers(0, 1 << 20, size=(120, columns)).astype(dtype)
    np.testing.assert_array_equal(take_rows(a, rows), a[rows])
    plain, fast = a.copy(), a.copy()
    plain[rows] = values
    put_rows(fast, rows, values)
    np.testing.assert_array_equal(fast, plain)


def test_put_rows_into_a_view_that_is_not_contiguous_falls_back_to_plain_indexing():
    a = np.zeros((10, 6), dtype=np.int32)
    put_rows(a[:, ::2], np.array([1, 4]), np.ones((2, 3), dtype=np.int32))
    assert a[1].tolist() == [1, 0, 1, 0, 1, 0] and a[4].tolist() == [1, 0, 1, 0, 1, 0] and a.sum() == 6


def test_same_cells_compares_both_axes():
    a = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.int32)
    b = np.array([[1, 2], [3, 5], [6, 6]], dtype=np.int32)
    assert same_cells(a, b).tolist() == [True, False, False]
