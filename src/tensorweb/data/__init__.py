"""Data: small real data sets bundled with tensorweb (later: tf.data-style datasets)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

IRIS_SPECIES = ("setosa", "versicolor", "virginica")


def iris() -> tuple[np.ndarray, np.ndarray]:
    """Fisher's Iris data: features (150, 4) float32 in cm, labels (150,) int32 indexing IRIS_SPECIES."""
    text = resources.files(__package__).joinpath("iris.csv").read_text()
    rows = [line.split(",") for line in text.splitlines()[2:] if line]
    x = np.array([[float(v) for v in r[:4]] for r in rows], dtype=np.float32)
    y = np.array([IRIS_SPECIES.index(r[4]) for r in rows], dtype=np.int32)
    return x, y


PHOTOS = ("astronaut", "grace_hopper", "camera", "obama")


def photo(name: str) -> Path:
    """The path of a bundled public-domain / CC0 photo (see data/README.md): one of PHOTOS."""
    if name not in PHOTOS:
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(f"no bundled photo {name!r}; bundled: {', '.join(PHOTOS)}")
    return Path(str(resources.files(__package__).joinpath(f"{name}.jpg")))
