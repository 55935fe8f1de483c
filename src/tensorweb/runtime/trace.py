"""Tracing: record the kernels one run of any model (graph, layers, or a plain function of tensors) executes,
and derive the tensor usage records that memory planning works on.

    y, trace = tw.runtime.trace(model, x)      # or: with tw.runtime.tracing() as trace: ...
    records = trace.usage_records()

Every kernel call becomes one step. Records are per backend buffer, so a reshape that shares its input's data
(the backend aliases it) extends that buffer's life instead of adding a tensor. With `in_place=True`, an
element-wise kernel whose input buffer dies at that very step writes over it (the output takes the input's
record), as TFLite's planner does for element-wise operators. Values that depend only on tensors made
outside the run (weights) are constants: they are not planned.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..core.engine import ENGINE
from ..core.tensor import READ_HOOKS, Tensor
from .records import TensorUsageRecord

# Kernels whose output has an input's shape and dtype and whose element i depends only on element i of the
# inputs: they may write into an input that is not used afterwards.
ELEMENTWISE = frozenset("""
Abs Acos Acosh Add Asin Asinh Atan Atan2 Atanh Ceil ClipByValue Cos Cosh Elu Erf Exp Expm1 Floor FloorDiv
IsFinite IsInf IsNan LeakyRelu Log Log1p LogicalAnd LogicalNot LogicalOr LogicalXor Maximum Minimum Mod
Multiply Neg NotEqual Pow Prelu RealDiv Reciprocal Relu Relu6 Round Rsqrt Select Selu Sigmoid Sign Sin Sinh
Softplus Sqrt Square SquaredDifference Step Sub Tan Tanh Equal Greater GreaterEqual Less LessEqual
""".split())

# Kernels whose output shapes depend on input values: a run that applies them to values derived from its
# inputs cannot be replayed from a fixed plan. Random kernels can't either (a replay would repeat the draw).
DATA_DEPENDENT = frozenset("NonMaxSuppressionV3 NonMaxSuppressionV4 NonMaxSuppressionV5 Where Unique Bincount "
                           "DenseBincount".split())
RANDOM = frozenset("Multinomial RandomNormal RandomUniform RandomGamma TruncatedNormal".split())


@dataclass
class Step:
    kernel: str
    inputs: tuple[int, ...]       # tensor numbers
    outputs: tuple[int, ...]
    attrs: dict


@dataclass
class TensorInfo:
    buffer: int
    shape: tuple[int, ...]
    dtype: str


@dataclass
class BufferInfo:
    nbytes: int
    produced_at: int              # step index; -1 for buffers made outside the trace (inputs, weights)


@dataclass
class Trace:
    """The kernel steps of one traced run and the tensors and buffers they read and wrote."""

    steps: list[Step] = field(default_factory=list)
    tensors: list[TensorInfo] = field(default_factory=list)
    buffers: list[BufferInfo] = field(default_factory=list)
    inputs: tuple[int, ...] = ()                          # tensor numbers of the run's inputs
    results: tuple[int, ...] = ()                         # tensor numbers of the run's results
    host_reads: list[int] = field(default_factory=list)   # tensors whose values were read on the host
    external: dict[int, Any] = field(default_factory=dict, repr=False)  # tensor number → backend value
    _numbers: dict[int, int] = field(default_factory=dict, repr=False)
    _buffer_numbers: dict[int, int] = field(default_factory=dict, repr=False)
    _alive: list[Any] = field(default_factory=list, repr=False)   # tensors and buffers: ids stay unique

    def _number(self, t: Tensor, step: int) -> int:
        n = self._numbers.get(id(t))
        if n is not None:
            return n
        b = self._buffer_numbers.get(id(t._buf))
        if b is None:
            b = self._buffer_numbers[id(t._buf)] = len(self.buffers)
            self.buffers.append(BufferInfo(t._buf.nbytes, step))
            self._alive.append(t._buf)     # (a disposed tensor lets go of its buffer; keep it)
        n = self._numbers[id(t)] = len(self.tensors)
        self.tensors.append(TensorInfo(b, tuple(t.shape), t.dtype))
        self._alive.append(t)
        if step < 0:
            self.external[n] = t._value
        return n

    def record(self, kernel: str, inputs: Any, outputs: Any, attrs: dict) -> None:
        step = len(self.steps)
        ins = tuple(self._number(t, -1) for t in inputs)
        outs = tuple(self._number(t, step) for t in outputs)
        self.steps.append(Step(kernel, ins, outs, attrs))

    def _on_read(self, t: Tensor) -> None:
        n = self._numbers.get(id(t))
        if n is not None:
            self.host_reads.append(n)

    def set_inputs(self, inputs: Any) -> None:
        """Names the run's input tensors (planned from step 0)."""
        self.inputs = tuple(self._number(t, -1) for t in _tensors(inputs))

    def set_results(self, result: Any) -> None:
        """Names the run's results (kept alive to the last step)."""
        self.results = tuple(self._number(t, -1) for t in _tensors(result))

    def varying(self) -> list[bool]:
        """Per tensor: does it depend on the run's inputs? (The rest are weights and values folded from them.)"""
        out = [False] * len(self.tensors)
        for n in self.inputs:
            out[n] = True
        for step in self.steps:
            if any(out[n] for n in step.inputs):
                for n in step.outputs:
                    out[n] = True
        return out

    def replay_blockers(self) -> list[str]:
        """Why this run cannot be replayed from a fixed plan (empty when it can): data-dependent kernels on
        varying values, or host reads of varying values (control flow and shapes decided by the data)."""
        varying = self.varying()
        why = sorted({f"kernel {s.kernel}" for s in self.steps
                      if s.kernel in RANDOM or s.kernel in DATA_DEPENDENT and any(varying[n] for n in s.inputs)})
        reads = sorted({n for n in self.host_reads if varying[n]})
        if reads:
            why.append(f"{len(reads)} host read(s) of values computed from the inputs")
        return why

    def buffer_records(self, in_place: bool = True) -> tuple[list[TensorUsageRecord], list[int | None]]:
        """(records, record index of each buffer or None when not planned). See usage_records."""
        varying = self.varying()
        nbuf, last_step = len(self.buffers), len(self.steps) - 1
        planned = [False] * nbuf
        for n, info in enumerate(self.tensors):
            planned[info.buffer] = planned[info.buffer] or varying[n]
        last_use = [max(b.produced_at, 0) for b in self.buffers]
        for s, step in enumerate(self.steps):
            for n in step.inputs:
                last_use[self.tensors[n].buffer] = s
        result_buffers = {self.tensors[n].buffer for n in self.results}
        for b in result_buffers:
            last_use[b] = last_step
        owner = list(range(nbuf))           # in-place merges: a buffer's record is its owner's

        def root(b: int) -> int:
            while owner[b] != b:
                b = owner[b]
            return b

        if in_place:
            for s, step in enumerate(self.steps):
                if step.kernel not in ELEMENTWISE or len(step.outputs) != 1:
                    continue
                out = self.tensors[step.outputs[0]]
                if self.buffers[out.buffer].produced_at != s:      # an alias, not a fresh buffer
                    continue
                in_buffers = [self.tensors[n].buffer for n in step.inputs]
                for n, b in zip(step.inputs, in_buffers):
                    src = self.tensors[n]
                    if (planned[b] and self.buffers[b].produced_at >= 0 and last_use[b] == s
                            and b not in result_buffers and in_buffers.count(b) == 1
                            and src.shape == out.shape and src.dtype == out.dtype):
                        owner[out.buffer] = root(b)
                        break
        spans: dict[int, list[int]] = {}
        for b, info in enumerate(self.buffers):
            if planned[b]:
                first = max(info.produced_at, 0)
                span = spans.setdefault(root(b), [self.buffers[root(b)].nbytes, first, last_use[b]])
                span[1] = min(span[1], first)
                span[2] = max(span[2], last_use[b], first)
        index = {r: i for i, r in enumerate(spans)}
        records = [TensorUsageRecord(size, first, last) for size, first, last in spans.values()]
        return records, [index[root(b)] if planned[b] else None for b in range(nbuf)]

    def usage_records(self, in_place: bool = True) -> list[TensorUsageRecord]:
        """One record per buffer that depends on the run's inputs (in the order they were made): its bytes and
        the steps from its producer (0 for inputs) to its last reader (results stay alive to the last step).
        in_place: element-wise kernels write over an input that dies at that step (merging the records)."""
        return self.buffer_records(in_place)[0]


def _tensors(x: Any) -> list[Tensor]:
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
    tr = Trace()
    ENGINE._tracers.append(tr)
    READ_HOOKS.append(tr._on_read)
    try:
        yield tr
    finally:
        ENGINE._tracers.remove(tr)
        READ_HOOKS.remove(tr._on_read)
