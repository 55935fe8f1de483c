"""Model folders on disk: save (sharded, atomic) and load back."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError
from tensorweb.io import files as files_module

from .conftest import make_artifacts


def same_model(a: tw.io.ModelArtifacts, b: tw.io.ModelArtifacts) -> bool:
    keys = ("model_topology", "format", "generated_by", "converted_by", "weight_specs", "weight_data",
            "training_config", "signature", "user_defined_metadata", "model_initializer", "initializer_signature")
    return all(getattr(a, k) == getattr(b, k) for k in keys)


def test_save_and_load_roundtrip(tmp_path):
    art = make_artifacts()
    result = tw.io.save_artifacts(art, tmp_path / "m", shard_size=16)
    assert result.location == str(tmp_path / "m")
    info = result.model_artifacts_info
    assert info.weight_data_bytes == len(art.weight_data) == 48 + 16 + 4 + 4 + 1 + 4 + 2
    assert info.model_topology_bytes == len(b'{"class_name":"Sequential","config":{"layers":[]}}')
    files = sorted(os.listdir(tmp_path / "m"))
    n = -(-len(art.weight_data) // 16)
    assert files == sorted(["model.json"] + [f"group1-shard{i}of{n}.bin" for i in range(1, n + 1)])
    obj = json.loads((tmp_path / "m" / "model.json").read_text())
    assert obj["format"] == "layers-model" and obj["generatedBy"] == "tensorweb test"
    assert "convertedBy" not in obj and obj["userDefinedMetadata"] == {"scale": 1.0}
    assert obj["weightsManifest"][0]["weights"] == art.weight_specs
    back = tw.io.load_artifacts(tmp_path / "m")
    assert same_model(back, art)
    assert back.source == str(tmp_path / "m" / "model.json")
    for path in (tmp_path / "m" / "model.json", f"file://{tmp_path / 'm'}", str(tmp_path / "m")):
        assert same_model(tw.io.load_artifacts(path), art)
    weights = tw.io.decode_weights(back.weight_data, back.weight_specs)
    assert weights["dense/kernel"].tolist() == np.arange(12).reshape(3, 4).tolist()


def test_quantized_model_roundtrip(tmp_path):
    art = make_artifacts(quantize="uint8")
    tw.io.save_artifacts(art, f"file://{tmp_path}/q")
    back = tw.io.load_artifacts(tmp_path / "q")
    w = tw.io.decode_weights(back.weight_data, back.weight_specs)
    assert np.abs(w["dense/kernel"] - np.arange(12).reshape(3, 4)).max() <= (11 / 255) / 2 + 1e-6
    assert w["step"] == 3


def test_save_replaces_an_existing_model(tmp_path):
    tw.io.save_artifacts(make_artifacts(1.0), tmp_path / "m", shard_size=8)
    tw.io.save_artifacts(make_artifacts(2.0), tmp_path / "m")
    assert sorted(os.listdir(tmp_path / "m")) == ["group1-shard1of1.bin", "model.json"]   # old shards gone
    assert same_model(tw.io.load_artifacts(tmp_path / "m"), make_artifacts(2.0))
    assert sorted(os.listdir(tmp_path)) == ["m"]                                         # no temp folders left


def test_failing_save_leaves_the_old_model_intact(tmp_path, monkeypatch):
    tw.io.save_artifacts(make_artifacts(1.0), tmp_path / "m", shard_size=8)
    before = {p: (tmp_path / "m" / p).read_bytes() for p in os.listdir(tmp_path / "m")}
    real_open = open
    written = []

    def failing_open(path, mode="r", *args, **kwargs):
        if "x" in mode:
            written.append(path)
            if len(written) == 3:                       # the disk fills up while writing the second shard
                raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(OSError, match="No space left"):
        tw.io.save_artifacts(make_artifacts(2.0), tmp_path / "m", shard_size=8)
    monkeypatch.undo()
    assert len(written) == 3
    assert {p: (tmp_path / "m" / p).read_bytes() for p in os.listdir(tmp_path / "m")} == before
    assert sorted(os.listdir(tmp_path)) == ["m"]
    assert same_model(tw.io.load_artifacts(tmp_path / "m"), make_artifacts(1.0))


def test_failing_rename_restores_the_old_model(tmp_path, monkeypatch):
    tw.io.save_artifacts(make_artifacts(1.0), tmp_path / "m")
    real_rename = os.rename
    calls = []

    def flaky_rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:                             # moving the new folder into place fails
            raise OSError("rename failed")
        return real_rename(src, dst)

    monkeypatch.setattr(files_module.os, "rename", flaky_rename)
    with pytest.raises(OSError, match="rename failed"):
        tw.io.save_artifacts(make_artifacts(2.0), tmp_path / "m")
    monkeypatch.undo()
    assert same_model(tw.io.load_artifacts(tmp_path / "m"), make_artifacts(1.0))
    assert sorted(os.listdir(tmp_path)) == ["m"]


def test_a_new_folder_is_not_left_half_written(tmp_path, monkeypatch):
    monkeypatch.setattr(files_module, "model_json_text", lambda *a: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError, match="boom"):
        tw.io.save_artifacts(make_artifacts(), tmp_path / "new")
    assert os.listdir(tmp_path) == []


def test_save_to_a_model_json_path(tmp_path):
    tw.io.save_artifacts(make_artifacts(), tmp_path / "m" / "model.json")
    assert same_model(tw.io.load_artifacts(tmp_path / "m"), make_artifacts())
    with pytest.raises(InvalidArgumentError, match="names a .json file other than model.json"):
        tw.io.save_artifacts(make_artifacts(), tmp_path / "mine.json")


def test_save_refuses_folders_with_other_files(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_bytes(b"meow")
    with pytest.raises(FileExistsError, match="holds cat.jpg, which are not model files"):
        tw.io.save_artifacts(make_artifacts(), tmp_path / "photos")
    assert os.listdir(tmp_path / "photos") == ["cat.jpg"]
    tw.io.save_artifacts(make_artifacts(), tmp_path / "proj")
    (tmp_path / "proj" / "train.py").write_text("print()")          # a model.json beside a user's files
    with pytest.raises(FileExistsError, match="train.py"):
        tw.io.save_artifacts(make_artifacts(2.0), tmp_path / "proj" / "model.json")
    assert (tmp_path / "proj" / "train.py").read_text() == "print()"
    assert same_model(tw.io.load_artifacts(tmp_path / "proj"), make_artifacts())
    (tmp_path / "afile").write_bytes(b"x")
    with pytest.raises(FileExistsError, match="not a folder"):
        tw.io.save_artifacts(make_artifacts(), tmp_path / "afile")
    (tmp_path / "empty").mkdir()
    tw.io.save_artifacts(make_artifacts(), tmp_path / "empty")
    assert same_model(tw.io.load_artifacts(tmp_path / "empty"), make_artifacts())


def test_save_refuses_nan_in_json(tmp_path):
    art = make_artifacts()
    art.user_defined_metadata = {"x": float("nan")}
    with pytest.raises(InvalidArgumentError, match="NaN"):
        tw.io.save_artifacts(art, tmp_path / "m")
    assert os.listdir(tmp_path) == []


def test_model_without_weights(tmp_path):
    art = tw.io.ModelArtifacts(model_topology={"node": []}, format="graph-model")
    tw.io.save_artifacts(art, tmp_path / "g")
    assert os.listdir(tmp_path / "g") == ["model.json"]
    back = tw.io.load_artifacts(tmp_path / "g")
    assert back.weight_specs == [] and back.weight_data == b"" and back.format == "graph-model"


def test_missing_model_json(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model file"):
        tw.io.load_artifacts(tmp_path / "nothing")


def test_remove_file_model_keeps_other_files(tmp_path):
    tw.io.save_artifacts(make_artifacts(), tmp_path / "m", shard_size=30)
    (tmp_path / "m" / "README").write_text("mine")
    info = tw.io.remove_model(str(tmp_path / "m"))
    assert info.weight_data_bytes == len(make_artifacts().weight_data)
    assert os.listdir(tmp_path / "m") == ["README"]
    tw.io.save_artifacts(make_artifacts(), tmp_path / "n")
    tw.io.remove_model(f"file://{tmp_path / 'n'}")
    assert not (tmp_path / "n").exists()
