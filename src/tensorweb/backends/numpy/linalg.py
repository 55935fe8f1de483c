"""NumPy kernels: linalg (BandPart, Qr, MatrixTriangularSolve)."""
from __future__ import annotations

import numpy as np

from ._base import kernel


@kernel("BandPart")
def band_part(x, *, num_lower, num_upper):
    """Keeps x[..., i, j] where -num_upper <= i - j <= num_lower (a negative bound keeps that whole side)."""
    m, n = x.shape[-2:]
    d = np.arange(m)[:, None] - np.arange(n)[None, :]
    keep = np.ones((m, n), dtype=bool)
    if num_lower >= 0:
        keep &= d <= num_lower
    if num_upper >= 0:
        keep &= -d <= num_upper
    return np.where(keep, x, np.zeros((), dtype=x.dtype))


@kernel("Qr")
def qr(x, *, full_matrices=False):
    """Householder QR of every matrix of x, batched over the leading dimensions (a loop over columns only).

    Sign convention as TF.js: each reflection sends column j to -sign(r_jj) * norm (sign(0) = -1), so the
    diagonal of R is -sign of the pivot before reflection times the column norm, the last one included.
    A column that is already zero is left as is (TF.js divides by its zero norm).
    """
    *batch, m, n = x.shape
    r = x.reshape(-1, m, n).astype(x.dtype, copy=True)
    bsz = r.shape[0]
    q = np.broadcast_to(np.eye(m, dtype=x.dtype), (bsz, m, m)).copy()
    for j in range(min(m, n)):
        col = r[:, j:, j]                                   # (B, m - j)
        normx = np.sqrt(np.einsum("bi,bi->b", col, col))
        rjj = col[:, 0]
        s = np.where(rjj > 0, -1.0, 1.0).astype(x.dtype)
        zero = normx == 0
        u1 = np.where(zero, 1.0, rjj - s * normx).astype(x.dtype)
        w = col / u1[:, None]
        w[:, 0] = 1
        tau = np.where(zero, 0.0, -s * u1 / np.where(zero, 1.0, normx)).astype(x.dtype)
        tw_ = tau[:, None] * w                              # (B, m - j)
        # R[j:, :] -= tau w (w^T R[j:, :]);  Q[:, j:] -= (Q[:, j:] w) (tau w)^T
        r[:, j:, :] -= tw_[:, :, None] * np.einsum("bi,bik->bk", w, r[:, j:, :])[:, None, :]
        q[:, :, j:] -= np.einsum("bik,bk->bi", q[:, :, j:], w)[:, :, None] * tw_[:, None, :]
        r[:, j + 1:, j] = 0  # exactly zero below the diagonal, not rounding noise
    if not full_matrices and m > n:
        q = q[:, :, :n]
        r = r[:, :n, :]
    return (np.ascontiguousarray(q).reshape(*batch, *q.shape[1:]),
            np.ascontiguousarray(r).reshape(*batch, *r.shape[1:]))


@kernel("MatrixTriangularSolve")
def matrix_triangular_solve(matrix, rhs, *, lower=False, adjoint=False):
    """Solves matrix @ out = rhs (or matrix^T @ out = rhs with adjoint), matrix triangular, batched."""
    a = np.tril(matrix) if lower else np.triu(matrix)
    if adjoint:
        a = a.swapaxes(-1, -2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.linalg.solve(a, rhs).astype(rhs.dtype, copy=False)
