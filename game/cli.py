"""What the game's command lines share (main.py, the trainer, the torch converter): one-line errors, and
argparse types made from the rules' own parsers. Standard library only, so the browser build can carry it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]  # one clear line, not a usage dump
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def argparse_type(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """A parser that raises ValueError, as an argparse type that shows its one-line message as it is."""

    def parse_argument(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse_argument
