import numpy as np
import pytest

import tensorweb as tw
from tensorweb.testing import check_gradients

X = np.arange(24).reshape(2, 3, 4)


def test_slice_begin_size_and_minus_one():
    t = tw.tensor(X)
    np.testing.assert_array_equal(tw.slice(t, [1, 0, 1], [1, 2, -1]).numpy(), X[1:2, 0:2, 1:])
    np.testing.assert_array_equal(tw.slice(t, 1).numpy(), X[1:])              # int begin, size to the end
    np.testing.assert_array_equal(tw.slice(t, [0, 1], [2]).numpy(), X[0:2, 1:])  # short begin/size padded
    assert tw.slice(t, [0, 3, 0], [-1, 0, -1]).shape == (2, 0, 4)
    assert t.slice([1, 1, 1], [1, 1, 1]).tolist() == [[[17]]]


def test_slice_errors():
    t = tw.tensor(X)
    with pytest.raises(ValueError, match=r"slice: begin\[1\] \+ size\[1\] \(4\) would overflow"):
        tw.slice(t, [0, 1, 0], [1, 3, 1])
    with pytest.raises(ValueError, match="slice: cannot slice a scalar"):
        tw.slice(tw.scalar(1.0), [0])
    with pytest.raises(ValueError, match=r"slice: size\[0\] must be -1 or non-negative, got -2"):
        tw.slice(t, [0], [-2])


def test_strided_slice_masks_match_tf():
    t = tw.tensor(X)
    # begin/end masks and negative strides
    np.testing.assert_array_equal(tw.strided_slice(t, [0, 2, 0], [0, 0, 4], [1, -1, 2], begin_mask=1,
                                                   end_mask=1).numpy(), X[:, 2:0:-1, 0:4:2])
    # end_mask with negative stride runs through index 0
    np.testing.assert_array_equal(tw.strided_slice(t, [1, 2], [0, 0], [-1, -1], end_mask=3).numpy(),
                                  X[1::-1, 2::-1])
    # shrink axis 0 and 2, new axis in the middle
    out = tw.strided_slice(t, [1, 0, 0, -1], [2, 0, 3, 0], [1, 1, 1, 1], new_axis_mask=2, shrink_axis_mask=9)
    np.testing.assert_array_equal(out.numpy(), X[1, None, 0:3, -1])
    # ellipsis: [..., 1]
    np.testing.assert_array_equal(tw.strided_slice(t, [0, 1], [0, 2], [1, 1], ellipsis_mask=1,
                                                   shrink_axis_mask=2).numpy(), X[..., 1])
    # new axis after the ellipsis
    np.testing.assert_array_equal(tw.strided_slice(t, [0, 0], [0, 0], [1, 1], ellipsis_mask=1,
                                                   new_axis_mask=2).numpy(), X[..., None])
    # fewer entries than axes: the rest is taken whole; out-of-range begin/end clamp
    np.testing.assert_array_equal(tw.strided_slice(t, [-5], [10]).numpy(), X)
    assert tw.strided_slice(t, [2], [0], [1]).shape == (0, 3, 4)
    assert tw.strided_slice(t, [0, -10], [2, 3], [1, -1]).shape == (2, 0, 4)


def test_strided_slice_errors():
    t = tw.tensor(X)
    with pytest.raises(ValueError, match=r"strided_slice: strides\[1\] must be non-zero"):
        tw.strided_slice(t, [0, 0], [1, 1], [1, 0])
    with pytest.raises(ValueError, match="strided_slice: at most one ellipsis"):
        tw.strided_slice(t, [0, 0], [1, 1], [1, 1], ellipsis_mask=3)
    with pytest.raises(ValueError, match="strided_slice: slice index 5 of dimension 1 is out of bounds"):
        tw.strided_slice(t, [0, 5], [1, 6], [1, 1], shrink_axis_mask=2)
    with pytest.raises(ValueError, match="strided_slice: begin, end and strides must have the same length"):
        tw.strided_slice(t, [0, 0], [1], [1, 1])
    with pytest.raises(ValueError, match="strided_slice: index out of range using input dim 3"):
        tw.strided_slice(t, [0, 0, 0, 0], [1, 1, 1, 1])


