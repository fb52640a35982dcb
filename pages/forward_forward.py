"""Forward-Forward: train each layer on its own, without backpropagating through the net."""

import streamlit as st

from fflab.app.lab import experiment_lab
from fflab.app.nav import ensure_frame
from fflab.app.teaching import show_teaching
from fflab.app.views.catalog import VIEWS
from fflab.catalog import get_experiment

ensure_frame()

st.title("Forward-Forward")
show_teaching(get_experiment("ff"))
experiment_lab("ff", baseline="bp", view=VIEWS["ff"])
