"""Graph execution: a graph (or a library function) is compiled once, then run many times.

Compiling a graph folds constants (every node whose inputs are all Consts, computed at load time, except
stateful, random and resource ops). Compiling a *plan* for a set of fed nodes and fetched outputs picks the
nodes the outputs need and chooses one of two runners:

- StaticPlan, for acyclic graphs without v1 control flow: a flat list of steps over integer slots (one per
  node, holding its outputs), each slot released after its last reader.
- DynamicPlan, when the needed nodes include v1 control flow (Switch, Merge, Enter, Exit, NextIteration,
  LoopCond): nodes run when their inputs are ready in an execution context (a loop frame and iteration,
  TF.js's executeAsync contexts), dead Switch branches never run, Merge runs on its first live input — all
  in one synchronous call.

Control flow v2 (While, If, PartitionedCall) runs through `OpContext.call_function` and the Runtime's
per-function executors.
"""
from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from typing import Any, Callable, Sequence

import numpy as np

from ..core.tensor import READ_HOOKS, Tensor
from ..core.engine import ENGINE
from ..errors import GraphExecutionError, InvalidArgumentError, ModelFormatError, UnsupportedOpError
from ..ops.creation import tensor
from . import ops as _ops_pkg
from .graphdef import Function, Node, inline_value
from .ops import MAPPERS

# convolutions that can take a preceding zero Pad as their own padding (GraphExecutor._fold_pads)
_PAD_FOLDS = frozenset({"Conv2D", "DepthwiseConv2dNative", "DepthwiseConv2d", "_FusedConv2D",
                        "FusedDepthwiseConv2dNative"})
# ops the executor gives values itself (sources): weights / inline constants, and fed inputs
SOURCE_OPS = frozenset({"Const", "Placeholder", "_Arg"})
CONTROL_V1 = frozenset({"Switch", "Merge", "Enter", "Exit", "NextIteration", "LoopCond"})
# never folded at load time: their value depends on more than their inputs, or they hold state
_NO_FOLD = frozenset({"PlaceholderWithDefault", "Print", "NoOp", "Assert", "While", "StatelessWhile", "If",
                      "StatelessIf", "PartitionedCall", "StatefulPartitionedCall", "TruncatedNormal",
                      "Multinomial", "EmptyTensorList"}) | CONTROL_V1
_NO_FOLD_PREFIXES = ("Random", "TensorArray", "TensorList", "HashTable", "MutableHashTable", "LookupTable",
                     "InitializeTable", "Variable", "VarHandle", "ReadVariable", "Assign")

_mappers_loaded = False


def import_mappers() -> None:
    """Imports every module of tensorweb.graph.ops once, so their @graph_op mappers register."""
    global _mappers_loaded
    if _mappers_loaded:
        return
    for info in pkgutil.iter_modules(_ops_pkg.__path__):
        importlib.import_module(f"{_ops_pkg.__name__}.{info.name}")
    _mappers_loaded = True


def is_supported(op: str) -> bool:
    return op in SOURCE_OPS or op in MAPPERS


def _foldable(op: str) -> bool:
    return op not in _NO_FOLD and not op.startswith(_NO_FOLD_PREFIXES) and op not in SOURCE_OPS


def _outputs(result: Any) -> tuple | list:
    """A mapper's result as the node's output sequence."""
    if type(result) is tuple or type(result) is list:
        return result
    return () if result is None else (result,)


class _KernelLog:
    """Collects the kernels one mapper call runs (an engine tracer) and whether it read tensor values on the
    host (a READ_HOOK)."""
    __slots__ = ("calls", "host_reads")

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.host_reads = 0

    def record(self, name: str, inputs: Sequence[Tensor], outputs: Sequence[Tensor], attrs: dict) -> None:
        self.calls.append((name, tuple(inputs), tuple(outputs), attrs))

    def on_read(self, t: Tensor) -> None:
        self.host_reads += 1


