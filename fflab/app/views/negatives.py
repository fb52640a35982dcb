"""The negative-strategy race view: tiles, a live ranking, and tabs of curves per strategy and example negatives."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, is_open, pct, snapshot_of
from fflab.ff.negatives.race import PUBLISHED_ACCURACY
from fflab.ff.negatives.snapshot import RaceSnapshot
from fflab.metric_names import metric
from fflab.runner import Run

TABS = ["Accuracy per strategy", "Goodness separation", "Negatives gallery", "Loss per strategy",
        "Final comparison"]


def negatives_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    run = runs.get(lab.experiment)
    if run is None:
        return
    race_records = records.get(lab.experiment, [])
    snapshot = snapshot_of(run, RaceSnapshot)
    strategies = list(snapshot.strategies if snapshot else run.spec.params.get("strategies") or ())
    seeds = int(run.spec.params.get("seeds", 1))
    final = run.final_metrics if run.status.terminal else {}
    ranking = figs.race_ranking(race_records, strategies, final, snapshot.seed_results if snapshot else ())
    _tiles(ranking, race_records, run, seeds, final)
    _ranking_table(ranking, seeds, final, snapshot)
    _tabs(race_records, strategies, snapshot, final, run)


def number(value: float | None, fmt: str = ".3g") -> str:
    """A value for the table: "–" when missing, "NaN" when the contestant diverged."""
    if value is None:
        return "–"
    return format(value, fmt) if math.isfinite(value) else "NaN"


def percent(value: float | None) -> str:
    return pct(value) if value is None or math.isfinite(value) else "NaN"


def _tiles(ranking: list[figs.RankingRow], records: list[dict], run: Run, seeds: int, final: Mapping) -> None:
    scored = [row for row in ranking if row.accuracy is not None and math.isfinite(row.accuracy)]
    leader = scored[0] if scored else None
    samples_per_s, elapsed = figs.throughput(records)
    current = figs.latest(records, "seed")
    seed_number = int(final.get("seeds_done", 0)) if final else (
        int(current - run.spec.seed) + 1 if current is not None else 1)
    cols = st.columns(5)
    cols[0].metric("Leader", pct(leader.accuracy if leader else None), delta=leader.strategy if leader else None,
                   delta_color="off", delta_arrow="off",
                   help="The strategy with the highest test accuracy, and its accuracy: "
                        + ("on the full test set, mean over seeds." if final else
                           "on the held-out samples, at the last evaluation."))
    spread = scored[0].accuracy - scored[-1].accuracy if len(scored) > 1 else None
    cols[1].metric("Best − worst", "–" if spread is None else f"{spread * 100:.1f} pp",
                   help="Test accuracy of the leader minus that of the last contestant, in percentage points.")
    cols[2].metric("Seed", f"{seed_number} of {seeds}",
                   help="Which repetition of the race is running (seed, seed + 1, ...); each starts afresh.")
    cols[3].metric("Samples/s", f"{samples_per_s:,.0f}",
                   help="Training samples per second, lately. Every contestant trains on each of them.")
    cols[4].metric("Elapsed", f"{elapsed:.1f} s", help="Time spent computing race steps (pauses not counted).")


def _ranking_table(ranking: list[figs.RankingRow], seeds: int, final: Mapping, snapshot: RaceSnapshot | None) -> None:
    rows = []
    for place, row in enumerate(ranking, start=1):
        entry: dict[str, Any] = {"rank": place, "strategy": row.strategy, "test accuracy": percent(row.accuracy)}
        if seeds > 1:
            entry["± std over seeds"] = "–" if row.std is None else f"{row.std * 100:.1f} pp"
        entry["separation"] = number(row.separation)
        entry["loss"] = number(row.loss)
        entry["behind the leader"] = _behind(row, place)
        rows.append(entry)
    with st.container(key="race-ranking"):
        st.markdown("**Ranking**")
        st.table(rows, hide_index=True)
    finished = len(snapshot.seed_results) if snapshot else 0
    if final:
        text = "Test accuracy on the full test set after training" + (", mean over seeds." if seeds > 1 else ".")
    else:
        eval_samples = snapshot.classifier.eval_samples if snapshot else "the"
        text = f"Test accuracy on {eval_samples} held-out samples at the last evaluation in the current seed."
        if seeds > 1:
            text += f" The std is over the {finished} seeds finished so far (it needs two)."
    st.caption(text + " Separation: mean goodness of positives minus negatives on the latest batch. A gap "
               "smaller than the seed std reads as noise: run several seeds before believing it.")


def _behind(row: figs.RankingRow, place: int) -> str:
    if place == 1:
        return "leader" if row.accuracy is not None and math.isfinite(row.accuracy) else "–"
    if row.gap is None:
        return "–"
    text = f"{row.gap * 100:.1f} pp"
    if row.within_spread is True:
        text += " (within the seed spread)"
    return text


def _per_seed(final: Mapping, snapshot: RaceSnapshot | None, strategies: Sequence[str]) -> dict[str, list[float]]:
    """Each finished seed's full-test accuracy per strategy; an ended race's mean when no seed finished."""
    results = snapshot.seed_results if snapshot else ()
    per_seed = {s: [r[s] for r in results if s in r] for s in strategies}
    for s in strategies:
        if not per_seed[s] and metric("test_accuracy", s) in final:
            per_seed[s] = [final[metric("test_accuracy", s)]]
    return per_seed


def _gallery(snapshot: RaceSnapshot | None, strategies: Sequence[str]) -> go.Figure:
    """Every contestant trains on the same positives, so the first contestant's go on top."""
    batches = {s: snapshot.examples[s] for s in strategies if s in snapshot.examples} if snapshot else {}
    if not batches:
        return figs.negatives_gallery_figure(None, None, {}, {}, strategies)
    first = next(iter(batches.values()))
    return figs.negatives_gallery_figure(
        first.positive_images, first.positive_labels, {s: b.negative_images for s, b in batches.items()},
        {s: b.negative_labels for s, b in batches.items()}, strategies, snapshot.classifier.image_shape)


