"""Downloading IDX files from public mirrors, checked by MD5 before they are kept.

A file is streamed into a temporary file beside its destination and renamed into
place only when its MD5 matches; anything else is deleted. Network failures are
remembered for a few minutes, so a page that reruns its script while offline does
not wait on the network again each time.
"""

from __future__ import annotations

import hashlib
import os
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from fflab.data.errors import DatasetError

Progress = Callable[[int, int | None, str], None]
"""progress(done_bytes, total_bytes or None when unknown, file name)"""

TIMEOUT_S = 10.0
CHUNK = 1 << 16
MAX_BYTES = (
    64 << 20
)  # no IDX file we fetch is near this; a guard against runaway bodies
FAILURE_MEMORY_S = 300.0

_failures: dict[str, tuple[float, str]] = {}  # key -> (monotonic time, reason)
_failures_lock = threading.Lock()


def _resolves(host: str, timeout: float) -> bool:
    """Whether ``host`` resolves within ``timeout`` (name lookups ignore socket timeouts)."""
    answer: list[bool] = []

    def lookup() -> None:
        try:
            socket.getaddrinfo(host, None)
            answer.append(True)
        except OSError:
            answer.append(False)

    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(answer and answer[0])


def urlopen(url: str, timeout: float) -> IO[bytes]:
    """Open ``url`` for reading; tests replace this function with a fake."""
    host = urlsplit(url).hostname or ""
    if not _resolves(host, timeout):
        raise urllib.error.URLError(f"cannot resolve {host} (offline?)")
    request = urllib.request.Request(url, headers={"User-Agent": "fflab"})
    return urllib.request.urlopen(request, timeout=timeout)


def _fetch_one(
    url: str, dest: Path, md5: str, progress: Progress | None, timeout: float
) -> None:
    """Fetch ``url`` into ``dest`` if its MD5 matches; raise OSError or DatasetError if not."""
    with urlopen(
        url, timeout
    ) as response:  # connect first: no folders made when offline
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{dest.name}.", suffix=".part", dir=dest.parent
        )
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                actual, size = _stream(url, response, out, dest.name, progress, timeout)
            if actual != md5.lower():
                raise DatasetError(
                    f"{url}: downloaded {size} bytes with MD5 {actual}, "
                    f"expected {md5}; not kept"
                )
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)


def _stream(
    url: str,
    response: IO[bytes],
    out: IO[bytes],
    name: str,
    progress: Progress | None,
    timeout: float,
) -> tuple[str, int]:
    """Copy ``response`` into ``out``; return the MD5 and byte count of what came."""
    length = getattr(response, "headers", {}).get("Content-Length")
    total = int(length) if length and str(length).isdigit() else None
    digest = hashlib.md5(usedforsecurity=False)
    done = 0
    deadline = time.monotonic() + 30 * timeout
    if progress is not None:
        progress(0, total, name)
    while chunk := response.read(CHUNK):
        done += len(chunk)
        if done > MAX_BYTES or time.monotonic() > deadline:
            raise DatasetError(f"{url}: download too large or too slow; gave up")
        digest.update(chunk)
        out.write(chunk)
        if progress is not None:
            progress(done, total, name)
    return digest.hexdigest(), done


def fetch_file(
    file: str,
    dest: Path,
    md5: str,
    mirrors: tuple[str, ...],
    progress: Progress | None = None,
    timeout: float = TIMEOUT_S,
) -> Path:
    """Download ``file`` from the first mirror that serves it with the right MD5.

    Raises DatasetError with every mirror's reason when none does.
    """
    reasons = []
    for base in mirrors:
        url = base + file
        try:
            _fetch_one(url, dest, md5, progress, timeout)
            return dest
        except DatasetError as exc:
            reasons.append(str(exc))
        except (
            OSError,
            ValueError,
        ) as exc:  # URLError, HTTPError and timeouts are OSErrors
            reasons.append(f"{url}: {getattr(exc, 'reason', None) or exc}")
    raise DatasetError(f"could not download {file}: " + "; ".join(reasons))


def fetch_files(
    key: str,
    files: dict[str, Path],
    md5: dict[str, str],
    mirrors: tuple[str, ...],
    progress: Progress | None = None,
    timeout: float = TIMEOUT_S,
) -> None:
    """Download each ``files[name]``; stop at the first failure and remember it a while.

    ``key`` names the dataset for the failure memory: a second call within
    FAILURE_MEMORY_S of a failure raises the same DatasetError without network traffic.
    """
    with _failures_lock:
        recent = _failures.get(key)
    if recent is not None and time.monotonic() - recent[0] < FAILURE_MEMORY_S:
        raise DatasetError(recent[1] + " (not retried: failed moments ago)")
    try:
        for name, dest in files.items():
            fetch_file(name, dest, md5[name], mirrors, progress, timeout)
    except DatasetError as exc:
        with _failures_lock:
            _failures[key] = (time.monotonic(), str(exc))
        raise
    with _failures_lock:
        _failures.pop(key, None)


def forget_failures() -> None:
    """Clear the memory of failed downloads so the next call tries the network again."""
    with _failures_lock:
        _failures.clear()
