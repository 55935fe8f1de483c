"""Linear algebra (tw.linalg): band_part, gram_schmidt, qr."""
from __future__ import annotations

import numbers
from typing import Any

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import GradientError, InvalidArgumentError, ShapeError
from ._base import convert, run

__all__ = ["band_part", "gram_schmidt", "qr"]


def _bound(v: Any, name: str, limit: int, what: str) -> int:
    if isinstance(v, Tensor):
        if v.dtype != "int32" or v.rank != 0:
            raise InvalidArgumentError(f"band_part: {name} must be an int32 scalar, got a {v.dtype} tensor "
                                       f"of shape {list(v.shape)}")
        v = int(v.tolist())
        return -1 if v < 0 else min(v, limit)  # TF.js clamps tensor bounds
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or v != int(v):
        raise InvalidArgumentError(f"band_part: {name} must be an integer, got {v!r}")
    v = int(v)
    if v > limit:
        raise InvalidArgumentError(f"band_part: {name} ({v}) must not be greater than the number of {what} "
                                   f"({limit})")
    return -1 if v < 0 else v


def band_part(a: Any, num_lower: Any, num_upper: Any) -> Tensor:
    """Keeps a band of each innermost matrix, zeroing the rest: entry (i, j) stays when
    i - j <= num_lower and j - i <= num_upper. A negative bound keeps that whole triangle
    (band_part(a, -1, 0) is the lower triangle, band_part(a, 0, -1) the upper one)."""
    t = convert(a, "a", "band_part")
    if t.rank < 2:
        raise ShapeError(f"band_part: a must be of rank >= 2, got rank {t.rank} (shape {list(t.shape)})")
    m, n = t.shape[-2:]
    lo = _bound(num_lower, "num_lower", m, "rows")
    up = _bound(num_upper, "num_upper", n, "columns")
    return run("BandPart", (t,), {"num_lower": lo, "num_upper": up})


@gradient("BandPart")
def _band_part_grad(dy, inputs, outputs, attrs):
    return (run("BandPart", (dy,), dict(attrs)),)


def gram_schmidt(xs: Any) -> Any:
    """Orthonormalizes vectors with (modified) Gram-Schmidt: a list of 1-D tensors of one length gives a
    list, a 2-D tensor gives a 2-D tensor whose rows are the orthonormal vectors."""
    from .arithmetic import div, mul, sub
    from .matrices import euclidean_norm
    from .reduction import sum as _sum
    from .slice_join import stack, unstack
    if isinstance(xs, (list, tuple)):
        if not xs:
            raise InvalidArgumentError("gram_schmidt: input must not be empty")
        vs = [convert(x, f"xs[{i}]", "gram_schmidt", "float32") for i, x in enumerate(xs)]
        for i, v in enumerate(vs):
            if v.rank != 1:
                raise ShapeError(f"gram_schmidt: xs[{i}] must be a 1-D tensor, got shape {list(v.shape)}")
            if v.shape[0] != vs[0].shape[0]:
                raise ShapeError(f"gram_schmidt: non-unique lengths found in the input vectors: "
                                 f"({v.shape[0]} vs. {vs[0].shape[0]})")
        is_matrix = False
    else:
        t = convert(xs, "xs", "gram_schmidt", "float32")
        if t.rank != 2:
            raise ShapeError(f"gram_schmidt: xs must be a 2-D tensor or a list of 1-D tensors, got shape "
                             f"{list(t.shape)}")
        if t.shape[0] == 0:
            raise InvalidArgumentError("gram_schmidt: input must not be empty")
        vs = list(unstack(t, 0))
        is_matrix = True
    if len(vs) > vs[0].shape[0]:
        raise InvalidArgumentError(f"gram_schmidt: number of vectors ({len(vs)}) exceeds number of "
                                   f"dimensions ({vs[0].shape[0]})")
    ys: list[Tensor] = []
    for x in vs:
        for y in ys:
            x = sub(x, mul(_sum(mul(y, x)), y))
        ys.append(div(x, euclidean_norm(x)))
    return stack(ys, 0) if is_matrix else ys


