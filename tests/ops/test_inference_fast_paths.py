"""The NumPy kernels' inference fast paths, each against an independent NumPy reference written here (float64,
direct loops over filter taps or output positions):

- depthwise conv as np.einsum over window views, with the output split into an interior box read straight
  from x and thin padded border boxes (window_regions), rows merged with channels for stride 1;
- conv as blocked im2col matmuls with the fused bias + activation applied per block (and its fallbacks);
- separable pooling (one spatial axis at a time; few long windows reduced by slices);
- blocked hard non-max suppression;
- LeakyRelu / Prelu as plain element-wise passes, in place too;
- the memoized conv geometry.
"""
import itertools

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.backends.numpy import _windows
from tensorweb.backends.numpy import basic_math as math_k
from tensorweb.backends.numpy import convolution as conv_k
from tensorweb.backends.numpy import image as image_k
from tensorweb.backends.numpy import pooling as pool_k
from tensorweb.errors import InvalidArgumentError
from tensorweb.ops import conv_util

rng = np.random.default_rng(11)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def geometry(op, xs, ws, strides, pad, dil, mode=None, depthwise=False):
    return conv_util.conv_info(op, xs, ws, strides, pad, dil, mode, depthwise=depthwise,
                               allow_strides_and_dilations=True)


def windows_ref(x, info, value=0.0):
    """[N, *out, *filter, C] float64 windows of x padded (with the rounding modes' extra) by value."""
    after = [max(a, (o - 1) * s + e - i - b) for a, o, s, e, i, b in
             zip(info.pad_after, info.out_spatial, info.strides, info.effective_filter, info.in_spatial,
                 info.pad_before)]
    xp = np.pad(x.astype(np.float64), [(0, 0), *zip(info.pad_before, after), (0, 0)], constant_values=value)
    out = np.empty((x.shape[0], *info.out_spatial, *info.filter_spatial, x.shape[-1]))
    for o in itertools.product(*(range(q) for q in info.out_spatial)):
        for k in itertools.product(*(range(f) for f in info.filter_spatial)):
            src = tuple(oi * s + ki * d for oi, ki, s, d in zip(o, k, info.strides, info.dilations))
            out[(slice(None), *o, *k)] = xp[(slice(None), *src)]
    return out


def depthwise_ref(x, w, info):
    win = windows_ref(x, info)                                  # [N, OH, OW, KH, KW, C]
    y = np.einsum("nhwijc,ijcm->nhwcm", win, w.astype(np.float64))
    return y.reshape(*y.shape[:3], -1)


def conv_ref(x, w, info):
    nd = info.ndim
    win = windows_ref(x, info)
    sp, k = "hwd"[:nd], "ijk"[:nd]
    return np.einsum(f"n{sp}{k}c,{k}co->n{sp}o", win, w.astype(np.float64))


ACTIVATIONS = {
    "linear": lambda y: y, "relu": lambda y: np.maximum(y, 0), "relu6": lambda y: np.clip(y, 0, 6),
    "elu": lambda y: np.where(y > 0, y, np.expm1(y)), "sigmoid": lambda y: 1 / (1 + np.exp(-y)),
    "tanh": np.tanh, "leakyrelu": lambda y: np.where(y < 0, 0.3 * y, y),
}


# ---- depthwise ----------------------------------------------------------------------------------------

