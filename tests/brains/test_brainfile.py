"""Brain files (game/brains/brainfile.py): exact round trips, one clear one-line error per kind of bad file, atomic
saves that never overwrite unasked, and a property test that nothing but BrainFileError escapes from mangled files."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.arena import CAT_MOVE_NAMES
from game.brain_np import LSTMBrain, PostBrain
from game.brains import brainfile
from game.brains.brainfile import (
    MAX_FILE_BYTES,
    BrainFileError,
    brain_bytes,
    brain_meta,
    load_brain,
    load_brain_bytes,
    save_brain,
    write_atomic,
)

NAME = "mouse.npz"


def lstm(hidden: int = 4, seed: int = 0) -> LSTMBrain:
    return LSTMBrain(hidden_size=hidden, seed=seed)


def post(hidden: int = 3, seed: int = 0) -> PostBrain:
    return PostBrain(hidden_size=hidden, rng=np.random.default_rng(seed))


def pack(arrays: dict[str, np.ndarray], meta: dict | str | None, compressed: bool = False) -> bytes:
    """An .npz written by NumPy itself, with whatever arrays and meta we want (meta=None: no meta entry)."""
    entries = dict(arrays)
    if meta is not None:
        entries["meta"] = np.array(meta if isinstance(meta, str) else json.dumps(meta))
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **entries)
    return buffer.getvalue()


def parts(brain=None) -> tuple[dict[str, np.ndarray], dict]:
    brain = lstm() if brain is None else brain
    return {k: np.array(v) for k, v in brain.params.items()}, brain_meta(brain)


def npy(header: str, data: bytes = b"", version: tuple[int, int] = (1, 0)) -> bytes:
    """A hand-made .npy member: magic, version, header length, the header text padded to 64 bytes, data."""
    size_bytes = 2 if version == (1, 0) else 4
    text = header.encode("utf-8")
    pad = (-(6 + 2 + size_bytes + len(text) + 1)) % 64
    text += b" " * pad + b"\n"
    return b"\x93NUMPY" + bytes(version) + len(text).to_bytes(size_bytes, "little") + text + data


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {m.filename: archive.read(m) for m in archive.infolist()}


def refused(data: bytes, *words: str, name: str = NAME) -> str:
    """Load must fail with one BrainFileError: one line, starting with the file's name, naming the problem."""
    with pytest.raises(BrainFileError) as info:
        load_brain_bytes(data, name)
    message = str(info.value)
    assert message.startswith(f"{name}: "), message
    assert "\n" not in message and "\r" not in message, message
    for word in words:
        assert word in message, message
    return message


# -- round trips -------------------------------------------------------------------------------------------------


def test_lstm_round_trip_is_exact(tmp_path):
    brain = lstm(hidden=8, seed=3)
    path = save_brain(brain, tmp_path / "lstm8.npz", meta={"teacher": "optimal", "training_games": 1234,
                                                           "grid_sizes": [[8, 8]]})
    loaded = load_brain(path)
    assert isinstance(loaded, LSTMBrain) and loaded.arch == "lstm" and loaded.hidden_size == 8
    assert loaded.theta.dtype == brain.theta.dtype
    np.testing.assert_array_equal(loaded.theta, brain.theta)
    for name in brain.params:
        np.testing.assert_array_equal(loaded.params[name], brain.params[name])
    assert loaded.meta["teacher"] == "optimal" and loaded.meta["training_games"] == 1234
    assert loaded.meta["grid_sizes"] == [[8, 8]] and loaded.meta["format_version"] == 1
    assert loaded.meta["input_features"] == ["cat_x", "cat_y", "mouse_x", "mouse_y"]
    # The loaded brain plays exactly like the saved one (its fused play weights were rebuilt).
    x = np.array([0.2, 0.4, 1.0, 0.0], dtype=np.float32)
    brain.reset_state()
    loaded.reset_state()
    assert loaded.step(x) == brain.step(x)
    np.testing.assert_array_equal(loaded.logits, brain.logits)


def test_post_round_trip_is_exact(tmp_path):
    brain = post(hidden=16, seed=4)
    loaded = load_brain(save_brain(brain, tmp_path / "post16.npz"))
    assert isinstance(loaded, PostBrain) and loaded.arch == "post_rnn" and loaded.hidden_size == 16
    for name in brain.params:
        assert loaded.params[name].dtype == np.float64
        np.testing.assert_array_equal(loaded.params[name], brain.params[name])
    x = np.array([0.2, 0.4, 1.0, 0.0])
    assert loaded.step(x) == brain.step(x) and loaded.output == brain.output


