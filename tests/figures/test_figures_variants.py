"""CwC-FF's class-goodness matrix figure."""

import numpy as np
import pytest

from fflab.figures import UIREVISION, class_goodness_figure, is_waiting
from fflab.figures.cwc import row_normalised


def cwc_snapshot(layers: int = 3, classes: int = 10) -> dict:
    rng = np.random.default_rng(0)
    matrices = []
    for i in range(layers):
        m = rng.uniform(0.5, 1.0, size=(classes, classes))
        m[np.arange(classes), np.arange(classes)] += 1.0 + i  # deeper layers separate the classes more
        matrices.append(m.astype(np.float32))
    return {
        "class_goodness": matrices,
        "layer_accuracy": [0.61, 0.874, 0.9912][:layers],
        "class_names": [str(i) for i in range(classes)],
        "images": 2000,
        "class_goodness_step": 300,
    }


def test_one_row_normalised_heatmap_per_layer_with_its_accuracy():
    snap = cwc_snapshot()
    fig = class_goodness_figure(snap)
    assert fig.layout.uirevision == UIREVISION and not is_waiting(fig)
    assert [t.type for t in fig.data] == ["heatmap"] * 3
    assert [a.text for a in fig.layout.annotations] == ["layer 1 · 61.0%", "layer 2 · 87.4%", "layer 3 · 99.1%"]
    assert "2000 held-out images, step 300" in fig.layout.title.text
    for trace, raw in zip(fig.data, snap["class_goodness"], strict=True):
        z = np.asarray(trace.z, dtype=float)
        assert np.allclose(z.max(axis=1), 1.0)
        assert np.allclose(np.diag(z), 1.0)  # the diagonal wins every row here
        assert np.allclose(z * raw.max(axis=1, keepdims=True), raw, rtol=1e-5)
        assert float(np.asarray(trace.customdata)[2, 3, 0]) == pytest.approx(float(raw[2, 3]))  # hover: raw value
    assert [t.showscale for t in fig.data] == [False, False, True]
    assert fig.layout.xaxis2.anchor == "y2" and fig.layout.yaxis.autorange == "reversed"


def test_row_normalised_keeps_missing_classes_blank():
    m = np.array([[2.0, 1.0], [np.nan, np.nan]])
    out = row_normalised(m)
    assert out[0].tolist() == [1.0, 0.5] and np.isnan(out[1]).all()


@pytest.mark.parametrize(
    "snapshot",
    [None, {}, {"class_goodness": []}, {"class_goodness": [np.ones((3, 4))]},
     {"class_goodness": [np.ones((3, 3)), np.ones((4, 4))]}, {"class_goodness": "nonsense"}],
)
def test_waits_for_a_readable_matrix(snapshot):
    assert is_waiting(class_goodness_figure(snapshot))


def test_missing_accuracy_and_long_class_names():
    snap = cwc_snapshot(layers=1, classes=3)
    snap["class_names"] = ["T-shirt/top", "Trouser", "Pullover"]
    del snap["layer_accuracy"]
    fig = class_goodness_figure(snap)
    assert fig.layout.annotations[0].text == "layer 1"
    assert list(fig.data[0].y) == ["T-shirt/top", "Trouser", "Pullover"] and list(fig.data[0].x) == ["0", "1", "2"]
