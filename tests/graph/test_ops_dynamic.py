"""Dynamic-shape op mappers (non-max suppression, Where, ListDiff) against the real TF.js graph executor (see
math_cases.py). The NMS cases also check tw.image.non_max_suppression*'s fidelity: score ties (lower index
first), score thresholds, flipped corners, soft-NMS, padding."""
from __future__ import annotations

import numpy as np

import tensorweb.graph.ops.dynamic  # noqa: F401  (registers the mappers)

from .math_cases import Check, Inputs, f32, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(204)
BOXES = f32([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11], [0, 10.1, 1, 11.1],
             [0, 100, 1, 101], [1, 1, 0, 0], [0.2, 0.2, 0.8, 0.8]])
SCORES = f32([0.9, 0.75, 0.6, 0.95, 0.5, 0.3, 0.85, 0.4])
TIES = f32([0.9, 0.9, 0.6, 0.9, 0.5, 0.9, 0.9, 0.6])
RANDOM_BOXES = np.sort(g.f32(30, 2, 2, lo=0.0, hi=4.0), axis=1).reshape(30, 4)
RANDOM_SCORES = g.f32(30, lo=0.0, hi=1.0)


def nms(version: int, boxes, scores, size: int, iou: float, score=None, sigma=None, pad=None) -> OpCase:
    inputs = [boxes, scores, i32(size), f32(iou)] + [f32(v) for v in (score, sigma) if v is not None]
    attrs = {} if pad is None else {"pad_to_max_output_size": ("b", pad)}
    return OpCase(f"NonMaxSuppressionV{version}", inputs, attrs, n_outputs={4: 2, 5: 2}.get(version, 1))


def with_valid_count(outputs: list) -> list:
    """TF.js's NonMaxSuppressionV5 gives (indices, scores); TF's third output counts the indices."""
    return outputs + [(np.array(outputs[0][0].size), "int32")]


CHECKS = {
    "nms_v2": Check(nms(2, BOXES, SCORES, 4, 0.5)),
    "nms_v2_ties": Check(nms(2, BOXES, TIES, 8, 0.5)),
    "nms_v2_all_overlap": Check(nms(2, BOXES, SCORES, 8, 0.0)),
    "nms_v3_score_threshold": Check(nms(3, BOXES, SCORES, 8, 0.5, 0.55)),
    "nms_v3_ties_threshold": Check(nms(3, BOXES, TIES, 3, 0.3, 0.6)),
    "nms_v3_random": Check(nms(3, RANDOM_BOXES, RANDOM_SCORES, 12, 0.4, 0.1)),
    "nms_v3_zero_outputs": Check(nms(3, BOXES, SCORES, 0, 0.5, 0.0)),
    "nms_v3_bad_iou": Check(nms(3, BOXES, SCORES, 3, 1.5, 0.0)),
    "nms_v4_padded": Check(nms(4, BOXES, SCORES, 7, 0.5, 0.55, pad=True)),
    "nms_v4_not_padded": Check(nms(4, BOXES, SCORES, 7, 0.5, 0.55, pad=False)),
    "nms_v4_pad_past_boxes": Check(nms(4, BOXES[:3], SCORES[:3], 6, 0.5, 0.0, pad=True)),
    "nms_v5_hard": Check(nms(5, BOXES, SCORES, 6, 0.5, 0.0, 0.0), post=with_valid_count),
    "nms_v5_soft": Check(nms(5, BOXES, SCORES, 8, 1.0, 0.2, 0.5), post=with_valid_count),
    "nms_v5_soft_random": Check(nms(5, RANDOM_BOXES, RANDOM_SCORES, 20, 0.7, 0.05, 0.3), post=with_valid_count),
    "nms_v5_soft_ties": Check(nms(5, BOXES, TIES, 8, 0.9, 0.1, 0.8), post=with_valid_count),
    # TF pads V5's indices and scores too when asked; TF.js has no padding for V5
    "nms_v5_padded": Check(nms(5, BOXES, SCORES, 7, 0.5, 0.55, 0.0, pad=True),
                           hand=[(np.array([3, 0, 0, 0, 0, 0, 0]), "int32"),
                                 (np.array([0.95, 0.9, 0, 0, 0, 0, 0]), "float32"), (np.array(2), "int32")]),
    "where_float": Check(OpCase("Where", [f32([[0.0, 1.5, 0.0], [-2.0, 0.0, np.nan]])], {"T": ("type", "float32")})),
    "where_bool": Check(OpCase("Where", [g.b8(2, 3, 4)], {"T": ("type", "bool")})),
    "where_int_none": Check(OpCase("Where", [i32([0, 0, 0])])),
    "list_diff_int": Check(OpCase("ListDiff", [i32([1, 2, 3, 4, 5, 2]), i32([2, 5, 7])], {"out_idx": ("type", "int32")},
                                  n_outputs=2)),
    "list_diff_float_nan": Check(OpCase("ListDiff", [f32([1.5, np.nan, 2.0, -0.0]), f32([np.nan, 0.0])],
                                        n_outputs=2)),
    # TF.js's setdiff1d refuses strings; TF's ListDiff takes them
    "list_diff_string": Check(OpCase("ListDiff", [np.array(["a", "bc", "d", "bc"], object),
                                                  np.array(["bc", "x"], object)], n_outputs=2),
                              hand=[(np.array(["a", "d"], object), "string"), (np.array([0, 2]), "int32")]),
    "list_diff_all": Check(OpCase("ListDiff", [i32([3, 3]), i32([3])], n_outputs=2)),
    "list_diff_dtypes": Check(OpCase("ListDiff", [i32([1, 2]), f32([1.0])], n_outputs=2)),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("dynamic", CHECKS)
