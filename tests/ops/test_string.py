"""tw.string (static_regex_replace, string_split, string_n_grams, string_to_hash_bucket_fast) against the real
TF.js ops, plus TF's rewrite syntax, input checks and the str/bytes conventions."""
from __future__ import annotations

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import DtypeError, InvalidArgumentError, ShapeError
from tests.interop.tfjs import T

from .tfjs_ops import OpCall, i32, s, tfjs_op_tests

ts = tw.string
rng = np.random.default_rng(302)
WORDS = s("The quick  brown fox", "", "jumps over", " the lazy dog ", "héllo wörld", "tab\there")
TOKENS = s("a", "b", "c", "d", "e", "f", "g")
# random printable strings of every length class of FarmHash (0-16, 17-32, 33-64, longer, several blocks)
RANDOM_TEXT = s(*("".join(map(chr, rng.integers(32, 127, n))) for n in [0, 1, 3, 4, 7, 8, 16, 17, 32, 33, 64, 65,
                                                                        127, 128, 129, 200, 1000]))


def regex(x, pattern: str, rewrite: str, replace_global: bool = True) -> OpCall:
    return OpCall("string.staticRegexReplace", [x, pattern, rewrite, replace_global], ts.static_regex_replace)


def ngrams(splits, widths, separator=" ", left="<s>", right="</s>", pad_width=-1, preserve=False,
           data=TOKENS) -> OpCall:
    return OpCall("string.stringNGrams", [data, i32(splits), separator, widths, left, right, pad_width, preserve],
                  ts.string_n_grams)


def split(x, delimiter: str, skip_empty: bool = True) -> OpCall:
    return OpCall("string.stringSplit", [x, delimiter, skip_empty], ts.string_split)


def hashed(x, buckets: int) -> OpCall:
    return OpCall("string.stringToHashBucketFast", [x, buckets], ts.string_to_hash_bucket_fast)


CASES = {
    "regex_global": regex(WORDS, "o", "0"),
    "regex_first": regex(WORDS, "[aeiou]+", "_", replace_global=False),
    "regex_capitals": regex(WORDS, "[A-Z]", "*"),
    "regex_whitespace": regex(WORDS, r"\s+", " "),
    "regex_empty_matches": regex(s("abc", ""), "x*", "-"),
    "regex_unicode": regex(s("héllo wörld"), "ö|é", "o"),
    "regex_anchors": regex(WORDS, "^t", "T"),
    "ngrams_bigrams": ngrams([0, 2, 7], [2]),
    "ngrams_several_widths": ngrams([0, 3, 3, 7], [1, 3], separator="|", pad_width=1),
    "ngrams_dynamic_pad": ngrams([0, 1, 7], [2, 4], separator="-", left="L", right="R"),
    "ngrams_no_pad": ngrams([0, 1, 7], [3], pad_width=0),
    "ngrams_pad_wider_than_width": ngrams([0, 2, 7], [2], pad_width=5),
    "ngrams_preserve_short": ngrams([0, 1, 3, 7], [4], pad_width=0, preserve=True),
    "ngrams_preserve_short_padded": ngrams([0, 2, 7], [6], pad_width=1, preserve=True),
    "ngrams_empty_data": ngrams([0, 0, 0], [2], data=s()),
    "ngrams_first_split": ngrams([1, 3, 7], [2]),
    "ngrams_last_split": ngrams([0, 3, 6], [2]),
    "ngrams_decreasing": ngrams([0, 4, 3, 7], [2]),
    "split_space": split(WORDS, " "),
    "split_keep_empty": split(WORDS, " ", skip_empty=False),
    "split_delimiter_set": split(s("a,b;c", ";;x", "abc,"), ",;"),
    "split_delimiter_set_keep_empty": split(s("a,b;c", ";;x", "abc,"), ",;", skip_empty=False),
    "split_bytes": split(s("abc", "", "de"), ""),
    "split_no_match": split(s("abc", "def"), "x"),
    "split_rank2": split(T(np.array([["a b"], ["c"]], object), "string"), " "),
    "hash": hashed(WORDS, 1000),
    "hash_lengths": hashed(RANDOM_TEXT, 2 ** 31 - 1),
    "hash_one_bucket": hashed(WORDS, 1),
    "hash_2d": hashed(T(np.array([["a", "b"], ["c", "d"]], object), "string"), 7),
    "hash_zero_buckets": hashed(WORDS, 0),
}


