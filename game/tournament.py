"""`python -m game.tournament`: the desktop command, kept at this name (brain files record it); the tool is
game/training/tournament.py."""

import sys

from game.training.tournament import main

if __name__ == "__main__":
    sys.exit(main())
