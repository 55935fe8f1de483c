"""Keras files (tensorweb.layers.keras_files): `.keras` and legacy `.h5` made by the real Keras 3.15.1 and by
tf.keras 2.15 (fixtures/keras_files, made by make_keras_files.py there) load with Keras' predictions; the
weight layout written for every Keras layer case is the one Keras writes; every layer case round-trips
through both formats; the real Keras (KERAS_BACKEND=numpy, installed by the `test` extra) loads the files
tensorweb writes; bad files give clear errors and no model."""
import io
import json
import os
import sys
import warnings
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

import tensorweb as tw
import tensorweb.layers as L
from tensorweb import train
from tensorweb.core.engine import ENGINE
from tensorweb.errors import InvalidArgumentError, ModelFormatError
from tensorweb.layers import keras_files as kf
from tensorweb.layers.keras_files import load_keras, save_keras
from tensorweb.layers.serialization import deserialize

from .keras_fixtures import keras_case, keras_cases

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:keras")  # Keras 3.15 under NumPy 2's __array__

FILES = Path(__file__).parent / "fixtures" / "keras_files"
LAYOUTS = json.loads((FILES / "keras3_layouts.json").read_text())["cases"]
KINDS = ("keras", "h5")
OPTIMIZER_CLASSES = {"Adam": train.AdamOptimizer, "SGD": train.MomentumOptimizer, "RMSprop": train.RMSPropOptimizer,
                     "Adagrad": train.AdagradOptimizer, "Adamax": train.AdamaxOptimizer}


def fixture_models(prefix):
    doc = json.loads((FILES / f"{prefix}_models.json").read_text())
    with np.load(FILES / f"{prefix}_models.npz") as z:
        arrays = {k: z[k] for k in z.files}
    return {c["name"]: c for c in doc["cases"]}, arrays


KERAS3, KERAS3_ARRAYS = fixture_models("keras3")
TFKERAS2, TFKERAS2_ARRAYS = fixture_models("tfkeras2")


def as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def predict(model, feed):
    return as_list(model.predict(feed if len(feed) > 1 else feed[0], verbose=0))


def assert_outputs(got, want, atol=1e-5, what=""):
    assert len(got) == len(want), what
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w), f"{what}: shape {np.shape(g)} != {np.shape(w)}"
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=atol, err_msg=what)


def case_graph(name, prefix=""):
    """Inputs, outputs (a list) and input arrays of Keras fixture case `name`: its layer (or model) with
    Keras' weights, called on Inputs. With a prefix, the inputs and the layer are renamed so that several
    cases can share one model."""
    c, arrays = keras_case(name)
    config = dict(c["config"], name=f"{prefix}{c['config']['name']}")
    layer = deserialize({"class_name": c["class_name"], "config": config}, "layer")
    inputs = {i["name"]: L.Input(batch_shape=(None, *i["shape"][1:]), dtype=i["dtype"],
                                 name=f"{prefix}in_{i['name']}") for i in c["inputs"]}

    def res(a):
        return [inputs[n] for n in a] if isinstance(a, list) else inputs[a]
    out = layer(*[res(a) for a in c["call_args"]], **{k: res(v) for k, v in c["call_kwargs"].items()},
                **c["call_literal_kwargs"])
    layer.set_weights([arrays[k] for k in c["weights"]])
    return list(inputs.values()), as_list(out), [arrays[i["key"]] for i in c["inputs"]]


def case_model(name):
    """A functional model around case `name`'s layer, and the case's input arrays."""
    inputs, outputs, feed = case_graph(name)
    return L.Model(inputs, outputs if len(outputs) > 1 else outputs[0]), feed


def mlp(compiled=True):
    model = L.Sequential([L.Input((5,)), L.Dense(7, activation="relu", name="dense"),
                          L.BatchNormalization(name="batch_normalization"),
                          L.Dense(3, activation="softmax", name="dense_1")])
    if compiled:
        model.compile(train.adam(0.02), "categorical_crossentropy", metrics=["accuracy"])
    return model


