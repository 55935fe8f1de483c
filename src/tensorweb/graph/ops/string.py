"""String TF ops: StaticRegexReplace, StringNGrams, StringSplit, StringToHashBucketFast.

String attrs keep their case (TF.js's converter lower-cases every string attr, so its regex patterns,
separators and pads lose their capitals; tensorweb reads them as TF wrote them)."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import expect_inputs


@graph_op("StaticRegexReplace")
def _static_regex_replace(ctx: Any, inputs: list) -> tw.Tensor:
    (x,) = expect_inputs(ctx, inputs, 1)
    return tw.string.static_regex_replace(x, ctx.attr("pattern"), ctx.attr("rewrite"),
                                          bool(ctx.attr("replace_global", True)))


@graph_op("StringNGrams")
def _string_n_grams(ctx: Any, inputs: list) -> tuple:
    data, splits = expect_inputs(ctx, inputs, 2)
    return tuple(tw.string.string_n_grams(data, splits, ctx.attr("separator"), ctx.attr("ngram_widths"),
                                          ctx.attr("left_pad"), ctx.attr("right_pad"), int(ctx.attr("pad_width")),
                                          bool(ctx.attr("preserve_short_sequences"))))


@graph_op("StringSplit")
def _string_split(ctx: Any, inputs: list) -> tuple:
    x, delimiter = expect_inputs(ctx, inputs, 2)
    return tuple(tw.string.string_split(x, delimiter, bool(ctx.attr("skip_empty", True))))


@graph_op("StringToHashBucketFast")
def _string_to_hash_bucket_fast(ctx: Any, inputs: list) -> tw.Tensor:
    (x,) = expect_inputs(ctx, inputs, 1)
    return tw.string.string_to_hash_bucket_fast(x, int(ctx.attr("num_buckets")))
