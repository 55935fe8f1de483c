"""Layers models in TF.js's layers-model format (tensorweb.layers.saving), against the real TF.js 4.22:
tests/interop/layers_models.js loads the models tensorweb writes and made the models in
fixtures/tfjs_models (`cd tests/interop && node layers_models.js make ../layers/fixtures/tfjs_models`).
Round trips cover every Keras layer case of fixtures/keras_layers.json, plain and quantized."""
import json
import os
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest

import tensorweb as tw
import tensorweb.layers as L
from tensorweb.errors import InvalidArgumentError, ModelFormatError
from tensorweb.io.quantization import dequantize, quantize
from tensorweb.layers import saving
from tensorweb.layers.serialization import deserialize

from ..interop.tfjs import harness_ready
from .keras_fixtures import keras_case, keras_cases

TFJS_MODELS = Path(__file__).parent / "fixtures" / "tfjs_models"
NODE_SCRIPT = Path(__file__).parents[1] / "interop" / "layers_models.js"
TFJS_CASES = {c["name"]: c for c in json.loads((TFJS_MODELS / "cases.json").read_text())["cases"]}
QUANT_STEP = {"uint8": 255, "uint16": 65535}


# ---- helpers -------------------------------------------------------------------------------------------

def array(t):
    return np.array(t["values"], dtype=t.get("dtype", "float32")).reshape(t["shape"])


def as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def predict(model, feed):
    return as_list(model.predict(feed if len(feed) > 1 else feed[0], verbose=0))


def quietly_save(model, target, **kwargs):
    """model.save, returning the TF.js-support warning it gave (None when TF.js can load the model)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.save(target, **kwargs)
    gaps = [str(w.message) for w in caught if "TF.js 4.22" in str(w.message)]
    return gaps[0] if gaps else None


def case_model(name):
    """A functional model around the Keras fixture case's layer (its inputs as Inputs), with Keras' weights,
    and the case's input arrays."""
    c, arrays = keras_case(name)
    layer = deserialize({"class_name": c["class_name"], "config": c["config"]}, "layer")
    inputs = {i["name"]: L.Input(batch_shape=(None, *i["shape"][1:]), dtype=i["dtype"], name=f"in_{i['name']}")
              for i in c["inputs"]}

    def res(a):
        return [inputs[n] for n in a] if isinstance(a, list) else inputs[a]
    out = layer(*[res(a) for a in c["call_args"]], **{k: res(v) for k, v in c["call_kwargs"].items()},
                **c["call_literal_kwargs"])
    model = L.Model(list(inputs.values()), out)
    layer.set_weights([arrays[k] for k in c["weights"]])
    return model, [arrays[i["key"]] for i in c["inputs"]]


def tensor_json(a):
    kind = {"b": "bool", "i": "int32", "u": "int32"}.get(a.dtype.kind, "float32")
    return {"shape": list(a.shape), "dtype": kind, "values": a.reshape(-1).tolist()}


def run_tfjs(jobs):
    """Loads each job's model in the real TF.js (optionally trains it) and predicts: {id: result}."""
    missing = harness_ready()
    if missing:
        pytest.fail(f"the TF.js interop harness is not installed: {missing}")
    proc = subprocess.run(["node", str(NODE_SCRIPT), "run"], input=json.dumps(jobs), capture_output=True,
                          text=True, cwd=NODE_SCRIPT.parent, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def assert_outputs(got, want, atol=1e-5, what=""):
    assert len(got) == len(want), what
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, f"{what}: shape {g.shape} != {w.shape}"
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=atol, err_msg=what)


def seq_mlp():
    return L.Sequential([L.Input((6,)), L.Dense(8, activation="relu", name="hidden"),
                         L.Dense(4, activation="softmax", name="probs")])


def set_pattern(model, seed=0):
    """Deterministic weights (moving variances positive)."""
    for k, (v, path) in enumerate(zip(model.weights, model.weight_paths())):
        values = 0.5 * np.sin(0.37 * np.arange(1, v.size + 1) + 1.1 * k + seed).reshape(v.shape)
        v.assign(tw.tensor(0.5 + np.abs(values) if path.endswith("moving_variance") else values, dtype="float32"))
    return model


def data(shape, phase=0.3):
    n = int(np.prod(shape))
    return np.sin(0.37 * np.arange(1, n + 1) + phase).astype(np.float32).reshape(shape)


