"""`MNIST` read from the standard idx files in $PEER_MNIST_DIR; samples are (28, 28) uint8 arrays and int labels."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import torch

FILES = {True: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
         False: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}


def _idx(path: Path, offset: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(bytearray(f.read()), dtype=np.uint8, offset=offset)  # writable, as torch wants


class MNIST(torch.utils.data.Dataset):
    def __init__(self, root=None, train: bool = True, download: bool = False, transform=None,
                 target_transform=None):
        folder = Path(os.environ.get("PEER_MNIST_DIR", ""))
        images, labels = (folder / name for name in FILES[bool(train)])
        if not images.is_file():
            raise FileNotFoundError(f"set PEER_MNIST_DIR to the folder holding {images.name} (looked in {folder})")
        self.data = _idx(images, 16).reshape(-1, 28, 28)
        self.targets = torch.from_numpy(_idx(labels, 8).astype(np.int64))
        self.transform, self.target_transform = transform, target_transform

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int):
        image, target = self.data[index], int(self.targets[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target
