"""String ops (tw.string, TF.js's tf.string.*): static_regex_replace, string_split, string_n_grams,
string_to_hash_bucket_fast.

String tensors may hold str or bytes; str values are read as UTF-8, and string outputs hold bytes, as TF
and TF.js store strings."""
from __future__ import annotations

import numbers
from typing import Any, NamedTuple, Sequence

from ..core.tensor import Tensor
from ..errors import InvalidArgumentError
from ._base import check_rank, convert, run

__all__ = ["static_regex_replace", "string_split", "string_n_grams", "string_to_hash_bucket_fast"]


class StringSplitResult(NamedTuple):
    indices: Tensor
    values: Tensor
    shape: Tensor


class StringNGramsResult(NamedTuple):
    n_grams: Tensor
    n_grams_splits: Tensor


def _text(value: Any, op: str, arg: str) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{op}: {arg} must be a string, got {value!r}")
    return value


def _int(value: Any, op: str, arg: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidArgumentError(f"{op}: {arg} must be an integer, got {value!r}")
    return int(value)


def static_regex_replace(input: Any, pattern: str, rewrite: str,  # noqa: A002 (TF.js's name)
                         replace_global: bool = True) -> Tensor:
    """Replaces the matches of `pattern` in each string (every match, or the first one) with `rewrite`.

    As in TF (RE2), `rewrite` names groups as \\1 .. \\9 (\\0: the whole match) and \\\\ is a backslash.
    (TF.js hands the rewrite to JavaScript's String.replace, which reads $1 instead: tensorweb follows TF,
    whose graphs carry RE2 rewrites.) The pattern is Python's `re` syntax, which RE2's common syntax is."""
    op = "static_regex_replace"
    t = convert(input, "input", op, "string")
    return run("StaticRegexReplace", (t,), {"pattern": _text(pattern, op, "pattern"),
                                            "rewrite": _text(rewrite, op, "rewrite"),
                                            "replace_global": bool(replace_global)})


def string_split(input: Any, delimiter: Any, skip_empty: bool = True) -> StringSplitResult:  # noqa: A002
    """Splits each string of a 1-D tensor at every byte of `delimiter` (an empty delimiter splits into single
    bytes); empty tokens are dropped with skip_empty. Returns a sparse tensor: (indices int32 [n, 2],
    values string [n], shape int32 [batch, longest row])."""
    op = "string_split"
    t = convert(input, "input", op, "string")
    d = convert(delimiter, "delimiter", op, "string")
    check_rank(t, 1, op, "input")
    check_rank(d, 0, op, "delimiter")
    return StringSplitResult(*run("StringSplit", (t, d), {"skip_empty": bool(skip_empty)}))


def string_n_grams(data: Any, data_splits: Any, separator: str, n_gram_widths: Sequence[int], left_pad: str,
                   right_pad: str, pad_width: int, preserve_short_sequences: bool) -> StringNGramsResult:
    """The n-grams (joined with `separator`) of each row of a ragged string tensor (data [n], data_splits:
    row i is data[splits[i]:splits[i+1]]), for each width in n_gram_widths. Rows are padded with pad_width
    copies of left_pad/right_pad (-1: width - 1; never more than width - 1). With preserve_short_sequences,
    a non-empty row too short for any n-gram gives one n-gram of the whole padded row.
    Returns (n_grams string [m], n_grams_splits int32, shaped as data_splits)."""
    op = "string_n_grams"
    t = convert(data, "data", op, "string")
    splits = convert(data_splits, "data_splits", op, "int32")
    check_rank(t, 1, op, "data")
    widths = [_int(w, op, "n_gram_widths") for w in n_gram_widths]
    if any(w < 1 for w in widths):
        raise InvalidArgumentError(f"{op}: n_gram_widths must be positive, got {widths}")
    attrs = {"separator": _text(separator, op, "separator"), "n_gram_widths": tuple(widths),
             "left_pad": _text(left_pad, op, "left_pad"), "right_pad": _text(right_pad, op, "right_pad"),
             "pad_width": _int(pad_width, op, "pad_width"), "preserve_short_sequences": bool(preserve_short_sequences)}
    return StringNGramsResult(*run("StringNGrams", (t, splits), attrs))


def string_to_hash_bucket_fast(input: Any, num_buckets: int) -> Tensor:  # noqa: A002
    """Each string's bucket in [0, num_buckets): its FarmHash Fingerprint64 modulo num_buckets (int32, the
    same numbers as TF and TF.js)."""
    op = "string_to_hash_bucket_fast"
    t = convert(input, "input", op, "string")
    n = _int(num_buckets, op, "num_buckets")
    if not 1 <= n < 2 ** 31:
        raise InvalidArgumentError(f"{op}: num_buckets must be in [1, 2**31), got {n}")
    return run("StringToHashBucketFast", (t,), {"num_buckets": n})
