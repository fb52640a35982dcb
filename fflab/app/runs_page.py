"""The Runs page: every saved run in a filterable table; choose several to overlay a metric, see what differs.

Each row links to the run reopened on its own page (`?run=`), where "start again
with these settings" is one press of Start. The overlay exports as CSV here and
as PNG from the chart's toolbar (drawn in the browser, nothing to install).
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Sequence

import streamlit as st

from fflab.app.nav import link_to_run
from fflab.app.views.common import chart
from fflab.figures.compare import overlay_figure
from fflab.store import RunStore, RunSummary
from fflab.store.compare import X_AXES, batch_size_of, differing_params, headline, metric_names, series

SHOWN = 500  # rows drawn at most (newest first)


def render_runs_page() -> None:
    try:
        store = RunStore()
        runs = store.list_runs()
    except Exception as exc:  # a broken store must not take the page down
        st.error(f"Could not read the saved runs: {type(exc).__name__}: {exc}")
        return
    if not runs:
        st.info("No saved runs yet. Finished, stopped and diverged runs from every page (and `python -m fflab "
                "run`) are saved here.")
        return
    shown = _filtered(runs)
    chosen = _table(shown)
    if not chosen:
        st.caption("Choose runs to overlay their curves and see which parameters differ.")
        return
    _compare(store, chosen)
    _delete(store, chosen)


def _filtered(runs: list[RunSummary]) -> list[RunSummary]:
    cols = st.columns([2, 2, 2])
    experiments = sorted({r.experiment for r in runs})
    picked = cols[0].multiselect("experiment", experiments, key="runs.experiments", placeholder="all")
    statuses = sorted({r.status for r in runs})
    status = cols[1].multiselect("status", statuses, key="runs.statuses", placeholder="all")
    text = cols[2].text_input("preset or note contains", key="runs.text", max_chars=80).strip().lower()
    return [r for r in runs
            if (not picked or r.experiment in picked) and (not status or r.status in status)
            and (not text or text in (r.preset or "").lower() or any(text in n.lower() for n in r.notes))][:SHOWN]


def _table(runs: list[RunSummary]) -> list[RunSummary]:
    rows = []
    for run in runs:
        head = headline(run)
        rows.append({
            "id": run.id,
            "experiment": run.experiment,
            "preset": run.preset or "custom",
            "status": run.status,
            "headline": head[0] if head else "",
            "value": head[1] if head else None,
            "seconds": round(run.elapsed_s, 1),
            "saved": time.strftime("%Y-%m-%d %H:%M", time.localtime(run.finished_at or run.created_at)),
            "open": link_to_run(run.experiment, run.group_key or str(run.id)),
        })
    st.dataframe(
        rows, hide_index=True, width="stretch", key="runs.table",
        column_config={
            "value": st.column_config.NumberColumn(format="%.4g", help="The experiment's headline metric."),
            "open": st.column_config.LinkColumn(display_text="open", help="Reopen the run on its page."),
        },
    )
    by_id = {run.id: run for run in runs}
    kept = [rid for rid in st.session_state.get("runs.compare", []) if rid in by_id]  # still shown
    st.session_state["runs.compare"] = kept
    picked = st.multiselect("compare", list(by_id), key="runs.compare", format_func=lambda rid: _label(by_id[rid]),
                            placeholder="choose runs to overlay", help="Runs shown in the table above.")
    return [by_id[rid] for rid in picked]


def _label(run: RunSummary) -> str:
    return f"{run.id} {run.experiment}/{run.preset or 'custom'}"


def _compare(store: RunStore, chosen: Sequence[RunSummary]) -> None:
    histories = {run.id: store.get(run.id).history for run in chosen}
    names = metric_names(list(histories.values()))
    if not names:
        st.warning("The chosen runs logged no metrics.")
        return
    cols = st.columns([3, 2, 2, 1])
    default = next((n for n in names if "accuracy" in n), names[0])
    metric = cols[0].selectbox("metric", names, index=names.index(default), key="runs.metric")
    axes = [x for x in X_AXES if x != "samples" or all(batch_size_of(r) for r in chosen)]
    x = cols[1].segmented_control("x axis", axes, default="step", key="runs.x",
                                  help="Samples = steps × the run's batch size (offered when every chosen run "
                                       "has one).") or "step"
    smoothing = cols[2].slider("smoothing", 0.0, 0.99, 0.0, 0.01, key="runs.smoothing",
                               help="Exponential moving average with debiasing, as TensorBoard's.")
    log_y = cols[3].toggle("log y", key="runs.log", help="For losses that span decades (and blow-ups).")
    curves = {_label(run): series(histories[run.id], metric, x, batch_size_of(run), smoothing) for run in chosen}
    if log_y and any(v <= 0 for _, ys in curves.values() for v in ys):
        st.caption("Values at or below zero are left out on a log axis.")
    chart(overlay_figure(curves, metric, X_AXES[x], log_y), "chart-runs-overlay",
          config={"toImageButtonOptions": {"format": "png", "filename": f"fflab-{metric}"}})
    st.download_button("Download these curves (CSV)", _csv(curves, x), file_name=f"fflab-{metric}.csv",
                       mime="text/csv", key="runs.csv")
    differs = differing_params(chosen)
    st.markdown("**Parameters that differ**" if differs else "The chosen runs share every parameter and seed.")
    if differs:
        st.dataframe([{"parameter": name, **{_label(r): str(v) for r, v in zip(chosen, values, strict=True)}}
                      for name, values in differs.items()], hide_index=True, width="stretch", key="runs.differs")


def _csv(curves: dict[str, tuple[list[float], list[float]]], x: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run", x, "value"])
    for label, (xs, ys) in curves.items():
        writer.writerows([label, xv, yv] for xv, yv in zip(xs, ys, strict=True))
    return out.getvalue()


def _delete(store: RunStore, chosen: Sequence[RunSummary]) -> None:
    with st.expander(f"Delete the {len(chosen)} chosen run" + ("s" if len(chosen) > 1 else "")):
        sure = st.checkbox("Yes, delete them from the store for good", key="runs.sure")
        if st.button("Delete", key="runs.delete", disabled=not sure, type="primary"):
            for run in chosen:
                store.delete(run.id)
            st.session_state.pop("runs.sure", None)
            st.toast(f"Deleted {len(chosen)} run" + ("s" if len(chosen) > 1 else ""))
            st.rerun()
