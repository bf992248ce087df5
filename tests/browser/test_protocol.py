"""The page protocol (game/browser/protocol.py) against the page that speaks it (web/index.tmpl, web/catmouse.js) and
the game that answers it (game/browser/web.py's parser, Game.handle_command, Game.status).

The page's controls are read from the template's markup and the messages from catmouse.js's send() calls, so a
control that sends a command the game does not accept, or a field the command does not have, fails here
without a browser. tests/web/test_page.py checks the same in headless Chromium: every message the page really
sent there goes through web.parse_command.
"""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from game import main
from game.brains import brainfile
from game.browser import protocol, web
from game.browser.protocol import (
    COMMANDS,
    STATUS_FIELDS,
    Choice,
    FileBytes,
    FileName,
    Switch,
    WholeNumber,
    page_status,
    run_command,
)
from game.play.app import LEARN_SPEED_UPDATES, Game
from game.world.teachers import TEACHER_NAMES

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "web" / "index.tmpl"
SCRIPT = ROOT / "web" / "catmouse.js"
WEIGHTS = ROOT / "weights"

# Interactive elements of the page that send no command, and why.
NOT_COMMANDS = {
    "data-key": "the touch pad presses arrow keys for the game, as the keyboard does",
    "dlg_multifile": "pygbag's runtime's own file input (hidden), not ours",
}


class Controls(HTMLParser):
    """Every interactive element of the template: (tag, attributes), and those that declare data-command."""

    def __init__(self) -> None:
        super().__init__()
        self.interactive: list[tuple[str, dict[str, str]]] = []
        self.commands: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag in ("button", "input", "select", "textarea"):
            self.interactive.append((tag, found))
        if "data-command" in found:
            self.commands.append((tag, found))


def read_controls(html: str) -> Controls:
    controls = Controls()
    controls.feed(re.sub(r"<script\b.*?</script>", "", html, flags=re.S))  # the loader's Python is not markup
    return controls


def fields_a_control_fills(tag: str, attrs: dict[str, str]) -> tuple[type, ...] | None:
    """The field types (in any order) a control of this kind gives its command, as catmouse.js builds them."""
    if "data-choices" in attrs:
        return (Choice | FileName,)
    kind = attrs.get("type", "")
    if tag == "input" and kind == "checkbox":
        return (Switch,)
    if tag == "input" and kind == "range":
        return (WholeNumber,)
    if tag == "input" and kind == "file":
        return (FileName, FileBytes)
    if tag == "button":
        return ()
    return None


def control_problems(html: str) -> list[str]:
    """What is wrong between the template's controls and protocol.COMMANDS (empty: nothing)."""
    controls = read_controls(html)
    problems = []
    for tag, attrs in controls.interactive:
        if "data-command" not in attrs and not any(key in attrs or attrs.get("id") == key for key in NOT_COMMANDS):
            problems.append(f"<{tag} {attrs}> sends no command and is not one of the page's known exceptions")
    for tag, attrs in controls.commands:
        name = attrs["data-command"]
        command = COMMANDS.get(name)
        if command is None:
            problems.append(f"<{tag} data-command={name!r}>: the game has no command {name!r}")
            continue
        fills = fields_a_control_fills(tag, attrs)
        if fills is None:
            problems.append(f"<{tag} data-command={name!r}>: catmouse.js does not know how to send from a {tag}")
            continue
        types = [type(field) for field in command.fields]
        if len(types) != len(fills) or not all(any(issubclass(t, f) for f in fills) for t in types):
            problems.append(f"<{tag} data-command={name!r}> fills {fills}, but {name!r} has fields "
                            f"{[f'{f.name}: {type(f).__name__}' for f in command.fields]}")
        source = attrs.get("data-choices")
        if source is not None:
            lists = {key for key, value in protocol.page_table().items() if isinstance(value, list)}
            if source not in lists and STATUS_FIELDS.get(source, protocol.StatusField("", "")).kind != "list":
                problems.append(f"<{tag} data-choices={source!r}>: neither a list of the protocol nor a status list")
            if isinstance(command.fields[0], Choice) and source in lists:
                names = tuple(item["name"] for item in protocol.page_table()[source])
                if names != command.fields[0].choices:
                    problems.append(f"data-choices={source!r} offers {names}, {name!r} accepts "
                                    f"{command.fields[0].choices}")
    return problems


