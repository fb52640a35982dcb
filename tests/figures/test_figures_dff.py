"""Distance-Forward's figures: the class × centre distance matrices and the margin per layer."""

import numpy as np

from fflab.figures import UIREVISION, centre_distance_figure, centre_margin_figure, is_waiting


def distance_matrices(layers: int = 2, classes: int = 10) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    matrices = []
    for i in range(layers):
        m = rng.uniform(1.0, 2.0, size=(classes, classes)) * (i + 1)  # deeper layers on a larger scale
        m[np.arange(classes), np.arange(classes)] = 0.2 * (i + 1)  # each class nearest its own centre
        matrices.append(m.astype(np.float32))
    return matrices


NAMES = tuple(str(i) for i in range(10))


def test_one_heatmap_per_layer_with_raw_distances_and_its_own_colour_range():
    matrices = distance_matrices()
    fig = centre_distance_figure(matrices, (0.912, 0.9555), NAMES, images=500, step=120)
    assert fig.layout.uirevision == UIREVISION and not is_waiting(fig)
    assert [t.type for t in fig.data] == ["heatmap", "heatmap"]
    assert [a.text for a in fig.layout.annotations] == ["layer 1 · 91.2%", "layer 2 · 95.5%"]
    assert "500 held-out images, step 120" in fig.layout.title.text
    for trace, raw in zip(fig.data, matrices, strict=True):
        z = np.asarray(trace.z, dtype=float)
        assert np.allclose(z, raw)
        assert (trace.zmin, trace.zmax) == (float(raw.min()), float(raw.max()))
        assert trace.colorscale[0][1] != trace.colorscale[-1][1]
    assert fig.data[1].zmax > fig.data[0].zmax
    assert fig.data[0].customdata[2][3] == "true 2, centre 3"
    assert fig.layout.xaxis2.anchor == "y2" and fig.layout.yaxis.autorange == "reversed"


def test_a_missing_class_leaves_a_gap_and_odd_input_waits():
    matrices = distance_matrices(layers=1)
    matrices[0][4] = np.nan  # no held-out image of class 4
    fig = centre_distance_figure(matrices, (0.912,), NAMES, images=500, step=120)
    assert not is_waiting(fig) and np.isnan(np.asarray(fig.data[0].z, dtype=float)[4]).all()
    assert fig.data[0].zmin == float(np.nanmin(matrices[0]))
    for bad in (None, [], [np.zeros((3, 4))], [np.zeros((3, 3)), np.zeros((4, 4))], "nonsense"):
        assert is_waiting(centre_distance_figure(bad))


def test_margin_figure_draws_true_and_nearest_rival_per_layer():
    records = [{"step": float(i), "distance_true.layer1": 1.0 - i / 20, "distance_rival.layer1": 1.0 + i / 20,
                "distance_true.layer2": 1.2, "distance_rival.layer2": 1.3} for i in range(1, 11)]
    fig = centre_margin_figure(records)
    assert [t.name for t in fig.data] == ["layer 1: own centre", "layer 1: nearest rival",
                                          "layer 2: own centre", "layer 2: nearest rival"]
    assert [t.line.dash for t in fig.data] == ["solid", "dash"] * 2
    assert fig.data[0].line.color == fig.data[1].line.color != fig.data[2].line.color
    assert list(fig.data[1].y)[-1] == 1.5
    assert is_waiting(centre_margin_figure([])) and is_waiting(centre_margin_figure([{"step": 1.0, "loss": 2.0}]))
