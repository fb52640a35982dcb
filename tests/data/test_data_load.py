"""load_dataset and available_datasets on local files (synthetic), without the network."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from data_helpers import REPO, Synthetic, gz_idx

from fflab.data import DATASETS, DatasetError, available_datasets, load_dataset, sources
from fflab.data.sources import TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS


def test_digits_split_and_format() -> None:
    data = load_dataset("digits")
    assert data.x_train.shape == (1437, 64) and data.x_test.shape == (360, 64)
    assert data.x_train.dtype == torch.float32 and data.y_train.dtype == torch.int64
    assert (
        data.image_shape == (8, 8) and data.input_dim == 64 and data.num_classes == 10
    )
    assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    assert data.note == ""


def test_digits_read_from_the_file_are_scikit_learns_own() -> None:
    from sklearn.datasets import load_digits as sk_digits

    from fflab.data.datasets import _digits_table

    pixels, labels = _digits_table()
    bunch = sk_digits()
    assert np.array_equal(pixels, bunch.data) and np.array_equal(labels, bunch.target)


def test_loading_the_digits_does_not_import_scikit_learn() -> None:
    code = "import sys; from fflab.data import load_dataset; load_dataset('digits'); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_loads_local_files(tmp_path: Path, synthetic: Synthetic) -> None:
    synthetic.write(tmp_path / "mnist")
    data = load_dataset("mnist", data_dir=tmp_path, fallback=False)
    images = synthetic.arrays[TRAIN_IMAGES]
    assert data.name == "mnist" and data.note == ""
    assert data.image_shape == (6, 5) and data.input_dim == 30
    assert data.x_train.shape == (12, 30) and data.x_test.shape == (5, 30)
    assert data.x_train.dtype == torch.float32 and data.y_test.dtype == torch.int64
    assert data.x_train.min() == 0.0 and data.x_train.max() == 1.0
    np.testing.assert_allclose(
        data.x_train.numpy(), images.reshape(12, 30) / 255.0, rtol=1e-6
    )
    assert data.y_train.tolist() == synthetic.arrays[TRAIN_LABELS].tolist()
    assert data.y_test.tolist() == synthetic.arrays[TEST_LABELS].tolist()
    assert data.class_names == tuple(str(i) for i in range(10))


def test_repeated_loads_share_tensors(tmp_path: Path, synthetic: Synthetic) -> None:
    synthetic.write(tmp_path / "mnist")
    first = load_dataset("mnist", data_dir=tmp_path)
    second = load_dataset("mnist", data_dir=tmp_path)
    assert second is not first and second.x_train is first.x_train


def test_fashion_names_and_folder(tmp_path: Path, synthetic: Synthetic) -> None:
    synthetic.write(tmp_path / "fashion-mnist")
    data = load_dataset("fashion-mnist", data_dir=tmp_path, fallback=False)
    assert data.name == "fashion_mnist"
    assert data.class_names[0] == "T-shirt/top" and data.class_names[-1] == "Ankle boot"
    assert len(data.class_names) == 10


def test_unknown_name() -> None:
    with pytest.raises(ValueError, match="unknown dataset"):
        load_dataset("cifar")
    assert DATASETS == ("digits", "mnist", "fashion_mnist")


def test_fflab_data_env_is_the_data_dir(
    tmp_path: Path, synthetic: Synthetic, monkeypatch: pytest.MonkeyPatch
) -> None:
    synthetic.write(tmp_path / "shared" / "mnist")
    monkeypatch.setenv("FFLAB_DATA", str(tmp_path / "shared"))
    assert load_dataset("mnist", fallback=False).x_train.shape == (12, 30)
    assert (
        available_datasets()["mnist"] == f"present in {tmp_path / 'shared' / 'mnist'}"
    )


def test_corrupt_local_file_raises_without_fallback(
    tmp_path: Path, synthetic: Synthetic
) -> None:
    folder = synthetic.write(tmp_path / "mnist")
    bad = folder / TRAIN_LABELS
    bad.write_bytes(synthetic.blobs[TRAIN_LABELS][:-7])
    with pytest.raises(DatasetError, match="MD5") as err:
        load_dataset("mnist", data_dir=tmp_path, fallback=False)
    assert str(bad) in str(err.value)


def test_corrupt_local_file_falls_back_with_its_name(
    tmp_path: Path, synthetic: Synthetic
) -> None:
    folder = synthetic.write(tmp_path / "mnist")
    bad = folder / TRAIN_IMAGES
    bad.write_bytes(b"garbage")
    data = load_dataset("mnist", data_dir=tmp_path)
    assert data.name == "digits" and data.x_train.shape == (1437, 64)
    assert data.note.startswith("MNIST is not available (")
    assert str(bad) in data.note and "offline digits dataset instead" in data.note
    assert bad.read_bytes() == b"garbage"  # a user's file is reported, never replaced


def test_mismatched_label_count_is_rejected(
    tmp_path: Path, synthetic: Synthetic, monkeypatch: pytest.MonkeyPatch
) -> None:
    blob = gz_idx(np.zeros(11, dtype=np.uint8))  # 11 labels for 12 images
    # the synthetic fixture gave SOURCES["mnist"] its own MD5 table: patch one entry
    md5 = hashlib.md5(blob).hexdigest()
    monkeypatch.setitem(sources.SOURCES["mnist"].md5, TRAIN_LABELS, md5)
    folder = synthetic.write(tmp_path / "mnist")
    (folder / TRAIN_LABELS).write_bytes(blob)
    with pytest.raises(DatasetError, match="11 labels"):
        load_dataset("mnist", data_dir=tmp_path, fallback=False)


def test_missing_without_download(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="downloads are off") as err:
        load_dataset("mnist", data_dir=tmp_path, download=False, fallback=False)
    assert str(tmp_path / "mnist") in str(err.value)
    note = load_dataset("fashion_mnist", data_dir=tmp_path, download=False).note
    assert note.startswith("Fashion-MNIST is not available (")
    assert (
        f"Put the IDX files in {tmp_path / 'fashion-mnist'} or set FFLAB_DATA." in note
    )


def test_available_datasets_statuses(
    tmp_path: Path,
    synthetic: Synthetic,
    isolated: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    status = available_datasets()
    assert status["digits"] == "ships with scikit-learn (1437 train / 360 test, 8x8)"
    assert status["mnist"].startswith(
        f"missing: will download into {isolated / 'mnist'}"
    )
    assert "set FFLAB_DATA" in status["fashion_mnist"]

    synthetic.write(tmp_path / "d" / "mnist")
    synthetic.write(tmp_path / "d" / "fashion-mnist", files=(TRAIN_IMAGES,))
    status = available_datasets(tmp_path / "d")
    assert status["mnist"] == f"present in {tmp_path / 'd' / 'mnist'}"
    assert status["fashion_mnist"].startswith("incomplete (missing train-labels")

    monkeypatch.setenv("FFLAB_OFFLINE", "1")
    assert "FFLAB_OFFLINE is set" in available_datasets()["mnist"]


def test_importing_fflab_data_does_not_import_streamlit() -> None:
    code = "import sys, fflab.data; sys.exit('streamlit' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=REPO, timeout=60
    )
    assert done.returncode == 0
