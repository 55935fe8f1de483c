import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import DtypeError, InvalidArgumentError, ShapeError


def test_facts_and_reading():
    t = tw.tensor([[1, 2, 3], [4, 5, 6]])
    assert t.shape == (2, 3) and t.rank == 2 and t.size == 6 and t.dtype == "int32"
    assert t.tolist() == [[1, 2, 3], [4, 5, 6]]
    assert t.numpy().dtype == np.int32
    assert tw.scalar(2.5).item() == 2.5
    with pytest.raises(ShapeError, match="item"):
        t.item()
    assert np.asarray(t).sum() == 21
    assert float(tw.scalar(1.5)) == 1.5 and int(tw.scalar(3)) == 3


def test_repr_is_readable():
    text = repr(tw.tensor([[1.5, 2.0]]))
    assert "shape=[1, 2]" in text and "float32" in text and "1.5" in text
    big = repr(tw.zeros([100, 100]))
    assert "..." in big and len(big) < 2000


def test_dtype_inference_and_defaults():
    assert tw.tensor(1).dtype == "int32"
    assert tw.tensor(1.0).dtype == "float32"
    assert tw.tensor(True).dtype == "bool"
    assert tw.tensor("a").dtype == "string"
    assert tw.tensor(np.arange(3, dtype=np.float64)).dtype == "float32"
    assert tw.tensor(np.arange(3, dtype=np.int64)).dtype == "int32"
    assert tw.tensor(np.arange(3, dtype=np.uint8)).dtype == "int32"
    assert tw.tensor([1, 2.5]).dtype == "float32"
    assert tw.tensor(1 + 2j).dtype == "complex64"
    assert tw.tensor([1.7, -1.7], dtype="int32").tolist() == [1, -1]
    assert tw.tensor([1, 2], dtype="float16").dtype == "float16"
    with pytest.raises(InvalidArgumentError, match="do not fit in int32"):
        tw.tensor(np.array([2 ** 40]))
    with pytest.raises(DtypeError, match="unknown dtype 'float64'"):
        tw.tensor([1.0], dtype="float64")
    with pytest.raises(InvalidArgumentError, match="rectangular"):
        tw.tensor([[1, 2], [3]])


def test_tensor_shape_argument_and_ranks():
    assert tw.tensor([1, 2, 3, 4], [2, 2]).shape == (2, 2)
    with pytest.raises(ShapeError, match=r"should have 6 values but has 4"):
        tw.tensor([1, 2, 3, 4], [2, 3])
    assert tw.tensor2d([[1.0]]).rank == 2
    with pytest.raises(ShapeError, match="tensor3d"):
        tw.tensor3d([1.0])


def test_operators_and_upcasting_rules():
    a = tw.tensor([1.0, 2.0])
    assert (a + 1).tolist() == [2.0, 3.0] and (1 - a).tolist() == [0.0, -1.0]
    assert (2 * a).tolist() == [2.0, 4.0] and (a / 2).tolist() == [0.5, 1.0]
    assert (3 / a).tolist() == [3.0, 1.5]
    assert (a ** 2).tolist() == [1.0, 4.0] and (2 ** a).tolist() == [2.0, 4.0]
    assert (tw.tensor([7, -7]) // 2).tolist() == [3, -4] and (tw.tensor([7, -7]) % 3).tolist() == [1, 2]
    assert (-a).tolist() == [-1.0, -2.0]
    assert (a > 1).tolist() == [False, True] and (a == 2).tolist() == [False, True]
    assert (a != 2).tolist() == [True, False] and (a <= 1).tolist() == [True, False]
    t, f = tw.tensor([True, False]), tw.tensor([True, True])
    assert (t & f).tolist() == [True, False] and (t | f).tolist() == [True, True]
    assert (t ^ f).tolist() == [False, True] and (~t).tolist() == [False, True]
    assert (tw.tensor([True]) + tw.tensor([2])).dtype == "int32"
    with pytest.raises(TypeError, match="strings only combine with strings"):
        tw.tensor(["a"]) + tw.tensor([1])
    with pytest.raises(ValueError, match="ambiguous"):
        bool(a > 0)


def test_variable_assign_names_and_dtype():
    v = tw.variable(tw.tensor([1, 2]), name="counter_t")
    assert v.dtype == "int32" and v.trainable and v.name == "counter_t"
    v.assign(tw.tensor([5, 6]))
    assert v.tolist() == [5, 6]
    with pytest.raises(ValueError, match="shape"):
        v.assign(tw.tensor([1, 2, 3]))
    with pytest.raises(TypeError, match="dtype float32 does not match"):
        v.assign(tw.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="already exists"):
        tw.variable(tw.tensor([0]), name="counter_t")
    auto1, auto2 = tw.variable(tw.tensor(1.0)), tw.variable(tw.tensor(1.0))
    assert auto1.name != auto2.name
    v.dispose()
    tw.variable(tw.tensor([0]), name="counter_t").dispose()  # the name is free again