def test_bytes_round_trip_and_meta_cannot_lie_about_the_brain():
    brain = lstm(hidden=5)
    data = brain_bytes(brain, {"hidden_size": 99, "architecture": "post_rnn", "format_version": 7,
                               "fine_tuned_from": "hi"})
    loaded = load_brain_bytes(data, "upload.npz")
    assert loaded.hidden_size == 5 and loaded.arch == "lstm" and loaded.meta["fine_tuned_from"] == "hi"
    assert loaded.meta["format_version"] == 1 and loaded.meta_notice is None
    np.testing.assert_array_equal(loaded.theta, brain.theta)
    # Saving a loaded brain keeps its meta.
    again = load_brain_bytes(brain_bytes(loaded), "again.npz")
    assert again.meta["fine_tuned_from"] == "hi"


SHIPPED = sorted((Path(__file__).resolve().parents[2] / "weights").glob("*.npz"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_a_shipped_brain_saved_again_holds_the_same_meta_and_arrays(path):
    """Saving writes `role` only for a brain that is not a mouse, so a mouse's file is what it was (and a cat's
    keeps its role)."""
    loaded = load_brain(path, role=None, sight=None)
    with np.load(path) as before, np.load(io.BytesIO(brain_bytes(loaded))) as after:
        assert sorted(before.files) == sorted(after.files)
        assert str(after["meta"]) == str(before["meta"])
        assert json.loads(str(after["meta"])).get("role") == ("cat" if loaded.role == "cat" else None)
        for name in before.files:
            assert before[name].dtype == after[name].dtype
            np.testing.assert_array_equal(after[name], before[name])


def test_saving_a_brain_of_another_role_writes_its_role():
    cat = LSTMBrain(4, seed=0, actions=CAT_MOVE_NAMES, role="cat")
    assert brain_meta(cat)["role"] == "cat" and "role" not in brain_meta(lstm())
    assert brain_meta(cat)["teacher"] == "perfect"  # a cat's teacher is the perfect cat, not a mouse's
    # A cat must play the cat's eight moves: one with the mouse's four is refused before anything is written.
    with pytest.raises(BrainFileError, match="a cat's brain in this game uses \\['Up', 'Up-Right'"):
        brain_bytes(LSTMBrain(4, seed=0, role="cat"))


def test_saving_refuses_a_meta_the_loader_would_strip():
    with pytest.raises(BrainFileError, match="'note' \\(unknown field\\)"):
        brain_bytes(lstm(), {"note": "hi"})
    with pytest.raises(BrainFileError, match="'teacher'"):
        brain_bytes(lstm(), {"teacher": "nobody"})


def test_hand_packed_files_load():
    # A file written by hand with np.savez (what an exporter from torch would do) loads too.
    arrays, meta = parts(lstm(hidden=6, seed=5))
    brain = load_brain_bytes(pack(arrays, meta), NAME)
    np.testing.assert_array_equal(brain.params["lstm.weight_hh_l0"], arrays["lstm.weight_hh_l0"])
    # float64 arrays are accepted for an LSTM and stored in its float32 parameters.
    wide = {k: v.astype(np.float64) for k, v in arrays.items()}
    np.testing.assert_array_equal(load_brain_bytes(pack(wide, meta, compressed=True), NAME).theta,
                                  lstm(hidden=6, seed=5).theta)


# -- each kind of bad file ---------------------------------------------------------------------------------------


def test_not_a_zip():
    refused(b"hello, I am a text file\n", "not a brain file")
    refused(b"", "not a brain file")
    refused(np.lib.format.magic(1, 0) + b"{'descr': '<f4'}", "not a brain file")  # a bare .npy is not an .npz


def test_a_zip_that_is_not_an_npz():
    refused(zip_of({"readme.txt": b"just text"}), "damaged")
    refused(b"PK\x03\x04" + b"\x00" * 100, "damaged")


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.1, 0.01])
@pytest.mark.parametrize("compressed", [True, False])
def test_truncated(keep, compressed):
    arrays, meta = parts()
    data = pack(arrays, meta, compressed=compressed)
    refused(data[: int(len(data) * keep)])


def test_missing_array():
    arrays, meta = parts()
    del arrays["head.bias"]
    refused(pack(arrays, meta), "missing array 'head.bias'", "lstm")


def test_extra_array():
    arrays, meta = parts()
    arrays["lstm.weight_ih_l1"] = np.zeros((16, 4), dtype=np.float32)
    refused(pack(arrays, meta), "has array 'lstm.weight_ih_l1'")


def test_post_arrays_in_an_lstm_file():
    arrays, _ = parts(post(hidden=4))
    _, meta = parts(lstm(hidden=4))
    refused(pack(arrays, meta), "missing array")


