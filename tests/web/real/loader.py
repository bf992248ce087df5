"""The real-page test's loader, run by boot.mjs inside Pyodide: what index.html's Python does under pygbag.

Each stage is reported to the page as the real loader reports it (window.catmouse.loading / failed); the
archive is fetched beside index.html and unpacked into the app folder; the wheels are installed by the boot
(sha256 checked); the game gets the browser's window as ``platform.window``, as pygbag's runtime gives it;
main.py runs unmodified as ``__main__`` from its own folder. Its ``asyncio.run(main())`` becomes a task on
the browser's event loop, as pygbag's runtime makes it, since a page's loop can never block.
"""

import asyncio
import importlib.util
import io
import os
import platform
import sys
import tarfile
import traceback
import types
from pathlib import Path

import js
from pyodide.http import pyfetch

APP_DIR = Path("/data/data/catmouse")
MAIN = APP_DIR / "assets" / "main.py"
ARCHIVE = "catmouse.tar.gz"


class LoadError(Exception):
    pass


def game_ended(task: asyncio.Task) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None and not isinstance(error, SystemExit):
        traceback.print_exception(error)
        js.window.game_crashed = f"{type(error).__name__}: {error}"


def run_in_browser(coroutine, **_):
    """asyncio.run as the page's runtime has it: the coroutine runs as a task; nothing waits for it."""
    task = asyncio.ensure_future(coroutine)
    task.add_done_callback(game_ended)
    js.window.game_task_started = True


async def unpack_archive() -> int:
    response = await pyfetch(ARCHIVE)
    if not response.ok:
        raise LoadError(f"{ARCHIVE}: {response.status} {response.status_text}")
    data = await response.bytes()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as bundle:
        bundle.extractall(APP_DIR, filter="data")
    if not MAIN.is_file():
        raise LoadError(f"{ARCHIVE} holds no assets/main.py")
    return len(data)


def run_main() -> None:
    os.chdir(MAIN.parent)
    sys.path.insert(0, str(MAIN.parent))
    platform.window = js.window
    asyncio.run = run_in_browser
    module = types.ModuleType("__main__")
    module.__file__ = str(MAIN)
    sys.modules["__main__"] = module
    exec(compile(MAIN.read_text(), str(MAIN), "exec"), module.__dict__)


async def boot(install_wheels) -> None:
    stage = "archive"
    try:
        js.catmouse.loading(stage, f"Downloading {ARCHIVE}")
        size = await unpack_archive()
        js.catmouse.loading(stage, f"{ARCHIVE}: {size // 1024} kB unpacked")
        stage = "packages"
        js.catmouse.loading(stage, "Downloading and installing numpy and pygame-ce")
        await install_wheels()
        missing = [name for name in ("numpy", "pygame") if importlib.util.find_spec(name) is None]
        if missing:
            raise LoadError(", ".join(missing) + " could not be installed")
        stage = "game"
        js.catmouse.loading(stage, "Starting the game")
        run_main()
    except Exception as error:
        traceback.print_exc()
        js.catmouse.failed(stage, f"{type(error).__name__}: {error}")
