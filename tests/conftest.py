"""Every test runs with IS_TEST on (live tensors tracked) and must leak no tensors."""
import pytest

import tensorweb as tw


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
