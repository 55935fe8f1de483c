"""Tracing: record the kernels one run of any model (graph, layers, or a plain function of tensors) executes,
and derive the tensor usage records that memory planning works on.

    with tw.runtime.tracing() as trace:
        model.predict(x)
    records = trace.usage_records()

Every kernel call becomes one step. Records are per backend buffer, so a reshape that shares its input's data
(the backend aliases it) extends that buffer's life instead of adding a tensor. With `in_place=True`, an
element-wise kernel whose input buffer dies at that very step writes over it (the output takes the input's
record), as TFLite's planner does for element-wise operators.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from ..core.engine import ENGINE
from .records import TensorUsageRecord

# Kernels whose output has an input's shape and dtype and whose element i depends only on element i of the
# inputs: they may write into an input that is not used afterwards.
ELEMENTWISE = frozenset("""
Abs Acos Acosh Add Asin Asinh Atan Atan2 Atanh Ceil ClipByValue Cos Cosh Elu Erf Exp Expm1 Floor FloorDiv
FusedBatchNorm IsFinite IsInf IsNan LeakyRelu Log Log1p LogicalAnd LogicalNot LogicalOr LogicalXor Maximum
Minimum Mod Multiply Neg NotEqual Pow Prelu RealDiv Reciprocal Relu Relu6 Round Rsqrt Select Selu Sigmoid Sign
Sin Sinh Softplus Sqrt Square SquaredDifference Step Sub Tan Tanh Equal Greater GreaterEqual Less LessEqual
""".split())


@dataclass
class Step:
    kernel: str
    inputs: tuple[int, ...]       # buffer numbers
    outputs: tuple[int, ...]
    attrs: dict


@dataclass
class BufferInfo:
    nbytes: int
    shape: tuple[int, ...]
    dtype: str
    produced_at: int              # step index; -1 for buffers made outside the trace (inputs, weights)


@dataclass
class Trace:
    """The kernel steps of one traced run and the buffers they read and wrote."""

    steps: list[Step] = field(default_factory=list)
    buffers: list[BufferInfo] = field(default_factory=list)
    inputs: tuple[int, ...] = ()                           # buffers of the traced run's inputs
    results: tuple[int, ...] = ()                          # buffers of the traced run's results
    _numbers: dict[int, int] = field(default_factory=dict, repr=False)
    _alive: list[Any] = field(default_factory=list, repr=False)   # keeps buffers alive so ids stay unique

    def _number(self, t: Any, step: int) -> int:
        key = id(t._buf)
        n = self._numbers.get(key)
        if n is None:
            n = self._numbers[key] = len(self.buffers)
            self.buffers.append(BufferInfo(t._buf.nbytes, tuple(t.shape), t.dtype, step))
            self._alive.append(t._buf)
        return n

    def record(self, kernel: str, inputs: Sequence[Any], outputs: Sequence[Any], attrs: dict) -> None:
        step = len(self.steps)
        ins = tuple(self._number(t, -1) for t in inputs)
        outs = tuple(self._number(t, step) for t in outputs)
        self.steps.append(Step(kernel, ins, outs, attrs))

    def set_inputs(self, inputs: Any) -> None:
        """Names the run's input tensors (planned from step 0; everything computed from other tensors made
        outside the trace — weights — is a constant and not planned)."""
        self.inputs = tuple(self._number(t, -1) for t in _tensors(inputs))

    def set_results(self, result: Any) -> None:
        """Names the run's results (kept alive to the last step)."""
        self.results = tuple(self._numbers[id(t._buf)] for t in _tensors(result) if id(t._buf) in self._numbers)

    def _variable_buffers(self) -> list[bool]:
        """Which buffers depend on the run's inputs (the rest are weights and values folded from them)."""
        varying = [False] * len(self.buffers)
        for b in self.inputs:
            varying[b] = True
        for step in self.steps:
            if any(varying[b] for b in step.inputs) or not step.inputs:
                for b in step.outputs:
                    varying[b] = varying[b] or self.buffers[b].produced_at >= 0
        return varying

    def usage_records(self, in_place: bool = True) -> list[TensorUsageRecord]:
        """One record per buffer that depends on the run's inputs (in the order they were made): its bytes and
        the steps from its producer (0 for inputs) to its last reader (results stay alive to the last step).
        Weights and values computed from weights alone are constants, not planned.
        in_place: element-wise kernels write over an input that dies at that step (merging the records)."""
        n, last_step = len(self.buffers), len(self.steps) - 1
        last_use = [max(b.produced_at, 0) for b in self.buffers]
        for s, step in enumerate(self.steps):
            for b in step.inputs:
                last_use[b] = s
        for b in self.results:
            last_use[b] = last_step
        owner = list(range(n))           # in-place merges: a buffer's record is its owner's

        def root(b: int) -> int:
            while owner[b] != b:
                b = owner[b]
            return b

        planned = self._variable_buffers()
        if in_place:
            results = set(self.results)
            for s, step in enumerate(self.steps):
                if step.kernel not in ELEMENTWISE or len(step.outputs) != 1:
                    continue
                out = self.buffers[step.outputs[0]]
                if out.produced_at != s:      # an alias, not a fresh buffer
                    continue
                for b in step.inputs:
                    src = self.buffers[b]
                    if (planned[b] and src.produced_at >= 0 and last_use[b] == s and b not in results
                            and src.nbytes == out.nbytes and src.dtype == out.dtype
                            and step.inputs.count(b) == 1):
                        owner[step.outputs[0]] = root(b)
                        break
        spans: dict[int, list[int]] = {}
        for i, b in enumerate(self.buffers):
            if not planned[i]:
                continue
            r = root(i)
            first = max(b.produced_at, 0)
            span = spans.setdefault(r, [self.buffers[r].nbytes, first, last_use[i]])
            span[1] = min(span[1], first)
            span[2] = max(span[2], last_use[i], first)
        return [TensorUsageRecord(size, first, last) for size, first, last in spans.values()]


def _tensors(x: Any) -> list:
    from ..core.tensor import Tensor
    if isinstance(x, Tensor):
        return [x]
    if isinstance(x, dict):
        x = list(x.values())
    return [t for y in x for t in _tensors(y)] if isinstance(x, (list, tuple)) else []


def trace(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, Trace]:
    """Runs fn(*args, **kwargs) once under tracing; tensors among args are the run's inputs, its return
    value the results. Returns (the result, the Trace)."""
    with tracing() as tr:
        tr.set_inputs([args, kwargs])
        result = fn(*args, **kwargs)
        tr.set_results(result)
    return result, tr


@contextlib.contextmanager
def tracing() -> Iterator[Trace]:
    """Records every kernel run inside the block into the yielded Trace (name its inputs and results with
    set_inputs / set_results, or use trace())."""
    trace = Trace()
    ENGINE._tracers.append(trace)
    try:
        yield trace
    finally:
        ENGINE._tracers.remove(trace)
