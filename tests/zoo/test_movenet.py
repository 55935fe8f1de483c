"""MoveNet lightning / thunder / multipose: body keypoints found where they are on the bundled photos
(tests/zoo/photos.py), letterbox mapping on a hand-computed case, raw outputs equal to the real TF.js's."""
from __future__ import annotations

import numpy as np
import pytest

from tensorweb.data import photo
from tensorweb.errors import InvalidArgumentError, ModelFormatError
from tensorweb.zoo import catalogue, movenet
from tensorweb.zoo._common import COCO_KEYPOINTS
from tensorweb.zoo._image import Roi, crop, fit_roi, uncrop

from .photos import BODY_POINTS, BODY_TOLERANCE, HEAD_TOLERANCE, assert_near, rgb
from .zoo_tfjs import assert_raw_outputs_match

HEAD = ("nose", "right_eye", "left_eye", "right_ear")


@pytest.fixture(scope="module", params=list(movenet.VARIANTS))
def model(request):
    with movenet.load(request.param) as m:
        yield request.param, m


def test_letterbox_roi_hand_computed():
    assert fit_roi(512, 512, 1.0) == Roi(0.0, 0.0, 512.0, 512.0)
    assert fit_roi(512, 600, 1.0) == Roi(-44.0, 0.0, 600.0, 600.0)       # 88 px of black split on both sides
    assert fit_roi(900, 512, 1.0) == Roi(0.0, -194.0, 900.0, 900.0)
    assert fit_roi(512, 512, 256 / 144) == Roi(-(512 * 256 / 144 - 512) / 2, 0.0, 512 * 256 / 144, 512.0)
    xs, ys = Roi(-44.0, 0.0, 600.0, 600.0).to_image(np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(xs, [-44, 256, 556])
    np.testing.assert_allclose(ys, [0, 300, 600])


def test_crop_samples_pixel_centers():
    """A ROI covering the image at the input's size reproduces it; a ROI of its left half (doubled in width)
    repeats each column; outside the image is black; uncrop inverts crop."""
    img = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    np.testing.assert_allclose(crop(img, Roi(0, 0, 6, 4), (4, 6)), img, atol=1e-4)
    left = crop(img, Roi(0, 0, 3, 4), (4, 6))
    np.testing.assert_allclose(left[:, 1:5:2], img[:, 0:2] * 0.75 + img[:, 1:3] * 0.25, atol=1e-4)
    padded = crop(img, Roi(-6, 0, 12, 4), (4, 12))
    np.testing.assert_allclose(padded[:, :5], 0)      # (the column one pixel outside may take the edge's value)
    np.testing.assert_allclose(padded[:, 6:], img, atol=1e-4)
    np.testing.assert_allclose(uncrop(padded, Roi(-6, 0, 12, 4), (4, 6)), img, atol=1e-4)


def test_poses_where_they_are(model):
    variant, m = model
    for name, points in BODY_POINTS.items():
        poses = m.estimate(photo(name))
        assert len(poses) >= 1
        pose = poses[0]
        assert list(pose.keypoints) == list(COCO_KEYPOINTS)
        assert all(0.0 <= k.score <= 1.0 for k in pose.keypoints.values())
        head = {k: v for k, v in points.items() if k in HEAD}
        assert_near(pose.keypoints, head, HEAD_TOLERANCE[name], f"movenet {variant} on {name} (head)")
        assert min(pose.keypoints[k].score for k in head) >= 0.3
        # body joints are checked where the model is confident (score >= 0.2); single-pose models are on at
        # least all but one of them, multipose (a faster, coarser model) on at least one
        body = {k: v for k, v in points.items() if k not in HEAD and pose.keypoints[k].score >= 0.2}
        assert len(body) >= (1 if variant == "multipose" else len(points) - len(head) - 1), \
            f"movenet {variant} on {name}: confident only on {sorted(body)}"
        assert_near(pose.keypoints, body, BODY_TOLERANCE, f"movenet {variant} on {name} (body)")
        if variant == "multipose":
            assert len(poses) == 1 and pose.box is not None and pose.score >= 0.2
            # every found head point lies inside the person's box
            assert all(pose.box.x <= x <= pose.box.x2 and pose.box.y <= y <= pose.box.y2 for x, y in head.values())


def test_raw_outputs_match_tfjs(model):
    variant, m = model
    _, x, _ = m.preprocess(rgb("camera"))
    assert x.dtype == np.int32 and x.shape == (1,) + m.input_size + (3,) and 0 <= x.min() and x.max() <= 255
    assert_raw_outputs_match(m, movenet.VARIANTS[variant], x)


def test_errors():
    with pytest.raises(InvalidArgumentError, match="lightning"):
        movenet.load("medium")
    graph = catalogue.load_graph("blazeface-front")
    try:
        with pytest.raises(ModelFormatError, match="MoveNet"):
            movenet.MoveNet(graph)
    finally:
        graph.dispose()
