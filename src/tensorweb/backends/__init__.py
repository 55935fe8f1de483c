"""Backends: a backend is an object that stores tensor data plus a folder of kernels registered for it.

`numpy/` is always available and is the reference. A backend object provides
`write(np_array, dtype) -> value`, `read(value) -> np.ndarray`, `adopt(value) -> (value, shape, dtype,
nbytes)` for kernel outputs, `alias(value, input_values) -> index or -1` (which input's data an output
shares), `compact(value)` (a dense row-major copy for long-lived values such as variables), and
`all_finite(value)` for DEBUG mode.
"""
from . import numpy  # noqa: F401  (registers the numpy backend and its kernels)
