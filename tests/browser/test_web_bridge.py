"""The Python side of the page bridge (game/browser/web.py), driven through a fake platform.window."""

from __future__ import annotations

import base64
import json
import sys
from typing import Any

import pytest

from game.browser import web
from game.browser.web import Page


class FakeCatmouse:
    """Stands in for the page's window.catmouse namespace: a mailbox plus records of what it was told."""

    def __init__(self) -> None:
        self.mailbox: list[Any] = []
        self.raw: str | None = None
        self.shown: list[dict[str, Any]] = []
        self.downloads: list[tuple[str, str]] = []
        self.stored: list[tuple[str, str]] = []

    def take(self) -> str:
        if self.raw is not None:
            raw, self.raw = self.raw, None
            return raw
        text = json.dumps(self.mailbox)
        self.mailbox.clear()
        return text

    def show(self, text: str) -> None:
        assert isinstance(text, str)
        self.shown.append(json.loads(text))

    def download(self, filename: str, b64: str) -> None:
        self.downloads.append((filename, b64))

    def store(self, name: str, b64: str) -> None:
        self.stored.append((name, b64))


class FakeWindow:
    def __init__(self) -> None:
        self.catmouse = FakeCatmouse()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@pytest.fixture
def page() -> tuple[Page, FakeCatmouse]:
    window = FakeWindow()
    return Page(window), window.catmouse


def test_in_browser_follows_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    assert web.in_browser() is False
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert web.in_browser() is True


def test_poll_returns_every_command_type_and_clears_mailbox(page: tuple[Page, FakeCatmouse]) -> None:
    bridge, js = page
    js.mailbox.extend(
        [
            {"type": "learn", "on": True},
            {"type": "teacher", "name": "optimal"},
            {"type": "learn_speed", "value": 7},
            {"type": "brain", "name": "lstm32_optimal.npz"},
            {"type": "upload", "name": "mine.npz", "data": b64(b"PK\x03\x04abc")},
            {"type": "download"},
            {"type": "reset"},
            {"type": "restore", "name": "tuned.npz", "data": b64(b"\x00\x01\xff")},
        ]
    )
    commands = bridge.poll()
    assert commands == [
        {"type": "learn", "on": True},
        {"type": "teacher", "name": "optimal"},
        {"type": "learn_speed", "value": 7},
        {"type": "brain", "name": "lstm32_optimal.npz"},
        {"type": "upload", "name": "mine.npz", "data": b"PK\x03\x04abc"},
        {"type": "download"},
        {"type": "reset"},
        {"type": "restore", "name": "tuned.npz", "data": b"\x00\x01\xff"},
    ]
    assert js.mailbox == []
    assert js.shown == []  # nothing malformed, nothing reported
    assert bridge.poll() == []


@pytest.mark.parametrize(
    "entry, words",
    [
        ({"type": "learn", "on": "yes"}, "true or false"),
        ({"type": "learn"}, "missing 'on'"),
        ({"type": "teacher", "name": "stupid"}, "not one of post, optimal"),
        ({"type": "learn_speed", "value": 0}, "outside 1..10"),
        ({"type": "learn_speed", "value": 11}, "outside 1..10"),
        ({"type": "learn_speed", "value": 2.5}, "whole number"),
        ({"type": "learn_speed", "value": True}, "whole number"),
        ({"type": "brain", "name": "../secret.npz"}, "not a plain file name"),
        ({"type": "brain", "name": "weights.txt"}, "not a brain file name"),
        ({"type": "upload", "name": "x.npz", "data": "***"}, "not valid base64"),
        ({"type": "upload", "name": "", "data": ""}, "non-empty text 'name'"),
        ({"type": "restore", "name": "x.npz", "data": 5}, "base64 text 'data'"),
        ({"type": "explode"}, "unknown page message type 'explode'"),
        ("learn", "must be an object"),
    ],
)
def test_malformed_entry_is_dropped_and_reported(page: tuple[Page, FakeCatmouse], entry: Any, words: str) -> None:
    bridge, js = page
    js.mailbox.extend([entry, {"type": "reset"}])
    assert bridge.poll() == [{"type": "reset"}]  # the good neighbour still arrives
    assert len(js.shown) == 1
    assert words in js.shown[0]["error"]
    assert set(js.shown[0]) == {"error"}


def test_learn_speed_accepts_integral_float(page: tuple[Page, FakeCatmouse]) -> None:
    bridge, js = page
    js.mailbox.append({"type": "learn_speed", "value": 3.0})
    assert bridge.poll() == [{"type": "learn_speed", "value": 3}]


def test_oversized_upload_is_refused(page: tuple[Page, FakeCatmouse]) -> None:
    bridge, js = page
    js.mailbox.append({"type": "upload", "name": "huge.npz", "data": "A" * (web.MAX_UPLOAD_BYTES * 2)})
    assert bridge.poll() == []
    assert "larger than" in js.shown[0]["error"]


def test_non_json_mailbox_is_reported(page: tuple[Page, FakeCatmouse]) -> None:
    bridge, js = page
    js.raw = "{not json"
    assert bridge.poll() == []
    assert "not JSON" in js.shown[0]["error"]


def test_empty_or_missing_mailbox_gives_nothing(page: tuple[Page, FakeCatmouse]) -> None:
    bridge, js = page
    js.raw = ""
    assert bridge.poll() == []
    assert js.shown == []


