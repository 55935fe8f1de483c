"""Recurrent layers (Keras 3's semantics): RNN, the cells SimpleRNNCell / GRUCell / LSTMCell and their
layers SimpleRNN / GRU / LSTM, StackedRNNCells, and ConvLSTM2D.

The time loop is a Python loop over timesteps written with tensorweb ops, so gradients come from autodiff.
Built-in cells project the inputs of all timesteps with one mat_mul (one conv for ConvLSTM2D) before the
loop; each step then costs one recurrent mat_mul (two for GRU with reset_after=False).

Masks (from `call(..., mask=)`, e.g. Embedding(mask_zero=True)): at a masked timestep the states and the
output keep their previous values (the output before the first unmasked step is zeros), as Keras does.
Dropout / recurrent_dropout work in training with Keras' semantics: one mask per sequence (per gate when
recurrent_dropout > 0), drawn at the start of each call. `stateful=True` is not supported.

Deviation from Keras: with `return_state=True`, the states are returned as a flat list
`[output, *states]` even for StackedRNNCells (Keras nests each cell's states in a sub-list).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from .. import ops
from ..core.engine import ENGINE
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError, ShapeError
from . import activations, constraints, initializers, regularizers
from .base import Layer, _flatten
from .serialization import builtin, deserialize, serialize

__all__ = ["RNN", "SimpleRNNCell", "SimpleRNN", "GRUCell", "GRU", "LSTMCell", "LSTM", "StackedRNNCells",
           "ConvLSTM2D"]

# Arguments that Keras 2 / TF.js configs carry and that have no effect here.
_LEGACY_KEYS = ("implementation", "time_major", "input_length", "use_cudnn")


# ---------------------------------------------------------------------------------------------- helpers
def _build_child(parent: Layer, child: Layer, shape: Any) -> None:
    if not child.built:
        child._maybe_build(shape)


def _is_nested(x: Any) -> bool:
    return isinstance(x, (list, tuple))


def _shape_str(shape: Any) -> str:
    return str(list(shape)) if shape is not None else "None"


def _positive_int(value: Any, arg: str, who: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidArgumentError(f"{who}: {arg} must be a positive integer, got {value!r}")
    return value


def _rate(value: Any, arg: str, who: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{who}: {arg} must be a number in [0, 1], got {value!r}") from None
    return min(1.0, max(0.0, v))


def _legacy_pop(kwargs: dict) -> dict:
    for k in _LEGACY_KEYS:
        kwargs.pop(k, None)
    return kwargs


def _cols(x: Tensor, start: int, stop: int) -> Tensor:
    """x[..., start:stop] (last axis)."""
    begin = [0] * (x.rank - 1) + [start]
    size = [-1] * (x.rank - 1) + [stop - start]
    return ops.slice(x, begin, size)


def _cached(ctx: dict, key: str, make: Callable[[], Any]) -> Any:
    if key not in ctx:
        ctx[key] = make()
    return ctx[key]


def _forget_bias_initializer(base: Any, units: int) -> Callable:
    """LSTM's unit_forget_bias: [base(units), ones(units), base(2 * units)]."""
    def init(shape: Any, dtype: str | None = "float32") -> Tensor:
        def make() -> Tensor:
            return ops.concat([base((units,), dtype or "float32"), ops.ones((units,), dtype or "float32"),
                               base((2 * units,), dtype or "float32")], 0)
        return ENGINE.tidy(make)
    return init


def _matmul_last(x: Tensor, w: Tensor) -> Tensor:
    """Contracts the last axis of x (any rank >= 2) with the matrix w."""
    if x.rank == 2:
        return ops.mat_mul(x, w)
    flat = ops.mat_mul(ops.reshape(x, [-1, x.shape[-1]]), w)
    return ops.reshape(flat, [*x.shape[:-1], w.shape[-1]])


def _over_time(mask: Tensor, x: Tensor) -> Tensor:
    """A per-sequence mask (B, ...) applied to x of shape (B, T, ...) or (B, ...)."""
    return ops.mul(x, ops.expand_dims(mask, 1) if x.rank == mask.rank + 1 else mask)


