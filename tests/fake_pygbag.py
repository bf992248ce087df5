"""A fake of pygbag 0.9.3's browser runtime, as far as the page's loader sees it, to run the loader natively.

Written from 0.9.3's own files (the CDN's 0.9.3/pythons.js and 0.9.3/cpythonrc.py, and the pip package
pygbag 0.9.3's support/cross/__EMSCRIPTEN__.py and support/cross/aio/{filelike,pep0723,toplevel}.py).
Each piece says which file its behaviour comes from. Nothing here is copied from them.

Run as a program, one start per run (it replaces the `platform` and `embed` modules of its own process):

    python tests/fake_pygbag.py INDEX_HTML SITE_DIR PAGE_URL DATA_DIR RECORD.jsonl [--cdn-down]

It takes the loader's Python out of the built index.html the way pythons.js does (the text of the module
script whose src is pythons.js), points the loader's one DATA_DIR line at a temporary folder, and runs it
as __main__. Every call the loader makes into the runtime or the page is appended to RECORD.jsonl as it
happens, with the seconds since the start, so a run that hangs still shows how far it got.
"""

from __future__ import annotations

import asyncio
import html.parser
import importlib.abc
import json
import os
import re
import shutil
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

DATA_DIR_LINE = re.compile(r'^DATA_DIR = "/data/data"(?P<rest>.*)$', re.M)
PRELOAD_SECONDS = 0.5  # assumed: how long the C side takes to unlock embed.counter() when nothing needs preloading


class _ScriptText(html.parser.HTMLParser):
    """The text of the first <script type=module src=...pythons.js>, as pythons.js's auto_start reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.inside = False
        self.done = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and not self.done and found.get("type") == "module" and "pythons.js" in (
            found.get("src") or ""
        ):
            self.inside = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.inside:
            self.inside, self.done = False, True

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text.append(data)


def loader_source(index_html: str) -> str:
    """pythons.js: auto_start() takes script.text of the pythons.js module tag; run_pyrc() writes it to a file."""
    parser = _ScriptText()
    parser.feed(index_html)
    if not parser.done:
        raise ValueError("index.html has no <script type=module src=...pythons.js> with Python in it")
    return "".join(parser.text)


class Recorder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.start = time.monotonic()
        path.write_text("")

    def __call__(self, event: str, **fields: Any) -> None:
        entry = {"t": round(time.monotonic() - self.start, 3), "event": event, **fields}
        with self.path.open("a") as out:
            out.write(json.dumps(entry, default=str) + "\n")


class Location:
    """window.location of the page."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.href = url
        self.protocol = parts.scheme + ":"
        self.host = parts.netloc
        self.hostname = parts.hostname or ""
        self.port = str(parts.port or "")
        self.pathname = parts.path or "/"


class Track:
    """What pythons.js's MM.prepare returns. In 0.9.3 `ready` is set only for audio tracks, and the
    "mount" branch of media_prepare() is empty ("was browserfs, removed"), so a mount never becomes ready."""

    def __init__(self, url: str, cfg: dict[str, Any]) -> None:
        self.url = url
        self.type = cfg.get("type", "fs")
        self.io = cfg.get("io", "packed")
        self.ready = None  # JS undefined
        self.avail = None
        self.error = False
        self.pos = 0
        self.len = 0


class MediaManager:
    def __init__(self, record: Recorder) -> None:
        self.record = record
        self.UME = True  # pythons.js feat_snd: MM.UME = !config.ume_block, and our page sets ume_block 0

    def prepare(self, url: str, cfg: str) -> Track:
        parsed = json.loads(cfg)  # pythons.js MM.prepare JSON.parse()s its cfg
        self.record("MM.prepare", url=url, cfg=parsed)
        return Track(url, parsed)


class Page:
    """window.catmouse: every call the loader makes on the page is recorded (web/catmouse.js is the real one)."""

    def __init__(self, record: Recorder) -> None:
        self.record = record

    def __getattr__(self, method: str):
        def call(*args: Any) -> None:
            self.record("page", method=method, args=[str(a) for a in args])

        return call


class Window:
    def __init__(self, url: str, record: Recorder) -> None:
        self.location = Location(url)
        self.MM = MediaManager(record)
        self.catmouse = Page(record)
        # pythons.js: window.python is the vm; vm.config.debug is true only with #debug in the address
        self.python = types.SimpleNamespace(config=types.SimpleNamespace(debug="#debug" in url))


