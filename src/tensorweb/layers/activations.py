"""Activation functions, Keras 3-compatible: plain functions of a Tensor, written with ops (differentiable).

Formulas are Keras 3's (notably hard_sigmoid(x) = relu6(x + 3) / 6 and gelu's exact erf form by default);
TF.js's extra name gelu_new (the tanh approximation of gelu) and its camelCase names (hardSigmoid,
logSoftmax) are accepted by `get`. Built-ins serialize as their name string, as Keras 3 writes them.
"""
from __future__ import annotations

import inspect
import math
import numbers
from typing import Any, Callable

from .. import ops as _ops
from ..core.engine import ENGINE
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError
from . import serialization as _ser

__all__ = ["elu", "selu", "relu", "relu6", "leaky_relu", "linear", "sigmoid", "hard_sigmoid", "softplus",
           "softsign", "tanh", "softmax", "log_softmax", "gelu", "gelu_new", "mish", "swish", "silu",
           "hard_silu", "hard_swish", "exponential", "crelu", "legacy_hard_sigmoid", "get", "serialize",
           "deserialize"]



def _x(x: Any, who: str) -> Tensor:
    t = x if isinstance(x, Tensor) else _ops.tensor(x)
    if t.dtype != "float32":
        t = _ops.cast(t, "float32") if t.dtype in ("int32", "bool") else t
    if t.dtype != "float32":
        raise InvalidArgumentError(f"{who}: expected a real (float32, int32 or bool) tensor, got dtype {t.dtype}")
    return t


def _num(v: Any, name: str, who: str) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise InvalidArgumentError(f"{who}: {name} must be a number, got {v!r}")
    return float(v)


def _tidy(fn: Callable[[], Tensor]) -> Tensor:
    return ENGINE.tidy(fn)


def linear(x: Any) -> Tensor:
    """The identity: x unchanged."""
    return x


