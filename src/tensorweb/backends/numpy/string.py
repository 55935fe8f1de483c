"""NumPy kernels: strings (StaticRegexReplace, StringSplit, StringNGrams, StringToHashBucketFast).

String tensors are object arrays of str or bytes; these kernels work on UTF-8 bytes (str values are
encoded) and return bytes, as TF and TF.js store strings. NumPy has no vectorized operations on such
arrays, so per-string work is a Python comprehension; the hash is vectorized over all strings at once.
"""
from __future__ import annotations

import re

import numpy as np

from ...errors import InvalidArgumentError
from ._base import kernel


def to_bytes(x: np.ndarray) -> list[bytes]:
    """The values of a string array, flattened, as UTF-8 bytes."""
    return [s if isinstance(s, bytes) else s.encode("utf-8") for s in x.reshape(-1)]


def _object_array(values: list[bytes], shape: tuple[int, ...]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out.reshape(shape)


# ---- StaticRegexReplace ---------------------------------------------------------------------------

def _rewrite(rewrite: str, groups: int):
    """RE2's rewrite string (\\0-\\9 name groups, \\\\ is a backslash, everything else is literal) as a
    function of a match."""
    parts: list[str | int] = []
    for literal, escape in re.findall(r"([^\\]+)|\\(.?)", rewrite, flags=re.S):
        if literal:
            parts.append(literal)
        elif escape == "\\":
            parts.append("\\")
        elif escape.isdigit() and int(escape) <= groups:
            parts.append(int(escape))
        else:
            raise InvalidArgumentError(f"static_regex_replace: invalid rewrite {rewrite!r}: '\\{escape}' is not "
                                       f"\\\\ or a group number in [0, {groups}]")
    return lambda m: "".join(p if isinstance(p, str) else (m.group(p) or "") for p in parts)


@kernel("StaticRegexReplace")
def static_regex_replace(x, *, pattern, rewrite, replace_global):
    try:
        regex = re.compile(pattern)
    except re.error as e:
        raise InvalidArgumentError(f"static_regex_replace: invalid pattern {pattern!r}: {e}") from None
    repl = _rewrite(rewrite, regex.groups)
    count = 0 if replace_global else 1
    out = [regex.sub(repl, s.decode("utf-8", "surrogateescape"), count).encode("utf-8", "surrogateescape")
           for s in to_bytes(x)]
    return _object_array(out, x.shape)


# ---- StringSplit -----------------------------------------------------------------------------------

def _split(s: bytes, delimiter: bytes, skip_empty: bool) -> list[bytes]:
    """TF's split: at any of the delimiter's bytes; an empty delimiter splits into single bytes; an empty
    string has no tokens."""
    if not s:
        return []
    if not delimiter:
        return [s[i:i + 1] for i in range(len(s))]
    first = delimiter[:1]
    tokens = s.translate(bytes.maketrans(delimiter, first * len(delimiter))).split(first)
    return [t for t in tokens if t] if skip_empty else tokens


@kernel("StringSplit")
def string_split(x, delimiter, *, skip_empty):
    delim = to_bytes(delimiter)[0]
    rows = [_split(s, delim, skip_empty) for s in to_bytes(x)]
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    total = int(lengths.sum())
    row_ids = np.repeat(np.arange(len(rows)), lengths)
    cols = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    indices = np.stack([row_ids, cols], axis=1).astype(np.int32).reshape(total, 2)
    values = _object_array([t for r in rows for t in r], (total,))
    shape = np.array([len(rows), int(lengths.max()) if len(rows) else 0], dtype=np.int32)
    return indices, values, shape


# ---- StringNGrams ----------------------------------------------------------------------------------

def _check_splits(splits: np.ndarray, size: int) -> None:
    if splits.size == 0:
        return
    if splits[0] != 0:
        raise InvalidArgumentError(f"string_n_grams: first split value must be 0, got {splits[0]}")
    bad = (np.diff(splits) < 0) | (splits[1:] > size)
    if bad.any():
        i = int(np.flatnonzero(bad)[0]) + 1
        raise InvalidArgumentError(f"string_n_grams: invalid split value {splits[i]}, must be in "
                                   f"[{splits[i - 1]}, {size}]")
    if splits[-1] != size:
        raise InvalidArgumentError(f"string_n_grams: last split value must be the data size. Expected {size}, "
                                   f"got {splits[-1]}")


@kernel("StringNGrams")
def string_n_grams(data, data_splits, *, separator, n_gram_widths, left_pad, right_pad, pad_width,
                   preserve_short_sequences):
    tokens = to_bytes(data)
    splits = data_splits.astype(np.int64)
    _check_splits(splits, len(tokens))
    sep, left, right = (s.encode("utf-8") for s in (separator, left_pad, right_pad))
    if not tokens or splits.size == 0:
        return _object_array([], (0,)), np.zeros(data_splits.shape, np.int32)

    def row_ngrams(row: list[bytes]) -> list[bytes]:
        out = []
        for width in n_gram_widths:
            pad = min(pad_width if pad_width >= 0 else width - 1, width - 1)
            padded = [left] * pad + row + [right] * pad
            out += [sep.join(padded[i:i + width]) for i in range(len(padded) - width + 1)]
        if not out and preserve_short_sequences and row:
            out = [sep.join([left] * pad_width + row + [right] * pad_width)]
        return out

    rows = [row_ngrams(tokens[a:b]) for a, b in zip(splits[:-1], splits[1:])]
    counts = np.array([0] + [len(r) for r in rows], dtype=np.int64)
    return _object_array([g for r in rows for g in r], (int(counts.sum()),)), np.cumsum(counts).astype(np.int32)


# ---- StringToHashBucketFast: FarmHash's Fingerprint64, vectorized over the strings ------------------

_K0, _K1, _K2 = np.uint64(0xC3A5C85C97CB3127), np.uint64(0xB492B66FBE98F273), np.uint64(0x9AE16A3B2F90404F)
_KMUL = np.uint64(0x9DDFEA08EB382D69)


def _u(v: int) -> np.uint64:
    return np.uint64(v)


def _rot(v: np.ndarray, shift: int) -> np.ndarray:
    return v if shift == 0 else (v >> _u(shift)) | (v << _u(64 - shift))


def _shift_mix(v: np.ndarray) -> np.ndarray:
    return v ^ (v >> _u(47))


def _hash16(u: np.ndarray, v: np.ndarray, mul: np.ndarray | np.uint64 = _KMUL) -> np.ndarray:
    a = _shift_mix((u ^ v) * mul)
    b = _shift_mix((v ^ a) * mul)
    return b * mul


class _Bytes:
    """The strings as one zero-padded uint8 matrix, with little-endian word reads at per-row offsets."""

    def __init__(self, strings: list[bytes]) -> None:
        self.len = np.array([len(s) for s in strings], dtype=np.int64)
        width = int(self.len.max(initial=0)) + 8
        self.mat = np.zeros((len(strings), width), dtype=np.uint8)
        rows = np.repeat(np.arange(len(strings)), self.len)
        cols = np.arange(int(self.len.sum())) - np.repeat(np.cumsum(self.len) - self.len, self.len)
        self.mat[rows, cols] = np.frombuffer(b"".join(strings), dtype=np.uint8)

    def word(self, rows: np.ndarray, offset: np.ndarray, size: int) -> np.ndarray:
        cells = self.mat[rows[:, None], offset[:, None] + np.arange(size)]
        return np.ascontiguousarray(cells).view(f"<u{size}").reshape(-1).astype(np.uint64)

    def byte(self, rows: np.ndarray, offset: np.ndarray) -> np.ndarray:
        return self.mat[rows, offset].astype(np.uint64)


def _len0to16(b: _Bytes, r: np.ndarray) -> np.ndarray:
    n = b.len[r]
    out = np.full(r.size, _K2)
    mul = _K2 + (n * 2).astype(np.uint64)
    s = n >= 8
    if s.any():
        rs, ns, m = r[s], n[s], mul[s]
        a = b.word(rs, np.zeros_like(ns), 8) + _K2
        bb = b.word(rs, ns - 8, 8)
        out[s] = _hash16(_rot(bb, 37) * m + a, (_rot(a, 25) + bb) * m, m)
    s = (n >= 4) & (n < 8)
    if s.any():
        rs, ns = r[s], n[s]
        a = b.word(rs, np.zeros_like(ns), 4)
        out[s] = _hash16(ns.astype(np.uint64) + (a << _u(3)), b.word(rs, ns - 4, 4), mul[s])
    s = (n > 0) & (n < 4)
    if s.any():
        rs, ns = r[s], n[s]
        y = b.byte(rs, np.zeros_like(ns)) + (b.byte(rs, ns >> 1) << _u(8))
        z = ns.astype(np.uint64) + (b.byte(rs, ns - 1) << _u(2))
        out[s] = _shift_mix(y * _K2 ^ z * _K0) * _K2
    return out


def _len17to32(b: _Bytes, r: np.ndarray) -> np.ndarray:
    n = b.len[r]
    mul = _K2 + (n * 2).astype(np.uint64)
    a = b.word(r, np.zeros_like(n), 8) * _K1
    bb = b.word(r, np.full_like(n, 8), 8)
    c = b.word(r, n - 8, 8) * mul
    d = b.word(r, n - 16, 8) * _K2
    return _hash16(_rot(a + bb, 43) + _rot(c, 30) + d, a + _rot(bb + _K2, 18) + c, mul)


def _len33to64(b: _Bytes, r: np.ndarray) -> np.ndarray:
    n = b.len[r]
    mul = _K2 + (n * 2).astype(np.uint64)
    at = lambda off: b.word(r, off, 8)  # noqa: E731
    a = at(np.zeros_like(n)) * _K2
    bb = at(np.full_like(n, 8))
    c = at(n - 8) * mul
    d = at(n - 16) * _K2
    y = _rot(a + bb, 43) + _rot(c, 30) + d
    z = _hash16(y, a + _rot(bb + _K2, 18) + c, mul)
    e = at(np.full_like(n, 16)) * mul
    f = at(np.full_like(n, 24))
    g = (y + at(n - 32)) * mul
    h = (z + at(n - 24)) * mul
    return _hash16(_rot(e + f, 43) + _rot(g, 30) + h, e + _rot(f + a, 18) + g, mul)


def _weak32(b: _Bytes, r: np.ndarray, off: np.ndarray, a: np.ndarray, c: np.ndarray):
    w, x, y, z = (b.word(r, off + k, 8) for k in (0, 8, 16, 24))
    a = a + w
    c = _rot(c + a + z, 21)
    keep = a
    a = a + x + y
    c = c + _rot(a, 44)
    return a + z, c + keep


def _len_over64(b: _Bytes, r: np.ndarray) -> np.ndarray:
    n = b.len[r]
    zero = np.zeros(r.size, np.uint64)
    x = np.full(r.size, _u(81)) * _K2 + b.word(r, np.zeros_like(n), 8)
    y = np.full(r.size, _u(81)) * _K1 + _u(113)
    z = _shift_mix(y * _K2 + _u(113)) * _K2
    v0, v1, w0, w1 = zero, zero, zero, zero
    blocks = (n - 1) >> 6

    def step(off, x, y, z, v0, v1, w0, w1, mul, final):
        at = lambda k: b.word(r, off + k, 8)  # noqa: E731
        if final:
            w0 = w0 + ((n - 1) & 63).astype(np.uint64)
            v0 = v0 + w0
            w0 = w0 + v0
        x = _rot(x + y + v0 + at(8), 37) * mul
        y = _rot(y + v1 + at(48), 42) * mul
        x = x ^ (w1 * _u(9) if final else w1)
        y = y + (v0 * _u(9) if final else v0) + at(40)
        z = _rot(z + w0, 33) * mul
        v0, v1 = _weak32(b, r, off, v1 * mul, x + w0)
        w0, w1 = _weak32(b, r, off + 32, z + w1, y + at(16))
        return z, y, x, v0, v1, w0, w1  # x and z swap

    for k in range(int(blocks.max())):
        active = k < blocks
        off = np.where(active, 64 * k, 0)
        new = step(off, x, y, z, v0, v1, w0, w1, _K1, final=False)
        x, y, z, v0, v1, w0, w1 = (np.where(active, nv, ov) for nv, ov in zip(new, (x, y, z, v0, v1, w0, w1)))
    mul = _K1 + ((z & _u(0xFF)) << _u(1))
    last = blocks * 64 + ((n - 1) & 63) - 63
    x, y, z, v0, v1, w0, w1 = step(last, x, y, z, v0, v1, w0, w1, mul, final=True)
    return _hash16(_hash16(v0, w0, mul) + _shift_mix(y) * _K0 + z, _hash16(v1, w1, mul) + x, mul)


def fingerprint64(strings: list[bytes]) -> np.ndarray:
    """FarmHash Fingerprint64 of each string (uint64), as TF and TF.js compute it."""
    b = _Bytes(strings)
    out = np.zeros(len(strings), np.uint64)
    for lo, hi, fn in ((0, 16, _len0to16), (17, 32, _len17to32), (33, 64, _len33to64),
                       (65, np.iinfo(np.int64).max, _len_over64)):
        rows = np.flatnonzero((b.len >= lo) & (b.len <= hi))
        if rows.size:
            out[rows] = fn(b, rows)
    return out


@kernel("StringToHashBucketFast")
def string_to_hash_bucket_fast(x, *, num_buckets):
    return (fingerprint64(to_bytes(x)) % np.uint64(num_buckets)).astype(np.int32).reshape(x.shape)