class FOpen:
    """aio/filelike.py fopen on wasm: pythons.js cross_file() fetches the URL (relative URLs resolve against
    the page), writes the bytes to a temporary file of the wasm file system, and the context gives open() of
    that file. On an HTTP error cross_file returns before yielding the file name, so jsiter() hands open()
    the last value it saw (the 0 yielded while waiting): a stream that is not the archive. Modelled here as
    an unseekable, empty pipe."""

    def __init__(self, runtime: Runtime, url: str, mode: str = "r", **_: Any) -> None:
        self.runtime = runtime
        self.url = urljoin(runtime.window.location.href, str(url))
        self.mode = mode
        self.file: Any = None
        self.tmp: str | None = None

    async def __aenter__(self):
        await asyncio.sleep(0.01)  # a fetch takes at least a turn of the browser's loop
        local = self.runtime.site_file(self.url)
        self.runtime.record("fopen", url=self.url, found=local is not None)
        if local is None:
            read_end, write_end = os.pipe()
            os.close(write_end)
            self.file = open(read_end, "rb" if "b" in self.mode else "r")
            return self.file
        handle, self.tmp = tempfile.mkstemp(prefix="fopen-")
        os.close(handle)
        shutil.copyfile(local, self.tmp)
        self.file = open(self.tmp, "rb") if "b" in self.mode else open(self.tmp, encoding="utf-8")
        return self.file

    async def __aexit__(self, *exc: Any) -> None:
        self.file.close()
        if self.tmp:
            os.unlink(self.tmp)


class Embed(types.ModuleType):
    """The C module `embed`: counter() stays below 0 until the runtime's preloader has indexed the app folder,
    which __EMSCRIPTEN__.run_main() starts (it calls embed.run() when no .so needs preloading)."""

    def __init__(self) -> None:
        super().__init__("embed")
        self.unlocked_at: float | None = None

    def counter(self) -> int:
        if self.unlocked_at is None or time.monotonic() < self.unlocked_at:
            return -1
        return 0


class WithoutPackages(importlib.abc.MetaPathFinder):
    """pep0723.pip_install() only prints when a wheel cannot be fetched; the package is then just absent:
    this finder wraps one of the process's own and finds nothing for those names."""

    def __init__(self, finder: Any, names: tuple[str, ...]) -> None:
        self.finder = finder
        self.names = names

    def find_spec(self, name: str, path: Any = None, target: Any = None):
        if name.split(".")[0] in self.names or not hasattr(self.finder, "find_spec"):
            return None
        return self.finder.find_spec(name, path, target)


def pep723_dependencies(code: str) -> list[str]:
    """The dependencies of main.py's `# /// script` block, which pep0723.check_list() installs."""
    block = re.search(r"^# /// script\n(?P<body>(?:#.*\n)*?)^# ///$", code, re.M)
    if not block:
        return []
    found = re.search(r"dependencies\s*=\s*\[(?P<list>[^\]]*)\]", block.group("body").replace("\n#", "\n"))
    return re.findall(r'"([^"]+)"', found.group("list")) if found else []


class Shell:
    """cpythonrc.py's shell, the parts the loader uses."""

    is_interactive = None

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def source(self, main: Any, *args: Any, **kw: Any) -> str:
        # cpythonrc.py shell.source: mutes the REPL (aio.toplevel.handler.muted = True), then runpy()
        return await self._run(main, muted=True, via="source")

    async def runpy(self, main: Any, *args: Any, **kw: Any) -> str:
        # shell.runpy alone leaves the REPL unmuted: after queuing main.py it calls interactive(),
        # which starts the prompt and deletes __main__.__file__
        return await self._run(main, muted=False, via="runpy")

    async def _run(self, main: Any, muted: bool, via: str) -> str:
        path = Path(str(main))
        if not path.is_absolute():
            path = Path.cwd() / path
        code = path.read_text(encoding="utf-8") if path.is_file() else ""
        deps = pep723_dependencies(code)
        # runpy(): chdir to main's folder, then preload_code() installs the dependencies (the slow part)
        os.chdir(path.parent)
        self.runtime.record("shell." + via, path=str(path), exists=path.is_file(), muted=muted,
                            cwd=os.getcwd(), installs=deps, main_file=getattr(sys.modules["__main__"],
                                                                             "__file__", None))
        await asyncio.sleep(0.05)
        if self.runtime.cdn_down:
            sys.meta_path[:] = [WithoutPackages(finder, ("numpy", "pygame")) for finder in sys.meta_path]
        return code


