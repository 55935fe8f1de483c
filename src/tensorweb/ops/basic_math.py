"""Basic math: TF.js's 42 elementwise math ops and their gradients.

abs, acos, acosh, asin, asinh, atan, atan2, atanh, ceil, clip_by_value, cos, cosh, elu, erf, exp, expm1,
floor, is_finite, is_inf, is_nan, leaky_relu, log, log1p, log_sigmoid, neg, prelu, reciprocal, relu, relu6,
round, rsqrt, selu, sigmoid, sign, sin, sinh, softplus, sqrt, square, step, tan, tanh.

dtype rules follow TF.js (tfjs-core's convertToTensor and the cpu kernels):
- "float32" ops (ceil, cos, cosh, elu, floor, log, rsqrt, sigmoid, sin, sqrt, tan, tanh) refuse int32 and
  bool tensors;
- the others take float32, int32 and bool tensors and keep their dtype, except exp, leaky_relu and prelu
  (float32 results), erf (int32 becomes float32, bool is refused) and is_nan/is_inf/is_finite (bool). For an
  int32 tensor, ops with fractional results (acos, sinh, reciprocal, ...) store the result as TF.js's
  Int32Array does: truncated toward zero, NaN and Infinity as 0;
- a Python number or list given to an op with fractional results becomes float32, as a JS number does in
  TF.js (tw.sinh([1, 2]) is float32), while int-preserving ops (abs, neg, relu, round, ...) keep int32;
- complex64 is refused everywhere except abs, which gives the float32 magnitude (kernel ComplexAbs).
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError
from ._base import broadcast_shapes, convert, convert_pair, run

__all__ = ["abs", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "clip_by_value", "cos",
           "cosh", "elu", "erf", "exp", "expm1", "floor", "is_finite", "is_inf", "is_nan", "leaky_relu", "log",
           "log1p", "log_sigmoid", "neg", "prelu", "reciprocal", "relu", "relu6", "round", "rsqrt", "selu",
           "sigmoid", "sign", "sin", "sinh", "softplus", "sqrt", "square", "step", "tan", "tanh"]

SELU_SCALE = 1.0507009873554804934193349852946
SELU_SCALEALPHA = 1.7580993408473768599402175208123

_FLOAT32 = "float32"        # float32 tensors only (TF.js convertToTensor(x, 'x', op, 'float32'))
_KEEP = "keep"              # any numeric tensor, dtype kept; Python values inferred (ints -> int32)
_FRACTIONAL = "fractional"  # any numeric tensor, dtype kept; Python values become float32


def _input(x: Any, op: str, rule: str, arg: str = "x") -> Tensor:
    if rule == _FRACTIONAL and not isinstance(x, Tensor):
        return convert(x, arg, op, "float32")
    t = convert(x, arg, op, "float32" if rule == _FLOAT32 else "numeric")
    if t.dtype == "complex64":
        raise DtypeError(f"{op}: argument '{arg}' must be a float32, int32 or bool tensor, "
                         f"got a complex64 tensor")
    return t


def _number(value: Any, op: str, arg: str) -> float:
    if isinstance(value, Tensor) and value.size == 1 and value.dtype in ("float32", "int32"):
        value = value.numpy().item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidArgumentError(f"{op}: {arg} must be a number, got {value!r}")
    return float(value) if not isinstance(value, numbers.Integral) else int(value)


# ---- the simple unary ops, from one table ---------------------------------------------------------

def _unary(name: str, kernel: str, rule: str, doc: str) -> Callable[[Any], Tensor]:
    """One simple unary op: convert by `rule`, then run `kernel` on x."""
    def op(x: Any) -> Tensor:
        return run(kernel, (_input(x, name, rule),))
    op.__name__ = op.__qualname__ = name
    op.__module__ = __name__
    op.__doc__ = doc
    return op


acos = _unary("acos", "Acos", _FRACTIONAL, "arccos(x); NaN outside [-1, 1].")
acosh = _unary("acosh", "Acosh", _FRACTIONAL, "arccosh(x); NaN below 1.")
asin = _unary("asin", "Asin", _FRACTIONAL, "arcsin(x); NaN outside [-1, 1].")
asinh = _unary("asinh", "Asinh", _FRACTIONAL, "arcsinh(x).")
atan = _unary("atan", "Atan", _FRACTIONAL, "arctan(x).")
atanh = _unary("atanh", "Atanh", _FRACTIONAL, "arctanh(x); +-Infinity at +-1, NaN outside [-1, 1].")
ceil = _unary("ceil", "Ceil", _FLOAT32, "The smallest integer >= x (float32 only).")
cos = _unary("cos", "Cos", _FLOAT32, "cos(x) (float32 only).")
cosh = _unary("cosh", "Cosh", _FLOAT32, "cosh(x) (float32 only).")
elu = _unary("elu", "Elu", _FLOAT32, "x where x >= 0, exp(x) - 1 elsewhere (float32 only).")
exp = _unary("exp", "Exp", _FRACTIONAL, "e ** x; always float32.")
expm1 = _unary("expm1", "Expm1", _FRACTIONAL, "exp(x) - 1, accurate near 0.")
floor = _unary("floor", "Floor", _FLOAT32, "The largest integer <= x (float32 only).")
is_finite = _unary("is_finite", "IsFinite", _KEEP, "True where x is neither NaN nor +-Infinity (bool).")
is_inf = _unary("is_inf", "IsInf", _KEEP, "True where x is +-Infinity (bool).")
is_nan = _unary("is_nan", "IsNan", _KEEP, "True where x is NaN (bool).")
log = _unary("log", "Log", _FLOAT32, "Natural logarithm (float32 only); -Infinity at 0, NaN below.")
log1p = _unary("log1p", "Log1p", _FRACTIONAL, "log(1 + x), accurate near 0.")
neg = _unary("neg", "Neg", _KEEP, "-x, in x's dtype.")
reciprocal = _unary("reciprocal", "Reciprocal", _FRACTIONAL, "1 / x.")
relu = _unary("relu", "Relu", _KEEP, "max(x, 0), in x's dtype; NaN stays NaN.")
relu6 = _unary("relu6", "Relu6", _KEEP, "min(max(x, 0), 6), in x's dtype.")
round = _unary("round", "Round", _KEEP, "Nearest integer, halves to even (banker's rounding).")  # noqa: A001
rsqrt = _unary("rsqrt", "Rsqrt", _FLOAT32, "1 / sqrt(x) (float32 only).")
selu = _unary("selu", "Selu", _FRACTIONAL, "scale * x where x >= 0, scale * alpha * (exp(x) - 1) elsewhere.")
sigmoid = _unary("sigmoid", "Sigmoid", _FLOAT32, "1 / (1 + exp(-x)) (float32 only).")
sign = _unary("sign", "Sign", _KEEP, "-1, 0 or 1 by the sign of x, in x's dtype; 0 for NaN (as TF.js's cpu).")
sin = _unary("sin", "Sin", _FLOAT32, "sin(x) (float32 only).")
sinh = _unary("sinh", "Sinh", _FRACTIONAL, "sinh(x).")
softplus = _unary("softplus", "Softplus", _FRACTIONAL, "log(1 + exp(x)), computed without overflow.")
sqrt = _unary("sqrt", "Sqrt", _FLOAT32, "Square root (float32 only); NaN below 0.")
square = _unary("square", "Square", _KEEP, "x * x, in x's dtype.")
tan = _unary("tan", "Tan", _FLOAT32, "tan(x) (float32 only).")
tanh = _unary("tanh", "Tanh", _FLOAT32, "tanh(x) (float32 only).")


# ---- ops with their own rules -------------------------------------------------------------------

def abs(x: Any) -> Tensor:  # noqa: A001 (TF.js's name)
    """|x| in x's dtype; for complex64 the float32 magnitude sqrt(re^2 + im^2)."""
    t = convert(x, "x", "abs", "numeric")
    if t.dtype == "complex64":
        return run("ComplexAbs", (t,))
    return run("Abs", (t,))