# ---- models TF.js made ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(TFJS_CASES))
def test_tfjs_made_model_predicts_as_tfjs(name):
    c = TFJS_CASES[name]
    model = tw.load_layers_model(TFJS_MODELS / name)
    assert_outputs(predict(model, [array(t) for t in c["inputs"]]), [array(t) for t in c["outputs"]], what=name)


@pytest.mark.parametrize("name", sorted(n for n in TFJS_CASES if not n.startswith("mlp_")))
def test_weight_names_are_those_tfjs_gave(name):
    """tensorweb names each weight of the loaded model exactly as TF.js named it when saving."""
    model = tw.load_layers_model(TFJS_MODELS / name)
    manifest = json.loads((TFJS_MODELS / name / "model.json").read_text())["weightsManifest"]
    written = [s["name"] for g in manifest for s in g["weights"] if s.get("group") != "optimizer"]
    assert [n for n, _ in saving.tfjs_weights(model)] == written


def test_tfjs_trained_model_continues_training_as_tfjs():
    """Optimizer weights saved by TF.js (includeOptimizer) restore Adam's state: two more epochs reach TF.js's
    outputs, which a fresh Adam does not."""
    c = TFJS_CASES["trained"]
    x, y = array(c["fit"]["x"]), array(c["fit"]["y"])
    fit = dict(batch_size=c["fit"]["batchSize"], epochs=c["fit"]["epochs"], shuffle=False, verbose=0)
    model = tw.load_layers_model(TFJS_MODELS / "trained")
    assert model.compiled and model.optimizer.iterations == 3
    assert model.get_user_defined_metadata() == {"purpose": "interop", "steps": 3}
    model.fit(x, y, **fit)
    assert_outputs(predict(model, [x]), [array(c["after_fit_outputs"][0])])
    fresh = tw.load_layers_model(TFJS_MODELS / "trained")
    fresh.compile(tw.train.adam(0.05), "mean_squared_error")
    fresh.fit(x, y, **fit)
    assert np.abs(predict(fresh, [x])[0] - array(c["after_fit_outputs"][0])).max() > 1e-3


def test_tfjs_hard_sigmoid_means_tfjs_formula():
    """TF.js's LSTMs default to recurrent_activation 'hard_sigmoid' = clip(0.2 x + 0.5): read as such."""
    model = tw.load_layers_model(TFJS_MODELS / "recurrent")
    assert model.layers[0].cell.recurrent_activation is tw.layers.activations.legacy_hard_sigmoid
    x = tw.tensor([-3.0, -1.0, 0.0, 1.0, 3.0])
    np.testing.assert_allclose(tw.layers.activations.legacy_hard_sigmoid(x).numpy(), [0, 0.3, 0.5, 0.7, 1])


# ---- models tensorweb made, run by TF.js ---------------------------------------------------------------

def kinds_of_models():
    """(name, model, inputs) of the kinds the issue names, with deterministic weights."""
    cnn = L.Sequential([L.Input((8, 8, 2)), L.Conv2D(4, 3, padding="same"), L.BatchNormalization(),
                        L.Activation("relu"), L.DepthwiseConv2D(3, depth_multiplier=2),
                        L.SeparableConv2D(3, 2, activation="elu"), L.MaxPooling2D(), L.Flatten(), L.Dense(3)])
    a, b = L.Input((5,), name="in_a"), L.Input((5,), name="in_b")
    shared = L.Dense(6, activation="tanh", name="shared")
    inner = L.Sequential([L.Input((6,)), L.Dense(4, activation="relu", name="inner_1"), L.Dense(6, name="inner_2")],
                         name="inner")
    sa, sb = shared(a), shared(b)
    merged = L.Add(name="merged")([sa, inner(sb)])
    two = L.Model([a, b], [L.Dense(2, activation="sigmoid", name="out_1")(merged),
                           L.Concatenate(name="out_2")([sa, merged])])
    rnn = L.Sequential([L.Input((6, 3)), L.LSTM(5, return_sequences=True),
                        L.GRU(4, return_sequences=True, reset_after=False),
                        L.SimpleRNN(3, return_sequences=True, activation="relu"),
                        L.Bidirectional(L.LSTM(2, return_sequences=True)), L.TimeDistributed(L.Dense(3)),
                        L.RNN([L.LSTMCell(3), L.GRUCell(2, reset_after=False)]),
                        L.Dense(2, activation="legacy_hard_sigmoid")])
    emb = L.Sequential([L.Input((7,), dtype="int32"), L.Embedding(12, 4), L.Conv1D(3, 3, activation="relu"),
                        L.GlobalAveragePooling1D(), L.Dense(2, activation="silu")])
    ids = (np.arange(21).reshape(3, 7) * 5 % 12).astype(np.int32)
    nested = L.Sequential([L.Input((4,)), L.Sequential([L.Input((4,)), L.Dense(3, name="deep")], name="block"),
                           L.Dense(2, name="top")])
    return [("mlp", seq_mlp(), [data((4, 6))]), ("cnn_bn", cnn, [data((2, 8, 8, 2))]),
            ("two_in_two_out", two, [data((3, 5)), data((3, 5), 1.3)]), ("rnn", rnn, [data((2, 6, 3))]),
            ("embedding", emb, [ids]), ("nested_sequential", nested, [data((3, 4))])]