def xy(n=16):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 5)).astype(np.float32)
    return x, np.eye(3, dtype=np.float32)[rng.integers(0, 3, n)]


@pytest.fixture(scope="module")
def keras():
    """The real Keras (numpy backend); the `test` extra installs it, so its absence is an error."""
    saved = os.environ.get("KERAS_BACKEND")
    os.environ["KERAS_BACKEND"] = "numpy"  # read once, when keras is first imported
    try:
        import keras
    except ImportError as e:
        pytest.fail(f"the real Keras is needed to check that it loads tensorweb's files; install the test extra "
                    f"(pip install -e '.[test]': keras, h5py, and scipy + jax for Keras' numpy backend): {e}")
    finally:
        if saved is None:
            del os.environ["KERAS_BACKEND"]
        else:
            os.environ["KERAS_BACKEND"] = saved
    return keras


def keras_predict(keras, path, feed):
    """The real Keras loads the file and predicts (quietly: it warns that it skips optimizer variables)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = keras.saving.load_model(path)
        return model, as_list(model.predict(feed if len(feed) > 1 else feed[0], verbose=0))


# ---- files the real Keras made -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(KERAS3))
def test_keras3_file_predicts_as_keras(name, kind):
    c, arrays = KERAS3[name], KERAS3_ARRAYS
    model = load_keras(FILES / c["files"][kind])
    assert_outputs(predict(model, [arrays[i["key"]] for i in c["inputs"]]), [arrays[k] for k in c["outputs"]],
                   what=f"{name}.{kind}")
    assert [list(v.shape) for v in model.weights] == c["weight_shapes"]
    assert [p.split("/")[-1] for p in model.weight_paths()] == [p.split("/")[-1] for p in c["weight_names"]]
    assert model.compiled == c["compiled"]
    if c["compiled"]:
        assert type(model.optimizer) is OPTIMIZER_CLASSES[c["optimizer"]["class_name"]]
        assert model.optimizer.learning_rate == pytest.approx(c["optimizer"]["learning_rate"])


@pytest.mark.parametrize("name", sorted(TFKERAS2))
def test_tf_keras2_h5_predicts_as_tf_keras(name):
    """tf.keras 2.15 names weights 'dense/kernel:0' and 'depthwise_kernel' and counts a nested model's own
    node; weights map by position and the model predicts as tf.keras did."""
    c, arrays = TFKERAS2[name], TFKERAS2_ARRAYS
    model = load_keras(FILES / c["files"]["h5"])
    assert_outputs(predict(model, [arrays[i["key"]] for i in c["inputs"]]), [arrays[k] for k in c["outputs"]],
                   what=name)
    assert [list(v.shape) for v in model.weights] == c["weight_shapes"]
    assert type(model.optimizer) is OPTIMIZER_CLASSES[c["optimizer"]["class_name"]]
    assert model.optimizer.learning_rate == pytest.approx(c["optimizer"]["learning_rate"])


def test_loaded_model_trains():
    """The optimizer state is not loaded, but the model is compiled and trains."""
    c, arrays = KERAS3["mlp"], KERAS3_ARRAYS
    model = load_keras(FILES / c["files"]["keras"])
    x = arrays[c["inputs"][0]["key"]]
    y = np.eye(3, dtype=np.float32)[[0, 1, 2, 0, 1]]
    before = model.evaluate(x, y, verbose=0)[0]
    model.fit(x, y, epochs=20, verbose=0)
    assert model.evaluate(x, y, verbose=0)[0] < before


# ---- what tensorweb writes, against what Keras writes --------------------------------------------------

@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_weight_layout_is_keras(name):
    """The datasets of model.weights.h5 for the layer ('cell/vars/0', 'forward_layer/cell/vars/1',
    'query_dense/vars/0', ...) with their shapes, and the legacy .h5 order, are exactly Keras'."""
    model, _ = case_model(name)
    layer = model.layers[-1]
    assert sorted([p, list(s)] for p, s in kf.weight_layout(layer)) == sorted(LAYOUTS[name]["datasets"])
    index = {id(v): i for i, v in enumerate(layer.weights)}
    assert [index[id(v)] for v in kf._legacy_weights(layer)] == LAYOUTS[name]["legacy_order"]


