"""Selfie and Meet segmentation: the person mask on the bundled photos at points read off them, the mask at
the image's size for a non-square photo, portrait-mode blur, the box blur against a direct computation, and
raw outputs equal to the real TF.js's."""
from __future__ import annotations

import numpy as np
import pytest

from tensorweb.data import photo
from tensorweb.errors import InvalidArgumentError
from tensorweb.zoo import segmentation

from .photos import rgb
from .zoo_tfjs import assert_raw_outputs_match

# (x, y) read off the photos: on the person (face, suit or uniform) and on the background (flag, wall, sky)
PERSON = {"astronaut": [(224, 126), (120, 400), (300, 320)], "grace_hopper": [(261, 241), (100, 520), (400, 460)]}
# (Meet, the coarser landscape model, also takes most of the flag beside the astronaut for her: (30, 150) is
# 1.0 there, 0.0 with selfie; the flag's top corner, the wall and the rocket are background for both.)
BACKGROUND = {"astronaut": [(40, 30), (350, 40), (470, 150), (420, 300)],
              "grace_hopper": [(60, 100), (450, 150), (480, 300)]}


@pytest.fixture(scope="module", params=["selfie", "meet"])
def segmenter(request):
    with segmentation.load(request.param) as m:
        yield request.param, m


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_person_mask_where_the_person_is(segmenter, name):
    _, model = segmenter
    seg = model.segment(photo(name))
    image = rgb(name)
    assert seg.mask.shape == image.shape[:2] and seg.mask.dtype == np.float32     # grace_hopper is 512x600
    assert 0.0 <= seg.mask.min() and seg.mask.max() <= 1.0
    assert all(seg.mask[y, x] > 0.9 for x, y in PERSON[name]), [seg.mask[y, x] for x, y in PERSON[name]]
    assert all(seg.mask[y, x] < 0.1 for x, y in BACKGROUND[name]), [seg.mask[y, x] for x, y in BACKGROUND[name]]
    assert seg.binary().dtype == bool and seg.binary().mean() == pytest.approx((seg.mask > 0.5).mean())


def test_blur_background(segmenter):
    _, model = segmenter
    image = rgb("grace_hopper")
    out = model.blur_background(image, radius=8)
    mask = model.segment(image).mask
    assert out.shape == image.shape and out.dtype == np.uint8
    person, background = mask > 0.99, mask < 0.01
    assert np.abs(out[person].astype(int) - image[person]).max() <= 3          # the person is kept
    # the background is smoothed: its pixel-to-pixel differences shrink
    def roughness(a):
        return np.abs(np.diff(a.astype(float), axis=1))[background[:, 1:]].mean()
    assert roughness(out) < 0.5 * roughness(image)


def test_box_blur_against_direct_sum():
    rng = np.random.default_rng(0)
    a = rng.random((7, 9, 2)).astype(np.float32)
    got = segmentation.box_blur(a, radius=2, passes=1)
    padded = np.pad(a, ((2, 2), (2, 2), (0, 0)), mode="edge")
    want = np.mean([padded[i:i + 7, j:j + 9] for i in range(5) for j in range(5)], axis=0)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_raw_outputs_match_tfjs(segmenter):
    name, model = segmenter
    _, x, _ = model.preprocess(rgb("astronaut"))
    assert x.shape == (1,) + model.input_size + (3,) and 0.0 <= x.min() and x.max() <= 1.0
    assert_raw_outputs_match(model, name, x)


def test_errors(segmenter):
    _, model = segmenter
    with pytest.raises(InvalidArgumentError, match="selfie"):
        segmentation.load("portrait")
    with pytest.raises(InvalidArgumentError, match="radius"):
        model.blur_background(rgb("astronaut"), radius=0)
