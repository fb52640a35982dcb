"""Where the IDX datasets live: their files, checksums, mirrors and directories.

Directory rules:
- the *data directory* is an explicit ``data_dir`` argument, else ``$FFLAB_DATA``,
  else the cache directory;
- the *cache directory* is ``$XDG_CACHE_HOME/fflab/data`` (or ``~/.cache/fflab/data``);
- each dataset sits in its own folder: ``<dir>/mnist/<file>``, ``<dir>/fashion-mnist/<file>``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_DATA = "FFLAB_DATA"
ENV_OFFLINE = "FFLAB_OFFLINE"

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
IDX_FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)


@dataclass(frozen=True)
class IdxSource:
    """One IDX dataset: its folder, display title, classes, checksums and mirrors."""

    name: str  # the name load_dataset takes
    folder: str  # the folder under a data directory
    title: str  # how a sentence names it
    class_names: tuple[str, ...]
    md5: dict[str, str]  # file name -> expected MD5 (hex)
    mirrors: tuple[str, ...]  # base URLs, tried in order, each ending in "/"
    train_size: int = 60_000  # images in its training split (MNIST's and Fashion-MNIST's)


SOURCES: dict[str, IdxSource] = {
    "mnist": IdxSource(
        name="mnist",
        folder="mnist",
        title="MNIST",
        class_names=tuple(str(i) for i in range(10)),
        md5={
            TRAIN_IMAGES: "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            TRAIN_LABELS: "d53e105ee54ea40749a09fcbcd1e9432",
            TEST_IMAGES: "9fb629c4189551a2d022fa330f9573f3",
            TEST_LABELS: "ec29112dd5afa0611ce80d1b7f02629c",
        },
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ),
    ),
    "fashion_mnist": IdxSource(
        name="fashion_mnist",
        folder="fashion-mnist",
        title="Fashion-MNIST",
        class_names=(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
        md5={
            TRAIN_IMAGES: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            TRAIN_LABELS: "25c81989df183df01b3e8a0aad5dffbe",
            TEST_IMAGES: "bef4ecab320f06d8554ea6380940ec79",
            TEST_LABELS: "bb300cfdad3c16e7a12a480ee83cd310",
        },
        mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    ),
}


def cache_dir() -> Path:
    """The per-user cache directory that downloads go to."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "fflab" / "data"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: ``explicit`` if given, else ``$FFLAB_DATA``, else the cache."""
    if explicit is not None:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DATA)
    if env:
        return Path(env).expanduser()
    return cache_dir()


def download_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where missing files are downloaded: an explicit ``data_dir``, else the cache."""
    return Path(explicit).expanduser() if explicit is not None else cache_dir()


def search_dirs(explicit: str | os.PathLike[str] | None = None) -> list[Path]:
    """Directories searched for IDX files, in order (an explicit one is searched alone)."""
    dirs = [data_dir(explicit)]
    if explicit is None and cache_dir() not in dirs:
        dirs.append(cache_dir())
    return dirs


def offline() -> bool:
    """True when ``$FFLAB_OFFLINE`` forbids downloads (1, true, yes or on)."""
    return os.environ.get(ENV_OFFLINE, "").strip().lower() in {"1", "true", "yes", "on"}


def find_files(source: IdxSource, dirs: list[Path]) -> dict[str, Path | None]:
    """For each IDX file, the first existing ``<dir>/<folder>/<file>``, or None."""
    found: dict[str, Path | None] = {}
    for file in IDX_FILES:
        found[file] = next(
            (
                d / source.folder / file
                for d in dirs
                if (d / source.folder / file).is_file()
            ),
            None,
        )
    return found
