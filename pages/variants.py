"""Variants & transfer: Forward-Forward beyond Hinton's recipe, and whether its features carry to a new task."""

import streamlit as st

from fflab.app.experiment_choice import choose_experiment
from fflab.app.lab import experiment_lab
from fflab.app.nav import ensure_frame
from fflab.app.teaching import show_teaching
from fflab.app.views.catalog import VIEWS
from fflab.catalog import get_experiment

ensure_frame()

EXPERIMENTS = {"cwc": "CwC-FF", "scff": "SCFF", "collab": "Layer collaboration", "dff": "Distance-Forward",
               "transfer": "Transfer", "efficiency": "Efficiency"}  # the URL slug is the experiment's name

st.title("Variants & transfer")
st.markdown(
    "Plain Forward-Forward is one recipe among several. Here: a convolutional variant that needs **no negative "
    "data**, and a test of a bold claim, that FF's features **transfer worse than a random network's**. "
    "Layer collaboration (`collab_gamma`), peer normalisation and the SymBa loss are options of the "
    "Forward-Forward page."
)
name = choose_experiment(
    "variants", EXPERIMENTS, "Experiment",
    "Which experiment to show. Each keeps its own settings and run; the choice is kept in the URL.",
)
show_teaching(get_experiment(name))
experiment_lab(name, view=VIEWS[name])
