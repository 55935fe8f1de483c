import numpy as np
import pytest

import tensorweb as tw
from tensorweb.testing import check_gradients

R = np.random.default_rng(5)


def test_reshape_and_cast_still_work():
    assert tw.reshape(tw.tensor([1, 2, 3, 4]), [2, -1]).shape == (2, 2)
    assert tw.cast(tw.tensor([1.7, -1.7]), "int32").tolist() == [1, -1]


def test_pad():
    a = np.arange(6).reshape(2, 3)
    out = tw.pad(tw.tensor(a), [[1, 0], [2, 1]], 7)
    np.testing.assert_array_equal(out.numpy(), np.pad(a, [[1, 0], [2, 1]], constant_values=7))
    assert out.dtype == "int32"
    assert tw.pad(tw.tensor([1.5]), [[1, 1]]).tolist() == [0.0, 1.5, 0.0]
    assert tw.pad(tw.tensor([True]), [[0, 1]]).tolist() == [True, False]
    with pytest.raises(ValueError, match="pad: cannot pad a scalar"):
        tw.pad(tw.scalar(1.0), [])
    with pytest.raises(ValueError, match="pad: paddings must have 2 pairs, got 1"):
        tw.pad(tw.zeros([2, 2]), [[1, 1]])
    with pytest.raises(ValueError, match="pad: paddings must be non-negative"):
        tw.pad(tw.zeros([2]), [[-1, 1]])


def test_squeeze_and_expand_dims():
    t = tw.zeros([1, 3, 1, 2])
    assert tw.squeeze(t).shape == (3, 2)
    assert tw.squeeze(t, [2]).shape == (1, 3, 2)
    assert tw.squeeze(t, -4).shape == (3, 1, 2)
    with pytest.raises(ValueError, match="squeeze: cannot squeeze axis 1: its size is 3, not 1"):
        tw.squeeze(t, 1)
    v = tw.tensor([1, 2, 3])
    assert tw.expand_dims(v).shape == (1, 3)
    assert tw.expand_dims(v, 1).shape == (3, 1)
    assert tw.expand_dims(v, -1).shape == (3, 1)
    assert tw.expand_dims(v, -2).shape == (1, 3)
    assert tw.expand_dims(tw.scalar(2.0)).shape == (1,)
    assert v.expand_dims(1).tolist() == [[1], [2], [3]]
    with pytest.raises(ValueError, match="expand_dims: axis 2 is out of range for a tensor of rank 1"):
        tw.expand_dims(v, 2)


