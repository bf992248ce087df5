"""Who plays the cat in watch mode: a scripted cat (game/world/cats.py) or a cat's brain, behind one small interface,
and the roster of cats the game can watch (the scripted ones, the cat brains in its folders, one the player
brings). No pygame.

A watch cat is asked for one move at a time on the game's one-round arena. A cat brain takes its move through
tasks.cat_brain_turn, the call the cat's rollout (tasks.play_cat: the trainer's rounds, the tournament) makes,
so a brain plays here exactly as it was trained and scored; its memory starts afresh each round.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..arena import Arena
from ..brain_np import Brain, BrainTrace, softmax
from ..brains import brainfile
from ..brains.tasks import cat_brain_turn
from ..world.cats import CAT_NAMES, WATCH_CAT_NAMES, cat_moves

SCRIPTED = "scripted"


class WatchCat:
    """A cat that plays by itself: `reset()` at each round's start, then `move(arena, rng)` each turn.
    `probabilities` are its eight moves' probabilities at its last move (None for a scripted cat, which has
    none), `label` says in a few words who it is."""

    name: str
    brain: Brain | None = None
    probabilities: np.ndarray | None = None
    last_move: int | None = None

    @property
    def label(self) -> str:
        raise NotImplementedError

    def reset(self, arena: Arena) -> None:
        self.probabilities, self.last_move = None, None

    def move(self, arena: Arena, rng: np.random.Generator) -> int:
        raise NotImplementedError


class ScriptedCat(WatchCat):
    def __init__(self, name: str) -> None:
        if name not in WATCH_CAT_NAMES:
            raise ValueError(f"unknown cat {name!r}: choose one of {', '.join(WATCH_CAT_NAMES)}")
        self.name = name

    @property
    def label(self) -> str:
        return f"{SCRIPTED}: {self.name}"

    def move(self, arena: Arena, rng: np.random.Generator) -> int:
        self.last_move = int(cat_moves(self.name, arena.cat, arena.mouse, arena.width, arena.height, rng)[0])
        return self.last_move


class BrainCat(WatchCat):
    """A cat's brain (meta role "cat"): a batch of one of the rollout the trainer and the tournament run, one
    step per cat move, started afresh at every round."""

    def __init__(self, brain: Brain, name: str) -> None:
        if brain.role != "cat":
            raise ValueError(f"{name} is a {brain.role}'s brain, not a cat's")
        self.brain, self.name = brain, name
        self.trace: BrainTrace | None = None

    @property
    def label(self) -> str:
        return self.name

    def describe(self) -> str:
        """The brain in a few words, for the panel: its kind, size and where it plays best."""
        meta, b = self.brain.meta, self.brain
        sizes = meta.get("grid_sizes") or []
        grid = ", ".join(f"{s[0]}×{s[1]}" for s in sizes[:2]) if sizes else "?"
        return f"{b.label} · {b.hidden_size} units · imitates the {meta.get('teacher', 'perfect')} cat · {grid}"

    def reset(self, arena: Arena) -> None:
        super().reset(arena)
        self.trace = self.brain.start(1, arena.move_limit)  # a round has at most move_limit cat moves

    def move(self, arena: Arena, rng: np.random.Generator) -> int:
        if self.trace is None:
            self.reset(arena)
        _, logits, moves = cat_brain_turn(self.trace, arena)
        self.probabilities = softmax(np.asarray(logits[0], dtype=np.float64))
        self.last_move = int(moves[0])
        return self.last_move


class CatRoster:
    """The cats the game can watch, by name: the scripted ones (cats.WATCH_CAT_NAMES) and the cat brains in the
    game's folders and the one the player brought, by file name. The next-cat key cycles the training cats
    (cats.CAT_NAMES), then the brains."""

    def __init__(self, weights_dir: str | Path, user_dir: str | Path | None = None) -> None:
        self.folders = [Path(weights_dir)] + ([Path(user_dir)] if user_dir is not None else [])
        self.brought: tuple[str, Brain] | None = None  # a cat brain loaded from a path or bytes
        self.skipped: str | None = None  # the cat the next-cat key last failed to load, to step past it

    def brain_files(self) -> list[Path]:
        """The cat brains of the folders (a file that cannot be read is left out: it plays neither side)."""
        files, _ = brainfile.listed_files(self.folders)  # the brain key's list: its bound and its checked files
        return [f for f in files if brainfile.file_role(f) == "cat"]

    def brain_names(self) -> list[str]:
        names = [f.name for f in self.brain_files()]
        if self.brought is not None and self.brought[0] not in names:
            names.append(self.brought[0])
        return names

    def names(self) -> list[str]:
        """Every cat by name, as the page's picker lists them."""
        return [*WATCH_CAT_NAMES, *self.brain_names()]

    def cycle(self) -> list[str]:
        return [*CAT_NAMES, *self.brain_names()]

    def resolve(self, name: str) -> str | None:
        """The cat a name means: a scripted cat, or a cat brain's file name with or without .npz."""
        if name in WATCH_CAT_NAMES:
            return name
        brains = self.brain_names()
        for candidate in (name, f"{name}.npz"):
            if candidate in brains:
                return candidate
        return None

    def cat(self, name: str) -> WatchCat:
        """The cat of that name, a brain read afresh from its file. Raises ValueError for an unknown name and
        BrainFileError (one line naming the file) for a file that does not load as a cat's brain."""
        found = self.resolve(name)
        if found is None:
            raise ValueError(f"unknown cat {name!r}: choose one of {', '.join(self.names())}")
        if found in WATCH_CAT_NAMES:
            return ScriptedCat(found)
        if self.brought is not None and self.brought[0] == found:
            return BrainCat(self.brought[1], found)
        path = next(f for f in self.brain_files() if f.name == found)
        return BrainCat(brainfile.load_brain(path, role="cat"), found)

    def bring(self, path: str | Path | None = None, data: bytes | None = None, name: str | None = None) -> WatchCat:
        """A cat brain the player brings, from a path or a file's bytes; it joins the roster under its file
        name. Raises BrainFileError in one line naming the file."""
        listed = self.brain_files()
        if data is None:
            brain = brainfile.load_brain(path, role="cat")
            name = Path(path).name
            if Path(path).resolve() in {f.resolve() for f in listed}:
                return BrainCat(brain, name)  # a listed cat brain itself: the name already means it
        else:
            name = name or "cat brain"
            brain = brainfile.load_brain_bytes(data, name, role="cat")
        name = self.unshadowed(brainfile.printable(name, 80), listed)
        self.brought = (name, brain)
        return BrainCat(brain, name)

    @staticmethod
    def unshadowed(name: str, listed: list[Path]) -> str:
        """A brought cat's name that means it alone: one that is a scripted cat's, or a listed brain's (with or
        without .npz), gets " (brought)" (then a number) added, so neither the picker nor --watch loses a cat."""
        taken = {*WATCH_CAT_NAMES, *(f.name for f in listed), *(f.stem for f in listed)}
        stem, suffix = (name[:-4], ".npz") if name.endswith(".npz") else (name, "")
        candidate, number = name, 1
        while candidate in taken or candidate.removesuffix(".npz") in taken:
            number += 1
            candidate = f"{stem} (brought{'' if number == 2 else f' {number - 1}'}){suffix}"
        return candidate


def cat_picture(cat: WatchCat | None) -> dict[str, Any]:
    """What the view shows of the cat: whose it is, and its last choice when it is a brain's."""
    if cat is None:
        return {"cat_label": "you", "cat_detail": None, "cat_probabilities": None, "cat_move": None}
    brain_cat = isinstance(cat, BrainCat)
    return {
        "cat_label": cat.label,
        "cat_detail": cat.describe() if brain_cat else None,
        "cat_probabilities": None if cat.probabilities is None else cat.probabilities.copy(),
        "cat_move": cat.last_move,
    }
