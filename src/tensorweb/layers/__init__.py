"""The Layers API, Keras 3-compatible: Layer, Input, Sequential, functional Model, the training loop,
callbacks, initializers, regularizers, constraints, activations and the built-in layers.

    import tensorweb as tw
    L = tw.layers
    model = L.Sequential([L.Input((4,)), L.Dense(16, activation="relu"), L.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=10)
"""
from . import activations, callbacks, constraints, initializers, losses, metrics, regularizers  # noqa: F401
from .base import Layer
from .functional import Input, InputLayer, Model, SymbolicTensor
from .sequential import Sequential
from .serialization import deserialize, register_class, serialize

from . import (activation, attention, convolutional, core, merging, normalization, ops_layers,  # noqa: E402
               pooling, preprocessing, regularization, reshaping, rnn, wrappers)

_LAYER_MODULES = (core, activation, convolutional, pooling, reshaping, merging, regularization, normalization,
                  preprocessing, attention, rnn, wrappers)
for _module in _LAYER_MODULES:
    for _name in _module.__all__:
        globals()[_name] = getattr(_module, _name)

__all__ = ["Layer", "Input", "InputLayer", "Model", "Sequential", "SymbolicTensor", "register_class",
           "serialize", "deserialize", "activations", "callbacks", "constraints", "initializers", "losses",
           "metrics", "regularizers", *[n for m in _LAYER_MODULES for n in m.__all__]]