class Replay:
    """A node's mapper that learns to skip itself. When a call ran exactly one kernel on the node's own
    inputs (each used, all distinct Tensors), read no values on the host and returned that kernel's
    outputs, the node's result is a function of its input shapes and dtypes through that kernel: later
    calls with the same shapes and dtypes run the kernel directly (the mapper's attr parsing and the op's
    checks, which gave the same answer, are skipped). Anything else calls the mapper, which may learn
    again. Only pure ops (those constant folding may evaluate) are wrapped."""
    __slots__ = ("fn", "sig", "kernel", "order", "attrs")

    def __init__(self, fn: Callable) -> None:
        self.fn = fn
        self.sig: tuple | None = None
        self.kernel = ""
        self.order: tuple[int, ...] = ()
        self.attrs: dict = {}

    def __call__(self, ctx: "NodeContext", args: list) -> Any:
        sig = _signature(args)
        if sig is not None and sig == self.sig:
            return ENGINE.run_kernel(self.kernel, [args[i] for i in self.order], self.attrs)
        log = _KernelLog()
        ENGINE._tracers.append(log)
        READ_HOOKS.append(log.on_read)
        try:
            out = self.fn(ctx, args)
        finally:
            READ_HOOKS.remove(log.on_read)
            ENGINE._tracers.remove(log)
        self.sig = None
        if sig is not None and len(log.calls) == 1 and not log.host_reads:
            name, ins, outs, attrs = log.calls[0]
            where = {id(a): i for i, a in enumerate(args)}
            order = tuple(where.get(id(t), -1) for t in ins)
            returned = (out,) if isinstance(out, Tensor) else tuple(out) if isinstance(out, (tuple, list)) else ()
            if (sorted(order) == list(range(len(args))) and len(returned) == len(outs)
                    and all(a is b for a, b in zip(returned, outs)) and (len(outs) > 1) == (out is not outs[0])):
                self.sig, self.kernel, self.order, self.attrs = sig, name, order, attrs
        return out


def _signature(args: list) -> tuple | None:
    """(shape, dtype) per argument, or None unless all are distinct Tensors."""
    sig = []
    for a in args:
        if type(a) is not Tensor:
            return None
        sig.append((a.shape, a.dtype))
    if len(args) > 1 and len({id(a) for a in args}) < len(args):
        return None
    return tuple(sig)


class NodeContext:
    """The OpContext a mapper gets for one node (see tensorweb.graph.ops.OpContext)."""
    __slots__ = ("node", "name", "op", "_runtime")

    def __init__(self, node: Node, runtime: "Runtime") -> None:
        self.node, self.name, self.op, self._runtime = node, node.name, node.op, runtime

    @property
    def attrs(self) -> dict:
        return self.node.attrs

    def attr(self, key: str, *default: Any) -> Any:
        return self.node.attr(key, *default)

    @property
    def resources(self) -> dict:
        return self._runtime.resources

    def call_function(self, name: str, inputs: Sequence[Any]) -> list:
        return self._runtime.call_function(name, inputs)


class Runtime:
    """What the executors of one model share: the weight tensors, the library functions (each compiled on
    first call) and the resources of the execution under way."""

    def __init__(self, weights: dict[str, Tensor], functions: dict[str, Function], source: str) -> None:
        self.weights = weights
        self.functions = functions
        self.source = source
        self.resources: dict | None = None
        self._function_executors: dict[str, FunctionExecutor] = {}

    def run(self, plan: "Plan", feeds: list, tracer: "Tracer | None" = None) -> list:
        """Runs a top-level plan with a fresh resource store (nested runs share the caller's)."""
        outer = self.resources
        if outer is None:
            self.resources = {}
        try:
            return plan.run(feeds, tracer)
        finally:
            self.resources = outer

    def function(self, name: str) -> "FunctionExecutor":
        fe = self._function_executors.get(name)
        if fe is None:
            if name not in self.functions:
                raise ModelFormatError(f"{self.source}: the graph calls function {name!r}, which its library "
                                       f"does not define (it has {sorted(self.functions) or 'none'})")
            fe = self._function_executors[name] = FunctionExecutor(self.functions[name], self)
        return fe

    def call_function(self, name: str, inputs: Sequence[Any]) -> list:
        return self.function(name)(inputs)

    def dispose(self) -> None:
        for fe in self._function_executors.values():
            fe.executor.dispose()
        self._function_executors.clear()


