"""The engine: runs kernels on the active backend, tracks scopes (tidy), records gradient tapes,
counts memory and profiles.

Everything an op does goes through `ENGINE.run_kernel(name, inputs, attrs)`: that is the one
interception point for tidy scopes, tapes, DEBUG checks and profiling.
"""
from __future__ import annotations

import gc
import time as _time
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from ..errors import (BackendError, DisposedError, DtypeError, GradientError, InvalidArgumentError,
                      LeakError, NumericalError)
from . import dtypes as _dt
from . import registry
from .flags import _parse_bool, env
from .tensor import MEMORY, DataBuffer, Tensor, Variable


# ---- profiling records ----------------------------------------------------------------------------

@dataclass
class KernelRecord:
    name: str
    time_ms: float
    input_shapes: list[list[int]]
    output_shapes: list[list[int]]
    bytes_added: int


@dataclass
class ProfileInfo:
    new_bytes: int
    new_tensors: int
    peak_bytes: int
    kernels: list[KernelRecord] = field(default_factory=list)
    result: Any = None

    @property
    def kernel_names(self) -> list[str]:
        return [k.name for k in self.kernels]


@dataclass
class TimingInfo:
    wall_ms: float
    kernel_ms: float


@dataclass
class MemoryInfo:
    num_tensors: int
    num_data_buffers: int
    num_bytes: int
    peak_bytes: int


class _Tape:
    """One active gradient computation: which tensors depend on its sources, and the kernels run."""
    __slots__ = ("tracked", "nodes", "saved")

    def __init__(self, sources: Iterable[Tensor]) -> None:
        self.tracked = {t.id for t in sources}
        self.nodes: list[tuple] = []
        self.saved: set[int] = set()


def _flatten(obj: Any, out: list) -> list:
    if isinstance(obj, Tensor):
        out.append(obj)
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            _flatten(o, out)
    elif isinstance(obj, dict):
        for o in obj.values():
            _flatten(o, out)
    return out


class Scope:
    """A tidy scope: tensors created inside are disposed at its end, except those returned or kept.

    Use as `with tw.tidy() as scope:` (call `scope.keep(t)` to hand a tensor to the enclosing scope)
    or as a decorator, `@tw.tidy()`.
    """

    def __init__(self, engine: "Engine", name: str | None = None) -> None:
        self._engine = engine
        self.name = name
        self._tracked: list[Tensor] | None = None
        self._keep: list[Tensor] = []

    def keep(self, result: Any) -> Any:
        self._keep.extend(_flatten(result, []))
        return result

    def __enter__(self) -> "Scope":
        self._tracked = self._engine._start_scope()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._engine._end_scope(self._tracked, self._keep)
        self._keep = []

    def __call__(self, fn: Callable) -> Callable:
        engine = self._engine

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            return engine.tidy(fn, *args, **kwargs)
        wrapped.__name__ = getattr(fn, "__name__", "tidied")
        wrapped.__doc__ = fn.__doc__
        wrapped.__wrapped__ = fn
        return wrapped


