"""Model files: model.json + binary weight shards (TF.js's web format, with float16/uint8/uint16
quantization), where they live (files, http, memory), and Keras files."""
from .artifacts import ModelArtifacts
from .files import load_file
from .weights import decode_weights


def load_artifacts(source) -> ModelArtifacts:
    """The artifacts of a model at `source`: a model.json path, its folder, or a file:// URL."""
    if hasattr(source, "load"):
        return source.load()
    return load_file(source)


__all__ = ["ModelArtifacts", "decode_weights", "load_artifacts"]
