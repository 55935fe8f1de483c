"""Reverse-mode autodiff on the engine's tapes: grad, grads, value_and_grad, value_and_grads,
variable_grads, custom_grad. Gradients of gradients work because a backward pass runs ordinary ops,
which any enclosing tape records."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from ..errors import GradientError, InvalidArgumentError
from .engine import ENGINE
from .tensor import Tensor, Variable


def _as_list(args: Any) -> list:
    return list(args) if isinstance(args, (list, tuple)) else [args]


def _sources(args: Sequence[Any], where: str) -> list[Tensor]:
    return [ENGINE.to_tensor(a, where=f"{where}: input {i}") for i, a in enumerate(args)]


def value_and_grads(f: Callable[..., Tensor]) -> Callable[..., tuple[Tensor, list[Tensor]]]:
    """g(args, dy=None) -> (f(*args), [d f / d arg for each arg])."""
    def g(args: Sequence[Any], dy: Any = None) -> tuple[Tensor, list[Tensor]]:
        if not isinstance(args, (list, tuple)):
            raise InvalidArgumentError("grads: g(args) expects a list of inputs (use grad for one input)")
        xs = _sources(args, "grads")
        return ENGINE.gradients(lambda: f(*xs), xs, dy, where="grads")
    return g


def grads(f: Callable[..., Tensor]) -> Callable[..., list[Tensor]]:
    """g(args, dy=None) -> [d f / d arg for each arg]; f takes the args positionally."""
    vg = value_and_grads(f)
    return lambda args, dy=None: vg(args, dy)[1]


def value_and_grad(f: Callable[[Tensor], Tensor]) -> Callable[..., tuple[Tensor, Tensor]]:
    """g(x, dy=None) -> (f(x), d f / d x)."""
    def g(x: Any, dy: Any = None) -> tuple[Tensor, Tensor]:
        xs = _sources([x], "grad")
        y, (dx,) = ENGINE.gradients(lambda: f(xs[0]), xs, dy, where="grad")
        return y, dx
    return g


def grad(f: Callable[[Tensor], Tensor]) -> Callable[..., Tensor]:
    """g(x, dy=None) -> d f / d x (with dy the upstream gradient, ones by default)."""
    vg = value_and_grad(f)
    return lambda x, dy=None: vg(x, dy)[1]


def variable_grads(f: Callable[[], Tensor], var_list: Sequence[Variable] | None = None
                   ) -> tuple[Tensor, dict[str, Tensor]]:
    """(f(), {name: d f / d variable}) for var_list, by default every trainable variable.

    f must return a scalar. Variables that f does not use are left out of the result.
    """
    if var_list is None:
        var_list = [v for v in ENGINE.registered_variables().values() if v.trainable]
    var_list = list(var_list)
    for v in var_list:
        if not isinstance(v, Variable):
            raise InvalidArgumentError(f"variable_grads: var_list must hold Variables, got {type(v).__name__}")
    if not var_list:
        raise InvalidArgumentError("variable_grads: there are no trainable variables to differentiate")

    def checked() -> Tensor:
        y = f()
        if isinstance(y, Tensor) and y.rank != 0:
            raise GradientError(f"variable_grads: f must return a scalar, got shape {list(y.shape)}")
        return y
    y, gs = ENGINE.gradients(checked, var_list, None, allow_no_gradients=True, where="variable_grads")
    found = {v.name: g for v, g in zip(var_list, gs) if g is not None}
    if not found:
        raise GradientError("variable_grads: f does not depend on any of the variables")
    return y, found


def custom_grad(f: Callable[..., tuple[Any, Callable]]) -> Callable[..., Any]:
    """Wraps f(*inputs) -> (value, grad_fn) so that its gradient is grad_fn(dy) -> one gradient per input.

    The ops inside f are not recorded; the gradient comes from grad_fn alone.
    """
    def wrapped(*args: Any) -> Any:
        return ENGINE.custom_grad_call(f, args)
    wrapped.__name__ = getattr(f, "__name__", "custom_grad")
    wrapped.__doc__ = f.__doc__
    return wrapped