def test_tensorweb_models_run_in_tfjs(tmp_path):
    """MLP, CNN with BatchNormalization, two-input/two-output functional with a shared layer and a nested
    Sequential, LSTM/GRU/SimpleRNN/Bidirectional/TimeDistributed/stacked cells, Embedding, Sequential in a
    Sequential; plain and quantized: the real TF.js loads each file and predicts what tensorweb predicts
    from it."""
    jobs, want = [], {}
    for name, model, feed in kinds_of_models():
        set_pattern(model)
        for q in (None, "uint8", "uint16", "float16"):
            key = f"{name}_{q}"
            assert quietly_save(model, tmp_path / key, quantize=q) is None
            reloaded = tw.load_layers_model(tmp_path / key)  # quantized: tensorweb's own dequantized model
            want[key] = predict(reloaded, feed)
            jobs.append({"id": key, "path": str(tmp_path / key), "inputs": [tensor_json(a) for a in feed]})
            if q is None:
                assert_outputs(want[key], predict(model, feed), atol=0, what=key)
    results = run_tfjs(jobs)
    for job in jobs:
        r = results[job["id"]]
        assert r["ok"], f"{job['id']}: {r.get('error')}"
        assert_outputs([array(t) for t in r["outputs"]], want[job["id"]], what=job["id"])


def test_optimizer_and_metadata_continue_in_tfjs(tmp_path):
    """A model trained by tensorweb and saved with include_optimizer: TF.js reads its trainingConfig, Adam's
    weights and the metadata, and its next two epochs match tensorweb's."""
    model = L.Sequential([L.Input((3,)), L.Dense(5, activation="tanh", name="h"), L.Dense(2, name="o")])
    set_pattern(model)
    model.compile(tw.train.adam(0.05), "mse", metrics=["mse"])
    model.set_user_defined_metadata({"purpose": "interop", "nested": {"k": [1, 2]}})
    x, y = data((6, 3), 0.2), data((6, 2), 1.7)
    model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "m", include_optimizer=True)
    model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    fit = {"x": tensor_json(x), "y": tensor_json(y), "batchSize": 2, "epochs": 2}
    r = run_tfjs([{"id": "m", "path": str(tmp_path / "m"), "inputs": [tensor_json(x)], "fit": fit}])["m"]
    assert r["ok"], r.get("error")
    assert r["userDefinedMetadata"] == {"purpose": "interop", "nested": {"k": [1, 2]}}
    assert r["trainingConfig"]["loss"] == "mean_squared_error"
    assert r["trainingConfig"]["optimizer_config"] == {"class_name": "Adam", "config": {
        "learningRate": 0.05, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-7}}
    assert_outputs([array(r["outputs"][0])], predict(model, [x]))


def test_keras_layer_cases_run_in_tfjs(tmp_path):
    """Every Keras layer case saved by tensorweb without a TF.js warning loads in TF.js and predicts as
    tensorweb; every case with a warning really fails or differs in TF.js."""
    jobs, want, warned = [], {}, {}
    for c in keras_cases():
        model, feed = case_model(c["name"])
        gap = quietly_save(model, tmp_path / c["name"])
        if gap:
            warned[c["name"]] = gap
        want[c["name"]] = predict(model, feed)
        jobs.append({"id": c["name"], "path": str(tmp_path / c["name"]), "inputs": [tensor_json(a) for a in feed]})
    assert len(jobs) - len(warned) >= 120
    results = run_tfjs(jobs)
    for job in jobs:
        r, name = results[job["id"]], job["id"]
        if name not in warned:
            assert r["ok"], f"{name}: {r.get('error')}"
            assert_outputs([array(t) for t in r["outputs"]], want[name], what=name)
            continue
        if r["ok"]:
            got = [array(t) for t in r["outputs"]]
            assert len(got) != len(want[name]) or any(
                g.shape != w.shape or not np.allclose(g, w, rtol=1e-5, atol=1e-5) for g, w in zip(got, want[name])), \
                f"{name}: warned ({warned[name]}) but TF.js predicts the same"


