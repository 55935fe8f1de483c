"""vis.draw: boxes, keypoints with skeleton edges, masks, and whole results drawn where they belong."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from tensorweb.errors import ShapeError
from tensorweb.vis.draw import draw_boxes, draw_keypoints, draw_mask, draw_results
from tensorweb.zoo._common import Box, Keypoint, Pose


def test_box_outline_and_label():
    image = np.zeros((100, 120, 3), np.uint8)
    out = draw_boxes(image, [Box(20, 30, 40, 50)], ["face 0.9"], color=(255, 0, 0))
    assert out[30, 40].tolist() == [255, 0, 0] and out[55, 20].tolist() == [255, 0, 0]   # top and left edges
    assert out[55, 40].tolist() == [0, 0, 0]                                              # inside untouched
    assert (out[15:30, 20:70] != 0).any()                                                 # the label above
    assert image.max() == 0                                                               # input unchanged


def test_keypoints_and_edges():
    image = np.zeros((50, 50, 3), np.uint8)
    pts = [Keypoint("a", 10, 10, 0.9), Keypoint("b", 40, 10, 0.9), Keypoint("c", 25, 40, 0.05)]
    out = draw_keypoints(image, pts, color=(0, 255, 0), min_score=0.2, edges=[("a", "b"), ("a", "c")])
    assert out[10, 10].tolist() == [0, 255, 0] and out[10, 40].tolist() == [0, 255, 0]
    assert out[10, 25].any()                       # the a-b edge
    assert not out[40, 25].any() and not out[25, 17].any()     # c is below min_score: no dot, no edge


def test_mask_blend():
    image = np.full((4, 4, 3), 100, np.uint8)
    mask = np.zeros((4, 4), np.float32)
    mask[0, 0] = 1.0
    out = draw_mask(image, mask, color=(200, 0, 0), alpha=0.5)
    assert out[0, 0].tolist() == [150, 50, 50] and out[3, 3].tolist() == [100, 100, 100]
    with pytest.raises(ShapeError, match="mask"):
        draw_mask(image, np.zeros((3, 4)))
    with pytest.raises(ShapeError, match="uint8"):
        draw_boxes(np.zeros((4, 4)), [])


def test_results_of_any_kind():
    @dataclass
    class Thing:
        box: Box
        score: float
        label: str

    image = np.zeros((80, 80, 3), np.uint8)
    pose = Pose({"nose": Keypoint("nose", 60, 60, 0.9)}, 0.9)
    out = draw_results(image, [Thing(Box(5, 20, 20, 20), 0.5, "hand"), pose])
    assert out[20, 10].any() and out[60, 60].any() and not out[50, 10].any()


def test_mesh_dots_and_iris_circles():
    from tensorweb.vis.draw import draw_mesh
    from tensorweb.zoo.facemesh import Iris

    @dataclass
    class Face:
        mesh: np.ndarray
        irises: dict

    iris = Iris(Keypoint("right_iris", 30, 30), (Keypoint("e", 36, 30),) * 4)
    face = Face(np.array([[5.2, 6.9, 0.0], [-4.0, 3.0, 0.0], [49.0, 49.0, 1.0]]), {"right": iris})
    image = np.zeros((50, 50, 3), np.uint8)
    out = draw_mesh(image, [face], color=(0, 255, 0), iris_color=(255, 0, 0))
    assert out[7, 5].tolist() == [0, 255, 0] and out[49, 49].tolist() == [0, 255, 0]     # rounded to pixels
    assert out[30, 36].tolist() == [255, 0, 0] and not out[30, 30].any()                 # circle, radius 6
    assert int((out[..., 1] == 255).sum()) == 2 and image.max() == 0                     # off-image dot dropped
