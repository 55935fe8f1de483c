"""Arena execution: a traced run replayed with every intermediate tensor as a view into one preallocated
arena at its planned offset, kernels writing their results there with `out=`.

    fast = tw.runtime.compile(model)    # any function of tensors: a layers model, a graph model's predict, ...
    y = fast(x)                         # first call per input signature: a warm-up run, then trace and plan
    y = fast(x2)                        # later calls: replay in the same arena

A run whose shapes or control flow depend on the input values (non-max suppression, `where`, loops decided
on the host) cannot be replayed from one plan: `compile` then runs it unplanned for that input signature and
says why in `fallbacks`.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..core.engine import ENGINE
from ..core.registry import get_kernel
from ..errors import InvalidArgumentError
from .planning import OffsetAssignment, plan_offsets
from .records import TensorUsageRecord
from .trace import Trace, trace

_NP = {"float32": np.float32, "int32": np.int32, "bool": np.bool_, "complex64": np.complex64}
_OUT, _COPY, _ALIAS = 0, 1, 2


@dataclass
class _Op:
    fn: Callable
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    attrs: dict
    mode: int
    kernel: str
    widen: tuple = ()         # (input position, float16 weight, float32 arena scratch) to fill before the op


def _accepts_out(fn: Callable) -> bool:
    try:
        return "out" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


class ArenaPlan:
    """One traced run compiled for replay in an arena (see the module docstring).

    weights="float16" keeps every constant float32 input of the replay that float16 holds exactly (weights
    that were float16-quantized in their model file) as float16, and widens it into arena scratch — planned
    like any tensor, alive for the one step that reads it — just before each use: half the weight memory,
    the same results."""

    def __init__(self, tr: Trace, strategy: str = "best", alignment: int = 64, weights: str = "float32") -> None:
        if weights not in ("float32", "float16"):
            raise InvalidArgumentError(f"ArenaPlan: weights must be 'float32' or 'float16', got {weights!r}")
        blockers = tr.replay_blockers()
        strings = {tr.tensors[n].dtype for s in tr.steps for n in s.outputs} - set(_NP)
        if strings:
            blockers.append(f"tensors of dtype {', '.join(sorted(strings))}")
        if blockers:
            raise InvalidArgumentError("this run cannot be replayed from a fixed plan: " + "; ".join(blockers))
        backend = ENGINE.backend_name
        varying = tr.varying()
        slots: list[Any] = [None] * len(tr.tensors)
        for n, value in tr.external.items():
            slots[n] = value
        steps: list[tuple[int, Callable]] = []
        for s, step in enumerate(tr.steps):
            fn = get_kernel(step.kernel, backend)
            if any(varying[n] for n in step.outputs):
                steps.append((s, fn))
                continue
            result = fn(*[slots[n] for n in step.inputs], **step.attrs)     # a constant: compute it once, now
            for n, r in zip(step.outputs, result if isinstance(result, (tuple, list)) else (result,)):
                slots[n] = r
        records, record_of = tr.buffer_records(in_place=True)
        halves: dict[int, np.ndarray] = {}
        widen_records: dict[tuple[int, int], int] = {}          # (step, input position) → record index
        if weights == "float16":
            for s, _ in steps:
                for pos, n in enumerate(tr.steps[s].inputs):
                    value = slots[n]
                    if varying[n] or not isinstance(value, np.ndarray) or value.dtype != np.float32 \
                            or value.size < 64:
                        continue
                    if n not in halves:
                        half = value.astype(np.float16)
                        if not np.array_equal(half.astype(np.float32), value, equal_nan=True):
                            continue
                        halves[n] = half
                    widen_records[(s, pos)] = len(records)
                    records.append(TensorUsageRecord(value.nbytes, s, s))
            for n in halves:
                slots[n] = None                                  # the float32 copy is not kept
        self.records = records
        self.assignment: OffsetAssignment = plan_offsets(records, strategy, alignment)
        self.arena = np.empty(max(self.assignment.total_bytes, 1), dtype=np.uint8)

        def region(record: int, nbytes: int, dtype: Any, shape: tuple) -> np.ndarray:
            offset = self.assignment.offsets[record]
            return self.arena[offset:offset + nbytes].view(dtype).reshape(shape)

        def view(n: int) -> np.ndarray:
            info = tr.tensors[n]
            return region(record_of[info.buffer], tr.buffers[info.buffer].nbytes, _NP[info.dtype], info.shape)

        for n in tr.inputs:
            slots[n] = view(n)
        self.program: list[_Op] = []
        for s, fn in steps:
            step = tr.steps[s]
            fresh = [tr.buffers[tr.tensors[n].buffer].produced_at == s for n in step.outputs]
            if not any(fresh):
                mode = _ALIAS
            else:
                for n in step.outputs:
                    slots[n] = view(n)
                mode = _OUT if len(step.outputs) == 1 and _accepts_out(fn) else _COPY
            widen = tuple((pos, halves[n], region(widen_records[(s, pos)], halves[n].size * 4, np.float32,
                                                  halves[n].shape))
                          for pos, n in enumerate(step.inputs) if (s, pos) in widen_records)
            self.program.append(_Op(fn, step.inputs, step.outputs, step.attrs, mode, step.kernel, widen))
        self.slots = slots
        self.inputs = tr.inputs
        self.results = tr.results
        self.copying_kernels = sorted({op.kernel for op in self.program if op.mode == _COPY})
        used = {n for op in self.program for n in op.inputs if not varying[n]}
        self.weight_bytes = sum(halves[n].nbytes if n in halves else getattr(slots[n], "nbytes", 0) for n in used)

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        """Copies the inputs into the arena, replays the kernels, returns copies of the results."""
        slots = self.slots
        for n, value in zip(self.inputs, inputs):
            np.copyto(slots[n], value)
        for op in self.program:
            args = [slots[n] for n in op.inputs]
            for pos, half, scratch in op.widen:
                np.copyto(scratch, half)
                args[pos] = scratch
            if op.mode == _OUT:
                op.fn(*args, out=slots[op.outputs[0]], **op.attrs)
            elif op.mode == _COPY:
                result = op.fn(*args, **op.attrs)
                for n, r in zip(op.outputs, result if isinstance(result, (tuple, list)) else (result,)):
                    np.copyto(slots[n], r)
            else:
                result = op.fn(*args, **op.attrs)
                for n, r in zip(op.outputs, result if isinstance(result, (tuple, list)) else (result,)):
                    slots[n] = r
        return [np.array(slots[n], copy=True) for n in self.results]


def _signature(args: tuple) -> tuple:
    return tuple((tuple(a.shape), a.dtype) for a in args)


class Compiled:
    """fn(*tensors) run from arena plans, one per input signature (shapes and dtypes)."""

    def __init__(self, fn: Callable, strategy: str = "best", alignment: int = 64, weights: str = "float32") -> None:
        self.fn = fn
        self.strategy, self.alignment, self.weights = strategy, alignment, weights
        self.plans: dict[tuple, ArenaPlan] = {}
        self.fallbacks: dict[tuple, str] = {}       # signature → why it runs unplanned
        self._structure: dict[tuple, Callable] = {}

    def __call__(self, *args: Any) -> Any:
        args = tuple(ENGINE.to_tensor(a) for a in args)
        key = _signature(args)
        if key in self.fallbacks:
            return self.fn(*args)
        plan = self.plans.get(key)
        if plan is None:
            self.fn(*args)        # warm-up: lazy building and caches happen outside the trace
            result, tr = trace(self.fn, *args)
            try:
                repack = _repacker(result)
                self.plans[key] = ArenaPlan(tr, self.strategy, self.alignment, self.weights)
            except InvalidArgumentError as e:
                self.fallbacks[key] = str(e)
                return result
            self._structure[key] = repack
            return result
        outs = plan.run([a._host() for a in args])
        return self._structure[key]([ENGINE.to_tensor(o) for o in outs])


def _repacker(result: Any) -> Callable[[list], Any]:
    """Rebuilds a result's structure (tensor, list/tuple, dict) from its flattened tensors."""
    from ..core.tensor import Tensor
    if isinstance(result, Tensor):
        return lambda flat: flat[0]
    if isinstance(result, dict):
        keys = list(result)
        return lambda flat: dict(zip(keys, flat))
    if isinstance(result, (list, tuple)) and all(isinstance(r, Tensor) for r in result):
        kind = type(result)
        return lambda flat: kind(flat)
    raise InvalidArgumentError("compile: the function must return a tensor, or a list, tuple or dict of tensors")


def compile(fn: Callable, strategy: str = "best", alignment: int = 64,  # noqa: A001 (like tf.function)
            weights: str = "float32") -> Compiled:
    """fn (a function of tensors: a layers Model, a GraphModel's predict, ...) run from arena plans.
    weights="float16": weights that float16 holds exactly stay float16 at rest (see ArenaPlan)."""
    return Compiled(fn, strategy, alignment, weights)
