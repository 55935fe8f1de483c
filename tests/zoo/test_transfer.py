"""Transfer learning on real data: BlazeFace-front cut at its last feature map ("re_lu_15", 8×8×96,
averaged to 96 features) gives the features of square crops of the bundled photos (faces, and background
crops that miss the face), a softmax head is trained with the layers API on the crops of two photos, and it
labels the crops of the third photo, a different person in a different setting (a grayscale profile)."""
from __future__ import annotations

import numpy as np
import pytest

from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.zoo import catalogue
from tensorweb.zoo._image import Roi, crop
from tensorweb.zoo.transfer import FeatureExtractor, TransferClassifier

from .photos import FACE_BOXES, rgb

NODE = "StatefulPartitionedCall/functional_1/re_lu_15/Relu"


@pytest.fixture(scope="module")
def graph():
    model = catalogue.load_graph("blazeface-front")
    yield model
    model.dispose()


def crops(name: str, n: int, rng: np.random.Generator) -> tuple[list[np.ndarray], list[str]]:
    """n face crops (the face box read off the photo, jittered by up to 10% and enlarged up to 30%) and n
    background crops (random squares that overlap the face box by under 5% of its area), each 128×128 in
    [-1, 1] as BlazeFace takes its input."""
    image = rgb(name)
    h, w = image.shape[:2]
    x1, y1, x2, y2 = FACE_BOXES[name]
    side = max(x2 - x1, y2 - y1)
    rois, labels = [], []
    for _ in range(n):
        s = side * rng.uniform(1.0, 1.3)
        dx, dy = rng.uniform(-0.1, 0.1, 2) * side
        rois.append(Roi((x1 + x2 - s) / 2 + dx, (y1 + y2 - s) / 2 + dy, s, s))
        labels.append("face")
    while len(rois) < 2 * n:
        s = side * rng.uniform(0.8, 1.3)
        x, y = rng.uniform(0, w - s), rng.uniform(0, h - s)
        overlap = max(0.0, min(x + s, x2) - max(x, x1)) * max(0.0, min(y + s, y2) - max(y, y1))
        if overlap < 0.05 * (x2 - x1) * (y2 - y1):
            rois.append(Roi(x, y, s, s))
            labels.append("background")
    return [crop(image, r, (128, 128)) / 127.5 - 1.0 for r in rois], labels


def test_head_on_pretrained_features_generalizes_to_a_new_photo(graph):
    rng = np.random.default_rng(0)
    xa, ya = crops("astronaut", 12, rng)
    xb, yb = crops("grace_hopper", 12, rng)
    xc, yc = crops("camera", 12, rng)
    extractor = FeatureExtractor(graph, NODE)
    feats = extractor(np.stack(xa[:2]))
    assert feats.shape == (2, 96) and feats.dtype == np.float32
    clf = TransferClassifier.train(extractor, np.stack(xa + xb), ya + yb, epochs=40, seed=0)
    assert clf.labels == ["face", "background"]
    predicted = clf.predict(np.stack(xc))
    accuracy = np.mean([p == t for p, t in zip(predicted, yc)])
    assert accuracy >= 0.9, (accuracy, predicted)
    proba = clf.predict_proba(np.stack(xc[:3]))
    assert proba.shape == (3, 2) and np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)


def test_preprocess_hook_and_flattening(graph):
    raw = [rgb("astronaut")[:200, :200], rgb("camera")[100:300, 100:300]]
    extractor = FeatureExtractor(graph, NODE, pooling=None,
                                 preprocess=lambda img: crop(img, Roi(0, 0, img.shape[1], img.shape[0]),
                                                             (128, 128)) / 127.5 - 1.0)
    assert extractor(raw).shape == (2, 8 * 8 * 96)
    pooled = FeatureExtractor(graph, NODE, pooling="max")(np.stack([extractor.preprocess(r) for r in raw]))
    np.testing.assert_allclose(pooled, extractor(raw).reshape(2, 64, 96).max(axis=1), rtol=1e-6)


def test_errors(graph):
    with pytest.raises(InvalidArgumentError, match="not a node"):
        FeatureExtractor(graph, "no/such/node")
    with pytest.raises(InvalidArgumentError, match="pooling"):
        FeatureExtractor(graph, NODE, pooling="median")
    extractor = FeatureExtractor(graph, NODE)
    with pytest.raises(ShapeError, match="non-empty"):
        extractor(np.zeros((0, 128, 128, 3), np.float32))
    x = np.zeros((2, 128, 128, 3), np.float32)
    with pytest.raises(InvalidArgumentError, match="2 classes"):
        TransferClassifier.train(extractor, x, ["a", "a"], epochs=1)
    with pytest.raises(ShapeError, match="labels"):
        TransferClassifier.train(extractor, x, ["a", "b", "a"], epochs=1)
