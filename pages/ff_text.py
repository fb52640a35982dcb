"""FF on text: next-character prediction on Tiny Shakespeare by goodness, and the layer kinds compared."""

import streamlit as st

from fflab.app.experiment_choice import choose_experiment
from fflab.app.lab import experiment_lab
from fflab.app.nav import ensure_frame, entry
from fflab.app.teaching import show_teaching
from fflab.app.views.catalog import VIEWS
from fflab.app.views.ff_text import prompt_panel
from fflab.catalog import get_experiment

ensure_frame()

EXPERIMENTS = {"ff-text": "FF on text", "layers": "Layer kinds: MLP, SSM, BPTT"}
NAMES = entry("ff_text").names  # URL slug -> experiment

st.title("Forward-Forward on text")
choice = choose_experiment(
    "ff_text", EXPERIMENTS, "Experiment",
    "FF on text: one net, live, with a sample and your own prompt. Layer kinds: FF on an MLP window, FF on "
    "state-space layers and that SSM by backprop through time, on one table. The choice is kept in the URL.",
)
name = NAMES[choice]
show_teaching(get_experiment(name))
experiment_lab(name, view=VIEWS[name])
if name == "ff-text":
    prompt_panel(name)
