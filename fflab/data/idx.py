"""Reading gzip-compressed IDX files (the MNIST format), with checksum and shape checks.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), then one big-endian uint32 per dimension, then the values in C order.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import zlib
from pathlib import Path

import numpy as np

from fflab.data.errors import DatasetError

# IDX type code -> big-endian numpy dtype
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dtype: code for code, dtype in IDX_DTYPES.items()}

# (resolved path, size, mtime_ns, expected md5) -> parsed array (read-only)
_CACHE: dict[tuple[str, int, int, str | None], np.ndarray] = {}
_LOCK = threading.Lock()


def md5_bytes(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def parse_idx(raw: bytes, where: str = "IDX data") -> np.ndarray:
    """Parse uncompressed IDX bytes into an array; ``where`` names the source in errors."""
    if len(raw) < 4:
        raise DatasetError(f"{where}: too short for an IDX header ({len(raw)} bytes)")
    zero0, zero1, code, ndim = raw[0], raw[1], raw[2], raw[3]
    if zero0 or zero1 or code not in IDX_DTYPES or ndim == 0:
        raise DatasetError(
            f"{where}: bad IDX magic number 0x{raw[:4].hex()} "
            "(expected 0x0000, a known type code and at least one dimension)"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DatasetError(
            f"{where}: truncated IDX header ({len(raw)} bytes, needs {header})"
        )
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_DTYPES[code]
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        raise DatasetError(
            f"{where}: IDX body is {len(raw) - header} bytes but dimensions {dims} "
            f"of {dtype.name} need {expected}"
        )
    array = np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)
    return array.astype(dtype.newbyteorder("="), copy=False)


def encode_idx(array: np.ndarray) -> bytes:
    """The IDX bytes of ``array`` (uncompressed); the inverse of :func:`parse_idx`."""
    big = array.astype(array.dtype.newbyteorder(">"), copy=False)
    code = _CODES.get(big.dtype)
    if code is None:
        raise ValueError(f"IDX cannot hold dtype {array.dtype}")
    dims = np.asarray(array.shape, dtype=">u4").tobytes()
    return bytes([0, 0, code, array.ndim]) + dims + np.ascontiguousarray(big).tobytes()


def read_idx_gz(path: str | Path, expected_md5: str | None) -> np.ndarray:
    """Read a gzip IDX file after checking its MD5 (skipped when ``expected_md5`` is None).

    Parsed arrays are cached in memory (keyed by path, size, mtime and checksum), so a
    second read of an unchanged file costs nothing. The returned array is read-only.
    Raises DatasetError naming the file on a bad checksum, bad gzip or bad IDX data.
    """
    path = Path(path)
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, expected_md5)
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            return cached
        array = _read_uncached(path, expected_md5)
        array.setflags(write=False)
        _CACHE[key] = array
        return array


def _read_uncached(path: Path, expected_md5: str | None) -> np.ndarray:
    try:
        packed = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if expected_md5 is not None:
        actual = md5_bytes(packed)
        if actual != expected_md5.lower():
            raise DatasetError(
                f"{path}: MD5 is {actual}, expected {expected_md5} "
                f"(corrupt or truncated file, {len(packed)} bytes; delete it and fetch it again)"
            )
    try:
        raw = gzip.decompress(packed)
    except (OSError, EOFError, zlib.error) as exc:
        raise DatasetError(f"{path}: not a valid gzip file ({exc})") from exc
    return parse_idx(raw, where=str(path))


def clear_cache() -> None:
    """Forget every parsed array (tests; or to free memory)."""
    with _LOCK:
        _CACHE.clear()
