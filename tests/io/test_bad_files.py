"""Bad model files: each is a ModelFormatError naming the file and the fault, raised before any weight is
decoded and without reading or allocating more than the files hold."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import ModelFormatError
from tensorweb.io import files as files_module


def write_model(folder, weights, paths=("w.bin",), shard=b"\x00" * 8, extra=None):
    folder.mkdir(parents=True, exist_ok=True)
    obj = {"modelTopology": {}, "weightsManifest": [{"paths": list(paths), "weights": weights}], **(extra or {})}
    (folder / "model.json").write_text(json.dumps(obj))
    if shard is not None:
        (folder / paths[0]).write_bytes(shard)
    return folder / "model.json"


F32x2 = [{"name": "w", "shape": [2], "dtype": "float32"}]


def load_error(path) -> str:
    with pytest.raises(ModelFormatError) as e:
        tw.io.load_artifacts(path)
    assert str(path) in str(e.value) or str(path.parent) in str(e.value)
    return str(e.value)


def test_truncated_shard(tmp_path):
    msg = load_error(write_model(tmp_path, F32x2, shard=b"\x00" * 5))
    assert "holds 5 bytes but its manifest describes 8" in msg and "w.bin" in msg


def test_padded_shard(tmp_path):
    msg = load_error(write_model(tmp_path, F32x2, shard=b"\x00" * 9))
    assert "holds more than the 8 bytes" in msg


def test_missing_shard(tmp_path):
    msg = load_error(write_model(tmp_path, F32x2, paths=("w.bin", "gone.bin"), shard=b"\x00" * 4))
    assert "'gone.bin' is missing" in msg


def test_second_group_truncated(tmp_path):
    path = write_model(tmp_path, F32x2, shard=b"\x00" * 8)
    obj = json.loads(path.read_text())
    obj["weightsManifest"].append({"paths": ["v.bin"], "weights": [{"name": "v", "shape": [3], "dtype": "int32"}]})
    path.write_text(json.dumps(obj))
    (tmp_path / "v.bin").write_bytes(b"\x00" * 11)
    msg = load_error(path)
    assert "weight group 1 (v.bin) holds 11 bytes but its manifest describes 12" in msg


def test_unknown_dtypes(tmp_path):
    msg = load_error(write_model(tmp_path, [{"name": "w", "shape": [1], "dtype": "float64"}]))
    assert "'w' has unsupported dtype 'float64'" in msg
    msg = load_error(write_model(tmp_path, [{"name": "w", "shape": [2], "dtype": "float32",
                                             "quantization": {"dtype": "int4", "min": 0, "scale": 1}}]))
    assert "unknown quantization dtype 'int4'" in msg
    msg = load_error(write_model(tmp_path, [{"name": "w", "shape": [2], "dtype": "float32",
                                             "quantization": {"dtype": "uint8", "min": 0}}]))
    assert "without a numeric 'scale'" in msg
    msg = load_error(write_model(tmp_path, [{"name": "w", "shape": [2], "dtype": "int32",
                                             "quantization": {"dtype": "float16"}}]))
    assert "float16-quantized but has dtype 'int32'" in msg


def test_bad_shapes(tmp_path):
    assert "expected a list of non-negative integers" in load_error(
        write_model(tmp_path, [{"name": "w", "shape": [2, -1], "dtype": "float32"}]))
    assert "expected a list of non-negative integers" in load_error(
        write_model(tmp_path, [{"name": "w", "shape": "2", "dtype": "float32"}]))
    assert "needs a string 'name'" in load_error(write_model(tmp_path, [{"shape": [2], "dtype": "float32"}]))


@pytest.mark.parametrize("bad", ["../w.bin", "sub/../../w.bin", "/etc/passwd", "\\\\server\\share"])
def test_path_escapes(tmp_path, bad):
    (tmp_path / "w.bin").write_bytes(b"\x00" * 8)
    path = write_model(tmp_path / "model", F32x2, paths=(bad,), shard=None)
    msg = load_error(path)
    assert bad in msg or repr(bad) in msg
    assert "model's folder" in msg


def test_symlink_escape(tmp_path):
    (tmp_path / "secret.bin").write_bytes(b"\x00" * 8)
    path = write_model(tmp_path / "model", F32x2, paths=("link.bin",), shard=None)
    os.symlink(tmp_path / "secret.bin", tmp_path / "model" / "link.bin")
    assert "leaves the model's folder" in load_error(path)


@pytest.mark.parametrize("text,fault", [("{not json", "not valid JSON"), ("[1, 2]", "expected a JSON object"),
                                        ('{"a": 1}', "neither 'modelTopology' nor 'weightsManifest'"),
                                        (b"\xff\xfe\x00garbage", "not valid JSON"),
                                        ('{"modelTopology": 3}', "'modelTopology' must be an object"),
                                        ('{"weightsManifest": {}}', "must be a list of groups"),
                                        ('{"weightsManifest": [{"paths": "a"}]}', "needs 'paths'")])
def test_not_a_model_json(tmp_path, text, fault):
    path = tmp_path / "model.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    assert fault in load_error(path)


def test_huge_manifest_is_refused_without_allocating(tmp_path, monkeypatch):
    reads = []
    real_open = open

    class Spy:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def fileno(self):
            return self.f.fileno()

        def read(self, n=-1):
            reads.append(n)
            return self.f.read(n)

    monkeypatch.setattr(files_module, "open", lambda *a, **k: Spy(real_open(*a, **k)), raising=False)
    # 10^12 floats claimed, a 16-byte shard: refused by comparing sizes, nothing big is read or allocated
    huge = [{"name": "w", "shape": [10 ** 6, 10 ** 6], "dtype": "float32"}]
    assert "holds 16 bytes but its manifest describes 4000000000000" in load_error(
        write_model(tmp_path / "a", huge, shard=b"\x00" * 16))
    # 10^12 strings need at least 4 bytes each
    strings = [{"name": "s", "shape": [10 ** 12], "dtype": "string"}]
    assert "need at least 4000000000000" in load_error(write_model(tmp_path / "b", strings, shard=b"\x00" * 16))
    # a shard far longer than its manifest: only one byte past the manifest's size is read
    assert "holds more than the 8 bytes" in load_error(write_model(tmp_path / "c", F32x2, shard=bytes(1 << 20)))
    assert max(reads) <= 16 and reads[-1] == 9


def test_duplicate_weight_names(tmp_path):
    weights = [{"name": "w", "shape": [1], "dtype": "float32"}, {"name": "w", "shape": [1], "dtype": "float32"}]
    assert "weight name 'w' appears more than once" in load_error(write_model(tmp_path, weights))
    with pytest.raises(ModelFormatError, match="'w' appears more than once"):
        tw.io.decode_weights(b"\x00" * 8, weights)


def test_duplicate_weight_names_across_groups(tmp_path):
    path = write_model(tmp_path, F32x2)
    obj = json.loads(path.read_text())
    obj["weightsManifest"].append({"paths": ["v.bin"], "weights": [{"name": "w", "shape": [1], "dtype": "bool"}]})
    path.write_text(json.dumps(obj))
    assert "'w' appears more than once" in load_error(path)


def test_duplicate_shard_paths(tmp_path):
    path = write_model(tmp_path, [{"name": "w", "shape": [4], "dtype": "float32"}], paths=("w.bin", "w.bin"))
    assert "'w.bin' is listed more than once" in load_error(path)


def test_string_weight_with_truncated_data():
    spec = [{"name": "s", "shape": [2], "dtype": "string"}]
    data = b"\x02\x00\x00\x00ab\x05\x00\x00\x00xy"
    with pytest.raises(ModelFormatError, match="'s': string data ends early"):
        tw.io.decode_weights(data, spec)


def test_decode_weights_checks_sizes_first(monkeypatch):
    calls = []
    monkeypatch.setattr("tensorweb.io.weights.decode_weight", lambda *a: calls.append(a))
    specs = [{"name": "a", "shape": [1], "dtype": "float32"}, {"name": "b", "shape": [2], "dtype": "float32"}]
    with pytest.raises(ModelFormatError, match="'b' needs bytes 4..12 but the weight data has only 8"):
        tw.io.decode_weights(np.zeros(2, np.float32).tobytes(), specs)
    with pytest.raises(ModelFormatError, match="describes 12 bytes of weights but the shards hold 16"):
        tw.io.decode_weights(np.zeros(4, np.float32).tobytes(), specs)
    assert calls == []
