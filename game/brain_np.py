"""The brains in NumPy: an LSTM that picks one of its moves, and the post's recurrent network.

LSTM, in PyTorch's layout and gate order (input i, forget f, cell g, output o), per step t:

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh        (4H pre-activations: i, f, g, o)
    i_t = σ(a_i)   f_t = σ(a_f)   g_t = tanh(a_g)   o_t = σ(a_o)
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)
    y_t = W_y h_t + b_y                               (logits of the moves: Up, Right, Down, Left for a mouse)

`LSTMBrain` runs it fused for speed (play and training); `reference_forward` and `reference_loss_and_gradient`
run the same equations as written, for the tests to hold the fused path to.
The post's network ("post_rnn"): h_t = σ(x_t S0 + h_{t-1} Sh), y_t = σ(h_t S1), one scalar read by quarters.
The memoryless net ("mlp"): h_t = tanh(W x_t + b), y_t = W_y h_t + b_y; the windowed net ("window") is the same net
on the round's last k inputs u_t = [x_t, …, x_{t-k+1}].

Every brain is a `Brain` (the interface the game, the learner and the trainer use) and is registered once in
`BRAIN_TYPES` under its architecture name, the name its files' meta and the trainer's --arch use.
This module imports no pygame.
"""

from __future__ import annotations

import bisect
import weakref
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar, Protocol

import numpy as np

ACTIONS = ("Up", "Right", "Down", "Left")
FEATURES = ("cat_x", "cat_y", "mouse_x", "mouse_y")
ROLES = ("mouse", "cat")


def sigmoid(a: np.ndarray) -> np.ndarray:
    # σ(a) = (1 + tanh(a/2)) / 2: the same function, with no overflow for large |a|.
    return 0.5 * np.tanh(0.5 * a) + 0.5


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


# -- the interface every brain implements, and the one registry of brain types ----------------------------------


class Optimizer(Protocol):
    """How a brain's parameters follow their gradient (Adam for the LSTM, the post's plain SGD).

    `lr` is the step size, which a learner may change between steps (the live learner sets Adam's from the
    held-out error) unless `fixed_rate` says the rule keeps its own (the post's SGD, at the post's alpha)."""

    lr: float
    fixed_rate: bool

    def step(self, theta: np.ndarray, grad: np.ndarray) -> float: ...
    def state(self) -> Any: ...
    def restore(self, state: Any) -> None: ...


class BrainTrace(Protocol):
    """A batched run of a brain over up to `steps` steps, kept so that a learning update can use it."""

    batch: int
    t: int  # steps taken

    def step(self, x: np.ndarray) -> np.ndarray: ...
    def moves(self, x: np.ndarray, live: np.ndarray | None = None) -> np.ndarray: ...
    def loss_and_gradient(self, labels: np.ndarray, mask: np.ndarray | None = None) -> tuple[float, np.ndarray]: ...


