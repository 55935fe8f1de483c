import math

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.testing import check_gradients

img = tw.image
MODES = [(False, False), (True, False), (False, True)]  # (align_corners, half_pixel_centers)


def row(values):
    """A [1, n, 1] image holding one row of values."""
    return np.array(values, dtype=np.float32).reshape(1, -1, 1)


# ---- resize: hand-computed values ---------------------------------------------------------------

@pytest.mark.parametrize("ac,hpc,expected", [
    (False, False, [0, 6, 12, 18, 20]),   # src = 0.6 c
    (True, False, [0, 5, 10, 15, 20]),    # src = 0.5 c
    (False, True, [0, 4, 10, 16, 20]),    # src = 0.6 (c + 0.5) - 0.5, clamped at both ends
])
def test_resize_bilinear_upscale_row(ac, hpc, expected):
    out = img.resize_bilinear(row([0, 10, 20]), [1, 5], ac, hpc)
    assert out.shape == (1, 5, 1) and out.dtype == "float32"
    np.testing.assert_allclose(out.numpy().ravel(), expected, rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("ac,hpc,expected", [
    (False, False, [0, 20]), (True, False, [0, 30]), (False, True, [5, 25])])
def test_resize_bilinear_downscale_row(ac, hpc, expected):
    out = img.resize_bilinear(row([0, 10, 20, 30]), [1, 2], ac, hpc)
    np.testing.assert_allclose(out.numpy().ravel(), expected, atol=1e-5)


@pytest.mark.parametrize("ac,hpc,expected", [
    (False, False, [2, 2, 2, 10 / 3, 10 / 3, 10 / 3, 4, 4, 4]),
    (True, False, [2, 2, 2, 3, 3, 3, 4, 4, 4]),
    (False, True, [2, 2, 2, 3, 3, 3, 4, 4, 4])])
def test_resize_bilinear_2x2_to_3x3(ac, hpc, expected):
    x = np.array([2, 2, 4, 4], dtype=np.float32).reshape(2, 2, 1)
    np.testing.assert_allclose(img.resize_bilinear(x, [3, 3], ac, hpc).numpy().ravel(), expected, rtol=1e-6)


def test_resize_bilinear_half_pixel_matches_tensorflow_values():
    x = np.array([1.19074044, 0.91373104, 2.01611669, -0.52270832, 0.38725395, 1.30809779, 0.61835143,
                  3.49600659, 2.09230986, 0.56473997, 0.03823943, 1.19864896], np.float32).reshape(2, 3, 2)
    expected = [1.1907405, 0.913731, 1.520891, 0.3391553, 2.0161166, -0.5227083, 1.0387988, 0.5757756,
                0.3872539, 1.3080978, 1.0476432, 1.5592999, 1.442652, 0.8352414, 2.0351648, -0.2508462,
                0.9940659, 0.6681031, 0.3000003, 1.2807356, 0.7614487, 2.8504376, 1.2861738, 1.8274136,
                2.0732617, 0.2928779, 0.9046002, 0.8527579, 0.125493, 1.2260112, 0.6183515, 3.4960065,
                1.2079349, 2.3234997, 2.09231, 0.5647399, 0.8598673, 0.9450854, 0.0382394, 1.1986489]
    out = img.resize_bilinear(x, [4, 5], False, True)
    assert out.shape == (4, 5, 2)
    np.testing.assert_allclose(out.numpy().ravel(), expected, rtol=1e-5, atol=1e-6)


def test_resize_bilinear_int_input_batch_and_tensor_method_free_call():
    x = tw.tensor(np.array([2, 2, 4, 4, 3, 3, 5, 5], dtype=np.int32).reshape(2, 2, 2, 1))
    out = img.resize_bilinear(x, [3, 3], True)
    assert out.dtype == "float32" and out.shape == (2, 3, 3, 1)
    np.testing.assert_allclose(out.numpy().ravel(), [2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4, 5, 5, 5])


@pytest.mark.parametrize("ac,hpc,expected", [
    (False, False, [0, 0, 10, 10, 20]),   # floor(0.6 c)
    (True, False, [0, 10, 10, 20, 20]),   # Math.round(0.5 c): halves round up
    (False, True, [0, 0, 10, 20, 20]),    # floor(0.6 (c + 0.5)), as TF.js's cpu kernel
])
def test_resize_nearest_upscale_row(ac, hpc, expected):
    out = img.resize_nearest_neighbor(row([0, 10, 20]), [1, 5], ac, hpc)
    np.testing.assert_array_equal(out.numpy().ravel(), expected)


@pytest.mark.parametrize("ac,hpc,expected", [
    (False, False, [0, 10, 20]), (True, False, [0, 20, 30]), (False, True, [0, 20, 30])])
def test_resize_nearest_downscale_row(ac, hpc, expected):
    out = img.resize_nearest_neighbor(row([0, 10, 20, 30]), [1, 3], ac, hpc)
    np.testing.assert_array_equal(out.numpy().ravel(), expected)


def test_resize_nearest_half_pixel_2d_and_int_dtype_kept():
    x = np.arange(1, 17, dtype=np.int32).reshape(1, 4, 4, 1)
    out = img.resize_nearest_neighbor(x, [3, 3], False, True)
    assert out.dtype == "int32"
    np.testing.assert_array_equal(out.numpy().ravel(), [1, 3, 4, 9, 11, 12, 13, 15, 16])
    x = np.arange(1, 5, dtype=np.float32).reshape(1, 2, 2, 1)
    np.testing.assert_array_equal(img.resize_nearest_neighbor(x, [1, 1], False, True).numpy().ravel(), [4])


def _ref_resize(x, size, ac, hpc, method):
    """Per-pixel reference of TF.js's cpu resize kernels, written independently with loops."""
    b, h, w, c = x.shape
    nh, nw = size
    rh = ((h - 1) if ac and nh > 1 else h) / ((nh - 1) if ac and nh > 1 else nh)
    rw = ((w - 1) if ac and nw > 1 else w) / ((nw - 1) if ac and nw > 1 else nw)
    out = np.zeros((b, nh, nw, c))
    for r in range(nh):
        for s in range(nw):
            if method == "bilinear":
                fr = rh * (r + 0.5) - 0.5 if hpc else rh * r
                fc = rw * (s + 0.5) - 0.5 if hpc else rw * s
                r0, c0 = max(0, math.floor(fr)), max(0, math.floor(fc))
                r1, c1 = min(h - 1, math.ceil(fr)), min(w - 1, math.ceil(fc))
                dr, dc = fr - r0, fc - c0
                top = x[:, r0, c0] + (x[:, r0, c1] - x[:, r0, c0]) * dc
                bot = x[:, r1, c0] + (x[:, r1, c1] - x[:, r1, c0]) * dc
                out[:, r, s] = top + (bot - top) * dr
            else:
                fr = rh * (r + 0.5) if hpc else rh * r
                fc = rw * (s + 0.5) if hpc else rw * s
                rr = min(h - 1, math.floor(fr + 0.5) if ac else math.floor(fr))
                cc = min(w - 1, math.floor(fc + 0.5) if ac else math.floor(fc))
                if hpc:
                    rr, cc = max(0, rr), max(0, cc)
                out[:, r, s] = x[:, rr, cc]
    return out


@pytest.mark.parametrize("ac,hpc", MODES)
@pytest.mark.parametrize("size", [(7, 5), (2, 3), (1, 1), (4, 9)])
def test_resize_matches_reference(ac, hpc, size):
    x = np.random.default_rng(0).normal(size=(2, 4, 6, 3)).astype(np.float32)
    for method, fn in (("bilinear", img.resize_bilinear), ("nearest", img.resize_nearest_neighbor)):
        np.testing.assert_allclose(fn(x, size, ac, hpc).numpy(), _ref_resize(x.astype(np.float64), size, ac, hpc,
                                                                              method), rtol=1e-5, atol=1e-6)


def test_resize_errors():
    with pytest.raises(ValueError, match="resize_bilinear: images must be of rank 3 or 4"):
        img.resize_bilinear(np.zeros((2, 2)), [3, 3])
    with pytest.raises(ValueError, match="resize_bilinear: size must have 2 elements"):
        img.resize_bilinear(np.zeros((2, 2, 1)), [3])
    with pytest.raises(ValueError, match="resize_nearest_neighbor: if half_pixel_centers is true"):
        img.resize_nearest_neighbor(np.zeros((2, 2, 1)), [3, 3], True, True)
    with pytest.raises(TypeError, match="resize_nearest_neighbor: images must be an int32 or float32"):
        img.resize_nearest_neighbor(tw.tensor([[[True]]]), [3, 3])
    with pytest.raises(ValueError, match="resize_bilinear: size must be at least"):
        img.resize_bilinear(np.zeros((2, 2, 1)), [-1, 2])


# ---- resize gradients ---------------------------------------------------------------------------

@pytest.mark.parametrize("ac,hpc", MODES)
@pytest.mark.parametrize("size", [(5, 7), (2, 3)])
def test_resize_bilinear_gradient(ac, hpc, size):
    x = np.random.default_rng(1).normal(size=(2, 3, 4, 2))
    check_gradients(lambda t: img.resize_bilinear(t, size, ac, hpc), [x])


@pytest.mark.parametrize("ac,hpc", MODES)
@pytest.mark.parametrize("size", [(5, 7), (2, 3)])
def test_resize_nearest_gradient(ac, hpc, size):
    x = np.random.default_rng(2).normal(size=(1, 3, 4, 2))
    check_gradients(lambda t: img.resize_nearest_neighbor(t, size, ac, hpc), [x])


def test_resize_bilinear_gradient_values_like_tfjs():
    x = tw.tensor([[[100.0], [50.0]], [[60.0], [20.0]]])
    dy = tw.tensor(np.arange(1, 17, dtype=np.float32).reshape(4, 4, 1))
    g = tw.grad(lambda t: img.resize_bilinear(t, [4, 4]))(x, dy)
    assert g.shape == (2, 2, 1)
    np.testing.assert_allclose(g.numpy().ravel(), [6, 17, 38, 75], rtol=1e-6)
    g = tw.grad(lambda t: img.resize_bilinear(t, [4, 4], True))(x, dy)
    np.testing.assert_allclose(g.numpy().ravel(), [52 / 3, 24, 44, 152 / 3], rtol=1e-6)


def test_resize_nearest_gradient_values():
    # 2x2 -> 4x4 without flags: each input pixel receives a 2x2 block of dy
    x = tw.tensor(np.zeros((1, 2, 2, 1), np.float32))
    dy = tw.tensor(np.arange(1, 17, dtype=np.float32).reshape(1, 4, 4, 1))
    g = tw.grad(lambda t: img.resize_nearest_neighbor(t, [4, 4]))(x, dy)
    np.testing.assert_allclose(g.numpy().ravel(), [1 + 2 + 5 + 6, 3 + 4 + 7 + 8, 9 + 10 + 13 + 14, 11 + 12 + 15 + 16])


@pytest.mark.parametrize("fn", [img.resize_bilinear, img.resize_nearest_neighbor])
def test_resize_second_order_gradient(fn):
    x0 = np.random.default_rng(3).normal(size=(1, 3, 2, 1))
    dy = np.random.default_rng(4).normal(size=(1, 4, 5, 1))
    check_gradients(lambda d: tw.grad(lambda t: fn(t, [4, 5], False, True))(tw.tensor(x0), d), [dy])


# ---- crop_and_resize ----------------------------------------------------------------------------

IMAGE_3X3 = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)