def test_no_meta():
    arrays, _ = parts()
    refused(pack(arrays, None), "no 'meta'")


@pytest.mark.parametrize("name, shape", [("lstm.weight_hh_l0", (16, 5)), ("head.weight", (4, 4, 1)),
                                         ("head.bias", (5,)), ("lstm.bias_ih_l0", ())])
def test_wrong_shape(name, shape):
    arrays, meta = parts(lstm(hidden=4))
    arrays[name] = np.zeros(shape, dtype=np.float32)
    refused(pack(arrays, meta), repr(name), "shape")


def test_hidden_size_in_meta_disagrees_with_arrays():
    arrays, meta = parts(lstm(hidden=4))
    meta["hidden_size"] = 5
    refused(pack(arrays, meta), "shape", "hidden size of 5")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf(bad):
    arrays, meta = parts(post())
    arrays["synapse_h"][1, 2] = bad
    refused(pack(arrays, meta), "'synapse_h'", "NaN or infinite")


def test_object_array_is_refused_without_unpickling():
    arrays, meta = parts()
    arrays["head.bias"] = np.array([1.0, 2.0, {"boom": 1}, 4.0], dtype=object)
    refused(pack(arrays, meta), "'head.bias'", "Python objects")
    # An object-dtype meta as well.
    arrays, meta = parts()
    data = pack(arrays, None)
    members = members_of(data)
    buffer = io.BytesIO()
    np.save(buffer, np.array([json.dumps(meta)], dtype=object), allow_pickle=True)
    members["meta.npy"] = buffer.getvalue()
    refused(zip_of(members), "Python objects")


@pytest.mark.parametrize("dtype", [np.int32, np.bool_, np.complex64, "U3"])
def test_non_float_arrays(dtype):
    arrays, meta = parts()
    arrays["head.bias"] = np.zeros(4, dtype=dtype)
    refused(pack(arrays, meta), "'head.bias'", "not floating point")


def test_huge_shape_header_is_refused_before_reading():
    arrays, meta = parts()
    members = members_of(pack(arrays, meta))
    # Claims 4·10⁹ float32 values (16 GB) but carries 16 bytes.
    members["head.weight.npy"] = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 4), }",
                                     b"\x00" * 16)
    refused(zip_of(members), "'head.weight'", "absurd size")


def test_shape_header_larger_than_the_data():
    arrays, meta = parts()
    members = members_of(pack(arrays, meta))
    members["head.bias.npy"] = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", b"\x00" * 8)
    refused(zip_of(members), "'head.bias'", "truncated")


def test_huge_hidden_size_in_meta():
    arrays, meta = parts()
    meta["hidden_size"] = 10**9
    refused(pack(arrays, meta), "hidden size 1000000000")


@pytest.mark.parametrize("hidden", [0, -3, 2.5, "16", True, None])
def test_bad_hidden_size_in_meta(hidden):
    arrays, meta = parts()
    meta["hidden_size"] = hidden
    refused(pack(arrays, meta), "hidden size")


def test_oversize_file(tmp_path):
    path = tmp_path / "huge.npz"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk or time
    with pytest.raises(BrainFileError) as info:
        load_brain(path)
    assert str(info.value).startswith(f"{path}: ") and "bytes" in str(info.value)
    refused(b"PK" + bytes(MAX_FILE_BYTES), "bytes, more than any brain needs")


def test_zip_that_unpacks_to_too_much():
    # A small file whose members claim gigabytes when unpacked (a zip bomb) is refused from the directory alone.
    arrays, meta = parts()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("meta.npy", np.lib.format.magic(1, 0))
        archive.writestr("bomb.npy", bytes(5 * MAX_FILE_BYTES))
    refused(buffer.getvalue(), "unpacks to more data")


@pytest.mark.parametrize("version", [2, 0, "2", None])
def test_unknown_format_version(version):
    arrays, meta = parts()
    meta["format_version"] = version
    refused(pack(arrays, meta), "format version", repr(version))


@pytest.mark.parametrize("version, shown", [("1", "the string '1'"), (" 1", "the string ' 1'"), (1.0, "1.0"),
                                            (True, "true")])
def test_a_format_version_of_the_wrong_type_says_it_must_be_the_integer_1(version, shown):
    arrays, meta = parts()
    meta["format_version"] = version
    message = refused(pack(arrays, meta))
    assert message == f"{NAME}: meta 'format_version' must be the integer 1, not {shown}"


def test_unknown_architecture():
    arrays, meta = parts()
    meta["architecture"] = "gru"
    refused(pack(arrays, meta), "unknown architecture 'gru'")