def erf(x: Any) -> Tensor:
    """The error function; int32 input becomes float32, bool is refused."""
    t = _input(x, "erf", _FRACTIONAL)
    if t.dtype not in ("float32", "int32"):
        raise DtypeError(f"erf: argument 'x' must be a float32 or int32 tensor, got a {t.dtype} tensor")
    if t.dtype == "int32":
        t = run("Cast", (t,), {"dtype": "float32"})
    return run("Erf", (t,))


def atan2(a: Any, b: Any) -> Tensor:
    """arctan(a / b) in the quadrant of (b, a), elementwise with broadcasting."""
    a = a if isinstance(a, Tensor) else _input(a, "atan2", _FRACTIONAL, "a")
    b = b if isinstance(b, Tensor) else _input(b, "atan2", _FRACTIONAL, "b")
    ta, tb = convert_pair(a, b, "atan2")
    for arg, t in (("a", ta), ("b", tb)):
        if t.dtype in ("string", "complex64"):
            raise DtypeError(f"atan2: argument '{arg}' must be a float32, int32 or bool tensor, "
                             f"got a {t.dtype} tensor")
    broadcast_shapes(ta.shape, tb.shape, "atan2")
    return run("Atan2", (ta, tb))


def clip_by_value(x: Any, clip_value_min: float, clip_value_max: float) -> Tensor:
    """min(max(x, clip_value_min), clip_value_max) in x's dtype; NaN stays NaN."""
    t = _input(x, "clip_by_value", _KEEP)
    lo = _number(clip_value_min, "clip_by_value", "clip_value_min")
    hi = _number(clip_value_max, "clip_by_value", "clip_value_max")
    if not lo <= hi:
        raise InvalidArgumentError(f"clip_by_value: clip_value_min ({lo}) must be less than or equal to "
                                   f"clip_value_max ({hi})")
    if lo == hi:
        from .creation import fill
        return fill(t.shape, lo, t.dtype)
    return run("ClipByValue", (t,), {"clip_value_min": lo, "clip_value_max": hi})