class Tracer:
    """Records, in execution order, every top-level step's inputs and outputs (for usage records)."""

    def __init__(self) -> None:
        self.events: list[tuple[list, Sequence]] = []

    def wrap(self, fn: Callable) -> Callable:
        def traced(ctx: NodeContext, args: list) -> Any:
            out = fn(ctx, args)
            self.events.append((args, _outputs(out)))
            return out
        return traced


class GraphExecutor:
    """One graph (the model's, or a function body) compiled: node indices, edges, folded constants, and a
    cache of plans keyed by (fed nodes, fetched outputs)."""

    def __init__(self, nodes: list[Node], runtime: Runtime, where: str) -> None:
        import_mappers()
        self.nodes = nodes
        self.where = where
        self.runtime = runtime
        self.index = {n.name: i for i, n in enumerate(nodes)}
        index = self.index
        self.data_inputs = [tuple((index[s], k) for s, k in n.inputs) for n in nodes]
        self.control_inputs = [tuple(index[s] for s in n.control_inputs) for n in nodes]
        self.consumers: list[list[int]] = [[] for _ in nodes]
        for i in range(len(nodes)):
            for j in {s for s, _ in self.data_inputs[i]} | set(self.control_inputs[i]):
                self.consumers[j].append(i)
        self.contexts = [NodeContext(n, runtime) for n in nodes]
        self.constants: dict[int, tuple] = {}
        self._plans: dict[tuple, Plan] = {}
        self._load_constants()
        self._fold_constants()

    def _error(self, i: int, e: BaseException) -> GraphExecutionError:
        n = self.nodes[i]
        return GraphExecutionError(f"{self.where}: node {n.name!r} (op {n.op}) failed: {type(e).__name__}: {e}")

    def _load_constants(self) -> None:
        weights = self.runtime.weights
        for i, n in enumerate(self.nodes):
            if n.op == "Const":
                t = weights.get(n.name)
                self.constants[i] = (t if t is not None else ENGINE.keep(tensor(inline_value(n, self.where))),)

    def _inputs_of(self, i: int):
        return [s for s, _ in self.data_inputs[i]] + list(self.control_inputs[i])

    def _fold_constants(self) -> None:
        """Computes, once, every node whose inputs are all constants; keeps the values some non-constant
        node reads (the others are recomputed by a plan that fetches them)."""
        consts = self.constants
        folded: list[int] = []
        outer = self.runtime.resources
        self.runtime.resources = {}
        try:
            for i in self._topological(range(len(self.nodes)), strict=False):
                n = self.nodes[i]
                if i in consts or not _foldable(n.op) or n.op not in MAPPERS:
                    continue
                ins = self._inputs_of(i)
                if not ins or not all(j in consts for j in ins):
                    continue
                try:
                    out = _outputs(MAPPERS[n.op](self.contexts[i], [consts[s][k] for s, k in self.data_inputs[i]]))
                except Exception:  # noqa: BLE001 - left to run time, where the error names the node
                    continue
                if out and all(isinstance(t, Tensor) for t in out):
                    consts[i] = tuple(ENGINE.keep(t) for t in out)
                    folded.append(i)
        finally:
            self.runtime.resources = outer
        for i in folded:
            cons = self.consumers[i]
            if cons and all(c in consts for c in cons):
                del consts[i]
        self.folded = frozenset(i for i in folded if i in consts)

    def _topological(self, subset, strict: bool = True) -> list[int]:
        """The nodes of `subset` in an order where each comes after its inputs in the subset (file order
        when it already is one). strict: a cycle raises; else nodes on cycles are left out."""
        members = set(subset)
        order = sorted(members)
        pos = {i: p for p, i in enumerate(order)}
        if all(pos[j] < pos[i] for i in order for j in self._inputs_of(i) if j in members):
            return order
        indegree = {i: sum(1 for j in self._inputs_of(i) if j in members) for i in order}
        ready = [i for i in reversed(order) if indegree[i] == 0]
        out = []
        while ready:
            i = ready.pop()
            out.append(i)
            for c in self.consumers[i]:
                if c in members:
                    indegree[c] -= 1
                    if indegree[c] == 0:
                        ready.append(c)
        if strict and len(out) < len(order):
            stuck = [self.nodes[i].name for i in order if indegree[i] > 0]
            raise ModelFormatError(f"{self.where}: the graph has a cycle without loop control flow through "
                                   f"nodes {stuck[:10]}")
        return out

    def plan(self, feeds: frozenset[int], fetches: tuple[tuple[int, int], ...]) -> Plan:
        """The plan computing `fetches` ((node, output) pairs) from the fed nodes, compiled once."""
        key = (feeds, fetches)
        p = self._plans.get(key)
        if p is None:
            p = self._plans[key] = self._compile(feeds, fetches)
        return p

    def _compile(self, feeds: frozenset[int], fetches: tuple[tuple[int, int], ...]) -> Plan:
        constants = self.constants
        if feeds & constants.keys():  # a fed constant: the folded values downstream of it are stale
            stale, stack = set(feeds), list(feeds & constants.keys())
            while stack:
                for c in self.consumers[stack.pop()]:
                    if c not in stale:
                        stale.add(c)
                        stack.append(c)
            constants = {i: v for i, v in constants.items() if i not in stale}
        needed, missing = set(), []
        stack = list({i for i, _ in fetches})
        seen = set(stack)
        while stack:
            i = stack.pop()
            if i in feeds or i in constants:
                continue
            if self.nodes[i].op in SOURCE_OPS:
                missing.append(self.nodes[i].name)
                continue
            needed.add(i)
            for j in self._inputs_of(i):
                if j not in seen:
                    seen.add(j)
                    stack.append(j)
        if missing:
            fed = sorted(self.nodes[i].name for i in feeds)
            raise InvalidArgumentError(
                f"{self.where}: cannot compute {[self.nodes[i].name for i, _ in fetches]} from the fed inputs "
                f"{fed}: missing inputs {sorted(missing)}")
        for i in needed:
            if self.nodes[i].op not in MAPPERS:
                n = self.nodes[i]
                raise UnsupportedOpError(f"{self.where}: node {n.name!r} uses op {n.op}, which has no mapping")
        initial = [None] * len(self.nodes)
        for i, v in constants.items():
            initial[i] = v
        feed_order = tuple(sorted(feeds))
        if any(self.nodes[i].op in CONTROL_V1 for i in needed):
            return DynamicPlan(self, needed, constants, initial, feed_order, fetches)
        rewired = self._fold_pads(needed, constants, {i for i, _ in fetches})
        order = [i for i in self._topological(needed) if i not in rewired or rewired[i] is not None]
        return StaticPlan(self, order, constants, initial, feed_order, fetches,
                          {i: r for i, r in rewired.items() if r is not None})

    def _fold_pads(self, needed: set[int], constants: dict, fetched: set[int]) -> dict[int, tuple | None]:
        """Zero Pads whose every (needed) reader is a VALID NHWC convolution reading it as its input: the
        convolutions take the Pad's input with the padding as their own EXPLICIT padding (no padded copy;
        the conv kernels pad only the borders they need). Returns {conv: (data inputs, context)} and
        {pad: None} for the Pads that then do not run."""
        out: dict[int, tuple | None] = {}
        for p in needed:
            node = self.nodes[p]
            if node.op not in ("Pad", "PadV2") or p in fetched or len(node.inputs) != 2 + (node.op == "PadV2"):
                continue
            pairs = self._constant_array(node.inputs[1], constants)
            value = (self._constant_array(node.inputs[2], constants) if node.op == "PadV2"
                     else np.asarray(node.attr("constant_value", 0)))
            readers = [c for c in self.consumers[p] if c in needed]
            if (pairs is None or pairs.shape != (4, 2) or pairs[[0, 3]].any() or (pairs < 0).any()
                    or value is None or value.size != 1 or value.reshape(-1)[0] != 0
                    or not readers or not all(self._pads_into(c, p) for c in readers)):
                continue
            explicit = [int(v) for v in pairs.reshape(-1)]
            source = self.data_inputs[p][0]
            for c in readers:
                conv = self.nodes[c]
                patched = dataclasses.replace(conv, _parsed={**conv._parsed, "padding": "EXPLICIT",
                                                             "explicit_paddings": explicit})
                out[c] = ((source,) + self.data_inputs[c][1:], NodeContext(patched, self.runtime))
            out[p] = None
        return out

    def _pads_into(self, c: int, p: int) -> bool:
        """Whether node c is a VALID NHWC convolution reading node p's output only as its input x."""
        conv = self.nodes[c]
        return (conv.op in _PAD_FOLDS and self.data_inputs[c][:1] == ((p, 0),)
                and all(s != p for s, _ in self.data_inputs[c][1:]) and p not in self.control_inputs[c]
                and str(conv.attr("padding", "")).upper() == "VALID"
                and str(conv.attr("data_format", "NHWC")).upper() == "NHWC")

    def _constant_array(self, ref: tuple[str, int], constants: dict) -> np.ndarray | None:
        """The host value of a constant input, or None when it is not a constant."""
        v = constants.get(self.index[ref[0]])
        return None if v is None or ref[1] >= len(v) else v[ref[1]].numpy()

    def dispose(self) -> None:
        """Releases the constants (weights included) and the compiled plans."""
        for values in self.constants.values():
            for t in values:
                t.dispose()
        self.constants.clear()
        self._plans.clear()

    def input_error(self, i: int, vals: list) -> str:
        """Why node i's inputs could not be gathered (a producer gave fewer outputs than read)."""
        for s, k in self.data_inputs[i]:
            v = vals[s]
            if v is None or k >= len(v):
                return (f"its input {self.nodes[s].name}:{k} does not exist: node {self.nodes[s].name!r} "
                        f"(op {self.nodes[s].op}) gave {0 if v is None else len(v)} output(s)")
        return ""


