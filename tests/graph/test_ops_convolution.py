"""Convolution and pooling op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations

import numpy as np
import pytest

import tensorweb.graph.ops.convolution  # noqa: F401  (registers the mappers)
from tensorweb.errors import ModelFormatError, UnsupportedOpError

from .math_cases import Check, Inputs, assert_refuses, attr_specs, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(109)
X = g.f32(2, 7, 8, 3)
W = g.f32(3, 3, 3, 4)
DW = g.f32(3, 2, 3, 2)           # depthwise, channel multiplier 2
BIAS, ALPHA = g.f32(4), g.f32(4, lo=0.0, hi=0.5)
DBIAS = g.f32(6)
BN = [g.f32(4), g.f32(4), g.f32(4), g.f32(4, lo=0.2, hi=2.0)]      # scale, offset, mean, variance
DBN = [g.f32(6), g.f32(6), g.f32(6), g.f32(6, lo=0.2, hi=2.0)]
X5, W5 = g.f32(1, 5, 6, 4, 2), g.f32(2, 3, 2, 2, 3)
X3, W3 = g.f32(2, 9, 3), g.f32(3, 3, 2)


def nchw(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def to_nchw(outs: list) -> list:
    return [(a.transpose(0, 3, 1, 2), d) for a, d in outs]


def attrs(strides=(1, 1), padding="VALID", dilations=(1, 1), fmt: str | None = None, explicit=None,
          **extra) -> dict:
    """Per-dimension attrs laid out as data_format (NHWC unless fmt says otherwise)."""
    def full(v):
        return [1, 1, *v] if fmt and fmt.startswith("NC") else [1, *v, 1]
    out = {"strides": ("list_i", full(strides)), "padding": ("s", padding), "T": ("type", "float32")}
    if dilations is not None:
        out["dilations"] = ("list_i", full(dilations))
    if fmt is not None:
        out["data_format"] = ("s", fmt)
    if explicit is not None:
        out["explicit_paddings"] = ("list_i", explicit)
    out.update(attr_specs(**extra))
    return out


def conv(op: str, x, w, **kw) -> OpCase:
    return OpCase(op, [x, w], attrs(**kw), consts=(1,))


def fused(op: str, ops: list[str], *args, x=X, w=W, **kw) -> OpCase:
    return OpCase(op, [x, w, *args], attrs(fused_ops=ops, num_args=len(args), **kw),
                  consts=tuple(range(1, 2 + len(args))))


def pool(op: str, x, ksize, strides, padding, **kw) -> OpCase:
    spec = attr_specs(ksize=[1, *ksize, 1], strides=[1, *strides, 1], padding=padding, **kw)
    return OpCase(op, [x], spec, n_outputs=2 if op == "MaxPoolWithArgmax" else 1)


def then(fn):
    """post: apply fn (NumPy, float64) to TF.js's first output, as float32."""
    return lambda outs: [(fn(outs[0][0]), "float32")]


def batch_norm(y, scale, offset, mean, variance, eps=1e-4):
    return (y - mean) / np.sqrt(variance.astype(np.float64) + eps) * scale + offset


def max_pool_explicit(x, k, s, pads):
    """Max pooling by definition: pad with -inf, take every window's max."""
    xp = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=-np.inf)
    win = np.lib.stride_tricks.sliding_window_view(xp, k, axis=(1, 2))
    return win.max(axis=(-2, -1))[:, ::s[0], ::s[1]]


