"""Dataset loading: MNIST and Fashion-MNIST from IDX files, and scikit-learn digits offline.

``load_dataset("mnist")`` looks for the four IDX files in the data directory (see
``fflab.data.sources``), downloads missing ones when allowed, checks every file's
MD5, and falls back to the digits dataset (with ``Dataset.note`` saying why) when
MNIST cannot be had.
"""

from __future__ import annotations

import gzip
import importlib.util
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from fflab.data import download as _download
from fflab.data import idx as _idx
from fflab.data import sources as _sources
from fflab.data.errors import DatasetError
from fflab.data.sources import IDX_FILES, SOURCES, IdxSource

DATASETS = ("digits", "mnist", "fashion_mnist")
DIGITS_STATUS = "ships with scikit-learn (1437 train / 360 test, 8x8)"
# One load of a real dataset at a time (no double downloads or double parsing).
_LOAD_LOCK = threading.RLock()
# (dataset, MD5s, files' paths, sizes and mtimes) -> (x_train, y_train, x_test, y_test,
# image_shape). Every Dataset returned for a key shares these tensors: callers must not
# modify them in place (copy first, or .to(device), which copies).
_TENSORS: dict[tuple, tuple] = {}


@dataclass
class Dataset:
    name: str
    x_train: torch.Tensor  # float32 (N, H*W), pixels in [0, 1]
    y_train: torch.Tensor  # int64 (N,)
    x_test: torch.Tensor
    y_test: torch.Tensor
    image_shape: tuple[int, int]
    class_names: tuple[str, ...]
    note: str = ""  # why this is not the dataset asked for, when it is a fallback
    stands_in_for: IdxSource | None = None  # the dataset asked for, when this is a fallback

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def input_dim(self) -> int:
        return self.image_shape[0] * self.image_shape[1]


def _digits_table() -> tuple[np.ndarray, np.ndarray]:
    """The 1797 digits as (pixels 0..16, labels), read from the file scikit-learn ships, without importing
    scikit-learn (its import takes seconds: the first Start on a fresh server waited for it)."""
    spec = importlib.util.find_spec("sklearn")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "datasets" / "data" / "digits.csv.gz"
        if path.is_file():
            with gzip.open(path, "rt") as lines:
                table = np.loadtxt(lines, delimiter=",")
            return table[:, :-1], table[:, -1]
    from sklearn.datasets import load_digits as sk_digits  # laid out otherwise: ask scikit-learn

    bunch = sk_digits()
    return bunch.data, bunch.target


def load_digits() -> Dataset:
    """scikit-learn's 8x8 digits: 1437 training and 360 test images (fixed shuffle)."""
    pixels, labels = _digits_table()
    x = (pixels / 16.0).astype(np.float32)
    y = labels.astype(np.int64)
    order = np.random.default_rng(0).permutation(len(y))
    x, y = x[order], y[order]
    n_test = 360
    return Dataset(
        "digits",
        torch.from_numpy(x[n_test:]).contiguous(),
        torch.from_numpy(y[n_test:]).contiguous(),
        torch.from_numpy(x[:n_test]).contiguous(),
        torch.from_numpy(y[:n_test]).contiguous(),
        (8, 8),
        tuple(str(i) for i in range(10)),
    )


def _normalize(name: str) -> str:
    key = name.strip().lower().replace("-", "_")
    if key not in DATASETS:
        raise ValueError(
            f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}"
        )
    return key


def _check_pair(
    images: np.ndarray,
    labels: np.ndarray,
    images_path: Path,
    labels_path: Path,
    num_classes: int,
) -> None:
    if images.ndim != 3 or images.dtype != np.uint8:
        raise DatasetError(
            f"{images_path}: expected uint8 images of 3 dimensions, got {images.dtype} "
            f"with shape {images.shape}"
        )
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise DatasetError(
            f"{labels_path}: expected uint8 labels of 1 dimension, got {labels.dtype} "
            f"with shape {labels.shape}"
        )
    if len(images) != len(labels):
        raise DatasetError(
            f"{labels_path}: {len(labels)} labels but {images_path} has {len(images)} images"
        )
    if len(labels) and int(labels.max()) >= num_classes:
        raise DatasetError(
            f"{labels_path}: label {int(labels.max())} is not below {num_classes}"
        )


def _to_tensors(
    images: np.ndarray, labels: np.ndarray
) -> tuple[torch.Tensor, torch.Tensor]:
    x = images.reshape(len(images), -1).astype(np.float32)
    x *= np.float32(1.0 / 255.0)
    return torch.from_numpy(x), torch.from_numpy(labels.astype(np.int64))


