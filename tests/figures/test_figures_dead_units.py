"""The dead-unit figure of a Forward-Forward run."""

from fflab.figures import UIREVISION, dead_units_figure, is_waiting


def test_one_line_per_layer_in_percent_from_the_evaluation_records(make_ff_records):
    records = make_ff_records(steps=1000, layers=3, eval_every=100)
    for r in records:
        if "test_accuracy" in r:
            r.update({f"dead_fraction.layer{n}": n * 0.25 for n in range(1, 4)})
    fig = dead_units_figure(records)
    assert fig.layout.uirevision == UIREVISION and not is_waiting(fig)
    assert [t.name for t in fig.data] == ["layer 1", "layer 2", "layer 3"]
    assert list(fig.data[0].x) == [float(s) for s in range(100, 1001, 100)]
    assert set(fig.data[1].y) == {50.0} and set(fig.data[2].y) == {75.0}
    assert list(fig.layout.yaxis.range) == [-2, 102] and "%" in fig.layout.yaxis.title.text


def test_waits_until_the_first_evaluation(make_ff_records, make_bp_records):
    assert is_waiting(dead_units_figure([]))
    assert is_waiting(dead_units_figure(make_ff_records(steps=50)))
    assert is_waiting(dead_units_figure(make_bp_records(steps=50)))


def test_a_diverged_value_leaves_a_gap_not_an_error():
    records = [{"step": 1.0, "dead_fraction.layer1": 0.1}, {"step": 2.0, "dead_fraction.layer1": float("nan")}]
    fig = dead_units_figure(records)
    assert fig.data[0].y[0] == 10.0 and fig.data[0].y[1] != fig.data[0].y[1]
