"""Snapshots stored as bytes come back equal, for every experiment; the reader rebuilds nothing foreign."""

from __future__ import annotations

import dataclasses
import json
import zlib

import numpy as np
import pytest
import torch

from fflab import catalog
from fflab.store.snapshots import SnapshotCodecError, snapshot_from_bytes, snapshot_to_bytes

SMALL_PRESET = ("digits-quick", "digits-race", "digits-sweep", "excerpt-quick", "split-digits", "quick", "reference")


def _small(cls):
    preset = next((p for p in SMALL_PRESET if p in cls.presets), cls.default_preset)
    return cls(cls.resolve_params(preset), seed=0, device="cpu")


def assert_same(a, b, where="snapshot"):
    if isinstance(a, np.ndarray | torch.Tensor):
        assert type(a) is type(b), where
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=where)
        assert np.asarray(a).dtype == np.asarray(b).dtype, where
    elif dataclasses.is_dataclass(a):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, tuple | list):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict) or hasattr(a, "items"):
        assert dict(a).keys() == dict(b).keys(), where
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), where
    else:
        assert a == b, where


@pytest.mark.parametrize("name", sorted(catalog.all_experiments()))
def test_every_experiments_snapshot_survives_the_store(name):
    exp = _small(catalog.get_experiment(name))
    for _ in range(2):
        exp.advance()
    snapshot = exp.snapshot()
    assert_same(snapshot, snapshot_from_bytes(snapshot_to_bytes(snapshot)))


def _tree(data: bytes):
    return json.loads(zlib.decompress(data))


def _bytes(tree) -> bytes:
    return zlib.compress(json.dumps(tree).encode())


def test_the_reader_refuses_classes_outside_fflab_and_object_arrays():
    @dataclasses.dataclass
    class Local:
        x: int

    tree = _tree(snapshot_to_bytes((1, np.arange(3))))
    tree["items"][0] = {"#": "dc", "cls": "os:system", "fields": {}}
    with pytest.raises(SnapshotCodecError, match="not one of fflab's"):
        snapshot_from_bytes(_bytes(tree))
    tree["items"][0] = {"#": "nd", "dtype": "|O", "shape": [1], "data": ""}
    with pytest.raises(SnapshotCodecError, match="dtype object"):
        snapshot_from_bytes(_bytes(tree))
    with pytest.raises(SnapshotCodecError, match="not a stored snapshot"):
        snapshot_from_bytes(b"not zlib")
    with pytest.raises(SnapshotCodecError, match="holds a set"):
        snapshot_to_bytes({"a": {1, 2}})


def test_snapshots_stored_under_a_module_they_have_moved_from_still_read():
    from fflab.studies.continual.task_matrix import ContinualSnapshot

    snapshot = ContinualSnapshot(("ff",), ((0, 1),), {"ff": np.eye(1)}, 0, ("0/1",))
    tree = _tree(snapshot_to_bytes(snapshot))
    tree["cls"] = "fflab.studies.continual.experiment:ContinualSnapshot"  # where runs of 2026-12-02 stored it
    assert_same(snapshot, snapshot_from_bytes(_bytes(tree)))
    text_tree = _tree(snapshot_to_bytes(_small(catalog.get_experiment("ff-text")).snapshot()))
    text_tree["cls"] = "fflab.ff.ff_text.experiment:TextSnapshot"
    assert type(snapshot_from_bytes(_bytes(text_tree))).__name__ == "TextSnapshot"
