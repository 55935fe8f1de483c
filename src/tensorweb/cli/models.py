"""`tensorweb summary`, `tensorweb predict` and `tensorweb convert`: inspect, run and convert model files
(TF.js graph and layers models, Keras .keras/.h5)."""
from __future__ import annotations

import argparse
import collections
import json
from pathlib import Path

import numpy as np

import tensorweb as tw
from ..errors import InvalidArgumentError

KERAS_SUFFIXES = (".keras", ".h5")


def model_kind(path: str) -> tuple[str, object]:
    """("keras", None) for a Keras file, else (model.json's format, its artifacts)."""
    if str(path).lower().endswith(KERAS_SUFFIXES):
        return "keras", None
    art = tw.io.load_artifacts(path)
    fmt = art.format
    if fmt is None:
        topo = art.model_topology or {}
        fmt = "graph-model" if "node" in topo else "layers-model"
    return fmt, art


def load_any(path: str):
    kind, _ = model_kind(path)
    return tw.load_graph_model(path) if kind == "graph-model" else tw.load_layers_model(path)


def _bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.2f} {unit}"
        n /= 1024
    raise AssertionError


def _weight_table(specs: list[dict]) -> list[str]:
    rows: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for s in specs:
        q = s.get("quantization", {}).get("dtype")
        key = s["dtype"] + (f" ({q}-quantized)" if q else "")
        n = int(np.prod(s["shape"], dtype=np.int64))
        rows[key][0] += 1
        rows[key][1] += n
        rows[key][2] += n * tw.io.weights.DTYPE_BYTES.get(q or s["dtype"], 0)
    lines = [f"  {'dtype':<28}{'tensors':>8}{'values':>14}{'bytes':>14}"]
    for key, (count, n, b) in sorted(rows.items()):
        lines.append(f"  {key:<28}{count:>8}{n:>14,}{_bytes(b):>14}")
    return lines


