"""`tensorweb plan MODEL`: the memory-planning table of "Efficient Memory Management for Deep Neural Net
Inference" for one model: every strategy's footprint, object count and planning time, the lower bounds, the
naive footprint, and each strategy's ratio to its lower bound."""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

import tensorweb as tw
from ..errors import InvalidArgumentError
from ..runtime import OFFSET_STRATEGIES, SHARED_OBJECT_STRATEGIES, lower_bounds, plan_offsets, plan_shared_objects
from ..runtime.planning import MIN_COST_FLOW_MAX_RECORDS

BUILTIN = {"mobilenet_v2": "MobileNetV2 (224×224×3, built with the Layers API)"}


def _input_values(model, shapes: list[list[int]] | None, seed: int) -> list:
    rng = np.random.default_rng(seed)
    infos = model.inputs
    values = []
    for k, info in enumerate(infos):
        shape = shapes[k] if shapes and k < len(shapes) else list(info.shape or [])
        shape = [1 if (d is None or d < 0) and i == 0 else d for i, d in enumerate(shape)]
        if any(d is None or d < 0 for d in shape):
            raise InvalidArgumentError(f"input {info.name!r} has unknown dims {info.shape}; give them with "
                                       "--shape, e.g. --shape 1,256,256,3")
        dtype = info.dtype or "float32"
        values.append(rng.random(shape, dtype=np.float32) if dtype == "float32"
                      else np.zeros(shape, dtype={"int32": np.int32, "bool": np.bool_}[dtype]))
    return values


def model_trace(path: str, shapes: list[list[int]] | None = None, seed: int = 0):
    """(description, Trace) of one inference of the model at `path` (or a builtin name)."""
    if path in BUILTIN:
        from ..layers.applications import mobilenet_v2
        model = mobilenet_v2()
        x = tw.tensor(np.random.default_rng(seed).random((1, 224, 224, 3), dtype=np.float32))
        _, trace = tw.runtime.trace(model, x)
        return BUILTIN[path], trace
    from .models import load_any
    model = load_any(path)
    values = [tw.tensor(v) for v in _input_values(model, shapes, seed)]
    if hasattr(model, "execute"):
        feed = {info.name: v for info, v in zip(model.inputs, values)}
        _, trace = tw.runtime.trace(lambda **kw: model.execute(kw), **feed)
    else:
        _, trace = tw.runtime.trace(lambda *xs: model(list(xs) if len(xs) > 1 else xs[0]), *values)
    return path, trace


def plan_table(records) -> dict:
    """Every strategy's result on `records`, with the bounds, as the JSON-ready dict `tensorweb plan` prints."""
    bounds = lower_bounds(records)
    strategies = {}
    runs = [("offsets", name, lambda n: plan_offsets(records, n)) for name in OFFSET_STRATEGIES]
    runs += [("shared_objects", name, lambda n: plan_shared_objects(records, n)) for name in SHARED_OBJECT_STRATEGIES
             if name != "min_cost_flow" or len(records) <= MIN_COST_FLOW_MAX_RECORDS]
    for kind, name, run in runs:
        start = time.perf_counter()
        plan = run(name)
        ms = (time.perf_counter() - start) * 1e3
        bound = bounds.offsets if kind == "offsets" else bounds.shared_objects
        strategies[f"{kind}:{name}"] = {
            "kind": kind, "total_bytes": plan.total_bytes,
            "objects": 1 if kind == "offsets" else plan.objects,
            "planning_ms": round(ms, 3), "ratio_to_lower_bound": round(plan.total_bytes / bound, 4) if bound else 1.0}
    return {"records": len(records), "naive_bytes": bounds.naive, "lower_bound_bytes": bounds.offsets,
            "shared_objects_lower_bound_bytes": bounds.shared_objects, "strategies": strategies}


def _mib(n: int) -> str:
    return f"{n / 2 ** 20:.3f}"


def run(args: argparse.Namespace) -> int:
    shapes = [[int(d) for d in s.split(",")] for s in args.shape] if args.shape else None
    what, trace = model_trace(args.model, shapes, args.seed)
    table = plan_table(trace.usage_records())
    blockers = trace.replay_blockers()
    if args.json:
        print(json.dumps({"model": what, **table, "data_dependent": blockers}, indent=2))
        return 0
    print(f"{what}: {table['records']} intermediate tensors (after in-place reuse)")
    if blockers:
        print(f"note: this run depends on its input values ({'; '.join(blockers)}): the table is for these "
              "inputs, and tw.runtime.compile runs it unplanned")
    print(f"{'strategy':<34}{'MiB':>10}{'objects':>9}{'ms':>10}{'/ bound':>9}")
    for name, s in table["strategies"].items():
        print(f"{name:<34}{_mib(s['total_bytes']):>10}{s['objects']:>9}{s['planning_ms']:>10.1f}"
              f"{s['ratio_to_lower_bound']:>9.3f}")
    print(f"{'lower bound (offsets)':<34}{_mib(table['lower_bound_bytes']):>10}")
    print(f"{'lower bound (shared objects)':<34}{_mib(table['shared_objects_lower_bound_bytes']):>10}")
    print(f"{'naive':<34}{_mib(table['naive_bytes']):>10}{table['records']:>9}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("plan", help="memory-planning table (every strategy vs the lower bounds) for a model")
    p.add_argument("model", help="model.json / folder / .keras / .h5, or the builtin 'mobilenet_v2'")
    p.add_argument("--json", action="store_true", help="print the table as JSON")
    p.add_argument("--shape", nargs="+", metavar="DIMS", help="input shapes for unknown dims, e.g. 1,256,256,3")
    p.add_argument("--seed", type=int, default=0, help="seed of the random input values (default 0)")
    p.set_defaults(run=run)