DEPTHWISE = [
    # (x shape, filter shape, strides, pad, dilations, rounding): large ones take the split (no-copy) path
    ((1, 40, 44, 12), (3, 3, 12, 1), (1, 1), "same", (1, 1), None),
    ((2, 37, 29, 16), (5, 5, 16, 1), (1, 1), "same", (1, 1), None),
    ((1, 50, 41, 10), (3, 3, 10, 1), (2, 2), "same", (1, 1), None),
    ((1, 33, 48, 12), (3, 5, 12, 2), (2, 1), [[0, 0], [3, 1], [0, 4], [0, 0]], (1, 1), None),
    ((1, 45, 45, 9), (3, 3, 9, 1), (1, 1), "same", (2, 3), None),
    ((1, 64, 31, 9), (4, 3, 9, 1), (3, 2), 2, (1, 1), "ceil"),
    ((1, 40, 40, 12), (7, 7, 12, 1), (1, 1), "valid", (1, 1), None),
    ((1, 3, 3, 24), (5, 5, 24, 1), (1, 1), "same", (1, 1), None),           # no interior at all
    ((1, 130, 4, 40), (3, 3, 40, 1), (1, 1), "same", (1, 1), None),         # interior in one dim only
    ((1, 6, 7, 5), (3, 3, 5, 3), (1, 2), "same", (1, 1), None),             # small: one padded box
    # last stride > 1 with short rows: column phases (with dilations: taps step through the phases)
    ((1, 40, 70, 8), (3, 5, 8, 1), (1, 2), "same", (1, 3), None),
    ((2, 31, 66, 6), (3, 4, 6, 2), (2, 2), "valid", (2, 2), None),
    ((1, 30, 80, 8), (2, 3, 8, 1), (1, 3), [[0, 0], [1, 1], [2, 0], [0, 0]], (1, 1), None),
    ((1, 20, 70, 100), (3, 3, 100, 1), (1, 2), "same", (1, 1), None),     # long rows: one pixel per row
]


@pytest.mark.parametrize("xs,ws,strides,pad,dil,mode", DEPTHWISE)
def test_depthwise_regions_match_reference(xs, ws, strides, pad, dil, mode):
    x, w = f32(*xs), f32(*ws)
    info = geometry("depthwise_conv2d", xs, ws, strides, pad, dil, mode, depthwise=True)
    ref = depthwise_ref(x, w, info)
    got = conv_k.depthwise_conv2d(x, w, strides=strides, pad=pad, dilations=dil, dim_rounding_mode=mode)
    assert got.dtype == np.float32 and got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)
    # fused: per-channel bias and every activation, per block; into a given (non-contiguous) out
    b = f32(ref.shape[-1])
    for act, fn in ACTIVATIONS.items():
        fused = conv_k.fused_depthwise_conv2d(x, w, b, strides=strides, pad=pad, dilations=dil,
                                              dim_rounding_mode=mode, has_bias=True, activation=act,
                                              leakyrelu_alpha=0.3)
        np.testing.assert_allclose(fused, fn(ref + b), rtol=1e-5, atol=1e-5, err_msg=act)
    holder = np.zeros((*ref.shape[:-1], 2 * ref.shape[-1]), np.float32)
    out = holder[..., ::2]
    res = conv_k.fused_depthwise_conv2d(x, w, b, strides=strides, pad=pad, dilations=dil, dim_rounding_mode=mode,
                                        has_bias=True, activation="relu6", out=out)
    assert res is out
    np.testing.assert_allclose(holder[..., ::2], np.clip(ref + b, 0, 6), rtol=1e-5, atol=1e-5)
    assert not holder[..., 1::2].any()


@pytest.mark.parametrize("xs,ws,strides,pad,dil,mode", DEPTHWISE)
@pytest.mark.parametrize("split", [True, False])
def test_window_regions_reproduce_the_padded_windows(xs, ws, strides, pad, dil, mode, split):
    x = f32(*xs)
    info = geometry("depthwise_conv2d", xs, ws, strides, pad, dil, mode, depthwise=True)
    want = windows_ref(x, info, value=-7.0)
    covered = np.zeros((xs[0], *info.out_spatial), bool)
    boxes = list(_windows.window_regions(x, info, value=-7.0, split=split))
    assert len(boxes) <= (2 * info.ndim + 1 if split else 1)
    for idx, slab in boxes:
        box = [sl.stop - sl.start for sl in idx[1:-1]]
        got = _windows.windows(slab, info.filter_spatial, info.strides, info.dilations, box)
        np.testing.assert_array_equal(got, want[idx[:-1]])
        assert not covered[idx[:-1]].any()
        covered[idx[:-1]] = True
    assert covered.all()
    views = [slab for _, slab in boxes if np.shares_memory(slab, x)]
    inside = all(any(0 <= o * s - b and o * s - b + e <= n for o in range(q)) for q, s, b, e, n in
                 zip(info.out_spatial, info.strides, info.pad_before, info.effective_filter, info.in_spatial))
    if split:
        assert len(views) == (1 if inside else 0)          # outputs that see only x read it in place


