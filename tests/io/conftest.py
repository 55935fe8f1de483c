"""Shared helpers of the io tests: a small model's artifacts and a private model store."""
from __future__ import annotations

import numpy as np
import pytest

import tensorweb as tw


def make_artifacts(scale: float = 1.0, quantize: str | None = None) -> tw.io.ModelArtifacts:
    """A small layers-model-like artifact set with several weight dtypes."""
    specs, data, _ = tw.io.encode_weights(
        [("dense/kernel", np.arange(12, dtype=np.float32).reshape(3, 4) * scale),
         ("dense/bias", np.array([0.5, -1.0, 2.0, 0.0], np.float32)), ("step", np.array(3, np.int32)),
         ("vocab", np.array(["a", "bc"]))], quantize=quantize)
    return tw.io.ModelArtifacts(model_topology={"class_name": "Sequential", "config": {"layers": []}},
                                format="layers-model", generated_by="tensorweb test", converted_by=None,
                                weight_specs=specs, weight_data=data, user_defined_metadata={"scale": scale})


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A private, empty model store directory."""
    root = tmp_path / "store"
    monkeypatch.setenv("TENSORWEB_MODEL_STORE", str(root))
    return root
