"""Image op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations

import numpy as np

import tensorweb.graph.ops.image  # noqa: F401  (registers the mappers)

from .math_cases import Check, Inputs, f32, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(108)
IMG = g.f32(2, 5, 6, 3)
IMG2 = g.f32(2, 5, 4, 2)
BOXES = f32([[0.0, 0.0, 1.0, 1.0], [0.1, 0.2, 0.7, 0.9], [-0.2, 0.3, 1.3, 0.6]])
BOX_IND = i32([0, 1, 1])
TRANSFORMS = f32([[1.2, 0.1, -0.5, -0.2, 0.9, 0.7, 0.01, 0.02], [0.8, 0.0, 1.0, 0.0, 1.1, -1.0, 0.0, 0.0]])


def resize(op: str, images, size, align: bool | None = None, half: bool | None = None, **kw) -> OpCase:
    attrs = {"T": ("type", "float32")}
    if align is not None:
        attrs["align_corners"] = ("b", align)
    if half is not None:
        attrs["half_pixel_centers"] = ("b", half)
    return OpCase(op, [images, i32(size)], attrs, **kw)


def crop(method: str | None, size=(4, 3), extrapolation: float | None = None) -> OpCase:
    attrs = {} if method is None else {"method": ("s", method)}
    if extrapolation is not None:
        attrs["extrapolation_value"] = ("f", extrapolation)
    return OpCase("CropAndResize", [IMG, BOXES, BOX_IND, i32(size)], attrs, consts=(3,))


def transform(interpolation: str, fill_mode: str | None, fill: float = 0.0, shape=(5, 6), images=None,
              transforms=None) -> OpCase:
    attrs = {"interpolation": ("s", interpolation), "dtype": ("type", "float32")}
    if fill_mode is not None:
        attrs["fill_mode"] = ("s", fill_mode)
    images = IMG[:1] if images is None else images
    transforms = TRANSFORMS[:1] if transforms is None else transforms
    return OpCase("ImageProjectiveTransformV3", [images, transforms, i32(shape), f32(fill)], attrs)


CHECKS = {
    "resize_bilinear": Check(resize("ResizeBilinear", IMG, [7, 9])),
    "resize_bilinear_align_corners": Check(resize("ResizeBilinear", IMG, [3, 10], align=True, half=False)),
    "resize_bilinear_half_pixel": Check(resize("ResizeBilinear", IMG, [8, 4], align=False, half=True)),
    "resize_bilinear_const_size": Check(resize("ResizeBilinear", IMG, [10, 12], half=True, consts=(1,))),
    "resize_bilinear_int": Check(resize("ResizeBilinear", g.i32(1, 3, 3, 2, lo=0, hi=255), [5, 5])),
    "resize_bilinear_rank3": Check(resize("ResizeBilinear", g.f32(4, 4, 2), [6, 3])),
    # TF refuses a size of other than 2 values; TF.js reads the first two
    "resize_bilinear_bad_size": Check(resize("ResizeBilinear", IMG, [3, 4, 5]), hand=ValueError("size")),
    "resize_nearest": Check(resize("ResizeNearestNeighbor", IMG, [7, 9])),
    "resize_nearest_align_corners": Check(resize("ResizeNearestNeighbor", IMG, [9, 4], align=True)),
    "resize_nearest_half_pixel": Check(resize("ResizeNearestNeighbor", IMG, [3, 13], half=True)),
    "resize_nearest_int": Check(resize("ResizeNearestNeighbor", g.i32(1, 3, 4, 2, lo=0, hi=255), [5, 7], half=True)),
    "crop_and_resize_bilinear": Check(crop("bilinear")),
    "crop_and_resize_default_method": Check(crop(None, (2, 5))),
    "crop_and_resize_nearest": Check(crop("nearest", (5, 5))),
    "crop_and_resize_extrapolation": Check(crop("bilinear", (3, 3), extrapolation=-1.5)),
    "crop_and_resize_one_pixel": Check(crop("bilinear", (1, 1))),
    "transform_nearest_constant": Check(transform("NEAREST", "CONSTANT", 0.5)),
    "transform_bilinear_reflect": Check(transform("BILINEAR", "REFLECT")),
    "transform_bilinear_wrap": Check(transform("BILINEAR", "WRAP", shape=(4, 8))),
    "transform_nearest_nearest": Check(transform("NEAREST", "NEAREST", images=IMG[1:], transforms=TRANSFORMS[1:])),
    # TF.js needs fill_mode (it has no default); TF's default is CONSTANT
    "transform_default_fill_mode": Check(transform("BILINEAR", None, 2.0), ref=transform("BILINEAR", "CONSTANT", 2.0)),
    # TF.js's cpu Transform leaves images after the first at the fill value: the truth takes each image
    # from a batch of one
    "transform_batch": Check(transform("BILINEAR", "REFLECT", images=IMG2, transforms=TRANSFORMS),
                             ref=[transform("BILINEAR", "REFLECT", images=IMG2[k:k + 1], transforms=TRANSFORMS[k:k + 1])
                                  for k in range(2)],
                             post=lambda *outs: [(np.concatenate([o[0][0] for o in outs]), "float32")]),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("image", CHECKS)
