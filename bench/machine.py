"""Shared by the benchmarks: the machine's description, best-of-N timing, and loading an older brain_np.

Run the benchmarks from the repository root as scripts, e.g. `python bench/bench_brain.py`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_description() -> str:
    """BLAS library, version and the kernel (core type) it picked, from threadpoolctl when installed."""
    from game.training.provenance import blas_pool  # ROOT is on the path by now

    pool = blas_pool()
    if pool is not None:
        return (f"{pool.get('internal_api')} {pool.get('version')}, kernel {pool.get('architecture')}, "
                f"{pool.get('num_threads')} threads")
    config = np.show_config(mode="dicts")
    blas = config.get("Build Dependencies", {}).get("blas", {})
    return f"{blas.get('name')} {blas.get('version')} (threadpoolctl not installed: kernel unknown)"


def machine_lines() -> list[str]:
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")}
    env_text = ", ".join(f"{k}={v}" if v is not None else f"{k} unset" for k, v in env.items())
    return [
        f"CPU: {cpu_model()}, {os.cpu_count()} logical cores",
        f"Python {platform.python_version()} ({platform.python_implementation()}), NumPy {np.__version__}",
        f"BLAS: {blas_description()}",
        f"Environment: {env_text}",
        "Load average (1, 5, 15 min) at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + " (the 2 cores are shared with other work)",
    ]


def source_state(path: str) -> str:
    """Which version of a repository file ran: its last commit, and whether the work tree differs from it."""
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)

    commit = git("log", "-1", "--format=%h %cI", "--", path).stdout.strip() or "not committed"
    changed = git("diff", "--quiet", "HEAD", "--", path).returncode != 0
    return f"{path} at {commit}" + (" + uncommitted changes" if changed else "")


def print_machine(title: str, sources: tuple[str, ...] = ("game/brain_np.py",)) -> None:
    print(f"# {title}")
    for line in machine_lines():
        print(f"  {line}")
    for path in sources:
        print(f"  Code: {source_state(path)}")
    print()


def best_times(fns: dict[str, Callable[[], object]], repeat: int = 7, min_seconds: float = 0.2) -> dict[str, float]:
    """Best-of-`repeat` seconds per call for several functions, their repeats interleaved so that a burst of
    load from elsewhere on the machine hits all of them alike."""
    calls = {}
    for name, fn in fns.items():
        fn()  # warm up (first-call allocations, caches)
        n = 1
        while True:
            start = time.perf_counter()
            for _ in range(n):
                fn()
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds / 4 or n >= 1 << 20:
                break
            n *= 2
        calls[name] = max(1, int(n * (min_seconds / max(elapsed, 1e-9))))
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for name, fn in fns.items():
            n = calls[name]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / n)
    return best


def run_variant(script: str, args: list[str], env_changes: dict[str, str | None]) -> str:
    """Run a benchmark script again in a child process with some environment variables set or removed
    (BLAS reads them only at start-up); returns its standard output."""
    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, script, *args], env=env, check=True, capture_output=True,
                          text=True).stdout


def variants() -> list[tuple[str, dict[str, str | None]]]:
    """The machine as it is, then single-threaded BLAS (as in the browser), and with the OpenBLAS core-type
    override removed if this machine sets one."""
    out: list[tuple[str, dict[str, str | None]]] = [("as is", {}), ("1 BLAS thread", {"OPENBLAS_NUM_THREADS": "1"})]
    if "OPENBLAS_CORETYPE" in os.environ or "OPENBLAS_L2_SIZE" in os.environ:
        out.append(("CORETYPE unset", {"OPENBLAS_CORETYPE": None, "OPENBLAS_L2_SIZE": None}))
    return out


def load_brain_module(revision: str):
    """game/brain_np.py as it was at a git revision, loaded as a module of its own (for before/after)."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:game/brain_np.py"],
                            check=True, capture_output=True, text=True).stdout
    name = f"brain_np_at_{revision.replace('/', '_').replace('~', '_')}"
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    exec(compile(source, f"{revision}:game/brain_np.py", "exec"), module.__dict__)
    return module


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, columns padded so it reads in a terminal too."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    return "\n".join(lines)


def post_until(net, curve: list, goal: float, more_games: int) -> list:
    """The post's network after its own run (curve): if it is not yet at `goal` held-out mistakes per game, go on
    with the same SGD on fresh games (seed 1) until it is, or `more_games` more; returns the joined curve."""
    from game.brains.tasks import SEED_TASK
    from game.training.trainers import Progress, train_post

    end = curve[-1]
    if end.mistakes_per_game <= goal:
        return curve
    more = train_post(net, SEED_TASK, games=more_games, eval_every=10_000, seed=1,
                      stop=lambda p: p.mistakes_per_game <= goal)
    return curve + [Progress(end.games + p.games, end.seconds + p.seconds, p.loss, p.mistakes_per_game,
                             p.agreement, p.exhaustive_mistakes) for p in more[1:]]


def measure_in_variants(
    doc: str, measure: Callable[[int], dict], default_repeat: int, title: str, sources: tuple[str, ...]
) -> dict[str, dict] | None:
    """The shared main of a micro-benchmark: parse --repeat; in a child process print measure(repeat) as JSON
    and return None; otherwise print the machine and return each BLAS variant's results, measured in a child."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=default_repeat)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.repeat)))
        return None
    print_machine(title.format(repeat=args.repeat), sources)
    return {name: json.loads(run_variant(sys.argv[0], ["--repeat", str(args.repeat), "--child"], env))
            for name, env in variants()}

