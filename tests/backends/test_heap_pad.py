"""NUMPY_HEAP_PAD: glibc keeps freed memory at the heap top, so arrays freed by one inference are reused by
the next without page faults."""
import os
import subprocess
import sys

import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError

GLIBC = hasattr(os, "confstr") and os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")

# a fresh process that allocates, touches and frees the arrays of a small model's run 30 times, and prints
# the page faults of the last 20 runs
_RUNS = """
import resource, numpy as np, tensorweb
def run():
    xs = [np.ones(n, np.float32) for n in (600_000, 300_000, 1_200_000, 200_000)]
    del xs
for _ in range(10):
    run()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    run()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(pad: int) -> int:
    env = dict(os.environ, TENSORWEB_FLAGS=f"NUMPY_HEAP_PAD={pad}")
    out = subprocess.run([sys.executable, "-c", _RUNS], capture_output=True, text=True, env=env, check=True)
    return int(out.stdout.strip())


def test_flag_default_and_validation():
    assert tw.env().get("NUMPY_HEAP_PAD") == 64 << 20
    for bad in (-1, "lots", 2 ** 31):
        with pytest.raises(InvalidArgumentError, match="NUMPY_HEAP_PAD"):
            tw.env().set("NUMPY_HEAP_PAD", bad)
    assert tw.env().get("NUMPY_HEAP_PAD") == 64 << 20


@pytest.mark.skipif(not GLIBC, reason="mallopt's M_TOP_PAD and M_MMAP_THRESHOLD are glibc's")
def test_freed_arrays_are_reused_without_page_faults():
    pages_per_run = (600_000 + 300_000 + 1_200_000 + 200_000) * 4 // 4096
    assert _faults(64 << 20) < pages_per_run          # fewer than one run's pages in 20 runs
    assert _faults(0) > 10 * pages_per_run            # glibc's fixed defaults: every run faults them again
