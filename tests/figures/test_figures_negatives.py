"""Figures of the negative-strategy race: curves per strategy over seeds, final bars, ranking, gallery."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import pytest

from fflab.ff.snapshot import ExampleBatch
from fflab.figures import (
    UIREVISION,
    final_accuracy_figure,
    is_waiting,
    negatives_gallery_figure,
    race_accuracy_figure,
    race_loss_figure,
    race_ranking,
    separation_figure,
    strategy_colour,
    strategy_curves,
)
from fflab.figures.negatives_gallery import GAP

THREE = ["wrong_label", "masked", "hybrid_mix"]


def race_records(strategies=THREE, steps=20, seeds=1, eval_every=5, first_seed=0) -> list[dict]:
    """Records shaped like the race logs: strategy k's accuracy is 0.5 - k/10 + seed/100."""
    records = []
    for s in range(seeds):
        for local in range(1, steps + 1):
            r = {"step": float(s * steps + local), "seed": float(first_seed + s), "seed_step": float(local),
                 "elapsed_s": 0.01 * (s * steps + local), "samples": 50.0 * (s * steps + local)}
            for k, name in enumerate(strategies):
                r[f"loss.{name}"] = 1.0 / local + k
                r[f"separation.{name}"] = local * (k + 1) / steps
                if local % eval_every == 0 or local == steps:
                    r[f"test_accuracy.{name}"] = 0.5 - k / 10 + s / 100
            records.append(r)
    return records


def legend_names(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data if t.showlegend is not False]


def example(rng, n=8, shape=(8, 8), label_offset=1) -> ExampleBatch:
    labels = tuple(range(n))
    return ExampleBatch(rng.random((n, *shape)).astype(np.float32), labels, rng.random((n, *shape)).astype(np.float32),
                        tuple((y + label_offset) % 10 for y in labels))


def gallery(examples: dict[str, ExampleBatch], strategies, image_shape=None, **kw) -> go.Figure:
    """The gallery the race view draws: the first contestant's positives on top (they all share them)."""
    batches = {s: examples[s] for s in strategies if s in examples}
    first = next(iter(batches.values()), None)
    return negatives_gallery_figure(first.positive_images if first else None, first.positive_labels if first else None,
                                    {s: b.negative_images for s, b in batches.items()},
                                    {s: b.negative_labels for s, b in batches.items()}, strategies, image_shape, **kw)


# -- curves ----------------------------------------------------------------------------------
def test_curves_follow_the_step_within_the_seed_and_average_over_seeds():
    records = race_records(steps=10, seeds=3, eval_every=5)
    curves = strategy_curves(records, "test_accuracy", THREE)
    masked = curves["masked"]
    assert masked.x == [5.0, 10.0] and masked.seeds == [3, 3]
    assert masked.mean[0] == pytest.approx(0.4 + 0.01)  # seeds add 0, 0.01, 0.02
    assert masked.std[0] == pytest.approx(0.01)  # the sample std of (0, 0.01, 0.02)
    assert masked.has_spread


def test_curves_of_a_seed_still_running_count_only_the_seeds_that_got_there():
    records = race_records(steps=10, seeds=2, eval_every=5)[:-5]  # the second seed is at step 5
    curve = strategy_curves(records, "test_accuracy", ["wrong_label"])["wrong_label"]
    assert curve.seeds == [2, 1]
    assert curve.mean == pytest.approx([0.505, 0.5]) and math.isnan(curve.std[1])


def test_curves_keep_nan_as_a_gap_skip_silent_strategies_and_fall_back_to_step():
    records = [{"step": 1.0, "separation.masked": 0.2}, {"step": 2.0, "separation.masked": math.inf}]
    curves = strategy_curves(records, "separation", ["masked", "wrong_label"])
    assert list(curves) == ["masked"]
    assert curves["masked"].x == [1.0, 2.0] and math.isnan(curves["masked"].mean[1])


def test_curves_are_downsampled_keeping_the_last_step():
    curve = strategy_curves(race_records(steps=3000, eval_every=1), "loss", ["masked"], max_points=100)["masked"]
    assert len(curve.x) == 100 and curve.x[-1] == 3000.0