# ---- round trips ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [c["name"] for c in keras_cases()])
def test_keras_layer_case_round_trip(name, tmp_path):
    model, feed = case_model(name)
    quietly_save(model, tmp_path / "m")
    loaded = tw.load_layers_model(tmp_path / "m")
    assert [type(l).__name__ for l in loaded.layers] == [type(l).__name__ for l in model.layers]
    assert_outputs(predict(loaded, feed), predict(model, feed), atol=0, what=name)


@pytest.mark.parametrize("dtype", ["float16", "uint8", "uint16"])
@pytest.mark.parametrize("name", [c["name"] for c in keras_cases() if c["weights"]])
def test_quantized_keras_layer_case_round_trip(name, dtype, tmp_path):
    """Each float32 weight comes back as its quantized value (within half a code step, or float16's
    rounding), and the loaded model predicts as the original given those values."""
    model, feed = case_model(name)
    quietly_save(model, tmp_path / "m", quantize=dtype)
    loaded = tw.load_layers_model(tmp_path / "m")
    for w, got in zip(model.get_weights(), loaded.get_weights()):
        codes, q = quantize(w, dtype)
        np.testing.assert_array_equal(got, dequantize(codes, q, "float32"))
        if dtype == "float16":
            np.testing.assert_allclose(got, w, rtol=2 ** -11, atol=2 ** -24)
        else:
            step = (w.max() - w.min()) / QUANT_STEP[dtype]
            assert np.abs(got - w).max() <= step / 2 + 1e-6 * max(1.0, np.abs(w).max())
    model.set_weights(loaded.get_weights())
    assert_outputs(predict(loaded, feed), predict(model, feed), atol=0, what=f"{name} {dtype}")


def test_quantize_only_chooses_weights(tmp_path):
    model = set_pattern(seq_mlp())
    model.save(tmp_path / "m", quantize="uint8", quantize_only=["*/kernel"])
    specs = json.loads((tmp_path / "m" / "model.json").read_text())["weightsManifest"][0]["weights"]
    assert {s["name"]: "quantization" in s for s in specs} == {
        "hidden/kernel": True, "hidden/bias": False, "probs/kernel": True, "probs/bias": False}


@pytest.mark.parametrize("optimizer", [
    lambda: tw.train.sgd(0.1), lambda: tw.train.momentum(0.1, 0.9, True), lambda: tw.train.adagrad(0.1),
    lambda: tw.train.adadelta(0.1), lambda: tw.train.adam(0.05), lambda: tw.train.adamax(0.05, decay=0.01),
    lambda: tw.train.rmsprop(0.01, momentum=0.5, centered=True)])
def test_include_optimizer_round_trip_continues_identically(optimizer, tmp_path):
    model = L.Sequential([L.Input((3,)), L.Dense(4, activation="tanh"), L.BatchNormalization(), L.Dense(2)])
    set_pattern(model)
    model.compile(optimizer(), "mse", metrics=["mae"])
    x, y = data((8, 3)), data((8, 2), 2.0)
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    model.save(tmp_path / "m", include_optimizer=True)
    loaded = tw.load_layers_model(tmp_path / "m")
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.iterations == model.optimizer.iterations == 4
    for m in (model, loaded):
        m.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_without_include_optimizer_the_model_is_not_compiled(tmp_path):
    """As TF.js: no trainingConfig, no optimizer weights."""
    model = set_pattern(seq_mlp())
    model.compile("adam", "mse")
    model.save(tmp_path / "m")
    obj = json.loads((tmp_path / "m" / "model.json").read_text())
    assert "trainingConfig" not in obj
    assert all("group" not in s for s in obj["weightsManifest"][0]["weights"])
    assert not tw.load_layers_model(tmp_path / "m").compiled


