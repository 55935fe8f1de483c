"""The real TF.js (4.22, cpu, in Node through tests/interop/graph_models.js) on a zoo model's preprocessed
input, and the comparison rule of tests/interop/test_graph_models.py (1e-4 relative, floored at the
output's mean magnitude; ints exact)."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from tensorweb.zoo import catalogue, npm

from ..interop import human_models as hm
from ..interop.test_graph_models import mismatch
from ..interop.tfjs import harness_ready


def tfjs_outputs(name: str, x: np.ndarray, outputs: list[str]) -> dict[str, np.ndarray]:
    """TF.js's `outputs` of catalogue model `name` on input x, cached in the tensorweb cache by content."""
    missing = harness_ready()
    if missing:
        pytest.fail(f"the TF.js interop harness is not installed: {missing}")
    node = hm.input_specs(name)[0][0]
    key = hashlib.sha256()
    for part in (hm.tfjs_version(), catalogue.INTEGRITY, name, json.dumps(outputs), f"{x.dtype.str}{x.shape}"):
        key.update(part.encode() + b"\0")
    key.update(x.tobytes())
    out = npm.cache_root() / "tfjs-outputs" / f"zoo-{name}-{key.hexdigest()[:20]}"
    return hm.run_graph_model(catalogue.resolve(name), {node: x}, outputs, out)


def assert_raw_outputs_match(model, name: str, x: np.ndarray, coarse: tuple[str, ...] = ()) -> None:
    """Every output of the zoo model (a ZooModel: its `.model` runs) on x, by the tensor names TF.js returns by
    default, equals TF.js's under the interop rule; the outputs named in `coarse` under its coarse rule (1e-2
    of the output's largest magnitude), for those that float32 does not determine to 1e-4 (the interop
    suite's FLOAT32_LIMITED gives the evidence)."""
    names = hm.output_names(name)
    got = dict(zip(names, model.run(x, names)))
    want = tfjs_outputs(name, x, names)
    problems = {k: why for k in names if (why := mismatch(got[k], want[k], coarse=k in coarse)) is not None}
    assert not problems, f"{name}: outputs differ from TF.js: {problems}"
