"""Helpers shared by the layer tests: run a Keras fixture case (tests/layers/fixtures, made with the real
Keras 3), config round trips, symbolic-vs-eager checks, and differentiating through a layer's weight."""
import functools
import json
from pathlib import Path

import numpy as np

import tensorweb as tw
import tensorweb.layers as L
from tensorweb.layers.serialization import deserialize, serialize

FIXTURES = Path(__file__).parent / "fixtures"


@functools.lru_cache(maxsize=None)
def _fixture_data():
    """The committed Keras cases by name, and their arrays (a missing file is an error, never a skip)."""
    doc = json.loads((FIXTURES / "keras_layers.json").read_text())
    with np.load(FIXTURES / "keras_layers.npz") as z:
        arrays = {k: z[k] for k in z.files}
    return {c["name"]: c for c in doc["cases"]}, arrays


def keras_cases(classes=None):
    """The fixture cases of these layer classes (all cases when None), in file order."""
    return [c for c in _fixture_data()[0].values() if classes is None or c["class_name"] in classes]


def keras_case(name):
    """(case, arrays) of one fixture case."""
    cases, arrays = _fixture_data()
    return cases[name], arrays


def keras_arrays():
    return _fixture_data()[1]


def run_keras_case(name):
    """Rebuilds the layer from Keras' config, loads Keras' weights, checks the weight names, outputs, config
    keys, output shape and (when recorded) the output mask against the fixture."""
    c, arrays = keras_case(name)
    layer = deserialize({"class_name": c["class_name"], "config": c["config"]}, "layer")
    named = {i["name"]: arrays[i["key"]] for i in c["inputs"]}

    def res(a):
        return [tw.tensor(named[n]) for n in a] if isinstance(a, list) else tw.tensor(named[a])
    args = [res(a) for a in c["call_args"]]
    kwargs = {k: res(v) for k, v in c["call_kwargs"].items()}
    layer(*args, **kwargs)
    assert layer.weight_paths() == c["weight_names"]
    layer.set_weights([arrays[k] for k in c["weights"]])
    out = layer(*args, training=c["training"], **kwargs)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    assert len(outs) == len(c["outputs"])
    for o, key in zip(outs, c["outputs"]):
        np.testing.assert_allclose(o.numpy(), arrays[key], rtol=1e-5, atol=1e-5, err_msg=name)
    ours = json.loads(json.dumps(layer.get_config()))
    for k, v in c["config"].items():
        assert ours.get(k) == v, f"{name}: config[{k!r}] = {ours.get(k)!r}, Keras has {v!r}"
    first = args[0]
    in_shape = [tuple(t.shape) for t in first] if isinstance(first, list) else tuple(first.shape)
    assert list(layer.compute_output_shape(in_shape)) == c["output_shapes"][0]
    if c.get("output_mask"):
        m = layer.compute_mask(first, None)
        np.testing.assert_array_equal(m.numpy(), arrays[c["output_mask"]])
    return layer


def round_trip(layer):
    """get_config -> JSON -> from_config gives an equal config."""
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    assert json.loads(json.dumps(clone.get_config())) == config
    ser = json.loads(json.dumps(serialize(layer)))
    again = deserialize(ser, "layer")
    assert type(again) is type(layer)
    return clone


def symbolic_matches(layer, shapes, data, dtype="float32"):
    """Input(s) -> layer -> Model: the symbolic output shape is compute_output_shape's (batch None), and the
    model computes what the layer computes eagerly."""
    multi = isinstance(shapes, list)
    ins = [L.Input(s, dtype=dtype) for s in shapes] if multi else L.Input(shapes, dtype=dtype)
    out = layer(ins)
    expected = layer.compute_output_shape([(None, *s) for s in shapes] if multi else (None, *shapes))
    assert tuple(out.shape) == tuple(expected)
    model = L.Model(ins, out)
    y = model(data)
    np.testing.assert_allclose(y.numpy(), layer(data).numpy(), rtol=1e-6, atol=1e-6)
    assert y.shape[1:] == tuple(expected)[1:]
    return model


def with_weight(layer, attr, x):
    """f(w) = layer(x) with the weight `attr` replaced by the tensor w (to differentiate through weights)."""
    def f(w):
        saved = getattr(layer, attr)
        object.__setattr__(layer, attr, w)
        try:
            return layer(x)
        finally:
            object.__setattr__(layer, attr, saved)
    return f
