"""Models served over HTTP(S), as TF.js's http IOHandler: model.json and its shards fetched with urllib
(shard URLs relative to the model.json's folder or a given prefix, with the model URL's query appended);
saving POSTs a multipart form holding model.json and model.weights.bin."""
from __future__ import annotations

import http.client
import posixpath
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Callable, Mapping

from ..errors import InvalidArgumentError, ModelFormatError
from .artifacts import ModelArtifacts, SaveResult, artifacts_from_json, artifacts_info, parse_model_json
from .files import model_json_text, read_shards
from .weights import weight_extents

HTTP_SCHEMES = ("http://", "https://")
MAX_MODEL_JSON_BYTES = 512 * 1024 * 1024
MAX_STRING_GROUP_BYTES = 16 * 1024 ** 3     # bound for groups holding string weights (size not in the manifest)
_CHUNK = 1024 * 1024
_SAVED_WEIGHTS = "model.weights.bin"


def is_http_url(source: object) -> bool:
    """Whether `source` is an http:// or https:// URL."""
    return isinstance(source, str) and source.lower().startswith(HTTP_SCHEMES)


def shard_url(base: str, relative: str, suffix: str, source: str) -> str:
    """The URL of a shard: its relative path resolved against base (ending in '/'), then suffix (the model
    URL's query). Refuses a shard path that is an absolute URL, starts at the server root, or climbs out of
    `base` with '..' (also when percent-encoded)."""
    split = urllib.parse.urlsplit(relative)
    decoded = urllib.parse.unquote(relative)
    if not relative or split.scheme or split.netloc or decoded.startswith(("/", "\\")) or "\\" in decoded \
            or any(c in decoded for c in "?#") or any(ord(c) < 32 for c in decoded):
        raise ModelFormatError(f"{source}: weight path {relative!r} must be a relative path inside the model's "
                               "URL folder (no scheme, host, leading '/', '\\', '?' or '#')")
    normalized = posixpath.normpath(decoded)
    if normalized == ".." or normalized.startswith("../"):
        raise ModelFormatError(f"{source}: weight path {relative!r} leaves the model's URL folder {base}")
    return urllib.parse.urljoin(base, relative) + suffix        # resolves './' and inner '..' as fetch does