class TopLevel:
    """cpythonrc.py TopLevel_async_handler (aio.toplevel.AsyncInteractiveConsole)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def start_toplevel(self, shell: Any, console: bool = True, ns: str = "__main__") -> None:
        self.runtime.record("start_toplevel", console=console)


class Runtime:
    def __init__(self, site: Path, url: str, record: Recorder, cdn_down: bool = False) -> None:
        self.site = site.resolve()
        self.base = urljoin(url, ".")  # the folder the page was served from
        self.record = record
        self.cdn_down = cdn_down
        self.window = Window(url, record)
        self.embed = Embed()
        self.shell = Shell(self)
        # in the runtime `platform` is __EMSCRIPTEN__, which starts with `from platform import *` (the stdlib's)
        import platform as stdlib_platform

        self.platform = types.ModuleType("platform")
        self.platform.__dict__.update({k: v for k, v in vars(stdlib_platform).items() if not k.startswith("__")})
        self.platform.window = self.window
        self.platform.shell = self.shell
        self.platform.fopen = lambda url, mode="r", **kw: FOpen(self, url, mode, **kw)
        self.platform.run_main = self.run_main

    def site_file(self, url: str) -> Path | None:
        if not url.startswith(self.base):
            return None
        local = (self.site / url[len(self.base):].split("?")[0].split("#")[0]).resolve()
        return local if local.is_file() and self.site in local.parents else None

    def run_main(self, PyConfig: Any, loaderhome: Any = None, loadermain: str | None = "main.py") -> None:  # noqa: N803
        # __EMSCRIPTEN__.run_main: chdir into loaderhome (or complain and stop), put it first on sys.path,
        # count .so files to preload; with none, embed.run() lets embed.counter() reach 0
        home = str(loaderhome)
        self.record("run_main", loaderhome=home, loadermain=loadermain, is_dir=os.path.isdir(home))
        if not os.path.isdir(home):
            return
        os.chdir(home)
        sys.path.insert(0, home)
        self.embed.unlocked_at = time.monotonic() + PRELOAD_SECONDS

    def globals(self) -> dict[str, Any]:
        """What the template's Python finds around it: pythonrc's globals and builtins."""
        return {
            "__name__": "__main__",
            "PyConfig": types.SimpleNamespace(interactive=0, dev_mode=-1, orig_argv=[], executable="python"),
            "shell": self.shell,
            "TopLevel_async_handler": TopLevel(self),
            "window": self.window,
        }


def run(index_html: Path, site: Path, url: str, data_dir: Path, record_path: Path, cdn_down: bool) -> None:
    record = Recorder(record_path)
    source = loader_source(index_html.read_text(encoding="utf-8"))
    source, count = DATA_DIR_LINE.subn(lambda m: f"DATA_DIR = {str(data_dir)!r}{m.group('rest')}", source)
    record("loader", chars=len(source), data_dir_lines=count)
    if count != 1:  # never let a loader write to this machine's /data/data
        sys.exit(f"{index_html}: the loader has {count} 'DATA_DIR = \"/data/data\"' lines, expected 1")
    runtime = Runtime(site, url, record, cdn_down)
    sys.modules["platform"] = runtime.platform
    sys.modules["embed"] = runtime.embed
    main = types.ModuleType("__main__")
    main.__dict__.update(runtime.globals())
    sys.modules["__main__"] = main
    exec(compile(source, str(index_html), "exec"), main.__dict__)
    record("loader returned")


if __name__ == "__main__":
    args = sys.argv[1:]
    down = "--cdn-down" in args
    args = [a for a in args if a != "--cdn-down"]
    if len(args) != 5:
        sys.exit("usage: fake_pygbag.py INDEX_HTML SITE_DIR PAGE_URL DATA_DIR RECORD.jsonl [--cdn-down]")
    run(Path(args[0]), Path(args[1]), args[2], Path(args[3]), Path(args[4]), down)
