"""Matrices: mat_mul, dot, outer_product, transpose, norm, euclidean_norm, einsum (with gradients for
BatchMatMul, Transpose and Einsum)."""
from __future__ import annotations

import math
import numbers
import string
from typing import Any, Sequence

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ._base import broadcast_shapes, convert, convert_pair, normalize_axis, run

__all__ = ["mat_mul", "dot", "outer_product", "transpose", "norm", "euclidean_norm", "einsum"]


# ---- mat_mul, dot, outer_product ------------------------------------------------------------------

def mat_mul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False) -> Tensor:
    """The matrix product of the two innermost dimensions, batched over the outer ones (which broadcast).

    a: [..., m, k] (or [..., k, m] with transpose_a); b: [..., k, n] (or [..., n, k] with transpose_b).
    """
    ta, tb = convert_pair(a, b, "mat_mul")
    if ta.dtype == "string":
        raise DtypeError("mat_mul: does not accept string tensors")
    if ta.dtype == "complex64":
        raise DtypeError("mat_mul: does not support complex64 tensors (as TF.js's CPU backend)")
    if ta.rank < 2 or tb.rank < 2:
        raise ShapeError(f"mat_mul: inputs must be of rank >= 2, got ranks {ta.rank} and {tb.rank} "
                         f"(shapes {list(ta.shape)} and {list(tb.shape)})")
    transpose_a, transpose_b = bool(transpose_a), bool(transpose_b)
    inner_a = ta.shape[-2] if transpose_a else ta.shape[-1]
    inner_b = tb.shape[-1] if transpose_b else tb.shape[-2]
    if inner_a != inner_b:
        raise ShapeError(f"mat_mul: inner shapes ({inner_a}) and ({inner_b}) of tensors with shapes "
                         f"{list(ta.shape)} and {list(tb.shape)} and transpose_a={transpose_a} and "
                         f"transpose_b={transpose_b} must match")
    broadcast_shapes(ta.shape[:-2], tb.shape[:-2], "mat_mul: batch dimensions")
    return run("BatchMatMul", (ta, tb), {"transpose_a": transpose_a, "transpose_b": transpose_b})


def dot(t1: Any, t2: Any) -> Tensor:
    """Dot product of two vectors or matrices (rank 1 or 2 each): vector.vector is a scalar,
    matrix.vector and vector.matrix are vectors, matrix.matrix is a matrix."""
    from .transformation import reshape
    a = convert(t1, "t1", "dot")
    b = convert(t2, "t2", "dot")
    if a.rank not in (1, 2) or b.rank not in (1, 2):
        raise ShapeError(f"dot: inputs must all be rank 1 or 2, got ranks {a.rank} and {b.rank}")
    inner_a = a.size if a.rank == 1 else a.shape[1]
    inner_b = b.size if b.rank == 1 else b.shape[0]
    if inner_a != inner_b:
        raise ShapeError(f"dot: inner dimensions of inputs must match, got {inner_a} and {inner_b} "
                         f"(shapes {list(a.shape)} and {list(b.shape)})")
    a2 = reshape(a, (1, -1)) if a.rank == 1 else a
    b2 = reshape(b, (-1, 1)) if b.rank == 1 else b
    out = mat_mul(a2, b2)
    if a.rank == 1 and b.rank == 1:
        return reshape(out, ())
    if a.rank == 1 or b.rank == 1:
        return reshape(out, (out.size,))
    return out


def outer_product(v1: Any, v2: Any) -> Tensor:
    """The outer product of two vectors: [m] x [n] -> [m, n]."""
    from .transformation import reshape
    a = convert(v1, "v1", "outer_product")
    b = convert(v2, "v2", "outer_product")
    if a.rank != 1 or b.rank != 1:
        raise ShapeError(f"outer_product: inputs must be rank 1, got ranks {a.rank} and {b.rank}")
    return mat_mul(reshape(a, (-1, 1)), reshape(b, (1, -1)))


# ---- transpose ------------------------------------------------------------------------------------

def transpose(x: Any, perm: Sequence[int] | None = None, conjugate: bool = False) -> Tensor:
    """Permutes the dimensions: output dimension i is input dimension perm[i] (reversed by default).
    With conjugate=True a complex64 tensor is also conjugated."""
    t = convert(x, "x", "transpose", "any")
    if perm is None:
        perm = tuple(reversed(range(t.rank)))
    else:
        if isinstance(perm, Tensor):
            perm = perm.tolist()
        try:
            perm = tuple(int(p) for p in perm)
        except (TypeError, ValueError):
            raise InvalidArgumentError(f"transpose: perm must be a list of integers, got {perm!r}") from None
    if len(perm) != t.rank:
        raise InvalidArgumentError(f"transpose: rank of input {t.rank} must match length of perm "
                                   f"{list(perm)}")
    if any(p < 0 or p >= t.rank for p in perm):
        raise InvalidArgumentError(f"transpose: all entries in perm must be between 0 and {t.rank - 1}, "
                                   f"got {list(perm)}")
    if len(set(perm)) != len(perm):
        raise InvalidArgumentError(f"transpose: perm {list(perm)} has duplicates")
    if t.rank <= 1 or perm == tuple(range(t.rank)):
        from .creation import clone
        out = clone(t)
    else:
        out = run("Transpose", (t,), {"perm": perm})
    if conjugate and t.dtype == "complex64":
        from .basic_math import neg
        from .creation import complex as _complex, imag, real
        out = _complex(real(out), neg(imag(out)))
    return out