class Plan:
    """What every plan holds: its executor, the initial slot values (constants), the fed nodes in the order
    `run(feeds)` takes their values, and the fetched (node, output) pairs."""

    def __init__(self, ex: GraphExecutor, initial: list, feed_order: tuple[int, ...],
                 fetches: tuple[tuple[int, int], ...]) -> None:
        self.ex = ex
        self.initial = initial
        self.feed_order = feed_order
        self.fetches = fetches

    def run(self, feeds: list, tracer: Tracer | None = None) -> list:
        """feeds: one output tuple per fed node, in feed_order. Returns the fetched values."""
        raise NotImplementedError


class StaticPlan(Plan):
    """Acyclic plan: steps (mapper, context, input (slot, output) pairs, output slot, slots to free).
    `rewired` gives some nodes other data inputs and context (see GraphExecutor._fold_pads)."""

    def __init__(self, ex: GraphExecutor, order: list[int], constants: dict, initial: list,
                 feed_order: tuple[int, ...], fetches: tuple[tuple[int, int], ...],
                 rewired: dict[int, tuple] | None = None) -> None:
        super().__init__(ex, initial, feed_order, fetches)
        self.order = order
        rewired = rewired or {}
        inputs = {i: rewired[i][0] if i in rewired else ex.data_inputs[i] for i in order}
        keep = set(constants) | {i for i, _ in fetches}
        last_use: dict[int, int] = {}
        for step, i in enumerate(order):
            for j in [s for s, _ in inputs[i]] + list(ex.control_inputs[i]):
                last_use[j] = step
        frees: list[list[int]] = [[] for _ in order]
        for j, step in last_use.items():
            if j not in keep:
                frees[step].append(j)
        for step, i in enumerate(order):  # outputs nobody reads (control-only producers, unused outputs)
            if i not in last_use and i not in keep:
                frees[step].append(i)
        self.steps = [(_runner(ex.nodes[i].op), rewired[i][1] if i in rewired else ex.contexts[i], inputs[i], i,
                       tuple(frees[step])) for step, i in enumerate(order)]

    def run(self, feeds: list, tracer: Tracer | None = None) -> list:
        vals = self.initial.copy()
        for i, v in zip(self.feed_order, feeds):
            vals[i] = v
        steps = self.steps if tracer is None else [(tracer.wrap(s[0]),) + s[1:] for s in self.steps]
        ctx = None
        try:
            for fn, ctx, ins, out, frees in steps:
                r = fn(ctx, [vals[s][k] for s, k in ins])
                vals[out] = _outputs(r)
                for s in frees:
                    vals[s] = None
        except Exception as e:
            i = self.ex.index[ctx.name]
            why = self.ex.input_error(i, vals) if isinstance(e, (TypeError, IndexError)) else ""
            if why:
                raise GraphExecutionError(f"{self.ex.where}: node {ctx.name!r} (op {ctx.op}): {why}") from e
            raise self.ex._error(i, e) from e
        return _fetch(self.ex, self.fetches, lambda i: vals[i])


