"""CwC-FF's class-goodness matrix figure."""

import numpy as np
import pytest

from fflab.figures import UIREVISION, class_goodness_figure, is_waiting
from fflab.figures.cwc import row_normalised


def goodness_matrices(layers: int = 3, classes: int = 10) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    matrices = []
    for i in range(layers):
        m = rng.uniform(0.5, 1.0, size=(classes, classes))
        m[np.arange(classes), np.arange(classes)] += 1.0 + i  # deeper layers separate the classes more
        matrices.append(m.astype(np.float32))
    return matrices


def test_one_row_normalised_heatmap_per_layer_with_its_accuracy():
    matrices = goodness_matrices()
    fig = class_goodness_figure(matrices, (0.61, 0.874, 0.9912), tuple(str(i) for i in range(10)), images=2000,
                                step=300)
    assert fig.layout.uirevision == UIREVISION and not is_waiting(fig)
    assert [t.type for t in fig.data] == ["heatmap"] * 3
    assert [a.text for a in fig.layout.annotations] == ["layer 1 · 61.0%", "layer 2 · 87.4%", "layer 3 · 99.1%"]
    assert "2000 held-out images, step 300" in fig.layout.title.text
    for trace, raw in zip(fig.data, matrices, strict=True):
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
    "matrices",
    [None, [], [np.ones((3, 4))], [np.ones((3, 3)), np.ones((4, 4))], "nonsense"],
)
def test_waits_for_a_readable_matrix(matrices):
    assert is_waiting(class_goodness_figure(matrices))


def test_missing_accuracy_and_long_class_names():
    fig = class_goodness_figure(goodness_matrices(layers=1, classes=3), names=("T-shirt/top", "Trouser", "Pullover"))
    assert fig.layout.annotations[0].text == "layer 1"
    assert list(fig.data[0].y) == ["T-shirt/top", "Trouser", "Pullover"] and list(fig.data[0].x) == ["0", "1", "2"]