def _tabs(records: list[dict], strategies: list[str], snapshot: RaceSnapshot | None, final: Mapping,
          run: Run) -> None:
    chance = snapshot.classifier.chance if snapshot else None
    accuracy, separation, gallery, loss, compare = st.tabs(TABS, key="race-tabs", on_change="rerun")
    if is_open(accuracy):
        with accuracy:
            chart(figs.race_accuracy_figure(records, strategies, chance), "chart-race-accuracy")
            st.caption("One line per strategy: held-out test accuracy at each evaluation. Every contestant saw "
                       "the same batches from the same starting weights, so the lines compare at every step.")
    if is_open(separation):
        with separation:
            chart(figs.separation_figure(records, strategies), "chart-race-separation")
            st.caption("How far each network's goodness on positives sits above its goodness on its own "
                       "negatives (mean over layers). Easy negatives separate fast; a large separation on easy "
                       "negatives does not mean good accuracy.")
    if is_open(gallery):
        with gallery:
            chart(_gallery(snapshot, strategies), "chart-race-gallery")
            helps = snapshot.strategy_help if snapshot else {}
            st.caption("From the latest batch. Top row: positives (the true label overlaid in the first pixels, "
                       "written in blue). Below each, the negative every strategy made from it, with the label "
                       "it carries (orange).")
            st.markdown("\n".join(f"- `{s}`: {helps[s]}" for s in strategies if s in helps))
    if is_open(loss):
        with loss:
            chart(figs.race_loss_figure(records, strategies), "chart-race-loss", log_toggle=True)
    if is_open(compare):
        with compare:
            mnist = (snapshot.classifier.dataset if snapshot else run.spec.params.get("dataset")) == "mnist"
            published = PUBLISHED_ACCURACY if mnist else None
            chart(figs.final_accuracy_figure(_per_seed(final, snapshot, strategies), strategies, published, chance),
                  "chart-race-final")
            st.caption("Bars: full-test accuracy, mean over the finished seeds (± std); circles: single seeds. "
                       + ("Diamonds: the numbers the koriyoshi2041/ff-negative-samples study published for MNIST "
                          "(1000 full-batch steps per layer; see the `published-table` preset)." if mnist else
                          "On MNIST, the published numbers show beside these."))