def crop(boxes, size, method="bilinear", extrapolation_value=0.0, image=IMAGE_3X3, box_ind=None):
    box_ind = [0] * len(boxes) if box_ind is None else box_ind
    return img.crop_and_resize(image, boxes, box_ind, size, method, extrapolation_value)


def test_crop_and_resize_bilinear():
    np.testing.assert_allclose(crop([[0, 0, 1, 1]], [3, 3]).numpy().ravel(), np.arange(9))
    np.testing.assert_allclose(crop([[0, 0, 0.5, 0.5]], [2, 2]).numpy().ravel(), [0, 1, 3, 4])
    np.testing.assert_allclose(crop([[0.25, 0.25, 0.75, 0.75]], [1, 1]).numpy().ravel(), [4])
    out = crop([[0, 0, 0.25, 0.5]], [2, 3])
    assert out.shape == (1, 2, 3, 1) and out.dtype == "float32"
    np.testing.assert_allclose(out.numpy().ravel(), [0, 0.5, 1, 1.5, 2, 2.5])


def test_crop_and_resize_extrapolation_and_nearest():
    out = crop([[-0.5, 0, 0.5, 1]], [3, 3], extrapolation_value=-1)
    np.testing.assert_allclose(out.numpy().ravel(), [-1, -1, -1, 0, 1, 2, 3, 4, 5])
    out = crop([[0, -0.5, 1, 0.5]], [3, 3], "nearest", -7)
    np.testing.assert_allclose(out.numpy()[0, :, :, 0], [[-7, 0, 1], [-7, 3, 4], [-7, 6, 7]])
    out = crop([[0, 0, 0.25, 0.5]], [2, 3], "nearest")
    np.testing.assert_allclose(out.numpy().ravel(), [0, 1, 1, 3, 4, 4])