def relu(x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Tensor:
    """max(x, 0) by default; Keras 3's general form: x where x > threshold, else
    negative_slope * (x - threshold); then clipped at max_value when given."""
    ns, th = _num(negative_slope, "negative_slope", "relu"), _num(threshold, "threshold", "relu")
    mv = None if max_value is None else _num(max_value, "max_value", "relu")

    def compute() -> Tensor:
        t = _x(x, "relu")
        if ns == 0.0 and mv is None and th == 0.0:
            return _ops.relu(t)
        if ns != 0.0 and mv is None and th == 0.0:
            return _ops.leaky_relu(t, ns)
        if ns != 0.0:
            negative_part = _ops.relu(_ops.sub(th, t))
        if th != 0.0:
            y = _ops.mul(t, _ops.cast(_ops.greater(t, th), "float32"))
        else:
            y = _ops.relu(t)
        if mv is not None:
            y = _ops.minimum(y, mv)
        if ns != 0.0:
            y = _ops.sub(y, _ops.mul(negative_part, ns))
        return y
    return _tidy(compute)


def relu6(x: Any) -> Tensor:
    """min(max(x, 0), 6)."""
    return _ops.relu6(_x(x, "relu6"))


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Tensor:
    """x for x >= 0, negative_slope * x otherwise."""
    return _ops.leaky_relu(_x(x, "leaky_relu"), _num(negative_slope, "negative_slope", "leaky_relu"))


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    a = _num(alpha, "alpha", "elu")
    if a == 1.0:
        return _ops.elu(_x(x, "elu"))

    def compute() -> Tensor:
        t = _x(x, "elu")
        neg = _ops.mul(_ops.expm1(_ops.minimum(t, 0.0)), a)
        return _ops.where(_ops.greater(t, 0.0), t, neg)
    return _tidy(compute)


def selu(x: Any) -> Tensor:
    """scale * x for x > 0, scale * alpha * (exp(x) - 1) otherwise (alpha ~ 1.6733, scale ~ 1.0507)."""
    return _ops.selu(_x(x, "selu"))


def sigmoid(x: Any) -> Tensor:
    """1 / (1 + exp(-x))."""
    return _ops.sigmoid(_x(x, "sigmoid"))


def hard_sigmoid(x: Any) -> Tensor:
    """Keras 3's piecewise-linear sigmoid: relu6(x + 3) / 6 (0 below -3, 1 above 3, x / 6 + 0.5 between)."""
    return _tidy(lambda: _ops.div(_ops.relu6(_ops.add(_x(x, "hard_sigmoid"), 3.0)), 6.0))


def legacy_hard_sigmoid(x: Any) -> Tensor:
    """tf.keras 2's and TF.js's hard_sigmoid: clip(0.2 * x + 0.5, 0, 1) (what 'hard_sigmoid' means in TF.js
    layers-model files)."""
    return _tidy(lambda: _ops.clip_by_value(_ops.add(_ops.mul(_x(x, "legacy_hard_sigmoid"), 0.2), 0.5), 0.0, 1.0))


def softplus(x: Any) -> Tensor:
    """log(exp(x) + 1), computed stably."""
    return _ops.softplus(_x(x, "softplus"))


def softsign(x: Any) -> Tensor:
    """x / (|x| + 1)."""
    return _tidy(lambda: _ops.div(_x(x, "softsign"), _ops.add(_ops.abs(_x(x, "softsign")), 1.0)))


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent."""
    return _ops.tanh(_x(x, "tanh"))


def exponential(x: Any) -> Tensor:
    """exp(x)."""
    return _ops.exp(_x(x, "exponential"))


def _move_axis_last(t: Tensor, axis: int, who: str) -> tuple[int, list[int] | None]:
    rank = t.rank
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not -rank <= axis < max(rank, 1):
        raise InvalidArgumentError(f"{who}: axis must be an integer in [-{rank}, {rank}) for a rank-{rank} "
                                   f"input, got {axis!r}")
    a = int(axis) % rank
    if a == rank - 1:
        return a, None
    perm = [i for i in range(rank) if i != a] + [a]
    return a, perm


def _inverse(perm: list[int]) -> list[int]:
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return inv


def _along(x: Any, axis: Any, who: str, fn: Callable[[Tensor], Tensor]) -> Tensor:
    def compute() -> Tensor:
        t = _x(x, who)
        if t.rank == 0:
            raise InvalidArgumentError(f"{who}: expected a tensor of rank >= 1, got a scalar")
        if isinstance(axis, (list, tuple)):
            axes = [a % t.rank if isinstance(a, numbers.Integral) and -t.rank <= a < t.rank else None
                    for a in axis]
            if not axes or None in axes or len(set(axes)) != len(axes):
                raise InvalidArgumentError(f"{who}: axis must be distinct integers in [-{t.rank}, {t.rank}), "
                                           f"got {axis!r}")
            # several axes: flatten them into one last axis
            rest = [i for i in range(t.rank) if i not in axes]
            perm = rest + axes
            moved = _ops.transpose(t, perm)
            kept = list(moved.shape[:len(rest)])
            flat = _ops.reshape(moved, kept + [-1])
            out = _ops.reshape(fn(flat), moved.shape)
            return _ops.transpose(out, _inverse(perm))
        _, perm = _move_axis_last(t, axis, who)
        if perm is None:
            return fn(t)
        return _ops.transpose(fn(_ops.transpose(t, perm)), _inverse(perm))
    return _tidy(compute)


def softmax(x: Any, axis: Any = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along `axis` (any axis, or a list of axes)."""
    return _along(x, axis, "softmax", lambda t: _ops.softmax(t, -1))


def log_softmax(x: Any, axis: Any = -1) -> Tensor:
    """x - log(sum(exp(x))) along `axis` (any axis, or a list of axes)."""
    return _along(x, axis, "log_softmax", lambda t: _ops.log_softmax(t, -1))


def gelu(x: Any, approximate: bool = False) -> Tensor:
    """Gaussian error linear unit: 0.5 * x * (1 + erf(x / sqrt(2))); with approximate=True the tanh form
    0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))."""
    if approximate:
        return gelu_new(x)

    def compute() -> Tensor:
        t = _x(x, "gelu")
        cdf = _ops.mul(_ops.add(_ops.erf(_ops.mul(t, 1.0 / math.sqrt(2.0))), 1.0), 0.5)
        return _ops.mul(t, cdf)
    return _tidy(compute)


def gelu_new(x: Any) -> Tensor:
    """TF.js's name for gelu's tanh approximation: 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))."""
    def compute() -> Tensor:
        t = _x(x, "gelu_new")
        inner = _ops.mul(_ops.add(t, _ops.mul(_ops.pow(t, 3.0), 0.044715)), math.sqrt(2.0 / math.pi))
        return _ops.mul(_ops.mul(t, 0.5), _ops.add(_ops.tanh(inner), 1.0))
    return _tidy(compute)


def mish(x: Any) -> Tensor:
    """x * tanh(softplus(x))."""
    return _tidy(lambda: _ops.mul(_x(x, "mish"), _ops.tanh(_ops.softplus(_x(x, "mish")))))


def silu(x: Any) -> Tensor:
    """x * sigmoid(x) (also called swish)."""
    return _tidy(lambda: _ops.mul(_x(x, "silu"), _ops.sigmoid(_x(x, "silu"))))


def swish(x: Any) -> Tensor:
    """x * sigmoid(x) (also called silu)."""
    return _tidy(lambda: _ops.mul(_x(x, "swish"), _ops.sigmoid(_x(x, "swish"))))


def hard_silu(x: Any) -> Tensor:
    """x * hard_sigmoid(x): 0 below -3, x above 3, x * (x + 3) / 6 between."""
    return _tidy(lambda: _ops.mul(_x(x, "hard_silu"), hard_sigmoid(x)))


def hard_swish(x: Any) -> Tensor:
    """The same as hard_silu."""
    return _tidy(lambda: _ops.mul(_x(x, "hard_swish"), hard_sigmoid(x)))


def crelu(x: Any, axis: int = -1) -> Tensor:
    """Concatenated ReLU: concat([relu(x), relu(-x)], axis)."""
    def compute() -> Tensor:
        t = _x(x, "crelu")
        if t.rank == 0:
            raise InvalidArgumentError("crelu: expected a tensor of rank >= 1, got a scalar")
        a, _ = _move_axis_last(t, axis, "crelu")
        return _ops.concat([_ops.relu(t), _ops.relu(_ops.neg(t))], a)
    return _tidy(compute)


# name -> function, as get() accepts them; Keras 3's names first, then TF.js's camelCase spellings
_BUILTINS: dict[str, Callable[..., Tensor]] = {f.__name__: f for f in (
    elu, selu, relu, relu6, leaky_relu, linear, sigmoid, hard_sigmoid, softplus, softsign, tanh, softmax,
    log_softmax, gelu, gelu_new, mish, swish, silu, hard_silu, hard_swish, exponential, crelu,
    legacy_hard_sigmoid)}
_ALIASES: dict[str, Callable[..., Tensor]] = {"hardSigmoid": hard_sigmoid, "logSoftmax": log_softmax,
                                             "leakyRelu": leaky_relu, "geluNew": gelu_new,
                                             "hardSilu": hard_silu, "hardSwish": hard_swish}
_NAMES: dict[str, Callable[..., Tensor]] = {**_BUILTINS, **_ALIASES}
_FUNCTION_NAMES: dict[int, str] = {id(f): name for name, f in _BUILTINS.items()}


def _unknown(identifier: Any) -> InvalidArgumentError:
    return InvalidArgumentError(f"unknown activation {identifier!r}; valid names: {', '.join(sorted(_NAMES))}")


def get(identifier: Any) -> Callable[..., Tensor]:
    """An activation function from None (-> linear), a name ("relu", TF.js's "hardSigmoid"), a serialized
    dict (Keras 3's {"class_name": "function", "config": "relu", ...} or {"class_name": "relu"}) or a
    callable (returned as is)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        if identifier not in _NAMES:
            raise _unknown(identifier)
        return _NAMES[identifier]
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier() if inspect.isclass(identifier) else identifier
    raise InvalidArgumentError(f"could not interpret activation identifier {identifier!r}: expected None, a "
                               f"name, a serialized dict or a callable")


def serialize(activation: Any) -> Any:
    """A built-in activation as its name string (Keras 3's form); a function registered with
    register_class as Keras 3's {"module", "class_name": "function", "config", "registered_name"} dict;
    an object with get_config through the generic serializer."""
    if activation is None:
        return "linear"
    if isinstance(activation, str):
        get(activation)
        return activation
    name = _FUNCTION_NAMES.get(id(activation))
    if name is not None and _BUILTINS[name] is activation:
        return name
    registered = getattr(activation, "_registered_name", None)
    if inspect.isfunction(activation) and registered is not None:
        return {"module": getattr(activation, "__module__", None), "class_name": "function",
                "config": registered, "registered_name": registered}
    if hasattr(activation, "get_config"):
        return _ser.serialize(activation)
    raise InvalidArgumentError(f"cannot serialize the activation {activation!r}: it is not a built-in "
                               f"activation ({', '.join(sorted(_BUILTINS))}); register custom functions with "
                               f"@tw.layers.register_class so saved models can name them")


def deserialize(config: Any, custom_objects: dict | None = None) -> Callable[..., Tensor]:
    """An activation function from a name or a serialized dict."""
    if isinstance(config, str):
        if custom_objects and config in custom_objects:
            return custom_objects[config]
        if config in _NAMES:
            return _NAMES[config]
        if config in _ser._CUSTOM:
            return _ser._CUSTOM[config]
        raise _unknown(config)
    if isinstance(config, dict) and "class_name" in config:
        if config["class_name"] == "function":
            name = config.get("config")
            registered = config.get("registered_name")
            if custom_objects and name in custom_objects:
                return custom_objects[name]
            if registered and registered in _ser._CUSTOM:
                return _ser._CUSTOM[registered]
            return deserialize(name, custom_objects)
        name = config["class_name"]
        if isinstance(name, str) and name in _NAMES and not (custom_objects and name in custom_objects):
            return _NAMES[name]
        return _ser.deserialize(config, "activation", custom_objects)
    raise InvalidArgumentError(f"cannot deserialize an activation from {config!r}: expected a name or a dict "
                               f"with 'class_name'")