SEND = re.compile(r"(?<!function )\bsend\((.*?)\);", re.S)  # calls, not the definition
LITERAL = re.compile(r"^\{\s*type:\s*\"(\w+)\"\s*(?:,(.*))?\}$", re.S)


def literal_keys(body: str) -> list[str]:
    """Keys of a flat object literal's remaining entries: `name: saved.name, data: saved.data`."""
    return re.findall(r"(?:^|,)\s*(\w+)\s*:", body or "")


def sent_messages(js: str) -> list[tuple[str, list[str]]]:
    """Each send(...) in catmouse.js as (command, keys) for a literal message, ("*", []) for one built by
    message(command, ...) from the protocol's fields; anything else is reported as ("?", [text])."""
    found = []
    for match in SEND.finditer(js):
        argument = match.group(1).strip()
        literal = LITERAL.match(argument)
        if literal:
            found.append((literal.group(1), literal_keys(literal.group(2))))
        elif argument.startswith("message(command,"):
            found.append(("*", []))
        else:
            found.append(("?", [argument]))
    return found


def send_problems(js: str) -> list[str]:
    problems = []
    for kind, keys in sent_messages(js):
        if kind == "?":
            problems.append(f"send({keys[0]}) is neither a literal message nor built by message(): cannot check it")
        elif kind != "*" and kind not in COMMANDS:
            problems.append(f"send({{type: {kind!r}}}): the game has no command {kind!r}")
        elif kind != "*" and sorted(keys) != sorted(web.COMMAND_FIELDS[kind]):
            problems.append(f"send({{type: {kind!r}}}) sends {sorted(keys)}, {kind!r} takes "
                            f"{sorted(web.COMMAND_FIELDS[kind])}")
    return problems


# -- the page against the protocol -----------------------------------------------------------------------------


def test_every_control_in_the_page_sends_a_command_the_game_accepts_with_its_fields() -> None:
    html = TEMPLATE.read_text(encoding="utf-8")
    assert control_problems(html) == []
    assert read_controls(html).commands, "the template has no controls at all: this test would prove nothing"


def test_every_message_catmouse_js_sends_is_a_command_with_its_fields() -> None:
    js = SCRIPT.read_text(encoding="utf-8")
    assert send_problems(js) == []
    assert ("*", []) in sent_messages(js) and ("restore", ["name", "data"]) in sent_messages(js)


def test_every_command_has_a_control_or_says_how_the_page_sends_it() -> None:
    html, js = TEMPLATE.read_text(encoding="utf-8"), SCRIPT.read_text(encoding="utf-8")
    with_control = {attrs["data-command"] for _, attrs in read_controls(html).commands}
    sent_literally = {kind for kind, _ in sent_messages(js)}
    for name, command in COMMANDS.items():
        if command.without_control:
            assert name not in with_control, f"{name!r} has a control but says it has none"
            assert name in sent_literally, f"{name!r} says the page sends it by itself; catmouse.js never does"
        else:
            assert name in with_control, f"{name!r} has no control in the page and does not say how it is sent"


def test_the_checks_catch_an_unknown_command_and_an_unknown_field() -> None:
    html = TEMPLATE.read_text(encoding="utf-8")
    js = SCRIPT.read_text(encoding="utf-8")
    button = '<button type="button" data-command="explode">Explode</button>'
    assert any("no command 'explode'" in p for p in control_problems(html.replace("</aside>", button + "</aside>")))
    slider_for_a_switch = html.replace('data-command="learn_speed"', 'data-command="learn"')
    assert any("'learn' has fields" in p for p in control_problems(slider_for_a_switch))
    bare = html.replace('data-command="reset"', "")
    assert any("sends no command" in p for p in control_problems(bare))
    extra = js.replace("send({ type: \"restore\", name: saved.name, data: saved.data })",
                       "send({ type: \"restore\", name: saved.name, data: saved.data, when: 1 })")
    assert any("'restore' takes" in p for p in send_problems(extra))
    unknown = js.replace("send({ type: \"restore\",", "send({ type: \"restart\",")
    assert any("no command 'restart'" in p for p in send_problems(unknown))
    hidden = js.replace("send(message(command, () => control.checked))", "send(makeMessage(control))")
    assert any("cannot check it" in p for p in send_problems(hidden))


