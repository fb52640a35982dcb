"""The views' hand-offs: each reads its experiment's typed snapshot (None before the first) into its figures."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from fflab.app.views import cwc, dff, efficiency, forward_forward, negatives, scff
from fflab.app.views.common import snapshot_of
from fflab.catalog import get_experiment
from fflab.ff.backprop.snapshot import BackpropSnapshot
from fflab.ff.forward_forward.snapshot import FFSnapshot
from fflab.figures import is_waiting
from tests.training import advance


def trained(name: str, advanced: int, **overrides):
    """A `name` experiment of its default preset with `overrides`, advanced `advanced` times."""
    cls = get_experiment(name)
    exp = cls(cls.resolve_params(cls.default_preset, overrides), seed=0)
    advance(exp, advanced)
    return exp


@pytest.fixture(scope="module")
def ff_snapshot() -> FFSnapshot:
    return trained("ff", 3, hidden=(16, 16), steps=10, eval_every=2).snapshot()


def test_a_run_without_a_snapshot_of_the_kind_reads_none(ff_snapshot):
    assert snapshot_of(None, FFSnapshot) is None
    for before_the_first in ({}, None):  # the runner's value until the first snapshot
        assert snapshot_of(SimpleNamespace(snapshot=before_the_first), FFSnapshot) is None
    run = SimpleNamespace(snapshot=ff_snapshot)
    assert snapshot_of(run, FFSnapshot) is ff_snapshot and snapshot_of(run, BackpropSnapshot) is None
    assert forward_forward.net_snapshot(run) is ff_snapshot


def test_ff_figures_wait_without_a_snapshot_and_draw_from_one(ff_snapshot):
    for draw in (forward_forward._goodness_histogram, forward_forward._examples):
        assert is_waiting(draw(None)) and not is_waiting(draw(ff_snapshot))
    assert is_waiting(forward_forward.confusion_matrix(None))
    assert not is_waiting(forward_forward.confusion_matrix(ff_snapshot.classifier))


def test_bp_snapshot_has_its_weights_and_confusion():
    snapshot = trained("bp", 3, hidden=(16,), steps=10, eval_every=2).snapshot()
    assert forward_forward.net_snapshot(SimpleNamespace(snapshot=snapshot)) is snapshot
    assert snapshot.first_layer_weights.shape[1:] == snapshot.classifier.image_shape
    assert not is_waiting(forward_forward.confusion_matrix(snapshot.classifier))


def test_variant_figures_wait_without_a_snapshot_and_draw_from_one():
    cases = [
        (cwc._class_goodness, trained("cwc", 1, channels=(10, 20), epochs=0.0, steps=2, eval_every=1)),
        (dff._centre_distance, trained("dff", 1, hidden=(16,), epochs=0.0, steps=2, eval_every=1)),
        (scff._pairs, trained("scff", 1, hidden=(16,), epochs=0.0, steps=2)),
    ]
    for draw, exp in cases:
        assert is_waiting(draw(None)), exp.name
        assert not is_waiting(draw(exp.snapshot())), exp.name


def test_race_gallery_waits_without_a_snapshot_and_draws_a_row_per_contestant():
    exp = trained("negatives", 1, strategies=("wrong_label", "masked"), hidden=(16,), steps=3, epochs=0.0)
    strategies = list(exp.strategies)
    assert is_waiting(negatives._gallery(None, strategies))
    fig = negatives._gallery(exp.snapshot(), strategies)
    assert list(fig.layout.yaxis.ticktext) == ["positive", *strategies]


def test_efficiency_curves_become_timed_evaluations():
    assert efficiency._evaluations(None) == {}
    exp = trained("efficiency", 8, width=16, depths=(1,), epochs=0.5, eval_every=2, parallel_steps=0)
    evaluations = efficiency._evaluations(exp.snapshot())
    curve = exp.snapshot().curves["ff"]
    assert evaluations["ff"] == list(zip(curve.seconds, curve.accuracy, curve.samples, strict=True))
    assert len(evaluations["ff"]) > 0