def test_crop_and_resize_box_ind_and_multi_box():
    two = np.concatenate([IMAGE_3X3, IMAGE_3X3 + 100], axis=0)
    out = crop([[0, 0, 1, 1], [0, 0, 0.5, 0.5], [0, 0, 1, 1]], [2, 2], image=two, box_ind=[1, 0, 5])
    assert out.shape == (3, 2, 2, 1)
    np.testing.assert_allclose(out.numpy()[..., 0], [[[100, 102], [106, 108]], [[0, 1], [3, 4]],
                                                     [[0, 0], [0, 0]]])  # box_ind 5 >= batch: zeros


def test_crop_and_resize_errors():
    with pytest.raises(ValueError, match="crop_and_resize: image must be of rank 4"):
        img.crop_and_resize(np.zeros((3, 3, 1)), [[0, 0, 1, 1]], [0], [2, 2])
    with pytest.raises(ValueError, match=r"crop_and_resize: boxes must have shape \[num_boxes, 4\]"):
        img.crop_and_resize(IMAGE_3X3, [[0, 0, 1]], [0], [2, 2])
    with pytest.raises(ValueError, match=r"crop_and_resize: box_ind must have shape \[1\]"):
        img.crop_and_resize(IMAGE_3X3, [[0, 0, 1, 1]], [0, 0], [2, 2])
    with pytest.raises(ValueError, match="crop_and_resize: crop_size must be at least"):
        img.crop_and_resize(IMAGE_3X3, [[0, 0, 1, 1]], [0], [0, 2])
    with pytest.raises(ValueError, match="crop_and_resize: method must be"):
        img.crop_and_resize(IMAGE_3X3, [[0, 0, 1, 1]], [0], [2, 2], "cubic")


