"""The negative-strategy race: one curve per strategy (mean and spread over seeds), final bars, the ranking.

The race logs `<metric>.<strategy>` keys (`test_accuracy`, `separation`, `loss`) with the step
within the current seed (`seed_step`) and the seed. Curves are aligned on `seed_step`, so with
several seeds each point is the mean over the seeds that have reached that step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from fflab.figures.common import CHANCE, PALETTE, THRESHOLD, figure, waiting_figure
from fflab.figures.records import MAX_POINTS, evenly, latest
from fflab.metric_names import metric

# Each strategy keeps its colour whichever others race beside it.
STRATEGY_COLOURS = {
    "wrong_label": "#1f77b4", "random_label": "#17becf", "class_confusion": "#2ca02c",
    "same_class_diff_img": "#bcbd22", "hybrid_mix": "#9467bd", "noise_augmented": "#8c564b",
    "masked": "#d62728", "hinton_hybrid": "#ff7f0e", "hard_label": "#e377c2",
}
PUBLISHED = "#444444"


def strategy_colour(name: str, index: int = 0) -> str:
    return STRATEGY_COLOURS.get(name, PALETTE[index % len(PALETTE)])


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _finite(value: Any) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


@dataclass
class Curve:
    """One strategy's metric against the step within a seed: the mean over seeds, their std and count."""

    x: list[float]
    mean: list[float]
    std: list[float]  # NaN where fewer than two seeds reached the step
    seeds: list[int]

    @property
    def has_spread(self) -> bool:
        return any(n > 1 for n in self.seeds)


def strategy_curves(
    records: Sequence[dict], base: str, strategies: Sequence[str], max_points: int = MAX_POINTS
) -> dict[str, Curve]:
    """`<base>.<strategy>` per strategy, grouped by the step within each seed (`seed_step`, else `step`).

    A non-finite value (a diverged contestant) makes that step's mean NaN: a gap in the line.
    Strategies with no value yet are left out.
    """
    x_key = "seed_step" if any("seed_step" in r for r in records) else "step"
    curves: dict[str, Curve] = {}
    for name in strategies:
        key = metric(base, name)
        by_step: dict[float, list[float]] = {}
        for r in records:
            if key in r and _finite(r.get(x_key)):
                value = float(r[key]) if _finite(r[key]) else math.nan
                by_step.setdefault(float(r[x_key]), []).append(value)
        if not by_step:
            continue
        points = []
        for x in sorted(by_step):
            values = np.asarray(by_step[x], dtype=float)
            std = float(values.std(ddof=1)) if len(values) > 1 else math.nan
            points.append((x, float(values.mean()), std, len(values)))
        points = evenly(points, max_points)
        curves[name] = Curve(*(list(column) for column in zip(*points, strict=True)))
    return curves


def _curve_traces(curves: Mapping[str, Curve], strategies: Sequence[str], fmt: str) -> list[dict]:
    traces = []
    for i, name in enumerate(strategies):
        curve = curves.get(name)
        if curve is None:
            continue
        colour = strategy_colour(name, i)
        if curve.has_spread:  # mean ± std as a band, drawn first so the line sits on top
            std = [s if _finite(s) else 0.0 for s in curve.std]
            upper = [m + s for m, s in zip(curve.mean, std, strict=True)]
            lower = [m - s for m, s in zip(curve.mean, std, strict=True)]
            traces.append(dict(type="scatter", x=curve.x + curve.x[::-1], y=upper + lower[::-1], fill="toself",
                               fillcolor=_rgba(colour, 0.15), line=dict(width=0), hoverinfo="skip",
                               showlegend=False, legendgroup=name, name=f"{name} ± std"))
        traces.append(dict(
            type="scatter", x=curve.x, y=curve.mean, name=name, legendgroup=name,
            mode="lines+markers" if len(curve.x) <= 60 else "lines",
            line=dict(color=colour, width=2), marker=dict(size=4, color=colour), customdata=curve.seeds,
            hovertemplate=f"{name}: %{{y:{fmt}}}" + (" (mean of %{customdata} seeds)" if curve.has_spread else "")
            + "<extra></extra>",
        ))
    return traces


def _step_title(curves: Mapping[str, Curve]) -> str:
    several = any(c.has_spread for c in curves.values())
    return "training step within each seed (mean ± std over seeds)" if several else "training step (batches)"


def race_accuracy_figure(records: Sequence[dict], strategies: Sequence[str], chance: float | None = None) -> go.Figure:
    """Held-out test accuracy of every contestant against the step: one line per strategy."""
    title = "Test accuracy per strategy"
    curves = strategy_curves(records, "test_accuracy", strategies)
    if not curves:
        return waiting_figure(title, "no evaluation yet")
    shapes, notes = [], []
    if _finite(chance):
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=chance, y1=chance,
                           line=dict(color=CHANCE, dash="dash", width=1.5)))
        notes.append(dict(text="chance", xref="paper", x=1, xanchor="right", yref="y", y=chance, yanchor="bottom",
                          showarrow=False, font=dict(color=CHANCE, size=12)))
    return figure(_curve_traces(curves, strategies, ".1%"), title, _step_title(curves), "test accuracy",
                  height=380, yaxis=dict(range=[0, 1], tickformat=".0%"), shapes=shapes, annotations=notes)