def _file_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def load_idx_dataset(
    source: IdxSource,
    data_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
    progress: _download.Progress | None = None,
) -> Dataset:
    """Load an IDX dataset, downloading missing files when allowed; no fallback.

    Raises DatasetError naming the file and the fault when it cannot.
    """
    with _LOAD_LOCK:
        dirs = _sources.search_dirs(data_dir)
        found = _sources.find_files(source, dirs)
        missing = [file for file, path in found.items() if path is None]
        if missing:
            target = _sources.download_dir(data_dir) / source.folder
            if not download or _sources.offline():
                why = "downloads are off" if not download else "FFLAB_OFFLINE is set"
                looked = " or ".join(str(d / source.folder) for d in dirs)
                raise DatasetError(f"{', '.join(missing)} not in {looked}, and {why}")
            dests = {file: target / file for file in missing}
            _download.fetch_files(
                source.name, dests, source.md5, source.mirrors, progress
            )
            found.update(dests)
        paths = {file: Path(str(path)) for file, path in found.items()}
        try:
            key = (
                source.name,
                tuple(source.md5[f] for f in IDX_FILES),
                tuple(_file_key(paths[f]) for f in IDX_FILES),
            )
        except OSError as exc:
            raise DatasetError(
                f"{exc.filename}: cannot read ({exc.strerror or exc})"
            ) from exc
        if key not in _TENSORS:
            _TENSORS[key] = _decode(source, paths)
    x_train, y_train, x_test, y_test, shape = _TENSORS[key]
    return Dataset(
        source.name, x_train, y_train, x_test, y_test, shape, source.class_names
    )


def _decode(source: IdxSource, paths: dict[str, Path]) -> tuple:
    """Read, check and convert the four files (MD5 first) into tensors."""
    arrays = {
        file: _idx.read_idx_gz(paths[file], source.md5[file]) for file in IDX_FILES
    }
    splits = []
    for images_file, labels_file in (
        (_sources.TRAIN_IMAGES, _sources.TRAIN_LABELS),
        (_sources.TEST_IMAGES, _sources.TEST_LABELS),
    ):
        images, labels = arrays[images_file], arrays[labels_file]
        _check_pair(
            images,
            labels,
            paths[images_file],
            paths[labels_file],
            len(source.class_names),
        )
        splits.append(_to_tensors(images, labels))
    (x_train, y_train), (x_test, y_test) = splits
    if x_test.shape[1] != x_train.shape[1]:
        raise DatasetError(
            f"{paths[_sources.TEST_IMAGES]}: image size differs from training set"
        )
    height, width = arrays[_sources.TRAIN_IMAGES].shape[1:]
    return x_train, y_train, x_test, y_test, (int(height), int(width))


def fallback_note(
    source: IdxSource, reason: str, data_dir: str | os.PathLike[str] | None = None
) -> str:
    """The sentence a page shows when digits stand in for ``source``."""
    where = _sources.data_dir(data_dir) / source.folder
    return (
        f"{source.title} is not available ({reason}); trained on the offline digits dataset "
        f"instead. Put the IDX files in {where} or set {_sources.ENV_DATA}."
    )


def load_dataset(
    name: str,
    data_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
    fallback: bool = True,
    progress: _download.Progress | None = None,
) -> Dataset:
    """Load ``name`` ("digits", "mnist" or "fashion_mnist").

    MNIST and Fashion-MNIST come from ``data_dir`` (default ``$FFLAB_DATA``, else the
    cache directory); missing files are downloaded into the cache (or into an explicit
    ``data_dir``) unless ``download`` is False or ``$FFLAB_OFFLINE`` is set.
    ``progress(done_bytes, total_bytes_or_None, file_name)`` reports downloads.
    When the dataset cannot be had (missing, offline, corrupt), ``fallback=True``
    returns the digits dataset with ``note`` saying why; ``fallback=False`` raises
    DatasetError with that reason.
    """
    key = _normalize(name)
    if key == "digits":
        return load_digits()
    source = SOURCES[key]
    try:
        return load_idx_dataset(source, data_dir, download, progress)
    except DatasetError as exc:
        if not fallback:
            raise
        digits = load_digits()
        digits.note = fallback_note(source, str(exc), data_dir)
        digits.stands_in_for = source
        return digits


def _status(source: IdxSource, data_dir: str | os.PathLike[str] | None) -> str:
    found = _sources.find_files(source, _sources.search_dirs(data_dir))
    present = [path for path in found.values() if path is not None]
    if len(present) == len(found):
        folders = sorted({str(path.parent) for path in present})
        return f"present in {', '.join(folders)}"
    where = _sources.data_dir(data_dir) / source.folder
    target = _sources.download_dir(data_dir) / source.folder
    missing = [file for file, path in found.items() if path is None]
    head = "missing" if not present else f"incomplete (missing {', '.join(missing)})"
    if _sources.offline():
        return (
            f"{head}: FFLAB_OFFLINE is set; put the four IDX files in {where} "
            f"or set {_sources.ENV_DATA}"
        )
    return (
        f"{head}: will download into {target} when online, or put the four IDX files "
        f"in {where} or set {_sources.ENV_DATA}"
    )


def available_datasets(
    data_dir: str | os.PathLike[str] | None = None,
) -> dict[str, str]:
    """For each dataset name, a one-line status for the page (presence only, no checksums)."""
    statuses = {"digits": DIGITS_STATUS}
    for key in DATASETS[1:]:
        statuses[key] = _status(SOURCES[key], data_dir)
    return statuses


def clear_cache() -> None:
    """Forget parsed files and remembered download failures."""
    with _LOAD_LOCK:
        _TENSORS.clear()
    _idx.clear_cache()
    _download.forget_failures()
