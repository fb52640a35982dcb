"""Figures of `ff-text`: validation nats per character against its references, and the candidate goodness."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from fflab.figures.common import BACKPROP, CHANCE, FF, PALETTE, figure, waiting_figure
from fflab.figures.records import series

# Published or well-known validation figures on Tiny Shakespeare, nats per character.
REFERENCES = {
    "nanoGPT CPU config (4×128, 2,000 iterations)": 1.88,
    "nanoGPT shakespeare_char (GPU)": 1.47,
}
NATS_LINES = (  # metric, legend, colour, dash
    ("val_nats_per_char.goodness", "FF, softmax over goodness", FF, "solid"),
    ("val_nats_per_char.softmax", "FF, softmax head", FF, "dot"),
    ("val_nats_per_char.bp", "backprop, same net", BACKPROP, "solid"),
    ("val_nats_per_char.bigram", "bigram counts", PALETTE[2], "dash"),
)


def nats_figure(records: Sequence[dict], vocab_size: int | None, x_key: str = "step") -> go.Figure:
    """Validation cross-entropy per character (lower is better) for FF, its head, backprop and the bigram."""
    title = "Validation nats per character"
    traces = []
    for key, name, colour, dash in NATS_LINES:
        x, y = series(records, key, x_key)
        if x:
            traces.append(go.Scatter(x=x, y=y, name=name, mode="lines+markers",
                                     line=dict(color=colour, dash=dash), marker=dict(size=5)))
    if not traces:
        return waiting_figure(title, "the first validation score comes at the first `eval_every` step")
    shapes, notes = [], []
    lines = dict(REFERENCES)
    if vocab_size:
        lines[f"uniform over {vocab_size} characters"] = math.log(vocab_size)
    for text, value in lines.items():
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, y0=value, y1=value,
                           line=dict(color=CHANCE, dash="dot", width=1)))
        notes.append(dict(text=f"{text}: {value:.2f}", xref="paper", x=0.99, xanchor="right", y=value,
                          yanchor="bottom", showarrow=False, font=dict(size=10, color=CHANCE)))
    return figure(traces, title, x_title="step" if x_key == "step" else x_key, y_title="nats per character",
                  shapes=shapes, annotations=notes)


def candidate_figure(vocab: Sequence[str], probability: np.ndarray, prompt: str, top: int = 20,
                     goodness: np.ndarray | None = None) -> go.Figure:
    """The `top` most likely next characters after `prompt`, by the net's softmax over goodness (each bar's
    goodness in its hover, when given)."""
    title = "What comes next? The net's top candidates"
    if probability is None or len(probability) == 0:
        return waiting_figure(title)
    order = np.argsort(-probability)[:top]
    labels = [_visible(vocab[i]) for i in order]
    hover = "%{x}: %{y:.1%}<extra></extra>"
    extra = {}
    if goodness is not None:
        extra = {"customdata": np.asarray(goodness)[order]}
        hover = "%{x}: %{y:.1%}, goodness %{customdata:.3f}<extra></extra>"
    bars = go.Bar(x=labels, y=probability[order], marker_color=FF, hovertemplate=hover, **extra)
    return figure([bars], f"{title} after “…{_visible(prompt[-24:])}”", y_title="probability",
                  yaxis=dict(tickformat=".0%"), xaxis=dict(type="category"), hovermode="closest")


def _visible(text: str) -> str:
    return text.replace("\n", "⏎").replace(" ", "␣")