def test_the_page_reads_what_it_shows_from_the_protocol_not_from_copies() -> None:
    html, js = TEMPLATE.read_text(encoding="utf-8"), SCRIPT.read_text(encoding="utf-8")
    for label in protocol.TEACHER_LABELS.values():
        assert label not in html and label not in js, f"the teacher label {label!r} is written in the page"
    for name in TEACHER_NAMES:
        assert f'"{name}"' not in js and f"data-teacher=\"{name}\"" not in html
    speed = re.search(r"<input[^>]*data-command=\"learn_speed\"[^>]*>", html).group(0)
    assert "min=" not in speed and "max=" not in speed, "the slider's bounds come from the protocol"
    assert "const META_LABELS" not in js and "const MAX_UPLOAD_BYTES" not in js
    read = set(re.findall(r"\"(\w+)\" in update", js))
    assert read and read <= set(STATUS_FIELDS), f"catmouse.js reads status fields the game never sends: {read}"
    for command in COMMANDS.values():
        assert command.shows is None or command.shows in STATUS_FIELDS


def test_meta_labels_are_keys_brain_files_have_and_show_where_a_tuned_brain_came_from() -> None:
    keys = [row["key"] for row in protocol.META_LABELS]
    known = set(brainfile.REQUIRED_META) | set(brainfile.OPTIONAL_META)
    assert set(keys) <= known, f"labels for keys no brain file has: {set(keys) - known}"
    assert len(keys) == len(set(keys))
    for key in ("tuned", "fine_tuned_from", "fine_tune_updates", "tuned_heldout_agreement", "architecture",
                "hidden_size", "teacher", "training_games", "heldout_mistakes_per_game", "grid_sizes"):
        assert key in keys
    shipped = [brainfile.load_brain(path, role=None, sight=None).meta for path in sorted(WEIGHTS.glob("*.npz"))]
    assert shipped, "no shipped brains to compare with"
    for meta in shipped:
        assert {"architecture", "hidden_size", "grid_sizes"} <= set(meta) & set(keys)
    architecture = protocol.META_LABELS[0]
    assert {meta["architecture"] for meta in shipped} <= set(architecture["values"])


def test_the_page_table_names_every_teacher_with_a_label() -> None:
    table = protocol.page_table()
    assert [t["name"] for t in table["teachers"]] == list(TEACHER_NAMES)
    assert all(t["label"] for t in table["teachers"])
    assert table["commands"]["learn_speed"]["fields"]["value"] == {"type": "whole", "min": 1, "max": 10}
    assert table["commands"]["upload"]["fields"]["data"]["max_bytes"] == brainfile.MAX_FILE_BYTES
    assert protocol.page_script().startswith("// Written by build.sh")


# -- the game against the protocol ----------------------------------------------------------------------------


class FakePage:
    def __init__(self) -> None:
        self.downloads: list[str] = []
        self.stored: list[str | None] = []

    def offer_download(self, filename: str, data: bytes) -> None:
        self.downloads.append(filename)

    def store_brain(self, name: str | None, data: bytes | None) -> None:
        self.stored.append(name)


@pytest.fixture
def game() -> Game:
    return Game(WEIGHTS, seed=3)


def clean(command: dict[str, Any]) -> dict[str, Any]:
    return web.parse_command(command)


