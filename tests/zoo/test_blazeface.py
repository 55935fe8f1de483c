"""BlazeFace: MediaPipe's anchors, decoding and non-max suppression on hand-computed cases; faces found where
they are on the bundled photos (tests/zoo/photos.py); raw outputs equal to the real TF.js's on the same
preprocessed input."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tensorweb.data import photo
from tensorweb.errors import DtypeError, InvalidArgumentError, ModelFormatError, ShapeError
from tensorweb.zoo import blazeface, catalogue, ssd

from .photos import FACE_BOXES, FACE_POINTS, FACE_TOLERANCE, assert_near, rgb
from .zoo_tfjs import assert_raw_outputs_match


@pytest.fixture(scope="module")
def back():
    with blazeface.load() as model:
        yield model


@pytest.fixture(scope="module")
def front():
    with blazeface.load(model="blazeface-front") as model:
        yield model


# ---- anchors, decoding, suppression: hand-computed ------------------------------------------------

def test_anchors_front_layout():
    a = ssd.anchors((128, 128), (8, 16, 16, 16))
    assert a.shape == (896, 2)                      # 16*16*2 + 8*8*6
    np.testing.assert_allclose(a[0], [0.5 / 16, 0.5 / 16])
    np.testing.assert_allclose(a[1], [0.5 / 16, 0.5 / 16])        # two anchors per cell of the first layer
    np.testing.assert_allclose(a[2], [1.5 / 16, 0.5 / 16])        # then the next column
    np.testing.assert_allclose(a[32], [0.5 / 16, 1.5 / 16])       # then the next row
    np.testing.assert_allclose(a[512:518], [[0.5 / 8, 0.5 / 8]] * 6)   # 3 layers of stride 16 share a map
    np.testing.assert_allclose(a[-1], [7.5 / 8, 7.5 / 8])


def test_anchors_back_and_palm_layouts():
    np.testing.assert_array_equal(ssd.anchors((256, 256), (16, 32, 32, 32)), ssd.anchors((128, 128), (8, 16, 16, 16)))
    palm = ssd.anchors((256, 256), (8, 16, 32, 32, 32))
    assert palm.shape == (32 * 32 * 2 + 16 * 16 * 2 + 8 * 8 * 6, 2) == (2944, 2)
    np.testing.assert_allclose(palm[2048], [0.5 / 16, 0.5 / 16])
    assert ssd.anchors((224, 224), (8, 16, 32, 32, 32)).shape == (2254, 2)    # ceil(224/32) = 7


def test_decode_hand_computed():
    anchors = np.array([[0.5, 0.5], [0.25, 0.75]], dtype=np.float32)
    raw = np.array([[12.8, -6.4, 64.0, 32.0, 0.0, 0.0, 25.6, 12.8],
                    [0.0, 0.0, 128.0, 128.0, -12.8, 0.0, 0.0, 0.0]], dtype=np.float32)
    boxes, kps = ssd.decode(raw, anchors, (128, 128))
    np.testing.assert_allclose(boxes, [[0.6, 0.45, 0.5, 0.25], [0.25, 0.75, 1.0, 1.0]], atol=1e-6)
    np.testing.assert_allclose(kps, [[[0.5, 0.5], [0.7, 0.6]], [[0.15, 0.75], [0.25, 0.75]]], atol=1e-6)
    with pytest.raises(InvalidArgumentError, match="SSD decode"):
        ssd.decode(raw[:, :7], anchors, (128, 128))


def _nms_case():
    boxes = np.array([[0.5, 0.5, 0.2, 0.2], [0.52, 0.5, 0.2, 0.2], [0.1, 0.1, 0.1, 0.1], [0.9, 0.9, 0.1, 0.1]],
                     dtype=np.float32)
    kps = np.array([[[0.5, 0.5]], [[0.6, 0.5]], [[0.1, 0.1]], [[0.9, 0.9]]], dtype=np.float32)
    scores = np.array([0.9, 0.6, 0.7, 0.4], dtype=np.float32)
    return scores, boxes, kps


def test_iou_hand_computed():
    _, boxes, _ = _nms_case()
    # A and B: overlap 0.18 x 0.2 = 0.036, union 0.04 + 0.04 - 0.036 = 0.044
    np.testing.assert_allclose(ssd.iou(boxes[0], boxes), [1.0, 0.036 / 0.044, 0.0, 0.0], rtol=1e-5)


def test_weighted_nms_hand_computed():
    found = ssd.non_max_suppression(*_nms_case(), iou_threshold=0.3, score_threshold=0.5)
    np.testing.assert_allclose(found.scores, [0.9, 0.7])        # D is below the threshold
    # A absorbs B: score-weighted mean (0.9 * A + 0.6 * B) / 1.5
    np.testing.assert_allclose(found.boxes[0], [(0.9 * 0.5 + 0.6 * 0.52) / 1.5, 0.5, 0.2, 0.2], rtol=1e-6)
    np.testing.assert_allclose(found.keypoints[0, 0], [(0.9 * 0.5 + 0.6 * 0.6) / 1.5, 0.5], rtol=1e-6)
    np.testing.assert_allclose(found.boxes[1], [0.1, 0.1, 0.1, 0.1])


def test_plain_nms_and_limits():
    scores, boxes, kps = _nms_case()
    found = ssd.non_max_suppression(scores, boxes, kps, 0.3, 0.5, weighted=False)
    np.testing.assert_array_equal(found.boxes, boxes[[0, 2]])
    np.testing.assert_array_equal(found.keypoints, kps[[0, 2]])
    assert len(ssd.non_max_suppression(scores, boxes, kps, 0.3, 0.5, max_detections=1).scores) == 1
    # a higher IoU threshold keeps B too; ties in score go to the lower index
    found = ssd.non_max_suppression(np.array([0.8, 0.8, 0.8, 0.8], np.float32), boxes, kps, 0.9, 0.5, weighted=False)
    np.testing.assert_array_equal(found.boxes, boxes)
    empty = ssd.non_max_suppression(scores, boxes, kps, 0.3, 0.95)
    assert empty.boxes.shape == (0, 4) and empty.keypoints.shape == (0, 1, 2)


def test_sigmoid_clips_without_overflow():
    s = ssd.sigmoid(np.array([-1000.0, 0.0, 1000.0], dtype=np.float32))
    assert s.dtype == np.float32 and s[0] < 1e-40 and s[1] == 0.5 and s[2] == 1.0


# ---- the real photos ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["astronaut", "grace_hopper", "camera"])
def test_faces_where_they_are(back, name):
    faces = back.detect(photo(name))
    assert len(faces) == 1, f"{name}: expected one face, got {len(faces)}: {faces}"
    face = faces[0]
    assert 0.5 <= face.score <= 1.0
    assert list(face.landmarks) == list(blazeface.LANDMARKS)
    assert_near(face.landmarks, FACE_POINTS[name], FACE_TOLERANCE[name], f"blazeface on {name}")
    x1, y1, x2, y2 = FACE_BOXES[name]
    cx, cy = face.box.center
    assert abs(cx - (x1 + x2) / 2) <= 0.15 * (x2 - x1) and abs(cy - (y1 + y2) / 2) <= 0.15 * (y2 - y1)
    assert 0.8 <= face.box.width / (x2 - x1) <= 1.4


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_front_model_faces(front, name):
    faces = front.detect(photo(name))
    assert len(faces) == 1
    assert_near(faces[0].landmarks, FACE_POINTS[name], FACE_TOLERANCE[name], f"blazeface-front on {name}")


def test_boxes_in_input_pixels_whatever_the_size(back):
    """The same face in a half-size copy, and in a wide canvas (letterboxed to the square input), lands where
    it is in each input."""
    image = rgb("astronaut")
    half = np.asarray(Image.fromarray(image).resize((256, 256), Image.BILINEAR))
    face = back.detect(half)[0]
    assert_near(face.landmarks, {k: (x / 2, y / 2) for k, (x, y) in FACE_POINTS["astronaut"].items()}, 5.0,
                "half-size astronaut")
    wide = np.full((512, 900, 3), 128, np.uint8)
    wide[:, 300:812] = image
    face = back.detect(wide)[0]
    assert_near(face.landmarks, {k: (x + 300, y) for k, (x, y) in FACE_POINTS["astronaut"].items()},
                FACE_TOLERANCE["astronaut"] + 2, "astronaut in a 900x512 canvas")


def test_inputs_path_pil_array_agree(back):
    a = back.detect(photo("astronaut"))
    b = back.detect(Image.open(photo("astronaut")))
    c = back.detect(rgb("astronaut"))
    assert a == b == c


def test_raw_outputs_match_tfjs(back, front):
    for model, name in ((back, "blazeface"), (front, "blazeface-front")):
        _, x, _ = model.preprocess(photo("astronaut"))
        assert x.shape == (1,) + model.input_size + (3,) and -1.0 <= x.min() and x.max() <= 1.0
        assert_raw_outputs_match(model, name, x)


def test_bad_inputs(back):
    with pytest.raises(DtypeError, match="uint8"):
        back.detect(np.zeros((64, 64, 3), np.float32))
    with pytest.raises(ShapeError, match="H×W×3"):
        back.detect(np.zeros((64, 64, 2), np.uint8))
    with pytest.raises(FileNotFoundError, match="no_such.jpg"):
        back.detect("no_such.jpg")
    with pytest.raises(InvalidArgumentError, match="expected an image"):
        back.detect(42)


def test_not_a_blazeface_model():
    graph = catalogue.load_graph("movenet-lightning")
    try:
        with pytest.raises(ModelFormatError, match="BlazeFace"):
            blazeface.BlazeFace(graph)
    finally:
        graph.dispose()


# ---- MediaPipe's later face detectors (one fused output) ----------------------------------------------

def test_full_range_anchor_layout():
    a = ssd.anchors((192, 192), (4,), per_layer=1)
    assert a.shape == (2304, 2)                     # one anchor per cell of a 48×48 grid
    np.testing.assert_allclose(a[:2], [[0.5 / 48, 0.5 / 48], [1.5 / 48, 0.5 / 48]])
    np.testing.assert_allclose(a[48], [0.5 / 48, 1.5 / 48])


@pytest.mark.parametrize("model, photos", [("facemesh-detection-short", ("astronaut", "grace_hopper")),
                                           ("facemesh-detection-full", ("astronaut", "grace_hopper", "camera"))])
def test_fused_detectors_find_the_faces(model, photos):
    """The short-range model is the front (selfie) network in one output: like blazeface-front it is held to
    the two frontal faces. The full-range one finds all three; on the camera profile its ear tragion lies
    15 px forward of the ear, so the ear is left out there."""
    with blazeface.load(model=model) as detector:
        assert detector.fused and len(detector.anchors) == {"facemesh-detection-short": 896,
                                                            "facemesh-detection-full": 2304}[model]
        for name in photos:
            faces = detector.detect(photo(name))
            assert len(faces) == 1, f"{model} on {name}: {faces}"
            points = {k: v for k, v in FACE_POINTS[name].items() if k != "right_ear_tragion"}
            assert_near(faces[0].landmarks, points, FACE_TOLERANCE[name], f"{model} on {name}")
        _, x, _ = detector.preprocess(photo("grace_hopper"))
        assert_raw_outputs_match(detector, model, x)