# ---- flip, rotate, transform --------------------------------------------------------------------

def test_flip_left_right_and_gradient():
    x = np.arange(12, dtype=np.float32).reshape(1, 2, 3, 2)
    np.testing.assert_array_equal(img.flip_left_right(x).numpy(), x[:, :, ::-1])
    check_gradients(lambda t: img.flip_left_right(t) * tw.tensor(np.arange(12.0).reshape(1, 2, 3, 2)), [x])
    with pytest.raises(ValueError, match="flip_left_right: image must be of rank 4"):
        img.flip_left_right(np.zeros((2, 2, 1)))


def test_rotate_with_offset():
    x = IMAGE_3X3
    # center 1/3 puts the pivot on pixel (1, 1): a quarter turn
    out = img.rotate_with_offset(x, math.pi / 2, 0, 1 / 3)
    np.testing.assert_array_equal(out.numpy()[0, :, :, 0], [[2, 5, 8], [1, 4, 7], [0, 3, 6]])
    # default center 0.5 -> pivot (1.5, 1.5): the first row comes from outside the image
    out = img.rotate_with_offset(x, math.pi / 2, -1)
    np.testing.assert_array_equal(out.numpy()[0, :, :, 0], [[-1, -1, -1], [2, 5, 8], [1, 4, 7]])
    np.testing.assert_array_equal(img.rotate_with_offset(x, 0).numpy(), x)


