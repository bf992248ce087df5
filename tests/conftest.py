"""Make `import game` work however pytest is started (python -m pytest, pytest, any working directory)."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