CHECKS = {
    # Conv2D
    "conv2d_valid": Check(conv("Conv2D", X, W)),
    "conv2d_same_stride2": Check(conv("Conv2D", X, W, strides=(2, 2), padding="SAME")),
    "conv2d_same_strides_2_1": Check(conv("Conv2D", X, W, strides=(2, 1), padding="SAME", fmt="NHWC")),
    "conv2d_dilations": Check(conv("Conv2D", X, W, padding="SAME", dilations=(2, 2))),
    "conv2d_explicit": Check(conv("Conv2D", X, W, padding="EXPLICIT", explicit=[0, 0, 1, 2, 0, 1, 0, 0])),
    "conv2d_1x1": Check(conv("Conv2D", X, g.f32(1, 1, 3, 5))),
    "conv2d_fed_filter": Check(OpCase("Conv2D", [X, W], attrs(padding="SAME"))),
    "conv2d_channel_mismatch": Check(conv("Conv2D", X, g.f32(3, 3, 2, 4))),
    "conv2d_nchw": Check(conv("Conv2D", nchw(X), W, padding="SAME", fmt="NCHW")),
    # TF.js reads strides[1:3] whatever the format; NCHW strides are [1, 1, sh, sw]
    "conv2d_nchw_stride2": Check(conv("Conv2D", nchw(X), W, strides=(2, 2), padding="SAME", fmt="NCHW"),
                                 ref=conv("Conv2D", X, W, strides=(2, 2), padding="SAME"), post=to_nchw),
    "conv2d_nchw_explicit_dilations": Check(conv("Conv2D", nchw(X), W, padding="EXPLICIT", dilations=(2, 1),
                                                 fmt="NCHW", explicit=[0, 0, 0, 0, 2, 1, 0, 3]),
                                            ref=conv("Conv2D", X, W, padding="EXPLICIT", dilations=(2, 1),
                                                     explicit=[0, 0, 2, 1, 0, 3, 0, 0]), post=to_nchw),
    # TF's default dilations; TF.js needs the attr
    "conv2d_no_dilations_attr": Check(conv("Conv2D", X, W, padding="SAME", dilations=None),
                                      ref=conv("Conv2D", X, W, padding="SAME")),
    # DepthwiseConv2dNative / DepthwiseConv2d
    "depthwise_valid": Check(conv("DepthwiseConv2dNative", X, DW)),
    "depthwise_same_stride2": Check(conv("DepthwiseConv2dNative", X, DW, strides=(2, 2), padding="SAME")),
    "depthwise_dilations": Check(conv("DepthwiseConv2dNative", X, DW, padding="SAME", dilations=(2, 3))),
    "depthwise_explicit": Check(conv("DepthwiseConv2dNative", X, DW, padding="EXPLICIT",
                                     explicit=[0, 0, 2, 0, 1, 1, 0, 0])),
    "depthwise_v1": Check(conv("DepthwiseConv2d", X, DW, padding="SAME")),
    "depthwise_nchw": Check(conv("DepthwiseConv2dNative", nchw(X), DW, strides=(2, 2), padding="SAME", fmt="NCHW"),
                            ref=conv("DepthwiseConv2dNative", X, DW, strides=(2, 2), padding="SAME"), post=to_nchw),
    # _FusedConv2D
    "fused_conv_bias": Check(fused("_FusedConv2D", ["BiasAdd"], BIAS, padding="SAME")),
    "fused_conv_relu": Check(fused("_FusedConv2D", ["BiasAdd", "Relu"], BIAS, strides=(2, 2), padding="SAME")),
    "fused_conv_relu6": Check(fused("_FusedConv2D", ["BiasAdd", "Relu6"], BIAS * 4, padding="VALID")),
    "fused_conv_elu": Check(fused("_FusedConv2D", ["BiasAdd", "Elu"], BIAS, dilations=(2, 2))),
    "fused_conv_leakyrelu": Check(fused("_FusedConv2D", ["BiasAdd", "LeakyRelu"], BIAS, leakyrelu_alpha=0.05)),
    "fused_conv_prelu": Check(fused("_FusedConv2D", ["BiasAdd", "Prelu"], BIAS, ALPHA, padding="SAME")),
    "fused_conv_sigmoid": Check(fused("_FusedConv2D", ["BiasAdd", "Sigmoid"], BIAS)),
    "fused_conv_explicit": Check(fused("_FusedConv2D", ["BiasAdd", "Relu"], BIAS, padding="EXPLICIT",
                                       explicit=[0, 0, 1, 1, 2, 0, 0, 0])),
    "fused_conv_missing_bias": Check(fused("_FusedConv2D", ["BiasAdd", "Relu"])),
    # TF.js's cpu backend has no fused tanh, and refuses a fused batch norm: TF.js's plain conv, then NumPy
    "fused_conv_tanh": Check(fused("_FusedConv2D", ["BiasAdd", "Tanh"], BIAS, padding="SAME"),
                             ref=conv("Conv2D", X, W, padding="SAME"), post=then(lambda y: np.tanh(y + BIAS))),
    "fused_conv_batch_norm": Check(fused("_FusedConv2D", ["FusedBatchNorm"], *BN, padding="SAME", epsilon=0.001),
                                   ref=conv("Conv2D", X, W, padding="SAME"),
                                   post=then(lambda y: batch_norm(y, *BN, eps=0.001))),
    "fused_conv_batch_norm_relu": Check(fused("_FusedConv2D", ["FusedBatchNorm", "Relu"], *BN, strides=(2, 2)),
                                        ref=conv("Conv2D", X, W, strides=(2, 2)),
                                        post=then(lambda y: np.maximum(batch_norm(y, *BN), 0))),
    # FusedDepthwiseConv2dNative
    "fused_depthwise_bias": Check(fused("FusedDepthwiseConv2dNative", ["BiasAdd"], DBIAS, w=DW, padding="SAME")),
    "fused_depthwise_relu6": Check(fused("FusedDepthwiseConv2dNative", ["BiasAdd", "Relu6"], DBIAS * 4, w=DW,
                                         strides=(2, 2), padding="SAME")),
    "fused_depthwise_prelu": Check(fused("FusedDepthwiseConv2dNative", ["BiasAdd", "Prelu"], DBIAS,
                                         g.f32(6, lo=0.0, hi=0.5), w=DW, dilations=(2, 2))),
    "fused_depthwise_batch_norm_elu": Check(
        fused("FusedDepthwiseConv2dNative", ["FusedBatchNorm", "Elu"], *DBN, w=DW, padding="SAME"),
        ref=conv("DepthwiseConv2dNative", X, DW, padding="SAME"),
        post=then(lambda y: (lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))))(batch_norm(y, *DBN)))),
    # Conv2DBackpropInput: inputs (input_sizes, filter, out_backprop)
    "conv2d_backprop_input_same": Check(OpCase("Conv2DBackpropInput", [i32([2, 7, 8, 3]), W, g.f32(2, 4, 4, 4)],
                                               attrs(strides=(2, 2), padding="SAME"), consts=(0, 1))),
    "conv2d_backprop_input_valid": Check(OpCase("Conv2DBackpropInput", [i32([2, 9, 10, 3]), W, g.f32(2, 4, 4, 4)],
                                                attrs(strides=(2, 2), padding="VALID"), consts=(1,))),
    "conv2d_backprop_input_explicit": Check(OpCase("Conv2DBackpropInput", [i32([1, 5, 6, 3]), W, g.f32(1, 5, 6, 4)],
                                                   attrs(padding="EXPLICIT", explicit=[0, 0, 1, 1, 1, 1, 0, 0]),
                                                   consts=(0, 1))),
    # out_backprop [2, 4, 4, 4] cannot come from a [2, 9, 9, 3] input at stride 1: TF refuses, TF.js computes
    "conv2d_backprop_input_bad_sizes": Check(OpCase("Conv2DBackpropInput", [i32([2, 9, 9, 3]), W,
                                                                            g.f32(2, 4, 4, 4)],
                                                    attrs(strides=(1, 1), padding="SAME"), consts=(0, 1)),
                                             hand=ValueError("output_shape")),
    # Conv3D
    "conv3d_valid": Check(OpCase("Conv3D", [X5, W5], {"strides": ("list_i", [1, 1, 1, 1, 1]),
                                                      "padding": ("s", "VALID"), "data_format": ("s", "NDHWC"),
                                                      "dilations": ("list_i", [1, 1, 1, 1, 1])}, consts=(1,))),
    "conv3d_same_stride2": Check(OpCase("Conv3D", [X5, W5], {"strides": ("list_i", [1, 2, 2, 2, 1]),
                                                             "padding": ("s", "SAME"), "data_format": ("s", "NDHWC"),
                                                             "dilations": ("list_i", [1, 1, 1, 1, 1])})),
    "conv3d_dilations": Check(OpCase("Conv3D", [X5, W5], {"strides": ("list_i", [1, 1, 1, 1, 1]),
                                                          "padding": ("s", "SAME"), "data_format": ("s", "NDHWC"),
                                                          "dilations": ("list_i", [1, 2, 1, 2, 1])})),
    # Conv1D (TF.js's own node form: stride, dilation, NWC)
    "conv1d_same": Check(OpCase("Conv1D", [X3, W3], {"stride": ("i", 1), "padding": ("s", "SAME"),
                                                     "data_format": ("s", "NWC")}, consts=(1,))),
    "conv1d_valid_stride2": Check(OpCase("Conv1D", [X3, W3], {"stride": ("i", 2), "padding": ("s", "VALID")})),
    "conv1d_dilation2": Check(OpCase("Conv1D", [X3, W3], {"stride": ("i", 1), "padding": ("s", "SAME"),
                                                          "dilation": ("i", 2)})),
    # pooling
    "avg_pool_valid": Check(pool("AvgPool", X, (2, 2), (2, 2), "VALID")),
    "avg_pool_same": Check(pool("AvgPool", X, (3, 3), (2, 2), "SAME", data_format="NHWC")),
    "avg_pool_3x2_stride1": Check(pool("AvgPool", X, (3, 2), (1, 1), "SAME")),
    "max_pool_valid": Check(pool("MaxPool", X, (2, 2), (2, 2), "VALID")),
    "max_pool_same": Check(pool("MaxPool", X, (3, 3), (2, 2), "SAME")),
    "max_pool_int": Check(pool("MaxPool", g.i32(1, 4, 5, 2), (2, 3), (1, 2), "SAME")),
    # TF.js refuses EXPLICIT max pooling; TF pads with -inf
    "max_pool_explicit": Check(pool("MaxPool", X, (3, 3), (2, 2), "EXPLICIT",
                                    explicit_paddings=[0, 0, 1, 1, 2, 0, 0, 0]),
                               hand=[(max_pool_explicit(X, (3, 3), (2, 2), [(1, 1), (2, 0)]), "float32")]),
    "avg_pool3d": Check(pool("AvgPool3D", X5, (2, 2, 2), (1, 2, 2), "SAME")),
    "avg_pool3d_valid": Check(pool("AvgPool3D", X5, (2, 3, 2), (2, 1, 1), "VALID")),
    "max_pool3d": Check(pool("MaxPool3D", X5, (2, 2, 2), (2, 2, 2), "SAME", data_format="NDHWC")),
    "max_pool3d_valid": Check(pool("MaxPool3D", X5, (3, 2, 2), (1, 1, 2), "VALID")),
    "max_pool_with_argmax": Check(pool("MaxPoolWithArgmax", X, (2, 2), (2, 2), "VALID",
                                       include_batch_in_index=False)),
    "max_pool_with_argmax_batch_index": Check(pool("MaxPoolWithArgmax", X, (3, 3), (2, 2), "SAME",
                                                   include_batch_in_index=True)),
    # Dilation2D
    "dilation2d_valid": Check(OpCase("Dilation2D", [X, g.f32(2, 3, 3)],
                                     {"strides": ("list_i", [1, 1, 1, 1]), "rates": ("list_i", [1, 1, 1, 1]),
                                      "padding": ("s", "VALID")}, consts=(1,))),
    "dilation2d_same_rates": Check(OpCase("Dilation2D", [X, g.f32(2, 2, 3)],
                                          {"strides": ("list_i", [1, 1, 1, 1]), "rates": ("list_i", [1, 2, 2, 1]),
                                           "padding": ("s", "SAME")})),
    "dilation2d_strides": Check(OpCase("Dilation2D", [X, g.f32(3, 2, 3)],
                                       {"strides": ("list_i", [1, 2, 3, 1]), "rates": ("list_i", [1, 1, 1, 1]),
                                        "padding": ("s", "SAME")})),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("convolution", CHECKS)