# ---- conv ---------------------------------------------------------------------------------------------

CONV = [
    ((2, 70, 40, 20), (3, 3, 20, 24), (1, 1), "same", (1, 1)),      # several blocks of rows per sample
    ((1, 61, 53, 3), (5, 5, 3, 16), (2, 2), "same", (1, 1)),
    ((1, 30, 33, 8), (3, 2, 8, 5), (2, 3), [[0, 0], [2, 0], [1, 3], [0, 0]], (1, 1)),
    ((1, 24, 24, 6), (3, 3, 6, 7), (1, 1), "valid", (2, 2)),
    ((1, 12, 1100, 3), (3, 3, 3, 128), (1, 1), "same", (1, 1)),     # a block's output outgrows the tiles
    ((2, 35, 37, 64), (1, 1, 64, 40), (1, 1), "valid", (1, 1)),     # 1x1: one matmul, epilogue by blocks
    ((1, 36, 37, 16), (1, 1, 16, 12), (2, 2), "valid", (1, 1)),     # strided 1x1
]


@pytest.mark.parametrize("xs,ws,strides,pad,dil", CONV)
def test_blocked_conv_and_fused_epilogue_match_reference(xs, ws, strides, pad, dil):
    x, w = f32(*xs), f32(*ws) * 0.3
    info = geometry("conv2d", xs, ws, strides, pad, dil)
    ref = conv_ref(x, w, info)
    got = conv_k.conv2d(x, w, strides=strides, pad=pad, dilations=dil)
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4)
    o = ws[-1]
    b = f32(o)
    for act, fn in ACTIVATIONS.items():
        fused = conv_k.fused_conv2d(x, w, b, strides=strides, pad=pad, dilations=dil, has_bias=True,
                                    activation=act, leakyrelu_alpha=0.3)
        np.testing.assert_allclose(fused, fn(ref + b), rtol=1e-4, atol=1e-4, err_msg=act)
    alpha = np.abs(f32(o)).reshape(1, 1, o)
    prelu = conv_k.fused_conv2d(x, w, b, alpha, strides=strides, pad=pad, dilations=dil, has_bias=True,
                                activation="prelu")
    np.testing.assert_allclose(prelu, np.where(ref + b < 0, alpha * (ref + b), ref + b), rtol=1e-4, atol=1e-4)
    # a bias that varies over more than the channels: the whole-output path
    full_bias = f32(*ref.shape[1:])
    np.testing.assert_allclose(conv_k.fused_conv2d(x, w, full_bias, strides=strides, pad=pad, dilations=dil,
                                                   has_bias=True, activation="relu"),
                               np.maximum(ref + full_bias, 0), rtol=1e-4, atol=1e-4)
    holder = np.zeros((*ref.shape[:-1], o + 3), np.float32)
    out = holder[..., 3:]
    assert conv_k.fused_conv2d(x, w, b, strides=strides, pad=pad, dilations=dil, has_bias=True,
                               activation="tanh", out=out) is out
    np.testing.assert_allclose(out, np.tanh(ref + b), rtol=1e-4, atol=1e-4)
    assert not holder[..., :3].any()


def backprop_input_ref(dy, w, info):
    """dx by scattering dy @ w[k]^T to every tap's input positions (float64), then cutting the padding."""
    nd = info.ndim
    big = [b + n + a + (o - 1) * s + e for b, n, a, o, s, e in
           zip(info.pad_before, info.in_spatial, info.pad_after, info.out_spatial, info.strides,
               info.effective_filter)]
    dxp = np.zeros((info.batch, *big, info.in_channels))
    for k in itertools.product(*(range(f) for f in info.filter_spatial)):
        contrib = dy.astype(np.float64) @ w[k].astype(np.float64).T
        at = tuple(slice(ki * d, ki * d + (o - 1) * s + 1, s) for ki, d, s, o in
                   zip(k, info.dilations, info.strides, info.out_spatial))
        dxp[(slice(None), *at)] += contrib
    return dxp[(slice(None), *(slice(b, b + n) for b, n in zip(info.pad_before, info.in_spatial)))]


