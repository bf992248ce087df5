"""The mouse's brains in NumPy: an LSTM that picks one of four moves, and the post's recurrent network.

LSTM, in PyTorch's layout and gate order (input i, forget f, cell g, output o), per step t:

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh        (4H pre-activations: i, f, g, o)
    i_t = σ(a_i)   f_t = σ(a_f)   g_t = tanh(a_g)   o_t = σ(a_o)
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)
    y_t = W_y h_t + b_y                               (logits of Up, Right, Down, Left)

The post's network ("post_rnn"): h_t = σ(x_t S0 + h_{t-1} Sh), y_t = σ(h_t S1), one scalar read by quarters.
This module imports no pygame.
"""

from __future__ import annotations

import numpy as np

ACTIONS = ("Up", "Right", "Down", "Left")
FEATURES = ("cat_x", "cat_y", "mouse_x", "mouse_y")


def sigmoid(a: np.ndarray) -> np.ndarray:
    # σ(a) = (1 + tanh(a/2)) / 2: the same function, with no overflow for large |a|.
    return 0.5 * np.tanh(0.5 * a) + 0.5


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class LSTMBrain:
    """A one-layer LSTM with a linear head over the four moves. All parameters live in one flat vector
    `theta` (so Adam and clipping are a few whole-array operations); the named arrays are views into it."""

    arch = "lstm"

    def __init__(
        self,
        hidden_size: int = 32,
        input_size: int = 4,
        n_actions: int = 4,
        seed: int | None = None,
        dtype: type = np.float32,
    ) -> None:
        H, I, A = int(hidden_size), int(input_size), int(n_actions)
        self.hidden_size, self.input_size, self.n_actions = H, I, A
        self.dtype = np.dtype(dtype)
        self.layout = (
            ("lstm.weight_ih_l0", (4 * H, I)),
            ("lstm.weight_hh_l0", (4 * H, H)),
            ("lstm.bias_ih_l0", (4 * H,)),
            ("lstm.bias_hh_l0", (4 * H,)),
            ("head.weight", (A, H)),
            ("head.bias", (A,)),
        )
        self.theta = np.zeros(sum(int(np.prod(s)) for _, s in self.layout), dtype=self.dtype)
        self.params: dict[str, np.ndarray] = {}
        start = 0
        for name, shape in self.layout:
            size = int(np.prod(shape))
            self.params[name] = self.theta[start : start + size].reshape(shape)
            start += size
        p = self.params
        self.W_ih, self.W_hh = p["lstm.weight_ih_l0"], p["lstm.weight_hh_l0"]
        self.b_ih, self.b_hh = p["lstm.bias_ih_l0"], p["lstm.bias_hh_l0"]
        self.W_y, self.b_y = p["head.weight"], p["head.bias"]
        self.initialize(seed)

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
        """Call after writing to `theta`: the play step keeps a fused copy of the weights."""
        H = self.hidden_size
        # Rows reordered i, f, o, g so the three sigmoid gates are contiguous; their rows are halved so one
        # tanh serves all four gates (σ(a) = (1 + tanh(a/2)) / 2). Columns: x, h, then the summed biases.
        order = np.r_[0 : 2 * H, 3 * H : 4 * H, 2 * H : 3 * H]
        fused = np.concatenate(
            [self.W_ih, self.W_hh, (self.b_ih + self.b_hh)[:, None]], axis=1
        )[order].astype(self.dtype)
        fused[: 3 * H] *= 0.5
        self._fused = np.ascontiguousarray(fused)
        self._head = np.ascontiguousarray(np.concatenate([self.W_y, self.b_y[:, None]], axis=1))
        # Training-path constants: the same halving trick over the torch gate order.
        half = np.full(4 * H, 0.5, dtype=self.dtype)
        half[2 * H : 3 * H] = 1.0
        self._gate_scale = half
        self._gate_shift = np.where(half == 0.5, 0.5, 0.0).astype(self.dtype)
        self._bias = (self.b_ih + self.b_hh).astype(self.dtype)
        if not hasattr(self, "_z"):
            self.reset_state()

    def copy(self) -> LSTMBrain:
        other = LSTMBrain(self.hidden_size, self.input_size, self.n_actions, dtype=self.dtype)
        other.theta[:] = self.theta
        other.changed()
        return other

    # -- play: one stateful step, batch 1 ---------------------------------------------------------------

    def reset_state(self) -> None:
        """Forget the round: h = c = 0."""
        H, I = self.hidden_size, self.input_size
        self._z = np.zeros(I + H + 1, dtype=self.dtype)  # [x, h, 1]
        self._z[-1] = 1.0
        self.h = self._z[I : I + H]
        self.c = np.zeros(H, dtype=self.dtype)
        self._gates = np.zeros(4 * H, dtype=self.dtype)
        self._ig = np.zeros(H, dtype=self.dtype)
        self._tanh_c = np.zeros(H, dtype=self.dtype)
        self.logits = np.zeros(self.n_actions, dtype=self.dtype)

    def step(self, x: np.ndarray) -> int:
        """Advance the memory by one state and return the chosen move (the most likely of four)."""
        H, I = self.hidden_size, self.input_size
        z, gates = self._z, self._gates
        z[:I] = x
        np.dot(self._fused, z, out=gates)
        np.tanh(gates, out=gates)
        sig = gates[: 3 * H]
        sig *= 0.5
        sig += 0.5
        self.c *= gates[H : 2 * H]  # f ⊙ c
        np.multiply(gates[:H], gates[3 * H :], out=self._ig)  # i ⊙ g
        self.c += self._ig
        np.tanh(self.c, out=self._tanh_c)
        np.multiply(gates[2 * H : 3 * H], self._tanh_c, out=self.h)  # o ⊙ tanh(c)
        np.dot(self._head, z[I:], out=self.logits)
        return int(self.logits.argmax())

    def probabilities(self) -> np.ndarray:
        """The four moves' probabilities after the last step."""
        return softmax(self.logits.astype(np.float64))

    # -- training: batched sequences, backward through time ---------------------------------------------

    def start(self, batch: int, steps: int) -> Trace:
        """An empty record of up to `steps` batched steps, to be filled by Trace.step and differentiated."""
        return Trace(self, batch, steps)

    def forward(self, xs: np.ndarray) -> tuple[np.ndarray, Trace]:
        """Run whole sequences xs (T, B, I) from a zero state; logits (T, B, A) and the trace for backward."""
        T, B, _ = xs.shape
        trace = Trace(self, B, T)
        trace.x[:] = xs
        projected = xs @ self.W_ih.T
        projected += self._bias
        for t in range(T):
            trace.cell(projected[t])
        logits = trace.h[1 : T + 1] @ self.W_y.T
        logits += self.b_y
        return logits, trace

    def backward(self, trace: Trace, dlogits: np.ndarray) -> np.ndarray:
        """Gradient of the loss with respect to `theta`, given dL/dlogits (T, B, A) for the trace's T steps."""
        H, I = self.hidden_size, self.input_size
        T, B = trace.t, trace.batch
        x, h, c, act, tanh_c = trace.x[:T], trace.h[: T + 1], trace.c[: T + 1], trace.act[:T], trace.tanh_c[:T]
        i, f, g, o = act[..., :H], act[..., H : 2 * H], act[..., 2 * H : 3 * H], act[..., 3 * H :]
        # Local derivatives, all steps at once: dc = dc_next + dh ⊙ o ⊙ (1 - tanh²c); da_i = dc ⊙ g ⊙ σ'(a_i),
        # da_f = dc ⊙ c_{t-1} ⊙ σ'(a_f), da_g = dc ⊙ i ⊙ tanh'(a_g); da_o = dh ⊙ tanh(c) ⊙ σ'(a_o).
        k_c = o * (1.0 - tanh_c * tanh_c)
        k = np.empty((T, B, 4, H), dtype=self.dtype)
        k[:, :, 0] = g * i * (1.0 - i)
        k[:, :, 1] = c[:T] * f * (1.0 - f)
        k[:, :, 2] = i * (1.0 - g * g)
        k[:, :, 3] = tanh_c * o * (1.0 - o)
        dh_head = dlogits @ self.W_y  # (T, B, H)
        da = np.empty((T, B, 4, H), dtype=self.dtype)
        dh_next = np.zeros((B, H), dtype=self.dtype)
        dc_next = np.zeros((B, H), dtype=self.dtype)
        W_hh = self.W_hh
        for t in range(T - 1, -1, -1):
            dh = dh_head[t] + dh_next
            dc = dh * k_c[t]
            dc += dc_next
            np.multiply(dc[:, None, :], k[t, :, :3], out=da[t, :, :3])
            np.multiply(dh, k[t, :, 3], out=da[t, :, 3])
            dh_next = da[t].reshape(B, 4 * H) @ W_hh
            dc_next = dc * f[t]
        da2 = da.reshape(T * B, 4 * H)
        grad = np.empty_like(self.theta)
        views = self._views(grad)
        np.matmul(da2.T, x.reshape(T * B, I), out=views["lstm.weight_ih_l0"])
        np.matmul(da2.T, h[:T].reshape(T * B, H), out=views["lstm.weight_hh_l0"])
        views["lstm.bias_ih_l0"][:] = da2.sum(axis=0)
        views["lstm.bias_hh_l0"][:] = views["lstm.bias_ih_l0"]
        d2 = dlogits.reshape(T * B, self.n_actions)
        np.matmul(d2.T, h[1 : T + 1].reshape(T * B, H), out=views["head.weight"])
        views["head.bias"][:] = d2.sum(axis=0)
        return grad

    def _views(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        out, start = {}, 0
        for name, shape in self.layout:
            size = int(np.prod(shape))
            out[name] = flat[start : start + size].reshape(shape)
            start += size
        return out

    def loss_and_gradient(
        self, xs: np.ndarray, labels: np.ndarray, mask: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """Mean cross-entropy of the teacher's labels (T, B) over the steps in `mask`, and its gradient."""
        logits, trace = self.forward(xs)
        return imitation_loss(self, logits, trace, labels, mask)


def imitation_loss(
    brain: LSTMBrain, logits: np.ndarray, trace: Trace, labels: np.ndarray, mask: np.ndarray | None
) -> tuple[float, np.ndarray]:
    """Mean cross-entropy against the teacher's moves over masked steps, and dL/dtheta."""
    T, B, A = logits.shape
    weight = np.ones((T, B), dtype=brain.dtype) if mask is None else mask.astype(brain.dtype)
    count = max(float(weight.sum()), 1.0)
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    total = e.sum(axis=-1, keepdims=True)
    labels = labels.astype(np.int64)
    picked = np.take_along_axis(z, labels[..., None], axis=-1)[..., 0]
    loss = float(((np.log(total[..., 0]) - picked) * weight).sum() / count)
    dlogits = e / total
    np.put_along_axis(dlogits, labels[..., None], np.take_along_axis(dlogits, labels[..., None], -1) - 1.0, -1)
    dlogits *= (weight / count)[..., None]
    return loss, brain.backward(trace, dlogits.astype(brain.dtype))


class Trace:
    """What a batched forward pass keeps for backward through time: inputs, states and gate activations."""

    def __init__(self, brain: LSTMBrain, batch: int, steps: int) -> None:
        H, I, dt = brain.hidden_size, brain.input_size, brain.dtype
        self.brain, self.batch, self.steps, self.t = brain, batch, steps, 0
        self.x = np.zeros((steps, batch, I), dtype=dt)
        self.h = np.zeros((steps + 1, batch, H), dtype=dt)
        self.c = np.zeros((steps + 1, batch, H), dtype=dt)
        self.act = np.zeros((steps, batch, 4 * H), dtype=dt)
        self.tanh_c = np.zeros((steps, batch, H), dtype=dt)

    def logits(self) -> np.ndarray:
        """Logits (T, B, A) of every step taken so far."""
        b = self.brain
        out = self.h[1 : self.t + 1] @ b.W_y.T
        out += b.b_y
        return out

    def step(self, x: np.ndarray) -> np.ndarray:
        """One batched step from inputs x (B, I); returns logits (B, A)."""
        b = self.brain
        self.x[self.t] = x
        projected = x @ b.W_ih.T
        projected += b._bias
        h = self.cell(projected)
        logits = h @ b.W_y.T
        logits += b.b_y
        return logits

    def cell(self, projected: np.ndarray) -> np.ndarray:
        """The LSTM cell for step t, given W_ih x_t + b (B, 4H); returns h_t."""
        b, t, H = self.brain, self.t, self.brain.hidden_size
        a = self.act[t]
        np.matmul(self.h[t], b.W_hh.T, out=a)
        a += projected
        a *= b._gate_scale
        np.tanh(a, out=a)
        a *= b._gate_scale
        a += b._gate_shift
        c = self.c[t + 1]
        np.multiply(a[:, H : 2 * H], self.c[t], out=c)
        c += a[:, :H] * a[:, 2 * H : 3 * H]
        np.tanh(c, out=self.tanh_c[t])
        np.multiply(a[:, 3 * H :], self.tanh_c[t], out=self.h[t + 1])
        self.t = t + 1
        return self.h[t + 1]


class Adam:
    """Adam on one flat parameter vector, with global-norm gradient clipping."""

    def __init__(self, size: int, lr: float = 1e-2, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, clip: float | None = 1.0, dtype: type = np.float32) -> None:
        self.lr, self.beta1, self.beta2, self.eps, self.clip = lr, betas[0], betas[1], eps, clip
        self.m = np.zeros(size, dtype=dtype)
        self.v = np.zeros(size, dtype=dtype)
        self.t = 0

    def step(self, theta: np.ndarray, grad: np.ndarray) -> float:
        """Update theta in place; returns the gradient's global norm before clipping."""
        norm = float(np.sqrt(np.dot(grad, grad)))
        if self.clip is not None and norm > self.clip:
            grad = grad * (self.clip / norm)
        self.t += 1
        self.m *= self.beta1
        self.m += (1.0 - self.beta1) * grad
        self.v *= self.beta2
        self.v += (1.0 - self.beta2) * (grad * grad)
        step = self.lr * np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)
        theta -= step * self.m / (np.sqrt(self.v) + self.eps)
        return norm

    def state(self) -> tuple[np.ndarray, np.ndarray, int]:
        return self.m.copy(), self.v.copy(), self.t

    def restore(self, state: tuple[np.ndarray, np.ndarray, int]) -> None:
        self.m[:], self.v[:], self.t = state[0], state[1], state[2]


def post_sigmoid(x: np.ndarray) -> np.ndarray:
    # The post's own formula, kept as written so its runs reproduce to the last bit.
    return 1 / (1 + np.exp(-x))


class PostBrain:
    """The post's network: one sigmoid hidden layer with a recurrent matrix and one sigmoid output, the
    direction as a scalar in [0, 1]; uniform init in [-1, 1] and plain SGD (rate 0.1) after every game."""

    arch = "post_rnn"

    def __init__(self, hidden_size: int = 16, input_size: int = 4, rng=None, alpha: float = 0.1) -> None:
        H, I = int(hidden_size), int(input_size)
        self.hidden_size, self.input_size, self.alpha = H, I, alpha
        self.n_actions = 4
        rng = np.random.default_rng() if rng is None else rng
        # Drawn in the post's order: S0, S1, then Sh.
        self.synapse_0 = 2 * rng.random((I, H)) - 1
        self.synapse_1 = 2 * rng.random((H, 1)) - 1
        self.synapse_h = 2 * rng.random((H, H)) - 1
        self.params = {"synapse_0": self.synapse_0, "synapse_h": self.synapse_h, "synapse_1": self.synapse_1}
        self.reset_state()

    def changed(self) -> None:
        self.reset_state()

    def copy(self) -> PostBrain:
        other = PostBrain.__new__(PostBrain)
        other.hidden_size, other.input_size, other.alpha, other.n_actions = (
            self.hidden_size, self.input_size, self.alpha, 4)
        other.synapse_0, other.synapse_1, other.synapse_h = (
            self.synapse_0.copy(), self.synapse_1.copy(), self.synapse_h.copy())
        other.params = {"synapse_0": other.synapse_0, "synapse_h": other.synapse_h, "synapse_1": other.synapse_1}
        other.reset_state()
        return other

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
        self.logits = -np.abs(self.output - np.array([0.125, 0.375, 0.625, 0.875])) * 8.0
        return int(np.searchsorted(np.array([0.25, 0.5, 0.75]), self.output, side="right"))

    def probabilities(self) -> np.ndarray:
        return softmax(self.logits)

    def learn_from_game(self, xs: list[np.ndarray], hs: list[np.ndarray], ys: list[np.ndarray],
                        targets: list[np.ndarray]) -> None:
        """The post's update after one game (or B games summed): back-propagation through time of
        ½Σ(target - y)², then S += α · update. hs[0] is the zero state; lists hold one (B, ·) array a step."""
        future_delta_1 = np.zeros(self.hidden_size)
        update_0 = np.zeros_like(self.synapse_0)
        update_1 = np.zeros_like(self.synapse_1)
        update_h = np.zeros_like(self.synapse_h)
        T = len(xs)
        for k in range(T):
            t = T - 1 - k
            x, h, h_prev = xs[t], hs[t + 1], hs[t]
            delta_2 = (targets[t] - ys[t]) * (ys[t] * (1 - ys[t]))
            delta_1 = (future_delta_1.dot(self.synapse_h.T) + delta_2.dot(self.synapse_1.T)) * (h * (1 - h))
            update_1 += np.atleast_2d(h).T.dot(delta_2)
            update_h += np.atleast_2d(h_prev).T.dot(delta_1)
            update_0 += x.T.dot(delta_1)
            future_delta_1 = delta_1
        self.synapse_0 += update_0 * self.alpha
        self.synapse_1 += update_1 * self.alpha
        self.synapse_h += update_h * self.alpha


def post_move(output: np.ndarray) -> np.ndarray:
    """The post's direction scalar read by quarters, as move indices."""
    return np.searchsorted(np.array([0.25, 0.5, 0.75]), np.asarray(output), side="right").astype(np.int32)