# -- accuracy, separation, loss -------------------------------------------------------------------
def test_accuracy_draws_one_legend_entry_per_strategy_in_its_own_colour():
    fig = race_accuracy_figure(race_records(), THREE, chance=0.1)
    assert fig.layout.uirevision == UIREVISION
    assert legend_names(fig) == THREE and len(fig.data) == 3  # one seed: no bands
    # nine strategies wrap into rows: below the plot they cannot cover the title or plotly's toolbar
    assert fig.layout.legend.y < 0 and fig.layout.legend.yanchor == "top"
    assert [t.line.color for t in fig.data] == [strategy_colour(s) for s in THREE]
    assert len({t.line.color for t in fig.data}) == 3
    assert list(fig.data[1].x) == [5.0, 10.0, 15.0, 20.0] and fig.data[1].y[0] == pytest.approx(0.4)
    assert fig.layout.yaxis.tickformat == ".0%" and fig.layout.shapes[0].y0 == 0.1
    # a strategy keeps its colour when others race beside it
    alone = race_accuracy_figure(race_records(strategies=["masked"]), ["masked"])
    assert alone.data[0].line.color == fig.data[1].line.color


def test_accuracy_over_seeds_adds_a_band_per_strategy_outside_the_legend():
    fig = race_accuracy_figure(race_records(seeds=2), THREE)
    bands = [t for t in fig.data if t.fill == "toself"]
    assert len(bands) == 3 and all(t.showlegend is False for t in bands)
    assert legend_names(fig) == THREE
    assert "mean ± std over seeds" in fig.layout.xaxis.title.text


def test_separation_and_loss_have_one_line_per_strategy_and_wait_without_steps():
    records = race_records(steps=10)
    separation = separation_figure(records, THREE)
    assert legend_names(separation) == THREE and separation.layout.shapes[0].y0 == 0  # the zero line
    assert separation.data[2].y[-1] == pytest.approx(3.0)
    assert legend_names(race_loss_figure(records, THREE)) == THREE
    for builder in (race_accuracy_figure, separation_figure, race_loss_figure):
        fig = builder([], THREE)
        assert is_waiting(fig) and fig.layout.title.text
    assert is_waiting(race_accuracy_figure([{"step": 1.0, "loss.masked": 1.0}], ["masked"]))


# -- final comparison --------------------------------------------------------------------------
def test_final_bars_sort_by_mean_with_std_seed_dots_and_published_marks():
    per_seed = {"masked": [0.3, 0.5], "wrong_label": [0.9, 0.92], "hard_label": [0.95, 0.97]}
    fig = final_accuracy_figure(per_seed, ["wrong_label", "masked", "hard_label"],
                                published={"wrong_label": 0.945, "masked": 0.3097, "class_confusion": 0.92})
    bars, dots, published = fig.data
    assert list(bars.x) == ["hard_label", "wrong_label", "masked"]
    assert bars.y == pytest.approx((0.96, 0.91, 0.4))
    assert bars.error_y.array[2] == pytest.approx(np.std([0.3, 0.5], ddof=1))
    assert len(dots.x) == 6
    assert list(published.x) == ["wrong_label", "masked"]  # class_confusion did not race


def test_final_bars_of_one_seed_have_no_dots_and_wait_for_a_finished_seed():
    fig = final_accuracy_figure({"masked": [0.3]}, ["masked"])
    assert [t.type for t in fig.data] == ["bar"] and not fig.data[0].error_y.visible
    assert is_waiting(final_accuracy_figure({}, THREE))
    assert is_waiting(final_accuracy_figure({"masked": [math.nan]}, ["masked"]))


# -- ranking ---------------------------------------------------------------------------------------
def test_live_ranking_reads_the_current_seed_best_first():
    rows = race_ranking(race_records(steps=10), THREE)
    assert [r.strategy for r in rows] == THREE
    assert rows[0].accuracy == pytest.approx(0.5) and rows[0].gap is None
    assert rows[2].gap == pytest.approx(0.2) and rows[2].within_spread is None  # no spread with one seed
    assert rows[1].separation == pytest.approx(2.0) and rows[1].loss == pytest.approx(1.1)
    assert rows[0].std is None


