"""TF op → tensorweb mapping for graph models, one module per category of TF.js's converter op list
(arithmetic, basic_math, control, convolution, creation, dynamic, evaluation, graph, hash_table, image,
logical, matrices, normalization, ragged, reduction, slice_join, sparse, spectral, string, tfdf,
transformation).

A mapper is registered for one or more TF op names:

    @graph_op("Conv2D")
    def _conv2d(ctx: OpContext, inputs: list) -> Tensor | Sequence[Tensor]:
        x, w = inputs
        return tw.conv2d(x, w, strides=ctx.attr("strides")[1:3], pad=ctx.attr("padding").lower(), ...)

`inputs` holds the node's data inputs in order (Tensors, or the resource objects some ops pass along:
TensorArray, TensorList, HashTable). A mapper returns one value or a sequence (a node's outputs 0..n-1).
`ctx` is the executor's view of the node (see OpContext). Mappers never touch NumPy arrays of tensors
except for the small host-side values TF.js also reads synchronously (shapes, axes, sizes).
"""
from __future__ import annotations

from typing import Any, Callable, Protocol, Sequence

MAPPERS: dict[str, Callable] = {}
_REQUIRED = object()


class OpContext(Protocol):
    """What a mapper may ask of the executor about the node it runs."""

    name: str          # the node's name
    op: str            # the node's TF op name
    attrs: dict        # parsed attr values (see graph.graphdef.parse_attr)

    def attr(self, key: str, default: Any = _REQUIRED) -> Any:
        """The attr's Python value; without a default, a missing attr raises ModelFormatError naming the node."""

    @property
    def resources(self) -> dict:
        """Per-execution store for stateful objects (hash tables), keyed by whatever the mapper chooses."""

    def call_function(self, name: str, inputs: Sequence[Any]) -> list:
        """Runs a function of the graph's library (While/If bodies) on inputs; returns its outputs."""


def graph_op(*tf_names: str) -> Callable:
    """Registers the decorated mapper for each TF op name (a name registered twice is a bug)."""
    def register(fn: Callable) -> Callable:
        for n in tf_names:
            if n in MAPPERS:
                raise RuntimeError(f"graph op {n!r} is mapped twice ({MAPPERS[n].__module__} and {fn.__module__})")
            MAPPERS[n] = fn
        return fn
    return register
