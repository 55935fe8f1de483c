"""Heap padding for the NumPy backend (glibc only).

Every kernel returns fresh arrays, and a model's intermediates are freed as soon as their last reader ran.
With glibc's defaults the freed top of the heap goes back to the system after a run and is page-faulted in
again by the next one (or arrays above malloc's mmap threshold are mapped and unmapped each time):
thousands of page faults per inference (a third of BlazeFace's time). Asking malloc to keep some memory at
the heap top (M_TOP_PAD) and to take arrays below 32 MiB from the heap keeps those pages: steady-state
inference then faults no page. The flag NUMPY_HEAP_PAD sets the pad (bytes; 0 for glibc's fixed defaults).
Elsewhere than glibc the flag does nothing.
"""
from __future__ import annotations

import ctypes
import os
from typing import Any

from ...core.flags import env
from ...errors import InvalidArgumentError

_M_TOP_PAD, _M_MMAP_THRESHOLD = -2, -3
_DEFAULT_PAD = 64 << 20
_HEAP_ARRAYS = 32 << 20             # glibc's largest mmap threshold
_GLIBC_MMAP_THRESHOLD = 128 << 10


def _mallopt() -> Any:
    """glibc's mallopt, or None on other C libraries."""
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc"):
            return None
        return ctypes.CDLL("libc.so.6").mallopt
    except (AttributeError, OSError, ValueError):     # no confstr (Windows), no such name, no libc.so.6
        return None


_MALLOPT = _mallopt()


def _parse_pad(v: Any) -> int:
    try:
        n = int(v)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"NUMPY_HEAP_PAD must be a number of bytes, got {v!r}") from None
    if not 0 <= n < 2 ** 31:
        raise InvalidArgumentError(f"NUMPY_HEAP_PAD must be in [0, 2**31), got {n}")
    return n


def set_heap_pad(nbytes: int) -> bool:
    """Asks glibc to keep `nbytes` at the top of the heap and to serve arrays below 32 MiB from the heap
    (so that they use that pad); with 0, glibc's fixed defaults (no pad, 128 KiB). False where that is not
    possible."""
    if _MALLOPT is None:
        return False
    threshold = _HEAP_ARRAYS if nbytes else _GLIBC_MMAP_THRESHOLD
    return bool(_MALLOPT(_M_MMAP_THRESHOLD, threshold) and _MALLOPT(_M_TOP_PAD, int(nbytes)))


env().register("NUMPY_HEAP_PAD", _DEFAULT_PAD, _parse_pad,
               "bytes glibc's malloc keeps at the top of the heap (kernel outputs freed after a run are "
               "reused without page faults by the next); 0 for glibc's default", set_heap_pad)