class Brain(ABC):
    """What anything outside the brains may ask of a brain, whatever its kind.

    Identity: `arch` (the registry's name), `label` and `memory_title` (how the game names it), `role` (which
    animal it plays), `features` (its inputs' names) and `actions` (its moves' names, in index order), with
    input_size = len(features) and n_actions = len(actions); `hidden_size`; `meta`, what its file said.
    Play, one round at a time: `reset()`, `step(x)` → a move index, then `logits`, `probabilities()`,
    `memory()` and `readout()` describe that step. Batched play: `start(batch, steps)` → a trace whose
    `moves(x)` plays a step and whose `loss_and_gradient(labels, mask)` learns from what it saw; `forward(xs)`.
    Learning: `loss_and_gradient(xs, labels, mask)` → (loss, dL/dθ) over `theta`, and `optimizer()` applies it;
    `update_rounds` is how many rounds an update takes when the brain fixes it. Parameters: `theta` (flat),
    `params` (named views into it, as in brain files; `array_shapes` gives their shapes), `changed()` after
    writing them, `copy()`.
    """

    arch: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()  # older spellings of arch (the trainer's --arch post)
    # Meta fields beyond the size that shape a brain of this type (the windowed net's window): keyword arguments
    # of its constructor and of array_shapes, attributes of the brain, written to its file and read back.
    shape_fields: ClassVar[tuple[str, ...]] = ()
    label: ClassVar[str]
    memory_title: ClassVar[str]
    update_rounds: ClassVar[int | None] = None  # None: the learner's batch

    hidden_size: int
    input_size: int
    n_actions: int
    features: tuple[str, ...]
    actions: tuple[str, ...]
    role: str
    dtype: np.dtype
    layout: tuple[tuple[str, tuple[int, ...]], ...]
    theta: np.ndarray
    params: dict[str, np.ndarray]
    meta: dict[str, Any]
    meta_notice: str | None = None  # the loader's one line on meta fields it dropped
    logits: np.ndarray
    probe: dict[str, np.ndarray] | None = None  # the belief read-out from h, if its file has one (brainfile.py)

    def _set_io(self, features: Sequence[str] | None, actions: Sequence[str] | None, role: str,
                input_size: int | None, n_actions: int | None) -> None:
        self.features = _names(features, input_size, FEATURES, "input")
        self.actions = _names(actions, n_actions, ACTIONS, "move")
        self.input_size, self.n_actions = len(self.features), len(self.actions)
        if role not in ROLES:
            raise ValueError(f"brain role {role!r} is not one of {', '.join(ROLES)}")
        self.role = role
        self.meta = {}

    def _views(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """The named parameter arrays as views into one flat vector laid out like theta."""
        out, start = {}, 0
        for name, shape in self.layout:
            size = int(np.prod(shape))
            out[name] = flat[start : start + size].reshape(shape)
            start += size
        return out

    def _allocate(self, dtype: type) -> None:
        """theta, zeroed, and params as views into it, in the order of array_shapes."""
        self.dtype = np.dtype(dtype)
        self.layout = tuple(self.array_shapes(self.hidden_size, self.input_size, self.n_actions,
                                              **self.shape()).items())
        self.theta = np.zeros(sum(int(np.prod(s)) for _, s in self.layout), dtype=self.dtype)
        self.params = self._views(self.theta)

    @classmethod
    @abstractmethod
    def array_shapes(cls, hidden: int, inputs: int = 4, actions: int = 4, **shape: Any) -> dict[str, tuple[int, ...]]:
        """The arrays a brain of this kind and size (and `shape_fields`) holds (and its files), with their shapes."""

    def shape(self) -> dict[str, Any]:
        """The brain's `shape_fields` and their values."""
        return {key: getattr(self, key) for key in self.shape_fields}

    def describe(self) -> dict[str, Any]:
        """The meta fields the brain itself knows; a file's meta adds where it came from."""
        return {"architecture": self.arch, "hidden_size": self.hidden_size, **self.shape(), "role": self.role,
                "input_features": list(self.features), "actions": list(self.actions)}

    def reset(self) -> None:
        """Forget the round."""
        self.reset_state()

    @abstractmethod
    def reset_state(self) -> None: ...

    @abstractmethod
    def step(self, x: np.ndarray) -> int:
        """Advance the memory by one state and return the chosen move's index."""

    @abstractmethod
    def probabilities(self) -> np.ndarray:
        """The moves' probabilities after the last step."""

    @abstractmethod
    def memory(self) -> tuple[tuple[str, np.ndarray, str], ...]:
        """What the brain remembers after the last step, for the panel: (name, values in [-1, 1], meaning)."""

    def readout(self) -> str | None:
        """A line on how the last step's output became a move, when that is not simply the likeliest."""
        return None

    @abstractmethod
    def step_values(self) -> tuple[np.ndarray, ...]:
        """Every value the last step left behind (state, output, probabilities): the loader's probe wants all
        of them finite."""

    @abstractmethod
    def pre_activation_bounds(self) -> dict[str, float]:
        """Per layer, the largest |pre-activation| any step can reach: inputs lie in [0, 1] and every hidden
        value in [-1, 1], so a row's absolute sum bounds it."""

    def _absolute(self) -> dict[str, np.ndarray]:
        return {key: np.abs(value.astype(np.float64)) for key, value in self.params.items()}

    @abstractmethod
    def start(self, batch: int, steps: int) -> BrainTrace: ...

    @abstractmethod
    def forward(self, xs: np.ndarray) -> tuple[np.ndarray, BrainTrace]: ...

    @abstractmethod
    def loss_and_gradient(
        self, xs: np.ndarray, labels: np.ndarray, mask: np.ndarray | None = None, best: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]: ...

    @abstractmethod
    def optimizer(self, lr: float = 1e-2, clip: float | None = 1.0) -> Optimizer: ...

    @abstractmethod
    def changed(self) -> None: ...

    @abstractmethod
    def copy(self) -> Brain: ...

    def copied_probe(self) -> dict[str, np.ndarray] | None:
        """The belief probe for a copy: its own arrays, so a copy (the weights as loaded, a reset) reads h too."""
        return None if self.probe is None else {key: value.copy() for key, value in self.probe.items()}


def _names(given: Sequence[str] | None, size: int | None, default: tuple[str, ...], what: str) -> tuple[str, ...]:
    if given is None:
        size = len(default) if size is None else int(size)
        return default if size == len(default) else tuple(f"{what} {k}" for k in range(size))
    names = tuple(str(n) for n in given)
    if size is not None and int(size) != len(names):
        raise ValueError(f"{len(names)} {what} names given for {size} {what}s")
    return names


BRAIN_TYPES: dict[str, type[Brain]] = {}


def register(cls: type[Brain]) -> type[Brain]:
    """Make a brain type known by its architecture name (and its aliases)."""
    for name in (cls.arch, *cls.aliases):
        if any(name == other.arch or name in other.aliases for other in BRAIN_TYPES.values()):
            raise ValueError(f"brain architecture {name!r} is registered twice")
    BRAIN_TYPES[cls.arch] = cls
    return cls


def brain_type(name: str) -> type[Brain]:
    """The brain class for an architecture name (a file's meta, the trainer's --arch)."""
    for cls in BRAIN_TYPES.values():
        if name == cls.arch or name in cls.aliases:
            return cls
    raise ValueError(f"unknown brain architecture {name!r} (known: {', '.join(BRAIN_TYPES)})")


# -- the LSTM, fused: what play and training run ---------------------------------------------------------------

# The working copy of the LSTM weights puts the gates in the order o, i, f, g (PyTorch's is i, f, g, o): the
# three sigmoid gates are then contiguous (one tanh and one affine map serve them, σ(a) = (1 + tanh(a/2)) / 2),
# and i, f sit just before g, c_{t-1} in a step's row, so c_t = i ⊙ g + f ⊙ c_{t-1} is one product and one sum.
GATE_ORDER = (3, 0, 1, 2)  # for each working block (o, i, f, g), its block in PyTorch's order (i, f, g, o)


@lru_cache(maxsize=16)
def row_blocks(H: int) -> dict[str, slice]:
    """Where a step's quantities lie along the feature axis of its row (6H long): o, i, f, g, c_{t-1}, tanh c_t,
    and the runs of them that one operation covers. The play step, the trace and backward all read rows so."""
    o, i, f, g, c_prev, tanh_c = (slice(k * H, (k + 1) * H) for k in range(6))
    return {"o": o, "i": i, "f": f, "g": g, "c_prev": c_prev, "tanh_c": tanh_c,
            "a": slice(0, 4 * H), "sigmoids": slice(0, 3 * H), "i_f": slice(H, 3 * H), "g_c": slice(3 * H, 5 * H)}


def cell_views(z: np.ndarray, row: np.ndarray, c: np.ndarray, h: np.ndarray, ig_fc: np.ndarray, H: int) -> tuple:
    """The arrays one step of `fused_cell` reads and writes: its input z = [x, h_{t-1}, 1, 1], its row, where c_t
    and h_t go, and a 2H scratch; made once, so a step is only arithmetic."""
    b = row_blocks(H)
    return (z, row[b["a"]], row[b["sigmoids"]], row[b["i_f"]], row[b["g_c"]], ig_fc, ig_fc[:H], ig_fc[H:], c,
            row[b["tanh_c"]], row[b["o"]], h)


def fused_cell(W_z: np.ndarray, views: tuple, dot=np.dot) -> None:
    """One LSTM cell step on the working matrix W_z (sigmoid rows halved), for one state or a batch."""
    z, a, sigmoids, i_f, g_c, ig_fc, ig, fc, c, tanh_c, o, h = views
    dot(W_z, z, out=a)
    np.tanh(a, out=a)
    np.multiply(sigmoids, 0.5, out=sigmoids)  # o, i, f: σ(a) = ½ tanh(a/2) + ½
    np.add(sigmoids, 0.5, out=sigmoids)
    np.multiply(i_f, g_c, out=ig_fc)  # [i ⊙ g, f ⊙ c_{t-1}]
    np.add(ig, fc, out=c)
    np.tanh(c, out=tanh_c)
    np.multiply(o, tanh_c, out=h)


@register
class LSTMBrain(Brain):
    """A one-layer LSTM with a linear head over its moves. All parameters live in one flat vector `theta` (so
    Adam and clipping are a few whole-array operations); the named arrays are views into it.

    `changed()` gathers theta into the working matrices both play and training use:
      W_z   (4H, I+H+2)  rows o, i, f, g; columns x, h, then b_ih and b_hh (the input z = [x, h, 1, 1]);
                         the sigmoid rows are halved so a single tanh gives every gate;
      W_head (A, H+1)    [W_y | b_y], applied to [h, 1];
      W_back (H, 4H+A)   [W_hh; W_y]ᵀ unhalved, for dh_t = W_hhᵀ da_{t+1} + W_yᵀ dy_t in one product.
    The gradient is computed in the same packed order and scattered back to theta's order in one `take`.
    """

    arch = "lstm"
    label = "LSTM"
    memory_title = "The LSTM's memory"

    def __init__(
        self,
        hidden_size: int = 32,
        input_size: int | None = None,
        n_actions: int | None = None,
        seed: int | None = None,
        dtype: type = np.float32,
        *,
        features: Sequence[str] | None = None,
        actions: Sequence[str] | None = None,
        role: str = "mouse",
    ) -> None:
        self.hidden_size = int(hidden_size)
        self._set_io(features, actions, role, input_size, n_actions)
        self._allocate(dtype)
        p = self.params
        self.W_ih, self.W_hh = p["lstm.weight_ih_l0"], p["lstm.weight_hh_l0"]
        self.b_ih, self.b_hh = p["lstm.bias_ih_l0"], p["lstm.bias_hh_l0"]
        self.W_y, self.b_y = p["head.weight"], p["head.bias"]
        self._make_packing()
        self._scratch_trace: Trace | None = None
        self._scratch_backward: Backward | None = None
        self.spare = spare_buffers(dtype)  # the memory of traces' steps, for the next ones
        self.initialize(seed)

    @classmethod
    def array_shapes(cls, hidden: int, inputs: int = 4, actions: int = 4) -> dict[str, tuple[int, ...]]:
        H, I, A = hidden, inputs, actions
        return {
            "lstm.weight_ih_l0": (4 * H, I),
            "lstm.weight_hh_l0": (4 * H, H),
            "lstm.bias_ih_l0": (4 * H,),
            "lstm.bias_hh_l0": (4 * H,),
            "head.weight": (A, H),
            "head.bias": (A,),
        }

    def _make_packing(self) -> None:
        """Index arrays from theta's order to the working matrices' (see the class docstring), and back."""
        H, I, A = self.hidden_size, self.input_size, self.n_actions
        where = self._views(np.arange(self.theta.size, dtype=np.intp))  # theta position of every parameter
        rows = np.concatenate([np.arange(q * H, (q + 1) * H) for q in GATE_ORDER])
        W_z = np.concatenate([where["lstm.weight_ih_l0"][rows], where["lstm.weight_hh_l0"][rows],
                              where["lstm.bias_ih_l0"][rows, None], where["lstm.bias_hh_l0"][rows, None]], axis=1)
        W_head = np.concatenate([where["head.weight"], where["head.bias"][:, None]], axis=1)
        self._pack = np.concatenate([W_z.ravel(), W_head.ravel()])  # packed[k] = theta[_pack[k]]
        self._unpack = np.argsort(self._pack).astype(np.intp)  # theta[j] = packed[_unpack[j]]
        self._pack_back = np.concatenate([where["lstm.weight_hh_l0"][rows], where["head.weight"]]).T.ravel()
        self._gate_scale = np.ones((4 * H, 1), dtype=self.dtype)
        self._gate_scale[: 3 * H] = 0.5
        self.W_z = np.zeros((4 * H, I + H + 2), dtype=self.dtype)
        self.W_head = np.zeros((A, H + 1), dtype=self.dtype)
        self.W_back = np.zeros((H, 4 * H + A), dtype=self.dtype)

    def initialize(self, seed: int | None = None) -> None:
        """PyTorch's default init, U(-1/√H, 1/√H), with the forget gate's bias at 1 so memory starts open."""
        rng = np.random.default_rng(seed)
        bound = 1.0 / np.sqrt(self.hidden_size)
        self.theta[:] = rng.uniform(-bound, bound, size=self.theta.shape)
        H = self.hidden_size
        self.b_ih[H : 2 * H] = 1.0
        self.b_hh[H : 2 * H] = 0.0
        self.changed()

    # -- parameters -------------------------------------------------------------------------------------

    def changed(self) -> None:
        """Call after writing to `theta`: play and training read the working matrices gathered here."""
        np.take(self.theta, self._pack[: self.W_z.size], out=self.W_z.reshape(-1))
        self.W_z *= self._gate_scale
        np.take(self.theta, self._pack[self.W_z.size :], out=self.W_head.reshape(-1))
        np.take(self.theta, self._pack_back, out=self.W_back.reshape(-1))
        if not hasattr(self, "_z"):
            self.reset_state()

    def copy(self) -> LSTMBrain:
        other = LSTMBrain(self.hidden_size, dtype=self.dtype, features=self.features, actions=self.actions,
                          role=self.role)
        other.theta[:] = self.theta
        other.changed()
        other.meta = dict(self.meta)
        other.probe = self.copied_probe()
        return other

    def optimizer(self, lr: float = 1e-2, clip: float | None = 1.0) -> Adam:
        return Adam(self.theta.size, lr=lr, clip=clip, dtype=self.dtype)

    # -- play: one stateful step, batch 1 ---------------------------------------------------------------

    def reset_state(self) -> None:
        """Forget the round: h = c = 0."""
        H, I = self.hidden_size, self.input_size
        self._z = np.zeros(I + H + 2, dtype=self.dtype)  # z = [x, h, 1, 1]
        self._z[I + H :] = 1.0
        self._row = np.zeros(6 * H, dtype=self.dtype)  # o, i, f, g, c, tanh c (c_t overwrites c_{t-1})
        self.logits = np.zeros(self.n_actions, dtype=self.dtype)
        self.h, self.c = self._z[I : I + H], self._row[row_blocks(H)["c_prev"]]
        self._x, self._h1 = self._z[:I], self._z[I : I + H + 1]
        self._cell = cell_views(self._z, self._row, self.c, self.h, np.zeros(2 * H, dtype=self.dtype), H)

    def step(self, x: np.ndarray) -> int:
        """Advance the memory by one state and return the chosen move (the most likely)."""
        self._x[:] = x
        fused_cell(self.W_z, self._cell)
        np.dot(self.W_head, self._h1, out=self.logits)
        return int(self.logits.argmax())

    def probabilities(self) -> np.ndarray:
        """The moves' probabilities after the last step."""
        return softmax(self.logits.astype(np.float64))

    def memory(self) -> tuple[tuple[str, np.ndarray, str], ...]:
        h = np.asarray(self.h, dtype=np.float64).reshape(-1)
        c = np.asarray(self.c, dtype=np.float64).reshape(-1)
        return ("h", h, "what it says"), ("c", np.tanh(c), "what it keeps (tanh c)")

    def step_values(self) -> tuple[np.ndarray, ...]:
        return np.asarray(self.h), self.probabilities(), np.asarray(self.c)

    def pre_activation_bounds(self) -> dict[str, float]:
        p = self._absolute()
        return {"gates": (p["lstm.weight_ih_l0"].sum(1) + p["lstm.weight_hh_l0"].sum(1) + p["lstm.bias_ih_l0"]
                          + p["lstm.bias_hh_l0"]).max(),
                "head": (p["head.weight"].sum(1) + p["head.bias"]).max()}

    # -- training: batched sequences, backward through time ---------------------------------------------

    def start(self, batch: int, steps: int) -> Trace:
        """An empty record of up to `steps` batched steps, to be filled by Trace.step and differentiated."""
        return Trace(self, batch, steps)

    def forward(self, xs: np.ndarray) -> tuple[np.ndarray, Trace]:
        """Run whole sequences xs (T, B, I) from a zero state; logits (T, B, A) and the trace for backward."""
        T, B, _ = xs.shape
        trace = Trace(self, B, T)
        return trace.run(xs), trace

    def backward(self, trace: Trace, dlogits: np.ndarray) -> np.ndarray:
        """Gradient of the loss with respect to `theta`, given dL/dlogits (T, B, A) for the trace's T steps."""
        return self._backward_for(trace.t, trace.batch).run(trace, dlogits)

    def _backward_for(self, steps: int, batch: int) -> Backward:
        # Backward's buffers never leave it (the gradient is a fresh array), so they are kept for the next
        # call of the same shape.
        kept = self._scratch_backward
        if kept is None or (kept.steps, kept.batch) != (steps, batch):
            self._scratch_backward = kept = Backward(self, batch, steps)
        return kept

    def loss_and_gradient(
        self, xs: np.ndarray, labels: np.ndarray, mask: np.ndarray | None = None, best: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """Mean imitation loss (imitation_loss: cross-entropy of the teacher's labels (T, B), or with `best` the
        sets of equally good moves first) over the steps in `mask`, and its gradient."""
        T, B, _ = xs.shape
        # This trace never leaves the call either, so it too is kept for the next call of the same shape.
        trace = self._scratch_trace
        if trace is None or (trace.steps, trace.batch) != (T, B):
            self._scratch_trace = trace = Trace(self, B, T)
        trace.t = 0
        logits = trace.run(xs)
        return imitation_loss(self, logits, trace, labels, mask, best)


def imitation_loss(
    brain: LSTMBrain, logits: np.ndarray, trace: Trace, labels: np.ndarray, mask: np.ndarray | None,
    best: np.ndarray | None = None, tie_weight: float | None = None,
) -> tuple[float, np.ndarray]:
    """Mean imitation loss over masked steps, and dL/dtheta.

    `labels` (T, B): the teacher's moves; alone, the loss is the cross-entropy −log p[label]. With `best`
    (T, B, A) bool, the moves the teacher rates equally good by its value, it is set_loss: the set's
    probability first, the teacher's tie-break among the set second, weighted `tie_weight` (TIE_WEIGHT).
    `labels` may itself be sets (T, B, A) bool: the set's probability alone."""
    if labels.ndim == 3:
        loss, dlogits = set_loss(logits, labels, mask, brain.dtype)
        return loss, brain.backward(trace, dlogits)
    if best is not None:
        weight = TIE_WEIGHT if tie_weight is None else tie_weight
        loss, dlogits = set_loss(logits, best, mask, brain.dtype, labels, weight)
        return loss, brain.backward(trace, dlogits)
    T, B, A = logits.shape
    weight = np.ones((T, B), dtype=brain.dtype) if mask is None else mask.astype(brain.dtype)
    count = max(float(weight.sum()), 1.0)
    logits = np.ascontiguousarray(logits)  # the flat indexing below needs row-major (T, B, A) arrays
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    total = e.sum(axis=-1)
    chosen = np.arange(T * B, dtype=np.intp) * A + labels.reshape(-1)  # flat index of each teacher's move
    picked = z.reshape(-1)[chosen].reshape(T, B)
    loss = float(((np.log(total) - picked) * weight).sum() / count)
    dlogits = e
    dlogits /= total[..., None]
    dlogits.reshape(-1)[chosen] -= 1.0  # softmax - one-hot
    weight /= count
    dlogits *= weight[..., None]
    return loss, brain.backward(trace, dlogits)


# How much the teacher's tie-break among equally good moves counts beside the set's probability. Its tie-breaks
# are not arbitrary (towards open space, away from the cat: they buy moves against cats that err), so they are
# kept as a lesser preference; at 1 the loss is the plain cross-entropy, at 0 the set alone.
TIE_WEIGHT = 0.05


def set_loss(logits: np.ndarray, best: np.ndarray, mask: np.ndarray | None, dtype: type = np.float32,
             labels: np.ndarray | None = None, tie_weight: float = 0.0) -> tuple[float, np.ndarray]:
    """L = Σ w · ℓ / Σ w and dL/dy, where for a step with logits y, set S = best (empty: every move), p = softmax(y)
    and q = p restricted to S and renormalised (q_a = P(a | S)):

        ℓ = −log Σ_{a∈S} p_a − λ · log q_label        dℓ/dy = p − q + λ · (q − one-hot(label))

    with λ = tie_weight (and no second term without labels). The first term pulls the set's moves up together,
    never against each other; the second prefers the teacher's own move within the set. At λ = 1, ℓ is the
    cross-entropy −log p_label; with one move in every set, too."""
    T, B, A = logits.shape
    weight = np.ones((T, B), dtype=dtype) if mask is None else mask.astype(dtype)
    count = max(float(weight.sum()), 1.0)
    best = best | ~best.any(axis=-1, keepdims=True)  # an empty set (a padded step) is every move
    if labels is not None:
        one_hot = np.arange(A) == labels[..., None]
        best = best | one_hot  # the teacher's own move is always among its best
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    total = e.sum(axis=-1)
    zs = np.where(best, z, -np.inf)
    top = zs.max(axis=-1, keepdims=True)  # the set's own largest logit, so its sum never underflows to 0
    es = np.exp(zs - top)
    in_set = es.sum(axis=-1)
    log_set = top[..., 0] + np.log(in_set)  # log Σ_S e^z
    per_step = np.log(total) - log_set
    q = es / in_set[..., None]
    dlogits = e / total[..., None] - q
    if labels is not None and tie_weight:
        per_step = per_step + tie_weight * (log_set - (z * one_hot).sum(axis=-1))
        dlogits += tie_weight * (q - one_hot)
    loss = float((per_step * weight).sum() / count)
    dlogits *= (weight / count)[..., None]
    return loss, dlogits.astype(dtype, copy=False)


def one_hot_sets(labels: np.ndarray, actions: int) -> np.ndarray:
    """Moves (...,) as sets of one move (..., actions) bool."""
    return np.arange(actions) == np.asarray(labels)[..., None]


class SpareBuffers:
    """Memory of the steps of traces that are gone, for the next traces' steps.

    A rollout keeps every step's arrays for backward, new memory each step. Made fresh each rollout, the allocator
    gets it from the system, and touching it costs a page fault per 4 KiB: measured, a quarter to a third of a
    50,000-round chase rollout's time even when the process has played others (bench/bench_fresh_rollouts.py).
    A trace takes its buffers here and gives them back when it is gone, so the next rollouts step in memory
    already touched. Holds at most `limit` bytes, more than a 50,000-round chase rollout holds (about 670 MiB)."""

    def __init__(self, dtype: type, limit: int = 1 << 30) -> None:
        self.dtype, self.limit, self.bytes = np.dtype(dtype), limit, 0
        self._sizes: list[int] = []  # ascending, beside the buffers
        self._buffers: list[np.ndarray] = []

    def take(self, shape: tuple[int, int]) -> np.ndarray:
        """An uninitialised array of this shape: the smallest spare buffer that holds it, else new memory."""
        size = shape[0] * shape[1]
        i = bisect.bisect_left(self._sizes, size)
        if i == len(self._sizes):
            # Rounded up to an eighth of an octave, so the next rollout's step of about this size fits it.
            room = 1 << max(size.bit_length() - 3, 0)
            return np.empty(-(-size // room) * room, dtype=self.dtype)[:size].reshape(shape)
        del self._sizes[i]
        buffer = self._buffers.pop(i)
        self.bytes -= buffer.nbytes
        return buffer[:size].reshape(shape)

    def give(self, arrays: list[np.ndarray]) -> None:
        """Arrays from `take` that nothing reads any more; emptied."""
        for array in arrays:
            buffer = (array if array.base is None else array.base).reshape(-1)
            if self.bytes + buffer.nbytes <= self.limit:
                i = bisect.bisect_left(self._sizes, buffer.size)
                self._sizes.insert(i, buffer.size)
                self._buffers.insert(i, buffer)
                self.bytes += buffer.nbytes
        arrays.clear()


_SPARE: dict[np.dtype, SpareBuffers] = {}


def spare_buffers(dtype: type) -> SpareBuffers:
    """The spare buffers every LSTM brain of this dtype shares: one limit on what they hold in all."""
    return _SPARE.setdefault(np.dtype(dtype), SpareBuffers(dtype))


class Trace:
    """What a batched forward pass keeps for backward through time, stored feature-major (B last) so every
    slice a step touches is contiguous:
      z[t]     (I+H+2, B)  the step's input [x_t, h_{t-1}, 1, 1];
      row[t]   (6H, B)     [o_t, i_t, f_t, g_t, c_{t-1}, tanh c_t] (c_t itself is row[t+1]'s c_{t-1}).
    """

    TAKEN_PER_STEP = 4  # a live-only step's arrays from the spare buffers: z, row, h and c

    def __init__(self, brain: LSTMBrain, batch: int, steps: int) -> None:
        self.brain, self.batch, self.steps, self.t = brain, batch, steps, 0
        # The full arrays are made when first needed (a full-batch step, or backward reading z and row): a
        # rollout whose rounds end at different moves and is never differentiated never makes them.
        self._full: tuple[np.ndarray, np.ndarray, list[tuple]] | None = None
        # Steps of the live rounds only (see step): (t, live, z, row, c_t, h_t), written into z and row when
        # they are read; `_last` is the last one's (live, h_t, c_t), from which the next step starts.
        self._pending: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._last: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._scratch = np.empty(0, dtype=brain.dtype)  # the cell's 2H × live scratch, reused step to step
        # What this trace took from the brain's spare buffers; they go back when it is gone.
        self._taken: list[np.ndarray] = []
        self._taken_scratch: list[np.ndarray] = []
        weakref.finalize(self, brain.spare.give, self._taken)
        weakref.finalize(self, brain.spare.give, self._taken_scratch)
        self._dot_z = np.dot if fits_one_thread(brain.W_z, batch) else product
        self._dot_head = np.dot if fits_one_thread(brain.W_head, batch) else product

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
        """The full arrays z and row, and each step's cell views into them (made once)."""
        if self._full is None:
            brain, batch, steps = self.brain, self.batch, self.steps
            H, I, dt = brain.hidden_size, brain.input_size, brain.dtype
            z = np.zeros((steps + 1, I + H + 2, batch), dtype=dt)
            z[:, I + H :] = 1.0
            row = np.zeros((steps + 1, 6 * H, batch), dtype=dt)
            ig_fc = np.zeros((2 * H, batch), dtype=dt)
            c_prev = row_blocks(H)["c_prev"]
            cells = [cell_views(z[t], row[t], row[t + 1, c_prev], z[t + 1, I : I + H], ig_fc, H)
                     for t in range(steps)]
            self._full = (z, row, cells)
        return self._full

    @property
    def z(self) -> np.ndarray:
        """(steps + 1, I+H+2, B): every step's input [x_t, h_{t-1}, 1, 1]; a round's rows after it stopped are
        zero but for the 1s."""
        self._write_pending()
        return self._arrays()[0]

    @property
    def row(self) -> np.ndarray:
        """(steps + 1, 6H, B): every step's [o, i, f, g, c_{t-1}, tanh c_t]; zero after a round stopped."""
        self._write_pending()
        return self._arrays()[1]

    def _write_pending(self) -> None:
        """Scatter the live-only steps into the full arrays (deferred: a rollout that is never differentiated
        never pays for it)."""
        if not self._pending:
            return
        I, H = self.brain.input_size, self.brain.hidden_size
        c_prev = row_blocks(H)["c_prev"]
        full_z, full_row, _ = self._arrays()
        for t, live, z, row, c, h in self._pending:
            full_z[t][:, live] = z
            full_row[t][:, live] = row
            full_row[t + 1, c_prev][:, live] = c
            full_z[t + 1, I : I + H][:, live] = h
        self._pending.clear()
        # All but the last step's (the next step starts from its h and c) are read no more.
        keep, self._taken[:] = self._taken[-self.TAKEN_PER_STEP :], self._taken[: -self.TAKEN_PER_STEP]
        self.brain.spare.give(self._taken)
        self._taken.extend(keep)

    @property
    def h(self) -> np.ndarray:
        """Hidden states (steps + 1, B, H); h[0] is the zero start."""
        I, H = self.brain.input_size, self.brain.hidden_size
        return self.z[:, I : I + H].transpose(0, 2, 1)

    @property
    def c(self) -> np.ndarray:
        """Cell states (steps + 1, B, H); c[0] is the zero start."""
        return self.row[:, row_blocks(self.brain.hidden_size)["c_prev"]].transpose(0, 2, 1)

    def logits(self) -> np.ndarray:
        """Logits (T, B, A) of every step taken so far."""
        b, T = self.brain, self.t
        I, H = b.input_size, b.hidden_size
        h1 = self.z[1 : T + 1, I : I + H + 1]
        if self._dot_head is np.dot:
            return np.matmul(b.W_head, h1).transpose(0, 2, 1)
        logits = np.empty((T, b.n_actions, self.batch), dtype=b.dtype)
        for t in range(T):
            product(b.W_head, h1[t], out=logits[t])
        return logits.transpose(0, 2, 1)

    def run(self, xs: np.ndarray) -> np.ndarray:
        """Whole sequences xs (T, B, I) from the zero state; returns logits (T, B, A)."""
        T = xs.shape[0]
        self._arrays()[0][:T, : self.brain.input_size] = xs.transpose(0, 2, 1)
        for _ in range(T):
            self.cell()
        return self.logits()

    def step(self, x: np.ndarray, live: np.ndarray | None = None) -> np.ndarray:
        """One batched step from inputs x (B, I); returns logits (B, A). With `live` (sorted column indices, a
        subset of the previous step's), only those rounds step: x is (len(live), I) and so are the logits.
        The others keep zero rows from then on, which backward through time reads as "no step": their
        gradients are zero, as their loss weights must be. Once some rounds have stopped, every step is
        live-only."""
        b, t = self.brain, self.t
        I, H = b.input_size, b.hidden_size
        if self._last is not None or (live is not None and len(live) < self.batch):
            return self._step_live(x, np.arange(self.batch) if live is None else live)
        self._arrays()[0][t, :I] = x.T
        self.cell()
        logits = np.empty((b.n_actions, self.batch), dtype=b.dtype)
        self._dot_head(b.W_head, self._arrays()[0][t + 1, I : I + H + 1], out=logits)
        return logits.T

    def _step_live(self, x: np.ndarray, live: np.ndarray) -> np.ndarray:
        """The cell for the live columns only, as a small batch of their own; kept aside until read."""
        b, t, k = self.brain, self.t, len(live)
        I, H, dt = b.input_size, b.hidden_size, b.dtype
        c_prev = row_blocks(H)["c_prev"]
        z, row, h1, c = taken = [b.spare.take(shape) for shape in ((I + H + 2, k), (6 * H, k), (H + 1, k), (H, k))]
        self._taken.extend(taken)
        z[:I] = x.T
        z[I + H :] = 1.0
        if self._last is None and t == 0:  # the zero state
            z[I : I + H] = 0.0
            row[c_prev] = 0.0
        elif self._last is None:  # the first live-only step starts from the full arrays
            full_z, full_row, _ = self._arrays()
            np.take(full_z[t, I : I + H], live, axis=1, out=z[I : I + H])
            np.take(full_row[t, c_prev], live, axis=1, out=row[c_prev])
        else:
            before, h_prev, c_before = self._last
            if len(before) == k:
                z[I : I + H], row[c_prev] = h_prev, c_before
            else:
                kept = np.searchsorted(before, live)
                np.take(h_prev, kept, axis=1, out=z[I : I + H])
                np.take(c_before, kept, axis=1, out=row[c_prev])
        h1[H] = 1.0
        if self._scratch.size < 2 * H * k:
            self.brain.spare.give(self._taken_scratch)
            self._scratch = b.spare.take((2 * H, k)).reshape(-1)
            self._taken_scratch.append(self._scratch)
        views = cell_views(z, row, c, h1[:H], self._scratch[: 2 * H * k].reshape(2 * H, k), H)
        fused_cell(b.W_z, views, np.dot if fits_one_thread(b.W_z, k) else product)
        self._pending.append((t, live, z, row, c, h1[:H]))
        self._last = (live, h1[:H], c)
        self.t += 1
        logits = np.empty((b.n_actions, k), dtype=dt)
        (np.dot if fits_one_thread(b.W_head, k) else product)(b.W_head, h1, out=logits)
        return logits.T

    def moves(self, x: np.ndarray, live: np.ndarray | None = None) -> np.ndarray:
        """One batched step (of the `live` rounds only, if given); the chosen moves, the likeliest of each."""
        return np.argmax(self.step(x, live), axis=1).astype(np.int32)

    def loss_and_gradient(self, labels: np.ndarray, mask: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """Mean cross-entropy of the teacher's labels (T, B) over the steps taken, in `mask`, and its gradient."""
        return imitation_loss(self.brain, self.logits(), self, labels, mask)

    def cell(self) -> np.ndarray:
        """The LSTM cell for step t (its input z[t] filled in); writes h_t into z[t+1] and returns it."""
        views = self._arrays()[2][self.t]
        fused_cell(self.brain.W_z, views, self._dot_z)
        self.t += 1
        return views[-1]


class Backward:
    """Backward through time for T steps of batch B, with its buffers (kept for reuse by loss_and_gradient).

    Per step, with da the gradient at the (unhalved) gate pre-activations in the working order o, i, f, g:
        dh_t = W_hhᵀ da_{t+1} + W_yᵀ dy_t                     (one product: W_back · [da_{t+1}; dy_t])
        dc_t = dh_t ⊙ o_t ⊙ (1 - tanh² c_t) + f_{t+1} ⊙ dc_{t+1}
        da_o = dh_t ⊙ tanh c_t ⊙ σ'(o)      da_i = dc_t ⊙ g ⊙ σ'(i)
        da_f = dc_t ⊙ c_{t-1} ⊙ σ'(f)       da_g = dc_t ⊙ i ⊙ (1 - g²)
    Every factor that does not depend on dh or dc is computed for all steps at once before the loop.
    """

    def __init__(self, brain: LSTMBrain, batch: int, steps: int) -> None:
        H, A, T, B, dt = brain.hidden_size, brain.n_actions, steps, batch, brain.dtype
        self.brain, self.batch, self.steps = brain, batch, steps
        self.da_dy = np.zeros((T + 1, 4 * H + A, B), dtype=dt)  # [da_t; dy_{t-1}]; da_T = 0, dy_{-1} unused
        self.k_o = np.zeros((T, H, B), dtype=dt)  # da_o = dh ⊙ k_o
        self.k_ifg = np.zeros((T, 3, H, B), dtype=dt)  # da_i, da_f, da_g = dc ⊙ k_ifg
        self.k_dc = np.zeros((T, 2 * H, B), dtype=dt)  # dc = [dh, dc_{t+1}] ⊙ k_dc, halves summed
        self.dh_dc = np.zeros((2 * H, B), dtype=dt)
        self.terms = np.zeros((2 * H, B), dtype=dt)
        self.packed = np.zeros(brain.theta.size, dtype=dt)
        # Each step's slices are made once: (da_dy[t+1], k_dc[t], k_o[t], da_o[t], k_ifg[t], da_ifg[t]).
        da_o, da_ifg = self.da_dy[:, :H], self.da_dy[:, H : 4 * H].reshape(T + 1, 3, H, B)
        self._slices = [(self.da_dy[t + 1], self.k_dc[t], self.k_o[t], da_o[t], self.k_ifg[t], da_ifg[t])
                        for t in range(T)]
        self._dot_back = np.dot if fits_one_thread(brain.W_back, batch) else product

    def run(self, trace: Trace, dlogits: np.ndarray) -> np.ndarray:
        b, T, B = self.brain, trace.t, self.batch
        H, I, A = b.hidden_size, b.input_size, b.n_actions
        if (T, trace.batch) != (self.steps, B):
            raise ValueError(f"trace of {T} steps × {trace.batch} rounds given to backward for {self.steps} × {B}")
        self._step_factors(trace.row[:T])
        da_dy = self.da_dy
        da_dy[T, : 4 * H] = 0.0
        da_dy[1:, 4 * H :] = dlogits.transpose(0, 2, 1)
        dh_dc, terms = self.dh_dc, self.terms
        dh, dc, dc_ifg = dh_dc[:H], dh_dc[H:], dh_dc[None, H:]
        dc[:] = 0.0
        W_back, dot, term_dh, term_dc = b.W_back, self._dot_back, terms[:H], terms[H:]
        for t in range(T - 1, -1, -1):
            da_dy_next, k_dc, k_o, da_o, k_ifg, da_ifg = self._slices[t]
            dot(W_back, da_dy_next, out=dh)
            np.multiply(dh_dc, k_dc, out=terms)
            np.add(term_dh, term_dc, out=dc)
            np.multiply(dh, k_o, out=da_o)
            np.multiply(dc_ifg, k_ifg, out=da_ifg)
        # Weight gradients, all steps at once: dW_z = Σ_t da_t z_tᵀ, dW_head = Σ_t dy_t [h_t, 1]ᵀ.
        nz = b.W_z.size
        da = np.ascontiguousarray(da_dy[:T, : 4 * H].transpose(1, 0, 2)).reshape(4 * H, T * B)
        z = np.ascontiguousarray(trace.z[:T].transpose(0, 2, 1)).reshape(T * B, I + H + 2)
        sum_of_products(da, z, self.packed[:nz].reshape(b.W_z.shape))
        dy = np.ascontiguousarray(da_dy[1:, 4 * H :].transpose(1, 0, 2)).reshape(A, T * B)
        h1 = np.ascontiguousarray(trace.z[1 : T + 1, I : I + H + 1].transpose(0, 2, 1)).reshape(T * B, H + 1)
        sum_of_products(dy, h1, self.packed[nz:].reshape(b.W_head.shape))
        return self.packed[b._unpack]

    def _step_factors(self, row: np.ndarray) -> None:
        """k_o, k_ifg, k_dc for every step from the rows (T, 6H, B) the forward pass left."""
        T, H, B = row.shape[0], self.brain.hidden_size, self.batch
        blocks = row_blocks(H)
        o, i, f, g = (row[:, blocks[k]] for k in ("o", "i", "f", "g"))
        tanh_c, sigmoids = row[:, blocks["tanh_c"]], row[:, blocks["sigmoids"]]
        dsig = np.subtract(1.0, sigmoids)
        np.multiply(dsig, sigmoids, out=dsig)  # σ' = σ(1 - σ) for o, i, f
        np.multiply(dsig[:, :H], tanh_c, out=self.k_o)
        np.multiply(dsig[:, H:].reshape(T, 2, H, B), row[:, blocks["g_c"]].reshape(T, 2, H, B),
                    out=self.k_ifg[:, :2])  # σ'(i) ⊙ g, σ'(f) ⊙ c_{t-1}
        k_g = self.k_ifg[:, 2]
        np.multiply(g, g, out=k_g)
        np.subtract(1.0, k_g, out=k_g)
        np.multiply(k_g, i, out=k_g)
        k_c = self.k_dc[:, :H]
        np.multiply(tanh_c, tanh_c, out=k_c)
        np.subtract(1.0, k_c, out=k_c)
        np.multiply(k_c, o, out=k_c)
        self.k_dc[: T - 1, H:] = f[1:]  # f_{t+1}; the last step has no next cell
        self.k_dc[T - 1, H:] = 0.0


# OpenBLAS splits a large matrix product over its threads (here: (128×38)·(38×n) stayed on one thread up to
# 778k multiply-adds and used two from 1.05M). On a machine with few free cores a threaded product ran 3-100×
# slower than one thread (a worker waits for a core), and the idle workers' spinning slowed the play step too; the
# browser build has no threads at all. So large products are cut into pieces that stay on one thread: a few
# more calls, never the stall.
SINGLE_THREAD_PRODUCT = 1 << 19


def fits_one_thread(a: np.ndarray, columns: int) -> bool:
    return a.shape[0] * a.shape[1] * columns <= SINGLE_THREAD_PRODUCT


def product(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """out = a @ b (a: M×K, b: K×N, out: M×N), in pieces of b's columns small enough for one BLAS thread."""
    M, K = a.shape
    cols = max(1, SINGLE_THREAD_PRODUCT // (M * K))
    if b.shape[1] <= cols:
        np.dot(a, b, out=out)
        return
    for k in range(0, b.shape[1], cols):
        np.matmul(a, b[:, k : k + cols], out=out[:, k : k + cols])


def sum_of_products(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """out = a @ b (a: M×N, b: N×K, both row-major), summed over column blocks of a small enough for one thread."""
    M, N = a.shape
    cols = max(1, SINGLE_THREAD_PRODUCT // (M * b.shape[1]))
    np.dot(a[:, :cols], b[:cols], out=out)
    if cols < N:
        piece = np.empty_like(out)
        for k in range(cols, N, cols):
            np.dot(a[:, k : k + cols], b[k : k + cols], out=piece)
            out += piece


# -- the LSTM as its equations: the reference the fused path is tested against ---------------------------------


@dataclass
class ReferenceRun:
    """Every quantity of a forward pass, by step t (dicts, as the equations index them; h[-1] = c[-1] = 0)."""

    x: dict[int, np.ndarray] = field(default_factory=dict)
    i: dict[int, np.ndarray] = field(default_factory=dict)
    f: dict[int, np.ndarray] = field(default_factory=dict)
    g: dict[int, np.ndarray] = field(default_factory=dict)
    o: dict[int, np.ndarray] = field(default_factory=dict)
    c: dict[int, np.ndarray] = field(default_factory=dict)
    h: dict[int, np.ndarray] = field(default_factory=dict)
    y: dict[int, np.ndarray] = field(default_factory=dict)


def reference_forward(params: dict[str, np.ndarray], xs: np.ndarray) -> ReferenceRun:
    """The LSTM of the module docstring over xs (T, B, I) from h = c = 0, written as its equations: PyTorch's
    layout and gate order, nothing fused or reordered, nothing kept for speed."""
    W_ih, W_hh = params["lstm.weight_ih_l0"], params["lstm.weight_hh_l0"]
    b_ih, b_hh = params["lstm.bias_ih_l0"], params["lstm.bias_hh_l0"]
    W_y, b_y = params["head.weight"], params["head.bias"]
    T, B, _ = xs.shape
    H = W_hh.shape[1]
    run = ReferenceRun()
    run.h[-1] = np.zeros((B, H), dtype=W_hh.dtype)
    run.c[-1] = np.zeros((B, H), dtype=W_hh.dtype)
    for t in range(T):
        x = xs[t]
        a = x @ W_ih.T + b_ih + run.h[t - 1] @ W_hh.T + b_hh
        a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
        i, f, g, o = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)
        c = f * run.c[t - 1] + i * g
        h = o * np.tanh(c)
        run.x[t], run.i[t], run.f[t], run.g[t], run.o[t], run.c[t], run.h[t] = x, i, f, g, o, c, h
        run.y[t] = h @ W_y.T + b_y
    return run


def reference_loss_and_gradient(
    params: dict[str, np.ndarray], xs: np.ndarray, labels: np.ndarray, mask: np.ndarray | None = None,
    best: np.ndarray | None = None, tie_weight: float = 0.0,
) -> tuple[float, dict[str, np.ndarray], ReferenceRun]:
    """L = Σ_t Σ_b w_tb · (−log p_t[b, label_tb]) / Σ w, p_t = softmax(y_t), with weights w = mask (all ones if
    None), and dL/d(every parameter) by backward through time, named like params; also the forward run.
    With sets of best moves S (labels (T, B, A) bool) the step's term is −log Σ_{a∈S} p_t[b, a] (an empty S:
    every move); with moves as labels and sets as `best`, −log Σ_{a∈S} p_t[b, a] − λ·log(p_t[b, label] /
    Σ_{a∈S} p_t[b, a]), λ = tie_weight (S holding the label)."""
    W_hh, W_y = params["lstm.weight_hh_l0"], params["head.weight"]
    run = reference_forward(params, xs)
    T, B = labels.shape[:2]
    w = np.ones((T, B)) if mask is None else mask.astype(np.float64)
    n = max(float(w.sum()), 1.0)
    rounds = np.arange(B)
    loss, dy = 0.0, {}
    for t in range(T):
        p = softmax(run.y[t])
        if best is not None:
            S = best[t] | ~best[t].any(axis=1, keepdims=True)
            S[rounds, labels[t]] = True
            p_S = (p * S).sum(axis=1)
            p_label = p[rounds, labels[t]]
            loss += float((w[t] * (-np.log(p_S) - tie_weight * np.log(p_label / p_S))).sum()) / n
            one_hot = np.zeros_like(p)
            one_hot[rounds, labels[t]] = 1.0
            q = p * S / p_S[:, None]  # P(a | S)
            dy[t] = (p - q + tie_weight * (q - one_hot)) * w[t][:, None] / n
            continue
        if labels.ndim == 3:
            S = labels[t] | ~labels[t].any(axis=1, keepdims=True)
            p_S = (p * S).sum(axis=1)
            loss += float((w[t] * -np.log(p_S)).sum()) / n
            dy[t] = (p - p * S / p_S[:, None]) * w[t][:, None] / n  # d(−log Σ_S p)/dy = p − p·[a∈S]/Σ_S p
            continue
        loss += float((w[t] * -np.log(p[rounds, labels[t]])).sum()) / n
        one_hot = np.zeros_like(p)
        one_hot[rounds, labels[t]] = 1.0
        dy[t] = (p - one_hot) * w[t][:, None] / n  # dL/dy_t
    grad = {name: np.zeros_like(value) for name, value in params.items()}
    dW_ih, dW_hh = grad["lstm.weight_ih_l0"], grad["lstm.weight_hh_l0"]
    db_ih, db_hh = grad["lstm.bias_ih_l0"], grad["lstm.bias_hh_l0"]
    dW_y, db_y = grad["head.weight"], grad["head.bias"]
    dh_next, dc_next = np.zeros_like(run.h[-1]), np.zeros_like(run.c[-1])
    for t in reversed(range(T)):
        i, f, g, o, c = run.i[t], run.f[t], run.g[t], run.o[t], run.c[t]
        dW_y += dy[t].T @ run.h[t]
        db_y += dy[t].sum(axis=0)
        dh = dy[t] @ W_y + dh_next
        dc = dh * o * (1 - np.tanh(c) ** 2) + dc_next
        do, di, df, dg = dh * np.tanh(c), dc * g, dc * run.c[t - 1], dc * i
        da = np.concatenate([di * i * (1 - i), df * f * (1 - f), dg * (1 - g**2), do * o * (1 - o)], axis=1)
        dW_ih += da.T @ run.x[t]
        dW_hh += da.T @ run.h[t - 1]
        db_ih += da.sum(axis=0)
        db_hh += da.sum(axis=0)
        dh_next, dc_next = da @ W_hh, dc * f
    return loss, grad, run


# -- a memoryless network: the baseline that shows what memory is worth ----------------------------------------


@register
class MLPBrain(Brain):
    """A feed-forward net on the current input only, for comparison with the LSTM: h_t = tanh(W x_t + b),
    y_t = W_y h_t + b_y (logits of the moves). It remembers nothing from one move to the next."""

    arch = "mlp"
    label = "memoryless net"
    memory_title = "The net's hidden layer (it has no memory)"

    def __init__(self, hidden_size: int = 32, input_size: int | None = None, n_actions: int | None = None,
                 seed: int | None = None, dtype: type = np.float32, *, features: Sequence[str] | None = None,
                 actions: Sequence[str] | None = None, role: str = "mouse") -> None:
        self.hidden_size = int(hidden_size)
        self._set_io(features, actions, role, input_size, n_actions)
        self._allocate(dtype)
        self.W, self.b = self.params["mlp.weight"], self.params["mlp.bias"]
        self.W_y, self.b_y = self.params["head.weight"], self.params["head.bias"]
        rng = np.random.default_rng(seed)
        for key, value in self.params.items():  # PyTorch's Linear default, U(±1/√fan_in)
            value[...] = rng.uniform(-1, 1, size=value.shape) / np.sqrt(self.W.shape[1] if key.startswith("mlp")
                                                                        else self.hidden_size)
        self.reset_state()

    @classmethod
    def array_shapes(cls, hidden: int, inputs: int = 4, actions: int = 4) -> dict[str, tuple[int, ...]]:
        return {"mlp.weight": (hidden, inputs), "mlp.bias": (hidden,), "head.weight": (actions, hidden),
                "head.bias": (actions,)}

    def changed(self) -> None:
        pass  # play reads the parameter views directly

    def copy(self) -> MLPBrain:
        other = type(self)(self.hidden_size, dtype=self.dtype, features=self.features, actions=self.actions,
                           role=self.role, **self.shape())
        other.theta[:] = self.theta
        other.meta = dict(self.meta)
        other.probe = self.copied_probe()
        return other

    def optimizer(self, lr: float = 1e-2, clip: float | None = 1.0) -> Adam:
        return Adam(self.theta.size, lr=lr, clip=clip, dtype=self.dtype)

    def forward_step(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x (B, I) -> h (B, H), logits (B, A)."""
        h = np.tanh(x @ self.W.T + self.b)
        return h, h @ self.W_y.T + self.b_y

    def reset_state(self) -> None:
        self.h = np.zeros(self.hidden_size, dtype=self.dtype)
        self.logits = np.zeros(self.n_actions, dtype=self.dtype)

    def step(self, x: np.ndarray) -> int:
        h, y = self.forward_step(np.asarray(x, dtype=self.dtype).reshape(1, -1))
        self.h, self.logits = h[0], y[0]
        return int(self.logits.argmax())

    def probabilities(self) -> np.ndarray:
        return softmax(self.logits.astype(np.float64))

    def memory(self) -> tuple[tuple[str, np.ndarray, str], ...]:
        return (("h", np.asarray(self.h, dtype=np.float64), "this move's hidden layer (nothing kept)"),)

    def step_values(self) -> tuple[np.ndarray, ...]:
        return np.asarray(self.h), self.probabilities()

    def pre_activation_bounds(self) -> dict[str, float]:
        p = self._absolute()
        return {"hidden layer": (p["mlp.weight"].sum(1) + p["mlp.bias"]).max(),
                "head": (p["head.weight"].sum(1) + p["head.bias"]).max()}

    def start(self, batch: int, steps: int) -> MLPTrace:
        return MLPTrace(self, batch, steps)

    def forward(self, xs: np.ndarray) -> tuple[np.ndarray, MLPTrace]:
        trace = self.start(xs.shape[1], xs.shape[0])
        for x in xs:
            trace.step(x)
        return trace.logits(), trace

    def backward(self, trace: MLPTrace, dlogits: np.ndarray) -> np.ndarray:
        """dL/dθ from dL/dlogits (T, B, A): no time in it, every step is its own example."""
        T = trace.t
        x = trace.x[:T].reshape(-1, self.W.shape[1]).astype(self.dtype)  # what the layer saw: x_t, or u_t
        h = trace.hs[:T].reshape(-1, self.hidden_size)
        dy = dlogits.reshape(-1, self.n_actions)
        grad = np.empty_like(self.theta)
        g = self._views(grad)
        g["head.weight"][...] = dy.T @ h
        g["head.bias"][...] = dy.sum(axis=0)
        da = (dy @ self.W_y) * (1.0 - h * h)
        g["mlp.weight"][...] = da.T @ x
        g["mlp.bias"][...] = da.sum(axis=0)
        return grad

    def loss_and_gradient(self, xs: np.ndarray, labels: np.ndarray, mask: np.ndarray | None = None,
                          best: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        logits, trace = self.forward(xs)
        return imitation_loss(self, logits, trace, labels, mask, best)


class MLPTrace:
    """A batched run of the memoryless net: inputs and hidden layers (steps, B, ·), rows of rounds that stopped
    left at zero (so their gradient is zero)."""

    def __init__(self, brain: MLPBrain, batch: int, steps: int) -> None:
        self.brain, self.batch, self.steps, self.t = brain, batch, steps, 0
        self.x = np.zeros((steps, batch, brain.input_size), dtype=brain.dtype)
        self.hs = np.zeros((steps, batch, brain.hidden_size), dtype=brain.dtype)
        self.ys = np.zeros((steps, batch, brain.n_actions), dtype=brain.dtype)

    def step(self, x: np.ndarray, live: np.ndarray | None = None) -> np.ndarray:
        rows = slice(None) if live is None else live
        h, y = self.brain.forward_step(np.asarray(x, dtype=self.brain.dtype))
        self.x[self.t, rows], self.hs[self.t, rows], self.ys[self.t, rows] = x, h, y
        self.t += 1
        return y

    def moves(self, x: np.ndarray, live: np.ndarray | None = None) -> np.ndarray:
        return np.argmax(self.step(x, live), axis=1).astype(np.int32)

    def logits(self) -> np.ndarray:
        return self.ys[: self.t]

    def loss_and_gradient(self, labels: np.ndarray, mask: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        return imitation_loss(self.brain, self.logits(), self, labels, mask)


# -- a windowed network: the memoryless net given the round's last k inputs -------------------------------------

MAX_WINDOW = 32  # moves; a round is at most a few dozen, and every move of the window is I more inputs


def check_window(window: object) -> int:
    """k as a window's length in moves, or ValueError in one line naming the value."""
    if type(window) is not int or not 1 <= window <= MAX_WINDOW:
        raise ValueError(f"window {window!r} is not a whole number of moves from 1 to {MAX_WINDOW}")
    return window


@register
class WindowBrain(MLPBrain):
    """The memoryless net given the round's last k inputs, newest first (x_s = 0 before the round's first move):

        u_t = [x_t, x_{t-1}, …, x_{t-k+1}]      h_t = tanh(W u_t + b)      y_t = W_y h_t + b_y

    the baseline sequence models are judged against. It remembers exactly its window and nothing else; with
    k = 1 it is the memoryless net (W's first I columns act on x_t). Its file records k as meta `window`."""

    arch = "window"
    label = "windowed net"
    memory_title = "The net's hidden layer and its window"
    shape_fields = ("window",)

    def __init__(self, hidden_size: int = 32, input_size: int | None = None, n_actions: int | None = None,
                 seed: int | None = None, dtype: type = np.float32, *, features: Sequence[str] | None = None,
                 actions: Sequence[str] | None = None, role: str = "mouse", window: int = 1) -> None:
        self.window = check_window(window)
        super().__init__(hidden_size, input_size, n_actions, seed, dtype, features=features, actions=actions,
                         role=role)

    @classmethod
    def array_shapes(cls, hidden: int, inputs: int = 4, actions: int = 4, window: int = 1
                     ) -> dict[str, tuple[int, ...]]:
        return super().array_shapes(hidden, check_window(window) * inputs, actions)

    def reset_state(self) -> None:
        super().reset_state()
        self.u = np.zeros(self.window * self.input_size, dtype=self.dtype)

    def step(self, x: np.ndarray) -> int:
        I = self.input_size
        self.u[I:] = self.u[:-I].copy()  # the window moves on by one input: the oldest drops out
        self.u[:I] = np.asarray(x, dtype=self.dtype).reshape(-1)
        h, y = self.forward_step(self.u.reshape(1, -1))
        self.h, self.logits = h[0], y[0]
        return int(self.logits.argmax())

    def memory(self) -> tuple[tuple[str, np.ndarray, str], ...]:
        return (*super().memory(), ("u", self.u.astype(np.float64), f"its window: the last {self.window} inputs"))

    def step_values(self) -> tuple[np.ndarray, ...]:
        return np.asarray(self.u), *super().step_values()

    def start(self, batch: int, steps: int) -> WindowTrace:
        return WindowTrace(self, batch, steps)


class WindowTrace(MLPTrace):
    """A batched run of the windowed net: each step's inputs x_t (steps, B, I) and the windows u_t built from them
    (steps, B, k·I, in `x`, which backward reads), hidden layers and logits."""

    def __init__(self, brain: WindowBrain, batch: int, steps: int) -> None:
        super().__init__(brain, batch, steps)
        self.seen = self.x
        self.x = np.zeros((steps, batch, brain.window * brain.input_size), dtype=brain.dtype)

    def step(self, x: np.ndarray, live: np.ndarray | None = None) -> np.ndarray:
        rows, t, I = slice(None) if live is None else live, self.t, self.brain.input_size
        self.seen[t, rows] = x
        for back in range(min(self.brain.window, t + 1)):  # earlier than the round's first move stays 0
            self.x[t, rows, back * I : (back + 1) * I] = self.seen[t - back, rows]
        h, y = self.brain.forward_step(self.x[t, rows])
        self.hs[t, rows], self.ys[t, rows] = h, y
        self.t += 1
        return y


# -- learning rules ------------------------------------------------------------------------------------------


class Adam:
    """Adam on one flat parameter vector, with global-norm gradient clipping."""

    fixed_rate = False  # lr may be set between steps

    def __init__(self, size: int, lr: float = 1e-2, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, clip: float | None = 1.0, dtype: type = np.float32) -> None:
        self.lr, self.beta1, self.beta2, self.eps, self.clip = lr, betas[0], betas[1], eps, clip
        self.m = np.zeros(size, dtype=dtype)
        self.v = np.zeros(size, dtype=dtype)
        self._work = np.zeros(size, dtype=dtype)
        self.t = 0

    def step(self, theta: np.ndarray, grad: np.ndarray) -> float:
        """Update theta in place; returns the gradient's global norm before clipping."""
        norm = float(np.sqrt(np.dot(grad, grad)))
        scale = self.clip / norm if self.clip is not None and norm > self.clip else 1.0  # the clipped g = scale·grad
        work = self._work
        self.t += 1
        # m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²   (ufuncs with out=: cheaper than *= on small arrays)
        m, v = self.m, self.v
        np.multiply(grad, (1.0 - self.beta1) * scale, out=work)
        np.multiply(m, self.beta1, out=m)
        np.add(m, work, out=m)
        np.multiply(grad, grad, out=work)
        np.multiply(work, (1.0 - self.beta2) * scale * scale, out=work)
        np.multiply(v, self.beta2, out=v)
        np.add(v, work, out=v)
        # θ -= lr · √(1-β2^t)/(1-β1^t) · m / (√v + ε)
        step = self.lr * np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)
        np.sqrt(v, out=work)
        np.add(work, self.eps, out=work)
        np.divide(m, work, out=work)
        np.multiply(work, step, out=work)
        np.subtract(theta, work, out=theta)
        return norm

    def state(self) -> tuple[np.ndarray, np.ndarray, int]:
        return self.m.copy(), self.v.copy(), self.t

    def restore(self, state: tuple[np.ndarray, np.ndarray, int]) -> None:
        self.m[:], self.v[:], self.t = state[0], state[1], state[2]

    def finite(self) -> bool:
        """Its moments are usable: a NaN or infinity in them would spoil every step after."""
        return bool(np.isfinite(self.m).all() and np.isfinite(self.v).all())


class SGD:
    """Plain gradient descent, θ −= lr · g: the post's rule (no clipping, nothing remembered between steps)."""

    fixed_rate = True  # the post's rate is part of its rule: a learner leaves lr as it is

    def __init__(self, rate: float) -> None:
        self.lr = rate

    def step(self, theta: np.ndarray, grad: np.ndarray) -> float:
        """Update theta in place; returns the gradient's global norm."""
        theta -= self.lr * grad
        return float(np.sqrt(np.dot(grad, grad)))

    def state(self) -> tuple[()]:
        return ()

    def restore(self, state: tuple[()]) -> None:
        pass

    def finite(self) -> bool:
        return True


# -- the post's network ------------------------------------------------------------------------------------------

# The post reads its one output in [0, 1] as a move by quarters: [0, .25) Up, [.25, .5) Right, [.5, .75) Down,
# else Left; a teacher's move is taught as its quarter's midpoint.
POST_QUARTERS = np.array([0.25, 0.5, 0.75])
POST_DIRECTIONS = np.array([0.125, 0.375, 0.625, 0.875], dtype=np.float64)


def post_move(output: np.ndarray | float) -> np.ndarray:
    """The post's direction scalar(s) read by quarters, as move indices (int32, the shape of output)."""
    return np.searchsorted(POST_QUARTERS, np.asarray(output, dtype=np.float64), side="right").astype(np.int32)


def nearest_in_set(output: np.ndarray, best: np.ndarray) -> np.ndarray:
    """(B,) moves: of each set of best moves (B, 4) bool (empty: every move), the one whose direction
    (POST_DIRECTIONS) is nearest the output (B,)."""
    best = best | ~best.any(axis=1, keepdims=True)
    gap = np.where(best, np.abs(POST_DIRECTIONS[None, :] - output[:, None]), np.inf)
    return np.argmin(gap, axis=1)


def post_sigmoid(x: np.ndarray) -> np.ndarray:
    # The post's own formula, kept as written so its runs reproduce to the last bit; exp overflowing to inf for a
    # large negative x gives exactly 0, which is the sigmoid's value there, so the warning says nothing.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


@register
class PostBrain(Brain):
    """The post's network: one sigmoid hidden layer with a recurrent matrix and one sigmoid output, the
    direction as a scalar in [0, 1]; uniform init in [-1, 1] and plain SGD (rate 0.1) after every game."""

    arch = "post_rnn"
    aliases = ("post",)
    label = "post's RNN"
    memory_title = "The network's memory (hidden layer)"
    update_rounds = 1  # the post learns from one game at a time

    def __init__(self, hidden_size: int = 16, input_size: int | None = None, rng=None, alpha: float = 0.1, *,
                 features: Sequence[str] | None = None, actions: Sequence[str] | None = None,
                 role: str = "mouse") -> None:
        self._make(hidden_size, alpha, features, actions, role, input_size)
        rng = np.random.default_rng() if rng is None else rng
        H, I = self.hidden_size, self.input_size
        # Drawn in the post's order: S0, S1, then Sh.
        self.synapse_0[...] = 2 * rng.random((I, H)) - 1
        self.synapse_1[...] = 2 * rng.random((H, 1)) - 1
        self.synapse_h[...] = 2 * rng.random((H, H)) - 1
        self.reset_state()

    def _make(self, hidden_size: int, alpha: float, features: Sequence[str] | None, actions: Sequence[str] | None,
              role: str, input_size: int | None = None) -> None:
        self.hidden_size, self.alpha = int(hidden_size), alpha
        self._set_io(features, actions, role, input_size, None)
        if self.n_actions != len(POST_DIRECTIONS):
            raise ValueError(f"the post's network reads its output by quarters: 4 moves, not {self.n_actions}")
        self._allocate(np.float64)
        self.synapse_0, self.synapse_h, self.synapse_1 = (self.params[k] for k in ("synapse_0", "synapse_h",
                                                                                    "synapse_1"))

    @classmethod
    def array_shapes(cls, hidden: int, inputs: int = 4, actions: int = 4) -> dict[str, tuple[int, ...]]:
        return {"synapse_0": (inputs, hidden), "synapse_h": (hidden, hidden), "synapse_1": (hidden, 1)}

    def changed(self) -> None:
        """Nothing to gather: play reads the synapses themselves (and the round in progress is kept, as the
        LSTM keeps it)."""

    def copy(self) -> PostBrain:
        other = PostBrain.__new__(PostBrain)
        other._make(self.hidden_size, self.alpha, self.features, self.actions, self.role)
        other.theta[:] = self.theta
        other.meta = dict(self.meta)
        other.probe = self.copied_probe()
        other.reset_state()
        return other

    def optimizer(self, lr: float = 1e-2, clip: float | None = 1.0) -> SGD:
        """The post's plain SGD at its own rate alpha; lr and clip do not apply (the post has neither)."""
        return SGD(self.alpha)

    # -- play ----------------------------------------------------------------------------------------------

    def reset_state(self) -> None:
        self.h = np.zeros((1, self.hidden_size))
        self.output = 0.0
        self.logits = np.zeros(4)

    def forward_step(self, x: np.ndarray, h_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One step for a batch: x (B, I), h_prev (B, H) -> h (B, H), y (B, 1)."""
        h = post_sigmoid(np.dot(x, self.synapse_0) + np.dot(h_prev, self.synapse_h))
        return h, post_sigmoid(np.dot(h, self.synapse_1))

    def step(self, x: np.ndarray) -> int:
        """Advance one state and return the move the scalar output falls on."""
        self.h, y = self.forward_step(np.asarray(x, dtype=np.float64).reshape(1, -1), self.h)
        self.output = float(y[0, 0])
        # Closeness to each quarter's midpoint stands in for the four moves' scores on the HUD.
        self.logits = -np.abs(self.output - POST_DIRECTIONS) * 8.0
        return int(post_move(self.output))

    def probabilities(self) -> np.ndarray:
        return softmax(self.logits)

    def memory(self) -> tuple[tuple[str, np.ndarray, str], ...]:
        h = np.asarray(self.h, dtype=np.float64).reshape(-1)
        return (("h", 2.0 * h - 1.0, "hidden σ, 0..1"),)  # h is a sigmoid in (0, 1): 0.5 reads as "nothing"

    def readout(self) -> str:
        return f"output {self.output:.3f}, read by quarters"

    def step_values(self) -> tuple[np.ndarray, ...]:
        return np.asarray(self.h), self.probabilities(), np.asarray(self.output, dtype=np.float64)

    def pre_activation_bounds(self) -> dict[str, float]:
        p = self._absolute()
        return {"hidden layer": (p["synapse_0"].sum(0) + p["synapse_h"].sum(0)).max(),
                "output": p["synapse_1"].sum(0).max()}

    # -- learning ------------------------------------------------------------------------------------------

    def start(self, batch: int, steps: int) -> PostTrace:
        return PostTrace(self, batch, steps)

    def forward(self, xs: np.ndarray) -> tuple[np.ndarray, PostTrace]:
        """Whole sequences xs (T, B, I) from the zero state; outputs y (T, B, 1) and the trace."""
        trace = PostTrace(self, xs.shape[1], xs.shape[0])
        return np.stack([trace.step(x) for x in xs]), trace

    def loss_and_gradient(
        self, xs: np.ndarray, labels: np.ndarray, mask: np.ndarray | None = None, best: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """The post's loss ½ Σ (target − y)² over the steps in `mask` (targets: the teacher's quarters'
        midpoints; a sum, not a mean, as the post's update), and its gradient over theta. With `best`, the sets
        of equally good moves, a step's target is the set's direction nearest the output (PostTrace)."""
        return self.forward(xs)[1].loss_and_gradient(labels if best is None else best, mask)

    def learn_from_game(self, xs: list[np.ndarray], hs: list[np.ndarray], ys: list[np.ndarray],
                        targets: list[np.ndarray]) -> None:
        """The post's update after one game (or B games summed): back-propagation through time of
        ½Σ(target - y)², then S += α · update. hs[0] is the zero state; lists hold one (B, ·) array a step."""
        update_0, update_h, update_1 = self.updates(xs, hs, ys, targets)
        self.synapse_0 += update_0 * self.alpha
        self.synapse_1 += update_1 * self.alpha
        self.synapse_h += update_h * self.alpha

    def updates(self, xs: list[np.ndarray], hs: list[np.ndarray], ys: list[np.ndarray], targets: list[np.ndarray],
                weights: list[np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The post's back-propagation through time: minus the gradient of ½Σ w (target − y)² for S0, Sh, S1."""
        future_delta_1 = np.zeros(self.hidden_size)
        update_0 = np.zeros_like(self.synapse_0)
        update_1 = np.zeros_like(self.synapse_1)
        update_h = np.zeros_like(self.synapse_h)
        T = len(xs)
        for k in range(T):
            t = T - 1 - k
            x, h, h_prev = xs[t], hs[t + 1], hs[t]
            error = targets[t] - ys[t] if weights is None else (targets[t] - ys[t]) * weights[t]
            delta_2 = error * (ys[t] * (1 - ys[t]))
            delta_1 = (future_delta_1.dot(self.synapse_h.T) + delta_2.dot(self.synapse_1.T)) * (h * (1 - h))
            update_1 += np.atleast_2d(h).T.dot(delta_2)
            update_h += np.atleast_2d(h_prev).T.dot(delta_1)
            update_0 += x.T.dot(delta_1)
            future_delta_1 = delta_1
        return update_0, update_h, update_1


class PostTrace:
    """A batched run of the post's network: xs, hs (hs[0] the zero state) and ys, one (B, ·) array a step."""

    def __init__(self, brain: PostBrain, batch: int, steps: int) -> None:
        self.brain, self.batch, self.steps = brain, batch, steps
        self.xs: list[np.ndarray] = []
        self.hs: list[np.ndarray] = [np.zeros((batch, brain.hidden_size))]
        self.ys: list[np.ndarray] = []

    @property
    def t(self) -> int:
        return len(self.xs)

    def step(self, x: np.ndarray) -> np.ndarray:
        """One batched step from inputs x (B, I); returns the outputs y (B, 1)."""
        self.xs.append(np.asarray(x, dtype=np.float64))
        h, y = self.brain.forward_step(self.xs[-1], self.hs[-1])
        self.hs.append(h)
        self.ys.append(y)
        return y

    def moves(self, x: np.ndarray, live: np.ndarray | None = None) -> np.ndarray:
        """One batched step; with `live`, x holds those rounds' inputs only and the others step on zeros (their
        steps are masked out of learning), so the arrays keep the whole batch."""
        if live is None:
            return post_move(self.step(x)[:, 0])
        full = np.zeros((self.batch, x.shape[1]), dtype=np.float64)
        full[live] = x
        return post_move(self.step(full)[live, 0])

    def loss_and_gradient(self, labels: np.ndarray, mask: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """½ Σ w (target − y)² over the steps taken (w = mask, or 1), and its gradient over theta. With sets of
        equally good moves (labels (T, B, A) bool) a step's target is the set's direction nearest its output (the
        least squared error over the set), so the net is never pulled from one good move to another."""
        T = self.t
        if labels.ndim == 3:
            labels = np.stack([nearest_in_set(self.ys[t][:, 0], labels[t]) for t in range(T)])
        targets = [POST_DIRECTIONS[labels[t]][:, None] for t in range(T)]
        weights = None if mask is None else [np.asarray(mask[t], dtype=np.float64)[:, None] for t in range(T)]
        loss = 0.0
        for t in range(T):
            error = targets[t] - self.ys[t]
            loss += 0.5 * float((error**2 if weights is None else weights[t] * error**2).sum())
        grad = np.empty_like(self.brain.theta)
        for name, update in zip(("synapse_0", "synapse_h", "synapse_1"),
                                self.brain.updates(self.xs, self.hs, self.ys, targets, weights), strict=True):
            np.negative(update, out=self.brain._views(grad)[name])
        return loss, grad
