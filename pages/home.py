"""Home: what the lab holds, where to go, which datasets are here, and the saved runs."""

import time

import streamlit as st

from fflab.app.nav import ENTRIES, RUNS, ensure_frame, page
from fflab.data import available_datasets

ensure_frame()

st.title("fflab")
st.markdown(
    "An interactive lab for **learning without end-to-end backpropagation**. Every experiment trains "
    "live in your browser: change a parameter and watch the curves answer.\n\n"
    "- **Forward-Forward** and its variants: each layer learns on its own, from positive and negative data.\n"
    "- **Negative-data strategies**: what the negatives are decides what the layers learn.\n"
    "- **Fast-weight memory**: remembering through quickly changing weights rather than activity.\n"
    "- **History compression**: a chunker passes up only what it failed to predict."
)

st.subheader("Pages")
for entry in ENTRIES:
    if entry.live:
        st.page_link(page(entry), label=f"**{entry.title}**: {entry.summary}", icon=entry.icon)
    else:
        st.page_link(page(entry), label=f"{entry.title} (coming): {entry.summary}", icon=entry.icon)

st.subheader("Datasets")
try:
    statuses = available_datasets()
except Exception as exc:  # a broken data directory must not take the home page down
    st.warning(f"Could not check the datasets: {type(exc).__name__}: {exc}")
    statuses = {}
for name, status in statuses.items():
    ready = status.startswith(("present", "ships"))
    st.markdown(f"{':material/check_circle:' if ready else ':material/download:'} **{name}**: {status}")
st.caption(
    "The digits ship with scikit-learn, so every preset named `digits-…` works offline. MNIST and "
    "Fashion-MNIST download (with checksum checks) the first time a run asks for them; offline, a run "
    "falls back to the digits and says so. `python -m fflab` also runs every experiment from a terminal."
)

st.subheader("Saved runs")
try:
    from fflab.store import RunStore
    from fflab.store.compare import headline
except ImportError:
    RunStore = None
if RunStore is None:
    st.caption("The run store is not part of this installation.")
else:
    try:
        store = RunStore()
        runs = store.list_runs()
    except Exception as exc:
        st.warning(f"Could not read the saved runs: {type(exc).__name__}: {exc}")
        runs = []
    if not runs:
        st.caption("No saved runs yet: finished, stopped and diverged runs are saved here.")
    else:
        st.page_link(page(RUNS), label=f"**{len(runs)} saved runs**: reopen one, or compare several on the Runs page",
                     icon=RUNS.icon)
        rows = []
        for run in runs[:10]:
            head = headline(run)
            rows.append({"id": run.id, "experiment": run.experiment, "preset": run.preset or "custom",
                         "status": run.status, "headline": f"{head[0]} {head[1]:.4g}" if head else "",
                         "saved": time.strftime("%Y-%m-%d %H:%M", time.localtime(run.created_at))})
        st.dataframe(rows, hide_index=True, width="stretch", key="saved-runs")
        chosen = st.selectbox("export a run's metric history", [run.id for run in runs[:200]], key="export-run",
                              format_func=lambda rid: next(f"run {r.id}: {r.experiment} / {r.preset or 'custom'}"
                                                           for r in runs if r.id == rid),
                              help="Every metric the run logged, one row per step, as CSV.")
        if chosen is not None:
            st.download_button("Download CSV", data=store.history_csv(chosen), file_name=f"fflab-run-{chosen}.csv",
                               mime="text/csv", key="export-csv")
