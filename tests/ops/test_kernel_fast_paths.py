"""Regression tests for the NumPy kernels' fast paths (separable resize with gathers and run-length
adjoints, tap-loop depthwise conv with merged rows and repeated channels, row-tiled batch norm), each
compared with a direct NumPy reference written here, on odd shapes, strides, dilations and multipliers."""
import itertools

import numpy as np
import pytest

import tensorweb as tw

from tensorweb.backends.numpy import convolution as conv_k
from tensorweb.backends.numpy import image as image_k
from tensorweb.backends.numpy import normalization as norm_k

rng = np.random.default_rng(7)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


# ---- resize ----------------------------------------------------------------------------------------

def _axis_lerp(in_size, out_size, ac, hpc):
    eff_in = in_size - 1 if ac and out_size > 1 else in_size
    eff_out = out_size - 1 if ac and out_size > 1 else out_size
    ratio = eff_in / eff_out
    out = []
    for p in range(out_size):
        src = ratio * (p + 0.5) - 0.5 if hpc else ratio * p
        lo = max(0, int(np.floor(src)))
        hi = min(in_size - 1, int(np.ceil(src)))
        out.append((lo, hi, src - lo))
    return out


def _bilinear_matrix(in_size, out_size, ac, hpc):
    m = np.zeros((out_size, in_size))
    for r, (lo, hi, f) in enumerate(_axis_lerp(in_size, out_size, ac, hpc)):
        m[r, lo] += 1 - f
        m[r, hi] += f
    return m


def _nearest_matrix(in_size, out_size, ac, hpc):
    eff_in = in_size - 1 if ac and out_size > 1 else in_size
    eff_out = out_size - 1 if ac and out_size > 1 else out_size
    ratio = eff_in / eff_out
    m = np.zeros((out_size, in_size))
    for r in range(out_size):
        src = ratio * (r + 0.5) if hpc else ratio * r
        i = min(in_size - 1, int(np.floor(src + 0.5)) if ac else int(np.floor(src)))
        m[r, max(i, 0) if hpc else i] = 1
    return m


SIZES = [((5, 7), (11, 3)), ((9, 4), (2, 13)), ((3, 3), (40, 2)), ((6, 5), (6, 5)), ((1, 4), (3, 1))]


@pytest.mark.parametrize("ac,hpc", [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize("in_hw,out_hw", SIZES)
def test_resize_fast_paths_match_dense_reference(ac, hpc, in_hw, out_hw):
    x = f32(2, *in_hw, 3)
    rows = _bilinear_matrix(in_hw[0], out_hw[0], ac, hpc)
    cols = _bilinear_matrix(in_hw[1], out_hw[1], ac, hpc)
    ref = np.einsum("rh,bhwc,sw->brsc", rows, x.astype(np.float64), cols)
    got = image_k.resize_bilinear(x, size=out_hw, align_corners=ac, half_pixel_centers=hpc)
    assert got.dtype == np.float32 and got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)
    dy = f32(2, *out_hw, 3)
    gref = np.einsum("rh,brsc,sw->bhwc", rows, dy.astype(np.float64), cols)
    g = image_k.resize_bilinear_grad(dy, x, align_corners=ac, half_pixel_centers=hpc)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, gref, rtol=1e-5, atol=1e-5)

    nr = _nearest_matrix(in_hw[0], out_hw[0], ac, hpc)
    nc = _nearest_matrix(in_hw[1], out_hw[1], ac, hpc)
    np.testing.assert_array_equal(image_k.resize_nearest_neighbor(x, size=out_hw, align_corners=ac,
                                                                  half_pixel_centers=hpc),
                                  np.einsum("rh,bhwc,sw->brsc", nr, x.astype(np.float64), nc).astype(np.float32))
    np.testing.assert_allclose(image_k.resize_nearest_neighbor_grad(dy, x, align_corners=ac, half_pixel_centers=hpc),
                               np.einsum("rh,brsc,sw->bhwc", nr, dy.astype(np.float64), nc), rtol=1e-5, atol=1e-5)


