"""Where a model is read from or written to: a handler object (anything with load() and/or save()), or a
source string routed by its scheme, as TF.js's IORouterRegistry does."""
from __future__ import annotations

import os
from typing import Any

from ..errors import InvalidArgumentError
from .artifacts import ModelArtifacts, SaveResult
from .files import FILE_SCHEME, FileHandler
from .http import HTTPHandler, is_http_url
from .store import StoreHandler, is_store_url

SUPPORTED = ("a folder or model.json path", FILE_SCHEME, "http://", "https://", "store://", "a handler object")


def _handler(source: Any, method: str, opts: dict) -> Any:
    """The handler for `source` that has `method` ("load" or "save")."""
    if not isinstance(source, (str, os.PathLike)):
        if not callable(getattr(source, method, None)):
            raise InvalidArgumentError(f"io: cannot {method} with {source!r}: expected one of "
                                       f"{', '.join(SUPPORTED)} (a handler needs a {method}() method)")
        if opts:
            raise InvalidArgumentError(f"io: options {sorted(opts)} apply to paths and URLs, not to the handler "
                                       f"object {source!r}")
        return source
    text = os.fspath(source)
    if is_store_url(text):
        return StoreHandler(text, **opts)
    if is_http_url(text):
        return HTTPHandler(text, **opts)
    if "://" in text and not text.startswith(FILE_SCHEME):
        raise InvalidArgumentError(f"io: no handler for the URL scheme of {text!r}; expected one of "
                                   f"{', '.join(SUPPORTED)}")
    return FileHandler(source, **opts)


def get_load_handler(source: Any, **opts: Any) -> Any:
    """The handler that loads `source` (options go to its constructor: HTTPHandler's weight_path_prefix,
    headers, on_progress, timeout)."""
    return _handler(source, "load", opts)


def get_save_handler(target: Any, **opts: Any) -> Any:
    """The handler that saves to `target` (options: shard_size for folders and the store; headers, timeout,
    method for http)."""
    return _handler(target, "save", opts)


def load_artifacts(source: Any, **opts: Any) -> ModelArtifacts:
    """The artifacts of the model at `source`: a model.json path or its folder, a file://, http(s):// or
    store:// URL, or a handler object."""
    artifacts = get_load_handler(source, **opts).load()
    if not isinstance(artifacts, ModelArtifacts):
        raise InvalidArgumentError(f"io: the handler of {source!r} returned {type(artifacts).__name__} from "
                                   "load(); expected ModelArtifacts")
    return artifacts


def save_artifacts(artifacts: ModelArtifacts, target: Any, **opts: Any) -> SaveResult:
    """Saves `artifacts` to `target` (a folder, a file://, http(s):// or store:// URL, or a handler object)."""
    if not isinstance(artifacts, ModelArtifacts):
        raise InvalidArgumentError(f"save_artifacts: expected ModelArtifacts, got {type(artifacts).__name__}")
    return get_save_handler(target, **opts).save(artifacts)
