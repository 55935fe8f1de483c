import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import DtypeError, InvalidArgumentError, ShapeError
from tensorweb.testing import check_gradients


def _np_segment_sum(x, ids, n):
    out = np.zeros((n,) + x.shape[ids.ndim:], dtype=np.float64)
    flat_x = x.reshape((ids.size,) + x.shape[ids.ndim:])
    for i, s in enumerate(ids.reshape(-1)):
        if 0 <= s < n:
            out[s] += flat_x[i]
    return out


def test_unsorted_segment_sum_1d_and_2d():
    x = tw.tensor([1.0, 2.0, 3.0, 4.0])
    assert tw.unsorted_segment_sum(x, tw.tensor([0, 1, 0, 1]), 2).tolist() == [4.0, 6.0]
    x2 = tw.tensor([[1, 2, 3, 4], [-1, -2, -3, -4], [5, 6, 7, 8]])
    out = tw.unsorted_segment_sum(x2, tw.tensor([0, 1, 0]), 2)
    assert out.dtype == "int32" and out.tolist() == [[6, 8, 10, 12], [-1, -2, -3, -4]]


def test_unsorted_segment_sum_drops_out_of_range_and_empty_segments():
    x = tw.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
    out = tw.unsorted_segment_sum(x, tw.tensor([2, -1, 2, 5, 0]), 4)
    assert out.tolist() == [5.0, 0.0, 4.0, 0.0]


def test_unsorted_segment_sum_matches_numpy_with_multi_dim_ids():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4, 2)).astype(np.float32)
    ids = rng.integers(-1, 5, size=(3, 4)).astype(np.int32)
    out = tw.unsorted_segment_sum(x, tw.tensor(ids), 5)
    assert out.shape == (5, 2)
    np.testing.assert_allclose(out.numpy(), _np_segment_sum(x, ids, 5), rtol=1e-5, atol=1e-6)


def test_unsorted_segment_sum_bool_sums_as_int32():
    out = tw.unsorted_segment_sum(tw.tensor([True, True, False]), tw.tensor([0, 0, 1]), 2)
    assert out.dtype == "int32" and out.tolist() == [2, 0]


def test_unsorted_segment_sum_errors():
    x = tw.tensor([1.0, 2.0, 3.0])
    with pytest.raises(DtypeError, match="unsorted_segment_sum: argument 'segment_ids' must be a int32"):
        tw.unsorted_segment_sum(x, tw.tensor([0.0, 1.0, 0.0]), 2)
    with pytest.raises(ShapeError, match=r"unsorted_segment_sum: segment_ids shape \[2\] must be a non-empty "
                                         r"prefix of x's shape \[3\]"):
        tw.unsorted_segment_sum(x, tw.tensor([0, 1]), 2)
    with pytest.raises(InvalidArgumentError, match="unsorted_segment_sum: num_segments must be an integer"):
        tw.unsorted_segment_sum(x, tw.tensor([0, 1, 0]), 1.5)
    with pytest.raises(InvalidArgumentError, match="num_segments must be non-negative"):
        tw.unsorted_segment_sum(x, tw.tensor([0, 1, 0]), -2)


def test_unsorted_segment_sum_gradient():
    ids = tw.tensor([1, -1, 1, 0, 3])
    check_gradients(lambda x: tw.unsorted_segment_sum(x, ids, 3), [np.arange(10.0).reshape(5, 2) / 3])
    g = tw.grad(lambda x: tw.unsorted_segment_sum(x, ids, 3) * tw.tensor([1.0, 2.0, 3.0]))(
        tw.ones((5,)))
    assert g.tolist() == [2.0, 0.0, 2.0, 1.0, 0.0]  # dropped ids get no gradient
    ids.dispose()


def test_unsorted_segment_sum_second_order():
    ids = tw.tensor([0, 1, 0])
    # d/dx sum(seg(x*x)) = 2x; its gradient again gives 2 everywhere
    g2 = tw.grad(lambda x: tw.sum(tw.grad(lambda y: tw.sum(tw.unsorted_segment_sum(y * y, ids, 2)))(x)))(
        tw.tensor([1.0, 2.0, 3.0]))
    assert g2.tolist() == [2.0, 2.0, 2.0]
    ids.dispose()