def test_gather_axis_and_batch_dims():
    t = tw.tensor(X)
    np.testing.assert_array_equal(tw.gather(t, [2, 0, 2], 1).numpy(), X[:, [2, 0, 2]])
    np.testing.assert_array_equal(tw.gather(t, [[1, 0], [3, 3]], -1).numpy(), np.take(X, [[1, 0], [3, 3]], -1))
    idx = np.array([[0, 2], [1, 1]])
    want = np.stack([np.take(X[b], idx[b], axis=0) for b in range(2)])
    np.testing.assert_array_equal(tw.gather(t, idx, axis=1, batch_dims=1).numpy(), want)
    want2 = np.stack([np.take(X[b], idx[b], axis=1) for b in range(2)])
    np.testing.assert_array_equal(tw.gather(t, idx, axis=2, batch_dims=-1).numpy(), want2)
    assert tw.gather(t, np.zeros((0,), np.int32), 1).shape == (2, 0, 4)
    assert tw.gather(tw.tensor(["a", "b"]), [1, 1]).tolist() == ["b", "b"]


def test_gather_errors():
    t = tw.tensor(X)
    with pytest.raises(ValueError, match=r"gather: the index value 3 is not in \[0, 2\]"):
        tw.gather(t, [0, 3], 1)
    with pytest.raises(ValueError, match=r"gather: the index value -1 is not in \[0, 1\]"):
        tw.gather(t, [-1])
    with pytest.raises(TypeError, match="gather: argument 'indices' must be a int32 tensor, got a float32"):
        tw.gather(t, tw.tensor([0.0]))
    with pytest.raises(ValueError, match=r"gather: batch_dims \(1\) must be less than or equal to axis \(0\)"):
        tw.gather(t, [[0], [1]], 0, batch_dims=1)
    with pytest.raises(ValueError, match=r"gather: x.shape\[0\] \(2\) must equal indices.shape\[0\] \(3\)"):
        tw.gather(t, [[0], [1], [0]], 1, batch_dims=1)


def test_gather_nd_scatter_nd_tensor_scatter_update():
    t = tw.tensor(X)
    np.testing.assert_array_equal(tw.gather_nd(t, [[1, 2], [0, 0]]).numpy(), np.stack([X[1, 2], X[0, 0]]))
    np.testing.assert_array_equal(tw.gather_nd(t, [[[1, 2, 3]]]).numpy(), [[X[1, 2, 3]]])
    out = tw.scatter_nd([[1], [3], [1]], tw.tensor([1.0, 2.0, 3.0]), [5])
    assert out.tolist() == [0.0, 4.0, 0.0, 2.0, 0.0]  # duplicates add up
    out = tw.scatter_nd([[0, 1]], tw.tensor([[7, 8]]), [2, 2, 2])
    np.testing.assert_array_equal(out.numpy(), [[[0, 0], [7, 8]], [[0, 0], [0, 0]]])
    assert out.dtype == "int32"
    up = tw.tensor_scatter_update(tw.tensor([[1, 2], [3, 4]]), [[1, 0], [0, 1]], tw.tensor([9, 8]))
    assert up.tolist() == [[1, 8], [9, 4]]
    up = tw.tensor_scatter_update(tw.tensor([[1.0, 2.0], [3.0, 4.0]]), [[0]], tw.tensor([[5.0, 6.0]]))
    assert up.tolist() == [[5.0, 6.0], [3.0, 4.0]]


def test_nd_errors():
    t = tw.tensor(X)
    with pytest.raises(ValueError, match=r"gather_nd: index \[2, 0\] does not index into shape \[2, 3, 4\]"):
        tw.gather_nd(t, [[2, 0]])
    with pytest.raises(ValueError, match=r"gather_nd: indices.shape\[-1\] \(4\) must be at most the rank"):
        tw.gather_nd(t, [[0, 0, 0, 0]])
    with pytest.raises(ValueError, match=r"scatter_nd: updates must have shape .* = \[2\], got \[3\]"):
        tw.scatter_nd([[0], [1]], [1.0, 2.0, 3.0], [4])
    with pytest.raises(ValueError, match=r"scatter_nd: index \[4\] does not index into shape \[4\]"):
        tw.scatter_nd([[4]], [1.0], [4])
    with pytest.raises(TypeError, match="tensor_scatter_update: updates must have the tensor's dtype"):
        tw.tensor_scatter_update(tw.tensor([1.0, 2.0]), [[0]], tw.tensor([1]))


