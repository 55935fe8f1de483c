"""The three registries: backends (by priority), kernels keyed (kernel, backend), gradients keyed by kernel.

Like tfjs-core's kernel_registry: small maps with plain keys. A kernel is a plain function of the
backend's values (positional) and attributes (keyword); a gradient is a function
`grad(dy, inputs, outputs, attrs) -> tuple of input gradients` written with ops.
"""
from __future__ import annotations

from typing import Any, Callable

from ..errors import BackendError, KernelNotFoundError

KernelFn = Callable[..., Any]
GradFn = Callable[..., Any]

_kernels: dict[tuple[str, str], KernelFn] = {}
_gradients: dict[str, GradFn] = {}
_listeners: list[Callable[[], None]] = []


def register_kernel(kernel_name: str, backend_name: str, fn: KernelFn) -> None:
    """Registers (or replaces) the kernel `kernel_name` for `backend_name`."""
    _kernels[(kernel_name, backend_name)] = fn
    _changed()


def unregister_kernel(kernel_name: str, backend_name: str) -> None:
    if (kernel_name, backend_name) not in _kernels:
        raise KernelNotFoundError(f"kernel {kernel_name!r} is not registered for backend {backend_name!r}")
    del _kernels[(kernel_name, backend_name)]
    _changed()


def get_kernel(kernel_name: str, backend_name: str) -> KernelFn:
    fn = _kernels.get((kernel_name, backend_name))
    if fn is None:
        raise KernelNotFoundError(
            f"kernel {kernel_name!r} is not registered for backend {backend_name!r}")
    return fn


def has_kernel(kernel_name: str, backend_name: str) -> bool:
    return (kernel_name, backend_name) in _kernels


def kernels_for_backend(backend_name: str) -> list[str]:
    return sorted(k for k, b in _kernels if b == backend_name)


def kernel(kernel_name: str, backend_name: str) -> Callable[[KernelFn], KernelFn]:
    """Decorator form of register_kernel."""
    def deco(fn: KernelFn) -> KernelFn:
        register_kernel(kernel_name, backend_name, fn)
        return fn
    return deco


def register_gradient(kernel_name: str, fn: GradFn) -> None:
    """Registers the gradient of a kernel: fn(dy, inputs, outputs, attrs) -> gradients per input.

    dy is a Tensor for single-output kernels and a list (None where an output got no gradient) for
    multi-output kernels. Return one entry per input: a Tensor, None for inputs that get no gradient, or a
    zero-argument callable computing the gradient, which runs only if that input leads to a source (as
    TF.js's gradient thunks: a frozen layer's input gradient is never computed).
    """
    _gradients[kernel_name] = fn


def get_gradient(kernel_name: str) -> GradFn | None:
    return _gradients.get(kernel_name)


def gradient(kernel_name: str) -> Callable[[GradFn], GradFn]:
    """Decorator form of register_gradient."""
    def deco(fn: GradFn) -> GradFn:
        register_gradient(kernel_name, fn)
        return fn
    return deco


def gradient_kernels() -> list[str]:
    return sorted(_gradients)


# ---- backends -----------------------------------------------------------------------------------

class _BackendEntry:
    __slots__ = ("name", "factory", "priority", "instance")

    def __init__(self, name: str, factory: Callable[[], Any], priority: int) -> None:
        self.name, self.factory, self.priority, self.instance = name, factory, priority, None


_backends: dict[str, _BackendEntry] = {}


def register_backend(name: str, factory: Callable[[], Any], priority: int = 1) -> bool:
    """Registers a backend factory. The highest-priority backend that initializes becomes the default.

    Returns False (and changes nothing) when a backend of that name is already registered.
    """
    if name in _backends:
        return False
    _backends[name] = _BackendEntry(name, factory, priority)
    _changed()
    return True


def backend_entry(name: str) -> _BackendEntry:
    if name not in _backends:
        raise BackendError(f"backend {name!r} is not registered; registered: {', '.join(_backends) or 'none'}")
    return _backends[name]


def backend_names_by_priority() -> list[str]:
    return [e.name for e in sorted(_backends.values(), key=lambda e: -e.priority)]


def remove_backend_entry(name: str) -> _BackendEntry:
    entry = backend_entry(name)
    del _backends[name]
    _changed()
    return entry


def on_change(listener: Callable[[], None]) -> None:
    """Called whenever kernels or backends change (the engine drops its kernel cache)."""
    _listeners.append(listener)


def _changed() -> None:
    for listener in _listeners:
        listener()
