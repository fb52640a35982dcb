"""An experiment page's working parts: preset and parameters in the sidebar, controls, live view.

`experiment_lab("ff")` draws everything below the page's own title and
explanations; pages stay thin.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from fflab.app.controls import apply_live_change, remember_page, render_settings, roles
from fflab.app.engine import get_engine
from fflab.app.live import View, render_live
from fflab.app.param_panel import load_values, render_param_panel
from fflab.app.plain_text import plain
from fflab.app.reattach import reattach
from fflab.app.url_state import LabState, get_lab, preset_values, sync_url
from fflab.catalog import get_experiment
from fflab.experiment import Experiment


def experiment_lab(name: str, baseline: str | None = None, view: View | None = None) -> None:
    """`view` draws the live figures (default: the experiment's own, from `fflab.app.views.catalog.VIEWS`)."""
    exp_cls = get_experiment(name)
    engine = get_engine()
    lab = get_lab(exp_cls, baseline)
    reattach(engine, lab)
    locked = engine.any_live(roles(lab))
    with st.sidebar:
        _preset_picker(exp_cls, lab, locked)
        st.subheader("Parameters")
        render_param_panel(
            exp_cls.name, exp_cls.params, lab.values, lab.text_errors, locked,
            on_change=lambda pname: lab.url_errors.pop(pname, None),
            on_live_change=lambda pname, value: apply_live_change(engine, lab, pname, value),
            preset_name=lab.preset, preset_sets=_preset_sets(exp_cls, lab.preset),
        )
        if locked:
            st.caption("Greyed-out parameters cannot change while a run is going; stop it first.")
    _messages(lab)
    remember_page(engine, lab)
    if view is None:
        from fflab.app.views.catalog import VIEWS
        from fflab.app.views.forward_forward import classifier_view

        view = VIEWS.get(name, classifier_view)
    render_settings(engine, lab)
    render_live(engine, lab, view)
    sync_url(exp_cls, lab)


def _preset_picker(exp_cls: type[Experiment], lab: LabState, locked: bool) -> None:
    if not exp_cls.presets:
        return
    key = f"{exp_cls.name}.preset"
    if key not in st.session_state:
        st.session_state[key] = lab.preset
    chosen = exp_cls.presets.get(st.session_state[key])
    st.selectbox("preset", list(exp_cls.presets), key=key, disabled=locked, on_change=_load_preset,
                 args=(exp_cls, lab, key), help=chosen.describe() if chosen else "Named parameter sets.")
    if chosen is not None:
        st.caption(chosen.describe())


def _preset_sets(exp_cls: type[Experiment], preset: str | None) -> dict[str, Any]:
    """The values the preset sets (resolved), for the help texts; the rest are the defaults."""
    chosen = exp_cls.presets.get(preset) if preset else None
    if chosen is None:
        return {}
    return {name: value for name, value in preset_values(exp_cls, preset).items() if name in chosen.values}


def _load_preset(exp_cls: type[Experiment], lab: LabState, key: str) -> None:
    lab.preset = st.session_state[key]
    lab.values = preset_values(exp_cls, lab.preset)
    lab.url_errors.clear()
    lab.text_errors.clear()
    load_values(exp_cls.name, exp_cls.params, lab.values)


def _messages(lab: LabState) -> None:
    """URL problems, until fixed or dismissed (a callback's one-off messages show under the controls)."""
    while lab.url_warnings:  # shown once
        st.warning(plain(lab.url_warnings.pop(0)))
    spec = get_experiment(lab.experiment).params
    for name, text in lab.url_errors.items():
        shown = f"; showing {spec[name].to_text(lab.values[name])} instead" if name in spec else ""
        st.error(plain(f"{text}{shown}. Change it to start."), icon=":material/error:")
    if lab.url_errors:
        st.button("Use the values shown", key=f"{lab.experiment}.accept-url", on_click=_accept_url, args=(lab,),
                  help="Dismiss the problems from the link and keep the values now in the widgets.")


def _accept_url(lab: LabState) -> None:
    lab.url_errors.clear()

