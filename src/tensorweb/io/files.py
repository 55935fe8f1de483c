"""Models on the local file system: a model.json beside its weight shards; atomic saving of a model folder."""
from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Mapping

from ..errors import InvalidArgumentError, ModelFormatError
from .artifacts import (ModelArtifacts, ModelArtifactsInfo, SaveResult, artifacts_from_json, artifacts_info,
                        json_bytes, parse_model_json)
from .weights import DEFAULT_SHARD_SIZE, byte_bounds, weight_extents, write_shards

MODEL_JSON = "model.json"
FILE_SCHEME = "file://"

# read(relative shard path, most bytes wanted or None) -> the shard's bytes, at most most + 1 of them (so that
# a shard longer than the manifest allows is seen without reading it whole).
ShardReader = Callable[[str, "int | None"], bytes]


def local_path(path: str | os.PathLike) -> Path:
    """The file system path of a path or file:// URL."""
    text = os.fspath(path)
    return Path(text[len(FILE_SCHEME):] if text.startswith(FILE_SCHEME) else text)


def model_json_path(path: str | os.PathLike) -> Path:
    """`path` is a model.json (any name ending in .json) or a folder holding model.json."""
    p = local_path(path)
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


def read_shards(groups: list[dict], read: ShardReader, source: str) -> bytes:
    """Concatenates every group's shards, checking each group's size against the bytes its manifest
    describes before any weight is decoded; never reads more than one byte past what the manifest allows."""
    parts: list[bytes] = []
    for i, g in enumerate(groups):
        fewest, most = byte_bounds(g["weights"])
        where = f"{source}: weight group {i} ({', '.join(g['paths']) or 'no shards'})"
        chunks, got = [], 0
        for p in g["paths"]:
            chunks.append(read(p, None if most is None else most - got))
            got += len(chunks[-1])
            if most is not None and got > most:
                raise ModelFormatError(f"{where} holds more than the {most} bytes its manifest describes "
                                       "(padded or wrong shard?)")
        if most is not None and got != most:
            raise ModelFormatError(f"{where} holds {got} bytes but its manifest describes {most} (truncated, "
                                   "missing or wrong shard?)")
        if got < fewest:
            raise ModelFormatError(f"{where} holds {got} bytes but its string weights need at least {fewest} "
                                   "(truncated shard?)")
        if most is None:                      # string lengths are stored inline: walk them (nothing is decoded)
            chunks = [b"".join(chunks)]
            weight_extents(g["weights"], chunks[0], where)
        parts.extend(chunks)
    return b"".join(parts)


def _read_model_json(path: str | os.PathLike) -> tuple[Path, dict, list[dict]]:
    json_path = model_json_path(path)
    obj, groups = parse_model_json(json_path.read_bytes(), str(json_path))
    return json_path, obj, groups