def _depth_to_space_ref(x, bs):
    b, h, w, c = x.shape
    out = np.zeros((b, h * bs, w * bs, c // (bs * bs)), x.dtype)
    for i in range(h * bs):
        for j in range(w * bs):
            offset = ((i % bs) * bs + (j % bs)) * (c // (bs * bs))
            out[:, i, j, :] = x[:, i // bs, j // bs, offset:offset + c // (bs * bs)]
    return out


def test_depth_to_space():
    x = np.arange(1 * 2 * 3 * 8, dtype=np.float32).reshape(1, 2, 3, 8)
    out = tw.depth_to_space(tw.tensor(x), 2)
    np.testing.assert_array_equal(out.numpy(), _depth_to_space_ref(x, 2))
    # TF's documented example
    assert tw.depth_to_space(tw.tensor([[[[1.0, 2.0, 3.0, 4.0]]]]), 2).tolist() == [[[[1.0], [2.0]], [[3.0], [4.0]]]]
    nchw = tw.depth_to_space(tw.tensor(x.transpose(0, 3, 1, 2)), 2, "NCHW")
    np.testing.assert_array_equal(nchw.numpy(), _depth_to_space_ref(x, 2).transpose(0, 3, 1, 2))
    back = tw.space_to_depth(out, 2)
    np.testing.assert_array_equal(back.numpy(), x)
    with pytest.raises(ValueError, match="depth_to_space: block_size must be > 1, got 1"):
        tw.depth_to_space(tw.tensor(x), 1)
    with pytest.raises(ValueError, match="depth_to_space: the depth 8 must be divisible by block_size\\*\\*2 = 9"):
        tw.depth_to_space(tw.tensor(x), 3)
    with pytest.raises(ValueError, match="depth_to_space: x must be of rank 4"):
        tw.depth_to_space(tw.zeros([2, 2, 4]), 2)


def _space_to_batch_ref(x, block, pads):
    xp = np.pad(x, [(0, 0)] + list(pads) + [(0, 0)] * (x.ndim - 1 - len(block)))
    outs = []
    # output batch index = (block offset, row-major over block dims) * batch + b
    for off in np.ndindex(*block):
        sl = (slice(None),) + tuple(slice(o, None, bs) for o, bs in zip(off, block))
        outs.append(xp[sl])
    return np.concatenate(outs, 0)


def test_space_to_batch_and_back():
    x = np.arange(2 * 4 * 6 * 1).reshape(2, 4, 6, 1).astype(np.float32)
    out = tw.space_to_batch_nd(tw.tensor(x), [2, 3], [[0, 0], [1, 2]])
    want = _space_to_batch_ref(x, [2, 3], [[0, 0], [1, 2]])
    assert out.shape == (12, 2, 3, 1)
    np.testing.assert_array_equal(out.numpy(), want)
    # TF's documented example: [1, 2, 2, 1] with block [2, 2] -> [4, 1, 1, 1]
    assert tw.space_to_batch_nd(tw.tensor([[[[1], [2]], [[3], [4]]]]), [2, 2], [[0, 0], [0, 0]]).tolist() == \
        [[[[1]]], [[[2]]], [[[3]]], [[[4]]]]
    back = tw.batch_to_space_nd(out, [2, 3], [[0, 0], [1, 2]])
    np.testing.assert_array_equal(back.numpy(), x)
    with pytest.raises(ValueError, match="space_to_batch_nd: spatial dimension 2 of size 6 plus paddings \\[0, 1\\] "
                                         "must be divisible by block_shape\\[1\\] = 3"):
        tw.space_to_batch_nd(tw.tensor(x), [2, 3], [[0, 0], [0, 1]])
    with pytest.raises(ValueError, match="batch_to_space_nd: the batch size 2 must be divisible"):
        tw.batch_to_space_nd(tw.tensor(x), [2, 2], [[0, 0], [0, 0]])
    with pytest.raises(ValueError, match="space_to_batch_nd: paddings must have 2 pairs, got 1"):
        tw.space_to_batch_nd(tw.tensor(x), [2, 3], [[0, 0]])


def test_broadcast_to_and_args():
    out = tw.broadcast_to(tw.tensor([1, 2, 3]), [2, 3])
    assert out.tolist() == [[1, 2, 3], [1, 2, 3]]
    assert tw.broadcast_to(tw.tensor([[1], [2]]), [2, 2, 3]).tolist() == [[[1] * 3, [2] * 3]] * 2
    assert tw.broadcast_to(tw.tensor([1.0]), [1]).tolist() == [1.0]
    with pytest.raises(ValueError, match=r"broadcast_to: a tensor of shape \[2\] cannot be broadcast to \[3\]"):
        tw.broadcast_to(tw.tensor([1, 2]), [3])
    with pytest.raises(ValueError, match=r"broadcast_to: shape \[2\] has fewer axes than x \(rank 2\)"):
        tw.broadcast_to(tw.zeros([2, 2]), [2])
    s = tw.broadcast_args(tw.tensor([2, 1, 3]), tw.tensor([4, 1]))
    assert s.dtype == "int32" and s.tolist() == [2, 4, 3]
    with pytest.raises(ValueError, match=r"broadcast_args: shapes \[2\] and \[3\] are not broadcast-compatible"):
        tw.broadcast_args(tw.tensor([2]), tw.tensor([3]))
    with pytest.raises(ValueError, match="broadcast_args: s0 must be a vector"):
        tw.broadcast_args(tw.tensor([[2]]), tw.tensor([3]))


def test_gradients():
    x = R.uniform(-1, 1, (2, 3))
    check_gradients(lambda t: tw.pad(t, [[1, 0], [2, 1]], 3.0), [x])
    check_gradients(lambda t: tw.squeeze(tw.expand_dims(t, 1), [1]) * tw.expand_dims(t, -1)[:, :, 0], [x])
    check_gradients(lambda t: tw.broadcast_to(t, [4, 2, 3]), [x])
    check_gradients(lambda t: tw.broadcast_to(t, [2, 3]), [x[:1]])
    y = R.uniform(-1, 1, (1, 2, 2, 8))
    check_gradients(lambda t: tw.depth_to_space(t, 2), [y])
    check_gradients(lambda t: tw.space_to_depth(t, 2), [y.reshape(1, 4, 4, 2)])
    z = R.uniform(-1, 1, (2, 2, 3, 1))
    check_gradients(lambda t: tw.space_to_batch_nd(t, [2, 2], [[1, 1], [0, 1]]), [z])
    check_gradients(lambda t: tw.batch_to_space_nd(t, [2, 1], [[1, 0], [0, 1]]), [z])


def test_ensure_shape():
    x = tw.tensor(np.zeros((2, 3), np.float32))
    assert tw.ensure_shape(x, [2, 3]) is x
    assert tw.ensure_shape(x, [None, 3]) is x
    with pytest.raises(tw.errors.ShapeError, match=r"ensure_shape: the tensor's shape \[2, 3\]"):
        tw.ensure_shape(x, [3, None])
    with pytest.raises(tw.errors.ShapeError, match="ensure_shape"):
        tw.ensure_shape(x, [2, 3, 1])


def test_setdiff1d():
    out, idx = tw.setdiff1d(tw.tensor([4, 1, 3, 4, 7]), tw.tensor([4, 9]))
    assert out.dtype == "int32" and out.tolist() == [1, 3, 7] and idx.tolist() == [1, 2, 4]
    out, idx = tw.setdiff1d(tw.tensor([np.nan, 0.0, 2.5]), tw.tensor([-0.0, np.nan]))
    assert out.tolist() == [2.5] and idx.tolist() == [2]  # NaN matches NaN, 0 matches -0 (JavaScript's Set)
    out, idx = tw.setdiff1d(tw.tensor(["a", "b"]), tw.tensor([b"a"]))
    assert out.tolist() == ["b"] and idx.tolist() == [1]
    out, idx = tw.setdiff1d(tw.tensor([1.0]), tw.tensor([1.0]))
    assert out.shape == (0,) and idx.shape == (0,)
    with pytest.raises(tw.errors.DtypeError, match="setdiff1d: x and y must have the same dtype"):
        tw.setdiff1d(tw.tensor([1]), tw.tensor([1.0]))
    with pytest.raises(tw.errors.ShapeError, match="setdiff1d: y must be a 1-D tensor"):
        tw.setdiff1d(tw.tensor([1]), tw.tensor([[1]]))