REFUSED = {
    "fused_conv_nchw": (fused("_FusedConv2D", ["BiasAdd"], BIAS, x=nchw(X), fmt="NCHW"), UnsupportedOpError,
                        "NCHW"),
    "fused_conv_unknown_activation": (fused("_FusedConv2D", ["BiasAdd", "Gelu"], BIAS), UnsupportedOpError,
                                      "Gelu"),
    "fused_conv_bias_add_add": (fused("_FusedConv2D", ["BiasAdd", "Add", "Relu"], BIAS, BIAS),
                                UnsupportedOpError, "Add"),
    "fused_conv_activation_alone": (fused("_FusedConv2D", ["Relu"]), UnsupportedOpError, "Relu"),
    "fused_conv_num_args": (OpCase("_FusedConv2D", [X, W, BIAS], attrs(fused_ops=["BiasAdd"], num_args=2)),
                            ModelFormatError, "num_args 2"),
    "fused_batch_norm_args": (fused("_FusedConv2D", ["FusedBatchNorm"], *BN[:3]), ModelFormatError, "4 extra"),
    "conv3d_ncdhw": (OpCase("Conv3D", [X5, W5], {"strides": ("list_i", [1] * 5), "padding": ("s", "VALID"),
                                                 "data_format": ("s", "NCDHW")}), UnsupportedOpError, "NCDHW"),
    "conv2d_batch_stride": (OpCase("Conv2D", [X, W], {"strides": ("list_i", [2, 1, 1, 1]),
                                                      "padding": ("s", "VALID")}), UnsupportedOpError, "strides"),
    "conv2d_short_strides": (OpCase("Conv2D", [X, W], {"strides": ("list_i", [1, 1]), "padding": ("s", "VALID")}),
                             ModelFormatError, "strides"),
    "conv2d_unknown_padding": (conv("Conv2D", X, W, padding="FULL"), ModelFormatError, "FULL"),
    "conv2d_short_explicit": (conv("Conv2D", X, W, padding="EXPLICIT", explicit=[1, 1, 1, 1]), ModelFormatError,
                              "explicit_paddings"),
    "conv2d_one_input": (OpCase("Conv2D", [X], attrs()), ModelFormatError, "expected 2 inputs, got 1"),
    "avg_pool_nchw": (pool("AvgPool", X, (2, 2), (1, 1), "VALID", data_format="NCHW"), UnsupportedOpError, "NCHW"),
    "backprop_input_dilations": (OpCase("Conv2DBackpropInput", [i32([2, 7, 8, 3]), W, g.f32(2, 7, 8, 4)],
                                        attrs(padding="SAME", dilations=(2, 2))), UnsupportedOpError, "dilations"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_refuses_with_a_clear_error(name):
    assert_refuses(*REFUSED[name])
