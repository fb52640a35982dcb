"""Synthetic metric records and an `ff` snapshot shaped like the FF and backprop experiments produce."""

from __future__ import annotations

import numpy as np
import pytest

from fflab.ff.forward_forward.snapshot import FFSnapshot
from fflab.ff.snapshot import ClassifierSnapshot, ExampleBatch


def ff_records(steps: int = 3000, layers: int = 2, eval_every: int = 500, batch: int = 100) -> list[dict]:
    """Simultaneous-schedule FF records: every layer's keys each step, accuracy every `eval_every`."""
    records = []
    for i in range(1, steps + 1):
        r = {"step": float(i), "elapsed_s": i * 0.01, "samples": float(i * batch), "head_loss": 1.0 / i}
        for n in range(1, layers + 1):
            r[f"loss.layer{n}"] = 0.7 / (1 + i / 100) + n * 0.01
            r[f"goodness_pos.layer{n}"] = 2.0 + i / steps
            r[f"goodness_neg.layer{n}"] = 2.0 - i / steps
        if i % eval_every == 0:
            r["train_accuracy"] = min(0.99, 0.1 + i / steps)
            r["test_accuracy"] = min(0.98, 0.1 + i / steps * 0.9)
        records.append(r)
    return records


def bp_records(steps: int = 1000, eval_every: int = 100, batch: int = 64) -> list[dict]:
    records = []
    for i in range(1, steps + 1):
        r = {"step": float(i), "elapsed_s": i * 0.005, "loss": 2.3 / i, "samples": float(i * batch)}
        if i % eval_every == 0:
            r["train_accuracy"] = 0.5 + i / steps * 0.49
            r["test_accuracy"] = 0.5 + i / steps * 0.48
        records.append(r)
    return records


@pytest.fixture(autouse=True)
def _validate_figures(monkeypatch):
    """Every property of every figure checked by plotly here (the live app skips that, for speed)."""
    monkeypatch.setenv("FFLAB_VALIDATE_FIGURES", "1")


@pytest.fixture
def records() -> list[dict]:
    return ff_records()


@pytest.fixture
def snapshot() -> FFSnapshot:
    rng = np.random.default_rng(0)
    goodness_pos = (rng.normal(3.0, 1.0, 5000), rng.normal(4.0, 1.0, 300))
    goodness_neg = (rng.normal(1.0, 1.0, 5000), rng.normal(0.5, 1.0, 300))
    weights = rng.normal(size=(36, 28, 28)).astype(np.float32)
    positives, negatives = rng.random((8, 28, 28)).astype(np.float32), rng.random((8, 28, 28)).astype(np.float32)
    classifier = ClassifierSnapshot(confusion=rng.integers(0, 40, size=(10, 10)),
                                    class_names=tuple(str(i) for i in range(10)), image_shape=(28, 28),
                                    dataset="mnist", eval_samples=2000)
    return FFSnapshot(
        classifier=classifier, goodness_pos=goodness_pos, goodness_neg=goodness_neg, threshold=2.0,
        loss_kind="threshold", current_layer=1, schedule="simultaneous", first_layer_weights=weights,
        examples=ExampleBatch(positives, (3, 1, 4, 1, 5, 9, 2, 6), negatives, (7, 0, 8, 2, 3, 4, 5, 1)),
    )


@pytest.fixture
def make_ff_records():
    return ff_records


@pytest.fixture
def make_bp_records():
    return bp_records
