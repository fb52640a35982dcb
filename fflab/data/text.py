"""Character corpora for language modelling: Tiny Shakespeare, and an excerpt that ships with fflab.

Tiny Shakespeare (Karpathy's char-rnn corpus, 1,115,394 characters of the plays, public domain) is read
from `<data dir>/tinyshakespeare/input.txt` (`$FFLAB_DATA`, else the cache) and downloaded there when
missing and online, its MD5 checked. Offline, `load_corpus` falls back to `shakespeare_excerpt.txt`
beside this module (the corpus's first 40,000 characters) and says so in `note`.
Split: the first 90% of the characters train, the last 10% validate (the usual split).
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import torch

from fflab.data import download as _download
from fflab.data import sources as _sources
from fflab.data.errors import DatasetError

SHAKESPEARE_FILE = "input.txt"
SHAKESPEARE_FOLDER = "tinyshakespeare"
SHAKESPEARE_MD5 = "6fb458f1232090904fb40fe944165e91"
SHAKESPEARE_MIRRORS = ("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/",)
EXCERPT = Path(__file__).with_name("shakespeare_excerpt.txt")
CORPORA = ("tinyshakespeare", "excerpt")
TRAIN_SHARE = 0.9

_cache: dict[tuple[str, str], Corpus] = {}
_lock = threading.Lock()


@dataclass
class Corpus:
    """A text as character ids over its own vocabulary, split into training and validation."""

    name: str
    vocab: tuple[str, ...]  # the characters, sorted; a character's id is its index
    train: torch.Tensor  # int64 ids
    val: torch.Tensor
    note: str = ""  # why another corpus stands in, when one does
    size: int = field(default=0)  # characters in the whole text

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def encode(self, text: str) -> torch.Tensor:
        index = {ch: i for i, ch in enumerate(self.vocab)}
        unknown = sorted({ch for ch in text if ch not in index})
        if unknown:
            raise DatasetError(f"characters not in the {self.name} vocabulary: {''.join(unknown)!r}")
        return torch.tensor([index[ch] for ch in text], dtype=torch.long)

    def decode(self, ids: torch.Tensor | list[int]) -> str:
        return "".join(self.vocab[int(i)] for i in ids)


def from_text(name: str, text: str, note: str = "") -> Corpus:
    if len(text) < 100:
        raise DatasetError(f"{name}: {len(text)} characters is too short to split into training and validation")
    vocab = tuple(sorted(set(text)))
    index = {ch: i for i, ch in enumerate(vocab)}
    ids = torch.tensor([index[ch] for ch in text], dtype=torch.long)
    cut = int(len(ids) * TRAIN_SHARE)
    return Corpus(name, vocab, ids[:cut], ids[cut:], note, len(text))


def shakespeare_path(data_dir: str | os.PathLike[str] | None = None, download: bool = True,
                     progress: _download.Progress | None = None) -> Path:
    """The checked Tiny Shakespeare file, downloaded into the cache when missing; DatasetError if it can't be."""
    for folder in _sources.search_dirs(data_dir):
        path = folder / SHAKESPEARE_FOLDER / SHAKESPEARE_FILE
        if path.is_file():
            actual = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            if actual != SHAKESPEARE_MD5:
                raise DatasetError(f"{path}: MD5 {actual} is not the expected {SHAKESPEARE_MD5} (corrupt or "
                                   "another file); delete it or put the right one there")
            return path
    looked = " or ".join(str(d / SHAKESPEARE_FOLDER) for d in _sources.search_dirs(data_dir))
    if not download or _sources.offline():
        why = "downloads are off" if not download else "FFLAB_OFFLINE is set"
        raise DatasetError(f"{SHAKESPEARE_FILE} not in {looked}, and {why}")
    dest = _sources.download_dir(data_dir) / SHAKESPEARE_FOLDER / SHAKESPEARE_FILE
    _download.fetch_files("tinyshakespeare", {SHAKESPEARE_FILE: dest}, {SHAKESPEARE_FILE: SHAKESPEARE_MD5},
                          SHAKESPEARE_MIRRORS, progress)
    return dest


def load_corpus(name: str = "tinyshakespeare", data_dir: str | os.PathLike[str] | None = None,
                download: bool = True, fallback: bool = True,
                progress: _download.Progress | None = None) -> Corpus:
    """`tinyshakespeare` (falling back to the shipped excerpt, with a note, when it cannot be had) or `excerpt`."""
    if name not in CORPORA:
        raise DatasetError(f"{name!r} is not one of {', '.join(CORPORA)}")
    note = ""
    if name == "tinyshakespeare":
        try:
            path = shakespeare_path(data_dir, download, progress)
        except DatasetError as exc:
            if not fallback:
                raise
            path = EXCERPT
            note = (f"Tiny Shakespeare is not available ({exc}); trained on the 40,000-character excerpt that "
                    f"ships with fflab instead. Put input.txt in {_sources.data_dir(data_dir) / SHAKESPEARE_FOLDER} "
                    f"or set {_sources.ENV_DATA}.")
    else:
        path = EXCERPT
    key = (str(path), note)
    with _lock:
        if key not in _cache:
            text = path.read_text(encoding="utf-8")
            _cache[key] = from_text("excerpt" if path == EXCERPT else name, text, note)
        return _cache[key]
