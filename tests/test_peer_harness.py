"""The harness `benchmarks/peers.py` runs the peers in: the CPU stand-in for torchvision, and the edited copies."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
import torch

from fflab.data.idx import read_idx_gz

ROOT = Path(__file__).resolve().parents[1]
SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


shim_datasets = _load("peer_shim_datasets", ROOT / "benchmarks" / "peer_shim" / "torchvision" / "datasets.py")
shim_transforms = _load("peer_shim_transforms", ROOT / "benchmarks" / "peer_shim" / "torchvision" / "transforms.py")
sys.path.insert(0, str(ROOT / "benchmarks"))
import peers  # noqa: E402


@pytest.mark.skipif(not SHARED_MNIST.is_dir(), reason="needs ../shared/data/mnist (the real MNIST files)")
def test_the_stand_in_mnist_gives_the_peer_torchvision_s_tensors(monkeypatch):
    monkeypatch.setenv("PEER_MNIST_DIR", str(SHARED_MNIST))
    t = shim_transforms
    transform = t.Compose([t.ToTensor(), t.Normalize((0.1307,), (0.3081,)), t.Lambda(lambda x: torch.flatten(x))])
    test = shim_datasets.MNIST("./data/", train=False, download=True, transform=transform)
    images = read_idx_gz(SHARED_MNIST / "t10k-images-idx3-ubyte.gz", None)
    labels = read_idx_gz(SHARED_MNIST / "t10k-labels-idx1-ubyte.gz", None)
    assert len(test) == 10_000
    x, y = test[7]
    expected = (torch.from_numpy(images[7].astype("float32")).flatten() / 255.0 - 0.1307) / 0.3081
    assert x.shape == (784,) and torch.allclose(x, expected) and y == int(labels[7])
    batch, targets = next(iter(torch.utils.data.DataLoader(test, batch_size=5)))
    assert batch.shape == (5, 784) and targets.tolist() == labels[:5].tolist()


def test_the_stand_in_names_the_folder_it_needs(monkeypatch, tmp_path):
    monkeypatch.setenv("PEER_MNIST_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="PEER_MNIST_DIR"):
        shim_datasets.MNIST(train=True)


def test_a_row_s_edit_is_made_in_a_copy_and_must_match_exactly_once(tmp_path):
    peers_dir, scratch = tmp_path / "peers", tmp_path / "scratch"
    (peers_dir / "p").mkdir(parents=True)
    script = peers_dir / "p" / "main.py"
    script.write_text("steps = 1000\nprint(steps)\n")
    row = peers.Row("r", "p/main.py", (), (), "", edit=("steps = 1000", "steps = 20"))
    command = row.peer_command(peers_dir, scratch)
    copy = Path(command[1])
    assert copy.read_text() == "steps = 20\nprint(steps)\n" and script.read_text().startswith("steps = 1000")
    assert row.peer_cwd(scratch) == copy.parent
    script.write_text("steps = 1000\nsteps = 1000\n")
    with pytest.raises(RuntimeError, match="found it 2 times"):
        row.peer_command(peers_dir, scratch)
    assert os.path.basename(command[0]).startswith("python")
