import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import DtypeError, InvalidArgumentError, ShapeError
from tensorweb.testing import check_gradients


# ---- top_k ----------------------------------------------------------------------------------------

def test_top_k_values_indices_and_ties():
    values, indices = tw.top_k(tw.tensor([[1, 3, 3, 2], [5, -1, 5, 5]]), 3)
    assert values.dtype == "int32" and indices.dtype == "int32"
    assert values.tolist() == [[3, 3, 2], [5, 5, 5]]
    assert indices.tolist() == [[1, 2, 3], [0, 2, 3]]  # equal values: lower index first
    r = tw.top_k(tw.tensor([0.5, 2.0, -1.0]))
    assert r.values.tolist() == [2.0] and r.indices.tolist() == [1]
    assert tw.topk(tw.tensor([1.0, 2.0]), 2).indices.tolist() == [1, 0]


def test_top_k_matches_numpy_and_k_zero():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 7)).astype(np.float32)
    v, i = tw.top_k(x, 4)
    ref_i = np.argsort(-x, axis=-1)[..., :4]
    np.testing.assert_array_equal(i.numpy(), ref_i)
    np.testing.assert_array_equal(v.numpy(), np.take_along_axis(x, ref_i, -1))
    v0, i0 = tw.top_k(x, 0)
    assert v0.shape == (2, 3, 0) and i0.shape == (2, 3, 0)
    big = tw.top_k(tw.tensor([np.iinfo(np.int32).min, np.iinfo(np.int32).max, 0]), 3)
    assert big.indices.tolist() == [1, 2, 0]


def test_top_k_errors():
    with pytest.raises(ShapeError, match="top_k: x must be of rank 1 or higher"):
        tw.top_k(tw.scalar(1.0))
    with pytest.raises(InvalidArgumentError, match=r"top_k: k must be <= the last dimension \(3\), got 4"):
        tw.top_k(tw.tensor([1.0, 2.0, 3.0]), 4)
    with pytest.raises(InvalidArgumentError, match="top_k: k must be >= 0, got -1"):
        tw.top_k(tw.tensor([1.0, 2.0, 3.0]), -1)


def test_top_k_gradient():
    x = np.array([[0.3, -1.0, 2.0, 0.9], [1.5, 0.1, -0.4, 0.2]])
    check_gradients(lambda t: tw.top_k(t, 2).values, [x])
    g = tw.grad(lambda t: tw.top_k(t, 2).values * tw.tensor([10.0, 1.0]))(tw.tensor([[3.0, 1.0, 2.0]]))
    assert g.tolist() == [[10.0, 0.0, 1.0]]


# ---- in_top_k -------------------------------------------------------------------------------------

def test_in_top_k():
    p = tw.tensor([[20.0, 10.0, 40.0, 30.0], [30.0, 50.0, -20.0, 10.0]])
    t = tw.tensor([2, 0])
    out = tw.in_top_k(p, t, 2)
    assert out.dtype == "bool" and out.tolist() == [True, True]
    assert tw.in_top_k(p, t, 1).tolist() == [True, False]
    # ties: the lower index wins the last place
    assert tw.in_top_k(tw.tensor([[1.0, 5.0, 5.0]]), tw.tensor([2]), 1).tolist() == [False]
    assert tw.in_top_k(tw.tensor([[1.0, 5.0, 5.0]]), tw.tensor([1]), 1).tolist() == [True]


