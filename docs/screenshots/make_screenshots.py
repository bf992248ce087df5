"""Render the README's screenshots headless: python docs/screenshots/make_screenshots.py [--out DIR]

Each picture is a real Game drawn by the real View (SDL's dummy video driver), driven by scripted turns:
start of a round, mid-round with every overlay, a catch, live learning, brain against brain with both brains'
choices, the help overlay, and the mouse's sight under fog (with the belief picture) and flicker.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402

from game.brain_np import LSTMBrain  # noqa: E402
from game.brains import brainfile  # noqa: E402
from game.play.app import Game  # noqa: E402
from game.ui.view import DESIGN_H, DESIGN_W, View  # noqa: E402
from game.world.cats import cat_moves  # noqa: E402
from game.world.teachers import pursuit  # noqa: E402


def settle(game: Game, seconds: float = 0.4) -> None:
    """Let the glide finish without letting the game move on (no update: the clock only)."""
    game.now += seconds


def cat_move(game: Game, name: str) -> int:
    a = game.round.arena
    return int(cat_moves(name, a.cat, a.mouse, a.width, a.height, game.cat_rng)[0])


def warm_up(game: Game, rounds: int) -> None:
    """Play rounds with a greedy cat so the agreement curve and the best score have something to show."""
    for _ in range(rounds):
        while not game.round.over:
            game.player_move(cat_move(game, "greedy"))
        game.new_round()


def learning_shot(game: Game, cat: str, rounds: int) -> None:
    """Learning on at speed 10 while the cat plays `rounds` rounds at watch speed ×4, then a round under way,
    ideally one where brain and teacher still disagree."""
    game.set_watch(cat)
    game.set_watch_speed(1)
    game.set_learning(True)
    game.set_learn_speed(10)
    game.coach.learner.clock = time.thread_time  # its budget in its own CPU time: the picture does not follow the load
    while game.stats.rounds_finished < rounds:
        game.update(1 / 60)
    for _ in range(200):
        game.new_round()
        for _ in range(4):
            if not game.round.over:
                game.turn(game._watch_move())
        if not game.round.over and game.round.teacher_move != game.round.brain_move:
            break
    settle(game, 0.07)
    game.message_time = -1e9  # the last key's message would stand in the top bar instead of the mode


def sight_shot(game: Game, cat: str, wanted, turns: int = 400) -> bool:
    """Play the cat's turns until wanted(game) holds after one (a round in progress), then stop there."""
    for _ in range(turns):
        if game.round.over:
            game.new_round()
        game.player_move(cat_move(game, cat))
        if not game.round.over and wanted(game):
            settle(game)
            game.message_time = -1e9
            return True
    return False