def test_live_ranking_forgets_the_previous_seed_until_the_new_one_evaluates():
    records = race_records(steps=10, seeds=2)[:-7]  # seed 1 at step 3: no evaluation yet
    seed_results = [{"wrong_label": 0.5, "masked": 0.4, "hybrid_mix": 0.3}]
    rows = race_ranking(records, THREE, seed_results=seed_results)
    assert all(r.accuracy is None and r.std is None for r in rows)


def test_final_ranking_uses_the_mean_and_std_and_marks_gaps_within_the_spread():
    final = {"test_accuracy.wrong_label": 0.90, "test_accuracy_std.wrong_label": 0.02,
             "test_accuracy.masked": 0.89, "test_accuracy_std.masked": 0.01,
             "test_accuracy.hybrid_mix": 0.70, "test_accuracy_std.hybrid_mix": 0.03}
    rows = race_ranking(race_records(), THREE, final=final)
    assert [r.strategy for r in rows] == THREE and rows[0].std == 0.02
    assert rows[1].within_spread is True and rows[2].within_spread is False


def test_ranking_puts_unscored_and_nan_contestants_last():
    final = {"test_accuracy.wrong_label": math.nan, "test_accuracy.masked": 0.2}
    rows = race_ranking([], ["wrong_label", "masked", "hybrid_mix"], final=final)
    assert rows[0].strategy == "masked" and rows[1].gap is None and rows[2].accuracy is None


# -- gallery -----------------------------------------------------------------------------------------
def test_gallery_puts_the_shared_positives_on_top_and_a_row_per_strategy():
    rng = np.random.default_rng(0)
    examples = {name: example(rng, label_offset=k + 1) for k, name in enumerate(THREE)}
    examples["masked"] = replace(examples["masked"], positive_images=examples["wrong_label"].positive_images)
    fig = gallery(examples, THREE, max_examples=4)
    assert len(fig.data) == 1 and fig.data[0].type == "heatmap"
    z = np.asarray(fig.data[0].z)
    assert z.shape == (4 * 9 - 1, 4 * 9 - 1) and z.dtype == np.uint8
    positives = examples["wrong_label"].positive_images[:4]
    low, high = positives.min(), positives.max()

    def grey(image):  # the positives' range spread over 0..254
        return np.clip((image - low) / (high - low), 0, 1) * 254

    np.testing.assert_allclose(z[:8, :8], grey(positives[0]), atol=0.51)
    np.testing.assert_allclose(z[27:, 9:17], grey(examples["hybrid_mix"].negative_images[1]), atol=0.51)
    assert (z[8, :] == GAP).all() and (z[:, 8] == GAP).all()
    assert (z[z != GAP] <= 254).all() and z.min() == 0
    assert list(fig.layout.yaxis.ticktext) == ["positive", *THREE]
    labels = [a.text for a in fig.layout.annotations]
    assert labels[:4] == ["0", "1", "2", "3"] and labels[4:8] == ["1", "2", "3", "4"]  # wrong_label: y + 1
    assert labels[12:] == ["3", "4", "5", "6"]  # hybrid_mix: y + 3
    assert len({a.bgcolor for a in fig.layout.annotations[:4]} | {a.bgcolor for a in fig.layout.annotations[4:]}) == 2


def test_gallery_skips_strategies_without_examples_reshapes_flat_images_and_waits():
    rng = np.random.default_rng(1)
    batch = example(rng)
    flat = replace(batch, positive_images=batch.positive_images.reshape(8, -1),
                   negative_images=batch.negative_images.reshape(8, -1))
    fig = gallery({"masked": flat}, THREE, image_shape=(8, 8))
    assert list(fig.layout.yaxis.ticktext) == ["positive", "masked"]
    assert is_waiting(gallery({}, THREE))
    assert is_waiting(negatives_gallery_figure(None, None, {}, {}, THREE))
    assert is_waiting(negatives_gallery_figure(batch.positive_images, batch.positive_labels, {}, {}, THREE))


def test_gallery_of_nine_mnist_strategies_stays_small_enough_to_redraw():
    rng = np.random.default_rng(2)
    names = [f"s{i}" for i in range(9)]
    fig = gallery({n: example(rng, shape=(28, 28)) for n in names}, names)
    assert len(fig.to_json()) < 1_000_000
