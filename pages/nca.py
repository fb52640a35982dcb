"""Growing neural cellular automata: one rule per cell grows a picture, learned by backprop through time or by FF."""

import streamlit as st

from fflab.app.lab import experiment_lab
from fflab.app.nav import ensure_frame
from fflab.app.teaching import show_teaching
from fflab.app.views.catalog import VIEWS
from fflab.catalog import get_experiment

ensure_frame()

NAME = "nca"

st.title("Growing cellular automata")
show_teaching(get_experiment(NAME))
experiment_lab(NAME, view=VIEWS[NAME])