class Engine:
    def __init__(self) -> None:
        self._backend: Any = None
        self._backend_name: str | None = None
        self._kernels: dict[str, Callable] = {}
        self._scopes: list[list[Tensor]] = []
        self._tapes: list[_Tape] = []
        self._tracers: list[Any] = []     # objects with record(kernel, inputs, outputs, attrs): runtime.trace
        self._profile: list[KernelRecord] | None = None
        self._kernel_ms = 0.0
        self._debug = False
        self._variables: weakref.WeakValueDictionary[str, Variable] = weakref.WeakValueDictionary()
        self._next_variable = 0
        registry.on_change(self._kernels.clear)

    # ---- backends ---------------------------------------------------------------------------------
    @property
    def backend(self) -> Any:
        if self._backend is None:
            self._init_default_backend()
        return self._backend

    @property
    def backend_name(self) -> str:
        self.backend
        return self._backend_name  # type: ignore[return-value]

    def _instance(self, name: str) -> Any:
        entry = registry.backend_entry(name)
        if entry.instance is None:
            try:
                entry.instance = entry.factory()
            except Exception as e:  # a backend that cannot start is reported, never half-used
                raise BackendError(f"backend {name!r} failed to initialize: {e}") from e
        return entry.instance

    def _init_default_backend(self) -> None:
        errors = []
        for name in registry.backend_names_by_priority():
            try:
                self.set_backend(name)
                return
            except BackendError as e:
                errors.append(str(e))
        raise BackendError("no backend could be initialized" + (": " + "; ".join(errors) if errors else
                                                               " (none is registered)"))

    def set_backend(self, name: str) -> bool:
        instance = self._instance(name)
        self._backend, self._backend_name = instance, name
        self._kernels.clear()
        return True

    def remove_backend(self, name: str) -> None:
        entry = registry.remove_backend_entry(name)
        if entry.instance is not None and hasattr(entry.instance, "dispose"):
            entry.instance.dispose()
        if self._backend_name == name:
            self._backend = self._backend_name = None

    def move_to(self, t: Tensor, backend: Any) -> Any:
        """The value of `t` on `backend` (reads from its own backend and writes to the other)."""
        v = t._check()
        if t._backend is backend:
            return v
        return backend.write(t._backend.read(v), t.dtype)

    # ---- tensors ----------------------------------------------------------------------------------
    def make_tensor(self, value: Any, backend: Any = None, alias_of: Tensor | None = None,
                    kernel: str = "tensor") -> Tensor:
        """Wraps a backend value (fresh or aliasing `alias_of`'s data) as a tracked Tensor."""
        backend = backend or self.backend
        value, shape, dtype, nbytes = backend.adopt(value)
        if dtype is None:
            raise DtypeError(f"kernel {kernel!r} on backend {self._backend_name!r} produced values of "
                             f"unsupported type {getattr(value, 'dtype', type(value))}")
        buf = alias_of._buf if alias_of is not None else DataBuffer(nbytes)
        t = Tensor(value, shape, dtype, buf, backend)
        if self._scopes:
            self._scopes[-1].append(t)
        return t

    def to_tensor(self, value: Any, dtype: str | None = None, where: str = "tensor") -> Tensor:
        """Tensors pass through; Python and NumPy values become tensors (TF.js's convertToTensor)."""
        if isinstance(value, Tensor):
            value._check()
            return value
        backend = self.backend
        return self.make_tensor(backend.write(_to_numpy(value, dtype, where), dtype), backend)

    def make_variable(self, initial: Any, trainable: bool = True, name: str | None = None,
                      dtype: str | None = None) -> Variable:
        t = self.to_tensor(initial, dtype, where="variable")
        if dtype is not None and t.dtype != dtype:
            t = self.run_kernel("Cast", (t,), {"dtype": dtype})
        if name is None:
            while f"Variable{self._next_variable}" in self._variables:
                self._next_variable += 1
            name = f"Variable{self._next_variable}"
            self._next_variable += 1
        elif not isinstance(name, str) or not name:
            raise InvalidArgumentError(f"variable: name must be a non-empty string, got {name!r}")
        elif name in self._variables:
            raise InvalidArgumentError(f"variable: a variable named {name!r} already exists")
        v = Variable.__new__(Variable)
        value = t._backend.compact(t._value)
        Tensor.__init__(v, value, t.shape, t.dtype, t._buf if value is t._value else DataBuffer(t._buf.nbytes),
                        t._backend)
        v.name, v.trainable = name, bool(trainable)
        self._variables[name] = v
        return v

    def registered_variables(self) -> dict[str, Variable]:
        return dict(self._variables.items())  # items() skips entries collected while copying

    def _forget_variable(self, v: Variable) -> None:
        if self._variables.get(v.name) is v:
            del self._variables[v.name]

    # ---- kernels ----------------------------------------------------------------------------------
    def _load_kernel(self, name: str) -> Callable:
        self.backend  # initializes the default backend on first use
        fn = registry.get_kernel(name, self._backend_name)  # raises, naming kernel and backend
        self._kernels[name] = fn
        return fn

    def run_kernel(self, name: str, inputs: Sequence[Tensor], attrs: dict | None = None) -> Any:
        """Runs kernel `name` on the active backend; returns a Tensor, or a tuple for multi-output kernels."""
        backend = self._backend or self.backend
        fn = self._kernels.get(name) or self._load_kernel(name)
        vals = []
        for t in inputs:
            v = t._value
            if v is None:
                raise DisposedError(f"{name}: input tensor {t.id} (shape {list(t.shape)}) is disposed")
            if t._backend is not backend:
                v = self.move_to(t, backend)
            vals.append(v)
        if self._profile is None:
            out = fn(*vals, **attrs) if attrs else fn(*vals)
        else:
            before, start = MEMORY.num_bytes, _time.perf_counter()
            out = fn(*vals, **attrs) if attrs else fn(*vals)
            elapsed = (_time.perf_counter() - start) * 1e3
        single = not isinstance(out, (tuple, list))
        outs = [out] if single else out
        tensors = []
        for o in outs:
            idx = backend.alias(o, vals)
            t = self.make_tensor(o, backend, inputs[idx] if idx >= 0 else None, name)
            tensors.append(t)
            if self._debug and t.dtype in ("float32", "complex64") and not backend.all_finite(t._value):
                raise NumericalError(f"the result of kernel {name!r} has NaN or Inf values "
                                     f"(shape {list(t.shape)})")
        if self._profile is not None:
            self._kernel_ms += elapsed
            self._profile.append(KernelRecord(name, elapsed, [list(t.shape) for t in inputs],
                                              [list(t.shape) for t in tensors], MEMORY.num_bytes - before))
        if self._tapes:
            self._record(name, tuple(inputs), tuple(tensors), attrs or {}, None)
        for tracer in self._tracers:
            tracer.record(name, inputs, tensors, attrs or {})
        return tensors[0] if single else tuple(tensors)

    # ---- tidy -------------------------------------------------------------------------------------
    def _start_scope(self) -> list[Tensor]:
        tracked: list[Tensor] = []
        self._scopes.append(tracked)
        return tracked

    def _end_scope(self, tracked: list[Tensor], result: Any) -> None:
        if not self._scopes or self._scopes[-1] is not tracked:
            raise InvalidArgumentError("tidy scopes were closed out of order")
        self._scopes.pop()
        keep = {id(t) for t in _flatten(result, [])}
        parent = self._scopes[-1] if self._scopes else None
        saved = set().union(*(tape.saved for tape in self._tapes)) if self._tapes else ()
        for t in tracked:
            if id(t) in keep:
                if parent is not None:
                    parent.append(t)
            elif not t._kept and t.id not in saved:
                t.dispose()

    def tidy(self, fn: Callable | str | None = None, *args: Any, **kwargs: Any) -> Any:
        if fn is None or isinstance(fn, str):
            if args and callable(args[0]):  # TF.js's tidy(name, fn)
                return self.tidy(args[0], *args[1:], **kwargs)
            return Scope(self, fn)
        tracked = self._start_scope()
        result = None
        try:
            result = fn(*args, **kwargs)
        finally:
            self._end_scope(tracked, result)
        return result

    def keep(self, result: Any) -> Any:
        for t in _flatten(result, []):
            t._kept = True
        return result

    def dispose(self, container: Any) -> None:
        for t in _flatten(container, []):
            if isinstance(t, Variable):
                self._forget_variable(t)
            t.dispose()

    def memory(self) -> MemoryInfo:
        m = MEMORY
        return MemoryInfo(m.num_tensors, m.num_buffers, m.num_bytes, m.peak_bytes)

    # ---- profiling --------------------------------------------------------------------------------
    def profile(self, fn: Callable, *args: Any, **kwargs: Any) -> ProfileInfo:
        m = MEMORY
        start_bytes, start_tensors, old_peak = m.num_bytes, m.num_tensors, m.peak_bytes
        m.peak_bytes = m.num_bytes
        outer, self._profile = self._profile, []
        try:
            result = fn(*args, **kwargs)
        finally:
            records, self._profile = self._profile, outer
            peak = m.peak_bytes
            m.peak_bytes = max(old_peak, peak)
        if outer is not None:
            outer.extend(records)
        return ProfileInfo(m.num_bytes - start_bytes, m.num_tensors - start_tensors, peak, records, result)

    def time(self, fn: Callable, *args: Any, **kwargs: Any) -> TimingInfo:
        outer_profile, outer_ms = self._profile, self._kernel_ms
        self._profile, self._kernel_ms = outer_profile if outer_profile is not None else [], 0.0
        start = _time.perf_counter()
        try:
            fn(*args, **kwargs)
        finally:
            wall = (_time.perf_counter() - start) * 1e3
            kernel_ms = self._kernel_ms
            self._profile, self._kernel_ms = outer_profile, outer_ms + kernel_ms
        return TimingInfo(wall, kernel_ms)

    # ---- autodiff ---------------------------------------------------------------------------------
    def _record(self, name: str, inputs: tuple, outputs: tuple, attrs: dict, backward: Callable | None) -> None:
        for tape in self._tapes:
            tracked = tape.tracked
            for t in inputs:
                if t.id in tracked:
                    break
            else:
                continue
            tape.nodes.append((name, inputs, outputs, attrs, backward))
            tape.saved.update(t.id for t in inputs)
            for o in outputs:
                tape.saved.add(o.id)
                if o.dtype == "float32":
                    tracked.add(o.id)

    def custom_grad_call(self, fn: Callable, args: tuple) -> Any:
        """Runs `fn(*args) -> (value, grad_fn)` with its inside hidden from tapes; the tapes record one
        node whose backward is grad_fn(dy) -> gradients per argument."""
        inputs = tuple(self.to_tensor(a, where="custom_grad") for a in args)
        tapes, self._tapes = self._tapes, []
        try:
            out = fn(*inputs)
        finally:
            self._tapes = tapes
        if not (isinstance(out, tuple) and len(out) == 2 and callable(out[1])):
            raise InvalidArgumentError("custom_grad: the function must return (value, grad_fn), where "
                                       "grad_fn(dy) returns one gradient per input")
        value, grad_fn = out
        outputs = tuple(_flatten(value, []))

        def backward(dy: Any, ins: tuple, outs: tuple, attrs: dict) -> Any:
            grads = grad_fn(dy)
            return grads if isinstance(grads, (list, tuple)) else (grads,)
        if self._tapes:
            self._record("custom_grad", inputs, outputs, {}, backward)
        return value

    def gradients(self, f: Callable[[], Tensor], xs: Sequence[Tensor], dy: Tensor | None = None,
                  allow_no_gradients: bool = False, where: str = "grad") -> tuple[Tensor, list[Tensor | None]]:
        """Runs f() recording a tape from xs; returns (y, [dy/dx for x in xs]) by reverse accumulation."""
        for i, x in enumerate(xs):
            if not isinstance(x, Tensor):
                raise InvalidArgumentError(f"{where}: input {i} must be a Tensor, got {type(x).__name__}")
            if x.dtype != "float32":
                raise GradientError(f"{where}: gradients flow only through float32 tensors, but input {i} "
                                    f"is {x.dtype} (shape {list(x.shape)})")
        tape = _Tape(xs)
        self._tapes.append(tape)
        try:
            y = f()
        finally:
            self._tapes.remove(tape)
        if not isinstance(y, Tensor):
            raise InvalidArgumentError(f"{where}: f must return a Tensor, got {type(y).__name__}")
        if y.dtype != "float32":
            raise GradientError(f"{where}: the output y of f is {y.dtype}; gradients flow only through "
                                f"float32 tensors")
        if dy is None:
            dy = self.run_kernel("OnesLike", (y,))
        else:
            dy = self.to_tensor(dy, where=f"{where} dy")
            if tuple(dy.shape) != tuple(y.shape):
                raise GradientError(f"{where}: dy has shape {list(dy.shape)} but y has shape {list(y.shape)}")
        grads = self._backprop(tape, y, dy)
        out = [grads.get(x.id) for x in xs]
        missing = [i for i, g in enumerate(out) if g is None]
        if missing and not allow_no_gradients:
            raise GradientError(
                f"{where}: cannot compute the gradient of y=f(x) with respect to input(s) {missing}: y does "
                f"not depend on them. Make sure f computes y from them inside the call, and not only through "
                f"integer or boolean tensors (comparisons, arg_max, casts to int32), which carry no gradient")
        return y, out

    def _backprop(self, tape: _Tape, y: Tensor, dy: Tensor) -> dict[int, Tensor]:
        grads: dict[int, Tensor] = {y.id: dy}
        tracked = tape.tracked
        for name, inputs, outputs, attrs, backward in reversed(tape.nodes):
            dys = [grads.get(o.id) for o in outputs]
            if all(d is None for d in dys):
                continue  # this node does not lead to y
            if backward is None:
                backward = registry.get_gradient(name)
                if backward is None:
                    raise GradientError(f"cannot compute gradient: no gradient is registered for kernel "
                                        f"{name!r}")
            if len(outputs) == 1:
                dy_arg: Any = dys[0]
            else:
                dy_arg = [d if d is not None else self.run_kernel("ZerosLike", (o,))
                          for d, o in zip(dys, outputs)]
            input_grads = backward(dy_arg, inputs, outputs, attrs)
            if len(input_grads) != len(inputs):
                raise GradientError(f"gradient of kernel {name!r} returned {len(input_grads)} values for "
                                    f"{len(inputs)} inputs")
            for x, dx in zip(inputs, input_grads):
                if dx is None or x.id not in tracked:
                    continue
                if callable(dx):  # a lazy gradient: computed only for inputs on the path to the sources
                    dx = dx()
                if not isinstance(dx, Tensor):
                    dx = self.to_tensor(dx)
                if dx.dtype != "float32":
                    raise GradientError(f"gradient of kernel {name!r}: the gradient of an input must be "
                                        f"float32, got {dx.dtype}")
                if tuple(dx.shape) != tuple(x.shape):
                    raise GradientError(f"gradient of kernel {name!r}: the gradient has shape "
                                        f"{list(dx.shape)}, which does not match the input's {list(x.shape)}")
                prev = grads.get(x.id)
                grads[x.id] = dx if prev is None else self.run_kernel("Add", (prev, dx))
        return grads

    # ---- flags ------------------------------------------------------------------------------------
    def _set_debug(self, on: bool) -> None:
        self._debug = on

    @staticmethod
    def _set_test(on: bool) -> None:
        if on and MEMORY.live is None:
            MEMORY.live = weakref.WeakSet()
        elif not on:
            MEMORY.live = None