def test_show_sends_plain_json_with_numpy_and_nan() -> None:
    np = pytest.importorskip("numpy")
    window = FakeWindow()
    Page(window).show(
        {
            "brain": "lstm32_optimal.npz",
            "meta": {"hidden": np.int64(32), "mistakes": np.float32(0.25), "grid": (6, 6)},
            "brains": ["a.npz", "b.npz"],
            "learning": np.bool_(True),
            "agreement": float("nan"),
            "step_ms": np.float64(0.5),
            "error": None,
        }
    )
    (shown,) = window.catmouse.shown
    assert shown == {
        "brain": "lstm32_optimal.npz",
        "meta": {"hidden": 32, "mistakes": 0.25, "grid": [6, 6]},
        "brains": ["a.npz", "b.npz"],
        "learning": True,
        "agreement": None,
        "step_ms": 0.5,
        "error": None,
    }


def test_offer_download_sends_base64(page: tuple[Page, FakeCatmouse]) -> None:
    bridge, js = page
    data = bytes(range(256)) * 3
    bridge.offer_download("tuned.npz", data)
    assert js.downloads == [("tuned.npz", b64(data))]


def test_store_brain_keeps_and_clears(page: tuple[Page, FakeCatmouse]) -> None:
    bridge, js = page
    bridge.store_brain("tuned.npz", b"\x01\x02")
    bridge.store_brain(None, None)
    assert js.stored == [("tuned.npz", b64(b"\x01\x02")), ("", "")]


def test_broken_page_never_stops_the_game(capsys: pytest.CaptureFixture[str]) -> None:
    class NoPage:
        catmouse = None

    bridge = Page(NoPage())
    assert bridge.poll() == []
    bridge.show({"message": "hi"})
    bridge.show({"message": "again"})
    bridge.offer_download("x.npz", b"1")
    bridge.store_brain(None, None)
    err = capsys.readouterr().err
    assert err.count("catmouse.show failed") == 1  # reported once, not every frame
    assert "catmouse.take failed" in err


def test_default_window_comes_from_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    import platform

    window = FakeWindow()
    monkeypatch.setattr(platform, "window", window, raising=False)
    window.catmouse.mailbox.append({"type": "download"})
    assert Page().poll() == [{"type": "download"}]


# -- every field checked before the game sees it ------------------------------------------------------------


@pytest.mark.parametrize(
    "entry, words",
    [
        ({"type": ["learn"]}, "unknown page message type list"),
        ({"type": {"a": 1}}, "unknown page message type dict"),
        ({"type": None}, "unknown page message type None"),
        ({"type": "x" * 10_000}, "unknown page message type 'xxxx"),
        ({"type": "teacher", "name": ["post"]}, "is not one of post, optimal"),
        ({"type": "teacher", "name": {"a": 1}}, "is not one of post, optimal"),
        ({"type": "learn_speed", "value": [3]}, "whole number"),
        ({"type": "learn", "on": True, "extra": 1}, "unexpected field 'extra'"),
        ({"type": "download", "data": "AAAA"}, "unexpected field 'data'"),
        ({"type": "upload", "name": "a\x00b.npz", "data": ""}, "not a plain file name"),
        ({"type": "upload", "name": "\ud800.npz", "data": ""}, "not a plain file name"),
        ({"type": "upload", "name": "two\nlines.npz", "data": ""}, "not a plain file name"),
        ({"type": "upload", "name": "../up.npz", "data": ""}, "not a plain file name"),
        ({"type": "brain", "name": ["a.npz"]}, "non-empty text 'name'"),
        ({"type": "restore", "name": 5, "data": "AAAA"}, "non-empty text 'name'"),
    ],
)
def test_hostile_fields_are_refused_in_one_short_printable_line(page: tuple[Page, FakeCatmouse], entry: Any,
                                                               words: str) -> None:
    bridge, js = page
    js.mailbox.extend([entry, {"type": "reset"}])
    assert bridge.poll() == [{"type": "reset"}]
    (shown,) = js.shown
    error = shown["error"]
    assert words in error, error
    assert error.isprintable() and len(error) <= 300


@pytest.mark.parametrize("raw", ["[" * 100_000, '[{"type": "learn", "on": ' + "[" * 5000 + "]" * 5000 + "}]",
                                 '[{"type": "learn_speed", "value": NaN}]', '[{"type": "learn_speed", "value": 1e999}]',
                                 '[{"type": "learn_speed", "value": ' + "9" * 5000 + "}]", "nul\x00", '"\\ud800"'])
def test_mailboxes_that_broke_the_parser_are_one_line(page: tuple[Page, FakeCatmouse], raw: str) -> None:
    bridge, js = page
    js.raw = raw
    assert bridge.poll() == []
    (shown,) = js.shown
    assert shown["error"].isprintable() and len(shown["error"]) <= 300


def test_a_flood_of_commands_is_cut_at_the_limit_and_said_once(page: tuple[Page, FakeCatmouse]) -> None:
    bridge, js = page
    js.mailbox.extend([{"type": "reset"}] * (web.MAX_ENTRIES + 10))
    assert len(bridge.poll()) == web.MAX_ENTRIES
    assert "10 commands past the first" in js.shown[0]["error"]
    js.raw = "[" + "1," * web.MAX_MAILBOX_CHARS + "1]"
    assert bridge.poll() == []
    assert "more than" in js.shown[1]["error"]


def test_upload_limit_is_the_loaders() -> None:
    from game.brains.brainfile import MAX_FILE_BYTES

    assert web.MAX_UPLOAD_BYTES == MAX_FILE_BYTES


def test_a_deep_status_is_cut_not_a_recursion_error() -> None:
    window = FakeWindow()
    deep: Any = "bottom"
    for _ in range(5000):
        deep = [deep]
    Page(window).show({"meta": {"deep": deep}, "brain": "x.npz"})
    (shown,) = window.catmouse.shown
    assert shown["brain"] == "x.npz"
