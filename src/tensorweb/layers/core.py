"""Core layers: Dense (more: Activation, Embedding, Masking, EinsumDense, Identity)."""
from __future__ import annotations

from typing import Any

from .. import ops
from ..errors import InvalidArgumentError, ShapeError
from . import activations, constraints, initializers, regularizers
from .base import Layer
from .serialization import builtin, serialize

__all__ = ["Dense", "Activation", "Identity", "Embedding", "Masking", "EinsumDense", "Lambda"]


@builtin("keras.layers")
class Dense(Layer):
    """`activation(inputs @ kernel + bias)`, applied to the last axis."""

    supports_masking = True

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, lora_rank: Any = None,
                 lora_alpha: Any = None, quantization_config: Any = None, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if quantization_config is not None:
            raise InvalidArgumentError("Dense: quantization_config is not supported")
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise InvalidArgumentError(f"Dense: units must be a positive integer, got {units!r}")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape: Any) -> None:
        if not input_shape or input_shape[-1] is None:
            raise ShapeError(f"Dense {self.name!r}: the last dimension of the input must be known, got input "
                             f"shape {list(input_shape) if input_shape else input_shape}")
        self.input_dim = int(input_shape[-1])
        self.kernel = self.add_weight((self.input_dim, self.units), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.bias = self.add_weight((self.units,), self.bias_initializer, regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint, name="bias") if self.use_bias else None

    def call(self, inputs: Any) -> Any:
        if inputs.shape[-1] != self.input_dim:
            raise ShapeError(f"Dense {self.name!r}: expected inputs with last dimension {self.input_dim}, got "
                             f"shape {list(inputs.shape)}")
        if inputs.rank == 2:
            x = ops.mat_mul(inputs, self.kernel)
        else:  # contract the last axis of any-rank inputs
            flat = ops.mat_mul(ops.reshape(inputs, [-1, self.input_dim]), self.kernel)
            x = ops.reshape(flat, [*inputs.shape[:-1], self.units])
        if self.bias is not None:
            x = ops.add(x, self.bias)
        return self.activation(x)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "units": self.units, "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
            "kernel_initializer": serialize(self.kernel_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "kernel_regularizer": serialize(self.kernel_regularizer),
            "bias_regularizer": serialize(self.bias_regularizer),
            "kernel_constraint": serialize(self.kernel_constraint),
            "bias_constraint": serialize(self.bias_constraint),
            "quantization_config": None,
        })
        return config


# ---------------------------------------------------------------------------------------------------------
def _shape_list(shape: Any) -> list:
    return list(shape) if shape is not None else shape


@builtin("keras.layers")
class Activation(Layer):
    """Applies an activation function (a name, a serialized activation or a callable) to its input."""

    supports_masking = True

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config


@builtin("keras.layers")
class Identity(Layer):
    """Returns its input unchanged (masks pass through)."""

    supports_masking = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


@builtin("keras.layers")
class Embedding(Layer):
    """Looks up rows of an `(input_dim, output_dim)` table for integer indices: output shape
    `(*input_shape, output_dim)`. With `mask_zero=True` index 0 is padding: the output mask is `inputs != 0`."""

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, embeddings_constraint: Any = None, mask_zero: bool = False,
                 weights: Any = None, lora_rank: Any = None, lora_alpha: Any = None,
                 quantization_config: Any = None, input_length: Any = None, activity_regularizer: Any = None,
                 **kwargs: Any) -> None:
        # input_length: tf.keras 2 / TF.js argument (only used for shape inference there); accepted and ignored.
        super().__init__(activity_regularizer=activity_regularizer, weights=weights, **kwargs)
        for arg, v in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                raise InvalidArgumentError(f"Embedding: {arg} must be a positive integer, got {v!r}")
        if quantization_config is not None:
            raise InvalidArgumentError("Embedding: quantization_config is not supported")
        self.input_dim, self.output_dim = input_dim, output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha

    def build(self, input_shape: Any = None) -> None:
        self.embeddings = self.add_weight((self.input_dim, self.output_dim), self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint, name="embeddings")

    def call(self, inputs: Any) -> Any:
        if inputs.dtype != "int32":
            inputs = ops.cast(inputs, "int32")
        return ops.gather(self.embeddings, inputs)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return (*tuple(input_shape), self.output_dim)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim, "output_dim": self.output_dim,
            "embeddings_initializer": serialize(self.embeddings_initializer),
            "embeddings_regularizer": serialize(self.embeddings_regularizer),
            "activity_regularizer": serialize(self.activity_regularizer),
            "embeddings_constraint": serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero, "quantization_config": None,
        })
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config