@gradient("Transpose")
def _transpose_grad(dy, inputs, outputs, attrs):
    perm = attrs["perm"]
    undo = [0] * len(perm)
    for i, p in enumerate(perm):
        undo[p] = i
    return (transpose(dy, undo),)


@gradient("BatchMatMul")
def _batch_mat_mul_grad(dy, inputs, outputs, attrs):
    from .arithmetic import unbroadcast
    a, b = inputs
    ta, tb = attrs["transpose_a"], attrs["transpose_b"]
    if not ta and not tb:
        da, db = (dy, b, False, True), (a, dy, True, False)
    elif not ta and tb:
        da, db = (dy, b, False, False), (dy, a, True, False)
    elif ta and not tb:
        da, db = (b, dy, False, True), (a, dy, False, False)
    else:
        da, db = (b, dy, True, True), (dy, a, True, True)
    return lambda: unbroadcast(mat_mul(*da), a.shape), lambda: unbroadcast(mat_mul(*db), b.shape)


# ---- norm -----------------------------------------------------------------------------------------

def _is_inf(p: Any, sign: int) -> bool:
    return isinstance(p, numbers.Real) and not isinstance(p, bool) and p == sign * math.inf


def norm(x: Any, ord: Any = "euclidean", axis: int | Sequence[int] | None = None,  # noqa: A002
         keep_dims: bool = False) -> Tensor:
    """Vector or matrix norm (TF.js's norm).

    ord for vectors (rank 1, an int axis, or no axis: the flattened tensor): 'euclidean' or 2, 1, inf, -inf,
    or any other number p > 0 (sum(|x|^p)^(1/p)). For matrices (a pair of axes): 'euclidean' or 'fro',
    1 (max column sum), inf (max row sum), -inf (min row sum).
    """
    from .transformation import reshape
    t = convert(x, "x", "norm")
    if isinstance(axis, Tensor):
        axis = axis.tolist()
    if isinstance(ord, str) and ord not in ("euclidean", "fro"):
        raise InvalidArgumentError(f"norm: invalid ord value {ord!r}; expected 'euclidean', 'fro', 1, 2, "
                                   f"inf, -inf or a positive number")
    if axis is None:
        axes = tuple(range(t.rank))
    elif isinstance(axis, numbers.Integral):
        axes = (normalize_axis(axis, t.rank, "norm"),)
    else:
        axes = tuple(normalize_axis(a, t.rank, "norm") for a in axis)
        if len(set(axes)) != len(axes):
            raise InvalidArgumentError(f"norm: axis {list(axis)} has duplicates")
    if t.dtype in ("int32", "bool"):
        t = run("Cast", (t,), {"dtype": "float32"})
    out = _norm_impl(t, ord, axis, axes)
    if keep_dims:
        out = reshape(out, tuple(1 if i in axes else d for i, d in enumerate(t.shape)))
    return out


