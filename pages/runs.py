"""Runs: the saved runs, reopened or compared."""

import streamlit as st

from fflab.app.nav import ensure_frame
from fflab.app.runs_page import render_runs_page

ensure_frame()

st.title("Runs")
st.markdown("Every finished, stopped or diverged run, from the pages and from `python -m fflab run`. **Open** "
            "reopens a run on its page with all its plots; choose several to overlay a metric.")
render_runs_page()