def summary(args: argparse.Namespace) -> int:
    kind, art = model_kind(args.model)
    if kind == "keras" or kind == "layers-model":
        model = tw.load_layers_model(args.model)
        print(f"{args.model}: {'Keras file' if kind == 'keras' else 'TF.js layers model'}")
        model.summary()
        return 0
    topo = art.model_topology or {}
    nodes = list(topo.get("node", []))
    functions = (topo.get("library") or {}).get("function") or []
    for f in functions:
        nodes.extend(f.get("nodeDef", []))
    ops = collections.Counter(n.get("op") for n in nodes)
    print(f"{args.model}: TF.js graph model ({art.generated_by or 'unknown generator'}, "
          f"{art.converted_by or 'unknown converter'})")
    print(f"nodes: {len(nodes)} ({len(functions)} library functions), distinct ops: {len(ops)}")
    print("ops:")
    for op, count in sorted(ops.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {op:<36}{count:>6}")
    print(f"weights: {len(art.weight_specs)} tensors, {_bytes(len(art.weight_data))} on disk")
    for line in _weight_table(art.weight_specs):
        print(line)
    model = tw.load_graph_model(args.model)
    for title, infos in (("inputs", model.inputs), ("outputs", model.outputs)):
        print(f"{title}:")
        for info in infos:
            print(f"  {info.name:<40}{str(info.dtype):<10}{info.shape}")
    return 0


def read_input(path: str, model) -> object:
    """An input file as model inputs: .npy (one array), .json (a list, or an object name → list), or an image
    (decoded as RGB, resized to the model's fixed height and width when it has them, values scaled to [0, 1],
    with a batch dimension)."""
    p = Path(path)
    if p.suffix == ".npy":
        return np.load(p, allow_pickle=False)
    if p.suffix == ".json":
        value = json.loads(p.read_text())
        if isinstance(value, dict):
            return {k: np.asarray(v, dtype=np.float32) for k, v in value.items()}
        return np.asarray(value, dtype=np.float32)
    from ..vis.image import read_image   # Pillow, the [image] extra
    image = read_image(p).astype(np.float32) / 255.0
    shape = model.inputs[0].shape if model.inputs else None
    if shape and len(shape) == 4 and all(isinstance(d, int) and d > 0 for d in shape[1:3]):
        image = tw.image.resize_bilinear(tw.tensor(image), tuple(shape[1:3])).numpy()
    return image[None]


def _describe(name: str, t) -> str:
    a = t.numpy()
    head = ", ".join(f"{v:.4g}" if a.dtype.kind == "f" else str(v) for v in a.reshape(-1)[:6])
    stats = (f"min {a.min():.4g} max {a.max():.4g} mean {a.mean():.4g}" if a.size and a.dtype.kind in "fiub"
             else "")
    return f"{name:<32}{t.dtype:<9}{str(list(a.shape)):<18}{stats}  [{head}{', ...' if a.size > 6 else ''}]"


def predict(args: argparse.Namespace) -> int:
    model = load_any(args.model)
    x = read_input(args.input, model)
    if args.outputs:
        if not hasattr(model, "execute"):
            raise InvalidArgumentError("--outputs names graph-model nodes; this is a layers model")
        names = args.outputs
        result = model.execute(x, names)
    else:
        result = model.predict(x)
        names = [info.name for info in model.outputs] if hasattr(model, "outputs") else []
    results = result if isinstance(result, (list, tuple)) else [result]
    if isinstance(result, dict):
        names, results = list(result), list(result.values())
    names = list(names) + [f"output_{i}" for i in range(len(names), len(results))]
    for name, t in zip(names, results):
        print(_describe(str(name), t))
    return 0


def convert(args: argparse.Namespace) -> int:
    if args.quantize_only and not args.quantize:
        raise InvalidArgumentError("--quantize-only names the weights to quantize; say how with --quantize")
    model = tw.load_layers_model(args.input)
    result = model.save(args.output, quantize=args.quantize, quantize_only=args.quantize_only,
                        shard_size=args.shard_size)
    n = sum(int(np.prod(w.shape)) for w in model.weights)
    out = Path(args.output)
    kind = "Keras file" if str(out).lower().endswith(KERAS_SUFFIXES) else "TF.js layers model"
    files = f"{out.stat().st_size:,} bytes" if out.is_file() else \
        f"{len(list(out.glob('*.bin')))} shard(s), {sum(p.stat().st_size for p in out.glob('*.bin')):,} bytes"
    quant = getattr(result, "quantization", None)
    print(f"wrote {args.output}: {kind}, {len(model.weights)} weights ({n:,} values), {files}"
          + (f"; {quant}" if quant is not None else ""))
    return 0


def register(sub) -> None:
    p = sub.add_parser("summary", help="format, op histogram, weights by dtype, inputs and outputs of a model")
    p.add_argument("model", help="model.json, its folder, or a .keras/.h5 file")
    p.set_defaults(run=summary)

    p = sub.add_parser("predict", help="run a model on an image, .npy or .json input and summarize its outputs")
    p.add_argument("model")
    p.add_argument("input", help="an image file, a .npy array, or a .json list / object of named lists")
    p.add_argument("--outputs", nargs="+", metavar="NAME", help="graph nodes to fetch instead of the outputs")
    p.set_defaults(run=predict)

    p = sub.add_parser("convert", help="convert between Keras .keras/.h5 files and TF.js layers-model folders")
    p.add_argument("input", help="a .keras/.h5 file or a TF.js layers model (model.json or folder)")
    p.add_argument("output", help="a .keras/.h5 path, or a folder for a TF.js layers model")
    p.add_argument("--quantize", choices=("float16", "uint8", "uint16"), help="quantize weights (TF.js output)")
    p.add_argument("--quantize-only", nargs="+", metavar="PATTERN",
                   help="quantize only weights whose names match these wildcard patterns")
    p.add_argument("--shard-size", type=int, default=4 * 1024 * 1024, metavar="BYTES",
                   help="bytes per weight shard (TF.js output; default 4 MiB)")
    p.set_defaults(run=convert)
