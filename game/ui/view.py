"""All drawing: the arena, the animals, and the panel that shows what the mouse's brain is doing.

The picture is laid out on a design grid and drawn straight at the window's size (no bitmap scaling), so lines
and text stay crisp however the window is stretched. Three layouts share the drawing: landscape (1040×640, the
full panel beside the board), compact (the same grid with a shorter panel of larger text, for a landscape phone)
and portrait (640×1040, the board at full width with the compact panel under it). The one used is picked from
the screen's size in CSS pixels, so text stays legible at arm's length (choose_layout). Colours are the
Okabe–Ito palette, which colour-blind players can tell apart: the cat orange, the mouse sky blue, the teacher yellow.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pygame

from ..arena import MOUSE_MOVE_NAMES, MOUSE_MOVES
from ..brains.brainfile import printable
from ..play.picture import Cell, Picture
from ..play.round import versus_par
from ..world.cats import CAT_NAMES
from .furniture_view import draw_furniture
from .overlays import OVERLAYS, drawn_over
from .palette import (
    BACKGROUND,
    BLUE,
    CELL,
    CELL_ALT,
    DIM,
    FAINT,
    GREEN,
    GRID_EDGE,
    INK,
    ORANGE,
    PANEL,
    PURPLE,
    SKY,
    TEXT,
    VERMILLION,
    YELLOW,
    mix,
)
from .sight_view import SightLayer

DESIGN_W, DESIGN_H = 1040, 640  # the landscape layout's design grid, the window's size on desktop
TURN_SECONDS = 0.12  # how long the animals take to glide one cell
TEXT_CACHE = 160  # rendered labels kept; a frame shows about 60, most unchanged from the last

HELP_LINES = (
    ("Play", ""),
    ("Arrows / W A S D", "move the cat up, left, down, right"),
    ("Q  E  Z  C", "move diagonally (up-left, up-right, down-left, down-right)"),
    ("Keypad 7 8 9 4 6 1 2 3", "all eight moves"),
    ("Click or tap a cell", "step towards it (a diagonal neighbour: a diagonal step)"),
    ("R / N", "retry the round from the same start / new round, new start"),
    ("P / Space", "pause"),
    ("G", "what the mouse sees: classic, fog, flicker"),
    ("M / Shift+M", "next / previous room: the open board, then rooms with furniture, each with its own brain"),
    ("Watch", ""),
    ("V", "watch mode on/off: a cat plays by itself"),
    ("X / Shift+X", "next / previous cat: " + ", ".join(CAT_NAMES) + ", then each cat brain"),
    ("F", "watch speed ×1, ×4, max"),
    ("Brain", ""),
    ("B / Shift+B", "next / previous brain file for this sight"),
    ("L", "learn from the teacher on/off"),
    ("T", "switch teacher: the post's or the optimal mouse (fog, flicker: cautious)"),
    ("[  ]", "learning speed down / up"),
    ("Backspace", "reset to the pretrained weights"),
    ("Ctrl+S", "save the brain as a new file in user_brains/ (browser: a download)"),
    ("Overlays", ""),
    *((o.label, o.help) for o in OVERLAYS.values()),
    ("Screen", ""),
    ("H / F1 / ?", "this help"),
    ("Esc", "close help; quit (asks first if learning is unsaved)"),
)

# What a finger does, before the keys: the help as a phone's player needs it.
TOUCH_HELP = (
    ("Tap a cell", "the cat steps towards it, diagonals too"),
    ("The pad under the game", "eight moves: up, down, left, right and the four diagonals"),
    ("The panel below the game", "what the mouse sees, brains, learning, the cat, download"),
)

LEGEND = (
    (SKY, "blue arrow: the move the mouse's brain made"),
    (YELLOW, "yellow ghost arrow: the teacher's move, when it differs"),
    (ORANGE, "fading dots: where each animal has been"),
)


def ease(p: float) -> float:
    p = max(0.0, min(1.0, p))
    return 1.0 - (1.0 - p) ** 3


# A diverging map for the LSTM's memory: blue below zero, orange above, the cells' grey at zero.
STATE_COLOURS = [mix(BLUE, CELL, k / 32) if k <= 32 else mix(CELL, ORANGE, (k - 32) / 32) for k in range(65)]



@dataclass(frozen=True)
class Layout:
    """Where everything goes on one design grid; boxes are (x, y, w, h) in design units."""

    name: str
    design: tuple[int, int]
    arena: tuple[float, float, float, float]
    panel: tuple[float, float, float, float]  # the HUD: the brain, the round, choice, memory, agreement, learning
    message: tuple[float, float, float, float]  # the top bar right of the title
    mode_right: float  # the mode line ends here (anchored top right)
    caption: tuple[float, float, float]  # the sight's caption line: left, top, width
    text: float  # the smallest text size the layout draws (design units); compact layouts hold every text to it
    compact: bool


LANDSCAPE = Layout("landscape", (DESIGN_W, DESIGN_H), (24, 60, 560, 560), (612, 24, 404, 600), (190, 6, 394, 46),
                   584, (24, 627, 560), 12, False)
COMPACT = Layout("compact", (DESIGN_W, DESIGN_H), (24, 60, 560, 560), (612, 22, 404, 606), (190, 4, 394, 48),
                 584, (612, 566, 404), 20, True)
PORTRAIT = Layout("portrait", (640, 1040), (16, 64, 608, 608), (16, 760, 608, 270), (214, 4, 418, 52),
                  624, (16, 682, 608), 22, True)
LAYOUTS = {layout.name: layout for layout in (LANDSCAPE, COMPACT, PORTRAIT)}
MIN_CSS_TEXT = 11.0  # the smallest text a player reads without zooming, in CSS pixels
FULL_PANEL_TEXT = 14  # the full panel's common small text (its hints and curve labels)
MAX_CANVAS_PIXELS = 2_000_000  # a crisp canvas costs its pixels every frame: about 3× a 1040×640 one at most
MAX_DENSITY = 2.0  # device pixels per CSS pixel: a phone's 3 would cost 2.25× the pixels for little to see


def choose_layout(css_w: float, css_h: float) -> Layout:
    """The layout for a screen of this size in CSS pixels: portrait when it is clearly taller than wide;
    else the full landscape panel where its small text comes out at 10.5 CSS px or more (a desktop window),
    the compact one where it would not (a phone on its side)."""
    if css_h > css_w * 1.15:
        return PORTRAIT
    scale = min(css_w / LANDSCAPE.design[0], css_h / LANDSCAPE.design[1])
    return LANDSCAPE if FULL_PANEL_TEXT * scale >= MIN_CSS_TEXT - 0.5 else COMPACT


def canvas_for(css_w: float, css_h: float, dpr: float) -> tuple[Layout, tuple[int, int], float]:
    """For a box of css_w×css_h CSS pixels at this devicePixelRatio: the layout, the canvas size in device pixels
    that shows it crisp (the design's shape, as large as fits the box, capped at MAX_CANVAS_PIXELS), and that
    canvas's device pixels per CSS pixel (dpr, or less where capped)."""
    layout = choose_layout(css_w, css_h)
    dw, dh = layout.design
    css = max(0.05, min(css_w / dw, css_h / dh))  # CSS px per design unit
    density = max(0.5, min(MAX_DENSITY, float(dpr)))
    density = min(density, math.sqrt(MAX_CANVAS_PIXELS / (dw * dh)) / css)
    return layout, (max(1, round(dw * css * density)), max(1, round(dh * css * density))), density


# What the panel shows, read from the picture: the panel is redrawn when one of these changed, else blitted.
PANEL_FIELDS = (
    "brain_name", "brain_label", "hidden_size", "tuned_line", "tuned_updates", "heldout_now", "watching",
    "cat_label", "cat_detail", "round_number", "cat_moves_made", "moves_made", "move_limit", "par", "best",
    "brain_move", "teacher_move", "probabilities", "readout", "memory", "memory_title", "teacher", "agreement",
    "value_optimal", "agreement_window", "curve", "curve_stride", "learning", "learn_speed",
    "learn_budget_ms", "updates_per_round", "updates", "start_heldout", "fallbacks", "room_name", "untrained",
    "session_line",
)


def frozen(value: Any) -> Any:
    """A picture's value as something to compare with ==: arrays by their bytes, dicts by their repr, the
    memory's rows (name, array, hint) by theirs; anything else (numbers, text, tuples of numbers) as it is."""
    if isinstance(value, np.ndarray):
        return value.dtype.str, value.shape, value.tobytes()
    if isinstance(value, dict):
        return repr(value)
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return tuple(frozen(item) for item in value)
    if isinstance(value, tuple) and len(value) == 3 and isinstance(value[1], np.ndarray):
        return value[0], frozen(value[1]), value[2]
    return value


def panel_key(pic: Picture) -> tuple:
    return (*(frozen(getattr(pic, name)) for name in PANEL_FIELDS), frozen(pic.brain_meta))


def round_line(pic: Picture) -> str:
    """The round's count in the score's unit: the cat's moves, against par (in cat moves too); in a room, which."""
    where = f" in the {pic.room_name}" if pic.room_rows is not None else ""
    return f"Round {pic.round_number}{where}  ·  cat moves {pic.cat_moves_made}  ·  par {pic.par}"


def limit_line(pic: Picture) -> str:
    """The move limit, which counts the mouse's moves, said as such."""
    return (f"score: cat moves against par  ·  the mouse escapes after {pic.move_limit} of its moves "
            f"({pic.moves_made} made)")

class View:
    """Draws a Game onto the display surface; knows where every cell is so clicks can be read back."""

    def __init__(self, screen: pygame.Surface, density: float = 1.0, cache: bool = True) -> None:
        self.screen = screen
        self.density = density  # the screen's pixels per CSS pixel (the page's devicePixelRatio; 1 on desktop)
        self.cache = cache  # keep the panel's picture and redraw it only when what it shows changed
        self.fonts: dict[int, pygame.font.Font] = {}
        self.texts: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._parts: dict[str, tuple[Any, pygame.Rect, Any]] = {}
        self.panel_draws = 0  # times the panel was drawn rather than blitted from its cache
        self.layout(screen.get_size())
        self._shade: pygame.Surface | None = None
        self._board: pygame.Surface | None = None
        self._board_key: tuple | None = None
        self._static: pygame.Surface | None = None  # the background with the cached panel drawn on it
        self._static_key: tuple | None = None  # the background the panel's picture was drawn on
        self._under_key: tuple | None = None  # the sight's shades in the static picture
        self._banner: pygame.Surface | None = None
        self.timing_text = ""
        self.timing_time = -math.inf
        self.sight_layer = SightLayer()

    # -- geometry ----------------------------------------------------------------------------------------

    def layout(self, size: tuple[int, int]) -> None:
        w, h = size
        self.size = size
        self.plan = choose_layout(w / self.density, h / self.density)
        self.ARENA_BOX = self.plan.arena
        self.PANEL_X, self.PANEL_W = self.plan.panel[0], self.plan.panel[2]
        self.MESSAGE_BOX = self.plan.message
        dw, dh = self.plan.design
        self.scale = min(w / dw, h / dh)
        self.origin = ((w - dw * self.scale) / 2, (h - dh * self.scale) / 2)
        self.smallest_text = math.inf  # the smallest text drawn since this layout began, in screen pixels
        self._shade = None
        self._board = None
        self._parts = {}
        self._static = None

    def set_screen(self, screen: pygame.Surface, density: float | None = None) -> None:
        self.screen = screen
        if density is not None:
            self.density = density
        self.layout(screen.get_size())

    def report(self, size: Cell) -> dict[str, Any]:
        """The layout as the page and its tests read it: its name and design size, the canvas in device pixels,
        the board of an arena of this size in canvas pixels, and its cell and the smallest text drawn so far,
        in CSS pixels."""
        left, top, cell = self.grid(size)
        x, y = self.pt(left, top)
        css = self.scale / self.density
        smallest = self.smallest_text if math.isfinite(self.smallest_text) else None
        return {"name": self.plan.name, "design": list(self.plan.design), "canvas": list(self.size),
                "density": round(self.density, 3), "board": {"left": x, "top": y, "cell": round(cell * self.scale, 2)},
                "cell_css": round(cell * css, 2),
                "smallest_text_css": None if smallest is None else round(smallest / self.density, 2)}

    def px(self, v: float) -> int:
        return round(v * self.scale)

    def pt(self, x: float, y: float) -> tuple[int, int]:
        return round(self.origin[0] + x * self.scale), round(self.origin[1] + y * self.scale)

    def rect(self, x: float, y: float, w: float, h: float) -> pygame.Rect:
        left, top = self.pt(x, y)
        right, bottom = self.pt(x + w, y + h)
        return pygame.Rect(left, top, max(1, right - left), max(1, bottom - top))

    def grid(self, size: Cell) -> tuple[float, float, float]:
        """Design-space left, top and cell size of the grid of an arena of this size (width, height)."""
        x, y, w, h = self.ARENA_BOX
        W, H = size
        cell = min(w / W, h / H)
        return x + (w - cell * W) / 2, y + (h - cell * H) / 2, cell

    def cell_centre(self, size: Cell, cx: float, cy: float) -> tuple[float, float]:
        left, top, cell = self.grid(size)
        H = size[1]
        return left + (cx + 0.5) * cell, top + (H - 1 - cy + 0.5) * cell

    def cell_at(self, size: Cell, pos: tuple[int, int]) -> Cell | None:
        """The cell of an arena of this size under a screen position, or None outside the grid."""
        left, top, cell = self.grid(size)
        dx = (pos[0] - self.origin[0]) / self.scale - left
        dy = (pos[1] - self.origin[1]) / self.scale - top
        W, H = size
        cx, row = math.floor(dx / cell), math.floor(dy / cell)
        if 0 <= cx < W and 0 <= row < H:
            return cx, H - 1 - row
        return None

    # -- text --------------------------------------------------------------------------------------------

    def font(self, size: float) -> pygame.font.Font:
        pixels = self.pixels(size)
        if pixels not in self.fonts:
            self.fonts[pixels] = pygame.font.Font(None, pixels)
        return self.fonts[pixels]

    def text(self, s: str, size: float, colour: tuple[int, int, int], x: float, y: float,
             anchor: str = "topleft") -> pygame.Rect:
        pixels = self.pixels(size)
        self.smallest_text = min(self.smallest_text, pixels)
        key = (s, pixels, colour)
        surface = self.texts.get(key)
        if surface is None:
            surface = self.render(self.font(size), s, colour)
            self.texts[key] = surface
            if len(self.texts) > TEXT_CACHE:
                self.texts.popitem(last=False)
        else:
            self.texts.move_to_end(key)
        box = surface.get_rect(**{anchor: self.pt(x, y)})
        self.screen.blit(surface, box)
        return box

    def pixels(self, size: float) -> int:
        """A text size in design units as the font's size in screen pixels; a compact layout draws none smaller
        than its own smallest size."""
        return max(8, round(max(size, self.plan.text if self.plan.compact else 0) * self.scale))

    @staticmethod
    def render(font: pygame.font.Font, s: str, colour: tuple[int, int, int]) -> pygame.Surface:
        """Any text as one line: made printable (pygame refuses NUL and surrogates), and if the font still
        cannot draw it (a string of only zero-width marks), drawn as ASCII escapes."""
        s = printable(s, 400)
        try:
            return font.render(s, True, colour)
        except (pygame.error, ValueError):
            return font.render(s.encode("ascii", "backslashreplace").decode("ascii") or " ", True, colour)

    # -- the frame ---------------------------------------------------------------------------------------

    def draw(self, pic: Picture) -> None:
        if self.screen.get_size() != self.size:
            self.layout(self.screen.get_size())
        self.draw_board(pic)
        x, y, w, h = self.plan.panel
        if self.plan.compact:
            def panel() -> float:
                self.draw_compact_panel(pic, x, y, w)
                return 0.0
        else:
            def panel() -> float:
                return self.draw_panel(pic)
        if self.cache:
            # the background and the panel as one picture (redrawn only when the panel's content changed), then
            # what moves, kept off the panel as the panel drawn over it would keep it
            timing_y, area = self.cached_panel(pic, panel_key(pic), (x - 12, y - 10, w + 24, h + 12), panel)
            self.screen.blit(self._static, (0, 0))
            width, height = self.size
            self.screen.set_clip((0, 0, area.left, height) if area.top <= 0.1 * height else (0, 0, width, area.top))
            try:
                self.draw_title(pic)
                self.draw_arena(pic, under=False)  # the sight's shades are in the static picture
            finally:
                self.screen.set_clip(None)
        else:
            self.screen.blit(self._board, (0, 0))
            self.draw_title(pic)
            self.draw_arena(pic)
            self.panel_draws += 1
            timing_y = panel()
        if not self.plan.compact:
            self.draw_timing(pic, x, timing_y)
        self.sight_layer.draw_caption(self, pic)  # after the panel: a compact layout puts it there
        if pic.paused and not pic.help:
            self.draw_banner("Paused", "P or Space to play on", DIM)
        if pic.help:
            self.draw_help()

    def cached_panel(self, pic: Picture, key: Any, box: tuple[float, float, float, float],
                     draw) -> tuple[Any, pygame.Rect]:
        """The still part of the frame as one picture, self._static: the background, the sight's shades under
        the pieces, and the panel (in this design box). Each is drawn again, on the background restored where it
        goes, only when its key changed (about once a mouse move), so the picture is pixel for pixel what drawing
        it all straight on the screen gives. Returns what draw() returned and the panel's area on the screen."""
        area = self.rect(*box).clip(self.screen.get_rect())
        fresh = self._static is None or self._static.get_size() != self.size
        if fresh:
            self._static, self._under_key, self._parts = self._board.copy(), (), {}
        screen = self.screen
        under = self.sight_layer.key(pic)
        if under != self._under_key:  # the board again where the shades go, then the shades
            self._under_key = under
            left, top, cell = self.grid(pic.size)
            edge = self.rect(left - 6, top - 6, cell * pic.size[0] + 12, cell * pic.size[1] + 12)
            self._static.blit(self._board, edge, edge)
            self.screen = self._static
            try:
                self.sight_layer.draw_under(self, pic)
            finally:
                self.screen = screen
        entry = self._parts.get("panel")
        if entry is None or entry[0] != key or entry[1] != area:
            self._static.blit(self._board, area, area)
            self.screen = self._static
            self._static.set_clip(area)
            try:
                result = draw()
            finally:
                self.screen = screen
                self._static.set_clip(None)
            self.panel_draws += 1
            entry = (key, area, result)
            self._parts["panel"] = entry
        return entry[2], area

    def draw_title(self, pic: Picture) -> None:
        self.text("Cat & Mouse", 34, TEXT, self.plan.arena[0], 18 if not self.plan.compact else 12)
        if pic.message_visible:  # in the top bar, where no piece can be; the mode line is back when it fades
            self.draw_message(pic)
            return
        if pic.watching:
            speed = pic.watch_speed
            mode = f"Watching the {pic.watch_cat} cat  {speed}" if pic.cat_detail is None else \
                f"Brain against brain: {printable(pic.cat_label, 28)}  {speed}"
            if speed == "max":
                mode += f"  ·  {pic.rounds_per_second:.0f} rounds/s"
            colour = PURPLE
        else:
            mode, colour = "You are the cat: catch the mouse", ORANGE
        self.text(mode, 20, colour, self.plan.mode_right, 26 if not self.plan.compact else 16, "topright")

    def draw_board(self, pic: Picture) -> None:
        """What does not move (background, the grid, the panel's card) is drawn once per size and blitted."""
        key = (self.screen.get_size(), pic.size, pic.room_rows)
        if self._board is None or self._board_key != key:
            self._board_key = key
            self._board = pygame.Surface(self.screen.get_size()).convert(self.screen)
            screen, self.screen = self.screen, self._board
            try:
                self.screen.fill(BACKGROUND)
                self.draw_grid(pic)
                x, y, w, h = self.plan.panel
                pygame.draw.rect(self.screen, PANEL, self.rect(x - 12, y - 10, w + 24, h + 12),
                                 border_radius=self.px(12))
            finally:
                self.screen = screen
        if self._board_key != self._static_key:
            self._parts, self._static = {}, None  # a new background: the still picture is made on it again
            self._static_key = key

    def draw_grid(self, pic: Picture) -> None:
        left, top, cell = self.grid(pic.size)
        W, H = pic.size
        pygame.draw.rect(self.screen, GRID_EDGE, self.rect(left - 6, top - 6, cell * W + 12, cell * H + 12),
                         border_radius=self.px(10))
        pygame.draw.rect(self.screen, PANEL, self.rect(left - 4, top - 4, cell * W + 8, cell * H + 8),
                         border_radius=self.px(8))
        gap = max(1.0, cell * 0.05)
        radius = self.px(cell * 0.12)
        for row in range(H):
            for cx in range(W):
                colour = CELL if (cx + row) % 2 == 0 else CELL_ALT
                pygame.draw.rect(self.screen, colour,
                                 self.rect(left + cx * cell + gap / 2, top + row * cell + gap / 2,
                                           cell - gap, cell - gap), border_radius=radius)
        if pic.room_rows is not None:
            draw_furniture(self, pic.size, pic.room_rows)

    def draw_arena(self, pic: Picture, under: bool = True) -> None:
        left, top, cell = self.grid(pic.size)
        fast = pic.watching and pic.watch_speed == "max"
        since = pic.now - pic.turn_time
        p_cat = 1.0 if fast else ease(since / TURN_SECONDS)
        p_mouse = 1.0 if fast else ease((since - 0.03) / TURN_SECONDS)
        cat_xy = self.glide(pic, pic.cat_from, pic.cat_cell, p_cat)
        mouse_xy = self.glide(pic, pic.mouse_from, pic.mouse_cell, p_mouse)
        if under:
            self.sight_layer.draw_under(self, pic)
        if pic.overlays:  # each trail runs on to where its animal is now
            self.draw_trail(pic, pic.cat_trail, ORANGE, cell, cat_xy)
            self.draw_trail(pic, pic.mouse_trail, SKY, cell, mouse_xy)
        over = drawn_over(pic)
        for overlay in over:
            overlay.draw(self, pic, cell)
        if not over and pic.overlays and pic.decision_cell is not None:
            self.draw_decision(pic, cell)
        caught = pic.caught
        if caught:  # the mouse in the cat's paws: small, grey, in front
            self.draw_cat(cat_xy, cell)
            self.draw_mouse((cat_xy[0] + cell * 0.2, cat_xy[1] + cell * 0.22), cell * 0.7, True)
        else:
            self.draw_mouse(mouse_xy, cell, False)
            self.draw_cat(cat_xy, cell)
            self.sight_layer.draw_spotted(self, pic, cat_xy, cell)
        if caught and pic.over:
            pulse = 0.5 + 0.5 * math.sin((pic.now - pic.over_time) * 12)
            # inside the cell, clear of the cell's gap, so in a corner it stays off the board's edge
            pygame.draw.circle(self.screen, mix(VERMILLION, TEXT, pulse), self.pt(*cat_xy),
                               self.px(cell * 0.44), max(2, self.px(3)))
        if pic.over:
            good = pic.result_score is not None
            # the banner sits in the half of the arena away from the cat, so the catch itself stays in view
            upper = pic.cat_cell[1] >= pic.size[1] / 2
            self.draw_banner("Caught!" if good else "Escaped!", pic.result, ORANGE if good else SKY,
                             0.72 if upper else 0.28)

    def glide(self, pic: Picture, start: tuple[int, int], end: tuple[int, int], p: float) -> tuple[float, float]:
        a, b = self.cell_centre(pic.size, *start), self.cell_centre(pic.size, *end)
        return a[0] + (b[0] - a[0]) * p, a[1] + (b[1] - a[1]) * p

    def draw_trail(self, pic: Picture, trail, colour: tuple[int, int, int], cell: float,
                   now_xy: tuple[float, float]) -> None:
        n = len(trail)
        if n == 0:
            return
        points = [self.pt(*self.cell_centre(pic.size, *c)) for c in trail]
        ends = points + [self.pt(*now_xy)]
        for k in range(n):
            fade = (k + 1) / n
            pygame.draw.line(self.screen, mix(CELL, colour, 0.55 * fade), ends[k], ends[k + 1],
                             max(1, self.px(cell * 0.06)))
        for k, point in enumerate(points):
            fade = (k + 1) / n
            pygame.draw.circle(self.screen, mix(CELL, colour, 0.7 * fade), point, max(2, self.px(cell * 0.09)))

    def draw_decision(self, pic: Picture, cell: float) -> None:
        """The brain's move as a solid arrow from the cell it chose in; the teacher's as a ghost when they differ."""
        cx, cy = self.cell_centre(pic.size, *pic.decision_cell)
        W, H = pic.size

        def into_wall(move: int) -> bool:
            x, y = pic.decision_cell[0] + MOUSE_MOVES[move][0], pic.decision_cell[1] + MOUSE_MOVES[move][1]
            return not (0 <= x < W and 0 <= y < H)

        if pic.teacher_move is not None and pic.teacher_move != pic.brain_move:
            self.draw_arrow((cx, cy), pic.teacher_move, cell, YELLOW, True, into_wall(pic.teacher_move))
        if pic.brain_move is not None:
            self.draw_arrow((cx, cy), pic.brain_move, cell, SKY, False, into_wall(pic.brain_move))

    def draw_arrow(self, centre: tuple[float, float], move: int, cell: float, colour, ghost: bool,
                   wall: bool = False) -> None:
        """A move as an arrow from a cell's centre; a move into a wall stops at the wall with a bar."""
        dx, dy = MOUSE_MOVES[move]
        ux, uy = float(dx), float(-dy)  # screen y grows downwards
        nx, ny = -uy, ux
        start, length, shaft, head = 0.18 * cell, 0.78 * cell, 0.07 * cell, 0.2 * cell
        if wall:
            start, length, head = 0.12 * cell, 0.46 * cell, 0.16 * cell
            bar = 0.3 * cell
            edge = (centre[0] + ux * 0.49 * cell, centre[1] + uy * 0.49 * cell)
            pygame.draw.line(self.screen, colour, self.pt(edge[0] + nx * bar, edge[1] + ny * bar),
                             self.pt(edge[0] - nx * bar, edge[1] - ny * bar), max(2, self.px(cell * 0.05)))
        x0, y0 = centre[0] + ux * start, centre[1] + uy * start
        x1, y1 = centre[0] + ux * length, centre[1] + uy * length
        xb, yb = x1 - ux * head * 1.2, y1 - uy * head * 1.2
        shape = [
            (x0 + nx * shaft, y0 + ny * shaft), (xb + nx * shaft, yb + ny * shaft),
            (xb + nx * head, yb + ny * head), (x1, y1), (xb - nx * head, yb - ny * head),
            (xb - nx * shaft, yb - ny * shaft), (x0 - nx * shaft, y0 - ny * shaft),
        ]
        points = [self.pt(*p) for p in shape]
        if ghost:
            pygame.draw.polygon(self.screen, mix(CELL, colour, 0.35), points)
            pygame.draw.polygon(self.screen, colour, points, max(1, self.px(2)))
        else:
            pygame.draw.polygon(self.screen, colour, points)
            pygame.draw.polygon(self.screen, INK, points, max(1, self.px(1.5)))

    def draw_cat(self, centre: tuple[float, float], cell: float) -> None:
        x, y = centre
        r = cell * 0.34
        dark = mix(ORANGE, INK, 0.55)
        for side in (-1, 1):
            ear = [(x + side * r * 0.95, y - r * 0.25), (x + side * r * 0.8, y - r * 1.25), (x + side * r * 0.2,
                                                                                            y - r * 0.8)]
            pygame.draw.polygon(self.screen, ORANGE, [self.pt(*p) for p in ear])
            pygame.draw.polygon(self.screen, dark, [self.pt(*p) for p in ear], max(1, self.px(1.5)))
            inner = [(x + side * r * 0.8, y - r * 0.45), (x + side * r * 0.75, y - r * 1.0), (x + side * r * 0.4,
                                                                                              y - r * 0.75)]
            pygame.draw.polygon(self.screen, PURPLE, [self.pt(*p) for p in inner])
        pygame.draw.circle(self.screen, ORANGE, self.pt(x, y), self.px(r))
        pygame.draw.circle(self.screen, dark, self.pt(x, y), self.px(r), max(1, self.px(1.5)))
        for side in (-1, 1):
            eye = self.rect(x + side * r * 0.38 - r * 0.14, y - r * 0.3, r * 0.28, r * 0.34)
            pygame.draw.ellipse(self.screen, YELLOW, eye)
            pupil = self.rect(x + side * r * 0.38 - r * 0.05, y - r * 0.28, r * 0.1, r * 0.3)
            pygame.draw.ellipse(self.screen, INK, pupil)
        nose = [(x - r * 0.1, y + r * 0.15), (x + r * 0.1, y + r * 0.15), (x, y + r * 0.28)]
        pygame.draw.polygon(self.screen, PURPLE, [self.pt(*p) for p in nose])
        for side in (-1, 1):
            for lift in (-0.08, 0.12):
                pygame.draw.line(self.screen, dark, self.pt(x + side * r * 0.3, y + r * 0.3),
                                 self.pt(x + side * r * 1.05, y + r * (0.3 + lift)), max(1, self.px(1.2)))

    def draw_mouse(self, centre: tuple[float, float], cell: float, caught: bool) -> None:
        x, y = centre
        r = cell * 0.25
        body = mix(SKY, DIM, 0.5) if caught else SKY
        dark = mix(body, INK, 0.55)
        tail = [(x + r * 0.6, y + r * 0.7), (x + r * 1.2, y + r * 1.0), (x + r * 1.45, y + r * 0.6),
                (x + r * 1.7, y + r * 0.9)]
        pygame.draw.lines(self.screen, dark, False, [self.pt(*p) for p in tail], max(1, self.px(cell * 0.035)))
        for side in (-1, 1):
            pygame.draw.circle(self.screen, body, self.pt(x + side * r * 0.7, y - r * 0.75), self.px(r * 0.5))
            pygame.draw.circle(self.screen, PURPLE, self.pt(x + side * r * 0.7, y - r * 0.75), self.px(r * 0.28))
        pygame.draw.circle(self.screen, body, self.pt(x, y), self.px(r))
        pygame.draw.circle(self.screen, dark, self.pt(x, y), self.px(r), max(1, self.px(1.5)))
        for side in (-1, 1):
            pygame.draw.circle(self.screen, INK, self.pt(x + side * r * 0.35, y - r * 0.1), max(1, self.px(r * 0.14)))
        pygame.draw.circle(self.screen, PURPLE, self.pt(x, y + r * 0.35), max(1, self.px(r * 0.14)))

    def draw_banner(self, title: str, detail: str, colour, where: float = 0.5) -> None:
        x, y, w, h = self.ARENA_BOX
        mid = y + h * where
        box = self.rect(x + 30, mid - 52, w - 60, 104)
        if self._banner is None or self._banner.get_size() != box.size:
            self._banner = pygame.Surface(box.size, pygame.SRCALPHA)
            self._banner.fill((*INK, 215))
        self.screen.blit(self._banner, box)
        pygame.draw.rect(self.screen, colour, box, max(1, self.px(2)), border_radius=self.px(10))
        self.text(title, 44, colour, x + w / 2, mid - 38, "midtop")
        self.text(detail, 21, TEXT, x + w / 2, mid + 12, "midtop")

    def draw_message(self, pic: Picture) -> None:
        """The message in the top bar, in up to two lines, the font shrunk (then the text cut) to fit."""
        colour = VERMILLION if pic.message_is_error else TEXT
        x, y, w, h = self.MESSAGE_BOX
        size, lines = self.fit_message(printable(pic.message, 300), w - 16)
        used = max(self.font(size).size(line)[0] for line in lines) / self.scale + 16
        box = self.rect(x + w - used, y, used, h)  # as wide as its text, from the right
        pygame.draw.rect(self.screen, INK, box, border_radius=self.px(8))
        pygame.draw.rect(self.screen, colour, box, max(1, self.px(1.5)), border_radius=self.px(8))
        line_h = self.pixels(size) / self.scale + 1
        top = y + h / 2 - line_h * len(lines) / 2 + 1
        for k, line in enumerate(lines):
            self.text(line, size, colour, x + w - 8, top + k * line_h, "topright")

    def fit_message(self, text: str, width: float) -> tuple[int, list[str]]:
        """The largest font (17 down to 12) at which the text wraps into two lines of this design width; at
        the smallest, the second line is cut with an ellipsis."""
        for size in range(17, 11, -1):
            lines = self.wrap(text, size, width)
            if len(lines) <= 2:
                return size, lines
        first, *rest = lines
        second = " ".join(rest)
        font, limit = self.font(12), width * self.scale
        while second and font.size(second + "…")[0] > limit:
            second = second[:-1]
        return 12, [first, second + "…"]

    def wrap(self, text: str, size: int, width: float) -> list[str]:
        font, limit = self.font(size), width * self.scale
        lines: list[str] = []
        for word in text.split(" "):
            while font.size(word)[0] > limit and len(word) > 1:  # a word wider than the box: broken
                cut = len(word)
                while cut > 1 and font.size(word[:cut])[0] > limit:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            if lines and font.size(lines[-1] + " " + word)[0] <= limit:
                lines[-1] += " " + word
            else:
                lines.append(word)
        return lines

    # -- the panel ---------------------------------------------------------------------------------------

    def draw_panel(self, pic: Picture) -> float:
        X, Wp = self.PANEL_X, self.PANEL_W
        y = 24
        y = self.draw_brain_card(pic, X, y, Wp)
        if pic.watching:
            y = self.draw_cat_line(pic, X, y + 2, Wp)
        y = self.draw_round_line(pic, X, y + 10)
        y = self.draw_choice(pic, X, y + 14, Wp)
        y = self.draw_memory(pic, X, y + 14, Wp)
        y = self.draw_agreement(pic, X, y + 14, Wp)
        y = self.draw_learning(pic, X, y + 12)
        legend_y = max(566, y + 4)  # the cat's line and a tuned brain's line push learning's lines down
        self.draw_legend(X, legend_y, "cat" if pic.watching else "you", "mouse" if pic.cat_detail else "the brain")
        return legend_y + 32  # where the timing line goes, drawn each frame outside the cached panel

    def draw_legend(self, x: float, y: float, cat: str, mouse: str = "the brain") -> None:
        """What the arena's marks mean, for a first look."""
        cell = 30
        self.draw_cat((x + 12, y + 10), cell)
        self.text(cat, 17, DIM, x + 30, y + 4)
        self.draw_mouse((x + 82, y + 12), cell, False)
        self.text(mouse, 17, DIM, x + 98, y + 4)
        self.draw_arrow((x + 168, y + 10), 1, cell, SKY, False)
        self.text("its move", 17, DIM, x + 196, y + 4)
        self.draw_arrow((x + 268, y + 10), 1, cell, YELLOW, True)
        self.text("teacher's move", 17, DIM, x + 296, y + 4)

    def draw_brain_card(self, pic: Picture, x: float, y: float, w: float) -> float:
        self.text(pic.brain_name, 26, TEXT, x, y)
        meta = pic.brain_meta
        sizes = meta.get("grid_sizes") or []
        grid = ", ".join(f"{s[0]}×{s[1]}" for s in sizes[:2]) if sizes else "?"
        self.text(f"{pic.brain_label} · {pic.hidden_size} units · teacher {meta.get('teacher', '?')} · {grid}",
                  17, DIM, x, y + 26)
        held, agreement = meta.get("heldout_mistakes_per_game"), meta.get("agreement")
        scores = []
        if isinstance(held, (int, float)) and not isinstance(held, bool):
            scores.append(f"{held:.2f} mistakes per game")
        if isinstance(agreement, (int, float)) and not isinstance(agreement, bool):
            scores.append(f"agreement {agreement * 100:.1f}%")
        value = meta.get("value_optimal")  # agreement's play twin, where the brain's file measured it
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            scores.append(f"value-optimal {value * 100:.1f}%")
        tuned = pic.tuned_line
        if pic.untrained:
            self.text(pic.untrained, 16, YELLOW, x, y + 44)
            return y + 62
        if tuned:
            if pic.tuned_updates:
                heldout, kind = pic.heldout_now, "value-optimal"  # the learner judges play
            else:
                value = meta.get("tuned_heldout_value_optimal")
                heldout = value if value is not None else meta.get("tuned_heldout_agreement")
                kind = "value-optimal" if value is not None else "agreement"
            figure = f" · {heldout * 100:.1f}% held-out {kind}" if isinstance(heldout, float) else ""
            score = tuned + figure
        elif scores:
            score = "held-out: " + " · ".join(scores)
        else:
            score = "held-out: not measured"
        size = 17
        while size > 13 and self.font(size).size(score)[0] > w * self.scale:  # a tuned brain's line is long
            size -= 1
        self.text(score, size, DIM, x, y + 44)
        return y + 62

    def draw_cat_line(self, pic: Picture, x: float, y: float, w: float) -> float:
        """Who plays the cat, beside the mouse's brain card: a cat brain's name and kind, or the scripted cat."""
        self.draw_cat((x + 9, y + 11), 26)
        name = printable(pic.cat_label, 40)
        self.text(f"cat: {name}", 19, ORANGE, x + 24, y + 2)
        if pic.cat_detail:
            detail, size = pic.cat_detail, 15
            room = w - 24 - self.font(19).size(f"cat: {name}")[0] / self.scale - 12
            while size > 12 and self.font(size).size(detail)[0] > room * self.scale:
                size -= 1
            self.text(detail, size, DIM, x + w, y + 5, "topright")
        return y + 22

    def draw_round_line(self, pic: Picture, x: float, y: float) -> float:
        best = pic.best
        best_text = f"best {'—' if best is None else versus_par(best)}"
        line = round_line(pic)
        room = self.PANEL_W - self.font(20).size(best_text)[0] / self.scale - 12
        self.text(line, self.fitting(line, 20, 15, room), TEXT, x, y)
        self.text(best_text, 20, ORANGE, x + self.PANEL_W, y, "topright")
        below = pic.session_line if pic.session_line and not pic.watching else limit_line(pic)
        self.text(below, self.fitting(below, 14, 11, self.PANEL_W), FAINT, x, y + 21)
        return y + 34

    def fitting(self, text: str, size: int, smallest: int, width: float) -> int:
        """The largest text size from `size` down to `smallest` at which the text fits the design width."""
        while size > smallest and self.font(size).size(text)[0] > width * self.scale:
            size -= 1
        return size

    def section(self, title: str, x: float, y: float, right: str = "", colour=DIM) -> float:
        self.text(title.upper(), 15, FAINT, x, y)
        if right:
            self.text(right, 15, colour, x + self.PANEL_W, y, "topright")
        return y + 16

    def draw_choice(self, pic: Picture, x: float, y: float, w: float) -> float:
        y = self.section("The mouse's choice", x, y, "yellow outline: teacher", YELLOW)
        probs = pic.probabilities
        row, label_w, bar_w = 21, 62, w - 62 - 52
        if pic.brain_move is None:  # a new round: the brain has not seen a state yet
            for k, name in enumerate(MOUSE_MOVE_NAMES):
                top = y + 4 + k * row
                self.draw_mini_arrow(x + 8, top + row / 2 - 1, k, FAINT)
                self.text(name, 18, FAINT, x + 20, top + 3)
            self.text("the mouse answers the cat's first move", 16, DIM, x + label_w + bar_w / 2 + 26,
                      y + 4 + 2 * row, "center")
            return y + 4 + 4 * row
        for k, name in enumerate(MOUSE_MOVE_NAMES):
            top = y + 4 + k * row
            chosen = pic.brain_move == k
            self.draw_mini_arrow(x + 8, top + row / 2 - 1, k, SKY if chosen else DIM)
            self.text(name, 18, TEXT if chosen else DIM, x + 20, top + 3)
            track = self.rect(x + label_w, top + 3, bar_w, row - 7)
            pygame.draw.rect(self.screen, CELL, track, border_radius=self.px(3))
            p = float(probs[k]) if math.isfinite(float(probs[k])) else 0.0  # a brain gone NaN draws empty bars
            if p > 0.002:
                pygame.draw.rect(self.screen, SKY if chosen else mix(SKY, PANEL, 0.55),
                                 self.rect(x + label_w, top + 3, bar_w * p, row - 7), border_radius=self.px(3))
            if pic.teacher_move == k:
                pygame.draw.rect(self.screen, YELLOW, track.inflate(self.px(4), self.px(4)), max(1, self.px(2)),
                                 border_radius=self.px(4))
            self.text(f"{p * 100:5.1f}%", 17, TEXT if chosen else DIM, x + w, top + 3, "topright")
        y += 4 + 4 * row
        if pic.readout is not None:
            self.text(pic.readout, 15, DIM, x, y)
            y += 14
        return y

    def draw_mini_arrow(self, x: float, y: float, move: int, colour) -> None:
        dx, dy = MOUSE_MOVES[move]
        ux, uy = float(dx), float(-dy)
        nx, ny = -uy, ux
        tip = (x + ux * 6, y + uy * 6)
        back = (x - ux * 5, y - uy * 5)
        pts = [tip, (back[0] + nx * 5, back[1] + ny * 5), (back[0] - nx * 5, back[1] - ny * 5)]
        pygame.draw.polygon(self.screen, colour, [self.pt(*p) for p in pts])

    def draw_memory(self, pic: Picture, x: float, y: float, w: float) -> float:
        rows = pic.memory
        title = pic.memory_title
        y = self.section(title, x, y, "blue −  ·  orange +", DIM)
        label_w = 22
        units = len(rows[0][1])
        per_row = min(units, 32)
        lines = math.ceil(units / per_row)
        cell_w = (w - label_w) / per_row
        cell_h = 20 if lines == 1 else 11
        for name, values, hint in rows:
            top = y + 4
            self.text(name, 20, TEXT, x + 2, top + (cell_h * lines) / 2 - 8)
            self.draw_units(values, x + label_w, top, per_row, cell_w, cell_h)
            y = top + cell_h * lines
            self.text(hint, 14, FAINT, x + w, y + 1, "topright")
            y += 12
        return y

    def draw_units(self, values: np.ndarray, left: float, top: float, per_row: int, cell_w: float,
                   cell_h: float) -> None:
        """One coloured cell a unit (blue −, orange +), per_row to a line, each placed exactly as rect() places
        it but filled directly: a memory strip is 64 or more of them, the panel's largest cost."""
        index = np.clip(np.rint(np.nan_to_num((values + 1.0) * 32)), 0, 64).astype(np.int64).tolist()
        ox, oy, s = self.origin[0], self.origin[1], self.scale
        w, h = cell_w - 1.5, cell_h - 1.5
        fill = self.screen.fill
        for u, shade in enumerate(index):
            line, col = divmod(u, per_row)
            x0, y0 = left + col * cell_w, top + line * cell_h
            l, t = round(ox + x0 * s), round(oy + y0 * s)
            r, b = round(ox + (x0 + w) * s), round(oy + (y0 + h) * s)
            fill(STATE_COLOURS[shade], (l, t, max(1, r - l), max(1, b - t)))

    def draw_agreement(self, pic: Picture, x: float, y: float, w: float) -> float:
        agreement = pic.agreement
        value = "—" if agreement is None else f"{agreement * 100:.1f}%"
        if pic.value_optimal is not None:
            value += f" · value-optimal {pic.value_optimal * 100:.1f}%"
        y = self.section(f"Agreement with the {pic.teacher} teacher", x, y, value, GREEN)
        height, pad, plot_w = 92, 7, w - 36  # labels sit to the right of the plot, clear of the curve
        box = self.rect(x, y + 4, plot_w, height)
        pygame.draw.rect(self.screen, CELL, box, border_radius=self.px(4))

        def level_y(v: float) -> float:
            return y + 4 + pad + (height - 2 * pad) * (1 - v)

        for level in (0.25, 0.5, 0.75, 1.0):
            yy = level_y(level)
            pygame.draw.line(self.screen, GRID_EDGE, self.pt(x, yy), self.pt(x + plot_w, yy))
            self.text(f"{level * 100:.0f}%", 13, FAINT, x + w, yy, "midright")
        curve = list(pic.curve)
        if len(curve) >= 2:
            step = plot_w / (len(curve) - 1)
            points = [self.pt(x + k * step, level_y(v)) for k, v in enumerate(curve)]
            pygame.draw.lines(self.screen, GREEN, False, points, max(1, self.px(2)))
        elif not curve:
            self.text("plays a round to start the curve", 15, FAINT, x + plot_w / 2, y + 4 + height / 2, "center")
        per = "one point per round" if pic.curve_stride == 1 else f"one point per {pic.curve_stride} rounds"
        self.text(f"running, over the last {pic.agreement_window} mouse moves; {per}", 14, FAINT, x, y + 8 + height)
        return y + 8 + height + 14

    def draw_learning(self, pic: Picture, x: float, y: float) -> float:
        if pic.learning:
            self.text(f"LEARNING from the {pic.teacher} teacher", 19, GREEN, x, y)
            self.text(f"speed {pic.learn_speed}: {pic.updates_per_round:g} updates a round, at most "
                      f"{pic.learn_budget_ms:.1f} ms a frame  ·  {pic.updates} updates", 16, DIM, x, y + 20)
            self.draw_heldout(pic, x, y + 38)
        else:
            self.text("Learning off", 19, DIM, x, y)
            self.text("L: learn from the teacher while you play  ·  H: help", 16, FAINT, x, y + 20)
        return y + 56

    def draw_heldout(self, pic: Picture, x: float, y: float) -> None:
        """The learner's held-out check as it is now, against where it started, and any fallback."""
        if pic.heldout_now is None:
            self.text("held-out check: measuring...", 16, FAINT, x, y)
            return
        line = f"held-out value-opt. {pic.heldout_now * 100:.1f}% (from {pic.start_heldout * 100:.1f}%)"  # must fit
        if pic.fallbacks:
            times = "once" if pic.fallbacks == 1 else f"{pic.fallbacks}×"
            line += f"  ·  fell back to best weights {times}"
        self.text(line, 16, ORANGE if pic.fallbacks else GREEN, x, y)

    def draw_timing(self, pic: Picture, x: float, y: float) -> None:
        if pic.now - self.timing_time > 0.25 or not self.timing_text:  # steady numbers, re-rendered 4× a second
            self.timing_text = (f"brain step {pic.step_ms:.3f} ms  ·  learning update {pic.update_ms:.2f} ms  ·  "
                                f"frame {pic.frame_ms:.1f} ms")
            self.timing_time = pic.now
        self.text(self.timing_text, 15, FAINT, x, y)

    # -- the compact panel: the same facts in fewer, larger lines ----------------------------------------

    def draw_compact_panel(self, pic: Picture, x: float, y: float, w: float) -> None:
        """The brain, the round, the mouse's choice, its memory, the agreement and the learning line, every
        text at the layout's smallest size or larger (the page's panel has the rest)."""
        size = self.plan.text
        line = size + 6
        self.text(pic.brain_name, size + 2, TEXT, x, y)
        self.text(f"teacher: {pic.teacher}", size, DIM, x + w, y + 2, "topright")
        y += line + 2
        best = "—" if pic.best is None else versus_par(pic.best)
        self.text(f"Round {pic.round_number} · moves {pic.cat_moves_made} · par {pic.par}", size, TEXT, x, y)
        self.text(f"best {best}", size, ORANGE, x + w, y, "topright")
        y += line + 4
        y = self.draw_compact_choice(pic, x, y, w, size)
        y = self.draw_compact_memory(pic, x, y + 4, w, size)
        y = self.draw_compact_agreement(pic, x, y + 6, w, size)
        self.draw_compact_learning(pic, x, y + 6, w, size)

    def draw_compact_choice(self, pic: Picture, x: float, y: float, w: float, size: float) -> float:
        """The four moves in two rows of two: arrow, name and chance, the chance's bar under them."""
        gap = 16
        col_w, row_h = (w - gap) / 2, size + 16
        for k, name in enumerate(MOUSE_MOVE_NAMES):
            left, top = x + (k % 2) * (col_w + gap), y + (k // 2) * row_h
            chosen = pic.brain_move == k
            known = pic.brain_move is not None
            ink = TEXT if chosen else DIM if known else FAINT
            self.draw_mini_arrow(left + 8, top + size / 2, k, SKY if chosen else ink)
            self.text(name, size, ink, left + 22, top)
            track = self.rect(left, top + size + 2, col_w, 8)
            pygame.draw.rect(self.screen, CELL, track, border_radius=self.px(3))
            if not known:
                continue
            p = float(pic.probabilities[k]) if math.isfinite(float(pic.probabilities[k])) else 0.0
            self.text(f"{p * 100:.1f}%", size, ink, left + col_w, top, "topright")
            if p > 0.002:
                pygame.draw.rect(self.screen, SKY if chosen else mix(SKY, PANEL, 0.55),
                                 self.rect(left, top + size + 2, col_w * p, 8), border_radius=self.px(3))
            if pic.teacher_move == k:
                pygame.draw.rect(self.screen, YELLOW, track.inflate(self.px(4), self.px(4)), max(1, self.px(2)),
                                 border_radius=self.px(4))
        return y + 2 * row_h

    def draw_compact_memory(self, pic: Picture, x: float, y: float, w: float, size: float) -> float:
        """The LSTM's memory, one coloured cell a unit, a row for each of its states (blue −, orange +)."""
        label_w = size * 1.3
        for name, values, _ in pic.memory:
            units = len(values)
            per_row = min(units, 32)
            lines = math.ceil(units / per_row)
            cell_w, cell_h = (w - label_w) / per_row, (size if lines == 1 else size * 0.6)
            self.text(name, size, TEXT, x, y + cell_h * lines / 2, "midleft")
            self.draw_units(values, x + label_w, y, per_row, cell_w, cell_h)
            y += cell_h * lines + 4
        return y

    def draw_compact_agreement(self, pic: Picture, x: float, y: float, w: float, size: float) -> float:
        """The agreement with the teacher as a figure, and its curve beside it (50 % and 100 % lines)."""
        value = "—" if pic.agreement is None else f"{pic.agreement * 100:.1f}%"
        if pic.value_optimal is not None:
            value += f" · value-opt. {pic.value_optimal * 100:.1f}%"
        label = self.text(f"agreement {value}", size, GREEN, x, y)
        left = (label.right - self.origin[0]) / self.scale + 14
        height = size + 8
        plot_w = x + w - left
        pygame.draw.rect(self.screen, CELL, self.rect(left, y - 4, plot_w, height), border_radius=self.px(4))
        for level in (0.5, 1.0):
            yy = y - 2 + (height - 4) * (1 - level)
            pygame.draw.line(self.screen, GRID_EDGE, self.pt(left, yy), self.pt(left + plot_w, yy))
        curve = list(pic.curve)
        if len(curve) >= 2:
            step = plot_w / (len(curve) - 1)
            points = [self.pt(left + k * step, y - 2 + (height - 4) * (1 - v)) for k, v in enumerate(curve)]
            pygame.draw.lines(self.screen, GREEN, False, points, max(1, self.px(2)))
        return y + height

    def draw_compact_learning(self, pic: Picture, x: float, y: float, w: float, size: float) -> None:
        if not pic.learning:
            self.text("Learning off · L or Learn turns it on", size, DIM, x, y)
            return
        line = f"LEARNING · {pic.updates:,} updates"
        if pic.heldout_now is not None:
            line += f" · held-out value-optimal {pic.heldout_now * 100:.1f}%"
        if pic.fallbacks:
            line += f" · fell back {pic.fallbacks}×"
        self.text(line, size, ORANGE if pic.fallbacks else GREEN, x, y)

    # -- help --------------------------------------------------------------------------------------------

    def draw_compact_help(self) -> None:
        """Touch first, then as many keys as fit, each wrapped to the box at the layout's text size."""
        dw, dh = self.plan.design
        size = self.plan.text
        x, y, w, h = 16, 16, dw - 32, dh - 32
        box = self.rect(x, y, w, h)
        pygame.draw.rect(self.screen, PANEL, box, border_radius=self.px(14))
        pygame.draw.rect(self.screen, YELLOW, box, max(1, self.px(2)), border_radius=self.px(14))
        self.text("Controls", size + 8, TEXT, x + 20, y + 14)
        self.text("tap to close", size, DIM, x + w - 20, y + 18, "topright")
        top, bottom, line = y + 56, y + h - 16 - (size + 4), size + 4
        beside = w >= 900  # wide enough: each description on its key's line
        column = 300 if beside else 20
        for key, what in (*TOUCH_HELP, *HELP_LINES):
            if not what:
                continue
            lines = self.wrap(what, size, w - column - 20)
            rows = len(lines) + (0 if beside else 1)
            if top + line * rows > bottom:
                self.text("more keys in a larger window", size, FAINT, x + 20, top)
                break
            self.text(key, size, ORANGE, x + 20, top)
            for k, part in enumerate(lines):
                self.text(part, size, TEXT, x + column, top + line * (k + rows - len(lines)))
            top += line * rows + 6

    def draw_help(self) -> None:
        if self._shade is None or self._shade.get_size() != self.screen.get_size():
            self._shade = pygame.Surface(self.screen.get_size(), pygame.SRCALPHA)
            self._shade.fill((*INK, 225))
        self.screen.blit(self._shade, (0, 0))
        if self.plan.compact:
            self.draw_compact_help()
            return
        box = self.rect(120, 30, 800, 580)
        pygame.draw.rect(self.screen, PANEL, box, border_radius=self.px(14))
        pygame.draw.rect(self.screen, YELLOW, box, max(1, self.px(2)), border_radius=self.px(14))
        self.text("Controls", 32, TEXT, 150, 48)
        self.text("H, F1, ? or Esc closes this", 17, DIM, 890, 56, "topright")
        y = 88
        headers = sum(1 for _, what in HELP_LINES if not what)
        room = 602 - y - 24 * headers - 8 - 19 * len(LEGEND)  # what the key lines may take, above the legend
        step = min(20.0, room / max(1, len(HELP_LINES) - headers))  # a longer list is set a little tighter
        for key, what in HELP_LINES:
            if not what:
                y += 6
                self.text(key.upper(), 15, YELLOW, 150, y)
                y += 18
                continue
            self.text(key, min(19, step - 1), ORANGE, 170, y)
            self.text(what, min(19, step - 1), TEXT, 380, y)
            y += step
        y += 8
        for colour, what in LEGEND:
            pygame.draw.circle(self.screen, colour, self.pt(176, y + 7), self.px(6))
            self.text(what, 17, DIM, 190, y)
            y += 19