def _runner(op: str) -> Callable:
    """What a plan calls for a node of `op`: its mapper, wrapped in a Replay when the op is pure."""
    fn = MAPPERS[op]
    return Replay(fn) if _foldable(op) else fn


def _fetch(ex: GraphExecutor, fetches: Sequence[tuple[int, int]], lookup: Callable) -> list:
    out, dead = [], []
    for i, k in fetches:
        v = lookup(i)
        if v is None or k >= len(v) or v[k] is None:
            dead.append(f"{ex.nodes[i].name}:{k}" + ("" if v is None else f" (the node gave {len(v)} output(s))"))
        else:
            out.append(v[k])
    if dead:
        raise GraphExecutionError(f"{ex.where}: could not compute {dead}: they are on a branch that did not "
                                  "run, or outputs the node does not have")
    return out


# what a node does to the execution context (v1 control flow)
_PLAIN, _ENTER, _EXIT, _NEXT = 0, 1, 2, 3


class DynamicPlan(Plan):
    """Plan with v1 control flow. A context is (parent context, frame name, iteration); values live per
    (node, context) and are found through the context's chain of parents (TF.js's context ids). A node runs
    in a context once all its inputs are there and live (Merge: once any is); a dead Switch output is None."""

    def __init__(self, ex: GraphExecutor, needed: set[int], constants: dict, initial: list,
                 feed_order: tuple[int, ...], fetches: tuple[tuple[int, int], ...]) -> None:
        super().__init__(ex, initial, feed_order, fetches)
        n = len(ex.nodes)
        self.sources = [False] * n
        for i in list(constants) + list(feed_order):
            self.sources[i] = True
        self.fns = [_runner(ex.nodes[i].op) if i in needed else None for i in range(n)]
        kinds = {"Enter": _ENTER, "Exit": _EXIT, "NextIteration": _NEXT}
        self.kind = [kinds.get(node.op, _PLAIN) for node in ex.nodes]
        self.is_merge = [node.op == "Merge" for node in ex.nodes]
        self.consumers = [[c for c in ex.consumers[i] if c in needed] for i in range(n)]
        fetched = {i for i, _ in fetches}
        # reads of each node's outputs by the needed nodes: in all, and data reads per output index (the
        # reads of an output that comes out dead never happen)
        self.reads_by_output: list[dict[int, int]] = [{} for _ in range(n)]
        self.uses = [0] * n
        for c in needed:
            for s, k in ex.data_inputs[c]:
                self.reads_by_output[s][k] = self.reads_by_output[s].get(k, 0) + 1
                self.uses[s] += 1
            for s in ex.control_inputs[c]:
                self.uses[s] += 1
        for i in fetched:
            self.uses[i] = float("inf")
        self.frame_info = [(node.attr("frame_name", ""), bool(node.attr("is_constant", False)))
                           if node.op == "Enter" and i in needed else None for i, node in enumerate(ex.nodes)]
        self.start = [i for i in sorted(needed, reverse=True)
                      if self._ready_static(i)]

    def _ready_static(self, i: int) -> bool:
        ins = [s for s, _ in self.ex.data_inputs[i]]
        if self.is_merge[i]:
            return any(self.sources[s] for s in ins)
        return all(self.sources[s] for s in ins + list(self.ex.control_inputs[i]))

    def run(self, feeds: list, tracer: Tracer | None = None) -> list:
        return _DynamicRun(self, feeds, tracer).run()


