"""Brains from PyTorch and back (game/training/torch_brain.py): a real torch.nn.LSTM + Linear exported through the call
plays exactly as torch computes it, comes back as a state dict torch loads, and converts from a real torch.save
file on the command line; the loader names a torch.save file and a string format version for what they are."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from game.brain_np import LSTMBrain
from game.brains.brainfile import BrainFileError, load_brain, load_brain_bytes
from game.training.torch_brain import TORCH_KEYS, from_state_dict, main, to_state_dict

TORCH_REASON = "torch is not installed (pip install torch==2.13.0)"
ROOT = Path(__file__).resolve().parents[2]
PROB_TOL = 1e-5  # float32 on both sides; the brain fuses the gates' products, torch does not


def numpy_state(hidden: int = 6, seed: int = 0) -> dict[str, np.ndarray]:
    brain = LSTMBrain(hidden, seed=seed)
    return {key: np.array(brain.params[key]) for key in TORCH_KEYS}


# -- torch itself ----------------------------------------------------------------------------------------------


def torch_mouse(hidden: int, seed: int):
    """A module as a torch user writes it: an LSTM(4, H) called `lstm`, a Linear(H, 4) called `head`."""
    torch = pytest.importorskip("torch", reason=TORCH_REASON)

    class Mouse(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(4, hidden)
            self.head = torch.nn.Linear(hidden, 4)

        def forward(self, xs):
            out, _ = self.lstm(xs)
            return torch.softmax(self.head(out), dim=-1)

    torch.manual_seed(seed)
    model = Mouse()
    with torch.no_grad():  # off the init's small range, so the gates saturate and the heads differ
        for p in model.parameters():
            p.mul_(3.0)
    return torch, model


def rounds(steps: int, seed: int) -> np.ndarray:
    """Inputs like the arena's (cat and mouse cells scaled to [0, 1]), including every corner."""
    rng = np.random.default_rng(seed)
    xs = rng.integers(0, 8, size=(steps, 4)) / 7.0
    xs[:2] = [[0, 0, 1, 1], [1, 1, 0, 0]]
    return xs.astype(np.float32)


def brain_probabilities(brain, xs: np.ndarray) -> np.ndarray:
    """The moves' probabilities at every step of one round, as the game computes them: step by step."""
    brain.reset_state()
    out = []
    for x in xs:
        brain.step(x)
        out.append(brain.probabilities())
    return np.array(out)


@pytest.mark.parametrize("hidden, seed", [(1, 0), (32, 1), (128, 2)])
def test_exported_torch_module_plays_as_torch_computes(tmp_path, hidden, seed):
    torch, model = torch_mouse(hidden, seed)
    path = tmp_path / "mine.npz"
    made = from_state_dict(model.state_dict(), teacher="optimal", grid=(8, 8), path=path)
    xs = rounds(60, seed)
    with torch.no_grad():
        expected = model(torch.from_numpy(xs)[:, None, :])[:, 0, :].double().numpy()
    for brain in (made, load_brain(path)):
        got = brain_probabilities(brain, xs)
        diff = np.abs(got - expected).max()
        print(f"H={hidden}: max |brain - torch| probability difference {diff:.2e}")
        assert diff < PROB_TOL
        assert np.ptp(expected, axis=0).max() > 0.05  # the round really moves the probabilities
    meta = load_brain(path).meta
    assert (meta["teacher"], meta["grid_sizes"], meta["hidden_size"], meta["role"]) == ("optimal", [[8, 8]],
                                                                                         hidden, "mouse")


def test_a_brain_comes_back_as_a_state_dict_torch_loads(tmp_path):
    torch, model = torch_mouse(16, 3)
    original = {k: v.clone() for k, v in model.state_dict().items()}
    path = tmp_path / "mine.npz"
    from_state_dict(model.state_dict(), teacher="post", grid=(6, 6), path=path)
    _, other = torch_mouse(16, 4)
    result = other.load_state_dict({k: torch.from_numpy(v) for k, v in to_state_dict(path).items()})
    assert not result.missing_keys and not result.unexpected_keys
    for key, value in other.state_dict().items():
        assert torch.equal(value, original[key]), key  # float32 in, float32 out: bit for bit
    xs = torch.from_numpy(rounds(20, 3))[:, None, :]
    with torch.no_grad():
        assert torch.equal(other(xs), model(xs))


