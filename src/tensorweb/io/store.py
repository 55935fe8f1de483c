"""A local model store (TF.js's browser model stores, over a directory): `store://NAME` is a model folder
in the store's directory (TENSORWEB_MODEL_STORE, default ~/.cache/tensorweb/models), beside the
ModelArtifactsInfo recorded when it was saved."""
from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile
import urllib.parse
from dataclasses import asdict
from pathlib import Path

from ..errors import InvalidArgumentError, ModelFormatError
from .artifacts import ModelArtifacts, ModelArtifactsInfo, SaveResult, artifacts_info
from .files import MODEL_JSON, folder_info, load_file, save_folder
from .weights import DEFAULT_SHARD_SIZE

STORE_SCHEME = "store://"
STORE_ENV = "TENSORWEB_MODEL_STORE"
INFO_JSON = "info.json"
_MAX_FOLDER_NAME = 255


def store_root() -> Path:
    """The store's directory: $TENSORWEB_MODEL_STORE, else ~/.cache/tensorweb/models."""
    return Path(os.environ.get(STORE_ENV) or "~/.cache/tensorweb/models").expanduser()


def is_store_url(source: object) -> bool:
    """Whether `source` is a store:// URL."""
    return isinstance(source, str) and source.startswith(STORE_SCHEME)


def store_name(url: str) -> str:
    """The model name of a store:// URL, checked: non-empty, no control characters or backslashes, no
    leading '/', and no '.', '..' or empty path segment (a name never leaves the store)."""
    name = url[len(STORE_SCHEME):] if url.startswith(STORE_SCHEME) else url
    if not name or any(ord(c) < 32 or ord(c) == 127 for c in name) or "\\" in name:
        raise InvalidArgumentError(f"store: model name {name!r} must be non-empty, without control characters "
                                   "or backslashes")
    if any(part in ("", ".", "..") for part in name.split("/")):
        raise InvalidArgumentError(f"store: model name {name!r} tries to leave the store (a leading '/', "
                                   "'.', '..' or an empty path segment)")
    if len(_folder_name(name)) > _MAX_FOLDER_NAME:
        raise InvalidArgumentError(f"store: model name {name!r} is too long")
    return name


def _folder_name(name: str) -> str:
    """One folder per model: the name percent-encoded ('/' too), a leading '.' as %2E so it never hides."""
    quoted = urllib.parse.quote(name, safe="")
    return "%2E" + quoted[1:] if quoted.startswith(".") else quoted


def model_folder(url: str) -> Path:
    """The folder of `store://NAME` inside the store."""
    return store_root() / _folder_name(store_name(url))


def _info_to_json(info: ModelArtifactsInfo) -> bytes:
    d = asdict(info)
    d["date_saved"] = info.date_saved.isoformat()
    return json.dumps(d).encode()


def _info_from_json(path: Path) -> ModelArtifactsInfo:
    try:
        d = json.loads(path.read_bytes())
        d["date_saved"] = datetime.datetime.fromisoformat(d["date_saved"])
        return ModelArtifactsInfo(**d)
    except (OSError, ValueError, TypeError, KeyError) as e:
        raise ModelFormatError(f"{path}: not a model info record ({e})") from None


def model_info(url: str) -> ModelArtifactsInfo:
    """The info recorded when `store://NAME` was saved (read from its model files if the record is lost)."""
    folder = existing_folder(url)
    try:
        return _info_from_json(folder / INFO_JSON)
    except ModelFormatError:
        return folder_info(folder)


def existing_folder(url: str) -> Path:
    """The folder of a stored model, or FileNotFoundError naming the model and the store."""
    folder = model_folder(url)
    if not (folder / MODEL_JSON).is_file():
        raise FileNotFoundError(f"store: no model named {store_name(url)!r} in the store {store_root()}")
    return folder


class StoreHandler:
    """Loads and saves `store://NAME`."""

    def __init__(self, url: str, shard_size: int = DEFAULT_SHARD_SIZE) -> None:
        self.url = STORE_SCHEME + store_name(url)
        self.shard_size = shard_size

    def load(self) -> ModelArtifacts:
        """The stored model's artifacts."""
        artifacts = load_file(existing_folder(self.url))
        artifacts.source = self.url
        return artifacts

    def save(self, artifacts: ModelArtifacts) -> SaveResult:
        """Stores the model (atomically replacing one of the same name), with its info record."""
        info = artifacts_info(artifacts)
        save_folder(artifacts, model_folder(self.url), self.shard_size, extra_files={INFO_JSON: _info_to_json(info)})
        return SaveResult(info, location=self.url)

    def __repr__(self) -> str:
        return f"StoreHandler({self.url!r})"


def list_models() -> dict[str, ModelArtifactsInfo]:
    """{"store://NAME": info} for every model in the store (TF.js's tf.io.listModels), sorted by name."""
    root = store_root()
    if not root.is_dir():
        return {}
    out = {}
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not (folder / MODEL_JSON).is_file():
            continue                                    # a save or removal in progress, or a stray file
        name = urllib.parse.unquote(folder.name)
        try:
            if _folder_name(store_name(name)) != folder.name:
                continue                                # not a folder the store made (e.g. copied in by hand)
        except InvalidArgumentError:
            continue
        out[STORE_SCHEME + name] = model_info(STORE_SCHEME + name)
    return out


def remove_stored(url: str) -> ModelArtifactsInfo:
    """Deletes `store://NAME` (it disappears at once: renamed aside, then deleted); returns its info."""
    folder = existing_folder(url)
    info = model_info(url)
    trash = Path(tempfile.mkdtemp(prefix=f".{folder.name}.removing-", dir=folder.parent))
    os.rmdir(trash)
    os.rename(folder, trash)
    shutil.rmtree(trash, ignore_errors=True)
    return info
