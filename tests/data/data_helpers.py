"""Helpers for the dataset tests (a uniquely named module, so no other conftest shadows it)."""

from __future__ import annotations

import dataclasses
import gzip
import urllib.error
from pathlib import Path

import numpy as np

from fflab.data import download, sources
from fflab.data.idx import encode_idx

REPO = Path(__file__).resolve().parents[2]

FILES = sources.IDX_FILES
REAL_URLOPEN = download.urlopen  # taken before the autouse fixture replaces it


def gz_idx(array: np.ndarray) -> bytes:
    return gzip.compress(encode_idx(array), mtime=0)


def synthetic_arrays(
    n_train: int = 12, n_test: int = 5, shape: tuple[int, int] = (6, 5), seed: int = 0
) -> dict[str, np.ndarray]:
    """Small uint8 images (with 0 and 255 present) and labels 0..9, by IDX file name."""
    rng = np.random.default_rng(seed)
    train = rng.integers(0, 256, size=(n_train, *shape), dtype=np.uint8)
    test = rng.integers(0, 256, size=(n_test, *shape), dtype=np.uint8)
    train[0, 0, 0], train[0, 0, 1] = 0, 255
    return {
        sources.TRAIN_IMAGES: train,
        sources.TRAIN_LABELS: (np.arange(n_train) % 10).astype(np.uint8),
        sources.TEST_IMAGES: test,
        sources.TEST_LABELS: (np.arange(n_test)[::-1] % 10).astype(np.uint8),
    }


@dataclasses.dataclass
class Synthetic:
    arrays: dict[str, np.ndarray]
    blobs: dict[str, bytes]  # gzip IDX bytes by file name

    def write(self, folder: Path, files: tuple[str, ...] = FILES) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for file in files:
            (folder / file).write_bytes(self.blobs[file])
        return folder


def no_network(url: str, timeout: float):
    raise AssertionError(f"a test tried to reach the network: {url}")


def offline_opener(calls: list[str]):
    """An opener that records each URL and fails as a machine without DNS does."""

    def opener(url: str, timeout: float):
        calls.append(url)
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    return opener