def test_command_line_converts_a_torch_saved_state_dict_both_ways(tmp_path, capsys):
    torch, model = torch_mouse(8, 5)
    pt, out = tmp_path / "model.pt", tmp_path / "brains" / "out.npz"
    torch.save(model.state_dict(), pt)
    assert main(["--from-torch", str(pt), str(out), "--teacher", "optimal", "--grid", "8x8"]) == 0
    assert "python game/main.py --brain" in capsys.readouterr().out
    brain = load_brain(out)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(brain.params[key], value.numpy())
    assert brain.meta["teacher"] == "optimal" and brain.meta["grid_sizes"] == [[8, 8]]
    assert brain.meta["command"].startswith("python -m game.torch_brain --from-torch")
    before = out.read_bytes()
    with pytest.raises(SystemExit) as stop:  # never over an existing file
        main(["--from-torch", str(pt), str(out), "--teacher", "post", "--grid", "6x6"])
    assert stop.value.code == 1 and out.read_bytes() == before
    assert f"{out}: already exists" in capsys.readouterr().err
    sequential = torch.nn.Sequential(torch.nn.Linear(4, 4))
    torch.save(sequential.state_dict(), pt)
    with pytest.raises(SystemExit):  # a problem with the state dict names the .pt it came from
        main(["--from-torch", str(pt), str(tmp_path / "other.npz"), "--teacher", "post", "--grid", "6x6"])
    assert f"{pt}: has no 'lstm.weight_ih_l0' (it has 0.weight, 0.bias)" in capsys.readouterr().err
    back = tmp_path / "back.pt"
    assert main(["--to-torch", str(out), str(back)]) == 0
    loaded = torch.load(back, weights_only=True)
    assert list(loaded) == list(TORCH_KEYS)
    assert all(torch.equal(loaded[k], v) for k, v in model.state_dict().items())


def test_the_command_line_refuses_a_whole_pickled_model_and_a_brain_file(tmp_path, capsys):
    torch, model = torch_mouse(4, 6)
    whole = tmp_path / "whole.pt"
    torch.save(model.lstm, whole)  # a whole torch.nn.LSTM, pickled
    for source, words in ((whole, "holds more than tensors"), (ROOT / "weights" / "lstm16_post.npz",
                                                              "is already a brain file")):
        with pytest.raises(SystemExit) as stop:
            main(["--from-torch", str(source), str(tmp_path / "x.npz"), "--teacher", "post", "--grid", "6"])
        err = capsys.readouterr().err
        assert stop.value.code == 1 and words in err and str(source) in err and err.count("\n") == 1
    assert not (tmp_path / "x.npz").exists()


@pytest.mark.parametrize("legacy", [False, True])
def test_loader_names_a_torch_save_file_and_its_command_converts_it(tmp_path, legacy):
    torch, model = torch_mouse(8, 7)
    pt = tmp_path / "model.pt"
    torch.save(model.state_dict(), pt, _use_new_zipfile_serialization=not legacy)
    with pytest.raises(BrainFileError) as refused:
        load_brain(pt)
    message = str(refused.value)
    assert message.startswith(f"{pt}: is a PyTorch torch.save file, not a brain file; convert it with ")
    assert "\n" not in message and len(message) <= 300
    command = message.split("convert it with python -m game.torch_brain ")[1].split()
    out = tmp_path / "out.npz"
    filled = {"FILE.pt": str(pt), "OUT.npz": str(out), "TEACHER": "post", "WxH": "6x6"}
    assert main([filled.get(word, word) for word in command]) == 0
    assert load_brain(out).hidden_size == 8


# -- no torch needed -----------------------------------------------------------------------------------------


