"""Model files: model.json + binary weight shards (TF.js's web format, with float16/uint8/uint16
quantization), where they live (folders, http, memory, the local store: handlers routed by scheme), and
model management (list/copy/move/remove)."""
from .artifacts import ModelArtifacts, ModelArtifactsInfo, SaveResult
from .files import FileHandler
from .http import HTTPHandler
from .management import copy_model, move_model, remove_model
from .memory import from_memory, with_save_handler
from .quantization import QuantizationReport
from .router import get_load_handler, get_save_handler, load_artifacts, save_artifacts
from .store import StoreHandler, list_models
from .weights import decode_weights, encode_weights, write_shards

__all__ = ["FileHandler", "HTTPHandler", "ModelArtifacts", "ModelArtifactsInfo", "QuantizationReport",
           "SaveResult", "StoreHandler", "copy_model", "decode_weights", "encode_weights", "from_memory",
           "get_load_handler", "get_save_handler", "list_models", "load_artifacts", "move_model",
           "remove_model", "save_artifacts", "with_save_handler", "write_shards"]