def _norm_impl(t: Tensor, p: Any, axis: Any, axes: tuple[int, ...]) -> Tensor:
    from . import basic_math as bm
    from . import reduction as rd
    from .transformation import reshape
    if t.rank == 0:
        return bm.abs(t)
    if t.rank != 1 and axis is None:
        return _norm_impl(reshape(t, (-1,)), p, None, (0,))
    if t.rank == 1 or len(axes) == 1:
        ax = axes[0] if axes else 0
        if isinstance(p, bool):
            raise InvalidArgumentError(f"norm: invalid ord value {p!r}")
        if p == 1:
            return rd.sum(bm.abs(t), ax)
        if _is_inf(p, 1):
            return rd.max(bm.abs(t), ax)
        if _is_inf(p, -1):
            return rd.min(bm.abs(t), ax)
        if p == "euclidean" or p == 2:
            return bm.sqrt(rd.sum(bm.square(bm.abs(t) if t.dtype == "complex64" else t), ax))
        if isinstance(p, numbers.Real) and p > 0 and math.isfinite(p):
            from .arithmetic import pow as _pow
            return _pow(rd.sum(_pow(bm.abs(t), float(p)), ax), 1.0 / float(p))
        raise InvalidArgumentError(f"norm: invalid ord value {p!r} for a vector norm; expected 'euclidean', "
                                   f"1, 2, inf, -inf or a positive number")
    if len(axes) == 2:
        r, c = axes
        if isinstance(p, bool):
            raise InvalidArgumentError(f"norm: invalid ord value {p!r}")
        if p == 1:  # max over columns of the column sums
            return rd.max(rd.sum(bm.abs(t), r), c - 1 if c > r else c)
        if _is_inf(p, 1):  # max over rows of the row sums
            return rd.max(rd.sum(bm.abs(t), c), r - 1 if r > c else r)
        if _is_inf(p, -1):
            return rd.min(rd.sum(bm.abs(t), c), r - 1 if r > c else r)
        if p in ("fro", "euclidean"):
            return bm.sqrt(rd.sum(bm.square(bm.abs(t) if t.dtype == "complex64" else t), list(axes)))
        raise InvalidArgumentError(f"norm: invalid ord value {p!r} for a matrix norm; expected 'euclidean', "
                                   f"'fro', 1, inf or -inf")
    raise InvalidArgumentError(f"norm: invalid axis {axis!r}; expected an integer or a list of 1 or 2 axes")


def euclidean_norm(x: Any, axis: int | Sequence[int] | None = None, keep_dims: bool = False) -> Tensor:
    """The Euclidean norm over `axis` (all axes by default): norm(x, 'euclidean', axis, keep_dims)."""
    return norm(x, "euclidean", axis, keep_dims)


# ---- einsum ---------------------------------------------------------------------------------------

_LETTERS = string.ascii_letters


def _parse_einsum(equation: str, shapes: Sequence[Sequence[int]], op: str = "einsum"):
    """Turns an einsum equation (implicit or explicit, with '...', repeated labels) into an explicit
    equation without ellipses whose labels have one size each. Returns (terms, out_term, sizes)."""
    if not isinstance(equation, str):
        raise InvalidArgumentError(f"{op}: equation must be a string, got {type(equation).__name__}")
    eq = "".join(equation.split())
    n_arrows = eq.count("->")
    if n_arrows > 1:
        raise InvalidArgumentError(f"{op}: equation must contain exactly one arrow ('->'), got {n_arrows} "
                                   f"in {equation!r}")
    if n_arrows == 1:
        lhs, rhs = eq.split("->")
    else:
        lhs, rhs = eq, None
    in_terms = lhs.split(",")
    if len(in_terms) != len(shapes):
        raise InvalidArgumentError(f"{op}: equation {equation!r} has {len(in_terms)} input term(s) but "
                                   f"{len(shapes)} tensor(s) were given")

    def split_term(term: str, where: str) -> tuple[str, str, bool]:
        if term.count("...") > 1:
            raise InvalidArgumentError(f"{op}: {where} {term!r} has more than one ellipsis ('...')")
        head, ell, tail = term.partition("...")
        for ch in head + tail:
            if ch not in _LETTERS:
                raise InvalidArgumentError(f"{op}: invalid character {ch!r} in {where} {term!r} of "
                                           f"{equation!r}; subscripts must be letters a-z, A-Z")
        return head, tail, bool(ell)

    parsed = []
    for i, (term, shape) in enumerate(zip(in_terms, shapes)):
        head, tail, has_ell = split_term(term, f"input term {i}")
        n_named = len(head) + len(tail)
        if (not has_ell and n_named != len(shape)) or (has_ell and n_named > len(shape)):
            raise ShapeError(f"{op}: input term {i} {term!r} has {n_named} subscript(s) but input {i} has "
                             f"rank {len(shape)} (shape {list(shape)})")
        parsed.append((head, tail, has_ell, len(shape) - n_named if has_ell else 0))

    used = set(lhs) | set(rhs or "")
    free = [c for c in _LETTERS if c not in used]

    def fresh() -> str:
        if not free:
            raise InvalidArgumentError(f"{op}: equation {equation!r} uses too many dimensions")
        return free.pop(0)

    # Ellipsis dimensions, right-aligned and broadcast as NumPy does.
    n_ell = max((p[3] for p in parsed), default=0)
    ell_labels = [fresh() for _ in range(n_ell)]
    ell_sizes = [1] * n_ell
    for i, ((head, tail, has_ell, e), shape) in enumerate(zip(parsed, shapes)):
        for k in range(e):
            pos, d = n_ell - e + k, shape[len(head) + k]
            if d != 1:
                if ell_sizes[pos] not in (1, d):
                    raise ShapeError(f"{op}: the dimensions covered by '...' could not be broadcast "
                                     f"together: {ell_sizes[pos]} and {d} (input {i}, shape {list(shape)})")
                ell_sizes[pos] = d
    sizes: dict[str, int] = {lab: s for lab, s in zip(ell_labels, ell_sizes)}
    terms = []
    for i, ((head, tail, has_ell, e), shape) in enumerate(zip(parsed, shapes)):
        ell_part = ""
        for k in range(e):
            pos, d = n_ell - e + k, shape[len(head) + k]
            # A size-1 dimension broadcast against a larger one gets its own (summed) label.
            ell_part += ell_labels[pos] if d == ell_sizes[pos] else fresh()
            sizes.setdefault(ell_part[-1], d)
        term = head + ell_part + tail
        for j, lab in enumerate(term):
            d = shape[j]
            if lab in sizes and sizes[lab] != d:
                raise ShapeError(f"{op}: expected dimension {sizes[lab]} for label {lab!r} at axis {j} of "
                                 f"input {i} shaped {list(shape)}, but got dimension {d}")
            sizes[lab] = d
        terms.append(term)

    has_any_ell = any(p[2] for p in parsed)
    if rhs is None:
        counts: dict[str, int] = {}
        for head, tail, _, _ in parsed:
            for ch in head + tail:
                counts[ch] = counts.get(ch, 0) + 1
        out_term = "".join(ell_labels) + "".join(sorted(c for c, n in counts.items() if n == 1))
    else:
        head, tail, has_ell = split_term(rhs, "output term")
        if has_ell and not has_any_ell:
            raise InvalidArgumentError(f"{op}: output term {rhs!r} has '...' but no input term has one")
        out_named = head + tail
        for ch in out_named:
            if not any(ch in p[0] + p[1] for p in parsed):
                raise InvalidArgumentError(f"{op}: output subscripts contain the label {ch!r} not present "
                                           f"in the input subscripts of {equation!r}")
        if len(set(out_named)) != len(out_named):
            raise InvalidArgumentError(f"{op}: output term {rhs!r} repeats a label")
        out_term = head + ("".join(ell_labels) if has_ell else "") + tail
    return terms, out_term, sizes