@pytest.mark.parametrize("text, words", [("{not json", ("not valid JSON",)), ("[1, 2, 3]", ("not a JSON object",)),
                                         ('"just a string"', ("not a JSON object",)), ("", ("not valid JSON",))])
def test_bad_meta_json(text, words):
    arrays, _ = parts()
    refused(pack(arrays, text), *words)


def test_deeply_nested_meta_json():
    # Python's JSON parser gives up on deep nesting with RecursionError, which must not escape.
    arrays, _ = parts()
    refused(pack(arrays, "[" * 60000), "meta")


class CountedText:
    """A text that counts the characters a scan reads from it."""

    def __init__(self, text: str) -> None:
        self.text, self.reads = text, 0

    def __iter__(self):
        for ch in self.text:
            self.reads += 1
            yield ch


@pytest.mark.parametrize("text, depth", [
    ('"' + '\\"' * 8000, 0),  # one quote, then escaped quotes that never close it
    ('"' + '\\"[{' * 4000, 0),  # brackets inside that string do not nest
    ('[{"a": "\\\\", "b": ["]"]}]', 3),  # an escaped backslash ends before the quote that closes its string
    ('{"a": "\\"[[[[", "b": [[1]]}', 3),
    ("[" * 17 + "]" * 17, 17),
])
def test_the_nesting_scan_reads_each_character_once_and_ignores_strings(text, depth):
    counted = CountedText(text)
    assert brainfile.nesting(counted) == depth
    assert counted.reads == len(text)  # one pass: hostile text costs its length, never its length squared
    assert brainfile.nesting(text) == depth


def test_a_meta_string_of_escaped_quotes_that_never_closes_is_refused_in_one_line():
    arrays, _ = parts()
    hostile = '"' + '\\"' * 8000
    assert len(hostile) <= brainfile.MAX_META_CHARS
    assert refused(pack(arrays, hostile), "not valid JSON") == f"{NAME}: has a 'meta' entry that is not valid JSON"


def test_meta_that_is_not_a_string():
    arrays, _ = parts()
    arrays["meta"] = np.array([1.0, 2.0])
    refused(pack(arrays, None), "'meta' entry that is not one JSON string")


@pytest.mark.parametrize("field", ["format_version", "architecture", "hidden_size", "input_features", "actions"])
def test_meta_missing_a_required_field(field):
    arrays, meta = parts()
    del meta[field]
    refused(pack(arrays, meta), f"meta has no {field!r}")


def test_wrong_input_features():
    arrays, meta = parts()
    meta["input_features"] = ["mouse_x", "mouse_y", "cat_x", "cat_y"]
    refused(pack(arrays, meta), "expects inputs", "mouse_x")


def test_wrong_actions():
    arrays, meta = parts()
    meta["actions"] = ["Up", "Down", "Left", "Right"]
    refused(pack(arrays, meta), "has actions")


def test_unreadable_path(tmp_path):
    for path, words in ((tmp_path / "nowhere.npz", "cannot be read"), (tmp_path, "is a folder, not a regular file")):
        with pytest.raises(BrainFileError) as info:
            load_brain(path)
        assert str(info.value).startswith(f"{path}: {words}") and "\n" not in str(info.value)


def test_load_brain_names_the_path(tmp_path):
    path = tmp_path / "bad brain.npz"
    path.write_bytes(b"not a brain")
    with pytest.raises(BrainFileError) as info:
        load_brain(path)
    assert str(info.value) == f"{path}: is not a brain file (not a NumPy .npz archive)"
    assert info.value.name == str(path)
    assert isinstance(info.value, ValueError)


# -- saving ------------------------------------------------------------------------------------------------------


