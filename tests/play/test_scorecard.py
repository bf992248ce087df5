"""The score against par (game/play/scorecard.py) and the HUD's note for a brain playing where it was not trained."""

from __future__ import annotations

from game.play.scorecard import Scorecard, untrained_note
from game.world.rooms import open_room, room_named


def test_scorecard_counts_par_streaks_and_slips() -> None:
    card = Scorecard()
    assert card.line() == "Session: no rounds yet"
    for score in (0, -1, 0, 2, None, 0, -2):
        card.record(score)
    assert (card.rounds, card.caught, card.escaped) == (7, 6, 1)
    assert (card.on_par, card.under_par) == (3, 2)
    assert card.streak == 2 and card.best_streak == 3  # 0, -1, 0 then a slip over par; 0, -2 since the escape
    assert card.net == 2 - 3
    assert card.line() == ("Session: 6/7 caught · 5 at or under par · 2 under (the brain slipped) · streak 2 "
                           "(best 3) · 1 under par")
    assert card.status()["best_streak"] == 3
    assert card.status()["line"] == card.line()  # the page shows the panel's own sentence


def test_untrained_note_names_room_and_size() -> None:
    living = room_named("living")
    room_meta = {"room": {"name": "living", "layout": list(living.rows)}, "grid_sizes": [[8, 8]]}
    open_meta = {"grid_sizes": [[8, 8]]}
    assert untrained_note(room_meta, (8, 8), living) is None
    assert untrained_note(open_meta, (8, 8), None) is None
    assert untrained_note(open_meta, (8, 8), open_room(8, 8)) is None
    assert untrained_note(open_meta, (10, 6), None) == "brain trained on 8×8, playing 10×6"
    assert untrained_note(open_meta, (8, 8), living) == "brain trained for the open board, playing room living"
    assert untrained_note(room_meta, (8, 8), None) == "brain trained for room living, playing the open board"
    assert untrained_note(room_meta, (8, 8), room_named("den")) == "brain trained for room living, playing room den"
