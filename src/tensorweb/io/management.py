"""Model management across schemes (TF.js's tf.io.copyModel / moveModel / removeModel / listModels):
copy and move between folders, the local store and (as a source) http."""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import InvalidArgumentError
from .artifacts import ModelArtifactsInfo
from .files import local_path, remove_file_model, replace_folder
from .http import is_http_url
from .router import load_artifacts, save_artifacts
from .store import existing_folder, is_store_url, model_folder, model_info, remove_stored


def _location(url: str | os.PathLike) -> str:
    """A canonical form of a model's place, to tell whether two URLs name the same model."""
    if not isinstance(url, (str, os.PathLike)):
        raise InvalidArgumentError(f"model management: expected a path or URL, got {url!r}")
    text = os.fspath(url)
    if is_store_url(text):
        return str(model_folder(text))
    if is_http_url(text):
        return text
    path = Path(os.path.abspath(local_path(text)))
    return str(path.parent if path.suffix == ".json" else path)


def _check_pair(source: str | os.PathLike, destination: str | os.PathLike) -> None:
    if _location(source) == _location(destination):
        raise InvalidArgumentError(f"model management: source and destination are the same model: {source!r}")


def copy_model(source: str | os.PathLike, destination: str | os.PathLike) -> ModelArtifactsInfo:
    """Copies a model (loaded from any source, saved to any target); returns the copy's info."""
    _check_pair(source, destination)
    return save_artifacts(load_artifacts(source), destination).model_artifacts_info


def move_model(source: str | os.PathLike, destination: str | os.PathLike) -> ModelArtifactsInfo:
    """Moves a model: within the store by renaming its folder; otherwise the source is removed only after
    the copy has been saved."""
    _check_pair(source, destination)
    if is_http_url(os.fspath(source)):
        raise InvalidArgumentError(f"move_model: a model served over http cannot be removed ({source}); "
                                   "use copy_model")
    if is_store_url(os.fspath(source)) and is_store_url(os.fspath(destination)):
        target = model_folder(os.fspath(destination))
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_folder(existing_folder(os.fspath(source)), target)
        return model_info(os.fspath(destination))
    info = copy_model(source, destination)
    remove_model(source)
    return info


def remove_model(url: str | os.PathLike) -> ModelArtifactsInfo:
    """Deletes a model (store://NAME, or a model saved in a folder: its model.json and shards); returns the
    removed model's info."""
    text = os.fspath(url)
    if is_store_url(text):
        return remove_stored(text)
    if is_http_url(text):
        raise InvalidArgumentError(f"remove_model: a model served over http cannot be removed ({text})")
    return remove_file_model(url)
