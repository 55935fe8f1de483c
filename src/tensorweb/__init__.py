"""tensorweb: the TensorFlow.js system in Python, on NumPy.

    import tensorweb as tw
    x = tw.tensor([[1., 2.], [3., 4.]])
    tw.grad(lambda x: (x * x).sum())(x)
"""
from . import errors
from .core import dtypes
from .core.autodiff import custom_grad, grad, grads, value_and_grad, value_and_grads, variable_grads
from .core.engine import ENGINE as _ENGINE, MemoryInfo, ProfileInfo, Scope, TimingInfo, check_leaks
from .core.flags import env
from .core.registry import (get_gradient, get_kernel, register_backend, register_gradient, register_kernel,
                            unregister_kernel)
from .core.tensor import Tensor, Variable
from . import backends  # noqa: F401  (registers the numpy backend)
from .ops import *  # noqa: F401,F403
from .ops import image, linalg, losses, signal, spectral, fused, sparse, string  # noqa: F401
from . import runtime  # noqa: F401
from . import io, layers, testing, train  # noqa: F401
from .graph import GraphModel, load_graph_model
from .layers.saving import load_layers_model  # noqa: F401
from . import zoo  # noqa: F401  (pretrained models: tw.zoo.blazeface.load(), ...)

__version__ = "0.1.0"

tidy = _ENGINE.tidy
keep = _ENGINE.keep
dispose = _ENGINE.dispose
memory = _ENGINE.memory
profile = _ENGINE.profile
time = _ENGINE.time
set_backend = _ENGINE.set_backend
remove_backend = _ENGINE.remove_backend


def get_backend() -> str:
    """The name of the active backend (initializing the best registered one if none is active)."""
    return _ENGINE.backend_name


backend = get_backend


def set_random_seed(seed: int) -> None:
    """Makes runs repeatable: seeds the active backend's random ops that get no seed (weight
    initializers, dropout), NumPy's global generator (fit's shuffling) and Python's `random`."""
    import random as _random

    import numpy as _np
    _random.seed(seed)
    _np.random.seed(seed)
    if hasattr(_ENGINE.backend, "set_seed"):
        _ENGINE.backend.set_seed(seed)


def ready() -> str:
    """Initializes the active backend; returns its name."""
    return _ENGINE.backend_name


def backend_instance():
    """The active backend object."""
    return _ENGINE.backend


env().load_from_environ()
