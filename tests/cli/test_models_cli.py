"""`tensorweb summary` and `tensorweb predict` on a real TF.js graph model (BlazeFace of human-models)."""
import collections
import json

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.cli import main
from tests.interop import human_models as hm


@pytest.fixture(scope="module")
def blazeface():
    return hm.model_path("blazeface")


def test_summary_lists_ops_weights_inputs_and_outputs(blazeface, capsys):
    assert main(["summary", str(blazeface)]) == 0
    out = capsys.readouterr().out
    model = json.loads(blazeface.read_text())
    ops = collections.Counter(n["op"] for n in model["modelTopology"]["node"])
    assert "TF.js graph model" in out
    assert f"nodes: {sum(ops.values())}" in out
    for op, count in ops.items():
        assert any(line.split() == [op, str(count)] for line in out.splitlines()), op
    n_weights = sum(len(g["weights"]) for g in model["weightsManifest"])
    assert f"weights: {n_weights} tensors" in out
    assert "input:0" in out and "[1, 256, 256, 3]" in out
    assert "Identity:0" in out


def test_predict_npy_and_named_outputs(blazeface, tmp_path, capsys):
    x = np.random.default_rng(0).random((1, 256, 256, 3), dtype=np.float32)
    np.save(tmp_path / "x.npy", x)
    assert main(["predict", str(blazeface), str(tmp_path / "x.npy")]) == 0
    out = capsys.readouterr().out.splitlines()
    model = tw.load_graph_model(blazeface)
    want = model.predict(tw.tensor(x))
    want = want if isinstance(want, list) else [want]
    assert len(out) == len(model.outputs) == len(want)
    for line, info, w in zip(out, model.outputs, want):
        name, dtype, shape = line.split()[:3]
        assert (name, dtype) == (info.name, "float32")
        assert line.split("[")[1].split("]")[0].replace(" ", "") == ",".join(map(str, w.shape))
        assert f"max {w.numpy().max():.4g}" in line
    assert main(["predict", str(blazeface), str(tmp_path / "x.npy"), "--outputs", "Identity_1:0"]) == 0
    assert capsys.readouterr().out.startswith("Identity_1:0")


def test_predict_image_and_bad_input(blazeface, tmp_path, capsys):
    from tensorweb.vis.image import save_image
    img = (np.random.default_rng(1).random((100, 80, 3)) * 255).astype(np.uint8)
    save_image(img, tmp_path / "x.png")
    assert main(["predict", str(blazeface), str(tmp_path / "x.png")]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4
    assert main(["predict", str(blazeface), str(tmp_path / "missing.npy")]) == 2
    assert "error" in capsys.readouterr().err