@builtin("keras.layers")
class Masking(Layer):
    """Marks timesteps whose features all equal `mask_value` as padding: they become zeros in the output and
    the output mask (shape = input shape without the last axis) is False there."""

    supports_masking = True

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return ops.any(ops.not_equal(inputs, self.mask_value), -1)

    def call(self, inputs: Any) -> Any:
        keep = ops.any(ops.not_equal(inputs, self.mask_value), -1, True)
        return ops.mul(inputs, ops.cast(keep, inputs.dtype))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config


# ---- EinsumDense ------------------------------------------------------------------------------------------
def _analyze_einsum(equation: str, bias_axes: str | None, input_shape: Any, output_shape: Any,
                    who: str) -> tuple[list, list | None, list, list, list]:
    """(kernel shape, bias shape or None, full output shape, kernel input axes, kernel output axes), as
    Keras 3 derives them from the equation ('ab,bc->ac', '...b,bc->...c' or 'ab...,bc->ac...')."""
    import re
    replaced = equation.replace("...", "0")
    left = False
    m = re.fullmatch(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", replaced)
    if m is None:
        m = re.fullmatch(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", replaced)
        left = m is not None
    if m is None:
        m = re.fullmatch(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", replaced)
    if m is None:
        raise InvalidArgumentError(f"{who}: invalid einsum equation {equation!r}; equations must be of the form "
                                   f"[X],[Y]->[Z], ...[X],[Y]->...[Z] or [X]...,[Y]->[Z]...")
    in_spec, w_spec, out_spec = m.group(1), m.group(2), m.group(3)
    input_shape = list(input_shape)
    elided = len(input_shape) - len(in_spec)
    if elided < 0 or (elided > 0 and "..." not in equation):
        raise ShapeError(f"{who}: the equation {equation!r} expects inputs of rank {len(in_spec)}, got shape "
                         f"{input_shape}")
    out = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    out.insert(0, input_shape[0])
    if elided > 0 and left:  # (Keras 3 inserts these in reverse order in its symbolic shapes; eager is in order)
        out[1:1] = input_shape[1:elided]
    elif elided > 0:
        for i in range(len(input_shape) - elided, len(input_shape)):
            out.append(input_shape[i])
    if left:
        in_map = {d: i + elided - len(input_shape) for i, d in enumerate(in_spec)}
        out_map = {d: i + elided for i, d in enumerate(out_spec)}
    else:
        in_map = {d: i for i, d in enumerate(in_spec)}
        out_map = {d: i for i, d in enumerate(out_spec)}
    if len(out) != len(out_spec) + (elided if elided > 0 else 0):
        raise ShapeError(f"{who}: output_shape {list(output_shape) if not isinstance(output_shape, int) else output_shape}"
                         f" does not fit the equation {equation!r} (output spec {out_spec!r})")
    for d in in_spec:
        if d in out_map:
            o = out[out_map[d]]
            if o is not None and o != input_shape[in_map[d]]:
                raise ShapeError(f"{who}: input shape and output shape do not match at shared dimension {d!r}: "
                                 f"input has {input_shape[in_map[d]]}, output_shape has {o} (input shape "
                                 f"{input_shape})")
            out[out_map[d]] = input_shape[in_map[d]] if o is None else o
    for d in out_spec:
        if d not in in_spec and d not in w_spec:
            raise InvalidArgumentError(f"{who}: dimension {d!r} of the output {out_spec!r} is in neither the input "
                                       f"spec {in_spec!r} nor the weight spec {w_spec!r}")
    kernel, in_axes, out_axes = [], [], []
    for i, d in enumerate(w_spec):
        if d in out_map:
            kernel.append(out[out_map[d]])
            out_axes.append(i)
        elif d in in_map:
            kernel.append(input_shape[in_map[d]])
            in_axes.append(i)
        else:
            raise InvalidArgumentError(f"{who}: weight dimension {d!r} matches neither the input spec {in_spec!r} "
                                       f"nor the output spec {out_spec!r}")
    bias = None
    if bias_axes is not None:
        n_left = elided if left else 0
        idx = {c: out[i + n_left] for i, c in enumerate(out_spec)}
        for c in bias_axes:
            if c not in out_spec:
                raise InvalidArgumentError(f"{who}: bias dimension {c!r} is not part of the output spec "
                                           f"{out_spec!r}")
        first = min(out_spec.find(c) for c in bias_axes)
        bias = [idx[c] if c in bias_axes else 1 for c in out_spec[first:]]
        if not left:
            bias.extend([1] * max(elided, 0))
    return kernel, bias, out, in_axes, out_axes


class _AxesInitializer:
    """Wraps a VarianceScaling initializer so that its fans come from given kernel axes (Keras 3's
    input_axes/output_axes): draws a (fan_in, fan_out) matrix and reshapes it (the values are i.i.d.)."""

    def __init__(self, base: Any, fan_in: int, fan_out: int) -> None:
        self.base, self.fan_in, self.fan_out = base, fan_in, fan_out

    def __call__(self, shape: Any, dtype: str | None = "float32") -> Any:
        return ops.reshape(self.base((self.fan_in, self.fan_out), dtype), list(shape))


@builtin("keras.layers")
class EinsumDense(Layer):
    """A dense layer written as an einsum: `activation(einsum(equation, inputs, kernel) + bias)`;
    `output_shape` gives the output's dimensions without the batch (None = same as the input's)."""

    def __init__(self, equation: str, output_shape: Any, activation: Any = None, bias_axes: str | None = None,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, lora_rank: Any = None, lora_alpha: Any = None,
                 gptq_unpacked_column_size: Any = None, quantization_config: Any = None,
                 activity_regularizer: Any = None, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(equation, str):
            raise InvalidArgumentError(f"EinsumDense: equation must be a string, got {equation!r}")
        self.equation = equation
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        if quantization_config is not None:
            raise InvalidArgumentError("EinsumDense: quantization_config is not supported")
        self.lora_rank, self.lora_alpha = lora_rank, lora_alpha

    def build(self, input_shape: Any) -> None:
        who = f"EinsumDense {self.name!r}"
        kernel_shape, bias_shape, self._full_output_shape, in_axes, out_axes = _analyze_einsum(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape, who)
        if any(k is None for k in kernel_shape) or (bias_shape and any(b is None for b in bias_shape)):
            raise ShapeError(f"{who}: cannot size the weights of {self.equation!r}: a dimension they use is unknown "
                             f"(input shape {list(input_shape)}, output_shape {list(self.partial_output_shape)})")
        self._input_rank = len(input_shape)
        init = self.kernel_initializer
        if isinstance(init, initializers.VarianceScaling) and (getattr(init, "input_axes", None) is None or
                                                               getattr(init, "output_axes", None) is None):
            if hasattr(init, "input_axes"):  # Keras 3: fans from the kernel's input and output axes
                cfg = dict(init.get_config(), input_axes=in_axes, output_axes=out_axes)
                init = type(init).from_config(cfg)
            else:
                import math
                init = _AxesInitializer(init, math.prod(kernel_shape[i] for i in in_axes),
                                        math.prod(kernel_shape[i] for i in out_axes))
        self.kernel = self.add_weight(tuple(kernel_shape), init, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = self.add_weight(tuple(bias_shape), self.bias_initializer, regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint, name="bias") if bias_shape is not None else None

    def call(self, inputs: Any) -> Any:
        if inputs.rank != self._input_rank:
            raise ShapeError(f"EinsumDense {self.name!r}: expected inputs of rank {self._input_rank} (equation "
                             f"{self.equation!r}), got shape {list(inputs.shape)}")
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        return self.activation(x)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(_analyze_einsum(self.equation, self.bias_axes, input_shape, self.partial_output_shape,
                                     f"EinsumDense {self.name!r}")[2])

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "output_shape": list(self.partial_output_shape), "equation": self.equation,
            "activation": activations.serialize(self.activation), "bias_axes": self.bias_axes,
            "kernel_initializer": serialize(self.kernel_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "kernel_regularizer": serialize(self.kernel_regularizer),
            "bias_regularizer": serialize(self.bias_regularizer),
            "activity_regularizer": serialize(self.activity_regularizer),
            "kernel_constraint": serialize(self.kernel_constraint),
            "bias_constraint": serialize(self.bias_constraint),
            "quantization_config": None,
        })
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config


@builtin("keras.layers")
class Lambda(Layer):
    """Wraps a Python function of tensors as a layer: `function(inputs, **arguments)`. The function cannot be
    saved: get_config raises (Keras 3 also refuses to load Lambda bytecode by default)."""

    def __init__(self, function: Any, output_shape: Any = None, mask: Any = None, arguments: dict | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise InvalidArgumentError(f"Lambda: function must be callable, got {function!r}")
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        self._mask = mask
        self.supports_masking = mask is not None

    def call(self, inputs: Any, mask: Any = None, training: bool = False) -> Any:
        import inspect
        kwargs = dict(self.arguments)
        try:
            params = inspect.signature(self.function).parameters
        except (TypeError, ValueError):
            params = {}
        if "mask" in params:
            kwargs["mask"] = mask
        if "training" in params:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if callable(self._mask):
            return self._mask(inputs, mask)
        return self._mask

    def get_config(self) -> dict:
        raise InvalidArgumentError(f"Lambda {self.name!r}: a Lambda layer wraps a Python function, which cannot be "
                                   f"serialized; write a custom Layer subclass and register it with "
                                   f"@tw.layers.register_class instead")
