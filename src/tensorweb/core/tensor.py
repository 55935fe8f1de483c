"""Tensor (an immutable handle on backend data) and Variable (the one mutable kind).

Memory accounting lives here, beside the objects it counts: a Tensor counts while it is alive and not
disposed; a DataBuffer stands for one backend allocation, shared by tensors that alias it (reshape,
identity), and counts its bytes until the last tensor using it is gone.
"""
from __future__ import annotations

import itertools
import weakref
from typing import Any

import numpy as np

from ..errors import DisposedError, DtypeError, ShapeError


class _Memory:
    __slots__ = ("num_tensors", "num_buffers", "num_bytes", "peak_bytes", "live")

    def __init__(self) -> None:
        self.num_tensors = 0
        self.num_buffers = 0
        self.num_bytes = 0
        self.peak_bytes = 0
        self.live: weakref.WeakSet | None = None  # every live Tensor, only while IS_TEST is on


MEMORY = _Memory()
_ids = itertools.count()


READ_HOOKS: list = []   # callables(tensor) told of every host read of a tensor's values (runtime.trace uses it)


class DataBuffer:
    """One backend allocation. Freed (and uncounted) when no tensor refers to it any more."""
    __slots__ = ("nbytes",)

    def __init__(self, nbytes: int) -> None:
        self.nbytes = nbytes
        m = MEMORY
        m.num_buffers += 1
        m.num_bytes += nbytes
        if m.num_bytes > m.peak_bytes:
            m.peak_bytes = m.num_bytes

    def __del__(self) -> None:
        m = MEMORY
        m.num_buffers -= 1
        m.num_bytes -= self.nbytes


class Tensor:
    """An immutable n-dimensional array on a backend.

    Create tensors with `tw.tensor(...)` and the other creation ops, not with this constructor.
    """
    __slots__ = ("_value", "_buf", "shape", "dtype", "id", "_backend", "_kept", "__weakref__")

    def __init__(self, value: Any, shape: tuple[int, ...], dtype: str, buf: DataBuffer, backend: Any) -> None:
        self._value = value
        self._buf = buf
        self.shape = shape
        self.dtype = dtype
        self.id = next(_ids)
        self._backend = backend
        self._kept = False
        m = MEMORY
        m.num_tensors += 1
        if m.live is not None:
            m.live.add(self)

    def __del__(self) -> None:
        if self._value is not None:
            MEMORY.num_tensors -= 1

    # ---- lifetime ----
    def dispose(self) -> None:
        """Releases this tensor's hold on its data now (it cannot be used afterwards)."""
        if self._value is not None:
            self._value = None
            self._buf = None
            MEMORY.num_tensors -= 1

    @property
    def is_disposed(self) -> bool:
        return self._value is None

    def _check(self) -> Any:
        v = self._value
        if v is None:
            raise DisposedError(f"Tensor {self.id} (shape {list(self.shape)}, {self.dtype}) is disposed")
        return v

    # ---- facts ----
    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def nbytes(self) -> int:
        return self._buf.nbytes if self._buf is not None else 0

    # ---- reading ----
    def _host(self) -> Any:
        """The backend's host array of the values (read-only); READ_HOOKS see every such read."""
        for hook in READ_HOOKS:
            hook(self)
        return self._backend.read(self._check())

    def numpy(self) -> np.ndarray:
        """A NumPy copy of the values (float32 tensors give float32 arrays, strings object arrays)."""
        return np.array(self._host(), copy=True)

    def data_sync(self) -> np.ndarray:
        """The values, flattened (TF.js's dataSync)."""
        return self.numpy().reshape(-1)

    def array_sync(self) -> Any:
        return self.tolist()

    def tolist(self) -> Any:
        a = self._host()
        return a.tolist()

    def item(self) -> Any:
        if self.size != 1:
            raise ShapeError(f"item: the tensor must hold exactly one value, it has shape {list(self.shape)}")
        return self._host().reshape(-1)[0].item() if self.dtype != "string" \
            else self._host().reshape(-1)[0]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype != "int32" or self.size != 1:
            raise DtypeError(f"only a one-element int32 tensor can be used as an index, "
                             f"got shape {list(self.shape)} {self.dtype}")
        return int(self.item())

    def __bool__(self) -> bool:
        if self.size != 1:
            raise ValueError(f"the truth value of a tensor with shape {list(self.shape)} is ambiguous; "
                             f"use tw.any or tw.all")
        return bool(self.item())

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a scalar tensor")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a scalar tensor")
        for i in range(self.shape[0]):
            yield self[i]

    def __repr__(self) -> str:
        if self._value is None:
            return f"<tw.Tensor id={self.id} shape={list(self.shape)} dtype={self.dtype} disposed>"
        body = np.array2string(np.asarray(self._backend.read(self._value)), separator=", ", threshold=100,
                               edgeitems=3, prefix="  ", max_line_width=100)
        return f"<tw.Tensor shape={list(self.shape)} dtype={self.dtype}\n  {body}>"

    __str__ = __repr__

    __hash__ = object.__hash__  # __eq__ is elementwise (set by ops), identity stays the hash


class Variable(Tensor):
    """A mutable tensor: `assign` replaces its value (same shape and dtype). Not disposed by `tidy`."""
    __slots__ = ("name", "trainable")

    def assign(self, value: Any) -> "Variable":
        from .engine import ENGINE
        new = ENGINE.to_tensor(value, dtype=self.dtype, where=f"Variable {self.name!r}.assign")
        if new.dtype != self.dtype:
            raise DtypeError(f"Variable {self.name!r}.assign: dtype {new.dtype} does not match the "
                             f"variable's {self.dtype}")
        if tuple(new.shape) != tuple(self.shape):
            raise ShapeError(f"Variable {self.name!r}.assign: shape {list(new.shape)} does not match the "
                             f"variable's {list(self.shape)}")
        self._check()
        new_value = self._backend.compact(ENGINE.move_to(new, self._backend))
        self._buf = new._buf if new_value is new._value else DataBuffer(new._buf.nbytes)
        self._value = new_value
        return self

    def dispose(self) -> None:
        from .engine import ENGINE
        ENGINE._forget_variable(self)
        super().dispose()

    def __repr__(self) -> str:
        return f"<tw.Variable {self.name!r} " + super().__repr__()[len("<tw.Tensor "):]

    __str__ = __repr__
