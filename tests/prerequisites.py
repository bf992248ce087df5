"""What the build tests need beyond Python, checked in one place: each returns why a test must skip, or None."""

from __future__ import annotations

PYGBAG_VERSION = "0.9.3"


def pygbag_missing() -> str | None:
    """Why build.sh cannot run here (pygbag absent or another version), or None."""
    try:
        import pygbag
    except ImportError:
        return f"pygbag=={PYGBAG_VERSION} is not installed (pip install pygbag=={PYGBAG_VERSION})"
    if pygbag.VERSION != PYGBAG_VERSION:
        return f"pygbag {pygbag.VERSION} is installed, the build needs {PYGBAG_VERSION}"
    return None
