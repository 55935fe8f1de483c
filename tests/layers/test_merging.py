"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot."""

import numpy as np
import pytest

import tensorweb as tw
import tensorweb.layers as L
from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import merging as M
from tensorweb.testing import check_gradients

from .keras_fixtures import round_trip, run_keras_case, symbolic_matches


@pytest.mark.parametrize("name", ["add_2", "add_3", "subtract", "multiply_3", "average_2", "maximum_3",
                                  "minimum_2", "add_broadcast", "concatenate_last", "concatenate_axis1",
                                  "dot_axes1", "dot_axes1_normalize", "dot_axes_2_2", "dot_axes_1_1_normalize"])
def test_matches_keras(name):
    run_keras_case(name)


RNG = np.random.default_rng(0)
A, B, C = (RNG.normal(size=(2, 3, 4)).astype(np.float32) for _ in range(3))


def test_elementwise_numpy():
    np.testing.assert_allclose(M.Add()([A, B, C]).numpy(), A + B + C, rtol=1e-6)
    np.testing.assert_allclose(M.Subtract()([A, B]).numpy(), A - B, rtol=1e-6)
    np.testing.assert_allclose(M.Multiply()([A, B, C]).numpy(), A * B * C, rtol=1e-6)
    np.testing.assert_allclose(M.Average()([A, B, C]).numpy(), (A + B + C) / 3, rtol=1e-6)
    np.testing.assert_allclose(M.Maximum()([A, B, C]).numpy(), np.maximum(np.maximum(A, B), C))
    np.testing.assert_allclose(M.Minimum()([A, B]).numpy(), np.minimum(A, B))
    np.testing.assert_allclose(M.Add()([A]).numpy(), A)


def test_broadcasting_and_rank_expansion():
    b1 = B[:, :1]
    np.testing.assert_allclose(M.Add()([A, b1]).numpy(), A + b1, rtol=1e-6)
    assert M.Add().compute_output_shape([(None, 3, 4), (None, 1, 4)]) == (None, 3, 4)
    low = B[:, 0]  # rank 2: gets a size-1 axis after the batch, as in Keras
    np.testing.assert_allclose(M.Multiply()([A, low]).numpy(), A * low[:, None], rtol=1e-6)
    assert M.Multiply().compute_output_shape([(2, 3, 4), (2, 4)]) == (2, 3, 4)
    assert M.Add().compute_output_shape([(None, 3, 4), (5, 3, 4)]) == (5, 3, 4)