def test_numpy_arrays_convert_and_round_trip(tmp_path):
    state = numpy_state(hidden=5, seed=1)
    brain = from_state_dict({k: v.tolist() for k, v in state.items()}, teacher="post", grid=[(6, 6), (8, 8)])
    assert brain.meta["grid_sizes"] == [[6, 6], [8, 8]] and brain.meta["teacher"] == "post"
    back = to_state_dict(brain)
    assert list(back) == list(TORCH_KEYS)
    for key, value in state.items():
        np.testing.assert_array_equal(back[key], value)
        assert back[key].dtype == np.float32 and back[key].flags.writeable


def test_saving_is_atomic_and_never_over_an_existing_file(tmp_path):
    path = tmp_path / "mine.npz"
    path.write_bytes(b"the player's own file")
    with pytest.raises(FileExistsError, match="already exists"):
        from_state_dict(numpy_state(), teacher="post", grid=(6, 6), path=path)
    assert path.read_bytes() == b"the player's own file"
    from_state_dict(numpy_state(seed=2), teacher="post", grid=(6, 6), path=path, overwrite=True)
    assert load_brain(path).hidden_size == 6
    assert [p.name for p in tmp_path.iterdir()] == ["mine.npz"]  # no temporary file left


def wrong(change) -> dict:
    state = numpy_state()
    change(state)
    return state


@pytest.mark.parametrize("state, kwargs, words", [
    (wrong(lambda s: s.pop("head.bias")), {}, "has no 'head.bias'"),
    (wrong(lambda s: s.update({"lstm.weight_ih_l1": s["lstm.weight_ih_l0"]})), {}, "one-layer"),
    (wrong(lambda s: s.update({"lstm.weight_ih_l0": np.zeros((24, 5), np.float32)})), {}, "needs (24, 4)"),
    (wrong(lambda s: s.update({"lstm.weight_hh_l0": np.zeros((4 * 129, 129), np.float32)})), {}, "1 to 128"),
    (wrong(lambda s: s.update({"head.bias": np.arange(4)})), {}, "'head.bias' has dtype int64"),
    (wrong(lambda s: s["head.bias"].__setitem__(0, np.nan)), {}, "NaN or infinite"),
    (wrong(lambda s: s.update({"head.bias": np.full(4, 1e39)})), {}, "beyond the range of float32"),
    (numpy_state(), {"teacher": "nobody"}, "'teacher' (is not one of post, optimal, cautious)"),
    (numpy_state(), {"grid": (3, 8)}, "'grid_sizes'"),
    (numpy_state(), {"grid": "8x8"}, "grid '8x8' is not (width, height)"),
    (numpy_state(), {"meta": {"note": "hi"}}, "'note' (unknown field)"),
    ([1, 2], {}, "is a list, not a state dict"),
])
def test_a_state_dict_the_game_cannot_play_gets_one_line(tmp_path, state, kwargs, words):
    args = {"teacher": "post", "grid": (6, 6), **kwargs}
    with pytest.raises(BrainFileError) as refused:
        from_state_dict(state, path=tmp_path / "mine.npz", **args)
    message = str(refused.value)
    assert message.startswith(f"{tmp_path / 'mine.npz'}: ") and words in message and "\n" not in message
    assert not (tmp_path / "mine.npz").exists()


def test_teacher_and_grid_must_be_given():
    with pytest.raises(TypeError, match="teacher"):
        from_state_dict(numpy_state(), grid=(6, 6))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="grid"):
        from_state_dict(numpy_state(), teacher="post")  # type: ignore[call-arg]


def test_a_post_brain_has_no_torch_form():
    with pytest.raises(BrainFileError, match="post16.npz: is a post_rnn brain"):
        to_state_dict(ROOT / "weights" / "post16.npz")


def test_the_game_never_imports_torch():
    code = ("import sys, numpy as np\n"
            "from game import main\nfrom game.brains import brainfile\nfrom game.training import torch_brain\n"
            "brain = torch_brain.from_state_dict({k: np.array(v) for k, v in brainfile.load_brain("
            "'weights/lstm16_post.npz').params.items()}, teacher='post', grid=(6, 6))\n"
            "torch_brain.to_state_dict(brain)\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env={"SDL_VIDEODRIVER": "dummy",
                                                                             "PATH": "", "PYTHONPATH": str(ROOT)})


