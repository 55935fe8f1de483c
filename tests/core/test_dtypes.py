import numpy as np
import pytest

import tensorweb as tw
from tensorweb.core import dtypes
from tensorweb.errors import DtypeError


@pytest.mark.parametrize("a,b,want", [
    ("bool", "int32", "int32"), ("int32", "float32", "float32"), ("bool", "float32", "float32"),
    ("float32", "complex64", "complex64"), ("int32", "int32", "int32"), ("string", "string", "string"),
])
def test_upcast_follows_tfjs(a, b, want):
    assert dtypes.upcast(a, b) == want == dtypes.upcast(b, a)


def test_string_mixing_is_refused():
    with pytest.raises(DtypeError, match="strings only combine with strings"):
        dtypes.upcast("string", "float32")


def test_precision_flag_switches_float_storage_and_back():
    with tw.testing.high_precision():
        t = tw.tensor([1.0, 2.0])
        assert t.dtype == "float32" and t._value.dtype == np.float64
        assert (t * 3).numpy().dtype == np.float64
    t = tw.tensor([1.0])
    assert t._value.dtype == np.float32


def test_kernel_returning_float64_is_caught():
    from tensorweb.ops._base import run
    tw.register_kernel("Leaky64", "numpy", lambda x: x.astype(np.float64))
    try:
        with pytest.raises(TypeError, match="kernel 'Leaky64'.*float64"):
            run("Leaky64", (tw.tensor([1.0]),))
    finally:
        tw.unregister_kernel("Leaky64", "numpy")


def test_string_tensors():
    s = tw.tensor(["ab", "c"])
    assert s.dtype == "string" and s.tolist() == ["ab", "c"] and s.shape == (2,)
    assert tw.memory().num_bytes >= 3
