"""The efficiency view: FF's cost next to backprop's, in time to a target and in activation memory per depth."""

from __future__ import annotations

import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import byte_size, chart, pct, study_state
from fflab.metric_names import metric
from fflab.runner import Run
from fflab.studies.efficiency.snapshot import EfficiencySnapshot

PHASES = {
    "memory": "measuring one training step's memory at each depth",
    "parallel": "timing layer-parallel FF against one layer after another",
    "race": "racing FF and backprop to the target accuracy",
    "done": "done",
}


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def efficiency_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    run = runs.get(lab.experiment)
    if run is None:
        return
    snap, final = study_state(run, EfficiencySnapshot, PHASES)
    _tiles(snap)
    left, right = st.columns(2)
    with left:
        chart(figs.accuracy_vs_time_figure(_evaluations(snap), snap.target if snap else None,
                                           snap.time_to_target if snap else None), "chart-efficiency-accuracy")
    with right:
        chart(figs.memory_by_depth_figure(snap.depths if snap else [], snap.activation_bytes if snap else {},
                                          snap.cuda_peak_bytes if snap else None), "chart-efficiency-memory")
    left, right = st.columns([2, 3])
    with left:
        chart(figs.time_ratio_figure(snap.seconds_per_epoch if snap else {}, snap.time_to_target if snap else None),
              "chart-efficiency-ratio")
    with right:
        _table(snap, final)
    st.caption("Memory: the peak bytes autograd holds for backward during one training step (parameters left out), "
               "measured with saved-tensor hooks, so it is the same on every machine; on a GPU the dotted lines add "
               "the allocator's peak. Time: training steps only, evaluations not counted.")


def _evaluations(snap: EfficiencySnapshot | None) -> dict[str, list[tuple[float, float, float]]]:
    """Per racing net, (training seconds, test accuracy, samples seen) at each evaluation."""
    if snap is None:
        return {}
    return {name: list(zip(curve.seconds, curve.accuracy, curve.samples, strict=True))
            for name, curve in snap.curves.items()}


def _tiles(snap: EfficiencySnapshot | None) -> None:
    per_epoch = snap.seconds_per_epoch if snap else {}
    reached = snap.time_to_target if snap else {}
    depths = snap.depths if snap else ()
    memory = snap.activation_bytes if snap else {}
    speedup, threads = (snap.parallel.speedup, snap.parallel.threads) if snap else (None, 0)
    cols = st.columns(4)
    cols[0].metric("FF ÷ backprop, per epoch",
                   _ratio(per_epoch["ff"] / per_epoch["bp"] if per_epoch.get("bp") and "ff" in per_epoch else None),
                   help="FF's training seconds per pass over the training set, divided by backprop's.")
    cols[1].metric("FF ÷ backprop, to the target",
                   _ratio(reached["ff"] / reached["bp"] if reached.get("bp") and "ff" in reached else None),
                   help="Training seconds until the test accuracy first reached the target, FF's over backprop's "
                        "('–' until both have reached it).")
    deepest = depths[-1] if depths else None
    ratio = memory["bp"][-1] / max(1, memory["ff"][-1]) if deepest is not None else None
    cols[2].metric(f"Activations bp ÷ FF{f', {deepest} layers' if deepest else ''}", _ratio(ratio),
                   help="Peak activation memory of one backprop step over one layer-by-layer FF step, at the "
                        "deepest depth measured. Above 1: FF needs less.")
    cols[3].metric("Layer-parallel FF speed-up", _ratio(speedup),
                   help="Time of the layer pipeline run one layer after another, over the same pipeline with one "
                        f"thread per layer ({threads:.0f} intra-op thread each). Below 1: "
                        "concurrency cost more than it gave.")


def _table(snap: EfficiencySnapshot | None, final: dict[str, float]) -> None:
    per_epoch = snap.seconds_per_epoch if snap else {}
    reached = snap.time_to_target if snap else {}
    curves = snap.curves if snap else {}
    rows = []
    for name, label in (("ff", "FF"), ("bp", "backprop")):
        curve = curves.get(name)
        accuracy = final.get(metric("test_accuracy", name))
        if accuracy is None and curve is not None and curve.accuracy:
            accuracy = curve.accuracy[-1]
        samples = final.get(metric("samples_to_target", name))
        if samples is None and name in reached and curve is not None:
            samples = curve.samples[curve.seconds.index(reached[name])]
        rows.append({
            "net": label,
            "s / epoch": f"{per_epoch[name]:.3f}" if name in per_epoch else "–",
            "time to target": f"{reached[name]:.2f} s" if name in reached else "not reached",
            "samples to target": f"{samples:,.0f}" if samples is not None else "–",
            "test accuracy": pct(accuracy),
        })
    st.dataframe(rows, hide_index=True, key="table-efficiency-race")
    depths = snap.depths if snap else ()
    memory = snap.activation_bytes if snap else {}
    if depths:
        st.dataframe(
            [{"layers": d, **{name: byte_size(memory[name][i]) for name in ("ff", "ff_summed", "bp") if name in memory}}
             for i, d in enumerate(depths)],
            hide_index=True, key="table-efficiency-memory",
        )
    if final:
        st.caption("Test accuracy on the whole test set, after training; time to target on the evaluation subset.")
