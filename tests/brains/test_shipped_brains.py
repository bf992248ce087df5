"""Every shipped brain still meets its row of weights/README.md, and its command still makes it, bit for bit.

The table's figures are measured afresh here by the code that printed them (`python -m game.train --table`).
On the numeric stack a brain was made with (its meta's `made_with`: NumPy, BLAS library and kernel) every figure
must be exactly the one written; elsewhere a float may round one unit of its last digit differently, but the
figures the table calls exact (exhaustive mistakes, the cat's shares) must still be exact.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from game.brains.brainfile import load_brain
from game.training.provenance import reproduction_gap
from game.training.reports import brain_row, cat_row

pytestmark = pytest.mark.slow  # re-runs the shipped brains' training commands

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "weights"
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def readme_rows(header_start: str) -> dict[str, list[str]]:
    """The rows of the README table whose header begins with header_start, by brain file name."""
    rows: dict[str, list[str]] = {}
    lines = (WEIGHTS / "README.md").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith(header_start):
            for row in lines[i + 2:]:
                if not row.startswith("| "):
                    break
                cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
                rows[cells[0]] = cells
    return rows


MOUSE_ROWS = readme_rows("| brain | arch | hidden | teacher |")
CAT_ROWS = readme_rows("| brain | arch | hidden | trained against |")
EXACT_MOUSE_COLUMNS = (6,)  # exhaustive mistakes


def numbers(cell: str) -> list[tuple[float, float]]:
    """Each number in a cell, with one unit of its last printed digit."""
    found = []
    for text in NUMBER.findall(cell):
        plain = text.replace(",", "")
        decimals = len(plain.split(".")[1]) if "." in plain else 0
        found.append((float(plain), 10.0 ** -decimals))
    return found


def assert_row(written: list[str], measured: list[str], exact_columns: tuple[int, ...], same_stack: bool) -> None:
    assert len(measured) >= len(written), "the README table has columns the --table code no longer prints"
    for column, (want, got) in enumerate(zip(written, measured, strict=False)):
        if same_stack or column in exact_columns or want == got:
            assert got == want, f"column {column}: the README says {want!r}, measured now {got!r}"
            continue
        pairs = list(zip(numbers(want), numbers(got), strict=False))
        assert pairs and len(numbers(want)) == len(numbers(got)), f"column {column}: {want!r} vs {got!r}"
        for (w, unit), (g, _) in pairs:
            assert abs(w - g) <= unit * 1.01, f"column {column}: the README says {want!r}, measured now {got!r}"


def test_the_readme_lists_every_shipped_brain() -> None:
    shipped = {path.name for path in WEIGHTS.glob("*.npz")}
    assert shipped == set(MOUSE_ROWS) | set(CAT_ROWS)


@pytest.mark.parametrize("name", sorted(MOUSE_ROWS))
def test_a_shipped_mouse_brain_meets_its_row(name: str) -> None:
    path = WEIGHTS / name
    same_stack = not reproduction_gap(load_brain(path, sight=None).meta.get("made_with") or {})
    assert_row(MOUSE_ROWS[name], brain_row(path), EXACT_MOUSE_COLUMNS, same_stack)


@pytest.mark.parametrize("name", sorted(CAT_ROWS))
def test_a_shipped_cat_brain_meets_its_row(name: str) -> None:
    path = WEIGHTS / name
    same_stack = not reproduction_gap(load_brain(path, role="cat").meta.get("made_with") or {})
    assert_row(CAT_ROWS[name], cat_row(path), (4, 5, 6), same_stack)


def test_every_shipped_brain_says_what_it_was_made_with() -> None:
    for path in sorted(WEIGHTS.glob("*.npz")):
        meta = load_brain(path, role=None, sight=None).meta
        made = meta.get("made_with")
        assert made and re.fullmatch(r"[0-9a-f]{12}", made["code"]), f"{path.name}: made_with {made!r}"
        assert made["numpy"] and made["blas"] and "kernel?" not in made["blas"], f"{path.name}: {made!r}"


@pytest.mark.parametrize("name", ["lstm16_post.npz", "lstm32_post.npz"])
def test_the_command_of_a_seed_task_brain_makes_it_again_bit_for_bit(name: str, tmp_path: Path) -> None:
    """The quick ones (seconds each); the others' commands take minutes and were re-run by hand."""
    shipped = load_brain(WEIGHTS / name)
    gap = reproduction_gap(shipped.meta["made_with"])
    if gap:
        pytest.skip(f"{name} was made on another numeric stack, so its bits need that stack: " + "; ".join(gap))
    args = iter(shipped.meta["command"].split()[3:])  # after "python -m game.train"
    out = tmp_path / name
    argv: list[str] = ["--out", str(out)]  # the command's --out and --curve (with their values) are left out
    for arg in args:
        if arg in ("--out", "--curve"):
            next(args)
        else:
            argv.append(arg)
    done = subprocess.run([sys.executable, "-m", "game.train", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    with np.load(WEIGHTS / name) as want, np.load(out) as got:
        arrays = [key for key in want.files if key != "meta"]
        assert arrays == [key for key in got.files if key != "meta"]
        for key in arrays:
            assert np.array_equal(want[key], got[key]), f"{name}: {key} differs from the shipped file"
