"""The README's main job runs and learns: Iris trained with ops + autodiff + Adam."""
import re

import pytest

from tensorweb import demo
from tensorweb.data import iris


def test_iris_data_is_fishers():
    x, y = iris()
    assert x.shape == (150, 4) and list((y == 0).nonzero()[0][[0, -1]]) == [0, 49]
    assert x[0].tolist() == pytest.approx([5.1, 3.5, 1.4, 0.2])  # the first flower of Fisher's table
    assert x[:, 2].max() == pytest.approx(6.9)


def test_demo_trains_to_high_held_out_accuracy(capsys):
    assert demo.main(["--epochs", "300", "--seed", "0"]) == 0
    out = capsys.readouterr().out
    acc = float(re.search(r"held-out accuracy: ([0-9.]+)", out).group(1))
    assert acc >= 0.85
    losses = [float(v) for v in re.findall(r"loss ([0-9.]+)", out)]
    assert losses[-1] < losses[0] / 10
