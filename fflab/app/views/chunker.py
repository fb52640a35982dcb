"""Live views of the history-compression experiments: `chunker-22` and `chunker-deep`.

Each draws metric tiles, the surprise stream of a fixed test stream (A's probability of every actual symbol,
the threshold, the surprises that make up C's input), the training curves, then tabs drawn only when open.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import plotly.graph_objects as go
import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, is_open, pct
from fflab.chunker.chunker22 import Chunker22Snapshot
from fflab.chunker.deep import ChunkerDeepSnapshot
from fflab.chunker.streams import BLOCK_LEN
from fflab.figures.chunker import AUTOMATIZER, BASELINE, CHUNKER
from fflab.runner import Run

Snapshot = TypeVar("Snapshot", Chunker22Snapshot, ChunkerDeepSnapshot)

RECENT = 20  # steps in the running mean shown while a run goes


def _recent_mean(records: Sequence[dict], key: str) -> float | None:
    values = [r[key] for r in records[-RECENT:] if key in r]
    return sum(values) / len(values) if values else None


def _main(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState,
          kind: type[Snapshot]) -> tuple[Run | None, list[dict], Snapshot | None]:
    """The page's run, its records and its latest snapshot if it is a `kind` (None before the first one)."""
    run = runs.get(lab.experiment)
    snap = run.snapshot if run is not None else None
    return run, records.get(lab.experiment, []), snap if isinstance(snap, kind) else None


def _value(run: Run, records: Sequence[dict], key: str) -> float | None:
    """The final metric once the run has ended, else the running mean of the latest steps."""
    final = run.final_metrics if run.status.terminal else {}
    return final.get(key, _recent_mean(records, key))


def _where(run: Run, fresh: str) -> str:
    return fresh if run.status.terminal and run.final_metrics else f"running mean of the last {RECENT} training steps"


def chunker22_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    """Tiles, the surprise stream, label accuracy of both systems, C's stream length, the raster and losses."""
    run, recs, snap = _main(runs, records, lab, Chunker22Snapshot)
    if run is None:
        return
    where = _where(run, "on fresh test blocks, after training")
    cols = st.columns(4)
    cols[0].metric("Label accuracy, chunker", pct(_value(run, recs, "label_accuracy")),
                   help=f"Share of blocks whose first symbol C names right at the block's end ({where}).")
    cols[1].metric("Label accuracy, single net", pct(_value(run, recs, "label_accuracy_single")),
                   help=f"The same for one Elman net trained with BPTT within the block ({where}). Chance: 50%.")
    surprises = _value(run, recs, "surprises_per_block")
    cols[2].metric("Surprises per block", "–" if surprises is None else f"{surprises:.2f}",
                   help=f"Symbols per 21-symbol block that A failed to predict: C's whole input ({where}).")
    cols[3].metric("A's next-symbol accuracy", pct(_value(run, recs, "next_accuracy")),
                   help=f"Share of next symbols A gets right; the block's first (a or x) is a coin flip ({where}).")
    chart(_blocks_stream_figure(snap), "chunker22-stream")
    st.caption(_labels_caption(snap))
    left, right = st.columns(2)
    with left:
        chart(figs.paired_accuracy_figure(recs, [("label_accuracy", "chunker (A + C)", CHUNKER),
                                                 ("label_accuracy_single", "single net", BASELINE)],
                                          "Label accuracy (training blocks)"), "chunker22-accuracy")
    with right:
        chart(figs.compressed_length_figure(recs, "surprises_per_block", BLOCK_LEN, "C's stream: symbols per block"),
              "chunker22-compressed")
    raster, losses = st.tabs(["Surprise raster", "Losses"], key="chunker22-tabs", on_change="rerun")
    if is_open(raster):
        with raster:
            chart(figs.surprise_raster_figure(snap.raster if snap else None, snap.raster_blocks if snap else None,
                                              snap.symbol_names if snap else None), "chunker22-raster")
            st.caption("Each column is a training block; red marks the positions where A was surprised (the share "
                       "of the parallel streams). At first every position is; then only the block's first symbol, "
                       "which no predictor can know.")
    if is_open(losses):
        with losses:
            chart(figs.net_losses_figure(recs, [("loss_a", "A: next symbol", AUTOMATIZER),
                                                ("loss_c", "C: next surprise + label", CHUNKER),
                                                ("loss_single", "single net: both", BASELINE)]), "chunker22-losses", log_toggle=True)
            st.caption("C's loss cannot fall below ln 2 ≈ 0.69: its next input is a or x at random.")


def _blocks_stream_figure(snap: Chunker22Snapshot | None) -> go.Figure:
    if snap is None:
        return figs.surprise_stream_figure(None, None)
    return figs.surprise_stream_figure(snap.stream, snap.p_actual, snap.surprises, snap.threshold, snap.symbol_names,
                                       snap.block_len)


