"""Drawing results onto images: boxes with labels, keypoints, skeletons and masks (Pillow, the `[image]` extra).

Every function takes an H×W×3 uint8 RGB array and returns a new one; `draw_results` draws any mix of the
zoo's results (anything with a `.box`, `.score`, `.label`, `.landmarks` or `.keypoints` of points with x, y,
score), and `save_image` (vis.image) writes the PNG.

    out = draw_results(rgb, faces)                              # boxes, scores and landmarks
    out = draw_results(rgb, poses, edges=COCO_SKELETON)         # keypoints joined by the skeleton
    out = draw_mask(rgb, mask)                                  # a person mask tinted over the image
    out = draw_mesh(rgb, meshes)                                # face meshes and irises
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

from ..errors import ShapeError
from .image import _pillow

Color = tuple[int, int, int]
PALETTE: tuple[Color, ...] = ((255, 64, 64), (64, 200, 64), (64, 128, 255), (255, 200, 0), (200, 64, 255),
                              (0, 220, 220), (255, 128, 0), (255, 255, 255))


def _canvas(image: np.ndarray):
    a = np.asarray(image)
    if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] != 3:
        raise ShapeError(f"draw: expected an H×W×3 uint8 RGB image, got {a.dtype} array of shape {list(a.shape)}")
    from PIL import ImageDraw
    pil = _pillow().fromarray(a)
    return pil, ImageDraw.Draw(pil)


def _line_width(image: np.ndarray) -> int:
    return max(1, round(max(image.shape[:2]) / 250))


def draw_boxes(image: np.ndarray, boxes: Iterable[Any], labels: Sequence[str] | None = None,
               color: Color = PALETTE[0]) -> np.ndarray:
    """Rectangles for boxes (objects with x, y, width, height in pixels), each with an optional label."""
    pil, draw = _canvas(image)
    w = _line_width(image)
    for i, b in enumerate(boxes):
        draw.rectangle([b.x, b.y, b.x + b.width, b.y + b.height], outline=color, width=w)
        if labels is not None:
            text = labels[i]
            left, top, right, bottom = draw.textbbox((b.x, b.y), text)
            y = b.y - (bottom - top) - 2 * w if b.y - (bottom - top) - 2 * w >= 0 else b.y
            draw.rectangle([b.x, y, b.x + right - left + 2 * w, y + bottom - top + 2 * w], fill=color)
            draw.text((b.x + w, y + w - (top - b.y)), text, fill=(0, 0, 0))
    return np.asarray(pil).copy()


def draw_keypoints(image: np.ndarray, points: Iterable[Any], color: Color = PALETTE[1], min_score: float = 0.0,
                   edges: Sequence[tuple[str, str]] = ()) -> np.ndarray:
    """Dots for points (objects with x, y and optionally name and score); with `edges` (pairs of point names),
    lines join the named points. Points scoring below min_score are left out."""
    pil, draw = _canvas(image)
    w = _line_width(image)
    shown = {getattr(p, "name", i): p for i, p in enumerate(points)
             if getattr(p, "score", None) is None or p.score >= min_score}
    for a, b in edges:
        if a in shown and b in shown:
            draw.line([shown[a].x, shown[a].y, shown[b].x, shown[b].y], fill=PALETTE[3], width=w)
    r = 1.5 * w + 1
    for p in shown.values():
        draw.ellipse([p.x - r, p.y - r, p.x + r, p.y + r], fill=color, outline=(0, 0, 0))
    return np.asarray(pil).copy()


def draw_mask(image: np.ndarray, mask: np.ndarray, color: Color = PALETTE[2], alpha: float = 0.5) -> np.ndarray:
    """The image with `mask` (H×W, values 0..1, the image's size) tinted in `color` at opacity alpha·mask."""
    a = np.asarray(image)
    m = np.asarray(mask, dtype=np.float32)
    if m.shape != a.shape[:2]:
        raise ShapeError(f"draw_mask: the mask must have the image's shape {list(a.shape[:2])}, got {list(m.shape)}")
    weight = (np.clip(m, 0.0, 1.0) * alpha)[:, :, None]
    out = a.astype(np.float32) * (1.0 - weight) + np.asarray(color, dtype=np.float32) * weight
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def draw_results(image: np.ndarray, results: Iterable[Any], edges: Sequence[tuple[str, str]] = (),
                 min_score: float = 0.2) -> np.ndarray:
    """Draws each result: its box labelled with its label and score, its landmarks or keypoints (those
    scoring at least min_score), joined by `edges` when given."""
    out = np.asarray(image)
    for i, r in enumerate(results):
        color = PALETTE[i % len(PALETTE)]
        box = getattr(r, "box", None)
        if box is not None:
            label = " ".join(t for t in (getattr(r, "label", None) or "",
                                         f"{r.score:.2f}" if getattr(r, "score", None) is not None else "") if t)
            out = draw_boxes(out, [box], [label] if label else None, color)
        points = getattr(r, "landmarks", None) or getattr(r, "keypoints", None)
        if points:
            out = draw_keypoints(out, points.values() if isinstance(points, dict) else points, color, min_score,
                                 edges)
    return out


def draw_mesh(image: np.ndarray, faces: Iterable[Any], color: Color = PALETTE[5],
              iris_color: Color = PALETTE[3]) -> np.ndarray:
    """Face meshes: a small square dot per point of each face's `.mesh` ((N, 2 or more) x, y in pixels) and,
    for each iris in its `.irises` (objects with `.center` and `.radius`), a circle of that radius."""
    faces = list(faces)
    out = np.asarray(image).copy()
    _canvas(out)                                        # checks the image
    w = _line_width(out)
    steps = np.arange(w) - w // 2
    for face in faces:
        xy = np.rint(np.asarray(face.mesh, dtype=np.float64)[:, :2]).astype(np.int64)
        xs = (xy[:, 0, None, None] + steps[None, None, :]).repeat(w, axis=1).ravel()
        ys = (xy[:, 1, None, None] + steps[None, :, None]).repeat(w, axis=2).ravel()
        inside = (xs >= 0) & (xs < out.shape[1]) & (ys >= 0) & (ys < out.shape[0])
        out[ys[inside], xs[inside]] = color
    pil, draw = _canvas(out)
    for face in faces:
        for iris in getattr(face, "irises", {}).values():
            c, r = iris.center, max(iris.radius, w)
            draw.ellipse([c.x - r, c.y - r, c.x + r, c.y + r], outline=iris_color, width=w)
    return np.asarray(pil).copy()
