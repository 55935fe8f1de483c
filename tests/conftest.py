"""Every test runs with IS_TEST on (live tensors tracked) and must leak no tensors.

BLAS runs on one thread per test process (pytest-xdist gives each core its own process): a float32 sum's
order then does not depend on how many threads OpenBLAS picks, so the comparisons with TF.js are
repeatable, and threads never wait on a busy core."""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402

import tensorweb as tw  # noqa: E402


@pytest.fixture(autouse=True)
def _no_leaks(request):
    if request.node.get_closest_marker("allow_leaks"):
        yield
        return
    tw.env().set("IS_TEST", True)
    with tw.check_leaks():
        yield
    tw.env().reset()


def pytest_configure(config):
    config.addinivalue_line("markers", "allow_leaks: the test keeps tensors alive on purpose")
    config.addinivalue_line("markers", "interop: compares against the real TF.js in Node")