# ------------------------------------------------------------------------------------------------ cells
class _RecurrentCell(Layer):
    """Shared parts of the built-in cells: argument handling and Keras' per-sequence dropout masks.

    Besides Keras' `call(inputs, states, training)`, a built-in cell offers the RNN loop a fast path:
    `_project(x, training, ctx)` (the input part of every gate, for all timesteps at once) and
    `_recur(projected_t, states, training, ctx)` (one step given the projection)."""

    _fast = True
    _mask_count_when_recurrent_dropout = 1  # GRU: 3, LSTM / ConvLSTM: 4 (one mask per gate)

    def _init_regularization(self, kernel_initializer: Any, recurrent_initializer: Any, bias_initializer: Any,
                             kernel_regularizer: Any, recurrent_regularizer: Any, bias_regularizer: Any,
                             kernel_constraint: Any, recurrent_constraint: Any, bias_constraint: Any,
                             dropout: Any, recurrent_dropout: Any, seed: Any) -> None:
        who = type(self).__name__
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = _rate(dropout, "dropout", who)
        self.recurrent_dropout = _rate(recurrent_dropout, "recurrent_dropout", who)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise InvalidArgumentError(f"{who}: seed must be an integer or None, got {seed!r}")
        self.seed = seed
        self._seed_count = 0
        self._dropout_mask: Any = None
        self._recurrent_dropout_mask: Any = None

    def _regularization_config(self) -> dict:
        return {
            "kernel_initializer": serialize(self.kernel_initializer),
            "recurrent_initializer": serialize(self.recurrent_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "kernel_regularizer": serialize(self.kernel_regularizer),
            "recurrent_regularizer": serialize(self.recurrent_regularizer),
            "bias_regularizer": serialize(self.bias_regularizer),
            "kernel_constraint": serialize(self.kernel_constraint),
            "recurrent_constraint": serialize(self.recurrent_constraint),
            "bias_constraint": serialize(self.bias_constraint),
        }

    # ---- dropout (Keras: masks are drawn once and reused at every timestep of the sequence) ----
    def _mask_count(self) -> int:
        return self._mask_count_when_recurrent_dropout if self.recurrent_dropout > 0 else 1

    def _draw(self, shape: Sequence[int], rate: float, count: int) -> Any:
        keep = 1.0 - rate

        def one() -> Tensor:
            seed = None
            if self.seed is not None:
                seed = self.seed + self._seed_count
                self._seed_count += 1
            u = ops.random_uniform(list(shape), 0.0, 1.0, "float32", seed)
            return ops.div(ops.cast(ops.less(u, keep), "float32"), keep)
        return one() if count == 1 else [one() for _ in range(count)]

    def _input_masks(self, step_shape: Sequence[int], training: bool) -> Any:
        if not training or not 0.0 < self.dropout < 1.0:
            return None
        if self._dropout_mask is None:
            self._dropout_mask = self._draw(step_shape, self.dropout, self._mask_count())
        return self._dropout_mask

    def _recurrent_masks(self, state_shape: Sequence[int], training: bool) -> Any:
        if not training or not 0.0 < self.recurrent_dropout < 1.0:
            return None
        if self._recurrent_dropout_mask is None:
            self._recurrent_dropout_mask = self._draw(state_shape, self.recurrent_dropout, self._mask_count())
        return self._recurrent_dropout_mask

    def get_dropout_mask(self, step_input: Tensor) -> Any:
        return self._input_masks(step_input.shape, True)

    def get_recurrent_dropout_mask(self, state: Tensor) -> Any:
        return self._recurrent_masks(state.shape, True)

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None

    # ---- Keras' cell API on top of the fast path ----
    def _step_input_shape(self, x: Tensor, time_axis: bool) -> tuple:
        return (x.shape[0], *x.shape[2:]) if time_axis else tuple(x.shape)

    def _check_step_input(self, inputs: Tensor) -> None:
        expected = tuple(self._build_input_shape[1:]) if getattr(self, "_build_input_shape", None) else None
        if expected is not None and (inputs.rank != len(expected) + 1 or any(
                e is not None and e != g for e, g in zip(expected, inputs.shape[1:]))):
            raise ShapeError(f"{type(self).__name__} {self.name!r}: expected step inputs of shape "
                             f"{_shape_str((None, *expected))}, got shape {_shape_str(inputs.shape)}")

    def call(self, inputs: Tensor, states: Any, training: bool = False) -> Any:
        self._check_step_input(inputs)
        listed = _is_nested(states)
        flat = list(_flatten(states)) if listed else [states]
        ctx: dict = {}
        out, new = self._recur(self._project(inputs, training, ctx, time_axis=False), flat, training, ctx)
        if not listed and len(new) == 1:
            return out, new[0]
        return out, new

    def get_initial_state(self, batch_size: int | None = None) -> list:
        sizes = self.state_size if _is_nested(self.state_size) else [self.state_size]
        return [ops.zeros((batch_size, s)) for s in sizes]


@builtin("keras.layers")
class SimpleRNNCell(_RecurrentCell):
    """`h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)`."""

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any) -> None:
        units = _positive_int(units, "units", type(self).__name__)
        super().__init__(**_legacy_pop(kwargs))
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self._init_regularization(kernel_initializer, recurrent_initializer, bias_initializer, kernel_regularizer,
                                  recurrent_regularizer, bias_regularizer, kernel_constraint, recurrent_constraint,
                                  bias_constraint, dropout, recurrent_dropout, seed)
        self.state_size = units
        self.output_size = units

    def build(self, input_shape: Any) -> None:
        input_dim = _last_dim(self, input_shape)
        self.kernel = self.add_weight((input_dim, self.units), self.kernel_initializer, name="kernel",
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight((self.units, self.units), self.recurrent_initializer,
                                                name="recurrent_kernel", regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = self.add_weight((self.units,), self.bias_initializer, name="bias",
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def _project(self, x: Tensor, training: bool, ctx: dict, time_axis: bool = True) -> Tensor:
        mask = self._input_masks(self._step_input_shape(x, time_axis), training)
        if mask is not None:
            x = _over_time(mask, x)
        h = _matmul_last(x, self.kernel)
        return ops.add(h, self.bias) if self.bias is not None else h

    def _recur(self, xp: Tensor, states: list, training: bool, ctx: dict) -> tuple:
        prev = states[0]
        rmask = self._recurrent_masks(prev.shape, training)
        if rmask is not None:
            prev = ops.mul(prev, rmask)
        out = self.activation(ops.add(xp, ops.mat_mul(prev, self.recurrent_kernel)))
        return out, [out]

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"units": self.units, "activation": activations.serialize(self.activation),
                       "use_bias": self.use_bias, **self._regularization_config(),
                       "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed})
        return config


@builtin("keras.layers")
class GRUCell(_RecurrentCell):
    """Gated recurrent unit, gates in Keras' order z (update), r (reset), h (candidate).
    reset_after=True (default, bias of shape (2, 3 * units): input and recurrent biases) applies the reset
    gate after the recurrent mat_mul; reset_after=False (bias (3 * units,)) before it."""

    _mask_count_when_recurrent_dropout = 3

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, reset_after: bool = True,
                 seed: int | None = None, **kwargs: Any) -> None:
        units = _positive_int(units, "units", type(self).__name__)
        super().__init__(**_legacy_pop(kwargs))
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.reset_after = bool(reset_after)
        self._init_regularization(kernel_initializer, recurrent_initializer, bias_initializer, kernel_regularizer,
                                  recurrent_regularizer, bias_regularizer, kernel_constraint, recurrent_constraint,
                                  bias_constraint, dropout, recurrent_dropout, seed)
        self.state_size = units
        self.output_size = units

    def build(self, input_shape: Any) -> None:
        input_dim = _last_dim(self, input_shape)
        u = self.units
        self.kernel = self.add_weight((input_dim, 3 * u), self.kernel_initializer, name="kernel",
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight((u, 3 * u), self.recurrent_initializer, name="recurrent_kernel",
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            shape = (2, 3 * u) if self.reset_after else (3 * u,)
            self.bias = self.add_weight(shape, self.bias_initializer, name="bias", regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None

    def _biases(self, ctx: dict) -> tuple:
        if self.bias is None:
            return None, None
        if not self.reset_after:
            return self.bias, None
        return tuple(_cached(ctx, "biases", lambda: ops.unstack(self.bias, 0)))

    def _project(self, x: Tensor, training: bool, ctx: dict, time_axis: bool = True) -> Tensor:
        masks = self._input_masks(self._step_input_shape(x, time_axis), training)
        u = self.units
        if masks is None:
            xp = _matmul_last(x, self.kernel)
        elif not _is_nested(masks):
            xp = _matmul_last(_over_time(masks, x), self.kernel)
        else:
            xp = ops.concat([_matmul_last(_over_time(m, x), _cols(self.kernel, g * u, (g + 1) * u))
                             for g, m in enumerate(masks)], -1)
        input_bias, _ = self._biases(ctx)
        return ops.add(xp, input_bias) if input_bias is not None else xp

    def _recur(self, xp: Tensor, states: list, training: bool, ctx: dict) -> tuple:
        h_prev = states[0]
        u = self.units
        R = self.recurrent_kernel
        _, recurrent_bias = self._biases(ctx)
        rmasks = self._recurrent_masks(h_prev.shape, training)
        x_z, x_r, x_h = ops.split(xp, 3, -1)
        if rmasks is not None:
            R_z, R_r, R_h = _cached(ctx, "R_gates", lambda: ops.split(R, 3, 1))
            h_z, h_r, h_h = (ops.mul(h_prev, m) for m in rmasks)
            rec_z, rec_r = ops.mat_mul(h_z, R_z), ops.mat_mul(h_r, R_r)
            if self.reset_after:
                rec_h = ops.mat_mul(h_h, R_h)
                if recurrent_bias is not None:
                    b_z, b_r, b_h = _cached(ctx, "rb_gates", lambda: ops.split(recurrent_bias, 3, 0))
                    rec_z, rec_r, rec_h = ops.add(rec_z, b_z), ops.add(rec_r, b_r), ops.add(rec_h, b_h)
        elif self.reset_after:
            inner = ops.mat_mul(h_prev, R)
            if recurrent_bias is not None:
                inner = ops.add(inner, recurrent_bias)
            rec_z, rec_r, rec_h = ops.split(inner, 3, -1)
            h_h = h_prev
        else:
            R_zr = _cached(ctx, "R_zr", lambda: _cols(R, 0, 2 * u))
            rec_z, rec_r = ops.split(ops.mat_mul(h_prev, R_zr), 2, -1)
            h_h = h_prev
        z = self.recurrent_activation(ops.add(x_z, rec_z))
        r = self.recurrent_activation(ops.add(x_r, rec_r))
        if self.reset_after:
            candidate = ops.add(x_h, ops.mul(r, rec_h))
        else:
            R_h = _cached(ctx, "R_h", lambda: _cols(R, 2 * u, 3 * u))
            candidate = ops.add(x_h, ops.mat_mul(ops.mul(r, h_h), R_h))
        hh = self.activation(candidate)
        h = ops.add(ops.mul(z, h_prev), ops.mul(ops.sub(1.0, z), hh))
        return h, [h]

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"units": self.units, "activation": activations.serialize(self.activation),
                       "recurrent_activation": activations.serialize(self.recurrent_activation),
                       "use_bias": self.use_bias, **self._regularization_config(),
                       "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                       "reset_after": self.reset_after, "seed": self.seed})
        return config


@builtin("keras.layers")
class LSTMCell(_RecurrentCell):
    """Long short-term memory, gates in Keras' order i (input), f (forget), c (candidate), o (output);
    states [h, c]. unit_forget_bias=True initializes the forget gate's bias to ones."""

    _mask_count_when_recurrent_dropout = 4

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any) -> None:
        units = _positive_int(units, "units", type(self).__name__)
        super().__init__(**_legacy_pop(kwargs))
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.unit_forget_bias = bool(unit_forget_bias)
        self._init_regularization(kernel_initializer, recurrent_initializer, bias_initializer, kernel_regularizer,
                                  recurrent_regularizer, bias_regularizer, kernel_constraint, recurrent_constraint,
                                  bias_constraint, dropout, recurrent_dropout, seed)
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape: Any) -> None:
        input_dim = _last_dim(self, input_shape)
        u = self.units
        self.kernel = self.add_weight((input_dim, 4 * u), self.kernel_initializer, name="kernel",
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight((u, 4 * u), self.recurrent_initializer, name="recurrent_kernel",
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            init = _forget_bias_initializer(self.bias_initializer, u) if self.unit_forget_bias \
                else self.bias_initializer
            self.bias = self.add_weight((4 * u,), init, name="bias", regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None

    def _project(self, x: Tensor, training: bool, ctx: dict, time_axis: bool = True) -> Tensor:
        masks = self._input_masks(self._step_input_shape(x, time_axis), training)
        u = self.units
        if masks is None:
            xp = _matmul_last(x, self.kernel)
        elif not _is_nested(masks):
            xp = _matmul_last(_over_time(masks, x), self.kernel)
        else:
            xp = ops.concat([_matmul_last(_over_time(m, x), _cols(self.kernel, g * u, (g + 1) * u))
                             for g, m in enumerate(masks)], -1)
        return ops.add(xp, self.bias) if self.bias is not None else xp

    def _recur(self, xp: Tensor, states: list, training: bool, ctx: dict) -> tuple:
        h_prev, c_prev = states[0], states[1]
        rmasks = self._recurrent_masks(h_prev.shape, training)
        if rmasks is None:
            rec = ops.mat_mul(h_prev, self.recurrent_kernel)
        else:
            gates = _cached(ctx, "R_gates", lambda: ops.split(self.recurrent_kernel, 4, 1))
            rec = ops.concat([ops.mat_mul(ops.mul(h_prev, m), R_g) for m, R_g in zip(rmasks, gates)], -1)
        return _lstm_gates(self, ops.add(xp, rec), c_prev)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"units": self.units, "activation": activations.serialize(self.activation),
                       "recurrent_activation": activations.serialize(self.recurrent_activation),
                       "use_bias": self.use_bias, "unit_forget_bias": self.unit_forget_bias,
                       **self._regularization_config(),
                       "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed})
        return config


def _lstm_gates(cell: Any, z: Tensor, c_prev: Tensor) -> tuple:
    z_i, z_f, z_c, z_o = ops.split(z, 4, -1)
    i = cell.recurrent_activation(z_i)
    f = cell.recurrent_activation(z_f)
    c = ops.add(ops.mul(f, c_prev), ops.mul(i, cell.activation(z_c)))
    o = cell.recurrent_activation(z_o)
    h = ops.mul(o, cell.activation(c))
    return h, [h, c]


def _last_dim(layer: Layer, input_shape: Any) -> int:
    if not input_shape or input_shape[-1] is None:
        raise ShapeError(f"{type(layer).__name__} {layer.name!r}: the last dimension of the inputs must be known, "
                         f"got input shape {_shape_str(input_shape)}")
    return int(input_shape[-1])


@builtin("keras.layers")
class StackedRNNCells(Layer):
    """Several cells used as one: each step feeds the output of a cell to the next one. The state is the
    list of the cells' states."""

    def __init__(self, cells: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        cells = list(cells)
        if not cells:
            raise InvalidArgumentError("StackedRNNCells: cells must be a non-empty list of RNN cells")
        for cell in cells:
            if not callable(getattr(cell, "call", None)):
                raise InvalidArgumentError(f"StackedRNNCells: all cells must have a `call` method, got {cell!r}")
            if not hasattr(cell, "state_size"):
                raise InvalidArgumentError(f"StackedRNNCells: all cells must have a `state_size` attribute, got "
                                           f"{cell!r}")
        self.cells = cells
        for cell in cells:
            if isinstance(cell, Layer):
                self._track(cell)

    @property
    def _fast(self) -> bool:
        return getattr(self.cells[0], "_fast", False)

    @property
    def state_size(self) -> list:
        return [c.state_size for c in self.cells]

    @property
    def output_size(self) -> int:
        return _output_size(self.cells[-1])

    def get_initial_state(self, batch_size: int | None = None) -> list:
        out = []
        for cell in self.cells:
            if hasattr(cell, "get_initial_state"):
                out.append(cell.get_initial_state(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                out.append(ops.zeros((batch_size, cell.state_size)))
            else:
                out.append([ops.zeros((batch_size, s)) for s in cell.state_size])
        return out

    def build(self, input_shape: Any) -> None:
        batch = input_shape[0] if input_shape else None
        for cell in self.cells:
            if isinstance(cell, Layer):
                _build_child(self, cell, tuple(input_shape))
            input_shape = (batch, _output_size(cell))

    def _project(self, x: Tensor, training: bool, ctx: dict, time_axis: bool = True) -> Tensor:
        return self.cells[0]._project(x, training, ctx.setdefault(0, {}), time_axis)

    def _recur(self, xp: Tensor, states: list, training: bool, ctx: dict) -> tuple:
        new_states = []
        x = xp
        for k, (cell, s) in enumerate(zip(self.cells, states)):
            listed = _is_nested(s)
            s_list = list(s) if listed else [s]
            if k == 0:
                x, new = cell._recur(x, s_list, training, ctx.setdefault(0, {}))
            else:
                x, new = _cell_step(cell, x, s_list, training, ctx.setdefault(k, {}))
            new = list(_flatten(new)) if _is_nested(new) else [new]
            new_states.append(new if listed or len(new) != 1 else new[0])
        return x, new_states

    def call(self, inputs: Tensor, states: Any, training: bool = False) -> Any:
        new_states = []
        x = inputs
        for k, (cell, s) in enumerate(zip(self.cells, states)):
            listed = _is_nested(s)
            s_list = list(s) if listed else [s]
            x, new = _cell_step(cell, x, s_list, training, {})
            new = list(_flatten(new)) if _is_nested(new) else [new]
            new_states.append(new if listed or len(new) != 1 else new[0])
        return x, new_states

    def get_config(self) -> dict:
        config = super().get_config()
        config["cells"] = [serialize(c) for c in self.cells]
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "StackedRNNCells":
        config = dict(config)
        cells = [deserialize(c, "layer", custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


def _output_size(cell: Any) -> int:
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    s = cell.state_size
    while _is_nested(s):
        s = s[0]
    return s


def _cell_step(cell: Any, x: Tensor, states: list, training: bool, ctx: dict) -> tuple:
    """One step of any cell: the fast path for built-in cells, `cell(x, states)` for others."""
    if getattr(cell, "_fast", False):
        return cell._recur(cell._project(x, training, ctx, time_axis=False), states, training, ctx)
    if isinstance(cell, Layer):
        return cell(x, states, training=training)
    return cell.call(x, states)


def _reset_dropout(cell: Any) -> None:
    if isinstance(cell, _RecurrentCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    for c in getattr(cell, "cells", []) if isinstance(cell, StackedRNNCells) else []:
        _reset_dropout(c)


def _pack(flat: list, size: Any) -> Any:
    """Flat states -> the nested structure the cell expects (top level always a list, as Keras)."""
    it = iter(flat)

    def rec(s: Any) -> Any:
        if _is_nested(s):
            return [rec(v) for v in s]
        return next(it)
    if not _is_nested(size):
        return [next(it)]
    return [rec(v) for v in size]


def _flat_sizes(size: Any) -> list:
    if _is_nested(size):
        return [v for s in size for v in _flat_sizes(s)]
    return [size]


# ------------------------------------------------------------------------------------------------- RNN
@builtin("keras.layers")
class RNN(Layer):
    """Runs a cell (or a list of cells, stacked) over the time axis of (batch, timesteps, ...) inputs.

    call(sequences, initial_state=None, mask=None, training=False). Returns the last output, or the whole
    sequence (return_sequences), followed by the final states (return_state). go_backwards processes the
    sequence in reverse and returns the reversed sequence."""

    supports_masking = True
    _input_ndim: int | None = None  # exact rank of the inputs (3 for SimpleRNN/GRU/LSTM); None: >= 3

    def __init__(self, cell: Any, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, **kwargs: Any) -> None:
        kwargs = _legacy_pop(kwargs)
        who = type(self).__name__
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(list(cell))
        if not callable(getattr(cell, "call", None)):
            raise InvalidArgumentError(f"{who}: argument `cell` should have a `call` method, got {cell!r}")
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise InvalidArgumentError(f"{who}: the RNN cell must have a `state_size` attribute (an integer or a "
                                       f"list of integers, one per state), got {cell!r}")
        if stateful:
            raise InvalidArgumentError(f"{who}: stateful=True is not supported by tensorweb; pass the previous "
                                       f"final states as `initial_state` instead (use return_state=True)")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = False
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        if not self.trainable:
            self.trainable = False

    @property
    def state_size(self) -> list:
        s = self.cell.state_size
        return list(s) if _is_nested(s) else [s]

    def _n_states(self) -> int:
        return len(_flat_sizes(self.cell.state_size))

    # ---- shapes ----
    @staticmethod
    def _sequence_shape(shape: Any) -> tuple:
        if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
            return tuple(shape[0])  # Keras 2 / TF.js: [sequences, *initial_states]
        return tuple(shape)

    def _check_rank(self, shape: Sequence) -> None:
        n = len(shape)
        if (self._input_ndim is not None and n != self._input_ndim) or n < 3:
            want = f"rank {self._input_ndim}" if self._input_ndim is not None else "rank >= 3"
            raise ShapeError(f"{type(self).__name__} {self.name!r}: expected inputs of {want} "
                             f"(batch, timesteps, ...features), got shape {_shape_str(shape)}")

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        shape = self._sequence_shape(sequences_shape)
        self._check_rank(shape)
        self._step_shape = (shape[0], *shape[2:])
        if isinstance(self.cell, Layer):
            _build_child(self, self.cell, self._step_shape)

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        shape = self._sequence_shape(sequences_shape)
        self._check_rank(shape)
        batch, steps = shape[0], shape[1]
        out_size = _output_size(self.cell)
        out = (batch, steps, out_size) if self.return_sequences else (batch, out_size)
        if self.return_state:
            return [out, *[(batch, s) for s in _flat_sizes(self.cell.state_size)]]
        return out

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if _is_nested(mask):
            mask = mask[0] if mask else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * self._n_states()
        return output_mask

    # ---- running ----
    def get_initial_state(self, batch_size: int) -> list:
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            return list(_flatten(fn(batch_size=batch_size)))
        return [ops.zeros((batch_size, s)) for s in _flat_sizes(self.cell.state_size)]

    def _check_sequences(self, sequences: Tensor) -> None:
        self._check_rank(sequences.shape)
        expected = getattr(self, "_step_shape", None)
        if expected is not None and any(e is not None and e != g for e, g in
                                        zip(expected[1:], sequences.shape[2:])):
            raise ShapeError(f"{type(self).__name__} {self.name!r}: expected inputs of shape "
                             f"{_shape_str((None, None, *expected[1:]))}, got shape {_shape_str(sequences.shape)}")
        if sequences.shape[1] == 0:
            raise ShapeError(f"{type(self).__name__} {self.name!r}: the inputs have no timesteps (shape "
                             f"{_shape_str(sequences.shape)})")

    def _initial_states(self, initial_state: Any, batch: int) -> list:
        if initial_state is None:
            return self.get_initial_state(batch)
        given = list(_flatten(initial_state)) if _is_nested(initial_state) else [initial_state]
        given = [t if isinstance(t, Tensor) else ENGINE.to_tensor(t, dtype="float32") for t in given]
        defaults = self.get_initial_state(batch)
        if len(given) != len(defaults):
            raise InvalidArgumentError(f"{type(self).__name__} {self.name!r}: expected {len(defaults)} initial "
                                       f"state tensor(s), got {len(given)}")
        for i, (g, d) in enumerate(zip(given, defaults)):
            if tuple(g.shape) != tuple(d.shape):
                raise ShapeError(f"{type(self).__name__} {self.name!r}: initial state {i} should have shape "
                                 f"{_shape_str(d.shape)}, got shape {_shape_str(g.shape)}")
        return [ops.cast(g, "float32") if g.dtype != "float32" else g for g in given]

    def _prepare_mask(self, mask: Any, sequences: Tensor) -> Tensor | None:
        if _is_nested(mask):
            mask = mask[0] if mask else None
        if mask is None:
            return None
        if not isinstance(mask, Tensor):
            mask = ENGINE.to_tensor(mask)
        if tuple(mask.shape) != tuple(sequences.shape[:2]):
            raise ShapeError(f"{type(self).__name__} {self.name!r}: the mask should have shape "
                             f"{_shape_str(sequences.shape[:2])} (batch, timesteps), got shape "
                             f"{_shape_str(mask.shape)}")
        return mask if mask.dtype == "bool" else ops.not_equal(mask, 0)

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: bool = False) -> Any:
        if _is_nested(sequences):  # Keras 2 / TF.js form: [sequences, *initial_states]
            if initial_state is None and len(sequences) > 1:
                initial_state = list(sequences[1:])
            sequences = sequences[0]
        self._check_sequences(sequences)
        states = self._initial_states(initial_state, sequences.shape[0])
        mask = self._prepare_mask(mask, sequences)
        try:
            last, outputs, states = self._loop(sequences, states, mask, training)
        finally:
            _reset_dropout(self.cell)
        output = outputs if self.return_sequences else last
        if self.return_state:
            return [output, *states]
        return output

    def _loop(self, sequences: Tensor, states: list, mask: Tensor | None, training: bool) -> tuple:
        cell = self.cell
        steps_n = sequences.shape[1]
        size = cell.state_size
        fast = getattr(cell, "_fast", False)
        ctx: dict = {}
        inputs = cell._project(sequences, training, ctx) if fast else sequences
        steps = ops.unstack(inputs, 1)
        step_masks = ops.unstack(mask, 1) if mask is not None else None
        order = range(steps_n - 1, -1, -1) if self.go_backwards else range(steps_n)
        mask_by_rank: dict = {}
        prev_out = None
        outs = []
        out = None
        for t in order:
            packed = _pack(states, size)
            if fast:
                out, new = cell._recur(steps[t], packed, training, ctx)
            elif isinstance(cell, Layer):
                out, new = cell(steps[t], packed, training=training)
            else:
                out, new = cell.call(steps[t], packed)
            new = list(_flatten(new)) if _is_nested(new) else [new]
            if len(new) != len(states):
                raise InvalidArgumentError(f"{type(self).__name__} {self.name!r}: the cell returned {len(new)} "
                                           f"state(s), expected {len(states)}")
            if step_masks is not None:
                m = step_masks[t]
                mask_by_rank.clear()

                def expand(rank: int, m: Tensor = m) -> Tensor:
                    if rank not in mask_by_rank:
                        mask_by_rank[rank] = ops.reshape(m, [m.shape[0]] + [1] * (rank - 1))
                    return mask_by_rank[rank]
                new = [ops.where(expand(s.rank), s, p) for s, p in zip(new, states)]
                if prev_out is None or self.zero_output_for_mask:
                    fallback = ops.zeros_like(out)
                else:
                    fallback = prev_out
                out = ops.where(expand(out.rank), out, fallback)
                prev_out = out
            states = new
            if self.return_sequences:
                outs.append(out)
        outputs = ops.stack(outs, 1) if self.return_sequences else None
        return out, outputs, states

    # ---- config ----
    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"return_sequences": self.return_sequences, "return_state": self.return_state,
                       "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                       "zero_output_for_mask": self.zero_output_for_mask})
        config["cell"] = serialize(self.cell)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "RNN":
        config = dict(config)
        cells = config.pop("cells", None)  # TF.js writes its stacked cells both here and in "cell"
        cell = config.pop("cell", cells)
        if isinstance(cell, list):
            cell = [deserialize(c, "layer", custom_objects) for c in cell]
        else:
            cell = deserialize(cell, "layer", custom_objects)
        return cls(cell, **config)


def _delegate(*names: str) -> Callable[[type], type]:
    """Read-only properties forwarding to the cell (SimpleRNN.units -> cell.units, ...)."""
    def deco(cls: type) -> type:
        for n in names:
            setattr(cls, n, property(lambda self, n=n: getattr(self.cell, n)))
        return cls
    return deco


_COMMON = ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
           "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
           "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout")


class _CellLayer(RNN):
    """SimpleRNN / GRU / LSTM: an RNN that builds its own cell from the arguments."""

    _input_ndim = 3
    _seed_in_config = True  # Keras' SimpleRNN.get_config leaves the seed out

    def _cell_config(self) -> dict:
        return {}

    def get_config(self) -> dict:
        config = super().get_config()
        del config["cell"]
        cell = self.cell.get_config()
        for k in ("name", "trainable", "dtype"):
            cell.pop(k, None)
        seed = cell.pop("seed", None)
        reg = serialize(self.activity_regularizer)
        ordered = {}
        for k, v in cell.items():
            ordered[k] = v
            if k == "bias_regularizer":
                ordered["activity_regularizer"] = reg
        config.update(ordered)
        if self._seed_in_config:
            config["seed"] = seed
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "RNN":
        config = dict(config)
        config.pop("cell", None)
        return cls(**config)

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: bool = False) -> Any:
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)


def _split_layer_kwargs(kwargs: dict) -> dict:
    return {"dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True)}


@builtin("keras.layers")
@_delegate(*_COMMON)
class SimpleRNN(_CellLayer):
    """A fully-connected RNN: `h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)`."""

    _seed_in_config = False

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False, seed: int | None = None,
                 **kwargs: Any) -> None:
        cell = SimpleRNNCell(units, activation=activation, use_bias=use_bias,
                             kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                             kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                             bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                             seed=seed, name="simple_rnn_cell", **_split_layer_kwargs(kwargs))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)


@builtin("keras.layers")
@_delegate(*_COMMON, "recurrent_activation", "reset_after")
class GRU(_CellLayer):
    """Gated recurrent unit layer (Keras 3: reset_after=True, recurrent_activation='sigmoid')."""

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False, reset_after: bool = True,
                 use_cudnn: Any = "auto", **kwargs: Any) -> None:
        if use_cudnn not in ("auto", True, False):
            raise InvalidArgumentError(f"GRU: use_cudnn must be 'auto', True or False, got {use_cudnn!r}")
        cell = GRUCell(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                       kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                       bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                       recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                       kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                       bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                       reset_after=reset_after, seed=seed, name="gru_cell", **_split_layer_kwargs(kwargs))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = use_cudnn


@builtin("keras.layers")
@_delegate(*_COMMON, "recurrent_activation", "unit_forget_bias")
class LSTM(_CellLayer):
    """Long short-term memory layer (Keras 3: recurrent_activation='sigmoid', unit_forget_bias=True)."""

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, use_cudnn: Any = "auto", **kwargs: Any) -> None:
        if use_cudnn not in ("auto", True, False):
            raise InvalidArgumentError(f"LSTM: use_cudnn must be 'auto', True or False, got {use_cudnn!r}")
        cell = LSTMCell(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                        kernel_initializer=kernel_initializer, unit_forget_bias=unit_forget_bias,
                        recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                        kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                        bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                        recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                        dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, name="lstm_cell",
                        **_split_layer_kwargs(kwargs))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = use_cudnn


# ------------------------------------------------------------------------------------------- ConvLSTM2D
def _pair(value: Any, arg: str, who: str, allow_zero: bool = False) -> tuple:
    v = (value, value) if isinstance(value, int) and not isinstance(value, bool) else tuple(value)
    if len(v) != 2 or not all(isinstance(d, int) and not isinstance(d, bool) for d in v) or \
            any(d < (0 if allow_zero else 1) for d in v):
        raise InvalidArgumentError(f"{who}: {arg} must be a positive integer or a tuple of 2 positive integers, "
                                   f"got {value!r}")
    return v


def _conv_out_len(n: int | None, k: int, stride: int, dilation: int, padding: str) -> int | None:
    if n is None:
        return None
    if padding == "same":
        return -(-n // stride)
    eff = (k - 1) * dilation + 1
    return (n - eff) // stride + 1


class _ConvLSTMCell(_RecurrentCell):
    """The cell of ConvLSTM2D (not exported, as in Keras): LSTM gates computed with 2D convolutions."""

    _mask_count_when_recurrent_dropout = 4

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, who: str = "ConvLSTM2D",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.filters = _positive_int(filters, "filters", who)
        self.kernel_size = _pair(kernel_size, "kernel_size", who)
        self.strides = _pair(strides, "strides", who)
        self.dilation_rate = _pair(dilation_rate, "dilation_rate", who)
        padding = str(padding).lower()
        if padding not in ("valid", "same"):
            raise InvalidArgumentError(f"{who}: padding must be 'valid' or 'same', got {padding!r}")
        self.padding = padding
        data_format = data_format or "channels_last"
        if data_format != "channels_last":
            raise InvalidArgumentError(f"{who}: only data_format='channels_last' is supported, got "
                                       f"{data_format!r}")
        self.data_format = data_format
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise InvalidArgumentError(f"{who}: strides > 1 is not compatible with dilation_rate > 1, got "
                                       f"strides={self.strides} and dilation_rate={self.dilation_rate}")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.unit_forget_bias = bool(unit_forget_bias)
        self._init_regularization(kernel_initializer, recurrent_initializer, bias_initializer, kernel_regularizer,
                                  recurrent_regularizer, bias_regularizer, kernel_constraint, recurrent_constraint,
                                  bias_constraint, dropout, recurrent_dropout, seed)
        self.state_size = [self.filters, self.filters]
        self.output_size = self.filters

    def _mask_count(self) -> int:
        return 4  # Keras' ConvLSTM cell always draws one mask per gate

    def output_spatial(self, spatial: Sequence) -> tuple:
        return tuple(_conv_out_len(n, k, s, d, self.padding) for n, k, s, d in
                     zip(spatial, self.kernel_size, self.strides, self.dilation_rate))

    def build(self, input_shape: Any) -> None:
        who = f"ConvLSTM2D cell {self.name!r}"
        if len(input_shape) != 4:
            raise ShapeError(f"{who}: expected step inputs of rank 4 (batch, rows, cols, channels), got shape "
                             f"{_shape_str(input_shape)}")
        self.spatial_dims = tuple(input_shape[1:3])
        if None in self.spatial_dims or input_shape[-1] is None:
            raise ShapeError(f"{who}: the spatial and channel dimensions must be known, got input shape "
                             f"{_shape_str(input_shape)}")
        if any(o is not None and o <= 0 for o in self.output_spatial(self.spatial_dims)):
            raise ShapeError(f"{who}: kernel_size {self.kernel_size} is larger than the input rows/cols "
                             f"{self.spatial_dims}")
        self.input_dim = int(input_shape[-1])
        f = self.filters
        self.kernel = self.add_weight((*self.kernel_size, self.input_dim, 4 * f), self.kernel_initializer,
                                      name="kernel", regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight((*self.kernel_size, f, 4 * f), self.recurrent_initializer,
                                                name="recurrent_kernel", regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            init = _forget_bias_initializer(self.bias_initializer, f) if self.unit_forget_bias \
                else self.bias_initializer
            self.bias = self.add_weight((4 * f,), init, name="bias", regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None

    def get_initial_state(self, batch_size: int | None = None) -> list:
        shape = (batch_size, *self.output_spatial(self.spatial_dims), self.filters)
        return [ops.zeros(shape), ops.zeros(shape)]

    def _conv(self, x: Tensor, w: Tensor) -> Tensor:
        return ops.conv2d(x, w, list(self.strides), self.padding, "NHWC", list(self.dilation_rate))

    def _project(self, x: Tensor, training: bool, ctx: dict, time_axis: bool = True) -> Tensor:
        masks = self._input_masks(self._step_input_shape(x, time_axis), training)
        lead = list(x.shape[:2]) if time_axis else None
        f = self.filters

        def conv_all(inp: Tensor, w: Tensor) -> Tensor:
            if time_axis:
                y = self._conv(ops.reshape(inp, [-1, *inp.shape[2:]]), w)
                return ops.reshape(y, [*lead, *y.shape[1:]])
            return self._conv(inp, w)
        if masks is None:
            xp = conv_all(x, self.kernel)
        else:
            masks = masks if _is_nested(masks) else [masks] * 4
            xp = ops.concat([conv_all(_over_time(m, x), _cols(self.kernel, g * f, (g + 1) * f))
                             for g, m in enumerate(masks)], -1)
        return ops.add(xp, self.bias) if self.bias is not None else xp

    def _recur(self, xp: Tensor, states: list, training: bool, ctx: dict) -> tuple:
        h_prev, c_prev = states[0], states[1]
        rmasks = self._recurrent_masks(h_prev.shape, training)
        if rmasks is None:
            rec = ops.conv2d(h_prev, self.recurrent_kernel, 1, "same")
        else:
            f = self.filters
            rec = ops.concat([ops.conv2d(ops.mul(h_prev, m), _cols(self.recurrent_kernel, g * f, (g + 1) * f), 1,
                                         "same") for g, m in enumerate(rmasks)], -1)
        return _lstm_gates(self, ops.add(xp, rec), c_prev)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format, "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation), "use_bias": self.use_bias,
            "kernel_initializer": serialize(self.kernel_initializer),
            "recurrent_initializer": serialize(self.recurrent_initializer),
            "bias_initializer": serialize(self.bias_initializer), "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": serialize(self.kernel_regularizer),
            "recurrent_regularizer": serialize(self.recurrent_regularizer),
            "bias_regularizer": serialize(self.bias_regularizer),
            "kernel_constraint": serialize(self.kernel_constraint),
            "recurrent_constraint": serialize(self.recurrent_constraint),
            "bias_constraint": serialize(self.bias_constraint),
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed})
        return config


@builtin("keras.layers")
@_delegate("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
           "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
           "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
           "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout")
class ConvLSTM2D(_CellLayer):
    """Convolutional LSTM over (batch, time, rows, cols, channels) inputs (channels_last). Weights as Keras 3:
    kernel (kh, kw, in, 4 * filters), recurrent_kernel (kh, kw, filters, 4 * filters), bias (4 * filters,);
    the recurrent convolution uses 'same' padding and stride 1."""

    _input_ndim = 5

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: int | None = None,
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, **kwargs: Any) -> None:
        cell = _ConvLSTMCell(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                             dilation_rate=dilation_rate, activation=activation,
                             recurrent_activation=recurrent_activation, use_bias=use_bias,
                             kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                             bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                             kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                             dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
                             name="conv_lstm_cell", **_split_layer_kwargs(kwargs))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful,
                         activity_regularizer=activity_regularizer, **kwargs)

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        shape = self._sequence_shape(sequences_shape)
        self._check_rank(shape)
        batch, steps = shape[0], shape[1]
        state = (*self.cell.output_spatial(shape[2:4]), self.cell.filters)
        out = (batch, steps, *state) if self.return_sequences else (batch, *state)
        if self.return_state:
            return [out, (batch, *state), (batch, *state)]
        return out

    def get_config(self) -> dict:
        config = RNN.get_config(self)
        del config["cell"]
        cell = self.cell.get_config()
        for k in ("name", "trainable", "dtype"):
            cell.pop(k, None)
        seed = cell.pop("seed", None)
        ordered = {}
        for k, v in cell.items():
            ordered[k] = v
            if k == "bias_regularizer":
                ordered["activity_regularizer"] = serialize(self.activity_regularizer)
        config.update(ordered)
        config["seed"] = seed
        return config