def lost_the_cat(game: Game, low: int, high: int) -> bool:
    """The mouse saw the cat earlier this round but not at its last move, and B is low..high cells."""
    seeing = game.round.sight
    size = int(seeing.cells().sum())
    return seeing.sees is False and int(game.round.arena.moves[0]) >= 3 and low <= size <= high and \
        game.round.cat_moves_made > 2 and size < game.round.arena.width * game.round.arena.height // 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--weights", type=Path, default=ROOT / "weights")
    parser.add_argument("--learn-brain", default="lstm16_post.npz",
                        help="brain in weights/ to show learning the optimal teacher (an untrained LSTM if missing)")
    args = parser.parse_args()
    weights = args.weights
    tmp = tempfile.TemporaryDirectory()
    if not (weights / "lstm32_optimal.npz").exists():
        weights = Path(tmp.name)
        brainfile.save_brain(LSTMBrain(32, seed=0), weights / "lstm32_optimal.npz",
                             {"grid_sizes": [[8, 8]], "teacher": "optimal"})
        print("no weights/lstm32_optimal.npz: drawing an untrained brain")
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((DESIGN_W, DESIGN_H))
    view = View(screen)
    args.out.mkdir(parents=True, exist_ok=True)

    def save(game: Game, name: str) -> None:
        view.draw(game.picture())  # once to warm the label cache, then timed as the loop would time it
        began = time.perf_counter()
        view.draw(game.picture())
        game.stats.frame_ms = (time.perf_counter() - began) * 1e3
        view.timing_text = ""
        view.draw(game.picture())
        pygame.image.save(screen, str(args.out / name))
        print("wrote", args.out / name)

    # 1. The start of a round.
    game = Game(weights, None, seed=7)
    warm_up(game, 12)
    save(game, "start.png")

    # 2. Mid-round with every overlay: find a turn where the brain and its teacher disagree.
    game = Game(weights, None, seed=21)
    warm_up(game, 40)
    found = False
    for _ in range(400):
        game.player_move(cat_move(game, "noisy"))
        if game.round.over:
            game.new_round()
            continue
        if game.round.arena.moves[0] >= 4 and game.round.teacher_move != game.round.brain_move:
            found = True
            break
    if not found:  # a brain that never disagrees: show an ordinary mid-round
        for _ in range(5):
            game.player_move(cat_move(game, "greedy"))
    settle(game, 0.07)  # caught mid-glide, as a player sees it
    save(game, "midround.png")

    # 3. A catch, with the result against par.
    game = Game(weights, None, seed=3)
    warm_up(game, 6)
    while not game.round.over:
        game.player_move(int(pursuit(*game.arena_size()).cat_moves(game.round.arena.cat, game.round.arena.mouse)[0]))
    settle(game, 0.3)
    save(game, "catch.png")

    # 4. Live learning: a brain taught by the post's teacher learns the optimal mouse while a cat plays it, and
    # the default brain, which already knows it, learning against the greedy cat alone (it must not get worse).
    learn_path = args.weights / args.learn_brain
    game = Game(weights, None, brain_path=learn_path if learn_path.exists() else None, seed=5, teacher="optimal")
    learning_shot(game, "greedy", 300)
    save(game, "learning.png")
    game = Game(weights, None, seed=5)
    learning_shot(game, "greedy", 100)
    save(game, "learning-default.png")

    # 5. Brain against brain: the shipped cat brain against the default mouse, both brains' choices on the
    # board (key I), at a turn where one of them is not sure (the first such turn from seed 3).
    if (weights / "cat_lstm32.npz").exists():
        game = Game(weights, None, seed=3, watch="cat_lstm32")
        game.show_choices = True
        unsure = False
        for _ in range(400):
            game.new_round()
            while not game.round.over and not unsure:
                game.turn(game._watch_move())
                unsure = not game.round.over and game.round.cat_moves_made >= 2 and min(
                    game.cat_player.probabilities.max(), game.round.probabilities.max()) < 0.8
            if unsure:
                break
        settle(game, 0.4)
        game.message_time = -1e9
        save(game, "brain-vs-brain.png")

    # 6. The help overlay.
    game = Game(weights, None, seed=7)
    game.toggle_help()
    save(game, "help.png")

    # 6. What the mouse sees: fog and flicker once the mouse has lost sight of the cat, the belief picture on.
    for sight, low, high in (("fog", 6, 20), ("flicker", 8, 24)):
        path = weights / brainfile.SIGHT_BRAINS[sight]
        if not path.exists():
            print(f"no {path}: no {sight} screenshot")
            continue
        game = Game(weights, None, seed=11, sight=sight)
        warm_up(game, 8)
        game.show_belief = True
        if not sight_shot(game, "noisy", lambda g, lo=low, hi=high: lost_the_cat(g, lo, hi)):
            print(f"{sight}: no round lost sight of the cat; an ordinary frame")
        save(game, f"{sight}.png")

    # 7. A resized window: everything is drawn at the window's own size.
    screen = pygame.display.set_mode((1400, 760))
    view.set_screen(screen)
    game = Game(weights, None, seed=9)
    warm_up(game, 20)
    for _ in range(3):
        game.player_move(cat_move(game, "greedy"))
    settle(game)
    save(game, "wide.png")
    pygame.quit()
    tmp.cleanup()


if __name__ == "__main__":
    main()
