"""TensorArray (TF1's TensorArray*V3 ops) and TensorList (TF2's TensorList* ops) for graph models.

TF.js passes a handle tensor along graph edges and looks the container up in its execution context; here
the container object itself flows along the edge (TensorArrayV3:0, and every TensorList-producing op's
output 0). Semantics follow TF.js's converter (executor/tensor_array.ts, tensor_list.ts, control_executor):

* A TensorArray is shared mutable state: each index is written once, read (and, with clear_after_read,
  cleared) once; its size is the number of slots written so far (highest index + 1). Its ops that return a
  "flow" return a float32 scalar, as TF.js does, so the flow can pass through any op.
* TensorList ops mutate the list they are given (SetItem, PushBack, PopBack) and return it; FromTensor,
  Reserve, EmptyTensorList, Scatter, Split and Resize make new lists. Reserve makes an empty list (TF.js).

Where TF.js fails on input that TF accepts, the TF result is given instead: stacking or gathering no
elements gives an empty [0, *element_shape] tensor of the list's dtype; concatenating elements whose
first dimensions differ works (and empty concat gives [0, *element_shape[1:]]); TensorListPopBack has TF's
outputs (list, tensor); the concat ops also return TF's second output, the elements' lengths; getting an
item checks only that item's shape. TF's checks that TF.js leaves out are made too: identical_element_shapes
(every write must then match the first), TensorListStack's num_elements, a non-negative TensorArray size,
the element_dtype attr of the ops that build a list from a tensor.

Element shapes are lists of ints (-1: unknown dim) or None (unknown rank); a scalar shape input means
unknown rank. Stored tensors are kept (tw.keep), as TF.js keeps them, so an executor's tidy scopes never
dispose a tensor a container still holds.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ... import ops as tw
from ...core.engine import ENGINE
from ...core.tensor import Tensor
from ...errors import DtypeError, InvalidArgumentError, ShapeError, TensorwebError
from . import graph_op
from ._node_args import expect_inputs, host_array, host_int, host_ints

__all__ = ["TensorArray", "TensorList"]

Shape = list[int] | None  # None: unknown rank; -1: an unknown dim


# ---- element shapes (TF.js's executor/tensor_utils.ts) ---------------------------------------------------

def _compatible(a: Shape, b: Shape) -> bool:
    if a is None or b is None:
        return True
    return len(a) == len(b) and all(x < 0 or y < 0 or x == y for x, y in zip(a, b))


def _check_shapes(a: Shape, b: Shape, what: str) -> None:
    if not _compatible(a, b):
        raise ShapeError(f"{what}: shapes {_fmt(a)} and {_fmt(b)} must match (-1 matches any size)")


def _merge(a: Shape, b: Shape, what: str) -> Shape:
    """The most specific shape compatible with both."""
    if a is None or b is None:
        return b if a is None else a
    _check_shapes(a, b, what)
    return [x if x >= 0 else y for x, y in zip(a, b)]


def _fmt(shape: Shape) -> str:
    return "<unknown rank>" if shape is None else str(list(shape))


def _fully_defined(shape: Shape) -> bool:
    return shape is not None and all(d >= 0 for d in shape)


def _empty(dtype: str, shape: Shape, what: str) -> Tensor:
    """A [0, *shape] tensor: the stack of no elements."""
    if not _fully_defined(shape):
        raise ShapeError(f"{what}: cannot make the result of no elements, the element shape {_fmt(shape)} "
                         f"is not fully defined")
    return tw.tensor(np.empty([0, *shape], dtype=object if dtype == "string" else None), dtype=dtype)


def _concat(items: list[Tensor], dtype: str, element_shape: Shape, what: str) -> tuple[Tensor, Tensor]:
    """Elements joined along their first axis, and their first dimensions (TF's `lengths` output)."""
    if not items:
        if element_shape is not None and not element_shape:
            raise ShapeError(f"{what}: cannot concatenate scalar elements")
        return (_empty(dtype, None if element_shape is None else element_shape[1:], what),
                tw.tensor(np.zeros(0, np.int32), dtype="int32"))
    value = tw.concat(items, 0)   # refuses scalars and elements that differ past the first axis
    return value, tw.tensor(np.array([t.shape[0] for t in items], np.int32), dtype="int32")


def _check_dtype(want: str | None, got: str, what: str) -> None:
    if want and want != got:
        raise DtypeError(f"{what}: the op's element dtype is {want}, but the elements are {got}")


def _check_total(lengths: list[int], value: Tensor, what: str) -> None:
    if value.rank == 0:
        raise ShapeError(f"{what}: the value to split must have rank >= 1, got a scalar")
    if any(n < 0 for n in lengths) or sum(lengths) != value.shape[0]:
        raise InvalidArgumentError(f"{what}: the lengths {lengths} must be non-negative and sum to the value's "
                                   f"first dimension, got shape {list(value.shape)}")


def _pieces(value: Tensor, lengths: list[int]) -> list[Tensor]:
    """value split along axis 0 into pieces of the given lengths (one kernel)."""
    return tw.split(value, lengths, 0) if lengths else []


def _check_scatter(indices: list[int], value: Tensor, limit: int, what: str) -> None:
    if value.rank == 0 or len(indices) != value.shape[0]:
        raise InvalidArgumentError(f"{what}: expected len(indices) == value.shape[0], got {len(indices)} indices "
                                   f"for a value of shape {list(value.shape)}")
    if indices and limit >= 0 and max(indices) >= limit:
        raise InvalidArgumentError(f"{what}: the largest index {max(indices)} must be < the size {limit}")


# ---- TensorArray --------------------------------------------------------------------------------------

@dataclass
class _Slot:
    tensor: Tensor | None
    read: bool = False
    cleared: bool = False


class TensorArray:
    """TF's TensorArray as TF.js runs it: write-once slots, grown on write when dynamic_size is set."""

    def __init__(self, name: str, dtype: str, size: int, element_shape: Shape = None,
                 dynamic_size: bool = False, clear_after_read: bool = False,
                 identical_element_shapes: bool = False) -> None:
        if size < 0:
            raise InvalidArgumentError(f"TensorArray {name!r}: the size must be >= 0, got {size}")
        self.name, self.dtype, self.max_size = name, dtype, size
        self.element_shape = None if element_shape is None else list(element_shape)
        self.dynamic_size, self.clear_after_read = dynamic_size, clear_after_read
        self.identical_element_shapes = identical_element_shapes
        self.closed = False
        self._slots: list[_Slot | None] = []

    def __repr__(self) -> str:
        return (f"TensorArray({self.name!r}, {self.dtype}, size={self.size()}, "
                f"element_shape={_fmt(self.element_shape)})")

    def size(self) -> int:
        """Slots written so far (highest written index + 1)."""
        return len(self._slots)

    def _check_open(self) -> None:
        if self.closed:
            raise InvalidArgumentError(f"TensorArray {self.name!r} has already been closed")

    def _check_value(self, value: Tensor, what: str) -> None:
        if value.dtype != self.dtype:
            raise DtypeError(f"{what}: the value's dtype is {value.dtype}, but the array's is {self.dtype}")

    def read(self, index: int) -> Tensor:
        """The tensor at index; with clear_after_read the slot can be read only once."""
        self._check_open()
        if not 0 <= index < self.size() or self._slots[index] is None:
            raise InvalidArgumentError(f"TensorArray {self.name!r}: cannot read index {index}, it has not been "
                                       f"written (size {self.size()})")
        slot = self._slots[index]
        if slot.cleared:
            raise InvalidArgumentError(f"TensorArray {self.name!r}: cannot read index {index} twice, it was "
                                       f"cleared after a previous read (clear_after_read is set)")
        out = slot.tensor
        slot.read = True
        if self.clear_after_read:
            slot.cleared, slot.tensor = True, None
        return out

    def write(self, index: int, value: Tensor) -> None:
        """Writes value at index (each index once, never after it was read)."""
        self._check_open()
        where = f"TensorArray {self.name!r}: cannot write index {index}"
        if index < 0 or (not self.dynamic_size and index >= self.max_size):
            raise InvalidArgumentError(f"{where}, the array is not resizable and its size is {self.max_size}")
        self._check_value(value, where)
        if self.size() == 0 and not self.element_shape:
            self.element_shape = list(value.shape)
        _check_shapes(self.element_shape, list(value.shape), where)
        slot = self._slots[index] if index < self.size() else None
        if slot is not None:
            raise InvalidArgumentError(f"{where}, it has already been {'read' if slot.read else 'written'}")
        if self.identical_element_shapes:
            self.element_shape = list(value.shape)
        self._slots.extend([None] * (index + 1 - self.size()))
        self._slots[index] = _Slot(ENGINE.keep(value))

    def gather(self, indices: Sequence[int] | None = None, dtype: str | None = None) -> Tensor:
        """The elements at indices (all when None; indices past the size are dropped) stacked on axis 0."""
        _check_dtype(dtype, self.dtype, f"TensorArray {self.name!r} gather")
        indices = range(self.size()) if indices is None else list(indices)[:self.size()]
        items = [self.read(i) for i in indices]
        if not items:
            return _empty(self.dtype, self.element_shape, f"TensorArray {self.name!r} gather")
        _check_shapes(self.element_shape, list(items[0].shape), f"TensorArray {self.name!r} gather")
        return tw.stack(items, 0)

    def scatter(self, indices: Sequence[int], value: Tensor) -> None:
        """Writes value[k] at indices[k]."""
        what = f"TensorArray {self.name!r} scatter"
        self._check_value(value, what)
        _check_scatter(list(indices), value, -1 if self.dynamic_size else self.max_size, what)
        for i, t in zip(indices, tw.unstack(value, 0)):
            self.write(i, t)

    def concat(self, dtype: str | None = None) -> tuple[Tensor, Tensor]:
        """All elements joined along their first axis, and their first dimensions."""
        what = f"TensorArray {self.name!r} concat"
        _check_dtype(dtype, self.dtype, what)
        items = [self.read(i) for i in range(self.size())]
        if items:
            _check_shapes(self.element_shape, list(items[0].shape), what)
        return _concat(items, self.dtype, self.element_shape, what)

    def split(self, lengths: Sequence[int], value: Tensor) -> None:
        """Writes consecutive pieces of value (along axis 0) of the given lengths at indices 0, 1, ..."""
        what = f"TensorArray {self.name!r} split"
        lengths = list(lengths)
        self._check_value(value, what)
        _check_total(lengths, value, what)
        if not self.dynamic_size and len(lengths) != self.max_size:
            raise InvalidArgumentError(f"{what}: {len(lengths)} lengths for an array of size {self.max_size} "
                                       f"that is not resizable")
        if self.size() == 0 and not self.element_shape:
            self.element_shape = [-1, *value.shape[1:]]
        for i, piece in enumerate(_pieces(value, lengths)):
            self.write(i, piece)

    def close(self) -> None:
        """Drops the elements; the array can no longer be read or written."""
        self._slots = []
        self.closed = True


# ---- TensorList ---------------------------------------------------------------------------------------

class TensorList:
    """TF's TensorList as TF.js runs it: a list of tensors of one dtype, with an element shape that may be
    partial, at most max_num_elements long (-1: unbounded). Unset slots (set past the end) are None."""

    def __init__(self, tensors: Sequence[Tensor | None], element_shape: Shape, element_dtype: str,
                 max_num_elements: int = -1) -> None:
        self.element_shape = None if element_shape is None else list(element_shape)
        self.element_dtype, self.max_num_elements = element_dtype, max_num_elements
        for t in tensors:
            if t is not None:
                self._check_element(t)
        self.tensors: list[Tensor | None] = [t if t is None else ENGINE.keep(t) for t in tensors]

    def __repr__(self) -> str:
        return (f"TensorList({self.element_dtype}, size={self.size()}, element_shape={_fmt(self.element_shape)}, "
                f"max_num_elements={self.max_num_elements})")

    def size(self) -> int:
        return len(self.tensors)

    def _check_element(self, t: Tensor) -> None:
        if t.dtype != self.element_dtype:
            raise DtypeError(f"TensorList: the element's dtype is {t.dtype}, but the list's is {self.element_dtype}")
        _check_shapes(list(t.shape), self.element_shape, "TensorList element shape mismatch")

    def _check_dtype(self, dtype: str) -> None:
        _check_dtype(dtype, self.element_dtype, "TensorList")

    def _item(self, index: int) -> Tensor:
        if not 0 <= index < self.size():
            raise InvalidArgumentError(f"TensorList: cannot access element {index} of a list with "
                                       f"{self.size()} elements")
        t = self.tensors[index]
        if t is None:
            raise InvalidArgumentError(f"TensorList: element {index} has not been set")
        return t

    def get_item(self, index: int, element_shape: Shape, element_dtype: str) -> Tensor:
        self._check_dtype(element_dtype)
        t = self._item(index)
        _check_shapes(list(t.shape), element_shape, "TensorList get_item")
        return t

    def set_item(self, index: int, value: Tensor) -> None:
        """Sets (or replaces) the element at index, growing the list with unset slots if needed."""
        if index < 0 or (self.max_num_elements != -1 and index >= self.max_num_elements):
            raise InvalidArgumentError(f"TensorList: cannot set element {index} in a list with at most "
                                       f"{self.max_num_elements} elements")
        self._check_element(value)
        self.tensors.extend([None] * (index + 1 - self.size()))
        self.tensors[index] = ENGINE.keep(value)

    def push_back(self, value: Tensor) -> None:
        self._check_element(value)
        if self.size() == self.max_num_elements:
            raise InvalidArgumentError(f"TensorList: cannot push onto a full list ({self.max_num_elements} "
                                       f"elements)")
        self.tensors.append(ENGINE.keep(value))

    def pop_back(self, element_shape: Shape, element_dtype: str) -> Tensor:
        self._check_dtype(element_dtype)
        if not self.tensors:
            raise InvalidArgumentError("TensorList: cannot pop from an empty list")
        t = self._item(self.size() - 1)
        _check_shapes(list(t.shape), element_shape, "TensorList pop_back")
        self.tensors.pop()
        return t

    def _pack(self, indices: Sequence[int], element_shape: Shape, what: str) -> Tensor:
        shape = _merge(self.element_shape, element_shape, what)
        items = [self._item(i) for i in indices]
        if not items:
            return _empty(self.element_dtype, shape, what)
        _check_shapes(shape, list(items[0].shape), what)
        return tw.stack(items, 0)

    def stack(self, element_shape: Shape, element_dtype: str, num_elements: int = -1) -> Tensor:
        """All elements stacked on a new axis 0 (num_elements, when not -1, must be the size)."""
        self._check_dtype(element_dtype)
        if num_elements != -1 and num_elements != self.size():
            raise InvalidArgumentError(f"TensorList stack: expected a list with {num_elements} elements, got "
                                       f"{self.size()}")
        return self._pack(range(self.size()), element_shape, "TensorList stack")

    def gather(self, indices: Sequence[int], element_shape: Shape, element_dtype: str) -> Tensor:
        """The elements at indices stacked on a new axis 0; indices past the list's size are dropped."""
        self._check_dtype(element_dtype)
        return self._pack(list(indices)[:self.size()], element_shape, "TensorList gather")

    def concat(self, element_shape: Shape, element_dtype: str | None = None) -> tuple[Tensor, Tensor]:
        """All elements joined along their first axis, and their first dimensions."""
        self._check_dtype(element_dtype)
        shape = _merge(self.element_shape, element_shape, "TensorList concat")
        items = [self._item(i) for i in range(self.size())]
        loose = None if not shape else [-1, *shape[1:]]
        for t in items:
            _check_shapes(loose, list(t.shape), "TensorList concat")
        return _concat(items, self.element_dtype, shape, "TensorList concat")

    def resize(self, size: int) -> "TensorList":
        """A new list of the given size: this list's first elements, then unset slots."""
        if size < 0 or (self.max_num_elements != -1 and size > self.max_num_elements):
            raise InvalidArgumentError(f"TensorList resize: the size must be in [0, {self.max_num_elements}] "
                                       f"(-1: unbounded), got {size}")
        kept = self.tensors[:size]
        return TensorList(kept + [None] * (size - len(kept)), self.element_shape, self.element_dtype,
                          self.max_num_elements)

    @classmethod
    def from_tensor(cls, value: Tensor, element_shape: Shape, element_dtype: str) -> "TensorList":
        """The list whose stack is value."""
        if value.rank == 0:
            raise ShapeError("TensorListFromTensor: the tensor must have rank >= 1, got a scalar")
        _check_dtype(element_dtype, value.dtype, "TensorListFromTensor")
        _check_shapes(list(value.shape[1:]), element_shape, "TensorListFromTensor")
        return cls(tw.unstack(value, 0), element_shape, value.dtype)

    @classmethod
    def scatter(cls, value: Tensor, indices: Sequence[int], element_shape: Shape,
                num_elements: int = -1) -> "TensorList":
        """A list (at most num_elements long, -1: unbounded) with value[k] at indices[k]."""
        indices = list(indices)
        _check_scatter(indices, value, num_elements, "TensorListScatter")
        out = cls([], element_shape, value.dtype, num_elements)
        for i, t in zip(indices, tw.unstack(value, 0)):
            out.set_item(i, t)
        return out

    @classmethod
    def split(cls, value: Tensor, lengths: Sequence[int], element_shape: Shape) -> "TensorList":
        """The list of consecutive pieces of value (along axis 0) of the given lengths."""
        lengths = list(lengths)
        _check_total(lengths, value, "TensorListSplit")
        return cls(_pieces(value, lengths), element_shape, value.dtype, len(lengths))


# ---- op mappers ---------------------------------------------------------------------------------------

def _op(n_inputs: int, *tf_names: str) -> Callable:
    """Registers a mapper that needs at least n_inputs inputs; its errors start with the node's op and name
    (the containers' own errors do not know the node)."""
    def register(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def mapper(ctx: Any, inputs: list) -> Any:
            expect_inputs(ctx, inputs, n_inputs, at_least=True)
            try:
                return fn(ctx, inputs)
            except TensorwebError as e:
                prefix = f"{ctx.op} node '{ctx.name}': "
                if str(e).startswith(prefix):
                    raise
                raise type(e)(prefix + str(e)) from e
        return graph_op(*tf_names)(mapper)
    return register


def _tensor(x: Any, what: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise InvalidArgumentError(f"input {what} must be a tensor, got {type(x).__name__}")
    return x


def _shape(ctx: Any, x: Any) -> Shape:
    """An element_shape input: a vector of dims (-1 unknown), or a scalar for unknown rank."""
    arr = host_array(ctx, _tensor(x, "element_shape"), "element_shape")
    return None if arr.ndim == 0 else [int(v) for v in arr.reshape(-1)]


def _container(x: Any, cls: type) -> Any:
    if not isinstance(x, cls):
        raise InvalidArgumentError(f"input 0 must be a {cls.__name__} handle, got {type(x).__name__}")
    return x


def _flow(value: float = 0.0) -> Tensor:
    """The float32 scalar TF.js returns as a TensorArray op's flow output."""
    return tw.scalar(value, "float32")


@_op(1, "TensorArrayV3")
def _tensor_array(ctx: Any, inputs: list) -> tuple:
    array = TensorArray(ctx.attr("tensor_array_name", "") or ctx.name, ctx.attr("dtype"),
                        host_int(ctx, inputs[0], "size"), ctx.attr("element_shape", None),
                        ctx.attr("dynamic_size", False), ctx.attr("clear_after_read", False),
                        ctx.attr("identical_element_shapes", False))
    return array, _flow(1.0)


@_op(3, "TensorArrayWriteV3")
def _ta_write(ctx: Any, inputs: list) -> Tensor:
    _container(inputs[0], TensorArray).write(host_int(ctx, inputs[1], "index"), _tensor(inputs[2], "value"))
    return _flow()


@_op(2, "TensorArrayReadV3")
def _ta_read(ctx: Any, inputs: list) -> Tensor:
    return _container(inputs[0], TensorArray).read(host_int(ctx, inputs[1], "index"))


@_op(2, "TensorArrayGatherV3")
def _ta_gather(ctx: Any, inputs: list) -> Tensor:
    return _container(inputs[0], TensorArray).gather(host_ints(ctx, inputs[1], "indices"), ctx.attr("dtype", None))


@_op(3, "TensorArrayScatterV3")
def _ta_scatter(ctx: Any, inputs: list) -> Tensor:
    _container(inputs[0], TensorArray).scatter(host_ints(ctx, inputs[1], "indices"), _tensor(inputs[2], "value"))
    return _flow()


@_op(1, "TensorArrayConcatV3")
def _ta_concat(ctx: Any, inputs: list) -> tuple:
    return _container(inputs[0], TensorArray).concat(ctx.attr("dtype", None))


@_op(3, "TensorArraySplitV3")
def _ta_split(ctx: Any, inputs: list) -> Tensor:
    _container(inputs[0], TensorArray).split(host_ints(ctx, inputs[2], "lengths"), _tensor(inputs[1], "value"))
    return _flow()


@_op(1, "TensorArraySizeV3")
def _ta_size(ctx: Any, inputs: list) -> Tensor:
    return tw.scalar(_container(inputs[0], TensorArray).size(), "int32")


@_op(1, "TensorArrayCloseV3")
def _ta_close(ctx: Any, inputs: list) -> Tensor:
    _container(inputs[0], TensorArray).close()
    return _flow()


@_op(3, "TensorListSetItem")
def _tl_set_item(ctx: Any, inputs: list) -> TensorList:
    lst = _container(inputs[0], TensorList)
    lst.set_item(host_int(ctx, inputs[1], "index"), _tensor(inputs[2], "value"))
    return lst


@_op(3, "TensorListGetItem")
def _tl_get_item(ctx: Any, inputs: list) -> Tensor:
    return _container(inputs[0], TensorList).get_item(host_int(ctx, inputs[1], "index"), _shape(ctx, inputs[2]),
                                                      ctx.attr("element_dtype"))


def _scatter_list(ctx: Any, inputs: list, num_elements: int) -> TensorList:
    value = _tensor(inputs[0], "tensor")
    _check_dtype(ctx.attr("element_dtype", None), value.dtype, ctx.op)
    return TensorList.scatter(value, host_ints(ctx, inputs[1], "indices"), _shape(ctx, inputs[2]), num_elements)


@_op(3, "TensorListScatter")
def _tl_scatter(ctx: Any, inputs: list) -> TensorList:
    return _scatter_list(ctx, inputs, -1)


@_op(4, "TensorListScatterV2")
def _tl_scatter_v2(ctx: Any, inputs: list) -> TensorList:
    return _scatter_list(ctx, inputs, host_int(ctx, inputs[3], "num_elements"))


@_op(2, "TensorListReserve", "EmptyTensorList")
def _tl_reserve(ctx: Any, inputs: list) -> TensorList:
    limit = host_int(ctx, inputs[1], "num_elements")
    return TensorList([], _shape(ctx, inputs[0]), ctx.attr("element_dtype"),
                      limit if ctx.op == "EmptyTensorList" else -1)


@_op(3, "TensorListGather")
def _tl_gather(ctx: Any, inputs: list) -> Tensor:
    return _container(inputs[0], TensorList).gather(host_ints(ctx, inputs[1], "indices"), _shape(ctx, inputs[2]),
                                                    ctx.attr("element_dtype"))


@_op(2, "TensorListStack")
def _tl_stack(ctx: Any, inputs: list) -> Tensor:
    return _container(inputs[0], TensorList).stack(_shape(ctx, inputs[1]), ctx.attr("element_dtype"),
                                                   ctx.attr("num_elements", -1))


@_op(2, "TensorListFromTensor")
def _tl_from_tensor(ctx: Any, inputs: list) -> TensorList:
    return TensorList.from_tensor(_tensor(inputs[0], "tensor"), _shape(ctx, inputs[1]), ctx.attr("element_dtype"))


@_op(1, "TensorListConcat", "TensorListConcatV2")
def _tl_concat(ctx: Any, inputs: list) -> tuple:
    shape = _shape(ctx, inputs[1]) if len(inputs) > 1 else ctx.attr("element_shape", None)
    return _container(inputs[0], TensorList).concat(shape, ctx.attr("element_dtype", None))


@_op(3, "TensorListSplit")
def _tl_split(ctx: Any, inputs: list) -> TensorList:
    value = _tensor(inputs[0], "tensor")
    _check_dtype(ctx.attr("element_dtype", None), value.dtype, ctx.op)
    return TensorList.split(value, host_ints(ctx, inputs[2], "lengths"), _shape(ctx, inputs[1]))


@_op(2, "TensorListPushBack")
def _tl_push_back(ctx: Any, inputs: list) -> TensorList:
    lst = _container(inputs[0], TensorList)
    lst.push_back(_tensor(inputs[1], "value"))
    return lst


@_op(2, "TensorListPopBack")
def _tl_pop_back(ctx: Any, inputs: list) -> tuple:
    lst = _container(inputs[0], TensorList)
    return lst, lst.pop_back(_shape(ctx, inputs[1]), ctx.attr("element_dtype"))


@_op(1, "TensorListLength")
def _tl_length(ctx: Any, inputs: list) -> Tensor:
    return tw.scalar(_container(inputs[0], TensorList).size(), "int32")


@_op(2, "TensorListResize")
def _tl_resize(ctx: Any, inputs: list) -> TensorList:
    return _container(inputs[0], TensorList).resize(host_int(ctx, inputs[1], "size"))
