"""Hash table TF ops: HashTable(V2) makes a table, InitializeTable(V2) / LookupTableImport(V2) fill it,
LookupTableFind(V2) looks keys up (with a default), LookupTableSize(V2) counts its keys.

As in TF.js's ResourceManager, a table lives in the executor's resources, keyed by its shared_name (or,
without one, by its node's name), so the initializer graph and the inference graph find the same table;
the table object itself flows along the graph's edges where TF.js passes a handle tensor. Importing
replaces the table's contents, as TF.js does. A lookup's result has shape keys.shape + value shape (TF;
TF.js flattens the keys first, which differs for keys of rank > 1).
"""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from ...core.engine import ENGINE
from ...errors import DtypeError, ShapeError
from . import graph_op
from ._node_args import expect_inputs, node_error

__all__ = ["HashTable"]


def _host_keys(keys: tw.Tensor) -> list:
    """Key values as hashable Python values (strings as UTF-8 bytes, whichever way they are held)."""
    return [k.encode("utf-8") if isinstance(k, str) else k for k in keys.numpy().reshape(-1).tolist()]


class HashTable:
    """A lookup table from scalar keys to values (tensors of one shape) of fixed dtypes."""

    def __init__(self, name: str, key_dtype: str, value_dtype: str) -> None:
        self.name, self.key_dtype, self.value_dtype = name, key_dtype, value_dtype
        self._rows: dict[Any, int] = {}
        self._values: tw.Tensor | None = None   # [n, *value_shape], kept while the table holds it

    def _check(self, keys: tw.Tensor, values: tw.Tensor, what: str) -> None:
        if keys.dtype != self.key_dtype or values.dtype != self.value_dtype:
            raise DtypeError(f"hash table {self.name!r}: expected {self.key_dtype} keys and {self.value_dtype} "
                             f"{what}, got {keys.dtype} and {values.dtype}")

    def import_(self, keys: tw.Tensor, values: tw.Tensor) -> "HashTable":
        """Replaces the contents with keys[i] -> values[i]."""
        self._check(keys, values, "values")
        if values.rank == 0 or values.shape[0] != keys.size:
            raise ShapeError(f"hash table {self.name!r}: {keys.size} keys need as many values (a leading "
                             f"dimension of {keys.size}), got values of shape {list(values.shape)}")
        if self._values is not None:
            self._values.dispose()
        self._rows = {k: i for i, k in enumerate(_host_keys(keys))}
        self._values = ENGINE.keep(tw.clone(values))
        return self

    def find(self, keys: tw.Tensor, default: tw.Tensor) -> tw.Tensor:
        """The value of each key, default_value (broadcast to the value shape) for missing ones."""
        self._check(keys, default, "default value")
        value_shape = list(self._values.shape[1:]) if self._values is not None else list(default.shape)
        fallback = tw.expand_dims(tw.broadcast_to(default, value_shape), 0)
        table = fallback if self._values is None else tw.concat([self._values, fallback])
        missing = table.shape[0] - 1
        rows = tw.tensor([self._rows.get(k, missing) for k in _host_keys(keys)], dtype="int32")
        return tw.reshape(tw.gather(table, rows), list(keys.shape) + value_shape)

    def size(self) -> int:
        return len(self._rows)


def _table(ctx: Any, value: Any) -> HashTable:
    if not isinstance(value, HashTable):
        raise node_error(ctx, DtypeError, f"input 0 must be a hash table (from a HashTable node), got "
                                          f"{type(value).__name__}")
    return value


@graph_op("HashTable", "HashTableV2")
def _hash_table(ctx: Any, inputs: list) -> HashTable:
    expect_inputs(ctx, inputs, 0)
    key = ("HashTable", ctx.attr("shared_name", "") or ctx.name)
    if key not in ctx.resources:
        ctx.resources[key] = HashTable(key[1], ctx.attr("key_dtype"), ctx.attr("value_dtype"))
    return ctx.resources[key]


@graph_op("InitializeTable", "InitializeTableV2", "LookupTableImport", "LookupTableImportV2")
def _import(ctx: Any, inputs: list) -> HashTable:
    table, keys, values = expect_inputs(ctx, inputs, 3)
    return _table(ctx, table).import_(keys, values)


@graph_op("LookupTableFind", "LookupTableFindV2")
def _find(ctx: Any, inputs: list) -> tw.Tensor:
    table, keys, default = expect_inputs(ctx, inputs, 3)
    return _table(ctx, table).find(keys, default)


@graph_op("LookupTableSize", "LookupTableSizeV2")
def _size(ctx: Any, inputs: list) -> tw.Tensor:
    (table,) = expect_inputs(ctx, inputs, 1)
    return tw.scalar(_table(ctx, table).size(), "int32")
