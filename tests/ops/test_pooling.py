import itertools
import math

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.testing import check_gradients


# ---- independent loop references (TF semantics) ----------------------------------------------------------

def ref_geometry(in_sp, window, strides, pad, dilations=None, rounding=None):
    """(pad_before per dim, out size per dim), computed by hand from TF's rules."""
    nd = len(in_sp)
    dilations = dilations or (1,) * nd
    eff = [(w - 1) * d + 1 for w, d in zip(window, dilations)]
    if pad == "same":
        out = [math.ceil(n / s) for n, s in zip(in_sp, strides)]
        before = [max(0, (o - 1) * s + e - n) // 2 for o, s, e, n in zip(out, strides, eff, in_sp)]
        return before, out
    if pad == "valid":
        return [0] * nd, [math.ceil((n - e + 1) / s) for n, e, s in zip(in_sp, eff, strides)]
    rnd = {None: math.trunc, "floor": math.floor, "ceil": math.ceil, "round": lambda v: math.floor(v + 0.5)}
    if isinstance(pad, int):
        pairs = [(pad, pad)] * nd
    else:
        pairs = pad
    out = [rnd[rounding]((n - e + b + a) / s + 1) for n, e, (b, a), s in zip(in_sp, eff, pairs, strides)]
    return [b for b, _ in pairs], out


def ref_pool(x, window, strides, pad, kind, dilations=None, rounding=None, pad_counts=False):
    """Loops over every output element; padded positions are skipped (or are zeros when pad_counts)."""
    x = np.asarray(x, dtype=np.float64)
    nd = x.ndim - 2
    dilations = dilations or (1,) * nd
    before, out = ref_geometry(x.shape[1:-1], window, strides, pad, dilations, rounding)
    res = np.zeros((x.shape[0], *out, x.shape[-1]))
    for b in range(x.shape[0]):
        for o in itertools.product(*(range(n) for n in out)):
            for c in range(x.shape[-1]):
                vals = []
                for k in itertools.product(*(range(w) for w in window)):
                    pos = [oi * s - pb + ki * d for oi, s, pb, ki, d in zip(o, strides, before, k, dilations)]
                    if all(0 <= p < n for p, n in zip(pos, x.shape[1:-1])):
                        vals.append(x[(b, *pos, c)])
                    elif pad_counts:
                        vals.append(0.0)
                res[(b, *o, c)] = np.mean(vals) if kind == "avg" else max(vals)
    return res


def ref_argmax(x, window, strides, pad, include_batch):
    x = np.asarray(x, dtype=np.float64)
    n, h, w, c = x.shape
    before, out = ref_geometry((h, w), window, strides, pad)
    idx = np.zeros((n, *out, c), dtype=np.int64)
    for b, i, j, ch in itertools.product(range(n), range(out[0]), range(out[1]), range(c)):
        best, where = -np.inf, -1
        for ki, kj in itertools.product(range(window[0]), range(window[1])):
            r, q = i * strides[0] - before[0] + ki, j * strides[1] - before[1] + kj
            if 0 <= r < h and 0 <= q < w and x[b, r, q, ch] > best:
                best = x[b, r, q, ch]
                where = ((b * h + r) * w + q) * c + ch if include_batch else (r * w + q) * c + ch
        idx[b, i, j, ch] = where
    return idx


def distinct(shape, seed):
    """Values with no ties (gaps of at least 0.1), so max pooling is differentiable everywhere."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.1 + rng.uniform(0, 0.02, n)).reshape(shape) - n * 0.05


# ---- 2-D values ---------------------------------------------------------------------------------------

CASES_2D = [
    ((1, 4, 4, 1), (2, 2), (2, 2), "valid"),
    ((2, 5, 5, 2), (3, 3), (1, 1), "same"),
    ((1, 5, 6, 3), (3, 2), (2, 3), "same"),
    ((1, 6, 5, 1), (2, 3), (2, 2), "valid"),
    ((2, 4, 5, 2), (3, 3), (2, 1), 1),
    ((1, 5, 5, 1), (2, 2), (2, 2), [[0, 1], [1, 0]]),
    ((1, 3, 3, 2), (1, 1), (1, 1), "same"),
]


@pytest.mark.parametrize("shape,window,strides,pad", CASES_2D)
@pytest.mark.parametrize("kind", ["avg", "max"])
def test_pool2d_matches_loop_reference(shape, window, strides, pad, kind):
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    fn = tw.avg_pool if kind == "avg" else tw.max_pool
    out = fn(x, window, strides, pad)
    want = ref_pool(x, window, strides, pad, kind)
    assert out.shape == want.shape and out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-6)


def test_same_padding_puts_the_extra_pad_after():
    # in 4, window 3, stride 2 -> total pad 1: none before, one after (TF's split)
    x = np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 1, 4, 1)
    np.testing.assert_allclose(tw.avg_pool(x, [1, 3], 2, "same").numpy().ravel(), [2.0, 3.5])
    np.testing.assert_allclose(tw.max_pool(x, [1, 3], 2, "same").numpy().ravel(), [3.0, 4.0])
    # in 3, window 2, stride 1: pad after only, the last average divides by 1 (padding is not counted)
    y = np.array([2.0, 4.0, 8.0]).reshape(1, 3, 1)
    np.testing.assert_allclose(tw.avg_pool(y, [1, 2], 1, "same").numpy().ravel(), [3.0, 6.0, 8.0])
    # negative values near a padded border: max ignores the padding (no zeros leak in)
    np.testing.assert_allclose(tw.max_pool(-y, [1, 2], 1, "same").numpy().ravel(), [-2.0, -4.0, -8.0])


@pytest.mark.parametrize("mode,want", [(None, [0.5, 2.5]), ("floor", [0.5, 2.5]), ("ceil", [0.5, 2.5, 4.0]),
                                       ("round", [0.5, 2.5, 4.0])])
def test_dim_rounding_mode(mode, want):
    x = np.arange(5.0).reshape(1, 1, 5, 1)  # (5 - 2) / 2 + 1 = 2.5
    np.testing.assert_allclose(tw.avg_pool(x, [1, 2], 2, 0, mode).numpy().ravel(), want)
    np.testing.assert_allclose(tw.max_pool(x, [1, 2], 2, 0, mode).numpy().ravel(),
                               [1.0, 3.0, 4.0][:len(want)])


def test_dim_rounding_mode_with_numeric_pad_matches_reference():
    x = np.random.default_rng(1).normal(size=(1, 6, 7, 2))
    for mode in ("floor", "ceil", "round"):
        out = tw.avg_pool(x, 3, 2, 1, mode)
        np.testing.assert_allclose(out.numpy(), ref_pool(x, (3, 3), (2, 2), 1, "avg", rounding=mode), rtol=1e-5)
        out = tw.max_pool(x, 3, 2, 1, mode)
        np.testing.assert_allclose(out.numpy(), ref_pool(x, (3, 3), (2, 2), 1, "max", rounding=mode), rtol=1e-5)


def test_rank3_input_int_max_pool_and_nan():
    x = np.arange(16).reshape(4, 4, 1).astype(np.int32)
    out = tw.max_pool(tw.tensor(x), 2, 2, "valid")
    assert out.shape == (2, 2, 1) and out.dtype == "int32"
    assert out.numpy()[..., 0].tolist() == [[5, 7], [13, 15]]
    # TF.js's CPU max pool compares `pixel > max`: NaN never wins
    y = np.array([[np.nan, 1.0], [2.0, np.nan]]).reshape(1, 2, 2, 1)
    assert tw.max_pool(y, 2, 1, "valid").numpy().ravel().tolist() == [2.0]
    assert np.isnan(tw.avg_pool(y, 2, 1, "valid").numpy()).all()


def test_pool2d_errors():
    x = np.ones((1, 4, 4, 1), dtype=np.float32)
    with pytest.raises(TypeError, match="avg_pool: argument 'x' must be a float32 tensor"):
        tw.avg_pool(tw.tensor(np.ones((1, 2, 2, 1), dtype=np.int32)), 2, 1, "valid")
    with pytest.raises(ValueError, match="max_pool: x must be of rank 3 or 4"):
        tw.max_pool(np.ones((4, 4)), 2, 1, "valid")
    with pytest.raises(ValueError, match="avg_pool: pad must be an integer when using dim_rounding_mode"):
        tw.avg_pool(x, 2, 1, "same", "ceil")
    with pytest.raises(ValueError, match="max_pool: .*filter.*larger"):
        tw.max_pool(x, 6, 1, "valid")
    assert tw.max_pool(x, 5, 1, "valid").shape == (1, 0, 0, 1)  # out = ceil((4 - 5 + 1) / 1) = 0, as TF.js
    with pytest.raises(ValueError, match="avg_pool: unknown padding"):
        tw.avg_pool(x, 2, 1, "full")
    with pytest.raises(ValueError, match="max_pool: strides must be positive"):
        tw.max_pool(x, 2, 0, "valid")
    with pytest.raises(ValueError, match="max_pool: dim_rounding_mode must be"):
        tw.max_pool(x, 2, 1, 0, "up")


# ---- 3-D values ---------------------------------------------------------------------------------------

CASES_3D = [
    ((1, 4, 4, 4, 1), (2, 2, 2), (2, 2, 2), "valid"),
    ((2, 3, 4, 5, 2), (2, 3, 2), (1, 2, 2), "same"),
    ((1, 4, 3, 5, 1), (3, 2, 2), (2, 1, 3), 1),
]


@pytest.mark.parametrize("shape,window,strides,pad", CASES_3D)
@pytest.mark.parametrize("kind", ["avg", "max"])
def test_pool3d_matches_loop_reference(shape, window, strides, pad, kind):
    x = np.random.default_rng(2).normal(size=shape).astype(np.float32)
    fn = tw.avg_pool3d if kind == "avg" else tw.max_pool3d
    out = fn(x, window, strides, pad)
    want = ref_pool(x, window, strides, pad, kind)
    assert out.shape == want.shape
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-6)


def test_pool3d_rank4_ceil_and_errors():
    x = np.arange(27.0).reshape(3, 3, 3, 1)
    out = tw.avg_pool3d(x, 2, 2, 0, "ceil")
    assert out.shape == (2, 2, 2, 1)
    np.testing.assert_allclose(out.numpy(), ref_pool(x[None], (2, 2, 2), (2, 2, 2), 0, "avg", rounding="ceil")[0])
    assert tw.max_pool3d(x, 3, 1, "valid").numpy().ravel().tolist() == [26.0]
    with pytest.raises(ValueError, match="avg_pool3d: only the NDHWC data_format"):
        tw.avg_pool3d(x, 2, 2, "valid", data_format="NCDHW")
    with pytest.raises(ValueError, match="max_pool3d: x must be of rank 4 or 5"):
        tw.max_pool3d(np.ones((2, 2, 2)), 1, 1, "valid")


# ---- max_pool_with_argmax ---------------------------------------------------------------------------------

@pytest.mark.parametrize("include_batch", [False, True])
@pytest.mark.parametrize("window,strides,pad", [((2, 2), (2, 2), "valid"), ((3, 2), (1, 2), "same")])
def test_max_pool_with_argmax(include_batch, window, strides, pad):
    x = np.random.default_rng(3).normal(size=(2, 4, 5, 3)).astype(np.float32)
    result, indexes = tw.max_pool_with_argmax(x, window, strides, pad, include_batch)
    np.testing.assert_allclose(result.numpy(), ref_pool(x, window, strides, pad, "max"), rtol=1e-6)
    assert indexes.dtype == "int32"
    assert indexes.numpy().tolist() == ref_argmax(x, window, strides, pad, include_batch).tolist()
    # every index points at the max it reports
    flat = x.reshape(-1) if include_batch else x.reshape(2, -1)
    got = flat[indexes.numpy()] if include_batch else np.stack([flat[b][indexes.numpy()[b]] for b in range(2)])
    np.testing.assert_array_equal(got, result.numpy())


def test_max_pool_with_argmax_ties_take_the_first_and_names():
    x = np.array([[1.0, 3.0], [3.0, 2.0]]).reshape(1, 2, 2, 1)
    r = tw.max_pool_with_argmax(x, 2, 2, "valid")
    assert r.result.numpy().ravel().tolist() == [3.0] and r.indexes.numpy().ravel().tolist() == [1]
    with pytest.raises(ValueError, match="max_pool_with_argmax: x must be of rank 4"):
        tw.max_pool_with_argmax(np.ones((2, 2, 1)), 2, 2, "valid")


# ---- pool (dilations) -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["avg", "max"])
@pytest.mark.parametrize("dil,pad", [((2, 2), "same"), ((2, 1), "valid"), ((1, 3), "same"), ((2, 2), "valid")])
def test_pool_with_dilations_pads_zeros_like_space_to_batch(kind, dil, pad):
    x = np.random.default_rng(4).normal(size=(2, 6, 7, 2)).astype(np.float32)
    out = tw.pool(x, (2, 3), kind, pad, dil)
    want = ref_pool(x, (2, 3), (1, 1), pad, kind, dilations=dil, pad_counts=True)
    assert out.shape == want.shape
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-6)


def test_pool_without_dilations_is_avg_or_max_pool():
    x = np.random.default_rng(5).normal(size=(5, 5, 2)).astype(np.float32)
    np.testing.assert_allclose(tw.pool(x, 3, "avg", "same", strides=2).numpy(),
                               ref_pool(x[None], (3, 3), (2, 2), "same", "avg")[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(tw.pool(x, [2, 2], "max", 0).numpy(),
                               ref_pool(x[None], (2, 2), (1, 1), "valid", "max")[0], rtol=1e-6)
    with pytest.raises(ValueError, match="pool: pooling_type must be"):
        tw.pool(x, 2, "min", "valid")
    with pytest.raises(ValueError, match="pool: either strides or dilations must be 1"):
        tw.pool(x, 2, "max", "valid", 2, 2)


# ---- gradients --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("window,strides,pad", [((2, 2), (1, 1), "same"), ((3, 2), (2, 1), "valid"),
                                                ((3, 3), (2, 2), "same"), ((2, 2), (2, 2), 1)])
def test_avg_pool_gradient(window, strides, pad):
    x = np.random.default_rng(6).normal(size=(1, 4, 5, 2))
    check_gradients(lambda a: tw.avg_pool(a, window, strides, pad), [x])


def test_avg_pool_gradient_with_ceil_rounding():
    x = np.random.default_rng(7).normal(size=(1, 5, 5, 1))
    check_gradients(lambda a: tw.avg_pool(a, 2, 2, 0, "ceil"), [x])
    check_gradients(lambda a: tw.max_pool(a, 2, 2, 0, "ceil"), [distinct((1, 5, 5, 1), 7)])


@pytest.mark.parametrize("window,strides,pad", [((2, 2), (1, 1), "same"), ((3, 2), (2, 1), "valid"),
                                                ((3, 3), (2, 2), "same"), ((2, 3), (1, 1), [[1, 0], [1, 1]])])
def test_max_pool_gradient(window, strides, pad):
    x = distinct((1, 4, 5, 2), 8)
    check_gradients(lambda a: tw.max_pool(a, window, strides, pad), [x])


def test_max_pool_gradient_ties_go_to_the_first_max():
    x = tw.tensor(np.array([[1.0, 5.0], [5.0, 5.0]]).reshape(1, 2, 2, 1))
    g = tw.grad(lambda a: tw.max_pool(a, 2, 1, "valid"))(x)
    assert g.numpy().ravel().tolist() == [0.0, 1.0, 0.0, 0.0]
    # overlapping windows accumulate into the shared max
    y = tw.tensor(np.array([1.0, 9.0, 2.0, 3.0]).reshape(1, 1, 4, 1))
    g = tw.grad(lambda a: tw.max_pool(a, [1, 2], 1, "valid"))(y)
    assert g.numpy().ravel().tolist() == [0.0, 2.0, 0.0, 1.0]


def test_pool3d_gradients():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(1, 3, 4, 3, 1))
    check_gradients(lambda a: tw.avg_pool3d(a, 2, 1, "same"), [x])
    check_gradients(lambda a: tw.avg_pool3d(a, (2, 3, 2), (2, 1, 2), "valid"), [x])
    xd = distinct((1, 3, 4, 3, 1), 10)
    check_gradients(lambda a: tw.max_pool3d(a, 2, 1, "same"), [xd])
    check_gradients(lambda a: tw.max_pool3d(a, (2, 3, 2), (1, 1, 2), 1), [xd])


def test_max_pool3d_gradient_ties_go_to_the_last_max_like_tfjs():
    x = tw.tensor(np.full((1, 1, 2, 2, 1), 4.0))
    g = tw.grad(lambda a: tw.max_pool3d(a, [1, 2, 2], 1, "valid"))(x)
    assert g.numpy().ravel().tolist() == [0.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize("kind", ["avg", "max"])
def test_pool_with_dilations_gradient(kind):
    x = distinct((1, 5, 5, 1), 11)
    check_gradients(lambda a: tw.pool(a, 2, kind, "same", 2), [x])
    check_gradients(lambda a: tw.pool(a, (2, 2), kind, "valid", (1, 2)), [x])


def test_avg_pool_second_derivative():
    rng = np.random.default_rng(12)
    x, w = rng.normal(size=(1, 3, 3, 1)), rng.normal(size=(1, 2, 2, 1))
    check_gradients(lambda a: tw.grad(lambda b: tw.avg_pool(b, 2, 2, "same") * w * tw.avg_pool(b, 2, 2, "same"))(a),
                    [x])


def test_windows_made_only_of_padding_follow_tfjs():
    x = np.array([[1.0, 2.0]]).reshape(1, 1, 2, 1)
    # 2-D average: 0 / 0 is NaN; 3-D average divides by max(count, 1); max keeps -Infinity (0 for int32)
    assert np.isnan(tw.avg_pool(x, 1, 1, 1).numpy()[0, 0, 0, 0])
    assert tw.avg_pool(x, 1, 1, 1).numpy()[0, 1, 1:3, 0].tolist() == [1.0, 2.0]
    assert tw.max_pool(x, 1, 1, 1).numpy()[0, 0, 0, 0] == -np.inf
    xi = tw.tensor(np.array([[1, 2]], dtype=np.int32).reshape(1, 1, 2, 1))
    out = tw.max_pool(xi, 1, 1, 1).numpy()[0, :, :, 0]
    assert out.tolist() == [[0, 0, 0, 0], [0, 1, 2, 0], [0, 0, 0, 0]]
    out3 = tw.avg_pool3d(x.reshape(1, 1, 1, 2, 1), 1, 1, 1).numpy()[0, 1, 1, :, 0]
    assert out3.tolist() == [0.0, 1.0, 2.0, 0.0]
    with pytest.raises(ValueError, match="avg_pool3d: pad must be 'same', 'valid' or a number"):
        tw.avg_pool3d(x.reshape(1, 1, 1, 2, 1), 1, 1, [[0, 0], [0, 0], [1, 1]])