def test_rotate_with_offset_rgb_fill_and_center_pair():
    x = np.ones((1, 2, 2, 4), np.float32)
    out = img.rotate_with_offset(x, math.pi, [10, 20, 30], [0.0, 0.0]).numpy()
    # a half turn about the corner (0, 0): only pixel (0, 0) stays inside
    np.testing.assert_array_equal(out[0, 0, 0], [1, 1, 1, 1])
    np.testing.assert_array_equal(out[0, 1, 1], [10, 20, 30, 255])
    with pytest.raises(ValueError, match="rotate_with_offset: fill_value must be a number or"):
        img.rotate_with_offset(x, 1.0, [1, 2])
    with pytest.raises(ValueError, match="rotate_with_offset: image must be of rank 4"):
        img.rotate_with_offset(np.zeros((2, 2, 1)), 1.0)


ROW3 = np.array([[0, 1, 2], [3, 4, 5]], dtype=np.float32).reshape(1, 2, 3, 1)


@pytest.mark.parametrize("mode,left,right", [
    ("constant", [9, 0, 1], [1, 2, 9]), ("reflect", [0, 0, 1], [1, 2, 2]),
    ("wrap", [2, 0, 1], [1, 2, 0]), ("nearest", [0, 0, 1], [1, 2, 2])])
def test_transform_translations_fill_modes(mode, left, right):
    shift_right = [[1, 0, -1, 0, 1, 0, 0, 0]]   # output x reads input x - 1
    shift_left = [[1, 0, 1, 0, 1, 0, 0, 0]]     # output x reads input x + 1
    out = img.transform(ROW3, shift_right, "nearest", mode, 9).numpy()[0, 0, :, 0]
    np.testing.assert_array_equal(out, left)
    out = img.transform(ROW3, shift_left, "nearest", mode, 9).numpy()[0, 0, :, 0]
    np.testing.assert_array_equal(out, right)


def test_transform_reflect_and_wrap_far_outside():
    far = [[1, 0, -4, 0, 1, 0, 0, 0]]           # x - 4: -4, -3, -2
    # reflect [0 1 2] -> ... 2 1 0 | 0 1 2: -4 -> 2, -3 -> 2, -2 -> 1
    np.testing.assert_array_equal(img.transform(ROW3, far, fill_mode="reflect").numpy()[0, 0, :, 0], [2, 2, 1])
    # wrap follows TF's rule (shift by len * (trunc(-c / (len - 1)) + 1), then clamp): -4 -> 5 -> 2,
    # -3 -> 3 -> 2, -2 -> 4 -> 2
    np.testing.assert_array_equal(img.transform(ROW3, far, fill_mode="wrap").numpy()[0, 0, :, 0], [2, 2, 2])


