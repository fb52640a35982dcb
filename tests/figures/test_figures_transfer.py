"""Transfer figures: bars per model, published marks, waiting states."""

from __future__ import annotations

from fflab.figures import is_waiting, pretraining_figure, transfer_figure

TRANSFER = {"ff": 0.61, "random": 0.78}  # on the target, by model
SOURCE = {"ff": 0.97, "random": 0.11}


def test_bars_hold_each_finished_model_in_the_chosen_order():
    fig = transfer_figure(TRANSFER, SOURCE, ["random", "bp", "ff"], chance=0.1)
    target, source = fig.data[0], fig.data[1]
    assert list(target.x) == ["random", "ff"]  # bp has not finished: no bar yet
    assert list(target.y) == [0.78, 0.61]
    assert list(source.y) == [0.11, 0.97]
    assert fig.layout.shapes[0].y0 == 0.1


def test_published_marks_only_for_models_shown():
    fig = transfer_figure(TRANSFER, SOURCE, ["ff", "random"], published={"ff": 0.54, "cwc": 0.89})
    published = [t for t in fig.data if t.name == "published (target)"][0]
    assert list(published.x) == ["ff"] and list(published.y) == [0.54]


def test_waiting_until_a_model_finishes_says_which_is_training():
    fig = transfer_figure({}, {}, ["ff"], current="ff")
    assert is_waiting(fig)
    assert "pretraining ff" in fig.layout.annotations[0].text


def test_pretraining_curves_one_line_per_model():
    records = [{"step": 1.0, "pretrain_loss.ff": 3.0}, {"step": 2.0, "pretrain_loss.ff": 2.0},
               {"step": 3.0, "pretrain_loss.bp": 1.0}]
    fig = pretraining_figure(records, ["ff", "bp", "random"])
    assert [t.name for t in fig.data] == ["ff", "bp"]
    assert list(fig.data[0].y) == [3.0, 2.0]
    assert is_waiting(pretraining_figure([], ["ff"]))
