"""Every TF op of TF.js's converter op list (tests/graph/tfjs_op_list.json: 248 ops in 21 categories, from
tfjs-converter/python/tensorflowjs/op_list/*.json) runs in tensorweb's graph executor, except the three
TF Decision Forests ops, which need the separate tfjs-tfdf engine and a model's asset files."""
import json
from pathlib import Path

from tensorweb.graph.executor import import_mappers, is_supported

OP_LIST = json.loads((Path(__file__).parent / "tfjs_op_list.json").read_text())
NOT_SUPPORTED = {"SimpleMLCreateModelResource", "SimpleMLInferenceOpWithHandle",
                 "SimpleMLLoadModelFromPathWithHandle"}


def test_op_list_is_tfjs_complete_list():
    assert len(OP_LIST) == 21
    assert sum(len(ops) for ops in OP_LIST.values()) == 248


def test_every_op_is_supported_except_tfdf():
    import_mappers()
    missing = {op for ops in OP_LIST.values() for op in ops if not is_supported(op)}
    assert missing == NOT_SUPPORTED
    assert set(OP_LIST["tfdf"]) == NOT_SUPPORTED
