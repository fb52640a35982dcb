"""The IDX reader: round trips, checksums, corrupt files, and the in-memory cache."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest
from data_helpers import gz_idx

from fflab.data import DatasetError
from fflab.data.idx import encode_idx, parse_idx, read_idx_gz


@pytest.mark.parametrize(
    "array",
    [
        np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4),
        np.array([0, 9, 3, 255], dtype=np.uint8),
        np.array([[-3, 7]], dtype=np.int8),
        np.array([1, -2, 30000], dtype=np.int16),
        np.array([[1, -2], [70000, 4]], dtype=np.int32),
        np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2),
        np.array([np.pi, -0.5]),
    ],
)
def test_encode_parse_round_trip(array: np.ndarray) -> None:
    parsed = parse_idx(encode_idx(array))
    assert parsed.shape == array.shape
    assert parsed.dtype == array.dtype
    np.testing.assert_array_equal(parsed, array)


def test_header_is_the_mnist_layout() -> None:
    raw = encode_idx(np.zeros((2, 28, 28), dtype=np.uint8))
    assert raw[:4] == b"\x00\x00\x08\x03"
    assert int.from_bytes(raw[4:8], "big") == 2
    assert len(raw) == 16 + 2 * 28 * 28


def write(path: Path, blob: bytes) -> Path:
    path.write_bytes(blob)
    return path


def test_read_gz_round_trip_with_and_without_md5(tmp_path: Path) -> None:
    images = np.random.default_rng(1).integers(0, 256, (4, 3, 2), dtype=np.uint8)
    blob = gz_idx(images)
    path = write(tmp_path / "images.gz", blob)
    np.testing.assert_array_equal(
        read_idx_gz(path, hashlib.md5(blob).hexdigest()), images
    )
    np.testing.assert_array_equal(read_idx_gz(path, None), images)


def test_wrong_md5_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "labels.gz", gz_idx(np.arange(5, dtype=np.uint8)))
    with pytest.raises(DatasetError, match="MD5") as err:
        read_idx_gz(path, "0" * 32)
    assert str(path) in str(err.value)


def test_truncated_gzip_names_the_file(tmp_path: Path) -> None:
    blob = gz_idx(np.arange(1000, dtype=np.uint8))
    path = write(tmp_path / "cut.gz", blob[: len(blob) // 2])
    with pytest.raises(DatasetError, match="gzip") as err:
        read_idx_gz(path, None)
    assert str(path) in str(err.value)
    # with the real checksum expected, the checksum catches it first
    with pytest.raises(DatasetError, match="MD5"):
        read_idx_gz(path, hashlib.md5(blob).hexdigest())


def test_not_gzip_at_all(tmp_path: Path) -> None:
    path = write(tmp_path / "plain.gz", encode_idx(np.arange(4, dtype=np.uint8)))
    with pytest.raises(DatasetError, match="not a valid gzip") as err:
        read_idx_gz(path, None)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x00\x00", "too short"),
        (b"\x01\x00\x08\x01" + (3).to_bytes(4, "big") + b"abc", "magic"),
        (b"\x00\x00\x07\x01" + (3).to_bytes(4, "big") + b"abc", "magic"),
        (b"\x00\x00\x08\x00", "magic"),
        (b"\x00\x00\x08\x03" + (2).to_bytes(4, "big"), "truncated IDX header"),
        (b"\x00\x00\x08\x01" + (5).to_bytes(4, "big") + b"abc", "need 5"),
        (b"\x00\x00\x08\x01" + (2).to_bytes(4, "big") + b"abc", "need 2"),
    ],
)
def test_bad_idx_names_the_file(tmp_path: Path, raw: bytes, message: str) -> None:
    path = write(tmp_path / "bad.gz", gzip.compress(raw))
    with pytest.raises(DatasetError, match=message) as err:
        read_idx_gz(path, None)
    assert str(path) in str(err.value)


def test_missing_file_is_a_dataset_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot read"):
        read_idx_gz(tmp_path / "absent.gz", None)


def test_cache_returns_the_same_array_until_the_file_changes(tmp_path: Path) -> None:
    path = write(tmp_path / "x.gz", gz_idx(np.arange(3, dtype=np.uint8)))
    first = read_idx_gz(path, None)
    assert read_idx_gz(path, None) is first
    assert not first.flags.writeable
    write(path, gz_idx(np.arange(4, dtype=np.uint8)))
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse clocks
    assert read_idx_gz(path, None).tolist() == [0, 1, 2, 3]
