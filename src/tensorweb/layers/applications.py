"""Reference architectures built with the Layers API (weights are freshly initialized).

`mobilenet_v2` follows "MobileNetV2: Inverted Residuals and Linear Bottlenecks" (Sandler et al. 2018) as the
TFLite reference graph lays it out: 'same' padding everywhere (no separate padding layers), each convolution
followed by BatchNormalization, ReLU6 after the expansion and depthwise convolutions, linear bottlenecks,
residual adds where shapes allow, then 1280 features, global average pooling and a softmax classifier.
"""
from __future__ import annotations

from .convolutional import Conv2D, DepthwiseConv2D
from .core import Dense
from .activation import ReLU
from .functional import Input, Model
from .merging import Add
from .normalization import BatchNormalization
from .pooling import GlobalAveragePooling2D

# (expansion t, output channels c, repeats n, first stride s) per stage, from the paper's Table 2
MOBILENET_V2_STAGES = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
                       (6, 320, 1, 1))


def _make_divisible(v: float, divisor: int = 8) -> int:
    """Channels rounded to a multiple of 8, never more than 10% below v (the paper's rule)."""
    new = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new


def _conv_bn(x, filters: int, kernel: int, strides: int, name: str, relu6: bool = True, depthwise: bool = False):
    if depthwise:
        x = DepthwiseConv2D(kernel, strides=strides, padding="same", use_bias=False, name=f"{name}_depthwise")(x)
    else:
        x = Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False, name=name)(x)
    x = BatchNormalization(epsilon=1e-3, momentum=0.999, name=f"{name}_bn")(x)
    return ReLU(6.0, name=f"{name}_relu")(x) if relu6 else x


def mobilenet_v2(input_shape=(224, 224, 3), alpha: float = 1.0, classes: int = 1000) -> Model:
    """MobileNetV2 (width multiplier `alpha`) as a functional Model."""
    inputs = Input(input_shape, name="input")
    x = _conv_bn(inputs, _make_divisible(32 * alpha), 3, 2, "conv1")
    channels = x.shape[-1]
    block = 0
    for t, c, n, s in MOBILENET_V2_STAGES:
        out = _make_divisible(c * alpha)
        for i in range(n):
            name = f"block_{block}"
            y = x
            if t != 1:
                y = _conv_bn(y, channels * t, 1, 1, f"{name}_expand")
            y = _conv_bn(y, 0, 3, s if i == 0 else 1, name, depthwise=True)
            y = _conv_bn(y, out, 1, 1, f"{name}_project", relu6=False)
            x = Add(name=f"{name}_add")([x, y]) if i > 0 else y
            channels = out
            block += 1
    x = _conv_bn(x, _make_divisible(1280 * max(alpha, 1.0)), 1, 1, "conv_last")
    x = GlobalAveragePooling2D(name="pool")(x)
    outputs = Dense(classes, activation="softmax", name="predictions")(x)
    return Model(inputs, outputs, name=f"mobilenetv2_{alpha:g}_{input_shape[0]}")
