"""build.sh: the browser build, run for real into a temporary folder, then its output checked."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import os
import re
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from game.browser.protocol import page_script

pytestmark = pytest.mark.slow  # runs the pygbag build

ROOT = Path(__file__).resolve().parents[2]
BUILD_SH = ROOT / "build.sh"
CDN = "https://pygame-web.github.io/cdn/0.9.3/"
# Budget for our own archive (game code + every bundled brain), which the browser downloads before the
# game starts, on top of pygbag's runtime and Pyodide's numpy (several MB, cached from the CDN). The code
# is ~100 kB and a brain tens of kB; 1 MiB leaves room for a dozen brains while keeping our share of the
# first load small. A brain that needs more than that is too big for a phone, not a reason to raise it.
APK_BUDGET_BYTES = 1024 * 1024
TRAINING = re.compile(r"^\s*(from|import) game\.training", re.MULTILINE)  # a command that starts a training tool


def pygbag_version() -> str | None:
    try:
        import pygbag
    except ImportError:
        return None
    return str(pygbag.VERSION)


def missing_prerequisite() -> str | None:
    if pygbag_version() != "0.9.3":
        return "pygbag==0.9.3 is not installed (pip install pygbag==0.9.3)"
    if not (ROOT / "game" / "main.py").is_file():
        return "game/main.py is not in the repository yet"
    if not list((ROOT / "weights").glob("*.npz")):
        return "weights/ holds no .npz brain yet"
    return None


def offline_env() -> dict[str, str]:
    """Any download attempt goes to a dead proxy: pygbag would retry forever and the run would time out."""
    env = dict(os.environ)
    for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env[key] = "http://127.0.0.1:9"
    env["PYTHON"] = os.environ.get("PYTHON", "python3")
    return env


def shipped_modules() -> list[str]:
    """build.sh's rule: every module in game/ but game/training/ and the commands that start it (main.py goes
    to the archive's root), as paths inside game/."""
    game = ROOT / "game"
    shipped = []
    for path in game.rglob("*.py"):
        inside = path.relative_to(game)
        if "__pycache__" in inside.parts or inside.parts[0] == "training" or str(inside) == "main.py":
            continue
        if not TRAINING.search(path.read_text()):
            shipped.append(str(inside))
    return sorted(shipped)


