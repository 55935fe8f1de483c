"""Handlers in memory (from_memory, with_save_handler), handler objects, and routing by source."""
from __future__ import annotations

import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError, ModelFormatError

from .conftest import make_artifacts
from .test_files import same_model


def test_from_memory_artifacts_and_model_json_dicts():
    art = make_artifacts()
    assert same_model(tw.io.load_artifacts(tw.io.from_memory(art)), art)
    model_json = art.to_json([{"paths": ["a.bin", "b.bin"], "weights": art.weight_specs}])
    data = art.weight_data
    for handler in (tw.io.from_memory(model_json, data), tw.io.from_memory(model_json, [data[:10], data[10:]]),
                    tw.io.from_memory({"modelTopology": art.model_topology, "weightSpecs": art.weight_specs,
                                       "weightData": data, "format": "layers-model"})):
        back = handler.load()
        assert back.weight_specs == art.weight_specs and back.weight_data == data
        assert back.model_topology == art.model_topology and back.source == "<memory>"
    loader = tw.io.from_memory(art)
    loader.load().weight_specs = []
    assert loader.load().weight_specs == art.weight_specs        # each load is a fresh copy


def test_from_memory_checks_its_input():
    art = make_artifacts()
    with pytest.raises(ModelFormatError, match="<memory>.*describes .* bytes of weights but the shards hold"):
        tw.io.from_memory(art.to_json([{"paths": [], "weights": art.weight_specs}]), art.weight_data + b"x")
    with pytest.raises(ModelFormatError, match="<memory>: has neither"):
        tw.io.from_memory({"foo": 1})
    with pytest.raises(InvalidArgumentError, match="weight_data is given twice"):
        tw.io.from_memory(art, b"")
    with pytest.raises(InvalidArgumentError, match="bytes or a list of bytes"):
        tw.io.from_memory({"modelTopology": {}}, 42)
    with pytest.raises(InvalidArgumentError, match="expected ModelArtifacts or a model.json-like dict"):
        tw.io.from_memory("model.json")


def test_with_save_handler():
    seen = []
    result = tw.io.save_artifacts(make_artifacts(), tw.io.with_save_handler(seen.append))
    assert len(seen) == 1 and same_model(seen[0], make_artifacts())
    assert result.model_artifacts_info.weight_data_bytes == len(make_artifacts().weight_data)
    custom = tw.io.SaveResult(result.model_artifacts_info, location="somewhere")
    assert tw.io.save_artifacts(make_artifacts(), tw.io.with_save_handler(lambda a: custom)) is custom
    with pytest.raises(InvalidArgumentError, match="expected a function"):
        tw.io.with_save_handler(3)


def test_handler_objects_and_routing(tmp_path, store):
    class Mine:
        def load(self):
            return make_artifacts(4.0)

    assert same_model(tw.io.load_artifacts(Mine()), make_artifacts(4.0))
    with pytest.raises(InvalidArgumentError, match="needs a save\\(\\) method"):
        tw.io.save_artifacts(make_artifacts(), Mine())
    with pytest.raises(InvalidArgumentError, match="needs a load\\(\\) method"):
        tw.io.load_artifacts(tw.io.with_save_handler(print))
    with pytest.raises(InvalidArgumentError, match="options .* apply to paths and URLs"):
        tw.io.load_artifacts(Mine(), headers={})

    class Liar:
        def load(self):
            return {"modelTopology": {}}

    with pytest.raises(InvalidArgumentError, match="returned dict from load"):
        tw.io.load_artifacts(Liar())
    with pytest.raises(InvalidArgumentError, match="expected ModelArtifacts"):
        tw.io.save_artifacts({"modelTopology": {}}, tmp_path / "m")
    with pytest.raises(InvalidArgumentError, match="no handler for the URL scheme of 'gs://b/m'"):
        tw.io.load_artifacts("gs://b/m")
    assert isinstance(tw.io.get_load_handler(tmp_path), tw.io.FileHandler)
    assert isinstance(tw.io.get_load_handler(f"file://{tmp_path}"), tw.io.FileHandler)
    assert isinstance(tw.io.get_load_handler("HTTPS://x/model.json"), tw.io.HTTPHandler)
    assert isinstance(tw.io.get_save_handler("store://x", shard_size=10), tw.io.StoreHandler)
    with pytest.raises(TypeError, match="headers"):
        tw.io.get_load_handler(tmp_path, headers={})