def test_transform_bilinear_projective_output_shape_and_batches():
    half = [[1, 0, 0.5, 0, 1, 0, 0, 0]]
    out = img.transform(ROW3, half, "bilinear").numpy()[0, :, :, 0]
    np.testing.assert_allclose(out, [[0.5, 1.5, 1.0], [3.5, 4.5, 2.5]])
    # projective: k = 1 - x is 0 at x = 1 (fill), and negative at x = 2 (reads x = -2: fill)
    proj = [[1, 0, 0, 0, 1, 0, -1, 0]]
    np.testing.assert_array_equal(img.transform(ROW3, proj, fill_value=7).numpy()[0, :, :, 0],
                                  [[0, 7, 7], [3, 7, 7]])
    out = img.transform(ROW3, [[1, 0, 0, 0, 1, 0, 0, 0]], output_shape=[3, 4], fill_value=-1)
    assert out.shape == (1, 3, 4, 1)
    np.testing.assert_array_equal(out.numpy()[0, :, :, 0], [[0, 1, 2, -1], [3, 4, 5, -1], [-1, -1, -1, -1]])
    two = np.concatenate([ROW3, ROW3 + 10])
    out = img.transform(two, [[1, 0, 0, 0, 1, 0, 0, 0], [1, 0, 1, 0, 1, 0, 0, 0]]).numpy()[..., 0]
    np.testing.assert_array_equal(out[0], ROW3[0, :, :, 0])
    np.testing.assert_array_equal(out[1], [[11, 12, 0], [14, 15, 0]])


def test_transform_errors():
    with pytest.raises(ValueError, match=r"transform: transforms must have shape \[1, 8\] or \[1, 8\]"):
        img.transform(ROW3, [[1, 0, 0, 0, 1, 0, 0]])
    with pytest.raises(ValueError, match="transform: interpolation must be"):
        img.transform(ROW3, [[1, 0, 0, 0, 1, 0, 0, 0]], "cubic")
    with pytest.raises(ValueError, match="transform: fill_mode must be"):
        img.transform(ROW3, [[1, 0, 0, 0, 1, 0, 0, 0]], fill_mode="mirror")
    with pytest.raises(TypeError, match="transform: argument 'image' must be a float32 tensor"):
        img.transform(tw.tensor(np.zeros((1, 2, 2, 1), np.int32)), [[1, 0, 0, 0, 1, 0, 0, 0]])


# ---- color --------------------------------------------------------------------------------------

def test_grayscale_rgb_round_trip():
    g = np.array([[[1.0], [2.0]]], dtype=np.float32)
    rgb = img.grayscale_to_rgb(g)
    assert rgb.shape == (1, 2, 3)
    np.testing.assert_array_equal(rgb.numpy(), [[[1, 1, 1], [2, 2, 2]]])
    x = np.array([[255.0, 0, 0], [0, 255, 0], [10, 20, 30]], dtype=np.float32)
    gray = img.rgb_to_grayscale(x)
    assert gray.shape == (3, 1) and gray.dtype == "float32"
    np.testing.assert_allclose(gray.numpy().ravel(), [0.2989 * 255, 0.587 * 255, 2.989 + 11.74 + 3.42], rtol=1e-6)
    gi = img.rgb_to_grayscale(tw.tensor([[[10, 20, 30]]]))
    assert gi.dtype == "int32" and gi.tolist() == [[[18]]]
    check_gradients(img.rgb_to_grayscale, [np.random.default_rng(5).normal(size=(2, 2, 3))])
    check_gradients(img.grayscale_to_rgb, [np.random.default_rng(6).normal(size=(2, 2, 1))])
    with pytest.raises(ValueError, match="rgb_to_grayscale: the last dimension of an RGB image must be 3"):
        img.rgb_to_grayscale(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="grayscale_to_rgb: the last dimension of a grayscale image must be 1"):
        img.grayscale_to_rgb(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="grayscale_to_rgb: image must be of rank 2 or more"):
        img.grayscale_to_rgb(np.zeros((1,)))


# ---- non-max suppression ------------------------------------------------------------------------

CLUSTERS = [[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9],
            [0, 10, 1, 11], [0, 10.1, 1, 11.1], [0, 100, 1, 101]]
CLUSTER_SCORES = [0.9, 0.75, 0.6, 0.95, 0.5, 0.3]


