"""Dynamic-shape TF ops: NonMaxSuppressionV2..V5, Where, ListDiff."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import expect_inputs, host_int, host_number

# Inputs after boxes and scores, by op: max_output_size, iou_threshold, score_threshold, soft_nms_sigma.
NMS_INPUTS = {"NonMaxSuppressionV2": 4, "NonMaxSuppressionV3": 5, "NonMaxSuppressionV4": 5, "NonMaxSuppressionV5": 6}


@graph_op(*NMS_INPUTS)
def _non_max_suppression(ctx: Any, inputs: list) -> Any:
    """V2/V3: selected indices. V4: (indices, valid_outputs), padded with pad_to_max_output_size. V5: TF's
    (indices, scores, valid_outputs) with soft-NMS sigma (TF.js gives the first two; padding as V4)."""
    boxes, scores, size, iou, *rest = expect_inputs(ctx, inputs, NMS_INPUTS[ctx.op])
    args = (boxes, scores, host_int(ctx, size, "max_output_size"), host_number(ctx, iou, "iou_threshold"),
            host_number(ctx, rest[0], "score_threshold") if rest else float("-inf"))
    pad = bool(ctx.attr("pad_to_max_output_size", False))
    if ctx.op == "NonMaxSuppressionV4":
        return tuple(tw.image.non_max_suppression_padded(*args, pad))
    if ctx.op != "NonMaxSuppressionV5":
        return tw.image.non_max_suppression(*args)
    indices, selected = tw.image.non_max_suppression_with_score(*args, host_number(ctx, rest[1], "soft_nms_sigma"))
    valid = tw.scalar(indices.shape[0], "int32")
    padding = min(args[2], boxes.shape[0]) - indices.shape[0]
    if pad and padding > 0:
        indices, selected = (tw.pad(t, [[0, padding]]) for t in (indices, selected))
    return indices, selected, valid


@graph_op("Where")
def _where(ctx: Any, inputs: list) -> tw.Tensor:
    (condition,) = expect_inputs(ctx, inputs, 1)
    return tw.where_indices(tw.cast(condition, "bool"))


@graph_op("ListDiff")
def _list_diff(ctx: Any, inputs: list) -> tuple:
    return tw.setdiff1d(*expect_inputs(ctx, inputs, 2))