def _labels_caption(snap: Chunker22Snapshot | None) -> str:
    if snap is None:
        return "A fixed test stream, traced with the latest weights."
    labels, chunker, single = snap.labels, snap.label_prob, snap.label_prob_single
    right_c = sum((p > 0.5) == (y > 0.5) for p, y in zip(chunker, labels, strict=True))
    right_s = sum((p > 0.5) == (y > 0.5) for p, y in zip(single, labels, strict=True))
    return (f"A fixed test stream of {len(labels)} blocks (red a, blue x, grey b1..b20), traced with the latest "
            f"weights. At each block's end, C named its first symbol right in {right_c} of {len(labels)} blocks, "
            f"the single net in {right_s}. Crosses: the surprises, all C ever sees.")


def deep_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    """Tiles, the compressed stream of a test sequence, recall accuracy and losses, gradient by depth."""
    run, recs, snap = _main(runs, records, lab, ChunkerDeepSnapshot)
    if run is None:
        return
    where = _where(run, "on fresh test sequences, after training")
    cols = st.columns(4)
    cols[0].metric("Trigger recall, chunker", pct(_value(run, recs, "trigger_accuracy")),
                   help=f"Share of sequences where C's prediction for the last symbol picks the right trigger, "
                        f"A or B ({where}). Chance: 50%.")
    cols[1].metric("Trigger recall, baseline", pct(_value(run, recs, "trigger_accuracy_baseline")),
                   help=f"The same for one net trained with full BPTT over all T steps ({where}).")
    length = _value(run, recs, "compressed_length")
    cols[2].metric("Compressed length", "–" if length is None else f"{length:.2f}",
                   help=f"Symbols per sequence that A failed to predict: C's whole input ({where}).")
    depth = snap.effective_depth_baseline if snap else None
    cols[3].metric("Baseline's gradient reach", "–" if depth is None else f"{depth} steps",
                   help="How far back the recall loss's gradient in the baseline stays above 1% of its size at the "
                        "recall step (on fixed test sequences).")
    chart(_sequence_stream_figure(snap), "chunker-deep-stream")
    st.caption(_events_caption(snap))
    left, right = st.columns(2)
    with left:
        chart(figs.paired_accuracy_figure(recs, [("trigger_accuracy", "chunker (A + C)", CHUNKER),
                                                 ("trigger_accuracy_baseline", "full-BPTT baseline", BASELINE)],
                                          "Trigger recall, A or B (training)"),
              "chunker-deep-accuracy")
    with right:
        chart(figs.net_losses_figure(recs, [("loss_a", "A (truncated BPTT)", AUTOMATIZER),
                                            ("loss_c", "C (compressed stream)", CHUNKER),
                                            ("loss_baseline", "baseline (full BPTT)", BASELINE)],
                                     "Losses per step"), "chunker-deep-losses", log_toggle=True)
    gradient, bars = st.tabs(["Gradient by depth", "Effective depth"], key="chunker-deep-tabs", on_change="rerun")
    if is_open(gradient):
        with gradient:
            chart(figs.gradient_depth_figure(snap.gradient_by_depth if snap else None, depth,
                                             snap.compressed_length if snap else None), "chunker-deep-gradient")
            st.caption("‖∂(recall loss)/∂h‖ of the baseline at each distance back from the recall step, relative to "
                       "the recall step (mean over 8 fixed test sequences). It shrinks by a factor at every step: "
                       "long before t = 0 no signal is left to teach the net to keep the trigger. Gaps: below "
                       "float64's range.")
    if is_open(bars):
        with bars:
            chart(figs.effective_depth_figure(snap.T if snap else None, depth,
                                              snap.compressed_length if snap else None), "chunker-deep-depth")
            st.caption(_fairness_caption(snap))


def _sequence_stream_figure(snap: ChunkerDeepSnapshot | None) -> go.Figure:
    title = "A's probability of each symbol, and the compressed stream"
    if snap is None:
        return figs.surprise_stream_figure(None, None, title=title)
    return figs.surprise_stream_figure(snap.sequence, snap.p_actual, snap.surprises, snap.threshold, snap.symbol_names,
                                       title=title)


def _events_caption(snap: ChunkerDeepSnapshot | None) -> str:
    if snap is None or not snap.symbol_names:
        return "A fixed test sequence, traced with the latest weights."
    names = snap.symbol_names
    events = ", ".join(f"{names[s]} at t = {p}" for p, s in zip(snap.event_positions, snap.event_symbols, strict=True))
    said = f" C's recall: {names[snap.recall_choice]} (trigger {names[snap.trigger]})."
    return f"A fixed test sequence of T = {snap.T} steps. C's whole input: {events}.{said}"


def _fairness_caption(snap: ChunkerDeepSnapshot | None) -> str:
    updates, seconds = (snap.updates, snap.seconds) if snap else (None, None)
    text = ("The lag to bridge, how far back the baseline's gradient reaches (1% rule), and the length of the "
            "compressed stream C learns from.")
    if updates and seconds:
        text += (f" So far A and C made {updates['chunker']:,} updates in {seconds['chunker']:.1f} s; the baseline "
                 f"{updates['baseline']:,} in {seconds['baseline']:.1f} s.")
    return text
