"""Attention layers: MultiHeadAttention (Keras 3's semantics and weight structure)."""
from __future__ import annotations

import math
import string
from typing import Any

import numpy as np

from .. import ops
from ..core.engine import ENGINE
from ..errors import InvalidArgumentError, ShapeError
from . import constraints, initializers, regularizers
from .base import Layer
from .core import EinsumDense
from .serialization import builtin, serialize

__all__ = ["MultiHeadAttention"]

# Keras' Softmax layer replaces masked logits by this value (float32)
_MASKED_LOGIT = -1e9


def _letters(n: int, start: int = 0) -> str:
    return string.ascii_lowercase[start:start + n]


def _projection_equation(free: int, bound: int, out: int) -> tuple[str, str, int]:
    """'<free><bound>,<bound><out>-><free><out>' with the bias over <out> (Keras' projection layout)."""
    f, b, o = _letters(free), _letters(bound, free), _letters(out, free + bound)
    return f"{f}{b},{b}{o}->{f}{o}", o, free + out


def _attention_equations(rank: int, attn_axes: tuple[int, ...]) -> tuple[str, str, int]:
    """Einsum equations for scores = key . query and output = scores . value over projected tensors of
    shape (batch, <other dims>, <attention dims>, heads, channels); scores are laid out as
    (<batch dims incl. heads>, <query attention dims>, <key attention dims>)."""
    target = _letters(rank)
    batch = [i for i in range(rank) if i not in attn_axes and i != rank - 1]
    source = list(target)
    extra = iter(string.ascii_lowercase[rank:])
    for i in attn_axes:
        source[i] = next(extra)
    source = "".join(source)
    product = "".join([target[i] for i in batch] + [target[i] for i in attn_axes] +
                      [source[i] for i in attn_axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


def _tensor(x: Any) -> Any:
    """Arguments past the first reach call() as given: make arrays tensors (float arrays as float32)."""
    if x is None or hasattr(x, "rank"):
        return x
    a = np.asarray(x)
    return ENGINE.to_tensor(a.astype(np.float32) if a.dtype.kind == "f" else a)


def _clone(init: Any) -> Any:
    try:
        return type(init).from_config(init.get_config())
    except (AttributeError, TypeError, NotImplementedError):
        return init


@builtin("keras.layers")
class MultiHeadAttention(Layer):
    """Multi-head scaled dot-product attention (Vaswani et al.): `query`, `value` and `key` (default:
    `value`) are projected per head by EinsumDense sublayers named query/key/value, attention weights are
    `softmax(q . k / sqrt(key_dim))` over the attention axes (masked positions excluded), and the heads'
    combined values are projected back by the `attention_output` sublayer.

    call(query, value, key=None, attention_mask=None, return_attention_scores=False, training=None,
    use_causal_mask=False): attention_mask is boolean (B, T, S) (True = may attend); the Keras mask of
    `query` (the layer's `mask`) and the `query_mask`/`value_mask`/`key_mask` arguments combine with it."""

    supports_masking = True

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0,
                 use_bias: bool = True, output_shape: Any = None, attention_axes: Any = None,
                 sliding_window: int | None = None, flash_attention: Any = None,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, use_gate: bool = False,
                 seed: int | None = None, **kwargs: Any) -> None:
        def positive(v: Any, name: str) -> int:
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
                raise InvalidArgumentError(f"MultiHeadAttention: {name} must be a positive integer, got {v!r}")
            return int(v)
        num_heads = positive(num_heads, "num_heads")
        key_dim = positive(key_dim, "key_dim")
        if value_dim is not None:
            value_dim = positive(value_dim, "value_dim")
        # Keras' layer-level activity regularizer goes to the sublayers, not to this layer's output
        super().__init__(**kwargs)
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        if not 0.0 <= float(dropout) < 1.0:
            raise InvalidArgumentError(f"MultiHeadAttention: dropout must be in [0, 1), got {dropout!r}")
        self._dropout = float(dropout)
        self._use_bias = bool(use_bias)
        self._use_gate = bool(use_gate)
        if output_shape:
            if isinstance(output_shape, (int, np.integer)):
                output_shape = (int(output_shape),)
            try:
                output_shape = tuple(int(d) for d in output_shape)
            except (TypeError, ValueError):
                raise InvalidArgumentError(f"MultiHeadAttention: output_shape must be an int or a list of ints, "
                                           f"got {output_shape!r}") from None
        else:
            output_shape = None
        self._output_shape = output_shape
        if isinstance(attention_axes, (int, np.integer)):
            attention_axes = (int(attention_axes),)
        elif attention_axes is not None:
            if not isinstance(attention_axes, (list, tuple)):
                raise InvalidArgumentError(f"MultiHeadAttention: attention_axes must be an int, a list or a tuple, "
                                           f"got {attention_axes!r}")
            attention_axes = tuple(int(a) for a in attention_axes)
        self._attention_axes = attention_axes
        if sliding_window is not None:
            sliding_window = positive(sliding_window, "sliding_window")
        self._sliding_window = sliding_window
        self._flash_attention = flash_attention
        self.seed = seed
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._mha_activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))
        self._projections_built = False
        self._dropout_calls = 0

    # ---- Keras' public properties ---------------------------------------------------------------
    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # ---- building -------------------------------------------------------------------------------
    def _sublayer_kwargs(self) -> dict:
        return dict(kernel_initializer=_clone(self._kernel_initializer),
                    bias_initializer=_clone(self._bias_initializer),
                    kernel_regularizer=self._kernel_regularizer, bias_regularizer=self._bias_regularizer,
                    activity_regularizer=self._mha_activity_regularizer,
                    kernel_constraint=self._kernel_constraint, bias_constraint=self._bias_constraint)

    def _projection(self, rank: int, last: list[int], name: str, bound: int = 1,
                    activation: Any = None) -> EinsumDense:
        equation, bias_axes, out_rank = _projection_equation(rank - 1, bound, len(last))
        return EinsumDense(equation, output_shape=[None] * (out_rank - 1 - len(last)) + list(last),
                           bias_axes=bias_axes if self._use_bias else None, activation=activation, name=name,
                           **self._sublayer_kwargs())

    def build(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> None:
        if value_shape is None:  # Layer.__call__ knows only the query: the projections are built on call
            self._deferred_initial_weights, self._initial_weights = self._initial_weights, None
            return
        self._build_projections(query_shape, value_shape, key_shape)

    def _build_projections(self, query_shape: Any, value_shape: Any, key_shape: Any = None) -> None:
        who = f"MultiHeadAttention {self.name!r}"
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        self._shapes_dict = {"query_shape": list(query_shape), "value_shape": list(value_shape)}
        if key_shape is not None:
            self._shapes_dict["key_shape"] = list(key_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ShapeError(f"{who}: all dimensions of value and key except the last must be equal, got value "
                             f"shape {list(value_shape)} and key shape {list(key_shape)}")
        if len(query_shape) < 3 or len(value_shape) < 3:
            raise ShapeError(f"{who}: query and value must have rank 3 or more (batch, positions..., features), "
                             f"got query shape {list(query_shape)} and value shape {list(value_shape)}")
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if shape[-1] is None:
                raise ShapeError(f"{who}: the last dimension of {what} must be known, got shape {list(shape)}")
        q_rank, v_rank, k_rank = len(query_shape), len(value_shape), len(key_shape)
        heads = self._num_heads
        self._query_dense = self._projection(q_rank, [heads, self._key_dim], "query")
        self._query_dense._maybe_build(query_shape)
        self._key_dense = self._projection(k_rank, [heads, self._key_dim], "key")
        self._key_dense._maybe_build(key_shape)
        if self._use_gate:
            self._gate_dense = self._projection(q_rank, [heads, self._value_dim], "gate", activation="sigmoid")
            self._gate_dense._maybe_build(query_shape)
        self._value_dense = self._projection(v_rank, [heads, self._value_dim], "value")
        self._value_dense._maybe_build(value_shape)
        rank = v_rank + 1  # rank of the projected tensors
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(a if a >= 0 else (rank - 1) + a for a in self._attention_axes)
        if any(not 1 <= a < rank - 2 for a in self._attention_axes):
            raise ShapeError(f"{who}: attention_axes {list(self._attention_axes)} must name axes of the inputs "
                             f"between the batch axis and the feature axis (inputs of rank {v_rank})")
        self._dot_equation, self._combine_equation, scores_rank = _attention_equations(rank, self._attention_axes)
        self._softmax_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        out_last = list(self._output_shape) if self._output_shape else [query_shape[-1]]
        self._output_dense = self._projection(q_rank, out_last, "attention_output", bound=2)
        self._output_dense._maybe_build((*query_shape[:-1], heads, self._value_dim))
        self._projections_built = True
        pending = getattr(self, "_deferred_initial_weights", None)
        if pending is not None:
            self._deferred_initial_weights = None
            self.set_weights(pending)

    @classmethod
    def from_config(cls, config: dict) -> "MultiHeadAttention":
        """Also reads tf.keras 2 configs, which carry query_shape/key_shape/value_shape (then it builds)."""
        config = dict(config)
        shapes = {k: config.pop(k, None) for k in ("query_shape", "key_shape", "value_shape")}
        layer = cls(**config)
        if shapes["query_shape"] is not None and shapes["value_shape"] is not None:
            layer.build_from_config({"shapes_dict": shapes})
        return layer

    def get_build_config(self) -> dict | None:
        shapes = getattr(self, "_shapes_dict", None)
        return {"shapes_dict": shapes} if shapes is not None else None

    def build_from_config(self, config: dict) -> None:
        """Builds from Keras' build config ({"shapes_dict": {query_shape, value_shape, key_shape}})."""
        if not config:
            return
        shapes = config.get("shapes_dict")
        if shapes is None:
            raise InvalidArgumentError(f"MultiHeadAttention {self.name!r}: build config needs 'shapes_dict', got "
                                       f"{config!r}")
        if not self._projections_built:
            self._build_input_shape = tuple(shapes["query_shape"])
            self._build_projections(shapes["query_shape"], shapes["value_shape"], shapes.get("key_shape"))
            self.built = True

    # ---- calling --------------------------------------------------------------------------------
    def _causal_mask(self, t: int, s: int) -> Any:
        return ENGINE.to_tensor(np.tril(np.ones((1, t, s), dtype=bool)))

    def _window_mask(self, t: int, s: int) -> Any:
        rows, cols = np.arange(t)[:, None], np.arange(s)[None, :]
        return ENGINE.to_tensor((np.abs(rows - cols) < self._sliding_window)[None])

    def _attention_mask(self, query: Any, value: Any, query_mask: Any, value_mask: Any, key_mask: Any,
                        attention_mask: Any, use_causal_mask: bool) -> Any:
        def as_bool(m: Any) -> Any:
            m = m if hasattr(m, "rank") else ENGINE.to_tensor(np.asarray(m))
            return m if m.dtype == "bool" else ops.cast(m, "bool")
        auto = None
        parts = []
        if query_mask is not None:
            parts.append(ops.expand_dims(as_bool(query_mask), -1))  # (B, T, 1)
        if value_mask is not None:
            parts.append(ops.expand_dims(as_bool(value_mask), -2))  # (B, 1, S)
        if key_mask is not None:
            parts.append(ops.expand_dims(as_bool(key_mask), -2))
        t, s = query.shape[1], value.shape[1]
        if use_causal_mask:
            parts.append(self._causal_mask(t, s))
        if self._sliding_window is not None:
            parts.append(self._window_mask(t, s))
        for p in parts:
            auto = p if auto is None else ops.logical_and(auto, p)
        if attention_mask is not None:
            attention_mask = as_bool(attention_mask)
            return attention_mask if auto is None else ops.logical_and(attention_mask, auto)
        return auto

    def _masked_softmax(self, scores: Any, mask: Any, zero_masked: bool) -> Any:
        if mask is not None:
            while mask.rank < scores.rank:  # insert the heads axis (and any other missing ones)
                mask = ops.expand_dims(mask, -len(self._attention_axes) * 2 - 1)
            if any(m not in (1, d) for m, d in zip(mask.shape, scores.shape)):
                raise ShapeError(f"MultiHeadAttention {self.name!r}: the attention mask must broadcast to the "
                                 f"attention scores of shape {list(scores.shape)}, got mask shape "
                                 f"{list(mask.shape)}")
            scores = ops.where(mask, scores, ENGINE.to_tensor(np.float32(_MASKED_LOGIT)))
        if len(self._softmax_axes) == 1:
            probs = ops.softmax(scores)
        else:
            probs = ops.exp(ops.sub(scores, ops.log_sum_exp(scores, list(self._softmax_axes), True)))
        if mask is not None and zero_masked:
            probs = ops.where(mask, probs, ops.zeros_like(probs))
        return probs

    def _apply_dropout(self, x: Any, training: bool) -> Any:
        if not training or self._dropout <= 0.0:
            return x
        seed = None
        if self.seed is not None:
            seed = self.seed + self._dropout_calls
            self._dropout_calls += 1
        keep = ops.greater_equal(ops.random_uniform(list(x.shape), 0, 1, "float32", seed), self._dropout)
        return ops.where(keep, ops.div(x, 1.0 - self._dropout), ops.zeros_like(x))

    def _check_inputs(self, query: Any, value: Any, key: Any) -> None:
        who = f"MultiHeadAttention {self.name!r}"
        q_shape = self._shapes_dict["query_shape"]
        v_shape = self._shapes_dict["value_shape"]
        k_shape = self._shapes_dict.get("key_shape", v_shape)
        for what, t, built in (("query", query, q_shape), ("value", value, v_shape), ("key", key, k_shape)):
            if t.rank != len(built) or t.shape[-1] != built[-1]:
                raise ShapeError(f"{who}: expected {what} of rank {len(built)} with last dimension {built[-1]}, "
                                 f"got shape {list(t.shape)}")
        if tuple(value.shape[:-1]) != tuple(key.shape[:-1]):
            raise ShapeError(f"{who}: value and key must agree on all dimensions but the last, got value shape "
                             f"{list(value.shape)} and key shape {list(key.shape)}")
        if query.shape[0] != value.shape[0]:
            raise ShapeError(f"{who}: query and value must have the same batch size, got query shape "
                             f"{list(query.shape)} and value shape {list(value.shape)}")

    def call(self, query: Any, value: Any, key: Any = None, query_mask: Any = None, value_mask: Any = None,
             key_mask: Any = None, attention_mask: Any = None, return_attention_scores: bool = False,
             training: bool = False, use_causal_mask: bool = False, mask: Any = None) -> Any:
        value, key = _tensor(value), _tensor(key)
        key_given = key is not None
        if key is None:
            key = value
        if not self._projections_built:
            self._build_projections(query.shape, value.shape, key.shape if key_given else None)
        self._check_inputs(query, value, key)
        # As in Keras, the query's mask is its Keras mask (`mask`), whatever `query_mask` says; value and
        # key masks come from the arguments, or from the query's mask when they are the query itself
        # (self-attention in a functional graph).
        if isinstance(mask, (list, tuple)):
            masks = list(mask) + [None, None]
            mask = masks[0]
            value_mask = masks[1] if value_mask is None else value_mask
            key_mask = masks[2] if key_mask is None and key_given else key_mask
        query_mask = mask
        if query_mask is not None and value_mask is None and value is query:
            value_mask = query_mask
        if query_mask is not None and key_mask is None and key_given and key is query:
            key_mask = query_mask
        attention_mask = self._attention_mask(query, value, query_mask, value_mask, key_mask, attention_mask,
                                              bool(use_causal_mask))
        gate = self._gate_dense(query) if self._use_gate else None
        q = self._query_dense(query)
        k = self._key_dense(key)
        v = self._value_dense(value)
        # Keras uses its fused dot-product attention when it can (no dropout, no scores asked, rank-4
        # projections); that path does not zero fully masked rows, the explicit one does.
        fused = not (self._dropout > 0.0 or return_attention_scores or q.rank != 4)
        q = ops.mul(q, self._inverse_sqrt_key_dim)
        scores = ops.einsum(self._dot_equation, k, q)
        scores = self._masked_softmax(scores, attention_mask, zero_masked=not fused)
        attended = ops.einsum(self._combine_equation, self._apply_dropout(scores, bool(training)), v)
        if gate is not None:
            attended = ops.mul(attended, gate)
        output = self._output_dense(attended)
        if return_attention_scores:
            return output, scores
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            return mask[0]
        return mask

    def compute_output_shape(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> Any:
        query_shape = tuple(query_shape)
        if value_shape is not None:
            value_shape = tuple(value_shape)
            key_shape = value_shape if key_shape is None else tuple(key_shape)
            if value_shape[1:-1] != key_shape[1:-1]:
                raise ShapeError(f"MultiHeadAttention {self.name!r}: all dimensions of value and key except the "
                                 f"last must be equal, got value shape {list(value_shape)} and key shape "
                                 f"{list(key_shape)}")
        if self._output_shape:
            return (*query_shape[:-1], *self._output_shape)
        return query_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        axes = self._attention_axes
        config.update({
            "num_heads": self._num_heads, "key_dim": self._key_dim, "value_dim": self._value_dim,
            "dropout": self._dropout, "use_bias": self._use_bias, "use_gate": self._use_gate,
            "output_shape": list(self._output_shape) if self._output_shape else None,
            "attention_axes": list(axes) if axes is not None else None,
            "sliding_window": self._sliding_window,
            "kernel_initializer": serialize(self._kernel_initializer),
            "bias_initializer": serialize(self._bias_initializer),
            "kernel_regularizer": serialize(self._kernel_regularizer),
            "bias_regularizer": serialize(self._bias_regularizer),
            "activity_regularizer": serialize(self._mha_activity_regularizer),
            "kernel_constraint": serialize(self._kernel_constraint),
            "bias_constraint": serialize(self._bias_constraint),
            "seed": self.seed,
        })
        return config

