import numpy as np
import pytest

import tensorweb as tw
from tensorweb.testing import check_gradients


def _rng(seed=0):
    return np.random.default_rng(seed)


# ---- mat_mul ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_mat_mul_transposes_match_numpy(ta, tb):
    rng = _rng(1)
    a = rng.normal(size=(2, 4, 3) if ta else (2, 3, 4)).astype(np.float32)
    b = rng.normal(size=(5, 4) if tb else (4, 5)).astype(np.float32)
    out = tw.mat_mul(a, b, ta, tb)
    ea = a.swapaxes(-1, -2) if ta else a
    eb = b.T if tb else b
    assert out.shape == (2, 3, 5) and out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), ea @ eb, rtol=1e-5, atol=1e-6)


def test_mat_mul_hand_values_int_and_batch_broadcasting():
    out = tw.mat_mul(tw.tensor([[1, 2], [3, 4]]), tw.tensor([[5, 6], [7, 8]]))
    assert out.dtype == "int32" and out.tolist() == [[19, 22], [43, 50]]
    a = np.arange(12, dtype=np.float32).reshape(3, 1, 2, 2)
    b = np.arange(8, dtype=np.float32).reshape(2, 2, 2)
    out = tw.mat_mul(a, b)
    assert out.shape == (3, 2, 2, 2)
    np.testing.assert_allclose(out.numpy(), np.matmul(a, b))
    assert tw.mat_mul(tw.tensor([[1, 2]]), tw.tensor([[0.5], [1.5]])).tolist() == [[3.5]]  # upcast


def test_mat_mul_errors():
    with pytest.raises(ValueError, match=r"mat_mul: inner shapes \(3\) and \(4\).*\[2, 3\].*\[4, 5\]"):
        tw.mat_mul(tw.ones((2, 3)), tw.ones((4, 5)))
    with pytest.raises(ValueError, match=r"mat_mul: inner shapes \(2\) and \(4\).*transpose_a=True"):
        tw.mat_mul(tw.ones((2, 3)), tw.ones((4, 5)), True)
    with pytest.raises(ValueError, match="mat_mul: inputs must be of rank >= 2"):
        tw.mat_mul(tw.ones((3,)), tw.ones((3, 2)))
    with pytest.raises(ValueError, match="mat_mul.*broadcast"):
        tw.mat_mul(tw.ones((2, 2, 3)), tw.ones((3, 3, 4)))
    with pytest.raises(TypeError, match="mat_mul.*complex64"):
        tw.mat_mul(tw.complex(tw.ones((2, 2)), tw.ones((2, 2))), tw.ones((2, 2)))
    with pytest.raises(TypeError, match="mat_mul.*string"):
        tw.mat_mul(tw.tensor([["a"]]), tw.tensor([["b"]]))


def test_mat_mul_kernel_writes_into_out_without_copies():
    from tensorweb.backends.numpy.matrices import batch_mat_mul
    a = np.arange(6, dtype=np.float32).reshape(3, 2)
    b = np.arange(6, dtype=np.float32).reshape(3, 2)
    out = np.empty((2, 2), np.float32)
    r = batch_mat_mul(a, b, transpose_a=True, out=out)
    assert r is out
    np.testing.assert_allclose(out, a.T @ b)


@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_mat_mul_gradients_all_transpose_combos(ta, tb):
    rng = _rng(2)
    a = rng.normal(size=(2, 3) if ta else (3, 2))
    b = rng.normal(size=(4, 2) if tb else (2, 4))
    check_gradients(lambda x, y: tw.mat_mul(x, y, ta, tb), [a, b])


@pytest.mark.parametrize("ta,tb", [(False, False), (True, True)])
def test_mat_mul_gradients_broadcast_batch(ta, tb):
    rng = _rng(3)
    a = rng.normal(size=(2, 1, 2, 3) if ta else (2, 1, 3, 2))
    b = rng.normal(size=(3, 4, 2) if tb else (3, 2, 4))
    check_gradients(lambda x, y: tw.mat_mul(x, y, ta, tb), [a, b])
    check_gradients(lambda x, y: tw.mat_mul(x, y), [rng.normal(size=(3, 2)), rng.normal(size=(2, 2, 4))])


# ---- dot, outer_product -----------------------------------------------------------------------------

def test_dot_rank_combinations():
    v, w = tw.tensor([1.0, 2.0]), tw.tensor([3.0, 4.0])
    m = tw.tensor([[1.0, 2.0], [3.0, 4.0]])
    d = tw.dot(v, w)
    assert d.shape == () and d.tolist() == 11.0
    assert tw.dot(v, m).tolist() == [7.0, 10.0]
    assert tw.dot(m, v).tolist() == [5.0, 11.0]
    assert tw.dot(m, m).tolist() == [[7.0, 10.0], [15.0, 22.0]]