def test_layouts_cover_every_layer_case():
    assert set(LAYOUTS) == {c["name"] for c in keras_cases() if c["class_name"] != "Functional"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", [c["name"] for c in keras_cases()])
def test_layer_case_round_trip(name, kind, tmp_path):
    """tensorweb -> file -> tensorweb keeps the config, every weight and the predictions (Keras' outputs)."""
    c, arrays = keras_case(name)
    model, feed = case_model(name)
    path = save_keras(model, tmp_path / f"m.{kind}")
    loaded = load_keras(path)
    assert [type(l).__name__ for l in loaded.layers] == [type(l).__name__ for l in model.layers]
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    got = predict(loaded, feed)
    assert_outputs(got, predict(model, feed), atol=0, what=name)
    if not c["training"]:
        assert_outputs(got, [arrays[k] for k in c["outputs"]], what=name)


# ---- the real Keras reads what tensorweb writes --------------------------------------------------------

@pytest.mark.parametrize("name", sorted(KERAS3))
def test_keras_loads_resaved_keras_files(keras, name, tmp_path):
    """Keras' model -> tensorweb -> .keras and .h5 written by tensorweb -> the real Keras: Keras' outputs."""
    c, arrays = KERAS3[name], KERAS3_ARRAYS
    feed, want = [arrays[i["key"]] for i in c["inputs"]], [arrays[k] for k in c["outputs"]]
    model = load_keras(FILES / c["files"]["keras"])
    for kind in KINDS:
        restored, got = keras_predict(keras, save_keras(model, tmp_path / f"m.{kind}"), feed)
        assert_outputs(got, want, what=f"{name}.{kind}")
        assert bool(getattr(restored, "optimizer", None)) == c["compiled"]


def test_keras_loads_every_layer_case(keras, tmp_path):
    """All Keras layer cases side by side in one model (first two samples of each input), written by
    tensorweb in both formats: the real Keras predicts what tensorweb predicts, output by output."""
    inputs, outputs, feed, names = [], [], [], []
    for c in keras_cases():
        ins, outs, arrays = case_graph(c["name"], prefix=f"{c['name']}__")
        inputs += ins
        outputs += outs
        feed += [a[:2] for a in arrays]
        names += [f"{c['name']} output {k}" for k in range(len(outs))]
    model = L.Model(inputs, outputs)
    want = predict(model, feed)
    for kind in KINDS:
        _, got = keras_predict(keras, save_keras(model, tmp_path / f"all.{kind}"), feed)
        assert len(got) == len(want) == len(names) > 165
        for g, w, what in zip(got, want, names):
            assert_outputs([g], [w], what=f"{what} ({kind})")


def test_keras_loads_trained_compiled_model(keras, tmp_path):
    """A model built and trained in tensorweb: Keras predicts as tensorweb and compiles with the same
    optimizer, learning rate, loss and metrics."""
    model = mlp()
    x, y = xy()
    model.fit(x, y, epochs=3, batch_size=4, verbose=0)
    for kind in KINDS:
        restored, got = keras_predict(keras, save_keras(model, tmp_path / f"m.{kind}"), [x])
        assert_outputs(got, predict(model, [x]), what=kind)
        assert type(restored.optimizer).__name__ == "Adam"
        assert restored.optimizer.get_config()["learning_rate"] == pytest.approx(0.02)
        if kind == "keras":
            config = restored.get_compile_config()
            assert config["loss"] == "categorical_crossentropy" and config["metrics"] == ["accuracy"]


def test_legacy_order_of_a_nested_model_is_keras(keras, tmp_path):
    """A nested model's legacy .h5 group lists every trainable weight first (the BatchNormalization moving
    statistics after the last Dense): Keras reads tensorweb's file, and tensorweb Keras', in that order."""
    inner = L.Sequential([L.Input((4,)), L.Dense(5, name="d1"), L.BatchNormalization(name="bn"),
                          L.Dense(3, name="d2")], name="inner")
    x = L.Input((4,))
    model = L.Model(x, L.Dense(2, name="head")(inner(x)))
    for k, v in enumerate(model.weights):
        v.assign(0.5 + 0.4 * np.sin(np.arange(v.size, dtype=np.float32) + k).reshape(v.shape))
    feed = [np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)]
    path = save_keras(model, tmp_path / "m.h5")
    with h5py.File(path) as f:
        names = kf._names_attr(f["model_weights/inner"].attrs, "weight_names")
    assert names[-2:] == ["bn/moving_mean", "bn/moving_variance"] and names[4:6] == ["d2/kernel", "d2/bias"]
    restored, got = keras_predict(keras, path, feed)
    assert_outputs(got, predict(model, feed))
    restored.save(tmp_path / "k.h5")
    assert_outputs(predict(load_keras(tmp_path / "k.h5"), feed), got)


