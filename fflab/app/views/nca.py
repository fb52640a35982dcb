"""The live view of `nca`: both rules' grids growing side by side, a damage button, regrowth, curves, weights."""

from __future__ import annotations

import streamlit as st

from fflab import figures as figs
from fflab.app.url_state import LabState
from fflab.app.views.common import chart, is_open, snapshot_of
from fflab.figures.nca import final_errors_figure, grids_figure, rule_label, update_weights_figure
from fflab.metric_names import metric
from fflab.nca.experiment import NCASnapshot
from fflab.nca.params import RULES
from fflab.params import ParamError
from fflab.runner import Run

DAMAGE = "damage"


def _damage(runs: dict[str, Run], lab: LabState) -> None:
    """Button callback: send `damage` to every going run; each one sent is one damage.

    The sidebar's widget is left alone: it is outside the live fragment, so its browser copy would not see a new
    value and would send the old one back as a change (a second damage)."""
    value = lab.values.get(DAMAGE, 0)
    for run in runs.values():
        if not run.status.terminal:
            try:
                run.set_params(**{DAMAGE: value})
            except ParamError as exc:
                lab.messages.append(("error", str(exc)))


def _regrow_text(snap: NCASnapshot | None, index: int) -> str:
    if snap is None or snap.steps_since_damage is None:
        return "–"
    steps = snap.regrow_steps[index]
    return f"{steps} steps" if steps is not None else f"regrowing ({snap.steps_since_damage})"


def nca_view(runs: dict[str, Run], records: dict[str, list[dict]], lab: LabState) -> None:
    run = runs.get(lab.experiment)
    if run is None:
        return
    recs = records.get(lab.experiment, [])
    snap = snapshot_of(run, NCASnapshot)
    rules = snap.rules if snap is not None else list(RULES[run.spec.params["rule"]])
    final = run.final_metrics if run.status.terminal else {}
    cols = st.columns(2 * len(rules))
    for i, rule in enumerate(rules):
        key = metric("target_mse", rule)
        value = final.get(key, figs.latest(recs, metric("grid_mse", rule)))
        cols[2 * i].metric(f"Target MSE ({rule})", "–" if value is None else f"{value:.4f}",
                           help="RGBA mean squared error against the target: of the live grid while the run goes; "
                                "once it ends, of grids grown from the seed for eval_steps (several, averaged).")
        cols[2 * i + 1].metric(f"Steps to regrow ({rule})", _regrow_text(snap, i),
                               help="Automaton steps after the latest damage until the live grid's error is back "
                                    "within 10% of the jump the damage caused.")
    left, right = st.columns([1, 3])
    left.button("Damage", key="nca-damage", icon=":material/healing:", disabled=run.status.terminal,
                on_click=_damage, args=(runs, lab),
                help="Erase the same random disc (radius damage_radius) in every live grid and watch them regrow.")
    if snap is not None:
        blowups = (f" They blew up (values past float range) and restarted {snap.blowups} time(s): the rule is "
                   "unstable this far past its training length." if snap.blowups else "")
        every = run.spec.params.get("restart_after")
        schedule = f"they restart every {every} steps" if every else "no scheduled restart: restart_after is 0"
        right.caption(f"Live grids at step {snap.grid_age} since the seed ({schedule}); "
                      f"{snap.damages} damage(s) so far.{blowups}")
    damage_radius = run.spec.params.get("damage_radius")
    chart(grids_figure(snap.grids if snap else None, rules, snap.target if snap else None,
                       snap.grid_mse if snap else None, snap.grid_age if snap else None,
                       snap.damage_centre if snap and snap.steps_since_damage is not None else None,
                       damage_radius), "nca-grids")
    curves, weights, errors = st.tabs(["Loss curves", "Update weights", "Final errors"], key="nca-tabs",
                                      on_change="rerun")
    if is_open(curves):
        with curves:
            lines = [(metric("loss", rule), rule_label(rule)) for rule in rules]
            chart(figs.metric_lines_figure(recs, lines, "Training loss (RGBA MSE of the trained batch)",
                                           y_title="MSE"), "nca-loss", log_toggle=True)
            grid_lines = [(metric("grid_mse", rule), rule_label(rule)) for rule in rules]
            chart(figs.metric_lines_figure(recs, grid_lines, "Live grid against the target", y_title="MSE"),
                  "nca-grid-mse")
            if "ff" in rules:
                goodness = [(metric("goodness_pos", "ff"), "positive"), (metric("goodness_neg", "ff"), "negative")]
                chart(figs.metric_lines_figure(recs, goodness, "FF perceive layer: goodness of the neighbourhoods",
                                               y_title="mean square activity"), "nca-goodness")
    if is_open(weights):
        with weights:
            chart(update_weights_figure(snap.update_weights if snap else None, rules), "nca-weights")
            st.caption("Rows: the 16 channels a cell changes (R, G, B, alpha, then the 12 hidden ones); columns: "
                       "the 128 hidden units. Both start at zero; a bright column is a unit that moves many "
                       "channels at once.")
    if is_open(errors):
        with errors:
            chart(final_errors_figure(final, rules), "nca-final")
            if final:
                seconds = ", ".join(f"{rule} {final.get(metric('train_seconds', rule), 0.0):.0f} s" for rule in rules)
                st.caption(f"Training time: {seconds}.")