@pytest.mark.parametrize("xs,ws,strides,pad,dil", [
    ((1, 72, 70, 16), (4, 4, 16, 8), (2, 2), "same", (1, 1)),        # TF's 4x4 / 2 upsampling
    ((2, 71, 67, 12), (3, 5, 12, 6), (3, 2), [[2, 1], [0, 3]], (1, 1)),
    ((1, 50, 45, 10), (3, 3, 10, 4), (1, 1), "same", (2, 3)),
    ((1, 130, 120, 12), (2, 2, 12, 4), (3, 3), "valid", (1, 1)),     # filter smaller than the stride
    ((1, 9, 8, 3), (3, 3, 3, 5), (2, 2), "same", (1, 1)),            # small: one scatter per tap
])
def test_transposed_conv_by_phases_matches_reference(xs, ws, strides, pad, dil):
    info = geometry("conv2d", xs, ws, strides, pad, dil)
    assert (np.prod(info.out_spatial) * xs[0] * xs[-1] > conv_k._SPLIT_ELEMS) == (xs[1] > 9)  # which path
    dy, w = f32(xs[0], *info.out_spatial, ws[-1]), f32(*ws)
    got = conv_k.conv2d_backprop_input(dy, w, input_shape=xs, strides=strides, pad=pad, dilations=dil)
    assert got.shape == xs and got.dtype == np.float32
    np.testing.assert_allclose(got, backprop_input_ref(dy, w, info), rtol=1e-4, atol=1e-4)


def test_conv3d_blocks_match_reference():
    xs, ws = (1, 9, 30, 31, 4), (2, 3, 3, 4, 5)
    x, w = f32(*xs), f32(*ws)
    info = geometry("conv3d", xs, ws, (1, 2, 1), "same", (1, 1, 1))
    np.testing.assert_allclose(conv_k.conv3d(x, w, strides=(1, 2, 1), pad="same"), conv_ref(x, w, info),
                               rtol=1e-4, atol=1e-4)


def test_conv_geometry_is_memoized_and_still_checked():
    a = conv_util.conv_info("conv2d", (1, 9, 9, 3), (3, 3, 3, 4), [2, 2], [[1, 1], [0, 2]], [1, 1])
    b = conv_util.conv_info("conv2d", [1, 9, 9, 3], [3, 3, 3, 4], (2, 2), ((1, 1), (0, 2)), (1, 1))
    assert a is b and a.out_spatial == (5, 5)
    c = conv_util.conv_info("conv2d", (1, 9, 9, 3), (3, 3, 3, 4), bytearray([2, 2]), "valid")  # unhashable
    assert c.out_spatial == (4, 4)
    for _ in range(2):   # errors are not remembered as results
        with pytest.raises(InvalidArgumentError, match="conv2d"):
            conv_util.conv_info("conv2d", (1, 9, 9, 3), (3, 3, 3, 4), [0, 2], "valid")


# ---- pooling ------------------------------------------------------------------------------------------

def pool_ref(x, info, kind, include_pad=False):
    """Per output position: the max / mean of the window's positions inside x (all of them, padding zeros
    included, for include_pad); an empty window gives -inf (max) or NaN (avg); NaN never wins a max."""
    out = np.empty((x.shape[0], *info.out_spatial, x.shape[-1]))
    xd = x.astype(np.float64)
    for n, o in itertools.product(range(x.shape[0]), itertools.product(*(range(q) for q in info.out_spatial))):
        vals = []
        for k in itertools.product(*(range(f) for f in info.filter_spatial)):
            src = tuple(oi * s + ki * d - b for oi, ki, s, d, b in
                        zip(o, k, info.strides, info.dilations, info.pad_before))
            inside = all(0 <= i < m for i, m in zip(src, info.in_spatial))
            if inside:
                vals.append(xd[(n, *src)])
            elif include_pad:
                vals.append(np.zeros(x.shape[-1]))
        v = np.array(vals) if vals else np.empty((0, x.shape[-1]))
        if kind == "max":
            with np.errstate(invalid="ignore"):
                m = np.fmax.reduce(v, axis=0) if len(v) else np.full(x.shape[-1], -np.inf)
            out[(n, *o)] = np.where(np.isnan(m), -np.inf, m)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                out[(n, *o)] = v.sum(0) / len(v) if len(v) else np.nan
    return out