# ---- compile settings ----------------------------------------------------------------------------------

# made per test (an optimizer holds variables: module-level ones would outlive the leak checks)
OPTIMIZERS = {
    "sgd": lambda: train.sgd(0.1),
    "momentum": lambda: train.momentum(0.05, 0.8, True),
    "adam": lambda: train.adam(0.01, 0.8, 0.99, 1e-6),
    "adamax": lambda: train.adamax(0.02, 0.85, 0.995, 1e-5),
    "rmsprop": lambda: train.rmsprop(0.003, 0.8, 0.1, 1e-6, True),
    "adagrad": lambda: train.adagrad(0.2, 0.3),
    "adadelta": lambda: train.adadelta(0.5, 0.9, 1e-6),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_settings_round_trip(name, tmp_path):
    optimizer = OPTIMIZERS[name]()
    model = mlp(compiled=False)
    model.compile(optimizer, "mse", metrics=["mae"])
    for kind in KINDS:
        loaded = load_keras(save_keras(model, tmp_path / f"m.{kind}"))
        assert type(loaded.optimizer) is type(optimizer)
        assert loaded.optimizer.get_config() == pytest.approx(optimizer.get_config())
        assert loaded.loss == "mean_squared_error" and loaded._metric_specs == [["mae"]]


def test_multi_output_compile_round_trip(tmp_path):
    c = KERAS3["two_in_two_out"]
    model = load_keras(FILES / c["files"]["keras"])
    assert model.loss == {"class_out": "categorical_crossentropy", "reg_out": "mean_squared_error"}
    assert model._loss_weights == [1.0, 0.5] and model._metric_specs == [["accuracy"], ["mae"]]
    for kind in KINDS:
        again = load_keras(save_keras(model, tmp_path / f"m.{kind}"))
        assert again.loss == model.loss and again._loss_weights == [1.0, 0.5]
        assert again._metric_specs == [["accuracy"], ["mae"]]


def test_include_optimizer_false_saves_no_compile_settings(tmp_path):
    model = mlp()
    for kind in KINDS:
        loaded = load_keras(save_keras(model, tmp_path / f"m.{kind}", include_optimizer=False))
        assert not loaded.compiled
    assert not load_keras(FILES / KERAS3["mlp"]["files"]["keras"], compile=False).compiled


def test_unsupported_optimizer_loads_uncompiled_with_a_warning(tmp_path):
    path = save_keras(mlp(), tmp_path / "m.keras")
    config = json.loads(zipfile.ZipFile(path).read(kf.CONFIG_NAME))
    config["compile_config"]["optimizer"]["config"]["amsgrad"] = True
    rewrite(path, {kf.CONFIG_NAME: json.dumps(config)})
    with pytest.warns(UserWarning, match="without compiling it: optimizer Adam with options.*amsgrad"):
        model = load_keras(path)
    assert not model.compiled and len(model.weights) == 8


# ---- custom classes --------------------------------------------------------------------------------------

@tw.layers.register_class(package="keras_files_test")
class Scale(L.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight((input_shape[-1],), "ones", name="w")

    def call(self, x):
        return tw.mul(x, self.w) * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@pytest.mark.parametrize("kind", KINDS)
def test_registered_custom_layer_round_trips(kind, tmp_path):
    model = L.Sequential([L.Input((3,)), Scale(3.0, name="scale"), L.Dense(2)])
    model.layers[0].w.assign(np.array([1.0, -2.0, 0.5], np.float32))
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    loaded = load_keras(save_keras(model, tmp_path / f"m.{kind}"))
    assert isinstance(loaded.layers[0], Scale) and loaded.layers[0].factor == 3.0
    assert_outputs(predict(loaded, [x]), predict(model, [x]), atol=0)


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_class_names_it_and_says_how_to_register(kind, tmp_path):
    path = save_keras(L.Sequential([L.Input((3,)), Scale(name="scale")]), tmp_path / f"m.{kind}")
    if kind == "keras":
        rewrite(path, {kf.CONFIG_NAME: zipfile.ZipFile(path).read(kf.CONFIG_NAME).decode()
                       .replace('"Scale"', '"Unheard"').replace("keras_files_test>Scale", "x>Unheard")})
    else:
        with h5py.File(path, "a") as f:
            f.attrs["model_config"] = f.attrs["model_config"].replace('"Scale"', '"Unheard"') \
                .replace("keras_files_test>Scale", "x>Unheard")
    with pytest.raises(ModelFormatError, match=r"Unheard.*register_class"):
        load_keras(path)


# ---- bad files -------------------------------------------------------------------------------------------

def rewrite(path, members):
    """Replaces (or with None removes) members of a zip file."""
    with zipfile.ZipFile(path) as z:
        kept = {n: z.read(n) for n in z.namelist()}
    for name, data in members.items():
        kept.pop(name, None)
        if data is not None:
            kept[name] = data
    with zipfile.ZipFile(path, "w") as z:
        for name, data in kept.items():
            z.writestr(name, data)


def edit_weights(path, edit):
    """Applies edit(h5 file) to the model.weights.h5 inside a .keras file."""
    buffer = io.BytesIO(zipfile.ZipFile(path).read(kf.WEIGHTS_NAME))
    with h5py.File(buffer, "a") as f:
        edit(f)
    rewrite(path, {kf.WEIGHTS_NAME: buffer.getvalue()})


def fails_cleanly(path, match, error=ModelFormatError):
    """Loading raises `error` and leaves no variable of the half-built model behind."""
    before = set(ENGINE.registered_variables())
    with pytest.raises(error, match=match):
        load_keras(path)
    assert set(ENGINE.registered_variables()) <= before


def test_not_a_zip(tmp_path):
    (tmp_path / "m.keras").write_bytes(b"definitely not a zip archive")
    fails_cleanly(tmp_path / "m.keras", r"m.keras: not a .keras file \(a zip archive")


@pytest.mark.parametrize("member, match", [(kf.CONFIG_NAME, "has no config.json"),
                                           (kf.WEIGHTS_NAME, "has no model.weights.h5")])
def test_missing_member(member, match, tmp_path):
    path = save_keras(mlp(), tmp_path / "m.keras")
    rewrite(path, {member: None})
    fails_cleanly(path, match)


def test_npz_weights_are_named_as_unsupported(tmp_path):
    path = save_keras(mlp(), tmp_path / "m.keras")
    rewrite(path, {kf.WEIGHTS_NAME: None, "model.weights.npz": b""})
    fails_cleanly(path, "npz weights format is not supported")


def test_config_not_json(tmp_path):
    path = save_keras(mlp(), tmp_path / "m.keras")
    rewrite(path, {kf.CONFIG_NAME: "{not json"})
    fails_cleanly(path, "config.json is not valid JSON")


def test_missing_weight(tmp_path):
    path = save_keras(mlp(), tmp_path / "m.keras")
    edit_weights(path, lambda f: f["layers/batch_normalization/vars"].__delitem__("3"))
    fails_cleanly(path, r"layer 'batch_normalization' \(BatchNormalization, group 'layers/batch_normalization/"
                        r"vars'\) has 4 weight\(s\) \(gamma, beta, moving_mean, moving_variance\) but the file "
                        r"stores 3")


def test_weight_shape_mismatch(tmp_path):
    path = save_keras(mlp(), tmp_path / "m.keras")

    def edit(f):
        del f["layers/dense_1/vars/0"]
        f["layers/dense_1/vars"].create_dataset("0", data=np.zeros((7, 4), np.float32))
    edit_weights(path, edit)
    fails_cleanly(path, r"layers/dense_1/vars: weight '0' has shape \[7, 4\] but the model's variable .* has "
                        r"shape \[7, 3\]")


def test_weights_for_a_layer_the_config_lacks(tmp_path):
    path = save_keras(mlp(), tmp_path / "m.keras")
    edit_weights(path, lambda f: f.create_dataset("layers/dense_9/vars/0", data=np.zeros(3, np.float32)))
    fails_cleanly(path, r"the file has weights for \['layers/dense_9/vars'\]")


def test_links_in_weights_file_are_refused(tmp_path):
    path = save_keras(mlp(), tmp_path / "m.keras")

    def edit(f):
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = h5py.ExternalLink("/etc/passwd", "/x")
    edit_weights(path, edit)
    fails_cleanly(path, "links are not allowed")


def test_h5_without_model_config(tmp_path):
    path = save_keras(mlp(), tmp_path / "m.h5")
    with h5py.File(path, "a") as f:
        del f.attrs["model_config"]
    fails_cleanly(path, "no model_config attribute")


def test_h5_layer_count_mismatch(tmp_path):
    path = save_keras(mlp(), tmp_path / "m.h5")
    with h5py.File(path, "a") as f:
        f["model_weights/dense_1"].attrs["weight_names"] = np.array([], np.float64)
    fails_cleanly(path, r"the file has weights for 2 layer\(s\) \(dense, batch_normalization\) but the model has 3")


def test_h5_weight_count_mismatch(tmp_path):
    path = save_keras(mlp(), tmp_path / "m.h5")
    with h5py.File(path, "a") as f:
        f["model_weights/dense"].attrs["weight_names"] = np.array([b"dense/kernel"])
    fails_cleanly(path, r"layer 'dense' has 2 weight\(s\) but the file's group 'dense' has 1")


def test_h5_weight_shape_mismatch(tmp_path):
    path = save_keras(mlp(), tmp_path / "m.h5")
    with h5py.File(path, "a") as f:
        del f["model_weights/dense/dense/bias"]
        f["model_weights/dense/dense"].create_dataset("bias", data=np.zeros(8, np.float32))
    fails_cleanly(path, r"model_weights/dense: weight 'dense/bias' has shape \[8\] but .* has shape \[7\]")


def test_truncated_h5(tmp_path):
    path = save_keras(mlp(), tmp_path / "m.h5")
    path.write_bytes(path.read_bytes()[:600])
    fails_cleanly(path, "not a readable HDF5 file")


def test_wrong_suffix_and_missing_file(tmp_path):
    with pytest.raises(InvalidArgumentError, match=r"expected a path ending in .keras, .h5 or .hdf5"):
        load_keras(tmp_path / "model.json")
    with pytest.raises(FileNotFoundError, match="nothing.keras"):
        load_keras(tmp_path / "nothing.keras")


def test_save_needs_a_built_model(tmp_path):
    with pytest.raises(InvalidArgumentError, match="expects a built Sequential or functional Model"):
        save_keras(L.Sequential([L.Dense(2)]), tmp_path / "m.keras")


def test_missing_h5py_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r"pip install 'tensorweb\[keras\]'"):
        save_keras(mlp(), tmp_path / "m.keras")


def test_long_name_lists_are_chunked_as_keras_does(tmp_path):
    names = [f"layer_with_a_rather_long_name_{i:05d}" for i in range(3000)]
    with h5py.File(tmp_path / "a.h5", "w") as f:
        kf._set_names_attr(f.attrs, "layer_names", names)
        assert "layer_names" not in f.attrs and "layer_names1" in f.attrs
        assert kf._names_attr(f.attrs, "layer_names") == names