def test_resize_long_runs_use_dense_adjoint():
    x = f32(1, 2, 2, 1)
    dy = f32(1, 50, 50, 1)
    rows = _bilinear_matrix(2, 50, False, False)
    g = image_k.resize_bilinear_grad(dy, x, align_corners=False, half_pixel_centers=False)
    np.testing.assert_allclose(g, np.einsum("rh,brsc,sw->bhwc", rows, dy.astype(np.float64), rows), rtol=1e-4)


def test_resize_int_input_and_nonfinite_values():
    x = np.arange(2 * 3 * 4 * 2, dtype=np.int32).reshape(2, 3, 4, 2)
    out = image_k.resize_bilinear(x, size=(5, 7), align_corners=False, half_pixel_centers=True)
    rows, cols = _bilinear_matrix(3, 5, False, True), _bilinear_matrix(4, 7, False, True)
    np.testing.assert_allclose(out, np.einsum("rh,bhwc,sw->brsc", rows, x.astype(np.float64), cols), rtol=1e-6)
    np.testing.assert_array_equal(image_k.resize_nearest_neighbor(x, size=(5, 7)).dtype, np.int32)
    y = f32(1, 3, 3, 1)
    y[0, 0, 0, 0] = np.inf
    out = image_k.resize_bilinear(y, size=(6, 6), align_corners=False, half_pixel_centers=False)
    # TF.js's per-pixel math: tl + (tr - tl) * f is NaN at an Inf pixel, neighbours far away stay finite
    assert np.isnan(out[0, 0, 0, 0]) and np.isfinite(out[0, 4:, 4:]).all()


# ---- depthwise conv --------------------------------------------------------------------------------

def _depthwise_ref(x, w, strides, dilations, pads):
    n, h, wd, c = x.shape
    kh, kw, _, m = w.shape
    (pt, pb), (pl, pr) = pads
    xp = np.pad(x.astype(np.float64), ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    oh = (h + pt + pb - (kh - 1) * dilations[0] - 1) // strides[0] + 1
    ow = (wd + pl + pr - (kw - 1) * dilations[1] - 1) // strides[1] + 1
    out = np.zeros((n, oh, ow, c, m))
    for i, j in itertools.product(range(kh), range(kw)):
        patch = xp[:, i * dilations[0]::strides[0], j * dilations[1]::strides[1]][:, :oh, :ow]
        out += patch[..., None] * w[i, j]
    return out.reshape(n, oh, ow, c * m)


@pytest.mark.parametrize("xs,ws,strides,dil,pad", [
    ((2, 7, 9, 3), (3, 3, 3, 1), (1, 1), (1, 1), [[0, 0], [1, 1], [1, 1], [0, 0]]),
    ((1, 8, 11, 5), (3, 2, 5, 2), (2, 1), (1, 1), [[0, 0], [1, 2], [0, 1], [0, 0]]),
    ((1, 9, 10, 4), (3, 3, 4, 3), (1, 2), (1, 1), [[0, 0], [0, 0], [1, 1], [0, 0]]),
    ((2, 10, 12, 2), (3, 3, 2, 2), (1, 1), (2, 3), [[0, 0], [2, 2], [3, 3], [0, 0]]),
    ((1, 6, 7, 6), (2, 2, 6, 1), (2, 3), (1, 1), [[0, 0], [0, 0], [0, 0], [0, 0]]),
    ((1, 5, 5, 1), (1, 1, 1, 4), (1, 1), (1, 1), [[0, 0], [0, 0], [0, 0], [0, 0]]),
])
def test_depthwise_forward_matches_reference(xs, ws, strides, dil, pad):
    x, w = f32(*xs), f32(*ws)
    got = conv_k.depthwise_conv2d(x, w, strides=strides, pad=pad, dilations=dil)
    ref = _depthwise_ref(x, w, strides, dil, (pad[1], pad[2]))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)
    # the out= path (the fused kernel's) and bias + relu
    b = f32(ws[2] * ws[3])
    fused = conv_k.fused_depthwise_conv2d(x, w, b, strides=strides, pad=pad, dilations=dil, has_bias=True,
                                          activation="relu")
    np.testing.assert_allclose(fused, np.maximum(ref + b, 0), rtol=1e-5, atol=1e-5)


