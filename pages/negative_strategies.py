"""Negative strategies: a fair, live race between ways of making Forward-Forward's negative data."""

import streamlit as st

from fflab.app.lab import experiment_lab
from fflab.app.nav import ensure_frame
from fflab.app.teaching import show_teaching
from fflab.app.views.catalog import VIEWS
from fflab.catalog import get_experiment

ensure_frame()

st.title("Negative strategies")
show_teaching(get_experiment("negatives"))
experiment_lab("negatives", view=VIEWS["negatives"])