def test_save_refuses_to_overwrite_unless_asked(tmp_path):
    path = tmp_path / "mine.npz"
    first, second = lstm(seed=1), lstm(seed=2)
    save_brain(first, path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError) as info:
        save_brain(second, path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert path.read_bytes() == before
    save_brain(second, path, overwrite=True)
    np.testing.assert_array_equal(load_brain(path).theta, second.theta)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.npz"]


def test_save_makes_missing_folders(tmp_path):
    path = save_brain(post(), tmp_path / "a" / "b" / "p.npz")
    assert path.exists() and isinstance(load_brain(path), PostBrain)


@pytest.mark.parametrize("breaking", ["replace", "fsync", "write"])
def test_failed_save_leaves_no_partial_file(tmp_path, monkeypatch, breaking):
    path = tmp_path / "new.npz"
    old = tmp_path / "old.npz"
    save_brain(lstm(seed=1), old)
    old_bytes = old.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if breaking == "replace":
        monkeypatch.setattr(brainfile.os, "replace", boom)
        monkeypatch.setattr(brainfile.os, "link", boom)
    elif breaking == "fsync":
        monkeypatch.setattr(brainfile.os, "fsync", boom)
    else:
        real_fdopen = os.fdopen

        class HalfWriter:
            def __init__(self, f):
                self.f = f

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.f.close()

            def write(self, data):
                self.f.write(data[: len(data) // 2])  # half the bytes reach the disk, then the disk fills up
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(brainfile.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(OSError):
        save_brain(lstm(seed=2), path)
    with pytest.raises(OSError):
        save_brain(lstm(seed=2), old, overwrite=True)
    assert not path.exists()
    assert old.read_bytes() == old_bytes  # the user's brain is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.npz"]  # no temporary files left behind


def test_save_refuses_a_file_that_appears_while_writing(tmp_path, monkeypatch):
    path = tmp_path / "race.npz"
    real_fsync = os.fsync

    def someone_else_saves(fd):
        real_fsync(fd)
        path.write_bytes(b"theirs")

    monkeypatch.setattr(brainfile.os, "fsync", someone_else_saves)
    with pytest.raises(FileExistsError):
        save_brain(lstm(), path)
    assert path.read_bytes() == b"theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.npz"]


def test_write_atomic_writes_bytes(tmp_path):
    path = write_atomic(tmp_path / "x.bin", b"abc")
    assert Path(path).read_bytes() == b"abc"


# -- property test: mangled files ----------------------------------------------------------------------------------

BASES = {
    "lstm_compressed": brain_bytes(lstm(hidden=3, seed=7)),
    "post_compressed": brain_bytes(post(hidden=2, seed=8)),
    "lstm_plain": pack(*parts(lstm(hidden=3, seed=9))),
    "post_plain": pack(*parts(post(hidden=2, seed=10))),
}


def loads_or_refuses(data: bytes) -> None:
    try:
        brain = load_brain_bytes(data, NAME)
    except BrainFileError as exc:
        message = str(exc)
        assert message.startswith(f"{NAME}: ") and "\n" not in message and "\r" not in message, message
        return
    # Whatever loaded is a usable brain with finite weights.
    assert brain.arch in ("lstm", "post_rnn")
    for value in brain.params.values():
        assert np.isfinite(value).all()


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 64)),
)


def mutate(data: bytes, steps) -> bytes:
    buf = bytearray(data)
    for kind, where, what in steps:
        if not buf:
            break
        i = where % len(buf)
        if kind == "flip":
            buf[i] ^= what
        elif kind == "truncate":
            del buf[i:]
        elif kind == "insert":
            buf[i:i] = what
        else:
            del buf[i : i + what]
    return bytes(buf)


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(base=st.sampled_from(sorted(BASES)), steps=st.lists(mutation, min_size=1, max_size=4))
def test_mangled_bytes_raise_only_brain_file_errors(base, steps):
    loads_or_refuses(mutate(BASES[base], steps))


shapes = st.one_of(
    st.lists(st.integers(-3, 40), max_size=3).map(tuple),
    st.lists(st.integers(-(2**70), 2**70), min_size=1, max_size=3).map(tuple),
    st.just((10**9, 10**9)),
)
descrs = st.one_of(
    st.sampled_from(["<f4", "<f8", ">f4", "<f2", "|O", "<U5", "<U0", "<i4", "|b1", "<c8", "|V8", "|S3", "<m8[s]",
                     "[('a', '<f4')]", "<f16", "x", "<f0"]),
    st.text(max_size=8).map(repr),
)


@st.composite
def npy_headers(draw) -> str:
    if draw(st.booleans()):
        return draw(st.text(max_size=60))  # not even a dictionary
    fields = {"descr": draw(descrs), "fortran_order": repr(draw(st.one_of(st.booleans(), st.integers(0, 2)))),
              "shape": repr(draw(shapes))}
    keys = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, min_size=2, max_size=3))
    return "{" + ", ".join(f"'{k}': {fields[k]}" for k in keys) + ", }"


@PROPERTY
@given(base=st.sampled_from(["lstm_plain", "post_plain"]), which=st.integers(0, 10), header=npy_headers(),
       data=st.binary(max_size=128), version=st.sampled_from([(1, 0), (2, 0), (3, 0), (9, 9)]))
def test_rewritten_npy_headers_raise_only_brain_file_errors(base, which, header, data, version):
    members = members_of(BASES[base])
    names = sorted(members)
    members[names[which % len(names)]] = npy(header, data, version)
    loads_or_refuses(zip_of(members))


@PROPERTY
@given(meta=st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                         lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                     max_size=4), max_leaves=20),
       keep=st.booleans())
