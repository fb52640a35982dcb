"""These grids are tiny: run them on one thread, as the runner does, and restore the count after."""

import pytest


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    yield
