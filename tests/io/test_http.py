"""The http(s) handler against a local http.server in a thread."""
from __future__ import annotations

import email.parser
import email.policy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError, ModelFormatError

from .conftest import make_artifacts


class Server:
    """Serves `files` (path → bytes, or (status, bytes, announced length)); records every request."""

    def __init__(self):
        self.files: dict[str, object] = {}
        self.requests: list[tuple[str, str, dict, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _record(self, body=b""):
                outer.requests.append((self.command, self.path, dict(self.headers), body))

            def do_GET(self):
                self._record()
                entry = outer.files.get(self.path)
                if entry is None:
                    self.send_error(404)
                    return
                status, body, length = entry if isinstance(entry, tuple) else (200, entry, len(entry))
                self.send_response(status)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                self._record(body)
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def paths(self) -> list[str]:
        return [p for _, p, _, _ in self.requests]

    def put_model(self, folder: str, artifacts: tw.io.ModelArtifacts, shard_size: int = 32,
                  shard_folder: str | None = None) -> dict:
        group, shards = tw.io.write_shards(artifacts.weight_specs, artifacts.weight_data, shard_size)
        obj = artifacts.to_json([group])
        self.files[f"{folder}/model.json"] = json.dumps(obj).encode()
        for name, data in shards.items():
            self.files[f"{shard_folder or folder}/{name}"] = bytes(data)
        return obj

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def test_load_with_headers_and_progress(server):
    art = make_artifacts()
    obj = server.put_model("/models/m", art, shard_size=32)
    n = len(obj["weightsManifest"][0]["paths"])
    progress = []
    back = tw.io.load_artifacts(f"{server.url}/models/m/model.json", headers={"Authorization": "Bearer s3cret"},
                                on_progress=progress.append)
    assert back.weight_data == art.weight_data and back.weight_specs == art.weight_specs
    assert back.model_topology == art.model_topology and back.source == f"{server.url}/models/m/model.json"
    assert server.paths() == ["/models/m/model.json"] + [f"/models/m/group1-shard{i}of{n}.bin" for i in range(1, n + 1)]
    assert all(h.get("Authorization") == "Bearer s3cret" for _, _, h, _ in server.requests)
    assert progress == [(i + 1) / n for i in range(n)] and n == 3


def test_query_string_is_appended_to_shard_urls(server):
    server.put_model("/m", make_artifacts(), shard_size=1000)
    server.files["/m/model.json?sig=abc"] = server.files.pop("/m/model.json")
    server.files["/m/group1-shard1of1.bin?sig=abc"] = server.files.pop("/m/group1-shard1of1.bin")
    back = tw.io.load_artifacts(f"{server.url}/m/model.json?sig=abc")
    assert back.weight_data == make_artifacts().weight_data
    assert server.paths() == ["/m/model.json?sig=abc", "/m/group1-shard1of1.bin?sig=abc"]


@pytest.mark.parametrize("prefix", ["{url}/cdn/weights/", "{url}/cdn/weights", "../../cdn/weights/"])
def test_weight_path_prefix(server, prefix):
    server.put_model("/models/m", make_artifacts(), shard_size=1000, shard_folder="/cdn/weights")
    back = tw.io.load_artifacts(f"{server.url}/models/m/model.json",
                                weight_path_prefix=prefix.format(url=server.url))
    assert back.weight_data == make_artifacts().weight_data
    assert server.paths()[1] == "/cdn/weights/group1-shard1of1.bin"


def test_missing_model_and_missing_shard(server):
    with pytest.raises(FileNotFoundError, match=r"no model at .*/nothing/model.json \(HTTP 404\)"):
        tw.io.load_artifacts(f"{server.url}/nothing/model.json")
    server.put_model("/m", make_artifacts(), shard_size=32)
    del server.files["/m/group1-shard2of3.bin"]
    with pytest.raises(ModelFormatError, match=r"/m/model.json: weight shard 'group1-shard2of3.bin' is missing"
                                               r" \(.*HTTP 404\)"):
        tw.io.load_artifacts(f"{server.url}/m/model.json")


def numeric_artifacts() -> tw.io.ModelArtifacts:
    specs, data, _ = tw.io.encode_weights({"k": np.arange(10, dtype=np.float32), "n": np.array([1, 2], np.int32)})
    return tw.io.ModelArtifacts(model_topology={}, weight_specs=specs, weight_data=data)


def test_truncated_and_padded_shards(server):
    server.put_model("/m", numeric_artifacts(), shard_size=1000)
    full = server.files["/m/group1-shard1of1.bin"]
    server.files["/m/group1-shard1of1.bin"] = full[:-3]
    with pytest.raises(ModelFormatError, match=f"holds {len(full) - 3} bytes but its manifest describes {len(full)}"):
        tw.io.load_artifacts(f"{server.url}/m/model.json")
    server.files["/m/group1-shard1of1.bin"] = full + bytes(5000)
    with pytest.raises(ModelFormatError, match=f"holds more than the {len(full)} bytes"):
        tw.io.load_artifacts(f"{server.url}/m/model.json")


def test_truncated_and_padded_shards_with_strings(server):
    server.put_model("/m", make_artifacts(), shard_size=1000)      # holds a string weight: sizes are inline
    full = server.files["/m/group1-shard1of1.bin"]
    server.files["/m/group1-shard1of1.bin"] = full[:-3]
    with pytest.raises(ModelFormatError, match="weight group 0 .*'vocab': string data ends early"):
        tw.io.load_artifacts(f"{server.url}/m/model.json")
    server.files["/m/group1-shard1of1.bin"] = full + bytes(7)
    with pytest.raises(ModelFormatError, match=f"describes {len(full)} bytes of weights but the shards hold "
                                               f"{len(full) + 7}"):
        tw.io.load_artifacts(f"{server.url}/m/model.json")


def test_truncated_transfer(server):
    server.put_model("/m", make_artifacts(), shard_size=1000)
    full = server.files["/m/group1-shard1of1.bin"]
    server.files["/m/group1-shard1of1.bin"] = (200, full[:10], len(full))       # connection drops early
    with pytest.raises(ModelFormatError, match=f"ended after 10 of the {len(full)} bytes"):
        tw.io.load_artifacts(f"{server.url}/m/model.json")


@pytest.mark.parametrize("bad", ["../secret.bin", "a/../../secret.bin", "%2e%2e/secret.bin", "/secret.bin",
                                 "http://evil.example/x.bin", "//evil.example/x.bin", "x.bin?y", "a\\..\\..\\s"])
def test_shard_paths_may_not_escape(server, bad):
    server.files["/models/m/model.json"] = json.dumps(
        {"modelTopology": {}, "weightsManifest": [{"paths": [bad], "weights": [
            {"name": "w", "shape": [1], "dtype": "float32"}]}]}).encode()
    server.files["/models/secret.bin"] = bytes(4)
    with pytest.raises(ModelFormatError, match="model's URL folder") as e:
        tw.io.load_artifacts(f"{server.url}/models/m/model.json")
    assert "/models/m/model.json" in str(e.value)
    assert server.paths() == ["/models/m/model.json"]


def test_server_error_and_bad_json(server):
    server.files["/m/model.json"] = (500, b"oops", 4)
    with pytest.raises(ConnectionError, match="HTTP 500"):
        tw.io.load_artifacts(f"{server.url}/m/model.json")
    server.files["/m/model.json"] = b"<html>not json</html>"
    with pytest.raises(ModelFormatError, match="/m/model.json: not valid JSON"):
        tw.io.load_artifacts(f"{server.url}/m/model.json")


def test_save_posts_multipart_and_loads_back(server):
    art = make_artifacts(quantize="uint16")
    result = tw.io.save_artifacts(art, f"{server.url}/upload", headers={"X-Token": "t"})
    assert result.response_status == 201 and result.location == f"{server.url}/upload"
    method, path, headers, body = server.requests[-1]
    assert (method, path, headers["X-Token"]) == ("POST", "/upload", "t")
    message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
        f"Content-Type: {headers['Content-Type']}\r\n\r\n".encode() + body)
    parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
    assert sorted(parts) == ["model.json", "model.weights.bin"]
    assert parts["model.json"].get_content_type() == "application/json"
    obj = json.loads(parts["model.json"].get_payload(decode=True))
    assert obj["weightsManifest"] == [{"paths": ["./model.weights.bin"], "weights": art.weight_specs}]
    assert parts["model.weights.bin"].get_payload(decode=True) == art.weight_data
    # what was uploaded is a loadable model
    server.files["/up/model.json"] = json.dumps(obj).encode()
    server.files["/up/model.weights.bin"] = parts["model.weights.bin"].get_payload(decode=True)
    back = tw.io.load_artifacts(f"{server.url}/up/model.json")
    assert back.weight_data == art.weight_data and back.user_defined_metadata == art.user_defined_metadata


def test_bad_options():
    with pytest.raises(InvalidArgumentError, match="on_progress must be callable"):
        tw.io.load_artifacts("http://127.0.0.1:9/model.json", on_progress=3)
    with pytest.raises(InvalidArgumentError, match="weight_path_prefix"):
        tw.io.HTTPHandler("http://h/m/model.json", weight_path_prefix="ftp://x/")._weight_base()