def test_every_command_reaches_the_game_through_the_table(game: Game) -> None:
    page = FakePage()
    other = game.library.brain_files()[0]  # a mouse brain (the list skips cat brains)
    data = base64.b64encode(other.read_bytes()).decode("ascii")
    done = set()

    def send(command: dict[str, Any]) -> None:
        run_command(game, clean(command), page)
        done.add(command["type"])

    send({"type": "learn", "on": True})
    assert game.coach.learning and game.coach.learner is not None
    send({"type": "teacher", "name": "post"})
    assert game.coach.teacher == "post"
    send({"type": "learn_speed", "value": 7})
    assert game.coach.learn_speed == 7 and game.coach.learner.updates_per_round == 7 * LEARN_SPEED_UPDATES
    send({"type": "brain", "name": other.name})
    assert game.library.brain_name == other.name
    send({"type": "upload", "name": "mine.npz", "data": data})
    assert game.library.brain_name == "mine.npz"
    send({"type": "restore", "name": "kept.npz", "data": data})
    assert game.library.brain_name == "kept.npz"
    send({"type": "download"})
    assert page.downloads == ["kept.npz"], "a brain that has not learned comes down as it is"
    assert page.stored == [], "the page's storage is the main loop's to fill (Game.brain_to_keep)"
    send({"type": "reset"})
    assert "back to its pretrained weights" in game.message
    send({"type": "cat", "name": "cat_lstm32.npz"})
    assert game.watching and game.cat_player.brain is not None and page_status(game)["cat"] == "cat_lstm32.npz"
    send({"type": "cat", "name": "you"})
    assert not game.watching and page_status(game)["cat"] == "you"
    cat_file = base64.b64encode((WEIGHTS / "cat_lstm32.npz").read_bytes()).decode("ascii")
    send({"type": "cat_upload", "name": "my_cat.npz", "data": cat_file})
    assert game.watch_cat == "my_cat.npz" and "my_cat.npz" in page_status(game)["cats"]
    send({"type": "cat", "name": "you"})
    send({"type": "sight", "name": "fog"})
    fog = brainfile.SIGHT_BRAINS["fog"]
    assert game.sight == "fog" and game.library.brain_name == fog and page_status(game)["brains"] == [fog]
    send({"type": "screen", "width": 376, "height": 780, "dpr": 2.5})
    assert game.screen_box == (376, 780, 2.5)
    assert done == set(COMMANDS)


def test_an_unknown_command_is_one_error_line_not_a_crash(game: Game) -> None:
    run_command(game, {"type": "explode"})
    assert game.message_is_error and game.message == "unknown page command 'explode'"


def test_the_status_is_exactly_the_declared_fields(game: Game) -> None:
    status = page_status(game)
    assert list(status) == list(STATUS_FIELDS)
    kinds = {"text": str, "object": dict, "list": list, "bool": bool, "count": int, "number": (int, float)}
    for name, field in STATUS_FIELDS.items():
        value = status[name]
        assert value is None or isinstance(value, kinds[field.kind]), (name, value)


def test_the_learn_speed_bounds_are_the_protocols_everywhere(game: Game) -> None:
    low, high = protocol.LEARN_SPEED
    game.set_learn_speed(low - 5)
    assert game.coach.learn_speed == low
    game.set_learn_speed(high + 5)
    assert game.coach.learn_speed == high
    for value in (low, high):
        assert main.parse_args(["--headless", "--watch", "greedy", "--learn-speed", str(value)]).learn_speed == value
    for value in (low - 1, high + 1):
        with pytest.raises(SystemExit):
            main.parse_args(["--headless", "--watch", "greedy", "--learn-speed", str(value)])
    for value in (low - 1, high + 1):
        with pytest.raises(web.CommandError, match=f"outside {low}..{high}"):
            web.parse_command({"type": "learn_speed", "value": value})


@pytest.mark.parametrize("entry, problem", [
    ({"width": 376, "height": 780, "dpr": True}, "needs a number 'dpr'"),
    ({"width": 376, "height": 780, "dpr": float("nan")}, "needs a number 'dpr'"),
    ({"width": 376, "height": 780, "dpr": "2"}, "needs a number 'dpr'"),
    ({"width": 376, "height": 780, "dpr": 9}, "outside 0.25..8"),
    ({"width": 20, "height": 780, "dpr": 2}, "outside 120..8192"),
    ({"width": 376, "height": 1e9, "dpr": 2}, "outside 120..8192"),
])
def test_the_screen_command_refuses_what_no_page_measures(entry: dict[str, Any], problem: str) -> None:
    with pytest.raises(web.CommandError, match=re.escape(problem)):
        web.parse_command({"type": "screen", **entry})
    assert web.parse_command({"type": "screen", "width": 376, "height": 780, "dpr": 3}) == \
        {"type": "screen", "width": 376, "height": 780, "dpr": 3.0}
