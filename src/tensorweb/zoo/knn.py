"""A k-nearest-neighbours classifier over embeddings, like TF.js's @tensorflow-models/knn-classifier.

    knn = tw.zoo.knn.KNNClassifier()
    knn.add_example(embedding, "cat")                   # any array or Tensor; flattened, unit-normalized
    result = knn.predict_class(query, k=3)               # Prediction(label='cat', confidences={...})
    knn.save("examples.npz"); knn = KNNClassifier.load("examples.npz")

Similarity is cosine similarity (each example and the query are divided by their L2 norm, then one matrix
product); the k most similar examples vote (k is capped at the number of examples; ties in similarity go to
the example added first) and each class's confidence is its votes / k. The predicted label is the first class
(in the order classes were first added) with the highest confidence.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Hashable

import numpy as np

from ..core.tensor import Tensor
from ..errors import InvalidArgumentError, ModelFormatError, ShapeError

Label = Hashable


@dataclass(frozen=True)
class Prediction:
    """The predicted label and every class's confidence (its share of the k nearest examples)."""

    label: Label
    confidences: dict[Label, float]


def _vector(x: object, what: str) -> np.ndarray:
    a = x.numpy() if isinstance(x, Tensor) else np.asarray(x)
    if a.dtype.kind not in "fiu" or a.size == 0:
        raise InvalidArgumentError(f"knn: {what} must be a non-empty numeric array, got dtype {a.dtype} with "
                                   f"shape {list(a.shape)}")
    v = a.astype(np.float32).reshape(-1)
    norm = np.linalg.norm(v)
    if not np.isfinite(norm) or norm == 0:
        raise InvalidArgumentError(f"knn: {what} has L2 norm {norm}; cosine similarity needs a finite, nonzero "
                                   "vector")
    return v / norm


class KNNClassifier:
    """See the module docstring."""

    def __init__(self) -> None:
        self._classes: dict[Label, list[np.ndarray]] = {}
        self._shape: tuple[int, ...] | None = None

    def add_example(self, example: object, label: Label) -> None:
        """Adds one example (an embedding of any shape, the same for all examples) to class `label`."""
        shape = tuple(example.shape) if isinstance(example, Tensor) else np.shape(example)
        if self._shape is not None and shape != self._shape:
            raise ShapeError(f"knn: example shape {list(shape)} does not match the shape of the examples added "
                             f"before, {list(self._shape)}")
        v = _vector(example, "the example")
        self._shape = shape
        self._classes.setdefault(label, []).append(v)

    def predict_class(self, x: object, k: int = 3) -> Prediction:
        """The class of `x` by a vote of its k most similar examples (cosine similarity)."""
        if not self._classes:
            raise InvalidArgumentError("knn: no examples added yet; call add_example first")
        if not isinstance(k, int) or k < 1:
            raise InvalidArgumentError(f"knn: k must be a positive integer, got {k!r}")
        shape = tuple(x.shape) if isinstance(x, Tensor) else np.shape(x)
        if int(np.prod(shape)) != int(np.prod(self._shape)):
            raise ShapeError(f"knn: input of shape {list(shape)} does not match the examples' shape "
                             f"{list(self._shape)}")
        labels = list(self._classes)
        matrix = np.concatenate([np.stack(self._classes[c]) for c in labels])
        owner = np.repeat(np.arange(len(labels)), [len(self._classes[c]) for c in labels])
        k = min(k, len(matrix))
        nearest = np.argsort(-(matrix @ _vector(x, "the input")), kind="stable")[:k]
        votes = np.bincount(owner[nearest], minlength=len(labels))
        confidences = {c: float(votes[i]) / k for i, c in enumerate(labels)}
        return Prediction(labels[int(np.argmax(votes))], confidences)

    def class_example_count(self) -> dict[Label, int]:
        """{label: number of examples}."""
        return {c: len(v) for c, v in self._classes.items()}

    @property
    def num_classes(self) -> int:
        return len(self._classes)

    def clear_class(self, label: Label) -> None:
        """Removes every example of `label`."""
        if label not in self._classes:
            raise InvalidArgumentError(f"knn: no class {label!r} to clear (classes: {list(self._classes)})")
        del self._classes[label]

    def clear_all_classes(self) -> None:
        self._classes.clear()
        self._shape = None

    def dataset(self) -> dict[Label, np.ndarray]:
        """{label: (n, d) float32 matrix of its unit-normalized examples}."""
        return {c: np.stack(v) for c, v in self._classes.items()}

    def save(self, path: str | os.PathLike) -> None:
        """Writes the examples to an .npz file (labels, which must be str or int, kept as JSON)."""
        if any(not isinstance(c, (str, int)) or isinstance(c, bool) for c in self._classes):
            raise InvalidArgumentError(f"knn: only str and int labels can be saved, got {list(self._classes)}")
        arrays = {f"class_{i}": m for i, m in enumerate(self.dataset().values())}
        meta = json.dumps({"labels": list(self._classes), "shape": list(self._shape or [])})
        with open(path, "wb") as f:
            np.savez(f, meta=np.array(meta), **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "KNNClassifier":
        """A classifier with the examples `save` wrote to `path`."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                matrices = [data[f"class_{i}"] for i in range(len(meta["labels"]))]
        except (OSError, ValueError, KeyError) as e:
            raise ModelFormatError(f"{os.fspath(path)}: not a KNN classifier dataset written by save() ({e})") from None
        knn = cls()
        size = int(np.prod(meta["shape"]))
        for label, m in zip(meta["labels"], matrices):
            if m.ndim != 2 or m.shape[1] != size:
                raise ModelFormatError(f"{os.fspath(path)}: class {label!r} has examples of shape {list(m.shape)}, "
                                       f"expected [n, {size}]")
            knn._classes[label] = list(m.astype(np.float32))
        knn._shape = tuple(meta["shape"]) if knn._classes else None
        return knn