def test_in_top_k_errors():
    p = tw.tensor([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ShapeError, match="in_top_k: predictions must be of rank 2 or higher"):
        tw.in_top_k(tw.tensor([1.0, 2.0]), tw.scalar(0), 1)
    with pytest.raises(ShapeError, match="in_top_k: targets must have rank 1"):
        tw.in_top_k(p, tw.tensor([[0, 1]]), 1)
    with pytest.raises(ShapeError, match="in_top_k: targets shape"):
        tw.in_top_k(p, tw.tensor([0, 1, 1]), 1)
    with pytest.raises(InvalidArgumentError, match="in_top_k: k must be > 0"):
        tw.in_top_k(p, tw.tensor([0, 1]), 3)


# ---- unique ---------------------------------------------------------------------------------------

def test_unique_1d_first_occurrence_order():
    values, indices = tw.unique(tw.tensor([1, 1, 2, 4, 4, 4, 7, 8, 8]))
    assert values.tolist() == [1, 2, 4, 7, 8] and indices.tolist() == [0, 0, 1, 2, 2, 2, 3, 4, 4]
    r = tw.unique(tw.tensor([5.0, 3.0, 5.0, 1.0]))
    assert r.values.tolist() == [5.0, 3.0, 1.0] and r.indices.tolist() == [0, 1, 0, 2]
    assert r.values.dtype == "float32" and r.indices.dtype == "int32"


def test_unique_nan_and_signed_zero_compare_like_strings():
    r = tw.unique(tw.tensor([np.nan, 0.0, -0.0, np.nan, 1.0]))
    v = r.values.numpy()
    assert np.isnan(v[0]) and v[1:].tolist() == [0.0, 1.0]
    assert r.indices.tolist() == [0, 1, 1, 0, 2]


def test_unique_axis():
    x = tw.tensor([[1, 0, 0], [1, 0, 0], [2, 0, 0]])
    r = tw.unique(x, 0)
    assert r.values.tolist() == [[1, 0, 0], [2, 0, 0]] and r.indices.tolist() == [0, 0, 1]
    r = tw.unique(x, 1)
    assert r.values.tolist() == [[1, 0], [1, 0], [2, 0]] and r.indices.tolist() == [0, 1, 1]
    r = tw.unique(tw.tensor([[[1, 0], [1, 0]], [[1, 1], [1, 1]]]), -1)  # shape [2, 2, 2]
    assert r.values.shape == (2, 2, 2) and r.indices.tolist() == [0, 1]


def test_unique_strings_and_bools():
    r = tw.unique(tw.tensor(["b", "a", "b", "c"]))
    assert r.values.dtype == "string" and r.values.tolist() == ["b", "a", "c"]
    assert r.indices.tolist() == [0, 1, 0, 2]
    r = tw.unique(tw.tensor([["x", "y"], ["x", "y"], ["y", "x"]]))
    assert r.values.tolist() == [["x", "y"], ["y", "x"]] and r.indices.tolist() == [0, 0, 1]
    r = tw.unique(tw.tensor([False, True, False]))
    assert r.values.tolist() == [False, True] and r.indices.tolist() == [0, 1, 0]


def test_unique_errors():
    with pytest.raises(ShapeError, match="unique: x must be of rank 1 or higher"):
        tw.unique(tw.scalar(1))
    with pytest.raises(InvalidArgumentError, match="unique: axis 1 is out of range"):
        tw.unique(tw.tensor([1, 2]), 1)


# ---- confusion_matrix -----------------------------------------------------------------------------

def test_confusion_matrix():
    out = tw.confusion_matrix(tw.tensor([0, 1, 2, 1, 0]), tw.tensor([0, 2, 2, 1, 0]), 3)
    assert out.dtype == "int32" and out.tolist() == [[2, 0, 0], [0, 1, 1], [0, 0, 1]]
    # float inputs are cast to int32; values outside [0, num_classes) are not counted
    out = tw.confusion_matrix(tw.tensor([0.0, 1.0, 3.0, -1.0]), tw.tensor([1.0, 1.0, 0.0, 0.0]), 2)
    assert out.tolist() == [[0, 1], [0, 1]]


def test_confusion_matrix_matches_numpy():
    rng = np.random.default_rng(2)
    lab = rng.integers(0, 4, 30).astype(np.int32)
    pred = rng.integers(0, 4, 30).astype(np.int32)
    ref = np.zeros((4, 4), np.int64)
    np.add.at(ref, (lab, pred), 1)
    np.testing.assert_array_equal(tw.confusion_matrix(lab, pred, 4).numpy(), ref)


def test_confusion_matrix_errors():
    with pytest.raises(InvalidArgumentError, match="confusion_matrix: num_classes must be a positive integer"):
        tw.confusion_matrix(tw.tensor([0]), tw.tensor([0]), 0)
    with pytest.raises(ShapeError, match="confusion_matrix: labels must be of rank 1, got rank 2"):
        tw.confusion_matrix(tw.tensor([[0]]), tw.tensor([0]), 2)
    with pytest.raises(ShapeError, match="confusion_matrix: labels and predictions must have the same number"):
        tw.confusion_matrix(tw.tensor([0, 1]), tw.tensor([0]), 2)


# ---- search_sorted / lower_bound / upper_bound ----------------------------------------------------

def test_search_sorted_left_right():
    seq = tw.tensor([0.0, 3.0, 9.0, 10.0, 10.0])
    vals = tw.tensor([0.0, 4.0, 10.0])
    out = tw.search_sorted(seq, vals)
    # as in TF.js the result is 2-D [rows, m]: a 1-D values gives one row
    assert out.dtype == "int32" and out.shape == (1, 3) and out.tolist() == [[0, 2, 3]]
    assert tw.search_sorted(seq, vals, "right").tolist() == [[1, 2, 5]]
    assert tw.lower_bound(seq, vals).tolist() == [[0, 2, 3]]
    assert tw.upper_bound(seq, vals).tolist() == [[1, 2, 5]]
    assert tw.lower_bound(tw.tensor([1, 2, 3]), tw.tensor([[0, 5]])).tolist() == [[0, 3]]


def test_search_sorted_batched_matches_numpy():
    rng = np.random.default_rng(4)
    seq = np.sort(rng.integers(0, 10, (2, 3, 6)), axis=-1).astype(np.float32)
    vals = rng.integers(-1, 11, (2, 3, 4)).astype(np.float32)
    for side in ("left", "right"):
        out = tw.search_sorted(seq, vals, side).numpy()
        ref = np.stack([np.searchsorted(s, v, side) for s, v in zip(seq.reshape(6, 6), vals.reshape(6, 4))])
        np.testing.assert_array_equal(out, ref)  # [6, 4]: leading dimensions flattened


def test_search_sorted_nan_value_gives_zero():
    out = tw.search_sorted(tw.tensor([1.0, 2.0]), tw.tensor([np.nan, 3.0]), "right")
    assert out.tolist() == [[0, 2]]


def test_search_sorted_errors():
    with pytest.raises(ShapeError, match="search_sorted: the leading dimensions"):
        tw.search_sorted(tw.tensor([[1.0, 2.0], [3.0, 4.0]]), tw.tensor([1.0]))
    with pytest.raises(InvalidArgumentError, match="search_sorted: side must be 'left' or 'right'"):
        tw.search_sorted(tw.tensor([1.0]), tw.tensor([1.0]), "middle")
    with pytest.raises(ShapeError, match="search_sorted: values must be of rank 1 or higher"):
        tw.search_sorted(tw.tensor([1.0]), tw.scalar(1.0))
    with pytest.raises(DtypeError, match="search_sorted"):
        tw.search_sorted(tw.tensor(["a"]), tw.tensor([1.0]))


def test_unique_axis_with_nan_and_signed_zero_rows():
    r = tw.unique(tw.tensor([[np.nan, -0.0], [np.nan, 0.0], [1.0, 2.0]]))
    assert r.indices.tolist() == [0, 0, 1]
    v = r.values.numpy()
    assert v.shape == (2, 2) and np.isnan(v[0, 0]) and v[1].tolist() == [1.0, 2.0]


def test_unique_matches_numpy_random():
    rng = np.random.default_rng(5)
    x = rng.integers(0, 6, 40).astype(np.int32)
    r = tw.unique(x)
    _, first = np.unique(x, return_index=True)
    expected = x[np.sort(first)]
    np.testing.assert_array_equal(r.values.numpy(), expected)
    np.testing.assert_array_equal(expected[r.indices.numpy()], x)
