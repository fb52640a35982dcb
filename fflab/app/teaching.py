"""Draw an experiment's teaching text (`Experiment.teaching`): what it does and what to watch, its sources,
the longer explanations and fidelity notes in expanders. Pages loop over experiments with it."""

from __future__ import annotations

import streamlit as st

from fflab.experiment import Experiment, Teaching


def teaching_of(exp: type[Experiment] | Teaching) -> Teaching | None:
    return exp if isinstance(exp, Teaching) else exp.teaching


def show_teaching(exp: type[Experiment] | Teaching, sources: bool = True) -> None:
    """What it does and what to watch (markdown), the sources caption (unless the page shows it once for
    several experiments: `sources=False`), then `more` and `fidelity`, each in a closed expander."""
    teaching = teaching_of(exp)
    if teaching is None:
        return
    st.markdown(teaching.text())
    if sources:
        show_sources(teaching)
    if teaching.more:
        with st.expander(teaching.more_title):
            st.markdown(teaching.more)
    if teaching.fidelity:
        with st.expander(teaching.fidelity_title):
            st.markdown(teaching.fidelity)


def show_sources(exp: type[Experiment] | Teaching) -> None:
    teaching = teaching_of(exp)
    if teaching is not None:
        st.caption(teaching.caption())
