"""BlazePose: the pose ROI and heatmap refinement on hand-computed cases, landmarks on the bundled photos,
raw outputs of the detector and the three landmark models equal to the real TF.js's on the same
preprocessed inputs.

The bundled photos are head-and-shoulders portraits, and BlazePose is made for whole bodies: its detector
extrapolates the hips below the frame, so the landmark model sees the person in a ROI 700 to 1340 pixels on a
side at 256×256 (3 to 5 image pixels per input pixel). On these photos its head points are accurate and are
held to 2 heatmap cells (2/64 of the ROI's side); its shoulders land 10 to 90 px from where they were read
(inside the bulky suit, the uniform), so only their order is checked: the person's right shoulder left of
the left one in the image (all three face the camera or turn to its right), both below the eyes.
"""
from __future__ import annotations

import numpy as np
import pytest

from tensorweb.data import photo
from tensorweb.errors import InvalidArgumentError, ModelFormatError
from tensorweb.zoo import blazepose, catalogue
from tensorweb.zoo._common import ZooModel
from tensorweb.zoo._image import prepare

from .photos import BODY_POINTS, HAND_BOXES, assert_near, rgb
from .zoo_tfjs import assert_raw_outputs_match

HEAD = ("nose", "right_eye", "left_eye", "right_ear")
# The heatmap and segmentation heads, which float32 does not determine to 1e-4 (tests/interop/
# test_graph_models.py's FLOAT32_LIMITED): held to the coarse rule; the landmarks, flag and world points to 1e-4.
COARSE = ("Identity:0", "Identity_1:0")


@pytest.fixture(scope="module")
def full():
    with blazepose.load("full") as model:
        yield model


# ---- ROI and refinement: hand-computed ----------------------------------------------------------------

def test_pose_roi():
    roi = blazepose.pose_roi((100, 200), (100, 100))            # radius point straight up: no turn
    assert roi.center == (100, 200) and roi.width == roi.height == pytest.approx(250) and roi.angle == 0
    roi = blazepose.pose_roi((100, 200), (180, 200))            # body lying to the right
    assert roi.width == pytest.approx(200) and roi.angle == pytest.approx(np.pi / 2)
    x, y = roi.to_image(0.5, 0.0)                               # the ROI's top edge center is to the right
    assert (x, y) == pytest.approx((200, 200))


def test_refine_with_heatmap():
    heatmap = np.zeros((5, 5, 3), np.float32)
    heatmap[1, 3, 0], heatmap[2, 2, 0] = 1.0, 0.6
    heatmap[0, 1, 1] = 0.4                                      # below min_confidence: not refined
    heatmap[2, 4, 2] = 0.9                                      # but its point is outside the heatmap
    points = np.array([[0.5, 0.5], [0.1, 0.1], [1.2, 0.5]], np.float32)
    out = blazepose.refine_with_heatmap(points, heatmap, kernel=3)
    # point 0's cell (2, 2), window rows and cols 1..3: col (3·1 + 2·0.6) / 1.6, row (1·1 + 2·0.6) / 1.6
    np.testing.assert_allclose(out[0], [4.2 / 1.6 / 5, 2.2 / 1.6 / 5], rtol=1e-6)
    np.testing.assert_array_equal(out[1:], points[1:])
    heatmap[0, 0, 1] = 0.8                                      # the window is cut at the corner: rows, cols 0..1
    out = blazepose.refine_with_heatmap(points, heatmap, kernel=3)
    np.testing.assert_allclose(out[1], [(0 * 0.8 + 1 * 0.4) / 1.2 / 5, 0.0], atol=1e-7)
    with pytest.raises(InvalidArgumentError, match="refine_with_heatmap"):
        blazepose.refine_with_heatmap(points[:2], heatmap)


def test_skeleton_names_landmarks():
    assert len(blazepose.LANDMARKS) == 33 and len(set(blazepose.LANDMARKS)) == 33
    assert all(a in blazepose.LANDMARKS and b in blazepose.LANDMARKS for a, b in blazepose.SKELETON)


# ---- the real photos ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["astronaut", "grace_hopper", "camera"])
def test_landmarks_on_photos(full, name):
    poses = full.estimate(photo(name))
    assert len(poses) == 1
    pose = poses[0]
    assert list(pose.keypoints) == list(blazepose.LANDMARKS) and 0.5 <= pose.score <= 1.0
    assert pose.points.shape == (33, 5) and pose.world.shape == (33, 3)
    np.testing.assert_array_equal(pose.points[:, 3], [k.score for k in pose.keypoints.values()])
    head = {k: xy for k, xy in BODY_POINTS[name].items() if k in HEAD}
    assert_near(pose.keypoints, head, 2 * pose.roi.width / 64, f"blazepose on {name}")
    kp = pose.keypoints
    eyes_y = max(kp["right_eye"].y, kp["left_eye"].y)
    assert kp["right_shoulder"].x < kp["left_shoulder"].x
    assert kp["right_shoulder"].y > eyes_y and kp["left_shoulder"].y > eyes_y
    # world landmarks are metres around the hips (y down): the nose is above them, 0.4 to 1 m away (an
    # adult's nose is about 0.7 m from the middle of the hips, whether upright or bent forward)
    assert pose.world[0, 1] < 0 and 0.4 <= np.linalg.norm(pose.world[0]) <= 1.0


def test_hands_of_crossed_arms(full):
    """obama.jpg: arms crossed, each hand on the other arm (tests/zoo/photos.py). The left wrist and index
    finger land on the left hand (the fist at the image's left), the right index finger on the right hand's
    fingers (the right wrist is hidden under the left arm)."""
    kp = full.estimate(photo("obama"))[0].keypoints
    hands = HAND_BOXES["obama"]
    for point, hand in (("left_wrist", "left_hand"), ("left_index", "left_hand"), ("right_index", "right_hand")):
        x1, y1, x2, y2 = hands[hand]
        assert x1 <= kp[point].x <= x2 and y1 <= kp[point].y <= y2, (point, kp[point], hands[hand])


def test_raw_outputs_match_tfjs(full):
    image = rgb("camera")
    _, x, _ = prepare(image, full.detector_size)
    x = (x / 127.5 - 1.0)[None].astype(np.float32)
    assert_raw_outputs_match(ZooModel(full.detector), "blazepose-detector", x)
    crop = full.preprocess(image, full.detect(image)[0])
    assert crop.shape == (1, 256, 256, 3) and 0.0 <= crop.min() and crop.max() <= 1.0
    assert_raw_outputs_match(full, "blazepose-full", crop, COARSE)
    for variant in ("lite", "heavy"):
        with blazepose.load(variant) as model:
            assert_raw_outputs_match(model, f"blazepose-{variant}", crop, COARSE)


def test_errors():
    with pytest.raises(InvalidArgumentError, match="variant"):
        blazepose.load("medium")
    graph = catalogue.load_graph("blazeface-front")
    try:
        with pytest.raises(ModelFormatError, match="pose detector"):
            blazepose.BlazePose(graph, graph)
    finally:
        graph.dispose()