def einsum(equation: str, *tensors: Any) -> Tensor:
    """Einstein summation (np.einsum's language): 'ij,jk->ik' (matrix product), 'ii->i' (diagonal),
    'bij,bjk->bik', '...ij->...ji', implicit output ('ij,jk'), any number of inputs."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) and tensors[0] and \
            all(isinstance(t, Tensor) for t in tensors[0]):
        tensors = tuple(tensors[0])
    if not tensors:
        raise InvalidArgumentError("einsum: expects at least one tensor")
    ts = [convert(t, f"tensors[{i}]", "einsum") for i, t in enumerate(tensors)]
    dtype = ts[0].dtype
    for i, t in enumerate(ts[1:], 1):
        if t.dtype != dtype:
            raise DtypeError(f"einsum: all tensors must have the same dtype; tensors[0] is {dtype}, "
                             f"tensors[{i}] is {t.dtype}")
    if dtype == "bool":
        ts = [run("Cast", (t,), {"dtype": "int32"}) for t in ts]
    terms, out_term, _ = _parse_einsum(equation, [t.shape for t in ts])
    return run("Einsum", tuple(ts), {"equation": ",".join(terms) + "->" + out_term})


@gradient("Einsum")
def _einsum_grad(dy, inputs, outputs, attrs):
    """d/dx_i = einsum(out, other terms -> term_i) of dy and the other inputs; labels only in term_i are
    broadcast with a ones vector, repeated labels of term_i are put on a diagonal with identity matrices."""
    from .creation import eye, ones
    lhs, out_term = attrs["equation"].split("->")
    terms = lhs.split(",")
    sizes: dict[str, int] = {}
    for term, x in zip(terms, inputs):
        sizes.update(zip(term, x.shape))
    used = set(attrs["equation"])
    free = [c for c in _LETTERS if c not in used]
    grads = []
    for i, x in enumerate(inputs):
        if x.dtype not in ("float32", "complex64"):
            grads.append(None)
            continue
        others = [(t, inputs[j]) for j, t in enumerate(terms) if j != i]
        present = set(out_term).union(*[set(t) for t, _ in others])
        ops_terms = [out_term] + [t for t, _ in others]
        ops_vals = [dy] + [v for _, v in others]
        target, seen = "", set()
        for lab in terms[i]:
            if lab in seen:  # a repeated label: the gradient lies on the diagonal
                new = free.pop(0)
                ops_terms.append(lab + new)
                ops_vals.append(eye(sizes[lab], dtype=dy.dtype))
                target += new
                continue
            seen.add(lab)
            if lab not in present:
                ops_terms.append(lab)
                ops_vals.append(ones((sizes[lab],), dtype=dy.dtype))
            target += lab
        grads.append(run("Einsum", tuple(ops_vals), {"equation": ",".join(ops_terms) + "->" + target}))
    return tuple(grads)
