"""Weight encoding (TF.js's byte layout, checked by hand) and sharding (TF.js's converter naming/cutting)."""
from __future__ import annotations

import struct

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import DtypeError, InvalidArgumentError, ModelFormatError


def test_byte_layout_by_hand():
    named = [("f", np.array([1.5, -2.0], np.float32)), ("i", np.array([[7], [-1]], np.int32)),
             ("b", np.array([True, False, True])), ("s", np.array(["ab", "", "é"])),
             ("c", np.array([1 + 2j], np.complex64))]
    specs, data, _ = tw.io.encode_weights(named)
    assert specs == [{"name": "f", "shape": [2], "dtype": "float32"}, {"name": "i", "shape": [2, 1], "dtype": "int32"},
                     {"name": "b", "shape": [3], "dtype": "bool"}, {"name": "s", "shape": [3], "dtype": "string"},
                     {"name": "c", "shape": [1], "dtype": "complex64"}]
    want = (struct.pack("<2f", 1.5, -2.0) + struct.pack("<2i", 7, -1) + bytes([1, 0, 1])
            + struct.pack("<I", 2) + b"ab" + struct.pack("<I", 0) + struct.pack("<I", 2) + "é".encode()
            + struct.pack("<2f", 1.0, 2.0))
    assert data == want


def test_roundtrip_every_dtype():
    named = {"f": np.arange(6, dtype=np.float32).reshape(2, 3) / 7, "i": np.array([-2**31, 2**31 - 1], np.int32),
             "b": np.array([[True], [False]]), "s": np.array([b"\x00\xff", b"x"], dtype=object),
             "c": np.array([[1 - 1j, 0.5j]], np.complex64), "scalar": np.float32(3.25), "empty": np.zeros((0, 4))}
    specs, data, _ = tw.io.encode_weights(named)
    out = tw.io.decode_weights(data, specs)
    assert list(out) == list(named)
    for name, value in named.items():
        got = out[name]
        assert got.shape == np.shape(value)
        assert got.tolist() == np.asarray(value).tolist()
    assert out["f"].dtype == np.float32 and out["i"].dtype == np.int32 and out["b"].dtype == np.bool_
    assert out["c"].dtype == np.complex64 and out["s"].dtype == object and out["scalar"].shape == ()


def test_widening_rules_and_tensors():
    specs, data, _ = tw.io.encode_weights([("d", np.array([0.1])), ("h", np.array([1.5], np.float16)),
                                           ("l", np.array([5], np.int64)), ("u", np.array([200], np.uint8)),
                                           ("z", np.array([1j])), ("t", tw.tensor([[1.0, 2.0]]))])
    assert [s["dtype"] for s in specs] == ["float32", "float32", "int32", "int32", "complex64", "float32"]
    out = tw.io.decode_weights(data, specs)
    assert out["d"][0] == np.float32(0.1) and out["u"][0] == 200 and out["t"].tolist() == [[1.0, 2.0]]


def test_encode_errors():
    with pytest.raises(DtypeError, match="'big'.*outside int32"):
        tw.io.encode_weights({"big": np.array([2**40])})
    with pytest.raises(DtypeError, match="'s'.*holds int"):
        tw.io.encode_weights({"s": np.array(["a", 3], dtype=object)})
    with pytest.raises(DtypeError, match="'v'.*dtype"):
        tw.io.encode_weights({"v": np.array([np.datetime64("2020-01-01")])})
    with pytest.raises(InvalidArgumentError, match="'w' appears more than once"):
        tw.io.encode_weights([("w", np.zeros(1)), ("w", np.ones(1))])
    with pytest.raises(InvalidArgumentError, match="pairs"):
        tw.io.encode_weights([np.zeros(1)])


# ---- sharding ----

def specs_for(nbytes: int) -> list[dict]:
    return [{"name": "w", "shape": [nbytes], "dtype": "bool"}]


def test_shards_cut_at_byte_boundaries():
    data = bytes(range(10))
    group, shards = tw.io.write_shards(specs_for(10), data, shard_size=4)
    assert group == {"paths": ["group1-shard1of3.bin", "group1-shard2of3.bin", "group1-shard3of3.bin"],
                     "weights": specs_for(10)}
    assert [bytes(s) for s in shards.values()] == [bytes([0, 1, 2, 3]), bytes([4, 5, 6, 7]), bytes([8, 9])]
    assert list(shards) == group["paths"]


def test_shards_split_inside_a_weight():
    specs, data, _ = tw.io.encode_weights({"a": np.arange(3, dtype=np.float32), "b": np.arange(2, dtype=np.int32)})
    group, shards = tw.io.write_shards(specs, data, shard_size=5)      # 20 bytes: 5+5+5+5, float 'a' split
    assert group["paths"] == [f"group1-shard{i}of4.bin" for i in range(1, 5)]
    assert all(len(s) == 5 for s in shards.values())
    assert b"".join(shards.values()) == data


def test_shards_exact_multiple_default_size_and_empty():
    group, shards = tw.io.write_shards(specs_for(8), bytes(8), shard_size=4)
    assert group["paths"] == ["group1-shard1of2.bin", "group1-shard2of2.bin"]
    group, shards = tw.io.write_shards(specs_for(100), bytes(100))
    assert group["paths"] == ["group1-shard1of1.bin"] and len(shards["group1-shard1of1.bin"]) == 100
    group, shards = tw.io.write_shards([], b"")
    assert group == {"paths": [], "weights": []} and shards == {}


def test_default_shard_size_is_4_mib():
    n = 4 * 1024 * 1024 + 1
    group, shards = tw.io.write_shards(specs_for(n), bytes(n))
    assert [len(s) for s in shards.values()] == [4 * 1024 * 1024, 1]
    assert group["paths"] == ["group1-shard1of2.bin", "group1-shard2of2.bin"]


def test_write_shards_errors():
    with pytest.raises(InvalidArgumentError, match="shard_size"):
        tw.io.write_shards(specs_for(2), bytes(2), shard_size=0)
    with pytest.raises(ModelFormatError, match="describes 3 bytes.*hold 4"):
        tw.io.write_shards(specs_for(3), bytes(4))