POOLS = [
    ((1, 12, 13, 3), (3, 3), (1, 1), "same", None),
    ((2, 17, 16, 4), (3, 2), (2, 2), "same", None),
    ((1, 16, 16, 5), (16, 16), (16, 16), "valid", None),           # global: one reduction per axis
    ((1, 9, 11, 2), (9, 11), (1, 1), "same", None),                # long windows reaching into the padding
    ((1, 10, 9, 3), (3, 3), (2, 2), 1, "ceil"),
    ((1, 7, 6, 2), (4, 5), (3, 2), [[0, 0], [2, 3], [4, 1], [0, 0]], None),
]


@pytest.mark.parametrize("xs,window,strides,pad,mode", POOLS)
def test_separable_pooling_matches_reference(xs, window, strides, pad, mode):
    x = f32(*xs)
    x[0, 1, 1, 0] = np.nan
    x[0, 3, 2:4, 1] = np.nan
    info = conv_util.pool_info("pool", xs, window, strides, pad, 1, mode)
    geo = dict(window=info.filter_spatial, strides=info.strides, dilations=info.dilations, pads=info.pads,
               out_spatial=info.out_spatial)
    np.testing.assert_array_equal(pool_k.max_pool(x, **geo), pool_ref(x, info, "max").astype(np.float32))
    clean = np.nan_to_num(x)
    np.testing.assert_allclose(pool_k.avg_pool(clean, **geo), pool_ref(clean, info, "avg"), rtol=1e-5, atol=1e-6)
    xi = rng.integers(-50, 50, xs).astype(np.int32)
    got = pool_k.max_pool(xi, **geo)
    ref = pool_ref(xi, info, "max")
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, np.where(np.isinf(ref), 0, ref).astype(np.int32))


def test_pooling_with_padding_values_and_dilations():
    """The dilated `pool` path pools a zero-padded input: padding zeros take part (max and mean)."""
    x = -np.abs(f32(1, 11, 10, 3)) - 1
    info = conv_util.pool_info("pool", x.shape, (3, 2), (1, 1), "same", (2, 3))
    geo = dict(window=info.filter_spatial, strides=info.strides, dilations=info.dilations, pads=info.pads,
               out_spatial=info.out_spatial, include_pad=True)
    np.testing.assert_array_equal(pool_k.max_pool(x, **geo),
                                  pool_ref(x, info, "max", include_pad=True).astype(np.float32))
    np.testing.assert_allclose(pool_k.avg_pool(x, **geo), pool_ref(x, info, "avg", include_pad=True), rtol=1e-5)


def test_all_nan_window_and_empty_window():
    x = np.full((1, 4, 4, 1), np.nan, np.float32)
    x[0, 3, 3, 0] = 5
    info = conv_util.pool_info("pool", x.shape, (2, 2), (2, 2), "valid")
    geo = dict(window=info.filter_spatial, strides=info.strides, dilations=info.dilations, pads=info.pads,
               out_spatial=info.out_spatial)
    np.testing.assert_array_equal(pool_k.max_pool(x, **geo)[0, ..., 0], [[-np.inf, -np.inf], [-np.inf, 5]])


# ---- non-max suppression ------------------------------------------------------------------------------

def nms_ref(boxes, scores, max_out, iou_thr, score_thr):
    """TF.js's greedy loop, box by box, in float64."""
    b = boxes.astype(np.float64)
    order = sorted((i for i in range(len(scores)) if scores[i] > score_thr),
                   key=lambda i: (-float(scores[i]), i if np.isfinite(scores[i]) else -i))
    chosen = []
    for i in order:
        if len(chosen) == max_out:
            break
        ok = True
        for j in chosen:
            yi0, yi1 = sorted((b[i, 0], b[i, 2]))
            xi0, xi1 = sorted((b[i, 1], b[i, 3]))
            yj0, yj1 = sorted((b[j, 0], b[j, 2]))
            xj0, xj1 = sorted((b[j, 1], b[j, 3]))
            ai, aj = (yi1 - yi0) * (xi1 - xi0), (yj1 - yj0) * (xj1 - xj0)
            inter = max(min(yi1, yj1) - max(yi0, yj0), 0) * max(min(xi1, xj1) - max(xi0, xj0), 0)
            iou = 0.0 if ai <= 0 or aj <= 0 else inter / (ai + aj - inter)     # TF.js: 0 for an empty box
            if iou >= iou_thr:
                ok = False
                break
        if ok:
            chosen.append(i)
    return chosen


