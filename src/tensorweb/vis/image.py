"""Image files ⇄ NumPy arrays (H×W×3 uint8, RGB), through Pillow (the `[image]` extra)."""
from __future__ import annotations

import os

import numpy as np


def _pillow():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("reading and writing images needs Pillow: pip install 'tensorweb[image]'") from None
    return Image


def read_image(path: str | os.PathLike) -> np.ndarray:
    """The image at `path` as an H×W×3 uint8 RGB array (EXIF orientation applied; alpha dropped)."""
    Image = _pillow()
    from PIL import ImageOps
    with Image.open(path) as im:
        return np.asarray(ImageOps.exif_transpose(im).convert("RGB"))


def save_image(array: np.ndarray, path: str | os.PathLike) -> None:
    """Writes an H×W×3 (or H×W) array as an image; floats are taken as [0, 1] and clipped."""
    a = np.asarray(array)
    if a.dtype.kind == "f":
        a = np.clip(a * 255.0 + 0.5, 0, 255)
    _pillow().fromarray(a.astype(np.uint8)).save(path)
