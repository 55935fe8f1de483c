import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import DtypeError, InvalidArgumentError
from tensorweb.testing import check_gradients

A = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)


def _check(key, base=A):
    t = tw.tensor(base)
    out = t[key]
    want = base[key]
    assert out.shape == want.shape, key
    np.testing.assert_array_equal(out.numpy(), want, err_msg=repr(key))


@pytest.mark.parametrize("key", [
    0, -1, 1, (1, 2), (1, 2, 3, 4), (-1, -3, 0, -5),
    slice(None), slice(1, None), slice(None, None, -1), slice(None, None, 2),
    (slice(None), slice(None, None, -2)), (slice(None), slice(5, 0, -1)), (slice(None), slice(-10, 10)),
    (slice(None), slice(2, 1)), (slice(None), slice(-1, -10, -1)), (slice(None), slice(0, 0, -1)),
    Ellipsis, (Ellipsis, 0), (0, Ellipsis, 1), (Ellipsis, slice(None, None, -1)), (1, Ellipsis),
    None, (None, 0), (0, None, slice(None), None), (Ellipsis, None), (None, Ellipsis, None, 2),
    (slice(1, 3), None, Ellipsis, slice(3, 0, -2)), (), (1, slice(None), -2, slice(4, None, -3)),
])
def test_basic_indexing_matches_numpy(key):
    _check(key)


def test_random_basic_keys_match_numpy():
    rng = np.random.default_rng(0)
    choices = [None, Ellipsis]
    for _ in range(300):
        n = rng.integers(0, 5)
        key, used, ell = [], 0, False
        for _ in range(n):
            r = rng.integers(0, 4)
            if r == 0 and used < 4:
                key.append(int(rng.integers(-2, 2)))
                used += 1
            elif r == 1 and used < 4:
                start = rng.choice([None, int(rng.integers(-6, 6))])
                stop = rng.choice([None, int(rng.integers(-6, 6))])
                step = rng.choice([None, 1, 2, -1, -2, 3, -3])
                key.append(slice(start, stop, step))
                used += 1
            elif r == 2 and not ell:
                key.append(Ellipsis)
                ell = True
            else:
                key.append(choices[0])
        _check(tuple(key))


def test_scalar_and_rank0_indexing():
    t = tw.tensor(5.0)
    assert t[()].shape == () and t[()].item() == 5.0
    assert t[None].shape == (1,)
    assert t[...].item() == 5.0
    v = tw.tensor([1, 2, 3])
    assert v[tw.scalar(1, "int32")].item() == 2
    assert v[np.int64(-1)].item() == 3
    assert [int(e) for e in v] == [1, 2, 3]


def test_integer_array_indexing_gathers():
    _check([1, 0, 1])
    _check((slice(None), [2, 0]))
    _check((Ellipsis, [4, -1, 0]))
    _check((slice(None), np.array([-1, 0])))
    _check((0, [1, 2], [0, 3]))           # adjacent arrays broadcast together
    _check((slice(None), [[0], [2]], [1, 3]))
    _check((1, slice(None), [[0, 3], [1, 1]]))  # int + array apart: index dims go first (NumPy)
    _check(([0, 1], slice(None), [1, 3]))
    _check(([1], slice(None), 2, slice(1, None)))
    _check((slice(None), 1, [0, 2]))
    t = tw.tensor(A)
    idx = tw.tensor([2, 0], dtype="int32")
    np.testing.assert_array_equal(t[:, idx].numpy(), A[:, [2, 0]])


def test_boolean_mask_indexing():
    t = tw.tensor(A)
    np.testing.assert_array_equal(t[t > 100].numpy(), A[A > 100])
    m = np.array([True, False, True])
    np.testing.assert_array_equal(t[0][m].numpy(), A[0][m])
    np.testing.assert_array_equal(t[[True, False]].numpy(), A[[True, False]])
    assert t[t > 1000].shape == (0,)


def test_indexing_errors_name_getitem():
    t = tw.tensor(np.zeros((2, 3)))
    with pytest.raises(InvalidArgumentError, match="getitem: index 5 is out of bounds for axis 1 with size 3"):
        t[0, 5]
    with pytest.raises(ValueError, match="getitem: too many indices for a tensor of rank 2"):
        t[0, 1, 2]
    with pytest.raises(ValueError, match="getitem: slice step cannot be zero"):
        t[::0]
    with pytest.raises(ValueError, match="getitem: an index can only have a single ellipsis"):
        t[..., ...]
    with pytest.raises(ValueError, match="getitem: index -3 is out of bounds for axis 0"):
        t[[0, -3]]
    with pytest.raises(DtypeError, match="getitem: a tensor index must be int32 or bool, got float32"):
        t[tw.tensor([0.0])]
    with pytest.raises(ValueError, match="getitem: unsupported index 'a'"):
        t["a"]
    with pytest.raises(ValueError, match=r"getitem: boolean mask of shape \[3\] does not match"):
        t[np.array([True, False, True])]
    with pytest.raises(ValueError, match=r"getitem: index arrays of shapes \[\[2\], \[3\]\] cannot be broadcast"):
        tw.tensor(A)[[0, 1], [0, 1, 2]]


def test_getitem_gradients():
    x = np.arange(24.0).reshape(2, 3, 4) / 7.0
    check_gradients(lambda t: t[1, ::-2, None, 1:3], [x])
    check_gradients(lambda t: t[..., [0, 2, 2]], [x])
    check_gradients(lambda t: t[:, [[1], [0]], [3, 3]], [x])
    check_gradients(lambda t: t[t > 1.1], [x])
    check_gradients(lambda t: t[[1, 0, 1], :, [0, 3, 3]], [x])
    check_gradients(lambda t: t[::-1, 1:, -1] * t[0, 0, 0], [x])