@pytest.mark.parametrize("n,max_out,iou,score_thr", [(500, 100, 0.5, 0.0), (300, 1000, 0.3, -np.inf),
                                                     (400, 70, 0.7, 0.2), (150, 5, 0.0, -1.0)])
def test_blocked_nms_matches_the_greedy_loop(n, max_out, iou, score_thr):
    centers = rng.random((n, 2)) * 10
    sizes = rng.random((n, 2)) * 3
    boxes = np.concatenate([centers - sizes / 2, centers + sizes / 2], 1).astype(np.float32)
    boxes[::7] = boxes[::7, [2, 3, 0, 1]]                      # flipped corners
    boxes[5] = boxes[5, [0, 1, 0, 1]]                          # an empty box
    scores = rng.random(n).astype(np.float32)
    scores[10:40] = scores[10]                                 # ties: the lower index first
    scores[[3, 77]] = np.inf                                   # +Infinity: by descending index
    sel, sc = image_k._nms(boxes, scores, max_out, iou, score_thr)
    want = nms_ref(boxes, scores, max_out, iou, score_thr)
    assert sel == want and len(want) >= min(max_out, 1 if iou == 0 else 4)
    np.testing.assert_array_equal(sc, scores[want])
    v5 = image_k.non_max_suppression_v5(boxes, scores, max_output_size=max_out, iou_threshold=iou,
                                        score_threshold=score_thr)
    np.testing.assert_array_equal(v5[0], want)


# ---- activations --------------------------------------------------------------------------------------

SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, -3.0, 2.5], np.float32)


@pytest.mark.parametrize("alpha", [0.2, 0.0, 1.0, 1.7, -0.4])
def test_leaky_relu_for_every_alpha(alpha):
    x = np.concatenate([f32(7, 64, 6).reshape(-1), SPECIAL]).reshape(-1, 7)
    with np.errstate(invalid="ignore"):
        want = np.where(x < 0, np.float32(alpha) * x, x)
    np.testing.assert_array_equal(math_k.leaky_relu(x, alpha=alpha), want)
    inplace = x.copy()
    assert math_k.leaky_relu(inplace, alpha=alpha, out=inplace) is inplace       # a planned in-place run
    np.testing.assert_array_equal(inplace, want)


@pytest.mark.parametrize("alpha_shape", [(1, 1, 16), (16,), (9, 30, 16), (30, 1)])
def test_prelu_per_channel_and_broadcast(alpha_shape):
    x = f32(2, 9, 30, 16)
    x[0, 0, 0, :7] = SPECIAL
    alpha = np.abs(f32(*alpha_shape))
    with np.errstate(invalid="ignore"):
        want = np.where(x < 0, alpha * x, x)
    np.testing.assert_array_equal(math_k.prelu(x, alpha), want)
    inplace = x.copy()
    assert math_k.prelu(inplace, alpha, out=inplace) is inplace
    np.testing.assert_array_equal(inplace, want)
    np.testing.assert_array_equal(tw.prelu(x, alpha).numpy(), want)
    ints = np.arange(-20, 20, dtype=np.int32).reshape(2, 20)
    np.testing.assert_array_equal(math_k.prelu(ints, np.float32(0.5)), np.where(ints < 0, 0.5 * ints, ints))


def test_relu6_keeps_nan():
    x = np.concatenate([SPECIAL, np.float32([7.0, 6.0, 5.9])])
    np.testing.assert_array_equal(tw.relu6(x).numpy(), np.float32([np.nan, 6, 0, 0, 0, 0, 2.5, 6, 6, 5.9]))