def qr(x: Any, full_matrices: bool = False) -> tuple[Tensor, Tensor]:
    """QR decomposition of each innermost [m, n] matrix by Householder reflections: returns (q, r) with
    q orthogonal and r upper triangular (signs as TF.js: see the Qr kernel). With full_matrices=False and
    m > n, q is [m, n] and r is [n, n]; otherwise q is [m, m] and r is [m, n]."""
    t = convert(x, "x", "qr")
    if t.rank < 2:
        raise ShapeError(f"qr: requires an input tensor of rank >= 2, got rank {t.rank} "
                         f"(shape {list(t.shape)})")
    if t.dtype not in ("float32",):
        if t.dtype == "complex64" or t.dtype == "string":
            raise InvalidArgumentError(f"qr: does not support {t.dtype} tensors")
        t = run("Cast", (t,), {"dtype": "float32"})
    q, r = run("Qr", (t,), {"full_matrices": bool(full_matrices)})
    return q, r


def _triangular_solve(matrix: Tensor, rhs: Tensor, lower: bool = False, adjoint: bool = False) -> Tensor:
    return run("MatrixTriangularSolve", (matrix, rhs), {"lower": lower, "adjoint": adjoint})


@gradient("MatrixTriangularSolve")
def _triangular_solve_grad(dy, inputs, outputs, attrs):
    from .basic_math import neg
    from .matrices import mat_mul
    a = inputs[0]
    c = outputs[0]
    lower, adjoint = attrs["lower"], attrs["adjoint"]
    db = _triangular_solve(a, dy, lower, not adjoint)
    da = neg(mat_mul(c, db, False, True) if adjoint else mat_mul(db, c, False, True))
    da = band_part(da, -1, 0) if lower else band_part(da, 0, -1)
    return da, db


def _qr_grad_deep(q, r, dq, dr):
    """Gradient of A = QR for m >= n (reduced): Q dr + (dq - Q Q^T dq + Q tril(M)) R^-T (Seeger et al.)."""
    from .arithmetic import add, sub
    from .matrices import mat_mul

    def mt(z):
        perm = list(range(z.rank - 2)) + [z.rank - 1, z.rank - 2]
        from .matrices import transpose
        return transpose(z, perm)

    def rsolve(z):  # z @ R^-T
        return mt(_triangular_solve(r, mt(z)))

    qdq = mat_mul(q, dq, True, False)
    rdr = mat_mul(r, dr, False, True)
    low = band_part(add(sub(qdq, mt(qdq)), sub(rdr, mt(rdr))), -1, 0)
    grad_a = mat_mul(q, add(dr, rsolve(low)))
    grad_b = rsolve(sub(dq, mat_mul(q, qdq)))
    return add(grad_a, grad_b)


@gradient("Qr")
def _qr_grad(dys, inputs, outputs, attrs):
    from .creation import zeros_like
    a = inputs[0]
    q, r = outputs
    dq, dr = dys
    dq = dq if dq is not None else zeros_like(q)
    dr = dr if dr is not None else zeros_like(r)
    m, n = a.shape[-2:]
    if m >= n:
        if attrs["full_matrices"] and m > n:
            raise GradientError("qr: the gradient is not defined for full_matrices=True when rows > columns "
                                f"(shape {list(a.shape)})")
        return (_qr_grad_deep(q, r, dq, dr),)
    # Wide: A = [X | Y] with X = Q U square; dX from the square case, dY = Q dV.
    from .arithmetic import add
    from .matrices import mat_mul
    from .slice_join import concat, slice as _slice
    lead = [0] * (a.rank - 2)
    size = list(a.shape[:-2])
    y = _slice(a, lead + [0, m], size + [m, n - m])
    u = _slice(r, lead + [0, 0], size + [m, m])
    dv = _slice(dr, lead + [0, m], size + [m, n - m])
    du = _slice(dr, lead + [0, 0], size + [m, m])
    dx = _qr_grad_deep(q, u, add(dq, mat_mul(y, dv, False, True)), du)
    return (concat([dx, mat_mul(q, dv)], a.rank - 1),)