def source_hashes() -> dict[str, str]:
    files = [*(ROOT / "game").rglob("*.py"), *(ROOT / "web").glob("*")]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()}


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    missing = missing_prerequisite()
    if missing:
        pytest.skip(missing)
    out = tmp_path_factory.mktemp("site") / "web"
    before = source_hashes()
    result = subprocess.run(
        [str(BUILD_SH), "--archive", "--out", str(out)],
        cwd=ROOT,
        env=offline_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert source_hashes() == before, "the build changed our sources (pygbag must only see a copy)"
    return out, result


def test_output_files(build: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, result = build
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["index.html", "favicon.png", "catmouse.tar.gz", "catmouse.apk", "catmouse.js", "catmouse.css", "protocol.js"]
    )
    assert (out / "favicon.png").read_bytes() == (ROOT / "web" / "favicon.png").read_bytes()
    assert (out / "protocol.js").read_text(encoding="utf-8") == page_script()  # the one table, as the game has it
    assert f"built {out}" in result.stdout


def test_index_is_our_template_with_the_runtime_loader(build: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, _ = build
    html = (out / "index.html").read_text(encoding="utf-8")
    first_line = html.splitlines()[0]
    # pygbag's loader: pythons.js from the CDN for CPython 3.12, as the page's first script
    assert first_line.startswith(f'<html lang="en"><script src="{CDN}pythons.js" type=module id=site')
    assert "data-python=python3.12" in first_line
    assert "Cat & Mouse page loader" in html  # our template, not pygbag's default
    assert 'APP = "catmouse"' in html  # the loader reads catmouse.tar.gz, or catmouse.apk on itch.io
    assert "async def custom_site():" in html and "asyncio.run(custom_site())" in html
    assert "{{" not in html and "cookiecutter" not in html
    assert "browserfs.min.js" not in html  # 0.9.3's default template points at a file that answers 404
    for element in (
        'id="canvas"',
        'id="cm-panel"',
        'id="cm-upload"',
        'id="cm-learn"',
        'id="cm-speed"',
        'id="cm-download"',
        'id="cm-reset"',
        'id="cm-brains"',
        'id="cm-error"',
        'src="protocol.js"',
        'src="catmouse.js"',
    ):
        assert element in html, element
    # no text fields: SDL takes every key press in the page
    input_types = {re.search(r'type="(\w+)"', tag).group(1) for tag in re.findall(r"<input[^>]*>", html)}
    assert input_types <= {"checkbox", "range", "file"}, input_types
    assert "<textarea" not in html


def imported_game_modules(source: str, path: str) -> set[str]:
    """Modules of the game package that a source file imports (relative or via `game.`), as paths inside game/
    ('play/app.py'); path is the file's own path inside game/ ('' for main.py at the archive's root)."""
    package = ["game", *Path(path).parts[:-1]] if path else ["game"]
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "game":
                base = node.module.split(".")
            else:
                continue
            modules.add("/".join(base[1:]))
            modules.update("/".join([*base[1:], alias.name]) for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update("/".join(a.name.split(".")[1:]) for a in node.names if a.name.startswith("game."))
    packages = {m for m in modules if m and (ROOT / "game" / m / "__init__.py").is_file()}
    files = {f"{m}.py" for m in modules if m and (ROOT / "game" / f"{m}.py").is_file()}
    packages |= {str(Path(f).parent) for f in files if "/" in f}  # a module's package is loaded with it
    return files | {f"{m}/__init__.py" for m in packages}


def test_archive_holds_exactly_what_the_browser_needs(build: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, _ = build
    with zipfile.ZipFile(out / "catmouse.apk") as apk:
        names = set(apk.namelist())
        main = apk.read("assets/main.py")
        shipped = {name: apk.read(name) for name in names if name.startswith("assets/game/")}
    assert main == (ROOT / "game" / "main.py").read_bytes()
    brains = {f"assets/weights/{p.name}" for p in (ROOT / "weights").glob("*.npz")}
    modules = {f"assets/game/{name}" for name in shipped_modules()}
    assert names == {"assets/main.py"} | modules | brains
    for name in brains:
        assert name in names
    # every game module that main.py or a shipped module imports is in the archive, and none is a training tool
    wanted = imported_game_modules(main.decode(), "")
    for name, source in shipped.items():
        wanted |= imported_game_modules(source.decode(), name.removeprefix("assets/game/"))
        assert not TRAINING.search(source.decode()), f"{name} starts a training tool"
    missing = sorted(m for m in wanted if f"assets/game/{m}" not in names)
    assert not missing, f"imported but not shipped: {missing}"
    assert "browser/web.py" in wanted and not any(name.startswith("assets/game/training/") for name in names)


def test_tarball_holds_what_the_zip_holds(build: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    """The loader reads the tarball on most hosts and the zip on itch.io: both must be the same game."""
    out, _ = build
    with zipfile.ZipFile(out / "catmouse.apk") as apk:
        zipped = {name: apk.read(name) for name in apk.namelist()}
    with tarfile.open(out / "catmouse.tar.gz", "r:gz") as tar:
        members = tar.getmembers()
        assert all(m.isfile() for m in members)
        tarred = {m.name: tar.extractfile(m).read() for m in members}
    assert tarred == zipped


def test_main_declares_numpy_for_pygbag(build: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, _ = build
    with zipfile.ZipFile(out / "catmouse.apk") as apk:
        main = apk.read("assets/main.py").decode()
    block = re.search(r"^# /// script\n(.*?)^# ///$", main, re.S | re.M)
    assert block, "main.py needs a PEP 723 '# /// script' block"
    assert "numpy" in block.group(1)
    assert re.search(r"^\s*import numpy", main, re.M)


def test_archive_budget(build: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, _ = build
    size = (out / "catmouse.apk").stat().st_size
    assert size <= APK_BUDGET_BYTES, f"catmouse.apk is {size} bytes, over the {APK_BUDGET_BYTES} byte budget"


def test_itch_zip(build: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, result = build
    zip_path = out.with_name("web.zip")
    with zipfile.ZipFile(zip_path) as archive:
        assert sorted(archive.namelist()) == sorted(p.name for p in out.iterdir())
        assert archive.read("index.html") == (out / "index.html").read_bytes()
    assert f"archive {zip_path}" in result.stdout


def test_help_and_bad_option() -> None:
    shown = subprocess.run([str(BUILD_SH), "--help"], capture_output=True, text=True, timeout=30)
    assert shown.returncode == 0
    for option in ("--serve", "--archive", "--out", "--port"):
        assert option in shown.stdout
    wrong = subprocess.run([str(BUILD_SH), "--frobnicate"], capture_output=True, text=True, timeout=30)
    assert wrong.returncode == 1
    assert wrong.stderr.strip().splitlines() == [
        "build.sh: error: unknown option '--frobnicate' (see ./build.sh --help)"
    ]


def test_missing_pygbag_fails_with_one_clear_line(tmp_path: Path) -> None:
    fake = tmp_path / "python-without-pygbag"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    env = dict(os.environ, PYTHON=str(fake))
    result = subprocess.run(
        [str(BUILD_SH), "--out", str(tmp_path / "web")], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pygbag is not installed" in lines[0] and "pip install pygbag==0.9.3" in lines[0]
    assert not (tmp_path / "web").exists()


def test_the_docs_give_the_sizes_the_build_measures(build: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    """docs/WEB.md's table of what a player fetches is web/site_sizes.py's table of this build, to within a few
    KB (an edit to the code moves the archive a little; a figure left from another build is caught)."""
    out, result = build
    spec = importlib.util.spec_from_file_location("site_sizes", ROOT / "web" / "site_sizes.py")
    site_sizes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(site_sizes)
    fresh = site_sizes.markdown(site_sizes.measure(out))
    assert fresh in result.stdout, "build.sh should print the table"
    docs = (ROOT / "docs" / "WEB.md").read_text(encoding="utf-8")
    rows = [line for line in docs.splitlines() if line.startswith("| ")]

    def table(lines: list[str]) -> dict[str, int]:
        cells = [line.strip("|").rsplit("|", 1) for line in lines]
        return {what.strip(): int(kb.replace(",", "")) for what, kb in cells if kb.strip().replace(",", "").isdigit()}

    written, measured = table(rows), table(fresh.splitlines())
    for what, kb in measured.items():
        assert what in written, f"docs/WEB.md lacks the row {what!r} (run: python web/site_sizes.py build/web)"
        assert abs(written[what] - kb) <= max(3, kb * 0.05), f"docs/WEB.md says {written[what]} KB for {what!r}; " \
            f"the build measures {kb} KB (run: python web/site_sizes.py build/web)"
    readme = re.search(r"plus our own files, about ([\d,]+) KB", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert readme, "README.md should say how much of a first visit is ours"
    ours = measured["our part of a first visit: the page and the tarball"]
    said = int(readme.group(1).replace(",", ""))
    assert abs(said - ours) <= max(10, ours * 0.05), f"README.md says {said} KB; the build has {ours} KB"


def test_a_self_hosted_runtime_is_one_option(tmp_path: Path) -> None:
    """--cdn points the page at a copy of pygbag's runtime the deployer hosts; a malformed one is one line."""
    bad = subprocess.run([str(BUILD_SH), "--cdn", "pygbag.example"], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 1
    assert bad.stderr.strip() == "build.sh: error: --cdn needs a URL ending in / (http:// or https://)"
    if missing_prerequisite():
        pytest.skip(missing_prerequisite())
    out = tmp_path / "web"
    built = subprocess.run([str(BUILD_SH), "--cdn", "https://games.example/pygbag/0.9.3/", "--out", str(out)],
                           cwd=ROOT, env=offline_env(), capture_output=True, text=True, timeout=180)
    assert built.returncode == 0, built.stderr
    first_line = (out / "index.html").read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith('<html lang="en"><script src="https://games.example/pygbag/0.9.3/pythons.js"')
    assert 'cdn: "https://games.example/pygbag/0.9.3/"' in (out / "index.html").read_text(encoding="utf-8")
