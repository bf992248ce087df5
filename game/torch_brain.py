"""`python -m game.torch_brain`: the desktop command, kept at this name (brain files record it); the tool is
game/training/torch_brain.py."""

import sys

from game.training.torch_brain import main

if __name__ == "__main__":
    sys.exit(main())
