"""Fixtures for the dataset tests: an isolated environment and synthetic IDX files."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
from data_helpers import Synthetic, gz_idx, no_network, synthetic_arrays

from fflab.data import datasets, download, sources


@pytest.fixture
def synthetic(monkeypatch: pytest.MonkeyPatch) -> Synthetic:
    """Synthetic IDX files whose MD5s replace the real ones for both IDX datasets."""
    arrays = synthetic_arrays()
    blobs = {file: gz_idx(array) for file, array in arrays.items()}
    md5 = {file: hashlib.md5(blob).hexdigest() for file, blob in blobs.items()}
    for key in ("mnist", "fashion_mnist"):
        patched = dataclasses.replace(sources.SOURCES[key], md5=md5.copy())
        monkeypatch.setitem(sources.SOURCES, key, patched)
    return Synthetic(arrays, blobs)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """No FFLAB_* variables, a private cache dir, empty caches and no network.

    Yields the cache data directory (``$XDG_CACHE_HOME/fflab/data``).
    """
    for var in (sources.ENV_DATA, sources.ENV_OFFLINE):
        monkeypatch.delenv(var, raising=False)
    cache_home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    monkeypatch.setattr(download, "urlopen", no_network)
    datasets.clear_cache()
    yield cache_home / "fflab" / "data"
    datasets.clear_cache()
