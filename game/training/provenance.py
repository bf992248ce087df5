"""What a brain was made with: the code version and the numeric stack, recorded in its file's meta (`made_with`).

Re-running a brain's training command gives the same brain bit for bit only on the same code and the same
numeric stack: NumPy's version and the BLAS library, its version and the kernel it picked for this CPU (OpenBLAS
picks one per CPU family, or the one `OPENBLAS_CORETYPE` names, and kernels round products differently).
`reproduction_gap` says which of these differ here, so a check can tell "different" from "not reproducible".

Desktop only: it asks git for the commit (the training command is never run in the browser).
"""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
CODE_DIR = "game"  # the code that trains; the brains in weights/ it may play against are data, not code


def code_version() -> str:
    """The commit the training code is at, with "+changes" when game/ differs from it; "unknown" outside git."""
    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short=12", "HEAD")
    if not commit:
        return "unknown"
    changed = git("status", "--porcelain", "--", CODE_DIR)
    return commit + ("+changes" if changed else "")


def blas_pool() -> dict[str, Any] | None:
    """threadpoolctl's description of the BLAS in use (library, version, kernel, threads), when it is installed."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return next((pool for pool in threadpool_info() if pool.get("user_api") == "blas"), None)


def blas_kernel() -> str:
    """BLAS library, version and kernel, e.g. "openblas 0.3.31 SkylakeX"; the kernel is known through threadpoolctl."""
    pool = blas_pool()
    if pool is not None:
        return f"{pool.get('internal_api')} {pool.get('version')} {pool.get('architecture')}"
    config = np.show_config(mode="dicts") or {}
    blas = config.get("Build Dependencies", {}).get("blas", {})
    return f"{blas.get('name')} {blas.get('version')} kernel?"  # the kernel needs threadpoolctl


def made_with() -> dict[str, Any]:
    """The meta entry `made_with` for a brain trained now."""
    return {
        "code": code_version(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_kernel(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
    }


def reproduction_gap(recorded: dict[str, Any]) -> list[str]:
    """What differs here from the numeric stack a brain was made with (empty: its command should reproduce it)."""
    here = made_with()
    return [f"{key} {recorded.get(key)!r} (here {here[key]!r})" for key in ("numpy", "blas", "openblas_coretype")
            if recorded.get(key) != here[key]]
