"""Convolutions against direct-loop NumPy references (tiny shapes), TF.js's padding rules, errors, gradients."""
import itertools
import math

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import DtypeError, InvalidArgumentError, ShapeError
from tensorweb.ops import conv_util
from tensorweb.testing import check_gradients

RNG = np.random.default_rng(1)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


# ---- independent references ------------------------------------------------------------------------

def ref_pads(in_sp, f_sp, strides, dilations, pad, rounding=None):
    """(before, after, out) per spatial dim, written from TF's documented rules."""
    eff = [(f - 1) * d + 1 for f, d in zip(f_sp, dilations)]
    if pad == "same":
        out = [math.ceil(i / s) for i, s in zip(in_sp, strides)]
        tot = [max(0, (o - 1) * s + e - i) for o, s, e, i in zip(out, strides, eff, in_sp)]
        return [t // 2 for t in tot], [t - t // 2 for t in tot], out
    if pad == "valid":
        return [0] * len(in_sp), [0] * len(in_sp), [math.ceil((i - e + 1) / s) for i, e, s in
                                                      zip(in_sp, eff, strides)]
    if isinstance(pad, int):
        pad = [[pad, pad]] * len(in_sp)
    if len(pad) == len(in_sp) + 2:
        pad = pad[1:-1]
    rnd = {None: math.trunc, "floor": math.floor, "ceil": math.ceil, "round": lambda v: math.floor(v + 0.5)}
    before = [p[0] for p in pad]
    after = [p[1] for p in pad]
    out = [rnd[rounding]((i - e + b + a) / s + 1) for i, e, b, a, s in zip(in_sp, eff, before, after, strides)]
    return before, after, out


def ref_conv(x, w, strides, pad, dilations, rounding=None):
    x = x.astype(np.float64)
    w = w.astype(np.float64)
    n, *in_sp, c = x.shape
    *f_sp, _, o = w.shape
    before, _, out_sp = ref_pads(in_sp, f_sp, strides, dilations, pad, rounding)
    y = np.zeros((n, *out_sp, o))
    for b in range(n):
        for pos in itertools.product(*(range(q) for q in out_sp)):
            for k in itertools.product(*(range(f) for f in f_sp)):
                src = [p * s + ki * d - bf for p, s, ki, d, bf in zip(pos, strides, k, dilations, before)]
                if all(0 <= v < i for v, i in zip(src, in_sp)):
                    y[(b, *pos)] += x[(b, *src)] @ w[k]
    return y


def ref_depthwise(x, w, strides, pad, dilations):
    n, h, wd, c = x.shape
    fh, fw, _, m = w.shape
    y = np.zeros((n, *ref_pads((h, wd), (fh, fw), strides, dilations, pad)[2], c * m))
    full = np.zeros((*x.shape[:3], c, c * m))
    for ci in range(c):
        for mi in range(m):
            full[..., ci, ci * m + mi] = 1
    wf = np.zeros((fh, fw, c, c * m))
    for ci in range(c):
        wf[:, :, ci, ci * m:(ci + 1) * m] = w[:, :, ci, :]
    y[...] = ref_conv(x, wf, strides, pad, dilations)
    return y


def ref_conv_transpose(dy, w, in_shape, strides, pad, dilations=(1, 1)):
    n, *in_sp, c = in_shape
    *f_sp, _, o = w.shape
    before, _, out_sp = ref_pads(in_sp, f_sp, strides, dilations, pad)
    dx = np.zeros(in_shape)
    for b in range(n):
        for pos in itertools.product(*(range(q) for q in out_sp)):
            for k in itertools.product(*(range(f) for f in f_sp)):
                src = [p * s + ki * d - bf for p, s, ki, d, bf in zip(pos, strides, k, dilations, before)]
                if all(0 <= v < i for v, i in zip(src, in_sp)):
                    dx[(b, *src)] += w[k] @ dy[(b, *pos)]
    return dx


def ref_dilation2d(x, w, strides, pad, dilations):
    n, h, wd, c = x.shape
    fh, fw, _ = w.shape
    before, _, out = ref_pads((h, wd), (fh, fw), strides, dilations, pad)
    y = np.full((n, *out, c), -np.inf)
    for b, i, j, ch in itertools.product(range(n), range(out[0]), range(out[1]), range(c)):
        for ki, kj in itertools.product(range(fh), range(fw)):
            r = i * strides[0] + ki * dilations[0] - before[0]
            q = j * strides[1] + kj * dilations[1] - before[1]
            if 0 <= r < h and 0 <= q < wd:
                y[b, i, j, ch] = max(y[b, i, j, ch], x[b, r, q, ch] + w[ki, kj, ch])
    return y


# ---- conv_util -------------------------------------------------------------------------------------

def test_same_padding_puts_the_extra_pad_after():
    info = conv_util.conv_info("conv2d", (1, 6, 7, 1), (4, 2, 1, 1), 1, "same")
    assert info.pad_before == (1, 0) and info.pad_after == (2, 1) and info.out_spatial == (6, 7)
    info = conv_util.conv_info("conv2d", (1, 5, 5, 1), (3, 3, 1, 1), 2, "same")
    assert info.out_spatial == (3, 3) and info.pad_before == (1, 1) and info.pad_after == (1, 1)
    info = conv_util.conv_info("conv2d", (1, 8, 8, 1), (3, 3, 1, 1), 2, "same")  # total 1: all after
    assert info.pad_before == (0, 0) and info.pad_after == (1, 1) and info.out_spatial == (4, 4)
    info = conv_util.conv_info("conv2d", (1, 5, 5, 1), (3, 3, 1, 1), 1, "same", dilations=2)
    assert info.effective_filter == (5, 5) and info.pad_before == (2, 2)


def test_explicit_padding_forms_and_rounding():
    a = conv_util.conv_info("conv2d", (1, 5, 5, 1), (2, 2, 1, 1), 2, [[1, 0], [0, 2]])
    b = conv_util.conv_info("conv2d", (1, 5, 5, 1), (2, 2, 1, 1), 2, [[0, 0], [1, 0], [0, 2], [0, 0]])
    assert a == b and a.pad_type == "EXPLICIT" and a.out_spatial == (3, 3)
    for mode, expect in [(None, 2), ("floor", 2), ("round", 3), ("ceil", 3)]:
        info = conv_util.pool_info("max_pool", (1, 5, 5, 3), 2, 2, 0, dim_rounding_mode=mode)
        assert info.out_spatial == (expect, expect) and info.out_channels == 3
    with pytest.raises(InvalidArgumentError, match="max_pool: pad must be an integer"):
        conv_util.pool_info("max_pool", (1, 5, 5, 3), 2, 2, "same", dim_rounding_mode="ceil")
    with pytest.raises(InvalidArgumentError, match="conv2d: explicit pad must be"):
        conv_util.conv_info("conv2d", (1, 5, 5, 1), (2, 2, 1, 1), 1, [[1, 1], [0, 0], [0, 0], [1, 0]])


# ---- forward values --------------------------------------------------------------------------------

CONV2D_CASES = [
    ((1, 1), "valid", (1, 1)), ((1, 1), "same", (1, 1)), ((2, 2), "same", (1, 1)), ((2, 3), "valid", (1, 1)),
    ((3, 2), "same", (1, 1)), ((1, 1), "same", (2, 2)), ((1, 1), "valid", (2, 1)),
    ((2, 1), [[1, 2], [0, 1]], (1, 1)), ((1, 2), 1, (1, 1)), ((1, 1), [[0, 0], [2, 0], [1, 1], [0, 0]], (1, 2)),
]


@pytest.mark.parametrize("strides,pad,dilations", CONV2D_CASES)
@pytest.mark.parametrize("fshape", [(3, 3), (2, 4), (1, 1)])
def test_conv2d_matches_direct_loops(strides, pad, dilations, fshape):
    x = rand(2, 7, 6, 3)
    w = rand(*fshape, 3, 4)
    y = tw.conv2d(x, w, strides, pad, dilations=dilations)
    expect = ref_conv(x, w, strides, pad, dilations)
    assert y.dtype == "float32" and y.shape == expect.shape
    np.testing.assert_allclose(y.numpy(), expect, rtol=1e-4, atol=1e-4)


def test_conv2d_unbatched_rounding_and_chunked_paths(monkeypatch):
    x, w = rand(5, 5, 2), rand(2, 2, 2, 3)
    y = tw.conv2d(x, w, 2, 0, dim_rounding_mode="ceil")
    assert y.shape == (3, 3, 3)
    np.testing.assert_allclose(y.numpy(), ref_conv(x[None], w, (2, 2), [[0, 0], [0, 0]], (1, 1), "ceil")[0],
                               rtol=1e-4, atol=1e-4)
    from tensorweb.backends.numpy import convolution as K
    x, w = rand(3, 6, 5, 2), rand(3, 3, 2, 4)
    expect = ref_conv(x, w, (1, 1), "same", (1, 1))
    for budget in (200, 20):  # batch chunks, then chunks of rows within one sample
        monkeypatch.setattr(K, "_CHUNK_ELEMS", budget)
        np.testing.assert_allclose(tw.conv2d(x, w, 1, "same").numpy(), expect, rtol=1e-4, atol=1e-4)
        dw = tw.grads(lambda f: tw.conv2d(x, f, 1, "same"))([w])[0]
        monkeypatch.setattr(K, "_CHUNK_ELEMS", 1 << 23)
        np.testing.assert_allclose(dw.numpy(), tw.grads(lambda f: tw.conv2d(x, f, 1, "same"))([w])[0].numpy(),
                                   rtol=1e-4, atol=1e-4)


def test_conv2d_nchw():
    x, w = rand(1, 6, 5, 2), rand(3, 3, 2, 4)
    y = tw.conv2d(np.transpose(x, (0, 3, 1, 2)), w, 2, "same", data_format="NCHW")
    np.testing.assert_allclose(y.numpy(), np.transpose(ref_conv(x, w, (2, 2), "same", (1, 1)), (0, 3, 1, 2)),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("stride,pad,dilation", [(1, "same", 1), (2, "valid", 1), (1, "same", 2),
                                                 (3, [[1, 2]], 1), (2, 1, 1)])
def test_conv1d(stride, pad, dilation):
    x, w = rand(2, 9, 3), rand(3, 3, 2)
    y = tw.conv1d(x, w, stride, pad, dilation=dilation)
    p = pad if isinstance(pad, (str, int)) else pad
    expect = ref_conv(x, w, (stride,), p, (dilation,))
    np.testing.assert_allclose(y.numpy(), expect, rtol=1e-4, atol=1e-4)
    assert tw.conv1d(x[0], w, stride, pad, dilation=dilation).shape == expect.shape[1:]


@pytest.mark.parametrize("strides,pad,dilations", [((1, 1, 1), "valid", (1, 1, 1)), ((2, 1, 2), "same", (1, 1, 1)),
                                                   ((1, 1, 1), "same", (2, 1, 1))])
def test_conv3d(strides, pad, dilations):
    x, w = rand(2, 5, 4, 5, 2), rand(2, 3, 2, 2, 3)
    y = tw.conv3d(x, w, strides, pad, dilations=dilations)
    np.testing.assert_allclose(y.numpy(), ref_conv(x, w, strides, pad, dilations), rtol=1e-4, atol=1e-4)
    assert tw.conv3d(x[0], w, strides, pad, dilations=dilations).shape == y.shape[1:]


@pytest.mark.parametrize("strides,pad,dilations", [((1, 1), "same", (1, 1)), ((2, 2), "valid", (1, 1)),
                                                   ((2, 1), "same", (1, 1)), ((1, 1), "same", (2, 2)),
                                                   ((1, 2), [[1, 0], [2, 1]], (1, 1))])
@pytest.mark.parametrize("mult", [1, 2])
def test_depthwise_conv2d(strides, pad, dilations, mult):
    x, w = rand(2, 6, 7, 3), rand(3, 2, 3, mult)
    y = tw.depthwise_conv2d(x, w, strides, pad, dilations=dilations)
    np.testing.assert_allclose(y.numpy(), ref_depthwise(x, w, strides, pad, dilations), rtol=1e-4, atol=1e-4)


def test_separable_conv2d():
    x, dw, pw = rand(2, 5, 6, 3), rand(3, 3, 3, 2), rand(1, 1, 6, 4)
    y = tw.separable_conv2d(x, dw, pw, 2, "same")
    expect = ref_conv(ref_depthwise(x, dw, (2, 2), "same", (1, 1)), pw, (1, 1), "valid", (1, 1))
    np.testing.assert_allclose(y.numpy(), expect, rtol=1e-4, atol=1e-4)
    with pytest.raises(ShapeError, match="separable_conv2d"):
        tw.separable_conv2d(x, dw, rand(1, 1, 5, 4), 1, "same")


@pytest.mark.parametrize("in_shape,strides,pad", [((2, 5, 6, 3), (2, 2), "same"), ((1, 7, 7, 3), (2, 3), "valid"),
                                                  ((1, 4, 5, 3), (1, 1), "same"), ((1, 6, 6, 3), (2, 2), 1)])
def test_conv2d_transpose(in_shape, strides, pad):
    w = rand(3, 3, 3, 4)
    out_sp = ref_pads(in_shape[1:3], (3, 3), strides, (1, 1), pad)[2]
    dy = rand(in_shape[0], *out_sp, 4)
    y = tw.conv2d_transpose(dy, w, in_shape, strides, pad)
    np.testing.assert_allclose(y.numpy(), ref_conv_transpose(dy, w, in_shape, strides, pad), rtol=1e-4, atol=1e-4)
    y3 = tw.conv2d_transpose(dy[0], w, in_shape[1:], strides, pad)
    assert y3.shape == in_shape[1:]


def test_conv3d_transpose():
    w = rand(2, 2, 3, 2, 3)
    in_shape = (1, 4, 5, 5, 2)
    dy = rand(1, 2, 3, 3, 3)
    y = tw.conv3d_transpose(dy, w, in_shape, 2, "same")
    np.testing.assert_allclose(y.numpy(), ref_conv_transpose(dy, w, in_shape, (2, 2, 2), "same", (1, 1, 1)),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("strides,pad,dilations", [((1, 1), "same", (1, 1)), ((2, 1), "valid", (1, 1)),
                                                   ((1, 1), "same", (2, 1)), ((2, 2), "same", (1, 1))])
def test_dilation2d(strides, pad, dilations):
    x, w = rand(2, 6, 5, 3), rand(3, 2, 3)
    y = tw.dilation2d(x, w, strides, pad, dilations)
    np.testing.assert_allclose(y.numpy(), ref_dilation2d(x, w, strides, pad, dilations), rtol=1e-5, atol=1e-5)
    xi = np.arange(2 * 4 * 4).reshape(2, 4, 4, 1).astype(np.int32)
    wi = np.array([[[1], [0]], [[0], [2]]], dtype=np.int32)
    yi = tw.dilation2d(xi, wi, 1, "valid")
    assert yi.dtype == "int32"
    np.testing.assert_array_equal(yi.numpy(), ref_dilation2d(xi, wi, (1, 1), "valid", (1, 1)))


# ---- errors ----------------------------------------------------------------------------------------

def test_errors():
    x, w = rand(1, 5, 5, 3), rand(3, 3, 3, 2)
    with pytest.raises(ShapeError, match=r"conv2d: depth of input \(2\)"):
        tw.conv2d(rand(1, 5, 5, 2), w, 1, "same")
    with pytest.raises(InvalidArgumentError, match="conv2d: either strides or dilations must be 1"):
        tw.conv2d(x, w, 2, "same", dilations=2)
    with pytest.raises(InvalidArgumentError, match="conv2d: strides must be positive"):
        tw.conv2d(x, w, 0, "same")
    with pytest.raises(InvalidArgumentError, match="conv2d: unknown padding"):
        tw.conv2d(x, w, 1, "full")
    with pytest.raises(InvalidArgumentError, match="conv2d: pad must be an integer when using dim_rounding_mode"):
        tw.conv2d(x, w, 1, "same", dim_rounding_mode="ceil")
    with pytest.raises(ShapeError, match="conv2d: x must be of rank 4 or 3"):
        tw.conv2d(rand(5, 5), w, 1, "same")
    with pytest.raises(ShapeError, match="conv2d: filter must be of rank 4"):
        tw.conv2d(x, rand(3, 3, 3), 1, "same")
    with pytest.raises(ShapeError, match="conv2d: .*larger than the padded input"):
        tw.conv2d(rand(1, 2, 2, 3), rand(5, 5, 3, 1), 1, "valid")
    with pytest.raises(DtypeError, match="conv2d"):
        tw.conv2d(tw.tensor(np.ones((1, 3, 3, 1), np.int32)), w[:, :, :1], 1, "same")
    with pytest.raises(ShapeError, match="depthwise_conv2d: number of input channels"):
        tw.depthwise_conv2d(x, rand(3, 3, 2, 1), 1, "same")
    with pytest.raises(InvalidArgumentError, match="depthwise_conv2d: either strides or dilations"):
        tw.depthwise_conv2d(x, rand(3, 3, 3, 1), 2, "same", dilations=2)
    with pytest.raises(ShapeError, match="conv2d_transpose: x has shape"):
        tw.conv2d_transpose(rand(1, 4, 4, 2), w, (1, 5, 5, 3), 2, "same")
    with pytest.raises(ShapeError, match="conv2d_transpose: depth of x"):
        tw.conv2d_transpose(rand(1, 5, 5, 3), w, (1, 5, 5, 3), 1, "same")
    with pytest.raises(ShapeError, match="dilation2d: x and filter must have the same depth"):
        tw.dilation2d(x, rand(2, 2, 2), 1, "same")
    with pytest.raises(InvalidArgumentError, match="conv3d: data_format"):
        tw.conv3d(rand(1, 3, 3, 3, 1), rand(1, 1, 1, 1, 1), 1, "same", data_format="NCDHW")


# ---- gradients -------------------------------------------------------------------------------------

@pytest.mark.parametrize("strides,pad,dilations", [((1, 1), "valid", (1, 1)), ((2, 2), "same", (1, 1)),
                                                   ((1, 1), "same", (2, 1)), ((2, 1), [[1, 0], [0, 2]], (1, 1))])
def test_conv2d_gradients(strides, pad, dilations):
    check_gradients(lambda x, w: tw.conv2d(x, w, strides, pad, dilations=dilations),
                    [rand(2, 5, 4, 2), rand(3, 2, 2, 3)])


def test_conv2d_1x1_gradients():
    check_gradients(lambda x, w: tw.conv2d(x, w, 1, "valid"), [rand(1, 3, 4, 2), rand(1, 1, 2, 3)])
    check_gradients(lambda x, w: tw.conv2d(x, w, 2, "valid"), [rand(1, 5, 4, 2), rand(1, 1, 2, 3)])


def test_conv1d_conv3d_separable_gradients():
    check_gradients(lambda x, w: tw.conv1d(x, w, 2, "same"), [rand(2, 7, 2), rand(3, 2, 2)])
    check_gradients(lambda x, w: tw.conv3d(x, w, (1, 2, 1), "same"), [rand(1, 3, 4, 3, 2), rand(2, 2, 2, 2, 2)])
    check_gradients(lambda x, d, p: tw.separable_conv2d(x, d, p, 1, "same"),
                    [rand(1, 4, 4, 2), rand(2, 2, 2, 2), rand(1, 1, 4, 2)])


@pytest.mark.parametrize("strides,pad,dilations,mult", [((1, 1), "same", (1, 1), 1), ((2, 1), "valid", (1, 1), 2),
                                                        ((1, 1), "same", (2, 2), 2)])
def test_depthwise_gradients(strides, pad, dilations, mult):
    check_gradients(lambda x, w: tw.depthwise_conv2d(x, w, strides, pad, dilations=dilations),
                    [rand(2, 5, 5, 2), rand(3, 2, 2, mult)])


def test_transpose_gradients():
    check_gradients(lambda dy, w: tw.conv2d_transpose(dy, w, (1, 5, 5, 2), 2, "same"),
                    [rand(1, 3, 3, 3), rand(3, 3, 2, 3)])
    check_gradients(lambda dy, w: tw.conv3d_transpose(dy, w, (1, 3, 4, 3, 2), 1, "valid"),
                    [rand(1, 2, 3, 2, 2), rand(2, 2, 2, 2, 2)])


def test_second_order_conv2d_gradient():
    x = rand(1, 4, 4, 2)

    def f(w):
        return tw.grads(lambda xx: tw.mul(tw.conv2d(xx, w, 2, "same"), tw.conv2d(xx, w, 2, "same")))([x])[0]
    check_gradients(f, [rand(2, 2, 2, 2)], rtol=1e-4, atol=1e-5)


def test_dilation2d_gradients():
    # distinct, well-separated values so the max of each window is unique (no kinks)
    x = RNG.permutation(2 * 5 * 4 * 2).reshape(2, 5, 4, 2).astype(np.float32) * 0.5
    w = (RNG.permutation(3 * 2 * 2).reshape(3, 2, 2) * 0.37).astype(np.float32)
    check_gradients(lambda x, w: tw.dilation2d(x, w, 1, "same"), [x, w], eps=1e-4)
    check_gradients(lambda x, w: tw.dilation2d(x, w, 2, "valid"), [x, w], eps=1e-4)
