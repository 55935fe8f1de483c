"""Models on the local file system: a model.json beside its weight shards."""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import ModelFormatError
from .artifacts import ModelArtifacts, artifacts_from_json, parse_model_json
from .weights import byte_length

MODEL_JSON = "model.json"


def model_json_path(path: str | os.PathLike) -> Path:
    """`path` is a model.json (any name ending in .json) or a folder holding model.json."""
    p = Path(str(path)[len("file://"):] if str(path).startswith("file://") else path)
    if p.is_dir():
        p = p / MODEL_JSON
    if not p.is_file():
        raise FileNotFoundError(f"no model file at {p}")
    return p


def confined(folder: Path, relative: str, source: str) -> Path:
    """folder/relative, refusing a path that leaves `folder` (absolute, '..', a link pointing out)."""
    if not relative or "\x00" in relative or os.path.isabs(relative) or relative.startswith(("/", "\\")):
        raise ModelFormatError(f"{source}: weight path {relative!r} must be a relative path inside the model's "
                               "folder")
    root = folder.resolve()
    target = (folder / relative).resolve()
    if target != root and root not in target.parents:
        raise ModelFormatError(f"{source}: weight path {relative!r} leaves the model's folder {root}")
    return target


def expected_group_bytes(group: dict) -> int | None:
    """Bytes the group's shards must hold together (None when string weights make it data-dependent)."""
    if any(s["dtype"] == "string" and "quantization" not in s for s in group["weights"]):
        return None
    return sum(byte_length(s) for s in group["weights"])


def read_shards(groups: list[dict], read_path, source: str) -> bytes:
    """Concatenates every group's shards (read with read_path(relative) -> bytes), checking each group's
    total against the sizes its manifest implies before any weight is decoded."""
    chunks = []
    for i, g in enumerate(groups):
        data = b"".join(read_path(p) for p in g["paths"])
        want = expected_group_bytes(g)
        if want is not None and len(data) != want:
            raise ModelFormatError(f"{source}: weight group {i} ({', '.join(g['paths'])}) holds {len(data)} bytes "
                                   f"but its manifest describes {want} (truncated, padded or wrong shard?)")
        chunks.append(data)
    return b"".join(chunks)


def load_file(path: str | os.PathLike) -> ModelArtifacts:
    """Reads model.json and its shards from disk."""
    json_path = model_json_path(path)
    source = str(json_path)
    obj, groups = parse_model_json(json_path.read_bytes(), source)
    folder = json_path.parent

    def read(relative: str) -> bytes:
        shard = confined(folder, relative, source)
        if not shard.is_file():
            raise ModelFormatError(f"{source}: weight shard {relative!r} is missing ({shard})")
        return shard.read_bytes()

    return artifacts_from_json(obj, groups, read_shards(groups, read, source), source)
