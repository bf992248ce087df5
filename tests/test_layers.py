"""The layers of game/ (docs/ARCHITECTURE.md): each module imports only its own layer and the layers below it,
and the rules, teachers, brains and the learner import no pygame. Read from the source's import statements, so a
lazy import inside a function counts as well."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GAME = Path(__file__).resolve().parents[1] / "game"
MODULES = {".".join(p.relative_to(GAME.parent).with_suffix("").parts) for p in GAME.rglob("*.py")}

# Lowest first. The named product modules at game/'s top belong to the layer of their job.
LAYERS = ("base", "world", "brains", "play", "ui", "browser", "training", "commands")
TOP_MODULES = {"cli": "base", "arena": "world", "brain_np": "brains", "main": "commands", "train": "commands",
               "tournament": "commands", "torch_brain": "commands"}
# Besides the layers below it, what a layer may not import although it sits above it.
FORBIDDEN = {"ui": {"browser", "training"}, "browser": {"ui", "training"}, "training": {"ui", "browser"}}
NO_PYGAME = {"base", "world", "brains", "play", "browser", "training"}


def layer_of(module: str) -> str:
    """'game.play.app' -> 'play'; 'game.arena' (or a name in it, 'game.arena.Arena') -> 'world'."""
    parts = module.split(".")
    assert parts[0] == "game" and len(parts) >= 2, module
    if parts[1] in TOP_MODULES:
        return TOP_MODULES[parts[1]]
    assert parts[1] in LAYERS, f"{module}: game/{parts[1]} is neither a layer package nor a known top module"
    return parts[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(GAME.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module this file imports (absolute names), from its import statements anywhere in the file."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import x` names module x
    return found


def loaded_imports(path: Path) -> set[str]:
    """The game modules this file imports when it is loaded: top-level statements, not those inside functions
    or under `if TYPE_CHECKING:`."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(), str(path))
    body = [n for n in tree.body if not (isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test))]
    found = set()
    todo = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue  # runs later, if ever
        todo.extend(ast.iter_child_nodes(node))
        if isinstance(node, ast.ImportFrom) and node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(anchor + ([node.module] if node.module else []))
            found.update(f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("game"):
            found.update(f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                         for a in node.names)
    return {name for name in found if name in MODULES}


def game_modules() -> list[Path]:
    return sorted(GAME.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    for path in game_modules():
        name = module_name(path)
        if name != "game":
            assert layer_of(name) in LAYERS, f"{name}: not in a layer"


@pytest.mark.parametrize("path", game_modules(), ids=lambda p: str(p.relative_to(GAME.parent)))
def test_imports_follow_the_layers(path: Path) -> None:
    name = module_name(path)
    if name == "game":
        return
    layer = layer_of(name)
    for target in imports_of(path):
        top = target.split(".")[0]
        if top == "pygame":
            assert layer not in NO_PYGAME, f"{name} ({layer}) imports pygame"
        if top != "game" or target == "game":
            continue
        other = layer_of(target)
        assert LAYERS.index(other) <= LAYERS.index(layer), f"{name} ({layer}) imports {target} ({other}), a layer above"
        assert other not in FORBIDDEN.get(layer, ()), f"{name} ({layer}) imports {target} ({other})"


def test_no_import_cycle() -> None:
    """Loading any module never comes back to itself: the modules can be read in an order, lowest first."""
    graph = {module_name(path): loaded_imports(path) for path in game_modules()}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, "import cycle: " + " -> ".join((*trail[trail.index(name):], name))
        if name in done:
            return
        for other in graph.get(name, ()):
            visit(other, (*trail, name))
        done.add(name)

    for name in graph:
        visit(name, ())


def test_play_knows_no_page_no_screen_and_no_trainer() -> None:
    """The session is pygame-free and knows no page: it imports nothing of ui, browser or training."""
    for path in (GAME / "play").glob("*.py"):
        for target in imports_of(path):
            assert not target.startswith(("game.ui", "game.browser", "game.training", "pygame")), (path.name, target)


def test_the_layer_check_sees_a_wrong_import(tmp_path: Path) -> None:
    """The reader above resolves relative imports: a world module importing the session would be caught."""
    world = tmp_path / "game" / "world"
    world.mkdir(parents=True)
    bad = world / "bad.py"
    bad.write_text("from ..play.app import Game\nfrom . import rows\nimport pygame\n")
    global GAME
    saved, GAME = GAME, tmp_path / "game"
    try:
        assert imports_of(bad) >= {"game.play.app", "game.world.rows", "pygame"}
        assert layer_of("game.play.app") == "play" and LAYERS.index("play") > LAYERS.index("world")
    finally:
        GAME = saved