class _DynamicRun:
    """The state of one DynamicPlan run."""

    def __init__(self, plan: DynamicPlan, feeds: list, tracer: Tracer | None) -> None:
        self.p = plan
        self.src = plan.initial.copy()
        for i, v in zip(plan.feed_order, feeds):
            self.src[i] = v
        self.fns = plan.fns if tracer is None else [f and tracer.wrap(f) for f in plan.fns]
        self.values: dict[tuple[int, int], Any] = {}
        self.remaining: dict[tuple[int, int], float] = {}
        # contexts: id -> chain of ids (itself first, root last); (parent, frame, iteration) -> id
        self.chain: list[tuple[int, ...]] = [(0,)]
        self.ctx_key: list[tuple] = [(None, "", 0)]
        self.ctx_ids: dict[tuple, int] = {}
        # per loop frame (parent context, frame name): its iteration contexts and loop-invariant Enters
        self.frames: dict[tuple[int, str], tuple[list[int], list[int]]] = {}
        self.added: set[tuple[int, int]] = set()
        self.stack: list[tuple[int, int]] = []

    def context(self, parent: int, frame: str, iteration: int) -> int:
        key = (parent, frame, iteration)
        c = self.ctx_ids.get(key)
        if c is None:
            c = self.ctx_ids[key] = len(self.chain)
            self.chain.append((c,) + self.chain[parent])
            self.ctx_key.append(key)
            iters, invariants = self.frames.setdefault((parent, frame), ([], []))
            iters.append(c)
            for e in invariants:  # loop invariants reach every iteration
                self.schedule_consumers(e, c)
        return c

    def find(self, i: int, c: int) -> tuple[Any, int]:
        """(node i's outputs visible from context c, the context holding them) or (None, -1)."""
        if self.p.sources[i]:
            return self.src[i], -1
        values = self.values
        for cc in self.chain[c]:
            v = values.get((i, cc))
            if v is not None:
                return v, cc
        return None, -1

    def ready(self, i: int, c: int) -> bool:
        ex = self.p.ex
        if self.p.is_merge[i]:
            for s, k in ex.data_inputs[i]:
                v = self.find(s, c)[0]
                if v is not None and k < len(v) and v[k] is not None:
                    return True
            return False
        for s, k in ex.data_inputs[i]:
            v = self.find(s, c)[0]
            if v is None or k >= len(v) or v[k] is None:
                return False
        return all(self.find(s, c)[0] is not None for s in ex.control_inputs[i])

    def schedule_consumers(self, i: int, c: int) -> None:
        for m in self.p.consumers[i]:
            key = (m, c)
            if key not in self.added and self.ready(m, c):
                self.added.add(key)
                self.stack.append(key)

    def release(self, i: int, c: int) -> None:
        key = (i, c)
        left = self.remaining[key] - 1
        if left <= 0:
            del self.values[key]
            del self.remaining[key]
        else:
            self.remaining[key] = left

    def execute(self, i: int, c: int) -> None:
        p, ex = self.p, self.p.ex
        args, reads = [], []
        for s, k in ex.data_inputs[i]:
            v, where = self.find(s, c)
            args.append(v[k] if v is not None and k < len(v) else None)
            if where == c and args[-1] is not None:
                reads.append(s)
        reads.extend(s for s in ex.control_inputs[i] if self.find(s, c)[1] == c)
        out = _outputs(self.fns[i](ex.contexts[i], args))
        kind = p.kind[i]
        store = child = c
        if kind == _ENTER:
            frame, constant = p.frame_info[i]
            child = self.context(c, frame, 0)
            if not constant:
                store = child
        elif kind == _EXIT or kind == _NEXT:
            parent, frame, iteration = self.ctx_key[c]
            if parent is None:
                raise ModelFormatError("it runs outside any loop frame (no Enter leads to it)")
            store = child = parent if kind == _EXIT else self.context(parent, frame, iteration + 1)
        uses = p.uses[i]
        if any(v is None for v in out):
            uses -= sum(n for k, n in p.reads_by_output[i].items() if k >= len(out) or out[k] is None)
        if uses:
            self.values[(i, store)] = out
            self.remaining[(i, store)] = uses
        for s in reads:
            self.release(s, c)
        if kind == _ENTER and p.frame_info[i][1]:
            iters, invariants = self.frames[(c, p.frame_info[i][0])]
            invariants.append(i)
            for cc in iters:
                self.schedule_consumers(i, cc)
        else:
            self.schedule_consumers(i, child)

    def run(self) -> list:
        p = self.p
        self.added.update((i, 0) for i in p.start)
        self.stack.extend((i, 0) for i in p.start)
        stack = self.stack
        i = -1
        try:
            while stack:
                i, c = stack.pop()
                self.execute(i, c)
        except Exception as e:
            raise p.ex._error(i, e) from e
        return _fetch(p.ex, p.fetches, lambda j: self.find(j, 0)[0])


