"""The public Ops API, in TF.js's groups. Each module lists its ops in __all__; ops of the namespaced
groups (image, linalg, losses, signal, spectral, fused, sparse, string) are reached as tw.image.resize_bilinear
etc."""
from . import (arithmetic, basic_math, convolution, creation, evaluation, image, linalg, logical,  # noqa: F401
               losses, matrices, normalization, pooling, ragged, random, reduction, segment, signal, slice_join,
               sparse, spectral, string, transformation, fused)

FLAT_GROUPS = (arithmetic, basic_math, convolution, creation, evaluation, logical, matrices, normalization,
               pooling, ragged, random, reduction, segment, slice_join, transformation)
NAMESPACES = {"image": image, "linalg": linalg, "losses": losses, "signal": signal, "spectral": spectral,
              "fused": fused, "sparse": sparse, "string": string}

__all__: list[str] = []
for _group in FLAT_GROUPS + (spectral,):  # TF.js exports fft & co. both flat and as tf.spectral.*
    for _name in getattr(_group, "__all__", []):
        globals()[_name] = getattr(_group, _name)
        __all__.append(_name)

from . import _chain  # noqa: E402,F401  (Tensor methods and Python operators)