def test_arbitrary_meta_raises_only_brain_file_errors(meta, keep):
    arrays, good = parts(lstm(hidden=3))
    if keep and isinstance(meta, dict):
        meta = {**good, **meta}
    loads_or_refuses(pack(arrays, json.dumps(meta)))


# -- what the loader accepts is safe to play -------------------------------------------------------------------


def test_optional_fields_are_checked_and_bad_or_unknown_ones_dropped_with_one_line():
    arrays, meta = parts()
    meta.update(teacher="a\x00b", grid_sizes=[[8]], note="hi", agreement=0.5, fine_tune_updates=3)
    brain = load_brain_bytes(pack(arrays, meta), NAME)
    assert brain.meta["teacher"] == "post" and brain.meta["grid_sizes"] == [[6, 6]]  # the one default
    assert brain.meta["agreement"] == 0.5 and brain.meta["fine_tune_updates"] == 3 and "note" not in brain.meta
    notice = brain.meta_notice
    assert notice.startswith(f"{NAME}: loaded; ignored meta 'grid_sizes' (is not a list of [width, height] pairs")
    assert "'teacher' (is not one of post, optimal, cautious)" in notice
    assert "(and 1 more)" in notice and "\n" not in notice and len(notice) <= brainfile.MAX_MESSAGE_CHARS


@pytest.mark.parametrize("field, value", [("format_version", 1.0), ("format_version", True), ("hidden_size", 4.0),
                                          ("architecture", ["lstm"]), ("input_features", "cat_x"),
                                          ("actions", None)])
def test_required_fields_must_be_exact(field, value):
    arrays, meta = parts()
    meta[field] = value
    refused(pack(arrays, meta))


def test_nan_and_infinity_in_the_meta_json_are_refused():
    arrays, meta = parts()
    refused(pack(arrays, json.dumps(meta)[:-1] + ', "agreement": NaN}'), "not valid JSON")
    refused(pack(arrays, json.dumps(meta)[:-1] + ', "grid_sizes": [[Infinity, 8]]}'), "not valid JSON")


def test_float64_beyond_float32_is_refused_after_conversion():
    arrays, meta = parts()
    wide = {k: v.astype(np.float64) for k, v in arrays.items()}
    wide["lstm.weight_hh_l0"][0, 0] = 1e39
    refused(pack(wide, meta), "'lstm.weight_hh_l0'", "beyond the range of float32")


@pytest.mark.parametrize("key", ["lstm.weight_ih_l0", "lstm.bias_hh_l0", "head.weight", "head.bias"])
def test_finite_weights_that_can_overflow_a_step_are_refused(key):
    arrays, meta = parts()
    arrays[key][...] = 3e38
    refused(pack(arrays, meta), "so large", "overflow float32")


def test_large_weights_within_the_bound_load_and_step_finitely():
    arrays, meta = parts()
    arrays["head.weight"][...] = 1e30  # large, but no sum of them reaches float32's limit
    brain = load_brain_bytes(pack(arrays, meta), NAME)
    brain.step(np.array([0.0, 1.0, 1.0, 0.0], dtype=np.float32))
    assert np.isfinite(brain.probabilities()).all()


def test_the_largest_playable_brain_fits_the_size_limit_even_uncompressed_float64():
    brain = lstm(hidden=brainfile.MAX_HIDDEN)
    arrays = {k: np.array(v, dtype=np.float64) for k, v in brain.params.items()}
    meta = brain_meta(brain, command="x" * brainfile.MAX_COMMAND_CHARS)
    data = pack(arrays, meta)
    assert len(data) < MAX_FILE_BYTES
    assert load_brain_bytes(data, NAME).hidden_size == brainfile.MAX_HIDDEN
    meta["hidden_size"] = brainfile.MAX_HIDDEN + 1
    refused(pack({}, meta), f"hidden size {brainfile.MAX_HIDDEN + 1}")


def test_non_regular_files_are_refused_without_being_opened(tmp_path, monkeypatch):
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)  # opening it for reading would block until a writer came
    (tmp_path / "zero.npz").symlink_to("/dev/zero")
    (tmp_path / "loop.npz").symlink_to("loop.npz")
    opened = []
    real_open = os.open
    monkeypatch.setattr(brainfile.os, "open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    for path, words in ((fifo, "is a FIFO, not a regular file"), (tmp_path / "zero.npz", "is a device"),
                        (tmp_path, "is a folder"), (tmp_path / "loop.npz", "cannot be read")):
        with pytest.raises(BrainFileError) as info:
            load_brain(path)
        assert words in str(info.value) and str(info.value).startswith(str(path))
    assert opened == []


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "growing.npz"
    path.write_bytes(b"PK")
    real_read = os.read
    monkeypatch.setattr(brainfile.os, "read", lambda fd, n: real_read(fd, n) or b"\0" * n)  # never ends
    refused_message = str(pytest.raises(BrainFileError, load_brain, path).value)
    assert "more than any brain needs" in refused_message


