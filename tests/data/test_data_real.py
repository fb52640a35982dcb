"""The real MNIST and Fashion-MNIST files, when this machine has them.

Looked for in $FFLAB_DATA if set, else in <repo>/../shared/data; skipped when absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from data_helpers import FILES, REPO

from fflab.data import available_datasets, load_dataset, sources

REAL_DATA = Path(os.environ.get("FFLAB_DATA") or REPO.parent / "shared" / "data")


@pytest.mark.parametrize(
    ("name", "first_class"), [("mnist", "0"), ("fashion_mnist", "T-shirt/top")]
)
def test_real_dataset(name: str, first_class: str) -> None:
    folder = REAL_DATA / sources.SOURCES[name].folder
    absent = [f for f in FILES if not (folder / f).is_file()]
    if absent:
        pytest.skip(
            f"real {name} files not in {folder} (missing {', '.join(absent)}); "
            "set FFLAB_DATA to a directory holding them"
        )
    assert available_datasets(REAL_DATA)[name] == f"present in {folder}"
    data = load_dataset(name, data_dir=REAL_DATA, download=False, fallback=False)
    assert data.name == name and data.note == ""
    assert data.x_train.shape == (60000, 784) and data.x_test.shape == (10000, 784)
    assert data.y_train.shape == (60000,) and data.y_test.shape == (10000,)
    assert data.x_train.dtype == torch.float32 and data.y_train.dtype == torch.int64
    assert data.image_shape == (28, 28) and data.num_classes == 10
    assert data.class_names[0] == first_class
    for x in (data.x_train, data.x_test):
        assert x.min().item() == 0.0 and x.max().item() == 1.0
    for y in (data.y_train, data.y_test):
        assert y.min().item() == 0 and y.max().item() == 9
        assert (
            torch.bincount(y, minlength=10).min() > len(y) // 20
        )  # every class present
    again = load_dataset(name, data_dir=REAL_DATA, download=False, fallback=False)
    assert again.x_train is data.x_train  # parsed once per process
