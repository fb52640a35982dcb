"""Tiny Shakespeare: its checksum, the 90/10 split, the download and the offline excerpt."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from fflab.data import DatasetError, download, sources, text

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


class _Body(io.BytesIO):
    def __init__(self, body: bytes):
        super().__init__(body)
        self.headers = {"Content-Length": str(len(body))}


@pytest.fixture(autouse=True)
def empty_text_cache(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(text, "_cache", {})


def test_the_split_is_the_first_ninety_percent_then_the_rest() -> None:
    corpus = text.from_text("t", "abcdefghij" * 20)
    assert len(corpus.train) == 180 and len(corpus.val) == 20
    assert corpus.decode(corpus.train[:10]) == "abcdefghij" and corpus.vocab == tuple("abcdefghij")
    assert corpus.decode(corpus.encode("jab")) == "jab"
    with pytest.raises(DatasetError, match="not in the t vocabulary"):
        corpus.encode("xyz")


def test_offline_falls_back_to_the_shipped_excerpt_and_says_so(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(sources.ENV_OFFLINE, "1")
    corpus = text.load_corpus("tinyshakespeare", data_dir=tmp_path)
    assert corpus.name == "excerpt" and corpus.size == 40_000
    assert "not available" in corpus.note and "FFLAB_OFFLINE" in corpus.note
    with pytest.raises(DatasetError, match="FFLAB_OFFLINE"):
        text.load_corpus("tinyshakespeare", data_dir=tmp_path, fallback=False)


def test_a_corrupt_file_is_named_and_never_used(tmp_path: Path) -> None:
    folder = tmp_path / text.SHAKESPEARE_FOLDER
    folder.mkdir()
    (folder / text.SHAKESPEARE_FILE).write_text("not shakespeare at all " * 20)
    with pytest.raises(DatasetError, match="MD5"):
        text.load_corpus("tinyshakespeare", data_dir=tmp_path, fallback=False)
    assert "MD5" in text.load_corpus("tinyshakespeare", data_dir=tmp_path).note


def test_a_missing_file_is_downloaded_with_its_checksum_checked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(sources.ENV_OFFLINE, raising=False)
    body = ("To be, or not to be, that is the question:\n" * 50).encode()
    monkeypatch.setattr(text, "SHAKESPEARE_MD5", hashlib.md5(body).hexdigest())
    calls: list[str] = []

    def opener(url: str, timeout: float) -> _Body:
        calls.append(url)
        return _Body(body)

    monkeypatch.setattr(download, "urlopen", opener)
    download.forget_failures()
    corpus = text.load_corpus("tinyshakespeare", data_dir=tmp_path)
    assert calls == [text.SHAKESPEARE_MIRRORS[0] + text.SHAKESPEARE_FILE]
    assert (tmp_path / text.SHAKESPEARE_FOLDER / text.SHAKESPEARE_FILE).read_bytes() == body
    assert corpus.name == "tinyshakespeare" and corpus.note == "" and corpus.size == len(body)


@pytest.mark.skipif(not (SHARED / "tinyshakespeare" / "input.txt").is_file() and not os.environ.get("FFLAB_DATA"),
                    reason="the real Tiny Shakespeare file is not beside the project (../shared/data)")
def test_the_real_corpus_has_its_published_size_and_vocabulary() -> None:
    directory = os.environ.get("FFLAB_DATA") or str(SHARED)
    if not (Path(directory) / "tinyshakespeare" / "input.txt").is_file():
        pytest.skip(f"no tinyshakespeare/input.txt under {directory}")
    corpus = text.load_corpus("tinyshakespeare", data_dir=directory, download=False, fallback=False)
    assert corpus.size == 1_115_394 and corpus.vocab_size == 65
    assert len(corpus.train) == 1_003_854 and len(corpus.val) == 111_540