want, test_matches_tfjs = tfjs_op_tests(CASES)


def text(t: tw.Tensor) -> list:
    return [v.decode("utf-8") for v in t.numpy().reshape(-1)]


def test_regex_rewrite_is_tf_syntax():
    """\\1..\\9 and \\0 name groups, \\\\ is a backslash, $ is literal (TF's RE2 rewrite)."""
    x = ["john smith", "ada"]
    assert text(ts.static_regex_replace(x, r"(\w+) (\w+)", r"\2, \1 [\0] \\ $1")) == [
        "smith, john [john smith] \\ $1", "ada"]
    with pytest.raises(InvalidArgumentError, match="static_regex_replace: invalid rewrite"):
        ts.static_regex_replace(x, r"(\w+)", r"\2")
    with pytest.raises(InvalidArgumentError, match="static_regex_replace: invalid pattern"):
        ts.static_regex_replace(x, "(", "")


def test_outputs_are_bytes_and_inputs_may_be_either():
    out = ts.string_split(tw.tensor([b"a b", b"c"]), " ")
    assert out.values.numpy().tolist() == [b"a", b"b", b"c"]
    mixed = tw.tensor(np.array(["x", b"x"], dtype=object), dtype="string")
    a, b = ts.string_to_hash_bucket_fast(mixed, 1 << 30).tolist()
    assert a == b


def test_split_by_hand():
    out = ts.string_split(["a  b", "", "c"], " ", skip_empty=False)
    assert out.indices.tolist() == [[0, 0], [0, 1], [0, 2], [2, 0]]
    assert text(out.values) == ["a", "", "b", "c"]
    assert out.shape.tolist() == [3, 3]


def test_ngrams_by_hand():
    out = ts.string_n_grams(["a", "b", "c"], [0, 3], "_", [2], "L", "R", 1, False)
    assert text(out.n_grams) == ["L_a", "a_b", "b_c", "c_R"]
    assert out.n_grams_splits.tolist() == [0, 4]


def test_hash_of_known_strings():
    """Fingerprint64 modulo 10 of a, b, c, d, as published with TF's and TF.js's own tests."""
    assert ts.string_to_hash_bucket_fast(["a", "b", "c", "d"], 10).tolist() == [9, 2, 2, 5]


def test_input_checks_name_the_op():
    with pytest.raises(DtypeError, match="static_regex_replace: argument 'input' must be a string"):
        ts.static_regex_replace(tw.tensor([1, 2]), "a", "b")
    with pytest.raises(ShapeError, match="string_split: input must be of rank 1"):
        ts.string_split(tw.tensor([["a"]]), " ")
    with pytest.raises(ShapeError, match="string_split: delimiter must be of rank 0"):
        ts.string_split(["a"], [" "])
    with pytest.raises(InvalidArgumentError, match="string_n_grams: n_gram_widths must be positive"):
        ts.string_n_grams(["a"], [0, 1], " ", [0], "", "", 0, False)
    with pytest.raises(DtypeError, match="string_n_grams: argument 'data_splits' must be a int32"):
        ts.string_n_grams(["a"], tw.tensor([0.0, 1.0]), " ", [1], "", "", 0, False)
    with pytest.raises(InvalidArgumentError, match="string_to_hash_bucket_fast: num_buckets"):
        ts.string_to_hash_bucket_fast(["a"], 2 ** 31)
