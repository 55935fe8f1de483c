"""Test helpers for users and for tensorweb's own suite: numerical gradient checks in float64."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .core.autodiff import grads as _grads
from .core.engine import ENGINE, check_leaks
from .core.flags import env
from .core.tensor import Tensor

__all__ = ["check_gradients", "numerical_gradients", "check_leaks", "high_precision"]


class high_precision:
    """Context manager: float32 tensors made inside are computed in float64 (PRECISION=64)."""

    def __enter__(self) -> "high_precision":
        self._prev = env().get("PRECISION")
        env().set("PRECISION", 64)
        return self

    def __exit__(self, *exc: Any) -> None:
        env().set("PRECISION", self._prev)


def _projected(f: Callable[..., Tensor], w: np.ndarray | None):
    def loss(*xs: Tensor) -> float:
        y = f(*[ENGINE.to_tensor(x) for x in xs]).numpy().astype(np.float64)
        return float((y * w).sum()) if w is not None else float(y.sum())
    return loss


def numerical_gradients(f: Callable[..., Tensor], xs: Sequence[np.ndarray], w: np.ndarray | None = None,
                        eps: float = 1e-6) -> list[np.ndarray]:
    """Central differences of sum(f(*xs) * w) with respect to each x (call inside high_precision)."""
    loss = _projected(f, w)
    xs = [np.array(x, dtype=np.float64) for x in xs]
    out = []
    for i, x in enumerate(xs):
        g = np.zeros_like(x)
        for idx in np.ndindex(*x.shape):
            orig = x[idx]
            x[idx] = orig + eps
            plus = loss(*xs)
            x[idx] = orig - eps
            minus = loss(*xs)
            x[idx] = orig
            g[idx] = (plus - minus) / (2 * eps)
        out.append(g)
    return out


def check_gradients(f: Callable[..., Tensor], xs: Sequence[Any], *, rtol: float = 1e-5, atol: float = 1e-6,
                    eps: float = 1e-6, seed: int = 0) -> list[np.ndarray]:
    """Asserts that tw.grads(f) matches central differences, all in float64.

    f takes the xs as float32 tensors and may return any shape: both sides differentiate
    sum(f(*xs) * w) for a fixed random w, so every output element is checked. Returns the analytic
    gradients as NumPy arrays.
    """
    with high_precision():
        arrays = [np.array(x, dtype=np.float64) for x in xs]
        ts = [ENGINE.to_tensor(a) for a in arrays]
        y = f(*ts)
        rng = np.random.default_rng(seed)
        w = rng.uniform(0.5, 1.5, size=y.shape) * rng.choice([-1.0, 1.0], size=y.shape)
        analytic = [g.numpy().astype(np.float64) for g in _grads(f)(ts, ENGINE.to_tensor(w))]
        numeric = numerical_gradients(f, arrays, w, eps)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        np.testing.assert_allclose(a, n, rtol=rtol, atol=atol,
                                   err_msg=f"gradient of input {i} differs from central differences")
    return analytic
