"""Face mesh and iris: rotated ROIs and their mapping back on hand-computed cases; the mesh's nose, mouth and
irises where they are on the bundled photos (tests/zoo/photos.py), upright and turned by 25 degrees; raw
outputs of both models equal to the real TF.js's on the same preprocessed inputs."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tensorweb.data import photo
from tensorweb.errors import InvalidArgumentError, ModelFormatError
from tensorweb.zoo import blazeface, catalogue, facemesh
from tensorweb.zoo._common import Box, Keypoint, ZooModel
from tensorweb.zoo._image import Roi, crop, rotation, square_roi, uncrop

from .photos import FACE_BOXES, FACE_POINTS, FACE_TOLERANCE, assert_near, rgb
from .zoo_tfjs import assert_raw_outputs_match

# The mesh's points (468 of them, on a 192 crop) are finer than BlazeFace's 6: nose tip and mouth center
# are held to BlazeFace's tolerance (8% of the face's width, at least 8 px), the iris centers, which the iris
# model finds on a 64×64 crop of one eye, to half of it (at least 4 px).
IRIS_TOLERANCE = {name: max(4.0, t / 2) for name, t in FACE_TOLERANCE.items()}


@pytest.fixture(scope="module")
def mesher():
    with facemesh.load() as model:
        yield model


def _face(eye_r: tuple[float, float], eye_l: tuple[float, float], box: Box) -> blazeface.Face:
    points = {"right_eye": eye_r, "left_eye": eye_l, "nose_tip": (0, 0), "mouth_center": (0, 0),
              "right_ear_tragion": (0, 0), "left_ear_tragion": (0, 0)}
    return blazeface.Face(box, 0.9, {k: Keypoint(k, *xy) for k, xy in points.items()})


# ---- ROIs: hand-computed -------------------------------------------------------------------------------

def test_rotation_as_mediapipe_defines_it():
    assert rotation((0, 0), (10, 0), 0.0) == 0.0                               # level already
    assert rotation((0, 0), (10, 10), 0.0) == pytest.approx(np.pi / 4)         # right end lower: turn +45°
    assert rotation((5, 10), (5, 0), np.pi / 2) == 0.0                         # pointing up already
    assert rotation((0, 0), (-10, 0), 0.0) == pytest.approx(-np.pi)            # normalized to [-pi, pi)


def test_rotated_roi_maps_points():
    roi = Roi.around(100, 50, 40, 20, np.pi / 2)          # its x axis points down the image
    x, y = roi.to_image(np.array([0.5, 1.0, 0.5]), np.array([0.5, 0.5, 1.0]))
    np.testing.assert_allclose(x, [100, 100, 90], atol=1e-9)    # right edge center → below; bottom → left
    np.testing.assert_allclose(y, [50, 70, 50], atol=1e-9)
    sq = square_roi(10, 20, 8, 4, 1.5, 0.3)
    assert (sq.width, sq.height, sq.center, sq.angle) == (12.0, 12.0, (10.0, 20.0), 0.3)


def test_rotated_crop_is_the_turned_axis_aligned_crop():
    image = np.random.default_rng(1).integers(0, 256, (40, 50, 3)).astype(np.uint8)
    upright = crop(image, Roi(5.3, 7.1, 20.0, 20.0), (16, 16))
    turned = crop(image, Roi(5.3, 7.1, 20.0, 20.0, np.pi / 2), (16, 16))
    np.testing.assert_allclose(turned, np.rot90(upright), atol=1e-3)
    np.testing.assert_allclose(crop(image, Roi(5.3, 7.1, 20.0, 20.0, 1e-9), (16, 16)), upright, atol=1e-3)
    with pytest.raises(InvalidArgumentError, match="uncrop"):
        uncrop(upright, Roi(0, 0, 10, 10, 0.1), (20, 20))


def test_face_and_eye_rois():
    face = _face((40, 60), (60, 80), Box(30, 50, 40, 60))         # eyes tilted 45°, box 40×60
    roi = facemesh.face_roi(face)
    assert roi.center == (50, 80) and roi.width == roi.height == pytest.approx(90)   # 1.5 × 60
    assert roi.angle == pytest.approx(np.pi / 4)
    mesh = np.zeros((468, 3), np.float32)
    mesh[33, :2], mesh[133, :2] = (10, 20), (30, 20)                # right eye's corners, level
    mesh[362, :2], mesh[263, :2] = (50, 30), (50, 10)               # left eye's: inner corner → outer is up
    right, left = facemesh.eye_roi(mesh, "right"), facemesh.eye_roi(mesh, "left")
    assert right.center == (20, 20) and right.width == pytest.approx(46) and right.angle == 0.0   # 2.3 × 20
    # the ROI's x axis must run up the image, (cos a, sin a) = (0, -1): a = -90°
    assert left.center == (50, 20) and left.width == pytest.approx(46) and left.angle == pytest.approx(-np.pi / 2)


def test_to_image_scales_z_and_mirrors():
    points = np.array([[0, 0, 4], [192, 96, -8]], np.float32)
    out = facemesh.FaceMesh.to_image(points, Roi(100, 200, 96, 96), 192)
    np.testing.assert_allclose(out, [[100, 200, 2], [196, 248, -4]])
    out = facemesh.FaceMesh.to_image(points, Roi(100, 200, 96, 96), 192, mirrored=True)
    np.testing.assert_allclose(out[:, 0], [196, 100])


# ---- the real photos ----------------------------------------------------------------------------------

def _mesh_points(face: facemesh.MeshFace) -> dict[str, Keypoint]:
    """The mesh's points for what photos.py records: nose tip, mouth center (between the lips), iris centers
    as the eyes (the pupils)."""
    lm = face.landmarks
    mouth = Keypoint("mouth_center", (lm["upper_lip"].x + lm["lower_lip"].x) / 2,
                     (lm["upper_lip"].y + lm["lower_lip"].y) / 2)
    return {"nose_tip": lm["nose_tip"], "mouth_center": mouth, "right_eye": lm["right_iris"],
            "left_eye": lm["left_iris"]}


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper", "camera"])
def test_mesh_where_the_face_is(mesher, name):
    faces = mesher.estimate(photo(name))
    assert len(faces) == 1
    face = faces[0]
    assert face.mesh.shape == (468, 3) and face.mesh.dtype == np.float32 and 0.9 <= face.score <= 1.0
    points = _mesh_points(face)
    read = FACE_POINTS[name]
    assert_near(points, {k: read[k] for k in ("nose_tip", "mouth_center") if k in read}, FACE_TOLERANCE[name],
                f"facemesh on {name}")
    assert_near(points, {k: read[k] for k in ("right_eye", "left_eye") if k in read}, IRIS_TOLERANCE[name],
                f"iris on {name}")
    # the mesh spans the face read off the photo: forehead to chin, cheek to cheek, within 15% of its size
    x1, y1, x2, y2 = FACE_BOXES[name]
    assert np.allclose([face.box.x, face.box.y, face.box.x2, face.box.y2], [x1, y1, x2, y2],
                       atol=0.15 * max(x2 - x1, y2 - y1)), face.box


def test_irises_are_round_and_eye_sized(mesher):
    face = mesher.estimate(photo("grace_hopper"))[0]
    for side in ("right", "left"):
        iris = face.irises[side]
        assert len(iris.edge) == 4
        # the edge points are on a circle: their distances to the center agree within 25%
        d = [np.hypot(p.x - iris.center.x, p.y - iris.center.y) for p in iris.edge]
        assert max(d) <= 1.25 * min(d)
        # an iris (about 12 mm across) is about 40% of the eye's width corner to corner (about 30 mm)
        a, b = facemesh._EYE_CORNERS[side]
        eye = np.hypot(*(face.mesh[a, :2] - face.mesh[b, :2]))
        assert 0.3 * eye <= 2 * iris.radius <= 0.6 * eye


def test_turned_face(mesher):
    """The astronaut turned 25° counter-clockwise (canvas expanded): the mesh turns with her."""
    turned = Image.open(photo("astronaut")).rotate(25, resample=Image.BILINEAR, expand=True)
    width, height = turned.size
    t = np.deg2rad(25)

    def moved(x: float, y: float) -> tuple[float, float]:       # PIL's rotation of a pixel center
        dx, dy = x + 0.5 - 256, y + 0.5 - 256
        return width / 2 + np.cos(t) * dx + np.sin(t) * dy - 0.5, height / 2 - np.sin(t) * dx + np.cos(t) * dy - 0.5

    face = mesher.estimate(np.asarray(turned))[0]
    assert face.roi.angle == pytest.approx(-t, abs=0.1)             # the eyes made level again
    read = FACE_POINTS["astronaut"]
    points = _mesh_points(face)
    assert_near(points, {k: moved(*read[k]) for k in ("nose_tip", "mouth_center")}, FACE_TOLERANCE["astronaut"],
                "facemesh on the turned astronaut")
    assert_near(points, {k: moved(*read[k]) for k in ("right_eye", "left_eye")}, IRIS_TOLERANCE["astronaut"],
                "iris on the turned astronaut")


def test_without_iris(mesher):
    plain = facemesh.FaceMesh(mesher.model, mesher.detector, None)
    face = plain.estimate(photo("astronaut"))[0]
    assert face.irises == {} and "right_iris" not in face.landmarks
    with_iris = mesher.estimate(photo("astronaut"))[0]
    np.testing.assert_array_equal(face.mesh[1], with_iris.mesh[1])            # the nose is the mesh's own
    assert not np.array_equal(face.mesh[159], with_iris.mesh[159])           # an eyelid point was refined


def test_raw_outputs_match_tfjs(mesher):
    image = rgb("grace_hopper")
    face = mesher.detector.detect(image)[0]
    x = mesher.preprocess(image, facemesh.face_roi(face))
    assert x.shape == (1, 192, 192, 3) and 0.0 <= x.min() and x.max() <= 1.0
    assert_raw_outputs_match(mesher, "facemesh", x)
    mesh = mesher.to_image(mesher.run(x, ["output_mesh"])[0].reshape(468, 3), facemesh.face_roi(face), 192)
    eyes, _ = mesher.eye_inputs(image, mesh)
    assert eyes.shape == (2, 64, 64, 3)
    assert_raw_outputs_match(ZooModel(mesher.iris), "iris", eyes)


def test_not_a_mesh_model():
    graph = catalogue.load_graph("blazeface-front")
    try:
        with pytest.raises(ModelFormatError, match="face mesh model"):
            facemesh.FaceMesh(graph, None)
    finally:
        graph.dispose()
