"""Hash table op mappers against the real TF.js graph executor: each case is a small graph (a table, an
import/initialize node, then lookups and sizes ordered after it by control inputs), run whole in TF.js (all
cases in one Node call) and node by node through our mappers with one shared resource store."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.graph import attrs as graph_attrs
from tensorweb.graph.ops import MAPPERS
from tensorweb.graph.ops.hash_table import HashTable
from tests.interop.tfjs import T, decode, harness_ready, run_tfjs

from .math_cases import OP_LIST, f32, i32
from .single_op import FakeContext, OpCase, assert_matches

WORDS = np.array(["apple", "banana", "cherry", "date"], object)


def strings(*values: str) -> np.ndarray:
    return np.array(values, object)


@dataclass
class Graph:
    """Fed inputs (name -> array), then nodes (name, op, inputs, attrs) in execution order; `fetch` names the
    nodes whose output 0 is compared."""
    feeds: dict
    nodes: list
    fetch: list
    hand: list | Exception | None = None
    ops: set = field(init=False)

    def __post_init__(self) -> None:
        self.ops = {op for _, op, _, _ in self.nodes}

    def model(self) -> dict:
        nodes = [{"name": k, "op": "Placeholder", "attr": {"dtype": graph_attrs.encode_attr("type", T(v).dtype)}}
                 for k, v in self.feeds.items()]
        nodes += [{"name": name, "op": op, "input": inputs,
                   "attr": {k: graph_attrs.encode_attr(kind, v) for k, (kind, v) in attrs.items()}}
                  for name, op, inputs, attrs in self.nodes]
        return {"format": "graph-model", "modelTopology": {"node": nodes, "versions": {"producer": 1395}},
                "weightSpecs": []}

    def run_mappers(self) -> list:
        values = {k: tw.tensor(v, dtype=T(v).dtype) for k, v in self.feeds.items()}
        resources: dict = {}
        for name, op, inputs, attrs in self.nodes:
            ctx = FakeContext(OpCase(op, [], attrs))
            ctx.name, ctx.resources = name, resources
            values[name] = MAPPERS[op](ctx, [values[i] for i in inputs if not i.startswith("^")])
        return [values[n] for n in self.fetch]


def table(name: str, key: str, value: str, shared: str = "", v1: bool = False) -> tuple:
    attrs = {"key_dtype": ("type", key), "value_dtype": ("type", value), "shared_name": ("s", shared),
             "use_node_name_sharing": ("b", False)}
    return name, "HashTable" if v1 else "HashTableV2", [], attrs


def fill(name: str, tbl: str, keys: str, values: str, op: str = "LookupTableImportV2", after=()) -> tuple:
    return name, op, [tbl, keys, values, *(f"^{a}" for a in after)], {}


def find(name: str, tbl: str, keys: str, default: str, after: str, v1: bool = False) -> tuple:
    return name, "LookupTableFind" if v1 else "LookupTableFindV2", [tbl, keys, default, f"^{after}"], {}


def size(name: str, tbl: str, after: str, v1: bool = False) -> tuple:
    return name, "LookupTableSize" if v1 else "LookupTableSizeV2", [tbl, f"^{after}"], {}


VOCAB = {"k": WORDS, "v": i32([10, 20, 30, 40]), "q": strings("cherry", "fig", "apple", "cherry"), "d": i32(-1)}
NUMBERS = {"k": i32([3, -1, 7]), "v": f32([0.5, 1.5, 2.5]), "q": i32([7, 7, 0, -1, 3]), "d": f32(9.0)}

GRAPHS = {
    "vocab_lookup": Graph(VOCAB, [table("t", "string", "int32"), fill("init", "t", "k", "v"),
                                  find("out", "t", "q", "d", "init"), size("n", "t", "init")], ["out", "n"]),
    "numbers": Graph(NUMBERS, [table("t", "int32", "float32"), fill("init", "t", "k", "v", "InitializeTableV2"),
                               find("out", "t", "q", "d", "init"), size("n", "t", "init")], ["out", "n"]),
    "v1_ops": Graph(VOCAB, [table("t", "string", "int32", v1=True), fill("init", "t", "k", "v", "InitializeTable"),
                            find("out", "t", "q", "d", "init", v1=True), size("n", "t", "init", v1=True)],
                    ["out", "n"]),
    "v1_import": Graph(NUMBERS, [table("t", "int32", "float32", v1=True), fill("init", "t", "k", "v",
                                                                               "LookupTableImport"),
                                 find("out", "t", "q", "d", "init", v1=True)], ["out"]),
    "vector_values": Graph({"k": i32([1, 2]), "v": f32([[1, 2], [3, 4]]), "q": i32([2, 5, 1]), "d": f32([0, -1])},
                           [table("t", "int32", "float32"), fill("init", "t", "k", "v"),
                            find("out", "t", "q", "d", "init")], ["out"]),
    "duplicate_keys_keep_last": Graph({"k": i32([1, 2, 1]), "v": i32([5, 6, 7]), "q": i32([1, 2]), "d": i32(0)},
                                      [table("t", "int32", "int32"), fill("init", "t", "k", "v"),
                                       find("out", "t", "q", "d", "init"), size("n", "t", "init")], ["out", "n"]),
    "import_replaces": Graph({**NUMBERS, "k2": i32([3]), "v2": f32([-5.0])},
                             [table("t", "int32", "float32"), fill("init", "t", "k", "v"),
                              fill("again", "t", "k2", "v2", after=["init"]), find("out", "t", "q", "d", "again"),
                              size("n", "t", "again")], ["out", "n"]),
    "empty_table": Graph({"q": i32([1, 2]), "d": i32(4)}, [table("t", "int32", "int32"), size("n", "t", "t"),
                                                          find("out", "t", "q", "d", "n")], ["out", "n"]),
    "key_dtype_mismatch": Graph({**NUMBERS, "q": f32([1.0])}, [table("t", "int32", "float32"),
                                                               fill("init", "t", "k", "v"),
                                                               find("out", "t", "q", "d", "init")], ["out"]),
    "value_dtype_mismatch": Graph({**NUMBERS, "v": i32([1, 2, 3])}, [table("t", "int32", "float32"),
                                                                     fill("init", "t", "k", "v")], ["init"]),
    # TF looks up keys of any shape (the result has the keys' shape); TF.js flattens them first
    "matrix_keys": Graph({**VOCAB, "q": strings("date", "x", "apple", "banana").reshape(2, 2)},
                         [table("t", "string", "int32"), fill("init", "t", "k", "v"),
                          find("out", "t", "q", "d", "init")], ["out"],
                         hand=[(np.array([[40, -1], [10, 20]]), "int32")]),
    # TF shares a table between nodes with one shared_name; TF.js makes one table per node
    "shared_name": Graph(VOCAB, [table("t", "string", "int32", shared="vocab"), fill("init", "t", "k", "v"),
                                 table("t2", "string", "int32", shared="vocab"),
                                 find("out", "t2", "q", "d", "init")], ["out"],
                         hand=[(np.array([30, -1, 10, 30]), "int32")]),
}


@pytest.fixture(scope="module")
def want():
    missing = harness_ready()
    if missing:
        pytest.fail(f"the TF.js interop harness is not installed: {missing}")
    runs = {k: g for k, g in GRAPHS.items() if g.hand is None}
    results = run_tfjs([{"id": k, "op": "harness.graphModel",
                         "args": [g.model(), "", {n: T(v) for n, v in g.feeds.items()}, g.fetch]}
                        for k, g in runs.items()])
    out = {k: g.hand for k, g in GRAPHS.items() if g.hand is not None}
    for k in runs:
        if not results[k]["ok"]:
            out[k] = RuntimeError(results[k]["error"])
            continue
        value = decode(results[k]["result"])
        out[k] = value if isinstance(value, list) else [value]
    return out


@pytest.mark.interop
@pytest.mark.parametrize("name", list(GRAPHS))
def test_matches_tfjs(name, want):
    truth = want[name]
    if isinstance(truth, Exception):
        with pytest.raises(tw.errors.TensorwebError):
            GRAPHS[name].run_mappers()
        return
    assert_matches(GRAPHS[name].run_mappers(), truth)


def test_table_flows_along_edges_and_lives_in_resources():
    g = GRAPHS["vocab_lookup"]
    values = {k: tw.tensor(v, dtype=T(v).dtype) for k, v in g.feeds.items()}
    ctx = FakeContext(OpCase("HashTableV2", [], dict(g.nodes[0][3])))
    tbl = MAPPERS["HashTableV2"](ctx, [])
    assert isinstance(tbl, HashTable) and ctx.resources == {("HashTable", "op"): tbl}
    assert MAPPERS["HashTableV2"](ctx, []) is tbl, "a second run of the node finds the same table"
    assert MAPPERS["LookupTableImportV2"](ctx, [tbl, values["k"], values["v"]]) is tbl
    with pytest.raises(tw.errors.DtypeError, match="LookupTableFindV2 node 'op': input 0 must be a hash table"):
        MAPPERS["LookupTableFindV2"](FakeContext(OpCase("LookupTableFindV2", [])), [values["k"], values["q"],
                                                                                     values["d"]])


def test_every_op_is_mapped_and_checked():
    ops = set(OP_LIST["hash_table"])
    assert ops <= set(MAPPERS)
    assert ops <= set().union(*(g.ops for g in GRAPHS.values()))


@pytest.mark.interop
def test_a_loaded_graph_model_runs_its_tables(want):
    g = GRAPHS["vocab_lookup"]
    model = tw.load_graph_model(tw.io.from_memory(g.model(), b""))
    feeds = {k: tw.tensor(v, dtype=T(v).dtype) for k, v in g.feeds.items()}
    for _ in range(2):  # each execution fills and reads its own table
        assert_matches(model.execute(feeds, g.fetch), want["vocab_lookup"])
    model.dispose()
