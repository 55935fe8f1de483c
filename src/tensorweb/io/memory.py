"""Handlers that hold a model in memory (TF.js's fromMemory) or hand a saved model to a function
(TF.js's withSaveHandler)."""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Sequence

from ..errors import InvalidArgumentError
from .artifacts import ModelArtifacts, SaveResult, artifacts_from_json, artifacts_info, check_model_json
from .weights import weight_extents

MEMORY_SOURCE = "<memory>"


class MemoryLoader:
    """A load-only handler: load() gives (a shallow copy of) the artifacts it holds."""

    def __init__(self, artifacts: ModelArtifacts) -> None:
        self._artifacts = artifacts

    def load(self) -> ModelArtifacts:
        """The artifacts held (a copy, so callers cannot change what a later load gives)."""
        return dataclasses.replace(self._artifacts)

    def __repr__(self) -> str:
        return f"MemoryLoader({len(self._artifacts.weight_specs)} weights)"


class FunctionSaver:
    """A save-only handler: save(artifacts) calls the function it holds."""

    def __init__(self, save_fn: Callable[[ModelArtifacts], Any]) -> None:
        self._save_fn = save_fn

    def save(self, artifacts: ModelArtifacts) -> SaveResult:
        """Calls the save function; its result is returned when it gives one, else the artifacts' info."""
        result = self._save_fn(artifacts)
        return result if result is not None else SaveResult(artifacts_info(artifacts), location=MEMORY_SOURCE)

    def __repr__(self) -> str:
        return f"FunctionSaver({self._save_fn!r})"


def _weight_bytes(data: Any) -> bytes:
    if data is None:
        return b""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, Sequence) and all(isinstance(d, (bytes, bytearray, memoryview)) for d in data):
        return b"".join(bytes(d) for d in data)
    raise InvalidArgumentError(f"from_memory: weight data must be bytes or a list of bytes, got "
                               f"{type(data).__name__}")


def from_memory(model: ModelArtifacts | dict, weight_data: bytes | Sequence[bytes] | None = None) -> MemoryLoader:
    """A handler whose load() gives a model held in memory: ModelArtifacts, or a model.json-like dict
    (modelTopology, weightsManifest groups or a flat weightSpecs list, format, signature, ...) with the
    bytes of all its weights (or a list of shard bytes, in manifest order). Checked now: the weight entries
    and that the bytes are exactly what they describe."""
    if isinstance(model, ModelArtifacts):
        if weight_data is not None:
            raise InvalidArgumentError("from_memory: weight_data is given twice (the ModelArtifacts hold theirs)")
        artifacts = dataclasses.replace(model)
    elif isinstance(model, dict):
        obj = dict(model)
        if weight_data is None:
            weight_data = obj.pop("weightData", None)
        if "weightSpecs" in obj and "weightsManifest" not in obj:
            obj["weightsManifest"] = [{"paths": [], "weights": obj.pop("weightSpecs")}]
        groups = check_model_json(obj, MEMORY_SOURCE)
        artifacts = artifacts_from_json(obj, groups, _weight_bytes(weight_data), MEMORY_SOURCE)
    else:
        raise InvalidArgumentError(f"from_memory: expected ModelArtifacts or a model.json-like dict, got "
                                   f"{type(model).__name__}")
    weight_extents(artifacts.weight_specs, artifacts.weight_data, artifacts.source)
    return MemoryLoader(artifacts)


def with_save_handler(save_fn: Callable[[ModelArtifacts], Any]) -> FunctionSaver:
    """A handler whose save(artifacts) calls `save_fn(artifacts)` (TF.js's withSaveHandler)."""
    if not callable(save_fn):
        raise InvalidArgumentError(f"with_save_handler: expected a function, got {save_fn!r}")
    return FunctionSaver(save_fn)
