"""Datasets: real IDX files (MNIST, Fashion-MNIST) and an offline default (scikit-learn digits)."""

from fflab.data.datasets import (
    DATASETS,
    Dataset,
    available_datasets,
    clear_cache,
    load_dataset,
    load_digits,
)
from fflab.data.download import Progress
from fflab.data.errors import DatasetError
from fflab.data.sources import SOURCES, cache_dir, data_dir

__all__ = [
    "DATASETS",
    "SOURCES",
    "Dataset",
    "DatasetError",
    "Progress",
    "available_datasets",
    "cache_dir",
    "clear_cache",
    "data_dir",
    "load_dataset",
    "load_digits",
]