class FunctionExecutor:
    """A library function compiled: its input args are fed nodes (op '_Arg'), its ret map the fetches."""

    def __init__(self, fn: Function, runtime: Runtime) -> None:
        args = [Node(a.name, "_Arg", [], []) for a in fn.input_args]
        self.fn = fn
        self.executor = GraphExecutor(args + fn.nodes, runtime, f"function {fn.name!r}")
        index = self.executor.index
        self.fetches = tuple((index[src], k) for src, k in (fn.ret[a.name] for a in fn.output_args))
        self._plan: Plan | None = None

    def __call__(self, inputs: Sequence[Any]) -> list:
        n = len(self.fn.input_args)
        if len(inputs) != n:
            raise InvalidArgumentError(f"function {self.fn.name!r} takes {n} input(s) "
                                       f"({[a.name for a in self.fn.input_args]}), got {len(inputs)}")
        if self._plan is None:
            self._plan = self.executor.plan(frozenset(range(n)), self.fetches)
        return self._plan.run([(v,) for v in inputs])


__all__ = ["CONTROL_V1", "DynamicPlan", "FunctionExecutor", "GraphExecutor", "NodeContext", "Plan", "Replay",
           "Runtime", "SOURCE_OPS", "StaticPlan", "Tracer", "import_mappers", "is_supported"]