# ---- model.json --------------------------------------------------------------------------------------

def test_model_json_is_tfjs_layers_model(tmp_path):
    model = L.Sequential([L.Input((4,)), L.Dense(3, activation="relu", kernel_regularizer="l2", name="dense"),
                          L.BatchNormalization(name="batch_normalization"),
                          L.Dense(2, activation="hard_sigmoid", name="dense_1")], name="net")
    model.compile(tw.train.adam(0.01), ["mse"], metrics=["accuracy", tw.layers.metrics.MeanAbsoluteError()])
    model.fit(data((4, 4)), data((4, 2)), epochs=1, verbose=0)
    with pytest.warns(UserWarning, match=r"activation 'keras_hard_sigmoid'\. tensorweb loads it as saved"):
        model.save(tmp_path / "m", include_optimizer=True)
    obj = json.loads((tmp_path / "m" / "model.json").read_text())
    assert obj["format"] == "layers-model" and obj["generatedBy"] == f"tensorweb {tw.__version__}"
    topology = obj["modelTopology"]
    assert set(topology) == {"class_name", "config", "keras_version", "backend"}
    assert topology["class_name"] == "Sequential" and topology["backend"] == "tensor_flow.js"
    layers = topology["config"]["layers"]
    assert [l["class_name"] for l in layers] == ["Dense", "BatchNormalization", "Dense"]
    first = layers[0]["config"]
    assert first["batch_input_shape"] == [None, 4] and first["dtype"] == "float32"
    assert first["kernel_regularizer"] == {"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.01}}
    assert "module" not in json.dumps(topology) and layers[2]["config"]["activation"] == "keras_hard_sigmoid"
    names = [(s["name"], s.get("group")) for g in obj["weightsManifest"] for s in g["weights"]]
    trainable = ["dense/kernel", "dense/bias", "batch_normalization/gamma", "batch_normalization/beta",
                 "dense_1/kernel", "dense_1/bias"]
    moments = [f"{n}/{k}" for k in ("m", "v") for n in trainable]
    assert names == [(n, None) for n in trainable + ["batch_normalization/moving_mean",
                                                     "batch_normalization/moving_variance"]] + \
        [("iter", "optimizer")] + [(n, "optimizer") for n in moments]
    assert obj["trainingConfig"] == {"loss": ["mean_squared_error"], "metrics": ["accuracy", "mae"],
                                     "optimizer_config": {"class_name": "Adam", "config": {
                                         "learningRate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-7}}}


def test_functional_topology_is_tfjs_form():
    """Inbound nodes as [[layer, node, tensor, kwargs]]; a nested model's calls counted from 1 as TF.js does;
    the names of nested layers' weights unprefixed."""
    model = kinds_of_models()[2][1]
    topology = saving.tfjs_topology(model)
    assert topology["class_name"] == "Model"
    layers = {l["name"]: l for l in topology["config"]["layers"]}
    assert layers["in_a"]["config"] == {"batch_input_shape": [None, 5], "dtype": "float32", "sparse": False,
                                        "name": "in_a"}
    assert layers["shared"]["inbound_nodes"] == [[["in_a", 0, 0, {}]], [["in_b", 0, 0, {}]]]
    assert layers["inner"]["inbound_nodes"] == [[["shared", 1, 0, {}]]]
    assert layers["merged"]["inbound_nodes"] == [[["shared", 0, 0, {}], ["inner", 1, 0, {}]]]
    assert topology["config"]["input_layers"] == [["in_a", 0, 0], ["in_b", 0, 0]]
    assert topology["config"]["output_layers"] == [["out_1", 0, 0], ["out_2", 0, 0]]
    assert [n for n, _ in saving.tfjs_weights(model)] == [
        "shared/kernel", "shared/bias", "inner_1/kernel", "inner_1/bias", "inner_2/kernel", "inner_2/bias",
        "out_1/kernel", "out_1/bias"]


def test_recurrent_weight_names_are_tfjs_names():
    model = kinds_of_models()[3][1]
    names = [n for n, _ in saving.tfjs_weights(model)]
    rnn_layers = model.layers
    lstm, bidi, td, stacked = rnn_layers[0].name, rnn_layers[3].name, rnn_layers[4].name, rnn_layers[5].name
    assert f"{lstm}/kernel" in names and f"{td}/kernel" in names
    assert f"{bidi}/forward_{rnn_layers[3].forward_layer.name[len('forward_'):]}/recurrent_kernel" in names
    assert f"{stacked}/RNNCell_1/bias" in names
    conv = L.DepthwiseConv2D(2, name="dw")
    assert [n for n, _ in saving.tfjs_weights(L.Sequential([L.Input((4, 4, 1)), conv]))] == \
        ["dw/depthwise_kernel", "dw/bias"]


def test_user_defined_metadata_round_trip_and_checks(tmp_path):
    model = seq_mlp()
    assert model.get_user_defined_metadata() is None
    model.set_user_defined_metadata({"labels": ["cat", "dog"], "version": 2})
    model.save(tmp_path / "m")
    assert json.loads((tmp_path / "m" / "model.json").read_text())["userDefinedMetadata"] == \
        {"labels": ["cat", "dog"], "version": 2}
    assert tw.load_layers_model(tmp_path / "m").get_user_defined_metadata() == {"labels": ["cat", "dog"],
                                                                                "version": 2}
    with pytest.raises(InvalidArgumentError, match="must be a dict"):
        model.set_user_defined_metadata(["a"])
    with pytest.raises(InvalidArgumentError, match="not JSON-serializable"):
        model.set_user_defined_metadata({"f": object()})
    with pytest.warns(UserWarning, match="above the 1048576-byte limit"):
        model.set_user_defined_metadata({"big": "x" * (1 << 20)})


def test_shard_size_and_handlers(tmp_path):
    model = set_pattern(seq_mlp())
    model.save(tmp_path / "m", shard_size=64)
    manifest = json.loads((tmp_path / "m" / "model.json").read_text())["weightsManifest"]
    assert len(manifest[0]["paths"]) == -(-(4 * (6 * 8 + 8 + 8 * 4 + 4)) // 64)
    saved = {}
    model.save(tw.io.with_save_handler(lambda a: saved.setdefault("a", a)))
    loaded = tw.load_layers_model(tw.io.from_memory(saved["a"]))
    assert_outputs(predict(loaded, [data((2, 6))]), predict(model, [data((2, 6))]), atol=0)
    with pytest.raises(InvalidArgumentError, match="shard_size"):
        model.save(tw.io.with_save_handler(lambda a: None), shard_size=10)


# ---- reading other forms -------------------------------------------------------------------------------

def test_python_converter_wrapper_form():
    """The Python converter writes modelTopology = {keras_version, backend, model_config, training_config}."""
    a = tw.io.load_artifacts(TFJS_MODELS / "recurrent")
    a.model_topology = {"keras_version": "2.15.0", "backend": "tensorflow", "training_config": {"loss": "mse"},
                        "model_config": {"class_name": a.model_topology["class_name"],
                                         "config": a.model_topology["config"]}}
    c = TFJS_CASES["recurrent"]
    model = tw.load_layers_model(a)
    assert_outputs(predict(model, [array(t) for t in c["inputs"]]), [array(t) for t in c["outputs"]])


def test_keras3_topology_keeps_keras3_activation_names():
    """A Keras 3 config (keras_version 3.x) means Keras 3's hard_sigmoid; TF.js's form means TF.js's."""
    model = L.Sequential([L.Input((2,)), L.Dense(2, activation="hard_sigmoid", name="d")])
    entry = json.loads(json.dumps(tw.layers.serialize(model)))
    for version, expected in (("3.15.1", tw.layers.activations.hard_sigmoid),
                              ("tfjs-layers 4.22.0", tw.layers.activations.legacy_hard_sigmoid)):
        topology = {"class_name": entry["class_name"], "config": entry["config"], "keras_version": version}
        loaded = saving.model_from_topology(topology)
        assert loaded.get_layer("d").activation is expected


def test_cell_scoped_and_keras_names_match(tmp_path):
    """TF >= 2.2 names ('lstm/lstm_cell/kernel', which TF.js reads as 'lstm/kernel') and Keras 3 paths load."""
    model = L.Sequential([L.Input((4, 3)), L.LSTM(2, name="lstm"), L.Dense(1, name="d")])
    set_pattern(model)
    a = saving.model_artifacts(model)
    renames = {"lstm/kernel": "lstm/lstm_cell/kernel", "lstm/bias": "lstm/lstm_cell/bias"}
    a.weight_specs = [dict(s, name=renames.get(s["name"], s["name"])) for s in a.weight_specs]
    loaded = tw.load_layers_model(a)
    for w, v in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(w, v)


def test_strict_and_lenient_name_matching():
    model = set_pattern(seq_mlp())
    a = saving.model_artifacts(model)
    values = tw.io.decode_weights(a.weight_data, a.weight_specs)
    renamed = [dict(s, name="other/kernel") if s["name"] == "probs/kernel" else s for s in a.weight_specs]
    a.weight_specs = renamed
    with pytest.raises(ModelFormatError, match=r"match no weight of the model: other/kernel.*not in the file: "
                                               r"probs/kernel.*strict=False"):
        tw.load_layers_model(a)
    with pytest.warns(UserWarning, match="other/kernel.*probs/kernel.*skipped"):
        loaded = tw.load_layers_model(a, strict=False)
    np.testing.assert_array_equal(loaded.get_layer("hidden").get_weights()[0], values["hidden/kernel"])
    np.testing.assert_array_equal(loaded.get_layer("probs").get_weights()[1], values["probs/bias"])


def test_shape_mismatch_is_a_format_error():
    model = set_pattern(seq_mlp())
    a = saving.model_artifacts(model)
    a.weight_specs = [dict(s, shape=[2, 4]) if s["name"] == "hidden/bias" else s for s in a.weight_specs]
    with pytest.raises(ModelFormatError, match=r"weight 'hidden/bias' has shape \[2, 4\] in the file but the "
                                               r"model's weight has shape \[8\]"):
        tw.load_layers_model(a)


def test_graph_model_points_to_load_graph_model():
    a = tw.io.ModelArtifacts(model_topology={"node": [], "versions": {"producer": 1}}, format="graph-model",
                             source="g/model.json")
    with pytest.raises(ModelFormatError, match=r"g/model.json: is a graph model.*tw\.load_graph_model"):
        tw.load_layers_model(a)


@pytest.mark.parametrize("topology, message", [
    (None, "has no modelTopology"),
    ({"class_name": "Sequential"}, "needs 'class_name' and 'config'"),
    ({"class_name": "Sequential", "config": {"layers": [{"class_name": "Blorp", "config": {}}]}},
     r"cannot build the model.*unknown layer class 'Blorp'"),
    ({"class_name": "Dense", "config": {"units": 2}}, "describes a Dense layer, not a model"),
])
def test_bad_topologies(topology, message):
    a = tw.io.ModelArtifacts(model_topology=topology, format="layers-model", source="bad/model.json")
    with pytest.raises(ModelFormatError, match=f"bad/model.json: .*{message}"):
        tw.load_layers_model(a)


def test_unsavable_models():
    class Sub(L.Model):
        def call(self, x):
            return x
    with pytest.raises(InvalidArgumentError, match="only Sequential and functional models"):
        Sub().save(tw.io.with_save_handler(lambda a: None))
    model = seq_mlp()
    model.compile(tw.train.sgd(0.1), tw.layers.losses.CategoricalCrossentropy(from_logits=True))
    with pytest.raises(InvalidArgumentError, match="stores loss names only"):
        model.save(tw.io.with_save_handler(lambda a: None), include_optimizer=True)


# ---- ModelCheckpoint -----------------------------------------------------------------------------------

def test_model_checkpoint_saves_tfjs_folders(tmp_path):
    model = set_pattern(seq_mlp())
    model.compile(tw.train.sgd(0.1), "mse")
    x, y = data((4, 6)), data((4, 4))
    model.fit(x, y, epochs=2, verbose=0,
              callbacks=[L.callbacks.ModelCheckpoint(str(tmp_path / "ckpt-{epoch}")),
                         L.callbacks.ModelCheckpoint(str(tmp_path / "w-{epoch}.npz"), save_weights_only=True)])
    assert sorted(os.listdir(tmp_path)) == ["ckpt-1", "ckpt-2", "w-1.npz", "w-2.npz"]
    loaded = tw.load_layers_model(tmp_path / "ckpt-2")
    assert_outputs(predict(loaded, [x]), predict(model, [x]), atol=0)
    with np.load(tmp_path / "w-2.npz") as z:
        for a, b in zip(model.get_weights(), [z[k] for k in z.files]):
            np.testing.assert_array_equal(a, b)


def test_keras_extensions_write_keras_files(tmp_path):
    """model.save, load_layers_model and ModelCheckpoint write/read Keras files for .keras and .h5 paths."""
    import zipfile
    model = set_pattern(seq_mlp())
    model.compile(tw.train.sgd(0.1), "mse")
    x, y = data((4, 6)), data((4, 4))
    model.fit(x, y, epochs=1, verbose=0, callbacks=[L.callbacks.ModelCheckpoint(str(tmp_path / "c{epoch}.keras")),
                                                    L.callbacks.ModelCheckpoint(str(tmp_path / "c{epoch}.h5"))])
    assert zipfile.is_zipfile(tmp_path / "c1.keras")
    with open(tmp_path / "c1.h5", "rb") as f:
        assert f.read(8) == b"\x89HDF\r\n\x1a\n"
    model.save(tmp_path / "m.keras")
    for path in (tmp_path / "c1.keras", tmp_path / "c1.h5", tmp_path / "m.keras"):
        assert_outputs(predict(tw.load_layers_model(path), [x]), predict(model, [x]), atol=0, what=str(path))


def test_tf_keras2_converter_model():
    """What TF.js's Python converter writes for a tf.keras 2.15 model: the model_config wrapper, module keys,
    an InputLayer with batch_input_shape, LSTM's time_major/implementation, TF >= 2.2 cell-scoped weight names
    and tf.keras 2's hard_sigmoid (0.2 x + 0.5); outputs computed here in NumPy."""
    def init(name, **config):
        return {"module": "keras.initializers", "class_name": name, "config": config, "registered_name": None}
    lstm = {"name": "lstm", "trainable": True, "dtype": "float32", "return_sequences": False,
            "return_state": False, "go_backwards": False, "stateful": False, "unroll": False, "time_major": False,
            "units": 4, "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": True,
            "kernel_initializer": init("GlorotUniform", seed=None),
            "recurrent_initializer": init("Orthogonal", gain=1.0, seed=None),
            "bias_initializer": init("Zeros"), "unit_forget_bias": True, "kernel_regularizer": None,
            "recurrent_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
            "kernel_constraint": None, "recurrent_constraint": None, "bias_constraint": None, "dropout": 0.0,
            "recurrent_dropout": 0.0, "implementation": 2}
    dense = {"name": "dense", "trainable": True, "dtype": "float32", "units": 2, "activation": "hard_sigmoid",
             "use_bias": True, "kernel_initializer": init("GlorotUniform", seed=None),
             "bias_initializer": init("Zeros"),
             "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
             "kernel_constraint": None, "bias_constraint": None}
    layers = [{"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
               "config": {"batch_input_shape": [None, 5, 3], "dtype": "float32", "sparse": False, "ragged": False,
                          "name": "lstm_input"}},
              {"module": "keras.layers", "class_name": "LSTM", "config": lstm, "registered_name": None,
               "build_config": {"input_shape": [None, 5, 3]}},
              {"module": "keras.layers", "class_name": "Dense", "config": dense, "registered_name": None,
               "build_config": {"input_shape": [None, 4]}}]
    topology = {"keras_version": "2.15.0", "backend": "tensorflow",
                "model_config": {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}}
    rng = np.random.default_rng(3)
    w = {"lstm/lstm_cell/kernel": rng.normal(size=(3, 16)), "lstm/lstm_cell/recurrent_kernel":
         rng.normal(size=(4, 16)), "lstm/lstm_cell/bias": rng.normal(size=16), "dense/kernel": rng.normal(size=(4, 2)),
         "dense/bias": rng.normal(size=2)}
    w = {k: v.astype(np.float32) for k, v in w.items()}
    specs, weight_data, _ = tw.io.encode_weights(w)
    model = tw.load_layers_model(tw.io.ModelArtifacts(model_topology=topology, format="layers-model",
                                                      weight_specs=specs, weight_data=weight_data))
    x = data((2, 5, 3))
    h, c = np.zeros((2, 4)), np.zeros((2, 4))
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    for t in range(5):
        z = x[:, t] @ w["lstm/lstm_cell/kernel"] + h @ w["lstm/lstm_cell/recurrent_kernel"] + w["lstm/lstm_cell/bias"]
        i, f, g, o = np.split(z, 4, axis=1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
    want = np.clip(0.2 * (h @ w["dense/kernel"] + w["dense/bias"]) + 0.5, 0, 1)
    np.testing.assert_allclose(predict(model, [x])[0], want, rtol=1e-5, atol=1e-6)
