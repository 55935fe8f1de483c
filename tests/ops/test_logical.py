import pytest

import tensorweb as tw


def test_bitwise_and_of_int32_tensors():
    out = tw.bitwise_and(tw.tensor([12, -1, 7, 0, -8]), tw.tensor([10, 5, -3, 9, 6]))
    assert out.dtype == "int32"
    assert out.tolist() == [8, 5, 5, 0, 0]


def test_bitwise_and_refuses_other_dtypes_and_shapes():
    with pytest.raises(tw.errors.DtypeError, match="bitwise_and"):
        tw.bitwise_and(tw.tensor([1.0]), tw.tensor([1.0]))
    with pytest.raises(tw.errors.DtypeError, match="bitwise_and"):
        tw.bitwise_and(tw.tensor([True]), tw.tensor([True]))
    with pytest.raises(tw.errors.ShapeError, match="bitwise_and"):
        tw.bitwise_and(tw.tensor([[1, 2]]), tw.tensor([1, 2]))
