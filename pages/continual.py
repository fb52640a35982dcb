"""Continual learning: tasks arrive one after another; who forgets?"""

import streamlit as st

from fflab.app.experiment_choice import choose_experiment
from fflab.app.lab import experiment_lab
from fflab.app.nav import ensure_frame, entry
from fflab.app.teaching import show_teaching
from fflab.app.views.catalog import VIEWS
from fflab.catalog import get_experiment

ensure_frame()

EXPERIMENTS = {"continual": "Digits, task by task", "text": "Shakespeare, part by part"}
NAMES = entry("continual").names  # URL slug -> experiment

st.title("Continual learning")
choice = choose_experiment(
    "continual", EXPERIMENTS, "Stream",
    "What arrives in order: Split-MNIST or Permuted MNIST (digits), or Tiny Shakespeare cut into consecutive "
    "parts (text). Each keeps its own settings and run; the choice is kept in the URL.",
)
name = NAMES[choice]
show_teaching(get_experiment(name))
experiment_lab(name, view=VIEWS[name])
