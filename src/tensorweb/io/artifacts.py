"""ModelArtifacts: what a model.json and its shards hold, independent of where they were read from; and
what a save reports (ModelArtifactsInfo, SaveResult), as TF.js's io types."""
from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import ModelFormatError
from .weights import check_spec, check_unique_names


@dataclass
class ModelArtifacts:
    """One model: its topology (Keras JSON for layers models, GraphDef JSON for graph models), the weight
    entries in order, and the bytes of all weights (shards concatenated in manifest order)."""

    model_topology: dict | None = None
    format: str | None = None                 # "layers-model" | "graph-model" | None
    generated_by: str | None = None
    converted_by: str | None = None
    weight_specs: list[dict] = field(default_factory=list)
    weight_data: bytes = b""
    training_config: dict | None = None
    signature: dict | None = None
    user_defined_metadata: dict | None = None
    model_initializer: dict | None = None
    initializer_signature: dict | None = None
    source: str = "<memory>"                  # where it came from, for error messages

    _JSON_KEYS = (("model_topology", "modelTopology"), ("format", "format"), ("generated_by", "generatedBy"),
                  ("converted_by", "convertedBy"), ("training_config", "trainingConfig"),
                  ("signature", "signature"), ("user_defined_metadata", "userDefinedMetadata"),
                  ("model_initializer", "modelInitializer"), ("initializer_signature", "initializerSignature"))

    def to_json(self, weights_manifest: list[dict]) -> dict:
        """The model.json object (keys in TF.js's camelCase), with the given weights manifest."""
        out: dict[str, Any] = {}
        for attr, key in self._JSON_KEYS:
            value = getattr(self, attr)
            if value is not None:
                out[key] = value
        out["weightsManifest"] = weights_manifest
        return out


@dataclass
class ModelArtifactsInfo:
    """TF.js's ModelArtifactsInfo: when a model was saved and the sizes of its parts, in bytes (topology and
    weight entries counted as compact UTF-8 JSON, as JSON.stringify writes them)."""

    date_saved: datetime.datetime
    model_topology_type: str = "JSON"
    model_topology_bytes: int = 0
    weight_specs_bytes: int = 0
    weight_data_bytes: int = 0


@dataclass
class SaveResult:
    """What a save handler returns: the info of the saved model and where it went (a path or URL)."""

    model_artifacts_info: ModelArtifactsInfo
    location: str | None = None
    response_status: int | None = None        # the HTTP status of a save to an http(s) URL
    quantization: Any = None                  # the QuantizationReport of a quantized save

    def __str__(self) -> str:
        info = self.model_artifacts_info
        text = (f"{self.location or 'saved'}: {info.weight_data_bytes:,} bytes of weights, "
                f"{info.model_topology_bytes:,} bytes of topology")
        return text + (f"; {self.quantization}" if self.quantization is not None else "")


def json_bytes(obj: Any) -> bytes:
    """Compact UTF-8 JSON, as JSON.stringify writes it."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def artifacts_info(artifacts: ModelArtifacts, date_saved: datetime.datetime | None = None) -> ModelArtifactsInfo:
    """The ModelArtifactsInfo of `artifacts` (dated now unless `date_saved` is given)."""
    topology = artifacts.model_topology
    return ModelArtifactsInfo(
        date_saved=date_saved or datetime.datetime.now(datetime.timezone.utc),
        model_topology_bytes=0 if topology is None else len(json_bytes(topology)),
        weight_specs_bytes=len(json_bytes(artifacts.weight_specs)),
        weight_data_bytes=len(artifacts.weight_data))


def parse_model_json(text: str | bytes, source: str) -> tuple[dict, list[dict]]:
    """Parses and validates a model.json; returns (the object, its weights manifest groups)."""
    try:
        obj = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise ModelFormatError(f"{source}: not valid JSON ({e})") from None
    return obj, check_model_json(obj, source)


def check_model_json(obj: Any, source: str) -> list[dict]:
    """Validates a model.json object (topology, weights manifest, weight entries, unique weight names and
    shard paths); returns its weights manifest groups."""
    if not isinstance(obj, dict):
        raise ModelFormatError(f"{source}: expected a JSON object, got {type(obj).__name__}")
    if "modelTopology" not in obj and "weightsManifest" not in obj:
        raise ModelFormatError(f"{source}: has neither 'modelTopology' nor 'weightsManifest'; not a TF.js model.json")
    if obj.get("modelTopology") is not None and not isinstance(obj["modelTopology"], dict):
        raise ModelFormatError(f"{source}: 'modelTopology' must be an object")
    groups = obj.get("weightsManifest", [])
    if not isinstance(groups, list):
        raise ModelFormatError(f"{source}: 'weightsManifest' must be a list of groups")
    paths: set[str] = set()
    for i, g in enumerate(groups):
        if not isinstance(g, dict) or not isinstance(g.get("paths"), list) \
                or not all(isinstance(p, str) for p in g["paths"]) or not isinstance(g.get("weights"), list):
            raise ModelFormatError(f"{source}: weightsManifest group {i} needs 'paths' (strings) and 'weights' "
                                   "(a list)")
        for p in g["paths"]:
            if p in paths:
                raise ModelFormatError(f"{source}: weight shard {p!r} is listed more than once in the weights "
                                       "manifest")
            paths.add(p)
        for spec in g["weights"]:
            check_spec(spec, source)
    check_unique_names((s["name"] for g in groups for s in g["weights"]), source)
    return groups


def artifacts_from_json(obj: dict, groups: list[dict], weight_data: bytes, source: str) -> ModelArtifacts:
    """ModelArtifacts from a validated model.json object and the bytes of all its shards."""
    kwargs = {attr: obj.get(key) for attr, key in ModelArtifacts._JSON_KEYS}
    specs = [spec for g in groups for spec in g["weights"]]
    return ModelArtifacts(**kwargs, weight_specs=specs, weight_data=weight_data, source=source)