def load_file(path: str | os.PathLike) -> ModelArtifacts:
    """Reads model.json and its shards from disk."""
    json_path, obj, groups = _read_model_json(path)
    source = str(json_path)
    folder = json_path.parent

    def read(relative: str, most: int | None) -> bytes:
        shard = confined(folder, relative, source)
        if not shard.is_file():
            raise ModelFormatError(f"{source}: weight shard {relative!r} is missing ({shard})")
        with open(shard, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            return f.read(size if most is None else min(size, most + 1))

    return artifacts_from_json(obj, groups, read_shards(groups, read, source), source)


def model_json_text(artifacts: ModelArtifacts, manifest: list[dict]) -> bytes:
    """The model.json bytes of `artifacts` with `manifest` (refusing NaN/Infinity, which JSON cannot hold)."""
    try:
        return json.dumps(artifacts.to_json(manifest), allow_nan=False).encode("utf-8")
    except ValueError as e:
        raise InvalidArgumentError(f"save: the model's JSON cannot be written ({e}); TF.js's JSON has no "
                                   "NaN or Infinity") from None


def save_folder(artifacts: ModelArtifacts, folder: str | os.PathLike, shard_size: int = DEFAULT_SHARD_SIZE,
                extra_files: Mapping[str, bytes] | None = None) -> SaveResult:
    """Writes model.json + group1-shard*of*.bin into `folder` (or the folder of a path ending in
    /model.json), atomically (see write_folder)."""
    target = local_path(folder)
    if target.name == MODEL_JSON:
        target = target.parent
    elif target.suffix == ".json":
        raise InvalidArgumentError(f"save: {os.fspath(folder)!r} names a .json file other than {MODEL_JSON}; a "
                                   "model is saved as a folder holding model.json and its weight shards")
    group, shards = write_shards(artifacts.weight_specs, artifacts.weight_data, shard_size)
    write_folder(target, {MODEL_JSON: model_json_text(artifacts, [group]), **shards, **(extra_files or {})})
    return SaveResult(artifacts_info(artifacts), location=str(target))


def write_folder(target: Path, files: Mapping[str, bytes | memoryview]) -> None:
    """Creates `target` holding exactly `files`, atomically: they are written into a temporary folder beside
    it, which is then renamed into place. A failure leaves no partial folder and any model already at
    `target` untouched. An existing `target` is replaced only when it holds nothing but model files
    (model.json, info.json, *.bin); a folder with anything else is refused, never deleted."""
    target = Path(os.path.abspath(target))
    if not target.name:
        raise InvalidArgumentError(f"save: cannot save a model as the root folder {target}")
    if target.exists():
        if not target.is_dir():
            raise FileExistsError(f"save: {target} exists and is not a folder")
        others = sorted(p.name for p in target.iterdir() if not _is_model_file(p))
        if others:
            raise FileExistsError(f"save: {target} holds {', '.join(others[:5])}{', ...' if len(others) > 5 else ''}"
                                  f", which are not model files; refusing to replace the folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.saving-", dir=target.parent))
    try:
        for name, data in files.items():
            with open(staging / name, "xb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        replace_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _is_model_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink() and (path.name in (MODEL_JSON, "info.json")
                                                         or path.suffix == ".bin")


def replace_folder(new: Path, target: Path) -> None:
    """Renames folder `new` to `target`; an existing `target` is moved aside first and restored if the
    rename fails, then deleted."""
    if not target.exists():
        os.rename(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rmdir(old)                             # keep the unique name only
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def folder_info(path: str | os.PathLike) -> ModelArtifactsInfo:
    """The ModelArtifactsInfo of a saved model, from its model.json and shard sizes (no weight is read)."""
    return _folder_info(*_read_model_json(path))


def _folder_info(json_path: Path, obj: dict, groups: list[dict]) -> ModelArtifactsInfo:
    shards = [confined(json_path.parent, p, str(json_path)) for g in groups for p in g["paths"]]
    topology = obj.get("modelTopology")
    return ModelArtifactsInfo(
        date_saved=datetime.datetime.fromtimestamp(json_path.stat().st_mtime, datetime.timezone.utc),
        model_topology_bytes=0 if topology is None else len(json_bytes(topology)),
        weight_specs_bytes=len(json_bytes([s for g in groups for s in g["weights"]])),
        weight_data_bytes=sum(s.stat().st_size for s in shards if s.is_file()))


def remove_file_model(path: str | os.PathLike) -> ModelArtifactsInfo:
    """Deletes a model saved on disk: its model.json and the shards its manifest names (other files stay;
    the folder goes when that leaves it empty). Returns the removed model's info."""
    json_path, obj, groups = _read_model_json(path)
    info = _folder_info(json_path, obj, groups)
    for g in groups:
        for p in g["paths"]:
            confined(json_path.parent, p, str(json_path)).unlink(missing_ok=True)
    json_path.unlink()
    if not any(json_path.parent.iterdir()):
        json_path.parent.rmdir()
    return info


class FileHandler:
    """Loads and saves a model folder on disk (a folder path, a model.json path, or a file:// URL)."""

    def __init__(self, path: str | os.PathLike, shard_size: int = DEFAULT_SHARD_SIZE) -> None:
        self.path = path
        self.shard_size = shard_size

    def load(self) -> ModelArtifacts:
        """The model's artifacts, read from disk."""
        return load_file(self.path)

    def save(self, artifacts: ModelArtifacts) -> SaveResult:
        """Saves into the folder, atomically."""
        return save_folder(artifacts, self.path, self.shard_size)

    def __repr__(self) -> str:
        return f"FileHandler({os.fspath(self.path)!r})"