class HTTPHandler:
    """Loads a model from an http(s) URL of its model.json, or saves one by POSTing it there.

    weight_path_prefix: where the shards are (a URL, or a path relative to the model URL) instead of the
    model.json's folder; headers: sent with every request (e.g. Authorization); on_progress(fraction):
    called after each shard with the fraction of shards fetched; timeout: seconds per request."""

    def __init__(self, url: str, weight_path_prefix: str | None = None, headers: Mapping[str, str] | None = None,
                 on_progress: Callable[[float], object] | None = None, timeout: float = 60.0,
                 method: str = "POST") -> None:
        if not is_http_url(url):
            raise InvalidArgumentError(f"http handler: expected an http:// or https:// URL, got {url!r}")
        if on_progress is not None and not callable(on_progress):
            raise InvalidArgumentError(f"http handler: on_progress must be callable, got {on_progress!r}")
        self.url = url
        self.weight_path_prefix = weight_path_prefix
        self.headers = dict(headers or {})
        self.on_progress = on_progress
        self.timeout = timeout
        self.method = method

    def _weight_base(self) -> tuple[str, str]:
        """(URL folder the shards are relative to, ending in '/'; the model URL's query as a suffix)."""
        split = urllib.parse.urlsplit(self.url)
        suffix = f"?{split.query}" if split.query else ""
        if self.weight_path_prefix is not None:
            base = urllib.parse.urljoin(self.url, self.weight_path_prefix)
            if not is_http_url(base):
                raise InvalidArgumentError(f"http handler: weight_path_prefix {self.weight_path_prefix!r} is not "
                                           "an http(s) URL or a path relative to the model URL")
            return (base if base.endswith("/") else base + "/"), suffix
        folder = split.path[:split.path.rfind("/") + 1] or "/"
        return urllib.parse.urlunsplit((split.scheme, split.netloc, folder, "", "")), suffix

    def _get(self, url: str, limit: int, missing: Callable[[int], Exception]) -> bytes:
        """At most `limit` bytes of the body at `url`; `missing(status)` is raised for 404/410."""
        request = urllib.request.Request(url, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                buf = bytearray()
                while len(buf) < limit:
                    chunk = response.read(min(_CHUNK, limit - len(buf)))
                    if not chunk:
                        break
                    buf += chunk
                unread = response.length      # what is left of a Content-Length, None without one
        except urllib.error.HTTPError as e:
            if e.code in (404, 410):
                raise missing(e.code) from None
            raise ConnectionError(f"{url}: HTTP {e.code} {e.reason}") from None
        except http.client.IncompleteRead as e:
            raise ModelFormatError(f"{url}: the response ended after {len(e.partial)} bytes, before its end "
                                   "(truncated transfer)") from None
        except TimeoutError:
            raise TimeoutError(f"{url}: no answer within {self.timeout} s") from None
        except urllib.error.URLError as e:
            raise ConnectionError(f"{url}: {e.reason}") from None
        if unread and len(buf) < limit:
            raise ModelFormatError(f"{url}: the response ended after {len(buf)} of the {len(buf) + unread} "
                                   "bytes it announced (truncated transfer)")
        return bytes(buf)

    def load(self) -> ModelArtifacts:
        """Fetches model.json, then every shard (sizes checked against the manifest before decoding)."""
        text = self._get(self.url, MAX_MODEL_JSON_BYTES + 1,
                         lambda status: FileNotFoundError(f"no model at {self.url} (HTTP {status})"))
        if len(text) > MAX_MODEL_JSON_BYTES:
            raise ModelFormatError(f"{self.url}: model.json is larger than {MAX_MODEL_JSON_BYTES} bytes")
        obj, groups = parse_model_json(text, self.url)
        base, suffix = self._weight_base()
        total = sum(len(g["paths"]) for g in groups)
        fetched = 0

        def read(relative: str, most: int | None) -> bytes:
            nonlocal fetched
            url = shard_url(base, relative, suffix, self.url)
            data = self._get(url, MAX_STRING_GROUP_BYTES + 1 if most is None else most + 1,
                             lambda status: ModelFormatError(f"{self.url}: weight shard {relative!r} is missing "
                                                             f"({url}: HTTP {status})"))
            fetched += 1
            if self.on_progress is not None:
                self.on_progress(fetched / total)
            return data

        return artifacts_from_json(obj, groups, read_shards(groups, read, self.url), self.url)

    def save(self, artifacts: ModelArtifacts) -> SaveResult:
        """POSTs (or `method`s) a multipart form: 'model.json' (its manifest naming ./model.weights.bin) and
        'model.weights.bin' (all weight bytes), as TF.js's http handler does."""
        weight_extents(artifacts.weight_specs, artifacts.weight_data, f"save to {self.url}")
        manifest = [{"paths": [f"./{_SAVED_WEIGHTS}"], "weights": artifacts.weight_specs}]
        boundary = uuid.uuid4().hex
        parts = [("model.json", "application/json", model_json_text(artifacts, manifest)),
                 (_SAVED_WEIGHTS, "application/octet-stream", bytes(artifacts.weight_data))]
        body = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\n"
                        f"Content-Type: {kind}\r\n\r\n".encode() + data + b"\r\n" for name, kind, data in parts)
        body += f"--{boundary}--\r\n".encode()
        headers = {**self.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        request = urllib.request.Request(self.url, data=body, headers=headers, method=self.method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as e:
            raise ConnectionError(f"save to {self.url} failed: HTTP {e.code} {e.reason}") from None
        except urllib.error.URLError as e:
            raise ConnectionError(f"save to {self.url} failed: {e.reason}") from None
        return SaveResult(artifacts_info(artifacts), location=self.url, response_status=status)

    def __repr__(self) -> str:
        return f"HTTPHandler({self.url!r})"