def test_without_torch_the_command_line_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)  # how Python behaves when torch is not installed
    with pytest.raises(SystemExit) as stop:
        main(["--from-torch", str(tmp_path / "model.pt"), str(tmp_path / "out.npz"), "--teacher", "post",
              "--grid", "6x6"])
    err = capsys.readouterr().err
    assert stop.value.code == 1 and err.count("\n") == 1
    assert "model.pt: reading a .pt file needs PyTorch, which is not installed" in err


def test_loader_names_a_torch_zip_layout_with_many_tensors_without_torch():
    # The member names torch 2.13's torch.save writes for a state dict (read from one it wrote), with more
    # tensors than a brain file may have entries: it is still named for what it is.
    names = ["model/data.pkl", "model/.format_version", "model/.storage_alignment", "model/byteorder",
             *[f"model/data/{i}" for i in range(30)], "model/version", "model/.data/serialization_id"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, b"\x80\x02}q\x00." if name.endswith(".pkl") else b"0")
    with pytest.raises(BrainFileError, match="^big.pt: is a PyTorch torch.save file, not a brain file; convert it "
                       "with python -m game.torch_brain --from-torch "):
        load_brain_bytes(buffer.getvalue(), "big.pt")


def test_the_shipped_cat_brain_is_a_torch_lstm_with_eight_moves():
    """weights/cat_lstm32.npz in PyTorch's layout: LSTM(4, 32) + Linear(32, 8) load its state dict and give the
    moves' probabilities the game's brain gives, step by step over a round."""
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    path = Path(__file__).resolve().parents[2] / "weights" / "cat_lstm32.npz"
    cat = load_brain(path, role="cat")
    state = to_state_dict(path)
    assert state["head.weight"].shape == (8, 32) and state["lstm.weight_ih_l0"].shape == (128, 4)
    lstm, head = torch.nn.LSTM(4, 32), torch.nn.Linear(32, 8)
    lstm.load_state_dict({k[5:]: torch.from_numpy(v) for k, v in state.items() if k.startswith("lstm.")})
    head.load_state_dict({k[5:]: torch.from_numpy(v) for k, v in state.items() if k.startswith("head.")})
    xs = rounds(30, 5)
    with torch.no_grad():
        out, _ = lstm(torch.from_numpy(xs)[:, None, :])
        expected = torch.softmax(head(out), dim=-1)[:, 0, :].double().numpy()
    got = brain_probabilities(cat, xs)
    assert np.abs(got - expected).max() < PROB_TOL and np.ptp(expected, axis=0).max() > 0.05


# -- a cat from torch: LSTM(4, H) + Linear(H, 8), role "cat" --------------------------------------------------


