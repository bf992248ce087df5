"""The game's colours, in one place for every drawing module. The pieces and arrows use the Okabe–Ito palette,
which colour-blind players can tell apart: the cat orange, the mouse sky blue, the teacher yellow."""

# Okabe–Ito
ORANGE = (230, 159, 0)
SKY = (86, 180, 233)
GREEN = (0, 158, 115)
YELLOW = (240, 228, 66)
BLUE = (0, 114, 178)
VERMILLION = (213, 94, 0)
PURPLE = (204, 121, 167)

BACKGROUND = (24, 26, 32)
PANEL = (34, 37, 45)
CELL = (46, 50, 60)
CELL_ALT = (51, 55, 66)
GRID_EDGE = (62, 67, 80)
TEXT = (232, 234, 240)
DIM = (150, 156, 170)
FAINT = (96, 102, 116)
INK = (16, 17, 20)


def mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    """The colour t of the way from a to b (t clipped to 0..1)."""
    t = max(0.0, min(1.0, t))
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))