def leaky_relu(x: Any, alpha: float = 0.2) -> Tensor:
    """x where x >= 0, alpha * x elsewhere; always float32."""
    t = _input(x, "leaky_relu", _KEEP)
    return run("LeakyRelu", (t,), {"alpha": _number(alpha, "leaky_relu", "alpha")})


def prelu(x: Any, alpha: Any) -> Tensor:
    """x where x >= 0, alpha * x elsewhere, with a learned alpha that broadcasts against x; float32."""
    t = _input(x, "prelu", _KEEP)
    a = _input(alpha, "prelu", _KEEP, "alpha")
    broadcast_shapes(t.shape, a.shape, "prelu")
    return run("Prelu", (t, a))


def step(x: Any, alpha: float = 0.0) -> Tensor:
    """1 where x > 0, alpha elsewhere, in x's dtype; NaN stays NaN."""
    t = _input(x, "step", _KEEP)
    return run("Step", (t,), {"alpha": _number(alpha, "step", "alpha")})


def log_sigmoid(x: Any) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), with gradient dy * sigmoid(-x) (as TF.js)."""
    from ..core.autodiff import custom_grad
    from .arithmetic import mul
    t = _input(x, "log_sigmoid", _FRACTIONAL)

    def f(v: Tensor):
        def grad_fn(dy: Tensor) -> Tensor:
            return mul(dy, sigmoid(neg(v)))
        return neg(softplus(neg(v))), grad_fn
    return custom_grad(f)(t)


# ---- gradients ------------------------------------------------------------------------------------

def _zero_grad(dy, inputs, outputs, attrs):
    from .creation import zeros_like
    return (zeros_like(dy),)


for _k in ("Ceil", "Floor", "Round", "Sign", "Step", "IsFinite", "IsInf", "IsNan"):
    gradient(_k)(_zero_grad)
del _k


def _unary_grad(kernel: str) -> Callable:
    """Registers f(dy, x, y, attrs) -> dx as the gradient of a one-input kernel."""
    def deco(f: Callable) -> Callable:
        @gradient(kernel)
        def g(dy, inputs, outputs, attrs):
            return (f(dy, inputs[0], outputs[0], attrs),)
        g.__name__ = g.__qualname__ = f"_{kernel.lower()}_grad"
        return f
    return deco


@_unary_grad("Neg")
def _(dy, x, y, attrs):
    return neg(dy)


@_unary_grad("Abs")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    return mul(dy, step(x, -1.0))


@_unary_grad("Acos")
def _(dy, x, y, attrs):
    from .arithmetic import div, sub
    return neg(div(dy, sqrt(sub(1.0, square(x)))))


@_unary_grad("Acosh")
def _(dy, x, y, attrs):
    from .arithmetic import div, sub
    return div(dy, sqrt(sub(square(x), 1.0)))


@_unary_grad("Asin")
def _(dy, x, y, attrs):
    from .arithmetic import div, sub
    return div(dy, sqrt(sub(1.0, square(x))))


@_unary_grad("Asinh")
def _(dy, x, y, attrs):
    from .arithmetic import add, div
    return div(dy, sqrt(add(square(x), 1.0)))


@_unary_grad("Atan")
def _(dy, x, y, attrs):
    from .arithmetic import add, div
    return div(dy, add(square(x), 1.0))


@_unary_grad("Atanh")
def _(dy, x, y, attrs):
    from .arithmetic import div, sub
    return div(dy, sub(1.0, square(x)))


@_unary_grad("ClipByValue")
def _(dy, x, y, attrs):
    from .creation import zeros_like
    from .logical import greater_equal, less_equal, logical_and, where
    inside = logical_and(greater_equal(x, attrs["clip_value_min"]), less_equal(x, attrs["clip_value_max"]))
    return where(inside, dy, zeros_like(dy))


@_unary_grad("Cos")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    return mul(neg(sin(x)), dy)


@_unary_grad("Cosh")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    return mul(sinh(x), dy)


@_unary_grad("Elu")
def _(dy, x, y, attrs):
    # TF.js's EluGrad on the output: dy where y >= 0, dy * (y + 1) elsewhere.
    from .arithmetic import add, mul
    from .logical import greater_equal, where
    return where(greater_equal(y, 0.0), dy, mul(dy, add(y, 1.0)))


@_unary_grad("Erf")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    return mul(dy, mul(exp(neg(square(x))), 2.0 / math.sqrt(math.pi)))


@_unary_grad("Exp")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    return mul(dy, y)


@_unary_grad("Expm1")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    return mul(dy, exp(x))


@_unary_grad("Log")
def _(dy, x, y, attrs):
    from .arithmetic import div
    return div(dy, x)


@_unary_grad("Log1p")
def _(dy, x, y, attrs):
    from .arithmetic import add, div
    return div(dy, add(x, 1.0))


@_unary_grad("LeakyRelu")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    from .logical import greater, where
    return where(greater(x, 0.0), dy, mul(dy, attrs["alpha"]))


@_unary_grad("Reciprocal")
def _(dy, x, y, attrs):
    from .arithmetic import div
    return div(dy, neg(square(x)))


@_unary_grad("Relu")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    return mul(dy, step(x))


@_unary_grad("Relu6")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    from .logical import less_equal
    from .transformation import cast
    return mul(dy, mul(cast(less_equal(x, 6.0), "float32"), step(x)))


@_unary_grad("Rsqrt")
def _(dy, x, y, attrs):
    from .arithmetic import div, mul, pow as _pow
    return neg(div(dy, mul(_pow(x, 1.5), 2.0)))


@_unary_grad("Selu")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    from .logical import greater, where
    return where(greater(x, 0.0), mul(dy, SELU_SCALE), mul(mul(dy, SELU_SCALEALPHA), exp(x)))


@_unary_grad("Sigmoid")
def _(dy, x, y, attrs):
    from .arithmetic import mul, sub
    return mul(dy, mul(y, sub(1.0, y)))


@_unary_grad("Sin")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    return mul(cos(x), dy)


@_unary_grad("Sinh")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    return mul(cosh(x), dy)


@_unary_grad("Softplus")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    return mul(dy, sigmoid(x))


@_unary_grad("Sqrt")
def _(dy, x, y, attrs):
    from .arithmetic import div, mul
    return div(dy, mul(sqrt(x), 2.0))


@_unary_grad("Square")
def _(dy, x, y, attrs):
    from .arithmetic import mul
    return mul(dy, mul(x, 2.0))


@_unary_grad("Tan")
def _(dy, x, y, attrs):
    from .arithmetic import div
    return div(dy, square(cos(x)))


@_unary_grad("Tanh")
def _(dy, x, y, attrs):
    from .arithmetic import mul, sub
    return mul(sub(1.0, square(y)), dy)


@_unary_grad("ComplexAbs")
def _(dy, x, y, attrs):
    # d|z| = dy * z / |z| (0 where z = 0), as TensorFlow; TF.js reuses Abs's rule, meaningless for complex.
    from .arithmetic import div_no_nan, mul
    from .creation import complex as _complex, zeros_like
    ratio = div_no_nan(dy, y)
    return mul(x, _complex(ratio, zeros_like(ratio)))


@gradient("Atan2")
def _atan2_grad(dy, inputs, outputs, attrs):
    from .arithmetic import add, div, mul, unbroadcast
    a, b = inputs
    d = add(square(a), square(b))
    return unbroadcast(mul(dy, div(b, d)), a.shape), unbroadcast(neg(mul(dy, div(a, d))), b.shape)


@gradient("Prelu")
def _prelu_grad(dy, inputs, outputs, attrs):
    from .arithmetic import mul, unbroadcast
    from .creation import zeros_like
    from .logical import greater, where
    x, alpha = inputs
    positive = greater(x, 0.0)
    dx = where(positive, dy, mul(dy, alpha))
    dalpha = where(positive, zeros_like(dy), mul(dy, x))
    return unbroadcast(dx, x.shape), unbroadcast(dalpha, alpha.shape)
