"""Error types. Each subclasses the matching builtin, so `except ValueError` still works."""


class TensorwebError(Exception):
    """Base of every error tensorweb raises on purpose."""


class ShapeError(TensorwebError, ValueError):
    """An input has the wrong rank or shape for the op."""


class DtypeError(TensorwebError, TypeError):
    """An input has a dtype the op does not accept, or dtypes that cannot be mixed."""


class InvalidArgumentError(TensorwebError, ValueError):
    """An argument (axis, padding, strides, ...) is out of range or malformed."""


class KernelNotFoundError(TensorwebError, LookupError):
    """No kernel is registered for (kernel name, backend)."""


class BackendError(TensorwebError, RuntimeError):
    """A backend is unknown, failed to initialize, or was removed."""


class DisposedError(TensorwebError, RuntimeError):
    """A tensor or variable was used after `dispose`."""


class GradientError(TensorwebError, ValueError):
    """A gradient cannot be computed (no path from x to y, missing rule, non-float dtype)."""


class NumericalError(TensorwebError, ArithmeticError):
    """DEBUG mode found NaN or Inf in a kernel's output."""


class LeakError(TensorwebError, AssertionError):
    """A leak check found tensors that outlived the checked block."""


class ModelFormatError(TensorwebError, ValueError):
    """A model file (model.json, weight shards, a Keras file) is malformed, truncated, inconsistent with its
    manifest, or points outside the model's folder. The message names the file and what was wrong."""


class UnsupportedOpError(TensorwebError, NotImplementedError):
    """A graph model uses TF ops that have no mapping; the message lists every one of them."""


class GraphExecutionError(TensorwebError, RuntimeError):
    """A graph model's node failed while running; the message names the node and its op."""


class FetchError(TensorwebError, OSError):
    """Getting a model from a registry failed: unknown package, version or file, an unreachable registry, or
    an unsafe package archive. The message names the spec and what went wrong."""


class IntegrityError(FetchError):
    """A download's digest differs from the pinned (or the registry's) integrity; nothing was cached."""