def test_depthwise_same_padding_and_readonly_inputs():
    x, w = f32(1, 7, 6, 4), f32(3, 3, 4, 2)
    x.flags.writeable = False
    w.flags.writeable = False
    got = conv_k.depthwise_conv2d(x, w, strides=1, pad="same")
    np.testing.assert_allclose(got, _depthwise_ref(x, w, (1, 1), (1, 1), ((1, 1), (1, 1))), rtol=1e-5, atol=1e-5)


# ---- batch norm ------------------------------------------------------------------------------------

@pytest.mark.parametrize("xs,ps", [((2, 5, 7, 3), (3,)), ((4, 6), (6,)), ((2, 3, 4), (1,)),
                                   ((2, 3, 4), (3, 4)), ((1, 1, 5), (5,))])
def test_batch_norm_row_tiling_matches_reference(xs, ps):
    x, mean, off, sc = f32(*xs), f32(*ps), f32(*ps), f32(*ps)
    var = np.abs(f32(*ps)) + 0.5
    got = norm_k.fused_batch_norm(x, mean, var, off, sc, variance_epsilon=1e-3, has_offset=True, has_scale=True)
    ref = (x - mean) / np.sqrt(var.astype(np.float64) + 1e-3) * sc + off
    assert got.shape == x.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)
    xt = np.asfortranarray(x)                                  # non-contiguous input: the plain path
    np.testing.assert_array_equal(norm_k.fused_batch_norm(xt, mean, var, off, sc, variance_epsilon=1e-3,
                                                          has_offset=True, has_scale=True), got)


@pytest.mark.parametrize("xs,ws,strides,dil,pad", [
    ((2, 7, 9, 3), (3, 3, 3, 1), (1, 1), (1, 1), [[0, 0], [1, 1], [1, 1], [0, 0]]),
    ((1, 8, 11, 5), (3, 2, 5, 2), (2, 1), (1, 1), [[0, 0], [1, 2], [0, 1], [0, 0]]),
    ((1, 9, 10, 4), (3, 3, 4, 3), (1, 2), (1, 1), [[0, 0], [0, 0], [1, 1], [0, 0]]),
    ((2, 10, 12, 2), (3, 3, 2, 2), (1, 1), (2, 3), [[0, 0], [2, 2], [3, 3], [0, 0]]),
])
def test_depthwise_backprop_input_is_the_adjoint(xs, ws, strides, dil, pad):
    x, w = f32(*xs), f32(*ws)
    y = _depthwise_ref(x, w, strides, dil, (pad[1], pad[2]))
    dy = f32(*y.shape)
    dx = conv_k.depthwise_conv2d_backprop_input(dy, w, input_shape=xs, strides=strides, pad=pad, dilations=dil)
    assert dx.shape == xs and dx.dtype == np.float32
    # <conv(x), dy> == <x, conv^T(dy)> for every x: compare against the reference's basis response
    ref = np.zeros(xs)
    for idx in itertools.product(*(range(s) for s in xs)):
        e = np.zeros(xs, dtype=np.float32)
        e[idx] = 1
        ref[idx] = (_depthwise_ref(e, w, strides, dil, (pad[1], pad[2])) * dy).sum()
    np.testing.assert_allclose(dx, ref, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("op", [tw.add, tw.sub, tw.mul])
def test_per_channel_broadcast_fast_path_matches_numpy(op):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 7, 9, 16)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    ref = {tw.add: np.add, tw.sub: np.subtract, tw.mul: np.multiply}[op]
    np.testing.assert_array_equal(op(x, b).numpy(), ref(x, b))
    np.testing.assert_array_equal(op(b, x).numpy(), ref(b, x))