def separation_figure(records: Sequence[dict], strategies: Sequence[str]) -> go.Figure:
    """Mean goodness of positives minus negatives on each training batch (averaged over layers)."""
    title = "Goodness separation: positive minus negative"
    curves = strategy_curves(records, "separation", strategies)
    if not curves:
        return waiting_figure(title, "no training step yet")
    zero = dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=0, y1=0,
                line=dict(color=THRESHOLD, dash="dot", width=1))
    return figure(_curve_traces(curves, strategies, ".3g"), title, _step_title(curves),
                  "goodness(pos) − goodness(neg)", height=380, shapes=[zero])


def race_loss_figure(records: Sequence[dict], strategies: Sequence[str]) -> go.Figure:
    """Each contestant's Forward-Forward loss on its training batch, summed over layers."""
    title = "Loss per strategy (summed over layers)"
    curves = strategy_curves(records, "loss", strategies)
    if not curves:
        return waiting_figure(title, "no training step yet")
    return figure(_curve_traces(curves, strategies, ".3g"), title, _step_title(curves), "loss", height=380)


def final_accuracy_figure(
    per_seed: Mapping[str, Sequence[float]],
    strategies: Sequence[str],
    published: Mapping[str, float] | None = None,
    chance: float | None = None,
) -> go.Figure:
    """Full-test accuracy per strategy: a bar at the mean over seeds (± std), a dot per seed, and
    the published figure (a diamond) where one is given."""
    title = "Final test accuracy (full test set)"
    names = [s for s in strategies if any(_finite(v) for v in per_seed.get(s, ()))]
    if not names:
        return waiting_figure(title, "no seed has finished yet")
    values = {s: [float(v) for v in per_seed[s] if _finite(v)] for s in names}
    names.sort(key=lambda s: -float(np.mean(values[s])))
    means = [float(np.mean(values[s])) for s in names]
    stds = [float(np.std(values[s], ddof=1)) if len(values[s]) > 1 else 0.0 for s in names]
    colours = [strategy_colour(s, strategies.index(s)) for s in names]
    traces: list[dict] = [dict(
        type="bar", x=names, y=means, name="mean over seeds", marker=dict(color=colours),
        error_y=dict(type="data", array=stds, visible=any(stds)), customdata=stds,
        hovertemplate="%{x}: %{y:.2%} ± %{customdata:.2%}<extra></extra>",
    )]
    dots_x = [s for s in names for _ in values[s]]
    dots_y = [v for s in names for v in values[s]]
    if max(len(v) for v in values.values()) > 1:
        traces.append(dict(type="scatter", x=dots_x, y=dots_y, mode="markers", name="one seed",
                           marker=dict(color="#222222", size=6, symbol="circle-open"),
                           hovertemplate="%{x}, one seed: %{y:.2%}<extra></extra>"))
    shown = {s: float(v) for s, v in (published or {}).items() if s in names and _finite(v)}
    if shown:
        traces.append(dict(type="scatter", x=list(shown), y=list(shown.values()), mode="markers", name="published",
                           marker=dict(color=PUBLISHED, size=11, symbol="diamond"),
                           hovertemplate="%{x}, published: %{y:.2%}<extra></extra>"))
    shapes = []
    if _finite(chance):
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=chance, y1=chance,
                           line=dict(color=CHANCE, dash="dash", width=1.5)))
    return figure(traces, title, None, "test accuracy", height=380, hovermode="closest", shapes=shapes,
                  yaxis=dict(range=[0, 1], tickformat=".0%"), xaxis=dict(type="category"))


# -- the ranking ------------------------------------------------------------------------------
@dataclass
class RankingRow:
    strategy: str
    accuracy: float | None
    std: float | None  # over seeds; None when fewer than two seeds are in
    separation: float | None
    loss: float | None
    gap: float | None = None  # the leader's accuracy minus this one's
    within_spread: bool | None = None  # gap smaller than the larger seed std of the two


def _latest_in_seed(records: Sequence[dict], key: str, seed: float | None) -> float | None:
    if seed is None:
        return latest(records, key)
    for r in reversed(records):
        if r.get("seed") != seed:
            return None  # this seed has not logged it yet
        if key in r and r[key] is not None:
            return float(r[key])
    return None


def race_ranking(
    records: Sequence[dict],
    strategies: Sequence[str],
    final: Mapping[str, float] | None = None,
    seed_results: Sequence[Mapping[str, float]] = (),
) -> list[RankingRow]:
    """The contestants best first.

    With `final` (an ended race's final metrics): its full-test accuracy, mean over seeds, and
    std. Otherwise: the latest held-out accuracy within the current seed, and the std over the
    seeds already finished (`seed_results`, two or more). Unscored or NaN contestants rank last.
    """
    seed = latest(records, "seed")
    rows = []
    for name in strategies:
        if final and metric("test_accuracy", name) in final:
            accuracy = final[metric("test_accuracy", name)]
            std = final.get(metric("test_accuracy_std", name))
        else:
            accuracy = _latest_in_seed(records, metric("test_accuracy", name), seed)
            done = [r[name] for r in seed_results if name in r]
            std = float(np.std(done, ddof=1)) if len(done) > 1 else None
        rows.append(RankingRow(name, accuracy, std if _finite(std) else None,
                               latest(records, metric("separation", name)), latest(records, metric("loss", name))))
    rows.sort(key=lambda row: -row.accuracy if _finite(row.accuracy) else math.inf)
    if rows and _finite(rows[0].accuracy):
        leader = rows[0]
        for row in rows[1:]:
            if _finite(row.accuracy):
                row.gap = leader.accuracy - row.accuracy
                if leader.std is not None and row.std is not None:
                    row.within_spread = row.gap < max(leader.std, row.std)
    return rows
