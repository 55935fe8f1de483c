"""The bundled photos and what a person reads off them, for checking the zoo's models.

How the positions were read: each photo was drawn 2× to 6× enlarged with a labelled pixel grid every 10 (or
25) pixels and looked at; a point is the pixel at the center of the feature (the pupil for an eye, the tip of
the nose, the middle of the mouth between the lips, the ear's tragion), rounded to the pixel. Coordinates are
image pixels of the bundled JPEGs (x right, y down). "right"/"left" are the person's own.
"""
from __future__ import annotations

import numpy as np

from tensorweb.data import photo
from tensorweb.zoo._image import to_rgb

# (x, y) read off the photos
FACE_POINTS = {
    "astronaut": {"right_eye": (203, 101), "left_eye": (245, 102), "nose_tip": (224, 126),
                  "mouth_center": (225, 146)},
    "grace_hopper": {"right_eye": (220, 187), "left_eye": (305, 185), "nose_tip": (261, 241),
                     "mouth_center": (260, 275)},
    # a profile: the left eye and the mouth's far side are hidden
    "camera": {"right_eye": (235, 148), "nose_tip": (252, 168), "mouth_center": (237, 178),
               "right_ear_tragion": (188, 138)},
}
# the face's extent (x1, y1, x2, y2): hairline or hat brim to chin, cheek to cheek
FACE_BOXES = {"astronaut": (180, 75, 268, 178), "grace_hopper": (165, 140, 365, 330),
              "camera": (185, 118, 262, 197)}
# Tolerance for landmark positions: BlazeFace's 6 landmarks are coarse (a few percent of the face), so a
# point must lie within 8% of the face box's width of where it was read (7, 16 and 6 px; at least 8 px).
FACE_TOLERANCE = {name: max(8.0, 0.08 * (b[2] - b[0])) for name, b in FACE_BOXES.items()}

# body joints under clothes are read as the middle of the limb's outline at the joint: tolerance 30 px
BODY_POINTS = {
    "astronaut": {"nose": (224, 126), "right_eye": (203, 101), "left_eye": (245, 102),
                  "right_shoulder": (100, 262), "left_shoulder": (320, 268)},
    "grace_hopper": {"nose": (261, 241), "right_eye": (220, 187), "left_eye": (305, 185),
                     "right_shoulder": (75, 420), "left_shoulder": (455, 420)},
    "camera": {"nose": (252, 168), "right_eye": (235, 148), "right_ear": (188, 138),
               "right_shoulder": (105, 168), "right_wrist": (190, 235), "left_wrist": (280, 238)},
}
# Hands on obama.jpg, each the extent (x1, y1, x2, y2) of its visible skin, read 5× enlarged with a 10 px
# grid. His arms are crossed, each hand on the other arm: his left hand is the fist at the image's left, the
# watch on its wrist against the shirt cuff; of his right hand, at the image's right, the four fingers show
# on his left sleeve (the palm is under his left arm).
HAND_BOXES = {"obama": {"left_hand": (109, 483, 175, 548), "right_hand": (317, 432, 416, 512)}}

# head keypoints of the pose models: 12 px, or the face tolerance where the face is larger
HEAD_TOLERANCE = {name: max(12.0, t) for name, t in FACE_TOLERANCE.items()}
BODY_TOLERANCE = 30.0


def rgb(name: str) -> np.ndarray:
    return to_rgb(photo(name))


def distance(point, xy) -> float:
    return float(np.hypot(point.x - xy[0], point.y - xy[1]))


def assert_near(points: dict, expected: dict, tolerance: float, what: str) -> None:
    """Each expected named point is within `tolerance` pixels of the found one."""
    far = {k: (round(points[k].x, 1), round(points[k].y, 1), xy, round(distance(points[k], xy), 1))
           for k, xy in expected.items() if distance(points[k], xy) > tolerance}
    assert not far, f"{what}: points farther than {tolerance:.0f} px from where they were read " \
                    f"(found x, found y, read, distance): {far}"