def test_messages_are_one_printable_line_of_bounded_length(tmp_path):
    name = "new\nline\x00\ud800" + "x" * 5000 + ".npz"
    arrays, meta = parts()
    meta["architecture"] = "y" * 10_000
    message = str(pytest.raises(BrainFileError, load_brain_bytes, pack(arrays, meta), name).value)
    assert len(message) <= brainfile.MAX_MESSAGE_CHARS and message.isprintable()
    assert message.startswith("new\\x0aline\\x00\\ud800xxx") and "unknown architecture" in message
    # zipfile quotes raw header bytes in its errors; they are cut short too
    data = bytearray(brain_bytes(lstm()))
    data[30:34] = b"\xff\xff\xff\xff"
    message = str(pytest.raises(BrainFileError, load_brain_bytes, bytes(data), NAME).value)
    assert len(message) <= brainfile.MAX_MESSAGE_CHARS and message.isprintable()


def test_a_meta_of_invalid_code_points_is_refused():
    arrays, meta = parts()
    members = members_of(pack(arrays, "{}"))
    members["meta.npy"] = npy("{'descr': '<U1', 'fortran_order': False, 'shape': (), }",
                              (0x7FFFFFFF).to_bytes(4, "little"))
    refused(zip_of(members), "not valid text")


def test_save_claims_the_name_atomically_and_never_replaces_a_file_that_appeared(tmp_path, monkeypatch):
    path = tmp_path / "race.npz"
    real_link = os.link

    def someone_else_first(src, dst):
        Path(dst).write_bytes(b"theirs")  # another game wins the name between our check and our claim
        return real_link(src, dst)

    monkeypatch.setattr(brainfile.os, "link", someone_else_first)
    with pytest.raises(FileExistsError):
        save_brain(lstm(), path)
    assert path.read_bytes() == b"theirs" and sorted(p.name for p in tmp_path.iterdir()) == ["race.npz"]


def save_many(folder: str, names: int, out) -> None:
    won = []
    for k in range(names):
        try:
            write_atomic(Path(folder) / f"n{k}.npz", f"{os.getpid()}".encode())
            won.append(k)
        except FileExistsError:
            pass
    out.put(won)


def test_two_processes_saving_the_same_new_names_never_both_succeed(tmp_path):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=save_many, args=(str(tmp_path), 60, queue)) for _ in range(2)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(results[0] + results[1]) == list(range(60))  # every name won exactly once
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"n{k}.npz" for k in range(60))


