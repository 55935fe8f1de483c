"""Transfer learning: a pretrained graph model cut at an intermediate node gives features; a small new head
trained on them with the layers API classifies your own data.

    extractor = FeatureExtractor(graph_model, "StatefulPartitionedCall/functional_1/re_lu_15/Relu")
    feats = extractor(batch)                               # (N, C): the node's output, spatially averaged
    clf = TransferClassifier.train(extractor, images, labels, epochs=60)
    clf.predict(new_images)                                # ['face', 'background', ...]

A feature map (N, H, W, C) is pooled to (N, C) by its spatial mean (or max); other outputs are flattened.
Models with a fixed batch of 1 run one example at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Hashable, Sequence

import numpy as np

from ..errors import InvalidArgumentError, ShapeError
from ..graph.model import GraphModel
from ..ops.creation import tensor


class FeatureExtractor:
    """The output of `node` of a graph model, pooled over space ('avg', 'max' or None to flatten), for a batch
    of inputs already preprocessed for the model; `preprocess` (optional) maps each raw example first."""

    def __init__(self, model: GraphModel, node: str, pooling: str | None = "avg",
                 preprocess: Callable[[object], np.ndarray] | None = None) -> None:
        if pooling not in ("avg", "max", None):
            raise InvalidArgumentError(f"FeatureExtractor: pooling must be 'avg', 'max' or None, got {pooling!r}")
        if node.split(":")[0] not in {n.name for n in model.graph.nodes}:
            raise InvalidArgumentError(f"FeatureExtractor: {node!r} is not a node of {model.source}")
        self.model = model
        self.node = node
        self.pooling = pooling
        self.preprocess = preprocess
        shape = model.inputs[0].shape if model.inputs else None
        self._one_at_a_time = bool(shape) and shape[0] == 1

    def __call__(self, examples: Sequence[object] | np.ndarray) -> np.ndarray:
        """Features (N, D) float32 of N examples (raw ones when `preprocess` is set, else model inputs
        stacked on the first axis)."""
        batch = np.stack([self.preprocess(e) for e in examples]) if self.preprocess else np.asarray(examples)
        if batch.ndim < 1 or len(batch) == 0:
            raise ShapeError(f"FeatureExtractor: expected a non-empty batch of examples, got shape {list(batch.shape)}")
        parts = [batch[i:i + 1] for i in range(len(batch))] if self._one_at_a_time else [batch]
        feats = np.concatenate([self.model.execute(tensor(p), self.node).numpy() for p in parts])
        if feats.ndim == 4 and self.pooling is not None:
            feats = feats.mean(axis=(1, 2)) if self.pooling == "avg" else feats.max(axis=(1, 2))
        return feats.reshape(len(feats), -1).astype(np.float32)


@dataclass
class TransferClassifier:
    """A feature extractor, the trained head (a tw.layers.Sequential ending in softmax), the class labels
    (head output i is labels[i]) and the feature standardization (mean, std) learned on the training set."""

    extractor: FeatureExtractor
    head: object
    labels: list[Hashable]
    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def train(cls, extractor: FeatureExtractor, examples: Sequence[object] | np.ndarray, labels: Sequence[Hashable],
              hidden: int = 0, epochs: int = 50, learning_rate: float = 0.01, batch_size: int = 16,
              seed: int = 0, verbose: int = 0) -> "TransferClassifier":
        """Extracts features of `examples`, standardizes them and fits a softmax head (Dense(hidden, relu)
        first when hidden > 0) with Adam and categorical cross-entropy."""
        from .. import layers, set_random_seed, train
        classes = list(dict.fromkeys(labels))
        if len(classes) < 2:
            raise InvalidArgumentError(f"TransferClassifier.train: need at least 2 classes, got {classes}")
        feats = extractor(examples)
        if len(feats) != len(labels):
            raise ShapeError(f"TransferClassifier.train: {len(feats)} examples but {len(labels)} labels")
        mean, std = feats.mean(axis=0), feats.std(axis=0) + 1e-6
        y = np.eye(len(classes), dtype=np.float32)[[classes.index(c) for c in labels]]
        set_random_seed(seed)
        stack = [layers.Dense(hidden, activation="relu")] if hidden > 0 else []
        head = layers.Sequential([layers.Input((feats.shape[1],)), *stack,
                                  layers.Dense(len(classes), activation="softmax")])
        head.compile(optimizer=train.adam(learning_rate), loss="categorical_crossentropy", metrics=["accuracy"])
        head.fit((feats - mean) / std, y, epochs=epochs, batch_size=batch_size, verbose=verbose)
        return cls(extractor, head, classes, mean, std)

    def predict_proba(self, examples: Sequence[object] | np.ndarray) -> np.ndarray:
        """(N, classes) probabilities; column i is labels[i]."""
        return self.head.predict((self.extractor(examples) - self.mean) / self.std, verbose=0)

    def predict(self, examples: Sequence[object] | np.ndarray) -> list[Hashable]:
        """The most probable label of each example."""
        return [self.labels[i] for i in self.predict_proba(examples).argmax(axis=1)]