def _to_numpy(value: Any, dtype: str | None, where: str) -> np.ndarray:
    """A Python or NumPy value as a fresh NumPy array of the right storage type."""
    if dtype is not None:
        _dt.check_dtype(dtype, where)
    if type(value) in (float, int, bool) and dtype != "string":  # the common scalar case, fast
        target = dtype or ("bool" if type(value) is bool else "int32" if type(value) is int else "float32")
        if target == "int32" and type(value) is int and not -2 ** 31 <= value < 2 ** 31:
            raise InvalidArgumentError(f"{where}: integer {value} does not fit in int32")
        if target == "int32" and type(value) is float:
            value = float(np.trunc(value)) if np.isfinite(value) else 0.0
        return np.array(value, dtype=_dt.to_numpy(target))
    try:
        arr = np.asarray(value) if not (dtype == "string" or isinstance(value, (str, bytes))) else \
            np.asarray(value, dtype=object)
    except ValueError as e:
        raise InvalidArgumentError(f"{where}: values are not a rectangular array: {e}") from None
    if arr.dtype.kind in "US":
        arr = arr.astype(object)
    if arr.dtype == object and dtype not in (None, "string"):
        try:
            arr = np.asarray(value, dtype=np.float64 if _dt.is_float(dtype) or dtype == "complex64" else None)
        except (ValueError, TypeError) as e:
            raise InvalidArgumentError(f"{where}: cannot read values as {dtype}: {e}") from None
    target = dtype or _dt.infer_dtype(arr)
    if target == "string":
        if arr.dtype != object or not all(isinstance(s, (str, bytes)) for s in arr.reshape(-1)):
            raise DtypeError(f"{where}: a string tensor needs str or bytes values")
        return np.array(arr, dtype=object, copy=True)
    if arr.dtype == object or arr.dtype.kind in "USO":
        raise DtypeError(f"{where}: cannot make a {target} tensor from values of type "
                         f"{type(arr.reshape(-1)[0]).__name__ if arr.size else 'object'}")
    np_dtype = _dt.to_numpy(target)
    if arr.dtype.kind == "c" and target != "complex64":
        raise DtypeError(f"{where}: cannot make a {target} tensor from complex values")
    if target == "int32" and arr.dtype.kind in "iu" and arr.size and arr.dtype.itemsize >= 4:
        lo, hi = arr.min(), arr.max()
        if lo < -2 ** 31 or hi > 2 ** 31 - 1:
            raise InvalidArgumentError(f"{where}: integer values [{lo}, {hi}] do not fit in int32")
    if target == "int32" and arr.dtype.kind == "f":
        arr = np.trunc(arr)  # TF.js stores floats in an Int32Array: truncation toward zero
    return np.array(arr, dtype=np_dtype, copy=True, order="C")  # row-major, as TF.js's flat buffers


ENGINE = Engine()
env().register("DEBUG", False, _parse_bool,
               "check every kernel output for NaN/Inf, naming the kernel", ENGINE._set_debug)
env().register("IS_TEST", False, _parse_bool,
               "track live tensors so that leak checks can name what leaked", Engine._set_test)


class check_leaks:
    """Context manager: raises LeakError if more tensors are alive after the block than before it."""

    def __enter__(self) -> "check_leaks":
        gc.collect()
        self._before = MEMORY.num_tensors
        self._ids = {t.id for t in MEMORY.live} if MEMORY.live is not None else None
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is not None:
            return
        gc.collect()
        leaked = MEMORY.num_tensors - self._before
        if leaked > 0:
            detail = ""
            if MEMORY.live is not None and self._ids is not None:
                new = [t for t in list(MEMORY.live) if t.id not in self._ids and not t.is_disposed]
                detail = ": " + ", ".join(f"id {t.id} shape {list(t.shape)} {t.dtype}" for t in new[:10])
            raise LeakError(f"{leaked} tensor(s) leaked{detail}")
