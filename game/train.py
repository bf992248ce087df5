"""`python -m game.train`: the desktop command, kept at this name (brain files record it); the tool is
game/training/train.py."""

import sys

from game.training.train import main

if __name__ == "__main__":
    sys.exit(main())
