"""String op mappers against the real TF.js graph executor (see math_cases.py).

TF.js's converter lower-cases every string attr, so cases compared with TF.js use lower-case patterns,
separators and pads; the mappers keep the case, which the hand-checked cases show."""
from __future__ import annotations

import numpy as np

import tensorweb.graph.ops.string  # noqa: F401  (registers the mappers)
from tensorweb.errors import InvalidArgumentError

from .math_cases import Check, i32, tfjs_tests
from .single_op import OpCase

WORDS = np.array(["the quick  brown fox", "", "jumps over", " the lazy dog ", "héllo wörld"], object)
TOKENS = np.array(["a", "b", "c", "d", "e", "f"], object)


def strings(*values: str) -> np.ndarray:
    return np.array(values, object)


def regex(x, pattern: str, rewrite: str, replace_global: bool | None = None) -> OpCase:
    attrs = {"pattern": ("s", pattern), "rewrite": ("s", rewrite)}
    if replace_global is not None:
        attrs["replace_global"] = ("b", replace_global)
    return OpCase("StaticRegexReplace", [x], attrs)


def ngrams(splits, widths, separator=" ", left="<s>", right="</s>", pad_width=-1, preserve=False) -> OpCase:
    attrs = {"separator": ("s", separator), "ngram_widths": ("list_i", widths), "left_pad": ("s", left),
             "right_pad": ("s", right), "pad_width": ("i", pad_width), "preserve_short_sequences": ("b", preserve),
             "Tsplits": ("type", "int32")}
    return OpCase("StringNGrams", [TOKENS, i32(splits)], attrs, n_outputs=2)


def split(x, delimiter: str, skip_empty: bool | None = None) -> OpCase:
    attrs = {} if skip_empty is None else {"skip_empty": ("b", skip_empty)}
    return OpCase("StringSplit", [x, np.array(delimiter, object)], attrs, n_outputs=3)


CHECKS = {
    "regex_replace_global": Check(regex(WORDS, "o", "0")),
    "regex_replace_first": Check(regex(WORDS, "[aeiou]+", "_", replace_global=False)),
    "regex_replace_class": Check(regex(WORDS, r"\s+", " ", replace_global=True)),
    "regex_replace_empty_match": Check(regex(strings("abc", ""), "x*", "-")),
    # TF.js lower-cases the pattern ([a-z]: the lower-case letters); TF replaces capitals
    "regex_replace_capitals": Check(regex(strings("Hello World", "ABC abc"), "[A-Z]", "*"),
                                    hand=[(strings("*ello *orld", "*** abc"), "string")]),
    # TF's rewrite names groups \\1 (TF.js hands it to JavaScript, which reads $1 instead)
    "regex_replace_groups": Check(regex(strings("john smith", "ada"), r"(\w+) (\w+)", r"\2, \1 (\0)"),
                                  hand=[(strings("smith, john (john smith)", "ada"), "string")]),
    "regex_replace_bad_pattern": Check(regex(WORDS, "(", "x"), hand=InvalidArgumentError("pattern")),
    "ngrams_bigrams": Check(ngrams([0, 2, 6], [2])),
    "ngrams_widths_padded": Check(ngrams([0, 3, 3, 6], [1, 3], separator="|", pad_width=1)),
    "ngrams_dynamic_pad": Check(ngrams([0, 1, 6], [2, 4], separator="-", left="l", right="r", pad_width=-1)),
    "ngrams_no_pad_short": Check(ngrams([0, 1, 6], [3], pad_width=0)),
    "ngrams_preserve_short": Check(ngrams([0, 1, 3, 6], [4], pad_width=0, preserve=True)),
    "ngrams_bad_splits": Check(ngrams([0, 4, 3, 6], [2])),
    "ngrams_capital_separator": Check(ngrams([0, 3, 6], [2], separator="X", left="L", right="R", pad_width=1),
                                      hand=[(strings("LXa", "aXb", "bXc", "cXR", "LXd", "dXe", "eXf", "fXR"), "string"),
                                            (np.array([0, 4, 8]), "int32")]),
    "split_space": Check(split(WORDS, " ")),
    "split_keep_empty": Check(split(WORDS, " ", skip_empty=False)),
    "split_several_delimiters": Check(split(strings("a,b;c", ";;x", "abc"), ",;")),
    "split_chars": Check(split(strings("abc", "", "de"), "")),
    "hash_bucket": Check(OpCase("StringToHashBucketFast", [WORDS], {"num_buckets": ("i", 1000)})),
    "hash_bucket_lengths": Check(OpCase("StringToHashBucketFast", [strings(*("x" * n for n in range(0, 140, 7)))],
                                        {"num_buckets": ("i", 2 ** 31 - 1)})),
    "hash_bucket_2d": Check(OpCase("StringToHashBucketFast", [strings("a", "b", "c", "d").reshape(2, 2)],
                                   {"num_buckets": ("i", 3)})),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("string", CHECKS)