def torch_cat(hidden: int, seed: int):
    """A cat's module as a torch user writes it: LSTM(4, H) `lstm`, Linear(H, 8) `head` (the king moves)."""
    torch = pytest.importorskip("torch", reason=TORCH_REASON)

    class Cat(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(4, hidden)
            self.head = torch.nn.Linear(hidden, 8)

        def forward(self, xs):
            out, _ = self.lstm(xs)
            return torch.softmax(self.head(out), dim=-1)

    torch.manual_seed(seed)
    model = Cat()
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(3.0)
    return torch, model


@pytest.mark.parametrize("hidden, seed", [(1, 0), (32, 1)])
def test_a_torch_cat_plays_in_the_game_as_torch_computes(tmp_path, hidden, seed):
    """Exported with role="cat", a real torch cat becomes a cat's brain file: the game's cat brain (its watch
    mode's move, through tasks.cat_brain_turn) gives torch's eight probabilities at every step of a round."""
    from game.arena import CAT_MOVE_NAMES
    from game.play.app import Game

    torch, model = torch_cat(hidden, seed)
    path = tmp_path / "torch_cat.npz"
    made = from_state_dict(model.state_dict(), teacher="perfect", grid=(8, 8), path=path, role="cat")
    meta = load_brain(path, role="cat").meta
    assert (meta["role"], meta["teacher"], meta["actions"], meta["grid_sizes"]) == ("cat", "perfect",
                                                                                    list(CAT_MOVE_NAMES), [[8, 8]])
    xs = rounds(40, seed)
    with torch.no_grad():
        expected = model(torch.from_numpy(xs)[:, None, :])[:, 0, :].double().numpy()
    assert np.abs(brain_probabilities(made, xs) - expected).max() < PROB_TOL
    assert np.ptp(expected, axis=0).max() > 0.05
    # in the game, against the rounds' real positions
    game = Game(ROOT / "weights", None, seed=seed, cat_brain=path)
    seen, probabilities = [], []
    while not game.round.over:
        seen.append(game.round.arena.observe()[0].copy())
        move = game._watch_move()
        probabilities.append(game.cat_player.probabilities)
        game.turn(move)
    with torch.no_grad():
        truth = model(torch.from_numpy(np.array(seen))[:, None, :])[:, 0, :].double().numpy()
    assert np.abs(np.array(probabilities) - truth).max() < PROB_TOL
    # and back: the state dict a Linear(H, 8) head loads, bit for bit
    _, other = torch_cat(hidden, seed + 10)
    result = other.load_state_dict({k: torch.from_numpy(v) for k, v in to_state_dict(path).items()})
    assert not result.missing_keys and not result.unexpected_keys
    for key, value in other.state_dict().items():
        assert torch.equal(value, model.state_dict()[key]), key


def test_a_cat_and_a_mouse_head_are_told_apart_in_one_line(tmp_path):
    mouse, cat = numpy_state(), {k: np.array(v) for k, v in numpy_state().items()}
    cat["head.weight"], cat["head.bias"] = np.zeros((8, 6), np.float32), np.zeros(8, np.float32)
    with pytest.raises(BrainFileError, match=r"'head.weight' has shape \(8, 6\) .* \(a cat has 8 moves: pass "
                       r"role='cat', --role cat\)"):
        from_state_dict(cat, teacher="optimal", grid=(8, 8))
    with pytest.raises(BrainFileError, match=r"'head.weight' has shape \(4, 6\) .*\(a mouse has 4 moves"):
        from_state_dict(mouse, teacher="perfect", grid=(8, 8), role="cat")
    with pytest.raises(BrainFileError, match="'teacher'"):
        from_state_dict(cat, teacher="optimal", grid=(8, 8), role="cat")  # a cat's teacher is the perfect cat
    assert from_state_dict(cat, teacher="perfect", grid=(8, 8), role="cat").role == "cat"


def test_the_command_line_converts_a_torch_cat_both_ways(tmp_path, capsys):
    torch, model = torch_cat(8, 2)
    pt, out, back = tmp_path / "cat.pt", tmp_path / "cat.npz", tmp_path / "back.pt"
    torch.save(model.state_dict(), pt)
    assert main(["--from-torch", str(pt), str(out), "--role", "cat", "--teacher", "perfect", "--grid", "8x8"]) == 0
    said = capsys.readouterr().out
    assert "a cat's LSTM brain of 8 units" in said and f"--cat-brain {out}" in said
    assert load_brain(out, role="cat").meta["command"].endswith("--grid 8x8")
    assert main(["--to-torch", str(out), str(back)]) == 0
    assert "torch.nn.Linear(H, 8)" in capsys.readouterr().out
    loaded = torch.load(back, weights_only=True)
    assert all(torch.equal(loaded[k], v) for k, v in model.state_dict().items())
    for argv, words in (
        (["--from-torch", str(pt), str(tmp_path / "x.npz"), "--role", "cat", "--teacher", "optimal", "--grid", "8"],
         "a cat's --teacher is perfect, not optimal"),
        (["--from-torch", str(pt), str(tmp_path / "y.npz"), "--teacher", "optimal", "--grid", "8"],
         "(a cat has 8 moves: pass role='cat', --role cat)"),
        (["--from-torch", str(out), str(tmp_path / "z.npz"), "--role", "cat", "--teacher", "perfect", "--grid", "8"],
         f"is already a brain file, not a torch.save file; play it with python game/main.py --cat-brain {out}"),
    ):
        with pytest.raises(SystemExit):
            main(argv)
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1, err


# -- the door's hostile inputs -------------------------------------------------------------------------------


def convert(tmp_path, source) -> str:
    """--from-torch on `source`; the one line it exits with."""
    with pytest.raises(SystemExit) as stop:
        main(["--from-torch", str(source), str(tmp_path / "out.npz"), "--teacher", "post", "--grid", "6x6"])
    assert stop.value.code == 1
    return stop


def test_a_fifo_given_as_the_model_is_refused_without_opening_it(tmp_path, capsys):
    pytest.importorskip("torch", reason=TORCH_REASON)
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    fifo = tmp_path / "model.pt"
    os.mkfifo(fifo)  # no writer: opening it to read would wait for ever
    convert(tmp_path, fifo)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{fifo}: is a FIFO, not a regular file" in err
    assert not (tmp_path / "out.npz").exists()


def test_a_deflate_bomb_is_refused_before_torch_inflates_it(tmp_path, capsys, monkeypatch):
    torch, model = torch_mouse(4, 1)
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    bomb = tmp_path / "bomb.pt"
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(bomb, "w") as out:
        for member in source.infolist():
            out.writestr(member, source.read(member))
        out.writestr("model/data/99", b"\0" * (64 * 2**20), compress_type=zipfile.ZIP_DEFLATED)  # 64 MiB in 64 kB
    assert bomb.stat().st_size < 200_000
    monkeypatch.setattr(torch, "load", lambda *a, **k: pytest.fail("torch.load inflated it"))
    convert(tmp_path, bomb)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{bomb}: unpacks to more than 1,048,576 bytes" in err


@pytest.mark.parametrize("kind", ["sparse", "quantized", "meta"])
def test_tensors_with_no_plain_values_are_one_line(kind):
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    state = {key: torch.from_numpy(value) for key, value in numpy_state(4).items()}
    dense = state["head.weight"]
    state["head.weight"] = {"sparse": lambda: dense.to_sparse(),
                            "quantized": lambda: torch.quantize_per_tensor(dense, 0.1, 0, torch.qint8),
                            "meta": lambda: dense.to("meta")}[kind]()
    with pytest.raises(BrainFileError) as refused:
        from_state_dict(state, teacher="post", grid=(6, 6), name="odd.pt")
    message = str(refused.value)
    assert message.startswith("odd.pt: 'head.weight' is a tensor ") and "\n" not in message


def test_an_old_torch_is_refused_in_one_line(tmp_path, capsys, monkeypatch):
    torch, model = torch_mouse(4, 2)
    pt = tmp_path / "model.pt"
    torch.save(model.state_dict(), pt)
    monkeypatch.setattr(torch, "__version__", "2.9.1+cpu")
    convert(tmp_path, pt)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "PyTorch 2.9.1+cpu is older than 2.10" in err


@pytest.mark.parametrize("sight", ["fog", "flicker"])
def test_the_shipped_fog_and_flicker_brains_convert_to_a_torch_lstm_of_five_inputs(tmp_path, capsys, sight):
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    source = ROOT / "weights" / f"lstm32_{sight}.npz"
    if not source.exists():
        pytest.skip(f"{source.name} is not in this checkout")
    out = tmp_path / f"{sight}.pt"
    assert main(["--to-torch", str(source), str(out)]) == 0
    assert "torch.nn.LSTM(5, H)" in capsys.readouterr().out
    state = torch.load(out, weights_only=True)
    lstm, head = torch.nn.LSTM(5, 32), torch.nn.Linear(32, 4)
    lstm.load_state_dict({k[len("lstm."):]: v for k, v in state.items() if k.startswith("lstm.")})
    head.load_state_dict({k[len("head."):]: v for k, v in state.items() if k.startswith("head.")})
    brain = load_brain(source, sight=sight)
    xs = np.array([[1, 0.5, 0.25, 0.75, 0], [0, 0, 0, 0.5, 0.5], [0, 0, 0, 1, 0.5]], dtype=np.float32)
    with torch.no_grad():
        expected = torch.softmax(head(lstm(torch.from_numpy(xs))[0]), dim=-1).numpy()
    np.testing.assert_allclose(brain_probabilities(brain, xs), expected, atol=PROB_TOL)