def test_concat_stack_unstack_split():
    a, b = np.arange(6).reshape(2, 3), np.arange(6, 10).reshape(2, 2)
    out = tw.concat([tw.tensor(a), tw.tensor(b)], 1)
    np.testing.assert_array_equal(out.numpy(), np.concatenate([a, b], 1))
    up = tw.concat([tw.tensor([1, 2]), tw.tensor([0.5])])
    assert up.dtype == "float32" and up.tolist() == [1.0, 2.0, 0.5]
    assert tw.concat([tw.tensor([[1]]), np.zeros((0, 1), np.int32)], -2).tolist() == [[1]]
    one = tw.tensor([1, 2])
    assert tw.concat([one]).tolist() == [1, 2]
    s = tw.stack([tw.tensor(a), tw.tensor(a + 1)], axis=-1)
    np.testing.assert_array_equal(s.numpy(), np.stack([a, a + 1], -1))
    parts = tw.unstack(tw.tensor(a), 1)
    assert len(parts) == 3 and parts[2].tolist() == [2, 5]
    parts = tw.split(tw.tensor(X), 2, axis=2)
    assert [p.shape for p in parts] == [(2, 3, 2), (2, 3, 2)]
    parts = tw.split(tw.tensor(X), [1, -1, 1], axis=-1)
    assert [p.shape for p in parts] == [(2, 3, 1), (2, 3, 2), (2, 3, 1)]
    np.testing.assert_array_equal(parts[1].numpy(), X[..., 1:3])


def test_concat_stack_split_errors():
    with pytest.raises(ValueError, match=r"concat: tensors\[1\] has shape \[2, 2\], which does not match"):
        tw.concat([tw.zeros([3, 2]), tw.zeros([2, 2])], 1)
    with pytest.raises(ValueError, match="concat: cannot concatenate scalars"):
        tw.concat([tw.scalar(1.0), tw.scalar(2.0)])
    with pytest.raises(ValueError, match="concat: expects at least one tensor"):
        tw.concat([])
    with pytest.raises(TypeError, match="concat: .*string"):
        tw.concat([tw.tensor(["a"]), tw.tensor([1.0])])
    with pytest.raises(ValueError, match=r"stack: all tensors must have the same shape; tensors\[0\] has \[2\]"):
        tw.stack([tw.zeros([2]), tw.zeros([3])])
    with pytest.raises(TypeError, match="stack: all tensors must have the same dtype"):
        tw.stack([tw.zeros([2]), tw.tensor([1, 2])])
    with pytest.raises(ValueError, match=r"split: the number of splits \(3\) must be positive and evenly divide"):
        tw.split(tw.zeros([4]), 3)
    with pytest.raises(ValueError, match=r"split: size splits \[1, 2\] must sum to the axis size 4"):
        tw.split(tw.zeros([4]), [1, 2])
    with pytest.raises(ValueError, match="split: size splits .* at most one -1"):
        tw.split(tw.zeros([4]), [-1, -1])
    with pytest.raises(ValueError, match="unstack: axis 2 is out of range"):
        tw.unstack(tw.zeros([2, 2]), 2)


def test_tile_reverse_mirror_pad():
    a = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(tw.tile(tw.tensor(a), [2, 3]).numpy(), np.tile(a, (2, 3)))
    assert tw.tile(tw.tensor(a), [0, 1]).shape == (0, 3)
    np.testing.assert_array_equal(tw.reverse(tw.tensor(X), [0, -1]).numpy(), X[::-1, :, ::-1])
    np.testing.assert_array_equal(tw.reverse(tw.tensor(X)).numpy(), X[::-1, ::-1, ::-1])
    v = tw.tensor([1, 2, 3])
    assert tw.mirror_pad(v, [[2, 1]], "reflect").tolist() == [3, 2, 1, 2, 3, 2]
    assert tw.mirror_pad(v, [[3, 2]], "symmetric").tolist() == [3, 2, 1, 1, 2, 3, 3, 2]
    np.testing.assert_array_equal(tw.mirror_pad(tw.tensor(a), [[1, 1], [2, 0]], "reflect").numpy(),
                                  np.pad(a, [[1, 1], [2, 0]], mode="reflect"))