def test_a_crashed_saves_leftovers_are_cleaned_and_a_save_in_progress_is_left_alone(tmp_path):
    stale, fresh = tmp_path / ".mine.npz.catmouse-0123456789ab.part", tmp_path / ".mine.npz.catmouse-ba9876543210.part"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    old = time.time() - brainfile.STALE_PART_SECONDS - 60
    os.utime(stale, (old, old))
    others = [tmp_path / name for name in (".notes.part", ".notes.txt.0123456789ab.part", ".x.ab12cd34ef56.part")]
    for other in others:  # another program's temporary files, however much they look like ours
        other.write_bytes(b"not ours")
        os.utime(other, (old, old))
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # root can give a file away: another user's, though tagged
        others.append(tmp_path / ".theirs.npz.catmouse-0123456789ab.part")
        others[-1].write_bytes(b"another user's save")
        os.chown(others[-1], 54321, 54321)
        os.utime(others[-1], (old, old))
    save_brain(lstm(), tmp_path / "next.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fresh.name, *(o.name for o in others), "next.npz"])


def test_a_save_into_a_folder_that_is_a_file_is_one_save_error(tmp_path):
    (tmp_path / "user_brains").write_bytes(b"x")
    with pytest.raises(brainfile.SaveError) as info:
        save_brain(lstm(), tmp_path / "user_brains" / "a.npz")
    assert "user_brains" in str(info.value) and "\n" not in str(info.value)
    assert not isinstance(info.value, FileExistsError)  # not "name taken": the game must not try 999 names


# -- a cat's brain ----------------------------------------------------------------------------------------------


def cat(hidden: int = 4, seed: int = 0) -> LSTMBrain:
    return LSTMBrain(hidden, seed=seed, actions=CAT_MOVE_NAMES, role="cat")


def test_cat_round_trip_is_exact_and_keeps_pytorchs_layout(tmp_path):
    brain = cat(hidden=6, seed=2)
    path = save_brain(brain, tmp_path / "cat6.npz", meta={"grid_sizes": [[8, 8]], "training_games": 10,
                                                          "task": {"name": "pursuit", "width": 8, "height": 8,
                                                                   "mice": ["optimal", "lstm32_optimal", "random"],
                                                                   "move_limit": 40, "catching": True}})
    with np.load(path) as stored:
        meta = json.loads(str(stored["meta"]))
        assert stored["head.weight"].shape == (8, 6) and stored["head.bias"].shape == (8,)
        assert stored["lstm.weight_ih_l0"].shape == (24, 4)  # the mouse's inputs, PyTorch's (4H, I)
    assert meta["role"] == "cat" and meta["actions"] == list(CAT_MOVE_NAMES) and meta["teacher"] == "perfect"
    loaded = load_brain(path, role="cat")
    assert (loaded.role, loaded.actions, loaded.n_actions) == ("cat", CAT_MOVE_NAMES, 8)
    assert loaded.meta_notice is None and loaded.meta["task"]["mice"] == ["optimal", "lstm32_optimal", "random"]
    np.testing.assert_array_equal(loaded.theta, brain.theta)
    x = np.array([0.1, 0.9, 0.5, 0.3], dtype=np.float32)
    assert loaded.step(x) == brain.step(x) and np.allclose(loaded.logits, brain.logits)
    assert load_brain(path, role=None).role == "cat"
    again = load_brain_bytes(brain_bytes(loaded), "again.npz", role="cat")
    np.testing.assert_array_equal(again.theta, brain.theta)


def test_a_cat_is_refused_as_a_mouse_and_the_reverse(tmp_path):
    path = save_brain(cat(), tmp_path / "cat.npz")
    for name, load in ((str(path), lambda: load_brain(path)),
                       ("cat.npz", lambda: load_brain_bytes(path.read_bytes(), "cat.npz"))):
        with pytest.raises(BrainFileError) as info:  # the game's loader asks for a mouse by default
            load()
        assert str(info.value) == f"{name}: is a cat's brain (meta role 'cat'); a mouse's brain is needed here"
    mouse = save_brain(lstm(), tmp_path / "mouse.npz")
    with pytest.raises(BrainFileError, match="^.*mouse.npz: is a mouse's brain \\(meta role 'mouse'\\); a cat's"):
        load_brain(mouse, role="cat")


def test_a_cats_file_is_checked_like_a_mouses():
    arrays, meta = parts(cat())
    assert load_brain_bytes(pack(arrays, meta), NAME, role="cat").role == "cat"
    refused(pack(arrays, {**meta, "role": "dog"}), "has role 'dog'; this game's brains play mouse or cat")
    refused(pack(arrays, {**meta, "actions": list(CAT_MOVE_NAMES[::-1])}), "a cat's brain in this game uses")
    mouse_arrays, mouse_meta = parts(lstm())
    refused(pack(mouse_arrays, {**mouse_meta, "actions": list(CAT_MOVE_NAMES)}), "this game uses ['Up', 'Right'")
    wrong = dict(arrays, **{"head.bias": np.zeros(4, np.float32)})
    with pytest.raises(BrainFileError, match="array 'head.bias' has shape \\(4,\\) but"):
        load_brain_bytes(pack(wrong, meta), NAME, role="cat")
    bad = dict(arrays, **{"head.weight": np.full((8, 4), np.nan, np.float32)})
    with pytest.raises(BrainFileError, match="holds NaN"):
        load_brain_bytes(pack(bad, meta), NAME, role="cat")
    # A mouse's teacher means nothing to a cat: dropped with the usual notice, and the perfect cat filled in.
    loaded = load_brain_bytes(pack(arrays, {**meta, "teacher": "optimal"}), NAME, role="cat")
    assert loaded.meta["teacher"] == "perfect" and "ignored meta 'teacher'" in loaded.meta_notice


def test_the_posts_network_cannot_be_a_cat():
    arrays, meta = parts(post())
    meta = {**meta, "role": "cat", "actions": list(CAT_MOVE_NAMES), "teacher": "perfect"}
    with pytest.raises(BrainFileError, match="holds a post_rnn brain, which cannot play the cat"):
        load_brain_bytes(pack(arrays, meta), NAME, role=None)


def test_file_role_reads_who_a_file_plays(tmp_path):
    assert brainfile.file_role(save_brain(cat(), tmp_path / "c.npz")) == "cat"
    assert brainfile.file_role(save_brain(lstm(), tmp_path / "m.npz")) == "mouse"
    (tmp_path / "broken.npz").write_bytes(b"PK not a zip")
    assert brainfile.file_role(tmp_path / "broken.npz") is None
    assert brainfile.file_role(tmp_path / "missing.npz") is None