def test_dot_and_outer_product_errors():
    with pytest.raises(ValueError, match="dot: inputs must all be rank 1 or 2.*3 and 1"):
        tw.dot(tw.ones((1, 1, 2)), tw.ones((2,)))
    with pytest.raises(ValueError, match="dot: inner dimensions of inputs must match.*3 and 2"):
        tw.dot(tw.ones((3,)), tw.ones((2, 2)))
    with pytest.raises(ValueError, match="outer_product: inputs must be rank 1"):
        tw.outer_product(tw.ones((2, 2)), tw.ones((2,)))


def test_outer_product_and_gradient():
    assert tw.outer_product([1, 2], [3, 4, 5]).tolist() == [[3, 4, 5], [6, 8, 10]]
    check_gradients(tw.outer_product, [np.array([1.0, -2.0]), np.array([0.5, 3.0, 1.0])])
    check_gradients(tw.dot, [np.array([[1.0, -2.0], [0.3, 0.4]]), np.array([0.5, 3.0])])


# ---- transpose --------------------------------------------------------------------------------------

def test_transpose_default_perm_and_complex():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_array_equal(tw.transpose(x).numpy(), x.T)
    np.testing.assert_array_equal(tw.transpose(x, [1, 0, 2]).numpy(), x.transpose(1, 0, 2))
    assert tw.transpose(tw.tensor([1, 2, 3])).tolist() == [1, 2, 3]
    c = tw.complex(tw.tensor([[1.0, 2.0], [3.0, 4.0]]), tw.tensor([[5.0, 6.0], [7.0, 8.0]]))
    t = tw.transpose(c)
    assert t.dtype == "complex64"
    np.testing.assert_array_equal(t.numpy(), np.array([[1 + 5j, 3 + 7j], [2 + 6j, 4 + 8j]]))
    tc = tw.transpose(c, conjugate=True)
    np.testing.assert_array_equal(tc.numpy(), np.array([[1 - 5j, 3 - 7j], [2 - 6j, 4 - 8j]]))
    assert tw.transpose(tw.tensor([["a", "b"]])).tolist() == [["a"], ["b"]]


def test_transpose_kernel_is_a_view():
    from tensorweb.backends.numpy.matrices import transpose
    x = np.arange(6.0).reshape(2, 3)
    assert np.shares_memory(transpose(x, perm=(1, 0)), x)


def test_transpose_errors():
    with pytest.raises(ValueError, match=r"transpose: rank of input 2 must match length of perm \[0\]"):
        tw.transpose(tw.ones((2, 3)), [0])
    with pytest.raises(ValueError, match="transpose: all entries in perm must be between 0 and 1"):
        tw.transpose(tw.ones((2, 3)), [0, 2])
    with pytest.raises(ValueError, match="transpose: perm .* duplicates"):
        tw.transpose(tw.ones((2, 3)), [1, 1])


def test_transpose_gradient():
    check_gradients(lambda x: tw.transpose(x, [2, 0, 1]), [_rng(4).normal(size=(2, 3, 4))])
    check_gradients(lambda x: tw.transpose(x), [_rng(5).normal(size=(3, 2))])


# ---- norm -------------------------------------------------------------------------------------------

def test_norm_vector_orders():
    x = np.array([3.0, -4.0, 1.0], np.float32)
    assert tw.norm(x).tolist() == pytest.approx(np.sqrt(26.0))
    assert tw.norm(x, 2).tolist() == pytest.approx(np.sqrt(26.0))
    assert tw.norm(x, 1).tolist() == pytest.approx(8.0)
    assert tw.norm(x, np.inf).tolist() == pytest.approx(4.0)
    assert tw.norm(x, -np.inf).tolist() == pytest.approx(1.0)
    assert tw.norm(x, 3).tolist() == pytest.approx(92.0 ** (1 / 3), rel=1e-5)
    assert tw.norm(tw.scalar(-2.5)).tolist() == 2.5
    assert tw.norm(tw.tensor([3, 4])).tolist() == 5.0  # int32 input, float32 result


