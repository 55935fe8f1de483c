"""`tensorweb convert` between Keras files and TF.js layers-model folders, both ways, quantized too."""
import json

import numpy as np
import tensorweb as tw
from tensorweb.cli import main


def make_model():
    L = tw.layers
    tw.set_random_seed(3)
    m = L.Sequential([L.Input((6,)), L.Dense(32, activation="relu", name="hidden"), L.Dense(4, name="out")])
    m.build((None, 6))
    return m


X = np.random.default_rng(0).random((5, 6), dtype=np.float32)


def test_keras_to_tfjs_and_back(tmp_path, capsys):
    model = make_model()
    model.save(tmp_path / "m.keras")
    assert main(["convert", str(tmp_path / "m.keras"), str(tmp_path / "tfjs")]) == 0
    line = capsys.readouterr().out.strip()
    assert line == f"wrote {tmp_path / 'tfjs'}: TF.js layers model, 4 weights (356 values), 1 shard(s), 1,424 bytes"
    spec = json.loads((tmp_path / "tfjs" / "model.json").read_text())
    assert spec["format"] == "layers-model"
    np.testing.assert_array_equal(tw.load_layers_model(tmp_path / "tfjs").predict(X, verbose=0),
                                  model.predict(X, verbose=0))
    assert main(["convert", str(tmp_path / "tfjs"), str(tmp_path / "back.h5")]) == 0
    np.testing.assert_array_equal(tw.load_layers_model(tmp_path / "back.h5").predict(X, verbose=0),
                                  model.predict(X, verbose=0))


def test_quantize_and_shard_options(tmp_path, capsys):
    model = make_model()
    model.save(tmp_path / "m.keras")
    assert main(["convert", str(tmp_path / "m.keras"), str(tmp_path / "q"), "--quantize", "uint8",
                 "--quantize-only", "hidden/*", "--shard-size", "512"]) == 0
    line = capsys.readouterr().out
    # before: 356 float32 values; after: the 224 values of hidden/ as uint8 + the 132 of out/ as float32
    assert "quantization uint8: 2 weights, 1424 -> 752 bytes (52.8%), largest absolute error" in line
    spec = json.loads((tmp_path / "q" / "model.json").read_text())
    weights = {w["name"]: w for g in spec["weightsManifest"] for w in g["weights"]}
    quantized = {n for n, w in weights.items() if w.get("quantization", {}).get("dtype") == "uint8"}
    assert quantized and all(n.startswith("hidden/") for n in quantized)
    # 6*32 uint8 kernel + 32 uint8 bias + float32 (32*4 + 4) = 224 + 528 = 752 bytes → two 512-byte shards
    paths = spec["weightsManifest"][0]["paths"]
    assert paths == ["group1-shard1of2.bin", "group1-shard2of2.bin"]
    assert sum((tmp_path / "q" / p).stat().st_size for p in paths) == 6 * 32 + 32 + (32 * 4 + 4) * 4
    got = tw.load_layers_model(tmp_path / "q").predict(X, verbose=0)
    np.testing.assert_allclose(got, model.predict(X, verbose=0), atol=0.05)


def test_bad_input_is_a_clear_error(tmp_path, capsys):
    assert main(["convert", "in.keras", str(tmp_path / "out"), "--quantize-only", "x"]) == 2
    assert "--quantize" in capsys.readouterr().err
    (tmp_path / "bad.keras").write_bytes(b"not a zip")
    assert main(["convert", str(tmp_path / "bad.keras"), str(tmp_path / "out")]) == 2
    assert "bad.keras" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
