import numpy as np
import pytest

import tensorweb as tw
from tensorweb.testing import check_gradients


def test_linalg_is_a_namespace():
    assert set(tw.linalg.__all__) == {"band_part", "gram_schmidt", "qr"}
    assert not hasattr(tw, "band_part") and not hasattr(tw, "qr")


# ---- band_part --------------------------------------------------------------------------------------

def _band_np(x, lo, up):
    m, n = x.shape[-2:]
    i, j = np.arange(m)[:, None], np.arange(n)[None, :]
    keep = ((lo < 0) | (i - j <= lo)) & ((up < 0) | (j - i <= up))
    return np.where(keep, x, 0)


@pytest.mark.parametrize("lo,up", [(0, 0), (1, 0), (0, -1), (-1, 0), (2, 1), (-1, -1)])
def test_band_part_matches_reference(lo, up):
    x = np.arange(2 * 4 * 5, dtype=np.float32).reshape(2, 4, 5) + 1
    np.testing.assert_array_equal(tw.linalg.band_part(x, lo, up).numpy(), _band_np(x, lo, up))


def test_band_part_hand_values_and_int_scalar_bounds():
    x = tw.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert tw.linalg.band_part(x, 0, 0).tolist() == [[1, 0, 0], [0, 5, 0], [0, 0, 9]]
    assert tw.linalg.band_part(x, -1, 0).tolist() == [[1, 0, 0], [4, 5, 0], [7, 8, 9]]
    assert tw.linalg.band_part(x, tw.scalar(1, "int32"), tw.scalar(-1, "int32")).tolist() == \
        [[1, 2, 3], [4, 5, 6], [0, 8, 9]]
    assert tw.linalg.band_part(x, 0, 0).dtype == "int32"


def test_band_part_errors():
    with pytest.raises(ValueError, match="band_part: a must be of rank >= 2"):
        tw.linalg.band_part(tw.ones((3,)), 0, 0)
    with pytest.raises(ValueError, match="band_part: num_lower must be an integer"):
        tw.linalg.band_part(tw.ones((3, 3)), 0.5, 0)
    with pytest.raises(ValueError, match=r"band_part: num_lower \(4\) must not be greater than the number of rows \(3\)"):
        tw.linalg.band_part(tw.ones((3, 3)), 4, 0)
    with pytest.raises(ValueError, match=r"band_part: num_upper \(5\) must not be greater .* columns \(4\)"):
        tw.linalg.band_part(tw.ones((3, 4)), 0, 5)
    with pytest.raises(ValueError, match="band_part: num_lower must be an int32 scalar"):
        tw.linalg.band_part(tw.ones((3, 3)), tw.scalar(1.0), 0)


def test_band_part_gradient():
    check_gradients(lambda x: tw.linalg.band_part(x, 1, 0), [np.random.default_rng(0).normal(size=(2, 3, 3))])


# ---- gram_schmidt -----------------------------------------------------------------------------------

def test_gram_schmidt_matrix_and_list():
    x = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], np.float32)
    y = tw.linalg.gram_schmidt(x).numpy()
    np.testing.assert_allclose(y @ y.T, np.eye(3), atol=1e-6)
    np.testing.assert_allclose(y[0], np.array([1, 1, 0]) / np.sqrt(2), rtol=1e-6)
    # each y_i lies in span(x_0..x_i): the change of basis is lower triangular
    coeff = x @ y.T
    np.testing.assert_allclose(np.triu(coeff, 1), 0, atol=1e-6)
    ys = tw.linalg.gram_schmidt([tw.tensor([2.0, 0.0]), tw.tensor([1.0, 3.0])])
    assert isinstance(ys, list) and len(ys) == 2
    np.testing.assert_allclose(ys[0].numpy(), [1.0, 0.0])
    np.testing.assert_allclose(ys[1].numpy(), [0.0, 1.0], atol=1e-7)


def test_gram_schmidt_errors():
    with pytest.raises(ValueError, match="gram_schmidt: input must not be empty"):
        tw.linalg.gram_schmidt([])
    with pytest.raises(ValueError, match=r"gram_schmidt: non-unique lengths .*\(3 vs. 2\)"):
        tw.linalg.gram_schmidt([tw.ones((2,)), tw.ones((3,))])
    with pytest.raises(ValueError, match=r"gram_schmidt: number of vectors \(3\) exceeds number of dimensions \(2\)"):
        tw.linalg.gram_schmidt(tw.ones((3, 2)))


def test_gram_schmidt_gradient():
    check_gradients(tw.linalg.gram_schmidt, [np.array([[1.0, 0.5, 0.2], [0.3, 1.2, -0.4]])])


# ---- qr ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape,full", [((4, 3), False), ((4, 3), True), ((3, 3), False), ((3, 5), False),
                                        ((2, 5, 3), False), ((2, 2, 3, 4), True)])
def test_qr_reconstructs_with_orthogonal_q_and_triangular_r(shape, full):
    a = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    q, r = tw.linalg.qr(a, full)
    m, n = shape[-2:]
    k = m if (full or m <= n) else n
    assert q.shape == shape[:-2] + (m, k) and r.shape == shape[:-2] + (k, n)
    q, r = q.numpy(), r.numpy()
    np.testing.assert_allclose(q @ r, a, atol=1e-5)
    np.testing.assert_allclose(q.swapaxes(-1, -2) @ q, np.broadcast_to(np.eye(k), q.shape[:-2] + (k, k)),
                               atol=1e-5)
    np.testing.assert_array_equal(np.triu(r), r)


def test_qr_sign_convention_as_tfjs():
    # TF.js reflects each pivot to -sign(pivot) * norm, the last diagonal entry included.
    q, r = tw.linalg.qr(tw.tensor([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(r.numpy(), [[-np.sqrt(10), -14 / np.sqrt(10)], [0, 2 / np.sqrt(10)]],
                               rtol=1e-5)
    np.testing.assert_allclose(q.numpy(), np.array([[-1, 3], [-3, -1]]) / np.sqrt(10), rtol=1e-5)
    assert np.linalg.qr(np.array([[1.0, 2.0], [3.0, 4.0]]))[1][1, 1] < 0  # LAPACK keeps the last pivot
    q, r = tw.linalg.qr(tw.tensor([[-2.0], [0.0]]))
    np.testing.assert_allclose(r.numpy(), [[2.0]])
    np.testing.assert_allclose(q.numpy(), [[-1.0], [0.0]], atol=1e-7)


def test_qr_zero_column_and_errors():
    q, r = tw.linalg.qr(tw.zeros((3, 2)))
    assert np.isfinite(q.numpy()).all() and np.all(r.numpy() == 0)
    with pytest.raises(ValueError, match="qr: requires an input tensor of rank >= 2"):
        tw.linalg.qr(tw.ones((3,)))


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 3, 2), (2, 4)])
def test_qr_gradients(shape):
    a = np.random.default_rng(2).normal(size=shape) + np.eye(*shape[-2:])
    check_gradients(lambda x: tw.linalg.qr(x)[0], [a], atol=1e-5)
    check_gradients(lambda x: tw.linalg.qr(x)[1], [a], atol=1e-5)
    check_gradients(lambda x: tw.add(*tw.linalg.qr(x)) if shape[-2] == shape[-1] else tw.linalg.qr(x)[1],
                    [a], atol=1e-5)
