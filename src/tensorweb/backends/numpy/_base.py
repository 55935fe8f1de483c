"""Shared pieces of NumPy kernels."""
from __future__ import annotations

from typing import Callable

from ...core import registry


def kernel(name: str) -> Callable:
    """Registers the decorated function as kernel `name` of the numpy backend."""
    return registry.kernel(name, "numpy")
