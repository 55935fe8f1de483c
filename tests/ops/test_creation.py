import numpy as np
import pytest

import tensorweb as tw


def test_range_counts_down_with_the_default_step_like_tfjs():
    # TF.js's Range flips a step of 1 to -1 when stop < start; any other positive step gives an empty range
    assert tw.range(4, 0).tolist() == [4.0, 3.0, 2.0, 1.0]
    assert tw.range(3, -1, 1, "int32").tolist() == [3, 2, 1, 0]
    assert tw.range(4, 0, 2).shape == (0,)
    assert tw.range(0, 4, -1).shape == (0,)
    assert tw.range(5, -2, -2).tolist() == [5.0, 3.0, 1.0, -1.0]
    np.testing.assert_allclose(tw.range(0, 2.5, 0.5).numpy(), [0, 0.5, 1, 1.5, 2])


def test_range_refuses_zero_step():
    with pytest.raises(tw.errors.InvalidArgumentError, match="range"):
        tw.range(0, 3, 0)
