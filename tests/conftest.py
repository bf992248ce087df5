"""What every test shares: `import game` works however pytest is started (python -m pytest, pytest, any working
directory), every test's outcome is independent of how fast the machine is, and the fixtures several test
folders use (a display, a view on the design-size window, the shipped brains' folder).

Tests marked `slow` (the pygbag build, the real page in Chromium, training runs) are left out of the quick loop
with `python -m pytest -m "not slow"`; CI runs them all."""

import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # pygame tests draw headless
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

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


@pytest.fixture(scope="session")
def weights() -> Path:
    """The shipped brains' folder."""
    return Path(ROOT) / "weights"


@pytest.fixture
def display():
    """pygame's display and fonts, headless (SDL_VIDEODRIVER=dummy where there is no screen), closed after."""
    import pygame

    pygame.display.init()
    pygame.font.init()
    yield pygame
    pygame.quit()


@pytest.fixture
def view(display):
    """The real View, drawing on a window of the landscape layout's design size."""
    from game.ui.view import DESIGN_H, DESIGN_W, View

    return View(display.display.set_mode((DESIGN_W, DESIGN_H)))