def test_norm_axes_and_matrix_orders_match_numpy():
    x = _rng(6).normal(size=(3, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(tw.norm(x).numpy(), np.linalg.norm(x.ravel()), rtol=1e-5)
    np.testing.assert_allclose(tw.norm(x, "euclidean", 1).numpy(), np.linalg.norm(x, axis=1), rtol=1e-5)
    np.testing.assert_allclose(tw.norm(x, 1, -1).numpy(), np.abs(x).sum(-1), rtol=1e-5)
    for ord_ in (1, np.inf, -np.inf, "fro"):
        for axes in ((0, 1), (1, 2), (2, 0), (-1, -2)):
            np.testing.assert_allclose(tw.norm(x, ord_, list(axes)).numpy(),
                                       np.linalg.norm(x, ord_, axis=axes), rtol=1e-5,
                                       err_msg=f"ord={ord_} axes={axes}")
    assert tw.norm(x, "euclidean", [0, 2], keep_dims=True).shape == (1, 4, 1)
    assert tw.norm(x, keep_dims=True).shape == (1, 1, 1)
    assert tw.euclidean_norm(x, 2).shape == (3, 4)
    np.testing.assert_allclose(tw.euclidean_norm(x, [0, 1], True).numpy(),
                               np.sqrt((x * x).sum((0, 1), keepdims=True)), rtol=1e-5)


def test_norm_errors():
    with pytest.raises(ValueError, match="norm: invalid ord value 'fro' for a vector"):
        tw.norm(tw.ones((3,)), "fro")
    with pytest.raises(ValueError, match="norm: invalid ord value 2 for a matrix"):
        tw.norm(tw.ones((3, 3)), 2, [0, 1])
    with pytest.raises(ValueError, match="norm: invalid axis"):
        tw.norm(tw.ones((2, 2, 2)), "euclidean", [0, 1, 2])
    with pytest.raises(ValueError, match="norm: invalid ord value 'nuc'"):
        tw.norm(tw.ones((3,)), "nuc")
    with pytest.raises(ValueError, match="norm: axis 3 is out of range"):
        tw.norm(tw.ones((2, 2)), "euclidean", 3)


def test_norm_gradients():
    x = np.array([[1.0, -2.0, 0.5], [0.3, 2.5, -1.2]])
    check_gradients(lambda t: tw.norm(t), [x])
    check_gradients(lambda t: tw.norm(t, 1, [0, 1]), [x])
    check_gradients(lambda t: tw.euclidean_norm(t, 1, True), [x])


# ---- einsum -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("i,i->", [(4,), (4,)]),
    ("i,j->ij", [(2,), (3,)]),
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (4, 3, 2)]),
    ("i...->...", [(3, 2, 2)]),
    ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),
    ("b i j , b j -> b i", [(2, 3, 2), (2, 2)]),
])
def test_einsum_matches_numpy_and_gradients(eq, shapes):
    rng = _rng(7)
    xs = [rng.normal(size=s) for s in shapes]
    out = tw.einsum(eq, *[x.astype(np.float32) for x in xs])
    np.testing.assert_allclose(out.numpy(), np.einsum(eq.replace(" ", ""), *xs), rtol=1e-4, atol=1e-5)
    check_gradients(lambda *ts: tw.einsum(eq, *ts), xs)


def test_einsum_int_and_hand_values():
    out = tw.einsum("ij,j->i", tw.tensor([[1, 2], [3, 4]]), tw.tensor([1, 1]))
    assert out.dtype == "int32" and out.tolist() == [3, 7]
    assert tw.einsum("ii->", tw.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist() == 5.0


def test_einsum_errors():
    a, b = tw.ones((2, 3)), tw.ones((3, 4))
    with pytest.raises(ValueError, match="einsum: equation must contain exactly one arrow"):
        tw.einsum("ij->jk->k", a)
    with pytest.raises(ValueError, match="einsum: .* 2 input term.* 1 tensor"):
        tw.einsum("ij,jk->ik", a)
    with pytest.raises(ValueError, match="einsum: output subscripts contain the label 'z'"):
        tw.einsum("ij,jk->iz", a, b)
    with pytest.raises(ValueError, match=r"einsum: expected dimension 3 for label 'j' .* \[4, 4\].* 4"):
        tw.einsum("ij,jk->ik", a, tw.ones((4, 4)))
    with pytest.raises(ValueError, match="einsum: input term 0 'ijk' has 3 subscript.* rank 2"):
        tw.einsum("ijk->i", a)
    with pytest.raises(ValueError, match="einsum: invalid character '1'"):
        tw.einsum("i1->i", a)
    with pytest.raises(ValueError, match="einsum: output term 'ii' repeats"):
        tw.einsum("ij->ii", a)
    with pytest.raises(TypeError, match="einsum: all tensors must have the same dtype"):
        tw.einsum("ij,jk->ik", a, tw.ones((3, 4), "int32"))
