"""ModelArtifacts: what a model.json and its shards hold, independent of where they were read from."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import ModelFormatError
from .weights import check_spec


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


def parse_model_json(text: str | bytes, source: str) -> tuple[dict, list[dict]]:
    """Parses and validates a model.json; returns (the object, its weights manifest groups)."""
    try:
        obj = json.loads(text)
    except (ValueError, UnicodeDecodeError) as e:
        raise ModelFormatError(f"{source}: not valid JSON ({e})") from None
    if not isinstance(obj, dict):
        raise ModelFormatError(f"{source}: expected a JSON object, got {type(obj).__name__}")
    if "modelTopology" not in obj and "weightsManifest" not in obj:
        raise ModelFormatError(f"{source}: has neither 'modelTopology' nor 'weightsManifest'; not a TF.js model.json")
    if obj.get("modelTopology") is not None and not isinstance(obj["modelTopology"], dict):
        raise ModelFormatError(f"{source}: 'modelTopology' must be an object")
    groups = obj.get("weightsManifest", [])
    if not isinstance(groups, list):
        raise ModelFormatError(f"{source}: 'weightsManifest' must be a list of groups")
    for i, g in enumerate(groups):
        if not isinstance(g, dict) or not isinstance(g.get("paths"), list) \
                or not all(isinstance(p, str) for p in g["paths"]) or not isinstance(g.get("weights"), list):
            raise ModelFormatError(f"{source}: weightsManifest group {i} needs 'paths' (strings) and 'weights' "
                                   "(a list)")
        for spec in g["weights"]:
            check_spec(spec, source)
    return obj, groups


def artifacts_from_json(obj: dict, groups: list[dict], weight_data: bytes, source: str) -> ModelArtifacts:
    kwargs = {attr: obj.get(key) for attr, key in ModelArtifacts._JSON_KEYS}
    specs = [spec for g in groups for spec in g["weights"]]
    return ModelArtifacts(**kwargs, weight_specs=specs, weight_data=weight_data, source=source)