def test_nms_three_clusters():
    out = img.non_max_suppression(CLUSTERS, CLUSTER_SCORES, 3, 0.5, 0)
    assert out.dtype == "int32" and out.tolist() == [3, 0, 5]
    assert img.non_max_suppression(CLUSTERS, CLUSTER_SCORES, 2, 0.5, 0).tolist() == [3, 0]
    assert img.non_max_suppression(CLUSTERS, CLUSTER_SCORES, 30, 0.5, 0).tolist() == [3, 0, 5]
    flipped = [[b[2], b[3], b[0], b[1]] for b in CLUSTERS]   # opposite corners work too
    assert img.non_max_suppression(flipped, CLUSTER_SCORES, 3).tolist() == [3, 0, 5]
    # a high iou threshold keeps the overlapping boxes; a score threshold drops the weak ones
    assert img.non_max_suppression(CLUSTERS, CLUSTER_SCORES, 6, 0.9).tolist() == [3, 0, 1, 2, 4, 5]
    assert img.non_max_suppression(CLUSTERS, CLUSTER_SCORES, 6, 0.9, 0.55).tolist() == [3, 0, 1, 2]


def test_nms_ties_and_edge_cases():
    same = [[0, 0, 1, 1]] * 10
    assert img.non_max_suppression(same, [0.9] * 10, 3).tolist() == [0]
    # equal scores on disjoint boxes: lower index first
    assert img.non_max_suppression([[0, 0, 1, 1], [0, 2, 1, 3], [0, 4, 1, 5]], [0.5, 0.7, 0.5], 3).tolist() == [1, 0, 2]
    # a zero-area box overlaps nothing
    assert img.non_max_suppression([[0, 0, 1, 1], [0, 0, 0, 1]], [0.9, 0.8], 2).tolist() == [0, 1]
    assert img.non_max_suppression(np.zeros((0, 4)), np.zeros((0,)), 3).shape == (0,)
    assert img.non_max_suppression([[0, 0, 1, 1], [0, 1, 1, 2]], [1, 2], 10).tolist() == [1, 0]


def _ref_nms(boxes, scores, max_out, thr):
    """Greedy NMS written independently: best score first (lower index on ties)."""
    def iou(a, b):
        ya, xa, Ya, Xa = min(a[0], a[2]), min(a[1], a[3]), max(a[0], a[2]), max(a[1], a[3])
        yb, xb, Yb, Xb = min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])
        area_a, area_b = (Ya - ya) * (Xa - xa), (Yb - yb) * (Xb - xb)
        if area_a <= 0 or area_b <= 0:
            return 0.0
        inter = max(min(Ya, Yb) - max(ya, yb), 0) * max(min(Xa, Xb) - max(xa, xb), 0)
        return inter / (area_a + area_b - inter)
    keep = []
    for i in sorted(range(len(scores)), key=lambda i: (-scores[i], i)):
        if len(keep) == max_out:
            break
        if all(iou(boxes[i], boxes[j]) < thr for j in keep):
            keep.append(i)
    return keep


@pytest.mark.parametrize("thr", [0.0, 0.3, 0.7])
def test_nms_matches_reference_on_random_boxes(thr):
    rng = np.random.default_rng(7)
    corners = rng.uniform(0, 1, (60, 2))
    boxes = np.concatenate([corners, corners + rng.uniform(-0.3, 0.3, (60, 2))], axis=1).astype(np.float32)
    scores = rng.choice([0.1, 0.2, 0.3, 0.5, 0.9], 60).astype(np.float32)   # many ties
    out = img.non_max_suppression(boxes, scores, 40, thr).tolist()
    assert out == _ref_nms(boxes.astype(np.float64), scores.astype(np.float64), 40, thr)
    idx, sc = img.non_max_suppression_with_score(boxes, scores, 40, thr)
    assert idx.tolist() == out
    np.testing.assert_array_equal(sc.numpy(), scores[out])


