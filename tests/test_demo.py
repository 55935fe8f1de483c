"""The README's main job runs and learns: Iris, with the Ops API and with the Layers API."""
import re

import pytest

from tensorweb import demo
from tensorweb.data import iris


def test_iris_data_is_fishers():
    x, y = iris()
    assert x.shape == (150, 4) and list((y == 0).nonzero()[0][[0, -1]]) == [0, 49]
    assert x[0].tolist() == pytest.approx([5.1, 3.5, 1.4, 0.2])  # the first flower of Fisher's table
    assert x[:, 2].max() == pytest.approx(6.9)


def test_demo_trains_both_apis_to_high_held_out_accuracy(capsys):
    assert demo.main(["--epochs", "300", "--seed", "0"]) == 0
    out = capsys.readouterr().out
    ops_acc, layers_acc = (float(v) for v in re.search(
        r"held-out accuracy: ops API ([0-9.]+), layers API ([0-9.]+)", out).groups())
    assert ops_acc >= 0.85 and layers_acc >= 0.85
    losses = [float(v) for v in re.findall(r"step +\d+ +loss ([0-9.]+)", out)]
    assert losses[-1] < losses[0] / 10
    assert "Total params: 131" in out  # (4*16 + 16) + (16*3 + 3), in Keras' summary table