def test_tile_reverse_mirror_pad_errors():
    with pytest.raises(ValueError, match=r"tile: reps \[2\] must have one entry per axis of x \(rank 2\)"):
        tw.tile(tw.zeros([2, 2]), [2])
    with pytest.raises(ValueError, match="reverse: axis 3 is out of range"):
        tw.reverse(tw.zeros([2, 2]), 3)
    with pytest.raises(ValueError, match="mirror_pad: mode must be 'reflect' or 'symmetric', got 'edge'"):
        tw.mirror_pad(tw.zeros([3]), [[1, 1]], "edge")
    with pytest.raises(ValueError, match=r"mirror_pad: paddings\[0\] = \[3, 0\] must be in \[0, 2\]"):
        tw.mirror_pad(tw.zeros([3]), [[3, 0]], "reflect")
    with pytest.raises(ValueError, match=r"mirror_pad: paddings must have one pair per axis \(2\), got 1"):
        tw.mirror_pad(tw.zeros([3, 3]), [[1, 1]], "reflect")


def test_boolean_mask():
    t = tw.tensor(X)
    m = np.array([[True, False, True], [False, False, True]])
    np.testing.assert_array_equal(tw.boolean_mask(t, m).numpy(), X[m])
    m1 = np.array([False, True, True, False])
    np.testing.assert_array_equal(tw.boolean_mask(t, m1, axis=2).numpy(), X[:, :, m1])
    assert tw.boolean_mask(t, np.zeros((2,), bool)).shape == (0, 3, 4)
    with pytest.raises(ValueError, match="boolean_mask: mask's shape \\[3\\] must match tensor's shape"):
        tw.boolean_mask(t, [True, False, True])
    with pytest.raises(TypeError, match="boolean_mask: argument 'mask' must be a bool tensor"):
        tw.boolean_mask(t, tw.tensor([1, 0]))
    with pytest.raises(ValueError, match="boolean_mask: mask cannot be a scalar"):
        tw.boolean_mask(t, True)


# ---- gradients ------------------------------------------------------------------------------------

R = np.random.default_rng(3)
XF = R.uniform(-1, 1, (2, 3, 4))


def test_slice_and_strided_slice_gradients():
    check_gradients(lambda x: tw.slice(x, [0, 1, 1], [2, -1, 2]), [XF])
    check_gradients(lambda x: tw.strided_slice(x, [1, 2, 0], [0, 0, 4], [-1, -1, 3], end_mask=1), [XF])
    check_gradients(lambda x: tw.strided_slice(x, [0, 1], [0, 2], [1, 1], ellipsis_mask=1,
                                               shrink_axis_mask=2), [XF])


def test_gather_gradients():
    check_gradients(lambda x: tw.gather(x, [2, 0, 2, 1], 1), [XF])
    check_gradients(lambda x: tw.gather(x, [[3, 3], [0, 1]], 2, batch_dims=1), [XF[:, :2, :]])
    check_gradients(lambda x: tw.gather_nd(x, [[1, 2], [1, 2], [0, 0]]), [XF])


def test_scatter_gradients():
    idx = [[1], [3], [1]]
    check_gradients(lambda u: tw.scatter_nd(idx, u, [5, 2]), [R.uniform(-1, 1, (3, 2))])
    check_gradients(lambda x, u: tw.tensor_scatter_update(x, [[0, 1], [1, 0]], u) * x,
                    [R.uniform(-1, 1, (2, 2)), R.uniform(-1, 1, (2,))])


def test_join_split_gradients():
    a, b = R.uniform(-1, 1, (2, 3)), R.uniform(-1, 1, (2, 1))
    check_gradients(lambda a, b: tw.concat([a, b, a], 1), [a, b])
    check_gradients(lambda a, b: tw.stack([a, a * b], 1), [a, np.broadcast_to(b, (2, 3))])
    check_gradients(lambda a: tw.unstack(a, 1)[0] * tw.unstack(a, 1)[2], [a])
    check_gradients(lambda x: tw.split(x, [1, -1], 2)[1] * 2.0, [XF])
    check_gradients(lambda x: tw.split(x, 2, 0)[0] + tw.split(x, 2, 0)[1] ** 2.0, [XF])


def test_tile_reverse_mirror_pad_gradients():
    check_gradients(lambda x: tw.tile(x, [2, 1, 3]), [XF[:, :2, :2]])
    check_gradients(lambda x: tw.reverse(x, [0, 2]), [XF])
    check_gradients(lambda x: tw.mirror_pad(x, [[1, 1], [0, 2], [3, 2]], "reflect"), [XF])
    check_gradients(lambda x: tw.mirror_pad(x, [[2, 1], [3, 0]], "symmetric"), [XF[0]])


def test_boolean_mask_gradient():
    m = np.array([[True, False, True], [False, True, True]])
    check_gradients(lambda x: tw.boolean_mask(x, m), [XF])