def test_concatenate_and_dot_numpy():
    np.testing.assert_array_equal(M.Concatenate()([A, B[..., :2]]).numpy(), np.concatenate([A, B[..., :2]], -1))
    np.testing.assert_array_equal(M.Concatenate(axis=1)([A, B]).numpy(), np.concatenate([A, B], 1))
    assert M.Concatenate(axis=1).compute_output_shape([(None, 3, 4), (None, None, 4)]) == (None, None, 4)
    d = RNG.normal(size=(2, 5, 4)).astype(np.float32)
    np.testing.assert_allclose(M.Dot(axes=(2, 2))([A, d]).numpy(), np.einsum("bik,bjk->bij", A, d), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(M.Dot(axes=-1)([A, d]).numpy(), np.einsum("bik,bjk->bij", A, d), rtol=1e-5,
                               atol=1e-6)
    a2, b2 = A[:, 0], B[:, 0]
    y = M.Dot(axes=1)([a2, b2]).numpy()
    assert y.shape == (2, 1)
    np.testing.assert_allclose(y[:, 0], (a2 * b2).sum(-1), rtol=1e-5)
    y = M.Dot(axes=1, normalize=True)([a2, b2]).numpy()
    cos = (a2 * b2).sum(-1) / np.linalg.norm(a2, axis=-1) / np.linalg.norm(b2, axis=-1)
    np.testing.assert_allclose(y[:, 0], cos, rtol=1e-5)
    # (2, 3, 4) . (2, 4) along axes (2, 1) -> (2, 3)
    np.testing.assert_allclose(M.Dot(axes=(2, 1))([A, b2]).numpy(), np.einsum("bik,bk->bi", A, b2), rtol=1e-5,
                               atol=1e-6)
    assert M.Dot(axes=(2, 1)).compute_output_shape([(None, 3, 4), (None, 4)]) == (None, 3)
    # rank 4 input: remaining axes of x then y
    v = RNG.normal(size=(2, 3, 2, 4)).astype(np.float32)
    np.testing.assert_allclose(M.Dot(axes=(1, 1))([v, A]).numpy(), np.einsum("bkij,bkl->bijl", v, A), rtol=1e-5,
                               atol=1e-6)


def test_masks():
    ma = np.array([[True, False, True], [False, False, True]])
    mb = np.array([[True, True, False], [False, True, True]])
    out = M.Add().compute_mask([A, B], [tw.tensor(ma), tw.tensor(mb)])
    np.testing.assert_array_equal(out.numpy(), ma | mb)
    assert M.Add().compute_mask([A, B], [tw.tensor(ma), None]) is None
    assert M.Add().compute_mask([A, B], None) is None
    # Maximum with masks: a masked position of one input takes the other's value (Keras 3)
    y = M.Maximum()([tw.tensor(A), tw.tensor(B)], mask=[tw.tensor(ma), tw.tensor(mb)]).numpy()
    ea, eb = ma[..., None], mb[..., None]
    x = np.where(eb, B, A)
    ref = np.maximum(np.where(ea, A, x), x)
    np.testing.assert_allclose(y, ref)
    np.testing.assert_allclose(y[~ma & mb], B[~ma & mb])
    np.testing.assert_allclose(y[ma & ~mb], A[ma & ~mb])
    cm = M.Concatenate(axis=1).compute_mask([tw.tensor(A), tw.tensor(B)], [tw.tensor(ma), None])
    np.testing.assert_array_equal(cm.numpy(), np.concatenate([ma, np.ones_like(ma)], 1))
    cm = M.Concatenate().compute_mask([tw.tensor(A), tw.tensor(B)], [tw.tensor(ma), tw.tensor(mb)])
    np.testing.assert_array_equal(cm.numpy(), ma | mb)
    assert M.Dot(axes=2).compute_mask([A, B], [tw.tensor(ma), tw.tensor(mb)]) is None


@pytest.mark.parametrize("make", [M.Add, M.Subtract, M.Multiply, M.Average, M.Maximum, M.Minimum,
                                  lambda: M.Concatenate(axis=1), lambda: M.Dot(axes=[1, 2], normalize=True),
                                  lambda: M.Dot(axes=-1)])
def test_config_round_trip(make):
    round_trip(make())


def test_symbolic_shapes():
    for layer in [M.Add(), M.Subtract(), M.Multiply(), M.Average(), M.Maximum(), M.Minimum(),
                  M.Concatenate(), M.Concatenate(axis=1), M.Dot(axes=2), M.Dot(axes=(1, 1))]:
        symbolic_matches(layer, [(3, 4), (3, 4)], [A, B])
    symbolic_matches(M.Add(), [(3, 4), (1, 4)], [A, B[:, :1]])
    symbolic_matches(M.Concatenate(), [(3, 4), (3, 2)], [A, B[..., :2]])


def test_gradients():
    a, b = A[:1, :2, :3], B[:1, :2, :3]
    for layer in [M.Add(), M.Subtract(), M.Multiply(), M.Average(), M.Maximum(), M.Minimum(),
                  M.Concatenate(axis=1), M.Dot(axes=2), M.Dot(axes=1, normalize=True)]:
        check_gradients(lambda x, y, l=layer: l([x, y]), [a, b])


def test_errors():
    with pytest.raises(ShapeError, match=r"Add .*incompatible shapes \[2, 3, 4\], \[2, 3, 5\]"):
        M.Add()([A, np.zeros((2, 3, 5), np.float32)])
    with pytest.raises(ShapeError, match=r"Multiply .*different batch sizes.*\[2, 3, 4\], \[3, 3, 4\]"):
        M.Multiply()([A, np.zeros((3, 3, 4), np.float32)])
    with pytest.raises(InvalidArgumentError, match="Subtract .*exactly 2 inputs, got 3"):
        M.Subtract()([A, B, C])
    with pytest.raises(InvalidArgumentError, match="Add .*list of tensors"):
        M.Add()(A)
    with pytest.raises(ShapeError, match=r"Concatenate .*except along the concatenation axis.*\[2, 3, 4\], "
                                         r"\[2, 2, 5\]"):
        M.Concatenate()([A, np.zeros((2, 2, 5), np.float32)])
    with pytest.raises(ShapeError, match=r"Concatenate .*same rank"):
        M.Concatenate()([A, A[:, 0]])
    with pytest.raises(ShapeError, match=r"Dot .*size 4 at axis 2.*size 3 at axis 1"):
        M.Dot(axes=(2, 1))([A, B])
    with pytest.raises(InvalidArgumentError, match="Dot .*batch axis 0"):
        M.Dot(axes=0)([A, B])
    with pytest.raises(InvalidArgumentError, match="Dot: axes"):
        M.Dot(axes=(1, 2, 3))
    with pytest.raises(InvalidArgumentError, match="Dot .*2 inputs, got 3"):
        M.Dot(axes=1)([A, B, C])
    x = L.Input((3, 4))
    with pytest.raises(ShapeError, match="Add"):
        M.Add()([x, L.Input((3, 5))])
