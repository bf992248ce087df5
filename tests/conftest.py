"""Make `import game` work however pytest is started (python -m pytest, pytest, any working directory), and keep
every test's outcome independent of how fast the machine is."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import pytest  # noqa: E402


def counting_clock(tick_s: float = 2e-4):
    """A clock that moves by tick_s at every reading: each piece of learning work costs the same, whatever the
    machine, so a frame's budget buys the same work everywhere (a few pieces at the default speeds)."""
    now = [0.0]

    def clock() -> float:
        now[0] += tick_s
        return now[0]

    return clock


@pytest.fixture(autouse=True)
def learning_counts_work_not_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Live learning is budgeted by its CPU time a frame, so how much a game learns in N frames would depend on
    the machine. In tests its clock counts readings instead (counting_clock): what a test sees learned follows
    the frames and rounds played, not the machine's speed. Tests of the budget give the learner their own."""
    from game.brains import learner

    monkeypatch.setattr(learner, "learning_clock", counting_clock)
