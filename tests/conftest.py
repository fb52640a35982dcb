"""Fixtures shared by the whole suite."""

import pytest

from tests.training import torch_threads


@pytest.fixture
def one_thread():
    with torch_threads(1):
        yield
