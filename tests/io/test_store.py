"""The local model store (store://NAME) and model management across schemes."""
from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError

from .conftest import make_artifacts
from .test_files import same_model


def test_default_store_location(monkeypatch, tmp_path):
    from tensorweb.io.store import store_root
    monkeypatch.delenv("TENSORWEB_MODEL_STORE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert store_root() == tmp_path / ".cache" / "tensorweb" / "models"


def test_save_load_list(store):
    assert tw.io.list_models() == {}
    before = datetime.datetime.now(datetime.timezone.utc)
    result = tw.io.save_artifacts(make_artifacts(1.0), "store://mnist/v1")
    tw.io.save_artifacts(make_artifacts(2.0), "store://other")
    assert result.location == "store://mnist/v1"
    models = tw.io.list_models()
    assert list(models) == ["store://mnist/v1", "store://other"]
    info = models["store://mnist/v1"]
    assert info == result.model_artifacts_info
    assert before <= info.date_saved <= datetime.datetime.now(datetime.timezone.utc)
    assert info.model_topology_type == "JSON"
    assert info.weight_data_bytes == len(make_artifacts().weight_data)
    assert info.model_topology_bytes == len(b'{"class_name":"Sequential","config":{"layers":[]}}')
    back = tw.io.load_artifacts("store://mnist/v1")
    assert same_model(back, make_artifacts(1.0)) and back.source == "store://mnist/v1"
    assert sorted(os.listdir(store)) == ["mnist%2Fv1", "other"]       # one folder per model, inside the store


def test_save_replaces_same_name(store):
    tw.io.save_artifacts(make_artifacts(1.0), "store://m")
    tw.io.save_artifacts(make_artifacts(3.0), "store://m")
    assert same_model(tw.io.load_artifacts("store://m"), make_artifacts(3.0))
    assert list(tw.io.list_models()) == ["store://m"]


def test_missing_model(store):
    with pytest.raises(FileNotFoundError, match="no model named 'nope' in the store"):
        tw.io.load_artifacts("store://nope")
    with pytest.raises(FileNotFoundError, match="no model named 'nope'"):
        tw.io.remove_model("store://nope")
    with pytest.raises(FileNotFoundError, match="no model named 'nope'"):
        tw.io.copy_model("store://nope", "store://x")


@pytest.mark.parametrize("name", ["", "..", "../x", "a/../../x", "/etc", "a//b", "./a", "a/.", "x\\..\\y", "a\x00b"])
def test_names_that_leave_the_store_are_refused(store, tmp_path, name):
    with pytest.raises(InvalidArgumentError, match="store: model name"):
        tw.io.save_artifacts(make_artifacts(), f"store://{name}")
    with pytest.raises(InvalidArgumentError, match="store: model name"):
        tw.io.load_artifacts(f"store://{name}")
    assert [p.name for p in tmp_path.iterdir()] in ([], ["store"])
    assert not store.exists() or os.listdir(store) == []


def test_odd_but_valid_names_stay_inside(store):
    for name in [".hidden", "a b%c", "ü/..x", "x.."]:
        tw.io.save_artifacts(make_artifacts(), f"store://{name}")
    assert sorted(tw.io.list_models()) == sorted(f"store://{n}" for n in [".hidden", "a b%c", "ü/..x", "x.."])
    assert all(Path(store / f).parent == store for f in os.listdir(store))
    assert not any(f.startswith(".") for f in os.listdir(store))


def test_copy_and_move_within_the_store(store):
    tw.io.save_artifacts(make_artifacts(1.0), "store://a")
    info = tw.io.copy_model("store://a", "store://b")
    assert info.weight_data_bytes == len(make_artifacts().weight_data)
    assert list(tw.io.list_models()) == ["store://a", "store://b"]
    assert same_model(tw.io.load_artifacts("store://b"), make_artifacts(1.0))
    tw.io.save_artifacts(make_artifacts(5.0), "store://c")
    moved = tw.io.move_model("store://a", "store://c")           # replaces c
    assert moved == tw.io.list_models()["store://c"]
    assert list(tw.io.list_models()) == ["store://b", "store://c"]
    assert same_model(tw.io.load_artifacts("store://c"), make_artifacts(1.0))
    with pytest.raises(InvalidArgumentError, match="same model"):
        tw.io.copy_model("store://b", "store://b")


def test_copy_and_move_between_folders_and_the_store(store, tmp_path):
    tw.io.save_artifacts(make_artifacts(1.0), tmp_path / "disk")
    tw.io.copy_model(str(tmp_path / "disk"), "store://from-disk")
    assert same_model(tw.io.load_artifacts("store://from-disk"), make_artifacts(1.0))
    assert (tmp_path / "disk" / "model.json").is_file()
    tw.io.move_model("store://from-disk", f"file://{tmp_path}/back")
    assert "store://from-disk" not in tw.io.list_models()
    assert same_model(tw.io.load_artifacts(tmp_path / "back"), make_artifacts(1.0))
    tw.io.move_model(str(tmp_path / "back" / "model.json"), "store://again")
    assert not (tmp_path / "back").exists()
    assert list(tw.io.list_models()) == ["store://again"]
    with pytest.raises(InvalidArgumentError, match="same model"):
        tw.io.move_model(str(tmp_path / "disk"), f"file://{tmp_path}/disk/model.json")


def test_failed_move_keeps_the_source(store, tmp_path):
    tw.io.save_artifacts(make_artifacts(1.0), "store://keep")
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_bytes(b"meow")
    with pytest.raises(FileExistsError):
        tw.io.move_model("store://keep", tmp_path / "photos")
    assert same_model(tw.io.load_artifacts("store://keep"), make_artifacts(1.0))


def test_remove(store):
    tw.io.save_artifacts(make_artifacts(1.0), "store://gone")
    saved = tw.io.list_models()["store://gone"]
    assert tw.io.remove_model("store://gone") == saved
    assert tw.io.list_models() == {} and os.listdir(store) == []
    with pytest.raises(InvalidArgumentError, match="over http cannot be removed"):
        tw.io.remove_model("http://example.com/model.json")
    with pytest.raises(InvalidArgumentError, match="over http cannot be removed"):
        tw.io.move_model("http://example.com/model.json", "store://x")


def test_list_skips_what_is_not_a_stored_model(store):
    tw.io.save_artifacts(make_artifacts(), "store://real")
    (store / ".real.saving-123").mkdir()                 # a save in progress
    (store / "stray.txt").write_text("x")
    (store / "%2E%2E").mkdir()                            # a hand-made folder whose name decodes to '..'
    (store / "%2E%2E" / "model.json").write_text("{}")
    assert list(tw.io.list_models()) == ["store://real"]


def test_info_survives_a_lost_record(store):
    tw.io.save_artifacts(make_artifacts(), "store://m")
    (store / "m" / "info.json").unlink()
    info = tw.io.list_models()["store://m"]
    assert info.weight_data_bytes == len(make_artifacts().weight_data)
    assert info.model_topology_bytes == len(b'{"class_name":"Sequential","config":{"layers":[]}}')
