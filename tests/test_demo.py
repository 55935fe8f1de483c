"""The README's main job runs end to end on real data: pretrained models find the astronaut's face and pose,
the planned arena reproduces BlazeFace exactly, and the Iris model learns, saves as TF.js, and loads back."""
import json
import re

import pytest

from tensorweb import demo
from tensorweb.data import iris


def test_iris_data_is_fishers():
    x, y = iris()
    assert x.shape == (150, 4) and list((y == 0).nonzero()[0][[0, -1]]) == [0, 49]
    assert x[0].tolist() == pytest.approx([5.1, 3.5, 1.4, 0.2])  # the first flower of Fisher's table
    assert x[:, 2].max() == pytest.approx(6.9)


def test_demo_runs_the_whole_stack(tmp_path, capsys):
    assert demo.main(["--out", str(tmp_path), "--seed", "0"]) == 0
    out = capsys.readouterr().out
    # one face, around the face of the photo (read off the image: the face spans about x 175..280, y 75..180)
    box = re.search(r"box x=(\d+) y=(\d+) (\d+)×(\d+) px", out)
    x, y, w, h = (int(v) for v in box.groups())
    assert "BlazeFace: 1 face(s)" in out and abs(x + w / 2 - 227) < 20 and abs(y + h / 2 - 127) < 20
    assert "MoveNet lightning: 1 pose(s)" in out
    assert "outputs identical" in out and "predictions identical" in out
    acc = float(re.search(r"Iris held-out accuracy ([0-9.]+)", out).group(1))
    assert acc >= 0.85
    for name in ("astronaut-detections.png", "astronaut-mask.png", "astronaut-portrait.png"):
        assert (tmp_path / name).stat().st_size > 10_000
    model = json.loads((tmp_path / "iris-tfjs" / "model.json").read_text())
    assert model["format"] == "layers-model" and model["weightsManifest"][0]["paths"] == ["group1-shard1of1.bin"]