def test_nms_nan_box_like_javascript():
    # A NaN box has a NaN IoU with everything: it is never "overlapping", but (as in TF.js) the NaN
    # suppression weight zeroes the score of every box compared with it.
    boxes = [[0, 0, 1, 1], [np.nan, 0, 1, 1], [0, 2, 1, 3]]
    assert img.non_max_suppression(boxes, [0.5, 0.9, 0.4], 3, 0.5, 0.0).tolist() == [1]
    idx, sc = img.non_max_suppression_with_score(boxes, [0.5, 0.9, 0.4], 3)
    assert idx.tolist() == [1, 0, 2]
    np.testing.assert_allclose(sc.numpy(), [0.9, 0, 0])


def test_soft_nms_with_score():
    res = img.non_max_suppression_with_score(CLUSTERS, CLUSTER_SCORES, 6, 1.0, 0, 0.5)
    indices, scores = res
    assert res.selected_indices is indices and indices.dtype == "int32" and scores.dtype == "float32"
    assert indices.tolist() == [3, 0, 1, 5, 4, 2]
    # scale = -0.5 / sigma = -1: each overlap multiplies the score by exp(-iou^2)
    iou_01, iou_12 = 0.9 / 1.1, 0.8 / 1.2
    expected = [0.95, 0.9, 0.75 * math.exp(-iou_01 ** 2), 0.3, 0.5 * math.exp(-iou_01 ** 2),
                0.6 * math.exp(-iou_01 ** 2) * math.exp(-iou_12 ** 2)]
    np.testing.assert_allclose(scores.numpy(), expected, rtol=1e-5)
    # sigma 0 is plain NMS with scores
    i2, s2 = img.non_max_suppression_with_score(CLUSTERS, CLUSTER_SCORES, 3, 0.5, 0)
    assert i2.tolist() == [3, 0, 5]
    np.testing.assert_allclose(s2.numpy(), [0.95, 0.9, 0.3], rtol=1e-6)


def test_nms_padded():
    idx, valid = img.non_max_suppression_padded(CLUSTERS, CLUSTER_SCORES, 5, 0.5, 0, True)
    assert idx.tolist() == [3, 0, 5, 0, 0] and valid.dtype == "int32" and valid.shape == () and int(valid.numpy()) == 3
    idx, valid = img.non_max_suppression_padded(CLUSTERS, CLUSTER_SCORES, 6, 0.5, 0.4, True)
    assert idx.tolist() == [3, 0, 0, 0, 0, 0] and int(valid.numpy()) == 2
    res = img.non_max_suppression_padded(CLUSTERS, CLUSTER_SCORES, 5, 0.5, 0.0)
    assert res.selected_indices.tolist() == [3, 0, 5] and int(res.valid_outputs.numpy()) == 3


def test_nms_errors():
    with pytest.raises(ValueError, match=r"non_max_suppression: iou_threshold must be in \[0, 1\]"):
        img.non_max_suppression([[0, 0, 1, 1]], [0.9], 3, 1.2)
    with pytest.raises(ValueError, match="non_max_suppression: scores must have one value per box"):
        img.non_max_suppression(CLUSTERS, CLUSTER_SCORES[:5], 3)
    with pytest.raises(ValueError, match="non_max_suppression: boxes must have 4 columns"):
        img.non_max_suppression([[0, 0, 1]], [0.9], 3)
    with pytest.raises(TypeError, match="non_max_suppression: argument 'boxes' must be a float32 tensor"):
        img.non_max_suppression(tw.tensor([[0, 0, 1, 1]]), [0.9], 3)
    with pytest.raises(ValueError, match=r"non_max_suppression_with_score: soft_nms_sigma must be in \[0, 1\]"):
        img.non_max_suppression_with_score([[0, 0, 1, 1]], [0.9], 3, 0.5, 0, 2)
    with pytest.raises(ValueError, match="non_max_suppression_padded: max_output_size must be a non-negative"):
        img.non_max_suppression_padded([[0, 0, 1, 1]], [0.9], -1)


def test_image_ops_are_namespaced_not_flat():
    assert not hasattr(tw, "resize_bilinear") and hasattr(tw.image, "non_max_suppression_padded")
