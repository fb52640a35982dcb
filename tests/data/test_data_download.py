"""Downloads through a fake opener: success, corrupt bodies, offline, failure memory."""

from __future__ import annotations

import io
import socket
import time
from pathlib import Path

import pytest
from data_helpers import FILES, REAL_URLOPEN, Synthetic, offline_opener

from fflab.data import DatasetError, download, load_dataset, sources

MNIST_MIRRORS = sources.SOURCES["mnist"].mirrors


class FakeResponse(io.BytesIO):
    def __init__(self, body: bytes, with_length: bool = True):
        super().__init__(body)
        self.headers = {"Content-Length": str(len(body))} if with_length else {}


def serving(bodies: dict[str, bytes], calls: list[str], with_length: bool = True):
    """An opener serving ``bodies`` by URL; any other URL is a 404-like failure."""

    def opener(url: str, timeout: float) -> FakeResponse:
        calls.append(url)
        assert timeout <= 10
        if url not in bodies:
            raise OSError(f"HTTP Error 404: Not Found ({url})")
        return FakeResponse(bodies[url], with_length)

    return opener


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_downloads_into_the_cache_with_progress(
    synthetic: Synthetic, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the first mirror is down; the second serves every file
    bodies = {MNIST_MIRRORS[1] + f: synthetic.blobs[f] for f in FILES}
    calls: list[str] = []
    monkeypatch.setattr(download, "urlopen", serving(bodies, calls))
    seen: list[tuple[int, int | None, str]] = []
    data = load_dataset("mnist", fallback=False, progress=lambda *a: seen.append(a))
    assert data.name == "mnist" and data.x_train.shape == (12, 30)
    assert leftovers(isolated / "mnist") == sorted(FILES)  # no .part files
    for f in FILES:
        assert (isolated / "mnist" / f).read_bytes() == synthetic.blobs[f]
        size = len(synthetic.blobs[f])
        assert (size, size, f) in seen and (0, size, f) in seen
    assert calls[0] == MNIST_MIRRORS[0] + FILES[0]
    # present now: a second process-wide load touches no network
    calls.clear()
    load_dataset("mnist", fallback=False)
    assert calls == []


def test_downloads_only_missing_files_into_explicit_dir(
    tmp_path: Path, synthetic: Synthetic, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = synthetic.write(tmp_path / "fashion-mnist", files=FILES[:3])
    base = sources.SOURCES["fashion_mnist"].mirrors[0]
    calls: list[str] = []
    opener = serving(
        {base + FILES[3]: synthetic.blobs[FILES[3]]}, calls, with_length=False
    )
    monkeypatch.setattr(download, "urlopen", opener)
    seen: list[tuple[int, int | None, str]] = []
    data = load_dataset(
        "fashion_mnist",
        data_dir=tmp_path,
        fallback=False,
        progress=lambda *a: seen.append(a),
    )
    assert data.name == "fashion_mnist"
    assert calls == [base + FILES[3]]
    assert seen[-1] == (len(synthetic.blobs[FILES[3]]), None, FILES[3])
    assert leftovers(folder) == sorted(FILES)


def test_corrupt_download_is_rejected_and_not_kept(
    synthetic: Synthetic, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = synthetic.blobs
    bodies = {
        m + f: good[f][:-5] for m in MNIST_MIRRORS for f in FILES
    }  # truncated everywhere
    monkeypatch.setattr(download, "urlopen", serving(bodies, []))
    with pytest.raises(DatasetError, match="MD5") as err:
        load_dataset("mnist", fallback=False)
    assert "not kept" in str(err.value) and FILES[0] in str(err.value)
    assert leftovers(isolated / "mnist") == []


def test_corrupt_first_mirror_then_good_second(
    synthetic: Synthetic, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = {MNIST_MIRRORS[0] + f: b"<html>not found</html>" for f in FILES}
    bodies |= {MNIST_MIRRORS[1] + f: synthetic.blobs[f] for f in FILES}
    monkeypatch.setattr(download, "urlopen", serving(bodies, []))
    assert load_dataset("mnist", fallback=False).name == "mnist"
    assert leftovers(isolated / "mnist") == sorted(FILES)


def test_offline_falls_back_to_digits_quickly_and_remembers(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(download, "urlopen", offline_opener(calls))
    start = time.monotonic()
    data = load_dataset("mnist")
    assert time.monotonic() - start < 5
    assert data.name == "digits" and data.x_train.shape == (1437, 64)
    assert data.note.startswith("MNIST is not available (could not download")
    assert "Name or service not known" in data.note
    assert data.note.endswith(
        f"Put the IDX files in {isolated / 'mnist'} or set FFLAB_DATA."
    )
    assert calls == [
        m + FILES[0] for m in MNIST_MIRRORS
    ]  # stops at the first failed file
    assert not isolated.exists()  # nothing created when nothing could be fetched
    # a rerun moments later does not wait on the network again
    with pytest.raises(DatasetError, match="not retried"):
        load_dataset("mnist", fallback=False)
    assert len(calls) == 2
    download.forget_failures()
    load_dataset("mnist")
    assert len(calls) == 4


def test_offline_env_never_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FFLAB_OFFLINE", "1")  # the autouse opener fails any network use
    data = load_dataset("fashion_mnist")
    assert data.name == "digits" and "FFLAB_OFFLINE is set" in data.note
    with pytest.raises(DatasetError, match="FFLAB_OFFLINE"):
        load_dataset("mnist", fallback=False)


def test_name_lookup_that_hangs_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: time.sleep(3))
    start = time.monotonic()
    with pytest.raises(OSError, match="cannot resolve example.invalid"):
        REAL_URLOPEN(
            "https://example.invalid/x", 0.2
        )  # the real opener, not the autouse fake
    assert time.monotonic() - start < 2


def test_connection_dropped_mid_download_leaves_nothing(
    synthetic: Synthetic, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Dropping(FakeResponse):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell():
                raise ConnectionResetError("connection reset by peer")
            return super().read(3)

    def opener(url: str, timeout: float) -> FakeResponse:
        return Dropping(synthetic.blobs[FILES[0]])

    monkeypatch.setattr(download, "urlopen", opener)
    data = load_dataset("mnist")
    assert data.name == "digits" and "connection reset by peer" in data.note
    assert leftovers(isolated / "mnist") == []
