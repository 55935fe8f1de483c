"""Image TF ops: ResizeBilinear, ResizeNearestNeighbor, CropAndResize, ImageProjectiveTransformV3."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import expect_inputs, host_ints, host_number

RESIZE = {"ResizeBilinear": tw.image.resize_bilinear, "ResizeNearestNeighbor": tw.image.resize_nearest_neighbor}


@graph_op(*RESIZE)
def _resize(ctx: Any, inputs: list) -> tw.Tensor:
    images, size = expect_inputs(ctx, inputs, 2)
    return RESIZE[ctx.op](images, host_ints(ctx, size, "size"), bool(ctx.attr("align_corners", False)),
                          bool(ctx.attr("half_pixel_centers", False)))


@graph_op("CropAndResize")
def _crop_and_resize(ctx: Any, inputs: list) -> tw.Tensor:
    image, boxes, box_ind, crop_size = expect_inputs(ctx, inputs, 4)
    return tw.image.crop_and_resize(image, boxes, box_ind, host_ints(ctx, crop_size, "crop_size"),
                                    str(ctx.attr("method", "bilinear")).lower(),
                                    float(ctx.attr("extrapolation_value", 0.0)))


@graph_op("ImageProjectiveTransformV3")
def _transform(ctx: Any, inputs: list) -> tw.Tensor:
    images, transforms, output_shape, fill_value = expect_inputs(ctx, inputs, 4)
    return tw.image.transform(images, transforms, str(ctx.attr("interpolation")).lower(),
                              str(ctx.attr("fill_mode", "CONSTANT")).lower(),
                              host_number(ctx, fill_value, "fill_value"),
                              host_ints(ctx, output_shape, "output_shape"))
