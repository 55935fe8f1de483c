"""The KNN classifier: cosine-similarity votes on hand-computed cases (as TF.js's knn-classifier computes
them), class bookkeeping, save/load, errors, and separating the classes of a real data set (Fisher's Iris,
bundled with tensorweb) on held-out flowers."""
from __future__ import annotations

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.data import IRIS_SPECIES, iris
from tensorweb.errors import InvalidArgumentError, ModelFormatError, ShapeError
from tensorweb.zoo.knn import KNNClassifier, Prediction


def _knn() -> KNNClassifier:
    knn = KNNClassifier()
    knn.add_example([1.0, 0.0], "east")
    knn.add_example([10.0, 1.0], "east")     # direction matters, not length
    knn.add_example([0.0, 1.0], "north")
    knn.add_example([-1.0, 0.2], "west")
    return knn


def test_votes_hand_computed():
    knn = _knn()
    # cosine similarities of (1, 1): east 0.707, 0.774; north 0.707; west -0.555
    p = knn.predict_class([1.0, 1.0], k=3)
    assert p == Prediction("east", {"east": 2 / 3, "north": 1 / 3, "west": 0.0})
    assert knn.predict_class(tw.tensor([[0.1, 2.0]]), k=1).label == "north"        # a Tensor, any shape
    # k is capped at the number of examples: every example votes
    assert knn.predict_class([1.0, 1.0], k=10).confidences == {"east": 0.5, "north": 0.25, "west": 0.25}


def test_ties():
    knn = KNNClassifier()
    knn.add_example([1.0, 0.0], 1)
    knn.add_example([0.0, 1.0], 0)
    # equal similarity: the example added first is nearer; equal votes: the class added first wins
    assert knn.predict_class([1.0, 1.0], k=1).label == 1
    assert knn.predict_class([1.0, 1.0], k=2) == Prediction(1, {1: 0.5, 0: 0.5})


def test_bookkeeping():
    knn = _knn()
    assert knn.class_example_count() == {"east": 2, "north": 1, "west": 1} and knn.num_classes == 3
    np.testing.assert_allclose(np.linalg.norm(knn.dataset()["east"], axis=1), [1.0, 1.0], rtol=1e-6)
    knn.clear_class("east")
    assert knn.predict_class([1.0, 1.0], k=1).label == "north"
    with pytest.raises(InvalidArgumentError, match="no class 'east'"):
        knn.clear_class("east")
    knn.clear_all_classes()
    assert knn.num_classes == 0
    with pytest.raises(InvalidArgumentError, match="no examples"):
        knn.predict_class([1.0, 0.0])


def test_save_and_load(tmp_path):
    knn = _knn()
    knn.save(tmp_path / "knn.npz")
    back = KNNClassifier.load(tmp_path / "knn.npz")
    assert back.class_example_count() == knn.class_example_count()
    for q in ([1.0, 1.0], [-1.0, 0.0], [0.3, 0.9]):
        assert back.predict_class(q, k=3) == knn.predict_class(q, k=3)
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelFormatError, match="bad.npz"):
        KNNClassifier.load(tmp_path / "bad.npz")
    odd = KNNClassifier()
    odd.add_example([1.0], (1, 2))
    with pytest.raises(InvalidArgumentError, match="str and int"):
        odd.save(tmp_path / "odd.npz")


def test_bad_examples():
    knn = _knn()
    with pytest.raises(ShapeError, match="does not match"):
        knn.add_example([1.0, 2.0, 3.0], "east")
    with pytest.raises(ShapeError, match="does not match"):
        knn.predict_class([1.0, 2.0, 3.0])
    with pytest.raises(InvalidArgumentError, match="norm"):
        knn.add_example([0.0, 0.0], "east")
    with pytest.raises(InvalidArgumentError, match="k must be"):
        knn.predict_class([1.0, 0.0], k=0)


def test_separates_iris_species():
    """Half the flowers (seeded split) as examples, the other half classified: cosine k-NN on the four raw
    measurements separates the species (the measurements' ratios differ between species)."""
    x, y = iris()
    order = np.random.default_rng(0).permutation(len(x))
    train, test = order[:75], order[75:]
    knn = KNNClassifier()
    for i in train:
        knn.add_example(x[i], IRIS_SPECIES[y[i]])
    predicted = [knn.predict_class(x[i], k=5).label for i in test]
    truth = [IRIS_SPECIES[y[i]] for i in test]
    accuracy = np.mean([p == t for p, t in zip(predicted, truth)])
    assert accuracy >= 0.95, accuracy
    assert all(p == t for p, t in zip(predicted, truth) if t == "setosa")     # setosa is never confused
    assert set(knn.class_example_count()) == set(IRIS_SPECIES)
